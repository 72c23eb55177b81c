"""Each rule's documentation carries a small example, run here (like ruff's rule pages)."""

from __future__ import annotations

import doctest
import subprocess
import sys

import pytest

from planning.rules import REGISTRY, iter_rules

CODES = [r.code for r in iter_rules()]


def test_every_rule_is_documented_with_an_example_of_itself():
    assert len(CODES) >= 21
    for code in CODES:
        examples = doctest.DocTestParser().get_examples(REGISTRY[code].doc)
        assert examples, f"{code} has no example"
        assert any(f'run_rule("{code}"' in ex.source for ex in examples), code
        assert any(ex.want for ex in examples), f"{code}: the example shows no result"


@pytest.mark.parametrize("code", CODES)
def test_rule_example_runs(code):
    rule = REGISTRY[code]
    test = doctest.DocTestParser().get_doctest(rule.doc, {}, code, None, 0)
    out: list[str] = []
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    runner.run(test, out=out.append)
    assert runner.failures == 0, "".join(out)
    assert runner.tries >= 3


def test_a_failing_example_fails():
    """The runner above is not vacuous: a wrong expected output is reported."""
    doc = REGISTRY["GEO002"].doc.replace("geometry is missing or empty", "all is well")
    test = doctest.DocTestParser().get_doctest(doc, {}, "GEO002", None, 0)
    runner = doctest.DocTestRunner()
    runner.run(test, out=lambda _: None)
    assert runner.failures == 1


def test_planning_rules_code_prints_the_example():
    r = subprocess.run(
        [sys.executable, "-m", "planning", "rules", "ARE001"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "Examples\n--------" in r.stdout
    assert '>>> result = run_rule("ARE001", plan)' in r.stdout


def test_planning_testing_examples_run():
    import planning.testing

    runner = doctest.DocTestRunner()
    out: list[str] = []
    for test in doctest.DocTestFinder().find(planning.testing):
        runner.run(test, out=out.append)
    assert runner.tries >= 3
    assert runner.failures == 0, "".join(out)
