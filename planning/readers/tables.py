"""Tables → layers: CSV/TSV text tables and Excel workbooks, with or without coordinates.

:func:`read_table` reads a table as text cells: an ``.xlsx``/``.xlsm`` workbook through
:func:`planning.readers.workbook.read_workbook` (which understands a department's layout:
titles, merged headers, section and total rows), an old ``.xls`` through pandas and xlrd, and a
text table decoded by :func:`planning.readers.encoding.decode_bytes` with its separator sniffed
and its header row found below any title lines. :func:`table_to_layer` then maps the columns
and builds the geometry from a WKT column, from lon/lat or x/y columns, or leaves rows known
only by commune and district unplaced (``needs_placement``) for
:func:`planning.model.placement.place_at_communes`.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from planning.errors import PlanDataError, row_errors
from planning.geo.helmert import Helmert
from planning.geo.transform import to_wgs84
from planning.i18n import message
from planning.readers._context import ReadContext, reason
from planning.readers.columns import header_score, map_columns
from planning.readers.csv_faults import long_rows, quote_error, unclosed_quote
from planning.readers.encoding import decode_bytes, raise_bad_utf8, repair_frame_text
from planning.readers.table_geometry import table_geometries
from planning.readers.values import cell_text, object_series, per_value
from planning.text.legacy import repair_texts
from planning.text.names import fold, split_admin_prefix

if TYPE_CHECKING:
    import geopandas as gpd
    import pandas as pd

__all__ = ["TABLE_SUFFIXES", "read_table", "table_to_layer"]

#: Suffixes of the tables :func:`read_table` reads.
TABLE_SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx", ".xlsm", ".xls")
#: How many rows from the top of a text table are searched for the header.
_HEADER_SEARCH_ROWS = 20


def read_table(
    ctx: ReadContext, *, encoding: str | None, legacy: str | None, sheet: str | int | None
) -> pd.DataFrame:
    """Read a CSV or Excel sheet as text cells under its header, with its text repaired.

    Parameters
    ----------
    ctx
        The read in progress.
    encoding
        The caller's text encoding (a Python codec), or None to detect it.
    legacy
        A legacy encoding to decode text with (``tcvn3``, ``vni``, ``cp1258``), or None.
    sheet
        The workbook's sheet (name, number counting from 1 as text, or 0-based int).

    Returns
    -------
    pandas.DataFrame
        Object-dtype cells, one column per header cell.
    """
    suffix = ctx.path.suffix.lower()
    forced = encoding is not None
    if suffix in {".xlsx", ".xlsm"}:
        frame = _read_xlsx(ctx, sheet)
        return repair_frame_text(ctx, frame, legacy=legacy, forced=forced)
    data = b""
    if suffix == ".xls":
        raw = _read_xls(ctx, sheet)
    else:
        data, raw = _read_text_table(ctx, encoding=encoding, legacy=legacy)
    frame = _apply_header(ctx, raw.astype(object))
    if ctx.bad_utf8 is not None:
        raise_bad_utf8(ctx, data, frame)
    return repair_frame_text(ctx, frame, legacy=legacy, forced=forced)


def _read_xlsx(ctx: ReadContext, sheet: str | int | None) -> pd.DataFrame:
    from planning.readers.workbook import read_sheet

    table = read_sheet(ctx.path, sheet=sheet, kind=ctx.kind)
    ctx.faults.extend(table.errors)  # reported with those of later checks
    _check_formulas(ctx, table.sheet)
    ctx.sheet = table.sheet
    ctx.source_rows = [int(r) for r in table.frame["source_row"]]
    ctx.totals = list(table.totals)
    ctx.notes.extend(table.notes)
    return table.frame.astype(object)


def _read_xls(ctx: ReadContext, sheet: str | int | None) -> pd.DataFrame:
    import pandas as pd

    from planning.errors import require

    require("xlrd", extra="io")
    try:
        raw = pd.read_excel(
            ctx.path, sheet_name=0 if sheet is None else sheet, header=None, dtype=object
        )
        raw.index = pd.RangeIndex(1, len(raw) + 1)  # the sheet's rows (blank rows aside)
        return raw
    except Exception as exc:  # broad on purpose: xlrd parses an old binary format written
        # by many programs, and a damaged file raises any of a dozen types (XLRDError,
        # AssertionError, struct.error, IndexError, …): all mean an unreadable file.
        raise ctx.error(
            message("cannot read the spreadsheet: {reason}", reason=reason(exc))
        ) from None


def _read_text_table(
    ctx: ReadContext, *, encoding: str | None, legacy: str | None
) -> tuple[bytes, pd.DataFrame]:
    """Return a text table's bytes and its cells as read (no header yet), indexed by row.

    The index is each record's row in the file as Excel numbers it, counting blank lines
    and the header (:func:`_record_rows`).
    """
    import pandas as pd

    try:
        data = ctx.path.read_bytes()
    except OSError as exc:
        raise ctx.error(
            message("cannot read the file: {reason}", reason=exc.strerror or str(exc))
        ) from None
    text = decode_bytes(ctx, data, encoding, legacy)
    if not text.strip():
        raise ctx.error(message("the file is empty"))
    sep = _sniff_sep(text, ctx.path.suffix.lower())
    try:
        raw = pd.read_csv(
            io.StringIO(text),
            sep=sep,
            header=None,
            dtype=str,
            keep_default_na=False,
            skip_blank_lines=True,
            engine="python",
        )
    except (ValueError, csv.Error) as exc:  # pandas' ParserError and EmptyDataError
        raise _parse_error(ctx, text, sep, exc) from None
    rows = _record_rows(text, sep)
    raw.index = pd.Index(rows if len(rows) == len(raw) else range(1, len(raw) + 1), dtype="int64")
    return data, raw


def _parse_error(ctx: ReadContext, text: str, sep: str, exc: Exception) -> PlanDataError:
    """Return the error for a text table the parser refused, naming the rows at fault.

    A quote never closed is named at the row where it opens; rows with more cells than the
    header are named one by one (:mod:`planning.readers.csv_faults`).
    """
    opened = unclosed_quote(text, sep)
    if opened is not None:
        return quote_error(ctx, text, sep, opened)
    long = long_rows(ctx, text, sep)
    if long:
        return row_errors(long, path=ctx.path)
    return ctx.error(
        message(
            "cannot read the table: {reason}; open it in Excel or LibreOffice and save it "
            "again as CSV UTF-8",
            reason=reason(exc),
        )
    )


def _record_rows(text: str, sep: str) -> list[int]:
    """Return the row (from 1) of each non-blank record of a text table, as Excel numbers it.

    Every record is a row, blank lines included; a quoted cell holding line breaks stays
    on its record's row (a text editor's line numbers are the same unless a cell does).
    Blank records are dropped as pandas' Python parser drops them: no cell, or one blank
    cell.
    """
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep)
    try:
        return [
            n
            for n, record in enumerate(reader, start=1)
            if len(record) > 1 or (record and record[0].strip())
        ]
    except csv.Error:
        return []  # pandas read it, csv does not: rows are then counted by record


def _sniff_sep(text: str, suffix: str) -> str:
    if suffix == ".tsv":
        return "\t"
    sample = "\n".join(text.splitlines()[:50])
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
    except csv.Error:
        pass
    counts = {sep: sample.count(sep) for sep in (",", ";", "\t", "|")}
    best = max(counts, key=lambda s: counts[s])
    return best if counts[best] else ","


def _check_formulas(ctx: ReadContext, sheet: str | int | None) -> None:
    """Refuse formula cells that have no saved value (the file was never recalculated).

    A workbook written by a script (openpyxl, xlsxwriter …) holds formulas but not their
    results; read as values they are empty, losing areas, names or coordinates quietly.
    """
    try:
        title, formulas = _sheet_cells(ctx.path, sheet, data_only=False)
        formulas = {k: v for k, v in formulas.items() if isinstance(v, str) and v.startswith("=")}
        if not formulas:
            return
        _, saved = _sheet_cells(ctx.path, sheet, data_only=True)
    except Exception as exc:  # broad on purpose: openpyxl parses a zip of XML written by
        # many programs, and a damaged one raises any of a dozen types (BadZipFile, KeyError,
        # ParseError, TypeError, …): all mean an unreadable file.
        raise ctx.error(
            message("cannot read the spreadsheet: {reason}", reason=reason(exc))
        ) from None
    empty = [k for k in formulas if saved.get(k) is None]
    if not empty:
        return
    shown: str = ", ".join(empty[:8])
    if len(empty) > 8:
        shown = message("{cells} and {n} more", cells=shown, n=len(empty) - 8)
    raise ctx.error(
        message(
            "{n} formula cell(s) with no saved value ({cells}): the workbook was written by a "
            "program that does not calculate formulas; open and save it in Excel or "
            "LibreOffice, or replace the formulas by their values",
            n=len(empty),
            cells=shown,
        ),
        ident=message("sheet {sheet!r}", sheet=title),
    )


def _sheet_cells(
    path: Path, sheet: str | int | None, *, data_only: bool
) -> tuple[str, dict[str, Any]]:
    """Return a sheet's title and ``{cell reference: value}`` of its non-empty cells."""
    import openpyxl

    wb = openpyxl.load_workbook(path, read_only=True, data_only=data_only)
    try:
        ws = wb[sheet] if isinstance(sheet, str) else wb.worksheets[sheet or 0]
        values = {
            c.coordinate: c.value
            for row in ws.iter_rows()
            for c in row
            if getattr(c, "value", None) is not None or data_only
            if hasattr(c, "coordinate")
        }
        return str(ws.title), values
    finally:
        wb.close()


def _apply_header(ctx: ReadContext, raw: pd.DataFrame) -> pd.DataFrame:
    """Return the rows below the header row, named by it.

    Title lines often sit above the header in decision appendices: the header is the first
    of the first 20 rows that names at least two known columns (the first row otherwise).
    """
    import pandas as pd

    raw = raw.dropna(how="all")
    raw = raw.loc[[any(cell_text(v) for v in row) for row in raw.itertuples(index=False)]]
    if raw.empty:
        raise ctx.error(message("the table has no rows"))
    header_at = 0
    for i in range(min(_HEADER_SEARCH_ROWS, len(raw))):
        cells = list(raw.iloc[i])
        # Legacy-encoded headers are repaired before matching.
        fixed, _ = repair_texts([cell_text(c) for c in cells])
        if header_score(fixed, ctx.kind) >= 2:
            header_at = i
            break
    header = [cell_text(c) for c in raw.iloc[header_at]]
    names: list[str] = []
    for j, h in enumerate(header):
        name = h or f"column_{j + 1}"
        while name in names:
            name += "_"
        names.append(name)
    body = raw.iloc[header_at + 1 :]
    rows = body.index.to_numpy()
    body = body.reset_index(drop=True)
    body.columns = pd.Index(names)
    body["source_row"] = rows  # the row a user sees in the file (messages name it)
    ctx.source_rows = rows.tolist()
    if header_at:
        ctx.notes.append(
            message(
                "{path}: header found on row {row}",
                path=str(ctx.path),
                row=int(raw.index[header_at]),
            )
        )
    return body


_TOTAL_LINE = re.compile(r"(tong cong|tong so|tong|cong|total|sum)\s*[:.]?\s*(\(.*\))?\s*")
#: A cheap superset of the names :data:`_TOTAL_LINE` matches once folded ("Tổng cộng" …).
_TOTAL_START = re.compile(r"\s*(t\S*ng|c\S*ng|total|sum)\b", re.I)
_HEADING_NUMBER = re.compile(r"^\s*([ivxlcdm]+|\d+|[a-z])\s*[.):/-]\s*", re.I)


def _group_rows(ctx: ReadContext, frame: pd.DataFrame) -> pd.DataFrame:
    """Drop total lines and use district heading lines ("II. Huyện Thạch Thất") as context.

    Only rows that can be a heading (no commune, no area) or a total line (no commune, a
    name starting like "Tổng", "Cộng", "Total", "Sum") are looked at one by one, so a
    large table of ordinary rows costs a few array operations.
    """
    if ctx.kind != "clusters" or "name_vi" not in frame.columns:
        return frame
    import numpy as np

    n = len(frame)

    def texts(col: str) -> Any:
        if col not in frame.columns:
            return np.full(n, "", dtype=object)
        return np.asarray(per_value(frame[col], cell_text), dtype=object)

    names = texts("name_vi")
    no_commune = texts("commune_vi") == ""
    no_area = (texts("declared_ha") == "") & (texts("declared_m2") == "")
    starts_total = (
        np.fromiter((bool(_TOTAL_START.match(v)) for v in names), dtype=bool, count=n)
        if n
        else np.zeros(0, dtype=bool)
    )
    keep = np.ones(n, dtype=bool)
    heading_at: list[int] = []
    heading_name: list[str] = []
    for i in np.flatnonzero(no_commune & (no_area | starts_total)).tolist():
        name = str(names[i])
        if no_area[i]:
            kind, rest = split_admin_prefix(_HEADING_NUMBER.sub("", name))
            if kind in {"huyện", "quận", "thị xã"}:
                keep[i] = False
                heading_at.append(i)
                heading_name.append(rest)
                continue
        if starts_total[i] and _TOTAL_LINE.fullmatch(fold(name)):
            ctx.notes.append(
                message("{path}: total line {name!r} skipped", path=str(ctx.path), name=name)
            )
            keep[i] = False
    out = frame.loc[keep].copy()
    if heading_at:
        _apply_headings(ctx, out, np.flatnonzero(keep), heading_at, heading_name)
    return out.reset_index(drop=True)


def _apply_headings(
    ctx: ReadContext, out: pd.DataFrame, rows: Any, heading_at: list[int], heading_name: list[str]
) -> None:
    """Give each kept row the district of the last heading above it, unless it has one."""
    import numpy as np

    labels = np.asarray(["", *heading_name], dtype=object)  # "" above the first heading
    chosen = labels[np.searchsorted(np.asarray(heading_at), rows, side="right")]
    if not any(chosen):
        return
    if "district_vi" not in out.columns:
        out["district_vi"] = object_series(chosen, out.index)
    else:
        own = np.asarray(per_value(out["district_vi"], cell_text), dtype=object)
        out["district_vi"] = object_series(np.where(own != "", own, chosen), out.index)
    ctx.notes.append(message("{path}: districts taken from heading lines", path=str(ctx.path)))


def table_to_layer(
    ctx: ReadContext,
    frame: pd.DataFrame,
    *,
    columns: Mapping[str, str] | None,
    crs: Any,
    helmert: Helmert | None,
) -> gpd.GeoDataFrame:
    """Turn a table's rows into a layer in EPSG:4326 (canonical names, geometry built).

    Parameters
    ----------
    ctx
        The read in progress.
    frame
        The table's cells under its header (:func:`read_table`).
    columns
        The caller's ``{column in the file: canonical column}``.
    crs
        The CRS of the coordinates (required for projected x/y).
    helmert
        A VN-2000 → WGS 84 shift to use instead of EPSG:6960.

    Returns
    -------
    geopandas.GeoDataFrame
        EPSG:4326; rows without a geometry have ``needs_placement`` True.
    """
    import geopandas as gpd

    frame, coords = map_columns(ctx, frame, columns)
    if ctx.sheet is None:  # planning.readers.workbook has classified a workbook's rows
        frame = _group_rows(ctx, frame)
    if "source_row" in frame.columns:  # not for a plain Parquet table: rows are records
        ctx.source_rows = [int(r) for r in frame["source_row"]]
    if frame.empty:
        if ctx.faults:  # every row is bad: say why
            raise row_errors(ctx.faults, path=ctx.path)
        raise ctx.error(message("the table has no data rows"))
    found = table_geometries(ctx, frame, coords, crs)
    frame = frame.drop(columns=found.used)
    gdf = gpd.GeoDataFrame(frame, geometry=found.geoms, crs=None)
    gdf = to_wgs84(gdf, source=found.source_crs, helmert=helmert, path=ctx.path)
    gdf.attrs.setdefault("needs_placement_rows", found.unplaced)
    if found.unplaced:
        todo = set(found.unplaced)
        gdf["needs_placement"] = [i in todo for i in range(len(gdf))]
    return gdf
