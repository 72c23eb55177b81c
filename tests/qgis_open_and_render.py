"""Open an exported GeoPackage in real QGIS, check every layer's default style, render a PNG.

Run with Debian's ``/usr/bin/python3`` (which has ``python3-qgis``), never the project's venv:

    QT_QPA_PLATFORM=offscreen /usr/bin/python3 tests/qgis_open_and_render.py plan.gpkg out.png

Prints one JSON object: per layer, whether it is valid, whether its default style loaded, its
renderer type, its categories and colours, the data-defined outline style, its labels; and
the rendered image's size and number of distinct colours. Exits 1 if a layer is invalid.
"""

from __future__ import annotations

import faulthandler
import json
import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
faulthandler.enable()

from qgis.core import (  # noqa: E402
    QgsApplication,
    QgsDataProvider,
    QgsMapRendererParallelJob,
    QgsMapSettings,
    QgsProject,
    QgsSymbolLayer,
    QgsVectorLayer,
)
from qgis.PyQt.QtCore import QSize  # noqa: E402
from qgis.PyQt.QtGui import QColor  # noqa: E402


def _layer_names(gpkg: str) -> list[str]:
    probe = QgsVectorLayer(gpkg, "probe", "ogr")
    sep = QgsDataProvider.sublayerSeparator()
    names = [sub.split(sep)[1] for sub in probe.dataProvider().subLayers()]
    return [n for n in names if n != "layer_styles"]


def main(gpkg: str, png: str) -> int:  # noqa: PLR0915  # one QGIS session, run by Debian's python3, checked step by step
    app = QgsApplication([], False)
    app.initQgis()
    project = QgsProject.instance()
    report: dict[str, object] = {"qgis": QgsApplication.instance().applicationVersion()}
    layers = []
    info = {}
    ok = True
    for name in _layer_names(gpkg):
        lyr = QgsVectorLayer(f"{gpkg}|layername={name}", name, "ogr")
        entry: dict[str, object] = {"valid": lyr.isValid(), "features": lyr.featureCount()}
        ok = ok and lyr.isValid()
        message, loaded = lyr.loadDefaultStyle()
        entry["default_style_loaded"] = bool(loaded)
        entry["default_style_message"] = message
        r = lyr.renderer()
        entry["renderer"] = r.type()
        if r.type() == "categorizedSymbol":
            entry["attr"] = r.classAttribute()
            cats = r.categories()  # copies: keep them alive while their symbols are read
            entry["categories"] = {str(c.value()): c.symbol().color().name() for c in cats}
            sym = cats[0].symbol() if cats else None
        else:
            sym = r.symbol() if hasattr(r, "symbol") else None
        if sym is not None:
            entry["symbol_color"] = sym.color().name()
            sl = sym.symbolLayer(0)
            entry["stroke_color"] = sl.strokeColor().name()
            prop = sl.dataDefinedProperties().property(QgsSymbolLayer.PropertyStrokeStyle)
            entry["dd_outline_style"] = prop.expressionString() if prop.isActive() else None
        entry["labels_enabled"] = lyr.labelsEnabled()
        if lyr.labelsEnabled() and lyr.labeling() is not None:
            s = lyr.labeling().settings()
            entry["label_field"] = s.fieldName
            entry["label_font"] = s.format().font().family()
        entry["crs"] = lyr.crs().authid()
        info[name] = entry
        project.addMapLayer(lyr)
        layers.append(lyr)
    report["layers"] = info

    settings = QgsMapSettings()
    order = [
        "cluster_locations",
        "clusters",
        "hoa_lac",
        "industrial_parks",
        "communes",
        "districts",
    ]
    settings.setLayers(
        sorted(layers, key=lambda x: order.index(x.name()) if x.name() in order else 99)
    )
    settings.setDestinationCrs(layers[0].crs())
    settings.setBackgroundColor(QColor(255, 255, 255))
    settings.setOutputSize(QSize(1000, 1000))
    districts = [x for x in layers if x.name() == "districts"]
    settings.setExtent((districts[0] if districts else layers[0]).extent())
    job = QgsMapRendererParallelJob(settings)
    job.start()
    job.waitForFinished()
    image = job.renderedImage()
    image.save(png, "PNG")
    colors = set()
    for y in range(0, image.height(), 4):
        for x in range(0, image.width(), 4):
            colors.add(image.pixel(x, y))
    report["image"] = {"width": image.width(), "height": image.height(), "colors": len(colors)}
    print(json.dumps(report, ensure_ascii=False))
    app.exitQgis()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
