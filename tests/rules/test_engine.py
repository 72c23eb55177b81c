"""Properties of the rule engine that hold for every rule."""

from __future__ import annotations

import pytest

from planning.rules import REGISTRY, CheckOptions
from planning.rules._base import Outcome, Rule
from planning.testing import make_plan, square


@pytest.fixture(scope="module")
def empty_plan():
    """A plan where nothing applies: no cluster, no zone, no published figure."""
    from dataclasses import replace

    plan = make_plan([])
    bare = replace(plan.manifest, figures={}, ratios={}, district_subtotals={}, categories={})
    return replace(plan, manifest=bare)


@pytest.mark.parametrize("code", sorted(REGISTRY))
def test_a_rule_that_checked_nothing_never_passes(code, empty_plan):
    rule = REGISTRY[code]
    out = rule.func(empty_plan, CheckOptions(), rule)
    assert out.skipped or out.checked is not None, f"{code} does not say what it checked"
    res = rule.result(out)
    if not out.skipped and out.checked == 0:
        assert res.status == "skip"
        assert res.explanation.startswith("not applicable: ")
    assert res.status != "pass" or (out.checked or 0) > 0


@pytest.mark.parametrize("code", sorted(REGISTRY))
def test_every_rule_says_what_it_checked_on_a_real_plan(code):
    plan = make_plan([{"cluster_id": "A", "geometry": square(105.56, 21.06, 5)}])
    rule = REGISTRY[code]
    out = rule.func(plan, CheckOptions(), rule)
    assert out.skipped or isinstance(out.checked, int)


def test_engine_turns_zero_checked_into_not_applicable_with_the_reason():
    rule = Rule("XXX001", "t", "error", "f", "d", func=lambda *a: Outcome("0 checked", checked=0),
                none_checked="no cluster has what it needs")  # fmt: skip
    res = rule.result(Outcome("0 things checked", checked=0))
    assert (res.status, res.explanation) == ("skip", "not applicable: no cluster has what it needs")
    assert rule.result(Outcome("1 checked", checked=1)).status == "pass"
    with pytest.raises(TypeError, match="XXX001"):
        rule.result(Outcome("forgot to count"))
