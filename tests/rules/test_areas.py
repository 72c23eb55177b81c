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


def _facts(rows):
    import pandas as pd

    base = {c: "" for c in ("fact_id", "cluster_id", "source_type", "source_url", "area_qualifier")}
    frame = pd.DataFrame([{**base, **r} for r in rows])
    frame["declared_ha"] = frame["declared_ha"].astype(float)
    return frame


def test_sources_that_disagree_on_area_are_listed(thach_that):
    from dataclasses import replace

    _, x, y = thach_that
    plan = make_plan([{"cluster_id": "A", "geometry": square(x, y, 10), "declared_ha": 37.78}])
    facts = _facts(
        [
            {
                "fact_id": "A/1",
                "cluster_id": "A",
                "declared_ha": 37.78,
                "source_type": "government page",
            },
            {"fact_id": "A/2", "cluster_id": "A", "declared_ha": 27.0, "source_type": "portal"},
            {"fact_id": "B/1", "cluster_id": "B", "declared_ha": 9.55, "source_type": "news"},
            {"fact_id": "B/2", "cluster_id": "B", "declared_ha": 9.6, "source_type": "portal"},
        ]
    )
    res = run_rule("ARE003", replace(plan, facts=facts))
    assert res.status == "warn"
    (f,) = res.findings  # B's 9.55 vs 9.6 ha is within 5 %
    assert f.cluster_id == "A"
    assert f.detail["spread_pct"] > 39
    assert {v["ha"] for v in f.detail["values"]} == {37.78, 27.0}
    # a tolerance wider than the spread accepts it
    assert run_rule("ARE003", replace(plan, facts=facts), tolerance_pct=45).status == "pass"


def test_area_disagreement_is_skipped_without_facts(thach_that):
    _, x, y = thach_that
    plan = make_plan([{"cluster_id": "A", "geometry": square(x, y, 10), "declared_ha": 10.0}])
    assert run_rule("ARE003", plan).status == "skip"


def test_declared_zero_is_not_an_area_and_has_no_percentage():
    """A declared 0 ha (the readers refuse it; a layer given to the API may hold it) fails
    ARE001 with no infinite percentage in its message or detail."""
    from planning.testing import make_plan, run_rule, square

    plan = make_plan(
        [{"cluster_id": "Z", "declared_ha": 0.0, "geometry": square(105.56, 21.06, 10)}]
    )
    res = run_rule("ARE001", plan)
    assert res.status == "fail"
    (f,) = res.findings
    assert f.detail["difference_pct"] is None
    assert "inf" not in f.message and "not an area" in f.message
