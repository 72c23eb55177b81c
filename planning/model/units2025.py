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

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import geopandas as gpd

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


def add_units_2025(clusters: gpd.GeoDataFrame, units: gpd.GeoDataFrame) -> gpd.GeoDataFrame:  # noqa: PLR0912, PLR0915  # one pass over the clusters: outline, circle or point, each its own rule
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
    import shapely

    out = clusters.copy()
    if "commune_2025" in out.columns and "declared_commune_2025" not in out.columns:
        out = out.rename(columns={"commune_2025": "declared_commune_2025"})
    n = len(out)
    names = [""] * n
    codes = [""] * n
    straddles = [False] * n
    notes = [""] * n
    geoms = np.asarray(out.geometry.array, dtype=object)
    kind = _column(out, "geometry_kind")
    precision = _column(out, "location_precision")
    unit_geoms = np.asarray(units.geometry.array, dtype=object)
    unit_names = units["name"].astype(str).tolist()
    unit_codes = units["code"].astype(str).tolist()
    tree = shapely.STRtree(unit_geoms)

    present = ~shapely.is_missing(geoms) & ~shapely.is_empty(geoms)
    by_district = present & (precision == "district")
    polygons = np.isin(shapely.get_type_id(geoms), (3, 6))  # Polygon, MultiPolygon
    polygonal = present & ~by_district & (kind != "indicative") & polygons
    pointlike = present & ~by_district & ~polygonal
    for i in np.flatnonzero(by_district).tolist():
        notes[i] = "location known only to its district: its 2025 commune is not known"

    # Points and indicative footprints: the unit holding the (centre) point.
    rows = np.flatnonzero(pointlike)
    if rows.size:
        centres = shapely.centroid(geoms[rows])
        pairs = tree.query(centres, predicate="intersects")
        first: dict[int, int] = {}
        for a, b in zip(pairs[0].tolist(), pairs[1].tolist(), strict=True):
            first.setdefault(a, b)
        for k, i in enumerate(rows.tolist()):
            if k in first:
                names[i], codes[i] = unit_names[first[k]], unit_codes[first[k]]

    # Surveyed and digitized polygons: every unit with a share of the area.
    rows = np.flatnonzero(polygonal)
    if rows.size:
        pairs = tree.query(geoms[rows], predicate="intersects")
        areas = shapely.area(geoms[rows])
        shared = shapely.area(shapely.intersection(geoms[rows][pairs[0]], unit_geoms[pairs[1]]))
        held: dict[int, list[tuple[float, int]]] = {}
        for a, b, s in zip(pairs[0].tolist(), pairs[1].tolist(), shared.tolist(), strict=True):
            share = s / areas[a] if areas[a] > 0 else 0.0
            if share >= STRADDLE_MIN_SHARE:
                held.setdefault(a, []).append((share, b))
        for k, i in enumerate(rows.tolist()):
            found = sorted(held.get(k, []), reverse=True)
            names[i] = _SEP.join(unit_names[b] for _, b in found)
            codes[i] = _SEP.join(unit_codes[b] for _, b in found)
            if len(found) > 1:
                straddles[i] = True
                parts = ", ".join(f"{unit_names[b]} {100 * s:.0f} %" for s, b in found)
                notes[i] = f"the footprint straddles {len(found)} communes of 2025: {parts}"
    for i in np.flatnonzero(present & ~by_district).tolist():
        if not names[i]:
            notes[i] = "outside every commune and ward of Ha Noi's 2025 layer"

    out["commune_2025"] = names
    out["commune_2025_code"] = codes
    out["commune_2025_straddles"] = straddles
    out["commune_2025_note"] = notes
    geometry = out.geometry.name
    ordered = [c for c in out.columns if c != geometry] + [geometry]
    return out[ordered]


def _column(frame: gpd.GeoDataFrame, name: str) -> Any:
    import numpy as np

    if name not in frame.columns:
        return np.full(len(frame), "", dtype=object)
    return frame[name].fillna("").astype(str).to_numpy(dtype=object)
