"""A check report in Markdown: summary, caveats, coverage, figures, category tree, rules, findings.

:func:`report_markdown` renders the report's plain data (:meth:`planning.report.core.Report.to_dict`,
the ``planning.report/1`` schema) in the language in force; :meth:`Report.to_markdown
<planning.report.core.Report.to_markdown>` calls it. Text from the data goes through
:func:`md_cell`, so it never becomes markup.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from planning.errors import escape_text
from planning.i18n import gettext as _
from planning.i18n import localize, message
from planning.report.contents import SEVERITY_WORDS, STATUS_WORDS, coverage_sentence

__all__ = ["md_cell", "report_markdown"]


def md_cell(text: object) -> str:
    """Escape text for a Markdown table cell (no raw HTML, no broken tables)."""
    import html

    cell = html.escape(str(text), quote=False).replace("|", "\\|").replace("\n", " ")
    return escape_text(cell)  # no terminal escape or control character reaches the document


def report_markdown(view: dict[str, Any]) -> str:
    """Return a check report as Markdown, in the language in force.

    Parameters
    ----------
    view
        The report as plain data (:meth:`planning.report.core.Report.to_dict`).

    Returns
    -------
    str
        The Markdown text, ending with a newline.
    """
    out = _summary(view)
    out += _bullets(_("## Caveats"), view["notes"])
    if view["reader_notes"]:
        out += _bullets(_("## Reading the input"), view["reader_notes"])
    out += ["", _("## Coverage"), "", md_cell(localize(coverage_sentence(view["coverage"])))]
    out += _figures(view["figures"])
    out += _category_tree(view["category_tree"])
    out += _rules(view["rules"])
    findings = [f for r in view["rules"] for f in r["findings"]]
    if findings:
        out += ["", _("## Findings"), ""]
        out += [
            f"- **{f['code']}** ({_(SEVERITY_WORDS[f['severity']])}): "
            f"{md_cell(localize(f['message']))}"
            for f in findings
        ]
    out += _bullets(_("## Sources"), view["attributions"])
    return "\n".join(out) + "\n"


def _summary(view: dict[str, Any]) -> list[str]:
    """Return the title and the sentence counting the rules' verdicts."""
    s = view["summary"]
    counts = message(
        "**{run} rules run: {passed} passed, {failed} failed, {warned} with warnings, "
        "{skipped} not applicable.** Exit code {code}.",
        run=s["rules_run"],
        passed=s["rules_pass"],
        failed=s["rules_fail"],
        warned=s["rules_warn"],
        skipped=s["rules_skip"],
        code=s["exit_code"],
    )
    title = _("# Check report: {plan}").format(plan=md_cell(localize(view["plan"])))
    return [title, "", localize(counts)]


def _bullets(heading: str, items: Iterable[object]) -> list[str]:
    """Return a section: its heading, then one bullet per item (a message or data)."""
    return ["", heading, "", *(f"- {md_cell(localize(item))}" for item in items)]


def _figures(figures: list[dict[str, Any]]) -> list[str]:
    """Return the table of the plan's figures with their sources."""
    out = ["", _("## The plan's figures"), "", _("| figure | value | source |"), "|---|---|---|"]
    out += [
        f"| {md_cell(localize(fig['label']))} | {md_cell(localize(fig['formatted']))} "
        f"| {md_cell(fig['source'])} |"
        for fig in figures
    ]
    return out


def _category_tree(tree: list[dict[str, Any]]) -> list[str]:
    """Return the category tree as a table, each node indented by its depth."""
    out = [
        "",
        _("## Category tree"),
        "",
        _("| node | clusters | ha | children add up |"),
        "|---|---|---|---|",
    ]
    for n in tree:
        cells = (localize(n.get(k, "")) for k in ("clusters_text", "ha_text", "check_text"))
        out.append(
            f"| {'&nbsp;' * 4 * n['depth']}{md_cell(localize(n['label']))} | "
            + " | ".join(md_cell(c) for c in cells)
            + " |"
        )
    return out


def _rules(rules: list[dict[str, Any]]) -> list[str]:
    """Return the table of the rules run, with their verdicts and what each checked."""
    out = [
        "",
        _("## Rules"),
        "",
        _("| rule | status | title | what was checked |"),
        "|---|---|---|---|",
    ]
    out += [
        f"| {r['code']} | {_(STATUS_WORDS[r['status']])} | {md_cell(_(r['title']))} "
        f"| {md_cell(localize(r['explanation']))} |"
        for r in rules
    ]
    return out
