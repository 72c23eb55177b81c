"""Clusters drawn at one point: the stacks a map must draw as one counted marker.

Clusters known only by their commune or district are placed at its representative point,
so several can share one location (five Thường Tín clusters at the district's point; pairs
at Phùng Xá, Chàng Sơn and Thanh Thùy in the bundled catalogue). Drawn one by one, the
markers hide each other. :func:`stacked_locations` finds those groups so the web map and
the print map can draw each as one marker with its count and the list of its clusters.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import geopandas as gpd
    import numpy as np
    import pandas as pd

__all__ = ["STACK_COLUMNS", "STACK_TOLERANCE_M", "marker_points", "stacked_locations"]

#: Points closer than this (m) are one location (well below any source's precision).
STACK_TOLERANCE_M = 1.0
#: Columns of :func:`stacked_locations`, in order.
STACK_COLUMNS = ("lon", "lat", "count", "cluster_ids")
#: Mean radius of the earth (m, IUGG), for distances of a metre: the error of a sphere is
#: far below the tolerance at that scale.
_EARTH_RADIUS_M = 6_371_008.8


def marker_points(clusters: gpd.GeoDataFrame) -> np.ndarray:
    """Return where each cluster's marker is drawn, as ``(n, 2)`` lon/lat (NaN without geometry).

    The rule the web map follows: a point is itself, an indicative footprint its centre
    (the centroid of the symmetric circle) and any other outline its point on surface.

    Parameters
    ----------
    clusters
        A clusters layer in EPSG:4326, with ``geometry_kind`` (``indicative`` footprints).

    Returns
    -------
    numpy.ndarray
        Float ``(n, 2)`` array of lon, lat in degrees; NaN rows for missing or empty
        geometries.
    """
    import numpy as np
    import shapely

    geoms = clusters.geometry.to_numpy()
    out = np.full((len(geoms), 2), np.nan)
    ok = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    if not ok.any():
        return out
    kinds = (
        clusters["geometry_kind"].astype(str).to_numpy()
        if "geometry_kind" in clusters.columns
        else np.full(len(geoms), "")
    )
    indicative = ok & (kinds == "indicative")
    other = ok & ~indicative
    if indicative.any():
        out[indicative] = shapely.get_coordinates(shapely.centroid(geoms[indicative]))
    if other.any():
        out[other] = shapely.get_coordinates(shapely.point_on_surface(geoms[other]))
    return out


def stacked_locations(
    clusters: gpd.GeoDataFrame, *, tolerance_m: float = STACK_TOLERANCE_M
) -> pd.DataFrame:
    """Group the clusters whose markers coincide (within ``tolerance_m``).

    Markers are placed by :func:`marker_points`. Two clusters are in one group when their
    markers are closer than ``tolerance_m`` (great-circle distance on a sphere of the
    earth's mean radius), or are linked through other members of the group.

    Parameters
    ----------
    clusters
        A clusters layer in EPSG:4326 with ``cluster_id``.
    tolerance_m
        The distance (m) under which two markers are one location.

    Returns
    -------
    pandas.DataFrame
        One row per location shared by two or more clusters, columns :data:`STACK_COLUMNS`:
        ``lon``, ``lat`` (degrees, the first member's marker), ``count`` (int) and
        ``cluster_ids`` (list of str, in the layer's row order). Rows in the order of their
        first member; empty (with those columns) when no two markers coincide.
    """
    import numpy as np
    import pandas as pd
    import shapely

    xy = marker_points(clusters)
    rows = np.flatnonzero(np.isfinite(xy).all(axis=1))
    empty = pd.DataFrame({c: pd.Series(dtype=object) for c in STACK_COLUMNS})
    empty["count"] = empty["count"].astype("int64")
    if len(rows) < 2:
        return empty
    lon, lat = np.radians(xy[rows, 0]), np.radians(xy[rows, 1])
    # Local metric coordinates: metres east at the point's own latitude and metres north;
    # pairs within the tolerance in this plane are confirmed with the haversine distance.
    x = _EARTH_RADIUS_M * lon * np.cos(lat)
    y = _EARTH_RADIUS_M * lat
    points = shapely.points(x, y)
    tree = shapely.STRtree(points)
    a, b = tree.query(points, predicate="dwithin", distance=2.0 * tolerance_m)
    keep = a < b
    a, b = a[keep], b[keep]
    close = _haversine_m(lon[a], lat[a], lon[b], lat[b]) <= tolerance_m
    a, b = a[close], b[close]
    labels = _components(len(rows), a, b)
    sizes = np.bincount(labels)
    ids = clusters["cluster_id"].astype(str).to_numpy()
    records = []
    seen: set[int] = set()
    for k, label in enumerate(labels):
        if sizes[label] < 2 or label in seen:
            continue
        seen.add(int(label))
        members = rows[labels == label]
        records.append(
            {
                "lon": float(xy[rows[k], 0]),
                "lat": float(xy[rows[k], 1]),
                "count": len(members),
                "cluster_ids": [str(ids[m]) for m in members],
            }
        )
    if not records:
        return empty
    out = pd.DataFrame.from_records(records, columns=list(STACK_COLUMNS))
    out["count"] = out["count"].astype("int64")
    return out


def _haversine_m(
    lon1: np.ndarray, lat1: np.ndarray, lon2: np.ndarray, lat2: np.ndarray
) -> np.ndarray:
    """Great-circle distances (m) between points given in radians."""
    import numpy as np

    h = (
        np.sin((lat2 - lat1) / 2) ** 2
        + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * _EARTH_RADIUS_M * np.arcsin(np.sqrt(np.minimum(h, 1.0)))


def _components(n: int, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Label the connected components of the graph on ``n`` nodes with edges ``a[k]–b[k]``.

    Each label is the smallest node of its component (union-find with path halving).
    """
    import numpy as np

    parent = np.arange(n)

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = int(parent[i])
        return i

    for i, j in zip(a.tolist(), b.tolist(), strict=True):
        ri, rj = root(i), root(j)
        if ri != rj:
            parent[max(ri, rj)] = min(ri, rj)
    return np.array([root(i) for i in range(n)], dtype=np.int64)
