"""Self-contained Folium maps of a plan and of the changes between two versions of it.

:func:`make_map` returns a :class:`folium.Map`; :func:`write_map` writes it as one HTML file
that needs no network: Leaflet and every control are inlined (:mod:`planning.maps.assets`),
and basemap tiles are the only thing that can be fetched, and only when asked for.
:func:`make_diff_map` and :func:`write_diff_map` do the same for a :class:`~planning.diff.PlanDiff`.

Every popup, tooltip, panel and legend is rendered from a template under
``planning/maps/templates/`` over a view prepared once from the plan and its report
(:mod:`planning.maps.view`), with autoescaping and ``{ } % #`` encoded
(:mod:`planning.report.templating`); the page's own scripts insert text from data with
``textContent`` only, so a cluster named ``<img src=x onerror=alert(1)>`` shows as text.

Data is never template source: folium renders each element's script as a new Jinja2
template, so nothing from data goes into folium's element tree (see
:mod:`planning.maps.elements`: the layers hold geometry, ids and styles; the rest goes into
one data block written after the templates have run).

Maps are in Vietnamese unless asked otherwise (``lang``, :data:`planning.i18n.DOCUMENT_DEFAULT`).
"""

from __future__ import annotations

from collections.abc import Iterable
from os import PathLike
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from planning.errors import UsageError
from planning.i18n import DOCUMENT_DEFAULT, Language, resolve_language, use_language
from planning.i18n import gettext as _
from planning.maps import context, places
from planning.maps.features import (
    CANVAS_THRESHOLD,
    CHANGE_COLORS,
    COLOR_BY,
    PALETTE,
    ZONE_COLOR,
    ColorBy,
    class_colors,
    cluster_classes,
    simplify_coverage,
)
from planning.maps.labels import (
    CATEGORY_LABELS,
    GEOMETRY_LABELS,
    STATUS_WORDS,
    category_label,
    geometry_label,
    status_class,
)

if TYPE_CHECKING:
    import folium
    import geopandas as gpd

    from planning.diff import PlanDiff
    from planning.maps.view import MapView
    from planning.model.plan import Plan
    from planning.report.core import Report

__all__ = [
    "CATEGORY_LABELS",
    "CHANGE_COLORS",
    "COLOR_BY",
    "DETAIL_ZOOM",
    "PALETTE",
    "TILES",
    "ZONE_COLOR",
    "ColorBy",
    "TilesOption",
    "class_colors",
    "cluster_classes",
    "make_diff_map",
    "make_map",
    "map_language",
    "render_map_html",
    "simplify_coverage",
    "status_class",
    "write_diff_map",
    "write_map",
]

TilesOption = Literal["none", "osm", "cartodb"]
#: The basemaps :func:`make_map` knows; ``"none"`` (no tiles, no network) is the default.
TILES: tuple[str, ...] = ("none", "osm", "cartodb")
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
#: Attribute of a map from :func:`make_map` holding its language (``<html lang>``).
_LANG_ATTR = "planning_lang"

PathType = str | PathLike[str]


def make_map(
    plan: Plan,
    *,
    report: Report | None = None,
    tiles: TilesOption = "none",
    color_by: ColorBy = "status",
    simplify_m: float = 20.0,
    lang: str | None = None,
) -> folium.Map:
    """Return an offline-ready Folium map of a plan.

    Layers: districts (name, type and area on hover), clusters (coloured by status or
    category, indicative footprints dashed, location-only clusters as hollow circles) and
    the special zones (Hoa Lac Hi-Tech Park). Controls: layer control, search ignoring
    diacritics, full screen, scale bar, measure tool, minimap, summary panel, legend.

    Parameters
    ----------
    plan
        The plan to show.
    report
        The check report whose findings go into the popups and whose failed rules are
        counted in the summary. When None, the map runs the checks itself
        (:func:`planning.report.core.check` with default options); pass the report you
        already have to avoid running them twice.
    tiles
        ``"none"`` (a plain background; the file uses no network), ``"osm"`` or
        ``"cartodb"`` (basemap tiles fetched online; the vector layers work without them).
    color_by
        ``"status"`` (reported status, e.g. *established*) or ``"category"`` (plan category).
    simplify_m
        Tolerance, in metres, of the display simplification of district boundaries
        (0 keeps them as they are). Areas are always measured on the full geometry.
    lang
        ``"vi"`` or ``"en"``; else ``$PLANNING_LANG``, else Vietnamese
        (:func:`planning.i18n.resolve_language` with :data:`~planning.i18n.DOCUMENT_DEFAULT`).

    Returns
    -------
    folium.Map
        The map. Its assets are inlined: render it with :func:`render_map_html` or
        :func:`write_map` (``Map.save`` works too).

    Raises
    ------
    UsageError
        If ``tiles``, ``color_by`` or ``lang`` is not a known value.
    """
    _check_tiles(tiles)
    if color_by not in COLOR_BY:
        raise UsageError(f"color_by must be one of {', '.join(COLOR_BY)}, got {color_by!r}")
    code = resolve_language(lang, default=DOCUMENT_DEFAULT)
    if report is None:
        from planning.report.core import check

        report = check(plan)
    with use_language(code):
        m = _plan_map(plan, report, tiles=tiles, color_by=color_by, simplify_m=simplify_m)
    setattr(m, _LANG_ATTR, code)
    return m


def _plan_map(
    plan: Plan, report: Report, *, tiles: str, color_by: ColorBy, simplify_m: float
) -> folium.Map:
    """Return the map of a plan in the language in force: its layers, then its controls."""
    from planning.maps import elements
    from planning.maps.features import layer_bounds
    from planning.maps.view import plan_view

    view = plan_view(plan, report)
    bounds = layer_bounds(plan.districts, plan.clusters, plan.zones)
    big = len(plan.clusters) > CANVAS_THRESHOLD
    m = elements.base_map(_("Map: %(name)s") % {"name": plan.name}, bounds, tiles)
    token = elements.page_data(m).token
    layers = {"districts": _district_layer(m, plan, simplify_m=simplify_m)}
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
            "attribution": " | ".join(_html_text(x) for x in attributions),
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


def map_language(m: folium.Map) -> Language:
    """Return the language a map was made in (English for a map not made here)."""
    return getattr(m, _LANG_ATTR, "en")


def render_map_html(m: folium.Map) -> str:
    """Return a map as one HTML document, with ``<meta charset="utf-8">`` first in its head.

    Parameters
    ----------
    m
        A map from :func:`make_map` (or any folium map).

    Returns
    -------
    str
        The document, its ``<html lang>`` the map's language.
    """
    text = m.get_root().render()
    text = text.replace("<head>", '<head>\n<meta charset="utf-8">', 1)
    return text.replace("<html>", f'<html lang="{map_language(m)}">', 1)


def write_map(
    plan: Plan,
    path: PathType,
    *,
    report: Report | None = None,
    tiles: TilesOption = "none",
    color_by: ColorBy = "status",
    simplify_m: float = 20.0,
    protect: Iterable[PathType] = (),
    lang: str | None = None,
) -> Path:
    """Write a self-contained HTML map of a plan, atomically.

    Parameters
    ----------
    plan
        The plan to show.
    path
        Where to write the ``.html`` file (``"-"``: standard output).
    report, tiles, color_by, simplify_m, lang
        As for :func:`make_map` (without a report, the checks are run).
    protect
        Files that must never be overwritten (the plan's inputs).

    Returns
    -------
    Path
        The file written.

    Raises
    ------
    UsageError
        If ``path`` is one of the protected files, or an option is unknown.
    """
    m = make_map(
        plan, report=report, tiles=tiles, color_by=color_by, simplify_m=simplify_m, lang=lang
    )
    return _write_html(path, render_map_html(m), protect=protect)


def make_diff_map(
    d: PlanDiff,
    plan: Plan,
    *,
    old: Plan | None = None,
    tiles: TilesOption = "none",
    simplify_m: float = 20.0,
    lang: str | None = None,
) -> folium.Map:
    """Return an offline-ready Folium map of the changes between two versions of a plan.

    Clusters added are drawn green, removed red and dashed (their old outline), resized
    amber and moved blue, with a line from the old location to the new one. At city scale
    a dot marks each change. Each popup gives the cluster's id and name, its declared area
    old → new with the delta, and the distance moved. The summary panel states
    :meth:`PlanDiff.summary`, the rules newly failing and newly passing, and the caveats
    and sources of both versions. The controls and the district layer are those of
    :func:`make_map`. No check is run: the rules' changes come from the diff.

    Parameters
    ----------
    d
        The diff, from :func:`planning.diff.diff_plans`.
    plan
        The version whose districts are drawn (usually the new one); its caveats and
        sources are listed.
    old
        The other version, whose caveats and sources are listed too.
    tiles, simplify_m, lang
        As for :func:`make_map`.

    Returns
    -------
    folium.Map
        The map; write it with :func:`write_diff_map` or :func:`render_map_html`.

    Raises
    ------
    UsageError
        If ``tiles`` or ``lang`` is not a known value.
    """
    _check_tiles(tiles)
    code = resolve_language(lang, default=DOCUMENT_DEFAULT)
    with use_language(code):
        m = _diff_map(d, plan, old=old, tiles=tiles, simplify_m=simplify_m)
    setattr(m, _LANG_ATTR, code)
    return m


def _diff_map(
    d: PlanDiff, plan: Plan, *, old: Plan | None, tiles: str, simplify_m: float
) -> folium.Map:
    import folium

    from planning.diff import CHANGE_KINDS, diff_layer
    from planning.maps import diff_map, elements

    plans = [plan] if old is None or old is plan else [plan, old]
    layer = diff_layer(d)
    bounds = diff_map.diff_bounds(layer, plan)
    title = _("Plan changes: %(old)s → %(new)s") % {"old": d.old_name, "new": d.new_name}
    m = elements.base_map(title, bounds, tiles)
    layers = {"districts": _district_layer(m, plan, simplify_m=simplify_m)}
    token = elements.page_data(m).token
    drawn: dict[str, int] = {}
    undrawn: list[str] = []
    for kind in CHANGE_KINDS:
        rows = layer.loc[layer["change"].eq(kind)]
        features, styles, n, missing = diff_map.change_features(rows, kind=kind, token=token)
        drawn[kind] = n
        undrawn += missing
        if features["features"]:
            layers[kind] = elements.add_layer(
                m,
                features,
                name=f"{_(kind.capitalize())} ({n})",
                style_function=elements.styler(styles),
                marker=folium.CircleMarker(radius=6),
            )
    elements.finish_map(
        m,
        layers=layers,
        config={
            "panel": diff_map.diff_panel_html(d, plans, undrawn=undrawn),
            "legend": diff_map.diff_legend_html(d, drawn),
            "attribution": " | ".join(_html_text(x) for x in diff_map.diff_attribution(plans)),
            "detailZoom": DETAIL_ZOOM,
            "bounds": bounds,
            "fitClear": True,  # no change hidden under the panel or the legend
        },
    )
    return m


def write_diff_map(
    d: PlanDiff,
    plan: Plan,
    path: PathType,
    *,
    old: Plan | None = None,
    tiles: TilesOption = "none",
    simplify_m: float = 20.0,
    protect: Iterable[PathType] = (),
    lang: str | None = None,
) -> Path:
    """Write a self-contained HTML map of the changes between two plan versions, atomically.

    Parameters
    ----------
    d, plan, old, tiles, simplify_m, lang
        As for :func:`make_diff_map`.
    path
        Where to write the ``.html`` file (``"-"``: standard output).
    protect
        Files that must never be overwritten (both versions' inputs).

    Returns
    -------
    Path
        The file written.

    Raises
    ------
    UsageError
        If ``path`` is one of the protected files, or an option is unknown.
    """
    m = make_diff_map(d, plan, old=old, tiles=tiles, simplify_m=simplify_m, lang=lang)
    return _write_html(path, render_map_html(m), protect=protect)


# -- helpers ------------------------------------------------------------------------------------------


def _render(name: str, /, **context: Any) -> str:
    from planning.report.templating import render

    return render("planning.maps", name, **context)


def _html_text(value: object) -> str:
    from planning._safetext import html_text

    return html_text(value)


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


def _district_layer(m: folium.Map, plan: Plan, *, simplify_m: float) -> Any:
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


def _write_html(path: PathType, text: str, *, protect: Iterable[PathType]) -> Path:
    """Write an HTML document atomically, never over an input (``"-"``: standard output)."""
    from planning.outputs import atomic_write

    return Path(atomic_write(path, text, protect=list(protect)))


def _check_tiles(tiles: str) -> None:
    if tiles not in TILES:
        raise UsageError(f"tiles must be one of {', '.join(TILES)}, got {tiles!r}")
