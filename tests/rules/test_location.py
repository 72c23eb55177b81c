from __future__ import annotations

from planning.testing import make_plan, run_rule, square


def test_inside_declared_district_passes(thach_that):
    code, x, y = thach_that
    plan = make_plan(
        [
            {
                "cluster_id": "A",
                "geometry": square(x, y, 5),
                "district_code": code,
                "district_vi": "Thạch Thất",
            }
        ]
    )
    assert run_rule("LOC001", plan).status == "pass"
    res = run_rule("LOC002", plan)
    assert res.status == "pass"
    assert "1 cluster with a declared district" in res.explanation


def test_outside_hanoi_fails():
    # Hai Phong, well outside Hanoi
    plan = make_plan([{"cluster_id": "HP", "geometry": square(106.68, 20.86, 5)}])
    res = run_rule("LOC001", plan)
    assert res.status == "fail"
    assert "outside Hanoi" in res.findings[0].message
    assert res.findings[0].cluster_id == "HP"


def test_wrong_district_fails(thach_that, chuong_my):
    _, x, y = thach_that
    code_cm = chuong_my[0]
    plan = make_plan(
        [
            {
                "cluster_id": "W",
                "geometry": square(x, y, 5),
                "district_code": code_cm,
                "district_vi": "Chương Mỹ",
            }
        ]
    )
    res = run_rule("LOC002", plan)
    assert res.status == "fail"
    f = res.findings[0]
    assert f.detail["declared"] == code_cm
    assert "Thạch Thất" in f.message
