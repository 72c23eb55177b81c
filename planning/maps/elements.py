"""The folium elements of a map page and the plumbing that keeps data out of folium's templates.

folium renders each element's script as a new Jinja2 template, so nothing from data goes into
folium's element tree: layers hold geometry, feature ids and styles (:func:`add_layer` strips
every feature's properties), and the properties (popup, tooltip, search key) and the controls'
markup go into one data block, :class:`PageData`, which is written as text after the templates
have run, as JSON with ``{ } % #`` escaped (:func:`planning._safetext.script_json`), and read
back by the page's script (``PlanningMap.addData``) by feature id. The few strings folium must
hold (the page title, layer names) are encoded with :func:`planning._safetext.html_text`.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable
from typing import Any

import folium
from branca.element import Element, MacroElement
from folium.template import Template
from folium.utilities import JsCode

from planning._safetext import html_text, script_json
from planning.i18n import N_, gettext
from planning.maps import assets

__all__ = [
    "JS_MESSAGES",
    "Controls",
    "InlineAssets",
    "PageData",
    "add_layer",
    "base_map",
    "finish_map",
    "js_messages",
    "layer_features",
    "page_data",
    "styler",
]

#: The interface text of the page's scripts (``static/planning-map-*.js``), in English (the keys of ``PlanningMap.t``).
JS_MESSAGES: tuple[str, ...] = (
    N_("Search clusters, districts, communes (e.g. phung xa)"),
    N_("Search clusters, districts and communes by name"),
    N_("Nothing matches \u201c%s\u201d"),
    N_("\u2026 and %s more"),
    N_("Full screen"),
    N_("Measure distances and areas"),
    N_("Clear"),
    N_("Click on the map to add points."),
    N_("Distance: %s"),
    N_("Area: %s"),
    N_("Overview (click to move the map there)"),
    N_("Hide or show %s"),
    N_("the summary"),
    N_("Summary"),
    N_("the legend"),
    N_("Legend"),
    # cluster popups and tooltips, built on the page (planning-map-features.js clusterPopup)
    N_("indicative footprint"),
    N_("location only"),
    N_("Cluster id"),
    N_("Commune"),
    N_("District"),
    N_("Declared area"),
    N_("Measured area"),
    N_("Geometry"),
    N_("Location precision"),
    N_("Status"),
    N_("Category"),
    N_("Source"),
    N_("not known"),
    N_("not published"),
    N_("\u2014 (no outline)"),
    N_("(geodesic)"),
    N_("equal to the declared area by construction"),
    N_("not stated"),
    N_("not reported"),
    N_("Rule findings (%s)"),
    N_("No rule findings for this cluster."),
    N_("no published area"),
    N_("%s declared"),
    # stacked clusters, basemap notice
    N_("%s clusters at this point"),
    N_("Basemap tiles could not be loaded (offline?): the plan's layers are all shown."),
    N_("Zoom in"),
    N_("Zoom out"),
    N_("Layers"),
    N_("A JavaScript library for interactive maps"),
)

_OSM_CREDIT = (
    '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors'
)
#: Basemaps: (URL template, attribution HTML, label in the layer control).
TILE_LAYERS = {
    "osm": ("https://tile.openstreetmap.org/{z}/{x}/{y}.png", _OSM_CREDIT, "OpenStreetMap"),
    "cartodb": (
        "https://{s}.basemaps.cartocdn.com/light_all/{z}/{x}/{y}{r}.png",
        _OSM_CREDIT + ' &copy; <a href="https://carto.com/attributions">CARTO</a>',
        "CARTO Positron",
    ),
}


def js_messages() -> dict[str, str]:
    """Return the page script's interface text in the language in force (English → text)."""
    return {m: gettext(m) for m in JS_MESSAGES}


class InlineAssets(Element):
    """Leaflet's CSS and JS and the project's controls, inlined in the page's head."""

    def render(self, **kwargs: Any) -> str:
        """Return the inlined assets (no template), the project's scripts in load order."""
        return "\n".join(
            [
                assets.style_tag(assets.leaflet_css()),
                assets.style_tag(assets.plugins_css()),
                assets.script_tag(assets.leaflet_js()),
                *(assets.script_tag(js) for js in assets.plugins_js()),
            ]
        )


class PageData(Element):
    """Everything from data on the page: feature properties and the controls' markup.

    Rendered as text (``render`` uses no template), in the page's head after the controls'
    script, as :func:`planning._safetext.script_json`: it is the one way data reaches a map,
    and it never becomes part of a template's source.
    """

    def __init__(self) -> None:
        super().__init__()
        self._name = "PlanningData"
        self.token = secrets.token_hex(4)  # makes feature ids unique on a page
        self.features: dict[str, dict[str, Any]] = {}
        self.config: dict[str, Any] = {}

    def render(self, **kwargs: Any) -> str:
        """Return the data block as a script (no template)."""
        data = {"features": self.features, "config": self.config}
        return assets.script_tag(
            f"PlanningMap.addData({script_json(self.token)}, {script_json(data)});"
        )


class Controls(MacroElement):
    """Calls ``PlanningMap.init`` with the map, its layers and the page data's config.

    The template holds only element names and the data block's token: the config itself
    (``config``, kept here for inspection) is written by :class:`PageData`.
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
        self.searchable = [k for k in self.layers if k not in ("districts", "communes")]
        self.token = token
        self.config = config


def page_data(m: folium.Map) -> PageData:
    """Return the map's data block (see :class:`PageData`), adding it to the page if needed."""
    root: Any = m.get_root()
    header = root.header
    data = header._children.get("planning_data")
    if data is None:
        data = PageData()
        header.add_child(data, name="planning_data")
    return data


def add_layer(
    m: folium.Map,
    collection: dict[str, Any],
    *,
    name: str,
    styles: dict[str, dict[str, Any]] | None = None,
    **options: Any,
) -> Any:
    """Add a GeoJSON layer whose features keep only id and geometry in folium's tree.

    Each feature's properties go to the page's data block, from which the page's
    ``PlanningMap.bindFeature`` takes them back; the layer's name (which Leaflet shows as
    HTML) is encoded with :func:`planning._safetext.html_text`. So no text of a feature, now
    or added later, can reach a folium template.

    Parameters
    ----------
    m
        The map.
    collection
        A GeoJSON FeatureCollection whose features all have an ``id`` unique on the page.
    name
        The layer's name in the layer control (plain text).
    styles
        Each feature's Leaflet path style by feature id, applied by the page's script from the
        data block (a table of the distinct styles, one key per feature). Use it rather than
        a folium ``style_function`` for large layers: folium writes a ``switch`` with one
        ``case`` per feature.
    **options
        Passed to :class:`folium.GeoJson` (style function, marker …).

    Returns
    -------
    folium.GeoJson
        The layer, added to the map.
    """
    data = page_data(m)
    bare = []
    keys: dict[str, str] = {}
    table: dict[str, dict[str, Any]] = data.config.setdefault("styles", {})
    prefix = f"s{len(table)}_"
    for f in collection["features"]:
        fid = str(f["id"])
        if fid in data.features:
            raise AssertionError(f"feature id {fid!r} used twice on one page")
        props = dict(f.get("properties") or {})
        if styles is not None:
            # one entry per distinct style; the page's script applies it (PlanningMap.bindFeature)
            text = json.dumps(styles[fid], sort_keys=True)
            if text not in keys:
                keys[text] = f"{prefix}{len(keys)}"
                table[keys[text]] = styles[fid]
            props["s"] = keys[text]
        data.features[fid] = props
        bare.append({"type": "Feature", "id": fid, "geometry": f["geometry"], "properties": {}})
    layer = folium.GeoJson(
        {"type": "FeatureCollection", "features": bare},
        name=html_text(name),
        on_each_feature=JsCode("PlanningMap.bindFeature"),
        **options,
    )
    layer.add_to(m)
    return layer


def layer_features(m: folium.Map, layer: Any) -> list[dict[str, Any]]:
    """Return a layer's features with their properties from the page's data block.

    Parameters
    ----------
    m
        A map from :func:`planning.maps.api.make_map` or :func:`~planning.maps.api.make_diff_map`.
    layer
        One of its :class:`folium.GeoJson` layers.

    Returns
    -------
    list of dict
        GeoJSON features, their ``properties`` as the page's script sees them.
    """
    props = page_data(m).features
    return [{**f, "properties": props.get(str(f["id"]), {})} for f in layer.data["features"]]


def base_map(title: str, bounds: list[list[float]], tiles: str) -> folium.Map:
    """Return an empty map: assets inlined, no CDN link, the basemap asked for.

    Parameters
    ----------
    title
        The page's title (plain text; encoded here).
    bounds
        ``[[south, west], [north, east]]`` in degrees (EPSG:4326).
    tiles
        ``"none"`` or a key of :data:`TILE_LAYERS`.
    """
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
    root: Any = m.get_root()
    root.title = html_text(title)
    root.header.add_child(InlineAssets(), name="planning_assets")
    page_data(m)  # after the assets: it calls PlanningMap.addData
    if tiles != "none":
        url, credit, label = TILE_LAYERS[tiles]
        folium.TileLayer(url, attr=credit, name=label, max_zoom=19, control=True).add_to(m)
    return m


def finish_map(m: folium.Map, *, layers: dict[str, Any], config: dict[str, Any]) -> None:
    """Add the controls (``PlanningMap.init``) and the layer control to a map.

    Parameters
    ----------
    m
        The map.
    layers
        The counted layers by key, ``"districts"`` first (the minimap draws it).
    config
        The controls' config: panel, legend and attribution HTML, bounds …; the interface
        text of the page's script in the language in force is added.
    """
    data = page_data(m)
    data.config.update(config)
    data.config["messages"] = js_messages()
    m.add_child(
        Controls(layers=layers, token=data.token, config=data.config), name="planning_controls"
    )
    folium.LayerControl(collapsed=False, position="topleft").add_to(m)
    assets.leaflet_js()  # fail now, not at render time, if Leaflet's files are missing


def styler(styles: dict[str, dict[str, Any]]) -> Callable[[dict[str, Any]], dict[str, Any]]:
    """Return a folium style function that looks a feature's style up by its id."""

    def style(feature: dict[str, Any]) -> dict[str, Any]:
        return styles[str(feature["id"])]

    return style
