from __future__ import annotations

import geopandas as gpd
import pytest

from planning.rules.topology import overlap_pairs
from planning.testing import make_plan, run_rule, square


def test_disjoint_clusters_pass(thach_that):
    _, x, y = thach_that
    plan = make_plan(
        [
            {"cluster_id": "A", "geometry": square(x, y, 4)},
            {"cluster_id": "B", "geometry": square(x + 0.05, y, 4)},
        ]
    )
    assert run_rule("TOP001", plan).status == "pass"


def test_overlapping_clusters_fail_with_area(thach_that):
    _, x, y = thach_that
    a = square(x, y, 4)  # 200 m sides
    b = square(x + 0.00096, y, 4)  # shifted ~100 m east: about half overlaps
    plan = make_plan([{"cluster_id": "A", "geometry": a}, {"cluster_id": "B", "geometry": b}])
    res = run_rule("TOP001", plan)
    assert res.status == "fail"
    (f,) = res.findings
    assert f.detail["other"] == "B"
    assert f.detail["overlap_ha"] == pytest.approx(2.0, rel=0.05)


def test_indicative_overlap_is_info_only(thach_that):
    _, x, y = thach_that
    plan = make_plan(
        [
            {"cluster_id": "A", "geometry": square(x, y, 4), "geometry_kind": "indicative"},
            {"cluster_id": "B", "geometry": square(x, y, 4)},
        ]
    )
    res = run_rule("TOP001", plan)
    assert res.status == "pass"
    assert res.findings and res.findings[0].severity == "info"


def test_overlap_with_zone_fails(thach_that):
    _, x, y = thach_that
    zone = gpd.GeoDataFrame(
        {"zone_id": ["hoalac"], "name_en": ["Hoa Lac Hi-Tech Park"], "geometry_kind": ["surveyed"]},
        geometry=[square(x, y, 100)],
        crs="EPSG:4326",
    )
    plan = make_plan([{"cluster_id": "IN", "geometry": square(x, y, 2)}], zones=zone)
    res = run_rule("TOP002", plan)
    assert res.status == "fail"
    assert "Hoa Lac" in res.findings[0].message
    far = make_plan([{"cluster_id": "OUT", "geometry": square(x + 0.2, y, 2)}], zones=zone)
    assert run_rule("TOP002", far).status == "pass"


def test_overlap_pairs_matches_brute_force(thach_that):
    _, x, y = thach_that
    geoms = [square(x + 0.001 * i, y + 0.0007 * (i % 3), 1.5) for i in range(12)]
    gdf = gpd.GeoDataFrame(geometry=geoms, crs="EPSG:4326")
    qi, tj, _ = overlap_pairs(gdf)
    fast = {(int(i), int(j)) for i, j in zip(qi, tj, strict=True)}
    brute = {
        (i, j)
        for i in range(len(geoms))
        for j in range(i + 1, len(geoms))
        if geoms[i].intersection(geoms[j]).area > 0
    }
    assert fast == brute
