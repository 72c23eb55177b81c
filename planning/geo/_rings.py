"""Area inputs as flat ring coordinates: the internals the three area methods share.

Every area method (:mod:`planning.geo.geodesic`, :mod:`planning.geo.planar`) starts the same
way: take a GeoSeries, a GeoDataFrame or shapely geometries with their CRS
(:func:`geometry_array`, which refuses a missing or contradicting CRS), split every polygon
into its rings as flat coordinate arrays (:func:`split_rings`), move the coordinates with the
project's one transformer (:func:`move_coordinates`, :func:`planning.geo.transform.transform_xy`),
and finally sum the rings' areas per geometry (:func:`total_per_geometry`: rings by absolute
value, holes subtracted, NaN for a missing geometry).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np
import shapely

from planning.errors import CRSError, UsageError
from planning.geo.transform import transform_xy
from planning.settings import WGS84

if TYPE_CHECKING:
    from pyproj import CRS

__all__ = [
    "GeometryInput",
    "Rings",
    "as_crs",
    "between_rings",
    "geometry_array",
    "lonlat_rings",
    "move_coordinates",
    "ring_sums",
    "split_rings",
    "total_per_geometry",
]

_POLYGON, _MULTIPOLYGON, _COLLECTION = 3, 6, 7

GeometryInput = Any
"""A GeoSeries, a GeoDataFrame, a shapely geometry, or a sequence of them (or None)."""


def _no_crs_error() -> CRSError:
    return CRSError(
        "layer has no CRS; set one (for example EPSG:5897 for VN-2000 / TM-3 105°, or "
        "EPSG:4326 for WGS 84 longitude/latitude) with GeoDataFrame.set_crs(...), or pass "
        "crs=...; areas are never computed in raw degrees"
    )


def as_crs(value: Any) -> CRS:
    """Return ``value`` as a :class:`pyproj.CRS`; :class:`CRSError` if it cannot be read."""
    from pyproj import CRS
    from pyproj.exceptions import CRSError as ProjCRSError

    if isinstance(value, CRS):
        return value
    try:
        return CRS.from_user_input(value)
    except (ProjCRSError, TypeError, ValueError) as exc:
        raise CRSError(
            f"unreadable coordinate reference system {str(value)[:80]!r}: {exc}"
        ) from None


def geometry_array(geoms: GeometryInput, crs: Any) -> tuple[np.ndarray, CRS, Any]:
    """Return (object array of geometries, the CRS, the input's pandas index or None)."""
    gpd = sys.modules.get("geopandas")
    index = None
    layer_crs = None
    if gpd is not None and isinstance(geoms, gpd.GeoDataFrame):
        geoms = geoms.geometry
    if gpd is not None and isinstance(geoms, gpd.GeoSeries):
        index = geoms.index
        layer_crs = geoms.crs
        arr = np.asarray(geoms.array, dtype=object)
    elif isinstance(geoms, shapely.Geometry) or geoms is None:
        arr = np.empty(1, dtype=object)
        arr[0] = geoms
    else:
        if isinstance(geoms, np.ndarray) and geoms.dtype == object:
            arr = geoms.ravel()
        else:
            items = list(geoms) if not isinstance(geoms, Sequence) else geoms
            arr = np.empty(len(items), dtype=object)
            arr[:] = items
        if len(arr) and not (shapely.is_geometry(arr) | shapely.is_missing(arr)).all():
            bad = next(g for g in arr if not (g is None or isinstance(g, shapely.Geometry)))
            raise UsageError(f"expected shapely geometries, got {type(bad).__name__}")
    if crs is None and layer_crs is None:
        raise _no_crs_error()
    if crs is None:
        return arr, as_crs(layer_crs), index
    given = as_crs(crs)
    if layer_crs is not None and not as_crs(layer_crs).equals(given):
        raise CRSError(
            f"crs={given.to_string()!r} contradicts the layer's own CRS "
            f"{as_crs(layer_crs).to_string()!r}; reproject with to_crs() or drop crs="
        )
    return arr, given, index


class Rings(NamedTuple):
    """Every polygon ring of a batch of geometries, as flat coordinate arrays."""

    x: np.ndarray  # (n,) float64, first coordinate (longitude or easting)
    y: np.ndarray  # (n,) float64
    offsets: np.ndarray  # (rings + 1,) int64: ring r is x[offsets[r]:offsets[r + 1]]
    geom: np.ndarray  # (rings,) int64: index of the geometry the ring belongs to
    sign: np.ndarray  # (rings,) float64: +1 for an exterior, -1 for a hole
    missing: np.ndarray  # (geometries,) bool: None
    n: int  # number of geometries


def _polygon_parts(geom: shapely.Geometry) -> list[shapely.Geometry]:
    """Return the polygons inside a (multi)polygon or a (nested) geometry collection."""
    out: list[shapely.Geometry] = []
    stack = [geom]
    while stack:
        g = stack.pop()
        tid = shapely.get_type_id(g)
        if tid == _POLYGON and not shapely.is_empty(g):
            out.append(g)
        elif tid in (_MULTIPOLYGON, _COLLECTION):
            stack.extend(shapely.get_parts(g))
    return out


def split_rings(arr: np.ndarray) -> Rings:
    """Split geometries into rings, with the fast path for polygons without holes.

    Empty rings are left out, so every ring has at least one coordinate.
    """
    n = len(arr)
    tid = shapely.get_type_id(arr)
    missing = tid < 0
    polygon = tid == _POLYGON
    nholes = shapely.get_num_interior_rings(arr)
    simple = polygon & (nholes == 0)
    complex_ = (polygon & (nholes > 0)) | (tid == _MULTIPOLYGON) | (tid == _COLLECTION)

    found = (
        _simple_rings(arr, np.flatnonzero(simple)),
        _complex_rings(arr, np.flatnonzero(complex_)),
    )
    parts = [part for part in found if part is not None]
    xys = [part[0] for part in parts]
    counts = [part[1] for part in parts]
    geom_of = [part[2] for part in parts]
    signs = [part[3] for part in parts]

    if not xys:
        empty = np.empty(0)
        return Rings(empty, empty, np.zeros(1, np.int64), np.empty(0, np.int64), empty,
                      missing, n)  # fmt: skip
    xy = np.concatenate(xys) if len(xys) > 1 else xys[0]
    cnt = np.concatenate(counts).astype(np.int64)
    offsets = np.zeros(len(cnt) + 1, dtype=np.int64)
    np.cumsum(cnt, out=offsets[1:])
    return Rings(
        xy[:, 0],
        xy[:, 1],
        offsets,
        np.concatenate(geom_of).astype(np.int64),
        np.concatenate(signs),
        missing,
        n,
    )


_RingPart = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]
"""(coordinates, coordinates per ring, geometry of each ring, +1/-1 exterior/hole)."""


def _simple_rings(arr: np.ndarray, idx: np.ndarray) -> _RingPart | None:
    """Return the rings of the polygons without holes at ``idx`` (one ring each, vectorised)."""
    if not len(idx):
        return None
    sub = arr if len(idx) == len(arr) else arr[idx]
    xy, which = shapely.get_coordinates(sub, return_index=True)
    cnt = np.bincount(which, minlength=len(idx))
    keep = cnt > 0
    return xy, cnt[keep], idx[keep], np.ones(int(keep.sum()))


def _complex_rings(arr: np.ndarray, idx: np.ndarray) -> _RingPart | None:
    """Return the rings of the polygons with holes, multipolygons and collections at ``idx``."""
    polys: list[shapely.Geometry] = []
    owner: list[int] = []
    for i in idx:
        parts = _polygon_parts(arr[i])
        polys.extend(parts)
        owner.extend([int(i)] * len(parts))
    if not polys:
        return None
    parr = np.empty(len(polys), dtype=object)
    parr[:] = polys
    rings, ridx = shapely.get_rings(parr, return_index=True)
    first = np.ones(len(ridx), dtype=bool)
    first[1:] = ridx[1:] != ridx[:-1]
    ring_cnt = shapely.get_num_coordinates(rings)
    keep = ring_cnt > 0
    return (
        shapely.get_coordinates(rings),
        ring_cnt[keep],
        np.asarray(owner, dtype=np.int64)[ridx[keep]],
        np.where(first[keep], 1.0, -1.0),
    )


def ring_sums(pair_terms: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    """Sum per-pair terms ring by ring.

    ``pair_terms[i]`` belongs to the pair of coordinates (i, i + 1); pairs that straddle
    two rings must already be zero. Every ring is non-empty.
    """
    n_rings = len(offsets) - 1
    if not len(pair_terms):
        return np.zeros(n_rings)
    return np.add.reduceat(pair_terms, offsets[:-1])


def between_rings(offsets: np.ndarray) -> np.ndarray:
    """Return the indices of the coordinate pairs that join one ring to the next."""
    return offsets[1:-1] - 1


def total_per_geometry(rings: Rings, ring_area: np.ndarray) -> np.ndarray:
    """Sum |ring areas| per geometry (holes subtract); NaN for missing geometries."""
    signed = np.abs(ring_area) * rings.sign
    out = np.bincount(rings.geom, weights=signed, minlength=rings.n).astype(float)
    out[rings.missing] = np.nan
    return out


# ------------------------------------------------------------------ transformations


def move_coordinates(
    x: np.ndarray, y: np.ndarray, src: CRS, dst: CRS
) -> tuple[np.ndarray, np.ndarray]:
    """Move coordinates with the project's one transformer (:func:`planning.geo.transform.transform_xy`)."""
    if not len(x):
        return x, y
    xo, yo = transform_xy(x, y, src=src, dst=dst)
    if not (np.isfinite(xo).all() and np.isfinite(yo).all()):
        raise CRSError(
            f"coordinates cannot be transformed from {src.name!r} to {dst.name!r} "
            "(outside the projection's domain, or the wrong CRS for the data?)"
        )
    return xo, yo


@lru_cache(maxsize=1)
def _wgs84() -> CRS:
    from pyproj import CRS

    return CRS.from_user_input(WGS84)


def lonlat_rings(geoms: GeometryInput, crs: Any) -> tuple[Rings, Any]:
    """Return the rings of ``geoms`` in WGS 84 longitude/latitude, and the input's index."""
    arr, src, index = geometry_array(geoms, crs)
    rings = split_rings(arr)
    lon, lat = move_coordinates(rings.x, rings.y, src, _wgs84())
    return rings._replace(x=lon, y=lat), index
