"""The plan: clusters, districts, special zones and the published figures, in one object.

:class:`Plan` is what every other layer works on. :func:`load_plan` builds it from the
bundled catalogue (``geodata/clusters.csv``) or from the user's files, places clusters
that are known only by their commune or district, and gives every cluster whose area is
published but whose outline is not an *indicative footprint*: a circle of exactly its
declared area, centred on the best location known, and marked ``indicative`` wherever it
appears. Hoa Lac Hi-Tech Park gets one too until a surveyed polygon is supplied.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from os import PathLike
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from planning.errors import PlanDataError
from planning.readers.io import CLUSTER_COLUMNS, CLUSTER_DEFAULTS, GEOMETRY_KINDS
from planning.settings import FOOTPRINT_VERTICES, WGS84, bundled_geodata_dir
from planning.sources.fetch import Progress
from planning.text.names import name_key, nfc, split_admin_prefix

if TYPE_CHECKING:
    import geopandas as gpd
    import pandas as pd
    from shapely.geometry import Point, Polygon

    from planning.model.figures import Manifest
    from planning.readers.tables import StatedTotal

__all__ = [
    "CLUSTER_COLUMNS",
    "GEOMETRY_KINDS",
    "Plan",
    "indicative_footprint",
    "indicative_footprints",
    "load_plan",
    "read_catalogue",
]

_CATALOGUE_REQUIRED = ("cluster_id", "name_vi", "district_vi", "declared_ha")
PathType = str | PathLike[str]


@dataclass
class Plan:
    """An industrial-cluster plan as checked geodata.

    Attributes
    ----------
    clusters
        One row per cluster, EPSG:4326, columns :data:`CLUSTER_COLUMNS` plus ``geometry``,
        ``measured_ha`` (geodesic) and ``measured_ha_vn2000`` (planar, EPSG:5897).
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
        Total rows of the user's spreadsheets (:class:`planning.readers.tables.StatedTotal`),
        checked by rule TOT001; never loaded as clusters.
    facts
        What each source reported about each cluster (``geodata/cluster_facts.csv``, see
        :func:`planning.model.catalogue.read_facts`) for the bundled catalogue; None otherwise.
    reader_notes
        What the reader decided about the user's files (encoding detected and its
        confidence, header line, ids assigned by row, columns ignored, rows skipped,
        CRS repairs), one sentence each, naming the file; empty for the bundled data.
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
            tag = "" if src.verified else " [UNVERIFIED]"
            lines.append(f"Plan figures: {src.citation()}{tag}")
        if len(self.clusters):
            n_src = self.clusters["source_url"].replace("", None).dropna().nunique()
            where = self.inputs.get("clusters", "bundled")
            if n_src:
                lines.append(
                    f"Cluster facts: {where} (each row names its source; {n_src} distinct URLs)"
                )
            else:
                lines.append(f"Cluster facts: {where} (no source URLs given)")
        return lines

    def notes(self) -> list[str]:
        """Return the caveats every report and map must carry.

        Returns
        -------
        list of str
            Plain sentences: indicative footprints, partial coverage, district structure.
        """
        out: list[str] = []
        n_ind = int(self.indicative.sum())
        if n_ind:
            out.append(
                f"{n_ind} cluster footprint(s) are INDICATIVE: circles of the declared area at the "
                "commune's (or district's) representative point, not surveyed boundaries."
            )
        n_pt = int(self.clusters["geometry_kind"].eq("point").sum())
        if n_pt:
            out.append(f"{n_pt} cluster(s) have no published area and are shown as locations only.")
        if len(self.zones) and self.zones["geometry_kind"].eq("indicative").any():
            out.append(
                "The Hoa Lac Hi-Tech Park footprint is INDICATIVE: a circle of its published area "
                "inside its six host communes, not its boundary."
            )
        if not self.complete:
            total = self.manifest.figures.get("total_clusters")
            out.append(
                f"The cluster list is partial: {len(self.clusters)} of "
                f"{int(total.value) if total else '?'} planned clusters, from public reports; "
                "the decision's appendix was not available."
            )
        out.append(
            "Districts are the 30 units of the 2014-2025 structure that the plan uses; "
            "Viet Nam abolished the district level in 2025."
        )
        return out

    def with_clusters(self, clusters: gpd.GeoDataFrame, *, complete: bool | None = None) -> Plan:
        """Return a copy of the plan with another clusters layer (areas recomputed).

        Parameters
        ----------
        clusters
            A clusters layer with the columns of :data:`CLUSTER_COLUMNS` and a CRS.
        complete
            Whether it lists the whole plan; unchanged when None.

        Returns
        -------
        Plan
            The new plan.
        """
        from planning.geo.area import add_areas

        cl = finish_clusters(clusters.copy(), path=None)
        return replace(
            self,
            clusters=add_areas(cl),
            complete=self.complete if complete is None else complete,
        )


def indicative_footprint(
    lon: float, lat: float, area_ha: float, *, vertices: int = FOOTPRINT_VERTICES
) -> Polygon:
    """Return a circle-like polygon of exactly ``area_ha`` (geodesic) centred on a point.

    One footprint of :func:`indicative_footprints`: a regular polygon around the point,
    scaled until its geodesic area (WGS 84, geodesic edges) is ``area_ha`` to about 1e-8
    relative.

    Parameters
    ----------
    lon, lat
        The centre, WGS 84 degrees.
    area_ha
        The area to give it, in hectares (> 0).
    vertices
        Number of vertices (>= 8).

    Returns
    -------
    shapely.Polygon
        The footprint in WGS 84 lon/lat.

    Raises
    ------
    PlanDataError
        If the area is not a positive finite number.
    """
    if not (isinstance(area_ha, int | float) and math.isfinite(area_ha) and area_ha > 0):
        raise PlanDataError(f"an indicative footprint needs a positive area, got {area_ha!r} ha")
    poly: Polygon = indicative_footprints([lon], [lat], [area_ha], vertices=vertices)[0]
    return poly


#: Footprints built per block by :func:`indicative_footprints` (bounds its memory: about
#: 50 MB of coordinates with 64 vertices, and sets the progress callback's step).
_FOOTPRINT_BLOCK = 50_000


def indicative_footprints(
    lon: Any,
    lat: Any,
    area_ha: Any,
    *,
    vertices: int = FOOTPRINT_VERTICES,
    progress: Progress | None = None,
) -> Any:
    """Return circle-like polygons of exactly the given areas (geodesic), vectorised.

    Each footprint starts as a regular polygon of ``vertices`` vertices in the local
    tangent plane of the WGS 84 ellipsoid at its centre (offsets divided by the
    meridional radius of curvature M and by N·cos φ, N the prime-vertical radius). Its
    geodesic area is then measured by the area engine's equal-area path
    (:func:`planning.geo.area.equal_area_m2`, about 1e-8 relative to GeographicLib) and its
    radius scaled by √(target / measured), twice; the area is quadratic in the radius
    to that precision, so the result matches ``area_ha`` to about 1e-8 relative. All of
    it is numpy over arrays: no transformer and no Python loop per footprint.

    Parameters
    ----------
    lon, lat
        Centres, WGS 84 degrees (array-likes of one length; |lat| < 89.9°).
    area_ha
        Areas to give them, hectares (> 0 and finite).
    vertices
        Number of vertices of each footprint (>= 8).
    progress
        Called as ``progress("footprints", done, total)`` after each block of
        :data:`_FOOTPRINT_BLOCK` footprints.

    Returns
    -------
    numpy.ndarray
        Object array of shapely Polygons in WGS 84 lon/lat.

    Raises
    ------
    PlanDataError
        If an area is not a positive finite number, or a centre is not a valid
        longitude/latitude (the message gives the 1-based position).
    """
    import numpy as np

    lon_a = np.asarray(lon, dtype=float).ravel()
    lat_a = np.asarray(lat, dtype=float).ravel()
    area_a = np.asarray(area_ha, dtype=float).ravel()
    if not len(lon_a) == len(lat_a) == len(area_a):
        raise PlanDataError("lon, lat and area_ha must have the same length")
    bad = ~(np.isfinite(area_a) & (area_a > 0))
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise PlanDataError(
            f"an indicative footprint needs a positive area, got {float(area_a[i])!r} ha",
            row=i + 1,
        )
    bad = ~(np.isfinite(lon_a) & np.isfinite(lat_a) & (np.abs(lat_a) < 89.9))
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise PlanDataError(
            f"an indicative footprint needs a centre with |latitude| < 89.9°, got "
            f"({lon_a[i]:.6g}, {lat_a[i]:.6g})",
            row=i + 1,
        )
    vertices = max(int(vertices), 8)
    n = len(lon_a)
    out = np.empty(n, dtype=object)
    for start in range(0, n, _FOOTPRINT_BLOCK):
        stop = min(n, start + _FOOTPRINT_BLOCK)
        out[start:stop] = _footprint_block(
            lon_a[start:stop], lat_a[start:stop], area_a[start:stop], vertices
        )
        if progress is not None:
            progress("footprints", stop, n)
    return out


def _footprint_block(lon: Any, lat: Any, area_ha: Any, vertices: int) -> Any:
    """:func:`indicative_footprints` of one block (validated inputs)."""
    import numpy as np
    import shapely

    from planning.geo.area import WGS84_A, WGS84_F, ring_areas_m2

    e2 = WGS84_F * (2 - WGS84_F)
    n = len(lon)
    target = area_ha * 10_000.0
    phi = np.radians(lat)
    w = np.sqrt(1.0 - e2 * np.sin(phi) ** 2)
    m_radius = WGS84_A * (1.0 - e2) / w**3  # meridional radius of curvature, m
    n_radius = WGS84_A / w  # prime-vertical radius of curvature, m
    theta = np.linspace(0.0, 2.0 * math.pi, vertices, endpoint=False)
    theta = np.append(theta, 0.0)  # closed rings
    # Degrees per metre of radius, per vertex: (n, vertices + 1).
    unit_lon = np.degrees(np.cos(theta)[None, :] / (n_radius * np.cos(phi))[:, None])
    unit_lat = np.degrees(np.sin(theta)[None, :] / m_radius[:, None])
    # The area of a regular polygon of circumradius r is (V/2) r² sin(2π/V).
    radius = np.sqrt(2.0 * target / (vertices * math.sin(2.0 * math.pi / vertices)))
    offsets = np.arange(n + 1, dtype=np.int64) * (vertices + 1)
    for _ in range(2):
        xs = (lon[:, None] + radius[:, None] * unit_lon).ravel()
        ys = (lat[:, None] + radius[:, None] * unit_lat).ravel()
        measured = np.abs(ring_areas_m2(xs, ys, offsets))
        radius = radius * np.sqrt(target / measured)
    xs = lon[:, None] + radius[:, None] * unit_lon
    ys = lat[:, None] + radius[:, None] * unit_lat
    coords = np.stack([xs.ravel(), ys.ravel()], axis=1)
    rings = shapely.linearrings(coords, indices=np.repeat(np.arange(n), vertices + 1))
    return shapely.polygons(rings)


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
) -> Plan:
    """Build a :class:`Plan` from the bundled data or from the user's files.

    Parameters
    ----------
    *cluster_files
        The user's cluster layers (any format :func:`planning.readers.io.read_layer` reads);
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

    man = load_manifest(Path(manifest) if manifest is not None else None)
    options = _ReadOptions(fix=fix, crs=crs, encoding=encoding, sheet=sheet)
    sources = _Sources(mirror=mirror, progress=progress)
    dist = add_areas(_district_layer(districts, options, sources))
    if cluster_files:
        part = _user_clusters(cluster_files, dist, options, sources)
    else:
        part = _bundled_clusters(catalogue, dist, man, sources)
    clusters = finish_clusters(part.clusters, path=part.inputs["clusters"])
    if complete is not None:
        part = replace(part, complete=complete)

    inputs = dict(part.inputs)
    if zones is not None:
        zone_layer = _read_user_layer(zones, kind="zones", **options.kwargs())
        sources.notes += zone_layer.attrs.get("notes", [])
        inputs["zones"] = str(zones)
    else:
        zone_layer = _indicative_zones(man, sources.communes)
    inputs["districts"] = (
        str(districts) if districts is not None else "OCHA COD-AB 2020 (downloaded)"
    )
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
    )


@dataclass(frozen=True)
class _ReadOptions:
    """How the user's files are read (the options of :func:`planning.readers.io.read_layer`)."""

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
) -> _Clusters:
    """Read the user's cluster layers, concatenated, and place the rows without a location."""
    import pandas as pd

    frames = [
        _read_user_layer(f, kind="clusters", **options.kwargs(sheet=True)) for f in cluster_files
    ]
    for frame in frames:
        sources.notes += frame.attrs.get("notes", [])
    clusters = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    clusters = _place_unplaced(
        clusters, dist, sources.communes, path=cluster_files[0], progress=sources.progress
    )
    label = ", ".join(str(f) for f in cluster_files)
    return _Clusters(
        clusters=clusters,
        complete=True,
        name=f"Plan from {label}",
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
        name="Hanoi CCN plan (bundled catalogue)" if cat_path is None else f"Plan from {cat_path}",
        inputs={
            "clusters": str(cat_path) if cat_path else "bundled catalogue geodata/clusters.csv"
        },
        facts=facts,
    )


# -- helpers ------------------------------------------------------------------------------------


def _read_user_layer(
    path: PathType,
    *,
    kind: Literal["clusters", "districts", "zones"],
    fix: bool,
    crs: str | None = None,
    encoding: str | None = None,
    sheet: str | int | None = None,
) -> gpd.GeoDataFrame:
    from planning.readers.io import read_layer

    return read_layer(path, kind=kind, fix=fix, crs=crs, encoding=encoding, sheet=sheet)


def district_index(dist: gpd.GeoDataFrame) -> dict[str, int]:
    return {name_key(split_admin_prefix(str(n))[1]): i for i, n in enumerate(dist["district_vi"])}


def resolve_district(
    text: str,
    dist: gpd.GeoDataFrame,
    index: dict[str, int],
    *,
    path: PathType,
    row: int,
    ident: str,
) -> int:
    bare = split_admin_prefix(text)[1]
    pos = index.get(name_key(bare))
    if pos is None:
        raise PlanDataError(
            f"unknown district {text!r}; expected one of the 30 district-level units "
            f"(for example {dist['district_vi'].iloc[0]!r})",
            path=path,
            row=row,
            field="district_vi",
            ident=ident,
        )
    return pos


def commune_point(
    commune: str,
    district_code: str,
    communes: gpd.GeoDataFrame,
    *,
    path: PathType,
    row: int,
    ident: str,
) -> Point:
    bare = split_admin_prefix(commune)[1]
    key = name_key(bare)
    mask = communes["district_code"].eq(district_code) & communes["commune_vi"].map(name_key).eq(
        key
    )
    hits = communes.loc[mask]
    if hits.empty:
        raise PlanDataError(
            f"commune {commune!r} not found in district {district_code} of the commune layer",
            path=path,
            row=row,
            field="commune_vi",
            ident=ident,
        )
    return hits.geometry.iloc[0].representative_point()


def _catalogue_to_layer(
    cat: pd.DataFrame,
    dist: gpd.GeoDataFrame,
    communes: Any,
    *,
    path: PathType,
) -> gpd.GeoDataFrame:
    from planning.model.catalogue import catalogue_layer

    return catalogue_layer(cat, dist, communes, path=path)


def _place_unplaced(
    clusters: gpd.GeoDataFrame,
    dist: gpd.GeoDataFrame,
    communes: Any,
    *,
    path: PathType,
    progress: Progress | None = None,
) -> gpd.GeoDataFrame:
    """Place rows without geometry at their commune (or district), then draw footprints.

    Rows of a name/commune/area spreadsheet come from :func:`planning.readers.io.read_layer` with
    ``needs_placement``; they are placed at the commune's representative point. Every
    point that has a declared area (placed, or read from lat/lon columns) then gets an
    indicative footprint of exactly that area.
    """
    out = clusters
    if "needs_placement" in out.columns and out["needs_placement"].fillna(False).astype(bool).any():
        from planning.readers.io import place_at_communes

        out = place_at_communes(out, communes(), districts=dist, path=path)
    if "needs_placement" in out.columns:
        out = out.drop(columns="needs_placement")
    from planning.model.catalogue import fill_district_codes

    return _footprints_for_points(fill_district_codes(out, dist), progress=progress)


def _footprints_for_points(
    clusters: gpd.GeoDataFrame, *, progress: Progress | None = None
) -> gpd.GeoDataFrame:
    import numpy as np
    import shapely

    geoms = clusters.geometry.to_numpy()
    area = (
        clusters["declared_ha"].to_numpy(dtype=float) if "declared_ha" in clusters.columns else None
    )
    if area is None:
        return clusters
    is_point = shapely.get_type_id(geoms) == 0
    todo = is_point & np.isfinite(area) & (area > 0) & ~shapely.is_empty(geoms)
    if not todo.any():
        return clusters
    import geopandas as gpd

    out = clusters.copy()
    new = geoms.copy()
    rows = todo.nonzero()[0]
    new[rows] = indicative_footprints(
        shapely.get_x(geoms[rows]), shapely.get_y(geoms[rows]), area[rows], progress=progress
    )
    out[out.geometry.name] = gpd.GeoSeries(new, index=out.index, crs=clusters.crs)
    out.loc[todo, "geometry_kind"] = "indicative"
    return out


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


def _indicative_zones(man: Manifest, communes: Any) -> gpd.GeoDataFrame:
    import geopandas as gpd
    import shapely

    rows: list[dict[str, Any]] = []
    geoms = []
    for z in man.zones.values():
        area = man.figures[z.area].value if z.area else math.nan
        src = man.sources.get(z.source)
        if not z.host_communes or not math.isfinite(area):
            continue
        layer = communes()
        parts = []
        for commune, district in z.host_communes:
            dmask = layer["district_vi"].map(name_key).eq(name_key(district))
            cmask = layer["commune_vi"].map(name_key).eq(name_key(commune))
            hit = layer.loc[dmask & cmask]
            if hit.empty:
                raise PlanDataError(
                    f"host commune {commune!r} ({district}) of zone {z.key!r} not found in the commune layer",
                    path=man.path,
                    ident=f"zones.{z.key}",
                    field="host_communes",
                )
            parts.append(hit.geometry.iloc[0])
        point = shapely.union_all(parts).representative_point()
        rows.append(
            {
                "zone_id": z.key,
                "name_vi": z.name_vi,
                "name_en": z.name_en,
                "declared_ha": area,
                "geometry_kind": "indicative",
                "location_precision": "host communes",
                "source_url": src.url if src else "",
                "note": z.note,
            }
        )
        geoms.append(indicative_footprint(point.x, point.y, area))
    return gpd.GeoDataFrame(rows, geometry=geoms, crs=WGS84)
