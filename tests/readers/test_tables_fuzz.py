"""Random appendix layouts through the spreadsheet reader: nothing escapes but the
project's own errors, and no row is dropped without being recognised."""

from __future__ import annotations

import tempfile
from pathlib import Path

import openpyxl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planning.errors import PlanningError, RowErrors
from planning.readers.workbook import read_workbook

DISTRICTS = ["Thạch Thất", "Đông Anh", "Chương Mỹ", "Ba Vì"]
ROMAN = ["I", "II", "III", "IV", "V"]

# openpyxl refuses control characters in cells, as Excel does.
text = st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=12)
cell = st.one_of(
    st.none(),
    text,
    st.integers(-5, 10_000),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
)
piece = st.sampled_from(["data", "data", "data", "blank", "section", "total", "subtotal"])


@st.composite
def layouts(draw):
    titles = draw(st.integers(0, 2))
    merged = draw(st.booleans())
    body = draw(st.lists(piece, min_size=0, max_size=14))
    notes = draw(st.lists(cell, min_size=len(body), max_size=len(body)))
    areas = draw(st.lists(st.one_of(st.floats(0, 500), st.integers(0, 90), text), min_size=len(body),
                          max_size=len(body)))  # fmt: skip
    names = draw(st.lists(text, min_size=len(body), max_size=len(body)))
    return titles, merged, body, notes, areas, names


def _write(path: Path, layout) -> dict[str, list[int]]:
    titles, merged, body, notes, areas, names = layout
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Phụ lục"
    expected: dict[str, list[int]] = {k: [] for k in ("data", "blank", "section", "total")}
    for t in range(titles):
        ws.append([f"DANH MỤC CÁC CỤM CÔNG NGHIỆP {t}"])
        ws.merge_cells(start_row=t + 1, start_column=1, end_row=t + 1, end_column=6)
    top = titles + 1
    if merged:
        ws.append(["STT", "Tên cụm công nghiệp", "Địa điểm", None, "Diện tích (ha)", "Ghi chú"])
        ws.append([None, None, "Xã", "Huyện", None, None])
        ws.merge_cells(start_row=top, start_column=3, end_row=top, end_column=4)
        for c in (1, 2, 5, 6):
            ws.merge_cells(start_row=top, start_column=c, end_row=top + 1, end_column=c)
    else:
        ws.append(["STT", "Tên CCN", "Xã", "Huyện", "Diện tích (ha)", "Ghi chú"])
    k = 0
    for i, kind in enumerate(body):
        if kind == "data":
            k += 1
            d = DISTRICTS[i % len(DISTRICTS)]
            ws.append([k, f"CCN {names[i]}", "Phùng Xá", d, areas[i], notes[i]])
        elif kind == "blank":
            ws.append([None] * 6)
        elif kind == "section":
            ws.append([ROMAN[i % len(ROMAN)], f"HUYỆN {DISTRICTS[i % len(DISTRICTS)].upper()}"])
        elif kind == "total":
            ws.append(["Tổng cộng", None, None, None, areas[i], None])
        else:
            ws.append([None, "Cộng", None, None, areas[i], None])
        expected["total" if kind == "subtotal" else kind].append(ws.max_row)
    wb.save(path)
    return expected


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(layouts())
def test_every_row_is_a_cluster_a_recognised_row_or_an_error(layout):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "phu_luc.xlsx"
        expected = _write(path, layout)
        failure: PlanningError | None = None
        try:
            table = read_workbook(path)
        except PlanningError as exc:  # the project's own errors only: others escape
            failure = exc
    if isinstance(failure, RowErrors):
        # only rows holding an unreadable area (or nothing usable) are refused
        bad = {e.row for e in failure.errors}
        assert bad and bad <= set(expected["data"]) | set(expected["total"])
        assert all(e.sheet == "Phụ lục" for e in failure.errors)
        return
    if failure is not None:
        assert str(path) in str(failure)
        return
    kinds = table.rows
    data_rows = [int(r) for r in table.frame["source_row"]]
    assert data_rows == expected["data"]
    assert sorted(r for r, k in kinds.items() if k == "data") == expected["data"]
    assert [t.row for t in table.totals] == expected["total"]
    assert sorted(r for r, k in kinds.items() if k == "section") == expected["section"]
    for r in expected["blank"]:
        assert kinds.get(r, "blank") == "blank"  # trailing blank rows are not stored
    # every row of the sheet has been classified, none dropped silently
    assert set(kinds) >= set(range(1, max(kinds, default=0) + 1))
    assert set(kinds.values()) <= {"title", "header", "blank", "section", "total", "data", "note",
                                   "numbering"}  # fmt: skip
    assert len(table.frame) == len(expected["data"])
