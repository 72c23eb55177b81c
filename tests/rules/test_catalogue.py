"""Every rule is documented, and has a test in tests/rules/ that makes it fail."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from planning.rules import REGISTRY

RULE_TESTS = "\n".join(
    p.read_text(encoding="utf-8")
    for p in Path(__file__).parent.glob("test_*.py")
    if p.name != Path(__file__).name  # the rules' own tests, not this one
)


@pytest.mark.parametrize("code", sorted(REGISTRY))
def test_rule_is_documented_and_tested(code):
    rule = REGISTRY[code]
    assert re.fullmatch(r"[A-Z]{3}\d{3}", code)
    assert rule.title and rule.doc and rule.severity in {"error", "warning", "info"}
    assert f'"{code}"' in RULE_TESTS, f"no test in tests/rules/ runs {code}"
