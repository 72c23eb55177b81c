"""QGIS styles (QML) of the exported layers, as QGIS 3.22 reads them.

:func:`layer_qml` builds one layer's style: a categorised renderer coloured as on the web
map (:func:`planning.maps.features.class_colors`) or a single symbol, outlines of indicative
footprints dashed, and labels from the Vietnamese names set in DejaVu Sans.
:func:`rename_fields` rewrites a style for the Shapefile's short field names.

The QML is built with :mod:`xml.etree.ElementTree`, so names from data are escaped.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Mapping
from typing import Literal

__all__ = ["layer_qml", "rename_fields"]

_DISTRICT_FILL = "#e8e4d8"
_DISTRICT_LINE = "#6b6b6b"
_COMMUNE_LINE = "#9a9a9a"
_PARK_GREY = "#7a7a7a"
_FONT = "DejaVu Sans"  # has every Vietnamese glyph; shipped with QGIS and matplotlib
_DOCTYPE = "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>"
#: The attributes every renderer carries, after its type (and the category attribute).
_RENDERER_OPTIONS = {
    "symbollevels": "0",
    "enableorderby": "0",
    "forceraster": "0",
    "referencescale": "-1",
}


def layer_qml(
    layer: str,
    *,
    geometry: Literal["polygon", "point"],
    colors: Mapping[str, str] | None = None,
    labels: Mapping[str, str] | None = None,
    label_field: str | None = None,
    attr: str = "map_class",
) -> str:
    """Return a QGIS style (QML) for one exported layer.

    Parameters
    ----------
    layer
        ``clusters``, ``cluster_locations``, ``districts``, ``communes``, ``hoa_lac`` or
        ``industrial_parks`` (grey, hatched).
    geometry
        The layer's geometry: ``"polygon"`` or ``"point"``.
    colors
        Class → ``#RRGGBB``: a categorised renderer on ``attr``. None for a single symbol
        (districts, communes).
    labels
        Class → legend text.
    label_field
        The field the features are labelled with (the Vietnamese name).
    attr
        The field the categories are read from.

    Returns
    -------
    str
        The QML document. Outlines of features whose ``indicative`` field is true are dashed.
    """
    root = ET.Element(
        "qgis",
        {
            "version": "3.22.0",
            "styleCategories": "Symbology|Labeling",
            "labelsEnabled": "1" if label_field else "0",
        },
    )
    if colors:
        _categorized_renderer(root, colors, labels or {}, attr=attr, geometry=geometry, layer=layer)
    else:
        renderer = ET.SubElement(root, "renderer-v2", {"type": "singleSymbol", **_RENDERER_OPTIONS})
        symbols = ET.SubElement(renderer, "symbols")
        symbols.append(_symbol("0", geometry=geometry, color=None, layer=layer))
    if label_field:
        root.append(_labeling(label_field, layer=layer))
    ET.SubElement(root, "layerGeometryType").text = "0" if geometry == "point" else "2"
    body = ET.tostring(root, encoding="unicode")
    return _DOCTYPE + "\n" + body + "\n"


def _categorized_renderer(
    root: ET.Element,
    colors: Mapping[str, str],
    labels: Mapping[str, str],
    *,
    attr: str,
    geometry: str,
    layer: str,
) -> None:
    """Add a renderer with one category (and one symbol) per class, in ``colors``' order."""
    renderer = ET.SubElement(
        root, "renderer-v2", {"type": "categorizedSymbol", "attr": attr, **_RENDERER_OPTIONS}
    )
    cats = ET.SubElement(renderer, "categories")
    symbols = ET.SubElement(renderer, "symbols")
    for i, (cls, color) in enumerate(colors.items()):
        ET.SubElement(
            cats,
            "category",
            {"render": "true", "symbol": str(i), "value": cls, "label": labels.get(cls, cls)},
        )
        symbols.append(_symbol(str(i), geometry=geometry, color=color, layer=layer))


def _rgba(color: str, alpha: int = 255) -> str:
    """Return ``#RRGGBB`` as QGIS's ``r,g,b,a`` (0-255 each)."""
    h = color.lstrip("#")
    r, g, b = (int(h[i : i + 2], 16) for i in (0, 2, 4))
    return f"{r},{g},{b},{alpha}"


def _props(parent: ET.Element, props: Mapping[str, str]) -> None:
    """Write symbol-layer properties both ways QGIS reads them (``Option`` map and ``prop``)."""
    opt = ET.SubElement(parent, "Option", {"type": "Map"})
    for k, v in props.items():
        ET.SubElement(opt, "Option", {"type": "QString", "name": k, "value": v})
    for k, v in props.items():
        ET.SubElement(parent, "prop", {"k": k, "v": v})


def _dashed_when_indicative(parent: ET.Element, prop: str) -> None:
    """Make a symbol layer's outline dashed for features whose ``indicative`` field is true."""
    ddp = ET.SubElement(parent, "data_defined_properties")
    opt = ET.SubElement(ddp, "Option", {"type": "Map"})
    ET.SubElement(opt, "Option", {"type": "QString", "name": "name", "value": ""})
    props = ET.SubElement(opt, "Option", {"type": "Map", "name": "properties"})
    p = ET.SubElement(props, "Option", {"type": "Map", "name": prop})
    ET.SubElement(p, "Option", {"type": "bool", "name": "active", "value": "true"})
    ET.SubElement(
        p,
        "Option",
        {
            "type": "QString",
            "name": "expression",
            "value": "CASE WHEN \"indicative\" THEN 'dash' ELSE 'solid' END",
        },
    )
    ET.SubElement(p, "Option", {"type": "int", "name": "type", "value": "3"})
    ET.SubElement(opt, "Option", {"type": "QString", "name": "type", "value": "collection"})


def _symbol(name: str, *, geometry: str, color: str | None, layer: str) -> ET.Element:
    """Return the symbol of a class: a hollow circle for points, else a layer's fill."""
    if geometry == "point":
        return _marker_symbol(name, color=color)
    sym = ET.Element(
        "symbol",
        {"type": "fill", "name": name, "alpha": "1", "clip_to_extent": "1", "force_rhr": "0"},
    )
    sl = ET.SubElement(
        sym, "layer", {"class": "SimpleFill", "enabled": "1", "locked": "0", "pass": "0"}
    )
    props = _fill_props(layer, color)
    props["outline_width_unit"] = "MM"
    props["joinstyle"] = "round"
    _props(sl, props)
    if layer in ("clusters", "hoa_lac"):
        _dashed_when_indicative(sl, "outlineStyle")
    return sym


def _marker_symbol(name: str, *, color: str | None) -> ET.Element:
    """Return a hollow circle outlined in ``color`` (a cluster known only by its location)."""
    sym = ET.Element(
        "symbol", {"type": "marker", "name": name, "alpha": "1", "clip_to_extent": "1"}
    )
    sl = ET.SubElement(
        sym, "layer", {"class": "SimpleMarker", "enabled": "1", "locked": "0", "pass": "0"}
    )
    _props(
        sl,
        {
            "name": "circle",
            "color": "255,255,255,0",
            "outline_color": _rgba(color or "#7F7F7F"),
            "outline_style": "solid",
            "outline_width": "0.7",
            "outline_width_unit": "MM",
            "size": "3.2",
            "size_unit": "MM",
        },
    )
    return sym


def _fill_props(layer: str, color: str | None) -> dict[str, str]:
    """Return the fill and outline of a polygon layer's symbol (widths in mm)."""
    if layer == "districts":
        return {
            "color": _rgba(_DISTRICT_FILL, 140),
            "outline_color": _rgba(_DISTRICT_LINE),
            "outline_style": "solid",
            "outline_width": "0.4",
            "style": "solid",
        }
    if layer == "industrial_parks":
        return {  # a grey hatch: context, not part of the plan
            "color": _rgba(_PARK_GREY, 200),
            "outline_color": _rgba(_PARK_GREY),
            "outline_style": "solid",
            "outline_width": "0.5",
            "style": "b_diagonal",
        }
    if layer == "communes":
        return {
            "color": "255,255,255,0",
            "outline_color": _rgba(_COMMUNE_LINE),
            "outline_style": "dot",
            "outline_width": "0.15",
            "style": "no",
        }
    c = color or "#7F7F7F"
    return {
        "color": _rgba(c, 89),  # 35 % fill, as on the web map
        "outline_color": _rgba(c),
        "outline_style": "solid",
        "outline_width": "0.6",
        "style": "solid",
    }


def _labeling(field: str, *, layer: str) -> ET.Element:
    """Return the labels of a layer: ``field`` in DejaVu Sans on a white halo."""
    lab = ET.Element("labeling", {"type": "simple"})
    settings = ET.SubElement(lab, "settings", {"calloutType": "simple"})
    _text_style(settings, field, layer=layer)
    point = layer == "cluster_locations"
    ET.SubElement(
        settings,
        "placement",
        {
            # 6: cartographic positions around a point; 1: over the polygon's point
            "placement": "6" if point else "1",
            "dist": "1" if point else "0",
            "distUnits": "MM",
            "centroidInside": "1",
            "priority": "5" if layer in ("districts", "communes") else "8",
        },
    )
    rendering = {"obstacle": "1", "drawLabels": "1", "displayAll": "0", "upsidedownLabels": "0"}
    if layer == "communes":  # only when zoomed in past 1:60,000
        rendering |= {"scaleVisibility": "1", "scaleMin": "1", "scaleMax": "60000"}
    else:
        rendering["scaleVisibility"] = "0"
    ET.SubElement(settings, "rendering", rendering)
    return lab


def _text_style(settings: ET.Element, field: str, *, layer: str) -> None:
    """Add the labels' font (size in points, by layer), colour and white buffer."""
    size = {"districts": "9", "communes": "6.5", "hoa_lac": "8", "industrial_parks": "7"}.get(
        layer, "7.5"
    )
    color = {
        "districts": "70,70,70,255",
        "communes": "110,110,110,255",
        "industrial_parks": "90,90,90,255",
    }.get(layer, "20,20,20,255")
    ts = ET.SubElement(
        settings,
        "text-style",
        {
            "fieldName": field,
            "isExpression": "0",
            "fontFamily": _FONT,
            "fontSize": size,
            "fontSizeUnit": "Point",
            "fontWeight": "75" if layer == "districts" else "50",
            "fontItalic": "1" if layer in ("communes", "industrial_parks") else "0",
            "textColor": color,
            "textOpacity": "1",
            "namedStyle": "",
        },
    )
    ET.SubElement(
        ts,
        "text-buffer",
        {
            "bufferDraw": "1",
            "bufferSize": "0.7",
            "bufferSizeUnits": "MM",
            "bufferColor": "255,255,255,255",
            "bufferOpacity": "0.85",
            "bufferNoFill": "1",
            "bufferJoinStyle": "128",
        },
    )


def rename_fields(qml: str, names: Mapping[str, str]) -> str:
    """Return a QML with field references renamed (for the Shapefile's short field names).

    Parameters
    ----------
    qml
        A style from :func:`layer_qml`.
    names
        Field name → new name; fields not named keep theirs.

    Returns
    -------
    str
        The style, its renderer's attribute, label fields and expressions renamed.
    """
    root = ET.fromstring(qml.split("\n", 1)[1])
    for el in root.iter():
        for key in ("attr", "fieldName"):
            if key in el.attrib:
                el.set(key, names.get(el.attrib[key], el.attrib[key]))
        if el.get("name") == "expression":
            expr = el.get("value", "")
            for old, new in names.items():
                expr = expr.replace(f'"{old}"', f'"{new}"')
            el.set("value", expr)
    return qml.split("\n", 1)[0] + "\n" + ET.tostring(root, encoding="unicode") + "\n"
