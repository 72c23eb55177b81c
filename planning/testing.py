"""Helpers for building purpose-made plans in tests (the project's and the users').

``make_plan`` assembles a :class:`~planning.model.Plan` from a few cluster dicts on top
of the real district layer and the bundled manifest, so that each rule can be made to
pass or fail on data whose answer is known.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from planning.settings import WGS84

if TYPE_CHECKING:
    import geopandas as gpd
    from shapely.geometry import Polygon

    from planning.manifest import Manifest
    from planning.model import Plan

def district_point(name: str) -> tuple[str, float, float]:
    """Return ``(district_code, lon, lat)`` of a point inside the district called ``name``.

    Parameters
    ----------
    name
        A district name, compared without regard to tone-mark placement (``"Ứng Hoà"``).

    Returns
    -------
    tuple of (str, float, float)
        The OCHA PCODE and the district polygon's representative point.
    """
    from planning.geodata import load_districts
    from planning.vietnamese import name_key

    d = load_districts()
    hit = d.loc[d["district_vi"].map(name_key).eq(name_key(name))]
    if hit.empty:
        raise KeyError(name)
    p = hit.geometry.iloc[0].representative_point()
    return str(hit["district_code"].iloc[0]), p.x, p.y


def square(lon: float, lat: float, ha: float) -> Polygon:
    """Return an axis-aligned square of about ``ha`` hectares centred on (lon, lat).

    Parameters
    ----------
    lon, lat
        Centre in WGS 84 degrees.
    ha
        Approximate area (a local spherical approximation: within about 0.5 %).

    Returns
    -------
    shapely.Polygon
        The square.
    """
    from shapely.geometry import box

    side_m = math.sqrt(ha * 10_000.0)
    dlat = side_m / 110_574.0 / 2
    dlon = side_m / (111_320.0 * math.cos(math.radians(lat))) / 2
    return box(lon - dlon, lat - dlat, lon + dlon, lat + dlat)


def clusters_frame(rows: Iterable[Mapping[str, Any]]) -> gpd.GeoDataFrame:
    """Return a clusters layer from dicts with at least ``cluster_id`` and ``geometry``.

    Missing columns take defaults: name ``CCN <id>``, kind ``digitized``, no district.
    """
    import geopandas as gpd

    recs = []
    geoms = []
    for i, row in enumerate(rows):
        rec = dict(row)
        geoms.append(rec.pop("geometry"))
        rec.setdefault("cluster_id", f"T-{i + 1:02d}")
        rec.setdefault("name_vi", f"CCN {rec['cluster_id']}")
        rec.setdefault("geometry_kind", "digitized")
        rec.setdefault("location_precision", "digitized")
        rec.setdefault("declared_ha", math.nan)
        recs.append(rec)
    return gpd.GeoDataFrame(recs, geometry=geoms, crs=WGS84)


def make_plan(
    rows: Iterable[Mapping[str, Any]] = (),
    *,
    complete: bool = True,
    manifest: Manifest | None = None,
    zones: gpd.GeoDataFrame | None = None,
) -> Plan:
    """Return a plan holding the given clusters, the real districts and the bundled manifest.

    Parameters
    ----------
    rows
        Cluster dicts (see :func:`clusters_frame`).
    complete
        Whether the clusters claim to be the whole plan.
    manifest
        A manifest; the bundled one by default.
    zones
        A zones layer; none by default.

    Returns
    -------
    Plan
        The plan, with measured areas.
    """
    import geopandas as gpd

    from planning.area import add_areas
    from planning.geodata import load_districts
    from planning.manifest import load_manifest
    from planning.model import Plan

    base = Plan(
        clusters=clusters_frame([{"cluster_id": "x", "geometry": square(105.56, 21.06, 1)}]),
        districts=add_areas(load_districts()),
        zones=add_areas(zones) if zones is not None else gpd.GeoDataFrame(
            {"zone_id": [], "name_en": [], "geometry_kind": []}, geometry=[], crs=WGS84
        ),
        manifest=manifest or load_manifest(),
        complete=complete,
        name="test plan",
        used_sources=("ocha-districts",),
    )
    return base.with_clusters(clusters_frame(rows), complete=complete)
