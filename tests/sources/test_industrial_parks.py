"""The industrial parks context layer: the Overpass reader, the pinned download, the plan's layer."""

from __future__ import annotations

import gzip
import hashlib
import shutil
from pathlib import Path

import pytest
import shapely

from planning import settings
from planning.errors import ContextLayerWarning, GeodataUnavailable
from planning.sources import boundaries, registry
from planning.sources.industrial_parks import (
    PARK_COLUMNS,
    SOURCE_KEY,
    load_industrial_parks,
    read_overpass,
)

DATA = Path(__file__).parents[1] / "data" / "overpass"
#: The test files' region: a box around their parks west of 106° E (one park lies at 106.5° E).
BOX = shapely.box(105.7, 20.9, 106.0, 21.1)
PARK = registry.SOURCES[SOURCE_KEY]


def test_good_file_keeps_the_closed_industrial_ways_inside_the_boundary():
    parks, summary = read_overpass(DATA / "parks.json", boundary=BOX, region="the box")
    assert list(parks.columns) == list(PARK_COLUMNS)
    assert parks.crs == settings.WGS84
    assert parks["park_id"].tolist() == [102, 101]  # sorted by name
    assert parks["name"].tolist() == ["Khu công nghiệp Thử Hai", "Khu công nghiệp Thử Một"]
    assert parks["source"].tolist() == [
        "https://www.openstreetmap.org/way/102",
        "https://www.openstreetmap.org/way/101",
    ]
    assert parks.geometry.geom_type.eq("Polygon").all() and parks.geometry.is_valid.all()
    # 0.004° and 0.006° squares at 21° N: about 0.415 km × 0.443 km and 1.5² times that.
    assert parks["area_ha"].iloc[1] == pytest.approx(18.4, rel=0.02)
    assert parks["area_ha"].iloc[0] == pytest.approx(18.4 * 2.25, rel=0.02)
    assert summary.elements == 7 and summary.kept == 2
    assert dict(summary.dropped) == {
        "node": 1,
        "bbox-only relation": 1,
        "open ring": 1,
        "not industrial": 1,
        "outside": 1,
    }
    note = summary.note()
    assert note.startswith("Industrial parks (KCN): 2 OpenStreetMap outlines inside the box kept")
    assert "nodes, a point with no outline (1)" in note
    assert "relations with only a bounding box (1)" in note
    assert "outlines outside the box (1)" in note


def test_without_a_boundary_every_outline_is_kept():
    parks, summary = read_overpass(DATA / "parks.json")
    assert sorted(parks["park_id"]) == [101, 102, 103]
    assert "outside" not in summary.dropped and summary.region == ""


def test_node_and_bbox_relation_are_dropped_even_when_tagged_industrial():
    parks, summary = read_overpass(DATA / "parks.json", boundary=BOX)
    assert 201 not in set(parks["park_id"]) and 301 not in set(parks["park_id"])
    assert summary.dropped["node"] == 1 and summary.dropped["bbox-only relation"] == 1


def test_open_ring_of_an_industrial_way_is_rejected_with_a_warning():
    with pytest.warns(
        ContextLayerWarning, match=r"Khu công nghiệp Hở \(OSM way 111\): its ring is not closed"
    ):
        parks, summary = read_overpass(DATA / "open_park.json", boundary=BOX)
    assert parks["park_id"].tolist() == [112]
    assert summary.dropped == {"open ring": 1}
    assert summary.lost == ("Khu công nghiệp Hở (OSM way 111): its ring is not closed",)
    assert "could not be built" in summary.note()


def test_an_open_road_is_counted_but_not_warned_about(recwarn):
    read_overpass(DATA / "parks.json", boundary=BOX)
    assert not [w for w in recwarn if issubclass(w.category, ContextLayerWarning)]


def test_gzipped_download_reads_like_plain_json(tmp_path):
    packed = tmp_path / "parks.json.gz"
    packed.write_bytes(gzip.compress((DATA / "parks.json").read_bytes()))
    plain, _ = read_overpass(DATA / "parks.json", boundary=BOX)
    zipped, _ = read_overpass(packed, boundary=BOX)
    assert zipped["park_id"].tolist() == plain["park_id"].tolist()
    assert zipped.geometry.geom_equals(plain.geometry).all()


@pytest.mark.parametrize("content", [b"{not json", b'{"elements": 3}', b"\x1f\x8bbroken"])
def test_a_file_that_is_not_overpass_json_is_refused(tmp_path, content):
    bad = tmp_path / "bad.json"
    bad.write_bytes(content)
    with pytest.raises(GeodataUnavailable, match=r"bad\.json"):
        read_overpass(bad)


def test_registry_entry_matches_the_mirror_file(mirror):
    (remote,) = PARK.files
    local = mirror / remote.mirror_path
    assert hashlib.sha256(local.read_bytes()).hexdigest() == remote.sha256
    assert remote.size_bytes == local.stat().st_size
    assert PARK.license == "ODbL 1.0"
    assert registry.attribution_line(SOURCE_KEY) == "© OpenStreetMap contributors, ODbL 1.0"
    # The other sources keep their "<attribution> (<licence>)" form.
    assert registry.attribution_line("ocha-districts").endswith("(CC BY 3.0 IGO)")


def test_real_download_gives_the_ha_noi_parks(mirror):
    parks, summary = load_industrial_parks(mirror=mirror)
    names = set(parks["name"])
    assert summary.elements == 703 and summary.kept == len(parks)
    assert 10 <= len(parks) <= 16, parks["name"].tolist()
    for expected in ("Bắc Thăng Long", "Quang Minh", "Nội Bài", "Phú Nghĩa", "Sài Đồng B"):
        assert f"Khu công nghiệp {expected}" in names
    assert "Khu công nghiệp VSIP Bắc Ninh" not in names  # across the boundary, in Bac Ninh
    hanoi = shapely.union_all(boundaries.load_districts(mirror=mirror).geometry.values)
    assert parks.geometry.map(lambda g: hanoi.covers(g.point_on_surface())).all()
    assert parks["park_id"].is_unique and (parks["area_ha"] > 0).all()
    assert summary.dropped["node"] == 209 and summary.dropped["bbox-only relation"] == 29
    assert sum(summary.dropped.values()) + summary.kept == summary.elements


def test_a_hash_mismatch_in_the_mirror_is_an_error_for_the_loader(tmp_path, mirror):
    (remote,) = PARK.files
    fake = tmp_path / "mirror" / remote.mirror_path
    fake.parent.mkdir(parents=True)
    fake.write_bytes(gzip.compress(b'{"elements": []}'))
    with pytest.raises(GeodataUnavailable, match="sha256 mismatch"):
        load_industrial_parks(mirror=tmp_path / "mirror", cache=tmp_path / "cache")


def test_plan_carries_the_parks_and_their_attribution(mirror):
    import planning

    plan = planning.load_plan(mirror=mirror)
    assert plan.industrial_parks is not None and len(plan.industrial_parks) >= 10
    assert list(plan.industrial_parks.columns) == list(PARK_COLUMNS)
    assert "osm-industrial-parks" in plan.used_sources
    assert "© OpenStreetMap contributors, ODbL 1.0" in plan.attributions()
    assert any(n.startswith("Industrial parks (KCN): ") for n in plan.notes())
    # a copy with other clusters keeps the layer
    assert plan.with_clusters(plan.clusters.iloc[:3]).industrial_parks is plan.industrial_parks


def test_plan_offline_without_the_file_is_skipped_with_a_note(tmp_path, mirror, monkeypatch):
    """Offline, with a mirror that lacks the parks: the plan loads, without the layer."""
    import planning

    partial = tmp_path / "mirror"
    for key in ("ocha-districts", "vietnam63-communes"):
        for remote in registry.SOURCES[key].files:
            target = partial / remote.mirror_path
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(mirror / remote.mirror_path, target)
    monkeypatch.setenv(settings.ENV_OFFLINE, "1")
    monkeypatch.setenv("PLANNING_CACHE_DIR", str(tmp_path / "cache"))
    plan = planning.load_plan(mirror=partial)
    assert plan.industrial_parks is None
    assert "osm-industrial-parks" not in plan.used_sources
    skipped = [n for n in plan.notes() if n.startswith("Industrial parks (KCN) are not shown: ")]
    assert len(skipped) == 1 and "osm-industrial-parks-2026-08-11.json.gz" in skipped[0]


def test_plan_can_leave_the_layer_out(mirror):
    import planning

    plan = planning.load_plan(mirror=mirror, industrial_parks=False)
    assert plan.industrial_parks is None and not plan.context_notes


def test_every_other_reason_to_drop_is_counted(tmp_path):
    """Relations with members, unknown types, missing coordinates, degenerate and crossed rings."""
    import json

    def pts(*xy):
        return [{"lon": x, "lat": y} for x, y in xy]

    industrial = {"landuse": "industrial", "name": "Khu công nghiệp Lỗi"}
    elements = [
        {"type": "relation", "id": 1, "members": [{"type": "way", "ref": 9}], "tags": industrial},
        {"type": "area", "id": 2},
        {"type": "way", "id": 3, "geometry": [None, {"lon": 105.8}], "tags": {"name": "x"}},
        {"type": "way", "id": 4, "tags": {"name": "y"}},
        {"type": "way", "id": 5, "geometry": pts((105.8, 21.0), (105.81, 21.0), (105.8, 21.0))},
        # a bow tie: closed, but its outline crosses itself
        {
            "type": "way",
            "id": 6,
            "geometry": pts(
                (105.8, 21.0), (105.81, 21.01), (105.81, 21.0), (105.8, 21.01), (105.8, 21.0)
            ),
            "tags": industrial,
        },
        # far outside the box: its loss is not the region's concern
        {"type": "way", "id": 7, "geometry": pts((108.0, 12.0), (108.1, 12.0)), "tags": industrial},
    ]
    path = tmp_path / "odd.json"
    path.write_text(json.dumps({"elements": elements}), encoding="utf-8")
    with pytest.warns(ContextLayerWarning) as caught:
        parks, summary = read_overpass(path, boundary=BOX, region="the box")
    assert len(parks) == 0 and list(parks.columns) == list(PARK_COLUMNS)
    assert dict(summary.dropped) == {
        "relation": 1,
        "incomplete": 2,
        "open ring": 1,
        "degenerate ring": 1,
        "invalid": 1,
        "other": 1,
    }
    assert summary.lost == ("Khu công nghiệp Lỗi (OSM way 6): its outline crosses itself",)
    assert len(caught) == 1
    assert "0 OpenStreetMap outlines inside the box" in summary.note()
