"""Issue 11 §3 leftovers: unknown GeoJSON crs, UTM on a bare WGS 84 ellipsoid, forced encodings."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from planning.errors import CRSError, PlanDataError
from planning.geo.crs import DatumShiftWarning, repair_crs
from planning.readers import read_layer
from planning.readers.geojson_crs import crs_member

_SQUARE = [
    [[105.55, 21.02], [105.553, 21.02], [105.553, 21.023], [105.55, 21.023], [105.55, 21.02]]
]


def _geojson(tmp_path: Path, crs_name: str | None) -> Path:
    doc: dict = {"type": "FeatureCollection"}
    if crs_name is not None:
        doc["crs"] = {"type": "name", "properties": {"name": crs_name}}
    doc["features"] = [{
        "type": "Feature",
        "properties": {"cluster_id": "A", "name_vi": "CCN A", "district_vi": "Thạch Thất",
                       "declared_ha": 10, "crs": "not the member"},
        "geometry": {"type": "Polygon", "coordinates": _SQUARE},
    }]  # fmt: skip
    path = tmp_path / "clusters.geojson"
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


@pytest.mark.parametrize("name", ["urn:ogc:def:crs:EPSG::99999", "VN2000_HaNoi_custom"])
def test_a_geojson_crs_proj_does_not_know_is_an_error_naming_it(tmp_path, name):
    path = _geojson(tmp_path, name)
    with pytest.raises(CRSError, match=f"names '{name}'.*--crs"):
        read_layer(path, kind="clusters")
    # --crs says what the coordinates are, so the member is not needed.
    assert read_layer(path, kind="clusters", crs="EPSG:4326").crs.to_epsg() == 4326


@pytest.mark.parametrize(
    "name", ["urn:ogc:def:crs:OGC:1.3:CRS84", "urn:ogc:def:crs:EPSG::4326", None]
)
def test_known_or_absent_crs_members_read_as_before(tmp_path, name):
    path = _geojson(tmp_path, name)
    assert crs_member(path) == name
    assert len(read_layer(path, kind="clusters")) == 1


def test_utm_48n_on_a_bare_wgs84_ellipsoid_warns_it_may_be_vn2000():
    with pytest.warns(
        DatumShiftWarning, match="how some tools write VN-2000 / UTM zone 48N.*--crs EPSG:3405"
    ):
        out = repair_crs("+proj=utm +zone=48 +ellps=WGS84 +units=m +no_defs", path="x.shp")
    assert not out.vn2000
    # A UTM CRS that says WGS 84 is not in doubt.
    assert repair_crs("EPSG:32648", path="x.shp").notes == ()


def test_tm3_on_a_bare_wgs84_ellipsoid_says_how_to_choose():
    text = "+proj=tmerc +lat_0=0 +lon_0=105 +k=0.9999 +x_0=500000 +y_0=0 +ellps=WGS84 +units=m"
    with pytest.warns(DatumShiftWarning, match="--crs"):
        assert repair_crs(text, path="x.shp").vn2000


def test_a_forced_encoding_that_fails_names_line_and_column_and_suggests_encoding(tmp_path):
    path = tmp_path / "ccn.csv"
    path.write_bytes("Tên cụm,Huyện,Diện tích (ha)\nCCN A,Thạch Thất,10\n".encode()
                     + b"CCN Ph\xf9ng X\xe1,Thach That,12\n")  # fmt: skip
    with pytest.raises(PlanDataError) as info:
        read_layer(path, kind="clusters", encoding="utf-8")
    message = str(info.value)
    assert "row 3 of the file" in message and "'Tên cụm'" in message and "--encoding" in message
