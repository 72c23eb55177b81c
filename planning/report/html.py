"""The check report as one self-contained HTML page: summary, findings, charts, map, sources.

:func:`render_report_html` returns the page and :func:`write_report` writes it atomically.
The page is the template ``planning/report/templates/report.html`` (autoescaped, see
:mod:`planning.report.templating`) over a view built once from the plan and its report
(:func:`report_view`). It needs no network: its style sheet is inline, its charts are inline
SVG (the template ``bar_chart.svg``, no plotting library), and the map from
:func:`planning.maps.api.make_map` is embedded in an ``<iframe>`` whose document is carried
inside the page. For print, the page also carries the static map of
:mod:`planning.maps.printmap` as a PNG ``data:`` URI, which its print style sheet shows where
the interactive map is. Pages are in Vietnamese unless asked otherwise (``lang``).
"""

from __future__ import annotations

import base64
import json
import math
from collections.abc import Iterable, Sequence
from importlib import resources
from os import PathLike
from pathlib import Path
from typing import TYPE_CHECKING, Any

from planning.i18n import (
    DOCUMENT_DEFAULT,
    format_number,
    localize,
    resolve_language,
    use_language,
)
from planning.i18n import gettext as _
from planning.report.templating import render

if TYPE_CHECKING:
    from planning.maps.api import ColorBy, TilesOption
    from planning.model.plan import Plan
    from planning.report.core import Report

__all__ = ["bar_chart_svg", "render_report_html", "report_view", "write_report"]

PathType = str | PathLike[str]

_DECLARED = "#0072B2"
_MEASURED = "#E69F00"
# Resolution of the static map the report carries for print (A4 landscape, dots per inch).
_PRINT_MAP_DPI = 130
# Bar chart geometry (pixels): label column, right margin, bar height, gap between groups,
# top of the plot, longest label shown in full (characters).
_LABEL_W, _RIGHT, _BAR_H, _GAP, _TOP, _LABEL_CHARS = 260, 70, 9, 8, 48, 40


def render_report_html(
    plan: Plan,
    *,
    report: Report | None = None,
    tiles: TilesOption = "none",
    color_by: ColorBy = "status",
    include_map: bool = True,
    lang: str | None = None,
) -> str:
    """Return the check report of a plan as one self-contained HTML page.

    Parameters
    ----------
    plan
        The plan.
    report
        Its check report; :func:`planning.report.core.check` with default options when None.
    tiles
        Basemap of the embedded map (see :func:`planning.maps.api.make_map`); ``"none"`` keeps
        the page entirely offline.
    color_by
        What the map colours clusters by.
    include_map
        Embed the interactive map (and the static one, for print).
    lang
        ``"vi"`` or ``"en"``; else ``$PLANNING_LANG``, else Vietnamese
        (:func:`planning.i18n.resolve_language` with :data:`~planning.i18n.DOCUMENT_DEFAULT`).

    Returns
    -------
    str
        The HTML document (UTF-8 text).
    """
    from planning.report.core import check

    code = resolve_language(lang, default=DOCUMENT_DEFAULT)
    if report is None:
        report = check(plan)
    with use_language(code):
        view = report_view(plan, report)
        if include_map:
            view["map"] = _map_view(plan, report, tiles=tiles, color_by=color_by, lang=code)
        css = (resources.files("planning.report") / "templates" / "report.css").read_text("utf-8")
        page = render(
            "planning.report",
            "report.html",
            compact=False,
            v=view,
            lang=code,
            style=_raw(_style_tag(css)),
        )
    return page + "\n"


def write_report(
    plan: Plan,
    path: PathType,
    *,
    report: Report | None = None,
    tiles: TilesOption = "none",
    color_by: ColorBy = "status",
    protect: Iterable[PathType] = (),
    lang: str | None = None,
) -> Path:
    """Write the HTML check report of a plan, atomically.

    Parameters
    ----------
    plan
        The plan.
    path
        Where to write the ``.html`` file (``"-"``: standard output).
    report, tiles, color_by, lang
        As for :func:`render_report_html`.
    protect
        Files that must never be overwritten (the plan's inputs).

    Returns
    -------
    Path
        The file written.

    Raises
    ------
    PlanDataError
        If ``path`` is a protected input file or cannot be written.
    """
    from planning.outputs import atomic_write

    text = render_report_html(plan, report=report, tiles=tiles, color_by=color_by, lang=lang)
    return Path(atomic_write(path, text, protect=list(protect)))


# -- the view ------------------------------------------------------------------------------------------


def _raw(html: str) -> Any:
    """Mark HTML built here (an inlined asset, a rendered chart, the map's JSON) as markup."""
    from markupsafe import Markup

    return Markup(html)


def _style_tag(css: str) -> str:
    from planning.maps.assets import style_tag

    return style_tag(css)


def _num(x: Any) -> float | None:
    try:
        v = float(x)
    except (TypeError, ValueError):
        return None
    return v if math.isfinite(v) else None


def _fmt(x: Any, digits: int = 2) -> str:
    v = _num(x)
    return "—" if v is None else format_number(v, digits=digits)


def _cards(report: Report, summary: dict[str, Any]) -> list[dict[str, str]]:
    c = report.coverage
    loaded = int(c.get("clusters_loaded", 0))
    planned = c.get("clusters_planned")
    ha = float(c.get("ha_declared", 0.0))
    ha_planned = c.get("ha_planned")
    n = format_number
    clusters = n(loaded, digits=0)
    if planned:
        clusters = _("%(n)s of %(total)s") % {"n": clusters, "total": n(planned, digits=0)}
    area = n(ha, digits=1)
    if ha_planned:
        area = _("%(n)s of %(total)s") % {"n": area, "total": n(ha_planned, digits=1)}
    failed = _("%(n)s of %(total)s") % {"n": summary["rules_fail"], "total": summary["rules_run"]}
    return [
        {"key": "failed", "value": failed, "label": _("rules failed")},
        {"key": "passed", "value": str(summary["rules_pass"]), "label": _("rules passed")},
        {"key": "warned", "value": str(summary["rules_warn"]), "label": _("rules with warnings")},
        {"key": "skipped", "value": str(summary["rules_skip"]), "label": _("rules not applicable")},
        {"key": "clusters", "value": clusters, "label": _("clusters loaded")},
        {"key": "ha", "value": f"{area} ha", "label": _("declared area loaded")},
    ]


def _rules(report: Report) -> list[dict[str, Any]]:
    return [
        {
            "code": r.rule.code,
            "status": r.status,
            # the words people read; status and severity stay the codes for the page's classes
            "status_text": _(r.status),
            "title": _(r.rule.title),
            "severity": r.rule.severity,
            "severity_text": _(r.rule.severity),
            "family": r.rule.family,
            "explanation": localize(r.explanation),
            "findings": [
                {
                    "severity": f.severity,
                    "severity_text": _(f.severity),
                    "cluster_id": f.cluster_id,
                    "message": localize(f.message),
                }
                for f in r.findings
            ],
        }
        for r in report.results
    ]


def _charts(tables: dict[str, Any]) -> dict[str, Any]:
    series = [(_("declared"), _DECLARED), (_("measured (geodesic)"), _MEASURED)]
    dist = tables["districts"]
    dist = dist[(dist["clusters"] > 0)].sort_values("declared_ha", ascending=False)
    rows1 = [
        (f"{r.district_vi} ({int(r.clusters)})", [float(r.declared_ha), float(r.measured_ha)])
        for r in dist.itertuples()
    ]
    cl = tables["clusters"]
    with_area = cl[cl["declared_ha"].notna() | cl["measured_ha"].notna()]
    with_area = with_area.sort_values("declared_ha", ascending=False)
    rows2 = [
        (f"{r.name_vi} ({r.cluster_id})", [_num(r.declared_ha), _num(r.measured_ha)])
        for r in with_area.itertuples()
    ]
    no_area = cl[cl["declared_ha"].isna() & cl["measured_ha"].isna()]
    title1, title2 = (
        _("Cluster area per district (ha)"),
        _("Declared vs measured area per cluster (ha)"),
    )
    return {
        "chart_districts": _raw(bar_chart_svg(rows1, series=series, unit="ha", title=title1)),
        "chart_clusters": _raw(bar_chart_svg(rows2, series=series, unit="ha", title=title2)),
        "no_area": ", ".join(
            f"{n} ({i})" for n, i in zip(no_area["name_vi"], no_area["cluster_id"], strict=True)
        ),
        "area_rows": [
            {
                "cluster_id": r.cluster_id,
                "name": r.name_vi,
                "district": r.district_vi,
                "geometry_kind": r.geometry_kind,
                "declared": _fmt(r.declared_ha),
                "geodesic": _fmt(r.measured_ha),
                "vn2000": _fmt(r.measured_ha_vn2000),
                "difference_pct": _fmt(r.difference_pct, 1),
            }
            for r in cl.itertuples()
        ],
    }


def _figures(report: Report) -> dict[str, list[dict[str, Any]]]:
    """Return the plan's figures and its category tree, in the language in force."""
    return {
        "figures": [
            {
                "label": localize(f["label"]),
                "note": localize(f.get("note") or ""),
                "formatted": localize(f["formatted"]),
                "source": str(f["source"]),
                "verified": bool(f.get("verified")),
                "attributed": bool(f.get("attributed", True)),
            }
            for f in report.figures
        ],
        "category_tree": [
            {
                "label": localize(n["label"]),
                "pad": 14 * int(n.get("depth", 0)) + 8,
                "clusters_text": localize(n.get("clusters_text", "")),
                "ha_text": localize(n.get("ha_text", "")),
                "check_text": localize(n.get("check_text", "")),
            }
            for n in report.category_tree
        ],
    }


def report_view(plan: Plan, report: Report) -> dict[str, Any]:
    """Return what the HTML report shows, as plain data, in the language in force.

    Built once from the plan (its area tables) and its check report (verdicts, findings,
    figures, coverage, caveats, sources); the template only lays it out.

    Parameters
    ----------
    plan
        The plan.
    report
        Its check report.

    Returns
    -------
    dict
        ``title``, ``failed``, ``cards``, ``coverage_sentence``, ``tolerance_pct``,
        ``findings``, ``notes``, ``reader_notes``, ``rules``, the charts and area table,
        ``figures``, ``category_tree``, ``attributions``, ``version`` and ``map`` (None
        until :func:`render_report_html` embeds one).
    """
    from planning._version import __version__
    from planning.report.areas import area_tables
    from planning.report.contents import coverage_sentence

    d = report.to_dict()
    s = d["summary"]
    return {
        "title": _("Check report: %(name)s") % {"name": plan.name},
        "failed": int(s["rules_fail"]),
        "cards": _cards(report, s),
        "coverage_sentence": localize(coverage_sentence(report.coverage)),
        "tolerance_pct": format(s["tolerance_pct"], "g"),
        "findings": s["findings"],
        "notes": [localize(n) for n in report.notes],
        "reader_notes": [localize(n) for n in report.reader_notes],
        "rules": _rules(report),
        **_charts(area_tables(plan)),
        **_figures(report),
        "attributions": [localize(a) for a in report.attributions],
        "version": __version__,
        "map": None,
    }


def _map_view(
    plan: Plan, report: Report, *, tiles: TilesOption, color_by: ColorBy, lang: str
) -> dict[str, Any]:
    """Return the embedded map: its document as a JSON string, the loader, the print map."""
    from planning.maps.api import make_map, render_map_html
    from planning.maps.assets import script_tag
    from planning.maps.printmap import static_map_png

    doc = render_map_html(make_map(plan, report=report, tiles=tiles, color_by=color_by, lang=lang))
    # A JSON string in a non-executed script element: "<" is escaped, so nothing in the map's
    # document can end the element; the loader hands it to the iframe as its srcdoc.
    payload = (
        json.dumps(doc, ensure_ascii=False)
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )
    loader = (resources.files("planning.report") / "templates" / "map_loader.js").read_text("utf-8")
    png = static_map_png(plan, dpi=_PRINT_MAP_DPI, paper="A4", color_by=color_by)
    return {
        "payload": _raw(payload),
        "loader": _raw(script_tag(loader)),
        "print_png": base64.b64encode(png).decode("ascii"),
    }


# -- charts --------------------------------------------------------------------------------------------


def _nice_step(span: float, ticks: int = 5) -> float:
    if span <= 0:
        return 1.0
    raw = span / ticks
    mag = 10 ** math.floor(math.log10(raw))
    for m in (1, 2, 2.5, 5, 10):
        if raw <= m * mag:
            return m * mag
    return 10 * mag


def _dec(step: float) -> int:
    return 0 if step >= 1 else max(0, -math.floor(math.log10(step)) + (1 if step * 10 % 1 else 0))


def _chart_rows(
    rows: Sequence[tuple[str, Sequence[float | None]]],
    series: Sequence[tuple[str, str]],
    *,
    x: Any,
    unit: str,
) -> list[dict[str, Any]]:
    group_h = _BAR_H * len(series) + _GAP
    out = []
    for i, (label, vals) in enumerate(rows):
        y0 = _TOP + i * group_h
        bars = []
        for j, ((name, color), v) in enumerate(zip(series, vals, strict=False)):
            y = y0 + j * _BAR_H
            ok = v is not None and math.isfinite(v)
            v = float(v) if ok else 0.0  # type: ignore[arg-type]
            w = max(x(v) - _LABEL_W, 0.5) if ok else 0.0
            bars.append(
                {
                    "name": name,
                    "color": color,
                    "y": y,
                    "value": v if ok else None,
                    "w": f"{w:.1f}",
                    "text_x": f"{_LABEL_W + w + 4:.1f}",
                    "tip": f"{label}: {name} {format_number(v)} {unit}".strip() if ok else "",
                }
            )
        out.append(
            {
                "label": label,
                "shown": label if len(label) <= _LABEL_CHARS else label[: _LABEL_CHARS - 1] + "…",
                "label_y": f"{y0 + _BAR_H * len(series) / 2 + 4:.1f}",
                "bars": bars,
            }
        )
    return out


def bar_chart_svg(
    rows: Sequence[tuple[str, Sequence[float | None]]],
    *,
    series: Sequence[tuple[str, str]],
    unit: str = "",
    title: str = "",
    width: int = 900,
) -> str:
    """Return a horizontal grouped bar chart as inline SVG (the template ``bar_chart.svg``).

    Parameters
    ----------
    rows
        ``(label, values)`` per row, one value per series (None for no bar).
    series
        ``(name, colour)`` per series, for the bars and the legend.
    unit
        Unit shown in bar tooltips and on the axis.
    title
        The chart's title (also its accessible name).
    width
        Width in pixels of the drawing.

    Returns
    -------
    str
        An ``<svg>`` element; every label is escaped.
    """
    height = _TOP + max(len(rows), 1) * (_BAR_H * len(series) + _GAP) + 30
    values = [v for _, vs in rows for v in vs if v is not None and math.isfinite(v)]
    vmax = max(values) if values else 1.0
    step = _nice_step(vmax)
    axis_max = step * math.ceil(vmax / step) if vmax > 0 else 1.0
    plot_w = width - _LABEL_W - _RIGHT

    def x(v: float) -> float:
        return _LABEL_W + plot_w * (v / axis_max)

    legend, lx = [], _LABEL_W
    for name, color in series:
        legend.append({"name": name, "color": color, "x": lx})
        lx += 30 + 7 * len(name)
    ticks, t = [], 0.0
    while t <= axis_max + 1e-9:
        ticks.append({"x": f"{x(t):.1f}", "label": format_number(t, digits=_dec(step))})
        t += step
    chart = {
        "width": width,
        "height": height,
        "title": title,
        "legend": legend,
        "ticks": ticks,
        "top": _TOP,
        "label_w": _LABEL_W,
        "bar_h": _BAR_H,
        "rows": _chart_rows(rows, series, x=x, unit=unit),
    }
    return render("planning.report", "bar_chart.svg", c=chart)
