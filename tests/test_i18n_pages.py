"""The language of maps and reports: --lang over $PLANNING_LANG, statuses and table cells."""

from __future__ import annotations

import re

import pytest
from rich.console import Console

from planning.i18n import use_language
from planning.maps.labels import status_text


@pytest.fixture(autouse=True)
def _no_language_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests choose the language themselves: no $PLANNING_LANG left by other tests."""
    monkeypatch.delenv("PLANNING_LANG", raising=False)


@pytest.mark.parametrize(("flag", "env", "expected"), [("vi", "en", "vi"), ("en", "vi", "en")])
def test_lang_option_comes_before_the_environment_for_pages(
    tmp_path, monkeypatch, flag, env, expected
):
    from planning.cli import main

    monkeypatch.setenv("PLANNING_LANG", env)
    out = tmp_path / "map.html"
    assert main(["--lang", flag, "map", "-o", str(out)]) == 0
    page = out.read_text("utf-8")
    assert re.search(r'<html lang="(\w+)"', page).group(1) == expected
    assert ("Cụm công nghiệp theo hiện trạng" in page) == (expected == "vi")


def test_known_statuses_are_translated_and_others_kept():
    with use_language("vi"):
        assert status_text("established (2019)") == "đã thành lập (2019)"
        assert status_text("Under construction") == "đang xây dựng"
        assert status_text("đang san lấp mặt bằng") == "đang san lấp mặt bằng"  # data
        assert status_text("") == ""
    assert status_text("established (2019)") == "established (2019)"


def test_area_table_cells_are_in_the_language(tmp_path):
    from planning.report.areas import area_tables
    from planning.report.terminal import print_tables
    from planning.testing import make_plan, square

    plan = make_plan([{"cluster_id": "A", "geometry": square(105.56, 21.06, 1)}])
    tables = area_tables(plan)
    tables["clusters"]["commune_2025_straddles"] = [True]
    tables["clusters"]["measured_note"] = ["not measured: location only, no outline"]
    for lang, yes, note in (
        ("vi", "có", "không đo: chỉ có vị trí, không có ranh giới"),
        ("en", "yes", "not measured: location only, no outline"),
    ):
        console = Console(width=1000, record=True)
        print_tables(tables, ["clusters"], plan, console, lang=lang)
        text = console.export_text()
        assert f" {yes} " in text and note in text
        assert "True" not in text
