"""Bad input is refused or reported, never accepted in silence (issue 9, section 4).

Each test builds the small file that showed the fault: a UTF-8 table with one bad byte,
a weak legacy-encoding guess, formulas without saved values, a shapefile without its
``.dbf``, data values that carry newlines or terminal escapes, and messages that were
too long or repeated themselves.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import warnings
import zipfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from planning.errors import (
    LegacyEncodingWarning,
    PlanDataError,
    PlanningError,
    PlanningWarning,
    escape_text,
)
from planning.model.plan import load_plan
from planning.readers import read_layer
from planning.readers.encoding import LEGACY_MIN_CONFIDENCE
from planning.report.core import check

NAMES = ["Phùng Xá", "Thạch Thất", "Bình Phú", "Đông Anh", "Hữu Bằng", "Quất Động"]


ROOT = Path(__file__).resolve().parents[2]


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    """Run this checkout's command line (from the repository root, whatever the cwd)."""
    env = os.environ.copy()
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")])
    return subprocess.run(
        [sys.executable, "-m", "planning", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=300,
    )


def _points_csv(path: Path, *, header: str = "ma_ccn,ten_ccn,kinh_do,vi_do,dien_tich") -> Path:
    rows = [header]
    for i, name in enumerate(NAMES):
        rows.append(f"HN-{i},CCN {name},105.6{i},21.0{i},{10 + i}")
    path.write_bytes(("\n".join(rows) + "\n").encode("utf-8"))
    return path


# -- (a) encodings ---------------------------------------------------------------------------


def test_utf8_file_with_one_bad_byte_is_an_error_naming_row_and_field(tmp_path):
    p = _points_csv(tmp_path / "bad.csv")
    p.write_bytes(p.read_bytes().replace("Bình".encode(), b"B\xecnh", 1))
    with pytest.raises(PlanDataError) as exc:
        read_layer(p)
    e = exc.value
    assert (e.row, e.field) == (4, "ten_ccn")  # the file's row 4: the header is row 1
    assert "0xec" in e.message and "row 4 of the file" in e.message and "--encoding" in e.message
    assert r"'CCN B\xecnh Phú'" in e.message  # the value, its bad byte written out
    r = cli("check", str(p), "--partial")
    assert r.returncode == 2
    assert r.stderr.count("\n") == 1 and "Traceback" not in r.stderr
    assert r.stderr.startswith(f"planning: error: {p}: row 4, field 'ten_ccn': ")


def test_utf8_bad_byte_in_the_header_is_reported_there(tmp_path):
    p = _points_csv(tmp_path / "bad.csv", header="ma_ccn,t\xean_ccn,kinh_do,vi_do,dien_tich")
    data = p.read_bytes().replace("tên".encode(), b"t\xeen", 1)
    p.write_bytes(data.replace("Thạch".encode(), "Thạch".encode()))
    with pytest.raises(PlanDataError, match=r"in the header 't\\xeen_ccn'.*row 1 of the file"):
        read_layer(p)


def test_an_explicit_encoding_overrides_the_refusal(tmp_path):
    p = _points_csv(tmp_path / "bad.csv")
    p.write_bytes(p.read_bytes().replace("Bình".encode(), b"B\xecnh", 1))
    got = read_layer(p, encoding="latin-1")  # what --encoding passes on: the user decides
    assert len(got) == len(NAMES)


def test_weak_legacy_guess_is_not_applied(tmp_path):
    # One name in UTF-8, one in Windows-1252: not "mostly UTF-8", and no legacy encoding
    # fits the column (TCVN3 scores 0.00); it used to be "decoded" into garbage, silently.
    p = tmp_path / "mixed.csv"
    p.write_bytes(
        b"ma_ccn,ten_ccn,kinh_do,vi_do,dien_tich\n"
        b"A,CCN \xc4\x90\xc3\xb4ng Anh,105.6,21.0,5\n"
        b"B,CCN Ph\xf9ng X\xe1,105.7,21.1,5\n"
    )
    with pytest.warns(LegacyEncodingWarning, match=r"'ten_ccn'.*confidence 0\.00.*--encoding"):
        got = read_layer(p)
    assert got["name_vi"].tolist()[1] == "CCN Phùng Xá"  # as read (Windows-1252), not TCVN3
    assert not any("decoded from tcvn3" in n for n in got.attrs["notes"])
    assert any("left as read" in n for n in got.attrs["notes"])
    assert 0 < LEGACY_MIN_CONFIDENCE <= 0.5


def test_a_real_legacy_column_is_still_repaired(tmp_path):
    from planning.text.legacy import encode_legacy

    p = tmp_path / "tcvn3.csv"
    rows = [b"ma_ccn,ten_ccn,kinh_do,vi_do,dien_tich"]
    rows += [
        b"HN-%d,CCN " % i + encode_legacy(n, "tcvn3") + b",105.6,21.0,5"
        for i, n in enumerate(NAMES)
    ]
    p.write_bytes(b"\n".join(rows) + b"\n")
    with warnings.catch_warnings():
        warnings.simplefilter("error", LegacyEncodingWarning)
        got = read_layer(p)
    assert got["name_vi"].tolist() == [f"CCN {n}" for n in NAMES]
    assert any("decoded from tcvn3" in n for n in got.attrs["notes"])


# -- (b) the reader's decisions are shown ------------------------------------------------------


def test_reader_notes_reach_stderr_json_and_html(tmp_path):
    p = _points_csv(tmp_path / "noid.csv", header="stt_x,ten_ccn,kinh_do,vi_do,dien_tich")
    r = cli("check", str(p), "--partial", "--format", "json")
    assert r.returncode in (0, 1), r.stderr
    notes = [ln for ln in r.stderr.splitlines() if ln.startswith("planning: note: ")]
    assert any("assigned by row" in ln for ln in notes), r.stderr
    d = json.loads(r.stdout)
    assert any("assigned by row" in n for n in d["reader_notes"])
    # Existing keys are kept; reader_notes is only added.
    assert {"schema", "summary", "rules", "notes", "attributions"} <= set(d)

    from planning.report.html import render_report_html

    plan = load_plan(p, complete=False)
    assert any("assigned by row" in n for n in plan.reader_notes)
    report = check(plan)
    assert report.reader_notes == plan.reader_notes
    page = render_report_html(plan, report=report, include_map=False, lang="en")
    assert "Reading the input" in page and "assigned by row" in page
    assert "Reading the input" in report.to_markdown()


def test_bundled_plan_has_no_reader_notes():
    plan = load_plan()
    assert plan.reader_notes == []
    assert check(plan).to_dict()["reader_notes"] == []


# -- (c) Excel formulas without saved values -------------------------------------------------


def test_formula_cells_without_saved_values_are_an_error(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Danh sách"
    ws.append(["ma_ccn", "ten_ccn", "kinh_do", "vi_do", "dien_tich"])
    ws.append(["A", "CCN A", 105.6, 21.0, "=2*5"])
    ws.append(["B", '=UPPER("ccn b")', 105.7, 21.1, 7])
    p = tmp_path / "plan.xlsx"
    wb.save(p)
    with pytest.raises(PlanDataError) as exc:
        read_layer(p)
    msg = str(exc.value)
    assert "sheet 'Danh sách'" in msg and "E2" in msg and "B3" in msg
    assert "2 formula cell(s)" in msg
    r = cli("check", str(p), "--partial")
    assert r.returncode == 2 and "formula" in r.stderr and "Traceback" not in r.stderr


def test_plain_values_in_a_workbook_still_read(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["ma_ccn", "ten_ccn", "kinh_do", "vi_do", "dien_tich"])
    ws.append(["A", "CCN A", 105.6, 21.0, 10])
    p = tmp_path / "plan.xlsx"
    wb.save(p)
    assert read_layer(p)["declared_ha"].tolist() == [10.0]


# -- (d) a shapefile without its .dbf ----------------------------------------------------------


def _shapefiles(folder: Path, *stems: str) -> None:
    import geopandas as gpd
    import shapely

    folder.mkdir(exist_ok=True)
    g = gpd.GeoDataFrame(
        {"ma_ccn": ["A"], "ten_ccn": ["CCN A"]},
        geometry=[shapely.box(105.5, 21.0, 105.51, 21.01)],
        crs=4326,
    )
    for stem in stems:
        g.to_file(folder / f"{stem}.shp")


def test_shapefile_without_dbf_is_an_error(tmp_path):
    _shapefiles(tmp_path / "shp", "plan")
    (tmp_path / "shp" / "plan.dbf").unlink()
    with pytest.raises(PlanDataError, match=r"plan\.dbf is missing"):
        read_layer(tmp_path / "shp" / "plan.shp")
    z = tmp_path / "plan.zip"
    with zipfile.ZipFile(z, "w") as zf:
        for f in (tmp_path / "shp").iterdir():
            zf.write(f, f"sub/{f.name}")
    with pytest.raises(PlanDataError, match=r"plan\.dbf is missing"):
        read_layer(z)


def test_zip_of_two_shapefiles_names_the_file_once(tmp_path):
    _shapefiles(tmp_path / "shp", "a", "b")
    z = tmp_path / "two.zip"
    with zipfile.ZipFile(z, "w") as zf:
        for f in (tmp_path / "shp").iterdir():
            zf.write(f, f.name)
    with pytest.raises(PlanDataError) as exc:
        read_layer(z)
    assert str(exc.value).count(str(z)) == 1
    assert "holds 2 GIS files" in str(exc.value)


# -- (e) data values never forge lines or send escapes ------------------------------------------


FORGED = "X\nplanning: error: forged\r\x1b[2J\u2028\u202e"


def test_error_classes_escape_control_characters():
    e = PlanDataError(f"bad {FORGED}", path=f"a{FORGED}.csv", ident=f"cluster_id={FORGED}")
    text = str(e)
    assert "\n" not in text and "\r" not in text and "\x1b" not in text
    assert "\u2028" not in text and "\u202e" not in text
    assert r"X\nplanning: error: forged\r\x1b[2J\u2028\u202e" in text
    assert str(PlanningError("Thạch Thất\n")) == r"Thạch Thất\n"
    assert str(PlanningWarning("a\x1bb")) == r"a\x1bb"


@given(st.text())
def test_escape_text_is_one_printable_line(text):
    out = escape_text(text)
    assert "\n" not in out and "\r" not in out and "\x1b" not in out
    assert all(ch.isprintable() or ch in " " or ord(ch) > 0x9F for ch in out)
    if all(ch.isprintable() and ch not in "\u2028\u2029" for ch in text):
        assert out == text  # printable text (Vietnamese included) is left alone


def test_forged_value_in_a_data_row_stays_on_one_line(tmp_path):
    p = tmp_path / "forge.csv"
    p.write_text(
        "ma_ccn,ten_ccn,kinh_do,vi_do,dien_tich\n"
        '"A\nplanning: error: forged\x1b[31m",CCN A,105.6,21.0,lots\n',
        encoding="utf-8",
    )
    r = cli("check", str(p), "--partial")
    assert r.returncode == 2
    assert r.stderr.count("\n") == 1, r.stderr
    assert r.stderr.count("planning: error:") == 2  # the real one, and the escaped text
    assert r"A\nplanning: error: forged\x1b[31m" in r.stderr
    assert "\x1b" not in r.stderr


def test_forged_file_name_stays_on_one_line(tmp_path):
    r = cli("check", str(tmp_path / "a\nplanning: error: forged.csv"), "--partial")
    assert r.returncode == 2
    assert r.stderr.count("\n") == 1 and r"a\nplanning: error: forged.csv" in r.stderr


# -- (f) messages -----------------------------------------------------------------------------


def test_huge_coordinates_are_printed_rounded(tmp_path):
    p = tmp_path / "huge.csv"
    p.write_text("ma_ccn,ten_ccn,kinh_do,vi_do,dien_tich\nA,CCN A,1e308,21.0,5\n")
    with pytest.raises(PlanDataError) as exc:
        read_layer(p)
    assert "1e+308" in str(exc.value) and len(str(exc.value)) < 300


@pytest.mark.parametrize(
    ("metadata", "expected"),
    [
        (b"{not json", "is not valid JSON"),
        (b"[]", "is not a JSON object"),
        (
            b'{"version": "1.0.0", "primary_column": "geom", '
            b'"columns": {"geom": {"encoding": "WKB"}}}',
            "names geometry column 'geom', which is not in the file",
        ),
        (
            b'{"version": "1.0.0", "primary_column": "geometry", '
            b'"columns": {"geometry": {"encoding": "strange"}}}',
            "is unusable",
        ),
    ],
)
def test_geoparquet_with_bad_geo_metadata_says_so(tmp_path, metadata, expected):
    import geopandas as gpd
    import pyarrow.parquet as pq
    import shapely

    good = tmp_path / "good.parquet"
    gpd.GeoDataFrame(
        {"ma_ccn": ["A"]}, geometry=[shapely.box(105.5, 21.0, 105.51, 21.01)], crs=4326
    ).to_parquet(good)
    table = pq.read_table(good)
    bad = tmp_path / "bad.parquet"
    pq.write_table(table.replace_schema_metadata({**table.schema.metadata, b"geo": metadata}), bad)
    with pytest.raises(PlanDataError) as exc:
        read_layer(bad)
    msg = str(exc.value)
    assert "'geo' metadata" in msg and expected in msg
    assert "WKT" not in msg and "\\X01" not in msg


def test_dask_on_a_csv_is_one_line(tmp_path):
    pytest.importorskip("dask_geopandas")
    p = _points_csv(tmp_path / "points.csv")
    r = cli("check", "--dask", str(p))
    assert r.returncode == 2
    assert r.stderr.count("\n") == 1, r.stderr
    assert "not a GeoParquet file" in r.stderr and "Original Message" not in r.stderr
