"""Excel workbooks (``planning areas|check --format xlsx``) and Excel-ready CSV."""

from __future__ import annotations

import math
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planning.cli import main
from planning.report.areas import area_tables
from planning.report.core import check
from planning.report.excel import COLUMNS, areas_workbook, check_workbook, csv_text, write_workbook
from planning.testing import district_point, make_plan, square

openpyxl = pytest.importorskip("openpyxl")


@pytest.fixture(scope="module")
def bundled():
    import planning

    return planning.load_plan()


def _rows(ws):
    return [list(r) for r in ws.iter_rows(values_only=True)]


def test_areas_xlsx_from_the_cli(tmp_path, bundled):
    out = tmp_path / "areas.xlsx"
    assert main(["areas", "--format", "xlsx", "-o", str(out)]) == 0
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["clusters", "districts", "sources"]
    ws = wb["clusters"]
    rows = _rows(ws)
    header, body, total = rows[0], rows[1:-1], rows[-1]
    # headers name their units; the header is frozen and filterable
    assert "Declared area (ha)" in header
    assert any("(ha)" in h and "VN-2000" in h for h in header)
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref.startswith("A1:")
    assert len(body) == len(bundled.clusters) > 27
    names = [r[header.index("Name (Vietnamese)")] for r in body]
    assert "CCN Liên Hiệp" in names
    # the totals row sums what the body holds
    col = header.index("Declared area (ha)")
    expected = math.fsum(r[col] for r in body if r[col] is not None)
    assert total[0] == f"Total ({len(bundled.clusters)} rows)"
    assert total[col] == pytest.approx(expected) and expected == pytest.approx(
        bundled.clusters["declared_ha"].sum()
    )
    # numbers are numbers, with formats; an unknown area is an empty cell, not NaN
    cell = ws.cell(row=2, column=col + 1)
    assert cell.number_format == "#,##0.00"
    assert any(r[col] is None for r in body)
    d = _rows(wb["districts"])
    assert d[0][3] == "Area, geodesic WGS 84 (km²)" and len(d) == 32
    assert d[-1][d[0].index("Clusters (count)")] == 75
    sources = [r[1] for r in _rows(wb["sources"])]
    assert any("OCHA" in str(s) for s in sources) and any("INDICATIVE" in str(s) for s in sources)


def test_check_xlsx_has_findings(tmp_path, bundled):
    out = tmp_path / "check.xlsx"
    code = main(["check", "--format", "xlsx", "-o", str(out)])
    report = check(bundled)
    assert code == report.exit_code
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["findings", "clusters", "districts", "sources"]
    rows = _rows(wb["findings"])
    assert rows[0][:5] == ["Rule", "Rule status", "Severity", "Cluster id", "Finding"]
    n_findings = sum(len(r.findings) for r in report.results)
    n_quiet = sum(1 for r in report.results if not r.findings)
    assert len(rows) - 2 == n_findings + n_quiet
    assert {r[0] for r in rows[1:-1]} == {r.rule.code for r in report.results}
    assert any("rules" in str(r[1]) for r in _rows(wb["sources"]))


def test_binary_formats_need_an_output_file(capsys):
    assert main(["areas", "--format", "xlsx"]) == 2
    assert "add -o FILE" in capsys.readouterr().err
    assert main(["check", "--format", "xlsx"]) == 2


def test_text_from_data_is_never_a_formula(tmp_path):
    lon, lat = district_point("Thạch Thất")[1:]
    evil = '=HYPERLINK("http://example.invalid","x")'
    plan = make_plan(
        [{"cluster_id": "+1", "name_vi": evil, "declared_ha": 5, "geometry": square(lon, lat, 5)}]
    )
    path = write_workbook(areas_workbook(plan), tmp_path / "a.xlsx")
    ws = openpyxl.load_workbook(path)["clusters"]
    cell = ws.cell(row=2, column=2)
    assert cell.value == evil and cell.data_type == "s"
    text = csv_text(area_tables(plan)["clusters"])
    assert "\n'+1,\"'=HYPERLINK(" in text


@settings(max_examples=25, deadline=None)
@given(
    st.sampled_from(["", "=", "+", "-", "@", "\t"]),
    st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=30),
)
def test_csv_round_trips_text_excel_would_not_evaluate(prefix, rest):
    name = prefix + rest
    import io

    import pandas as pd

    table = pd.DataFrame({"name_vi": [name], "declared_ha": [1.5]})
    text = csv_text(table)
    assert text.startswith("\ufeff")
    back = pd.read_csv(io.StringIO(text[1:]), keep_default_na=False, dtype=str)
    value = back["name_vi"][0]
    if name.startswith(("=", "+", "-", "@", "\t")):
        assert value == "'" + name  # shown as text by Excel, the data kept after the apostrophe
    else:
        assert value == name


def test_csv_bom_through_the_subprocess(tmp_path):
    out = tmp_path / "areas.csv"
    subprocess.run(
        [sys.executable, "-m", "planning", "areas", "--format", "csv", "-o", str(out)],
        check=True,
        capture_output=True,
    )
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    assert "CCN Liên Hiệp" in data.decode("utf-8-sig")


def test_every_area_column_has_a_unit_header(bundled):
    tables = area_tables(bundled)
    for table in tables.values():
        for col in table.columns:
            header = COLUMNS[col].header
            if col.endswith(("_ha", "_ha_vn2000")):
                assert "(ha)" in header
            if "km2" in col:
                assert "(km²)" in header
    wb = check_workbook(bundled, check(bundled), tables=tables)
    assert wb["districts"].freeze_panes == "A2"
