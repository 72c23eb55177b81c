"""What a reader knows while it reads one file: the file, the layer kind, notes and fixes.

Every step of :func:`planning.readers.read_layer` takes the :class:`ReadContext`, adds what it
detected to ``notes`` and what it repaired to ``fixes``, and builds its errors with
:meth:`ReadContext.error` so that each names the file, the row (the Excel row for a
workbook) and the field.
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
        # For a spreadsheet read by planning.readers.workbook: the sheet, each data row's
        # Excel row number (messages name it), and the total rows it stated.
        self.sheet: str | None = None
        self.excel_rows: list[int] | None = None
        self.totals: list[Any] = []
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
            The 1-based data row; for a workbook it is translated to the Excel row.
        field
            The column at fault.
        ident
            The row's identifier (``cluster_id=CCN-03``).

        Returns
        -------
        PlanDataError
            The error, to raise.
        """
        if self.excel_rows is not None and row is not None and 1 <= row <= len(self.excel_rows):
            return PlanDataError(
                message, path=self.path, row=self.excel_rows[row - 1], field=field,
                ident=ident, sheet=self.sheet,
            )  # fmt: skip
        return PlanDataError(message, path=self.path, row=row, field=field, ident=ident)

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
