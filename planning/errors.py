"""The project's exceptions and warnings, all in one place.

Every error a user can cause subclasses :class:`PlanningError` and a builtin, so
callers can catch either. The command line turns a :class:`PlanningError` into a
one-line message and exit code 2; anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from os import PathLike

from planning._version import DISTRIBUTION
from planning.i18n import UnknownLanguageError, gettext, localize, ngettext

#: Characters a message must never carry raw: C0 and C1 controls (newline, carriage
#: return, tab, ESC of terminal escapes, DEL), the Unicode line and paragraph separators,
#: and the bidirectional marks, embeddings, overrides and isolates (which can reorder
#: what a terminal shows). Vietnamese letters and combining marks are not among them.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def escape_text(text: object) -> str:
    r"""Return ``str(text)`` with control characters escaped as Python's ``repr`` does.

    A value quoted in a message can then never split the message's line, forge a second
    ``planning: error:`` line or send a terminal escape.

    Parameters
    ----------
    text
        Any value; it is turned into text with ``str``.

    Returns
    -------
    str
        The text, one line, with ``\n``, ``\r``, ``\t``, ``\x1b`` … written out.

    Examples
    --------
    >>> escape_text("CCN A\nplanning: error: forged\x1b[2J")
    'CCN A\\nplanning: error: forged\\x1b[2J'
    """
    return _UNSAFE.sub(lambda m: repr(m.group())[1:-1], str(text))


class PlanningError(Exception):
    """Base class of every error raised on purpose by ``planning``.

    Its text is one line (a :class:`RowErrors`: one line per fault, :meth:`lines`): control
    characters from quoted data are escaped (:func:`escape_text`). A message given as a
    :class:`~planning.i18n.Message` is shown in the language in force when it is shown
    (:func:`planning.i18n.localize`); ``args`` keep the text it had when raised.
    """

    def __str__(self) -> str:
        return escape_text(localize(self.args[0]) if len(self.args) == 1 else super().__str__())

    def lines(self) -> list[str]:
        """Return the message as the lines a terminal shows: one (a :class:`RowErrors`: more)."""
        return [str(self)]


class PlanDataError(PlanningError, ValueError):
    """Input data is wrong: the message names the file, the row and the field.

    Parameters
    ----------
    message
        What is wrong and, where possible, what to do about it: a
        :class:`~planning.i18n.Message` (``message("…", value=…)``), translated when shown.
    path
        The file the bad data came from.
    row
        The row as the user sees it: a text table's row as Excel (or, unless a quoted cell
        spans lines, a text editor) numbers it, from 1 at its first line, so that the header
        is row 1 when no title lines sit above it; a workbook's row as Excel shows it (with
        ``sheet``); a GIS file's feature number, from 1.
    field
        The column or attribute at fault.
    ident
        The row's identifier, shown as ``field=value`` (for example ``cluster_id=CCN-03``).
    sheet
        The spreadsheet's sheet, for rows of an Excel workbook.
    """

    def __init__(
        self,
        message: str,
        *,
        path: str | PathLike[str] | None = None,
        row: int | None = None,
        field: str | None = None,
        ident: str | None = None,
        sheet: str | None = None,
    ) -> None:
        self.message = message
        self.path = None if path is None else str(path)
        self.row = row
        self.field = field
        self.ident = ident
        self.sheet = sheet
        super().__init__(self._format())

    def __str__(self) -> str:
        return escape_text(self._format())

    def _format(self) -> str:
        where: list[str] = []
        if self.sheet is not None:
            where.append(gettext("sheet {sheet!r}").format(sheet=self.sheet))
        if self.row is not None:
            where.append(
                gettext("row {row}").format(row=self.row)
                + (f" ({localize(self.ident)})" if self.ident else "")
            )
        elif self.ident:
            where.append(localize(self.ident))
        if self.field is not None:
            where.append(gettext("field {field!r}").format(field=self.field))
        prefix = f"{self.path}: " if self.path else ""
        loc = (", ".join(where) + ": ") if where else ""
        return f"{prefix}{loc}{self._what()}"

    def _what(self) -> str:
        """Return what is wrong, in the language in force."""
        return localize(self.message)


class RowErrors(PlanDataError):
    """Several rows of one input are wrong; every fault is listed (the first 20, then a count).

    Its text is one line saying how many rows are wrong, then one line per fault, each
    complete (file, sheet, row, field, what is wrong): :meth:`lines`. Each line has its
    control characters escaped (:func:`escape_text`), so only these line breaks remain.

    Parameters
    ----------
    errors
        One :class:`PlanDataError` per fault, in row order (:func:`row_errors` sorts them); a
        row may have several (a bad area and an unknown commune).
    path
        The file the rows came from.
    limit
        How many faults the message lists before giving the count of the rest.
    """

    def __init__(
        self,
        errors: list[PlanDataError],
        *,
        path: str | PathLike[str] | None = None,
        limit: int = 20,
    ) -> None:
        self.errors = list(errors)
        self.limit = limit
        super().__init__(self._what(), path=path)

    def _what(self) -> str:
        n = len({(e.path, e.sheet, e.row) for e in self.errors})
        return ngettext("{n} row cannot be used:", "{n} rows cannot be used:", n).format(n=n)

    def lines(self) -> list[str]:
        """Return the message as lines: how many rows are wrong, then one line per fault.

        In the language in force when they are asked for.
        """
        lines = [self._format(), *(str(e) for e in self.errors[: self.limit])]
        rest = len(self.errors) - self.limit
        if rest > 0:
            more = gettext("… and {rest} more; fix the rows above and run again to see them")
            lines.append((f"{self.path}: " if self.path else "") + more.format(rest=rest))
        return [escape_text(line) for line in lines]

    def __str__(self) -> str:
        return "\n".join(self.lines())

    def __reduce__(self) -> tuple[object, ...]:
        """Pickle (and copy) it by its faults, which its text is built from."""
        return (_rebuild_row_errors, (self.errors, self.path, self.limit))


def _rebuild_row_errors(errors: list[PlanDataError], path: str | None, limit: int) -> RowErrors:
    return RowErrors(errors, path=path, limit=limit)


def row_errors(
    errors: list[PlanDataError], *, path: str | PathLike[str] | None = None
) -> PlanDataError:
    """Return the error to raise for the faults of one read: the fault itself, or a RowErrors.

    Parameters
    ----------
    errors
        The faults, from one file or several; a :class:`RowErrors` among them counts as its
        faults. At least one.
    path
        The file named in a :class:`RowErrors`'s first line (default: the faults' file when
        they all come from one).

    Returns
    -------
    PlanDataError
        The one fault, or a :class:`RowErrors` of all of them, sorted by file (in the order
        they come), sheet and row (faults without a row first).
    """
    flat = [f for e in errors for f in (e.errors if isinstance(e, RowErrors) else [e])]
    if len(flat) == 1:
        return flat[0]
    files = list(dict.fromkeys(e.path for e in flat))
    sheets = list(dict.fromkeys((e.path, e.sheet) for e in flat))
    flat.sort(key=lambda e: (files.index(e.path), sheets.index((e.path, e.sheet)), e.row or 0))
    if path is None and len(files) == 1:
        path = files[0]
    return RowErrors(flat, path=path)


@contextmanager
def reported_together(faults: list[PlanDataError]) -> Iterator[None]:
    """Run a step of a read, then raise its faults with ``faults``, those found before it.

    Reading a file finds some faults (``read_layer(..., faults=...)``); placing its rows
    at their communes finds others. Wrapped in this, the step's
    :class:`PlanDataError` (or :class:`RowErrors`) is raised with the earlier faults, as one
    :func:`row_errors` in row order; without one, the earlier faults are raised alone.

    Parameters
    ----------
    faults
        The faults found before the step (an empty list: the step's own error is raised as
        it is).

    Raises
    ------
    PlanDataError
        The faults, together, when there are any.
    """
    try:
        yield
    except PlanDataError as exc:
        if not faults:
            raise
        raise row_errors([*faults, exc]) from None
    if faults:
        raise row_errors(faults)


class CRSError(PlanDataError):
    """A layer has no CRS, an unusable CRS, or a CRS that cannot give correct areas."""


class GeodataUnavailable(PlanningError, RuntimeError):
    """An upstream geodata file could not be downloaded, found in the mirror, or read."""


class GeodataHashMismatch(GeodataUnavailable):
    """A downloaded or mirrored file does not have the pinned sha256."""


class MissingDependencyError(PlanningError, ImportError):
    """An optional dependency is not installed; the message names the extra to install."""


class PlanningWarning(UserWarning):
    """Base class of the warnings ``planning`` emits (datum shift repaired, m² as ha, …).

    The command line prints each as one line, ``planning: warning: …``; its text is
    always one line (:func:`escape_text`), in the language in force when it is shown (a
    :class:`~planning.i18n.Message` given as its text is translated then).
    """

    def __str__(self) -> str:
        return escape_text(localize(self.args[0]) if len(self.args) == 1 else super().__str__())


class CacheIntegrityWarning(PlanningWarning):
    """A file derived from the geodata and cached failed its sha256 check, and is rebuilt."""


class AreaUnitWarning(PlanningWarning):
    """Declared areas look like square metres, not hectares."""


class GeometryFixWarning(PlanningWarning):
    """Invalid geometries were repaired (``fix=True``); the message says what changed."""


class LegacyEncodingWarning(PlanningWarning):
    """A text column looks mis-encoded, but no legacy encoding fits it well enough to apply."""


class UnmappedColumnsWarning(PlanningWarning):
    """Columns of a shapefile map to no column of the layer; their data is kept as is."""


class NameMatchWarning(PlanningWarning):
    """Names were matched only without their diacritics (``Phung Xa`` read as ``Phùng Xá``)."""


class ContextLayerWarning(PlanningWarning):
    """A context layer lost features it should have kept (an industrial park that has no outline)."""


class UsageError(PlanningError, ValueError):
    """The caller asked for something impossible (bad option value, unknown rule code)."""


class LanguageError(UsageError, UnknownLanguageError):
    """A language the interface does not speak was asked for (``--lang``, ``$PLANNING_LANG``)."""


def require(module: str, *, extra: str | None) -> object:
    """Import an optional dependency, or fail with a message naming the extra.

    Parameters
    ----------
    module
        The module to import, for example ``"folium"``.
    extra
        The extra of the ``hanoi-ccn-planning`` distribution that installs it, for example
        ``"dask"``; None for a core dependency (its absence means a broken install).

    Returns
    -------
    module
        The imported module.

    Raises
    ------
    MissingDependencyError
        If the module cannot be imported.
    """
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError as exc:
        if extra is None:
            hint = gettext("reinstall it with: {command}").format(
                command=f"pip install --force-reinstall {DISTRIBUTION}"
            )
        else:
            hint = gettext("install it with: {command}").format(
                command=f"pip install '{DISTRIBUTION}[{extra}]'"
            )
        raise MissingDependencyError(
            gettext("{module} is needed for this; {hint}").format(module=module, hint=hint)
        ) from exc
