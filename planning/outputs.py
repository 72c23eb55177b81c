"""Write outputs safely: atomically, never over an input, never over a device.

Every file ``planning`` writes for the user (reports, maps, tables) goes through
:func:`atomic_write`, :func:`atomic_output` or :func:`atomic_path`. They

* refuse a target that exists and is not a regular file (a character device such as
  ``/dev/null``, a FIFO, a socket, a symbolic link, a directory): the rename at the end
  of an atomic write would replace it with a regular file;
* refuse a target that is a file the command reads, whether it was named (``protect=``,
  the command line's inputs, with every part of a shapefile and everything under an
  input folder) or read implicitly (:func:`implicit_inputs`: the geodata cache, the
  mirror's data folders, the bundled plan and catalogue, the installed package);
* write to a temporary sibling named ``.<name>.planning-tmp-<pid>-<host>-<random>``,
  created with mode ``0o666`` less the umask, and rename it over the target only when
  the write succeeded. A run that is killed leaves that file behind; the next write in
  the same folder removes it once its process is gone (same host) or it is older than
  :data:`planning.settings.STALE_TEMPORARY_S` (see :mod:`planning.temporaries`).

:func:`atomic_write` also takes ``"-"`` for standard output (the command line's ``-o -``).
Only the standard library is imported at module level; :func:`implicit_inputs` asks
:func:`planning.sources.fetch.source_folders` which folders the geodata is read from
(outputs sit above sources: sources write their cache through :mod:`planning.temporaries`).
"""

from __future__ import annotations

import contextlib
import os
import stat
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any, Literal

from planning import settings
from planning.errors import PlanDataError, UsageError
from planning.i18n import Message, message
from planning.temporaries import create_temporary

__all__ = [
    "STDOUT",
    "atomic_output",
    "atomic_path",
    "atomic_write",
    "implicit_inputs",
]

PathType = str | os.PathLike[str]

#: The output name that means standard output.
STDOUT = "-"

_SHAPEFILE_PARTS = frozenset({".shp", ".dbf", ".shx", ".prj", ".cpg", ".qix", ".sbn", ".sbx"})
_KINDS = (
    (stat.S_ISCHR, message("a character device")),
    (stat.S_ISBLK, message("a block device")),
    (stat.S_ISFIFO, message("a FIFO (named pipe)")),
    (stat.S_ISSOCK, message("a socket")),
    (stat.S_ISLNK, message("a symbolic link")),
    (stat.S_ISDIR, message("a directory")),
)


def _cannot_write(exc: OSError) -> Message:
    return message("cannot write: {reason}", reason=exc.strerror or str(exc))


# --------------------------------------------------------------------------- what is read


def implicit_inputs() -> tuple[Path, ...]:
    """Return the folders every command reads without the user naming them.

    Returns
    -------
    tuple of Path
        The geodata cache folder (``settings.cache_dir()``), each folder of the offline
        mirror that holds a pinned file (``settings.mirror_dir()``), the folder of the
        bundled plan and catalogue (``settings.bundled_geodata_dir()``) and the
        installed ``planning`` package (which holds ``_bundled_geodata`` in a wheel).
        An output is never written inside any of them.
    """
    from planning.sources.fetch import source_folders

    package = Path(__file__).resolve().parent
    return (*source_folders(), settings.bundled_geodata_dir(), package)


def _stat(path: Path, *, follow: bool = True) -> os.stat_result | None:
    try:
        return path.stat() if follow else path.lstat()
    except (OSError, ValueError):
        return None


def _same(a: os.stat_result | None, b: os.stat_result | None) -> bool:
    return a is not None and b is not None and os.path.samestat(a, b)


def _inside(target: Path, folder: Path) -> bool:
    """Whether ``target`` (existing or not) lies in ``folder`` or below, links resolved."""
    folder_stat = _stat(folder)
    if folder_stat is None or not stat.S_ISDIR(folder_stat.st_mode):
        return False
    here = Path(os.path.realpath(target.parent))
    return any(_same(_stat(ancestor), folder_stat) for ancestor in (here, *here.parents))


def _refuse_input(target: Path, source: Path, *, named: bool) -> None:
    target_stat, source_stat = _stat(target), _stat(source)
    if target_stat is not None and source_stat is not None:
        same = _same(target_stat, source_stat)
    else:
        same = os.path.realpath(target) == os.path.realpath(source)
    if same:
        raise PlanDataError(
            message("refusing to overwrite an input file; choose another output path"), path=target
        )
    if _inside(target, source):
        what = (
            message("the input folder {folder}", folder=str(source))
            if named
            else message(
                "{folder}, a folder planning reads (geodata cache, mirror, bundled data)",
                folder=str(source),
            )
        )
        raise PlanDataError(
            message("refusing to write inside {what}; choose another output path", what=what),
            path=target,
        )
    # Overwriting one member of an input shapefile (x.shp → x.dbf) is as bad.
    if (
        source.suffix.lower() in _SHAPEFILE_PARTS
        and target.suffix.lower() in _SHAPEFILE_PARTS
        and os.path.realpath(target.with_suffix("")) == os.path.realpath(source.with_suffix(""))
    ):
        raise PlanDataError(
            message(
                "refusing to overwrite part of the input shapefile {source}", source=str(source)
            ),
            path=target,
        )


def _check_target(path: PathType, protect: Iterable[PathType | None]) -> Path:
    if os.fspath(path) == STDOUT:
        raise UsageError(message("this output cannot go to standard output ('-'); name a file"))
    target = Path(path)
    found = _stat(target, follow=False)
    if found is not None and not stat.S_ISREG(found.st_mode):
        kind = next((k for test, k in _KINDS if test(found.st_mode)), message("not a regular file"))
        raise PlanDataError(
            message(
                "the output path is {kind}, not a regular file, and would be replaced; name a "
                "regular file (or '-' for standard output)",
                kind=kind,
            ),
            path=target,
        )
    for p in protect:
        if p is not None and os.fspath(p) != STDOUT:
            _refuse_input(target, Path(p), named=True)
    for folder in implicit_inputs():
        _refuse_input(target, folder, named=False)
    if not target.parent.is_dir():
        raise PlanDataError(
            message("the directory {folder} does not exist", folder=str(target.parent)),
            path=target,
        )
    return target


# --------------------------------------------------------------------------- writers


@contextlib.contextmanager
def atomic_path(path: PathType, *, protect: Iterable[PathType | None] = ()) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; on success it replaces ``path`` atomically.

    For writers that want a file name (``folium.Map.save``, ``GeoDataFrame.to_file``).
    If the block raises, the temporary file is removed and ``path`` is untouched.

    Parameters
    ----------
    path
        The final output path: a new file or an existing regular file.
    protect
        Input paths that must never be overwritten (files, or folders: nothing inside
        them is written). :func:`implicit_inputs` are always protected.

    Yields
    ------
    Path
        A not-yet-existing path in the same directory, with the same suffix.

    Raises
    ------
    PlanDataError
        If ``path`` is protected, exists and is not a regular file, or is in a missing
        directory.
    UsageError
        If ``path`` is ``"-"``.
    """
    target = _check_target(path, protect)
    try:
        fd, tmp = create_temporary(target, suffix=target.suffix)
    except OSError as exc:
        raise PlanDataError(_cannot_write(exc), path=target) from None
    os.close(fd)
    tmp.unlink()
    try:
        yield tmp
        if not tmp.exists():
            raise PlanDataError(message("nothing was written"), path=target)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


@contextlib.contextmanager
def atomic_output(
    path: PathType,
    *,
    protect: Iterable[PathType | None] = (),
    mode: Literal["w", "wb"] = "wb",
    encoding: str = "utf-8",
) -> Iterator[IO[Any]]:
    """Open a temporary file beside ``path``; on success it replaces ``path`` atomically.

    Parameters
    ----------
    path
        The final output path: a new file or an existing regular file.
    protect
        Input paths that must never be overwritten (see :func:`atomic_path`).
    mode
        ``"wb"`` (bytes) or ``"w"`` (text).
    encoding
        Text encoding for ``mode="w"``.

    Yields
    ------
    file object
        Write to it; it is flushed, fsync'ed and renamed when the block ends normally.

    Raises
    ------
    PlanDataError
        If ``path`` is protected, not a regular file, in a missing directory, or cannot
        be written.
    UsageError
        If ``path`` is ``"-"``.
    """
    with atomic_path(path, protect=protect) as tmp:
        try:
            fh: IO[Any] = (
                open(tmp, "w", encoding=encoding, newline="")  # noqa: SIM115
                if mode == "w"
                else open(tmp, "wb")  # noqa: SIM115
            )
        except OSError as exc:
            raise PlanDataError(_cannot_write(exc), path=path) from None
        with fh:
            yield fh
            fh.flush()
            with contextlib.suppress(OSError):
                os.fsync(fh.fileno())


def atomic_write(
    path: PathType, data: bytes | str, *, protect: Iterable[PathType | None] = ()
) -> Path:
    """Write ``data`` to ``path`` atomically (temporary file in the same directory, rename).

    Parameters
    ----------
    path
        The output file, or ``"-"`` for standard output.
    data
        Bytes, or text (written as UTF-8).
    protect
        Input paths that must never be overwritten (see :func:`atomic_path`).

    Returns
    -------
    Path
        The written path (``Path("-")`` for standard output).

    Raises
    ------
    PlanDataError
        If ``path`` is protected, exists and is not a regular file, is in a missing
        directory, or cannot be written.
    """
    payload = data.encode("utf-8") if isinstance(data, str) else bytes(data)
    if os.fspath(path) == STDOUT:
        _write_stdout(payload)
        return Path(STDOUT)
    try:
        with atomic_output(path, protect=protect, mode="wb") as fh:
            fh.write(payload)
    except OSError as exc:
        raise PlanDataError(_cannot_write(exc), path=path) from None
    return Path(path)


def _write_stdout(payload: bytes) -> None:
    stream = sys.stdout
    buffer = getattr(stream, "buffer", None)
    if buffer is None:  # a replaced text stream (an IDE, a test): write text
        stream.write(payload.decode("utf-8"))
        stream.flush()
        return
    stream.flush()
    buffer.write(payload)
    buffer.flush()
