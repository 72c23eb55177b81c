"""Files a reader cannot parse as they are: each says which row and field, and what to do.

A hand-typed CSV with a quote never closed, or a Vietnamese decimal comma (``12,5``) in a
comma-separated file; Excel's "Unicode text" (UTF-16); a shapefile whose ``.cpg`` says UTF-8
for a Windows-1258 table; area cells worded alike by every reader, with the row's id; one
line for a row with no location at all.
"""

from __future__ import annotations

import tempfile
import unicodedata
from pathlib import Path

import geopandas as gpd
import openpyxl
import pytest
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planning.errors import PlanDataError, RowErrors
from planning.i18n import use_language
from planning.model.plan import load_plan
from planning.readers import read_layer
from planning.readers.values import AreaError, parse_area
from tests.readers.test_row_faults import cli

HEADER = ["cluster_id", "name_vi", "commune_vi", "district_vi", "declared_ha"]
ROWS = [
    ["C-1", "CCN Phùng Xá", "Phùng Xá", "Thạch Thất", "12.5"],
    ["C-2", "CCN Bình Phú", "Bình Phú", "Thạch Thất", "20"],
    ["C-3", "CCN Liên Hà", "Liên Hà", "Đông Anh", "8"],
]
TITLE = "DANH MỤC CỤM CÔNG NGHIỆP,,,,"
SLOW = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _faults(err: PlanDataError) -> list[PlanDataError]:
    return err.errors if isinstance(err, RowErrors) else [err]


def _read_error(text: str, *, name: str = "t.csv", encoding: str = "utf-8") -> PlanDataError:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(text.encode(encoding))
        with pytest.raises(PlanDataError) as info:
            read_layer(path)
    return info.value


# --- a quote never closed --------------------------------------------------------------------


@SLOW
@given(
    titles=st.integers(0, 2),
    n=st.integers(1, 6),
    data=st.data(),
)
def test_a_quote_never_closed_is_named_where_it_opens(titles: int, n: int, data) -> None:
    bad = data.draw(st.integers(0, n - 1), label="bad row")
    column = data.draw(st.integers(1, 3), label="column")
    lines = [TITLE] * titles + [",".join(HEADER)]
    for i in range(n):
        cells = list(ROWS[i % 3])
        cells[0] = f"C-{i}"
        if i < bad:
            cells[1] = f'"{cells[1]}, ""{i}"""'  # quoted, with a comma and quotes: fine
        if i == bad:
            cells[column] = '"' + cells[column]
        lines.append(",".join(cells))
    err = _read_error("\n".join(lines) + "\n")
    assert not isinstance(err, RowErrors)
    assert err.row == titles + 2 + bad  # the header is row titles + 1
    assert err.field == HEADER[column]
    assert "never closed" in err.message and "add the closing quote" in err.message


# --- rows with more cells than the header ----------------------------------------------------


@SLOW
@given(
    areas=st.lists(
        st.tuples(st.integers(0, 999), st.integers(1, 99), st.booleans()), min_size=1, max_size=6
    )
)
def test_a_decimal_comma_in_a_comma_separated_file_is_named(areas) -> None:
    lines = [",".join(HEADER)]
    expected = []
    for i, (whole, decimals, unquoted) in enumerate(areas):
        area = f"{whole},{decimals}"
        lines.append(",".join([f"C-{i}", "CCN A", "Phùng Xá", "Thạch Thất",
                               area if unquoted else f'"{area}"']))  # fmt: skip
        if unquoted:
            expected.append((i + 2, area, f"{whole}.{decimals}"))
    text = "\n".join(lines) + "\n"
    if not expected:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "t.csv"
            path.write_text(text, encoding="utf-8")
            out = read_layer(path)
        assert out["declared_ha"].tolist() == [float(f"{w}.{d}") for w, d, _ in areas]
        return
    faults = _faults(_read_error(text))
    assert [(e.row, e.field) for e in faults] == [(row, "declared_ha") for row, _, _ in expected]
    for e, (_, area, point) in zip(faults, expected, strict=True):
        assert f"'{area}' looks like a number with a decimal comma" in e.message
        assert f"decimal point ({point})" in e.message and f'quotes ("{area}")' in e.message
        assert "has 6 cells where the header (row 1) has 5" in e.message


def test_an_extra_cell_in_a_semicolon_file_says_what_to_do() -> None:
    text = (
        "cluster_id;name_vi;commune_vi;district_vi;declared_ha\nS-1;CCN A;Phùng Xá;Thạch Thất;5\n"
    )
    err = _read_error(text + "S-2;CCN C;Liên Hà;Đông Anh;7;thêm\n")
    assert (err.row, err.field) == (3, None)
    assert "has 6 cells where the header (row 1) has 5" in err.message
    assert "separator ';' without quotes" in err.message and "'thêm'" in err.message
    err = _read_error(text + "S-2;CCN C;Liên Hà;Đông Anh;7;;\n")
    assert "the extra cells are empty; delete the separators (';')" in err.message


# --- UTF-16 (Excel's "Unicode text") ----------------------------------------------------------


def _unicode_text(text: str, codec: str) -> bytes:
    if codec == "utf-16-be+bom":
        return b"\xfe\xff" + text.encode("utf-16-be")
    return text.encode(codec)  # "utf-16" writes a byte order mark; -le alone does not


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-be+bom", "utf-32", "utf-16-le"])
@pytest.mark.parametrize("sep", ["\t", ","])
def test_unicode_text_reads_as_utf8_does(tmp_path: Path, codec: str, sep: str) -> None:
    text = "\r\n".join([TITLE.replace(",", sep), sep.join(HEADER), *(sep.join(r) for r in ROWS)])
    utf8 = tmp_path / "a.csv"
    utf8.write_text(text, encoding="utf-8")
    wide = tmp_path / "b.csv"
    wide.write_bytes(_unicode_text(text, codec))
    want, got = read_layer(utf8), read_layer(wide)
    for col in ("cluster_id", "name_vi", "commune_vi", "district_vi", "declared_ha"):
        assert got[col].tolist() == want[col].tolist()
    assert got["name_vi"].tolist()[0] == "CCN Phùng Xá"


def test_binary_files_say_what_they_are_and_what_to_do(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    wb.active.append(HEADER)
    wb.save(tmp_path / "book.xlsx")
    renamed = tmp_path / "book.csv"
    renamed.write_bytes((tmp_path / "book.xlsx").read_bytes())
    with pytest.raises(PlanDataError, match=r"an Excel workbook, not a text table; give it the "
                       r"\.xlsx suffix"):  # fmt: skip
        read_layer(renamed)
    noise = tmp_path / "noise.csv"
    noise.write_bytes(b"id,name\n\x00\x01\x02\x00\xff\x00\x00\x00\x00abc\n")
    with pytest.raises(PlanDataError, match=r"NUL bytes: .* save it again as CSV UTF-8"):
        read_layer(noise)


# --- a shapefile whose .cpg is wrong -----------------------------------------------------------


def _cp1258(text: str) -> bytes:
    """Encode Vietnamese as Windows-1258 does: base letters precomposed, tone marks combining."""
    out = b""
    for ch in unicodedata.normalize("NFC", text):
        try:
            out += ch.encode("cp1258")
        except UnicodeEncodeError:
            marks = unicodedata.normalize("NFD", ch)
            shape = "".join(m for m in marks[1:] if m in "\u0302\u0306\u031b")
            tones = "".join(m for m in marks[1:] if m not in shape)
            base = unicodedata.normalize("NFC", marks[0] + shape)
            out += base.encode("cp1258") + tones.encode("cp1258")
    return out


NAMES = ["CCN Thạch Thất", "CCN Phùng Xá", "CCN Ngọc Liệp"]


def _cp1258_shapefile(folder: Path, cpg: str) -> Path:
    gdf = gpd.GeoDataFrame(
        {
            "Ma_CCN": ["S-1", "S-2", "S-3"],
            "Ten_CCN": [_cp1258(n).decode("latin-1") for n in NAMES],
            "Dien_tich": [5.0, 6.0, 7.0],
        },
        geometry=[shapely.box(105.6 + i / 100, 21.03, 105.603 + i / 100, 21.033) for i in range(3)],
        crs="EPSG:4326",
    )
    path = folder / "ccn.shp"
    gdf.to_file(path, encoding="latin1")
    path.with_suffix(".cpg").write_text(cpg, encoding="ascii")
    return path


@pytest.mark.filterwarnings("ignore::RuntimeWarning", "ignore::UserWarning")
def test_a_wrong_cpg_is_named_with_the_encoding_to_use(tmp_path: Path) -> None:
    path = _cp1258_shapefile(tmp_path, "UTF-8")
    with pytest.raises(PlanDataError) as info:
        read_layer(path)
    err = info.value
    assert (err.row, err.field) == (1, "Ten_CCN")
    assert "is not UTF-8, though the .cpg file says it is" in err.message
    assert "it reads as 'CCN Thạch Thất' in cp1258: run again with --encoding cp1258" in err.message
    assert read_layer(path, encoding="cp1258")["name_vi"].tolist() == NAMES  # the advice works
    r = cli("check", str(path), "--partial")
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert r.stderr.count("\n") == 1 and "--encoding cp1258" in r.stderr


# --- areas: one wording, the row's id, m² named -----------------------------------------------


def _area_tables(folder: Path, value: object) -> tuple[Path, Path]:
    rows = [list(r) for r in ROWS]
    rows[1][4] = value  # type: ignore[call-overload]
    csv_path = folder / "a.csv"
    csv_path.write_text(
        "\n".join(",".join(f'"{c}"' for c in row) for row in [HEADER, *rows]) + "\n",
        encoding="utf-8",
    )
    wb = openpyxl.Workbook()
    for row in [HEADER, *rows]:
        wb.active.append(row)
    xlsx_path = folder / "a.xlsx"
    wb.save(xlsx_path)
    return csv_path, xlsx_path


@SLOW
@given(
    st.one_of(
        st.sampled_from(["-1", "-3,5", "mười", "abc", "12 mẫu", "50.000 m²", "#DIV/0!", "{{7*7}}"]),
        st.integers(min_value=-1_000_000, max_value=-1),  # Excel keeps 15 digits
    )
)
def test_a_bad_area_is_worded_alike_in_csv_and_excel_with_the_rows_id(value: object) -> None:
    with tempfile.TemporaryDirectory() as folder:
        errors = []
        for path in _area_tables(Path(folder), value):
            with pytest.raises(PlanDataError) as info:
                read_layer(path)
            errors.append(info.value)
    csv_err, xlsx_err = errors
    assert csv_err.message == xlsx_err.message
    assert csv_err.message.startswith(f"unreadable area: '{value}' ")
    assert csv_err.ident == xlsx_err.ident == "cluster_id=C-2"
    assert (csv_err.row, xlsx_err.row, csv_err.field) == (3, 3, "declared_ha")


def test_an_area_in_square_metres_says_to_divide_by_10000(tmp_path: Path) -> None:
    csv_path, _ = _area_tables(tmp_path, "50.000 m²")
    with pytest.raises(PlanDataError) as info:
        read_layer(csv_path)
    assert "'50.000 m²' is in m², not ha; divide it by 10 000 to get ha" in info.value.message
    with pytest.raises(AreaError, match="ambiguous"):  # thousands or decimals?
        parse_area("50.000 m²", unit="m2")
    assert parse_area("50000 m²", unit="m2") == (50_000.0, "")
    assert parse_area("khoảng 20 ha") == (20.0, "about")


def test_invalid_polygons_and_projected_xy_advise_the_command_line_options(tmp_path: Path) -> None:
    bowtie = "POLYGON ((105.6 21.0, 105.61 21.01, 105.61 21.0, 105.6 21.01, 105.6 21.0))"
    path = tmp_path / "p.csv"
    path.write_text(f'cluster_id,name_vi,wkt\nB-1,CCN A,"{bowtie}"\n', encoding="utf-8")
    with pytest.raises(PlanDataError, match=r"run again with --fix \(or fix=True in Python\)"):
        read_layer(path)
    xy = tmp_path / "xy.csv"
    xy.write_text("cluster_id,name_vi,x,y\nB-1,CCN A,560000,2330000\n", encoding="utf-8")
    with pytest.raises(PlanDataError, match=r"run again with --crs \(crs= in Python\)"):
        read_layer(xy)


# --- one line for one cause ---------------------------------------------------------------------


def test_a_row_with_no_location_is_reported_once(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["STT", "Tên cụm công nghiệp", "Xã", "Huyện", "Diện tích (ha)"])
    ws.append([1, "CCN Phùng Xá", "Phùng Xá", "Thạch Thất", 4.2])
    ws.append([2, "CCN thiếu xã", None, None, 5])
    wb.save(tmp_path / "w.xlsx")
    with pytest.raises(PlanDataError) as info:
        load_plan(tmp_path / "w.xlsx", complete=False)
    faults = _faults(info.value)
    assert [(e.row, e.field) for e in faults] == [(3, "commune_vi")]
    assert faults[0].message.startswith("the row has no location (no commune, district")
    assert "add its commune and district" in faults[0].message
    assert faults[0].ident == "cluster_id=w-002"  # the id assigned by row, as later lines say


def test_an_empty_csv_row_is_one_fault_as_in_a_workbook(tmp_path: Path) -> None:
    path = tmp_path / "e.csv"
    path.write_text(",".join(HEADER) + "\n" + ",".join(ROWS[0]) + "\n,,,,5\n", encoding="utf-8")
    with pytest.raises(PlanDataError) as info:
        read_layer(path)
    faults = _faults(info.value)
    assert [(e.row, e.field) for e in faults] == [(3, None)]  # not also an "empty id"
    assert faults[0].message.startswith("the row has no cluster name, id or location")


# --- in Vietnamese ------------------------------------------------------------------------------


def test_the_new_messages_are_in_vietnamese(tmp_path: Path) -> None:
    path = tmp_path / "q.csv"
    path.write_text(",".join(HEADER) + '\nC-1,"CCN A,Phùng Xá,Thạch Thất,5\n', encoding="utf-8")
    with use_language("vi"), pytest.raises(PlanDataError) as info:
        read_layer(path)
    with use_language("vi"):  # made and shown in Vietnamese
        shown = str(info.value)
    assert shown.endswith(
        "dòng 2, trường 'name_vi': dấu ngoặc kép (\") mở đầu giá trị này nhưng không được đóng, "
        "nên cả phần còn lại của tệp bị đọc thành một ô; thêm dấu ngoặc kép đóng ở cuối giá trị, "
        "hoặc xóa dấu mở"
    )
    assert info.value.message.startswith('a quote (") opens')  # English underneath
    csv_path, _ = _area_tables(tmp_path, "-1")
    with use_language("vi"), pytest.raises(PlanDataError) as info:
        read_layer(csv_path)
    with use_language("vi"):
        shown = str(info.value)
    assert shown.endswith(
        "dòng 3 (cluster_id=C-2), trường 'declared_ha': không đọc được diện tích: '-1' là số "
        "âm; ghi diện tích bằng ha dưới dạng số (12,5 hoặc 12.5), hoặc để trống ô"
    )
