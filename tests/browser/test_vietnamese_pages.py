"""The map and the report in Vietnamese, read in a real browser (Debian chromium, network blocked).

The pages are written through the command line with ``--lang vi`` (the browser tests' session
sets ``PLANNING_LANG=en``, and ``--lang`` comes first). Their visible text (the body, the
search box's placeholder, the controls' tooltips and one cluster popup) must hold no English
word outside names, codes, units and attributions; with ``--lang en`` the same pages are in
English and say so.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from planning.i18n import localize
from planning.testing import english_words_left
from tests.browser.conftest import cluster_point

pytestmark = pytest.mark.browser

# A cluster alone on its spot, so a click opens its own popup.
CANH_NAU = "CCN Canh Nậu"

#: Words that are the same in both languages on these pages: proper names, codes, units,
#: attributions and the names of the libraries the page credits.
_ALLOW_WORDS = [
    "OpenStreetMap contributors",
    "OpenStreetMap",
    "Leaflet",
    "BSD-2-Clause",
    "ODbL",
    "JavaScript",
    "EPSG",
    "WGS 84",
    "VN-2000",
    "planning",
]


def _ready(frame: Any) -> None:
    frame.wait_for_function("window.planningMaps && window.planningMaps.length > 0", timeout=15_000)


def _visible_text(frame: Any) -> str:
    """The body's text, placeholders, tooltips and alternative texts of a page or frame."""
    return str(
        frame.evaluate(
            """() => {
                const parts = [document.body.innerText];
                for (const el of document.querySelectorAll('[placeholder],[title],[alt],[aria-label]')) {
                    for (const a of ['placeholder', 'title', 'alt', 'aria-label']) {
                        if (el.getAttribute(a)) { parts.push(el.getAttribute(a)); }
                    }
                }
                parts.push(document.title);
                return parts.join('\\n');
            }"""
        )
    )


def _english_left(text: str, plan: Any) -> list[str]:
    """English words left in ``text``, outside names, codes, units, attributions and URLs."""
    return english_words_left(re.sub(r"https?://\S+", " ", text), allow=_allow(plan))


def _allow(plan: Any) -> list[str]:
    """Names, codes and attributions of the bundled plan: the same in both languages."""
    cl, d = plan.clusters, plan.districts
    m = plan.manifest
    allow: list[str] = [*_ALLOW_WORDS, plan.name, localize(plan.name, lang="vi")]
    allow += [*plan.attributions(), *(localize(a, lang="vi") for a in plan.attributions())]
    allow += [m.citation(k) for k in m.figures] + list(m.figures) + list(m.categories)
    # source titles and URLs, which the pages cut short: each part on its own
    allow += [part for k in m.figures for part in m.citation(k).split(", ") if len(part) > 3]
    for column in ("cluster_id", "name_vi", "commune_vi", "commune_2025", "district_vi"):
        if column in cl.columns:
            allow += [str(v) for v in cl[column].dropna().unique() if str(v)]
    allow += [str(v) for v in d["district_vi"].dropna().unique()]
    allow += [f"{c}" for c in plan.zones["name_vi"]] if "name_vi" in plan.zones.columns else []
    # rule families are codes, like the rules' codes ("họ overlap")
    allow += [f"họ {r.family}" for r in _rules()]
    return allow


def _rules() -> list[Any]:
    from planning.rules import REGISTRY

    return list(REGISTRY.values())


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    from planning.cli import main

    out = tmp_path_factory.mktemp("lang")
    paths = {
        f"{kind}_{lang}": out / f"{kind}.{lang}.html"
        for kind in ("map", "report")
        for lang in ("vi", "en")
    }
    for lang in ("vi", "en"):
        assert main(["--lang", lang, "map", "-o", str(paths[f"map_{lang}"])]) == 0
        assert main(["--lang", lang, "report", "-o", str(paths[f"report_{lang}"])]) == 0
    return paths


def _map_frame(page: Any) -> Any:
    return next(f for f in page.frames if f.url == "about:srcdoc")


def test_vietnamese_map_has_no_english_left(visit, pages, bundled_plan):
    v = visit(pages["map_vi"])
    page = v.page
    _ready(page)
    assert page.evaluate("document.documentElement.lang") == "vi"
    text = _visible_text(page)
    cid = str(
        bundled_plan.clusters.loc[bundled_plan.clusters["name_vi"].eq(CANH_NAU), "cluster_id"].iloc[
            0
        ]
    )
    page.mouse.click(*cluster_point(page, cid, 16))
    page.wait_for_selector(".leaflet-popup-content", timeout=5_000)
    popup = page.inner_text(".leaflet-popup-content")
    assert CANH_NAU in popup and "Diện tích quy hoạch" in popup
    left = _english_left(text + "\n" + popup, bundled_plan)
    assert left == [], left
    v.assert_clean()


def test_vietnamese_report_has_no_english_left(visit, pages, bundled_plan):
    v = visit(pages["report_vi"], height=900)
    page = v.page
    assert page.evaluate("document.documentElement.lang") == "vi"
    assert "Báo cáo kiểm tra" in page.inner_text("h1")
    frame = _map_frame(page)
    _ready(frame)
    assert frame.evaluate("document.documentElement.lang") == "vi"
    text = _visible_text(page) + "\n" + _visible_text(frame)
    left = _english_left(text, bundled_plan)
    assert left == [], left
    v.assert_clean()


@pytest.mark.parametrize("kind", ["map", "report"])
def test_english_pages_say_so(visit, pages, kind):
    v = visit(pages[f"{kind}_en"])
    page = v.page
    assert page.evaluate("document.documentElement.lang") == "en"
    text = _visible_text(page)
    if kind == "report":
        assert "Check report" in page.inner_text("h1")
        frame = _map_frame(page)
        _ready(frame)
        text += _visible_text(frame)
    # the legend may start folded in the report's smaller frame: its heading shows either way
    assert ("Clusters by status" in text or "Legend" in text) and "Search clusters" in text
    assert "Cụm công nghiệp theo" not in text and "Tìm cụm" not in text  # no Vietnamese interface
    v.assert_clean()
