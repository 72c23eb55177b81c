"""Each cluster's commune or ward of the 2025 structure, found by its location.

The plan (Decision 1292/QĐ-UBND, 2018) and the district layer use the 2014-2025 units; a
planner writing today uses the 126 communes and wards in force from 1 July 2025
(:func:`planning.sources.units2025.load_units_2025`). :func:`add_units_2025` puts the 2025
unit beside the old commune and district of every cluster:

* a surveyed or digitized polygon gets every unit holding at least
  :data:`STRADDLE_MIN_SHARE` of its area, the largest first; two or more is a straddling
  footprint (``commune_2025_straddles``), and the note gives each unit's share;
* an indicative footprint (a circle drawn around a representative point) and a point get
  the unit holding that point: a circle's overlap with a neighbour says nothing about the
  cluster;
* a cluster known only to its district gets no 2025 unit (the district's representative
  point would name an arbitrary one), and the note says why.

A 2025 unit the data itself declares (the bundled catalogue's ``commune_2025``, from
IIPMap addresses, or a user's column) is kept as ``declared_commune_2025`` and checked by
rule ADM001 (:mod:`planning.rules.units`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import geopandas as gpd
    import numpy as np

__all__ = ["STRADDLE_MIN_SHARE", "UNIT_2025_COLUMNS", "add_units_2025"]

#: Share of a polygon's area (0-1) a 2025 unit must hold to be listed: smaller slivers are
#: within the boundaries' own imprecision (the layer is derived from a reference map).
STRADDLE_MIN_SHARE = 0.02
#: Columns :func:`add_units_2025` adds to the clusters layer.
UNIT_2025_COLUMNS = (
    "commune_2025",
    "commune_2025_code",
    "commune_2025_straddles",
    "commune_2025_note",
)
_SEP = "; "


def add_units_2025(clusters: gpd.GeoDataFrame, units: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Return the clusters with their 2025 commune or ward (see the module docstring).

    Parameters
    ----------
    clusters
        A clusters layer, EPSG:4326, with ``geometry_kind`` and ``location_precision``.
    units
        The 2025 layer (:func:`planning.sources.units2025.load_units_2025`).

    Returns
    -------
    geopandas.GeoDataFrame
        A copy with ``commune_2025`` (bare names, ``"A; B"`` when straddling, largest share
        first), ``commune_2025_code`` (national codes, likewise), ``commune_2025_straddles``
        (bool) and ``commune_2025_note`` (why a unit is missing, or the shares of a
        straddling footprint; ``""`` otherwise). A ``commune_2025`` column already present
        (declared by the data) is renamed ``declared_commune_2025`` first.
    """
    import numpy as np

    out = clusters.copy()
    if "commune_2025" in out.columns and "declared_commune_2025" not in out.columns:
        out = out.rename(columns={"commune_2025": "declared_commune_2025"})
    found = _Found.empty(len(out))
    geoms = np.asarray(out.geometry.array, dtype=object)
    rows = _Rows.of(geoms, _column(out, "geometry_kind"), _column(out, "location_precision"))
    layer = _UnitLayer.of(units)
    for i in np.flatnonzero(rows.by_district).tolist():
        found.notes[i] = "location known only to its district: its 2025 commune is not known"
    _units_at_points(geoms, np.flatnonzero(rows.pointlike), layer, found)
    _units_by_share(geoms, np.flatnonzero(rows.polygonal), layer, found)
    for i in np.flatnonzero(rows.present & ~rows.by_district).tolist():
        if not found.names[i]:
            found.notes[i] = "outside every commune and ward of Ha Noi's 2025 layer"

    out["commune_2025"] = found.names
    out["commune_2025_code"] = found.codes
    out["commune_2025_straddles"] = found.straddles
    out["commune_2025_note"] = found.notes
    geometry = out.geometry.name
    ordered = [c for c in out.columns if c != geometry] + [geometry]
    return out[ordered]


@dataclass
class _Found:
    """The columns :func:`add_units_2025` fills, one value per cluster."""

    names: list[str]
    codes: list[str]
    straddles: list[bool]
    notes: list[str]

    @classmethod
    def empty(cls, n: int) -> _Found:
        """Return the columns of ``n`` clusters with no unit found yet."""
        return cls([""] * n, [""] * n, [False] * n, [""] * n)


@dataclass(frozen=True)
class _Rows:
    """Which clusters get a unit by which rule (boolean masks over the clusters)."""

    #: A location is given (not missing, not empty).
    present: np.ndarray
    #: Known only to its district: no 2025 unit.
    by_district: np.ndarray
    #: A surveyed or digitized outline: every unit with a share of its area.
    polygonal: np.ndarray
    #: A point or an indicative footprint: the unit holding its centre.
    pointlike: np.ndarray

    @classmethod
    def of(cls, geoms: np.ndarray, kind: np.ndarray, precision: np.ndarray) -> _Rows:
        """Sort the clusters by the rule that finds their 2025 unit (module docstring)."""
        import numpy as np
        import shapely

        present = ~shapely.is_missing(geoms) & ~shapely.is_empty(geoms)
        by_district = present & (precision == "district")
        polygons = np.isin(shapely.get_type_id(geoms), (3, 6))  # Polygon, MultiPolygon
        polygonal = present & ~by_district & (kind != "indicative") & polygons
        pointlike = present & ~by_district & ~polygonal
        return cls(present, by_district, polygonal, pointlike)


@dataclass(frozen=True)
class _UnitLayer:
    """The 2025 units: geometries, names and codes, and a spatial index over them."""

    geoms: np.ndarray
    names: list[str]
    codes: list[str]
    tree: Any

    @classmethod
    def of(cls, units: gpd.GeoDataFrame) -> _UnitLayer:
        """Index the 2025 layer."""
        import numpy as np
        import shapely

        geoms = np.asarray(units.geometry.array, dtype=object)
        names = units["name"].astype(str).tolist()
        codes = units["code"].astype(str).tolist()
        return cls(geoms, names, codes, shapely.STRtree(geoms))


def _units_at_points(geoms: np.ndarray, rows: np.ndarray, layer: _UnitLayer, found: _Found) -> None:
    """Points and indicative footprints: the unit holding the (centre) point."""
    import shapely

    if not rows.size:
        return
    centres = shapely.centroid(geoms[rows])
    pairs = layer.tree.query(centres, predicate="intersects")
    first: dict[int, int] = {}
    for a, b in zip(pairs[0].tolist(), pairs[1].tolist(), strict=True):
        first.setdefault(a, b)
    for k, i in enumerate(rows.tolist()):
        if k in first:
            found.names[i], found.codes[i] = layer.names[first[k]], layer.codes[first[k]]


def _units_by_share(geoms: np.ndarray, rows: np.ndarray, layer: _UnitLayer, found: _Found) -> None:
    """Surveyed and digitized polygons: every unit with a share of the area."""
    import shapely

    if not rows.size:
        return
    pairs = layer.tree.query(geoms[rows], predicate="intersects")
    areas = shapely.area(geoms[rows])
    shared = shapely.area(shapely.intersection(geoms[rows][pairs[0]], layer.geoms[pairs[1]]))
    held: dict[int, list[tuple[float, int]]] = {}
    for a, b, s in zip(pairs[0].tolist(), pairs[1].tolist(), shared.tolist(), strict=True):
        share = s / areas[a] if areas[a] > 0 else 0.0
        if share >= STRADDLE_MIN_SHARE:
            held.setdefault(a, []).append((share, b))
    for k, i in enumerate(rows.tolist()):
        in_units = sorted(held.get(k, []), reverse=True)
        found.names[i] = _SEP.join(layer.names[b] for _, b in in_units)
        found.codes[i] = _SEP.join(layer.codes[b] for _, b in in_units)
        if len(in_units) > 1:
            found.straddles[i] = True
            parts = ", ".join(f"{layer.names[b]} {100 * s:.0f} %" for s, b in in_units)
            found.notes[i] = f"the footprint straddles {len(in_units)} communes of 2025: {parts}"


def _column(frame: gpd.GeoDataFrame, name: str) -> Any:
    import numpy as np

    if name not in frame.columns:
        return np.full(len(frame), "", dtype=object)
    return frame[name].fillna("").astype(str).to_numpy(dtype=object)
