"""A check report and the area tables in the terminal, with rich.

:func:`print_report` prints a report's plain data (:meth:`planning.report.core.Report.to_dict`)
as :meth:`Report.print <planning.report.core.Report.print>` shows it: the rules' verdicts, the
findings, the caveats, the sources and the verdict. :func:`print_tables` prints the tables of
``planning areas``. Text from the data is escaped, so it never becomes rich markup.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from planning.errors import escape_text
from planning.i18n import N_, Language, format_number, gettext, localize, message, use_language
from planning.report.contents import SEVERITY_WORDS, STATUS_WORDS

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table

    from planning.model.plan import Plan

__all__ = ["print_report", "print_tables", "rich_text"]

_ICON = {"pass": "✓", "fail": "✗", "warn": "!", "skip": "–"}
_STYLE = {"pass": "green", "fail": "bold red", "warn": "yellow", "skip": "dim"}
_FINDING_STYLE = {"error": "red", "warning": "yellow", "info": "cyan"}


def rich_text(text: object) -> str:
    r"""Return data text for rich markup: control characters escaped, markup escaped.

    Rich passes a terminal escape (``\x1b[2J``) or a carriage return in a cluster name
    straight to the terminal; :func:`planning.errors.escape_text` writes them out first.

    Parameters
    ----------
    text
        Any value; it is turned into text with ``str``.

    Returns
    -------
    str
        One line of text that rich shows as it is.

    Examples
    --------
    >>> rich_text("CCN [bold]A\x1b[31m")
    'CCN \\[bold]A\\x1b[31m'
    """
    from rich.markup import escape

    return escape(escape_text(text))


def print_report(view: dict[str, Any], console: Console | None, *, verbose: bool) -> None:
    """Print a check report with rich, in the language in force.

    Parameters
    ----------
    view
        The report as plain data (:meth:`planning.report.core.Report.to_dict`).
    console
        Where to print; a new stdout console when None.
    verbose
        Also print info findings (coverage details, indicative footprints).
    """
    from rich.console import Console
    from rich.markup import escape

    _ = gettext
    con = console or Console()
    con.print(f"[bold]{rich_text(localize(view['plan']))}[/bold]")
    con.print(_rules_table(view["rules"]))
    for r in view["rules"]:
        for f in r["findings"]:
            if f["severity"] == "info" and not verbose and r["code"] != "COV001":
                continue
            style = _FINDING_STYLE[f["severity"]]
            con.print(
                f"[{style}]{f['code']} {escape(_(SEVERITY_WORDS[f['severity']]))}[/]: "
                f"{rich_text(localize(f['message']))}"
            )
    con.print()
    note, sources = escape(_("note:")), escape(_("Sources:"))
    for n in view["notes"]:
        con.print(f"[yellow]{note}[/] {rich_text(localize(n))}")
    con.print(f"[dim]{sources}[/dim]")
    for a in view["attributions"]:
        con.print(f"[dim]  {rich_text(localize(a))}[/dim]")
    con.print(_verdict(view["summary"]))


def _rules_table(rules: list[dict[str, Any]]) -> Table:
    """Return the table of the rules run: code, verdict, title and what each checked."""
    from rich.markup import escape
    from rich.table import Table

    _ = gettext
    table = Table(show_header=True, header_style="bold", expand=False)
    table.add_column(_("rule"))
    table.add_column("")
    table.add_column(_("title / what was checked"), overflow="fold")
    for r in rules:
        status = r["status"]
        table.add_row(
            r["code"],
            f"[{_STYLE[status]}]{_ICON[status]} {escape(_(STATUS_WORDS[status]))}[/]",
            f"{escape(_(r['title']))}\n[dim]{rich_text(localize(r['explanation']))}[/dim]",
        )
    return table


def _verdict(s: dict[str, Any]) -> str:
    """Return the last line: OK or FAILED, and the rules' verdicts counted (rich markup)."""
    from rich.markup import escape

    failed, ok = escape(gettext("FAILED")), escape(gettext("OK"))
    verdict = f"[bold red]{failed}[/]" if s["exit_code"] else f"[bold green]{ok}[/]"
    summary = message(
        "{run} rules, {passed} passed, {failed} failed, {warned} warned, {skipped} not applicable",
        run=s["rules_run"],
        passed=s["rules_pass"],
        failed=s["rules_fail"],
        warned=s["rules_warn"],
        skipped=s["rules_skip"],
    )
    return f"{verdict}: {rich_text(localize(summary))}"


def print_tables(
    tables: dict[str, Any],
    which: list[str],
    plan: Plan,
    console: Console,
    *,
    lang: Language | None = None,
) -> None:
    """Print area tables with rich, followed by the plan's caveats and sources.

    Parameters
    ----------
    tables
        The tables of :func:`planning.report.areas.area_tables`.
    which
        Which of them to print (``clusters``, ``districts``).
    plan
        The plan (its caveats and sources are printed after the tables).
    console
        Where to print.
    lang
        ``"vi"`` or ``"en"``: headers (with units), numbers (``3.204,31`` in Vietnamese) and
        notes; the language in force when None.
    """
    with use_language(lang):
        _print_tables(tables, which, plan, console)


#: Values of the ``geometry_kind`` column, as the text tables show them.
_GEOMETRY_KINDS = {
    k: message(k) for k in (N_("surveyed"), N_("digitized"), N_("indicative"), N_("point"))
}


def _print_tables(tables: dict[str, Any], which: list[str], plan: Plan, console: Console) -> None:
    from rich.markup import escape
    from rich.table import Table

    from planning.report.columns import COLUMNS

    _ = gettext
    titles = {
        "clusters": _(
            "Clusters: declared vs measured area (ha; geodesic on WGS 84, and planar VN-2000 / TM-3 105°)"
        ),
        "districts": _("Districts (2014-2025 structure): area and clusters"),
    }
    for key in which:
        df = tables[key]
        t = Table(title=escape(titles[key]), title_justify="left")
        for col in df.columns:
            header = _(COLUMNS[col].header) if col in COLUMNS else col
            t.add_column(
                rich_text(header), justify="right" if df[col].dtype.kind in "fi" else "left"
            )
        kinds = list(df.columns).index("geometry_kind") if "geometry_kind" in df.columns else -1
        # the notes are the messages of measured_note (pandas keeps their English text only)
        notes = list(df.columns).index("measured_note") if "measured_note" in df.columns else -1
        for rec in df.itertuples(index=False):
            cells = [_cell(v) for v in rec]
            if kinds >= 0:
                cells[kinds] = localize(_GEOMETRY_KINDS.get(cells[kinds], cells[kinds]))
            if notes >= 0 and cells[notes]:
                cells[notes] = _(cells[notes])
            t.add_row(*(rich_text(c) for c in cells))
        console.print(t)
    if "districts" in which:
        d = tables["districts"]
        total = message(
            "Total of {n} districts: {km2:,.1f} km² (geodesic)", n=len(d), km2=d["area_km2"].sum()
        )
        console.print(rich_text(localize(total)))
    note = escape(_("note:"))
    for n in plan.notes():
        console.print(f"[yellow]{note}[/] {rich_text(localize(n))}")
    for a in plan.attributions():
        console.print(f"[dim]{rich_text(localize(a))}[/dim]")


def _cell(v: object) -> str:
    """Return a table cell for people: up to 4 decimals, in the language's separators.

    A yes/no value is a word of the language in force and a message (a ``measured_note``) is
    translated; any other text is data, shown as it is.
    """
    import math

    import numpy as np

    if isinstance(v, bool | np.bool_):
        return gettext("yes") if v else gettext("no")
    if isinstance(v, float):
        if math.isnan(v):
            return ""
        text = format_number(v, digits=4)
        point = "," if text[-5:-4] == "," else "."
        return text.rstrip("0").rstrip(point)
    return localize(v)
