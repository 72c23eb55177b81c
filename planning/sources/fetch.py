"""Fetch pinned upstream files: cache, offline mirror, download, sha256 check (on pooch).

:func:`fetch` returns a local, sha256-checked copy of one :class:`~planning.sources.registry.RemoteFile`
in the cache (``settings.cache_dir()`` or ``cache=``, under the file's ``mirror_path``).
:func:`pooch.retrieve` keeps the cache: a cached file with the pinned hash is returned
as it is; a missing or damaged one is fetched again and checked before it replaces
anything. Fetching goes through this module's downloader (pooch's downloader hook):

1. when an offline mirror holds the file (``$PLANNING_GEODATA_MIRROR``, the CLI option
   ``--mirror DIR``, or ``mirror=``: a folder holding the files under their
   ``mirror_path``), it is copied from there; a mirror file with the wrong hash is an
   error, never silently replaced by a download;
2. otherwise it is downloaded from the pinned URL with :class:`pooch.HTTPDownloader`,
   unless ``$PLANNING_OFFLINE=1`` forbids it.

What pooch does not do is kept from the project's own cache code: the file is written
through :func:`planning.temporaries.create_temporary`, so it gets the permissions the umask
gives (a cache shared by an office stays readable; pooch's own temporary is ``0o600``)
and a killed run's temporary is removed by the next one, including the empty one pooch
made for it. Errors are the project's: :class:`~planning.errors.GeodataHashMismatch`
names the file, the expected and the actual sha256; :class:`~planning.errors.GeodataUnavailable`
says how to work offline.

Only the standard library is imported at module level; pooch (and requests) are imported
by :func:`fetch`.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import re
import shutil
import urllib.parse
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from planning import settings
from planning.errors import GeodataHashMismatch, GeodataUnavailable
from planning.i18n import message
from planning.sources.registry import SOURCES, RemoteFile
from planning.temporaries import create_temporary

__all__ = [
    "Progress",
    "cache_root",
    "fetch",
    "fetch_source",
    "sha256_file",
    "source_folders",
]

#: A progress callback: ``progress(stage, done, total)``, ``total`` 0 when unknown (the
#: same shape as :mod:`planning.partitioned`'s, so the command line draws both alike).
Progress = Callable[[str, int, int], None]

_CHUNK = 1 << 16
# The empty temporary pooch.retrieve makes beside the target (tempfile's default name).
_POOCH_TMP = re.compile(r"tmp[a-z0-9_]{8}")

PathLike = str | os.PathLike[str]


def fetch(
    remote: RemoteFile,
    *,
    mirror: PathLike | None = None,
    cache: PathLike | None = None,
    progress: Progress | None = None,
) -> Path:
    """Return a local, sha256-checked copy of one upstream file, in the cache.

    Looks in the cache, then in the mirror (copying the file into the cache), then
    downloads (unless offline).

    Parameters
    ----------
    remote
        The pinned file.
    mirror
        Offline mirror folder; default ``settings.mirror_dir()``
        (``$PLANNING_GEODATA_MIRROR``).
    cache
        Cache folder; default ``settings.cache_dir()``.
    progress
        Called as ``progress("downloading NAME", bytes_done, bytes_total)`` while a file
        is downloaded (not when it comes from the cache or the mirror).

    Returns
    -------
    Path
        The cached file.

    Raises
    ------
    GeodataHashMismatch
        If the mirror file or the downloaded bytes do not have the pinned sha256.
        Nothing is left in the cache in that case.
    GeodataUnavailable
        If the file is in neither cache nor mirror and it cannot be downloaded (or
        downloads are forbidden by ``$PLANNING_OFFLINE``), or the cache cannot be written.
    """
    import pooch

    root = cache_root(cache)
    target = _local_path(root, remote)
    downloader = _MirrorOrDownload(remote, target, _mirror_root(mirror), progress)
    try:
        _remove_stale_pooch_temporaries(target.parent)
        with _quiet_pooch():
            found = pooch.retrieve(
                remote.url,
                known_hash=f"sha256:{remote.sha256}",
                fname=remote.mirror_path,
                path=root,
                downloader=downloader,
                progressbar=False,
            )
    except OSError as exc:
        raise GeodataUnavailable(
            message(
                "cannot write to the cache {folder}: {reason}",
                folder=str(target.parent),
                reason=str(exc),
            )
        ) from exc
    except ValueError as exc:
        # pooch's own hash check; the downloader checks first, so this means the file
        # changed between the two reads.
        raise GeodataHashMismatch(
            message("{path}: {reason}", path=str(target), reason=str(exc))
        ) from exc
    return Path(found)


def fetch_source(
    key: str,
    *,
    mirror: PathLike | None = None,
    cache: PathLike | None = None,
    progress: Progress | None = None,
) -> tuple[Path, ...]:
    """Fetch every file of a data set (see :func:`fetch`).

    Parameters
    ----------
    key
        A key of :data:`~planning.sources.registry.SOURCES`.
    mirror, cache, progress
        As for :func:`fetch`.

    Returns
    -------
    tuple of Path
        Local paths, in the order of the source's files (all in one cache folder).

    Raises
    ------
    GeodataUnavailable
        If ``key`` is unknown or a file cannot be obtained.
    """
    try:
        source = SOURCES[key]
    except KeyError:
        known = ", ".join(sorted(SOURCES))
        raise GeodataUnavailable(
            message("unknown geodata source {key!r}; known: {known}", key=key, known=known)
        ) from None
    return tuple(
        fetch(remote, mirror=mirror, cache=cache, progress=progress) for remote in source.files
    )


def cache_root(cache: PathLike | None = None) -> Path:
    """Return the cache folder: ``cache`` when given, else ``settings.cache_dir()``.

    Parameters
    ----------
    cache
        An explicit cache folder (``~`` is expanded).

    Returns
    -------
    Path
        The folder (not created here).
    """
    return Path(cache).expanduser() if cache is not None else settings.cache_dir()


def _mirror_root(mirror: PathLike | None) -> Path | None:
    return Path(mirror).expanduser() if mirror is not None else settings.mirror_dir()


def _local_path(root: Path, remote: RemoteFile) -> Path:
    return root.joinpath(*remote.mirror_path.split("/"))


def source_folders(
    *, mirror: PathLike | None = None, cache: PathLike | None = None
) -> tuple[Path, ...]:
    """Return the folders this package reads geodata from, which no output may be written in.

    Parameters
    ----------
    mirror
        Offline mirror folder; default ``settings.mirror_dir()``.
    cache
        Cache folder; default ``settings.cache_dir()``.

    Returns
    -------
    tuple of Path
        The cache folder (all of it: downloads and derived layers), then each folder of
        the mirror that holds a pinned file (not the mirror's root, unless a file lies
        there). The folders need not exist.
    """
    folders = [cache_root(cache)]
    mirror_root = _mirror_root(mirror)
    if mirror_root is not None:
        held = {_local_path(mirror_root, r).parent for s in SOURCES.values() for r in s.files}
        folders.extend(sorted(held))
    return tuple(folders)


def sha256_file(path: Path) -> str:
    """Return the lower-case hex sha256 of a file's bytes (read in 64 KiB chunks).

    Parameters
    ----------
    path
        The file.

    Returns
    -------
    str
        64 hex digits.
    """
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(_CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


# ------------------------------------------------------------------- the downloader hook


class _MirrorOrDownload:
    """pooch downloader: copy from the mirror when the file is there, else download.

    pooch calls it only when the cached file is missing or has the wrong hash, with the
    path of an empty temporary beside the target. The bytes are written to a temporary of
    the project's own (umask permissions, removed if a run is killed), checked against the
    pinned sha256, and moved onto pooch's temporary, which pooch checks again and renames
    into place.
    """

    def __init__(
        self,
        remote: RemoteFile,
        target: Path,
        mirror_root: Path | None,
        progress: Progress | None,
    ) -> None:
        self.remote = remote
        self.target = target
        self.mirror_root = mirror_root
        self.progress = progress

    def __call__(self, url: str, output_file: str, pooch: Any) -> None:
        self.target.unlink(missing_ok=True)  # a damaged cache entry: never keep it
        candidate = self._mirror_candidate()
        fd, tmp = create_temporary(self.target, suffix=".part")
        os.close(fd)
        try:
            if candidate is not None:
                try:
                    shutil.copyfile(candidate, tmp)
                except OSError as exc:
                    raise GeodataUnavailable(
                        message(
                            "{path}: cannot copy {name} from the mirror into the cache: {reason}",
                            path=str(candidate),
                            name=self.remote.name,
                            reason=exc.strerror or str(exc),
                        )
                    ) from exc
                self._check(tmp, where=str(candidate), advice=self._mirror_advice())
            else:
                self._download(url, tmp)
                self._check(tmp, where=url, advice=self._download_advice())
            os.replace(tmp, output_file)
        finally:
            tmp.unlink(missing_ok=True)

    def _mirror_candidate(self) -> Path | None:
        if self.mirror_root is None:
            return None
        candidate = _local_path(self.mirror_root, self.remote)
        return candidate if candidate.is_file() else None

    def _check(self, path: Path, *, where: str, advice: str) -> None:
        actual = sha256_file(path)
        if actual != self.remote.sha256:
            raise GeodataHashMismatch(
                message(
                    "{where}: sha256 mismatch for {name}: expected {expected}, got {actual}. "
                    "{advice}",
                    where=where,
                    name=self.remote.name,
                    expected=self.remote.sha256,
                    actual=actual,
                    advice=advice,
                )
            )

    def _mirror_advice(self) -> str:
        return message(
            "The mirror file is not the pinned upstream file; replace it with a fresh copy of "
            "{url}",
            url=self.remote.url,
        )

    def _download_advice(self) -> str:
        return message(
            "The download was discarded (nothing was cached); the upstream file may have "
            "changed or the transfer was corrupted; {hint}",
            hint=_mirror_hint(),
        )

    def _download(self, url: str, tmp: Path) -> None:
        import pooch
        import requests

        remote = self.remote
        if settings.offline():
            raise GeodataUnavailable(_offline_message(remote, self.target, self.mirror_root))
        scheme = urllib.parse.urlsplit(url).scheme
        if scheme not in {"http", "https"}:
            raise GeodataUnavailable(
                message("{url}: refusing to download from a {scheme!r} URL", url=url, scheme=scheme)
            )
        hint = _mirror_hint()
        if self.mirror_root is not None:
            hint = message(
                "{name} is not in the mirror {mirror} either; {hint}",
                name=remote.name,
                mirror=str(self.mirror_root),
                hint=hint,
            )
        bar = _Bar(self.progress, f"downloading {remote.name}", remote.size_bytes)
        http = pooch.HTTPDownloader(
            progressbar=bar if self.progress is not None else False,
            timeout=settings.DOWNLOAD_TIMEOUT_S,
            headers={"User-Agent": "planning"},
        )
        try:
            http(url, str(tmp), None)
        except requests.HTTPError as exc:
            response = exc.response
            if response is not None:
                response.close()  # pooch streams: the failed response holds its socket open
            status = (
                f"HTTP {response.status_code} {response.reason}"
                if response is not None
                else str(exc)
            )
            raise GeodataUnavailable(
                message(
                    "could not download {name} from {url}: {reason}; {hint}",
                    name=remote.name,
                    url=url,
                    reason=status,
                    hint=hint,
                )
            ) from exc
        except (requests.RequestException, OSError) as exc:
            raise GeodataUnavailable(
                message(
                    "could not download {name} from {url}: {reason}; {hint}",
                    name=remote.name,
                    url=url,
                    reason=_reason(exc),
                    hint=hint,
                )
            ) from exc


def _reason(exc: BaseException) -> str:
    """Return the innermost reason of a requests/urllib3 error (``Connection refused``, …)."""
    seen: BaseException | None = exc
    text = str(exc)
    while seen is not None:
        text = str(getattr(seen, "reason", None) or seen)
        seen = seen.__cause__ or seen.__context__
    return text


class _Bar:
    """The progress-bar object pooch's HTTPDownloader drives, reporting to a callback."""

    def __init__(self, progress: Progress | None, stage: str, size: int | None) -> None:
        self.progress = progress
        self.stage = stage
        self.total = size or 0
        self.done = 0

    def update(self, n: int) -> None:
        self.done = min(self.done + n, self.total) if self.total else self.done + n
        if self.progress is not None:
            self.progress(self.stage, self.done, self.total)

    def reset(self) -> None:
        self.done = 0

    def close(self) -> None:
        """Nothing to release: the callback's owner draws and closes the bar."""


@contextlib.contextmanager
def _quiet_pooch() -> Iterator[None]:
    """Keep pooch's "Downloading data from …" log lines off standard error.

    The command line shows its own progress; what pooch would log is said by the
    project's messages and the progress callback instead.
    """
    import pooch

    logger = pooch.get_logger()
    level = logger.level
    logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        logger.setLevel(level)


def _remove_stale_pooch_temporaries(folder: Path) -> None:
    """Remove the empty temporaries pooch.retrieve left in ``folder`` when a run was killed.

    pooch makes one empty ``tmpXXXXXXXX`` file per fetch beside the target, and this
    module's downloader only ever replaces it (``os.replace``) with a checked file. So an
    empty one is either a killed run's or one a running fetch will replace anyway: removing
    it is safe, and only empty files of that name are touched.
    """
    if not folder.is_dir():
        return
    for path in folder.iterdir():
        if _POOCH_TMP.fullmatch(path.name):
            with contextlib.suppress(OSError):
                if path.is_file() and not path.is_symlink() and path.stat().st_size == 0:
                    path.unlink()


def _mirror_hint() -> str:
    return message(
        "to work offline, point at a folder holding a copy of the files with the environment "
        "variable {variable}=DIR or the command-line option --mirror DIR",
        variable=settings.ENV_MIRROR,
    )


def _offline_message(remote: RemoteFile, target: Path, mirror_root: Path | None) -> str:
    where = (
        message(
            "nor in the mirror {mirror} (looked for {path})",
            mirror=str(mirror_root),
            path=str(_local_path(mirror_root, remote)),
        )
        if mirror_root is not None
        else message("and no mirror is set")
    )
    return message(
        "{name} is not in the cache ({target}) {where}, and downloads are forbidden "
        "({variable}=1); {hint}, or unset {variable} to download it from {url}",
        name=remote.name,
        target=str(target),
        where=where,
        variable=settings.ENV_OFFLINE,
        hint=_mirror_hint(),
        url=remote.url,
    )
