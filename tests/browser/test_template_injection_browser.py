"""Template payloads in data show as text in a real browser (Debian chromium, network blocked).

The files are written by the command line from a GeoJSON whose every text field, and whose own
file name, holds Jinja2 syntax (issue 9, part 1); the page must show each text unchanged in the
popup, the tooltip, the search results, the layer control and the summary panel, and the
payload that would make a folder must have made none.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.browser

#: Evaluated, a syntax error, and code that would make a folder ``pwned`` (no quotes needed).
NAME = "CCN {{7*7}} {% for x in y %} {# x"
COMMUNE = "{{ cycler.__init__.__globals__.os.mkdir(dict(pwned=1)|join) }}"
STATUS = "{%- raw %}{{ x }} 100% #1"
ZONE = "Zone {{ 6*7 }} {#"


def _ready(frame: Any) -> None:
    frame.wait_for_function("window.planningMaps && window.planningMaps.length > 0", timeout=15_000)


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    from planning.cli import main
    from planning.testing import district_point

    folder = tmp_path_factory.mktemp("template")
    code, x, y = district_point("Thạch Thất")

    def feature(props: dict[str, Any], lon: float, d: float) -> dict[str, Any]:
        ring = [[lon, y], [lon + d, y], [lon + d, y + d], [lon, y + d], [lon, y]]
        return {
            "type": "Feature",
            "properties": props,
            "geometry": {"type": "Polygon", "coordinates": [ring]},
        }

    def write(path: Path, features: list[dict[str, Any]]) -> Path:
        path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), "utf-8")
        return path

    cluster = {
        "cluster_id": "T1",
        "name_vi": NAME,
        # A commune must be one of its district's (an unknown one is a row fault), so the
        # payload that would make a folder rides in the status, also shown in the popup.
        "commune_vi": "Phùng Xá",
        "district_vi": "Thạch Thất",
        "district_code": code,
        "status": f"{STATUS} {COMMUNE}",
        "declared_ha": 10.0,
    }
    clusters = write(folder / "a{{7*7}}b {#.geojson", [feature(cluster, x, 0.003)])
    zones = write(
        folder / "zones.geojson",
        [feature({"zone_id": "Z", "name_vi": ZONE, "declared_ha": 100.0}, x - 0.03, 0.01)],
    )
    moved = write(
        folder / "new {% x %}.geojson", [feature({**cluster, "declared_ha": 20.0}, x + 0.01, 0.003)]
    )
    out = {
        "map": folder / "map.html",
        "report": folder / "report.html",
        "diff": folder / "diff.html",
    }
    common = ["--zones", str(zones), "--partial"]
    assert main(["map", str(clusters), *common, "-o", str(out["map"])]) == 0
    assert main(["report", str(clusters), *common, "-o", str(out["report"])]) == 0
    assert main(["map", "--diff", str(clusters), str(moved), *common, "-o", str(out["diff"])]) == 0
    out["folder"] = folder
    return out


def _check_map(frame: Any, layer: str, *, file_name: str) -> None:
    _ready(frame)
    # the search finds the cluster by its literal name and lists it unchanged
    frame.locator(".planning-search-input").fill("{{7*7}}")
    hit = frame.locator(".planning-search-hit").first
    hit.wait_for()
    assert NAME in hit.inner_text()
    hit.click()
    frame.wait_for_selector(".leaflet-popup-content", timeout=5_000)
    popup = frame.inner_text(".leaflet-popup-content")
    assert NAME in popup and "49" not in popup
    # the tooltip, the panel (the plan's name is the file's) and the layer control
    tips = frame.evaluate(
        """(layer) => { const out = [];
            planningMaps[0].layers[layer].eachLayer(l => { if (l.getTooltip()) {
                // cluster tooltips are built on hover (a function giving a node), others are HTML
                let c = l.getTooltip().getContent();
                if (typeof c === 'function') { c = c(l); }
                const d = document.createElement('div');
                if (c instanceof Node) { d.appendChild(c); } else { d.innerHTML = c; }
                out.push(d.textContent); } });
            return out; }""",
        layer,
    )
    assert any(NAME in t for t in tips), tips
    # (read as text: on a small screen, or in the report's frame, the panel starts folded)
    panel = frame.evaluate(
        "document.querySelector('.planning-panel .planning-box-body').textContent"
    )
    assert file_name in panel
    assert file_name in frame.title()


def test_map_shows_payloads_as_text(visit, files):
    v = visit(files["map"])
    page = v.page
    _check_map(page, "clusters", file_name="a{{7*7}}b {#.geojson")
    popup = page.inner_text(".leaflet-popup-content")
    assert COMMUNE in popup and STATUS in popup
    assert ZONE in page.inner_text(".leaflet-control-layers")  # the zone layer's label
    assert not list(files["folder"].rglob("pwned*"))
    v.assert_clean()


def test_report_map_shows_payloads_as_text(visit, files):
    v = visit(files["report"], height=900)
    page = v.page
    assert "a{{7*7}}b {#.geojson" in page.inner_text("h1")
    frame = next(f for f in page.frames if f.url == "about:srcdoc")
    _check_map(frame, "clusters", file_name="a{{7*7}}b {#.geojson")
    assert not list(files["folder"].rglob("pwned*"))
    v.assert_clean()


def test_diff_map_shows_payloads_as_text(visit, files):
    v = visit(files["diff"])
    page = v.page
    _check_map(page, "moved", file_name="new {% x %}.geojson")
    assert "a{{7*7}}b {#.geojson" in page.inner_text(".planning-panel")
    assert not list(files["folder"].rglob("pwned*"))
    v.assert_clean()
