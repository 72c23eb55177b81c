"""The plan as a styled GeoPackage for QGIS, or a zipped Shapefile set.

:func:`export_layers` prepares the layers: ``clusters`` (outlines and indicative footprints),
``cluster_locations`` (clusters known only by their location), ``districts``, ``communes``,
``hoa_lac`` (the Hoa Lac Hi-Tech Park) and ``industrial_parks`` (the context layer of
OpenStreetMap's industrial parks, grey and hatched, "© OpenStreetMap contributors, ODbL 1.0"
in its ``source`` field). Every layer carries the geometry kind, an
``indicative`` flag, its areas in ha (geodesic on WGS 84 and planar in VN-2000, EPSG:5897)
and its source.

:func:`write_geopackage` writes them as GeoPackage 1.2 (GDAL's ``VERSION=1.2`` creation
option: QGIS 3.22, which many offices run, warns that the 1.4 files of today's GDAL "may only
be partially supported"), with one QGIS style (QML) per layer in the ``layer_styles`` table,
marked default, so each layer opens styled: clusters coloured as on the web map
(:func:`planning.maps.features.class_colors`), indicative footprints dashed, labels from the Vietnamese
names. :func:`write_shapefile_zip` writes a ``.zip`` of one Shapefile per layer with a UTF-8
``.cpg`` and the same style as a ``.qml`` beside it (QGIS loads it by default).

The QML is built with :mod:`xml.etree.ElementTree`, so names from data are escaped.
"""

from __future__ import annotations

import tempfile
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from os import PathLike
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from planning.errors import UsageError
from planning.geo.transform import reproject

if TYPE_CHECKING:
    import geopandas as gpd

    from planning.maps.features import ColorBy
    from planning.model.plan import Plan

__all__ = [
    "EXPORT_CRS",
    "GPKG_VERSION",
    "LayerExport",
    "export_layers",
    "layer_qml",
    "write_geopackage",
    "write_shapefile_zip",
]

PathType = str | PathLike[str]
ExportCRS = Literal["EPSG:4326", "EPSG:5897"]
#: The CRSs an export can be written in: WGS 84, and VN-2000 / TM-3 zone 482 (Hanoi's planning CRS).
EXPORT_CRS: tuple[str, ...] = ("EPSG:4326", "EPSG:5897")
#: The GeoPackage version written (GDAL creation option ``VERSION``), for QGIS 3.22 and older.
GPKG_VERSION = "1.2"

_DISTRICT_FILL = "#e8e4d8"
_DISTRICT_LINE = "#6b6b6b"
_COMMUNE_LINE = "#9a9a9a"
_PARK_GREY = "#7a7a7a"
_FONT = "DejaVu Sans"  # has every Vietnamese glyph; shipped with QGIS and matplotlib
# Shapefile field names are at most 10 characters.
_SHP_FIELDS = {
    "cluster_id": "cluster_id",
    "name_vi": "name_vi",
    "commune_vi": "commune_vi",
    "district_code": "dist_code",
    "district_vi": "district",
    "district_type": "dist_type",
    "district_en": "dist_en",
    "commune_id": "commune_id",
    "commune_type": "comm_type",
    "category": "category",
    "phase": "phase",
    "status": "status",
    "map_class": "map_class",
    "declared_ha": "decl_ha",
    "area_qualifier": "area_qual",
    "geometry_kind": "geom_kind",
    "indicative": "indicative",
    "location_precision": "loc_prec",
    "measured_ha": "meas_ha",
    "measured_ha_vn2000": "meas_vn2k",
    "source": "source",
    "source_url": "source_url",
    "zone_id": "zone_id",
    "name_en": "name_en",
    "park_id": "park_id",
    "name": "name",
}


@dataclass(frozen=True)
class LayerExport:
    """One layer of an export, with its style.

    Attributes
    ----------
    name
        The layer (table) name.
    frame
        The features, in the export's CRS.
    qml
        The QGIS style of the layer, as QML text.
    title
        A human title, stored as the layer's description.
    """

    name: str
    frame: gpd.GeoDataFrame
    qml: str
    title: str


# -- layers ---------------------------------------------------------------------------------------------


def export_layers(
    plan: Plan,
    *,
    crs: str = "EPSG:4326",
    color_by: ColorBy = "status",
    communes: gpd.GeoDataFrame | None = None,
) -> list[LayerExport]:
    """Return the plan's layers, with their fields and styles, ready to write.

    Parameters
    ----------
    plan
        The plan.
    crs
        ``"EPSG:4326"`` (WGS 84) or ``"EPSG:5897"`` (VN-2000 / TM-3 105°30', Hanoi's planning CRS).
    color_by
        What clusters are coloured by, as on the web map: ``"status"`` or ``"category"``.
    communes
        The commune layer; :func:`planning.sources.boundaries.load_communes` when None.

    Returns
    -------
    list of LayerExport
        ``clusters`` (polygons), ``cluster_locations`` (location-only clusters, when any),
        ``districts``, ``communes``, ``hoa_lac`` (when the plan has zones) and
        ``industrial_parks`` (when the plan has that context layer).

    Raises
    ------
    UsageError
        If ``crs`` is not one of :data:`EXPORT_CRS`.
    GeodataUnavailable
        If the commune layer is needed and can be neither found nor downloaded.
    """
    import geopandas as gpd

    from planning.maps.features import COLOR_BY, ZONE_COLOR, class_colors, cluster_classes
    from planning.sources.boundaries import load_communes
    from planning.sources.registry import attribution_line

    if crs not in EXPORT_CRS:
        raise UsageError(f"export CRS must be one of {', '.join(EXPORT_CRS)}, got {crs!r}")
    if color_by not in COLOR_BY:
        raise UsageError(f"color_by must be one of {', '.join(COLOR_BY)}, got {color_by!r}")

    cl = plan.clusters
    classes = cluster_classes(cl, color_by=color_by)
    colors = class_colors(classes, color_by=color_by)
    labels = _class_labels(classes, colors, color_by=color_by)
    frame = gpd.GeoDataFrame(
        {
            "cluster_id": cl["cluster_id"].astype(str),
            "name_vi": cl["name_vi"].astype(str),
            "commune_vi": cl["commune_vi"].astype(str),
            "district_code": cl["district_code"].astype(str),
            "district_vi": cl["district_vi"].astype(str),
            "category": cl["category"].astype(str),
            "phase": cl["phase"].astype(str),
            "status": cl["status"].astype(str),
            "map_class": classes,
            "declared_ha": cl["declared_ha"].astype(float),
            "area_qualifier": cl["area_qualifier"].astype(str),
            "geometry_kind": cl["geometry_kind"].astype(str),
            "indicative": cl["geometry_kind"].eq("indicative"),
            "location_precision": cl["location_precision"].astype(str),
            "measured_ha": cl["measured_ha"].astype(float),
            "measured_ha_vn2000": cl["measured_ha_vn2000"].astype(float),
            "source_url": cl["source_url"].astype(str),
        },
        geometry=cl.geometry.values,
        crs=cl.crs,
    )
    is_point = frame["geometry_kind"].eq("point") | frame.geometry.geom_type.isin(
        ["Point", "MultiPoint"]
    )
    polys = frame[~is_point].copy()
    points = frame[is_point].copy()
    points[["measured_ha", "measured_ha_vn2000"]] = float("nan")  # no area: a location only

    out = [
        LayerExport(
            "clusters",
            reproject(polys, crs),
            layer_qml(
                "clusters", geometry="polygon", colors=colors, labels=labels, label_field="name_vi"
            ),
            "Industrial clusters (CCN): outlines and indicative footprints (dashed)",
        )
    ]
    if len(points):
        out.append(
            LayerExport(
                "cluster_locations",
                reproject(points, crs),
                layer_qml(
                    "cluster_locations",
                    geometry="point",
                    colors=colors,
                    labels=labels,
                    label_field="name_vi",
                ),
                "Industrial clusters known only by their location (no published area)",
            )
        )

    d = plan.districts
    district_source = (
        attribution_line("ocha-districts")
        if "ocha-districts" in plan.used_sources
        else plan.inputs.get("districts", "")
    )
    districts = gpd.GeoDataFrame(
        {
            "district_code": d["district_code"].astype(str),
            "district_vi": d["district_vi"].astype(str),
            "district_type": d["district_type"].astype(str),
            "district_en": d["district_en"].astype(str) if "district_en" in d else "",
            "geometry_kind": "surveyed",
            "indicative": False,
            "measured_ha": d["measured_ha"].astype(float),
            "measured_ha_vn2000": d["measured_ha_vn2000"].astype(float),
            "source": district_source,
        },
        geometry=d.geometry.values,
        crs=d.crs,
    )
    out.append(
        LayerExport(
            "districts",
            reproject(districts, crs),
            layer_qml("districts", geometry="polygon", label_field="district_vi"),
            "Districts (2014-2025 structure, 30 units)",
        )
    )

    from planning.geo.area import add_areas

    cm = communes if communes is not None else load_communes()
    cm = add_areas(cm) if "measured_ha" not in cm.columns else cm
    communes_frame = gpd.GeoDataFrame(
        {
            "commune_id": cm["commune_id"].astype(str),
            "commune_vi": cm["commune_vi"].astype(str),
            "commune_type": cm["commune_type"].astype(str),
            "district_code": cm["district_code"].astype(str),
            "district_vi": cm["district_vi"].astype(str),
            "geometry_kind": "digitized",
            "indicative": False,
            "measured_ha": cm["measured_ha"].astype(float),
            "measured_ha_vn2000": cm["measured_ha_vn2000"].astype(float),
            "source": attribution_line("vietnam63-communes"),
        },
        geometry=cm.geometry.values,
        crs=cm.crs,
    )
    out.append(
        LayerExport(
            "communes",
            reproject(communes_frame, crs),
            layer_qml("communes", geometry="polygon", label_field="commune_vi"),
            "Communes and wards (2014-2019 structure)",
        )
    )

    z = plan.zones
    if len(z):
        zones = gpd.GeoDataFrame(
            {
                "zone_id": z["zone_id"].astype(str),
                "name_vi": z["name_vi"].astype(str),
                "name_en": z["name_en"].astype(str) if "name_en" in z else "",
                "declared_ha": z["declared_ha"].astype(float),
                "geometry_kind": z["geometry_kind"].astype(str),
                "indicative": z["geometry_kind"].eq("indicative"),
                "location_precision": z["location_precision"].astype(str),
                "measured_ha": z["measured_ha"].astype(float),
                "measured_ha_vn2000": z["measured_ha_vn2000"].astype(float),
                "source_url": z["source_url"].astype(str),
            },
            geometry=z.geometry.values,
            crs=z.crs,
        )
        kinds = list(dict.fromkeys(zones["geometry_kind"]))
        out.append(
            LayerExport(
                "hoa_lac",
                reproject(zones, crs),
                layer_qml(
                    "hoa_lac",
                    geometry="polygon",
                    colors=dict.fromkeys(kinds, ZONE_COLOR),
                    labels={k: f"Hoa Lac Hi-Tech Park ({k})" for k in kinds},
                    label_field="name_vi",
                    attr="geometry_kind",
                ),
                "Hoa Lac Hi-Tech Park (Decision 899/QĐ-TTg, 2016)",
            )
        )
    parks = _parks_layer(plan)
    if parks is not None:
        out.append(
            LayerExport(
                "industrial_parks",
                parks.to_crs(crs),
                layer_qml("industrial_parks", geometry="polygon", label_field="name"),
                "Industrial parks (KCN), context: © OpenStreetMap contributors, ODbL 1.0",
            )
        )
    return out


def _parks_layer(plan: Plan) -> gpd.GeoDataFrame | None:
    """Return the ``industrial_parks`` layer: OSM way id, name, areas, attribution, way URL."""
    parks = plan.industrial_parks
    if parks is None or not len(parks):
        return None
    import geopandas as gpd

    from planning.geo.area import add_areas
    from planning.sources.industrial_parks import SOURCE_KEY
    from planning.sources.registry import attribution_line

    measured = add_areas(parks[["geometry"]].copy())
    return gpd.GeoDataFrame(
        {
            "park_id": parks["park_id"].astype("int64"),
            "name": parks["name"].astype(str),
            "geometry_kind": "digitized",
            "indicative": False,
            "measured_ha": measured["measured_ha"].astype(float),
            "measured_ha_vn2000": measured["measured_ha_vn2000"].astype(float),
            "source": attribution_line(SOURCE_KEY),
            "source_url": parks["source"].astype(str),
        },
        geometry=parks.geometry.values,
        crs=parks.crs,
    )


def _class_labels(
    classes: list[str], colors: Mapping[str, str], *, color_by: ColorBy
) -> dict[str, str]:
    from planning.maps.features import CATEGORY_LABELS

    counts = {c: classes.count(c) for c in colors}
    return {
        c: (CATEGORY_LABELS.get(c, c) if color_by == "category" else c) + f" ({counts[c]})"
        for c in colors
    }


# -- writers --------------------------------------------------------------------------------------------


def write_geopackage(
    plan: Plan,
    path: PathType,
    *,
    crs: str = "EPSG:4326",
    color_by: ColorBy = "status",
    communes: gpd.GeoDataFrame | None = None,
    protect: Iterable[PathType] = (),
) -> Path:
    """Write the plan as a styled GeoPackage 1.2, atomically.

    Parameters
    ----------
    plan
        The plan.
    path
        The ``.gpkg`` file to write (replaced if it exists).
    crs, color_by, communes
        As for :func:`export_layers`.
    protect
        Input files that must never be overwritten.

    Returns
    -------
    Path
        The file written.

    Raises
    ------
    PlanDataError
        If ``path`` is a protected input or cannot be written.
    UsageError
        If ``crs`` is not one of :data:`EXPORT_CRS`.
    """
    from planning.outputs import atomic_path

    layers = export_layers(plan, crs=crs, color_by=color_by, communes=communes)
    with atomic_path(path, protect=protect) as tmp:
        _write_gpkg(layers, tmp)
    return Path(path)


def write_shapefile_zip(
    plan: Plan,
    path: PathType,
    *,
    crs: str = "EPSG:4326",
    color_by: ColorBy = "status",
    communes: gpd.GeoDataFrame | None = None,
    protect: Iterable[PathType] = (),
) -> Path:
    """Write the plan as a ``.zip`` of Shapefiles (UTF-8 ``.cpg``, ``.qml`` style), atomically.

    Field names are shortened to the Shapefile limit of 10 characters (``declared_ha`` →
    ``decl_ha``, ``measured_ha_vn2000`` → ``meas_vn2k``); the styles use the short names.

    Parameters
    ----------
    plan
        The plan.
    path
        The ``.zip`` file to write.
    crs, color_by, communes
        As for :func:`export_layers`.
    protect
        Input files that must never be overwritten.

    Returns
    -------
    Path
        The file written.

    Raises
    ------
    PlanDataError
        If ``path`` is a protected input or cannot be written.
    """
    import pyogrio

    from planning.outputs import atomic_output

    layers = export_layers(plan, crs=crs, color_by=color_by, communes=communes)
    with tempfile.TemporaryDirectory(prefix="planning-shp-") as tmpdir:
        files: list[Path] = []
        for layer in layers:
            frame = layer.frame.rename(columns=_SHP_FIELDS)
            frame["indicative"] = frame["indicative"].astype(int)
            frame, cut = _fit_dbf_text(frame)
            if cut:  # the full values go beside the layer, never lost
                full = layer.frame.drop(columns="geometry")
                full.to_csv(
                    Path(tmpdir) / f"{layer.name}_full_text.csv", index=False, encoding="utf-8-sig"
                )
            shp = Path(tmpdir) / f"{layer.name}.shp"
            pyogrio.write_dataframe(
                frame,
                shp,
                driver="ESRI Shapefile",
                encoding="UTF-8",
                promote_to_multi=layer.name not in ("cluster_locations",),
            )
            cpg = shp.with_suffix(".cpg")
            if not cpg.exists():  # GDAL writes it; make sure every reader sees UTF-8
                cpg.write_text("UTF-8", encoding="ascii")
            qml = shp.with_suffix(".qml")
            qml.write_text(_rename_fields(layer.qml, _SHP_FIELDS), encoding="utf-8")
            files += sorted(Path(tmpdir).glob(f"{layer.name}.*"))
            files += sorted(Path(tmpdir).glob(f"{layer.name}_full_text.csv"))
        with (
            atomic_output(path, protect=protect, mode="wb") as fh,
            zipfile.ZipFile(fh, "w", compression=zipfile.ZIP_DEFLATED) as zf,
        ):
            for f in files:
                zf.write(f, arcname=f.name)
    return Path(path)


def _write_gpkg(layers: list[LayerExport], path: Path) -> None:
    import pandas as pd
    import pyogrio

    for i, layer in enumerate(layers):
        pyogrio.write_dataframe(
            layer.frame,
            path,
            layer=layer.name,
            driver="GPKG",
            promote_to_multi=layer.name != "cluster_locations",
            dataset_options={"VERSION": GPKG_VERSION} if i == 0 else None,
            layer_options={"DESCRIPTION": layer.title, "IDENTIFIER": layer.name},
            append=False,
        )
    # The table QGIS reads a layer's default style from (the columns QGIS itself creates).
    styles = pd.DataFrame(
        {
            "f_table_catalog": "",
            "f_table_schema": "",
            "f_table_name": [layer.name for layer in layers],
            "f_geometry_column": "geom",
            "styleName": [layer.name for layer in layers],
            "styleQML": [layer.qml for layer in layers],
            "styleSLD": "",
            "useAsDefault": True,
            "description": [layer.title for layer in layers],
            "owner": "",
            "ui": "",
            "update_time": pd.Timestamp.now(tz="UTC").floor("s"),
        }
    )
    pyogrio.write_dataframe(styles, path, layer="layer_styles", driver="GPKG", append=False)


# -- QML (QGIS styles) ----------------------------------------------------------------------------------


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
        renderer = ET.SubElement(
            root,
            "renderer-v2",
            {
                "type": "categorizedSymbol",
                "attr": attr,
                "symbollevels": "0",
                "enableorderby": "0",
                "forceraster": "0",
                "referencescale": "-1",
            },
        )
        cats = ET.SubElement(renderer, "categories")
        symbols = ET.SubElement(renderer, "symbols")
        for i, (cls, color) in enumerate(colors.items()):
            ET.SubElement(
                cats,
                "category",
                {
                    "render": "true",
                    "symbol": str(i),
                    "value": cls,
                    "label": (labels or {}).get(cls, cls),
                },
            )
            symbols.append(_symbol(str(i), geometry=geometry, color=color, layer=layer))
    else:
        renderer = ET.SubElement(
            root,
            "renderer-v2",
            {
                "type": "singleSymbol",
                "symbollevels": "0",
                "enableorderby": "0",
                "forceraster": "0",
                "referencescale": "-1",
            },
        )
        symbols = ET.SubElement(renderer, "symbols")
        symbols.append(_symbol("0", geometry=geometry, color=None, layer=layer))
    if label_field:
        root.append(_labeling(label_field, layer=layer))
    ET.SubElement(root, "layerGeometryType").text = "0" if geometry == "point" else "2"
    body = ET.tostring(root, encoding="unicode")
    return "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n" + body + "\n"


def _rgba(color: str, alpha: int = 255) -> str:
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
    if geometry == "point":
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
    sym = ET.Element(
        "symbol",
        {"type": "fill", "name": name, "alpha": "1", "clip_to_extent": "1", "force_rhr": "0"},
    )
    sl = ET.SubElement(
        sym, "layer", {"class": "SimpleFill", "enabled": "1", "locked": "0", "pass": "0"}
    )
    if layer == "districts":
        props = {
            "color": _rgba(_DISTRICT_FILL, 140),
            "outline_color": _rgba(_DISTRICT_LINE),
            "outline_style": "solid",
            "outline_width": "0.4",
            "style": "solid",
        }
    elif layer == "industrial_parks":
        props = {  # a grey hatch: context, not part of the plan
            "color": _rgba(_PARK_GREY, 200),
            "outline_color": _rgba(_PARK_GREY),
            "outline_style": "solid",
            "outline_width": "0.5",
            "style": "b_diagonal",
        }
    elif layer == "communes":
        props = {
            "color": "255,255,255,0",
            "outline_color": _rgba(_COMMUNE_LINE),
            "outline_style": "dot",
            "outline_width": "0.15",
            "style": "no",
        }
    else:
        c = color or "#7F7F7F"
        props = {
            "color": _rgba(c, 89),  # 35 % fill, as on the web map
            "outline_color": _rgba(c),
            "outline_style": "solid",
            "outline_width": "0.6",
            "style": "solid",
        }
    props["outline_width_unit"] = "MM"
    props["joinstyle"] = "round"
    _props(sl, props)
    if layer in ("clusters", "hoa_lac"):
        _dashed_when_indicative(sl, "outlineStyle")
    return sym


def _labeling(field: str, *, layer: str) -> ET.Element:
    size = {"districts": "9", "communes": "6.5", "hoa_lac": "8", "industrial_parks": "7"}.get(
        layer, "7.5"
    )
    color = {
        "districts": "70,70,70,255",
        "communes": "110,110,110,255",
        "industrial_parks": "90,90,90,255",
    }.get(layer, "20,20,20,255")
    lab = ET.Element("labeling", {"type": "simple"})
    settings = ET.SubElement(lab, "settings", {"calloutType": "simple"})
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


def _rename_fields(qml: str, names: Mapping[str, str]) -> str:
    """Return a QML with field references renamed (for the Shapefile's short field names)."""
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


#: The longest text a DBF field holds, in bytes (dBASE III limit that GDAL applies).
_DBF_TEXT_BYTES = 254


def _fit_dbf_text(frame: gpd.GeoDataFrame) -> tuple[gpd.GeoDataFrame, list[str]]:
    """Shorten text longer than a DBF field holds, visibly (``…`` at the end).

    Returns the frame and the names of the columns that were shortened; the caller writes
    the full values beside the Shapefile, so nothing is lost without a trace.
    """
    cut: list[str] = []
    out = frame.copy()
    for col in out.columns:
        if col == "geometry" or not (
            out[col].dtype == object or str(out[col].dtype).startswith("str")
        ):
            continue
        too_long = out[col].map(
            lambda v: isinstance(v, str) and len(v.encode("utf-8")) > _DBF_TEXT_BYTES
        )
        if too_long.any():
            cut.append(str(col))
            out.loc[too_long, col] = out.loc[too_long, col].map(_shorten_utf8)
    return out, cut


def _shorten_utf8(text: str) -> str:
    ell = "…"
    room = _DBF_TEXT_BYTES - len(ell.encode("utf-8"))
    return text.encode("utf-8")[:room].decode("utf-8", "ignore") + ell
