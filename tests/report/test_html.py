"""The HTML report: one self-contained page with summary, findings, charts, map and sources."""

from __future__ import annotations

import json
import re

import pytest

from planning._safetext import html_text
from planning.cli import main
from planning.errors import PlanDataError
from planning.report import html as htmlreport
from planning.testing import district_point, external_resources, make_plan, square

pytest.importorskip("folium")


@pytest.fixture(scope="module", autouse=True)
def _english():
    """The assertions below read English text: reports default to Vietnamese."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PLANNING_LANG", "en")
        yield


@pytest.fixture(scope="module")
def bundled():
    import planning

    return planning.load_plan()


@pytest.fixture(scope="module")
def page(bundled):
    return htmlreport.render_report_html(bundled)


def _map_doc(text: str) -> str:
    m = re.search(
        r'<script type="application/json" id="planning-map-source">(.*?)</script>', text, re.S
    )
    assert m, "the map's document is not embedded"
    return json.loads(m.group(1))


def test_report_is_self_contained(page):
    assert page.startswith("<!DOCTYPE html>")
    assert '<meta charset="utf-8">' in page[:200]
    assert external_resources(page) == []
    assert external_resources(_map_doc(page)) == []
    assert "cdn." not in page.lower()


def test_report_sections(page, bundled):
    for section in ("summary", "caveats", "rules", "charts", "map", "figures", "sources"):
        assert f'<section id="{section}">' in page
    # findings rule by rule, each rule once
    from planning.report.core import check

    report = check(bundled)
    for r in report.results:
        assert page.count(f'id="rule-{r.rule.code}"') == 1
    for note in bundled.notes():
        assert html_text(note) in page
    assert "75 of 159" in page
    assert "Khu công nghệ cao Hòa Lạc" in _map_doc(page) or "Hoa Lac" in _map_doc(page)


def test_charts_are_inline_svg(page, bundled):
    charts = page[page.index('<section id="charts">') : page.index('<section id="map">')]
    assert charts.count("<svg") == 2
    # one bar per series per district with clusters; clusters with an area get theirs, and
    # an indicative footprint only its declared one: its "measured" area is not a measurement
    kind = bundled.clusters["geometry_kind"]
    n_measured = int(kind.isin(["surveyed", "digitized"]).sum())
    n_indicative = int(kind.eq("indicative").sum())
    cluster_chart = charts[charts.index('id="chart-clusters"') :]
    assert cluster_chart.count('class="bar"') == 2 * n_measured + n_indicative
    assert n_indicative and "measured (geodesic): n/a" in cluster_chart
    assert "Đông Anh" in charts


def test_bar_chart_escapes_and_handles_missing_values():
    svg = htmlreport.bar_chart_svg(
        [("<b>x</b>", [1.0, None]), ("y", [2.5, 3.0])],
        series=[("declared", "#000"), ("measured", "#111")],
        unit="ha",
        title="<t>",
    )
    assert "<b>x</b>" not in svg and "&lt;b&gt;x&lt;/b&gt;" in svg
    assert svg.count('class="bar"') == 3
    assert "measured: n/a" in svg
    assert htmlreport.bar_chart_svg([], series=[("a", "#000")]).startswith("<svg")


def test_report_escapes_data():
    code, x, y = district_point("Thạch Thất")
    plan = make_plan(
        [
            {
                "cluster_id": "A",
                "name_vi": "<img src=x onerror=alert(1)>",
                "district_vi": "Thạch Thất",
                "district_code": code,
                "geometry": square(x, y, 10),
                "declared_ha": 20.0,
            }
        ]
    )
    plan.name = "<script>alert(2)</script>"
    text = htmlreport.render_report_html(plan)
    assert "<img src=x" not in text
    assert "<script>alert(2)" not in text
    assert "&lt;img src=x onerror=alert(1)&gt;" in text
    doc = _map_doc(text)
    assert "<img src=x" not in doc


def test_write_report_protects_inputs(tmp_path, bundled):
    src = tmp_path / "clusters.geojson"
    src.write_text("{}", encoding="utf-8")
    with pytest.raises(PlanDataError):
        htmlreport.write_report(bundled, src, protect=[src])
    assert src.read_text(encoding="utf-8") == "{}"


def test_cli_map_and_report(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["map"]) == 0
    default = tmp_path / "planning-map.html"
    assert default.is_file() and default.stat().st_size < 1_500_000
    assert main(["map", "-o", "cat.html", "--color-by", "category", "--tiles", "osm"]) == 0
    text = (tmp_path / "cat.html").read_text(encoding="utf-8")
    assert "tile.openstreetmap.org" in text
    assert main(["report", "-o", "report.html"]) == 0
    assert '<section id="rules">' in (tmp_path / "report.html").read_text(encoding="utf-8")


def test_cli_never_overwrites_an_input(tmp_path, capsys, repo_root):
    import shutil

    src = tmp_path / "clusters.csv"
    shutil.copy(repo_root / "geodata" / "clusters.csv", src)
    before = src.read_bytes()
    assert main(["map", str(src), "-o", str(src)]) == 2
    assert main(["report", str(src), "-o", str(src)]) == 2
    assert src.read_bytes() == before
    assert "input" in capsys.readouterr().err
