"""Place names a map is read by: district labels, commune boundaries and names, stacked clusters.

At city scale the districts are labelled by name; from :data:`COMMUNE_ZOOM` on, the commune
boundaries (the ``vietnam63`` layer, simplified for display as a coverage) and their names
replace them. Districts and communes are found by the map's search, diacritics ignored. Clusters
whose markers fall on one point (location-only clusters placed at their commune's point,
indicative footprints centred on it) are grouped by :func:`stacked_points`, so that the page
draws one marker with their count and a popup listing each.

Everything here is plain data for the page's data block (:mod:`planning.maps.elements`): names
are inserted by the page's script as text, never as markup.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import geopandas as gpd

__all__ = [
    "COMMUNE_SIMPLIFY_M",
    "COMMUNE_ZOOM",
    "commune_features",
    "district_labels",
    "load_map_communes",
    "place_entries",
    "stacked_points",
]

#: Zoom level from which commune boundaries and names are shown instead of district names.
COMMUNE_ZOOM = 12
#: Display tolerance of the commune boundaries, metres (a pixel at zoom 13 is about 18 m;
#: coordinates are also rounded to 1e-4°, about 11 m).
COMMUNE_SIMPLIFY_M = 30.0
#: Degrees of latitude per metre (1° ≈ 111,320 m), for display tolerances given in metres.
_DEG_PER_M = 1 / 111_320.0
#: Decimals of the points shared by stacked clusters (1e-6 degree ≈ 0.1 m).
_STACK_DIGITS = 6


def _text(row: Any, column: str) -> str:
    return str(row.get(column, "") or "")


def _point(geom: Any) -> list[float]:
    p = geom.representative_point()
    return [round(float(p.y), 5), round(float(p.x), 5)]


def _bounds(geom: Any) -> list[list[float]]:
    minx, miny, maxx, maxy = geom.bounds
    return [[round(miny, 5), round(minx, 5)], [round(maxy, 5), round(maxx, 5)]]


def district_labels(districts: gpd.GeoDataFrame) -> list[list[Any]]:
    """Return ``[name, lat, lng]`` of each district's label (a point inside it, EPSG:4326)."""
    out: list[list[Any]] = []
    for i in range(len(districts)):
        row = districts.iloc[i]
        geom = row.geometry
        name = _text(row, "district_vi")
        if geom is None or geom.is_empty or not name:
            continue
        out.append([name, *_point(geom)])
    return out


def load_map_communes(*, districts: gpd.GeoDataFrame) -> gpd.GeoDataFrame | None:
    """Return the communes of the mapped districts, or None when the layer is unavailable.

    The ``vietnam63`` commune layer (:func:`planning.sources.boundaries.load_communes`, from the
    cache or ``$PLANNING_GEODATA_MIRROR``) is drawn only where its districts are the plan's
    (matched on ``district_code``): a plan on other districts gets no commune layer.
    """
    from planning.errors import GeodataUnavailable
    from planning.sources.boundaries import load_communes

    try:
        communes = load_communes()
    except GeodataUnavailable:
        return None
    if "district_code" in districts.columns:
        communes = communes.loc[communes["district_code"].isin(set(districts["district_code"]))]
    return communes if len(communes) else None


def commune_features(
    communes: gpd.GeoDataFrame, *, simplify_m: float = COMMUNE_SIMPLIFY_M, token: str = ""
) -> tuple[dict[str, Any], list[list[Any]]]:
    """Return the commune boundaries (simplified for display) and their labels.

    Parameters
    ----------
    communes
        The commune layer (EPSG:4326; ``commune_vi``, ``commune_type``, ``district_vi``).
    simplify_m
        Display tolerance in metres (shared edges simplified once:
        :func:`planning.maps.features.simplify_coverage`).
    token
        The page's feature-id prefix.

    Returns
    -------
    features, labels
        A GeoJSON FeatureCollection (no properties: the boundaries are not interactive) and
        ``[name, lat, lng]`` per commune.
    """
    from planning.maps.features import feature, simplify_coverage

    geoms = simplify_coverage(list(communes.geometry), tolerance=simplify_m * _DEG_PER_M)
    features: list[dict[str, Any]] = []
    labels: list[list[Any]] = []
    for i, geom in enumerate(geoms):
        if geom is None or geom.is_empty:
            continue
        features.append(feature(f"{token}w{i}", geom, {}, digits=4))  # 1e-4° ≈ 11 m
        name = _text(communes.iloc[i], "commune_vi")
        if name:
            labels.append([name, *_point(communes.geometry.iloc[i])])
    return {"type": "FeatureCollection", "features": features}, labels


def place_entries(
    districts: gpd.GeoDataFrame, communes: gpd.GeoDataFrame | None
) -> list[list[Any]]:
    """Return the search entries of districts and communes: ``[search text, label, bounds]``.

    The page folds the search text (no diacritics, ``đ`` → ``d``), as it does the query.
    Labels name the unit's type and its district (``Phùng Xá (xã, Thạch Thất)``).
    """
    out: list[list[Any]] = []
    for i in range(len(districts)):
        row = districts.iloc[i]
        name, kind = _text(row, "district_vi"), _text(row, "district_type")
        if row.geometry is None or row.geometry.is_empty or not name:
            continue
        label = f"{name} ({kind})" if kind else name
        out.append([f"{name} {_text(row, 'district_en')}", label, _bounds(row.geometry)])
    if communes is not None:
        for i in range(len(communes)):
            row = communes.iloc[i]
            name = _text(row, "commune_vi")
            if row.geometry is None or row.geometry.is_empty or not name:
                continue
            inside = ", ".join(
                x for x in (_text(row, "commune_type"), _text(row, "district_vi")) if x
            )
            out.append([name, f"{name} ({inside})" if inside else name, _bounds(row.geometry)])
    return out


def stacked_points(points: Sequence[tuple[str, Any]]) -> list[list[Any]]:
    """Group markers that fall on one point: ``[lat, lng, [uid, ...]]`` per point shared.

    Parameters
    ----------
    points
        ``(uid, point)`` of each cluster's marker at city scale: its location-only point or
        the dot of its outline (shapely points, EPSG:4326).

    Returns
    -------
    list
        One entry per point shared by two clusters or more (rounded to 1e-6°, about 0.1 m),
        the uids in input order; points held by one cluster are left out.

    Examples
    --------
    >>> from shapely import Point
    >>> stacked_points([("a", Point(105.8, 21.0)), ("b", Point(105.8, 21.0)), ("c", Point(106, 21))])
    [[21.0, 105.8, ['a', 'b']]]
    """
    groups: dict[tuple[float, float], list[str]] = {}
    for uid, pt in points:
        if pt is None or pt.is_empty:
            continue
        key = (round(float(pt.y), _STACK_DIGITS), round(float(pt.x), _STACK_DIGITS))
        groups.setdefault(key, []).append(uid)
    return [[lat, lng, uids] for (lat, lng), uids in groups.items() if len(uids) > 1]
