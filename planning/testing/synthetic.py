"""Synthetic clusters layers of any size, with defects planted on purpose, for tests and benchmarks.

:func:`synthetic_clusters` builds the layer in steps: a jittered grid of cells over the
districts, a star-shaped ring in each (and some overlapping others), bow-ties, the districts
holding them, clusters moved out of Hanoi, declared areas and districts, ids and names,
categories. Every random draw comes from one generator in a fixed order, so the same
arguments give the same layer, byte for byte (the benchmarks' 100,000-cluster layer
depends on it). Imported by :mod:`planning.testing`, which is where users import it from.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from planning.schema import CATEGORY_PHASES
from planning.settings import WGS84

if TYPE_CHECKING:
    import geopandas as gpd
    import numpy as np

__all__ = ["synthetic_clusters"]


#: Plan categories and their phases, for synthetic clusters (from :mod:`planning.schema`).
_CATEGORIES = tuple(CATEGORY_PHASES.items())
#: Most vertices of a synthetic cluster's ring; the rings' arrays are padded to this width.
_MAX_VERTICES = 20


def synthetic_clusters(
    n: int,
    *,
    seed: int = 0,
    invalid_share: float = 0.01,
    overlap_share: float = 0.02,
    misdeclared_share: float = 0.01,
    wrong_district_share: float = 0.005,
    outside_share: float = 0.001,
    duplicate_share: float = 0.001,
    districts: gpd.GeoDataFrame | None = None,
) -> gpd.GeoDataFrame:
    """Return ``n`` synthetic digitized clusters inside Hanoi's districts, for tests and benchmarks.

    Clusters are irregular star-shaped polygons of 5-20 vertices, one per cell of a jittered
    grid laid over the 30 districts (cells whose centre lies in a district), so that they
    do not overlap by accident. Areas are log-uniform between 1 and 100 ha while Hanoi
    (3,359 km²) has room for ``n`` such clusters; for larger ``n`` the upper bound shrinks
    to what a cell holds (about 10 ha at 10,000 clusters, 1 ha at 100,000, 0.1 ha at
    1,000,000: parcels rather than clusters), and the lower bound to a tenth of it. Each
    row's district is the one holding its point on surface. Defects are planted on
    purpose, each in the given share of rows:

    * ``invalid_share``: bow-ties (two vertices swapped, so the ring crosses itself): GEO001;
    * ``overlap_share``: extra clusters centred inside another cluster: TOP001;
    * ``misdeclared_share``: declared area 10-50 % off the measured one: ARE001;
    * ``wrong_district_share``: a declared district that is not the one containing it: LOC002;
    * ``outside_share``: moved 2° east, out of Hanoi: LOC001;
    * ``duplicate_share``: a repeated id (IDS001) and, as many again, a name repeated
      without its diacritics (IDS002).

    Other declared areas are within ±2 % of the geodesic area (4 significant digits, at
    least 2 decimals). The same arguments give the same layer.

    Parameters
    ----------
    n
        Number of clusters (>= 1).
    seed
        Seed of the random generator.
    invalid_share, overlap_share, misdeclared_share, wrong_district_share, outside_share
        Shares of rows (0-1) carrying each defect.
    duplicate_share
        Share of rows whose id, and as many again whose name, repeat another row's.
    districts
        The district layer; :func:`planning.sources.boundaries.load_districts` by default.

    Returns
    -------
    geopandas.GeoDataFrame
        A clusters layer (EPSG:4326) with the columns of :data:`planning.schema.CLUSTER_COLUMNS`.
    """
    import geopandas as gpd
    import numpy as np

    if n < 1:
        raise ValueError(f"n must be at least 1, got {n}")
    rng = np.random.default_rng(seed)
    if districts is None:
        from planning.sources.boundaries import load_districts

        districts = load_districts()
    n_over = round(overlap_share * n) if n > 1 else 0
    layout = _layout(districts, n - n_over, n_over, rng)
    _plant_bow_ties(layout, rng.choice(n, size=round(invalid_share * n), replace=False))
    geoms, district_of = _polygons_in_districts(layout, districts.geometry.to_numpy())
    _move_out_of_hanoi(geoms, rng.choice(n, size=round(outside_share * n), replace=False))
    declared = _declared_areas(geoms, round(misdeclared_share * n), rng)
    district = _declared_districts(
        district_of, len(districts), round(wrong_district_share * n), rng
    )
    codes = districts["district_code"].to_numpy().astype(str)
    names = districts["district_vi"].to_numpy().astype(str)
    ids, name = _ids_and_names(names[district], round(duplicate_share * n), rng)
    frame = {
        "cluster_id": ids,
        "name_vi": name,
        "commune_vi": "",
        "district_code": codes[district],
        "district_vi": names[district],
        **_categories(n, rng),
        "status": "synthetic",
        "declared_ha": declared,
        "area_qualifier": "",
        "geometry_kind": "digitized",
        "location_precision": "digitized",
        "source_url": "",
        "source_note": f"synthetic_clusters(seed={seed})",
    }
    return gpd.GeoDataFrame(frame, geometry=geoms, crs=WGS84)


@dataclass
class _Layout:
    """Where synthetic clusters lie: centres in degrees, star-shaped rings in metres around them."""

    cx: np.ndarray  # each cluster's grid cell centre, longitude (degrees)
    cy: np.ndarray  # and latitude
    home: np.ndarray  # the district holding the cell centre (row of the district layer)
    jx: np.ndarray  # the centre's jitter, longitude (degrees)
    jy: np.ndarray  # and latitude
    bx: np.ndarray  # the ring's vertices east of the centre (metres), padded to _MAX_VERTICES
    by: np.ndarray  # and north of it
    bk: np.ndarray  # the ring's number of vertices
    m_lon: float  # metres in a degree of longitude, at the grid's middle latitude
    m_lat: float  # metres in a degree of latitude

    def polygons(self, rows: np.ndarray) -> np.ndarray:
        """Return the polygons (WGS 84 degrees) of ``rows``."""
        import numpy as np
        import shapely

        k = self.bk[rows]
        mask = np.arange(_MAX_VERTICES)[None, :] < k[:, None]
        lon = ((self.cx + self.jx)[rows, None] + self.bx[rows] / self.m_lon)[mask]
        lat = ((self.cy + self.jy)[rows, None] + self.by[rows] / self.m_lat)[mask]
        owner = np.repeat(np.arange(len(rows)), k)
        rings = shapely.linearrings(np.column_stack([lon, lat]), indices=owner)
        return np.asarray(shapely.polygons(rings), dtype=object)


def _layout(
    districts: gpd.GeoDataFrame, n_base: int, n_over: int, rng: np.random.Generator
) -> _Layout:
    """Lay out ``n_base`` clusters, one per grid cell, then ``n_over`` overlapping others."""
    import numpy as np

    bounds = districts.total_bounds
    lat0 = 0.5 * (bounds[1] + bounds[3])
    m_lat, m_lon = 110_574.0, 111_320.0 * np.cos(np.radians(lat0))
    cx, cy, home, spacing = _grid_cells(districts, n_base, m_lon, m_lat, rng)
    r_cell = 0.4 * spacing  # metres: a cluster stays inside its cell
    hi = min(100.0, 0.75 * np.pi * r_cell**2 / 1e4)
    sizes = {"lo": min(1.0, hi / 10), "hi": hi, "r_cell": r_cell}
    bx, by, bk = _star_rings(n_base, rng, **sizes)
    # Jitter the centre within what the cell leaves free.
    reach = np.hypot(bx, by).max(1)
    slack = np.maximum(0.5 * spacing - reach, 0.0)
    jx = rng.uniform(-1, 1, n_base) * slack / m_lon
    jy = rng.uniform(-1, 1, n_base) * slack / m_lat
    layout = _Layout(cx, cy, home, jx, jy, bx, by, bk, m_lon, m_lat)
    if n_over:
        _add_overlaps(layout, reach, n_over, rng, **sizes)
    return layout


def _grid_cells(
    districts: gpd.GeoDataFrame, n_base: int, m_lon: float, m_lat: float, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """Return ``n_base`` random cells of a grid whose centres lie in a district.

    The grid is as fine as gives Hanoi's land 1.3 cells a cluster, finer while too few
    centres fall in a district. Returns the cells' centres (degrees), their districts
    (rows of ``districts``) and the grid's spacing (metres).
    """
    import numpy as np

    from planning.geo.geodesic import equal_area_m2
    from planning.rules.location import locate

    minx, miny, maxx, maxy = districts.total_bounds
    dgeoms = districts.geometry.to_numpy()
    land_m2 = float(equal_area_m2(districts).sum())
    spacing = float(np.sqrt(land_m2 / (1.3 * n_base)))
    while True:
        xs = np.arange(minx + spacing / m_lon / 2, maxx, spacing / m_lon)
        ys = np.arange(miny + spacing / m_lat / 2, maxy, spacing / m_lat)
        gx, gy = (a.ravel() for a in np.meshgrid(xs, ys))
        cell_d = locate(gx, gy, dgeoms)
        inside = np.flatnonzero(cell_d >= 0)
        if len(inside) >= n_base:
            break
        spacing *= 0.9
    pick = inside[rng.choice(len(inside), size=n_base, replace=False)]
    return gx[pick], gy[pick], cell_d[pick], spacing


def _star_rings(
    count: int, rng: np.random.Generator, *, lo: float, hi: float, r_cell: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return star-shaped rings around (0, 0): x and y (metres) padded, and vertex counts.

    Their areas are log-uniform between ``lo`` and ``hi`` hectares, their radii at most
    ``r_cell`` metres.
    """
    import numpy as np

    k = rng.integers(5, _MAX_VERTICES + 1, size=count)
    j = np.arange(_MAX_VERTICES)
    jitter = rng.uniform(-0.3, 0.3, (count, _MAX_VERTICES))
    theta = 2 * np.pi * (j[None, :] + jitter) / k[:, None]
    rho = rng.uniform(0.75, 1.0, (count, _MAX_VERTICES))
    nxt = np.where(j[None, :] + 1 < k[:, None], j[None, :] + 1, 0)
    x1, y1 = rho * np.cos(theta), rho * np.sin(theta)
    x2, y2 = np.take_along_axis(x1, nxt, 1), np.take_along_axis(y1, nxt, 1)
    unit = 0.5 * np.where(j[None, :] < k[:, None], x1 * y2 - x2 * y1, 0.0).sum(1)
    target = np.exp(rng.uniform(np.log(lo), np.log(hi), count)) * 1e4
    r = np.minimum(np.sqrt(target / unit), r_cell)
    return x1 * r[:, None], y1 * r[:, None], k


def _add_overlaps(
    layout: _Layout,
    reach: np.ndarray,
    n_over: int,
    rng: np.random.Generator,
    **sizes: float,
) -> None:
    """Append ``n_over`` clusters centred inside random others (half their reach away)."""
    import numpy as np

    base = rng.integers(0, len(reach), n_over)
    ang = rng.uniform(0, 2 * np.pi, n_over)
    off = 0.5 * reach[base]
    ox, oy, ok = _star_rings(n_over, rng, **sizes)
    layout.cx = np.concatenate([layout.cx, layout.cx[base]])
    layout.cy = np.concatenate([layout.cy, layout.cy[base]])
    layout.home = np.concatenate([layout.home, layout.home[base]])
    layout.jx = np.concatenate([layout.jx, layout.jx[base] + off * np.cos(ang) / layout.m_lon])
    layout.jy = np.concatenate([layout.jy, layout.jy[base] + off * np.sin(ang) / layout.m_lat])
    layout.bx, layout.by, layout.bk = (
        np.vstack([layout.bx, ox]),
        np.vstack([layout.by, oy]),
        np.concatenate([layout.bk, ok]),
    )


def _plant_bow_ties(layout: _Layout, bad: np.ndarray) -> None:
    """Make rows ``bad`` bow-ties, whose rings cross themselves (in place).

    Their first two vertices are swapped, and the four around them put on the circle.
    """
    import numpy as np

    if not len(bad):
        return
    bx, by, bk = layout.bx, layout.by, layout.bk
    rr = np.hypot(bx[bad], by[bad]).max(1)
    for col in (np.zeros_like(bad), np.ones_like(bad), np.full_like(bad, 2), bk[bad] - 1):
        a = np.arctan2(by[bad, col], bx[bad, col])
        bx[bad, col], by[bad, col] = rr * np.cos(a), rr * np.sin(a)
    bx[bad, 0], bx[bad, 1] = bx[bad, 1].copy(), bx[bad, 0].copy()
    by[bad, 0], by[bad, 1] = by[bad, 1].copy(), by[bad, 0].copy()


def _polygons_in_districts(layout: _Layout, dgeoms: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return every row's polygon and the district (row of ``dgeoms``) holding its point on surface.

    A row whose jitter took that point out of Hanoi loses its jitter; one still astride
    the border (rare) keeps its cell's district.
    """
    import numpy as np
    import shapely

    from planning.rules.location import locate

    geoms = layout.polygons(np.arange(len(layout.bk)))
    pos = shapely.get_coordinates(shapely.point_on_surface(geoms))
    district_of = locate(pos[:, 0], pos[:, 1], dgeoms)
    lost = np.flatnonzero(district_of < 0)
    if len(lost):
        layout.jx[lost], layout.jy[lost] = 0.0, 0.0
        geoms[lost] = layout.polygons(lost)
        pos = shapely.get_coordinates(shapely.point_on_surface(geoms[lost]))
        district_of[lost] = locate(pos[:, 0], pos[:, 1], dgeoms)
        district_of = np.where(district_of < 0, layout.home, district_of)
    return geoms, district_of


def _move_out_of_hanoi(geoms: np.ndarray, rows: np.ndarray) -> None:
    """Move the polygons of ``rows`` 2° east, out of Hanoi (in place)."""
    import numpy as np
    import shapely

    if len(rows):
        geoms[rows] = shapely.transform(geoms[rows], lambda xy: xy + np.array([2.0, 0.0]))


def _declared_areas(geoms: np.ndarray, n_mis: int, rng: np.random.Generator) -> np.ndarray:
    """Return declared areas (ha): within ±2 % of the measured ones, ``n_mis`` 10-50 % off.

    Rounded to 4 significant digits, at least 2 decimals.
    """
    import numpy as np

    from planning.geo.geodesic import equal_area_m2

    n = len(geoms)
    measured = equal_area_m2(geoms, crs=WGS84) / 1e4
    declared = measured * (1 + rng.uniform(-0.02, 0.02, n))
    mis = rng.choice(n, size=n_mis, replace=False)
    declared[mis] = measured[mis] * rng.uniform(1.1, 1.5, n_mis) ** rng.choice([-1, 1], n_mis)
    declared = np.where(declared > 0, declared, np.maximum(measured, 1.0))  # bow-ties
    digits = np.maximum(2, 3 - np.floor(np.log10(np.abs(declared) + 1e-12))).astype(int)
    return np.array([round(float(v), int(d)) for v, d in zip(declared, digits, strict=True)])


def _declared_districts(
    district_of: np.ndarray, n_districts: int, n_wrong: int, rng: np.random.Generator
) -> np.ndarray:
    """Return each row's declared district: the one holding it, except ``n_wrong`` others."""
    n = len(district_of)
    wrong = rng.choice(n, size=n_wrong, replace=False)
    declared = district_of.copy()
    declared[wrong] = (district_of[wrong] + rng.integers(1, n_districts, n_wrong)) % n_districts
    return declared


def _ids_and_names(
    district_names: np.ndarray, n_dup: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Return ids ``SYN-0001``… and names ``CCN <district> <i>``, ``n_dup`` of each repeated.

    A repeated name loses its diacritics (IDS002 still finds it).
    """
    import numpy as np

    from planning.text.names import fold

    n = len(district_names)
    width = len(str(n))
    ids = np.array([f"SYN-{i:0{width}d}" for i in range(1, n + 1)], dtype=object)
    name = np.array([f"CCN {d} {i}" for i, d in enumerate(district_names, start=1)], dtype=object)
    if n_dup and n > 2 * n_dup:
        a, b = rng.choice(n, size=(2, n_dup), replace=False)
        ids[a] = ids[b]
        a, b = rng.choice(n, size=(2, n_dup), replace=False)
        name[a] = [fold(s) for s in name[b]]
    return ids, name


def _categories(n: int, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Return ``category`` and ``phase`` columns of ``n`` random plan categories."""
    import numpy as np

    cat = rng.integers(0, len(_CATEGORIES), n)
    return {
        "category": np.array([c for c, _ in _CATEGORIES], dtype=object)[cat],
        "phase": np.array([p for _, p in _CATEGORIES], dtype=object)[cat],
    }
