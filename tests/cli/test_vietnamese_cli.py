"""The command line under ``--lang vi`` (and ``$PLANNING_LANG=vi``) leaves no English sentence.

What it prints (errors and warnings about a bad input, ``--help`` of every command, argparse's
own errors, ``export``'s last line, ``diff``) is checked against the catalogue: no English
text of a translated message may be left (:func:`english_left`).
"""

from __future__ import annotations

import os
import pickle
import re
import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from hypothesis import given
from hypothesis import strategies as st

from planning.cli import main
from planning.errors import PlanDataError, RowErrors
from planning.i18n import message, use_language

PO = Path(__file__).resolve().parents[2] / "planning/locale/vi/LC_MESSAGES/planning.po"
COMMANDS = ("check", "areas", "rules", "diff", "map", "report", "export")

#: A cluster table with one fault of each kind the readers and the placement report.
BAD_TABLE = """cluster_id,name_vi,district_vi,commune_vi,lon,lat,declared_ha
A-01,CCN Một,Đông Anh,,105.85,21.15,10
A-01,CCN Hai,Đông Anh,,105.86,21.16,10
,CCN Ba,Đông Anh,,105.87,21.17,10
A-03,CCN Bốn,Đông Anh,,abc,21.18,10
A-04,CCN Năm,Huyện Lạ,,,,10
A-05,CCN Sáu,Đông Anh,Xã Không Có,,,10
A-06,CCN Bảy,Đông Anh,,21.05,105.60,10
A-07,CCN Tám,Dong Anh,,,,10
A-08,CCN Chín,Đông Anh,,105.88,21.19,-3
"""


@cache
def _english_fragments() -> tuple[str, ...]:
    """English runs of three or more words from every message the catalogue translates."""
    with PO.open("rb") as fp:
        catalogue = read_po(fp)
    out: set[str] = set()
    for m in catalogue:
        if not m.id or not m.string:
            continue
        ids = m.id if isinstance(m.id, tuple) else (m.id,)
        strings = m.string if isinstance(m.string, tuple) else (m.string,)
        for en in ids:
            for part in re.split(r"\{[^}]*\}|%\(\w+\)\w|%\w|\n", en):
                part = part.strip(" ;:,.()'\"")
                if len(part) >= 14 and part.count(" ") >= 2 and not any(part in s for s in strings):
                    out.add(part)
    return tuple(sorted(out))


def english_left(text: str) -> list[str]:
    """Return the English message fragments ``text`` still holds."""
    return [f for f in _english_fragments() if f in text]


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    try:
        code = main(list(argv))
    except SystemExit as exc:  # --help and argparse's errors
        code = int(exc.code or 0)
    out = capsys.readouterr()
    return code, out.out + out.err


def _cli(*argv: str, lang_env: str | None = None) -> tuple[int, str]:
    """Run the real command line (warnings are printed as they are to a user)."""
    env = {k: v for k, v in os.environ.items() if k != "PLANNING_LANG"}
    if lang_env:
        env["PLANNING_LANG"] = lang_env
    r = subprocess.run(
        [sys.executable, "-m", "planning", *argv],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    return r.returncode, r.stdout + r.stderr


def _bad_table(tmp_path: Path) -> Path:
    path = tmp_path / "cụm.csv"
    path.write_text(BAD_TABLE, encoding="utf-8")
    return path


def test_the_heuristic_sees_english():
    """The check can fail: English messages of the catalogue are found."""
    assert english_left("duplicate cluster_id 'A' (also on row 2); give each row its own id")
    assert english_left(
        "usage: planning [-h]\n\noptions:\n  -h, --help  show this help message and exit"
    )
    assert not english_left("cluster_id 'A' bị trùng (cũng có ở dòng 2)")


@pytest.mark.parametrize("how", ["--lang", "env"])
def test_reading_errors_and_warnings_are_vietnamese(tmp_path, how):
    path = _bad_table(tmp_path)
    if how == "env":
        code, text = _cli("check", "--partial", str(path), lang_env="vi")
    else:
        code, text = _cli("--lang", "vi", "check", "--partial", str(path))
    assert code == 2
    assert english_left(text) == []
    for said in (
        "bị trùng (cũng có ở dòng 2)",  # duplicate id
        "mã để trống",  # empty id
        "'abc' không phải là số",  # coordinate
        "không có quận/huyện 'Lạ'",  # unknown district
        "không tìm thấy xã/phường/thị trấn 'Không Có'",  # unknown commune
        "vĩ độ và kinh độ bị đảo",  # swapped coordinates
        "không đọc được diện tích",  # unreadable area
        "tên được khớp khi bỏ dấu",  # warning: Dong Anh read as Đông Anh
    ):
        assert said in text, (said, text)


def test_reading_errors_stay_english_in_english(tmp_path):
    code, text = _cli("--lang", "en", "check", "--partial", str(_bad_table(tmp_path)))
    assert code == 2
    assert "duplicate cluster_id 'A-01' (also on row 2); give each row its own id" in text
    assert "unknown district 'Lạ'" in text
    assert "names matched without diacritics" in text


def test_missing_file_and_bad_sheet_are_vietnamese(tmp_path, capsys):
    code, text = _run(capsys, "--lang", "vi", "check", str(tmp_path / "không-có.csv"))
    assert code == 2 and "không tìm thấy tệp" in text and english_left(text) == []


@pytest.mark.parametrize("command", [None, *COMMANDS])
def test_help_is_vietnamese(capsys, command):
    argv = ["--lang", "vi", *([command] if command else []), "--help"]
    code, text = _run(capsys, *argv)
    assert code == 0
    assert text.startswith("cách dùng: planning")
    assert "tùy chọn:" in text and "hiện hướng dẫn này rồi thoát" in text
    assert english_left(text) == []


def test_help_after_the_command_and_from_the_environment(capsys, monkeypatch):
    _code, text = _run(capsys, "diff", "--help", "--lang", "vi")
    assert "cách dùng:" in text and english_left(text) == []
    monkeypatch.setenv("PLANNING_LANG", "vi")
    _code, text = _run(capsys, "export", "--help")
    assert "cách dùng:" in text and english_left(text) == []


def test_help_stays_english(capsys, monkeypatch):
    monkeypatch.delenv("PLANNING_LANG", raising=False)
    _code, text = _run(capsys, "--lang", "en", "check", "--help")
    assert text.startswith("usage: planning check")
    assert "show this help message and exit" in text and "run only rules starting with CODE" in text


def test_argparse_errors_are_vietnamese(capsys):
    code, text = _run(capsys, "--lang", "vi", "export")
    assert code == 2
    assert "planning export: lỗi: thiếu các đối số bắt buộc: -o/--output" in text
    code, text = _run(capsys, "--lang", "vi", "check", "--format", "nope")
    assert code == 2 and "lựa chọn không hợp lệ: 'nope'" in text
    assert english_left(text) == []


def test_export_says_its_crs_in_vietnamese(tmp_path, capsys):
    table = tmp_path / "hai.csv"
    table.write_text(BAD_TABLE.splitlines()[0] + "\n" + BAD_TABLE.splitlines()[1] + "\n")
    out = tmp_path / "p.gpkg"
    code, text = _run(capsys, "--lang", "vi", "export", "--partial", str(table), "-o", str(out))
    assert code == 0, text
    line = next(x for x in text.splitlines() if x.startswith("đã ghi"))
    assert re.fullmatch(r"đã ghi .*p\.gpkg \(\d+,\d\d MB\) theo hệ tọa độ EPSG:4326", line), line


@pytest.mark.parametrize("fmt", ["md", "text"])
def test_diff_is_vietnamese(tmp_path, capsys, fmt):
    table = tmp_path / "hai.csv"
    table.write_text(BAD_TABLE.splitlines()[0] + "\n" + BAD_TABLE.splitlines()[1] + "\n")
    out = tmp_path / f"diff.{fmt}"
    code, text = _run(
        capsys, "--lang", "vi", "diff", "bundled", str(table), "-f", fmt, "-o", str(out)
    )
    assert code == 0, text
    doc = out.read_text(encoding="utf-8")
    assert "Quy hoạch CCN Hà Nội (danh mục kèm theo)" in doc
    assert "Hanoi CCN plan" not in doc and "then name and district" not in doc
    assert not re.search(r"\b(added|removed)\b", doc)
    assert "thêm mới" in doc and "bị bỏ" in doc
    # numbers in Vietnamese: 3.204,3 not 3,204.3; no English-style thousands
    assert re.search(r"\d\.\d{3},\d\d", doc) and not re.search(r"\d,\d{3}\.\d\d", doc)
    assert english_left(doc) == []


# -- the errors themselves ---------------------------------------------------------------------------


@given(row=st.integers(1, 10_000), value=st.text(max_size=20))
def test_a_message_error_is_translated_when_shown(row, value):
    err = PlanDataError(
        message("duplicate {column} {value!r} (also on row {row}); give each row its own id",
                column="cluster_id", value=value, row=row),
        path="a.csv", row=row + 1, field="cluster_id",
    )  # fmt: skip
    with use_language("en"):
        en = str(err)
    with use_language("vi"):
        vi = str(err)
        assert str(pickle.loads(pickle.dumps(err))) == vi
        assert RowErrors([err, err]).lines()[1] == vi
    assert "give each row its own id" in en and "(also on row" in en
    assert f"dòng {row + 1}" in vi and "hãy cho mỗi dòng một mã riêng" in vi
    assert "give each row" not in vi


def test_a_warning_that_is_also_a_note_is_printed_once_in_vietnamese(tmp_path):
    """The reader's note repeating a warning is not printed again (compared as shown, in vi)."""
    import geopandas as gpd
    from shapely.geometry import box

    path = tmp_path / "cum.shp"
    gpd.GeoDataFrame(
        {"cluster_id": ["A-01"], "name_vi": ["CCN Một"], "ghi_chu_x": ["?"]},
        geometry=[box(105.85, 21.15, 105.852, 21.152)],
        crs="EPSG:4326",
    ).to_file(path)
    code, text = _cli("--lang", "vi", "check", "--partial", str(path))
    assert code in (0, 1), text
    said = [line for line in text.splitlines() if "không ứng với cột nào" in line]
    assert len(said) == 1 and said[0].startswith("planning: cảnh báo:"), text
    assert english_left(text) == []


# -- the reader's notes, file and layer errors, outputs, the manifest, CRS warnings ------------------

_HEAD = BAD_TABLE.splitlines()[0]
_ROW = "A-01,CCN Đông,Đông Anh,,105.85,21.15,10"  # encodable in Windows-1258 as it is


def _layer(path: Path, *, layers: tuple[str, ...] = ("a",), **kwargs: object) -> Path:
    import geopandas as gpd
    from shapely.geometry import box

    frame = gpd.GeoDataFrame(
        {"cluster_id": ["A-01"], "name_vi": ["CCN Đông"]},
        geometry=[box(105.85, 21.15, 105.852, 21.152)],
        crs="EPSG:4326",
    )
    for name in layers:
        frame.to_file(path, **({"layer": name} if path.suffix == ".gpkg" else {}), **kwargs)
    return path


def _not_utf8(tmp: Path) -> list[str]:
    path = tmp / "cp.csv"
    path.write_bytes(f"{_HEAD}\n{_ROW}\n".encode("cp1258"))
    return ["check", "--partial", str(path)]


def _header_on_row_3(tmp: Path) -> list[str]:
    path = tmp / "title.csv"
    path.write_text(f"Danh mục cụm công nghiệp,,,,,,\n,,,,,,\n{_HEAD}\n{_ROW}\n", encoding="utf-8")
    return ["check", "--partial", str(path)]


def _wrong_cpg(tmp: Path) -> list[str]:
    path = _layer(tmp / "cpg.shp", encoding="cp1258")
    path.with_suffix(".cpg").write_text("UTF-8")
    return ["check", "--partial", str(path)]


def _missing(tmp: Path) -> list[str]:
    return ["check", "--partial", str(tmp / "không-có.gpkg")]


def _two_layers(tmp: Path) -> list[str]:
    return ["check", "--partial", str(_layer(tmp / "two.gpkg", layers=("a", "b")))]


def _overwrite_input(tmp: Path) -> list[str]:
    path = _layer(tmp / "one.gpkg")
    return ["export", "--partial", str(path), "-o", str(path)]


def _bad_manifest(tmp: Path) -> list[str]:
    path = tmp / "plan.toml"
    path.write_text("[figures\nx = 1\n", encoding="utf-8")
    return ["check", "--manifest", str(path)]


def _lost_datum_shift(tmp: Path) -> list[str]:
    from pyproj import CRS

    path = _layer(tmp / "vn2000.shp")
    lost = "+proj=tmerc +lat_0=0 +lon_0=105 +k=0.9999 +x_0=500000 +y_0=0 +ellps=WGS84 +units=m"
    import geopandas as gpd

    gpd.read_file(path).to_crs("EPSG:5897").set_crs(lost, allow_override=True).to_file(path)
    path.with_suffix(".prj").write_text(CRS.from_proj4(lost).to_wkt("WKT1_ESRI"))
    return ["check", "--partial", str(path)]


#: (what it is, how to make it, what is said in Vietnamese, what is said in English).
CASES = [
    ("not UTF-8", _not_utf8, "cp.csv: không phải UTF-8; đã đọc theo bảng mã một byte",
     "cp.csv: not UTF-8; read as a single-byte code page"),
    ("header on row 3", _header_on_row_3, "title.csv: tìm thấy dòng tiêu đề ở dòng 3",
     "title.csv: header found on row 3"),
    ("wrong .cpg", _wrong_cpg, "có lẽ tệp .cpg sai", "the .cpg is probably wrong"),
    ("missing file", _missing, "không tìm thấy tệp", "file not found"),
    ("two layers", _two_layers, "tệp có 2 lớp (a, b)", "the file has 2 layers (a, b)"),
    ("overwrite input", _overwrite_input,
     "one.gpkg: không ghi đè lên tệp đầu vào; hãy chọn đường dẫn đầu ra khác",
     "one.gpkg: refusing to overwrite an input file; choose another output path"),
    ("bad manifest", _bad_manifest, "plan.toml: không phải TOML hợp lệ: ", "plan.toml: not valid TOML: "),
    ("lost datum shift", _lost_datum_shift,
     "planning: cảnh báo: {path}: phép chiếu VN-2000 với hệ quy chiếu gốc",
     "planning: warning: {path}: VN-2000 projection with datum"),
]  # fmt: skip


@pytest.mark.parametrize(("make", "vi", "en"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_notes_errors_and_warnings_of_files_are_vietnamese(tmp_path, make, vi, en):
    argv = make(tmp_path)
    path = argv[2]
    _code, text = _cli("--lang", "vi", *argv)
    assert vi.format(path=path) in text, text
    assert english_left(text) == [], text
    _code, text = _cli("--lang", "en", *argv)
    assert en.format(path=path) in text, text


@given(n=st.integers(1, 40), folder=st.text(min_size=1, max_size=12))
def test_output_refusals_are_translated_when_shown(n, folder):
    from planning.i18n import localize

    said = message("refusing to write inside {what}; choose another output path",
                   what=message("the input folder {folder}", folder=folder))  # fmt: skip
    assert said == f"refusing to write inside the input folder {folder}; choose another output path"
    assert localize(said, lang="vi") == (
        f"không ghi vào bên trong thư mục đầu vào {folder}; hãy chọn đường dẫn đầu ra khác"
    )
    more = message("{cells} and {n} more", cells="A1, B2", n=n)
    assert localize(more, lang="vi") == f"A1, B2 và {n} ô khác"
