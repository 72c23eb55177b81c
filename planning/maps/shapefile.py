"""The plan as a ``.zip`` of Shapefiles, one per layer, each with its QGIS style beside it.

:func:`write_shapefile_zip` writes the layers of :func:`planning.maps.export.export_layers`
with a UTF-8 ``.cpg`` and the layer's style as a ``.qml`` (QGIS loads it by default). Field
names are shortened to the Shapefile limit of 10 characters (:data:`SHP_FIELDS`), and text
longer than a DBF field holds (254 bytes) is cut visibly with ``…``; the full values of such a
layer go beside it in ``<layer>_full_text.csv``, so nothing is lost without a trace.
"""

from __future__ import annotations

import tempfile
import zipfile
from collections.abc import Iterable
from os import PathLike
from pathlib import Path
from typing import TYPE_CHECKING

from planning.maps.export import LayerExport, export_layers
from planning.maps.qml import rename_fields

if TYPE_CHECKING:
    import geopandas as gpd

    from planning.maps.features import ColorBy
    from planning.model.plan import Plan

__all__ = ["SHP_FIELDS", "write_shapefile_zip"]

PathType = str | PathLike[str]
#: Shapefile field names (at most 10 characters) of the exported fields.
SHP_FIELDS = {
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
#: The longest text a DBF field holds, in bytes (dBASE III limit that GDAL applies).
_DBF_TEXT_BYTES = 254


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
    """
    from planning.outputs import atomic_output

    layers = export_layers(plan, crs=crs, color_by=color_by, communes=communes)
    with tempfile.TemporaryDirectory(prefix="planning-shp-") as tmpdir:
        files: list[Path] = []
        for layer in layers:
            files += _write_layer(layer, Path(tmpdir))
        with (
            atomic_output(path, protect=protect, mode="wb") as fh,
            zipfile.ZipFile(fh, "w", compression=zipfile.ZIP_DEFLATED) as zf,
        ):
            for f in files:
                zf.write(f, arcname=f.name)
    return Path(path)


def _write_layer(layer: LayerExport, folder: Path) -> list[Path]:
    """Write one layer's Shapefile, ``.cpg``, ``.qml`` (and full-text CSV); return its files."""
    import pyogrio

    frame = layer.frame.rename(columns=SHP_FIELDS)
    frame["indicative"] = frame["indicative"].astype(int)
    frame, cut = _fit_dbf_text(frame)
    if cut:  # the full values go beside the layer, never lost
        full = layer.frame.drop(columns="geometry")
        full.to_csv(folder / f"{layer.name}_full_text.csv", index=False, encoding="utf-8-sig")
    shp = folder / f"{layer.name}.shp"
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
    qml.write_text(rename_fields(layer.qml, SHP_FIELDS), encoding="utf-8")
    return sorted(folder.glob(f"{layer.name}.*")) + sorted(
        folder.glob(f"{layer.name}_full_text.csv")
    )


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
    """Return ``text`` cut to fit a DBF field in UTF-8, ending with ``…``."""
    ell = "…"
    room = _DBF_TEXT_BYTES - len(ell.encode("utf-8"))
    return text.encode("utf-8")[:room].decode("utf-8", "ignore") + ell
