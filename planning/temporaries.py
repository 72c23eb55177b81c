"""Temporary files beside a target: made for an atomic rename, removed when a run was killed.

A file ``planning`` writes (an output for the user, or a file of the geodata cache) is first
written to a temporary sibling named ``.<name>.planning-tmp-<pid>-<host>-<random>``, then
renamed over the target. :func:`create_temporary` makes that sibling with mode ``0o666``
less the umask (as any new file, so a cache shared by an office stays readable), not
``0o600``. A run that is killed leaves its temporary behind; :func:`remove_stale_temporaries`
(called by every :func:`create_temporary` in the same folder) removes it once its process
is gone (same host) or it is older than :data:`planning.settings.STALE_TEMPORARY_S`.

:mod:`planning.outputs` (atomic writes of outputs) and :mod:`planning.sources` (the cache)
both write through this module, which sits below both. Only the standard library is
imported.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import socket
import stat
import time
from pathlib import Path

from planning import settings

__all__ = ["create_temporary", "remove_stale_temporaries"]

#: Marks the name of every temporary file ``planning`` writes beside a target.
_TMP_TAG = ".planning-tmp-"
_TMP_RE = re.compile(re.escape(_TMP_TAG) + r"(?P<pid>\d+)-(?P<host>[A-Za-z0-9._]*)-[0-9a-f]+")


def _host() -> str:
    return re.sub(r"[^A-Za-z0-9.]", "_", socket.gethostname())[:40]


def create_temporary(target: Path, *, suffix: str = "") -> tuple[int, Path]:
    """Create a new, empty temporary file beside ``target`` and open it for writing.

    Stale temporaries left in the folder by killed runs are removed first. The file is
    created with mode ``0o666`` less the umask (as any new file), not ``0o600``.

    Parameters
    ----------
    target
        The file the temporary will replace.
    suffix
        Added to the temporary's name (writers that choose a format by suffix need it).

    Returns
    -------
    tuple of (int, Path)
        An open, writable file descriptor and the temporary's path.

    Raises
    ------
    OSError
        If the folder cannot be written.
    """
    remove_stale_temporaries(target.parent)
    prefix = f".{target.name[:120]}{_TMP_TAG}{os.getpid()}-{_host()}-"
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    while True:
        tmp = target.parent / f"{prefix}{secrets.token_hex(6)}{suffix}"
        try:
            return os.open(tmp, flags, 0o666), tmp
        except FileExistsError:  # pragma: no cover - 48 random bits collided
            continue


def _process_is_gone(pid: int) -> bool:
    if os.name != "posix":  # os.kill would terminate the process on Windows
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except OSError:  # exists, but belongs to another user
        return False
    return False


def remove_stale_temporaries(folder: Path) -> list[Path]:
    """Remove the temporary files that killed runs of ``planning`` left in ``folder``.

    A temporary (``.<name>.planning-tmp-<pid>-<host>-<random>…``) is stale when it was
    made on this host by a process that no longer runs, or when it has not been written
    to for :data:`planning.settings.STALE_TEMPORARY_S` seconds (another host, or a
    process id reused). Files that cannot be removed are left alone.

    Parameters
    ----------
    folder
        The folder to clean (not recursively).

    Returns
    -------
    list of Path
        The files removed.
    """
    removed: list[Path] = []
    host = _host()
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    now = time.time()
    for entry in entries:
        match = _TMP_RE.search(entry.name)
        if not entry.name.startswith(".") or match is None:
            continue
        try:
            info = entry.stat(follow_symlinks=False)
        except OSError:
            continue
        if not stat.S_ISREG(info.st_mode):
            continue
        dead = match["host"] == host and _process_is_gone(int(match["pid"]))
        if dead or now - info.st_mtime > settings.STALE_TEMPORARY_S:
            with contextlib.suppress(OSError):
                os.unlink(entry.path)
                removed.append(Path(entry.path))
    return removed
