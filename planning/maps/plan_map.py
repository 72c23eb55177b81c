"""The folium map of one plan: its layers in drawing order and the config of the page's script.

:func:`plan_map` draws the districts, the communes (added by the page when first zoomed in),
the context layers, the special zones and the clusters (dots at city scale, outlines from
:data:`DETAIL_ZOOM`), then hands the page its summary panel, legend, attributions, place names,
search entries and stacked points. :func:`planning.maps.api.make_map` checks the options and
sets the language; :func:`district_layer` is shared with the diff map.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from planning._safetext import html_text
from planning.i18n import gettext as _
from planning.maps import context, places
from planning.maps.features import CANVAS_THRESHOLD, ZONE_COLOR, ColorBy
from planning.maps.labels import (
    CATEGORY_LABELS,
    GEOMETRY_LABELS,
    STATUS_WORDS,
    category_label,
    geometry_label,
)

if TYPE_CHECKING:
    import folium
    import geopandas as gpd

    from planning.maps.view import MapView
    from planning.model.plan import Plan
    from planning.report.core import Report

__all__ = ["DETAIL_ZOOM", "district_layer", "number_format", "plan_map"]

#: Zoom level from which cluster outlines replace the dots that mark them at city scale.
DETAIL_ZOOM = 14
_DISTRICT_STYLE = {
    "color": "#6b6b6b",
    "weight": 1,
    "fillColor": "#e8e4d8",
    "fillOpacity": 0.55,
    "className": "planning-district",
}
_COMMUNE_STYLE = {
    "color": "#8a8a8a",
    "weight": 0.8,
    "dashArray": "3 3",
    "fill": False,
    "className": "planning-commune",
}
_DISTRICT_HIGHLIGHT = {"weight": 2.5, "color": "#333333", "fillOpacity": 0.7}


def plan_map(
    plan: Plan, report: Report, *, tiles: str, color_by: ColorBy, simplify_m: float
) -> folium.Map:
    """Return the map of a plan in the language in force: its layers, then its controls.

    Parameters
    ----------
    plan
        The plan to show.
    report
        Its check report (the findings in the popups, the failed rules in the summary).
    tiles, color_by, simplify_m
        As for :func:`planning.maps.api.make_map`, already checked.
    """
    from planning.maps import elements
    from planning.maps.features import layer_bounds
    from planning.maps.view import plan_view

    view = plan_view(plan, report)
    bounds = layer_bounds(plan.districts, plan.clusters, plan.zones)
    big = len(plan.clusters) > CANVAS_THRESHOLD
    m = elements.base_map(_("Map: %(name)s") % {"name": plan.name}, bounds, tiles)
    token = elements.page_data(m).token
    layers = {"districts": district_layer(m, plan, simplify_m=simplify_m)}
    communes = places.load_map_communes(districts=plan.districts)
    commune_labels = _add_communes(m, layers, communes, token=token)
    extra = context.add_context_layers(m, plan, token=token)
    _add_zones(m, layers, plan.zones, token=token)
    clusters, legend = _add_clusters(
        m, layers, plan, view, color_by=color_by, token=token, dots=not big
    )
    stacks = places.stacked_points(_marker_points(clusters))
    order = ("districts", "communes", "clusters", "zones")
    attributions = [*view.attributions, *extra.attributions]
    elements.finish_map(
        m,
        layers={k: layers[k] for k in order if k in layers},
        config={
            "panel": _render("panel.html", v=view),
            "legend": _legend_html(
                legend,
                color_by=color_by,
                has_zone="zones" in layers,
                drawn=_drawn_kinds(clusters),
                stacks=len(stacks),
                communes=communes is not None,
                context=extra.legend,
            ),
            "attribution": " | ".join(html_text(x) for x in attributions),
            "detailZoom": DETAIL_ZOOM,
            "communeZoom": places.COMMUNE_ZOOM,
            "bounds": bounds,
            "fitClear": True,  # no cluster hidden under the panel or the legend
            "canvas": big,
            **_page_words(),
            "districtLabels": places.district_labels(plan.districts),
            "communeLabels": commune_labels,
            "places": places.place_entries(plan.districts, communes),
            "stacks": stacks,
        },
    )
    return m


def _add_communes(
    m: folium.Map, layers: dict[str, Any], communes: gpd.GeoDataFrame | None, *, token: str
) -> list[list[Any]]:
    """Add the commune boundaries (hidden at first) to ``layers``; return their name labels."""
    from planning.maps import elements

    if communes is None:
        return []
    shapes, commune_labels = places.commune_features(communes, token=token)
    # off at first: the page adds it the first time the map is zoomed in to communeZoom
    layers["communes"] = elements.add_layer(
        m,
        shapes,
        name=_("Communes (2019)"),
        style_function=lambda f: _COMMUNE_STYLE,
        interactive=False,
        smooth_factor=1.0,
        show=False,
    )
    return commune_labels


def _add_zones(
    m: folium.Map, layers: dict[str, Any], zones: gpd.GeoDataFrame, *, token: str
) -> None:
    """Add the special zones (Hoa Lac Hi-Tech Park), when the plan has any, to ``layers``."""
    from planning.maps import elements
    from planning.maps.features import zone_features

    features, zone_styles = zone_features(zones, token=token)
    if not features["features"]:
        return
    names = [str(f["properties"]["layer"]) for f in features["features"]]
    label = names[0] if len(names) == 1 else _("Special zones")
    layers["zones"] = elements.add_layer(
        m, features, name=label, style_function=elements.styler(zone_styles)
    )


def _add_clusters(
    m: folium.Map,
    layers: dict[str, Any],
    plan: Plan,
    view: MapView,
    *,
    color_by: ColorBy,
    token: str,
    dots: bool,
) -> tuple[list[dict[str, Any]], list[tuple[str, str, int]]]:
    """Add the clusters to ``layers``; return their features and the legend's classes."""
    import folium

    from planning.maps import elements
    from planning.maps.features import cluster_features

    clusters, styles, legend = cluster_features(
        plan.clusters, view, color_by=color_by, token=token, dots=dots
    )
    if clusters["features"]:
        layers["clusters"] = elements.add_layer(
            m,
            clusters,
            name=_("Clusters (%(n)s)") % {"n": len(plan.clusters)},
            styles=styles,
            marker=folium.CircleMarker(radius=6),
        )
    return clusters["features"], legend


def _page_words() -> dict[str, Any]:
    """Return the labels and number format the page's script shows cluster data with."""
    return {
        "labels": {
            "categories": {k: category_label(k) for k in CATEGORY_LABELS},
            "geometry": {k: geometry_label(k) for k in GEOMETRY_LABELS},
        },
        "number": number_format(),
    }


def number_format() -> dict[str, str]:
    """Return the decimal and group separators of the language in force, for the page's script."""
    from planning.i18n import current_language

    if current_language() == "vi":
        return {"decimal": ",", "group": "."}
    return {"decimal": ".", "group": ","}


def _marker_points(features: list[dict[str, Any]]) -> list[tuple[str, Any]]:
    """Return ``(uid, point)`` of each cluster's marker at city scale (its point or its dot)."""
    from shapely.geometry import shape

    out: list[tuple[str, Any]] = []
    for f in features:
        if f["geometry"]["type"] != "Point":
            continue
        p = f["properties"]
        uid = p.get("uid") or p.get("ref")
        if uid:
            out.append((str(uid), shape(f["geometry"])))
    return out


def _drawn_kinds(features: list[dict[str, Any]]) -> set[str]:
    """Return what the cluster layer draws: geometry kinds, and ``"dot"`` when dots are drawn."""
    kinds = {str(f["properties"]["kind"]) for f in features if "kind" in f["properties"]}
    if any("ref" in f["properties"] for f in features):
        kinds.add("dot")
    return kinds


def _render(name: str, /, **context: Any) -> str:
    """Return a template of ``planning/maps/templates/`` rendered over ``context``."""
    from planning.report.templating import render

    return render("planning.maps", name, **context)


def _legend_html(
    items: list[tuple[str, str, int]],
    *,
    color_by: ColorBy,
    has_zone: bool,
    drawn: set[str] | None = None,
    stacks: int = 0,
    communes: bool = False,
    context: list[dict[str, str]] | None = None,
) -> str:
    """Return the legend: the classes drawn, and a symbol for each kind of thing drawn only."""

    def label(cls: str) -> str:
        if color_by == "category":
            return category_label(cls)
        return _(cls) if cls in STATUS_WORDS else cls

    rows = [{"label": label(cls), "color": color, "count": n} for cls, color, n in items]
    return _render(
        "legend.html",
        items=rows,
        color_by=color_by,
        zone_color=ZONE_COLOR if has_zone else None,
        drawn=drawn if drawn is not None else {"surveyed", "indicative", "point"},
        stacks=stacks,
        communes=communes,
        context=context or [],
    )


def district_layer(m: folium.Map, plan: Plan, *, simplify_m: float) -> Any:
    """Add the plan's districts (simplified for display) to a map as a layer with tooltips."""
    from planning.maps import elements
    from planning.maps.features import district_features

    token = elements.page_data(m).token
    return elements.add_layer(
        m,
        district_features(plan.districts, simplify_m=simplify_m, token=token),
        name=_("Districts"),
        style_function=lambda f: _DISTRICT_STYLE,
        highlight_function=lambda f: _DISTRICT_HIGHLIGHT,
        smooth_factor=0.5,
    )
