"""The check report: :class:`Report`, and :func:`check`, which runs the rules and assembles it.

A :class:`Report` is data; it renders to JSON (the stable schema ``planning.report/1``,
documented in ``docs/report-schema.md``), to Markdown (:mod:`planning.report.markdown`) and to
the terminal (:mod:`planning.report.terminal`), the last two from its plain data
(:meth:`Report.to_dict`). Every rendering carries the plan's caveats (indicative footprints,
partial coverage) and the attribution of every data source shown. What :func:`check` takes
from the plan besides the rules' results is built in :mod:`planning.report.contents`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from planning.i18n import Language, localize, use_language
from planning.jsondata import json_text
from planning.report.contents import category_tree_entries, cluster_entries, figure_entries
from planning.rules import CheckOptions, RuleResult, run_rules

if TYPE_CHECKING:
    from rich.console import Console

    from planning.model.plan import Plan

__all__ = ["SCHEMA", "Report", "check"]

#: Identifier of the JSON schema; bumped only on incompatible changes.
SCHEMA = "planning.report/1"


@dataclass
class Report:
    """The outcome of checking a plan.

    Attributes
    ----------
    plan_name
        The plan's label.
    results
        One :class:`~planning.rules.RuleResult` per rule run.
    figures
        The plan's figures with sources (list of dicts).
    category_tree
        The category tree with each node's figures and sums.
    coverage
        Coverage figures (see :func:`planning.rules.coverage.coverage`).
    attributions
        One line per data source.
    notes
        Caveats (indicative footprints, partial coverage, district structure).
    options
        The options the checks ran with.
    reader_notes
        What the reader decided about the user's files (encoding and its confidence,
        ids assigned by row, columns ignored, rows skipped …), from
        :attr:`planning.model.plan.Plan.reader_notes`.
    """

    plan_name: str
    results: list[RuleResult]
    figures: list[dict[str, Any]]
    category_tree: list[dict[str, Any]]
    coverage: dict[str, Any]
    attributions: list[str]
    notes: list[str]
    options: CheckOptions = field(default_factory=CheckOptions)
    reader_notes: list[str] = field(default_factory=list)
    clusters: list[dict[str, Any]] = field(default_factory=list)

    @property
    def failed(self) -> list[RuleResult]:
        """Rules with at least one error finding."""
        return [r for r in self.results if r.status == "fail"]

    @property
    def exit_code(self) -> int:
        """0 when no rule fails, 1 otherwise."""
        return 1 if self.failed else 0

    def findings_for(self, cluster_id: str) -> list[dict[str, Any]]:
        """Return the findings about one cluster, as dicts (for map popups).

        The messages are in the language in force (:func:`planning.i18n.use_language`).
        """
        return [
            {"code": f.code, "severity": f.severity, "message": localize(f.message)}
            for r in self.results
            for f in r.findings
            if f.cluster_id == cluster_id
        ]

    # -- renderings --------------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """Return the report as plain data following the ``planning.report/1`` schema."""
        from planning._version import __version__

        counts = {
            s: sum(1 for r in self.results if r.status == s)
            for s in ("pass", "fail", "warn", "skip")
        }
        return {
            "schema": SCHEMA,
            "planning_version": __version__,
            "plan": self.plan_name,
            "summary": {
                "rules_run": len(self.results),
                **{f"rules_{k}": v for k, v in counts.items()},
                "findings": sum(len(r.findings) for r in self.results),
                "exit_code": self.exit_code,
                "tolerance_pct": self.options.tolerance_pct,
            },
            "coverage": self.coverage,
            "category_tree": self.category_tree,
            "figures": self.figures,
            "rules": [
                {
                    "code": r.rule.code,
                    "title": r.rule.title,
                    "family": r.rule.family,
                    "severity": r.rule.severity,
                    "status": r.status,
                    "explanation": r.explanation,
                    "findings": [
                        {
                            "code": f.code,
                            "severity": f.severity,
                            "message": f.message,
                            "cluster_id": f.cluster_id,
                            "detail": f.detail,
                        }
                        for f in r.findings
                    ],
                }
                for r in self.results
            ],
            "notes": self.notes,
            "attributions": self.attributions,
            "reader_notes": self.reader_notes,
            "clusters": self.clusters,
        }

    def to_json(self, *, indent: int | None = 2) -> str:
        """Return the report as JSON (UTF-8 text, non-ASCII kept).

        Strict JSON (RFC 8259): a number that is not finite (a percentage against a declared
        area of 0 ha, a missing area) is written as ``null`` (:func:`planning.jsondata.json_text`).
        """
        return json_text(self.to_dict(), indent=indent)

    def to_markdown(self, *, lang: Language | None = None) -> str:
        """Return the report as Markdown: summary, figures, tree, rules, findings, sources.

        Parameters
        ----------
        lang
            ``"vi"`` or ``"en"``; the language in force when None.
        """
        from planning.report.markdown import report_markdown

        with use_language(lang):
            return report_markdown(self.to_dict())

    def print(
        self,
        console: Console | None = None,
        *,
        verbose: bool = False,
        lang: Language | None = None,
    ) -> None:
        """Print the report to a terminal with rich.

        Parameters
        ----------
        console
            Where to print; a new stdout console by default.
        verbose
            Also print info findings (coverage details, indicative footprints).
        lang
            ``"vi"`` or ``"en"``; the language in force when None.
        """
        from planning.report.terminal import print_report

        with use_language(lang):
            print_report(self.to_dict(), console, verbose=verbose)

    def to_text(
        self, *, width: int = 100, verbose: bool = False, lang: Language | None = None
    ) -> str:
        """Return the terminal rendering as plain text (no colour).

        Parameters
        ----------
        width
            Line width in characters.
        verbose
            Also print info findings.
        lang
            ``"vi"`` or ``"en"``; the language in force when None.
        """
        import io

        from rich.console import Console

        buf = io.StringIO()
        self.print(
            Console(file=buf, width=width, no_color=True, force_terminal=False),
            verbose=verbose,
            lang=lang,
        )
        return buf.getvalue()


def check(
    plan: Plan,
    *,
    tolerance_pct: float | None = None,
    select: tuple[str, ...] = (),
    ignore: tuple[str, ...] = (),
) -> Report:
    """Run the rules on a plan and assemble the report.

    Parameters
    ----------
    plan
        The plan.
    tolerance_pct
        Declared vs measured area tolerance in percent (default 5).
    select, ignore
        Rule code prefixes to run only / to skip.

    Returns
    -------
    Report
        Rule results, figures, category tree, coverage, caveats and sources.
    """
    from planning.errors import UsageError

    opts = CheckOptions(select=tuple(select), ignore=tuple(ignore))
    if tolerance_pct is not None:
        if not (0 <= tolerance_pct < 1000):
            raise UsageError(
                f"tolerance must be a percentage between 0 and 1000, got {tolerance_pct}"
            )
        opts = CheckOptions(
            tolerance_pct=float(tolerance_pct), select=opts.select, ignore=opts.ignore
        )
    return plan_report(plan, run_rules(plan, opts), opts)


def plan_report(
    plan: Plan, results: list[RuleResult], options: CheckOptions, *, per_cluster: bool = True
) -> Report:
    """Assemble the report of ``plan`` from its rules' results.

    :func:`check` and the partitioned check share it, so both write the same report.

    Parameters
    ----------
    plan
        The plan the rules ran on.
    results
        One result per rule run, in registry order.
    options
        The options the rules ran with.
    per_cluster
        Include the reader's notes and one entry per cluster; the partitioned check, whose
        plan holds no geometries or rows, leaves them out.

    Returns
    -------
    Report
        Rule results, figures, category tree, coverage, caveats and sources.
    """
    from planning.rules.coverage import coverage

    return Report(
        plan_name=plan.name,
        results=results,
        figures=figure_entries(plan),
        category_tree=category_tree_entries(plan),
        coverage=coverage(plan),
        attributions=plan.attributions(),
        notes=plan.notes(),
        options=options,
        reader_notes=list(plan.reader_notes) if per_cluster else [],
        clusters=cluster_entries(plan) if per_cluster else [],
    )
