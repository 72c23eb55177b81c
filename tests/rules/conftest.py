from __future__ import annotations

import pytest

from planning.rules import REGISTRY, CheckOptions, RuleResult
from planning.testing import district_point, make_plan, square


def run(code: str, plan, **opts) -> RuleResult:
    return REGISTRY[code].run(plan, CheckOptions(**opts))


@pytest.fixture(scope="session")
def thach_that():
    return district_point("Thạch Thất")


@pytest.fixture(scope="session")
def chuong_my():
    return district_point("Chương Mỹ")


__all__ = ["district_point", "make_plan", "run", "square"]
