"""Read a cluster table out of an Excel workbook laid out the way a department types it.

Decision appendices and departments' lists are not tidy tables. :func:`read_workbook`
takes a ``.xlsx``/``.xlsm`` workbook and

* finds the sheet that holds a cluster table (or the one chosen with ``sheet=``), and
  lists the sheet names when none does;
* finds the header by its content, below any title rows ("DANH MỤC CÁC CỤM CÔNG NGHIỆP
  …", "(Kèm theo Quyết định …)"), and flattens a two-row merged header (``Địa điểm``
  over ``Xã`` / ``Huyện``; ``Diện tích (ha)`` over ``Hiện trạng`` / ``Quy hoạch``, the
  planned area becoming ``declared_ha`` and the current one ``current_ha``);
* classifies every row below it as a data row, a blank row, a column-numbering row
  (``(1) (2) (3)``), a section row (``II | HUYỆN ĐÔNG ANH``, whose district applies to
  the rows below it), a total row (``Tổng cộng``, ``Cộng``, ``Tổng``, a total under a
  section: recorded as a :class:`~planning.readers.sheet_rows.StatedTotal` and never loaded as a cluster) or a note
  row (``Ghi chú: …``);
* splits one combined location column (``xã Phùng Xá, huyện Thạch Thất``, ``Phùng Xá -
  Thạch Thất``, ``TT Phùng, Đan Phượng``) into commune and district with
  :func:`~planning.readers.locations.parse_location`;
* reports every bad row in one :class:`~planning.errors.RowErrors`, each with its sheet
  and its row number as Excel shows it.

Every data row keeps its sheet and Excel row in ``source_sheet`` and ``source_row``,
so later messages (placement, totals) can name them.

The PyPI package ``vietnamadminunits`` (MIT) was tried for the location split: it parses
offline, but without the province it places ``Liên Hà - Đông Anh`` in Quận Hà Đông and
``Bình Phú, Thach That`` in Xã Quang Trung — quietly wrong answers. The split here is
purely textual; the names are then checked against the commune layer, which reports
anything it cannot match.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from os import PathLike
from pathlib import Path
from typing import TYPE_CHECKING, Any

from planning.errors import PlanDataError, RowErrors
from planning.i18n import message
from planning.readers.columns import COLUMN_ALIASES, COORDINATE_ALIASES
from planning.readers.sheet_rows import (
    Grid,
    RowClassifier,
    RowKind,
    StatedTotal,
    is_number,
    sheet_text,
)
from planning.text.legacy import repair_texts
from planning.text.names import fold

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["HEADER_SEARCH_ROWS", "SheetTable", "read_sheet", "read_workbook"]

#: How many rows from the top of a sheet are searched for the header.
HEADER_SEARCH_ROWS = 30

_AREA_PARENT = frozenset({"declared_ha", "declared_m2", "current_ha"})
_CURRENT_WORDS = ("hientrang", "dadautu", "dathuchien", "current", "existing", "ht")
_PLANNED_WORDS = ("quyhoach", "qh", "theoquyhoach", "dukien", "planned", "plan")
_LOCATION_WORDS = ("diadiem", "vitri", "diachi", "location", "address")


@dataclass
class SheetTable:
    """The cluster table read from one sheet.

    Attributes
    ----------
    frame
        One row per data row: the columns named from the header (canonical names where
        recognised, for example ``declared_ha``, ``current_ha``, ``commune_vi``), then
        ``source_sheet`` and ``source_row`` (the Excel row number).
    sheet
        The sheet's name.
    rows
        Every row of the sheet (Excel number) → what it is (:data:`RowKind`).
    totals
        The total rows.
    notes
        What was detected, for the layer's ``attrs["notes"]``.
    errors
        The bad rows (:func:`read_sheet`), each with its sheet and Excel row; a row with a
        bad area is in ``frame`` with the area emptied, a row with nothing usable is not.
    """

    frame: pd.DataFrame
    sheet: str
    rows: dict[int, RowKind] = field(default_factory=dict)
    totals: list[StatedTotal] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    errors: list[PlanDataError] = field(default_factory=list)


# ---------------------------------------------------------------------------------------
# cells and column names
# ---------------------------------------------------------------------------------------


def _norm(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", fold(unicodedata.normalize("NFKC", name)))


def _role(text: str, kind: str) -> str:
    """Return the column a header cell names, or ``""``.

    A canonical column, a coordinate role, ``location`` or ``current_ha``.
    """
    key = _norm(text)
    if not key:
        return ""
    aliases = COLUMN_ALIASES[kind]
    bare = _norm(re.sub(r"\(.*?\)", " ", text))
    for k in (key, bare):
        if k and kind == "clusters" and k.startswith(("dientich", "quymo", "dt", "area")):
            rest = k
            for head in ("dientich", "quymo", "dt", "area"):
                if rest.startswith(head):
                    rest = rest[len(head) :]
                    break
            rest = rest.removesuffix("ha")
            if rest.startswith(_CURRENT_WORDS) and not rest.startswith(_PLANNED_WORDS):
                return "current_ha"
        if k in aliases:
            return aliases[k]
        if k in COORDINATE_ALIASES:
            return COORDINATE_ALIASES[k]
    if kind == "clusters" and key.startswith(_LOCATION_WORDS):
        rest = key
        for head in _LOCATION_WORDS:
            rest = rest.removeprefix(head)
        if any(w in rest for w in ("huyen", "quan", "district")):
            return "location"
    return ""


def _child_role(parent: str, child: str, kind: str) -> str:
    """Role of a sub-header ``child`` under the merged header ``parent``."""
    if parent in _AREA_PARENT:
        key = _norm(child)
        if key.startswith(_CURRENT_WORDS):
            return "current_ha"
        if key.startswith(_PLANNED_WORDS):
            return "declared_m2" if parent == "declared_m2" else "declared_ha"
    return _role(child, kind)


# ---------------------------------------------------------------------------------------
# the workbook
# ---------------------------------------------------------------------------------------


def _grid(ws: Any) -> Grid:
    values: list[list[object]] = [list(row) for row in ws.iter_rows(values_only=True)]
    width = max((len(row) for row in values), default=0)
    for row in values:
        row.extend([None] * (width - len(row)))
    across: set[tuple[int, int]] = set()
    down: set[tuple[int, int]] = set()
    for rng in ws.merged_cells.ranges:
        r0, c0, r1, c1 = rng.min_row - 1, rng.min_col - 1, rng.max_row - 1, rng.max_col - 1
        if r0 >= len(values) or c0 >= width:
            continue
        v = values[r0][c0]
        for r in range(r0, min(r1, len(values) - 1) + 1):
            for c in range(c0, min(c1, width - 1) + 1):
                values[r][c] = v
                if c1 > c0:
                    across.add((r, c))
                if r1 > r0:
                    down.add((r, c))
    return Grid(str(ws.title), values, across, down)


def _header_names(grid: Grid, r: int, two: bool, kind: str) -> list[str]:
    """Column names from header row ``r`` (and ``r + 1`` when ``two``): roles or text."""
    top = grid.values[r]
    bottom = grid.values[r + 1] if two else [None] * len(top)
    names: list[str] = []
    for c, (t, b) in enumerate(zip(top, bottom, strict=True)):
        tt, bt = _fixed(sheet_text(t)), _fixed(sheet_text(b))
        if bt and bt != tt:
            parent = _role(tt, kind)
            role = _child_role(parent, bt, kind) or _role(f"{tt} {bt}", kind)
            text = f"{tt} {bt}".strip()
        else:
            role, text = _role(tt, kind), tt
        names.append(role or text or f"column_{c + 1}")
    return names


def _fixed(text: str) -> str:
    """Return a header cell with legacy-encoded (TCVN3/VNI) text repaired."""
    if not text or text.isascii():
        return text
    return repair_texts([text])[0][0] or text


_RECOGNISED = ("name_vi", "commune_vi", "district_vi", "declared_ha", "declared_m2", "location",
               "cluster_id", "current_ha", "district_code", "lon", "lat", "x", "y", "wkt")  # fmt: skip


def _score(names: Iterable[str]) -> int:
    return len({n for n in names if n in _RECOGNISED})


def _find_header(grid: Grid, kind: str) -> tuple[int, bool, list[str]] | None:
    """Return (first header row, two-row header?, column names), or None.

    None when no row names at least two known columns in the first
    :data:`HEADER_SEARCH_ROWS` rows.
    """
    n = len(grid.values)
    for r in range(min(HEADER_SEARCH_ROWS, n)):
        if not any(sheet_text(v) for v in grid.values[r]):
            continue
        one = _header_names(grid, r, False, kind)
        if r + 1 < n and _is_subheader(grid, r):
            two = _header_names(grid, r, True, kind)
            if _score(two) >= 2 and _score(two) >= _score(one):
                return r, True, two
        if _score(one) >= 2:
            return r, False, one
    return None


def _is_subheader(grid: Grid, r: int) -> bool:
    """Tell whether row ``r + 1`` completes a two-row header started on row ``r``.

    It does when it has text under a cell merged across columns, and every cell it fills
    is header text.
    """
    if len({sheet_text(v) for v in grid.values[r] if sheet_text(v)}) < 2:
        return False  # a title merged across the table, not a header
    below = grid.values[r + 1]
    filled = [c for c, v in enumerate(below) if sheet_text(v)]
    if not filled:
        return False
    under_merge = [c for c in filled if (r, c) in grid.across and (r + 1, c) not in grid.across]
    if not under_merge:
        return False
    return all(
        (r + 1, c) in grid.down or (isinstance(below[c], str) and not is_number(below[c]))
        for c in filled
    )


def _open(path: Path) -> Any:
    import openpyxl

    try:
        return openpyxl.load_workbook(path, data_only=True)
    except Exception as exc:  # broad on purpose: openpyxl parses a zip of XML written by
        # many programs, and a damaged one raises any of a dozen types (BadZipFile, KeyError,
        # ParseError, TypeError, …): all mean an unreadable file.
        reason = " ".join(str(exc).split())[:200] or type(exc).__name__
        raise PlanDataError(
            message("cannot read the spreadsheet: {reason}", reason=reason), path=path
        ) from None


def _choose_sheet(
    path: Path, wb: Any, sheet: str | int | None, kind: str
) -> tuple[Grid, tuple[int, bool, list[str]] | None]:
    names = [str(ws.title) for ws in wb.worksheets]
    listed = ", ".join(repr(n) for n in names)
    if sheet is not None:
        index: int | None = None
        if isinstance(sheet, str) and sheet in names:
            index = names.index(sheet)
        elif isinstance(sheet, str):
            folded = [fold(n) for n in names]
            if folded.count(fold(sheet)) == 1:
                index = folded.index(fold(sheet))
            elif sheet.strip().isdigit():
                index = int(sheet) - 1  # a number typed by a person counts from 1
        elif isinstance(sheet, int) and not isinstance(sheet, bool):
            index = sheet  # from Python: 0-based, like pandas
        if index is None or not 0 <= index < len(names):
            raise PlanDataError(
                message(
                    "no sheet {sheet!r}; the workbook has {n}: {listed} (choose one by name, or "
                    "by number counting from 1)",
                    sheet=sheet,
                    n=len(names),
                    listed=listed,
                ),
                path=path,
            )
        grid = _grid(wb.worksheets[index])
        return grid, _find_header(grid, kind)
    for ws in wb.worksheets:
        grid = _grid(ws)
        header = _find_header(grid, kind)
        if header is not None:
            return grid, header
    if len(names) == 1:
        return _grid(wb.worksheets[0]), None
    raise PlanDataError(
        message(
            "no sheet holds a cluster table (a header naming at least two known columns, such "
            "as Tên CCN, Xã, Huyện, Diện tích); the workbook's sheets are {listed}: choose one "
            "with --sheet NAME or N",
            listed=listed,
        ),
        path=path,
    )


def read_workbook(
    path: str | PathLike[str],
    *,
    sheet: str | int | None = None,
    kind: str = "clusters",
) -> SheetTable:
    """Read the cluster table of an Excel workbook, row by row.

    Parameters
    ----------
    path
        A ``.xlsx`` or ``.xlsm`` workbook.
    sheet
        The sheet: its name, its number counting from 1 as text (``"2"``, as typed on the
        command line), or a 0-based ``int``. Default: the first sheet with a header that
        names at least two known columns.
    kind
        The layer kind (``"clusters"``, ``"districts"`` or ``"zones"``) whose column names
        are recognised.

    Returns
    -------
    SheetTable
        The data rows and what every other row was.

    Raises
    ------
    PlanDataError
        If the workbook cannot be read, the sheet does not exist, or no sheet holds a
        cluster table (the message lists the sheets).
    RowErrors
        If some rows are wrong: all of them, each with the sheet and its Excel row.
    """
    table = read_sheet(path, sheet=sheet, kind=kind)
    if table.errors:
        raise RowErrors(table.errors, path=Path(path))
    return table


def read_sheet(
    path: str | PathLike[str],
    *,
    sheet: str | int | None = None,
    kind: str = "clusters",
) -> SheetTable:
    """Read the cluster table of an Excel workbook, keeping its bad rows in ``errors``.

    The parameters are :func:`read_workbook`'s; :func:`planning.readers.read_layer` reads
    this way, to report the bad rows with those that later checks find.

    Raises
    ------
    PlanDataError
        If the workbook cannot be read, the sheet does not exist, or no sheet holds a
        cluster table.
    """
    import pandas as pd

    p = Path(path)
    wb = _open(p)
    grid, header = _choose_sheet(p, wb, sheet, kind)
    values = grid.values
    kinds: dict[int, RowKind] = {}
    notes: list[str] = []
    if header is None:
        # No header names two known columns: the first non-empty row is the header (the
        # columns= option can then map the columns).
        first = next((r for r, row in enumerate(values) if any(sheet_text(v) for v in row)), None)
        if first is None:
            raise PlanDataError(message("sheet {sheet!r} is empty", sheet=grid.title), path=p)
        header = (
            first,
            False,
            [sheet_text(v) or f"column_{c + 1}" for c, v in enumerate(values[first])],
        )
    start, two, names = header
    names = _unique(names)
    for r in range(start):
        kinds[r + 1] = "blank" if not any(sheet_text(v) for v in values[r]) else "title"
    body_start = start + (2 if two else 1)
    for r in range(start, body_start):
        kinds[r + 1] = "header"
    if start:
        notes.append(
            message(
                "{path}: sheet {sheet!r}: header found on Excel row {row}",
                path=str(p),
                sheet=grid.title,
                row=start + 1,
            )
        )
    col = {n: c for c, n in enumerate(names)}
    reader = RowClassifier(p, grid, names, col, kind)
    for r in range(body_start, len(values)):
        kinds[r + 1] = reader.take(r, numbering_allowed=(r == body_start))
    frame = pd.DataFrame(reader.records, columns=[*reader.columns, "source_sheet", "source_row"])
    notes += _reader_notes(p, grid.title, reader)
    return SheetTable(frame, grid.title, kinds, reader.totals, notes, reader.errors)


def _reader_notes(path: Path, sheet: str, reader: RowClassifier) -> list[str]:
    """Return what reading the rows decided: districts from sections, total rows set apart."""
    notes: list[str] = []
    if reader.sections_used:
        notes.append(
            message(
                "{path}: sheet {sheet!r}: districts taken from section rows",
                path=str(path),
                sheet=sheet,
            )
        )
    for t in reader.totals:
        notes.append(
            message(
                "{path}: sheet {sheet!r}, row {row}: total row {label!r} not loaded as a "
                "cluster; checked by TOT001",
                path=str(path),
                sheet=sheet,
                row=t.row,
                label=t.label,
            )
        )
    return notes


def _unique(names: list[str]) -> list[str]:
    out: list[str] = []
    for n in names:
        while n in out:
            n += "_"
        out.append(n)
    return out
