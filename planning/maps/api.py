"""Self-contained Folium maps of a plan: districts, clusters and Hoa Lac, usable offline.

:func:`make_map` returns a :class:`folium.Map`; :func:`write_map` writes it as one HTML file
that needs no network: Leaflet and every control are inlined (see :mod:`planning.maps._assets`),
and basemap tiles are the only thing that can be fetched, and only when asked for.

Every value that comes from data (names, statuses, URLs, findings, caveats, sources, file
names) is HTML-escaped in Python before it reaches the page, and the page's own scripts insert
text from data with ``textContent`` only, so a cluster named ``<img src=x onerror=alert(1)>``
shows as text.

Data is never template source. folium renders each element's script as a new Jinja2 template,
so nothing from data goes into folium's element tree: the layers hold geometry, ids and styles,
and every feature's properties (popup, tooltip, search key) and the controls' markup go into one
data block (``PlanningMap.addData``) that is written as text after the templates have run, as
JSON with ``{ } % #`` escaped (:func:`planning._safetext.script_json`). The few strings that
folium must hold (the page title, layer names) are encoded with
:func:`planning._safetext.html_text`, which leaves no template delimiter either.

District boundaries are simplified for display only, as a coverage (shared edges are simplified
once, so neighbours keep no gaps or slivers); every area shown is computed on the full geometry.
"""

from __future__ import annotations

import json
import math
import re
import secrets
from collections.abc import Callable, Iterable, Sequence
from os import PathLike
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import urlsplit

from planning._safetext import html_text, script_json
from planning.errors import UsageError, require

if TYPE_CHECKING:
    import folium

    from planning.diff import PlanDiff
    from planning.model.plan import Plan
    from planning.report.core import Report

__all__ = [
    "CATEGORY_LABELS",
    "CHANGE_COLORS",
    "COLOR_BY",
    "PALETTE",
    "TILES",
    "ZONE_COLOR",
    "class_colors",
    "cluster_classes",
    "external_resources",
    "make_diff_map",
    "make_map",
    "render_map_html",
    "simplify_coverage",
    "status_class",
    "write_diff_map",
    "write_map",
]

TilesOption = Literal["none", "osm", "cartodb"]
ColorBy = Literal["status", "category"]
#: The basemaps :func:`make_map` knows; ``"none"`` (no tiles, no network) is the default.
TILES: tuple[str, ...] = ("none", "osm", "cartodb")
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
#: Human labels of the plan's categories (the ``category`` column).
CATEGORY_LABELS: dict[str, str] = {
    "kept": "kept (existing, to 2020)",
    "new": "new (to 2020)",
    "limited": "limited expansion",
    "new_2030": "new (2021-2030)",
    "expansion_2030": "expansion (2021-2030)",
    "unknown": "category not published",
}
#: Colours of the changes on a diff map; removals are also dashed, moves also get a line.
CHANGE_COLORS: dict[str, str] = {
    "added": "#1A9850",
    "removed": "#D7301F",
    "resized": "#E69F00",
    "moved": "#0072B2",
}
_CHANGE_LABELS = {
    "added": "added",
    "removed": "removed",
    "resized": "resized (declared area changed)",
    "moved": "moved",
}
_ZONE_COLOR = "#6A3D9A"
#: Colour of the special zones (Hoa Lac Hi-Tech Park) on every map, web, print and QGIS.
ZONE_COLOR = _ZONE_COLOR
_DISTRICT_STYLE = {
    "color": "#6b6b6b",
    "weight": 1,
    "fillColor": "#e8e4d8",
    "fillOpacity": 0.55,
    "className": "planning-district",
}
_GEOMETRY_LABELS = {
    "surveyed": "surveyed boundary",
    "digitized": "digitized boundary",
    "indicative": "INDICATIVE footprint: a circle of the declared area, not a boundary",
    "point": "location only (no published area)",
}
#: Zoom level from which cluster outlines replace the dots that mark them at city scale.
DETAIL_ZOOM = 14
_OSM_CREDIT = (
    '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors'
)
#: Basemaps: (URL template, attribution HTML, label in the layer control).
_TILE_LAYERS = {
    "osm": ("https://tile.openstreetmap.org/{z}/{x}/{y}.png", _OSM_CREDIT, "OpenStreetMap"),
    "cartodb": (
        "https://{s}.basemaps.cartocdn.com/light_all/{z}/{x}/{y}{r}.png",
        _OSM_CREDIT + ' &copy; <a href="https://carto.com/attributions">CARTO</a>',
        "CARTO Positron",
    ),
}

PathType = str | PathLike[str]


# -- public API ---------------------------------------------------------------------------------------


def make_map(
    plan: Plan,
    *,
    report: Report | None = None,
    tiles: TilesOption = "none",
    color_by: ColorBy = "status",
    simplify_m: float = 20.0,
) -> folium.Map:
    """Return an offline-ready Folium map of a plan.

    Layers: district boundaries (name, type and area on hover), clusters (coloured by
    status or category, indicative footprints dashed, location-only clusters as hollow
    circles) and the special zones (Hoa Lac Hi-Tech Park). Controls: layer control,
    search by cluster name ignoring diacritics, full screen, scale bar, measure tool,
    minimap, a summary panel with the plan's caveats and sources, and a legend.

    Parameters
    ----------
    plan
        The plan to show.
    report
        The check report whose findings go into the popups and whose failed rules are
        counted in the summary; :func:`planning.report.core.check` with default options when None.
    tiles
        ``"none"`` (a plain background; the file uses no network), ``"osm"`` or
        ``"cartodb"`` (basemap tiles fetched online; the vector layers work without them).
    color_by
        ``"status"`` (reported status, e.g. *established*) or ``"category"`` (plan category).
    simplify_m
        Tolerance, in metres, of the display simplification of district boundaries
        (0 keeps them as they are). Areas are always measured on the full geometry.

    Returns
    -------
    folium.Map
        The map. Its assets are inlined: render it with :func:`render_map_html` or
        :func:`write_map` (``Map.save`` works too).

    Raises
    ------
    UsageError
        If ``tiles`` or ``color_by`` is not a known value.
    MissingDependencyError
        If folium or Leaflet's files (extra ``maps``) are not installed.
    """
    folium = _folium()

    _check_tiles(tiles)
    if color_by not in COLOR_BY:
        raise UsageError(f"color_by must be one of {', '.join(COLOR_BY)}, got {color_by!r}")
    if report is None:
        from planning.report.core import check

        report = check(plan)

    bounds = _bounds(plan)
    m = _base_map(f"Map: {plan.name}", bounds, tiles)
    token = _page_data(m).token
    district_layer = _district_layer(m, plan, simplify_m=simplify_m)

    zones, zone_styles = _zone_features(plan, token=token)
    zone_layer = None
    if zones["features"]:
        names = [str(f["properties"]["layer"]) for f in zones["features"]]
        zone_label = names[0] if len(names) == 1 else "Special zones"
        zone_layer = _add_layer(m, zones, name=zone_label, style_function=_styler(zone_styles))

    clusters, cluster_styles, legend_items = _cluster_features(
        plan, report, color_by=color_by, token=token
    )
    cluster_layer = None
    if clusters["features"]:
        cluster_layer = _add_layer(
            m,
            clusters,
            name=f"Clusters ({len(plan.clusters)})",
            style_function=_styler(cluster_styles),
            marker=folium.CircleMarker(radius=6),
        )

    layers = {"districts": district_layer, "clusters": cluster_layer, "zones": zone_layer}
    _finish_map(
        m,
        layers={k: v for k, v in layers.items() if v is not None},
        config={
            "panel": _panel_html(plan, report),
            "legend": _legend_html(
                legend_items, color_by=color_by, has_zone=zone_layer is not None
            ),
            "attribution": _attribution_html(plan),
            "detailZoom": DETAIL_ZOOM,
            "bounds": bounds,
        },
    )
    return m


def render_map_html(m: folium.Map) -> str:
    """Return a map as one HTML document, with ``<meta charset="utf-8">`` first in its head.

    Parameters
    ----------
    m
        A map from :func:`make_map` (or any folium map).

    Returns
    -------
    str
        The document.
    """
    text = m.get_root().render()
    text = text.replace("<head>", '<head>\n<meta charset="utf-8">', 1)
    return text.replace("<html>", '<html lang="en">', 1)


def write_map(
    plan: Plan,
    path: PathType,
    *,
    report: Report | None = None,
    tiles: TilesOption = "none",
    color_by: ColorBy = "status",
    simplify_m: float = 20.0,
    protect: Iterable[PathType] = (),
) -> Path:
    """Write a self-contained HTML map of a plan, atomically.

    Parameters
    ----------
    plan
        The plan to show.
    path
        Where to write the ``.html`` file (``"-"``: standard output).
    report, tiles, color_by, simplify_m
        As for :func:`make_map`.
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
    m = make_map(plan, report=report, tiles=tiles, color_by=color_by, simplify_m=simplify_m)
    return _write_html(path, render_map_html(m), protect=protect)


def make_diff_map(
    d: PlanDiff,
    plan: Plan,
    *,
    old: Plan | None = None,
    tiles: TilesOption = "none",
    simplify_m: float = 20.0,
) -> folium.Map:
    """Return an offline-ready Folium map of the changes between two versions of a plan.

    Clusters added are drawn green, removed red and dashed (their old outline), resized
    amber and moved blue, with a line from the old location to the new one. At city scale
    a dot marks each change. Each popup gives the cluster's id and name, its declared area
    old → new with the delta, and the distance moved. The summary panel states
    :meth:`PlanDiff.summary`, the rules newly failing and newly passing, and the caveats
    and sources of both versions. The controls and the district layer are those of
    :func:`make_map`.

    Parameters
    ----------
    d
        The diff, from :func:`planning.diff.diff_plans`.
    plan
        The version whose districts are drawn (usually the new one); its caveats and
        sources are listed.
    old
        The other version, whose caveats and sources are listed too.
    tiles, simplify_m
        As for :func:`make_map`.

    Returns
    -------
    folium.Map
        The map; write it with :func:`write_diff_map` or :func:`render_map_html`.

    Raises
    ------
    UsageError
        If ``tiles`` is not a known value.
    MissingDependencyError
        If folium or Leaflet's files (extra ``maps``) are not installed.
    """
    folium = _folium()
    from planning.diff import CHANGE_KINDS, diff_layer

    _check_tiles(tiles)
    plans = [plan] if old is None or old is plan else [plan, old]
    layer = diff_layer(d)
    bounds = _diff_bounds(layer, plan)
    m = _base_map(f"Plan changes: {d.old_name} → {d.new_name}", bounds, tiles)
    layers = {"districts": _district_layer(m, plan, simplify_m=simplify_m)}
    token = _page_data(m).token
    drawn: dict[str, int] = {}
    undrawn: list[str] = []
    for kind in CHANGE_KINDS:
        rows = layer.loc[layer["change"].eq(kind)]
        features, styles, n, missing = _change_features(rows, kind=kind, token=token)
        drawn[kind] = n
        undrawn += missing
        if not features["features"]:
            continue
        layers[kind] = _add_layer(
            m,
            features,
            name=f"{kind.capitalize()} ({n})",
            style_function=_styler(styles),
            marker=folium.CircleMarker(radius=6),
        )
    _finish_map(
        m,
        layers=layers,
        config={
            "panel": _diff_panel_html(d, plans, undrawn=undrawn),
            "legend": _diff_legend_html(d, drawn),
            "attribution": _attribution_html(*plans),
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
) -> Path:
    """Write a self-contained HTML map of the changes between two plan versions, atomically.

    Parameters
    ----------
    d, plan, old, tiles, simplify_m
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
    m = make_diff_map(d, plan, old=old, tiles=tiles, simplify_m=simplify_m)
    return _write_html(path, render_map_html(m), protect=protect)


_EXTERNAL = re.compile(
    r"""<script[^>]+\bsrc\s*=\s*["']?(?:https?:)?//[^"'\s>]+"""
    r"""|<link[^>]+\bhref\s*=\s*["']?(?:https?:)?//[^"'\s>]+"""
    r"""|<iframe[^>]+\bsrc\s*=\s*["']?(?:https?:)?//[^"'\s>]+"""
    r"""|<img[^>]+\bsrc\s*=\s*["']?(?:https?:)?//[^"'\s>]+"""
    r"""|url\(\s*["']?(?:https?:)?//[^)"']+"""
    r"""|@import\s+(?:url\()?\s*["']?(?:https?:)?//[^;"')]+""",
    re.IGNORECASE,
)


def external_resources(text: str) -> list[str]:
    """Return the external resources an HTML page would load (scripts, styles, images).

    Links a reader may follow (``<a href>``) are not resources and are not listed.

    Parameters
    ----------
    text
        An HTML document.

    Returns
    -------
    list of str
        The offending snippets; empty for a self-contained page.
    """
    return [m.group(0) for m in _EXTERNAL.finditer(text)]


def status_class(status: str) -> str:
    """Return the class a free-text status is coloured by.

    ``"established (2017)"`` and ``"Established"`` give ``"established"``; the empty
    status gives ``"status not reported"``.

    Parameters
    ----------
    status
        The ``status`` column's text.

    Returns
    -------
    str
        Lower-case text without parenthesised parts, dates or trailing punctuation.
    """
    text = re.sub(r"\([^)]*\)", " ", str(status or ""))
    text = re.sub(r"\b(?:in\s+)?(?:h[12]\s+)?(?:19|20)\d\d\b", " ", text, flags=re.IGNORECASE)
    text = re.sub(r"\s+", " ", text).strip(" ,;:-").casefold()
    return text or "status not reported"


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
    return _class_colors(values, color_by=color_by)


def simplify_coverage(geoms: Sequence[Any], *, tolerance: float) -> list[Any]:
    """Simplify polygons that tile an area without opening gaps or overlaps between them.

    Shared edges are simplified once (:func:`shapely.coverage_simplify`, shapely >= 2.1),
    so neighbours stay edge to edge. If the input is not a valid coverage, or shapely is
    older, each polygon is simplified on its own with its topology preserved.

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


# -- folium elements ------------------------------------------------------------------------------------


def _folium() -> Any:
    return require("folium", extra=None)


def _element_classes() -> tuple[type, type, type]:
    """Build the folium elements lazily (folium is an optional dependency)."""
    global _CLASSES
    if _CLASSES is not None:
        return _CLASSES
    _folium()
    from branca.element import Element, MacroElement
    from folium.template import Template

    from planning.maps import _assets

    class InlineAssets(Element):
        """Leaflet's CSS and JS and the project's controls, inlined in the page's head."""

        def render(self, **kwargs: Any) -> str:
            return "\n".join(
                [
                    _assets.style_tag(_assets.leaflet_css()),
                    _assets.style_tag(_assets.PLUGINS_CSS),
                    _assets.script_tag(_assets.leaflet_js()),
                    _assets.script_tag(_assets.PLUGINS_JS),
                ]
            )

    class PageData(Element):
        """Everything from data on the page: feature properties and the controls' markup.

        Rendered as text (``render`` uses no template), in the page's head after the
        controls' script, as :func:`planning._safetext.script_json`: it is the one way data
        reaches a map, and it never becomes part of a template's source.
        """

        def __init__(self) -> None:
            super().__init__()
            self._name = "PlanningData"
            self.token = secrets.token_hex(4)  # makes feature ids unique on a page
            self.features: dict[str, dict[str, Any]] = {}
            self.config: dict[str, Any] = {}

        def render(self, **kwargs: Any) -> str:
            data = {"features": self.features, "config": self.config}
            return _assets.script_tag(
                f"PlanningMap.addData({script_json(self.token)}, {script_json(data)});"
            )

    class Controls(MacroElement):
        """Calls ``PlanningMap.init`` with the map, its layers and the page data's config.

        The template holds only element names and the data block's token: the config
        itself (``config``, kept here for inspection) is written by ``PageData``.
        """

        _template = Template(
            """
            {% macro script(this, kwargs) %}
            PlanningMap.init({{ this._parent.get_name() }}, Object.assign({
                counted: {
                    {%- for key, layer in this.layers.items() %}
                    {{ key|tojson }}: {{ layer.get_name() }},
                    {%- endfor %}
                },
                searchLayers: [
                    {%- for key in this.searchable %}
                    {layer: {{ this.layers[key].get_name() }}},
                    {%- endfor %}
                ],
                minimap: {{ this.layers["districts"].get_name() }}
            }, PlanningMap.config({{ this.token|tojson }})));
            {% endmacro %}
            """
        )

        def __init__(self, *, layers: dict[str, Any], token: str, config: dict[str, Any]):
            super().__init__()
            self._name = "PlanningControls"
            self.layers = dict(layers)  # "districts" first: the minimap draws it
            self.searchable = [k for k in self.layers if k != "districts"]
            self.token = token
            self.config = config

    _CLASSES = (InlineAssets, PageData, Controls)
    return _CLASSES


_CLASSES: tuple[type, type, type] | None = None


def _InlineAssets() -> Any:  # noqa: N802 - reads like the class it builds
    return _element_classes()[0]()


def _page_data(m: Any) -> Any:
    """Return the map's data block (see ``PageData``), adding it to the page if needed."""
    header = m.get_root().header
    data = header._children.get("planning_data")
    if data is None:
        data = _element_classes()[1]()
        header.add_child(data, name="planning_data")
    return data


def _Controls(**kwargs: Any) -> Any:  # noqa: N802
    return _element_classes()[2](**kwargs)


def _add_layer(m: Any, collection: dict[str, Any], *, name: str, **options: Any) -> Any:
    """Add a GeoJSON layer whose features keep only id and geometry in folium's tree.

    Each feature's properties go to the page's data block, from which the page's
    ``PlanningMap.bindFeature`` takes them back; the layer's name (which Leaflet shows
    as HTML) is encoded with :func:`planning._safetext.html_text`. So no text of a
    feature, now or added later, can reach a folium template.
    """
    folium = _folium()
    data = _page_data(m)
    bare = []
    for f in collection["features"]:
        fid = str(f["id"])
        if fid in data.features:
            raise AssertionError(f"feature id {fid!r} used twice on one page")
        data.features[fid] = dict(f.get("properties") or {})
        bare.append({"type": "Feature", "id": fid, "geometry": f["geometry"], "properties": {}})
    layer = folium.GeoJson(
        {"type": "FeatureCollection", "features": bare},
        name=html_text(name),
        on_each_feature=_bind(),
        **options,
    )
    layer.add_to(m)
    return layer


def _layer_features(m: Any, layer: Any) -> list[dict[str, Any]]:
    """Return a layer's features with their properties from the page's data block."""
    props = _page_data(m).features
    return [{**f, "properties": props.get(str(f["id"]), {})} for f in layer.data["features"]]


def _write_html(path: PathType, text: str, *, protect: Iterable[PathType]) -> Path:
    """Write an HTML document atomically, never over an input (``"-"``: standard output)."""
    from planning.outputs import atomic_write

    return Path(atomic_write(path, text, protect=list(protect)))


def _check_tiles(tiles: str) -> None:
    if tiles not in TILES:
        raise UsageError(f"tiles must be one of {', '.join(TILES)}, got {tiles!r}")


def _bind() -> Any:
    """Return the page's function that binds each feature's popup and tooltip."""
    from folium.utilities import JsCode

    return JsCode("PlanningMap.bindFeature")


def _base_map(title: str, bounds: list[list[float]], tiles: str) -> Any:
    """Return an empty map: assets inlined, no CDN link, the basemap asked for."""
    folium = _folium()
    center = [(bounds[0][0] + bounds[1][0]) / 2, (bounds[0][1] + bounds[1][1]) / 2]
    m = folium.Map(
        location=center,
        zoom_start=10,
        tiles=None,
        control_scale=False,  # a metric-only scale bar is added by PlanningMap.init
        zoom_snap=0.25,
        zoom_delta=0.5,
    )
    # Folium links Leaflet, jQuery, Bootstrap and Font Awesome from CDNs: none of them here.
    m.default_js = []
    m.default_css = []
    root = m.get_root()
    root.title = html_text(title)
    root.header.add_child(_InlineAssets(), name="planning_assets")
    _page_data(m)  # after the assets: it calls PlanningMap.addData
    if tiles != "none":
        url, credit, label = _TILE_LAYERS[tiles]
        folium.TileLayer(url, attr=credit, name=label, max_zoom=19, control=True).add_to(m)
    return m


def _district_layer(m: Any, plan: Plan, *, simplify_m: float) -> Any:
    """Add the plan's districts (simplified for display) to a map as a layer with tooltips."""
    return _add_layer(
        m,
        _district_features(plan, simplify_m=simplify_m, token=_page_data(m).token),
        name="Districts",
        style_function=lambda f: _DISTRICT_STYLE,
        highlight_function=lambda f: {"weight": 2.5, "color": "#333333", "fillOpacity": 0.7},
        smooth_factor=0.5,
    )


def _finish_map(m: Any, *, layers: dict[str, Any], config: dict[str, Any]) -> None:
    """Add the controls (``PlanningMap.init``) and the layer control to a map."""
    folium = _folium()
    from planning.maps import _assets

    data = _page_data(m)
    data.config.update(config)
    m.add_child(
        _Controls(layers=layers, token=data.token, config=data.config), name="planning_controls"
    )
    folium.LayerControl(collapsed=False, position="topleft").add_to(m)
    _assets.leaflet_js()  # fail now, not at render time, if Leaflet's files are missing


def _styler(styles: dict[str, dict[str, Any]]) -> Callable[[dict[str, Any]], dict[str, Any]]:
    def style(feature: dict[str, Any]) -> dict[str, Any]:
        return styles[str(feature["id"])]

    return style


# -- features ---------------------------------------------------------------------------------------------


def _e(value: object) -> str:
    """Escape any value for HTML text or a quoted attribute, template delimiters too."""
    return html_text(value)


def _finite(x: Any) -> bool:
    try:
        return math.isfinite(float(x))
    except (TypeError, ValueError):
        return False


def _ha(x: float) -> str:
    return f"{x:,.2f} ha"


def _link(url: object) -> str:
    """Return a safe link for http(s) URLs, the escaped text otherwise."""
    text = str(url or "").strip()
    if not text:
        return "not given"
    if urlsplit(text).scheme.lower() in ("http", "https"):
        shown = text if len(text) <= 60 else text[:57] + "…"
        return f'<a href="{_e(text)}" target="_blank" rel="noopener noreferrer">{_e(shown)}</a>'
    return _e(text)


def _geometry(geom: Any, digits: int) -> dict[str, Any]:
    import numpy as np
    import shapely

    rounded = shapely.transform(geom, lambda xy: np.round(xy, digits))
    return json.loads(shapely.to_geojson(rounded))


def _bounds(plan: Plan) -> list[list[float]]:
    import numpy as np

    boxes = [
        layer.total_bounds
        for layer in (plan.districts, plan.clusters, plan.zones)
        if len(layer) and layer.geometry.notna().any()
    ]
    if not boxes:
        return [[20.5, 105.3], [21.4, 106.0]]  # Hanoi
    b = np.vstack(boxes)
    minx, miny = np.nanmin(b[:, 0]), np.nanmin(b[:, 1])
    maxx, maxy = np.nanmax(b[:, 2]), np.nanmax(b[:, 3])
    return [[float(miny), float(minx)], [float(maxy), float(maxx)]]


def _district_features(plan: Plan, *, simplify_m: float, token: str = "") -> dict[str, Any]:
    d = plan.districts
    tolerance = max(float(simplify_m), 0.0) / 111_320.0
    geoms = simplify_coverage(list(d.geometry), tolerance=tolerance)
    area = d["measured_ha"] if "measured_ha" in d.columns else None
    features = []
    for i, geom in enumerate(geoms):
        if geom is None or geom.is_empty:
            continue
        row = d.iloc[i]
        name = str(row.get("district_vi", "") or "")
        kind = str(row.get("district_type", "") or "")
        en = str(row.get("district_en", "") or "")
        parts = [f"<b>{_e(name)}</b>"]
        if kind:
            parts.append(_e(kind))
        if en and en != name:
            parts.append(f"<i>{_e(en)}</i>")
        if area is not None and _finite(area.iloc[i]):
            parts.append(f"{float(area.iloc[i]) / 100:,.2f} km²")
        features.append(_feature(f"{token}d{i}", geom, {"tooltip": " · ".join(parts)}, digits=5))
    return {"type": "FeatureCollection", "features": features}


def _zone_features(
    plan: Plan, *, token: str = ""
) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    z = plan.zones
    features: list[dict[str, Any]] = []
    styles: dict[str, dict[str, Any]] = {}
    for i in range(len(z)):
        row = z.iloc[i]
        geom = row.geometry
        if geom is None or geom.is_empty:
            continue
        name_vi = str(row.get("name_vi", "") or "")
        name_en = str(row.get("name_en", "") or "")
        label = name_en or name_vi or str(row.get("zone_id", "zone"))
        kind = str(row.get("geometry_kind", "") or "")
        indicative = kind == "indicative"
        fid = f"{token}z{i}"
        styles[fid] = {
            "color": _ZONE_COLOR,
            "weight": 2.5,
            "fillColor": _ZONE_COLOR,
            "fillOpacity": 0.15,
            "dashArray": "8 5" if indicative else None,
            "className": "planning-zone" + (" planning-indicative" if indicative else ""),
        }
        styles[fid] = {k: v for k, v in styles[fid].items() if v is not None}
        badge = '<span class="planning-badge">indicative footprint</span> ' if indicative else ""
        rows = [
            ("Name", _e(name_vi) + (f" ({_e(name_en)})" if name_en and name_en != name_vi else "")),
            (
                "Declared area",
                _ha(float(row["declared_ha"]))
                if _finite(row.get("declared_ha"))
                else "not published",
            ),
            (
                "Measured area",
                _ha(float(row["measured_ha"])) + " (geodesic)"
                if _finite(row.get("measured_ha"))
                else "—",
            ),
            ("Geometry", _e(_GEOMETRY_LABELS.get(kind, kind or "not stated"))),
            ("Location", _e(row.get("location_precision", "") or "not stated")),
            ("Source", _link(row.get("source_url", ""))),
        ]
        note = str(row.get("note", "") or "") if "note" in z.columns else ""
        popup = f"<h3>{_e(label)}</h3>{badge}" + _table(rows)
        if note:
            popup += f"<p>{_e(note)}</p>"
        tooltip = f"<b>{_e(label)}</b>" + (" · <i>indicative footprint</i>" if indicative else "")
        features.append(
            _feature(
                fid,
                geom,
                {
                    "popup": popup,
                    "tooltip": tooltip,
                    "label": f"{label} ({name_vi})" if name_vi and name_vi != label else label,
                    "layer": label,
                    "search": _fold(f"{name_vi} {name_en}"),
                },
            )
        )
    return {"type": "FeatureCollection", "features": features}, styles


def _feature(fid: str, geom: Any, properties: dict[str, Any], *, digits: int = 6) -> dict[str, Any]:
    """Return a GeoJSON feature with its coordinates rounded to ``digits`` decimals."""
    return {
        "type": "Feature",
        "id": fid,
        "geometry": _geometry(geom, digits),
        "properties": properties,
    }


def _point_style(color: str, class_name: str) -> dict[str, Any]:
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


def _dot_style(color: str, class_name: str) -> dict[str, Any]:
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


def _table(rows: Sequence[tuple[str, str]]) -> str:
    """Rows of (label, already-escaped HTML) as a table."""
    body = "".join(f"<tr><th>{_e(k)}</th><td>{v}</td></tr>" for k, v in rows)
    return f"<table>{body}</table>"


def _fold(text: str) -> str:
    from planning.text.names import fold

    return fold(text)


def _class_colors(values: Sequence[str], *, color_by: ColorBy) -> dict[str, str]:
    """Give each class a palette colour, the most frequent first; extra classes share grey."""
    from collections import Counter

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


def _cluster_features(
    plan: Plan, report: Report, *, color_by: ColorBy, token: str
) -> tuple[dict[str, Any], dict[str, dict[str, Any]], list[tuple[str, str, int]]]:
    cl = plan.clusters
    classes = cluster_classes(cl, color_by=color_by)
    colors = _class_colors(classes, color_by=color_by)
    shapes: list[dict[str, Any]] = []
    dots: list[dict[str, Any]] = []
    styles: dict[str, dict[str, Any]] = {}
    measured = cl["measured_ha"] if "measured_ha" in cl.columns else None
    for i in range(len(cl)):
        row = cl.iloc[i]
        geom = row.geometry
        if geom is None or geom.is_empty:
            continue
        cls = classes[i]
        color = colors[cls]
        kind = str(row["geometry_kind"])
        cid = str(row["cluster_id"])
        name = str(row["name_vi"])
        district = str(row.get("district_vi", "") or "")
        fid = f"{token}c{i}"
        is_point = geom.geom_type in ("Point", "MultiPoint")
        indicative = kind == "indicative"
        common = f"planning-cluster planning-cluster-shape planning-kind-{_css_token(kind)}"
        if is_point:
            styles[fid] = _point_style(color, common)
        else:
            style: dict[str, Any] = {
                "color": color,
                "weight": 2,
                "fillColor": color,
                "fillOpacity": 0.35,
                "className": common + (" planning-indicative" if indicative else ""),
            }
            if indicative:
                style["dashArray"] = "5 4"
            styles[fid] = style
        declared = float(row["declared_ha"]) if _finite(row["declared_ha"]) else None
        meas = (
            float(measured.iloc[i])
            if measured is not None and not is_point and _finite(measured.iloc[i])
            else None
        )
        popup = _cluster_popup(
            row, report, color_by=color_by, cls=cls, declared=declared, measured=meas
        )
        area_text = (
            f"{_e(row.get('area_qualifier', '') or '')} {declared:,.2f} ha declared".strip()
            if declared is not None
            else "no published area"
        )
        tooltip = f"<b>{_e(name)}</b><br>{_e(district)} · {area_text}"
        if indicative:
            tooltip += "<br><i>indicative footprint</i>"
        elif is_point:
            tooltip += "<br><i>location only</i>"
        label = f"{name} — {district}" if district else name
        shapes.append(
            _feature(
                fid,
                geom,
                {
                    "uid": fid,
                    "cluster_id": cid,
                    "popup": popup,
                    "tooltip": tooltip,
                    "label": label,
                    "search": _fold(f"{name} {cid}"),
                },
            )
        )
        if not is_point:
            pt = geom.representative_point() if not indicative else geom.centroid
            did = f"{token}k{i}"
            styles[did] = _dot_style(color, "planning-cluster-dot")
            dots.append(_feature(did, pt, {"ref": fid}))
    counts: dict[str, int] = {}
    for c in classes:
        counts[c] = counts.get(c, 0) + 1
    legend = [(c, colors[c], counts[c]) for c in colors]
    return {"type": "FeatureCollection", "features": shapes + dots}, styles, legend


def _css_token(text: str) -> str:
    return re.sub(r"[^a-z0-9_-]+", "-", text.lower()).strip("-") or "unknown"


def _cluster_popup(
    row: Any,
    report: Report,
    *,
    color_by: ColorBy,
    cls: str,
    declared: float | None,
    measured: float | None,
) -> str:
    kind = str(row["geometry_kind"])
    qualifier = str(row.get("area_qualifier", "") or "")
    if declared is not None:
        declared_text = _e(f"{qualifier} {_ha(declared)}".strip())
    else:
        declared_text = "not published"
    if measured is None:
        measured_text = "— (no outline)" if kind == "point" else "—"
    else:
        measured_text = _ha(measured) + " (geodesic)"
        if declared:
            diff = 100.0 * (measured - declared) / declared
            measured_text += f", {diff:+.1f} %"
        if kind == "indicative":
            measured_text += " — equal to the declared area by construction"
    status = str(row.get("status", "") or "")
    category = str(row.get("category", "") or "unknown")
    rows = [
        ("Cluster id", _e(row["cluster_id"])),
        ("Commune", _e(row.get("commune_vi", "") or "not known")),
        ("District", _e(row.get("district_vi", "") or "not known")),
        ("Declared area", declared_text),
        ("Measured area", measured_text),
        ("Geometry", _e(_GEOMETRY_LABELS.get(kind, kind))),
        ("Location precision", _e(row.get("location_precision", "") or "not stated")),
        ("Status", _e(status or "not reported")),
        ("Category", _e(CATEGORY_LABELS.get(category, category))),
        ("Source", _link(row.get("source_url", ""))),
    ]
    head = f"<h3>{_e(row['name_vi'])}</h3>"
    if kind == "indicative":
        head += '<span class="planning-badge">indicative footprint</span>'
    elif kind == "point":
        head += '<span class="planning-badge">location only</span>'
    findings = report.findings_for(str(row["cluster_id"]))
    if findings:
        items = "".join(
            f'<li class="planning-sev-{_css_token(str(f["severity"]))}"><b>{_e(f["code"])}</b> '
            f"{_e(f['severity'])}: {_e(f['message'])}</li>"
            for f in findings
        )
        tail = f"<p><b>Rule findings ({len(findings)})</b></p><ul>{items}</ul>"
    else:
        tail = "<p>No rule findings for this cluster.</p>"
    return head + _table(rows) + tail


def _panel_html(plan: Plan, report: Report) -> str:
    from planning.rules.coverage import coverage

    cov = coverage(plan)
    figs = plan.manifest.figures
    n = int(cov["clusters_loaded"])
    planned = cov.get("clusters_planned")
    clusters_text = f"{n:,}" + (f" of {planned:,} ({100 * n / planned:.1f} %)" if planned else "")
    ha = float(cov["ha_declared"])
    ha_fig = figs.get("total_ha") or figs.get("total_ha_detail")
    if ha_fig is not None and ha_fig.value:
        ha_text = f"{ha:,.1f} of {ha_fig.formatted()} ({100 * ha / ha_fig.value:.1f} %)"
    else:
        ha_text = f"{ha:,.1f} ha"
    failed = len(report.failed)
    rules_text = f"{failed} of {len(report.results)}"
    kinds = cov.get("by_geometry_kind", {})
    kind_text = ", ".join(
        f"{int(v)} {_GEOMETRY_LABELS.get(k, k).split(':')[0].lower()}" for k, v in kinds.items()
    )
    parts = [
        f"<h2>{_e(plan.name)}</h2>",
        '<dl class="planning-figures">',
        f'<div><dt>Clusters mapped</dt><dd data-figure="clusters">{_e(clusters_text)}</dd></div>',
        f'<div><dt>Area mapped</dt><dd data-figure="ha">{_e(ha_text)}</dd></div>',
        f'<div><dt>Rules failed</dt><dd data-figure="failed">{_e(rules_text)}</dd></div>',
        "</dl>",
    ]
    if kind_text:
        parts.append(f"<p>Geometry: {_e(kind_text)}.</p>")
    parts.append(_caveats_and_sources_html([plan]))
    return "".join(parts)


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))


def _caveats_and_sources_html(plans: Sequence[Plan], *, titles: Sequence[str] = ()) -> str:
    """Return the plans' caveats (``notes()``) and sources (``attributions()``), each once.

    With ``titles`` (one per plan), each plan's caveats not already listed get a heading.
    """
    parts: list[str] = []
    seen: set[str] = set()
    for i, plan in enumerate(plans):
        notes = [n for n in _unique(plan.notes()) if n not in seen]
        seen.update(notes)
        if notes:
            title = titles[i] if i < len(titles) else "Caveats"
            parts.append(f'<h3>{_e(title)}</h3><ul class="planning-caveats">')
            parts += [f"<li>{_e(n)}</li>" for n in notes]
            parts.append("</ul>")
    sources = _unique(a for plan in plans for a in plan.attributions())
    parts.append(
        f'<details class="planning-sources"><summary>Sources ({len(sources) + 1})</summary><ul>'
    )
    parts += [f"<li>{linkify(a)}</li>" for a in sources]
    parts.append(
        "<li>Map: Leaflet (BSD-2-Clause), inlined; no basemap unless one was asked for.</li>"
        "</ul></details>"
    )
    return "".join(parts)


_URL = re.compile(r"https?://[^\s<>\"'”“]+")


def linkify(text: str) -> str:
    """Return text escaped for HTML, its http(s) URLs turned into links (shared with the report).

    Parameters
    ----------
    text
        Plain text, for example an attribution line; only ``http://`` and ``https://`` URLs
        become links, so a ``javascript:`` URL stays text.

    Returns
    -------
    str
        An HTML fragment.
    """
    out: list[str] = []
    pos = 0
    for m in _URL.finditer(text):
        out.append(_e(text[pos : m.start()]))
        url = m.group(0).rstrip(".,;)")
        out.append(_link(url))
        pos = m.start() + len(url)
    out.append(_e(text[pos:]))
    return "".join(out)


def _swatch(
    color: str, *, dashed: bool = False, shape: str = "box", fill: str | None = None
) -> str:
    fill = fill or color
    if shape == "circle":
        return (
            '<svg width="16" height="16" aria-hidden="true"><circle cx="8" cy="8" r="5" '
            f'fill="{fill}" stroke="{color}" stroke-width="2.5"/></svg>'
        )
    dash = ' stroke-dasharray="4 3"' if dashed else ""
    return (
        '<svg width="16" height="16" aria-hidden="true"><rect x="2" y="2" width="12" height="12" '
        f'fill="{fill}" fill-opacity="0.35" stroke="{color}" stroke-width="2"{dash}/></svg>'
    )


def _legend_html(
    items: Sequence[tuple[str, str, int]], *, color_by: ColorBy, has_zone: bool
) -> str:
    title = "Clusters by status" if color_by == "status" else "Clusters by plan category"
    rows = []
    for cls, color, n in items:
        label = CATEGORY_LABELS.get(cls, cls) if color_by == "category" else cls
        rows.append(f"<li>{_swatch(color)}<span>{_e(label)} ({n})</span></li>")
    grey = "#555555"
    shapes = [
        f"<li>{_swatch(grey)}<span>surveyed or digitized outline</span></li>",
        f"<li>{_swatch(grey, dashed=True)}<span>indicative footprint (not a boundary)</span></li>",
        f"<li>{_swatch(grey, shape='circle', fill='#ffffff')}<span>location only, no area</span></li>",
    ]
    if has_zone:
        shapes.append(
            f"<li>{_swatch(_ZONE_COLOR, dashed=True)}<span>Hoa Lac Hi-Tech Park</span></li>"
        )
    return (
        f"<h3>{_e(title)}</h3><ul>{''.join(rows)}</ul><h3>Outlines</h3><ul>{''.join(shapes)}</ul>"
    )


def _attribution_html(*plans: Plan) -> str:
    from planning.sources.registry import attribution_line

    lines = []
    for key in _unique(k for plan in plans for k in plan.used_sources):
        try:
            lines.append(attribution_line(key))
        except KeyError:
            continue
    lines.append("plan figures and cluster facts: Sources in the summary panel")
    return " | ".join(_e(x) for x in lines)


# -- the diff map -------------------------------------------------------------------------------------------


def _diff_bounds(layer: Any, plan: Plan) -> list[list[float]]:
    """Return the changes' extent (old and new locations too), with a margin."""
    import numpy as np

    geoms = layer.geometry
    ok = geoms.notna() & ~geoms.is_empty
    if not ok.any():
        return _bounds(plan)
    minx, miny, maxx, maxy = geoms[ok].total_bounds
    xs = np.append(layer[["old_lon", "new_lon"]].to_numpy(float).ravel(), [minx, maxx])
    ys = np.append(layer[["old_lat", "new_lat"]].to_numpy(float).ravel(), [miny, maxy])
    x0, x1, y0, y1 = np.nanmin(xs), np.nanmax(xs), np.nanmin(ys), np.nanmax(ys)
    px, py = max(0.02, 0.1 * (x1 - x0)), max(0.02, 0.1 * (y1 - y0))
    return [[float(y0 - py), float(x0 - px)], [float(y1 + py), float(x1 + px)]]


def _area_change(kind: str, old_ha: Any, new_ha: Any, delta: float) -> str:
    """Return ``old → new ha (delta)``, escaped; a side absent from its version is a dash."""

    def side(x: Any, absent: bool) -> str:
        if absent:
            return "—"
        return f"{float(x):,.2f}" if _finite(x) else "not published"

    delta = 0.0 if abs(delta) < 5e-7 else delta
    return _e(
        f"{side(old_ha, kind == 'added')} → {side(new_ha, kind == 'removed')} ha ({delta:+,.2f} ha)"
    )


def _change_features(
    rows: Any, *, kind: str, token: str
) -> tuple[dict[str, Any], dict[str, dict[str, Any]], int, list[str]]:
    """Features of one kind of change: shapes, move lines, old locations and city-scale dots.

    Returns the collection, the styles by feature id, the number of changes drawn and the
    ids of the changes that have no geometry (not drawn).
    """
    import shapely

    color = CHANGE_COLORS[kind]
    shapes: list[dict[str, Any]] = []
    extras: list[dict[str, Any]] = []
    styles: dict[str, dict[str, Any]] = {}
    missing: list[str] = []
    for i in range(len(rows)):
        row = rows.iloc[i]
        geom = row.geometry
        cid = str(row["cluster_id"])
        if geom is None or geom.is_empty:
            missing.append(cid)
            continue
        fid = f"{token}{kind[:3]}{i}"
        name = str(row["name_vi"] or "")
        district = str(row["district_vi"] or "")
        gkind = str(row["geometry_kind"] or "")
        is_point = geom.geom_type in ("Point", "MultiPoint")
        cls = f"planning-change planning-change-{kind}"
        if is_point:
            styles[fid] = _point_style(color, cls)
        else:
            styles[fid] = {
                "color": color,
                "weight": 2.5,
                "fillColor": color,
                "fillOpacity": 0.15 if kind == "removed" else 0.4,
                "className": cls,
            }
        if kind == "removed":
            styles[fid]["dashArray"] = "6 4"
        area = _area_change(kind, row["old_ha"], row["new_ha"], float(row["delta_ha"]))
        rows_html = [
            ("Change", _e(_CHANGE_LABELS[kind])),
            ("Cluster id", _e(cid)),
            ("District", _e(district or "not known")),
            ("Category", _e(CATEGORY_LABELS.get(str(row["category"]), str(row["category"])))),
            ("Declared area", area),
        ]
        moved = row["moved_m"]
        if _finite(moved):
            rows_html.append(("Moved", f"{float(moved):,.0f} m"))
        rows_html.append(("Geometry", _e(_GEOMETRY_LABELS.get(gkind, gkind or "not stated"))))
        badge = f'<span class="planning-badge planning-badge-{kind}">{_e(kind)}</span>'
        if gkind == "indicative":
            badge += ' <span class="planning-badge">indicative footprint</span>'
        popup = f"<h3>{_e(name)}</h3>{badge}" + _table(rows_html)
        tip = f"<b>{_e(name)}</b><br>{_e(kind)} · {area}"
        if _finite(moved):
            tip += f" · moved {float(moved):,.0f} m"
        shapes.append(
            _feature(
                fid,
                geom,
                {
                    "uid": fid,
                    "cluster_id": cid,
                    "change": kind,
                    "popup": popup,
                    "tooltip": tip,
                    "label": f"{name} — {kind}",
                    "search": _fold(f"{name} {cid}"),
                },
            )
        )
        locs = [row["old_lon"], row["old_lat"], row["new_lon"], row["new_lat"]]
        if kind == "moved" and all(_finite(v) for v in locs):
            ox, oy, nx, ny = (float(v) for v in locs)
            styles[fid + "l"] = {
                "color": color,
                "weight": 2.5,
                "dashArray": "6 4",
                "className": "planning-move-line",
            }
            styles[fid + "o"] = {
                "radius": 4,
                "fill": True,
                "color": color,
                "weight": 2,
                "fillColor": "#ffffff",
                "fillOpacity": 1.0,
                "className": "planning-move-from",
            }
            for sid, g in (
                (fid + "l", shapely.LineString([(ox, oy), (nx, ny)])),
                (fid + "o", shapely.Point(ox, oy)),
            ):
                extras.append(_feature(sid, g, {"ref": fid}))
        if not is_point:
            styles[fid + "k"] = _dot_style(color, "planning-cluster-dot planning-change-dot")
            extras.append(_feature(fid + "k", geom.representative_point(), {"ref": fid}))
    # shapes first: a line, an old location or a dot shares the popup of the shape it names
    return {"type": "FeatureCollection", "features": shapes + extras}, styles, len(shapes), missing


def _diff_panel_html(d: PlanDiff, plans: Sequence[Plan], *, undrawn: Sequence[str]) -> str:
    t = d.total
    delta_ha = 0.0 if abs(t.delta_ha) < 5e-7 else t.delta_ha
    figures = [
        *((k.capitalize(), k, str(len(getattr(d, k)))) for k in CHANGE_COLORS),
        (
            "Clusters",
            "clusters",
            f"{t.old_clusters:,} → {t.new_clusters:,} ({t.delta_clusters:+,})",
        ),
        ("Declared", "ha", f"{t.old_ha:,.2f} → {t.new_ha:,.2f} ha ({delta_ha:+,.2f})"),
    ]
    parts = [
        "<h2>Plan changes</h2>",
        f'<p class="planning-versions">{_e(d.old_name)} → {_e(d.new_name)}</p>',
        '<dl class="planning-figures">',
        *(
            f'<div><dt>{_e(label)}</dt><dd data-figure="{key}">{_e(value)}</dd></div>'
            for label, key, value in figures
        ),
        "</dl>",
        f'<p class="planning-diff-summary">{_e(d.summary())}.</p>',
    ]
    if undrawn:
        parts.append(f"<p>Not drawn (no location in either version): {_e(', '.join(undrawn))}.</p>")
    for title, key, rules in (
        ("Rules newly failing", "failing", d.newly_failing),
        ("Rules newly passing", "passing", d.newly_passing),
    ):
        parts.append(f"<h3>{title} ({len(rules)})</h3>")
        if rules:
            items = "".join(f"<li><b>{_e(r.code)}</b> {_e(r.title)}</li>" for r in rules)
            parts.append(f'<ul class="planning-rules-{key}">{items}</ul>')
        else:
            parts.append(f'<p class="planning-rules-{key}">none</p>')
    titles = ["Caveats (new version)", "Caveats (old version, where they differ)"]
    parts.append(_caveats_and_sources_html(plans, titles=titles if len(plans) > 1 else ()))
    return "".join(parts)


def _line_swatch(color: str) -> str:
    return (
        '<svg width="16" height="16" aria-hidden="true"><line x1="2" y1="13" x2="14" y2="3" '
        f'stroke="{color}" stroke-width="2.5" stroke-dasharray="4 3"/>'
        f'<circle cx="2.5" cy="12.5" r="2" fill="#ffffff" stroke="{color}" stroke-width="1.5"/>'
        "</svg>"
    )


def _diff_legend_html(d: PlanDiff, drawn: dict[str, int]) -> str:
    rows = []
    for kind, color in CHANGE_COLORS.items():
        n = len(getattr(d, kind))
        count = f"{n}" if drawn.get(kind, 0) == n else f"{n}, {drawn.get(kind, 0)} drawn"
        rows.append(
            f"<li>{_swatch(color, dashed=kind == 'removed')}"
            f"<span>{_e(_CHANGE_LABELS[kind])} ({count})</span></li>"
        )
    rows.append(
        f"<li>{_line_swatch(CHANGE_COLORS['moved'])}<span>move: old location → new</span></li>"
    )
    rows.append(
        f"<li>{_swatch('#555555', shape='circle', fill='#ffffff')}"
        "<span>location only, no outline</span></li>"
    )
    return f"<h3>Changes</h3><ul>{''.join(rows)}</ul>"
