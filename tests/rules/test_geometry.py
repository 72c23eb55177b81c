from __future__ import annotations

from shapely.geometry import LineString, Point, Polygon

from planning.testing import make_plan, run_rule, square


def test_valid_polygons_pass(thach_that):
    code, x, y = thach_that
    plan = make_plan([{"cluster_id": "A", "geometry": square(x, y, 10), "district_code": code}])
    for rule in ("GEO001", "GEO002", "GEO003"):
        assert run_rule(rule, plan).status == "pass", rule


def test_bowtie_is_invalid_with_reason(thach_that):
    _, x, y = thach_that
    bowtie = Polygon([(x, y), (x + 0.01, y + 0.01), (x + 0.01, y), (x, y + 0.01)])
    res = run_rule("GEO001", make_plan([{"cluster_id": "BOW", "geometry": bowtie}]))
    assert res.status == "fail"
    (f,) = res.findings
    assert f.cluster_id == "BOW"
    assert "Self-intersection" in f.message


def test_empty_geometry_fails(thach_that):
    res = run_rule("GEO002", make_plan([{"cluster_id": "E", "geometry": Polygon()}]))
    assert res.status == "fail"
    assert res.findings[0].cluster_id == "E"


def test_line_is_not_a_polygon(thach_that):
    _, x, y = thach_that
    res = run_rule(
        "GEO003", make_plan([{"cluster_id": "L", "geometry": LineString([(x, y), (x + 0.01, y)])}])
    )
    assert res.status == "fail"
    assert "LineString" in res.findings[0].message


def test_point_allowed_only_for_location_only_clusters(thach_that):
    _, x, y = thach_that
    ok = make_plan([{"cluster_id": "P", "geometry": Point(x, y), "geometry_kind": "point"}])
    assert run_rule("GEO003", ok).status == "pass"
    bad = make_plan([{"cluster_id": "P", "geometry": Point(x, y), "geometry_kind": "digitized"}])
    res = run_rule("GEO003", bad)
    assert res.status == "fail"
    assert "(Point)" in res.findings[0].message
