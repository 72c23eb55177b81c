"""GeoJSON features of a plan's map: classes and colours, styles, popups and tooltips.

Cluster colours follow :func:`class_colors` on the web map, the print map and in QGIS alike.
District boundaries are simplified for display only, as a coverage (:func:`simplify_coverage`:
shared edges are simplified once, so neighbours keep no gaps or slivers); every area shown is
computed on the full geometry. Popups and tooltips are rendered from the templates under
``planning/maps/templates/`` (autoescaped, see :mod:`planning.report.templating`).
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Literal

from planning.i18n import current_language
from planning.i18n import gettext as _
from planning.maps.labels import (
    CATEGORY_LABELS,
    geometry_label,
    precision_text,
    status_class,
    status_text,
)
from planning.report.templating import render

if TYPE_CHECKING:
    import geopandas as gpd

    from planning.maps.view import MapView

__all__ = [
    "CANVAS_THRESHOLD",
    "CHANGE_COLORS",
    "COLOR_BY",
    "PALETTE",
    "ZONE_COLOR",
    "ColorBy",
    "class_colors",
    "cluster_classes",
    "cluster_features",
    "district_features",
    "dot_style",
    "feature",
    "layer_bounds",
    "point_style",
    "simplify_coverage",
    "zone_features",
]

ColorBy = Literal["status", "category"]
#: What clusters can be coloured by.
COLOR_BY: tuple[str, ...] = ("status", "category")
#: Categorical colours (Okabe-Ito, readable by colour-blind people); the last is "other".
PALETTE: tuple[str, ...] = (
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#CC79A7",
    "#D55E00",
    "#56B4E9",
    "#8C6D1F",
    "#7F7F7F",
)
#: Colours of the changes on a diff map; removals are also dashed, moves also get a line.
CHANGE_COLORS: dict[str, str] = {
    "added": "#1A9850",
    "removed": "#D7301F",
    "resized": "#E69F00",
    "moved": "#0072B2",
}
#: Colour of the special zones (Hoa Lac Hi-Tech Park) on every map, web, print and QGIS.
ZONE_COLOR = "#6A3D9A"
#: Degrees of latitude per metre, for display tolerances given in metres (1° ≈ 111,320 m).
_DEG_PER_M = 1 / 111_320.0


def cluster_classes(clusters: Any, *, color_by: ColorBy) -> list[str]:
    """Return the class each cluster is coloured by: its category, or its status's class.

    Parameters
    ----------
    clusters
        The clusters layer (``category`` and ``status`` columns).
    color_by
        ``"category"`` or ``"status"``.

    Returns
    -------
    list of str
        One class per row, in order (``"unknown"`` for an empty category).
    """
    if color_by == "category":
        return [str(c or "unknown") for c in clusters["category"]]
    return [status_class(s) for s in clusters["status"]]


def class_colors(values: Sequence[str], *, color_by: ColorBy) -> dict[str, str]:
    """Return the colour of each class, the same on the web map, the print map and in QGIS.

    Parameters
    ----------
    values
        The classes of the clusters (see :func:`cluster_classes`), one per cluster.
    color_by
        ``"category"`` (the plan's order) or ``"status"`` (the most frequent first).

    Returns
    -------
    dict of str to str
        Class → ``#RRGGBB`` from :data:`PALETTE`; unknown classes, and classes beyond the
        palette, share its last colour (grey). Ordered as the legend lists them.
    """
    counts = Counter(values)
    if color_by == "category":
        order = [c for c in CATEGORY_LABELS if c in counts and c != "unknown"]
        order += sorted(c for c in counts if c not in CATEGORY_LABELS)
        if "unknown" in counts:
            order.append("unknown")
    else:
        order = sorted(counts, key=lambda c: (c == "status not reported", -counts[c], c))
    colors: dict[str, str] = {}
    usable = PALETTE[:-1]
    for i, c in enumerate(order):
        grey = c in ("unknown", "status not reported") or i >= len(usable)
        colors[c] = PALETTE[-1] if grey else usable[i]
    return colors


def simplify_coverage(geoms: Sequence[Any], *, tolerance: float) -> list[Any]:
    """Simplify polygons that tile an area without opening gaps or overlaps between them.

    Shared edges are simplified once (:func:`shapely.coverage_simplify`, shapely >= 2.1),
    so neighbours stay edge to edge. If the input is not a valid coverage, each polygon is
    simplified on its own with its topology preserved.

    Parameters
    ----------
    geoms
        Polygons or multipolygons (None and empty geometries pass through).
    tolerance
        Tolerance in the geometries' units (degrees for EPSG:4326).

    Returns
    -------
    list of shapely geometries
        One per input, in order.
    """
    import numpy as np
    import shapely

    arr = np.asarray(list(geoms), dtype=object)
    if tolerance <= 0 or len(arr) == 0:
        return list(arr)
    ok = np.array([g is not None and not shapely.is_empty(g) for g in arr], dtype=bool)
    out = arr.copy()
    valid = arr[ok]
    coverage_simplify = getattr(shapely, "coverage_simplify", None)
    if coverage_simplify is not None and bool(shapely.coverage_is_valid(valid)):
        out[ok] = coverage_simplify(valid, tolerance)
    else:
        out[ok] = shapely.simplify(valid, tolerance, preserve_topology=True)
    return list(out)


# -- small pieces --------------------------------------------------------------------------------------


def finite(x: Any) -> float | None:
    """Return ``x`` as a float, or None when it is missing, not a number or not finite."""
    try:
        v = float(x)
    except (TypeError, ValueError):
        return None
    return v if math.isfinite(v) else None


def css_token(text: str) -> str:
    """Return text as a CSS class token (lower case, ``[a-z0-9_-]``)."""
    return re.sub(r"[^a-z0-9_-]+", "-", text.lower()).strip("-") or "unknown"


def fold(text: str) -> str:
    """Return the search key of a name (:func:`planning.text.names.fold`)."""
    from planning.text.names import fold as _fold

    return _fold(text)


def feature(fid: str, geom: Any, properties: dict[str, Any], *, digits: int = 6) -> dict[str, Any]:
    """Return a GeoJSON feature with its coordinates rounded to ``digits`` decimals (degrees)."""
    import numpy as np
    import shapely

    rounded = shapely.transform(geom, lambda xy: np.round(xy, digits))
    return {
        "type": "Feature",
        "id": fid,
        "geometry": json.loads(shapely.to_geojson(rounded)),
        "properties": properties,
    }


def point_style(color: str, class_name: str) -> dict[str, Any]:
    """Style of a location-only cluster: a hollow circle in ``color``."""
    return {
        "radius": 7,
        "fill": True,
        "color": color,
        "weight": 3,
        "fillColor": "#ffffff",
        "fillOpacity": 0.9,
        "className": class_name + " planning-point",
    }


def dot_style(color: str, class_name: str) -> dict[str, Any]:
    """Style of the dot that marks an outline at city scale."""
    return {
        "radius": 5,
        "fill": True,
        "color": "#ffffff",
        "weight": 1.5,
        "fillColor": color,
        "fillOpacity": 1.0,
        "className": class_name,
    }


def layer_bounds(*layers: gpd.GeoDataFrame) -> list[list[float]]:
    """Return ``[[south, west], [north, east]]`` of the layers (Ha Noi when all are empty)."""
    import numpy as np

    boxes = [layer.total_bounds for layer in layers if len(layer) and layer.geometry.notna().any()]
    if not boxes:
        return [[20.5, 105.3], [21.4, 106.0]]  # Hanoi
    b = np.vstack(boxes)
    minx, miny = np.nanmin(b[:, 0]), np.nanmin(b[:, 1])
    maxx, maxy = np.nanmax(b[:, 2]), np.nanmax(b[:, 3])
    return [[float(miny), float(minx)], [float(maxy), float(maxx)]]


def _text(row: Any, column: str) -> str:
    return str(row.get(column, "") or "")


# -- layers ----------------------------------------------------------------------------------------------


def district_features(
    districts: gpd.GeoDataFrame, *, simplify_m: float, token: str = ""
) -> dict[str, Any]:
    """Return the districts as features with a tooltip, simplified by ``simplify_m`` metres.

    Areas (km²) come from the ``measured_ha`` column, computed on the full geometry.
    """
    tolerance = max(float(simplify_m), 0.0) * _DEG_PER_M
    geoms = simplify_coverage(list(districts.geometry), tolerance=tolerance)
    area = districts["measured_ha"] if "measured_ha" in districts.columns else None
    features = []
    for i, geom in enumerate(geoms):
        if geom is None or geom.is_empty:
            continue
        row = districts.iloc[i]
        ha = finite(area.iloc[i]) if area is not None else None
        view = {
            "name": _text(row, "district_vi"),
            "kind": _text(row, "district_type"),
            "name_en": _text(row, "district_en"),
            "area_km2": None if ha is None else ha / 100,
        }
        tooltip = render("planning.maps", "district_tooltip.html", d=view)
        features.append(feature(f"{token}d{i}", geom, {"tooltip": tooltip}, digits=5))
    return {"type": "FeatureCollection", "features": features}


def _zone_style(indicative: bool) -> dict[str, Any]:
    style: dict[str, Any] = {
        "color": ZONE_COLOR,
        "weight": 2.5,
        "fillColor": ZONE_COLOR,
        "fillOpacity": 0.15,
        "className": "planning-zone" + (" planning-indicative" if indicative else ""),
    }
    if indicative:
        style["dashArray"] = "8 5"
    return style


def zone_features(
    zones: gpd.GeoDataFrame, *, token: str = ""
) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    """Return the special zones as features (popup, tooltip, search key) and their styles."""
    features: list[dict[str, Any]] = []
    styles: dict[str, dict[str, Any]] = {}
    for i in range(len(zones)):
        row = zones.iloc[i]
        geom = row.geometry
        if geom is None or geom.is_empty:
            continue
        name_vi, name_en = _text(row, "name_vi"), _text(row, "name_en")
        # the name in the page's language first (the English name only in English pages)
        names = (name_vi, name_en) if current_language() == "vi" else (name_en, name_vi)
        label = names[0] or names[1] or str(row.get("zone_id", "zone"))
        kind = _text(row, "geometry_kind")
        fid = f"{token}z{i}"
        styles[fid] = _zone_style(kind == "indicative")
        view = {
            "label": label,
            "name_vi": name_vi,
            "name_en": name_en,
            "indicative": kind == "indicative",
            "declared": finite(row.get("declared_ha")),
            "measured": finite(row.get("measured_ha")),
            "geometry_label": geometry_label(kind) if kind else _("not stated"),
            "precision": _text(row, "location_precision"),
            "source_url": _text(row, "source_url"),
            "note": _text(row, "note") if "note" in zones.columns else "",
        }
        properties = {
            "popup": render("planning.maps", "zone_popup.html", z=view),
            "tooltip": render("planning.maps", "zone_tooltip.html", z=view),
            "label": f"{label} ({names[1]})" if names[1] and names[1] != label else label,
            "layer": label,
            "search": fold(f"{name_vi} {name_en}"),
        }
        features.append(feature(fid, geom, properties))
    return {"type": "FeatureCollection", "features": features}, styles


def _cluster_style(color: str, *, kind: str, is_point: bool) -> dict[str, Any]:
    common = f"planning-cluster planning-cluster-shape planning-kind-{css_token(kind)}"
    if is_point:
        return point_style(color, common)
    indicative = kind == "indicative"
    style: dict[str, Any] = {
        "color": color,
        "weight": 2,
        "fillColor": color,
        "fillOpacity": 0.35,
        "className": common + (" planning-indicative" if indicative else ""),
    }
    if indicative:
        style["dashArray"] = "5 4"
    return style


def _cluster_properties(
    row: Any, fid: str, *, measured: float | None, findings: list[dict[str, Any]]
) -> dict[str, Any]:
    """Return the plain data a cluster's popup and tooltip are built from, on the page.

    The page's script (``PlanningMap.clusterPopup``) builds the popup when it opens, with
    ``textContent`` only, so no markup per cluster is written into the file.
    """
    props: dict[str, Any] = {
        "uid": fid,
        "cluster_id": str(row["cluster_id"]),
        "name": str(row["name_vi"]),
        "kind": str(row["geometry_kind"]),
        "category": _text(row, "category") or "unknown",
    }
    optional = {
        "commune": _text(row, "commune_vi"),
        "district": _text(row, "district_vi"),
        "qualifier": _text(row, "area_qualifier"),
        "declared_ha": finite(row["declared_ha"]),
        "measured_ha": measured,
        "precision": precision_text(_text(row, "location_precision")),
        "status": status_text(_text(row, "status")),
        "source_url": _text(row, "source_url"),
        "findings": [[str(f["code"]), str(f["severity"]), str(f["message"])] for f in findings],
    }
    props.update({k: v for k, v in optional.items() if v not in (None, "", [])})
    return props


#: Clusters from which polygons are drawn on one canvas instead of as SVG paths.
CANVAS_THRESHOLD = 2_000


def cluster_features(
    clusters: gpd.GeoDataFrame,
    view: MapView,
    *,
    color_by: ColorBy,
    token: str,
    dots: bool = True,
) -> tuple[dict[str, Any], dict[str, dict[str, Any]], list[tuple[str, str, int]]]:
    """Return the clusters as features, their styles, and the legend's (class, colour, count).

    Each cluster with an outline also gets a dot (``ref`` to the outline's ``uid``) that
    marks it at city scale (unless ``dots`` is False: on a canvas map of thousands of
    clusters the outlines themselves are drawn at every scale, so as not to draw twice as
    many shapes); the findings shown come from ``view`` (the check report). The
    properties are plain data (:func:`_cluster_properties`); popups and tooltips are built
    on the page from them, when opened.
    """
    classes = cluster_classes(clusters, color_by=color_by)
    colors = class_colors(classes, color_by=color_by)
    shapes: list[dict[str, Any]] = []
    markers: list[dict[str, Any]] = []
    styles: dict[str, dict[str, Any]] = {}
    # plain dicts: a row of a GeoDataFrame costs ~0.1 ms to index, 10 s at 100,000 clusters
    rows = clusters.drop(columns=clusters.geometry.name).to_dict("records")
    geoms = list(clusters.geometry)
    for i, row in enumerate(rows):
        geom = geoms[i]
        if geom is None or geom.is_empty:
            continue
        color = colors[classes[i]]
        kind = str(row["geometry_kind"])
        fid = f"{token}c{i}"
        is_point = geom.geom_type in ("Point", "MultiPoint")
        styles[fid] = _cluster_style(color, kind=kind, is_point=is_point)
        meas = finite(row.get("measured_ha")) if not is_point else None
        found = view.findings.get(str(row["cluster_id"]), [])
        properties = _cluster_properties(row, fid, measured=meas, findings=found)
        shapes.append(feature(fid, geom, properties))
        if dots and not is_point:
            pt = geom.representative_point() if kind != "indicative" else geom.centroid
            styles[f"{token}k{i}"] = dot_style(color, "planning-cluster-dot")
            markers.append(feature(f"{token}k{i}", pt, {"ref": fid}))
    counts = Counter(classes)
    legend = [(c, colors[c], counts[c]) for c in colors]
    return {"type": "FeatureCollection", "features": shapes + markers}, styles, legend
