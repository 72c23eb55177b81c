"""The check report as one self-contained HTML page: summary, findings, charts, map, sources.

:func:`render_report_html` returns the page and :func:`write_report` writes it atomically.
The page needs no network: its style sheet is inline, its charts are inline SVG drawn here
(no plotting library), and the map from :func:`planning.maps.api.make_map` is embedded in an
``<iframe>`` whose document is carried inside the page. For print, the page also carries the
static map of :mod:`planning.maps.printmap` as a PNG ``data:`` URI, which its print style sheet
shows where the interactive map is. Every value from data is escaped.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Sequence
from os import PathLike
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from planning.maps.api import ColorBy, TilesOption
    from planning.model.plan import Plan
    from planning.report.core import Report

__all__ = ["bar_chart_svg", "render_report_html", "write_report"]

PathType = str | PathLike[str]

_DECLARED = "#0072B2"
_MEASURED = "#E69F00"

_CSS = """
:root { color-scheme: light; --fg: #1d1d1f; --muted: #5b5b60; --line: #dcdcdc; --bg: #fafaf7; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", Arial, sans-serif; color: var(--fg); background: var(--bg); }
header, main, footer { max-width: 1100px; margin: 0 auto; padding: 0 20px; }
header { padding-top: 24px; }
h1 { font-size: 26px; margin: 0 0 6px; }
h2 { font-size: 20px; margin: 32px 0 10px; padding-top: 6px; border-top: 2px solid var(--line); }
h3 { font-size: 16px; margin: 14px 0 6px; }
nav ul { list-style: none; padding: 0; margin: 8px 0 0; display: flex; flex-wrap: wrap; gap: 6px 16px; }
nav a { color: #0b5cad; }
.verdict { font-size: 17px; font-weight: 600; padding: 8px 12px; border-radius: 6px; display: inline-block; }
.verdict.ok { background: #e3f4e8; color: #0f5a2a; }
.verdict.failed { background: #fde7e9; color: #8c1020; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(180px, 1fr)); gap: 10px; margin: 12px 0; }
.card { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 10px 12px; }
.card .n { font-size: 22px; font-weight: 700; }
.card .l { color: var(--muted); font-size: 13px; }
.caveats li { margin: 3px 0; color: #6b4100; }
table { border-collapse: collapse; width: 100%; background: #fff; }
th, td { text-align: left; padding: 5px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { background: #f1f1ee; font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.status { display: inline-block; min-width: 48px; text-align: center; font-size: 12px; font-weight: 700; border-radius: 4px; padding: 1px 6px; text-transform: uppercase; }
.status-pass { background: #e3f4e8; color: #0f5a2a; }
.status-fail { background: #fde7e9; color: #8c1020; }
.status-warn { background: #fff3cd; color: #6b4100; }
.status-skip { background: #eee; color: #555; }
.rule { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 8px 12px; margin: 8px 0; }
.rule h3 { margin: 0 0 4px; display: flex; gap: 8px; align-items: baseline; flex-wrap: wrap; }
.rule .code { font-family: ui-monospace, Menlo, Consolas, monospace; }
.rule p { margin: 2px 0; color: var(--muted); }
.rule ul { margin: 6px 0 2px; padding-left: 20px; }
.sev-error { color: #8c1020; }
.sev-warning { color: #6b4100; }
.sev-info { color: #333; }
.chart { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 8px; margin: 10px 0; overflow-x: auto; }
.chart svg { display: block; max-width: 100%; height: auto; }
.chart figcaption { color: var(--muted); font-size: 13px; margin: 4px 4px 0; }
.mapframe { width: 100%; height: 680px; border: 1px solid var(--line); border-radius: 8px; background: #f3f1ec; }
.sources li { margin: 3px 0; overflow-wrap: anywhere; }
footer { color: var(--muted); font-size: 13px; padding-bottom: 30px; margin-top: 30px; }
.printmap { display: none; }
@media print {
  .mapframe { display: none; } nav { display: none; } noscript { display: none; }
  .printmap { display: block; width: 100%; height: auto; border: 1px solid var(--line); }
  #map { break-before: page; break-inside: avoid; }
}
"""

# Sets the iframe's document from the JSON string in the page (no network, no blob URL).
_MAP_LOADER = """
(function () {
  var src = document.getElementById("planning-map-source");
  var frame = document.getElementById("planning-map-frame");
  if (src && frame) { frame.srcdoc = JSON.parse(src.textContent); }
})();
"""


def render_report_html(
    plan: Plan,
    *,
    report: Report | None = None,
    tiles: TilesOption = "none",
    color_by: ColorBy = "status",
    include_map: bool = True,
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
        Embed the interactive map (needs the ``maps`` extra).

    Returns
    -------
    str
        The HTML document (UTF-8 text).
    """
    from planning._version import __version__
    from planning.report.core import area_tables, check

    if report is None:
        report = check(plan)
    d = report.to_dict()
    s = d["summary"]
    title = f"Check report: {plan.name}"
    failed = s["rules_fail"]
    verdict = (
        f'<p class="verdict failed" data-verdict="failed">{failed} rule{"s" if failed != 1 else ""} '
        "failed</p>"
        if failed
        else '<p class="verdict ok" data-verdict="ok">No rule failed</p>'
    )
    tables = area_tables(plan)
    parts: list[str] = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(title)}</title>",
        _style(_CSS),
        "</head>",
        "<body>",
        "<header>",
        f"<h1>{_e(title)}</h1>",
        verdict,
        "<nav><ul>"
        + "".join(
            f'<li><a href="#{k}">{_e(v)}</a></li>'
            for k, v in (
                ("summary", "Summary"),
                ("caveats", "Caveats"),
                ("rules", "Findings by rule"),
                ("charts", "Charts"),
                ("map", "Map"),
                ("figures", "The plan's figures"),
                ("sources", "Sources"),
            )
            if include_map or k != "map"
        )
        + "</ul></nav>",
        "</header>",
        "<main>",
        _summary_section(report, d),
        _caveats_section(report.notes, report.reader_notes),
        _rules_section(report),
        _charts_section(tables),
    ]
    if include_map:
        parts.append(_map_section(plan, report, tiles=tiles, color_by=color_by))
    parts += [
        _figures_section(d),
        _sources_section(report.attributions),
        "</main>",
        f"<footer>Written by planning {_e(__version__)}. Areas are geodesic (WGS 84) unless stated; "
        "indicative footprints have their declared area by construction.</footer>",
        "</body>",
        "</html>",
    ]
    return "\n".join(parts) + "\n"


def write_report(
    plan: Plan,
    path: PathType,
    *,
    report: Report | None = None,
    tiles: TilesOption = "none",
    color_by: ColorBy = "status",
    protect: Iterable[PathType] = (),
) -> Path:
    """Write the HTML check report of a plan, atomically.

    Parameters
    ----------
    plan
        The plan.
    path
        Where to write the ``.html`` file (``"-"``: standard output).
    report, tiles, color_by
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

    text = render_report_html(plan, report=report, tiles=tiles, color_by=color_by)
    return Path(atomic_write(path, text, protect=list(protect)))


# -- sections ------------------------------------------------------------------------------------------


def _e(value: object) -> str:
    """Escape a value for HTML text or a quoted attribute, template delimiters too.

    The page is not a template, but data on it stays inert if it ever becomes one
    (see :mod:`planning._safetext`).
    """
    from planning._safetext import html_text

    return html_text(value)


def _style(css: str) -> str:
    from planning.maps._assets import style_tag

    return style_tag(css)


def _card(n: str, label: str, key: str) -> str:
    return (
        f'<div class="card" data-figure="{_e(key)}"><div class="n">{_e(n)}</div>'
        f'<div class="l">{_e(label)}</div></div>'
    )


def _summary_section(report: Report, d: dict[str, Any]) -> str:
    from planning.report.core import coverage_sentence

    s = d["summary"]
    c = report.coverage
    loaded = int(c.get("clusters_loaded", 0))
    planned = c.get("clusters_planned")
    ha = float(c.get("ha_declared", 0.0))
    ha_planned = c.get("ha_planned")
    cards = [
        _card(f"{s['rules_fail']} of {s['rules_run']}", "rules failed", "failed"),
        _card(str(s["rules_pass"]), "rules passed", "passed"),
        _card(str(s["rules_warn"]), "rules with warnings", "warned"),
        _card(str(s["rules_skip"]), "rules not applicable", "skipped"),
        _card(
            f"{loaded:,}" + (f" of {planned:,}" if planned else ""),
            "clusters loaded",
            "clusters",
        ),
        _card(
            f"{ha:,.1f}" + (f" of {ha_planned:,.1f}" if ha_planned else "") + " ha",
            "declared area loaded",
            "ha",
        ),
    ]
    return (
        '<section id="summary"><h2>Summary</h2>'
        f'<div class="cards">{"".join(cards)}</div>'
        f"<p>{_e(coverage_sentence(c))} Area tolerance: ±{_e(format(s['tolerance_pct'], 'g'))} %. "
        f"{_e(s['findings'])} finding(s) in all.</p></section>"
    )


def _caveats_section(notes: Sequence[str], reader_notes: Sequence[str] = ()) -> str:
    items = "".join(f"<li>{_e(n)}</li>" for n in notes)
    out = f'<section id="caveats"><h2>Caveats</h2><ul class="caveats">{items}</ul>'
    if reader_notes:
        read = "".join(f"<li>{_e(n)}</li>" for n in reader_notes)
        out += f'<h3>Reading the input</h3><ul class="reader-notes">{read}</ul>'
    return out + "</section>"


def _rules_section(report: Report) -> str:
    out = ['<section id="rules"><h2>Findings by rule</h2>']
    out.append(
        '<table class="rule-table"><thead><tr><th>rule</th><th>status</th><th>title</th>'
        '<th class="num">findings</th></tr></thead><tbody>'
    )
    for r in report.results:
        out.append(
            f'<tr><td><a href="#rule-{_e(r.rule.code)}">{_e(r.rule.code)}</a></td>'
            f'<td><span class="status status-{_e(r.status)}">{_e(r.status)}</span></td>'
            f'<td>{_e(r.rule.title)}</td><td class="num">{len(r.findings)}</td></tr>'
        )
    out.append("</tbody></table>")
    for r in report.results:
        out.append(
            f'<article class="rule" id="rule-{_e(r.rule.code)}" data-status="{_e(r.status)}">'
            f'<h3><span class="code">{_e(r.rule.code)}</span>'
            f'<span class="status status-{_e(r.status)}">{_e(r.status)}</span>'
            f"<span>{_e(r.rule.title)}</span></h3>"
            f"<p>{_e(r.rule.severity)} rule, family {_e(r.rule.family)}. "
            f"What was checked: {_e(r.explanation)}</p>"
        )
        if r.findings:
            out.append("<ul>")
            for f in r.findings:
                who = f" [{_e(f.cluster_id)}]" if f.cluster_id else ""
                out.append(
                    f'<li class="sev-{_e(f.severity)}"><b>{_e(f.severity)}</b>{who}: '
                    f"{_e(f.message)}</li>"
                )
            out.append("</ul>")
        out.append("</article>")
    out.append("</section>")
    return "".join(out)


def _charts_section(tables: dict[str, Any]) -> str:
    dist = tables["districts"]
    dist = dist[(dist["clusters"] > 0)].sort_values("declared_ha", ascending=False)
    rows1 = [
        (
            f"{r.district_vi} ({int(r.clusters)})",
            [float(r.declared_ha), float(r.measured_ha)],
        )
        for r in dist.itertuples()
    ]
    cl = tables["clusters"]
    with_area = cl[cl["declared_ha"].notna() | cl["measured_ha"].notna()]
    with_area = with_area.sort_values("declared_ha", ascending=False)
    rows2 = [
        (
            f"{r.name_vi} ({r.cluster_id})",
            [_num(r.declared_ha), _num(r.measured_ha)],
        )
        for r in with_area.itertuples()
    ]
    no_area = cl[cl["declared_ha"].isna() & cl["measured_ha"].isna()]
    series = [("declared", _DECLARED), ("measured (geodesic)", _MEASURED)]
    out = ['<section id="charts"><h2>Charts</h2>']
    out.append('<figure class="chart" id="chart-districts">')
    out.append(
        bar_chart_svg(
            rows1,
            series=series,
            unit="ha",
            title="Cluster area per district (ha)",
        )
    )
    out.append(
        "<figcaption>Declared and measured area of the loaded clusters in each district; the "
        "number of clusters is in brackets. Districts without a loaded cluster are left out."
        "</figcaption></figure>"
    )
    out.append('<figure class="chart" id="chart-clusters">')
    out.append(
        bar_chart_svg(
            rows2,
            series=series,
            unit="ha",
            title="Declared vs measured area per cluster (ha)",
        )
    )
    caption = (
        "Declared area as published and area measured on the cluster's geometry. An indicative "
        "footprint is a circle of the declared area, so its two bars are equal by construction."
    )
    if len(no_area):
        names = ", ".join(
            f"{n} ({i})" for n, i in zip(no_area["name_vi"], no_area["cluster_id"], strict=True)
        )
        caption += f" Not shown, no published area and no outline: {names}."
    out.append(f"<figcaption>{_e(caption)}</figcaption></figure>")
    out.append(_cluster_table(cl))
    out.append("</section>")
    return "".join(out)


def _num(x: Any) -> float | None:
    try:
        v = float(x)
    except (TypeError, ValueError):
        return None
    return v if math.isfinite(v) else None


def _fmt(x: Any, digits: int = 2) -> str:
    v = _num(x)
    return "—" if v is None else f"{v:,.{digits}f}"


def _cluster_table(cl: Any) -> str:
    rows = []
    for r in cl.itertuples():
        rows.append(
            f"<tr><td>{_e(r.cluster_id)}</td><td>{_e(r.name_vi)}</td><td>{_e(r.district_vi)}</td>"
            f'<td>{_e(r.geometry_kind)}</td><td class="num">{_fmt(r.declared_ha)}</td>'
            f'<td class="num">{_fmt(r.measured_ha)}</td><td class="num">{_fmt(r.measured_ha_vn2000)}</td>'
            f'<td class="num">{_fmt(r.difference_pct, 1)}</td></tr>'
        )
    return (
        "<details><summary>Area table (ha)</summary><table><thead><tr><th>id</th><th>name</th>"
        '<th>district</th><th>geometry</th><th class="num">declared</th>'
        '<th class="num">geodesic</th><th class="num">VN-2000</th><th class="num">diff. %</th>'
        f"</tr></thead><tbody>{''.join(rows)}</tbody></table></details>"
    )


def _map_section(plan: Plan, report: Report, *, tiles: TilesOption, color_by: ColorBy) -> str:
    from planning.maps.api import make_map, render_map_html

    doc = render_map_html(make_map(plan, report=report, tiles=tiles, color_by=color_by))
    # A JSON string in a non-executed script element: "<" is escaped, so nothing in the map's
    # document can end the element; the loader hands it to the iframe as its srcdoc.
    payload = (
        json.dumps(doc, ensure_ascii=False)
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )
    from planning.maps._assets import script_tag

    return (
        '<section id="map"><h2>Map</h2>'
        "<p>Districts, clusters and Hoa Lac Hi-Tech Park. Dashed outlines are indicative "
        "footprints, not boundaries; click a cluster for its facts and findings.</p>"
        '<iframe id="planning-map-frame" class="mapframe" title="Map of the plan" '
        'allow="fullscreen"></iframe>'
        f"{_print_map_img(plan, color_by=color_by)}"
        "<noscript><p>The map needs JavaScript.</p></noscript>"
        f'<script type="application/json" id="planning-map-source">{payload}</script>'
        f"{script_tag(_MAP_LOADER)}</section>"
    )


# Resolution of the static map the report carries for print (A4 landscape, dots per inch).
_PRINT_MAP_DPI = 130


def _print_map_img(plan: Plan, *, color_by: ColorBy) -> str:
    """Return the static map as an ``<img>`` with a PNG ``data:`` URI, shown only in print."""
    import base64

    from planning.maps.printmap import static_map_png

    png = static_map_png(plan, dpi=_PRINT_MAP_DPI, paper="A4", color_by=color_by)
    data = base64.b64encode(png).decode("ascii")
    return (
        '<img id="planning-print-map" class="printmap" alt="Map of the plan (static, for print)" '
        f'src="data:image/png;base64,{data}">'
    )


def _figures_section(d: dict[str, Any]) -> str:
    rows = []
    for f in d["figures"]:
        ver = "" if f.get("verified") else ' <span class="status status-warn">unverified</span>'
        if f.get("verified") and not f.get("attributed", True):
            ver = ' <span class="status status-warn">outlet unknown</span>'
        note = f"<br><small>{_e(f['note'])}</small>" if f.get("note") else ""
        rows.append(
            f'<tr><td>{_e(f["label"])}{note}</td><td class="num">{_e(f["formatted"])}</td>'
            f"<td>{_linkify(str(f['source']))}{ver}</td></tr>"
        )
    tree = []
    for n in d["category_tree"]:
        pad = 14 * int(n.get("depth", 0))
        tree.append(
            f'<tr><td style="padding-left:{pad + 8}px">{_e(n["label"])}</td>'
            f'<td class="num">{_e(n.get("clusters_text", ""))}</td>'
            f'<td class="num">{_e(n.get("ha_text", ""))}</td><td>{_e(n.get("check_text", ""))}</td></tr>'
        )
    return (
        '<section id="figures"><h2>The plan\'s figures</h2><table><thead><tr><th>figure</th>'
        '<th class="num">value</th><th>source</th></tr></thead><tbody>'
        + "".join(rows)
        + "</tbody></table><h3>Category tree</h3><table><thead><tr><th>node</th>"
        '<th class="num">clusters</th><th class="num">ha</th><th>children add up</th></tr></thead>'
        "<tbody>" + "".join(tree) + "</tbody></table></section>"
    )


def _linkify(text: str) -> str:
    from planning.maps.api import linkify

    return linkify(text)


def _sources_section(attributions: Sequence[str]) -> str:
    items = "".join(f"<li>{_linkify(a)}</li>" for a in attributions)
    return (
        f'<section id="sources"><h2>Sources</h2><ul class="sources">{items}'
        "<li>Map library: Leaflet (BSD-2-Clause), inlined in the page.</li></ul></section>"
    )


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


def bar_chart_svg(
    rows: Sequence[tuple[str, Sequence[float | None]]],
    *,
    series: Sequence[tuple[str, str]],
    unit: str = "",
    title: str = "",
    width: int = 900,
) -> str:
    """Return a horizontal grouped bar chart as inline SVG.

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
    label_w = 260
    right = 70
    bar_h = 9
    gap = 8
    top = 48
    group_h = bar_h * len(series) + gap
    height = top + max(len(rows), 1) * group_h + 30
    values = [v for _, vs in rows for v in vs if v is not None and math.isfinite(v)]
    vmax = max(values) if values else 1.0
    step = _nice_step(vmax)
    axis_max = step * math.ceil(vmax / step) if vmax > 0 else 1.0
    plot_w = width - label_w - right

    def x(v: float) -> float:
        return label_w + plot_w * (v / axis_max)

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" role="img" aria-label="{_e(title)}" font-family="system-ui, sans-serif" '
        'font-size="12">',
        f'<text x="8" y="18" font-size="14" font-weight="600">{_e(title)}</text>',
    ]
    lx = label_w
    for name, color in series:
        out.append(f'<rect x="{lx}" y="26" width="12" height="10" fill="{_e(color)}"/>')
        out.append(f'<text x="{lx + 16}" y="35">{_e(name)}</text>')
        lx += 30 + 7 * len(name)
    t = 0.0
    while t <= axis_max + 1e-9:
        xx = x(t)
        out.append(
            f'<line x1="{xx:.1f}" y1="{top - 4}" x2="{xx:.1f}" y2="{height - 24}" stroke="#e3e3e3"/>'
        )
        out.append(
            f'<text x="{xx:.1f}" y="{height - 10}" text-anchor="middle" fill="#555">{t:,.{_dec(step)}f}</text>'
        )
        t += step
    if not rows:
        out.append(f'<text x="{label_w}" y="{top + 12}" fill="#555">nothing to show</text>')
    for i, (label, vals) in enumerate(rows):
        y0 = top + i * group_h
        shown = label if len(label) <= 40 else label[:39] + "…"
        out.append(
            f'<text x="{label_w - 6}" y="{y0 + bar_h * len(series) / 2 + 4:.1f}" text-anchor="end">'
            f"<title>{_e(label)}</title>{_e(shown)}</text>"
        )
        for j, ((name, color), v) in enumerate(zip(series, vals, strict=False)):
            y = y0 + j * bar_h
            if v is None or not math.isfinite(v):
                out.append(
                    f'<text x="{label_w + 3}" y="{y + bar_h - 1}" font-size="9" fill="#777">'
                    f"{_e(name)}: n/a</text>"
                )
                continue
            w = max(x(v) - label_w, 0.5)
            tip = f"{label}: {name} {v:,.2f} {unit}".strip()
            out.append(
                f'<rect class="bar" x="{label_w}" y="{y}" width="{w:.1f}" height="{bar_h - 1}" '
                f'fill="{_e(color)}"><title>{_e(tip)}</title></rect>'
            )
            out.append(
                f'<text x="{label_w + w + 4:.1f}" y="{y + bar_h - 1}" font-size="9" fill="#333">'
                f"{v:,.2f}</text>"
            )
    out.append(
        f'<line x1="{label_w}" y1="{top - 4}" x2="{label_w}" y2="{height - 24}" stroke="#888"/>'
    )
    out.append("</svg>")
    return "".join(out)


def _dec(step: float) -> int:
    return 0 if step >= 1 else max(0, -math.floor(math.log10(step)) + (1 if step * 10 % 1 else 0))
