"""Placement: where a cluster is when its file gives no outline.

Rows known only by commune and district are placed at their commune's representative point
(:func:`place_at_communes`; at the district's when no commune is given), the names matched
with :func:`~planning.readers.matching.match_name` (diacritics may be missing; the closest
names are suggested). Every point that has a declared area then gets an *indicative
footprint* (:func:`indicative_footprints`): a circle-like polygon of exactly that area
(geodesic), centred on the point, marked ``geometry_kind = "indicative"`` wherever it
appears. Hoa Lac Hi-Tech Park gets one in its host communes (:func:`indicative_zones`)
until a surveyed polygon is supplied.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from os import PathLike
from typing import TYPE_CHECKING, Any

from planning.errors import NameMatchWarning, PlanDataError, RowErrors
from planning.readers.matching import match_name
from planning.readers.values import cell_text, object_series
from planning.settings import FOOTPRINT_VERTICES, WGS84
from planning.text.names import name_key, split_admin_prefix

if TYPE_CHECKING:
    import geopandas as gpd
    import pandas as pd
    from shapely.geometry import Point, Polygon

    from planning.model.figures import Manifest

__all__ = [
    "commune_point",
    "district_index",
    "footprints_for_points",
    "indicative_footprint",
    "indicative_footprints",
    "indicative_zones",
    "place_at_communes",
    "place_unplaced",
    "resolve_district",
]

PathType = str | PathLike[str]
#: A progress callback: ``progress(stage, done, total)`` (as in :mod:`planning.partitioned`).
Progress = Callable[[str, int, int], None]


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


def place_unplaced(
    clusters: gpd.GeoDataFrame,
    dist: gpd.GeoDataFrame,
    communes: Any,
    *,
    path: PathType,
    progress: Progress | None = None,
    units_2025: gpd.GeoDataFrame | None = None,
) -> gpd.GeoDataFrame:
    """Place rows without geometry at their commune (or district), then draw footprints.

    Rows of a name/commune/area spreadsheet come from :func:`planning.readers.read_layer` with
    ``needs_placement``; they are placed at the commune's representative point. Every
    point that has a declared area (placed, or read from lat/lon columns) then gets an
    indicative footprint of exactly that area.
    """
    out = clusters
    if "needs_placement" in out.columns and out["needs_placement"].fillna(False).astype(bool).any():
        out = place_at_communes(out, communes(), districts=dist, path=path, units_2025=units_2025)
    if "needs_placement" in out.columns:
        out = out.drop(columns="needs_placement")
    from planning.model.catalogue import fill_district_codes

    return footprints_for_points(fill_district_codes(out, dist), progress=progress)


def footprints_for_points(
    clusters: gpd.GeoDataFrame, *, progress: Progress | None = None
) -> gpd.GeoDataFrame:
    """Give every point with a declared area an indicative footprint of exactly that area.

    Parameters
    ----------
    clusters
        A clusters layer in EPSG:4326.
    progress
        Called as ``progress("footprints", done, total)`` (see :func:`indicative_footprints`).

    Returns
    -------
    geopandas.GeoDataFrame
        A copy in which those points are footprints with ``geometry_kind = "indicative"``
        (the layer itself when there are none).
    """
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


def district_index(dist: gpd.GeoDataFrame) -> dict[str, int]:
    """Return ``{name_key of a district's bare name: its row}`` for :func:`resolve_district`."""
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
    """Return the row of the district ``text`` names; refuse an unknown one (naming ``row``)."""
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
    """Return a point inside the commune of ``district_code`` that ``commune`` names."""
    import numpy as np

    key = name_key(split_admin_prefix(commune)[1])
    # Only the district's communes are keyed (not the whole layer, once per cluster), and
    # rows are picked by position, without copying the layer's geometries.
    in_district = np.flatnonzero(communes["district_code"].eq(district_code).to_numpy())
    names = communes["commune_vi"].iloc[in_district]
    hits = in_district[names.map(name_key).eq(key).to_numpy()]
    if not len(hits):
        raise PlanDataError(
            f"commune {commune!r} not found in district {district_code} of the commune layer",
            path=path,
            row=row,
            field="commune_vi",
            ident=ident,
        )
    point: Point = communes.geometry.iloc[hits[0]].representative_point()
    return point


def place_at_communes(  # noqa: C901, PLR0912, PLR0915  # one pass over the rows, trying the 2014-2025 and the 2025 units in turn
    df: gpd.GeoDataFrame | pd.DataFrame,
    communes: gpd.GeoDataFrame,
    *,
    districts: gpd.GeoDataFrame | None = None,
    path: PathType | None = None,
    units_2025: gpd.GeoDataFrame | None = None,
) -> gpd.GeoDataFrame:
    """Place rows that have no geometry at their commune's representative point.

    Parameters
    ----------
    df
        Rows from :func:`planning.readers.read_layer`; those with ``needs_placement`` True
        (or, without that column, no geometry) are placed.
    communes
        The communes layer (:func:`planning.sources.boundaries.load_communes`): ``commune_vi``,
        ``district_code``, ``district_vi``, ``geometry`` (EPSG:4326).
    districts
        Optional districts layer; rows with a district but no commune are placed at the
        district's representative point (``location_precision="district"``).
    path
        The file the rows came from, named in messages (default ``df.attrs["path"]``).
    units_2025
        Optional layer of the 2025 communes and wards
        (:func:`planning.sources.units2025.load_units_2025`): a row with a commune but no
        district is then also looked up there (:func:`_place_2025` says how the two
        structures are told apart).

    Returns
    -------
    geopandas.GeoDataFrame
        A copy: placed rows get a Point, ``location_precision`` ``"commune"`` (or
        ``"district"``, or ``"2025 commune"`` for a row placed at its 2025 unit, whose
        name then goes to ``commune_2025`` and whose old commune stays empty),
        ``district_code`` and ``district_vi`` from the layer, and ``needs_placement`` False.

    Raises
    ------
    PlanDataError
        If a row's district or commune is not found (matched with
        :func:`~planning.text.names.name_key` within the district); a
        :class:`~planning.errors.RowErrors` when several rows are wrong.
    """
    import geopandas as gpd
    import numpy as np
    import shapely

    where = path if path is not None else df.attrs.get("path")
    out = gpd.GeoDataFrame(df.copy(), geometry="geometry" if "geometry" in df.columns else None,
                           crs=WGS84)  # fmt: skip
    if "geometry" not in df.columns:
        out = out.set_geometry(gpd.GeoSeries([None] * len(out), index=out.index, crs=WGS84))
    if "needs_placement" in out.columns:
        todo = np.asarray(out["needs_placement"].fillna(False), dtype=bool)
    else:
        todo = np.asarray(shapely.is_missing(np.asarray(out.geometry.array, dtype=object)))
    if not todo.any():
        return out
    if communes.crs is not None and communes.crs.to_epsg() != 4326:
        communes = communes.to_crs(WGS84)
    places = _Gazetteer.of(communes, districts)
    geoms = list(out.geometry.array)
    cols: dict[str, list[Any]] = {
        c: list(out[c]) if c in out.columns else [""] * len(out)
        for c in ("district_code", "district_vi", "commune_vi", "location_precision")
    }
    errors: list[PlanDataError] = []
    matched: list[str] = []
    unit_2025: dict[int, str] = {}
    placed_notes: list[str] = []
    for i in np.flatnonzero(todo).tolist():
        ref = _RowRef.of(out, i, where)
        if units_2025 is not None and _without_district(cols, i):
            placed = _place_2025_row(places, units_2025, cols, i, ref=ref)
            if isinstance(placed, PlanDataError):
                errors.append(placed)
                continue
            if placed is not None:
                commune = split_admin_prefix(cell_text(cols["commune_vi"][i]))[1]
                geoms[i], cols["location_precision"][i] = placed.point, "2025 commune"
                cols["commune_vi"][i] = ""
                unit_2025[i] = placed.name
                placed_notes.append(
                    (f"{where}: " if where else "")
                    + f"{ref.label}: placed at the representative point of the 2025 unit "
                    f"{placed.full_name} (code {placed.code}), given without a district; its "
                    "old commune is not known and its old district is the one holding that point"
                )
                if placed.match.how == "folded":
                    matched.append(f"{ref.label}: commune {commune!r} read as {placed.name!r}")
                continue
        try:
            geom, precision, code, district, commune = places.place(
                code=cell_text(cols["district_code"][i]),
                district=split_admin_prefix(cell_text(cols["district_vi"][i]))[1],
                commune=split_admin_prefix(cell_text(cols["commune_vi"][i]))[1],
                ref=ref,
                matched=matched,
            )
        except PlanDataError as exc:
            errors.append(exc)
            continue
        geoms[i], cols["location_precision"][i] = geom, precision
        cols["district_code"][i], cols["district_vi"][i], cols["commune_vi"][i] = (
            code, district, commune,
        )  # fmt: skip
    _report(where, matched, errors)
    for c, values in cols.items():
        out[c] = object_series(values, out.index)
    out[out.geometry.name] = gpd.GeoSeries(geoms, index=out.index, crs=WGS84)
    out["needs_placement"] = [bool(t) and g is None for t, g in zip(todo, geoms, strict=True)]
    if unit_2025:  # the 2025 unit the row was placed in: its declared 2025 commune
        declared = list(out["commune_2025"]) if "commune_2025" in out.columns else [""] * len(out)
        for row_at, name in unit_2025.items():
            declared[row_at] = name
        out["commune_2025"] = object_series(declared, out.index)
    if matched or placed_notes:
        out.attrs["notes"] = [*out.attrs.get("notes", []), *matched, *placed_notes]
    return out


def _without_district(cols: dict[str, list[Any]], i: int) -> bool:
    """Whether row ``i`` names a commune but neither a district code nor a district."""
    return bool(
        not cell_text(cols["district_code"][i])
        and not cell_text(cols["district_vi"][i])
        and cell_text(cols["commune_vi"][i])
    )


def _place_2025_row(
    places: _Gazetteer, units_2025: Any, cols: dict[str, list[Any]], i: int, *, ref: _RowRef
) -> Any:
    """Place row ``i`` (a commune without a district) in the 2025 layer, if that is what it names.

    Returns the 2025 unit, None to place the row in the old layer, or the row's error.
    """
    raw = cell_text(cols["commune_vi"][i])
    unit_type, commune = split_admin_prefix(raw)
    key = name_key(commune)
    hits = sorted(c for c, names in places.by_district.items() if key in names)
    placed = _place_2025(commune, hits, places.by_district, places.communes, units_2025,
                         unit_type=unit_type)  # fmt: skip
    if isinstance(placed, str):
        return ref.error(placed, "commune_vi")
    return placed


def _place_2025(
    commune: str,
    hits: list[str],
    by_district: dict[str, dict[str, int]],
    communes: gpd.GeoDataFrame,
    units_2025: gpd.GeoDataFrame,
    *,
    unit_type: str,
) -> Any:
    """Place a commune given without a district in the 2025 layer, when that is what it names.

    Returns the :class:`~planning.readers.address2025.Unit2025` to place the row at; None to
    place it in the old layer as before (no 2025 unit has that name, or the one old commune of
    that name lies mostly, by at least half its area, in the 2025 unit of the same name: both
    readings agree and the old commune is the smaller place); or an error message when the two
    structures name different places (``Thanh Xuân`` is a ward of 2025 in the city centre
    and an old commune of Sóc Sơn).
    """
    from planning.readers.address2025 import locate_2025

    if unit_type == "thị trấn":  # there is no thị trấn since 2025
        return None
    unit = locate_2025(commune, units_2025, unit_type=unit_type)
    if unit is None:
        return None
    if not hits:
        return unit
    shape = units_2025.geometry[units_2025["code"].eq(unit.code)].iloc[0]
    rows = [by_district[c][name_key(commune)] for c in hits]
    old = communes.geometry.iloc[rows[0]]
    if len(rows) == 1 and old.intersection(shape).area >= 0.5 * old.area:
        return None
    where = ", ".join(str(communes["district_vi"].iloc[j]) for j in rows)
    return (
        f"{commune!r} without a district names both the 2025 unit {unit.full_name} (code "
        f"{unit.code}) and an older commune of that name elsewhere (district {where}); give "
        "the district to mean the older commune"
    )


def _report(where: PathType | None, matched: list[str], errors: list[PlanDataError]) -> None:
    """Warn about names matched without diacritics, then raise the rows' errors if any.

    The warning comes first, so the user sees what was accepted.
    """
    if matched:
        message = (f"{where}: " if where else "") + (
            "names matched without diacritics: " + "; ".join(matched)
        )
        warnings.warn(message, NameMatchWarning, stacklevel=3)
    if len(errors) == 1:
        raise errors[0]
    if errors:
        raise RowErrors(errors, path=where)


@dataclass(frozen=True)
class _RowRef:
    """Where a row to place came from, for its messages: file, row (or sheet and Excel row), id."""

    path: PathType | None
    row: int
    sheet: str | None
    ident: str | None

    @classmethod
    def of(cls, out: Any, i: int, path: PathType | None) -> _RowRef:
        rec = out.iloc[i]
        row, sheet = i + 1, None
        if "source_row" in out.columns and cell_text(rec["source_row"]):  # a table's row
            row = int(float(rec["source_row"]))
            sheet = cell_text(rec.get("source_sheet")) or None
        ident = None
        if "cluster_id" in out.columns and cell_text(rec["cluster_id"]):
            ident = f"cluster_id={cell_text(rec['cluster_id'])}"
        return cls(path, row, sheet, ident)

    @property
    def label(self) -> str:
        return (f"sheet {self.sheet!r}, " if self.sheet else "") + f"row {self.row}"

    def error(self, message: str, field: str) -> PlanDataError:
        return PlanDataError(
            message, path=self.path, row=self.row, field=field, ident=self.ident, sheet=self.sheet
        )


@dataclass
class _Gazetteer:
    """The communes and districts to place rows in, indexed by district code and name."""

    communes: Any
    districts: Any
    #: district code → {name_key of a commune: its row in ``communes``}
    by_district: dict[str, dict[str, int]]
    #: district code → {a commune's name as the layer spells it: its row}
    commune_names: dict[str, dict[str, int]]
    #: district code → its name in the commune layer
    names_by_code: dict[str, str]
    #: district code → its name (the commune layer's, else the districts layer's bare name)
    display: dict[str, str]
    #: district code → its row in ``districts``
    district_rows: dict[str, int]

    @classmethod
    def of(cls, communes: Any, districts: Any) -> _Gazetteer:
        by_district: dict[str, dict[str, int]] = {}
        for j, (code, cname) in enumerate(
            zip(communes["district_code"], communes["commune_vi"], strict=True)
        ):
            by_district.setdefault(str(code), {}).setdefault(name_key(cell_text(cname)), j)
        names_by_code = {
            str(c): cell_text(d)
            for c, d in zip(communes["district_code"], communes["district_vi"], strict=True)
        }
        display = dict(names_by_code)
        district_rows: dict[str, int] = {}
        if districts is not None:
            for k, (code, dname) in enumerate(
                zip(districts["district_code"], districts["district_vi"], strict=True)
            ):
                display.setdefault(str(code), split_admin_prefix(cell_text(dname))[1])
                district_rows[str(code)] = k
        commune_names = {
            code: {cell_text(communes["commune_vi"].iloc[j]): j for j in idx.values()}
            for code, idx in by_district.items()
        }
        return cls(communes, districts, by_district, commune_names, names_by_code, display,
                   district_rows)  # fmt: skip

    def place(
        self, *, code: str, district: str, commune: str, ref: _RowRef, matched: list[str]
    ) -> tuple[Any, str, str, str, str]:
        """Return (point, location_precision, district code, district name, commune name).

        Names matched without diacritics are noted in ``matched``; a row that cannot be
        placed raises its :class:`~planning.errors.PlanDataError`.
        """
        code = self._district_code(code=code, district=district, commune=commune, ref=ref,
                                   matched=matched)  # fmt: skip
        if commune:
            commune, hit = self._commune(code, commune, ref=ref, matched=matched)
            geom, precision = self.communes.geometry.iloc[hit].representative_point(), "commune"
        elif code in self.district_rows and self.districts is not None:
            row = self.district_rows[code]
            geom, precision = self.districts.geometry.iloc[row].representative_point(), "district"
        else:
            raise ref.error(
                "no commune given, so the row cannot be placed at a commune", "commune_vi"
            )
        name = self.names_by_code.get(code) or self.display.get(code) or district
        return geom, precision, code, name, commune

    def _district_code(
        self, *, code: str, district: str, commune: str, ref: _RowRef, matched: list[str]
    ) -> str:
        """Return the row's district code: given, found by name, or by a unique commune."""
        if not code and not district and commune:
            # No district: a commune name that is unique in the layer is enough.
            key = name_key(commune)
            hits = sorted(c for c, names in self.by_district.items() if key in names)
            if len(hits) > 1:
                where = ", ".join(self.names_by_code.get(c, c) for c in hits)
                raise ref.error(
                    f"commune {commune!r} exists in {len(hits)} districts ({where}); "
                    "give the district",
                    "district_vi",
                )
            if not hits:
                raise ref.error(
                    f"commune {commune!r} not found in the commune layer; give its district",
                    "commune_vi",
                )
            return hits[0]
        if code:
            if code not in self.by_district:
                raise ref.error(f"unknown district code {code!r}", "district_code")
            return code
        if not district:
            raise ref.error("no district given, so the row cannot be placed", "district_vi")
        code_of = {name: c for c, name in self.display.items()}
        found = match_name(district, code_of)
        if not found.name:
            raise ref.error(f"unknown district {district!r}{found.did_you_mean()}", "district_vi")
        if found.how == "folded":
            matched.append(f"{ref.label}: district {district!r} read as {found.name!r}")
        return code_of[found.name]

    def _commune(
        self, code: str, commune: str, *, ref: _RowRef, matched: list[str]
    ) -> tuple[str, int]:
        """Return the commune's name and its row in the commune layer, within ``code``."""
        hit = self.by_district.get(code, {}).get(name_key(commune))
        if hit is not None:
            return commune, hit
        found = match_name(commune, self.commune_names.get(code, {}))
        if not found.name:
            raise ref.error(
                f"commune {commune!r} not found in district "
                f"{self.names_by_code.get(code, code)} ({code}) of the commune layer"
                + (found.did_you_mean() or "; no commune of that district has a "
                   "similar name: check the district"),
                "commune_vi",
            )  # fmt: skip
        matched.append(f"{ref.label}: commune {commune!r} read as {found.name!r}")
        return found.name, self.commune_names[code][found.name]


def indicative_zones(man: Manifest, communes: Any) -> gpd.GeoDataFrame:
    """Return the manifest's special zones as indicative footprints in their host communes.

    Parameters
    ----------
    man
        The manifest; a zone with host communes and a declared area gets a footprint of
        that area at a point of the union of its host communes.
    communes
        A function returning the communes layer (called only when a zone needs it).

    Returns
    -------
    geopandas.GeoDataFrame
        One row per zone placed (``zone_id``, ``name_vi``, ``name_en``, ``declared_ha``,
        ``geometry_kind = "indicative"``, ``location_precision = "host communes"``,
        ``source_url``, ``note``), EPSG:4326.

    Raises
    ------
    PlanDataError
        If a host commune is not in the commune layer.
    """
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
        # The layer's names are keyed once per zone, not once per host commune.
        dkeys, ckeys = layer["district_vi"].map(name_key), layer["commune_vi"].map(name_key)
        parts = []
        for commune, district in z.host_communes:
            hit = layer.loc[dkeys.eq(name_key(district)) & ckeys.eq(name_key(commune))]
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
