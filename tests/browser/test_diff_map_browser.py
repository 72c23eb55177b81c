"""``planning map --diff`` in a real browser (Debian chromium, network blocked).

The pair is purpose-built: the bundled catalogue, and a CSV copy of it that adds two
clusters, resizes one and moves one to another commune.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def diff_map(tmp_path_factory: pytest.TempPathFactory) -> Path:
    import pandas as pd

    from planning.cli import main
    from planning.settings import bundled_geodata_dir

    folder = tmp_path_factory.mktemp("diffmap")
    cat = pd.read_csv(bundled_geodata_dir() / "clusters.csv", dtype=str, keep_default_na=False)
    cat.loc[cat["cluster_id"].eq("CCN-01"), "declared_ha"] = "12"  # resized
    cat.loc[cat["cluster_id"].eq("CCN-03"), "commune_vi"] = "Sài Sơn"  # moved, same district
    extra = pd.DataFrame(
        [
            {"cluster_id": "P24-2", "name_vi": "CCN Thống Nhất", "commune_vi": "Thống Nhất"},
            {"cluster_id": "P24-6", "name_vi": "CCN Lệ Chi", "commune_vi": "Lệ Chi"},
        ]
    ).assign(district_vi=["Thường Tín", "Gia Lâm"], declared_ha="20", category="new_2030")
    new = folder / "clusters_2024.csv"
    pd.concat([cat, extra], ignore_index=True).fillna("").to_csv(new, index=False)
    out = folder / "diff.html"
    assert main(["map", "--diff", "bundled", str(new), "--partial", "-o", str(out)]) == 0
    return out


def _counts(page: Any) -> dict[str, int]:
    return page.evaluate(
        """() => Object.fromEntries(
            ['added', 'removed', 'resized', 'moved'].map(k =>
                [k, document.querySelectorAll('path.planning-change-' + k).length])
            .concat([
                ['lines', document.querySelectorAll('path.planning-move-line').length],
                ['dots', document.querySelectorAll('path.planning-change-dot').length],
                ['districts', document.querySelectorAll('path.planning-district').length],
            ]))"""
    )


def _in_view(page: Any, sel: str) -> bool:
    """Whether every element matching ``sel`` is inside the map and clear of the panel."""
    return page.evaluate(
        """sel => {
            const panel = document.querySelector('.planning-panel').getBoundingClientRect();
            const map = document.querySelector('.planning-map').getBoundingClientRect();
            return [...document.querySelectorAll(sel)].every(el => {
                const r = el.getBoundingClientRect();
                const x = r.left + r.width / 2, y = r.top + r.height / 2;
                const inside = x > map.left && x < map.right && y > map.top && y < map.bottom;
                const under = x > panel.left && x < panel.right && y > panel.top && y < panel.bottom;
                return inside && !under;
            });
        }""",
        sel,
    )


def test_diff_map_draws_the_changes_offline(visit, diff_map, artifacts):
    v = visit(diff_map)
    page = v.page
    page.wait_for_function("window.planningMaps && window.planningMaps.length > 0")
    assert page.evaluate("L.version") == "1.9.4"
    c = _counts(page)
    assert (c["added"], c["removed"], c["resized"], c["moved"]) == (2, 0, 1, 1)
    assert c["lines"] == 1 and c["dots"] == 4 and c["districts"] == 30
    assert _in_view(page, "path.planning-change-dot")  # the view fits the changes
    overlays = page.locator(".leaflet-control-layers-overlays label").all_inner_texts()
    assert [t.strip() for t in overlays] == ["Districts", "Added (2)", "Resized (1)", "Moved (1)"]
    panel = page.inner_text(".planning-panel")
    assert "2 added, 0 removed, 1 resized, 1 moved" in panel
    assert "75 → 77 (+2)" in panel
    assert "INDICATIVE" in panel and "rules newly failing (0)" in panel.lower()
    assert "added (2)" in page.inner_text(".planning-legend")
    # the moved cluster's popup: id, areas and distance
    page.evaluate(
        """() => planningMaps[0].layers.moved.eachLayer(l => {
            if (l.feature.properties.uid) { planningMaps[0].map.fitBounds(l.getBounds(),
                {maxZoom: 15, animate: false}); l.openPopup(); }
        })"""
    )
    page.wait_for_selector(".leaflet-popup-content")
    text = page.inner_text(".leaflet-popup-content")
    assert "CCN-03" in text and "CCN Yên Sơn" in text and "Moved" in text
    assert "8.76 → 8.76 ha (+0.00 ha)" in text
    page.screenshot(path=str(artifacts / "diff-map.png"))
    # hiding a kind of change hides its shapes
    page.locator(".leaflet-control-layers-overlays label", has_text="Added").locator(
        "input"
    ).click()
    assert _counts(page)["added"] == 0
    v.assert_clean()
