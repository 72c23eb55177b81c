"""The inputs of a plan: the layers :func:`planning.model.plan.load_plan` builds it from.

The clusters come from the user's files (read with :func:`planning.readers.read_layer`,
the rows without a location placed at their commune) or from the bundled catalogue
(:func:`read_catalogue`, turned into a layer by
:func:`planning.model.catalogue.catalogue_layer`); the districts from the user's file or the
OCHA COD-AB 2020 boundaries; the zones from the user's file or indicative footprints in
their host communes; the 2025 communes and wards and the industrial parks of OpenStreetMap
beside them, when they can be had. :class:`Upstream` fetches each upstream layer once and
keeps what the load noted on the way.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from os import PathLike
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from planning.errors import PlanDataError, reported_together
from planning.i18n import N_, message
from planning.model.footprints import indicative_zones
from planning.model.placement import place_unplaced
from planning.settings import bundled_geodata_dir
from planning.sources.fetch import Progress

if TYPE_CHECKING:
    import geopandas as gpd
    import pandas as pd

    from planning.model.manifest import Manifest
    from planning.readers.sheet_rows import StatedTotal

__all__ = [
    "ClusterInput",
    "ReadOptions",
    "Upstream",
    "bundled_clusters",
    "context_parks",
    "district_layer",
    "read_catalogue",
    "read_user_layer",
    "units_2025_layer",
    "user_clusters",
    "zone_layer",
]

_CATALOGUE_REQUIRED = ("cluster_id", "name_vi", "district_vi", "declared_ha")
PathType = str | PathLike[str]


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
    from planning.model.catalogue import read_geodata_table

    p = Path(path) if path is not None else bundled_geodata_dir() / "clusters.csv"
    df = read_geodata_table(
        p, required=_CATALOGUE_REQUIRED, cannot_read=N_("cannot read the catalogue: {reason}")
    )
    areas: list[float] = []
    for i, (cid, text) in enumerate(zip(df["cluster_id"], df["declared_ha"], strict=True), start=1):
        if not cid:
            raise PlanDataError(message("empty cluster id"), path=p, row=i, field="cluster_id")
        if text == "":
            areas.append(math.nan)
            continue
        try:
            value = float(text.replace(",", ""))
        except ValueError:
            raise PlanDataError(
                message("declared area {text!r} is not a number of hectares", text=text),
                path=p,
                row=i,
                field="declared_ha",
                ident=f"cluster_id={cid}",
            ) from None
        if not math.isfinite(value) or value <= 0:
            raise PlanDataError(
                message("declared area {text!r} must be a positive number of hectares", text=text),
                path=p,
                row=i,
                field="declared_ha",
                ident=f"cluster_id={cid}",
            )
        areas.append(value)
    df["declared_ha"] = areas
    return df


@dataclass(frozen=True)
class ReadOptions:
    """How the user's files are read (the options of :func:`planning.readers.read_layer`)."""

    fix: bool
    crs: str | None
    encoding: str | None
    sheet: str | int | None

    def kwargs(self, *, sheet: bool = False) -> dict[str, Any]:
        """Return the options as keywords of :func:`read_user_layer` (``sheet`` for clusters)."""
        out: dict[str, Any] = {"fix": self.fix, "crs": self.crs, "encoding": self.encoding}
        if sheet:
            out["sheet"] = self.sheet
        return out


@dataclass
class Upstream:
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
class ClusterInput:
    """The cluster layer of a load and what comes with it."""

    clusters: gpd.GeoDataFrame
    complete: bool
    name: str
    inputs: dict[str, str]
    totals: tuple[StatedTotal, ...] = ()
    facts: pd.DataFrame | None = None


def district_layer(
    districts: PathType | None, options: ReadOptions, upstream: Upstream
) -> gpd.GeoDataFrame:
    """Return the user's district layer, or the OCHA COD-AB 2020 boundaries."""
    from planning.sources.boundaries import load_districts

    if districts is not None:
        dist = read_user_layer(districts, kind="districts", **options.kwargs())
        upstream.notes += dist.attrs.get("notes", [])
        return dist
    upstream.used.append("ocha-districts")
    return load_districts(mirror=upstream.mirror, progress=upstream.progress)


def user_clusters(
    cluster_files: tuple[PathType, ...],
    dist: gpd.GeoDataFrame,
    options: ReadOptions,
    upstream: Upstream,
    *,
    units_2025: gpd.GeoDataFrame | None = None,
) -> ClusterInput:
    """Read the user's cluster layers, concatenated, and place the rows without a location."""
    import pandas as pd

    faults: list[PlanDataError] = []  # the rows' faults, reported with placement's
    frames = [
        read_user_layer(f, kind="clusters", faults=faults, **options.kwargs(sheet=True))
        for f in cluster_files
    ]
    for frame in frames:
        upstream.notes += frame.attrs.get("notes", [])
    clusters = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    with reported_together(faults):
        clusters = place_unplaced(
            clusters, dist, upstream.communes, path=cluster_files[0], progress=upstream.progress,
            units_2025=units_2025,
        )  # fmt: skip
    upstream.notes += clusters.attrs.get("notes", [])  # what placement decided
    label = ", ".join(str(f) for f in cluster_files)
    return ClusterInput(
        clusters=clusters,
        complete=True,
        name=message("Plan from {path}", path=label),
        inputs={"clusters": label},
        totals=tuple(t for f in frames for t in f.attrs.get("stated_totals", [])),
    )


def bundled_clusters(
    catalogue: PathType | None, dist: gpd.GeoDataFrame, man: Manifest, upstream: Upstream
) -> ClusterInput:
    """Read the bundled catalogue (or ``catalogue``) into a cluster layer."""
    from planning.model.catalogue import catalogue_layer

    cat_path = Path(catalogue) if catalogue is not None else None
    cat = read_catalogue(cat_path)
    clusters = catalogue_layer(
        cat, dist, upstream.communes, path=cat_path or "geodata/clusters.csv"
    )
    facts = None
    if cat_path is None:
        from planning.model.catalogue import read_facts

        facts = read_facts()
    return ClusterInput(
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


def units_2025_layer(mirror: PathType | None, upstream: Upstream) -> gpd.GeoDataFrame | None:
    """Return the 2025 communes and wards, or None with a note when they can't be had.

    The plan and its checks use the 2014-2025 units; the 2025 units are shown beside them,
    so a missing download (offline without a mirror) leaves them out, never fails the load.
    """
    from planning.errors import GeodataUnavailable
    from planning.sources.units2025 import SOURCE_KEY, load_units_2025

    try:
        units = load_units_2025(mirror=mirror)
    except GeodataUnavailable as exc:
        upstream.notes.append(
            message("The 2025 communes and wards are not shown: {reason}", reason=str(exc))
        )
        return None
    upstream.used.append(SOURCE_KEY)
    return units


def context_parks(
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
        return None, [message("Industrial parks (KCN) are not shown: {reason}", reason=str(exc))]
    return parks, [summary.note()]


def read_user_layer(
    path: PathType,
    *,
    kind: Literal["clusters", "districts", "zones"],
    fix: bool,
    crs: str | None = None,
    encoding: str | None = None,
    sheet: str | int | None = None,
    faults: list[PlanDataError] | None = None,
) -> gpd.GeoDataFrame:
    """Read one of the user's layers (:func:`planning.readers.read_layer`).

    With ``faults``, the rows' faults are appended to it instead of raised.
    """
    from planning.readers import read_layer

    return read_layer(
        path, kind=kind, fix=fix, crs=crs, encoding=encoding, sheet=sheet, faults=faults
    )


def zone_layer(
    zones: PathType | None, man: Manifest, options: ReadOptions, upstream: Upstream
) -> gpd.GeoDataFrame:
    """Return the user's zones layer, or the manifest's zones as indicative footprints."""
    if zones is not None:
        layer = read_user_layer(zones, kind="zones", **options.kwargs())
        upstream.notes += layer.attrs.get("notes", [])
        return layer
    return indicative_zones(man, upstream.communes)
