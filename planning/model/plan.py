"""The plan: clusters, districts, special zones and the published figures, in one object.

:class:`Plan` is what every other layer works on. :func:`load_plan` builds it from the
bundled catalogue (``geodata/clusters.csv``) or from the user's files, places clusters
that are known only by their commune or district, and gives every cluster whose area is
published but whose outline is not an *indicative footprint*: a circle of exactly its
declared area, centred on the best location known, and marked ``indicative`` wherever it
appears (:mod:`planning.model.placement`). Hoa Lac Hi-Tech Park gets one too until a
surveyed polygon is supplied.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from os import PathLike
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from planning.errors import PlanDataError, reported_together
from planning.i18n import Message, join_messages, message
from planning.model.placement import indicative_zones, place_unplaced
from planning.schema import CLUSTER_COLUMNS, CLUSTER_DEFAULTS, GEOMETRY_KINDS
from planning.settings import WGS84, bundled_geodata_dir
from planning.sources.fetch import Progress
from planning.text.names import nfc

if TYPE_CHECKING:
    import geopandas as gpd
    import pandas as pd

    from planning.model.figures import Manifest
    from planning.readers.sheet_rows import StatedTotal

__all__ = ["Plan", "finish_clusters", "load_plan", "read_catalogue"]

_CATALOGUE_REQUIRED = ("cluster_id", "name_vi", "district_vi", "declared_ha")
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
        if not self.complete:
            total = self.manifest.figures.get("total_clusters")
            total_n = int(total.value) if total else "?"
            if self.inputs.get("clusters", "bundled").startswith("bundled"):
                out.append(
                    message(
                        "The cluster list is partial: {n} of {total} planned clusters, from "
                        "public reports; the decision's appendix was not available.",
                        n=len(self.clusters),
                        total=total_n,
                    )
                )
            else:
                out.append(
                    message(
                        "The cluster list is partial: {n} of {total} planned clusters.",
                        n=len(self.clusters),
                        total=total_n,
                    )
                )
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


def read_catalogue(path: PathType | None = None) -> pd.DataFrame:
    """Read a cluster catalogue CSV (the bundled ``geodata/clusters.csv`` by default).

    Parameters
    ----------
    path
        A CSV with at least ``cluster_id``, ``name_vi``, ``district_vi`` and
        ``declared_ha`` (empty when not published), UTF-8.

    Returns
    -------
    pandas.DataFrame
        Text columns NFC-normalised, ``declared_ha`` as float (NaN when empty).

    Raises
    ------
    PlanDataError
        Naming the file, row and field of the first bad value.
    """
    import pandas as pd

    p = Path(path) if path is not None else bundled_geodata_dir() / "clusters.csv"
    try:
        df = pd.read_csv(p, dtype=str, keep_default_na=False, encoding="utf-8")
    except (OSError, UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise PlanDataError(f"cannot read the catalogue: {exc}", path=p) from None
    missing = [c for c in _CATALOGUE_REQUIRED if c not in df.columns]
    if missing:
        raise PlanDataError(f"missing column(s) {', '.join(missing)}", path=p, field=missing[0])
    for col in df.columns:
        df[col] = df[col].map(lambda s: nfc(str(s)).strip())
    areas: list[float] = []
    for i, (cid, text) in enumerate(zip(df["cluster_id"], df["declared_ha"], strict=True), start=1):
        if not cid:
            raise PlanDataError("empty cluster id", path=p, row=i, field="cluster_id")
        if text == "":
            areas.append(math.nan)
            continue
        try:
            value = float(text.replace(",", ""))
        except ValueError:
            raise PlanDataError(
                f"declared area {text!r} is not a number of hectares",
                path=p,
                row=i,
                field="declared_ha",
                ident=f"cluster_id={cid}",
            ) from None
        if not math.isfinite(value) or value <= 0:
            raise PlanDataError(
                f"declared area {text!r} must be a positive number of hectares",
                path=p,
                row=i,
                field="declared_ha",
                ident=f"cluster_id={cid}",
            )
        areas.append(value)
    df["declared_ha"] = areas
    return df


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
    from planning.model.figures import load_manifest
    from planning.model.units2025 import add_units_2025

    man = load_manifest(Path(manifest) if manifest is not None else None)
    options = _ReadOptions(fix=fix, crs=crs, encoding=encoding, sheet=sheet)
    sources = _Sources(mirror=mirror, progress=progress)
    dist = add_areas(_district_layer(districts, options, sources))
    units_2025 = _units_2025(mirror, sources)
    if cluster_files:
        part = _user_clusters(cluster_files, dist, options, sources, units_2025=units_2025)
    else:
        part = _bundled_clusters(catalogue, dist, man, sources)
    clusters = finish_clusters(part.clusters, path=part.inputs["clusters"])
    if units_2025 is not None:
        clusters = add_units_2025(clusters, units_2025)
    if complete is not None:
        part = replace(part, complete=complete)

    inputs = dict(part.inputs)
    if zones is not None:
        zone_layer = _read_user_layer(zones, kind="zones", **options.kwargs())
        sources.notes += zone_layer.attrs.get("notes", [])
        inputs["zones"] = str(zones)
    else:
        zone_layer = indicative_zones(man, sources.communes)
    inputs["districts"] = (
        str(districts) if districts is not None else "OCHA COD-AB 2020 (downloaded)"
    )

    parks, context_notes = (None, []) if not industrial_parks else _context_parks(dist, mirror)
    if parks is not None:
        sources.used.append("osm-industrial-parks")
    return Plan(
        clusters=add_areas(clusters),
        districts=dist,
        zones=add_areas(zone_layer),
        manifest=man,
        complete=part.complete,
        name=part.name,
        inputs=inputs,
        used_sources=tuple(dict.fromkeys(sources.used)),
        stated_totals=part.totals,
        facts=part.facts,
        reader_notes=list(dict.fromkeys(str(n) for n in sources.notes)),
        industrial_parks=parks,
        context_notes=context_notes,
    )


@dataclass(frozen=True)
class _ReadOptions:
    """How the user's files are read (the options of :func:`planning.readers.read_layer`)."""

    fix: bool
    crs: str | None
    encoding: str | None
    sheet: str | int | None

    def kwargs(self, *, sheet: bool = False) -> dict[str, Any]:
        out: dict[str, Any] = {"fix": self.fix, "crs": self.crs, "encoding": self.encoding}
        if sheet:
            out["sheet"] = self.sheet
        return out


@dataclass
class _Sources:
    """The upstream layers a load uses (fetched once, on first need), and what was noted."""

    mirror: PathType | None
    progress: Progress | None
    used: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    _communes: gpd.GeoDataFrame | None = None

    def communes(self) -> gpd.GeoDataFrame:
        """Return Hanoi's communes, loading them on the first call (with progress)."""
        from planning.sources.boundaries import load_communes

        if self._communes is None:
            self._communes = load_communes(mirror=self.mirror, progress=self.progress)
            self.used.append("vietnam63-communes")
        return self._communes


@dataclass(frozen=True)
class _Clusters:
    """The cluster layer of a load and what comes with it."""

    clusters: gpd.GeoDataFrame
    complete: bool
    name: str
    inputs: dict[str, str]
    totals: tuple[StatedTotal, ...] = ()
    facts: pd.DataFrame | None = None


def _district_layer(
    districts: PathType | None, options: _ReadOptions, sources: _Sources
) -> gpd.GeoDataFrame:
    """Return the user's district layer, or the OCHA COD-AB 2020 boundaries."""
    from planning.sources.boundaries import load_districts

    if districts is not None:
        dist = _read_user_layer(districts, kind="districts", **options.kwargs())
        sources.notes += dist.attrs.get("notes", [])
        return dist
    sources.used.append("ocha-districts")
    return load_districts(mirror=sources.mirror, progress=sources.progress)


def _user_clusters(
    cluster_files: tuple[PathType, ...],
    dist: gpd.GeoDataFrame,
    options: _ReadOptions,
    sources: _Sources,
    *,
    units_2025: gpd.GeoDataFrame | None = None,
) -> _Clusters:
    """Read the user's cluster layers, concatenated, and place the rows without a location."""
    import pandas as pd

    faults: list[PlanDataError] = []  # the rows' faults, reported with placement's
    frames = [
        _read_user_layer(f, kind="clusters", faults=faults, **options.kwargs(sheet=True))
        for f in cluster_files
    ]
    for frame in frames:
        sources.notes += frame.attrs.get("notes", [])
    clusters = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    with reported_together(faults):
        clusters = place_unplaced(
            clusters, dist, sources.communes, path=cluster_files[0], progress=sources.progress,
            units_2025=units_2025,
        )  # fmt: skip
    sources.notes += clusters.attrs.get("notes", [])  # what placement decided
    label = ", ".join(str(f) for f in cluster_files)
    return _Clusters(
        clusters=clusters,
        complete=True,
        name=message("Plan from {path}", path=label),
        inputs={"clusters": label},
        totals=tuple(t for f in frames for t in f.attrs.get("stated_totals", [])),
    )


def _bundled_clusters(
    catalogue: PathType | None, dist: gpd.GeoDataFrame, man: Manifest, sources: _Sources
) -> _Clusters:
    """Read the bundled catalogue (or ``catalogue``) into a cluster layer."""
    cat_path = Path(catalogue) if catalogue is not None else None
    cat = read_catalogue(cat_path)
    clusters = _catalogue_to_layer(
        cat, dist, sources.communes, path=cat_path or "geodata/clusters.csv"
    )
    facts = None
    if cat_path is None:
        from planning.model.catalogue import read_facts

        facts = read_facts()
    return _Clusters(
        clusters=clusters,
        complete=bool(man.catalogue.get("complete", False)),
        name=(
            message("Hanoi CCN plan (bundled catalogue)")
            if cat_path is None
            else message("Plan from {path}", path=str(cat_path))
        ),
        inputs={
            "clusters": str(cat_path)
            if cat_path
            else message("bundled catalogue {path}", path="geodata/clusters.csv")
        },
        facts=facts,
    )


def _units_2025(mirror: PathType | None, sources: _Sources) -> gpd.GeoDataFrame | None:
    """Return the 2025 communes and wards, or None with a note when they can't be had.

    The plan and its checks use the 2014-2025 units; the 2025 units are shown beside them,
    so a missing download (offline without a mirror) leaves them out, never fails the load.
    """
    from planning.errors import GeodataUnavailable
    from planning.sources.units2025 import SOURCE_KEY, load_units_2025

    try:
        units = load_units_2025(mirror=mirror)
    except GeodataUnavailable as exc:
        sources.notes.append(
            message("The 2025 communes and wards are not shown: {reason}", reason=str(exc))
        )
        return None
    sources.used.append(SOURCE_KEY)
    return units


def _context_parks(
    dist: gpd.GeoDataFrame, mirror: PathType | None
) -> tuple[gpd.GeoDataFrame | None, list[str]]:
    """Return the industrial parks inside the districts and a note, or None and why not."""
    import shapely

    from planning.errors import GeodataUnavailable
    from planning.sources.industrial_parks import load_industrial_parks

    boundary = shapely.union_all(dist.geometry.values)
    try:
        parks, summary = load_industrial_parks(boundary=boundary, mirror=mirror)
    except GeodataUnavailable as exc:
        return None, [f"Industrial parks (KCN) are not shown: {exc}"]
    return parks, [summary.note()]


# -- helpers ------------------------------------------------------------------------------------


def _read_user_layer(
    path: PathType,
    *,
    kind: Literal["clusters", "districts", "zones"],
    fix: bool,
    crs: str | None = None,
    encoding: str | None = None,
    sheet: str | int | None = None,
    faults: list[PlanDataError] | None = None,
) -> gpd.GeoDataFrame:
    from planning.readers import read_layer

    return read_layer(
        path, kind=kind, fix=fix, crs=crs, encoding=encoding, sheet=sheet, faults=faults
    )


def _catalogue_to_layer(
    cat: pd.DataFrame,
    dist: gpd.GeoDataFrame,
    communes: Any,
    *,
    path: PathType,
) -> gpd.GeoDataFrame:
    from planning.model.catalogue import catalogue_layer

    return catalogue_layer(cat, dist, communes, path=path)


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

        raise CRSError("clusters layer has no CRS", path=path)
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
            f"geometry_kind {clusters['geometry_kind'].iloc[i]!r} is not one of {', '.join(GEOMETRY_KINDS)}",
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
