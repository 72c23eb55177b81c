"""Indicative footprints: circle-like polygons of exactly a declared area (geodesic).

A cluster whose area is published but whose outline is not gets an *indicative
footprint*: a regular polygon centred on the best location known, scaled until its
geodesic area (WGS 84) is the declared area to about 1e-8 relative, and marked
``geometry_kind = "indicative"`` wherever it appears. :func:`indicative_footprints` builds
them for arrays of points at once (numpy, no loop per footprint);
:func:`footprints_for_points` gives one to every point of a clusters layer that has a
declared area; :func:`indicative_zones` places the manifest's special zones (Hoa Lac
Hi-Tech Park) in their host communes until a surveyed polygon is supplied.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from planning.errors import PlanDataError
from planning.i18n import message
from planning.settings import FOOTPRINT_VERTICES, WGS84
from planning.text.names import name_key

if TYPE_CHECKING:
    import geopandas as gpd
    from shapely.geometry import Polygon

    from planning.model.manifest import Manifest

__all__ = [
    "Progress",
    "footprints_for_points",
    "indicative_footprint",
    "indicative_footprints",
    "indicative_zones",
]

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
        raise PlanDataError(
            message("an indicative footprint needs a positive area, got {area!r} ha", area=area_ha)
        )
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
    (:func:`planning.geo.geodesic.equal_area_m2`, about 1e-8 relative to GeographicLib) and its
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
        raise PlanDataError(message("lon, lat and area_ha must have the same length"))
    bad = ~(np.isfinite(area_a) & (area_a > 0))
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise PlanDataError(
            message(
                "an indicative footprint needs a positive area, got {area!r} ha",
                area=float(area_a[i]),
            ),
            row=i + 1,
        )
    bad = ~(np.isfinite(lon_a) & np.isfinite(lat_a) & (np.abs(lat_a) < 89.9))
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise PlanDataError(
            message(
                "an indicative footprint needs a centre with |latitude| < 89.9°, got "
                "({lon:.6g}, {lat:.6g})",
                lon=float(lon_a[i]),
                lat=float(lat_a[i]),
            ),
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

    from planning.geo.geodesic import WGS84_A, WGS84_F, ring_areas_m2

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
                    message(
                        "host commune {commune!r} ({district}) of zone {zone!r} not found in the "
                        "commune layer",
                        commune=commune,
                        district=district,
                        zone=z.key,
                    ),
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
