"""The project's exceptions and warnings, all in one place.

Every error a user can cause subclasses :class:`PlanningError` and a builtin, so
callers can catch either. The command line turns a :class:`PlanningError` into a
one-line message and exit code 2; anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

import re
from os import PathLike

from planning._version import DISTRIBUTION
from planning.i18n import UnknownLanguageError, gettext, ngettext

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
        The text, one line, with ``
    ``, ``
    ``, ``	``, ```` … written out.

    Examples
    --------
    >>> escape_text("CCN A\nplanning: error: forged\x1b[2J")
    'CCN A\\nplanning: error: forged\\x1b[2J'
    """
    return _UNSAFE.sub(lambda m: repr(m.group())[1:-1], str(text))


class PlanningError(Exception):
    """Base class of every error raised on purpose by ``planning``.

    Its text is always one line: control characters from quoted data are escaped
    (:func:`escape_text`).
    """

    def __str__(self) -> str:
        return escape_text(super().__str__())


class PlanDataError(PlanningError, ValueError):
    """Input data is wrong: the message names the file, the row and the field.

    Parameters
    ----------
    message
        What is wrong and, where possible, what to do about it.
    path
        The file the bad data came from.
    row
        The 1-based data row (header excluded) or feature number; with ``sheet``, the
        row number as Excel shows it.
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

    def _format(self) -> str:
        where: list[str] = []
        if self.sheet is not None:
            where.append(gettext("sheet {sheet!r}").format(sheet=self.sheet))
        if self.row is not None:
            where.append(
                gettext("row {row}").format(row=self.row)
                + (f" ({self.ident})" if self.ident else "")
            )
        elif self.ident:
            where.append(self.ident)
        if self.field is not None:
            where.append(gettext("field {field!r}").format(field=self.field))
        prefix = f"{self.path}: " if self.path else ""
        loc = (", ".join(where) + ": ") if where else ""
        return f"{prefix}{loc}{self.message}"


class RowErrors(PlanDataError):
    """Several rows of one input are wrong; every one is listed (the first 20, then a count).

    Parameters
    ----------
    errors
        One :class:`PlanDataError` per bad row, in row order.
    path
        The file the rows came from.
    limit
        How many errors the message lists before giving the count of the rest.
    """

    def __init__(
        self,
        errors: list[PlanDataError],
        *,
        path: str | PathLike[str] | None = None,
        limit: int = 20,
    ) -> None:
        self.errors = list(errors)
        shown = [f"  {_without_path(e, path)}" for e in self.errors[:limit]]
        rest = len(self.errors) - len(shown)
        if rest > 0:
            shown.append("  " + gettext("… and {rest} more").format(rest=rest))
        n = len(self.errors)
        head = ngettext("{n} row cannot be used:", "{n} rows cannot be used:", n).format(n=n)
        message = head + "\n" + "\n".join(shown)
        super().__init__(message, path=path)


def _without_path(err: PlanDataError, path: str | PathLike[str] | None) -> str:
    if path is not None and err.path == str(path):
        return PlanDataError(
            err.message, row=err.row, field=err.field, ident=err.ident, sheet=err.sheet
        ).args[0]
    return str(err)


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
    always one line (:func:`escape_text`).
    """

    def __str__(self) -> str:
        return escape_text(super().__str__())


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
