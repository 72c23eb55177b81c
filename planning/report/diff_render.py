"""A plan diff (:class:`planning.diff.PlanDiff`) in Markdown and in the terminal.

The comparison itself is data in :mod:`planning.diff`; this module only renders it. Interface
text is English marked for translation (:mod:`planning.i18n`); rule codes, field names and
change kinds stay as they are.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import TYPE_CHECKING

from planning.diff.changes import signed_number
from planning.i18n import current_language, format_number, localize
from planning.i18n import gettext as _
from planning.report.markdown import md_cell
from planning.report.terminal import rich_text

if TYPE_CHECKING:
    from rich.console import Console

    from planning.diff import PlanDiff, RuleChange, TotalChange

__all__ = ["diff_markdown", "diff_text", "print_diff"]

_STYLE = {"added": "green", "removed": "red", "resized": "yellow", "moved": "cyan"}
#: Area changes smaller than this (ha) are shown as 0.
_ZERO_HA = 5e-7


def _ha(x: float | None) -> str:
    return "" if x is None else format_number(x)


def _signed(x: float) -> str:
    return signed_number(0.0 if abs(x) < _ZERO_HA else x)


def _moved(m: float | None) -> str:
    return "" if m is None else format_number(m, digits=0)


def _number(x: float) -> str:
    """Return a tolerance as ``str.format``'s ``g`` writes it, with the language's decimal mark."""
    text = f"{x:g}"
    return text.replace(".", ",") if current_language() == "vi" else text


def _status(status: str | None) -> str:
    """Return a rule's verdict (``pass``, ``fail`` …) in the language in force, ``—`` if none."""
    return _(status) if status else "—"


# -- Markdown ----------------------------------------------------------------------------------------


def _md_changes(d: PlanDiff) -> Iterator[str]:
    if not d.changes:
        return
    yield from ["", "## " + _("Clusters"), ""]
    yield "| {} |".format(
        " | ".join(
            [
                _("change"),
                _("cluster"),
                _("name"),
                _("district"),
                _("category"),
                _("old ha"),
                _("new ha"),
                "Δ ha",
                _("moved (m)"),
            ]
        )
    )
    yield "|---|---|---|---|---|---:|---:|---:|---:|"
    for c in d.changes:
        yield (
            f"| {_(c.change)} | {md_cell(c.cluster_id)} | {md_cell(c.name_vi)} | "
            f"{md_cell(c.district_vi)} | {md_cell(c.category)} | {_ha(c.old_ha)} | "
            f"{_ha(c.new_ha)} | {_signed(c.delta_ha)} | {_moved(c.moved_m)} |"
        )


def _md_attributes(d: PlanDiff) -> Iterator[str]:
    if not d.attributes:
        return
    yield from ["", "## " + _("Other attribute changes"), ""]
    yield f"| {_('cluster')} | {_('field')} | {_('old')} | {_('new')} |"
    yield "|---|---|---|---|"
    for a in d.attributes:
        yield f"| {md_cell(a.cluster_id)} | {a.field} | {md_cell(a.old)} | {md_cell(a.new)} |"


def _md_totals(title: str, rows: list[TotalChange]) -> Iterator[str]:
    if not rows:
        return
    yield from ["", f"## {title}", ""]
    yield "| {} |".format(
        " | ".join(
            [
                _("key"),
                _("name"),
                _("clusters old"),
                _("new"),
                "Δ",
                _("ha old"),
                _("new"),
                "Δ ha",
            ]
        )
    )
    yield "|---|---|---:|---:|---:|---:|---:|---:|"
    for t in rows:
        yield (
            f"| {md_cell(t.key)} | {md_cell(t.label)} | {t.old_clusters} | {t.new_clusters} | "
            f"{signed_number(t.delta_clusters, digits=0)} | {_ha(t.old_ha)} | {_ha(t.new_ha)} | "
            f"{_signed(t.delta_ha)} |"
        )


def _flag(r: RuleChange) -> str:
    if r.newly_failing:
        return " **" + _("newly failing") + "**"
    return " " + _("newly passing") if r.newly_passing else ""


def _md_rules(d: PlanDiff) -> Iterator[str]:
    yield from ["", "## " + _("Rules"), ""]
    if not d.rules:
        yield _("No rule changed its verdict or its number of findings.")
        return
    yield "| {} |".format(
        " | ".join([_("rule"), _("old"), _("new"), _("findings old → new"), _("title")])
    )
    yield "|---|---|---|---|---|"
    for r in d.rules:
        yield (
            f"| {r.code} | {_status(r.old_status)} | {_status(r.new_status)}{_flag(r)} | "
            f"{r.old_findings} → {r.new_findings} | {md_cell(_(r.title))} |"
        )
    for r in d.rules:
        for m in r.messages:
            yield f"- **{r.code}**: {md_cell(localize(m))}"


def diff_markdown(d: PlanDiff) -> str:
    """Return a diff as Markdown: summary, cluster changes, totals, rules.

    Parameters
    ----------
    d
        The diff, from :func:`planning.diff.diff_plans`.

    Returns
    -------
    str
        The document, ending with a newline; every value from data is escaped for a table
        cell (no raw HTML, no broken table).
    """
    title = _("Plan diff: %(old)s → %(new)s") % {
        "old": md_cell(localize(d.old_name)),
        "new": md_cell(localize(d.new_name)),
    }
    out = [f"# {title}", "", f"**{md_cell(d.summary())}.**", ""]
    out.append(
        _(
            "Clusters are matched by %(how)s (%(by_name)s by name and district). Areas are "
            "declared hectares; a missing area counts as 0 ha. Moves under %(move)s m and area "
            "changes under %(resize)s ha are ignored."
        )
        % {
            "how": _(d.matched_by),
            "by_name": sum(p.matched_by != "cluster_id" for p in d.pairs),
            "move": _number(d.move_tolerance_m),
            "resize": _number(d.resize_tolerance_ha),
        }
    )
    out += _md_changes(d)
    out += _md_attributes(d)
    out += _md_totals(_("District totals"), d.districts)
    out += _md_totals(_("Category totals"), d.categories)
    out += _md_rules(d)
    return "\n".join(out) + "\n"


# -- terminal --------------------------------------------------------------------------------------


def _changes_table(d: PlanDiff) -> object:
    from rich.table import Table

    t = Table(
        title=_("Clusters (matched by %(how)s)") % {"how": _(d.matched_by)}, title_justify="left"
    )
    columns = [
        (_("change"), "left"),
        (_("cluster"), "left"),
        (_("name"), "left"),
        (_("district"), "left"),
        (_("old ha"), "right"),
        (_("new ha"), "right"),
        ("Δ ha", "right"),
        (_("moved m"), "right"),
    ]
    for col, justify in columns:
        t.add_column(col, justify=justify)  # type: ignore[arg-type]
    for c in d.changes:
        t.add_row(
            f"[{_STYLE[c.change]}]{_(c.change)}[/]",
            rich_text(c.cluster_id),
            rich_text(c.name_vi),
            rich_text(c.district_vi),
            _ha(c.old_ha),
            _ha(c.new_ha),
            _signed(c.delta_ha),
            _moved(c.moved_m),
        )
    return t


def _totals_table(title: str, rows: list[TotalChange]) -> object:
    from rich.table import Table

    t = Table(title=title, title_justify="left")
    for col, justify in (
        (_("key"), "left"),
        (_("name"), "left"),
        (_("clusters"), "right"),
        ("Δ", "right"),
        ("ha", "right"),
        ("Δ ha", "right"),
    ):
        t.add_column(col, justify=justify)  # type: ignore[arg-type]
    for tc in rows:
        t.add_row(
            rich_text(tc.key),
            rich_text(tc.label),
            f"{tc.old_clusters} → {tc.new_clusters}",
            signed_number(tc.delta_clusters, digits=0),
            f"{_ha(tc.old_ha)} → {_ha(tc.new_ha)}",
            _signed(tc.delta_ha),
        )
    return t


def _rules_table(d: PlanDiff) -> object:
    from rich.table import Table

    t = Table(title=_("Rules whose verdict or findings changed"), title_justify="left")
    for col in (_("rule"), _("old"), _("new"), _("findings"), _("title")):
        t.add_column(col)
    for r in d.rules:
        new = _status(r.new_status)
        if r.newly_failing:
            new = f"[bold red]{new}[/]"
        elif r.newly_passing:
            new = f"[green]{new}[/]"
        t.add_row(
            r.code,
            _status(r.old_status),
            new,
            f"{r.old_findings} → {r.new_findings}",
            rich_text(_(r.title)),
        )
    return t


def print_diff(d: PlanDiff, console: Console | None = None) -> None:
    """Print a diff to a terminal with rich.

    Parameters
    ----------
    d
        The diff.
    console
        Where to print; a new stdout console by default.
    """
    from rich.console import Console

    con = console or Console()
    old, new = rich_text(localize(d.old_name)), rich_text(localize(d.new_name))
    con.print(f"[bold]{old}[/bold] → [bold]{new}[/bold]")
    if d.changes:
        con.print(_changes_table(d))
    for a in d.attributes:
        con.print(
            f"{rich_text(a.cluster_id)}: {a.field} {rich_text(a.old)!r} → {rich_text(a.new)!r}"
        )
    for title, rows in ((_("District totals"), d.districts), (_("Category totals"), d.categories)):
        if rows:
            con.print(_totals_table(title, rows))
    if d.rules:
        con.print(_rules_table(d))
        for r in d.rules:
            for m in r.messages:
                con.print(f"  [dim]{r.code}[/dim] {rich_text(localize(m))}")
    else:
        con.print(_("No rule changed its verdict or its number of findings."))
    con.print(rich_text(d.summary()))


def diff_text(d: PlanDiff, *, width: int = 100) -> str:
    """Return the terminal rendering of a diff as plain text (no colour).

    Parameters
    ----------
    d
        The diff.
    width
        Line width in characters.
    """
    from rich.console import Console

    buf = io.StringIO()
    print_diff(d, Console(file=buf, width=width, no_color=True, force_terminal=False))
    return buf.getvalue()
