"""The rows of a department's cluster sheet, one by one: data, sections, totals, notes.

:class:`RowClassifier` takes the rows below a sheet's header (:mod:`planning.readers.workbook`
finds the header) and says what each is: a data row (collected, its location split into
commune and district, its district taken from the section above it), a blank row, a
column-numbering row (``(1) (2) (3)``), a section row (``II | HUYỆN ĐÔNG ANH``), a total row
(``Tổng cộng``, ``Cộng``: recorded as a :class:`StatedTotal` with the rows it covers, never
loaded as a cluster) or a note row (``Ghi chú: …``). Every bad row is collected, so that the
reader can report them all at once.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from planning.errors import PlanDataError
from planning.i18n import message
from planning.readers.locations import parse_location
from planning.readers.values import AreaError, area_fault, parse_area
from planning.text.names import fold, nfc, split_admin_prefix

__all__ = ["Grid", "RowClassifier", "RowKind", "StatedTotal", "is_number", "sheet_text"]

#: What a row of a sheet is: ``title`` (above the header), ``header``, ``numbering``,
#: ``blank``, ``section``, ``total``, ``note`` or ``data``.
RowKind = str

_DISTRICT_KINDS = frozenset({"huyện", "quận", "thị xã"})
_ROMAN = re.compile(r"(?=[ivxlc])(c{0,3})(xc|xl|l?x{0,3})(ix|iv|v?i{0,3})[.)]?", re.I)
_SECTION_LETTER = re.compile(r"[a-hA-H][.)]?")
_TOTAL = re.compile(
    r"(tong cong|tong so|tong|cong|total|sum)"
    r"( (dien tich|cac ccn|cac cum cong nghiep|cum cong nghiep|toan thanh pho|thanh pho))?"
    r" ?[:.]? ?(\(.*\))? ?(([ivxlc]+|[a-h]|\d+)[.:]?)? ?((huyen|quan|thi xa) .*)?"
)
_NOTE = re.compile(r"(ghi chu|chu thich|note|nguon|source|\(?\*)")
_NUMBERING = re.compile(r"\(?\d{1,2}\)?")


@dataclass(frozen=True)
class StatedTotal:
    """A total row of a spreadsheet and the data rows it covers.

    Attributes
    ----------
    path
        The workbook.
    sheet
        The sheet's name.
    row
        The total row's number as Excel shows it.
    label
        The row's text (``Tổng cộng``, ``Cộng huyện Thạch Thất`` …).
    stated_ha
        The area the row states, in ha (NaN when it states none).
    summed_ha
        The sum of the declared areas of the rows it covers, in ha.
    rows
        Excel row numbers of the data rows it covers.
    section
        The section the total closes (empty for a grand total).
    """

    path: str
    sheet: str
    row: int
    label: str
    stated_ha: float
    summed_ha: float
    rows: tuple[int, ...]
    section: str = ""


def _missing(v: object) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v))


def sheet_text(v: object) -> str:
    """Return a cell as NFC text with its whitespace collapsed (``""`` when empty)."""
    if _missing(v):
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return " ".join(nfc(str(v)).split())


@dataclass
class Grid:
    """A sheet's values with merged ranges filled, and where the merges are."""

    title: str
    values: list[list[object]]
    across: set[tuple[int, int]]  # (row, col) inside a merge spanning several columns
    down: set[tuple[int, int]]  # (row, col) inside a merge spanning several rows


def is_number(v: object) -> bool:
    """Tell whether a cell is a number, or text that reads as one (``"12,5"``)."""
    if isinstance(v, bool):
        return False
    if isinstance(v, int | float):
        return True
    try:
        float(str(v).replace(",", "."))
    except ValueError:
        return False
    return True


class RowClassifier:
    """Classifies the rows below the header, one at a time, and collects the data."""

    def __init__(
        self, path: Path, grid: Grid, names: list[str], col: dict[str, int], kind: str
    ) -> None:
        self.path, self.grid, self.kind, self.col = path, grid, kind, col
        location = col.get("location")
        self.columns = [n for n in names if n != "location"]
        for extra in ("commune_vi", "district_vi"):
            if extra not in col and (location is not None or extra == "district_vi"):
                self.columns.append(extra)  # section rows may give the district
        self.location = location
        self.area = col.get("declared_ha", col.get("declared_m2"))
        #: The unit of the area column: areas in m² are converted to ha.
        self._unit: Literal["ha", "m2"] = "ha" if "declared_ha" in col else "m2"
        self.records: list[list[object]] = []
        self.errors: list[PlanDataError] = []
        self.totals: list[StatedTotal] = []
        self.section = ""  # the district named by the current section row
        self.section_label = ""
        self.section_rows: list[tuple[int, float]] = []
        self.all_rows: list[tuple[int, float]] = []
        self.sections_used = False

    def cell(self, row: list[object], name: str) -> object:
        """Return the cell of column ``name`` in ``row`` (None when the sheet has no such column)."""
        c = self.col.get(name)
        return None if c is None else row[c]

    def take(self, r: int, *, numbering_allowed: bool) -> RowKind:
        """Classify row ``r`` (0-based) of the sheet, collecting it when it holds data.

        ``numbering_allowed`` is True for the first row below the header only, where a row
        of consecutive numbers numbers the columns.
        """
        row = self.grid.values[r]
        texts = [sheet_text(v) for v in row]
        filled = [t for t in texts if t]
        if not filled:
            return "blank"
        if numbering_allowed and all(_NUMBERING.fullmatch(t) for t in filled) and len(filled) > 2:
            numbers = [int(t.strip("()")) for t in filled]
            if numbers == list(range(numbers[0], numbers[0] + len(numbers))):
                return "numbering"
        distinct = list(dict.fromkeys(filled))
        labels = [t for t in distinct if not is_number(t)]
        commune = sheet_text(self.cell(row, "commune_vi"))
        area_cells = [self.cell(row, n) for n in ("declared_ha", "declared_m2", "current_ha")]
        has_area = any(sheet_text(v) for v in area_cells)
        label = labels[0] if labels else ""
        marker, rest = _marker(label, distinct)
        if label and _TOTAL.fullmatch(fold(rest or label)) and commune in {"", label}:
            name = sheet_text(self.cell(row, "name_vi"))
            if name in {"", label} or not name:
                self._total(r, rest or label, row)
                return "total"
        if not has_area and not commune and rest and (marker or len(labels) == 1):
            kind, bare = split_admin_prefix(rest)
            if kind in _DISTRICT_KINDS:
                self._close_section()
                self.section, self.section_label = bare, rest
                return "section"
            if marker in {"roman", "letter"} and not fold(rest).startswith(
                ("ccn", "cum cong nghiep")
            ):
                self._close_section()
                self.section, self.section_label = "", rest
                return "section"
        if len(distinct) == 1 and labels and _NOTE.match(fold(label)) and not has_area:
            return "note"
        self._data(r, row)
        return "data"

    def _close_section(self) -> None:
        self.section_rows = []

    def _total(self, r: int, label: str, row: list[object]) -> None:
        value = None if self.area is None else row[self.area]
        stated = math.nan
        if sheet_text(value):
            parsed = _area(value, m2=self._unit == "m2")
            if isinstance(parsed, AreaError):
                self.errors.append(
                    PlanDataError(
                        area_fault(parsed, unit=self._unit, total=True),
                        path=self.path,
                        row=r + 1,
                        sheet=self.grid.title,
                        field=self.grid_name(self.area),
                    )
                )
                return
            stated = parsed
        section_total = (
            bool(self.section_label)
            and bool(self.section_rows)
            and (not fold(label).startswith(("tong cong", "tong so", "total")))
        )
        covered = self.section_rows if section_total else self.all_rows
        self.totals.append(
            StatedTotal(
                path=str(self.path),
                sheet=self.grid.title,
                row=r + 1,
                label=label,
                stated_ha=stated,
                summed_ha=float(sum(a for _, a in covered if math.isfinite(a))),
                rows=tuple(n for n, _ in covered),
                section=self.section_label if section_total else "",
            )
        )
        if section_total:
            self.section_rows = []

    def grid_name(self, c: int | None) -> str | None:
        """Return the name of column ``c`` (None when there is none)."""
        if c is None:
            return None
        return next((n for n, j in self.col.items() if j == c), None)

    def _data(self, r: int, row: list[object]) -> None:
        record: dict[str, object] = {}
        for name, c in self.col.items():
            if name != "location":
                record[name] = row[c]
        if self.location is not None:
            commune, district = parse_location(sheet_text(row[self.location]))
            if not sheet_text(record.get("commune_vi")):
                record["commune_vi"] = commune
            if not sheet_text(record.get("district_vi")):
                record["district_vi"] = district
        if self.section and not sheet_text(record.get("district_vi")):
            record["district_vi"] = self.section
            self.sections_used = True
        area = math.nan
        if self.area is not None:
            value = row[self.area]
            parsed = _area(value, m2=self._unit == "m2") if sheet_text(value) else math.nan
            if isinstance(parsed, AreaError):
                self.errors.append(
                    PlanDataError(
                        area_fault(parsed, unit=self._unit),
                        path=self.path,
                        row=r + 1,
                        sheet=self.grid.title,
                        field=self.grid_name(self.area),
                    )
                )
                record[self.grid_name(self.area) or ""] = None  # reported once, here
            else:
                area = parsed
        if not any(
            sheet_text(record.get(n))
            for n in ("name_vi", "commune_vi", "district_vi", "cluster_id", "lon", "x", "wkt")
        ):
            self.errors.append(
                PlanDataError(
                    message(
                        "the row has no cluster name, id or location: fill it in, or delete the row"
                    ),
                    path=self.path,
                    row=r + 1,
                    sheet=self.grid.title,
                )
            )
            record = {}  # reported here, not loaded
        self.section_rows.append((r + 1, area))
        self.all_rows.append((r + 1, area))
        if record:
            self.records.append([record.get(n) for n in self.columns] + [self.grid.title, r + 1])


def _marker(label: str, distinct: list[str]) -> tuple[str, str]:
    """(``roman``/``letter``/``number``/``""``, the label without its section marker)."""
    first = distinct[0] if distinct else ""
    if _ROMAN.fullmatch(first) and len(distinct) > 1:
        return "roman", distinct[1]
    if _SECTION_LETTER.fullmatch(first) and len(distinct) > 1:
        return "letter", distinct[1]
    if is_number(first) and len(distinct) > 1 and label == distinct[1]:
        return "number", label
    m = re.match(r"\s*([IVXLC]+|[A-H])\s*[.)/-]\s+(.+)", label)
    if (m and _ROMAN.fullmatch(m.group(1))) or (m and len(m.group(1)) == 1):
        return ("roman" if _ROMAN.fullmatch(m.group(1)) else "letter"), m.group(2)
    return "", label


def _area(value: object, *, m2: bool) -> float | AreaError:
    """Return an area cell in ha (converted from m² when ``m2``), or why it is not an area."""
    try:
        number = parse_area(value, unit="m2" if m2 else "ha")[0]
    except AreaError as exc:
        return exc
    return number / 10_000.0 if m2 and math.isfinite(number) else number
