from __future__ import annotations

import math
from dataclasses import replace

from planning.readers.sheet_rows import StatedTotal
from planning.testing import make_plan, run_rule, square


def _total(stated: float, summed: float, *, section: str = "") -> StatedTotal:
    return StatedTotal(
        path="phu_luc.xlsx", sheet="Phụ lục", row=15, label="Tổng cộng",
        stated_ha=stated, summed_ha=summed, rows=(7, 8), section=section,
    )  # fmt: skip


def _plan(*totals: StatedTotal):
    base = make_plan([{"cluster_id": "A", "geometry": square(105.56, 21.06, 1)}])
    return replace(base, stated_totals=totals)


def test_matching_total_passes_and_rounding_is_tolerated():
    res = run_rule("TOT001", _plan(_total(61.0, 61.0), _total(12.3, 12.34)))
    assert res.status == "pass"
    assert res.explanation.startswith("2 total rows compared")


def test_wrong_total_fails_naming_sheet_row_and_both_numbers():
    res = run_rule("TOT001", _plan(_total(70.0, 7.0, section="II HUYỆN ĐÔNG ANH")))
    assert res.status == "fail"
    [f] = res.findings
    assert "sheet 'Phụ lục', row 15" in f.message
    assert "70.00 ha" in f.message and "7.00 ha" in f.message
    assert "section 'II HUYỆN ĐÔNG ANH'" in f.message
    assert (f.detail["stated_ha"], f.detail["summed_ha"], f.detail["row"]) == (70.0, 7.0, 15)


def test_no_total_row_is_not_applicable_never_pass():
    for plan in (_plan(), _plan(_total(math.nan, 7.0))):
        res = run_rule("TOT001", plan)
        assert res.status == "skip"
        assert res.explanation.startswith("not applicable: no input spreadsheet")
