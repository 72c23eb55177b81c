"""The interface in Vietnamese and English: catalogues, glossary, language choice, numbers."""

from __future__ import annotations

import csv
import io
import json
import os
import pickle
import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from hypothesis import given
from hypothesis import strategies as st

from planning.errors import LanguageError, UsageError
from planning.i18n import (
    Text,
    UnknownLanguageError,
    current_language,
    format_number,
    localize,
    message,
    plural_message,
    resolve_language,
    translations,
    use_language,
)
from planning.testing import english_words_left, make_plan, square


@pytest.fixture(autouse=True)
def _no_language_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests choose the language themselves: no $PLANNING_LANG left by other tests."""
    monkeypatch.delenv("PLANNING_LANG", raising=False)


ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "planning" / "locale"
PO = LOCALE / "vi" / "LC_MESSAGES" / "planning.po"
SNAPSHOTS = Path(__file__).parent / "snapshots"
_PLACEHOLDER = re.compile(r"\{[^{}]*\}")


def _catalogue():
    with PO.open("rb") as fp:
        return read_po(fp)


def _pairs():
    """(English, Vietnamese) text pairs of the catalogue, both plural forms included."""
    for m in _catalogue():
        if not m.id:
            continue
        ids = m.id if isinstance(m.id, tuple) else (m.id,)
        strs = m.string if isinstance(m.string, tuple) else (m.string,)
        for en in ids:
            yield m, en, strs[0]


# -- the catalogues ---------------------------------------------------------------------------------


def test_template_is_up_to_date_and_every_message_is_translated():
    sys.path.insert(0, str(ROOT))
    from tools.i18n import problems

    assert problems() == []


def test_translations_keep_every_placeholder():
    for _m, en, vi in _pairs():
        assert sorted(_PLACEHOLDER.findall(en)) == sorted(_PLACEHOLDER.findall(vi)), en


def test_catalogue_has_no_fuzzy_or_empty_entry():
    for m in _catalogue():
        if m.id:
            strings = m.string if isinstance(m.string, tuple) else (m.string,)
            assert not m.fuzzy and all(strings), m.id


def _glossary() -> list[dict[str, str]]:
    with (LOCALE / "glossary.csv").open(encoding="utf-8", newline="") as fp:
        return list(csv.DictReader(fp))


def test_glossary_terms_are_translated_consistently():
    """Where an English message uses a glossary term, its translation uses the glossary's term."""
    terms = sorted(_glossary(), key=lambda t: len(t["english"]), reverse=True)
    assert {"cụm công nghiệp", "diện tích quy hoạch", "ranh giới", "quy hoạch"} <= {
        t["vietnamese"] for t in terms
    }
    wrong = []
    for _m, en, vi in _pairs():
        # placeholders, options with their value and `code` are no words
        text = re.sub(r"`[^`]*`|--[\w-]+(?: [a-z]+)?|\w+_\w+", " ", _PLACEHOLDER.sub(" ", en))
        taken: list[tuple[int, int]] = []
        for t in terms:
            pattern = rf"(?<![\w-]){re.escape(t['english'])}(?:s|es)?(?![\w-])"
            for hit in re.finditer(pattern, text, flags=re.IGNORECASE):
                if any(a <= hit.start() < b for a, b in taken):
                    continue  # part of a longer term
                taken.append(hit.span())
                if t["vietnamese"].casefold() not in vi.casefold():
                    wrong.append(f"{en!r}: {t['english']!r} is not {t['vietnamese']!r} in {vi!r}")
    assert wrong == []


def test_glossary_file_is_well_formed():
    rows = _glossary()
    assert rows and all(r["english"] and r["vietnamese"] for r in rows)
    english = [r["english"].casefold() for r in rows]
    assert len(english) == len(set(english))


def test_source_checkout_compiles_the_catalogue():
    vi = translations("vi")
    assert vi.gettext("Declared area (ha)") == "Diện tích quy hoạch (ha)"
    assert vi.ngettext("{n:,} zone", "{n:,} zones", 3) == "{n:,} khu"


# -- choosing the language --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"), [("vi", "vi"), ("EN", "en"), ("vi_VN.UTF-8", "vi"), ("en-GB", "en")]
)
def test_resolve_language_accepts_locale_style_values(value, expected):
    assert resolve_language(value) == expected


def test_resolve_language_order(monkeypatch):
    monkeypatch.setenv("PLANNING_LANG", "vi")
    assert resolve_language("en") == "en"  # --lang first
    assert resolve_language(None) == "vi"  # then $PLANNING_LANG
    assert resolve_language(None, default="en") == "vi"
    monkeypatch.delenv("PLANNING_LANG")
    assert resolve_language(None, default="vi") == "vi"  # documents: Vietnamese
    monkeypatch.setenv("LANG", "vi_VN.UTF-8")
    assert resolve_language(None) == "vi"  # then the locale
    monkeypatch.setenv("LANG", "de_DE.UTF-8")
    assert resolve_language(None) == "en"


def test_unknown_language_is_a_usage_error(monkeypatch):
    with pytest.raises(UnknownLanguageError, match="--lang: unknown language 'fr'"):
        resolve_language("fr")
    monkeypatch.setenv("PLANNING_LANG", "klingon")
    with pytest.raises(ValueError, match=r"\$PLANNING_LANG"):
        resolve_language(None)
    assert issubclass(LanguageError, UsageError)
    assert issubclass(LanguageError, UnknownLanguageError)


def test_use_language_is_scoped():
    assert current_language() == "en"
    with use_language("vi") as lang:
        assert lang == "vi" and current_language() == "vi"
        with use_language("en"):
            assert current_language() == "en"
        assert current_language() == "vi"
    assert current_language() == "en"


# -- numbers and messages ---------------------------------------------------------------------------


def test_format_number_conventions():
    assert format_number(3204.31, lang="en") == "3,204.31"
    assert format_number(3204.31, lang="vi") == "3.204,31"
    assert format_number(1234567.5, digits=1, lang="vi") == "1.234.567,5"
    with use_language("vi"):
        assert format_number(0.5) == "0,50"


@given(st.floats(min_value=-1e12, max_value=1e12, allow_nan=False), st.integers(0, 6))
def test_format_number_vi_reads_back(value, digits):
    vi = format_number(value, digits=digits, lang="vi")
    en = format_number(value, digits=digits, lang="en")
    assert vi.replace(".", "").replace(",", ".") == en.replace(",", "")
    assert float(vi.replace(".", "").replace(",", ".")) == pytest.approx(
        round(value, digits), abs=10**-digits
    )


def test_message_is_english_text_translated_when_localized():
    m = plural_message("{n:,} zone", "{n:,} zones", 1200)
    assert m == "1,200 zones" and isinstance(m, str)
    assert localize(m, lang="vi") == "1.200 khu"
    assert json.dumps({"m": m}) == '{"m": "1,200 zones"}'
    with use_language("vi"):
        assert localize(m) == "1.200 khu"
        assert str(m) == "1,200 zones"  # the text itself never changes


def test_message_parameters_are_data_never_templates():
    m = message(
        "cluster {id} ({name}) lies outside Hanoi, at {lat:.5f} N {lon:.5f} E",
        id="{0.__class__}",
        name="CCN {x}",
        lat=20.86,
        lon=106.68,
    )
    assert "{0.__class__}" in m and "CCN {x}" in m
    assert "{0.__class__}" in localize(m, lang="vi")


def test_messages_survive_pickling():
    m = message(
        "{a} and {b}",
        a=message("cluster"),
        b=Text("Hoa Lac Hi-Tech Park", vi="Khu công nghệ cao Hòa Lạc"),
    )
    back = pickle.loads(pickle.dumps(m))
    assert back == m and localize(back, lang="vi") == localize(m, lang="vi")
    assert "Khu công nghệ cao Hòa Lạc" in localize(back, lang="vi")


def test_text_gives_its_language():
    t = Text("Markets", vi="Chợ")
    assert (
        t == "Markets" and localize(t, lang="vi") == "Chợ" and localize(t, lang="en") == "Markets"
    )
    assert localize(Text("Markets"), lang="vi") == "Markets"


def test_data_is_never_looked_up_in_the_catalogue():
    assert localize("Declared area (ha)", lang="vi") == "Declared area (ha)"


# -- renderings -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def small_plan():
    """Two overlapping clusters, one with a wrong declared area, a duplicate id."""
    return make_plan(
        [
            {
                "cluster_id": "A",
                "name_vi": "CCN Phùng Xá",
                "declared_ha": 12.0,
                "geometry": square(105.56, 21.06, 10),
            },
            {
                "cluster_id": "B",
                "name_vi": "CCN Liên Hà",
                "declared_ha": 4.0,
                "geometry": square(105.561, 21.06, 4),
            },
            {
                "cluster_id": "B",
                "name_vi": "CCN Lien Ha",
                "declared_ha": 3000.0,
                "geometry": square(105.70, 21.10, 3),
            },
        ]
    )


@pytest.fixture(scope="module")
def small_report(small_plan):
    from planning.report.core import check

    return check(small_plan)


def _allowed(plan) -> list[str]:
    """Names, attributions, citations and manifest keys: the same in both languages."""
    m = plan.manifest
    allow = [*plan.attributions(), *(localize(a, lang="vi") for a in plan.attributions())]
    allow += [m.citation(k) for k in m.figures] + list(m.figures) + list(m.categories)
    return [*allow, plan.name]  # the plan's name is data ("test plan" here)


def _snapshot(name: str, text: str) -> None:
    path = SNAPSHOTS / name
    if os.environ.get("PLANNING_UPDATE_SNAPSHOTS"):
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8"), (
        f"{name} changed (PLANNING_UPDATE_SNAPSHOTS=1 rewrites it)"
    )


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_check_text_snapshot(small_report, small_plan, lang):
    text = small_report.to_text(width=400, verbose=True, lang=lang)
    _snapshot(f"check.{lang}.txt", text)
    left = english_words_left(text, allow=_allowed(small_plan))
    if lang == "vi":
        assert left == []
        assert "3.000" in text and "diện tích quy hoạch" in text
    else:
        assert {"declared", "clusters", "overlap"} <= set(left)


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_areas_text_snapshot(small_plan, lang):
    from rich.console import Console

    from planning.report.areas import area_tables
    from planning.report.terminal import print_tables

    buf = io.StringIO()
    tables = area_tables(small_plan)
    print_tables(
        tables,
        ["clusters", "districts"],
        small_plan,
        Console(file=buf, width=400, no_color=True),
        lang=lang,
    )
    text = buf.getvalue()
    _snapshot(f"areas.{lang}.txt", text)
    if lang == "vi":
        assert english_words_left(text, allow=_allowed(small_plan)) == []
        assert "Diện tích quy hoạch (ha)" in text and "3.000" in text
    else:
        assert "Declared area (ha)" in text and "3,000" in text


def test_markdown_in_vietnamese(small_report, small_plan):
    md = small_report.to_markdown(lang="vi")
    assert md.startswith("# Báo cáo kiểm tra:")
    labels = [localize(f["label"], lang="vi") for f in small_report.figures]
    assert english_words_left(md, allow=_allowed(small_plan) + labels) == []
    assert small_report.to_markdown() == small_report.to_markdown(lang="en")


def test_findings_built_in_vietnamese_are_english_in_json(small_plan):
    from planning.report.core import check

    english = check(small_plan).to_json()
    with use_language("vi"):
        vi_report = check(small_plan)
    assert vi_report.to_json() == english
    assert "cụm công nghiệp A" in vi_report.to_text(lang="vi", width=300)


def test_excel_headers_follow_the_language(small_plan, small_report):
    from planning.report.excel import check_workbook

    with use_language("vi"):
        wb = check_workbook(small_plan, small_report)
    headers = [c.value for c in wb["clusters"][1]]
    assert "Diện tích quy hoạch (ha)" in headers and "Mã cụm công nghiệp" in headers
    assert any("diện tích quy hoạch" in str(c.value) for c in wb["findings"]["E"])
    wb_en = check_workbook(small_plan, small_report)
    assert "Declared area (ha)" in [c.value for c in wb_en["clusters"][1]]


# -- the command line -------------------------------------------------------------------------------


def _run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    full = {**os.environ, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "planning", *args],
        capture_output=True,
        text=True,
        env=full,
        cwd=ROOT,
        check=False,
    )


def test_cli_lang_before_or_after_the_command():
    before, after = _run("--lang", "vi", "rules"), _run("rules", "--lang", "vi")
    assert before.returncode == after.returncode == 0
    assert before.stdout == after.stdout
    assert "Diện tích quy hoạch khớp với diện tích đo được" in before.stdout
    assert "Declared area agrees" in _run("rules").stdout


def test_cli_follows_planning_lang_then_locale():
    assert (
        "Cụm công nghiệp nằm trong địa giới Hà Nội"
        in _run("rules", env={"PLANNING_LANG": "vi"}).stdout
    )
    assert (
        "Cụm công nghiệp nằm trong địa giới Hà Nội"
        in _run("rules", env={"LANG": "vi_VN.UTF-8"}).stdout
    )
    overridden = _run("rules", "--lang", "en", env={"PLANNING_LANG": "vi"})
    assert "Clusters lie inside Hanoi" in overridden.stdout


def test_cli_unknown_language_is_one_line_exit_2():
    out = _run("--lang", "fr", "rules")
    assert out.returncode == 2 and out.stdout == ""
    assert out.stderr.strip().splitlines() == [
        "planning: error: --lang: unknown language 'fr'; use one of: vi, en"
    ]


def test_cli_errors_in_vietnamese():
    out = _run("--lang", "vi", "rules", "XYZ999")
    assert out.returncode == 2
    assert out.stderr.strip() == (
        "planning: lỗi: không có quy tắc 'XYZ999'; lệnh `planning rules` liệt kê các quy tắc"
    )


@pytest.mark.slow
def test_cli_check_in_vietnamese_leaves_no_english_and_same_json():
    from planning.model.plan import load_plan

    vi = _run("--lang", "vi", "check", "-v", env={"COLUMNS": "1000"})  # no wrapped lines
    assert vi.returncode == 0, vi.stderr
    plan = load_plan()
    labels = [localize(f.label, lang="vi") for f in plan.manifest.figures.values()]
    assert english_words_left(vi.stdout, allow=_allowed(plan) + labels) == []
    assert "ĐẠT" in vi.stdout
    json_vi = _run("--lang", "vi", "check", "--format", "json")
    json_en = _run("check", "--format", "json", env={"PLANNING_LANG": "en"})
    assert json_vi.stdout == json_en.stdout and json_vi.stdout.startswith("{")


def test_maps_and_reports_default_to_vietnamese(monkeypatch):
    from planning.cli import build_parser
    from planning.cli.app import _language

    parser = build_parser()
    args = parser.parse_args(["map"])
    assert _language(args) == "en" and args.document_lang == "vi"
    args = parser.parse_args(["report", "--lang", "en"])
    assert _language(args) == "en" and args.document_lang == "en"
    monkeypatch.setenv("PLANNING_LANG", "en")
    args = parser.parse_args(["map"])
    assert _language(args) == "en" and args.document_lang == "en"
    monkeypatch.setenv("PLANNING_LANG", "vi")
    args = parser.parse_args(["check"])
    assert _language(args) == "vi" and args.document_lang == "vi"


def test_build_hook_compiles_every_catalogue_into_the_wheel():
    import gettext

    pytest.importorskip("hatchling")
    sys.path.insert(0, str(ROOT))
    from hatch_build import CustomBuildHook

    hook = CustomBuildHook(str(ROOT), {}, None, None, str(ROOT / "dist"), "wheel")
    build_data: dict = {"force_include": {}}
    hook.initialize("standard", build_data)
    try:
        assert list(build_data["force_include"].values()) == [
            "planning/locale/vi/LC_MESSAGES/planning.mo"
        ]
        (mo,) = build_data["force_include"]
        with open(mo, "rb") as fp:
            catalogue = gettext.GNUTranslations(fp)
        assert catalogue.gettext("Declared area (ha)") == "Diện tích quy hoạch (ha)"
    finally:
        hook.finalize("standard", build_data, "")
    assert not Path(mo).exists()
