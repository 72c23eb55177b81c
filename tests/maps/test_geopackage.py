"""``planning export``: a styled GeoPackage 1.2 for QGIS, a zipped Shapefile set; tested in QGIS."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pyogrio
import pytest

from planning.cli import main
from planning.maps.api import class_colors, cluster_classes
from planning.maps.export import export_layers
from planning.maps.qml import layer_qml

ROOT = Path(__file__).resolve().parents[2]
QGIS_SCRIPT = ROOT / "tests" / "qgis_open_and_render.py"
SYSTEM_PYTHON = "/usr/bin/python3"
LAYERS = ["clusters", "cluster_locations", "districts", "communes", "hoa_lac", "industrial_parks"]


@pytest.fixture(scope="module")
def bundled():
    import planning

    return planning.load_plan()


@pytest.fixture(scope="module")
def gpkg(tmp_path_factory, bundled):
    out = tmp_path_factory.mktemp("export") / "plan.gpkg"
    assert main(["export", "-o", str(out)]) == 0
    return out


def test_geopackage_is_version_1_2_with_every_layer(gpkg, bundled):
    with sqlite3.connect(gpkg) as db:
        assert db.execute("PRAGMA application_id").fetchone()[0] == 0x47504B47  # "GPKG"
        assert db.execute("PRAGMA user_version").fetchone()[0] == 10200  # 1.2.0
        styles = db.execute(
            "SELECT f_table_name, f_geometry_column, useAsDefault, styleQML FROM layer_styles"
        ).fetchall()
        contents = dict(db.execute("SELECT table_name, data_type FROM gpkg_contents").fetchall())
    names = [n for n, _ in pyogrio.list_layers(gpkg)]
    assert names == [*LAYERS, "layer_styles"]
    assert contents["layer_styles"] == "attributes"
    assert sorted(s[0] for s in styles) == sorted(LAYERS)
    assert all(s[1] == "geom" and s[2] == 1 for s in styles)
    for *_, qml in styles:
        ET.fromstring(qml.split("\n", 1)[1])  # well-formed
    cl = pyogrio.read_dataframe(gpkg, layer="clusters")
    pts = pyogrio.read_dataframe(gpkg, layer="cluster_locations")
    assert len(cl) + len(pts) == len(bundled.clusters)
    for col in ("geometry_kind", "indicative", "declared_ha", "measured_ha", "source_url"):
        assert col in cl.columns
    assert set(pts["geometry_kind"]) == {"point"} and pts["measured_ha"].isna().all()
    assert cl["indicative"].eq(cl["geometry_kind"].eq("indicative")).all()
    assert "CCN Liên Hiệp" in set(cl["name_vi"])
    hl = pyogrio.read_dataframe(gpkg, layer="hoa_lac")
    assert hl["declared_ha"].iloc[0] == 1586 and bool(hl["indicative"].iloc[0])
    d = pyogrio.read_dataframe(gpkg, layer="districts")
    assert len(d) == 30 and d["source"].str.contains("OCHA").all()
    c = pyogrio.read_dataframe(gpkg, layer="communes", read_geometry=False)
    assert len(c) == 584 and c["source"].str.contains("vietnam63").all()


def test_industrial_parks_layer_is_exported_with_attribution_and_a_grey_hatch(gpkg, bundled):
    parks = pyogrio.read_dataframe(gpkg, layer="industrial_parks")
    assert bundled.industrial_parks is not None
    assert len(parks) == len(bundled.industrial_parks) >= 10
    assert sorted(parks["park_id"]) == sorted(bundled.industrial_parks["park_id"])
    assert (parks["source"] == "© OpenStreetMap contributors, ODbL 1.0").all()
    assert parks["source_url"].str.startswith("https://www.openstreetmap.org/way/").all()
    assert "Khu công nghiệp Quang Minh" in set(parks["name"])
    assert parks["measured_ha"].to_numpy() == pytest.approx(
        bundled.industrial_parks.set_index("park_id").loc[parks["park_id"], "area_ha"].to_numpy()
    )
    with sqlite3.connect(gpkg) as db:
        (qml,) = db.execute(
            "SELECT styleQML FROM layer_styles WHERE f_table_name = 'industrial_parks'"
        ).fetchone()
        (title,) = db.execute(
            "SELECT description FROM gpkg_contents WHERE table_name = 'industrial_parks'"
        ).fetchone()
    assert "© OpenStreetMap contributors, ODbL 1.0" in title
    props = {p.get("k"): p.get("v") for p in ET.fromstring(qml.split("\n", 1)[1]).iter("prop")}
    assert props["style"] == "b_diagonal"  # hatched
    assert props["outline_color"] == "122,122,122,255"  # grey


def test_a_plan_without_parks_exports_no_parks_layer(bundled):
    from dataclasses import replace

    names = [layer.name for layer in export_layers(replace(bundled, industrial_parks=None))]
    assert "industrial_parks" not in names and "districts" in names


def test_styles_use_the_web_map_colours(bundled):
    classes = cluster_classes(bundled.clusters, color_by="status")
    colors = class_colors(classes, color_by="status")
    qml = ET.fromstring(
        layer_qml("clusters", geometry="polygon", colors=colors, label_field="name_vi").split(
            "\n", 1
        )[1]
    )
    cats = {c.get("value"): c.get("symbol") for c in qml.iter("category")}
    assert set(cats) == set(colors)
    for sym in qml.iter("symbol"):
        value = next(k for k, v in cats.items() if v == sym.get("name"))
        hexcolor = colors[value].lstrip("#")
        rgb = ",".join(str(int(hexcolor[i : i + 2], 16)) for i in (0, 2, 4))
        props = {p.get("k"): p.get("v") for p in sym.iter("prop")}
        assert props["outline_color"] == rgb + ",255"
    assert qml.find(".//text-style").get("fieldName") == "name_vi"
    expr = [o.get("value") for o in qml.iter("Option") if o.get("name") == "expression"]
    assert expr == ["CASE WHEN \"indicative\" THEN 'dash' ELSE 'solid' END"] * len(colors)


def test_names_from_data_are_escaped_in_the_style():
    qml = layer_qml(
        "clusters", geometry="polygon", colors={'<b a="1">&': "#0072B2"}, label_field="name_vi"
    )
    root = ET.fromstring(qml.split("\n", 1)[1])
    assert root.find(".//category").get("value") == '<b a="1">&'


def test_export_in_vn2000(tmp_path, bundled):
    out = tmp_path / "vn.gpkg"
    assert main(["export", "--crs", "EPSG:5897", "-o", str(out)]) == 0
    info = pyogrio.read_info(out, layer="districts")
    assert "5897" in info["crs"]
    d = pyogrio.read_dataframe(out, layer="districts")
    assert d.total_bounds[0] > 400_000  # metres, not degrees
    # areas are fields, the same whatever the CRS of the geometry
    assert d["measured_ha"].sum() == pytest.approx(bundled.districts["measured_ha"].sum())


def test_export_needs_output_and_a_known_crs(capsys):
    with pytest.raises(SystemExit):
        main(["export"])
    with pytest.raises(SystemExit):
        main(["export", "--crs", "EPSG:3857", "-o", "x.gpkg"])
    from planning.errors import UsageError

    with pytest.raises(UsageError):
        export_layers(None, crs="EPSG:3857")  # type: ignore[arg-type]


def test_shapefile_zip(tmp_path, bundled):
    out = tmp_path / "plan.zip"
    assert main(["export", "--format", "shp", "-o", str(out)]) == 0
    with zipfile.ZipFile(out) as zf:
        names = set(zf.namelist())
        for layer in LAYERS:
            for ext in ("shp", "shx", "dbf", "prj", "cpg", "qml"):
                assert f"{layer}.{ext}" in names
        assert zf.read("clusters.cpg").decode("ascii").strip().upper() in ("UTF-8", "UTF8")
        qml = zf.read("clusters.qml").decode("utf-8")
        zf_qml_hoa_lac = zf.read("hoa_lac.qml").decode("utf-8")
    root = ET.fromstring(qml.split("\n", 1)[1])
    assert root.find("renderer-v2").get("attr") == "map_class"  # ≤ 10 characters already
    expr = {o.get("value") for o in root.iter("Option") if o.get("name") == "expression"}
    assert expr == {"CASE WHEN \"indicative\" THEN 'dash' ELSE 'solid' END"}
    assert root.find(".//text-style").get("fieldName") == "name_vi"
    hl = ET.fromstring(zf_qml_hoa_lac.split("\n", 1)[1])
    assert hl.find("renderer-v2").get("attr") == "geom_kind"  # renamed with the field
    cl = pyogrio.read_dataframe(f"/vsizip/{out}/clusters.shp")
    assert {"decl_ha", "meas_ha", "meas_vn2k", "geom_kind", "indicative"} <= set(cl.columns)
    assert "CCN Liên Hiệp" in set(cl["name_vi"])


def test_text_too_long_for_a_dbf_is_cut_visibly_and_kept_in_full_beside_it(tmp_path):
    import geopandas as gpd
    from shapely.geometry import box

    from planning.maps.export import LayerExport
    from planning.maps.shapefile import _write_layer

    long_name = "Cụm công nghiệp " + "Đông Anh " * 40  # > 254 bytes in UTF-8
    frame = gpd.GeoDataFrame(
        {"name_vi": [long_name, "CCN Phùng Xá"], "indicative": [False, True]},
        geometry=[box(105.5, 21.0, 105.51, 21.01), box(105.6, 21.0, 105.61, 21.01)],
        crs="EPSG:4326",
    )
    qml = layer_qml("clusters", geometry="polygon", label_field="name_vi")
    files = _write_layer(LayerExport("clusters", frame, qml, "test"), tmp_path)
    assert [f.name for f in files if f.suffix in (".csv", ".qml")] == [
        "clusters.qml",
        "clusters_full_text.csv",
    ]
    written = pyogrio.read_dataframe(tmp_path / "clusters.shp")
    cut = written["name_vi"].iloc[0]
    assert cut.endswith("…") and long_name.startswith(cut[:-1])
    assert len(cut.encode("utf-8")) <= 254
    assert written["name_vi"].iloc[1] == "CCN Phùng Xá"
    full = (tmp_path / "clusters_full_text.csv").read_text(encoding="utf-8-sig")
    assert long_name in full


def _qgis_available() -> bool:
    if not os.path.exists(SYSTEM_PYTHON):
        return False
    probe = subprocess.run(
        [SYSTEM_PYTHON, "-c", "import qgis.core"], capture_output=True, env=_qgis_env()
    )
    return probe.returncode == 0


def _qgis_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}
    env["QT_QPA_PLATFORM"] = "offscreen"
    env.setdefault("XDG_RUNTIME_DIR", "/tmp")
    return env


@pytest.mark.slow
def test_opens_styled_and_renders_in_qgis(gpkg, bundled):
    if not _qgis_available():
        reason = f"{SYSTEM_PYTHON} cannot import qgis.core: apt-get install qgis python3-qgis"
        if os.environ.get("CI"):
            pytest.fail(reason)  # .ci/run installs QGIS: CI never skips this test
        pytest.skip(reason)
    artifacts = ROOT / "test-artifacts"
    artifacts.mkdir(exist_ok=True)
    png = artifacts / "qgis-render.png"
    png.unlink(missing_ok=True)
    run = subprocess.run(
        [SYSTEM_PYTHON, str(QGIS_SCRIPT), str(gpkg), str(png)],
        capture_output=True,
        text=True,
        env=_qgis_env(),
        timeout=300,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    result = json.loads(run.stdout.strip().splitlines()[-1])
    layers = result["layers"]
    assert list(layers) == LAYERS
    classes = cluster_classes(bundled.clusters, color_by="status")
    colors = {k: v.lower() for k, v in class_colors(classes, color_by="status").items()}
    for name, info in layers.items():
        assert info["valid"], name
        assert info["default_style_loaded"], (name, info["default_style_message"])
        assert info["labels_enabled"] and info["label_font"] == "DejaVu Sans", name
        assert info["crs"] == "EPSG:4326"
    # clusters: coloured as on the web map, dashed when indicative, labelled in Vietnamese
    for name in ("clusters", "cluster_locations"):
        assert layers[name]["renderer"] == "categorizedSymbol"
        assert layers[name]["attr"] == "map_class"
    assert layers["clusters"]["categories"] == {
        k: v for k, v in colors.items() if k in layers["clusters"]["categories"]
    }
    assert layers["cluster_locations"]["stroke_color"] in colors.values()
    assert "indicative" in layers["clusters"]["dd_outline_style"]
    assert layers["clusters"]["label_field"] == "name_vi"
    assert layers["hoa_lac"]["renderer"] == "categorizedSymbol"
    assert layers["hoa_lac"]["categories"] == {"indicative": "#6a3d9a"}
    # districts and communes: our single symbols, not QGIS's random default
    assert layers["districts"]["symbol_color"] == "#e8e4d8"
    assert layers["districts"]["stroke_color"] == "#6b6b6b"
    assert layers["communes"]["stroke_color"] == "#9a9a9a"
    assert layers["industrial_parks"]["stroke_color"] == "#7a7a7a"
    assert layers["industrial_parks"]["label_field"] == "name"
    # the rendered project is kept as an artifact and is not blank
    assert png.exists() and png.stat().st_size > 10_000
    assert result["image"]["colors"] > 50
