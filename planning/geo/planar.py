"""Planar areas in a projected CRS, by default VN-2000 / TM-3 zone 482 (EPSG:5897).

:func:`planar_area_m2` gives the flat area a Hanoi planner's GIS shows (0.013 % below the
geodesic area at Hoa Lac), straight edges in the projection plane. Geographic and Mercator
targets are refused: their "areas" are square degrees or inflated by about 1/cos²(latitude).
The conventions (orientation, holes, missing and empty geometries) are those of
:mod:`planning.geo.area`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from planning.errors import CRSError
from planning.geo._rings import (
    GeometryInput,
    as_crs,
    between_rings,
    geometry_array,
    move_coordinates,
    ring_sums,
    split_rings,
    total_per_geometry,
)
from planning.settings import PLANNING_CRS

if TYPE_CHECKING:
    from pyproj import CRS

__all__ = ["planar_area_m2"]

# --------------------------------------------------------------------------- planar


def _refuse_target(crs: CRS) -> None:
    if crs.is_geographic:
        raise CRSError(
            f"target {crs.to_string()!r} is geographic (degrees): a planar area in square "
            "degrees means nothing; use a projected CRS such as EPSG:5897 (VN-2000 / TM-3 "
            "105°), or geodesic_area_m2 for the true area"
        )
    method = crs.coordinate_operation.method_name if crs.coordinate_operation else ""
    low = method.lower()
    if "pseudo mercator" in low or ("mercator" in low and "spherical" in low):
        raise CRSError(
            f"target {crs.to_string()!r} is Web Mercator, which is not an area projection: "
            "it inflates areas by 1/cos²(latitude), about +15 % at Hanoi (21° N); use "
            "EPSG:5897 (VN-2000 / TM-3 105°)"
        )
    if "mercator" in low and "transverse" not in low and "oblique" not in low:
        raise CRSError(
            f"target {crs.to_string()!r} uses the {method} projection, which inflates areas "
            "by about 1/cos²(latitude) (+15 % at Hanoi); use EPSG:5897 (VN-2000 / TM-3 105°)"
        )
    if not crs.is_projected:
        raise CRSError(f"target {crs.to_string()!r} is not a projected CRS; use EPSG:5897")


def planar_area_m2(
    geoms: GeometryInput, *, crs: Any = None, target: Any = PLANNING_CRS
) -> np.ndarray:
    """Return the planar area of each geometry in a projected CRS, in m².

    This is what a GIS shows for a layer in that CRS: straight edges in the projection
    plane, no correction for the projection's scale. In the default VN-2000 / TM-3 zone
    482 (EPSG:5897, scale 0.9999 on 105° E) it is 0.013 % below the geodesic area at Hoa
    Lac; in UTM 48N 0.073 % below.

    Parameters
    ----------
    geoms
        A GeoSeries or GeoDataFrame (its CRS is used), or a shapely geometry or a
        sequence of them together with ``crs``.
    crs
        The CRS of the coordinates; see :func:`planning.geo.geodesic.geodesic_area_m2`.
    target
        The projected CRS to measure in. Its length unit is converted to metres.

    Returns
    -------
    numpy.ndarray
        Float64 areas, one per geometry, with the conventions of
        :func:`planning.geo.geodesic.geodesic_area_m2`.

    Raises
    ------
    CRSError
        If there is no CRS, the coordinates cannot be transformed, or ``target`` is
        geographic (degrees), Web Mercator or another normal-aspect Mercator.
    """
    dst = as_crs(target)
    _refuse_target(dst)
    arr, src, _ = geometry_array(geoms, crs)
    rings = split_rings(arr)
    x, y = move_coordinates(rings.x, rings.y, src, dst)
    off = rings.offsets
    if len(x) < 2:
        return total_per_geometry(rings, np.zeros(len(off) - 1))
    x0, y0 = x[0], y[0]  # a common origin keeps the digits that matter
    xa, ya = x[:-1] - x0, y[:-1] - y0
    xb, yb = x[1:] - x0, y[1:] - y0
    term = xa * yb
    term -= xb * ya
    term[between_rings(off)] = 0.0
    ring_area = 0.5 * ring_sums(term, off)
    unit = dst.axis_info[0].unit_conversion_factor if dst.axis_info else 1.0
    return total_per_geometry(rings, ring_area * unit * unit)
