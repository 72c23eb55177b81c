"""The plan's layers for a GIS export (GeoPackage or Shapefile): fields, areas, sources, styles.

:func:`export_layers` prepares the layers: ``clusters`` (outlines and indicative footprints),
``cluster_locations`` (clusters known only by their location), ``districts``, ``communes``,
``hoa_lac`` (the Hoa Lac Hi-Tech Park) and ``industrial_parks`` (the context layer of
OpenStreetMap's industrial parks, grey and hatched, "© OpenStreetMap contributors, ODbL 1.0"
in its ``source`` field). Every layer carries the geometry kind, an ``indicative`` flag, its
areas in ha (geodesic on WGS 84 and planar in VN-2000, EPSG:5897) and its source, and its
QGIS style (:func:`planning.maps.qml.layer_qml`): clusters coloured as on the web map
(:func:`planning.maps.features.class_colors`), indicative footprints dashed, labels from the
Vietnamese names. :mod:`planning.maps.geopackage` and :mod:`planning.maps.shapefile` write them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from planning.errors import UsageError
from planning.geo.transform import reproject
from planning.maps.qml import layer_qml

if TYPE_CHECKING:
    import geopandas as gpd

    from planning.maps.features import ColorBy
    from planning.model.plan import Plan

__all__ = ["EXPORT_CRS", "ExportCRS", "LayerExport", "export_layers"]

ExportCRS = Literal["EPSG:4326", "EPSG:5897"]
#: The CRSs an export can be written in: WGS 84, and VN-2000 / TM-3 zone 482 (Hanoi's planning CRS).
EXPORT_CRS: tuple[str, ...] = ("EPSG:4326", "EPSG:5897")


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
    from planning.maps.features import COLOR_BY

    if crs not in EXPORT_CRS:
        raise UsageError(f"export CRS must be one of {', '.join(EXPORT_CRS)}, got {crs!r}")
    if color_by not in COLOR_BY:
        raise UsageError(f"color_by must be one of {', '.join(COLOR_BY)}, got {color_by!r}")
    out = _cluster_layers(plan, crs=crs, color_by=color_by)
    out.append(_district_layer(plan, crs=crs))
    out.append(_commune_layer(communes, crs=crs))
    if len(plan.zones):
        out.append(_zone_layer(plan, crs=crs))
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


def _cluster_layers(plan: Plan, *, crs: str, color_by: ColorBy) -> list[LayerExport]:
    """Return ``clusters`` (polygons) and, when any, ``cluster_locations`` (points)."""
    from planning.maps.features import class_colors, cluster_classes

    classes = cluster_classes(plan.clusters, color_by=color_by)
    colors = class_colors(classes, color_by=color_by)
    labels = _class_labels(classes, colors, color_by=color_by)
    frame = _cluster_frame(plan.clusters, classes)
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
    return out


def _cluster_frame(cl: gpd.GeoDataFrame, classes: list[str]) -> gpd.GeoDataFrame:
    """Return the exported fields of every cluster, ``map_class`` the class it is coloured by."""
    import geopandas as gpd

    return gpd.GeoDataFrame(
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


def _district_layer(plan: Plan, *, crs: str) -> LayerExport:
    """Return the ``districts`` layer, its source OCHA's attribution or the user's file."""
    import geopandas as gpd

    from planning.sources.registry import attribution_line

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
    return LayerExport(
        "districts",
        reproject(districts, crs),
        layer_qml("districts", geometry="polygon", label_field="district_vi"),
        "Districts (2014-2025 structure, 30 units)",
    )


def _commune_layer(communes: gpd.GeoDataFrame | None, *, crs: str) -> LayerExport:
    """Return the ``communes`` layer (the bundled source's when ``communes`` is None)."""
    import geopandas as gpd

    from planning.geo.area import add_areas
    from planning.sources.boundaries import load_communes
    from planning.sources.registry import attribution_line

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
    return LayerExport(
        "communes",
        reproject(communes_frame, crs),
        layer_qml("communes", geometry="polygon", label_field="commune_vi"),
        "Communes and wards (2014-2019 structure)",
    )


def _zone_layer(plan: Plan, *, crs: str) -> LayerExport:
    """Return the ``hoa_lac`` layer, one category per geometry kind of the zones."""
    import geopandas as gpd

    from planning.maps.features import ZONE_COLOR

    z = plan.zones
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
    return LayerExport(
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
    """Return each class's legend text in QGIS: its label and its count of clusters."""
    from planning.maps.labels import CATEGORY_LABELS

    counts = {c: classes.count(c) for c in colors}
    return {
        c: (CATEGORY_LABELS.get(c, c) if color_by == "category" else c) + f" ({counts[c]})"
        for c in colors
    }
