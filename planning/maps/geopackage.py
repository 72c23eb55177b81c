"""The plan as a styled GeoPackage for QGIS.

:func:`write_geopackage` writes the layers of :func:`planning.maps.export.export_layers` as
GeoPackage 1.2 (GDAL's ``VERSION=1.2`` creation option: QGIS 3.22, which many offices run,
warns that the 1.4 files of today's GDAL "may only be partially supported"), with one QGIS
style (QML, :mod:`planning.maps.qml`) per layer in the ``layer_styles`` table, marked default,
so each layer opens styled. :mod:`planning.maps.shapefile` writes the same layers as a zipped
Shapefile set.
"""

from __future__ import annotations

from collections.abc import Iterable
from os import PathLike
from pathlib import Path
from typing import TYPE_CHECKING

from planning.maps.export import LayerExport, export_layers

if TYPE_CHECKING:
    import geopandas as gpd

    from planning.maps.features import ColorBy
    from planning.model.plan import Plan

__all__ = ["GPKG_VERSION", "write_geopackage"]

PathType = str | PathLike[str]
#: The GeoPackage version written (GDAL creation option ``VERSION``), for QGIS 3.22 and older.
GPKG_VERSION = "1.2"


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
        As for :func:`planning.maps.export.export_layers`.
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
        If ``crs`` is not one of :data:`planning.maps.export.EXPORT_CRS`.
    """
    from planning.outputs import atomic_path

    layers = export_layers(plan, crs=crs, color_by=color_by, communes=communes)
    with atomic_path(path, protect=protect) as tmp:
        _write_gpkg(layers, tmp)
    return Path(path)


def _write_gpkg(layers: list[LayerExport], path: Path) -> None:
    """Write every layer, then the ``layer_styles`` table that QGIS opens them styled with."""
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
