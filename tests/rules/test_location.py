from __future__ import annotations

import unicodedata

import pytest

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


def _declaring(x: float, y: float, district_vi: str, code: str = "") -> object:
    return make_plan(
        [
            {
                "cluster_id": "T",
                "geometry": square(x, y, 5),
                "district_code": code,
                "district_vi": district_vi,
            }
        ]
    )


@pytest.mark.parametrize(
    ("declared", "suggested"),
    [("Ba Vìi", "'Ba Vì'"), ("Huyện Ba Vìi", "'Ba Vì'"), ("Huyện Không Tồn Tại", ""), ("Qx", None)],
)
def test_unknown_declared_district_fails(thach_that, declared, suggested):
    """A typo in the declared district never counts as a pass, even with a code filled in
    from the geometry (as placement does for a name it cannot find)."""
    code, x, y = thach_that
    for given_code in ("", code):
        res = run_rule("LOC002", _declaring(x, y, declared, given_code))
        assert res.status == "fail"
        (f,) = res.findings
        assert f"unknown district {declared!r}" in f.message
        if suggested:
            assert f"did you mean {suggested}" in f.message
        elif suggested is None:
            assert "no district has a similar name" in f.message


@pytest.mark.parametrize("spelling", ["Thạch Thất", "huyện Thạch Thất", "Thach That", "THẠCH THẤT"])
def test_declared_district_spellings_that_match_pass(thach_that, spelling):
    _, x, y = thach_that
    res = run_rule("LOC002", _declaring(x, y, unicodedata.normalize("NFD", spelling)))
    assert res.status == "pass", res.findings


def test_tone_mark_placement_matches(thach_that):
    """Hoà = Hòa: old and new tone placement name the same district (Ứng Hòa)."""
    from planning.testing import district_point

    code, x, y = district_point("Ứng Hòa")
    assert run_rule("LOC002", _declaring(x, y, "Ứng Hoà")).status == "pass"
    _, tx, ty = thach_that
    res = run_rule("LOC002", _declaring(tx, ty, "Ứng Hoà"))
    assert res.status == "fail" and res.findings[0].detail["declared"] == code


def test_folded_name_is_compared_not_passed(thach_that, chuong_my):
    """'Chuong My' (no diacritics) names Chương Mỹ: a cluster in Thạch Thất fails."""
    _, x, y = thach_that
    res = run_rule("LOC002", _declaring(x, y, "Chuong My"))
    assert res.status == "fail"
    assert res.findings[0].detail["declared"] == chuong_my[0]


@pytest.mark.parametrize("named", ["Chương Mỹ", "huyện Chuong My"])
def test_district_code_and_name_that_disagree_fail(thach_that, named):
    """The code places the cluster right, but its name says another district: never a pass."""
    code, x, y = thach_that
    plan = make_plan(
        [{"cluster_id": "D", "geometry": square(x, y, 5), "district_code": code,
          "district_vi": named}]
    )  # fmt: skip
    res = run_rule("LOC002", plan)
    assert res.status == "fail"
    [finding] = res.findings
    assert finding.cluster_id == "D"
    assert finding.message == (
        f"cluster D (CCN D) gives district code {code} (Thạch Thất) but names district "
        f"{named!r}; make the code and the name agree"
    )


def test_district_code_and_name_that_agree_pass(thach_that):
    code, x, y = thach_that
    plan = make_plan(
        [{"cluster_id": "D", "geometry": square(x, y, 5), "district_code": code,
          "district_vi": "huyện Thach That"}]
    )  # fmt: skip
    assert run_rule("LOC002", plan).status == "pass"
