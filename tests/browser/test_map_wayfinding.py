"""Finding one's way on the map, in a real browser: place names, legend, stacked clusters, search
of places, the folded panel on a small screen, the offline-tiles notice, and a map of thousands
of clusters drawn on a canvas with popups built on click (issues 12 and 15).
"""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.browser


def _ready(frame: Any) -> None:
    frame.wait_for_function("window.planningMaps && window.planningMaps.length > 0", timeout=30_000)


def _visible(page: Any, selector: str) -> int:
    return int(
        page.evaluate(
            """sel => Array.from(document.querySelectorAll(sel))
                .filter(e => getComputedStyle(e).display !== 'none' && e.getClientRects().length > 0).length""",
            selector,
        )
    )


def test_district_labels_then_communes_when_zoomed_in(visit, cli_outputs, artifacts):
    v = visit(cli_outputs["map"])
    page = v.page
    _ready(page)
    assert _visible(page, ".planning-district-label") == 30
    assert _visible(page, ".planning-commune-label") == 0
    assert _visible(page, "path.planning-commune") == 0
    labels = page.locator(".planning-district-label").all_inner_texts()
    assert "Thạch Thất" in labels and "Đông Anh" in labels
    page.evaluate("planningMaps[0].map.setView([21.03, 105.57], 13, {animate: false})")
    assert _visible(page, ".planning-district-label") == 0
    assert _visible(page, "path.planning-commune") > 20
    assert "Phùng Xá" in page.locator(".planning-commune-label").all_inner_texts()
    page.screenshot(path=str(artifacts / "map-communes-zoom13.png"))
    v.assert_clean()


def test_legend_lists_exactly_what_is_drawn(visit, cli_outputs, bundled_plan):
    v = visit(cli_outputs["map"])
    page = v.page
    _ready(page)
    symbols = set(
        page.locator(".planning-legend li[data-symbol]").evaluate_all(
            "els => els.map(e => e.dataset.symbol)"
        )
    )
    kinds = set(bundled_plan.clusters["geometry_kind"])
    drawn = {
        "indicative": page.locator("path.planning-indicative.planning-cluster-shape").count() > 0,
        "point": page.locator("path.planning-point").count() > 0,
        "dot": page.locator("path.planning-cluster-dot").count() > 0,
        "stack": page.locator(".leaflet-marker-pane .planning-stack").count() > 0,
        "outline": bool(kinds & {"surveyed", "digitized"}),
        "zone": page.locator("path.planning-zone").count() > 0,
    }
    for symbol, is_drawn in drawn.items():
        assert (symbol in symbols) == is_drawn, (symbol, symbols)
    v.assert_clean()


def test_stacked_clusters_are_one_counted_marker(visit, cli_outputs, bundled_plan):
    v = visit(cli_outputs["map"])
    page = v.page
    _ready(page)
    stacks = page.evaluate(
        "() => planningMaps[0].stacks.getLayers().map(m => m.getElement().innerText)"
    )
    assert stacks, "the bundled plan has clusters sharing a point"
    counts = [int(s) for s in stacks]
    assert all(n >= 2 for n in counts)
    # open the biggest stack: its popup lists each cluster, and each opens its own popup
    n = max(counts)
    page.evaluate(
        """n => { const m = planningMaps[0].stacks.getLayers()
                 .find(l => l.getElement().innerText === String(n));
                 planningMaps[0].map.setView(m.getLatLng(), 13, {animate: false}); m.openPopup(); }""",
        n,
    )
    items = page.locator(".leaflet-popup-content .planning-stack-item")
    assert items.count() == n
    first = items.first.inner_text()
    items.first.click()
    page.wait_for_function(
        "t => (document.querySelector('.leaflet-popup-content h3') || {}).innerText === t",
        arg=first.rsplit(" (", 1)[0],
    )
    assert "Cluster id" in page.inner_text(".leaflet-popup-content")
    v.assert_clean()


def test_search_finds_districts_and_communes(visit, cli_outputs):
    v = visit(cli_outputs["map"])
    page = v.page
    _ready(page)
    box = page.locator(".planning-search-input")
    box.fill("phung xa")
    page.locator(".planning-search-hit").first.wait_for()
    texts = page.locator(".planning-search-hit").all_inner_texts()
    assert any(t.startswith("Phùng Xá (xã") for t in texts), texts
    box.fill("dong anh")
    page.locator(".planning-search-hit").filter(has_text="Đông Anh (huyện)").first.click()
    zoom = page.evaluate("planningMaps[0].map.getZoom()")
    centre = page.evaluate(
        "(() => { const c = planningMaps[0].map.getCenter(); return [c.lat, c.lng]; })()"
    )
    assert zoom >= 11 and 21.05 < centre[0] < 21.25 and 105.7 < centre[1] < 105.95
    v.assert_clean()


def test_small_screen_folds_the_panel_and_hides_no_cluster(visit, cli_outputs, artifacts):
    v = visit(cli_outputs["map"], width=1024, height=600)
    page = v.page
    _ready(page)
    assert page.locator(".planning-panel .planning-box-body").is_hidden()
    assert page.locator(".planning-panel .planning-box-title").is_visible()
    hidden = page.evaluate(
        """() => {
            const rec = planningMaps[0], map = rec.map;
            const boxes = Array.from(document.querySelectorAll('.leaflet-control'))
                .map(e => e.getBoundingClientRect()).filter(r => r.width && r.height);
            const at = map.getContainer().getBoundingClientRect();
            const under = [];
            rec.layers.clusters.eachLayer(l => {
                if (!l.feature.properties.uid) { return; }
                const ll = l.getBounds ? l.getBounds().getCenter() : l.getLatLng();
                const p = map.latLngToContainerPoint(ll);
                const x = at.left + p.x, y = at.top + p.y;
                if (x < at.left || y < at.top || x > at.right || y > at.bottom ||
                    boxes.some(r => x >= r.left && x <= r.right && y >= r.top && y <= r.bottom)) {
                    under.push(l.feature.properties.cluster_id);
                }
            });
            return under;
        }"""
    )
    page.screenshot(path=str(artifacts / "map-1024x600.png"))
    assert hidden == []
    page.click(".planning-panel .planning-box-toggle")
    assert page.locator(".planning-panel .planning-box-body").is_visible()
    v.assert_clean()


def test_offline_tiles_show_a_notice(visit, cli_outputs, artifacts):
    v = visit(cli_outputs["map_osm"])
    page = v.page
    _ready(page)
    page.wait_for_selector(".planning-tile-notice", timeout=10_000)
    text = page.inner_text(".planning-tile-notice")
    assert "offline" in text and "\n" not in text.strip()
    assert page.locator(".planning-tile-notice").count() == 1
    page.screenshot(path=str(artifacts / "map-osm-notice.png"))
    v.assert_clean(allow_blocked=lambda u: "tile.openstreetmap.org" in u)


@pytest.fixture(scope="module")
def big_map(tmp_path_factory):
    import planning
    from planning.maps.api import write_map
    from planning.report.core import check
    from planning.testing import synthetic_clusters

    plan = planning.load_plan().with_clusters(synthetic_clusters(3_000, seed=2), complete=True)
    out = tmp_path_factory.mktemp("big") / "big-map.html"
    return plan, write_map(plan, out, report=check(plan))


def test_thousands_of_clusters_on_a_canvas_with_search_and_popups(visit, big_map):
    plan, path = big_map
    v = visit(path)
    page = v.page
    _ready(page)
    assert page.locator(".leaflet-overlay-pane canvas").count() >= 1
    assert page.locator("path.planning-cluster-shape").count() == 0  # not one SVG path each
    name = str(plan.clusters["name_vi"].iloc[10])
    box = page.locator(".planning-search-input")
    box.fill(name)
    page.locator(".planning-search-hit").first.wait_for()
    box.press("Enter")
    page.wait_for_function(
        "n => (document.querySelector('.leaflet-popup-content h3') || {}).innerText === n", arg=name
    )
    text = page.inner_text(".leaflet-popup-content")
    assert str(plan.clusters["cluster_id"].iloc[10]) in text and "Declared area" in text
    v.assert_clean()
