"""What a reader knows while it reads one file: the file, the layer kind, notes, fixes, faults.

Every step of :func:`planning.readers.read_layer` takes the :class:`ReadContext`, adds what it
detected to ``notes`` and what it repaired to ``fixes``, and builds its errors with
:meth:`ReadContext.error` so that each names the file, the row as the user sees it (the
file's row for a text table, the Excel row for a workbook, the feature number for a GIS
file) and the field. A fault of one row is recorded with :meth:`ReadContext.fault` rather
than raised, so that every bad row of the file is reported at once.
"""

from __future__ import annotations

from os import PathLike
from pathlib import Path
from typing import Any, Literal

from planning.errors import PlanDataError
from planning.readers.values import cell_text
from planning.schema import LAYERS

__all__ = ["Kind", "PathType", "ReadContext", "reason"]

PathType = str | PathLike[str]
#: The kinds of layer a reader produces.
Kind = Literal["clusters", "districts", "zones"]


class ReadContext:
    """What the reader knows while it works: the file, notes and fixes.

    Parameters
    ----------
    path
        The file being read.
    kind
        The layer kind to produce.
    """

    def __init__(self, path: Path, kind: Kind) -> None:
        self.path = path
        self.kind = kind
        self.notes: list[str] = []
        self.fixes: list[str] = []
        #: For a spreadsheet read by planning.readers.workbook: the sheet.
        self.sheet: str | None = None
        #: For a table: each data row's number as the user sees it (the row Excel shows,
        #: from 1 at the file's first line, for a text table; the Excel row for a workbook).
        self.source_rows: list[int] | None = None
        #: For a spreadsheet: the total rows it stated.
        self.totals: list[Any] = []
        #: The faults of single rows found so far (:meth:`fault`), reported together.
        self.faults: list[PlanDataError] = []
        #: ``(data row, field)`` of each fault, so that a later check can skip what follows.
        self.faulted: set[tuple[int, str | None]] = set()
        #: Set when a text table is UTF-8 but for a few bytes (read with surrogate escapes).
        self.bad_utf8: tuple[int, int] | None = None
        #: For a zip: the GIS file opened in it and every name in the archive.
        self.zip_names: tuple[str, list[str]] | None = None

    def error(
        self,
        message: str,
        *,
        row: int | None = None,
        field: str | None = None,
        ident: str | None = None,
    ) -> PlanDataError:
        """Return the error for ``message``, naming the file, the row and the field.

        Parameters
        ----------
        message
            What is wrong and what to do.
        row
            The 1-based data row; for a table it is translated to the row the user sees.
        field
            The column at fault.
        ident
            The row's identifier (``cluster_id=CCN-03``).

        Returns
        -------
        PlanDataError
            The error, to raise.
        """
        if self.source_rows is not None and row is not None:
            row = self.row_number(row)
        return PlanDataError(
            message, path=self.path, row=row, field=field, ident=ident, sheet=self.sheet
        )

    def row_number(self, row: int) -> int:
        """Return data row ``row`` (1-based) as the user sees it (:attr:`source_rows`)."""
        rows = self.source_rows
        return rows[row - 1] if rows is not None and 1 <= row <= len(rows) else row

    def fault(self, message: str, *, row: int, field: str | None, ident: str | None = None) -> None:
        """Record that data row ``row`` (1-based) is wrong in ``field``; the read goes on.

        :func:`planning.readers.read_layer` reports every fault of the file together when
        it has read it all (:func:`planning.errors.row_errors`).
        """
        self.faults.append(self.error(message, row=row, field=field, ident=ident))
        self.faulted.add((row, field))

    def has_fault(self, row: int, *fields: str | None) -> bool:
        """Tell whether data row ``row`` (1-based) has a fault (in one of ``fields``, if given)."""
        if fields:
            return any((row, f) in self.faulted for f in fields)
        return any(r == row for r, _ in self.faulted)

    def identify_faults(self, ids: Any) -> None:
        """Name the row's id in each fault recorded without one, now that ids are known.

        Some faults are found before the ids are read or assigned (a workbook's bad area,
        a row with no location); every line of a report then names its row's id alike.

        Parameters
        ----------
        ids
            Each data row's id, in order (the layer's id column after
            :func:`planning.readers.validate.check_ids`).
        """
        col = LAYERS[self.kind].id_column
        values = [cell_text(v) for v in ids]
        if self.source_rows is not None:
            data_row = {shown: i for i, shown in enumerate(self.source_rows)}
        else:
            data_row = {i + 1: i for i in range(len(values))}
        for k, fault in enumerate(self.faults):
            i = data_row.get(fault.row) if fault.row is not None else None
            if fault.ident or i is None or i >= len(values) or not values[i]:
                continue
            if type(fault) is PlanDataError:  # a subclass (RowErrors) keeps its text
                self.faults[k] = PlanDataError(
                    fault.message, path=fault.path, row=fault.row, field=fault.field,
                    ident=f"{col}={values[i]}", sheet=fault.sheet,
                )  # fmt: skip

    def ident(self, rec: Any) -> str | None:
        """Return a row's identifier for messages (``cluster_id=CCN-03``), None if it has none.

        Parameters
        ----------
        rec
            The row (a :class:`pandas.Series`).
        """
        col = LAYERS[self.kind].id_column
        value = cell_text(rec.get(col)) if hasattr(rec, "get") else ""
        return f"{col}={value}" if value else None


def reason(exc: BaseException) -> str:
    """Return an exception's text as one line of at most 200 characters (its type if empty)."""
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text[:200]
