"""Why a text table cannot be parsed: a quote never closed, rows with more cells than the header.

Hand-typed CSV files break the parser in two ways. A value that starts with a quote (``"``)
which is never closed makes the rest of the file one cell; :func:`unclosed_quote` finds the
row and column where that quote opens. A value holding the separator without quotes splits
into two cells: a Vietnamese decimal comma (``12,5``) in a comma-separated file is the usual
cause, and :func:`long_rows` names every such row, and the value that looks like a
decimal number cut in two. Rows are numbered as Excel (and a text editor) numbers them: the
file's first line is row 1 (:func:`planning.readers.tables.read_table` numbers them alike).
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass

from planning.errors import PlanDataError
from planning.i18n import Message, message
from planning.readers._context import ReadContext

__all__ = ["QuoteOpen", "long_rows", "quote_error", "unclosed_quote"]

#: The integer part of a number with a decimal comma split at the comma (``12`` of ``12,5``;
#: ``1.234`` of ``1.234,5``), and its decimal part.
_WHOLE = re.compile(r"[-+]?\d{1,3}(\.\d{3})+|[-+]?\d+")
_DECIMALS = re.compile(r"\d+")
#: The canonical columns that hold numbers with decimals.
_NUMERIC = frozenset({"declared_ha", "declared_m2", "current_ha"})
#: How many rows the header is searched for (as planning.readers.tables does).
_HEADER_SEARCH_ROWS = 20


@dataclass(frozen=True)
class QuoteOpen:
    """Where a quote that is never closed opens.

    Attributes
    ----------
    row
        The record's row, from 1 at the file's first line.
    column
        The cell's position in the record, from 0.
    start
        Where the record starts in the text.
    """

    row: int
    column: int
    start: int


def unclosed_quote(text: str, sep: str) -> QuoteOpen | None:
    r"""Return where the quote still open at the end of ``text`` opens (None if every one closes).

    A quote opens a quoted value only at the start of a cell (as Excel and Python's
    :mod:`csv` read it); inside one, ``""`` is a quote character. A line break inside a
    quoted value does not start a new row.

    Examples
    --------
    >>> unclosed_quote('id,name\n1,"CCN A\n2,CCN B\n', ",")
    QuoteOpen(row=2, column=1, start=8)
    >>> unclosed_quote('id,name\n1,"CCN A, B"\n', ",") is None
    True
    """
    row, column, at_start, opened, start = 1, 0, True, None, 0
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if opened is not None:
            if ch == '"':
                if i + 1 < n and text[i + 1] == '"':
                    i += 2
                    continue
                opened, at_start = None, False
            i += 1
            continue
        if ch == '"' and at_start:
            opened = QuoteOpen(row, column, start)
        elif ch == sep:
            column, at_start = column + 1, True
        elif ch in "\r\n":
            if ch == "\r" and i + 1 < n and text[i + 1] == "\n":
                i += 1
            row, column, at_start, start = row + 1, 0, True, i + 1
        else:
            at_start = False
        i += 1
    return opened


def quote_error(ctx: ReadContext, text: str, sep: str, where: QuoteOpen) -> PlanDataError:
    """Return the error for a quote opened at ``where`` and never closed."""
    found = _header(_records(text[: where.start], sep), ctx)
    field = None
    if found is not None and where.column < len(found[1]):
        field = found[1][where.column].strip() or None
    return ctx.error(
        message(
            'a quote (") opens this value and is never closed, so the rest of the file '
            "reads as one cell; add the closing quote at the end of the value, or delete "
            "the opening one"
        ),
        row=where.row,
        field=field,
    )


def long_rows(ctx: ReadContext, text: str, sep: str) -> list[PlanDataError]:
    """Return an error for each row with more cells than the header row (none if none has).

    A comma-separated row whose extra cells come from a number with a decimal comma
    (``12,5`` read as ``12`` and ``5``) is named as such, with the value.
    """
    records = _records(text, sep)
    found = _header(records, ctx)
    if found is None:
        return []
    header_row, header = found
    width = len(header)
    errors: list[PlanDataError] = []
    for row, cells in records:
        if row <= header_row or len(cells) <= width:
            continue
        what, field = _why_long(cells, header, sep)
        errors.append(
            ctx.error(
                message(
                    "this row has {n} cells where the header (row {header_row}) has "
                    "{width}: {what}",
                    n=len(cells),
                    header_row=header_row,
                    width=width,
                    what=what,
                ),
                row=row,
                field=field,
            )
        )
    return errors


def _why_long(cells: list[str], header: list[str], sep: str) -> tuple[Message, str | None]:
    """Say why a row has more cells than the header, and the column at fault if known."""
    extra = len(cells) - len(header)
    j = _decimal_comma_at(cells, header) if sep == "," and extra == 1 else None
    if j is not None:
        whole, decimals = cells[j].strip(), cells[j + 1].strip()
        value, point = f"{whole},{decimals}", f"{whole.replace('.', '')}.{decimals}"
        return message(
            "{value} looks like a number with a decimal comma, which the comma separator "
            "cuts in two; write it with a decimal point ({point}) or in quotes "
            '("{value_bare}"), or save the file with ; as the separator',
            value=repr(value),
            point=point,
            value_bare=value,
        ), header[j] or None
    if not any(c.strip() for c in cells[len(header) :]):
        return message(
            "the extra cells are empty; delete the separators ({sep}) at the end of the row",
            sep=repr(sep),
        ), None
    return message(
        "a value probably holds the separator {sep} without quotes (the row's last cells: "
        '{last}); put that value in quotes ("…"), or delete the extra cells',
        sep=repr(sep),
        last=", ".join(repr(c) for c in cells[len(header) - 1 :][-3:]),
    ), None


def _decimal_comma_at(cells: list[str], header: list[str]) -> int | None:
    """Return where a number with a decimal comma was cut in two (cells j and j+1), if likely.

    Two neighbouring cells that read as the integer and decimal parts of a number are a
    number cut at its comma; where several pairs do, the one under a numeric column (an
    area, a coordinate) is taken, and none when that does not settle it.
    """
    from planning.readers.columns import COLUMN_ALIASES, COORDINATE_ALIASES, norm_name

    pairs = [
        j
        for j in range(min(len(cells) - 1, len(header)))
        if _WHOLE.fullmatch(cells[j].strip()) and _DECIMALS.fullmatch(cells[j + 1].strip())
    ]
    numeric = {a for table in COLUMN_ALIASES.values() for a, c in table.items() if c in _NUMERIC}
    numeric |= set(COORDINATE_ALIASES)
    under_number = [j for j in pairs if norm_name(header[j]) in numeric]
    if len(under_number) == 1:
        return under_number[0]
    return pairs[0] if len(pairs) == 1 else None


def _records(text: str, sep: str) -> list[tuple[int, list[str]]]:
    """Return ``(row, cells)`` of each non-blank record, rows counted as Excel counts them."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep)
    out: list[tuple[int, list[str]]] = []
    try:
        for row, cells in enumerate(reader, start=1):
            if any(c.strip() for c in cells):
                out.append((row, cells))
    except csv.Error:
        pass  # what was read so far
    return out


def _header(records: list[tuple[int, list[str]]], ctx: ReadContext) -> tuple[int, list[str]] | None:
    """Return the header record: the first of the first rows naming two known columns."""
    from planning.readers.columns import header_score

    if not records:
        return None
    for row, cells in records[:_HEADER_SEARCH_ROWS]:
        if header_score(cells, ctx.kind) >= 2:
            return row, cells
    return records[0]
