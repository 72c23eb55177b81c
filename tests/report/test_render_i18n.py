"""Maps and the HTML report in a language: every interface string goes through the catalogue.

A fake catalogue marks each translated message (``«…»``), so a test can tell interface text
(marked) from data (never marked) without depending on the Vietnamese translations.
"""

from __future__ import annotations

import gettext
import re

import pytest

from planning import i18n
from planning.testing import district_point, make_plan, square

pytest.importorskip("folium")

PAYLOAD = "Q{{7*7}}Q <b>"


class _Marked(gettext.NullTranslations):
    def gettext(self, message: str) -> str:
        return f"«{message}»"

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return f"«{singular if n == 1 else plural}»"


@pytest.fixture
def marked(monkeypatch):
    real = i18n.translations
    monkeypatch.delenv("PLANNING_LANG", raising=False)
    monkeypatch.setattr(
        i18n, "translations", lambda lang: _Marked() if lang == "vi" else real(lang)
    )


@pytest.fixture(scope="module")
def plan():
    code, x, y = district_point("Thạch Thất")
    p = make_plan(
        [
            {
                "cluster_id": "A",
                "name_vi": PAYLOAD,
                "district_vi": "Thạch Thất",
                "district_code": code,
                "geometry": square(x, y, 10),
                "declared_ha": 12.0,
                "status": "established",
            }
        ],
        complete=False,
    )
    p.name = PAYLOAD
    return p


def test_map_is_vietnamese_by_default_and_english_on_request(marked, plan):
    from planning.maps.api import make_map, render_map_html

    vi = make_map(plan)
    config = vi._children["planning_controls"].config
    assert "«Clusters mapped»" in config["panel"]
    assert "«Clusters by status»" in config["legend"]
    assert config["messages"]["Full screen"] == "«Full screen»"  # the page script's text
    assert render_map_html(vi).startswith('<!DOCTYPE html>\n<html lang="vi">')
    en = make_map(plan, lang="en")
    config = en._children["planning_controls"].config
    assert "Clusters mapped" in config["panel"] and "«" not in config["panel"]
    assert '<html lang="en">' in render_map_html(en)


def test_translated_sentences_keep_data_inert(marked, plan):
    from planning.maps.api import make_map, render_map_html

    raw = render_map_html(make_map(plan))
    assert "{{7*7}}" not in raw and "Q49Q" not in raw and "<b>" not in raw
    assert "«Map: %(name)s»" not in raw  # the title's value was put in


def test_report_language(marked, plan):
    from planning.report.html import render_report_html

    vi = render_report_html(plan, include_map=False)
    assert vi.startswith('<!DOCTYPE html>\n<html lang="vi">')
    assert "«Findings by rule»" in vi and "«Check report: %(name)s»" not in vi
    # data inside a translated sentence is encoded like any other value
    assert "{{7*7}}" not in vi and "Q&#123;&#123;7*7&#125;&#125;Q &lt;b&gt;" in vi
    en = render_report_html(plan, include_map=False, lang="en")
    assert '<html lang="en">' in en and "«" not in en


def test_unknown_language_is_an_error(plan):
    from planning.i18n import UnknownLanguageError
    from planning.maps.api import make_map

    with pytest.raises(UnknownLanguageError, match="unknown language"):
        make_map(plan, lang="fr")


def test_every_template_string_is_marked():
    """No bare English text between tags in the templates: it must be inside _() or trans."""
    from importlib import resources

    for package in ("planning.maps", "planning.report"):
        folder = resources.files(package) / "templates"
        for entry in folder.iterdir():
            if not entry.name.endswith((".html", ".svg")):
                continue
            text = entry.read_text(encoding="utf-8")
            text = re.sub(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", "", text, flags=re.S)
            bare = [
                t.strip()
                for t in re.findall(r">([^<>]*)<", text)
                if re.search(r"[A-Za-z]{3,}", t) and t.strip() not in {"VN-2000"}
            ]
            assert bare == [], (entry.name, bare)
