"""The 2025 communes and wards: layer, cache, each cluster's unit, 2025 addresses (issue 11 §2)."""

from __future__ import annotations

import csv
import warnings
from pathlib import Path

import geopandas as gpd
import pytest
import shapely

from planning.errors import CacheIntegrityWarning, PlanDataError
from planning.model.plan import load_plan
from planning.model.units2025 import add_units_2025
from planning.sources import units2025
from planning.sources.boundaries import load_communes
from planning.sources.registry import SOURCES
from planning.sources.units2025 import SOURCE_KEY, load_units_2025, units_2025_for_map


@pytest.fixture(scope="module")
def units() -> gpd.GeoDataFrame:
    return load_units_2025()


def test_registry_pins_every_file_of_the_mirror_manifest(mirror: Path) -> None:
    with (mirror / "vn-provinces-db-2025-hanoi" / "MANIFEST.csv").open(encoding="utf-8") as fh:
        rows = {r["mirror_path"]: r for r in csv.DictReader(fh) if "/wards/" in r["mirror_path"]}
    files = SOURCES[SOURCE_KEY].files
    assert len(files) == len(rows) == 126
    for f in files:
        assert (f.url, f.sha256) == (
            rows[f.mirror_path]["upstream_url"],
            rows[f.mirror_path]["sha256"],
        )


def test_layer_has_126_units_with_codes_names_and_types(units: gpd.GeoDataFrame) -> None:
    assert tuple(units.columns) == units2025.UNIT_2025_COLUMNS
    assert units.crs.to_epsg() == 4326
    assert len(units) == 126 and units["code"].is_unique
    assert units["unit_type"].value_counts().to_dict() == {"xã": 75, "phường": 51}
    row = units.loc[units["code"].eq("10003")].iloc[0]
    assert (row["name"], row["full_name"], row["unit_type"]) == (
        "Tây Phương",
        "Xã Tây Phương",
        "xã",
    )
    assert set(units.geometry.geom_type) <= {"Polygon", "MultiPolygon"}


def test_layer_is_cached_with_its_sha256_and_a_damaged_copy_is_rebuilt(tmp_path: Path) -> None:
    units2025._load_cached.cache_clear()
    try:
        first = load_units_2025(cache=tmp_path)
        (layer,) = [
            p
            for p in (tmp_path / "vn-provinces-db-2025-hanoi").iterdir()
            if p.name.startswith("hanoi-units-2025") and not p.name.endswith(".sha256")
        ]
        assert layer.with_name(layer.name + ".sha256").is_file()
        data = bytearray(layer.read_bytes())
        data[len(data) // 2] ^= 0x01
        layer.write_bytes(bytes(data))
        units2025._load_cached.cache_clear()
        with pytest.warns(CacheIntegrityWarning, match="does not match its recorded sha256"):
            again = load_units_2025(cache=tmp_path)
        assert again["code"].tolist() == first["code"].tolist()
    finally:
        units2025._load_cached.cache_clear()


def test_old_commune_phung_xa_lies_in_xa_tay_phuong(units: gpd.GeoDataFrame) -> None:
    communes = load_communes()
    phung_xa = communes[
        communes["commune_vi"].eq("Phùng Xá") & communes["district_vi"].eq("Thạch Thất")
    ]
    frame = gpd.GeoDataFrame(
        {"geometry_kind": ["point"], "location_precision": ["commune"]},
        geometry=[phung_xa.geometry.iloc[0].representative_point()],
        crs=4326,
    )
    out = add_units_2025(frame, units)
    assert (out["commune_2025"].iloc[0], out["commune_2025_code"].iloc[0]) == (
        "Tây Phương",
        "10003",
    )


def test_a_straddling_footprint_lists_both_units_and_is_flagged(units: gpd.GeoDataFrame) -> None:
    a, b = (units.loc[units["code"].eq(c)].geometry.iloc[0] for c in ("10003", "09895"))
    seam = a.boundary.intersection(b.boundary)
    centre = shapely.centroid(seam) if not seam.is_empty else a.representative_point()
    square = shapely.box(centre.x - 0.004, centre.y - 0.004, centre.x + 0.004, centre.y + 0.004)
    frame = gpd.GeoDataFrame(
        {"geometry_kind": ["surveyed", "indicative", "point"],
         "location_precision": ["surveyed", "commune", "district"]},
        geometry=[square, square, centre],
        crs=4326,
    )  # fmt: skip
    out = add_units_2025(frame, units)
    assert bool(out["commune_2025_straddles"].iloc[0])
    assert set(out["commune_2025_code"].iloc[0].split("; ")) == {"10003", "09895"}
    assert "straddles 2 communes" in out["commune_2025_note"].iloc[0]
    # An indicative circle is one point: never a straddling footprint.
    assert not out["commune_2025_straddles"].iloc[1] and ";" not in out["commune_2025"].iloc[1]
    # A cluster known only to its district gets no 2025 unit, and says why.
    assert out["commune_2025"].iloc[2] == ""
    assert "known only to its district" in out["commune_2025_note"].iloc[2]


def test_every_bundled_cluster_located_closer_than_its_district_shows_its_2025_unit() -> None:
    clusters = load_plan().clusters
    located = clusters["location_precision"].ne("district")
    assert located.sum() > 50
    assert clusters.loc[located, "commune_2025"].ne("").all()
    assert clusters.loc[located, "commune_2025_code"].str.fullmatch(r"\d{5}(; \d{5})*").all()
    # The catalogue's own 2025 commune (from IIPMap addresses) is kept as declared.
    assert clusters["declared_commune_2025"].ne("").sum() >= 20


def _csv(tmp_path: Path, rows: str) -> Path:
    path = tmp_path / "ccn.csv"
    path.write_text("Tên cụm,Địa điểm,Diện tích (ha)\n" + rows, encoding="utf-8")
    return path


def test_a_row_with_a_2025_address_is_placed_at_its_2025_unit(tmp_path: Path) -> None:
    path = _csv(
        tmp_path, 'CCN Mới,"xã Tây Phương, Hà Nội",10\nCCN Cũ,"xã Phùng Xá, huyện Thạch Thất",12\n'
    )
    plan = load_plan(path)
    new, old = plan.clusters.iloc[0], plan.clusters.iloc[1]
    assert new["location_precision"] == "2025 commune"
    assert (new["commune_2025"], new["commune_2025_code"]) == ("Tây Phương", "10003")
    assert new["district_vi"] == "Thạch Thất" and new["commune_vi"] == ""
    assert old["commune_vi"] == "Phùng Xá" and old["commune_2025_code"] == "10003"
    assert any("2025 unit Xã Tây Phương (code 10003)" in n for n in plan.reader_notes)


def test_a_name_meaning_different_places_in_the_two_structures_is_an_error(tmp_path: Path) -> None:
    # Phường Thanh Xuân (2025, city centre) and the old commune Thanh Xuân of Sóc Sơn.
    path = _csv(tmp_path, 'CCN X,"Thanh Xuân, Hà Nội",10\n')
    with pytest.raises(
        PlanDataError, match=r"names both the 2025 unit Phường Thanh Xuân .*Sóc Sơn"
    ):
        load_plan(path)


def test_units_for_map_are_simplified(units: gpd.GeoDataFrame) -> None:
    simple = units_2025_for_map(units)
    assert simple["code"].tolist() == units["code"].tolist()
    before = shapely.get_num_coordinates(units.geometry.values).sum()
    after = shapely.get_num_coordinates(simple.geometry.values).sum()
    assert after < before / 3
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert simple.geometry.is_valid.all()


def test_caveats_describe_the_data_loaded(tmp_path: Path) -> None:
    bundled = " ".join(load_plan().notes())
    assert "the decision's appendix was not available" in bundled
    assert "at a point a source published" in bundled
    path = tmp_path / "points.csv"
    path.write_text("Tên cụm,lon,lat,Diện tích (ha)\nCCN A,105.60,21.03,10\n", encoding="utf-8")
    user = " ".join(load_plan(path, complete=False).notes())
    assert "at the coordinates given in the input (1)" in user
    assert "representative point" not in user
    assert "appendix" not in user and "The cluster list is partial: 1 of" in user


def test_json_report_lists_each_cluster_with_both_structures_and_unmeasured_footprints() -> None:
    import json

    from planning.report.core import check

    report = json.loads(check(load_plan()).to_json())
    rows = {r["cluster_id"]: r for r in report["clusters"]}
    row = rows["CCN-42"]
    assert (row["commune_vi"], row["district_vi"]) == ("Phùng Xá", "Thạch Thất")
    assert (row["commune_2025"], row["commune_2025_code"]) == ("Tây Phương", "10003")
    assert row["geometry_kind"] == "indicative" and row["measured_ha"] is None
    assert row["measured_note"].startswith("not measured")
