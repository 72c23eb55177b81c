"""Every bad row of a file is reported at once, by the row a user sees, one line per fault.

A hand-typed appendix often has several bad rows of several kinds (an area ``-5``, a typo
in a commune, an unreadable WKT). A read reports all of them in one error, in row order,
each naming its file, row and field; a CSV's rows are numbered as Excel shows them (the
header is row 1, title and blank lines count); the command line prints one line per fault
after a line that says how many rows are bad, and exits 2.
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
import tempfile
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planning.errors import PlanDataError, RowErrors, row_errors
from planning.model.plan import load_plan
from planning.readers import read_layer
from planning.readers.workbook import read_workbook

ROOT = Path(__file__).resolve().parents[2]
GOOD_WKT = "POLYGON ((105.5 21.0, 105.51 21.0, 105.51 21.01, 105.5 21.01, 105.5 21.0))"
HEADER = "ma,ten,wkt,dien_tich,geometry_kind"
#: A bad cell of each field a reader checks row by row, and the field the error names.
BAD = {
    "area": ("declared_ha", {"dien_tich": "-5"}),
    "wkt": ("wkt", {"wkt": '"POLYGON((1 2, 3"'}),
    "kind": ("geometry_kind", {"geometry_kind": "blob"}),
}


def cli(*args: str, lang: str = "en") -> subprocess.CompletedProcess[str]:
    """Run this checkout's command line."""
    env = {**os.environ, "PLANNING_LANG": lang}
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")])
    return subprocess.run([sys.executable, "-m", "planning", *args], capture_output=True,
                          text=True, cwd=ROOT, env=env, timeout=300)  # fmt: skip


def _csv_row(i: int, faults: frozenset[str], name: str) -> str:
    cells = {"ma": f"R{i}", "ten": name, "wkt": f'"{GOOD_WKT}"', "dien_tich": "\"12,5\"",
             "geometry_kind": ""}  # fmt: skip
    for fault in sorted(faults):
        cells.update(BAD[fault][1])
    return ",".join(cells[c] for c in HEADER.split(","))


@st.composite
def tables(draw: st.DrawFn) -> tuple[str, int, set[tuple[int, str]]]:
    """A CSV with title and blank lines and some bad rows, its rows, and every fault's (row, field)."""
    lines = [f"DANH MỤC CỤM CÔNG NGHIỆP {t},,,," for t in range(draw(st.integers(0, 2)))]
    lines.append(HEADER)
    expected: set[tuple[int, str]] = set()
    n = draw(st.integers(1, 8))
    for i in range(n):
        for _ in range(draw(st.integers(0, 1))):
            lines.append(draw(st.sampled_from(["", ",,,,"])))
        faults = draw(st.frozensets(st.sampled_from(sorted(BAD))))
        # A name with a line break, quoted, stays on its row in Excel.
        name = draw(st.sampled_from(["CCN A", '"CCN\nB"', "Cụm Phùng Xá"]))
        row = len(lines) + 1  # Excel's row: one per record, counting blank ones
        lines.append(_csv_row(i, faults, name))
        expected |= {(row, BAD[f][0]) for f in faults}
    return "\n".join(lines) + "\n", n, expected


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables())
def test_every_bad_row_of_a_table_is_reported_at_its_excel_row(table) -> None:
    text, n, expected = table
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "phu_luc.csv"
        path.write_text(text, encoding="utf-8")
        if not expected:
            assert len(read_layer(path)) == n  # every row read, none refused
            return
        with pytest.raises(PlanDataError) as info:
            read_layer(path)
    err = info.value
    faults = err.errors if isinstance(err, RowErrors) else [err]
    assert {(e.row, e.field) for e in faults} == expected  # all of them, nothing else
    assert [e.row for e in faults] == sorted(e.row for e in faults)  # in row order
    assert all(e.path == str(path) for e in faults)


def test_a_csvs_first_data_row_is_row_2_and_title_rows_count(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text(f"{HEADER}\n{_csv_row(1, frozenset({'area'}), 'CCN A')}\n", encoding="utf-8")
    with pytest.raises(
        PlanDataError, match=r"a\.csv: row 2 \(cluster_id=R1\), field 'declared_ha': unreadable"
    ):
        read_layer(path)
    titled = tmp_path / "b.csv"
    titled.write_text(f"PHỤ LỤC,,,,\n\n{HEADER}\n" + _csv_row(1, frozenset(), "CCN A") + "\n"
                      + _csv_row(2, frozenset({"wkt"}), "CCN B") + "\n")  # fmt: skip
    with pytest.raises(PlanDataError) as info:
        read_layer(titled)
    assert (info.value.row, info.value.field) == (5, "wkt")


def _bad_communes_csv(path: Path) -> Path:
    path.write_text(
        "ten_ccn,xa,huyen,dien_tich\n"
        "CCN Một,Phùng Xá,Thạch Thất,20\n"
        "CCN Hai,Xã Không Có,Thạch Thất,-5\n"
        "CCN Ba,Phùng Xá,Huyện Ma,abc\n"
        "CCN Bốn,Đâu Đó,Thạch Thất,12\n",
        encoding="utf-8",
    )
    return path


def _bad_communes_xlsx(path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Phụ lục"
    ws.append(["DANH MỤC CÁC CỤM CÔNG NGHIỆP"])
    ws.append(["STT", "Tên CCN", "Xã", "Huyện", "Diện tích (ha)"])
    ws.append([1, "CCN Một", "Phùng Xá", "Thạch Thất", 20])
    ws.append([2, "CCN Hai", "Xã Không Có", "Thạch Thất", -5])
    ws.append([3, "CCN Ba", "Phùng Xá", "Huyện Ma", "abc"])
    ws.append([4, "CCN Bốn", "Đâu Đó", "Thạch Thất", 12])
    wb.save(path)
    return path


#: (row, field) of every fault of the file above: areas and places, in row order.
PLACE_FAULTS = [(3, "declared_ha"), (3, "commune_vi"), (4, "declared_ha"), (4, "district_vi"),
                (5, "commune_vi")]  # fmt: skip


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_bad_areas_and_unknown_places_are_reported_together(tmp_path: Path, suffix: str) -> None:
    if suffix == "csv":
        path, faults, sheet = _bad_communes_csv(tmp_path / "bad.csv"), PLACE_FAULTS, None
    else:  # one title row above the header: every row one further down
        path, sheet = _bad_communes_xlsx(tmp_path / "bad.xlsx"), "Phụ lục"
        faults = [(row + 1, field) for row, field in PLACE_FAULTS]
    with pytest.raises(RowErrors) as info:
        load_plan(path, complete=False)
    err = info.value
    assert [(e.row, e.field) for e in err.errors] == faults
    assert all(e.sheet == sheet and e.path == str(path) for e in err.errors)
    lines = err.lines()
    assert lines[0] == f"{path}: 3 rows cannot be used:"
    assert len(lines) == 1 + len(faults) and str(err) == "\n".join(lines)
    assert all(line.startswith(f"{path}: ") for line in lines)


def test_the_command_line_prints_one_line_per_bad_row(tmp_path: Path) -> None:
    path = _bad_communes_csv(tmp_path / "bad.csv")
    r = cli("check", str(path), "--partial", "--format", "json")
    assert r.returncode == 2 and r.stdout == "" and "Traceback" not in r.stderr
    lines = r.stderr.splitlines()
    assert lines[0] == f"planning: error: {path}: 3 rows cannot be used:"
    assert len(lines) == 1 + len(PLACE_FAULTS) and "\\n" not in r.stderr
    for line, (row, field) in zip(lines[1:], PLACE_FAULTS, strict=True):
        assert line.startswith(f"planning: error: {path}: row {row}")
        assert f"field {field!r}: " in line
    vi = cli("check", str(path), "--partial", lang="vi")
    assert vi.returncode == 2 and "Traceback" not in vi.stderr
    lines = vi.stderr.splitlines()
    assert lines[0] == f"planning: lỗi: {path}: 3 dòng không dùng được:"
    assert lines[1] == (
        f"planning: lỗi: {path}: dòng 3 (cluster_id=bad-002), trường 'declared_ha': không đọc "
        "được diện tích: '-5' là số âm; ghi diện tích bằng ha dưới dạng số (12,5 hoặc 12.5), "
        "hoặc để trống ô"
    )


def test_a_workbook_reports_its_bad_rows_with_later_faults(tmp_path: Path) -> None:
    path = tmp_path / "w.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Mã CCN", "Tên CCN", "Kinh độ", "Vĩ độ", "Diện tích (ha)"])
    ws.append(["A", "CCN A", 105.6, 21.0, "nhiều"])  # bad area: found by the sheet's reader
    ws.append(["A", "CCN B", "x", 21.0, 5])  # a duplicate id and a bad longitude: later
    wb.save(path)
    with pytest.raises(RowErrors) as info:
        read_layer(path)
    assert [(e.row, e.field) for e in info.value.errors] == [
        (2, "declared_ha"), (3, "lon"), (3, "cluster_id")]  # fmt: skip
    with pytest.raises(RowErrors):  # read on its own, the sheet still refuses its bad rows
        read_workbook(path)


def test_the_listed_faults_stop_at_the_limit_and_say_what_to_do() -> None:
    faults = [PlanDataError("bad", path="f.csv", row=r, field="x") for r in range(30, 5, -1)]
    err = row_errors(faults)
    assert isinstance(err, RowErrors) and [e.row for e in err.errors] == list(range(6, 31))
    lines = err.lines()
    assert lines[0] == "f.csv: 25 rows cannot be used:" and len(lines) == 22
    assert lines[-1] == "f.csv: … and 5 more; fix the rows above and run again to see them"
    assert pickle.loads(pickle.dumps(err)).lines() == lines  # crosses processes intact
    assert row_errors(faults[:1]) is faults[0]  # one fault is raised as it is


def test_each_line_is_one_line_whatever_the_data() -> None:
    forged = PlanDataError("'A\nplanning: error: forged\x1b[2J' is not an area", path="f.csv",
                           row=2, field="declared_ha")  # fmt: skip
    err = row_errors([forged, PlanDataError("bad", path="f.csv", row=3)])
    assert len(str(err).splitlines()) == 3 == len(err.lines())
    assert all("\x1b" not in line and "\n" not in line for line in err.lines())


@pytest.mark.parametrize(
    ("header", "cell", "unit"),
    [("dien_tich", "0", "ha"), ("dien_tich", "0,0", "ha"), ("dien_tich_m2", "0", "m²")],
)
def test_declared_area_of_zero_is_a_row_fault(tmp_path, header, cell, unit):
    """0 is not a declared area (a percentage against it is infinite): refused like '-5'."""
    path = tmp_path / "zero.csv"
    path.write_text(f'ma,ten,wkt,{header}\nZ,CCN Z,"{GOOD_WKT}","{cell}"\n', encoding="utf-8")
    with pytest.raises(PlanDataError) as e:
        read_layer(path)
    assert (
        f"row 2 (cluster_id=Z), field '{'declared_m2' if unit == 'm²' else 'declared_ha'}': "
        f"declared area 0 {unit} is not an area; write the plan's area in {unit}, or empty the "
        "cell if it is not known"
    ) in str(e.value)


def test_declared_area_of_zero_in_a_workbook_is_a_row_fault(tmp_path):
    path = tmp_path / "zero.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["ma", "ten", "xa", "huyen", "dien_tich"])
    ws.append(["Z", "CCN Z", "Phùng Xá", "Thạch Thất", 0])
    wb.save(path)
    with pytest.raises(PlanDataError, match=r"row 2 .*declared area 0 ha is not an area"):
        read_layer(path)


def test_a_zero_area_does_not_change_how_later_rows_of_an_m2_column_are_read(tmp_path):
    """Every row of an m² column is read in m², whatever an earlier row held."""
    path = tmp_path / "zero_then_bad.csv"
    path.write_text(
        f'ma,ten,wkt,dien_tich_m2\nZ,CCN Z,"{GOOD_WKT}",0\nY,CCN Y,"{GOOD_WKT}",-5\n'
        f'X,CCN X,"{GOOD_WKT}",50000\n',
        encoding="utf-8",
    )
    with pytest.raises(PlanDataError) as e:
        read_layer(path)
    lines = e.value.lines()
    assert "2 rows cannot be used" in lines[0]
    assert "declared area 0 m² is not an area" in lines[1]
    assert "row 3 (cluster_id=Y), field 'declared_m2'" in lines[2] and "m²" in lines[2]
