"""The map and the report in a real browser (Debian chromium, network blocked).

Every test opens a file written by ``planning map`` / ``planning report`` (or by the library for
the escaping test), blocks every request other than the file itself, and ends by checking that
the page used no network and logged no console error.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import cluster_point

pytestmark = pytest.mark.browser

PHUNG_XA = "CCN đồ mộc dân dụng Phùng Xá"
# A cluster alone on its spot (two Phùng Xá clusters share their commune's point).
CANH_NAU = "CCN Canh Nậu"


def _ready(frame: Any) -> None:
    frame.wait_for_function("window.planningMaps && window.planningMaps.length > 0", timeout=15_000)


def _counts(frame: Any) -> dict[str, int]:
    return frame.evaluate(
        """() => ({
            districts: document.querySelectorAll('path.planning-district').length,
            clusters: document.querySelectorAll('path.planning-cluster-shape').length,
            indicative: document.querySelectorAll('path.planning-cluster-shape.planning-indicative').length,
            points: document.querySelectorAll('path.planning-cluster-shape.planning-point').length,
            dots: document.querySelectorAll('path.planning-cluster-dot').length,
            zones: document.querySelectorAll('path.planning-zone').length,
        })"""
    )


def _latlng_point(frame: Any, lat: float, lng: float) -> tuple[float, float]:
    x, y = frame.evaluate(
        """([lat, lng]) => {
            const m = planningMaps[0].map;
            const pt = m.latLngToContainerPoint([lat, lng]);
            const box = m.getContainer().getBoundingClientRect();
            return [box.left + pt.x, box.top + pt.y];
        }""",
        [lat, lng],
    )
    return float(x), float(y)


def _popup_text(frame: Any) -> str:
    frame.wait_for_selector(".leaflet-popup-content", timeout=5_000)
    return frame.inner_text(".leaflet-popup-content")


def _cluster_id(plan: Any, name: str) -> str:
    return str(plan.clusters.loc[plan.clusters["name_vi"].eq(name), "cluster_id"].iloc[0])


# -- the map written by `planning map` ------------------------------------------------------------------


def test_map_loads_offline_and_draws_every_shape(visit, cli_outputs, bundled_plan, artifacts):
    v = visit(cli_outputs["map"])
    page = v.page
    _ready(page)
    assert page.evaluate("typeof window.L") == "object"
    assert page.evaluate("L.version") == "1.9.4"
    c = _counts(page)
    cl = bundled_plan.clusters
    assert c["districts"] == len(bundled_plan.districts) == 30
    assert c["clusters"] == len(cl)
    assert c["indicative"] == int(cl["geometry_kind"].eq("indicative").sum())
    assert c["points"] == int(cl["geometry_kind"].eq("point").sum())
    assert c["dots"] == int((~cl["geometry_kind"].eq("point")).sum())
    assert c["zones"] == len(bundled_plan.zones) == 1
    assert page.get_attribute(".planning-map", "data-districts") == "30"
    # controls: layers, search, full screen, measure, scale, minimap, summary, legend
    for sel in (
        ".leaflet-control-layers",
        ".planning-search-input",
        ".planning-fullscreen a",
        ".planning-measure a",
        ".leaflet-control-scale-line",
        ".planning-minimap .leaflet-container",
        ".planning-panel",
        ".planning-legend",
    ):
        assert page.locator(sel).count() == 1, sel
    panel = page.inner_text(".planning-panel")
    assert "75 of 159" in panel and "of 3,204.3 ha" in panel and "Rules failed" in panel
    assert "INDICATIVE" in panel  # the caveat is on the map itself
    attribution = page.inner_text(".leaflet-control-attribution")
    assert "OCHA" in attribution and "vietnam63" in attribution
    # Vietnamese renders as such (not mojibake)
    assert page.evaluate("document.characterSet") == "UTF-8"
    page.screenshot(path=str(artifacts / "map.png"))
    v.assert_clean()


def test_clicking_a_cluster_opens_its_popup(visit, cli_outputs, bundled_plan):
    v = visit(cli_outputs["map"])
    page = v.page
    _ready(page)
    cid = _cluster_id(bundled_plan, CANH_NAU)
    page.mouse.click(*cluster_point(page, cid, 16))
    text = _popup_text(page)
    assert CANH_NAU in text
    assert "Thạch Thất" in text and "Declared area" in text and "Measured area" in text
    assert "INDICATIVE" in text.upper()
    # a location-only cluster is a circle marker with its own popup
    point_id = str(
        bundled_plan.clusters.loc[
            bundled_plan.clusters["geometry_kind"].eq("point"), "cluster_id"
        ].iloc[0]
    )
    name = str(bundled_plan.clusters.set_index("cluster_id").loc[point_id, "name_vi"])
    page.mouse.click(*cluster_point(page, point_id, 15))
    page.wait_for_function(
        "n => document.querySelector('.leaflet-popup-content') && "
        "document.querySelector('.leaflet-popup-content').innerText.includes(n)",
        arg=name,
    )
    assert "location only" in _popup_text(page)
    # at city scale a dot marks each cluster, and clicking it opens the same popup
    page.keyboard.press("Escape")
    page.evaluate("planningMaps[0].map.setView([21.06, 105.55], 11, {animate: false})")
    dot = page.locator("path.planning-cluster-dot").first
    assert dot.is_visible()
    v.assert_clean()


def test_toggling_layers_hides_them(visit, cli_outputs, bundled_plan):
    v = visit(cli_outputs["map"])
    page = v.page
    _ready(page)
    overlays = page.locator(".leaflet-control-layers-overlays label")
    # districts, communes (2019), Hoa Lac, clusters, industrial parks, 2025 communes and wards
    assert overlays.count() == 6
    districts = overlays.filter(has_text="Districts").locator("input")
    districts.click()
    assert _counts(page)["districts"] == 0
    assert _counts(page)["clusters"] == len(bundled_plan.clusters)
    districts.click()
    assert _counts(page)["districts"] == 30
    clusters = overlays.filter(has_text="Clusters").locator("input")
    clusters.click()
    c = _counts(page)
    assert c["clusters"] == 0 and c["dots"] == 0 and c["districts"] == 30
    zone = overlays.filter(has_text="Hoa Lac").locator("input")
    zone.click()
    assert _counts(page)["zones"] == 0
    v.assert_clean()


def test_search_ignores_diacritics(visit, cli_outputs, artifacts):
    v = visit(cli_outputs["map"])
    page = v.page
    _ready(page)
    box = page.locator(".planning-search-input")
    box.fill("phung xa")
    hits = page.locator(".planning-search-hit")
    hits.first.wait_for()
    texts = hits.all_inner_texts()
    assert any(PHUNG_XA in t for t in texts), texts
    assert not any("thị trấn Phùng" in t for t in texts)
    hits.filter(has_text=PHUNG_XA).first.click()
    assert PHUNG_XA in _popup_text(page)
    page.screenshot(path=str(artifacts / "map-search-popup.png"))
    # Enter takes the first hit; upper case and đ fold too
    box.fill("DONG ANH")
    box.fill("dac so")
    page.locator(".planning-search-hit").first.wait_for()
    box.press("Enter")
    page.wait_for_function(
        "() => (document.querySelector('.leaflet-popup-content') || {}).innerText?.includes('Đắc Sở')"
    )
    box.fill("no such cluster")
    assert "Nothing matches" in page.inner_text(".planning-search-results")
    v.assert_clean()


def test_fullscreen_measure_and_minimap(visit, cli_outputs):
    v = visit(cli_outputs["map"])
    page = v.page
    _ready(page)
    # full screen: the Fullscreen API, or the CSS fallback where it is refused
    page.click(".planning-fullscreen a")
    page.wait_for_function(
        "() => !!document.fullscreenElement || "
        "document.querySelector('.planning-map').classList.contains('planning-pseudo-fullscreen')"
    )
    page.click(".planning-fullscreen a")
    page.wait_for_function(
        "() => !document.fullscreenElement && "
        "!document.querySelector('.planning-map').classList.contains('planning-pseudo-fullscreen')"
    )
    # measure: two clicks give a distance, a third an area (Sóc Sơn: no cluster there)
    page.click(".planning-measure a")
    page.mouse.click(*_latlng_point(page, 21.25, 105.80))
    page.mouse.click(*_latlng_point(page, 21.25, 105.85))
    text = page.inner_text(".planning-measure-text")
    assert "Distance:" in text and "km" in text
    km = float(text.split("Distance:")[1].split("km")[0])
    assert 5.0 < km < 5.4  # 0.05° of longitude at 21.25° N ≈ 5.19 km
    page.mouse.click(*_latlng_point(page, 21.28, 105.85))
    assert "Area:" in page.inner_text(".planning-measure-text")
    page.click(".planning-measure-clear")
    assert "Distance" not in page.inner_text(".planning-measure-text")
    page.click(".planning-measure a")
    # minimap: the districts and a rectangle for the main view
    paths = page.locator(".planning-minimap path").count()
    assert paths >= 31
    page.evaluate("planningMaps[0].map.setView([21.0, 105.8], 14, {animate: false})")
    assert page.locator(".planning-minimap path").count() == paths
    v.assert_clean()


def test_tiles_are_the_only_network_use(visit, cli_outputs, bundled_plan, artifacts):
    v = visit(cli_outputs["map_osm"])
    page = v.page
    _ready(page)
    c = _counts(page)
    assert c["districts"] == 30 and c["clusters"] == len(bundled_plan.clusters)
    page.wait_for_timeout(300)
    assert v.blocked, "the tiles were never requested"
    page.locator(".planning-search-input").fill("phung xa")
    page.locator(".planning-search-hit").filter(has_text=PHUNG_XA).first.click()
    assert PHUNG_XA in _popup_text(page)
    page.screenshot(path=str(artifacts / "map-osm-offline.png"))
    v.assert_clean(allow_blocked=lambda u: "tile.openstreetmap.org" in u)


# -- escaping ------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def hostile_files(tmp_path_factory):
    from planning.maps.api import write_map
    from planning.report.html import write_report
    from planning.testing import district_point, make_plan, square

    code, x, y = district_point("Thạch Thất")
    plan = make_plan(
        [
            {
                "cluster_id": "X1",
                "name_vi": '<img src=x onerror="window.__xss=1">',
                "commune_vi": "<script>window.__xss=2</script>",
                "district_vi": "Thạch Thất",
                "district_code": code,
                "status": '"><svg onload="window.__xss=3">',
                "category": "<img src=x onerror=window.__xss=6>",
                "geometry": square(x, y, 30),
                "declared_ha": 20.0,
                "source_url": "javascript:window.__xss=4",
            },
            {
                "cluster_id": "X2",
                "name_vi": "<img src=x onerror=alert(1)>",
                "district_vi": "Thạch Thất",
                "district_code": code,
                "geometry": square(x + 0.05, y, 10),
                "declared_ha": 10.0,
            },
        ]
    )
    plan.name = '<img src=y onerror="window.__xss=5">'
    out = tmp_path_factory.mktemp("xss")
    return {
        "map": write_map(plan, out / "xss-map.html"),
        "map_category": write_map(plan, out / "xss-map-cat.html", color_by="category"),
        "report": write_report(plan, out / "xss-report.html"),
    }


def test_hostile_names_show_as_text_and_run_nothing(visit, hostile_files, artifacts):
    dialogs: list[str] = []
    for key in ("map", "map_category"):
        v = visit(hostile_files[key])
        page = v.page
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        _ready(page)
        page.mouse.click(*cluster_point(page, "X1", 16))
        text = _popup_text(page)
        assert '<img src=x onerror="window.__xss=1">' in text
        assert "<script>window.__xss=2</script>" in text
        assert "javascript:window.__xss=4" in text
        assert page.locator(".leaflet-popup-content img, .leaflet-popup-content svg").count() == 0
        assert page.locator(".leaflet-popup-content a").count() == 0
        page.keyboard.press("Escape")
        page.mouse.move(*cluster_point(page, "X2", 16))
        page.locator(".leaflet-tooltip", has_text="<img src=x onerror=alert(1)>").wait_for()
        page.locator(".planning-search-input").fill("img src")
        hits = page.locator(".planning-search-hit")
        hits.first.wait_for()
        assert any("<img src=x onerror=alert(1)>" in t for t in hits.all_inner_texts())
        assert '<img src=y onerror="window.__xss=5">' in page.inner_text(".planning-panel")
        assert "<img src=x onerror" in page.inner_text(".planning-legend") or key == "map"
        assert (
            page.locator(".planning-panel img, .planning-legend img, .planning-search img").count()
            == 0
        )
        page.wait_for_timeout(200)
        assert page.evaluate("window.__xss") is None
        if key == "map":
            page.screenshot(path=str(artifacts / "map-xss.png"))
        v.assert_clean()
    assert dialogs == []


def test_hostile_names_in_the_report_run_nothing(visit, hostile_files):
    v = visit(hostile_files["report"], height=900)
    page = v.page
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    frame = next(f for f in page.frames if f.url == "about:srcdoc")
    _ready(frame)
    assert '<img src=y onerror="window.__xss=5">' in page.inner_text("h1")
    assert "<img src=x onerror=alert(1)>" in page.inner_text("#charts")
    assert page.locator("main img:not(#planning-print-map)").count() == 0
    src = page.get_attribute("#planning-print-map", "src")
    assert src and src.startswith("data:image/png;base64,")  # the print map, drawn names and all
    assert page.evaluate("window.__xss") is None
    assert frame.evaluate("window.__xss") is None
    assert dialogs == []
    v.assert_clean()


# -- the report written by `planning report` ------------------------------------------------------------------


def test_report_page_and_its_map(visit, cli_outputs, bundled_plan, artifacts):
    v = visit(cli_outputs["report"], height=900)
    page = v.page
    assert "Check report" in page.inner_text("h1")
    assert (
        page.locator("#rules article.rule").count() == 21
        or page.locator("#rules article.rule").count() > 0
    )
    assert page.locator("#charts svg").count() == 2
    assert page.locator("#charts rect.bar").count() > 0
    frame_el = page.locator("#planning-map-frame")
    frame_el.scroll_into_view_if_needed()
    frame = next(f for f in page.frames if f.url == "about:srcdoc")
    _ready(frame)
    assert frame.evaluate("typeof window.L") == "object"
    c = _counts(frame)
    assert c["districts"] == 30 and c["clusters"] == len(bundled_plan.clusters) and c["zones"] == 1
    # click a cluster inside the embedded map
    box = frame_el.bounding_box()
    x, y = cluster_point(frame, _cluster_id(bundled_plan, CANH_NAU), 16)
    page.mouse.click(box["x"] + x, box["y"] + y)
    assert CANH_NAU in _popup_text(frame)
    # layer toggling and search work in the embedded map too
    frame.locator(".leaflet-control-layers-overlays label").filter(has_text="Districts").locator(
        "input"
    ).click()
    assert _counts(frame)["districts"] == 0
    frame.locator(".planning-search-input").fill("phung xa")
    assert any(PHUNG_XA in t for t in frame.locator(".planning-search-hit").all_inner_texts())
    frame_el.screenshot(path=str(artifacts / "report-map.png"))
    page.screenshot(path=str(artifacts / "report.png"), full_page=True)
    v.assert_clean()


def test_cli_outputs_exist(cli_outputs):
    for path in cli_outputs.values():
        assert Path(path).stat().st_size > 100_000
    assert cli_outputs["map"].stat().st_size < 1_500_000
