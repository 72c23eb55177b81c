"""The check report: rule results, the plan's figures, coverage and sources, rendered.

A :class:`Report` renders to the terminal (rich), to JSON (the stable schema
``planning.report/1``, documented in ``docs/report-schema.md``) and to Markdown. Every
rendering carries the plan's caveats (indicative footprints, partial coverage) and the
attribution of every data source shown.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from planning.i18n import (
    N_,
    Language,
    Message,
    format_number,
    gettext,
    join_messages,
    localize,
    message,
    use_language,
)
from planning.rules import CheckOptions, RuleResult, run_rules

if TYPE_CHECKING:
    from rich.console import Console

    from planning.model.plan import Plan

__all__ = ["SCHEMA", "Report", "area_tables", "check", "md_cell", "print_tables"]

#: Identifier of the JSON schema; bumped only on incompatible changes.
SCHEMA = "planning.report/1"
_ICON = {"pass": "✓", "fail": "✗", "warn": "!", "skip": "–"}
_STYLE = {"pass": "green", "fail": "bold red", "warn": "yellow", "skip": "dim"}
#: How statuses and severities read in reports for people (JSON keeps the codes).
_STATUS = {"pass": N_("pass"), "fail": N_("fail"), "warn": N_("warn"), "skip": N_("skip")}
_SEVERITY = {"error": N_("error"), "warning": N_("warning"), "info": N_("info")}


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
        """Return the report as JSON (UTF-8 text, non-ASCII kept)."""
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False, default=_json_default)

    def to_markdown(self, *, lang: Language | None = None) -> str:
        """Return the report as Markdown: summary, figures, tree, rules, findings, sources.

        Parameters
        ----------
        lang
            ``"vi"`` or ``"en"``; the language in force when None.
        """
        with use_language(lang):
            return self._markdown()

    def _markdown(self) -> str:
        _ = gettext
        d = self.to_dict()
        s = d["summary"]
        out = [_("# Check report: {plan}").format(plan=_md(localize(self.plan_name))), ""]
        out.append(
            localize(
                message(
                    "**{run} rules run: {passed} passed, {failed} failed, {warned} with warnings, "
                    "{skipped} not applicable.** Exit code {code}.",
                    run=s["rules_run"],
                    passed=s["rules_pass"],
                    failed=s["rules_fail"],
                    warned=s["rules_warn"],
                    skipped=s["rules_skip"],
                    code=s["exit_code"],
                )
            )
        )
        out += ["", _("## Caveats"), ""] + [f"- {_md(localize(n))}" for n in self.notes]
        if self.reader_notes:
            out += ["", _("## Reading the input"), ""]
            out += [f"- {_md(localize(n))}" for n in self.reader_notes]
        out += ["", _("## Coverage"), "", _md(localize(coverage_sentence(self.coverage)))]
        out += [
            "",
            _("## The plan's figures"),
            "",
            _("| figure | value | source |"),
            "|---|---|---|",
        ]
        for fig in self.figures:
            out.append(
                f"| {_md(localize(fig['label']))} | {_md(localize(fig['formatted']))} "
                f"| {_md(fig['source'])} |"
            )
        out += [
            "",
            _("## Category tree"),
            "",
            _("| node | clusters | ha | children add up |"),
            "|---|---|---|---|",
        ]
        for n in self.category_tree:
            cells = (localize(n.get(k, "")) for k in ("clusters_text", "ha_text", "check_text"))
            out.append(
                f"| {'&nbsp;' * 4 * n['depth']}{_md(localize(n['label']))} | "
                + " | ".join(_md(c) for c in cells)
                + " |"
            )
        out += [
            "",
            _("## Rules"),
            "",
            _("| rule | status | title | what was checked |"),
            "|---|---|---|---|",
        ]
        for r in self.results:
            out.append(
                f"| {r.rule.code} | {_(_STATUS[r.status])} | {_md(_(r.rule.title))} "
                f"| {_md(localize(r.explanation))} |"
            )
        findings = [(r, f) for r in self.results for f in r.findings]
        if findings:
            out += ["", _("## Findings"), ""]
            for _r, f in findings:
                out.append(
                    f"- **{f.code}** ({_(_SEVERITY[f.severity])}): {_md(localize(f.message))}"
                )
        out += ["", _("## Sources"), ""] + [f"- {_md(localize(a))}" for a in self.attributions]
        return "\n".join(out) + "\n"

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
        with use_language(lang):
            self._print(console, verbose=verbose)

    def _print(self, console: Console | None, *, verbose: bool) -> None:
        from rich.console import Console
        from rich.markup import escape
        from rich.table import Table

        _ = gettext
        con = console or Console()
        con.print(f"[bold]{escape(localize(self.plan_name))}[/bold]")
        table = Table(show_header=True, header_style="bold", expand=False)
        table.add_column(_("rule"))
        table.add_column("")
        table.add_column(_("title / what was checked"), overflow="fold")
        for r in self.results:
            table.add_row(
                r.rule.code,
                f"[{_STYLE[r.status]}]{_ICON[r.status]} {escape(_(_STATUS[r.status]))}[/]",
                f"{escape(_(r.rule.title))}\n[dim]{escape(localize(r.explanation))}[/dim]",
            )
        con.print(table)
        for r in self.results:
            for f in r.findings:
                if f.severity == "info" and not verbose and r.rule.code != "COV001":
                    continue
                style = {"error": "red", "warning": "yellow", "info": "cyan"}[f.severity]
                con.print(
                    f"[{style}]{f.code} {escape(_(_SEVERITY[f.severity]))}[/]: "
                    f"{escape(localize(f.message))}"
                )
        con.print()
        note, sources = escape(_("note:")), escape(_("Sources:"))
        for n in self.notes:
            con.print(f"[yellow]{note}[/] {escape(localize(n))}")
        con.print(f"[dim]{sources}[/dim]")
        for a in self.attributions:
            con.print(f"[dim]  {escape(localize(a))}[/dim]")
        s = self.to_dict()["summary"]
        failed, ok = escape(_("FAILED")), escape(_("OK"))
        verdict = f"[bold red]{failed}[/]" if self.exit_code else f"[bold green]{ok}[/]"
        summary = message(
            "{run} rules, {passed} passed, {failed} failed, {warned} warned, "
            "{skipped} not applicable",
            run=s["rules_run"],
            passed=s["rules_pass"],
            failed=s["rules_fail"],
            warned=s["rules_warn"],
            skipped=s["rules_skip"],
        )
        con.print(f"{verdict}: {escape(localize(summary))}")

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
    from planning.rules.coverage import coverage

    opts = CheckOptions(select=tuple(select), ignore=tuple(ignore))
    if tolerance_pct is not None:
        if not (0 <= tolerance_pct < 1000):
            raise UsageError(
                f"tolerance must be a percentage between 0 and 1000, got {tolerance_pct}"
            )
        opts = CheckOptions(
            tolerance_pct=float(tolerance_pct), select=opts.select, ignore=opts.ignore
        )
    results = run_rules(plan, opts)
    return Report(
        plan_name=plan.name,
        results=results,
        figures=figure_entries(plan),
        category_tree=category_tree_entries(plan),
        coverage=coverage(plan),
        attributions=plan.attributions(),
        notes=plan.notes(),
        options=opts,
        reader_notes=list(plan.reader_notes),
        clusters=cluster_entries(plan),
    )


def figure_entries(plan: Plan) -> list[dict[str, Any]]:
    """Return the report's ``figures``: every figure of the plan's manifest, with its source.

    Shared by :func:`check` and the partitioned check, so both write the same report.

    Parameters
    ----------
    plan
        The plan; only its manifest is read.

    Returns
    -------
    list of dict
        One entry per figure, in manifest order (keys as in the ``planning.report/1`` schema).
    """
    m = plan.manifest
    out = []
    for f in m.figures.values():
        src = m.sources.get(f.source)
        out.append(
            {
                "key": f.key,
                "label": f.label,
                "value": f.value,
                "unit": f.unit,
                "decimals": f.decimals,
                "qualifier": f.qualifier,
                "formatted": f.formatted(),
                "derived": f.derived or None,
                "verified": m.is_verified(f.key),
                "attributed": m.is_attributed(f.key),
                "source": m.citation(f.key),
                "source_url": src.url if src else None,
                "note": f.note or None,
            }
        )
    return out


def category_tree_entries(plan: Plan) -> list[dict[str, Any]]:
    """Return the report's ``category_tree``: the manifest's tree, depth first, with its checks.

    Shared by :func:`check` and the partitioned check, so both write the same report.

    Parameters
    ----------
    plan
        The plan; only its manifest is read.

    Returns
    -------
    list of dict
        One entry per node (keys as in the ``planning.report/1`` schema).
    """
    m = plan.manifest
    checks = {(c.node, c.quantity): c for c in m.check_tree()}
    out: list[dict[str, Any]] = []

    def walk(key: str, depth: int) -> None:
        node = m.categories[key]
        entry: dict[str, Any] = {
            "key": key,
            "label": node.label,
            "depth": depth,
            "children": list(node.children),
        }
        texts = []
        for q in ("clusters", "ha"):
            ref = getattr(node, q)
            if ref:
                fig = m.figures[ref]
                entry[q] = fig.value
                entry[f"{q}_text"] = (
                    message("{value} (derived)", value=fig.formatted())
                    if fig.is_derived
                    else fig.formatted()
                )
            c = checks.get((key, q))
            if c is not None:
                entry[f"{q}_children_sum"] = round(c.computed, 6)
                entry[f"{q}_consistent"] = c.consistent
                texts.append(
                    message("{quantity}: yes", quantity=_QUANTITY[q])
                    if c.consistent
                    else message("{quantity}: NO", quantity=_QUANTITY[q])
                )
        entry["consistent"] = all(entry.get(f"{q}_consistent", True) for q in ("clusters", "ha"))
        entry["check_text"] = join_messages(texts)
        out.append(entry)
        for child in node.children:
            walk(child, depth + 1)

    for root in m.roots():
        walk(root.key, 0)
    return out


_QUANTITY = {"clusters": message("clusters"), "ha": "ha"}


def coverage_sentence(c: dict[str, Any]) -> Message:
    """Return the coverage as one sentence (Markdown and HTML reports).

    Parameters
    ----------
    c
        The report's ``coverage`` mapping (:func:`planning.rules.coverage.coverage`).

    Returns
    -------
    Message
        For example ``27 clusters loaded of the plan's 159 (17.0 %); …``, in English as a
        string; :func:`planning.i18n.localize` gives it in the language in force.
    """
    if c.get("clusters_planned"):
        loaded = message(
            "{n:,} clusters loaded of the plan's {planned:,} ({share:.1f} %)",
            n=c["clusters_loaded"],
            planned=c["clusters_planned"],
            share=100 * c["clusters_share"],
        )
    else:
        loaded = message("{n:,} clusters loaded", n=c["clusters_loaded"])
    if c.get("ha_planned"):
        area = message(
            "{n:,} with a declared area, {ha:,.2f} ha of {planned:,.2f} ha ({share:.1f} %)",
            n=c["clusters_with_area"],
            ha=c["ha_declared"],
            planned=c["ha_planned"],
            share=100 * c["ha_share"],
        )
    else:
        area = message(
            "{n:,} with a declared area, {ha:,.2f} ha",
            n=c["clusters_with_area"],
            ha=c["ha_declared"],
        )
    return message("{loaded}; {area}.", loaded=loaded, area=area)


def md_cell(text: object) -> str:
    """Escape text for a Markdown table cell (no raw HTML, no broken tables)."""
    import html

    return html.escape(str(text), quote=False).replace("|", "\\|").replace("\n", " ")


_md = md_cell


def _json_default(o: object) -> object:
    import numpy as np

    if isinstance(o, np.integer):
        return int(o)
    if isinstance(o, np.floating):
        return float(o)
    if isinstance(o, np.bool_):
        return bool(o)
    raise TypeError(f"not JSON-serialisable: {type(o).__name__}")


# -- area tables (``planning areas``) ----------------------------------------------------------------


def area_tables(plan: Plan) -> dict[str, Any]:
    """Return per-cluster and per-district area tables.

    Parameters
    ----------
    plan
        The plan (its layers carry ``measured_ha`` and ``measured_ha_vn2000``).

    Returns
    -------
    dict of pandas.DataFrame
        ``clusters``: id, name, district, geometry kind, declared, geodesic and VN-2000
        areas (ha) and the difference in %; ``districts``: code, name, type, area
        (km², geodesic and VN-2000), clusters, declared and measured ha.
    """
    import pandas as pd

    cl = plan.clusters
    polygonal = ~cl["geometry_kind"].eq("point")
    measured = polygonal & ~cl["geometry_kind"].eq("indicative")
    clusters = pd.DataFrame(
        {
            "cluster_id": cl["cluster_id"],
            "name_vi": cl["name_vi"],
            "commune_vi": cl["commune_vi"],
            "district_vi": cl["district_vi"],
            **{c: cl[c] for c in UNITS_2025_TABLE_COLUMNS if c in cl.columns},
            "geometry_kind": cl["geometry_kind"],
            "declared_ha": cl["declared_ha"],
            "measured_ha": cl["measured_ha"].where(measured).round(4),
            "measured_ha_vn2000": cl["measured_ha_vn2000"].where(measured).round(4),
            "measured_note": [measured_note(k) for k in cl["geometry_kind"]],
        }
    )
    clusters["difference_pct"] = (
        100 * (clusters["measured_ha"] - clusters["declared_ha"]) / clusters["declared_ha"]
    ).round(3)
    d = plan.districts
    grouped = cl.groupby("district_code")
    districts = pd.DataFrame(
        {
            "district_code": d["district_code"],
            "district_vi": d["district_vi"],
            "district_type": d["district_type"],
            "area_km2": (d["measured_ha"] / 100).round(3),
            "area_km2_vn2000": (d["measured_ha_vn2000"] / 100).round(3),
        }
    )
    districts["clusters"] = districts["district_code"].map(grouped.size()).fillna(0).astype(int)
    districts["declared_ha"] = (
        districts["district_code"].map(grouped["declared_ha"].sum()).fillna(0.0).round(4)
    )
    by_district = cl["measured_ha"].where(measured).groupby(cl["district_code"]).sum()
    districts["measured_ha"] = districts["district_code"].map(by_district).fillna(0.0).round(4)
    return {"clusters": clusters, "districts": districts}


#: The 2025 unit columns the cluster area table and the JSON report show, when the plan has
#: them (:data:`planning.model.units2025.UNIT_2025_COLUMNS`, and the declared one).
UNITS_2025_TABLE_COLUMNS = (
    "commune_2025",
    "commune_2025_code",
    "commune_2025_straddles",
    "declared_commune_2025",
)


def measured_note(geometry_kind: str) -> str:
    """Say why a cluster's area was not measured, or ``""`` when it was.

    Parameters
    ----------
    geometry_kind
        The cluster's ``geometry_kind``.

    Returns
    -------
    str
        ``""`` for a surveyed or digitized outline; the reason otherwise: an indicative
        footprint is a circle drawn at the declared area (its "measured" area would only
        repeat the declared one), and a point has no area.
    """
    if geometry_kind == "indicative":
        return message("not measured: an indicative footprint is drawn at the declared area")
    if geometry_kind == "point":
        return message("not measured: location only, no outline")
    return ""


def cluster_entries(plan: Plan) -> list[dict[str, Any]]:
    """Return the report's ``clusters``: each cluster's units (old and 2025) and areas.

    Parameters
    ----------
    plan
        The plan.

    Returns
    -------
    list of dict
        One entry per cluster: ``cluster_id``, ``name_vi``, ``commune_vi``, ``district_vi``
        (2014-2025 structure), ``commune_2025``, ``commune_2025_code``,
        ``commune_2025_straddles`` and ``declared_commune_2025`` when the plan has them,
        ``geometry_kind``, ``declared_ha``, ``measured_ha`` (None when not measured) and
        ``measured_note`` (why not).
    """
    import math

    table = area_tables(plan)["clusters"].drop(columns=["measured_ha_vn2000", "difference_pct"])
    out = []
    for rec in table.to_dict(orient="records"):
        for key, value in rec.items():
            if isinstance(value, float) and math.isnan(value):
                rec[key] = None
            elif hasattr(value, "item"):  # numpy scalars
                rec[key] = value.item()
        out.append(rec)
    return out


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
        The tables of :func:`area_tables`.
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
            t.add_column(escape(header), justify="right" if df[col].dtype.kind in "fi" else "left")
        kinds = list(df.columns).index("geometry_kind") if "geometry_kind" in df.columns else -1
        # the notes are the messages of measured_note (pandas keeps their English text only)
        notes = list(df.columns).index("measured_note") if "measured_note" in df.columns else -1
        for rec in df.itertuples(index=False):
            cells = [_cell(v) for v in rec]
            if kinds >= 0:
                cells[kinds] = localize(_GEOMETRY_KINDS.get(cells[kinds], cells[kinds]))
            if notes >= 0 and cells[notes]:
                cells[notes] = _(cells[notes])
            t.add_row(*(escape(c) for c in cells))
        console.print(t)
    if "districts" in which:
        d = tables["districts"]
        total = message(
            "Total of {n} districts: {km2:,.1f} km² (geodesic)", n=len(d), km2=d["area_km2"].sum()
        )
        console.print(escape(localize(total)))
    note = escape(_("note:"))
    for n in plan.notes():
        console.print(f"[yellow]{note}[/] {escape(localize(n))}")
    for a in plan.attributions():
        console.print(f"[dim]{escape(localize(a))}[/dim]")


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
