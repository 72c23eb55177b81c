"""The project's exceptions, all in one place.

Every error a user can cause subclasses :class:`PlanningError` and a builtin, so
callers can catch either. The command line turns a :class:`PlanningError` into a
one-line message and exit code 2; anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

from os import PathLike


class PlanningError(Exception):
    """Base class of every error raised on purpose by ``planning``."""


class PlanDataError(PlanningError, ValueError):
    """Input data is wrong: the message names the file, the row and the field.

    Parameters
    ----------
    message
        What is wrong and, where possible, what to do about it.
    path
        The file the bad data came from.
    row
        The 1-based data row (header excluded) or feature number.
    field
        The column or attribute at fault.
    ident
        The row's identifier, shown as ``field=value`` (for example ``cluster_id=CCN-03``).
    """

    def __init__(
        self,
        message: str,
        *,
        path: str | PathLike[str] | None = None,
        row: int | None = None,
        field: str | None = None,
        ident: str | None = None,
    ) -> None:
        self.message = message
        self.path = None if path is None else str(path)
        self.row = row
        self.field = field
        self.ident = ident
        super().__init__(self._format())

    def _format(self) -> str:
        where: list[str] = []
        if self.row is not None:
            where.append(f"row {self.row}" + (f" ({self.ident})" if self.ident else ""))
        elif self.ident:
            where.append(self.ident)
        if self.field is not None:
            where.append(f"field {self.field!r}")
        prefix = f"{self.path}: " if self.path else ""
        loc = (", ".join(where) + ": ") if where else ""
        return f"{prefix}{loc}{self.message}"


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

    The command line prints each as one line, ``planning: warning: …``.
    """


class CacheIntegrityWarning(PlanningWarning):
    """A file derived from the geodata and cached failed its sha256 check, and is rebuilt."""


class UsageError(PlanningError, ValueError):
    """The caller asked for something impossible (bad option value, unknown rule code)."""


def require(module: str, *, extra: str) -> object:
    """Import an optional dependency, or fail with a message naming the extra.

    Parameters
    ----------
    module
        The module to import, for example ``"folium"``.
    extra
        The ``planning`` extra that installs it, for example ``"maps"``.

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
        raise MissingDependencyError(
            f"{module} is needed for this; install it with: pip install 'planning[{extra}]'"
        ) from exc
