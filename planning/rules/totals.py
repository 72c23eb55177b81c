"""TOT: total rows of the user's spreadsheets agree with the rows they cover.

Appendices end with ``Tổng cộng`` rows, and sections with ``Cộng`` rows. The spreadsheet
reader (:mod:`planning.readers.workbook`) never loads them as clusters; it records each one with the
area it states and the rows it covers, and this rule compares the two.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from planning.i18n import N_, message, plural_message
from planning.rules._base import CheckOptions, Outcome, Rule, rule

if TYPE_CHECKING:
    from planning.model.plan import Plan

#: Largest difference, in ha, between a stated total and its rows' sum that still agrees:
#: half of the 0.1 ha step appendices round totals to.
TOTAL_TOLERANCE_HA = 0.05


@rule(
    "TOT001",
    "Total rows of a spreadsheet equal the sum of the rows they cover",
    none_checked=N_("no input spreadsheet has a total row stating an area"),
)
def stated_totals(plan: Plan, options: CheckOptions, r: Rule) -> Outcome:
    """A ``Tổng cộng`` (or section ``Cộng``) row must equal the sum of the declared areas of
    the rows it covers, within 0.05 ha (half the 0.1 ha step totals are rounded to).

    A grand total covers every data row above it on its sheet; a ``Cộng`` row under a
    section covers the rows of that section. Fix: correct the total, or the row that is
    wrong, or a row that is missing.

    Examples
    --------
    >>> from dataclasses import replace
    >>> from planning.readers.sheet_rows import StatedTotal
    >>> from planning.testing import make_plan, run_rule, square
    >>> total = StatedTotal(path="phu_luc.xlsx", sheet="Phụ lục", row=15, label="Tổng cộng",
    ...     stated_ha=70.0, summed_ha=7.0, rows=(7, 8), section="")
    >>> plan = replace(make_plan([{"cluster_id": "A", "geometry": square(105.56, 21.06, 1)}]),
    ...     stated_totals=(total,))
    >>> result = run_rule("TOT001", plan)
    >>> result.status
    'fail'
    """
    checked = 0
    findings = []
    for t in plan.stated_totals:
        if not math.isfinite(t.stated_ha):
            continue
        checked += 1
        if abs(t.stated_ha - t.summed_ha) <= TOTAL_TOLERANCE_HA:
            continue
        covers = plural_message("the {n:,} row above it", "the {n:,} rows above it", len(t.rows))
        if t.section:
            covers = message("{rows} in section {section!r}", rows=covers, section=t.section)
        findings.append(
            r.finding(
                message(
                    "{path}: sheet {sheet!r}, row {row}: total row {label!r} states "
                    "{stated:,.2f} ha, but {covers} sum to {summed:,.2f} ha "
                    "(difference {difference:+,.2f} ha)",
                    path=t.path,
                    sheet=t.sheet,
                    row=t.row,
                    label=t.label,
                    stated=t.stated_ha,
                    covers=covers,
                    summed=t.summed_ha,
                    difference=t.stated_ha - t.summed_ha,
                ),
                path=t.path,
                sheet=t.sheet,
                row=t.row,
                stated_ha=t.stated_ha,
                summed_ha=round(t.summed_ha, 6),
                rows=list(t.rows),
            )
        )
    return Outcome(
        plural_message(
            "{n:,} total row compared with the sum of the rows they cover",
            "{n:,} total rows compared with the sum of the rows they cover",
            checked,
        ),
        findings,
        checked=checked,
    )
