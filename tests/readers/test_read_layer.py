"""planning.readers.read_layer: every format, legacy text, VN-2000, and every bad input.

Fixtures are generated at test time into ``tmp_path``; no binary file is committed.
"""

from __future__ import annotations

import json
import math
import os
import warnings
import zipfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from pyproj import CRS, Geod, Transformer
from pyproj.crs import CoordinateOperation

from planning.errors import (
    AreaUnitWarning,
    CRSError,
    GeometryFixWarning,
    PlanDataError,
    PlanningError,
)
from planning.geo.crs import DatumShiftWarning
from planning.readers import read_layer
from planning.readers.columns import COLUMN_ALIASES
from planning.schema import CLUSTER_COLUMNS
from planning.text.legacy import encode_legacy

pytestmark = pytest.mark.filterwarnings(
    "ignore:You will likely lose:UserWarning",
    "ignore:Column names longer than 10:UserWarning",
    "ignore:Normalized/laundered field name:RuntimeWarning",
)

GEOD = Geod(ellps="WGS84")
LON, LAT = 105.60, 21.03  # Phùng Xá, Thạch Thất
NAMES = ["CCN Phùng Xá", "CCN Thạch Thất", "CCN Hoà Lạc", "CCN Đông Anh", "CCN Ứng Hòa"]


def _box(lon: float, lat: float, d: float = 0.003) -> shapely.Polygon:
    return shapely.box(lon, lat, lon + d, lat + d)


def _clusters(n: int = 3) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {
            "Ma_CCN": [f"CCN-{i + 1:02d}" for i in range(n)],
            "Ten_CCN": NAMES[:n],
            "Xa": ["Phùng Xá", "Bình Phú", "Thạch Hoà", "Liên Hà", "Vân Đình"][:n],
            "Huyen": ["Thạch Thất"] * n,
            "Dien_tich": [12.5, 20.0, 6.0, 8.0, 9.0][:n],
        },
        geometry=[_box(LON + 0.01 * i, LAT) for i in range(n)],
        crs=4326,
    )


def _dist(a: shapely.Point, lon: float, lat: float) -> float:
    return float(GEOD.inv(a.x, a.y, lon, lat)[2])


# --- formats -------------------------------------------------------------------------


def _write(gdf: gpd.GeoDataFrame, path: Path) -> Path:
    suffix = path.suffix
    if suffix == ".parquet":
        gdf.to_parquet(path)
    elif suffix == ".zip":
        shp = path.with_suffix(".shp")
        gdf.to_file(shp, encoding="utf-8")
        with zipfile.ZipFile(path, "w") as z:
            for ext in (".shp", ".shx", ".dbf", ".prj", ".cpg"):
                z.write(shp.with_suffix(ext), f"inner/clusters{ext}")
                shp.with_suffix(ext).unlink()
    elif suffix == ".shp":
        gdf.to_file(path, encoding="utf-8")
    elif suffix == ".kml":
        gdf.rename(columns={"Ten_CCN": "Name"}).to_file(path, driver="KML")
    else:
        gdf.to_file(path)
    return path


@pytest.mark.parametrize(
    "suffix", [".geojson", ".gpkg", ".shp", ".zip", ".parquet", ".fgb", ".kml"]
)
def test_vector_formats(tmp_path: Path, suffix: str) -> None:
    src = _clusters()
    path = _write(src, tmp_path / f"clusters{suffix}")
    out = read_layer(path)
    assert out.crs.to_epsg() == 4326
    assert list(out.columns[: len(CLUSTER_COLUMNS)]) == list(CLUSTER_COLUMNS)
    assert out.columns[-1] == "geometry"
    by_name = out.set_index("name_vi")
    assert set(by_name.index) == set(NAMES[:3])
    geom = by_name.loc["CCN Phùng Xá", "geometry"]
    assert geom.normalize().equals_exact(_box(LON, LAT).normalize(), tolerance=1e-9)
    assert (out["geometry_kind"] == "digitized").all()
    assert (out["location_precision"] == "digitized").all()
    if suffix != ".kml":  # KML keeps only the name
        assert by_name.loc["CCN Phùng Xá", "cluster_id"] == "CCN-01"
        assert by_name.loc["CCN Phùng Xá", "commune_vi"] == "Phùng Xá"
        assert by_name.loc["CCN Phùng Xá", "district_vi"] == "Thạch Thất"
        assert by_name.loc["CCN Phùng Xá", "declared_ha"] == 12.5
    assert out.attrs["path"] == str(path)


def test_vietnamese_column_names_and_prefixes(tmp_path: Path) -> None:
    src = gpd.GeoDataFrame(
        {
            "Mã CCN": ["A"],
            "Tên cụm công nghiệp": ["CCN Phùng Xá"],
            "Xã": ["Xã Phùng Xá"],
            "Quận/Huyện": ["Huyện Thạch Thất"],
            "Diện tích (ha)": ["khoảng 12,5"],
            "Ghi chú": ["note"],
            "OBJECTID": [7],
        },
        geometry=[_box(LON, LAT)],
        crs=4326,
    )
    out = read_layer(_write(src, tmp_path / "c.geojson"))
    rec = out.iloc[0]
    assert (rec["cluster_id"], rec["commune_vi"], rec["district_vi"]) == (
        "A",
        "Phùng Xá",
        "Thạch Thất",
    )
    assert rec["declared_ha"] == 12.5 and rec["area_qualifier"] == "about"
    assert rec["source_note"] == "note"
    assert rec["OBJECTID"] == 7  # other columns are kept after the canonical ones


def test_columns_override_and_user_aliases(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    src = _clusters(2).rename(columns={"Ten_CCN": "TenKhu", "Dien_tich": "S"})
    path = _write(src, tmp_path / "c.geojson")
    out = read_layer(path, columns={"S": "declared_ha"})
    assert out["declared_ha"].tolist() == [12.5, 20.0]
    assert out["name_vi"].tolist() == ["", ""]
    monkeypatch.setitem(COLUMN_ALIASES["clusters"], "tenkhu", "name_vi")
    assert read_layer(path)["name_vi"].tolist() == NAMES[:2]
    with pytest.raises(PlanDataError, match=r"c\.geojson: column 'Nope' given in columns="):
        read_layer(path, columns={"Nope": "name_vi"})
    with pytest.raises(PlanDataError, match="not a column of a clusters layer"):
        read_layer(path, columns={"S": "size"})


def test_m2_column_is_converted(tmp_path: Path) -> None:
    src = _clusters(2).rename(columns={"Dien_tich": "Dien_tich_m2"})
    src["Dien_tich_m2"] = [125_000.0, 200_000.0]
    out = read_layer(_write(src, tmp_path / "c.geojson"))
    assert out["declared_ha"].tolist() == [12.5, 20.0]
    assert any("m² to ha" in n for n in out.attrs["notes"])


# --- tables --------------------------------------------------------------------------


def test_csv_lat_lon(tmp_path: Path) -> None:
    path = tmp_path / "pts.csv"
    pd.DataFrame(
        {
            "Ma_CCN": ["A", "B"],
            "Ten_CCN": ["CCN A", "CCN B"],
            "Dien_tich": ["6,5", "20"],
            "vi_do": [21.03, 21.01],
            "kinh_do": [105.6, 105.5],
        }
    ).to_csv(path, index=False)
    out = read_layer(path)
    assert out.geometry.iloc[0].equals(shapely.Point(105.6, 21.03))
    assert out["declared_ha"].tolist() == [6.5, 20.0]
    assert (out["geometry_kind"] == "point").all()
    assert (out["location_precision"] == "coordinates").all()


def test_csv_semicolon_wkt(tmp_path: Path) -> None:
    path = tmp_path / "wkt.csv"
    pd.DataFrame(
        {
            "ma": ["A", "B"],
            "ten": ["X", "Y"],
            "WKT": [_box(LON, LAT).wkt, _box(LON + 0.01, LAT).wkt],
        }
    ).to_csv(path, index=False, sep=";")
    out = read_layer(path)
    assert out.geometry.iloc[1].equals_exact(_box(LON + 0.01, LAT), tolerance=1e-12)
    assert "WKT" not in out.columns


def test_csv_xy_vn2000(tmp_path: Path) -> None:
    x, y = Transformer.from_crs(4756, 5897, always_xy=True).transform(LON, LAT)
    path = tmp_path / "xy.csv"
    pd.DataFrame({"ma": ["A"], "ten": ["X"], "x": [x], "y": [y]}).to_csv(path, index=False)
    with pytest.raises(CRSError, match=r"xy\.csv: columns 'x'/'y' hold projected coordinates"):
        read_layer(path)
    out = read_layer(path, crs="EPSG:5897")
    lon, lat = Transformer.from_crs(4756, 4326, always_xy=True).transform(LON, LAT)
    assert _dist(out.geometry.iloc[0], lon, lat) < 0.01


def _appendix_rows() -> list[list[object]]:
    return [
        ["PHỤ LỤC: DANH MỤC CỤM CÔNG NGHIỆP", None, None, None],
        [None, None, None, None],
        ["STT", "Tên cụm công nghiệp", "Địa điểm", "Diện tích (ha)"],
        ["I", "Huyện Thạch Thất", None, None],
        [1, "CCN Phùng Xá", "xã Phùng Xá", 12.5],
        [2, "CCN Bình Phú", "Bình Phú", "khoảng 20"],
        ["II", "Huyện Quốc Oai", None, None],
        [1, "CCN Yên Sơn", "Xã Yên Sơn, huyện Quốc Oai", "8,76"],
        [3, "Công nghệ cao", "Yên Sơn", 2],  # a name, not a "Cộng" (sum) line
        [None, "Tổng cộng", None, 43.26],
    ]


def test_excel_appendix_names_only(tmp_path: Path) -> None:
    path = tmp_path / "phu_luc.xlsx"
    pd.DataFrame(_appendix_rows()).to_excel(path, index=False, header=False)
    out = read_layer(path)
    assert out["name_vi"].tolist() == [
        "CCN Phùng Xá",
        "CCN Bình Phú",
        "CCN Yên Sơn",
        "Công nghệ cao",
    ]
    assert out["commune_vi"].tolist() == ["Phùng Xá", "Bình Phú", "Yên Sơn", "Yên Sơn"]
    assert out["district_vi"].tolist() == ["Thạch Thất", "Thạch Thất", "Quốc Oai", "Quốc Oai"]
    assert out["declared_ha"].tolist() == [12.5, 20.0, 8.76, 2.0]
    assert out["area_qualifier"].tolist() == ["", "about", "", ""]
    assert out["needs_placement"].tolist() == [True] * 4
    assert out.geometry.isna().all()
    assert (out["location_precision"] == "commune").all()
    assert (out["geometry_kind"] == "indicative").all()
    assert out["cluster_id"].tolist()[:2] == ["phu_luc-001", "phu_luc-002"]
    notes = " ".join(out.attrs["notes"])
    assert "header found on Excel row 3" in notes and "Tổng cộng" in notes


def test_csv_names_only_in_tcvn3_bytes(tmp_path: Path) -> None:
    text = "Ten_CCN,Xa,Huyen,Dien_tich\n" + "\n".join(
        f"{n},{c},Thạch Thất,{a}"
        for n, c, a in [("CCN Phùng Xá", "Phùng Xá", 12.5), ("CCN Hoà Lạc", "Thạch Hoà", 6)]
    )
    path = tmp_path / "tcvn3.csv"
    path.write_bytes(encode_legacy(text, "tcvn3"))
    out = read_layer(path)
    assert out["name_vi"].tolist() == ["CCN Phùng Xá", "CCN Hoà Lạc"]
    assert out["district_vi"].tolist() == ["Thạch Thất", "Thạch Thất"]
    assert any("tcvn3" in n for n in out.attrs["notes"])


def test_csv_utf8_mojibake_and_cp1258(tmp_path: Path) -> None:
    path = tmp_path / "moji.csv"
    rows = "ten,xa,huyen\nCCN Phùng Xá,Phùng Xá,Thạch Thất\n"
    path.write_text(rows.encode("utf-8").decode("cp1252"), encoding="utf-8")
    assert read_layer(path)["name_vi"].tolist() == ["CCN Phùng Xá"]
    path2 = tmp_path / "vni.csv"
    path2.write_bytes(encode_legacy(rows, "vni"))
    assert read_layer(path2)["commune_vi"].tolist() == ["Phùng Xá"]
    assert read_layer(path2, encoding="vni")["commune_vi"].tolist() == ["Phùng Xá"]


# --- legacy DBF encodings -------------------------------------------------------------------


def _legacy_dbf(tmp_path: Path, encoding: str, *, keep_cpg: bool = False) -> Path:
    src = _clusters(5)
    for col in ("Ten_CCN", "Xa", "Huyen"):
        src[col] = [encode_legacy(v, encoding).decode("latin-1") for v in src[col]]  # type: ignore[arg-type]
    path = tmp_path / f"{encoding}.shp"
    src.to_file(path, encoding="latin1")
    if not keep_cpg:
        path.with_suffix(".cpg").unlink(missing_ok=True)
    return path


@pytest.mark.parametrize("keep_cpg", [False, True])
def test_tcvn3_dbf_reads_as_unicode(tmp_path: Path, keep_cpg: bool) -> None:
    path = _legacy_dbf(tmp_path, "tcvn3", keep_cpg=keep_cpg)
    raw = path.with_suffix(".dbf").read_bytes()
    assert encode_legacy("Phùng Xá", "tcvn3") in raw  # really TCVN3 bytes on disk
    out = read_layer(path)
    assert out["name_vi"].tolist() == NAMES
    assert out["commune_vi"].tolist()[:3] == ["Phùng Xá", "Bình Phú", "Thạch Hoà"]
    assert out["district_vi"].tolist() == ["Thạch Thất"] * 5
    assert any("decoded from tcvn3" in n for n in out.attrs["notes"])
    forced = read_layer(path, encoding="tcvn3")
    assert forced["name_vi"].tolist() == NAMES


def test_vni_dbf_reads_as_unicode(tmp_path: Path) -> None:
    out = read_layer(_legacy_dbf(tmp_path, "vni"))
    assert out["name_vi"].tolist() == NAMES


def test_unknown_encoding(tmp_path: Path) -> None:
    path = _write(_clusters(1), tmp_path / "c.geojson")
    with pytest.raises(PlanDataError, match="unknown encoding 'klingon'"):
        read_layer(path, encoding="klingon")


# --- VN-2000 shapefiles ------------------------------------------------------------------


def _vn2000_shapefile(tmp_path: Path, prj: str | None) -> tuple[Path, float, float]:
    """A TM-3 105° shapefile of one polygon; returns its path and the EPSG:6960 position."""
    x, y = Transformer.from_crs(4756, 5897, always_xy=True).transform(LON, LAT)
    poly = shapely.box(x, y, x + 300, y + 200)
    gdf = gpd.GeoDataFrame(
        {"Ma_CCN": ["A"], "Ten_CCN": ["CCN Phùng Xá"]}, geometry=[poly], crs=5897
    )
    path = tmp_path / "vn2000.shp"
    gdf.to_file(path, encoding="utf-8")
    if prj is None:
        path.with_suffix(".prj").unlink()
    else:
        path.with_suffix(".prj").write_text(prj)
    lon, lat = Transformer.from_crs(4756, 4326, always_xy=True).transform(LON, LAT)
    return path, lon, lat


def _max_offset(out: gpd.GeoDataFrame, path: Path) -> float:
    """Largest distance (m) between the read vertices and EPSG:6960 applied to the file's."""
    op = CoordinateOperation.from_epsg(6960)
    to_geog = Transformer.from_crs(5897, 4756, always_xy=True)
    helmert = Transformer.from_pipeline(op.to_proj4())  # latitude first
    src = gpd.read_file(path).geometry.iloc[0].exterior.coords
    got = out.geometry.iloc[0].exterior.coords
    worst = 0.0
    for (x, y), (lon, lat) in zip(src, got, strict=True):
        glon, glat = to_geog.transform(x, y)
        elat, elon = helmert.transform(glat, glon)
        worst = max(worst, float(GEOD.inv(lon, lat, elon, elat)[2]))
    return worst


def test_vn2000_prj_without_datum_shift_within_1m(tmp_path: Path) -> None:
    """Done-when: a VN-2000 shapefile whose .prj lacks the datum shift lands within 1 m."""
    lost = CRS.from_proj4(
        "+proj=tmerc +lat_0=0 +lon_0=105 +k=0.9999 +x_0=500000 +y_0=0 +ellps=WGS84 +units=m"
    ).to_wkt("WKT1_ESRI")
    path, _, _ = _vn2000_shapefile(tmp_path, lost)
    naive = gpd.read_file(path).to_crs(4326)
    assert _max_offset(naive, path) > 200  # what a naive reader gets
    with pytest.warns(DatumShiftWarning, match=r"vn2000\.shp: .*lost its datum shift"):
        out = read_layer(path)
    assert _max_offset(out, path) < 1.0
    assert out.attrs["source_crs"] == "EPSG:5897"


@pytest.mark.parametrize("towgs84", ["0,0,0,0,0,0,0", "0,0,0"])
def test_vn2000_prj_with_zero_towgs84(tmp_path: Path, towgs84: str) -> None:
    prj = CRS.from_proj4(
        "+proj=tmerc +lat_0=0 +lon_0=105 +k=0.9999 +x_0=500000 +y_0=0 +ellps=WGS84 "
        f"+towgs84={towgs84} +units=m"
    ).to_wkt("WKT1_GDAL")
    path, _, _ = _vn2000_shapefile(tmp_path, prj)
    with pytest.warns(DatumShiftWarning):
        out = read_layer(path)
    assert _max_offset(out, path) < 1.0


def test_vn2000_proper_prj_no_warning(tmp_path: Path) -> None:
    path, _, _ = _vn2000_shapefile(tmp_path, CRS.from_epsg(5897).to_wkt("WKT1_ESRI"))
    with warnings.catch_warnings():
        warnings.simplefilter("error", DatumShiftWarning)
        out = read_layer(path)
    assert _max_offset(out, path) < 0.01


def test_missing_prj_is_a_crs_error(tmp_path: Path) -> None:
    path, _, _ = _vn2000_shapefile(tmp_path, None)
    with pytest.raises(
        CRSError, match=r"vn2000\.shp: the layer has no coordinate reference system"
    ):
        read_layer(path)
    out = read_layer(path, crs="EPSG:5897")
    assert _max_offset(out, path) < 0.01


# --- bad input: each with its message ------------------------------------------------------


def _geojson(path: Path, features: list[dict[str, object]]) -> Path:
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    return path


def _feature(geom: object, **props: object) -> dict[str, object]:
    g = geom if isinstance(geom, dict) or geom is None else shapely.geometry.mapping(geom)  # type: ignore[arg-type]
    return {"type": "Feature", "properties": props, "geometry": g}


def test_file_not_found(tmp_path: Path) -> None:
    with pytest.raises(PlanDataError, match=r"nope\.geojson: file not found$"):
        read_layer(tmp_path / "nope.geojson")


def test_unsupported_suffix(tmp_path: Path) -> None:
    (tmp_path / "a.docx").write_bytes(b"x")
    with pytest.raises(PlanDataError, match=r"a\.docx: unsupported file type '\.docx'"):
        read_layer(tmp_path / "a.docx")


@pytest.mark.parametrize(
    "suffix", [".geojson", ".shp", ".gpkg", ".kml", ".zip", ".parquet", ".xlsx"]
)
def test_corrupt_file(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"bad{suffix}"
    path.write_bytes(b"\x00\x01garbage\xff" * 10)
    with pytest.raises(PlanDataError, match=rf"bad\{suffix}: cannot read the"):
        read_layer(path)


def test_truncated_geojson(tmp_path: Path) -> None:
    path = _write(_clusters(), tmp_path / "t.geojson")
    path.write_bytes(path.read_bytes()[:150])
    with pytest.raises(PlanDataError, match=r"t\.geojson: cannot read the file"):
        read_layer(path)


def test_empty_layer(tmp_path: Path) -> None:
    with pytest.raises(PlanDataError, match=r"e\.geojson: the layer is empty \(no features\)"):
        read_layer(_geojson(tmp_path / "e.geojson", []))
    (tmp_path / "e.csv").write_text("ten,xa,huyen\n")
    with pytest.raises(PlanDataError, match=r"e\.csv: the table has no data rows"):
        read_layer(tmp_path / "e.csv")
    (tmp_path / "z.csv").write_text("")
    with pytest.raises(PlanDataError, match=r"z\.csv: the file is empty"):
        read_layer(tmp_path / "z.csv")


def test_lat_lon_swapped(tmp_path: Path) -> None:
    path = tmp_path / "swap.csv"
    pd.DataFrame({"ma": ["A", "B"], "lat": [21.0, 105.6], "lon": [105.5, 21.03]}).to_csv(
        path, index=False
    )
    with pytest.raises(
        PlanDataError,
        match=r"^.*swap\.csv: row 3 \(cluster_id=B\), field 'geometry': latitude and longitude are swapped",
    ):
        read_layer(path)
    gj = _geojson(tmp_path / "swap.geojson", [_feature(_box(LAT, LON), ma="X")])
    with pytest.raises(PlanDataError, match="swapped"):
        read_layer(gj)


def test_outside_viet_nam(tmp_path: Path) -> None:
    path = _geojson(
        tmp_path / "paris.geojson",
        [_feature(_box(LON, LAT), ma="A"), _feature(_box(2.35, 48.85), ma="B")],
    )
    with pytest.raises(
        PlanDataError,
        match=r"paris\.geojson: row 2 \(cluster_id=B\), field 'geometry': coordinates outside Viet Nam",
    ):
        read_layer(path)


def test_projected_numbers_read_as_degrees(tmp_path: Path) -> None:
    path = tmp_path / "m.csv"
    pd.DataFrame({"ma": ["A"], "lon": [557171.0], "lat": [2325157.0]}).to_csv(path, index=False)
    with pytest.raises(PlanDataError, match=r"are not longitude/latitude .* EPSG:5897"):
        read_layer(path)


def test_mixed_geometries(tmp_path: Path) -> None:
    path = _geojson(
        tmp_path / "mixed.geojson",
        [_feature(_box(LON, LAT), ma="A"), _feature(shapely.Point(LON, LAT), ma="B")],
    )
    with pytest.raises(
        PlanDataError,
        match=r"mixed\.geojson: row 2 \(cluster_id=B\), field 'geometry': mixed geometries",
    ):
        read_layer(path)


def test_lines_where_polygons_are_needed(tmp_path: Path) -> None:
    path = _geojson(
        tmp_path / "l.geojson",
        [_feature(shapely.LineString([(LON, LAT), (LON + 0.01, LAT)]), ma="A")],
    )
    with pytest.raises(
        PlanDataError,
        match=r"row 1 \(cluster_id=A\), field 'geometry': a LineString where polygons are needed",
    ):
        read_layer(path)


def test_points_where_a_zone_polygon_is_needed(tmp_path: Path) -> None:
    path = _geojson(tmp_path / "z.geojson", [_feature(shapely.Point(LON, LAT), id="HL")])
    with pytest.raises(
        PlanDataError, match=r"row 1 \(zone_id=HL\).*a Point where a zones layer needs polygons"
    ):
        read_layer(path, kind="zones")


def test_points_layer_is_fine_for_clusters(tmp_path: Path) -> None:
    path = _geojson(
        tmp_path / "p.geojson", [_feature(shapely.Point(LON, LAT), ma="A", dien_tich=5)]
    )
    out = read_layer(path)
    assert out["geometry_kind"].tolist() == ["point"]


def test_duplicate_ids(tmp_path: Path) -> None:
    src = _clusters(3)
    src["Ma_CCN"] = ["CCN-01", "CCN-02", "ccn-01"]
    with pytest.raises(
        PlanDataError,
        match=r"dup\.geojson: row 3 \(cluster_id=ccn-01\), field 'cluster_id': duplicate cluster_id 'ccn-01' \(also on row 1\)",
    ):
        read_layer(_write(src, tmp_path / "dup.geojson"))


def test_unreadable_area(tmp_path: Path) -> None:
    src = _clusters(2)
    src["Dien_tich"] = ["12", "mười hai"]
    with pytest.raises(
        PlanDataError, match=r"row 2 \(cluster_id=CCN-02\), field 'declared_ha': unreadable area"
    ):
        read_layer(_write(src, tmp_path / "a.geojson"))


def test_missing_geometry_without_location(tmp_path: Path) -> None:
    path = _geojson(
        tmp_path / "n.geojson", [_feature(_box(LON, LAT), ma="A"), _feature(None, ma="B")]
    )
    with pytest.raises(
        PlanDataError, match=r"row 2 \(cluster_id=B\), field 'geometry': feature has no geometry"
    ):
        read_layer(path)
    path2 = _geojson(
        tmp_path / "n2.geojson",
        [
            _feature(_box(LON, LAT), ma="A"),
            _feature(None, ma="B", xa="Phùng Xá", huyen="Thạch Thất"),
        ],
    )
    out = read_layer(path2)
    assert out["needs_placement"].tolist() == [False, True]


def test_z_coordinates_are_dropped(tmp_path: Path) -> None:
    path = tmp_path / "z.csv"
    pd.DataFrame({"ma": ["A"], "wkt": [f"POINT Z ({LON} {LAT} 12)"]}).to_csv(path, index=False)
    assert not read_layer(path).geometry.iloc[0].has_z


def test_one_coordinate_column(tmp_path: Path) -> None:
    path = tmp_path / "one.csv"
    pd.DataFrame({"ma": ["A"], "lat": [21.0]}).to_csv(path, index=False)
    with pytest.raises(PlanDataError, match="only one coordinate column"):
        read_layer(path)


def test_bad_wkt(tmp_path: Path) -> None:
    path = tmp_path / "w.csv"
    pd.DataFrame({"ma": ["A", "B"], "wkt": [_box(LON, LAT).wkt, "POLYGON((1 2, 3"]}).to_csv(
        path, index=False
    )
    with pytest.raises(
        PlanDataError, match=r"w\.csv: row 3 \(cluster_id=B\), field 'wkt': unreadable WKT"
    ):
        read_layer(path)


def test_multi_layer_geopackage(tmp_path: Path) -> None:
    path = tmp_path / "two.gpkg"
    _clusters(2).to_file(path, layer="a")
    _clusters(1).to_file(path, layer="b")
    with pytest.raises(
        PlanDataError,
        match=r"two\.gpkg: the file has 2 layers \(a, b\); save the layer to check in a file of "
        r"its own, or choose it with layer= in Python",
    ):
        read_layer(path)
    assert len(read_layer(path, layer="b")) == 1
    assert len(read_layer(path, layer=0)) == 2
    with pytest.raises(PlanDataError, match="no layer 'c'"):
        read_layer(path, layer="c")


# --- invalid rings and fix=True ------------------------------------------------------------

BOWTIE = shapely.Polygon(
    [(LON, LAT), (LON + 0.01, LAT + 0.01), (LON + 0.01, LAT), (LON, LAT + 0.01)]
)


def test_invalid_ring_reported_with_reason(tmp_path: Path) -> None:
    path = _geojson(
        tmp_path / "bow.geojson", [_feature(_box(LON, LAT), ma="A"), _feature(BOWTIE, ma="B")]
    )
    with pytest.raises(
        PlanDataError,
        match=r"bow\.geojson: row 2 \(cluster_id=B\), field 'geometry': invalid polygon: Self-intersection\[.*fix=True",
    ):
        read_layer(path)


def test_fix_repairs_and_reports(tmp_path: Path) -> None:
    path = _geojson(
        tmp_path / "bow.geojson", [_feature(_box(LON, LAT), ma="A"), _feature(BOWTIE, ma="B")]
    )
    with pytest.warns(
        GeometryFixWarning,
        match=r"repaired 1 invalid geometry: row 2 \(cluster_id=B\): Self-intersection",
    ):
        out = read_layer(path, fix=True)
    assert out.geometry.is_valid.all()
    assert out.geometry.iloc[1].geom_type == "MultiPolygon"
    assert len(out.attrs["fixes"]) == 1 and "make_valid" in out.attrs["fixes"][0]


# --- area units ---------------------------------------------------------------------------


def test_m2_warning_from_values(tmp_path: Path) -> None:
    path = tmp_path / "m2.csv"
    pd.DataFrame(
        {"ten": ["A", "B"], "xa": ["x", "y"], "huyen": ["h", "h"], "dien_tich": [125000, 60000]}
    ).to_csv(path, index=False)
    with pytest.warns(
        AreaUnitWarning,
        match=r"m2\.csv: field 'declared_ha': declared areas look like m², not ha",
    ):
        read_layer(path)


def test_m2_warning_from_polygons(tmp_path: Path) -> None:
    src = _clusters(2)
    src["Dien_tich"] = [src.to_crs(5897).area.iloc[0], 900.0]  # m², a 0.1 ha box
    with pytest.warns(AreaUnitWarning, match="times the measured polygon areas"):
        read_layer(_write(src, tmp_path / "m2.geojson"))


def test_no_m2_warning_for_hectares(tmp_path: Path) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error", AreaUnitWarning)
        read_layer(_write(_clusters(), tmp_path / "ok.geojson"))


def test_row_without_any_location(tmp_path: Path) -> None:
    path = tmp_path / "nowhere.csv"
    pd.DataFrame({"ma": ["A", "B"], "ten": ["X", "Y"], "xa": ["Phùng Xá", ""]}).to_csv(
        path, index=False
    )
    with pytest.raises(
        PlanDataError,
        match=r"nowhere\.csv: row 3 \(cluster_id=B\), field 'commune_vi': the row has no location",
    ):
        read_layer(path)


# --- import cost ------------------------------------------------------------------------------


def test_import_is_cheap() -> None:
    import subprocess
    import sys

    code = "import sys, planning.readers; print(sorted(m for m in ('pandas','geopandas','pyogrio','shapely','pyproj') if m in sys.modules))"
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "PYTHONPATH": str(root)}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env, cwd=root
    )
    assert out.stdout.strip() == "[]"


# --- fuzzing: nothing escapes but PlanningError ------------------------------------------------

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

#: Raise for a deeper run: PLANNING_FUZZ_EXAMPLES=2000 pytest tests/readers/test_read_layer.py -k fuzz
FUZZ_EXAMPLES = int(os.environ.get("PLANNING_FUZZ_EXAMPLES", "70"))
FUZZ_SUFFIXES = [
    ".geojson",
    ".json",
    ".shp",
    ".csv",
    ".kml",
    ".gpkg",
    ".xlsx",
    ".parquet",
    ".zip",
    ".tsv",
]


def _read_or_planning_error(path: Path, **kw: object) -> gpd.GeoDataFrame | None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return read_layer(path, **kw)  # type: ignore[arg-type]
    except PlanningError:
        return None


@settings(
    max_examples=FUZZ_EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(data=st.binary(max_size=400), suffix=st.sampled_from(FUZZ_SUFFIXES))
def test_fuzz_random_bytes(tmp_path: Path, data: bytes, suffix: str) -> None:
    path = tmp_path / f"fuzz{suffix}"
    path.write_bytes(data)
    _read_or_planning_error(path)


class _Files(dict[str, bytes]):
    def __repr__(self) -> str:  # keep hypothesis reports short
        return f"<valid files {sorted(self)}>"


@pytest.fixture(scope="module")
def valid_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    base = tmp_path_factory.mktemp("valid")
    out = _Files()
    for suffix in (".geojson", ".gpkg", ".parquet", ".kml", ".fgb"):
        out[suffix] = _write(_clusters(), base / f"v{suffix}").read_bytes()
    shp = _write(_clusters(), base / "v.shp")
    out[".shp"] = shp.read_bytes()
    out[".dbf"] = shp.with_suffix(".dbf").read_bytes()
    xlsx = base / "v.xlsx"
    pd.DataFrame(_appendix_rows()).to_excel(xlsx, index=False, header=False)
    out[".xlsx"] = xlsx.read_bytes()
    out[".csv"] = b"ma,ten,lat,lon,dien_tich\nA,X,21.0,105.6,12\nB,Y,21.01,105.61,khoang 3\n"
    return out


@settings(
    max_examples=FUZZ_EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(data=st.data())
def test_fuzz_truncated_and_flipped(
    tmp_path: Path, valid_files: dict[str, bytes], data: st.DataObject
) -> None:
    suffix = data.draw(st.sampled_from(sorted(valid_files)))
    blob = bytearray(valid_files[suffix])
    cut = data.draw(st.integers(0, len(blob)))
    blob = blob[:cut] if data.draw(st.booleans()) else blob
    for _ in range(data.draw(st.integers(0, 3))):
        if blob:
            i = data.draw(st.integers(0, len(blob) - 1))
            blob[i] = data.draw(st.integers(0, 255))
    d = tmp_path / f"case{abs(hash(bytes(blob))) % 10**8}"
    d.mkdir(exist_ok=True)
    if suffix == ".dbf":  # a damaged DBF beside a good .shp
        shp = d / "v.shp"
        shp.write_bytes(valid_files[".shp"])
        (d / "v.dbf").write_bytes(bytes(blob))
        path = shp
    else:
        path = d / f"v{suffix}"
        path.write_bytes(bytes(blob))
    _read_or_planning_error(path)


_coord = st.one_of(
    st.floats(min_value=-1e7, max_value=1e7), st.sampled_from([math.nan, math.inf, -math.inf])
)
_ring = st.lists(st.tuples(_coord, _coord), min_size=0, max_size=7)


def _wkt(kind: str, pts: list[tuple[float, float]]) -> str:
    body = ", ".join(f"{x!r} {y!r}" for x, y in pts)
    if kind == "POINT":
        return f"POINT ({body})" if pts else "POINT EMPTY"
    if kind == "LINESTRING":
        return f"LINESTRING ({body})"
    return f"POLYGON (({body}))"


@settings(
    max_examples=FUZZ_EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    geoms=st.lists(
        st.tuples(st.sampled_from(["POINT", "LINESTRING", "POLYGON"]), _ring),
        min_size=1,
        max_size=4,
    ),
    fix=st.booleans(),
    near=st.booleans(),
)
def test_fuzz_geometries(
    tmp_path: Path, geoms: list[tuple[str, list[tuple[float, float]]]], fix: bool, near: bool
) -> None:
    rows = []
    for i, (kind, pts) in enumerate(geoms):
        if near:  # keep most coordinates near Hanoi so later checks are reached
            pts = [
                (
                    LON + (x % 1) / 100 if math.isfinite(x) else x,
                    LAT + (y % 1) / 100 if math.isfinite(y) else y,
                )
                for x, y in pts
            ]
        if kind == "POLYGON" and pts and len(pts) > 2:
            pts = [*pts, pts[0]]
        rows.append({"ma": f"R{i}", "wkt": _wkt(kind, pts), "dien_tich": i})
    path = tmp_path / "g.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    out = _read_or_planning_error(path, fix=fix)
    if out is not None:
        arr = np.asarray(out.geometry.array, dtype=object)
        arr = arr[~(shapely.is_missing(arr) | shapely.is_empty(arr))]
        assert out.crs.to_epsg() == 4326
        assert np.isfinite(shapely.bounds(arr)).all()
        polys = np.isin(shapely.get_type_id(arr), [3, 6])
        assert shapely.is_valid(arr[polys]).all()


def test_a_damaged_geoparquet_geometry_is_a_planning_error(damaged_geoparquet) -> None:
    """WKB that GEOS cannot parse (found by the fuzz test): one error naming the file."""
    bad = damaged_geoparquet(_clusters())
    with pytest.raises(PlanDataError, match=r"damaged\.parquet: cannot read the file: a geometry "
                       r"is damaged \(ParseException"):  # fmt: skip
        read_layer(bad)
