"""Plan diff: purpose-built plan pairs whose every change is known, and the CLI."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from pyproj import Geod

from planning.cli import main
from planning.diff import (
    CHANGE_KINDS,
    SCHEMA,
    PlanDiff,
    diff_layer,
    diff_plans,
    load_version,
)
from planning.errors import PlanDataError, UsageError
from planning.model.plan import load_plan
from planning.report.diff_render import diff_markdown, diff_text
from planning.settings import bundled_geodata_dir
from planning.testing import district_point, make_plan, square

#: Shift of cluster B between the versions, in degrees of longitude (≈ 1 km at Hanoi).
SHIFT_DEG = 0.01


@pytest.fixture(scope="module")
def places():
    return {name: district_point(name) for name in ("Thạch Thất", "Chương Mỹ", "Ba Vì")}


def _row(cid, district, places, ha, *, declared=None, category="kept", dx=0.0, **extra):
    code, lon, lat = places[district]
    lon += dx
    return {
        "cluster_id": cid,
        "name_vi": f"CCN {cid}",
        "district_code": code,
        "district_vi": district,
        "category": category,
        "declared_ha": ha if declared is None else declared,
        "geometry": square(lon, lat, ha),
        **extra,
    }


def _point(cid, district, places):
    from shapely.geometry import Point

    code, lon, lat = places[district]
    return {
        "cluster_id": cid,
        "district_code": code,
        "district_vi": district,
        "category": "kept",
        "geometry_kind": "point",
        "geometry": Point(lon + 0.02, lat + 0.02),
    }


def old_rows(places):
    return [
        _row("A", "Thạch Thất", places, 10.0),
        _row("B", "Chương Mỹ", places, 20.0, category="new", dx=0.03),
        _row("C", "Chương Mỹ", places, 5.0, category="new", dx=-0.03),
        _point("D", "Thạch Thất", places),
    ]


def new_rows(places):
    return [
        # A: declared 10 → 12 ha, outline unchanged, so ARE001 now fails (+20 %)
        _row("A", "Thạch Thất", places, 10.0, declared=12.0),
        # B: same area, moved about 1 km east
        _row("B", "Chương Mỹ", places, 20.0, category="new", dx=0.03 + SHIFT_DEG),
        # C: removed; D: unchanged; E: added in Ba Vì
        _point("D", "Thạch Thất", places),
        _row("E", "Ba Vì", places, 7.0, category="new_2030"),
    ]


@pytest.fixture(scope="module")
def pair(places):
    old = make_plan(old_rows(places), complete=False)
    new = make_plan(new_rows(places), complete=False)
    return old, new


@pytest.fixture(scope="module")
def d(pair) -> PlanDiff:
    return diff_plans(*pair)


def test_each_kind_of_change_is_listed_once(d):
    assert [c.cluster_id for c in d.added] == ["E"]
    assert [c.cluster_id for c in d.removed] == ["C"]
    assert [c.cluster_id for c in d.resized] == ["A"]
    assert [c.cluster_id for c in d.moved] == ["B"]
    assert d.attributes == []
    assert {c.change for c in d.changes} == set(CHANGE_KINDS)
    assert not d.empty


def test_area_deltas(d):
    (a,) = d.resized
    assert (a.old_ha, a.new_ha, a.delta_ha) == (10.0, 12.0, 2.0)
    (e,) = d.added
    assert (e.old_ha, e.new_ha, e.delta_ha) == (None, 7.0, 7.0)
    assert e.category == "new_2030" and e.district_vi == "Ba Vì"
    (c,) = d.removed
    assert (c.old_ha, c.new_ha, c.delta_ha) == (5.0, None, -5.0)


def test_move_distance_is_geodesic(d, pair):
    (b,) = d.moved
    old, new = pair
    c_old = old.clusters.set_index("cluster_id").geometry["B"].centroid
    c_new = new.clusters.set_index("cluster_id").geometry["B"].centroid
    expected = Geod(ellps="WGS84").inv(c_old.x, c_old.y, c_new.x, c_new.y)[2]
    assert b.moved_m == pytest.approx(expected, rel=1e-9)
    # 0.01° of longitude at Chương Mỹ's latitude (~20.9°) is about 1.04 km
    _, _, lat = district_point("Chương Mỹ")
    assert b.moved_m == pytest.approx(111_320 * SHIFT_DEG * math.cos(math.radians(lat)), rel=5e-3)
    assert b.delta_ha == 0
    assert b.old_location is not None and b.new_location is not None


def test_district_totals(d, places):
    by = {t.key: t for t in d.districts}
    tt, cm, bv = (places[n][0] for n in ("Thạch Thất", "Chương Mỹ", "Ba Vì"))
    assert set(by) == {tt, cm, bv}
    assert (by[tt].delta_clusters, by[tt].delta_ha) == (0, 2.0)
    assert (by[cm].old_clusters, by[cm].new_clusters, by[cm].delta_ha) == (2, 1, -5.0)
    assert (by[bv].old_clusters, by[bv].new_clusters, by[bv].new_ha) == (0, 1, 7.0)
    assert by[bv].label == "Ba Vì"


def test_category_totals(d):
    by = {t.key: t for t in d.categories}
    assert set(by) == {"kept", "new", "new_2030"}
    assert (by["kept"].delta_clusters, by["kept"].delta_ha) == (0, 2.0)
    assert (by["new"].delta_clusters, by["new"].delta_ha) == (-1, -5.0)
    assert (by["new_2030"].delta_clusters, by["new_2030"].delta_ha) == (1, 7.0)
    assert by["new_2030"].label == "New 2021-2030"  # the manifest's label


def test_totals_add_up_to_the_cluster_deltas(d):
    assert (d.total.old_clusters, d.total.new_clusters) == (4, 4)
    assert d.total.delta_ha == pytest.approx(sum(c.delta_ha for c in d.changes))
    assert d.total.delta_ha == pytest.approx(sum(t.delta_ha for t in d.districts))
    assert d.total.delta_ha == pytest.approx(sum(t.delta_ha for t in d.categories))


def test_rule_newly_failing_and_newly_passing(pair, d):
    assert [r.code for r in d.newly_failing] == ["ARE001"]
    are = d.newly_failing[0]
    assert (are.old_status, are.new_status) == ("pass", "fail")
    assert any("declared 12.00 ha" in m for m in are.messages)
    assert d.newly_passing == []
    back = diff_plans(pair[1], pair[0])
    assert [r.code for r in back.newly_passing] == ["ARE001"]
    assert back.newly_failing == []
    assert [c.cluster_id for c in back.added] == ["C"]
    assert [c.cluster_id for c in back.removed] == ["E"]


def test_identical_plans_have_an_empty_diff(pair):
    same = diff_plans(pair[0], pair[0])
    assert same.empty
    assert same.total.delta_ha == 0 and same.rules == []
    assert "0 added, 0 removed, 0 resized, 0 moved" in same.summary()


def test_tolerances(places):
    old = make_plan([_row("A", "Thạch Thất", places, 10.0)], complete=False)
    # 0.0002° ≈ 21 m, and 0.004 ha: both below the default tolerances
    small = make_plan(
        [_row("A", "Thạch Thất", places, 10.0, declared=10.004, dx=0.0002)], complete=False
    )
    d = diff_plans(old, small)
    assert d.resized == [] and d.moved == []
    # …yet the totals still carry the exact delta
    assert d.total.delta_ha == pytest.approx(0.004)
    strict = diff_plans(old, small, move_tolerance_m=10, resize_tolerance_ha=0.001)
    assert [c.cluster_id for c in strict.resized] == ["A"]
    assert [c.cluster_id for c in strict.moved] == ["A"]
    assert 15 < strict.moved[0].moved_m < 30
    with pytest.raises(UsageError):
        diff_plans(old, small, move_tolerance_m=-1)


def test_area_becoming_published_is_a_resize(places):
    old = make_plan([_point("D", "Thạch Thất", places)], complete=False)
    row = _point("D", "Thạch Thất", places)
    row.update(declared_ha=3.0)
    new = make_plan([row], complete=False)
    d = diff_plans(old, new)
    (c,) = d.resized
    assert (c.old_ha, c.new_ha, c.delta_ha) == (None, 3.0, 3.0)
    assert d.moved == []


def test_changed_district_moves_hectares_between_districts(places):
    old = make_plan([_row("A", "Thạch Thất", places, 10.0)], complete=False)
    row = _row("A", "Thạch Thất", places, 10.0)
    row.update(district_code=places["Ba Vì"][0], district_vi="Ba Vì")
    d = diff_plans(old, make_plan([row], complete=False))
    assert [(a.field, a.old, a.new) for a in d.attributes] == [
        ("district_code", places["Thạch Thất"][0], places["Ba Vì"][0])
    ]
    deltas = {t.label: (t.delta_clusters, t.delta_ha) for t in d.districts}
    assert deltas == {"Thạch Thất": (-1, -10.0), "Ba Vì": (1, 10.0)}
    assert d.changes == []


def test_repeated_cluster_id_is_an_error(places):
    rows = [_row("A", "Thạch Thất", places, 10.0), _row("A", "Ba Vì", places, 5.0)]
    dup = make_plan(rows, complete=False)
    ok = make_plan(rows[:1], complete=False)
    with pytest.raises(PlanDataError, match="'A' appears more than once in the new version"):
        diff_plans(ok, dup)


def test_diff_layer(d, pair):
    layer = diff_layer(d)
    assert layer.crs.to_epsg() == 4326
    assert list(layer["change"]) == ["added", "removed", "resized", "moved"]
    assert list(layer["cluster_id"]) == ["E", "C", "A", "B"]
    assert list(layer["delta_ha"]) == [7.0, -5.0, 2.0, 0.0]
    rem = layer.loc[layer["change"] == "removed"].iloc[0]
    assert math.isnan(rem["new_ha"]) and rem["old_ha"] == 5.0
    old_c = pair[0].clusters.set_index("cluster_id").geometry["C"]
    assert rem.geometry.equals(old_c)  # a removal is drawn where it was
    mov = layer.loc[layer["change"] == "moved"].iloc[0]
    assert mov["new_lon"] - mov["old_lon"] == pytest.approx(SHIFT_DEG, rel=1e-6)
    assert mov["moved_m"] == pytest.approx(d.moved[0].moved_m)
    assert layer.geometry.notna().all()
    empty = diff_layer(diff_plans(pair[0], pair[0]))
    assert len(empty) == 0 and "change" in empty.columns and empty.crs.to_epsg() == 4326


def test_renderings(d):
    data = json.loads(d.to_json())
    assert data["schema"] == SCHEMA
    assert data["matched_by"] == "cluster_id, then name and district" and data["match"] == "auto"
    s = data["summary"]
    assert (s["added"], s["removed"], s["resized"], s["moved"]) == (1, 1, 1, 1)
    assert s["rules_newly_failing"] == ["ARE001"]
    assert data["resized"][0]["delta_ha"] == 2.0
    assert "geometry" not in data["added"][0]
    md = diff_markdown(d)
    assert md.startswith("# Plan diff: test plan → test plan")
    for heading in ("## Clusters", "## District totals", "## Category totals", "## Rules"):
        assert heading in md
    assert "| ARE001 | pass | fail **newly failing** |" in md
    text = diff_text(d, width=160)
    assert "added" in text and "ARE001" in text and "Ba Vì" in text
    assert "1 added, 1 removed, 1 resized, 1 moved" in text


# -- the 2024 amendment (8 clusters proposed for addition) on the bundled plan -----------------

#: Areas are illustrative assumptions (the announcement gives none).
AMENDMENT = [
    ("P24-1", "CCN Tín An", "", "Thường Tín", 74.0),
    ("P24-2", "CCN Thống Nhất", "Thống Nhất", "Thường Tín", 20.0),
    ("P24-3", "CCN Nhất Hiệu", "", "Thường Tín", 15.0),
    ("P24-4", "CCN Phú Xuyên", "Phú Xuyên", "Phú Xuyên", 50.0),
    ("P24-5", "CCN làng nghề Nam Tiến", "", "Phú Xuyên", 26.3),
    ("P24-6", "CCN Lệ Chi", "Lệ Chi", "Gia Lâm", 20.0),
    ("P24-7", "CCN Dương Quang", "Dương Quang", "Gia Lâm", 25.0),
    ("P24-8", "CCN Dương Xá", "Dương Xá", "Gia Lâm", 15.5),
]


@pytest.fixture(scope="module")
def amended_csv(tmp_path_factory) -> Path:
    cat = pd.read_csv(bundled_geodata_dir() / "clusters.csv", dtype=str, keep_default_na=False)
    extra = pd.DataFrame(
        [
            {
                "cluster_id": cid,
                "name_vi": name,
                "commune_vi": commune,
                "district_vi": district,
                "declared_ha": f"{ha}",
                "category": "new_2030",
                "phase": "2021_2030",
                "status": "proposed for addition (2024)",
            }
            for cid, name, commune, district, ha in AMENDMENT
        ]
    )
    path = tmp_path_factory.mktemp("amendment") / "clusters_2024.csv"
    pd.concat([cat, extra], ignore_index=True).fillna("").to_csv(path, index=False)
    return path


def test_amendment_library(amended_csv):
    d = diff_plans(load_plan(), load_plan(catalogue=amended_csv))
    assert len(d.added) == 8 and not (d.removed or d.resized or d.moved or d.attributes)
    entered = {cid: ha for cid, *_, ha in AMENDMENT}
    assert {c.cluster_id: c.delta_ha for c in d.added} == entered
    (cat,) = d.categories
    assert (cat.key, cat.delta_clusters) == ("new_2030", 8)
    assert cat.delta_ha == pytest.approx(sum(entered.values()), abs=1e-9)
    by_district = {t.label: (t.delta_clusters, round(t.delta_ha, 9)) for t in d.districts}
    assert by_district == {
        "Thường Tín": (3, 109.0),
        "Phú Xuyên": (2, 76.3),
        "Gia Lâm": (3, 60.5),
    }
    assert d.newly_failing == []


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "planning", *args],
        capture_output=True,
        text=True,
        env=os.environ.copy(),
        timeout=300,
    )


def test_cli_amendment_json(amended_csv):
    r = cli("diff", "bundled", str(amended_csv), "--partial", "--format", "json")
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    assert data["summary"]["added"] == 8
    assert data["summary"]["total"]["delta_ha"] == pytest.approx(245.8)
    assert [c["key"] for c in data["categories"]] == ["new_2030"]


@pytest.fixture(scope="module")
def geojson_pair(pair, tmp_path_factory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("versions")
    paths = []
    for plan, name in zip(pair, ("old.geojson", "new.geojson"), strict=True):
        p = folder / name
        cl = plan.clusters.drop(columns=["measured_ha", "measured_ha_vn2000"])
        # a layer holds one kind of geometry: leave out the location-only cluster D
        cl.loc[cl["geometry_kind"].ne("point")].to_file(p, driver="GeoJSON")
        paths.append(p)
    return paths[0], paths[1]


def test_cli_geojson_formats(geojson_pair, capsys, tmp_path):
    old, new = map(str, geojson_pair)
    assert main(["diff", old, new, "--partial", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [data["summary"][k] for k in CHANGE_KINDS] == [1, 1, 1, 1]
    assert data["summary"]["rules_newly_failing"] == ["ARE001"]
    assert (data["old"], data["new"]) == (old, new)
    assert main(["diff", old, new, "--partial", "--format", "md"]) == 0
    assert capsys.readouterr().out.startswith("# Plan diff:")
    assert main(["diff", old, new, "--partial"]) == 0  # text, rich
    assert "1 added, 1 removed, 1 resized, 1 moved" in capsys.readouterr().out
    out = tmp_path / "diff.md"
    assert main(["diff", old, new, "--partial", "--format", "md", "-o", str(out)]) == 0
    assert out.read_text(encoding="utf-8").startswith("# Plan diff:")
    assert main(["diff", old, new, "--partial", "--move-tolerance", "5000"]) == 0
    assert "0 moved" in capsys.readouterr().out


def test_cli_diff_exits_0_even_when_a_rule_newly_fails(geojson_pair):
    r = cli("diff", *map(str, geojson_pair), "--partial")
    assert r.returncode == 0, r.stderr
    assert "ARE001" in r.stdout


def test_cli_bad_input_exits_2_with_one_line(tmp_path, geojson_pair):
    r = cli("diff", "bundled", str(tmp_path / "missing.geojson"))
    assert r.returncode == 2
    assert "Traceback" not in r.stderr
    assert r.stderr.strip().count("\n") == 0
    assert r.stderr.startswith("planning: error:") and "missing.geojson" in r.stderr
    bad = tmp_path / "bad.geojson"
    bad.write_text("{not json", encoding="utf-8")
    r = cli("diff", str(bad), "bundled")
    assert r.returncode == 2 and "Traceback" not in r.stderr


def test_cli_refuses_to_overwrite_an_input(geojson_pair):
    old, new = map(str, geojson_pair)
    before = Path(new).read_bytes()
    assert main(["diff", old, new, "--partial", "-o", new]) == 2
    assert Path(new).read_bytes() == before


def test_load_version(geojson_pair):
    plan = load_version(geojson_pair[0], complete=False)
    assert plan.name == str(geojson_pair[0])
    assert sorted(plan.clusters["cluster_id"]) == ["A", "B", "C"]
