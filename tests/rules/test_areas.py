from __future__ import annotations

from planning.testing import make_plan, run_rule, square


def test_declared_matches_measured_passes(thach_that):
    _, x, y = thach_that
    plan = make_plan([{"cluster_id": "A", "geometry": square(x, y, 10), "declared_ha": 10.0}])
    assert run_rule("ARE001", plan).status == "pass"


def test_declared_far_from_measured_fails(thach_that):
    _, x, y = thach_that
    plan = make_plan([{"cluster_id": "A", "geometry": square(x, y, 10), "declared_ha": 12.0}])
    res = run_rule("ARE001", plan)
    assert res.status == "fail"
    f = res.findings[0]
    assert f.detail["difference_pct"] < -15
    # a wider tolerance accepts it
    assert run_rule("ARE001", plan, tolerance_pct=20).status == "pass"


def test_indicative_footprints_are_not_compared(thach_that):
    _, x, y = thach_that
    plan = make_plan(
        [
            {
                "cluster_id": "A",
                "geometry": square(x, y, 10),
                "declared_ha": 99.0,
                "geometry_kind": "indicative",
            }
        ]
    )
    res = run_rule("ARE001", plan)
    assert res.status == "skip"
    assert "indicative" in res.explanation


def test_square_metres_typed_as_hectares_warns(thach_that):
    _, x, y = thach_that
    plan = make_plan([{"cluster_id": "M2", "geometry": square(x, y, 5), "declared_ha": 50_000.0}])
    res = run_rule("ARE002", plan)
    assert res.status == "warn"
    assert "m²" in res.findings[0].message
    ok = make_plan([{"cluster_id": "HA", "geometry": square(x, y, 5), "declared_ha": 5.0}])
    assert run_rule("ARE002", ok).status == "pass"
