"""The consistency rules, one module per family, and :func:`run_checks`.

Families: ``plan`` (PLN: published figures), ``areas`` (ARE), ``geometry`` (GEO),
``location`` (LOC), ``overlap`` (TOP), ``identity`` (IDS), ``coverage`` (COV),
``context`` (CTX: the industrial parks). Each rule
has a stable code, a severity, a one-line title and documentation (``planning rules``
prints the catalogue); every finding names its rule.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from planning.errors import UsageError
from planning.rules import (  # noqa: F401
    areas,
    context,
    coverage,
    geometry,
    identity,
    location,
    topology,
    totals,
)
from planning.rules import figures as figure_rules  # noqa: F401
from planning.rules import units as unit_rules  # noqa: F401
from planning.rules._base import (
    REGISTRY,
    CheckOptions,
    Finding,
    Outcome,
    Partial,
    Rule,
    RuleResult,
    Severity,
    iter_rules,
    shared_scope,
)

if TYPE_CHECKING:
    from planning.model.plan import Plan

__all__ = [
    "REGISTRY",
    "CheckOptions",
    "Finding",
    "Outcome",
    "Partial",
    "Rule",
    "RuleResult",
    "Severity",
    "iter_rules",
    "run_rules",
]


def run_rules(plan: Plan, options: CheckOptions | None = None) -> list[RuleResult]:
    """Run every selected rule on a plan.

    Parameters
    ----------
    plan
        The plan to check.
    options
        Tolerance and rule selection; defaults apply when None.

    Returns
    -------
    list of RuleResult
        One per rule run, in code order.

    Raises
    ------
    UsageError
        If ``select`` or ``ignore`` names no known rule.
    """
    opts = options or CheckOptions()
    for prefix in (*opts.select, *opts.ignore):
        if not any(code.startswith(prefix) for code in REGISTRY):
            raise UsageError(f"no rule code starts with {prefix!r}; `planning rules` lists them")
    with shared_scope():
        return [r.run(plan, opts) for r in iter_rules() if opts.wants(r.code)]
