"""The plan: clusters, districts, special zones and the published figures, in one object.

:class:`Plan` is what every other layer works on. :func:`load_plan` builds it from the
bundled catalogue (``geodata/clusters.csv``) or from the user's files, places clusters
that are known only by their commune or district, and gives every cluster whose area is
published but whose outline is not an *indicative footprint*: a circle of exactly its
declared area, centred on the best location known, and marked ``indicative`` wherever it
appears (:mod:`planning.model.placement`, :mod:`planning.model.footprints`). Hoa Lac
Hi-Tech Park gets one too until a surveyed polygon is supplied. The layers a load reads
are gathered by :mod:`planning.model.inputs`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from os import PathLike
from pathlib import Path
from typing import TYPE_CHECKING

from planning.errors import PlanDataError
from planning.i18n import Message, join_messages, message
from planning.model.inputs import (
    ClusterInput,
    ReadOptions,
    Upstream,
    bundled_clusters,
    context_parks,
    district_layer,
    units_2025_layer,
    user_clusters,
    zone_layer,
)
from planning.schema import CLUSTER_COLUMNS, CLUSTER_DEFAULTS, GEOMETRY_KINDS
from planning.settings import WGS84
from planning.sources.fetch import Progress
from planning.text.names import nfc

if TYPE_CHECKING:
    import geopandas as gpd
    import pandas as pd

    from planning.model.manifest import Manifest
    from planning.readers.sheet_rows import StatedTotal

__all__ = ["Plan", "finish_clusters", "load_plan"]

PathType = str | PathLike[str]


@dataclass
class Plan:
    """An industrial-cluster plan as checked geodata.

    Attributes
    ----------
    clusters
        One row per cluster, EPSG:4326, columns :data:`planning.schema.CLUSTER_COLUMNS` plus ``geometry``,
        ``measured_ha`` (geodesic) and ``measured_ha_vn2000`` (planar, EPSG:5897), and
        from :func:`load_plan` the 2025 commune or ward
        (:data:`planning.model.units2025.UNIT_2025_COLUMNS`).
    districts
        The 30 district-level units (2014-2025 structure), EPSG:4326, with
        ``district_code``, ``district_vi``, ``district_type``, ``district_en``,
        ``measured_ha``.
    zones
        Special zones (Hoa Lac Hi-Tech Park): ``zone_id``, ``name_vi``, ``name_en``,
        ``declared_ha``, ``geometry_kind``, ``location_precision``, ``source_url``,
        ``measured_ha``, ``geometry``.
    manifest
        The published figures, with sources.
    complete
        Whether ``clusters`` claims to list every cluster of the plan. The bundled
        catalogue does not; a user's file does unless loaded with ``complete=False``.
    name
        A label for reports.
    inputs
        The files each layer came from (``"bundled"`` for the project's own data).
    used_sources
        Keys of :data:`planning.sources.registry.SOURCES` whose data the plan holds.
    stated_totals
        Total rows of the user's spreadsheets (:class:`planning.readers.sheet_rows.StatedTotal`),
        checked by rule TOT001; never loaded as clusters.
    facts
        What each source reported about each cluster (``geodata/cluster_facts.csv``, see
        :func:`planning.model.catalogue.read_facts`) for the bundled catalogue; None otherwise.
    reader_notes
        What the reader decided about the user's files (encoding detected and its
        confidence, header line, ids assigned by row, columns ignored, rows skipped,
        CRS repairs), one sentence each, naming the file; empty for the bundled data.
    industrial_parks
        Context layer: the industrial parks (KCN) of OpenStreetMap inside the districts,
        EPSG:4326, columns ``park_id`` (OSM way id), ``name``, ``area_ha`` (geodesic),
        ``source`` (the way's URL), ``geometry``
        (:func:`planning.sources.industrial_parks.load_industrial_parks`); None when not
        loaded. Not part of the plan: shown for context, and rule CTX001 lists clusters on one.
    context_notes
        What loading the context layers gave: features kept and dropped, or why a layer
        was skipped; one sentence each.
    """

    clusters: gpd.GeoDataFrame
    districts: gpd.GeoDataFrame
    zones: gpd.GeoDataFrame
    manifest: Manifest
    complete: bool = False
    name: str = "Hanoi CCN plan (bundled catalogue)"
    inputs: dict[str, str] = field(default_factory=dict)
    used_sources: tuple[str, ...] = ()
    stated_totals: tuple[StatedTotal, ...] = ()
    facts: pd.DataFrame | None = None
    reader_notes: list[str] = field(default_factory=list)
    industrial_parks: gpd.GeoDataFrame | None = None
    context_notes: list[str] = field(default_factory=list)

    @property
    def indicative(self) -> pd.Series:
        """Boolean mask of clusters whose geometry is an indicative footprint."""
        return self.clusters["geometry_kind"].eq("indicative")

    def attributions(self) -> list[str]:
        """Return one line per data source shown by this plan, for footers and maps.

        Returns
        -------
        list of str
            Geodata attributions (with licence), then the plan's figures' sources.
        """
        from planning.sources.registry import attribution_line

        lines = [attribution_line(k) for k in self.used_sources]
        m = self.manifest
        figure_sources = sorted({f.source for f in m.figures.values() if f.source})
        for key in figure_sources:
            src = m.sources[key]
            if key.startswith("ocha"):
                continue
            tag = "" if src.verified else message(" [UNVERIFIED]")
            lines.append(message("Plan figures: {citation}{tag}", citation=src.citation(), tag=tag))
        if len(self.clusters):
            n_src = self.clusters["source_url"].replace("", None).dropna().nunique()
            where = self.inputs.get("clusters", message("bundled"))
            if n_src:
                lines.append(
                    message(
                        "Cluster facts: {where} (each row names its source; {n} distinct URLs)",
                        where=where,
                        n=n_src,
                    )
                )
            else:
                lines.append(message("Cluster facts: {where} (no source URLs given)", where=where))
        return lines

    def notes(self) -> list[str]:
        """Return the caveats every report and map must carry.

        Returns
        -------
        list of str
            Plain sentences: indicative footprints, partial coverage, district structure.
        """
        out = self._geometry_notes()
        if not self.complete:
            out.append(self._partial_note())
        out.append(
            message(
                "Districts are the 30 units of the 2014-2025 structure that the plan uses; "
                "Viet Nam abolished the district level in 2025."
            )
        )
        out.extend(self.context_notes)
        if "commune_2025" in self.clusters.columns:
            out.append(
                message(
                    "The 2025 commune or ward of each cluster (126 units in force from 1 July "
                    "2025) is the one holding its location; clusters known only to their "
                    "district have none."
                )
            )
        return out

    def _geometry_notes(self) -> list[str]:
        """Return the notes on geometries that are not measurements: footprints and points."""
        out: list[str] = []
        ind = self.clusters.loc[self.indicative]
        if len(ind):
            precision = ind["location_precision"].fillna("").astype(str)
            where = _indicative_centres(precision.value_counts().to_dict())
            out.append(
                message(
                    "{n} cluster footprint(s) are INDICATIVE: circles of the declared area "
                    "{where}, not surveyed boundaries; their areas are not measurements.",
                    n=len(ind),
                    where=where,
                )
            )
        n_pt = int(self.clusters["geometry_kind"].eq("point").sum())
        if n_pt:
            out.append(
                message(
                    "{n} cluster(s) have no published area and are shown as locations only.",
                    n=n_pt,
                )
            )
        if len(self.zones) and self.zones["geometry_kind"].eq("indicative").any():
            out.append(
                message(
                    "The Hoa Lac Hi-Tech Park footprint is INDICATIVE: a circle of its published "
                    "area inside its six host communes, not its boundary."
                )
            )
        return out

    def _partial_note(self) -> str:
        """Return the note that the cluster list is partial (how many of the plan's total)."""
        total = self.manifest.figures.get("total_clusters")
        total_n = int(total.value) if total else "?"
        if self.inputs.get("clusters", "bundled").startswith("bundled"):
            return message(
                "The cluster list is partial: {n} of {total} planned clusters, from "
                "public reports; the decision's appendix was not available.",
                n=len(self.clusters),
                total=total_n,
            )
        return message(
            "The cluster list is partial: {n} of {total} planned clusters.",
            n=len(self.clusters),
            total=total_n,
        )

    def with_clusters(self, clusters: gpd.GeoDataFrame, *, complete: bool | None = None) -> Plan:
        """Return a copy of the plan with another clusters layer (areas recomputed).

        Parameters
        ----------
        clusters
            A clusters layer with the columns of :data:`planning.schema.CLUSTER_COLUMNS` and a CRS.
        complete
            Whether it lists the whole plan; unchanged when None.

        Returns
        -------
        Plan
            The new plan.
        """
        from planning.geo.area import add_areas

        cl = finish_clusters(clusters.copy(), path=None)
        inputs = dict(self.inputs)
        if inputs.get("clusters", "bundled").startswith("bundled"):
            # not the catalogue
            inputs["clusters"] = message("clusters given to `Plan.with_clusters`")
        return replace(
            self,
            clusters=add_areas(cl),
            complete=self.complete if complete is None else complete,
            inputs=inputs,
        )


def _indicative_centres(by_precision: dict[str, int]) -> Message:
    """Say where indicative footprints are centred, from their ``location_precision`` counts."""
    at_unit = {
        "commune": message("commune"),
        "2025 commune": message("2025 commune"),
        "district": message("district"),
    }
    units = [at_unit[p] for p in at_unit if by_precision.get(p)]
    parts: list[Message] = []
    if units:
        n_unit = sum(by_precision.get(p, 0) for p in at_unit)
        parts.append(
            message(
                "at the representative point of their {units} ({n})",
                units=join_messages(units, sep=" / "),
                n=n_unit,
            )
        )
    n_source = by_precision.get("source point", 0)
    if n_source:
        parts.append(message("at a point a source published ({n})", n=n_source))
    n_given = sum(n for p, n in by_precision.items() if p not in at_unit and p != "source point")
    if n_given:
        parts.append(message("at the coordinates given in the input ({n})", n=n_given))
    return join_messages(parts, sep="; ") if parts else message("at the location given")


def load_plan(
    *cluster_files: PathType,
    manifest: PathType | None = None,
    catalogue: PathType | None = None,
    districts: PathType | None = None,
    zones: PathType | None = None,
    complete: bool | None = None,
    mirror: PathType | None = None,
    fix: bool = False,
    crs: str | None = None,
    encoding: str | None = None,
    sheet: str | int | None = None,
    progress: Progress | None = None,
    industrial_parks: bool = True,
) -> Plan:
    """Build a :class:`Plan` from the bundled data or from the user's files.

    Parameters
    ----------
    *cluster_files
        The user's cluster layers (any format :func:`planning.readers.read_layer` reads);
        their rows are concatenated. Without any, the bundled catalogue is used.
    manifest
        A plan manifest (TOML); the bundled one by default.
    catalogue
        A catalogue CSV to use instead of the bundled one (ignored with ``cluster_files``).
    districts
        A district layer to use instead of the OCHA COD-AB 2020 boundaries.
    zones
        A zones layer (for example a surveyed Hoa Lac polygon) to use instead of the
        indicative footprint.
    complete
        Whether the clusters list the whole plan. Default: False for the bundled
        catalogue (it says so), True for the user's files.
    mirror
        An offline mirror directory of the upstream geodata.
    fix
        Repair invalid geometries in the user's files (``make_valid``).
    crs
        The CRS of user files that lack one (``"EPSG:5897"``).
    encoding
        The text encoding of user DBF/CSV files (``"tcvn3"``, ``"vni"``, ``"cp1258"`` …);
        detected when None.
    sheet
        The sheet of user Excel workbooks: its name, its number counting from 1 as text
        (``"2"``), or a 0-based int. Default: the first sheet holding a cluster table.
    progress
        Called as ``progress(stage, done, total)`` during long steps: downloads, the first
        run's conversion of the commune layer (11-14 s), the indicative footprints of a
        large points table; the command line draws it as a bar.
    industrial_parks
        Load the industrial parks of OpenStreetMap inside the districts as a context layer
        (:attr:`Plan.industrial_parks`). When the download can be neither found nor
        fetched (offline without a mirror), the plan has none and a note says why: this is
        never an error.

    Returns
    -------
    Plan
        The plan, with ``measured_ha`` on every layer, and what the reader decided about
        the user's files in ``reader_notes``.

    Raises
    ------
    PlanDataError
        If a file is unreadable or a row is wrong (the message names file, row, field).
    GeodataUnavailable
        If the district or commune layer can be neither downloaded nor found.
    """
    from planning.geo.area import add_areas
    from planning.model.manifest import load_manifest

    man = load_manifest(Path(manifest) if manifest is not None else None)
    options = ReadOptions(fix=fix, crs=crs, encoding=encoding, sheet=sheet)
    upstream = Upstream(mirror=mirror, progress=progress)
    dist = add_areas(district_layer(districts, options, upstream))
    units_2025 = units_2025_layer(mirror, upstream)
    if cluster_files:
        part = user_clusters(cluster_files, dist, options, upstream, units_2025=units_2025)
    else:
        part = bundled_clusters(catalogue, dist, man, upstream)
    clusters = _finished_clusters(part, units_2025)
    if complete is not None:
        part = replace(part, complete=complete)
    zone_layer_ = zone_layer(zones, man, options, upstream)
    parks, context_notes = (None, []) if not industrial_parks else context_parks(dist, mirror)
    if parks is not None:
        upstream.used.append("osm-industrial-parks")
    return Plan(
        clusters=add_areas(clusters),
        districts=dist,
        zones=add_areas(zone_layer_),
        manifest=man,
        complete=part.complete,
        name=part.name,
        inputs=_inputs(part, zones=zones, districts=districts),
        used_sources=tuple(dict.fromkeys(upstream.used)),
        stated_totals=part.totals,
        facts=part.facts,
        reader_notes=list(
            dict.fromkeys(n if isinstance(n, str) else str(n) for n in upstream.notes)
        ),
        industrial_parks=parks,
        context_notes=context_notes,
    )


def _finished_clusters(part: ClusterInput, units_2025: gpd.GeoDataFrame | None) -> gpd.GeoDataFrame:
    """Return the load's clusters in canonical form, with their 2025 unit when that layer is had."""
    from planning.model.units2025 import add_units_2025

    clusters = finish_clusters(part.clusters, path=part.inputs["clusters"])
    if units_2025 is not None:
        clusters = add_units_2025(clusters, units_2025)
    return clusters


def _inputs(
    part: ClusterInput, *, zones: PathType | None, districts: PathType | None
) -> dict[str, str]:
    """Return the file each layer came from (:attr:`Plan.inputs`): clusters, zones, districts."""
    inputs = dict(part.inputs)
    if zones is not None:
        inputs["zones"] = str(zones)
    inputs["districts"] = (
        str(districts) if districts is not None else "OCHA COD-AB 2020 (downloaded)"
    )
    return inputs


def finish_clusters(clusters: gpd.GeoDataFrame, *, path: PathType | None) -> gpd.GeoDataFrame:
    """Return a clusters layer in the canonical form (shared with :mod:`planning.partitioned`).

    The layer is moved to EPSG:4326, missing columns get their defaults, text is NFC and the
    columns are put in the order of ``CLUSTER_COLUMNS`` (extra columns follow, areas dropped).

    Parameters
    ----------
    clusters
        A clusters layer (any CRS); modified in place, so pass a copy.
    path
        The file it came from, named in errors.

    Returns
    -------
    geopandas.GeoDataFrame
        The canonical layer, with a fresh index.

    Raises
    ------
    CRSError
        If the layer has no CRS.
    PlanDataError
        If a ``geometry_kind`` is not one of ``GEOMETRY_KINDS``.
    """
    import geopandas as gpd
    import pandas as pd

    if clusters.crs is None:
        from planning.errors import CRSError

        raise CRSError(message("clusters layer has no CRS"), path=path)
    if clusters.crs.to_epsg() != 4326:
        clusters = clusters.to_crs(WGS84)
    for col in CLUSTER_COLUMNS:
        if col not in clusters.columns:
            clusters[col] = math.nan if col == "declared_ha" else CLUSTER_DEFAULTS.get(col, "")
    clusters["declared_ha"] = pd.to_numeric(clusters["declared_ha"], errors="coerce").astype(float)
    for col in CLUSTER_COLUMNS:
        if col != "declared_ha":
            clusters[col] = _nfc_column(clusters[col].fillna("").astype(str))
    bad = ~clusters["geometry_kind"].isin(GEOMETRY_KINDS)
    if bad.any():
        i = int(bad.to_numpy().nonzero()[0][0])
        raise PlanDataError(
            message(
                "geometry_kind {value!r} is not one of {choices}",
                value=clusters["geometry_kind"].iloc[i],
                choices=", ".join(GEOMETRY_KINDS),
            ),
            path=path,
            row=i + 1,
            field="geometry_kind",
        )
    extra = [c for c in clusters.columns if c not in CLUSTER_COLUMNS and c != "geometry"]
    extra = [c for c in extra if c not in ("measured_ha", "measured_ha_vn2000")]
    ordered = [*CLUSTER_COLUMNS, *extra, "geometry"]
    return gpd.GeoDataFrame(clusters[ordered], geometry="geometry", crs=WGS84).reset_index(
        drop=True
    )


def _nfc_column(values: pd.Series) -> pd.Series:
    """``values.map(nfc)``, normalising each distinct value once (fast on large layers)."""
    import pandas as pd

    codes, uniq = pd.factorize(values, use_na_sentinel=False)
    distinct = uniq.to_numpy(dtype=object)
    normal = [nfc(u) for u in distinct]
    if normal == distinct.tolist():
        return values
    fixed = pd.Series(normal, dtype=values.dtype).to_numpy(dtype=object)
    return pd.Series(fixed[codes], index=values.index, name=values.name, dtype=values.dtype)
