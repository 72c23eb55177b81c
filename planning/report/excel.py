"""Excel workbooks and Excel-ready CSV of the area tables and the check findings.

:func:`areas_workbook` and :func:`check_workbook` build an :mod:`openpyxl` workbook: one sheet
per table (``clusters``, ``districts``, and ``findings`` for a check), each with a header row
that names its unit (ha, km², %), a frozen header, number formats, an autofilter and a totals
row, and a ``sources`` sheet with the plan's caveats and the attribution of every source.
:func:`write_workbook` saves one atomically; :func:`csv_text` renders one table as CSV with a
UTF-8 byte-order mark, so Excel in a Vietnamese locale shows "Liên Hiệp", not "LiÃªn Hiá»‡p".

Text from data is always written as text: a cluster named ``=HYPERLINK(…)`` stays a string in
the workbook (never a formula), and a CSV cell that Excel would read as a formula gets a
leading apostrophe.
"""

from __future__ import annotations

import datetime as _dt
import math
from collections.abc import Iterable, Sequence
from os import PathLike
from pathlib import Path
from typing import TYPE_CHECKING, Any

from planning.errors import require
from planning.i18n import gettext, localize, message
from planning.report.columns import COLUMNS, Column

if TYPE_CHECKING:
    import pandas as pd
    from openpyxl import Workbook
    from openpyxl.worksheet.worksheet import Worksheet

    from planning.model.plan import Plan
    from planning.report.core import Report

__all__ = [
    "COLUMNS",
    "Column",
    "areas_workbook",
    "check_workbook",
    "csv_text",
    "write_workbook",
]

PathType = str | PathLike[str]


_HEADER_FILL = "DDE6F0"
_TOTAL_FILL = "F1F1EE"
# A text cell that spreadsheet programs would evaluate (OWASP "CSV injection").
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


# -- public API ---------------------------------------------------------------------------------------


def areas_workbook(plan: Plan, *, tables: dict[str, pd.DataFrame] | None = None) -> Workbook:
    """Return the per-cluster and per-district area tables as a workbook.

    Parameters
    ----------
    plan
        The plan.
    tables
        The tables from :func:`planning.report.areas.area_tables`; computed when None.

    Returns
    -------
    openpyxl.Workbook
        Sheets ``clusters``, ``districts`` and ``sources``.

    Raises
    ------
    MissingDependencyError
        If openpyxl is not installed (a broken install: reinstall ``hanoi-ccn-planning``).
    """
    from planning.report.areas import area_tables

    tables = tables if tables is not None else area_tables(plan)
    wb = _new_workbook()
    _table_sheet(wb, "clusters", tables["clusters"])
    _table_sheet(wb, "districts", tables["districts"])
    _sources_sheet(wb, plan, report=None)
    return wb


def check_workbook(
    plan: Plan, report: Report, *, tables: dict[str, pd.DataFrame] | None = None
) -> Workbook:
    """Return the check findings and the area tables as a workbook.

    Parameters
    ----------
    plan
        The plan that was checked.
    report
        Its check report.
    tables
        The tables from :func:`planning.report.areas.area_tables`; computed when None.

    Returns
    -------
    openpyxl.Workbook
        Sheets ``findings`` (one row per finding, then a row per rule that passed or did
        not apply), ``clusters``, ``districts`` and ``sources``.

    Raises
    ------
    MissingDependencyError
        If openpyxl is not installed (a broken install: reinstall ``hanoi-ccn-planning``).
    """
    from planning.report.areas import area_tables

    tables = tables if tables is not None else area_tables(plan)
    wb = _new_workbook()
    _table_sheet(wb, "findings", _findings_frame(report))
    _table_sheet(wb, "clusters", tables["clusters"])
    _table_sheet(wb, "districts", tables["districts"])
    _sources_sheet(wb, plan, report=report)
    return wb


def write_workbook(wb: Workbook, path: PathType, *, protect: Iterable[PathType] = ()) -> Path:
    """Save a workbook to ``path`` atomically.

    Parameters
    ----------
    wb
        The workbook.
    path
        The ``.xlsx`` file to write.
    protect
        Input files that must never be overwritten.

    Returns
    -------
    Path
        The file written.

    Raises
    ------
    PlanDataError
        If ``path`` is a protected input, a directory, or cannot be written.
    """
    from planning.outputs import atomic_output

    with atomic_output(path, protect=protect, mode="wb") as fh:
        wb.save(fh)
    return Path(path)


def csv_text(table: pd.DataFrame) -> str:
    """Return a table as CSV for Excel: a UTF-8 byte-order mark, and text never read as a formula.

    Parameters
    ----------
    table
        The table (for example ``area_tables(plan)["clusters"]``).

    Returns
    -------
    str
        CSV text that starts with U+FEFF; write it as UTF-8.
    """
    from pandas.api.types import is_numeric_dtype

    safe = table.copy()
    for col in safe.columns:
        if not is_numeric_dtype(safe[col]):
            safe[col] = [_csv_safe(v) for v in safe[col]]
    return "\ufeff" + safe.to_csv(index=False)


# -- sheets ---------------------------------------------------------------------------------------------


def _new_workbook() -> Workbook:
    openpyxl: Any = require("openpyxl", extra=None)
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    wb.properties.creator = "planning"
    return wb


def _column(name: str) -> Column:
    return COLUMNS.get(name, Column(name))


def _table_sheet(wb: Workbook, name: str, table: pd.DataFrame) -> Worksheet:
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    ws = wb.create_sheet(name)
    ws.sheet_properties.tabColor = "0072B2" if name != "findings" else "D55E00"
    cols = [_column(c) for c in table.columns]
    ws.append([gettext(c.header) for c in cols])
    bold = Font(bold=True)
    for cell in ws[1]:
        cell.font = bold
        cell.fill = PatternFill("solid", fgColor=_HEADER_FILL)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for values in table.itertuples(index=False):
        ws.append([_value(v) for v in values])
    last = ws.max_row
    for j, col in enumerate(cols, start=1):
        letter = get_column_letter(j)
        ws.column_dimensions[letter].width = col.width
        for row in ws.iter_rows(min_row=2, max_row=last, min_col=j, max_col=j):
            for cell in row:
                cell.number_format = col.number_format
                if isinstance(cell.value, str):
                    cell.data_type = "s"  # data is text, never a formula
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(cols))}{last}"
    _totals_row(ws, table, cols, count=last - 1)
    return ws


def _totals_row(ws: Worksheet, table: pd.DataFrame, cols: Sequence[Column], *, count: int) -> None:
    """Append a totals row: the sum of every summed column, the row count in the first one."""
    from openpyxl.styles import Font, PatternFill

    total = gettext("Total ({count} rows)").format(count=count)
    values: list[Any] = [total] + [None] * (len(cols) - 1)
    for j, (name, col) in enumerate(zip(table.columns, cols, strict=True)):
        if col.total and j > 0:
            numbers = [float(v) for v in table[name] if _finite(v)]
            values[j] = round(math.fsum(numbers), 6)
    ws.append(values)
    row = ws.max_row
    for j, col in enumerate(cols, start=1):
        cell = ws.cell(row=row, column=j)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor=_TOTAL_FILL)
        if j > 1:
            cell.number_format = col.number_format


def _findings_frame(report: Report) -> pd.DataFrame:
    import pandas as pd

    rows: list[dict[str, Any]] = []
    for r in report.results:
        for f in r.findings:
            rows.append(
                {
                    "rule": r.rule.code,
                    "status": r.status,
                    "severity": f.severity,
                    "cluster_id": f.cluster_id or "",
                    "message": localize(f.message),
                    "title": gettext(r.rule.title),
                }
            )
        if not r.findings:
            rows.append(
                {
                    "rule": r.rule.code,
                    "status": r.status,
                    "severity": "",
                    "cluster_id": "",
                    "message": localize(r.explanation),
                    "title": gettext(r.rule.title),
                }
            )
    columns = ["rule", "status", "severity", "cluster_id", "message", "title"]
    return pd.DataFrame(rows, columns=columns)


def _sources_sheet(wb: Workbook, plan: Plan, *, report: Report | None) -> Worksheet:
    from openpyxl.styles import Alignment, Font

    from planning import __version__

    ws = wb.create_sheet("sources")
    ws.column_dimensions["A"].width = 16
    ws.column_dimensions["B"].width = 120
    bold = Font(bold=True)
    _ = gettext
    rows: list[tuple[str, str]] = [
        (_("plan"), plan.name),
        (
            _("written"),
            _("{date} by planning {version}").format(
                date=_dt.date.today().isoformat(), version=__version__
            ),
        ),
        (
            _("areas"),
            _(
                "Geodesic areas on the WGS 84 ellipsoid (pyproj GeographicLib); planar areas in "
                "VN-2000 / TM-3 zone 482 (EPSG:5897). 1 km² = 100 ha."
            ),
        ),
    ]
    if report is not None:
        s = report.to_dict()["summary"]
        checks = message(
            "{run} rules: {passed} passed, {failed} failed, {warned} warned, {skipped} not "
            "applicable; area tolerance ±{tolerance:g} %.",
            run=s["rules_run"],
            passed=s["rules_pass"],
            failed=s["rules_fail"],
            warned=s["rules_warn"],
            skipped=s["rules_skip"],
            tolerance=s["tolerance_pct"],
        )
        rows.append((_("checks"), localize(checks)))
    rows += [(_("caveat"), localize(n)) for n in plan.notes()]
    rows += [(_("source"), localize(a)) for a in plan.attributions()]
    ws.append([_("kind"), _("text")])
    for cell in ws[1]:
        cell.font = bold
    for kind, text in rows:
        ws.append([kind, text])
        cell = ws.cell(row=ws.max_row, column=2)
        cell.data_type = "s"
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = "A2"
    return ws


# -- cells ----------------------------------------------------------------------------------------------


def _finite(v: Any) -> bool:
    try:
        return math.isfinite(float(v))
    except (TypeError, ValueError):
        return False


def _value(v: Any) -> Any:
    """Return a cell value: numbers as numbers (NaN as empty), everything else as text."""
    if v is None:
        return None
    if isinstance(v, bool):
        return v
    if hasattr(v, "item") and not isinstance(v, str):
        v = v.item()  # numpy scalar → Python
    if isinstance(v, int):
        return v
    if isinstance(v, float):
        return v if math.isfinite(v) else None
    return str(v)


def _csv_safe(v: Any) -> Any:
    if isinstance(v, str) and v.startswith(_FORMULA_START):
        return "'" + v
    return v
