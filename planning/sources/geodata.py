"""Pinned upstream geodata: registry, download, sha256 check, cache, offline mirror.

The project ships none of the upstream boundary files. Each file is named here by
its upstream URL (pinned to a commit) and its sha256. :func:`fetch` returns a local
copy, looking in this order:

1. the cache (``settings.cache_dir()`` or ``cache=``), if the cached file has the
   pinned sha256 (a cached file with another hash is deleted);
2. an offline mirror (``$PLANNING_GEODATA_MIRROR``, the CLI option ``--mirror DIR``,
   or ``mirror=``), a folder holding the files under their :attr:`RemoteFile.mirror_path`;
   a mirror file with the wrong hash is an error, never silently replaced;
3. a download from the pinned URL into the cache, hashed while it streams and moved
   into place only when the hash matches. With ``$PLANNING_OFFLINE=1`` this step is
   refused.

On top of that, two layers are built:

* :func:`load_districts`: Hanoi's 30 district-level units (OCHA COD-AB 2020);
* :func:`load_communes`: Hanoi's 584 communes and wards (R package ``vietnam63``),
  converted once from an R ``sp`` object and cached as a ready-to-read layer. The
  layer's sha256 is recorded beside it (``<layer>.sha256``) and checked on every first
  load; a layer that fails the check is rebuilt, with a
  :class:`~planning.errors.CacheIntegrityWarning`.

Files in the cache are written atomically through temporaries that a later run
removes if a killed run left them (:func:`planning.outputs.create_temporary`), with the
permissions the umask gives (a cache shared by an office stays readable).

Only the standard library is imported at module level; geopandas, pyogrio, rdata
and rich are imported by the functions that need them.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import http.client
import importlib.util
import os
import shutil
import sys
import urllib.error
import urllib.parse
import urllib.request
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from planning import settings
from planning.errors import CacheIntegrityWarning, GeodataHashMismatch, GeodataUnavailable
from planning.outputs import create_temporary
from planning.text.names import split_admin_prefix

if TYPE_CHECKING:
    import geopandas as gpd

__all__ = [
    "COMMUNE_COLUMNS",
    "DISTRICT_COLUMNS",
    "SOURCES",
    "RemoteFile",
    "Source",
    "attribution_line",
    "fetch",
    "fetch_source",
    "load_communes",
    "load_districts",
    "source_folders",
]

#: Columns of :func:`load_districts`, in order.
DISTRICT_COLUMNS = ("district_code", "district_vi", "district_type", "district_en", "geometry")
#: Columns of :func:`load_communes`, in order.
COMMUNE_COLUMNS = (
    "commune_id",
    "commune_vi",
    "commune_type",
    "district_code",
    "district_vi",
    "geometry",
)

_CHUNK = 1 << 16
#: Bump when the converted communes layer changes shape, so stale caches are ignored.
_COMMUNES_LAYER_VERSION = 1
_HANOI_PROVINCE_ID = 101


@dataclass(frozen=True)
class RemoteFile:
    """One upstream file, pinned by URL and sha256.

    Parameters
    ----------
    mirror_path
        Relative POSIX path of the file inside a mirror folder; also its path
        inside the cache.
    url
        Upstream URL, pinned to a commit so that its content never changes.
    sha256
        Lower-case hex sha256 of the file's bytes.
    size_bytes
        Size in bytes, if known (used for the progress bar only).
    """

    mirror_path: str
    url: str
    sha256: str
    size_bytes: int | None = None

    @property
    def name(self) -> str:
        """The file name (last component of :attr:`mirror_path`)."""
        return self.mirror_path.rsplit("/", 1)[-1]


@dataclass(frozen=True)
class Source:
    """A data set made of one or more pinned upstream files.

    Parameters
    ----------
    key
        Short identifier, the key in :data:`SOURCES`.
    name
        Human-readable title.
    origin
        Where the files come from (repository, commit, real producer).
    license
        License as stated upstream.
    attribution
        Attribution text to show next to any map or figure using the data.
    files
        The pinned files.
    vintage
        Which administrative structure the data describes.
    caveats
        Known limitations, one sentence each.
    """

    key: str
    name: str
    origin: str
    license: str
    attribution: str
    files: tuple[RemoteFile, ...]
    vintage: str
    caveats: tuple[str, ...] = ()


_BANDOCOVID = (
    "https://raw.githubusercontent.com/b1team/BandoCovid/"
    "ff8b02212e804574381532c9c1c0b5d7f54d3cc2/MapHaNoi/"
)
_OCHA_DIR = "ocha-codab-2020-via-bandocovid/"
_VIETNAM63 = (
    "https://raw.githubusercontent.com/choisy/vietnam63/"
    "90ac14b5226cf3b9e0a3b1190e04f28fdb19899d/data/"
)

#: Every upstream data set the library knows, by key.
SOURCES: dict[str, Source] = {
    "ocha-districts": Source(
        key="ocha-districts",
        name="Hanoi districts (ADM2), OCHA COD-AB 2020",
        origin=(
            "OCHA ROAP / Government of Viet Nam COD-AB (HDX 'Viet Nam - Subnational "
            "Administrative Boundaries', 2020), filtered to Hanoi; copy in GitHub "
            "b1team/BandoCovid at commit ff8b02212e804574381532c9c1c0b5d7f54d3cc2, "
            "MapHaNoi/HanhChinhHN.*"
        ),
        license="CC BY 3.0 IGO",
        attribution=(
            "OCHA ROAP / Government of Viet Nam, via HDX (COD-AB 2020); copy from b1team/BandoCovid"
        ),
        files=(
            RemoteFile(
                _OCHA_DIR + "HanhChinhHN.shp",
                _BANDOCOVID + "HanhChinhHN.shp",
                "19be5b9f4754eb06abefe2da0e6e44432184c0b4eedeeca4336ea25d47d59c24",
                318_260,
            ),
            RemoteFile(
                _OCHA_DIR + "HanhChinhHN.shx",
                _BANDOCOVID + "HanhChinhHN.shx",
                "34f08a7a12bfa627f51da95c67bc07bcdd52a38cb1bb6cec2c44edaa5350503e",
                340,
            ),
            RemoteFile(
                _OCHA_DIR + "HanhChinhHN.dbf",
                _BANDOCOVID + "HanhChinhHN.dbf",
                "c3459bdfe777e9c21eb1797556d3ca91b7935df21ac9e9c8d353ea401c84d1df",
                23_532,
            ),
            RemoteFile(
                _OCHA_DIR + "HanhChinhHN.prj",
                _BANDOCOVID + "HanhChinhHN.prj",
                "a02a27b1d1982c8516d83398e85a3c8b1aef1713c13ef4d84d7bde17430c07c4",
                145,
            ),
            RemoteFile(
                _OCHA_DIR + "HanhChinhHN.cpg",
                _BANDOCOVID + "HanhChinhHN.cpg",
                "3ad3031f5503a4404af825262ee8232cc04d4ea6683d42c5dd0a2f2a27ac9824",
                5,
            ),
        ),
        vintage="2014-2025 structure (30 units: 12 quận, 17 huyện, 1 thị xã); dated 2019-10-01",
        caveats=(
            "A third-party copy of the COD-AB data, not the HDX download itself.",
            "Does not reflect the 2025 abolition of the district level.",
            "Total area 3,354.4 km², about 0.13 % below the official figure.",
        ),
    ),
    "vietnam63-communes": Source(
        key="vietnam63-communes",
        name="Viet Nam communes and wards (ADM3), R package vietnam63",
        origin=(
            "R package vietnam63 by Marc Choisy (IRD), GitHub choisy/vietnam63 at commit "
            "90ac14b5226cf3b9e0a3b1190e04f28fdb19899d, data/communes.rda "
            "(sp::SpatialPolygonsDataFrame, WGS 84); geometry producer not stated"
        ),
        license="MIT (package author's claim)",
        attribution="Marc Choisy (IRD), R package vietnam63 (choisy/vietnam63)",
        files=(
            RemoteFile(
                "vietnam63-communes/communes.rda",
                _VIETNAM63 + "communes.rda",
                "d059503ef271a4d785eed4b0225708916ef1b03cbc21cd9bf5270907f7c8c35e",
                3_888_438,
            ),
        ),
        vintage="2014-2019 structure (584 Hanoi communes, before the 2019-2020 mergers)",
        caveats=(
            "Generalized to about 150 m: use for placing and labelling, not for areas.",
            "Some names use old-style tone placement (for example 'Thạch Hoà').",
            "The upstream producer of the geometry is not stated.",
        ),
    ),
}


def attribution_line(key: str) -> str:
    """Return a one-line credit for a data set, to print under a map or report.

    Parameters
    ----------
    key
        A key of :data:`SOURCES`, for example ``"ocha-districts"``.

    Returns
    -------
    str
        ``"<attribution> (<license>)"``.

    Raises
    ------
    KeyError
        If ``key`` is not a known source.
    """
    source = SOURCES[key]
    return f"{source.attribution} ({source.license})"


# --------------------------------------------------------------------------- fetching


def fetch(
    remote: RemoteFile,
    *,
    mirror: str | os.PathLike[str] | None = None,
    cache: str | os.PathLike[str] | None = None,
    progress: bool | None = None,
) -> Path:
    """Return a local, sha256-checked copy of one upstream file.

    Looks in the cache, then in the mirror, then downloads (unless offline).

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
        Show a progress bar while downloading: True, False, or None for "only when
        standard error is a terminal".

    Returns
    -------
    Path
        The cached file, or the mirror file when it was found there.

    Raises
    ------
    GeodataHashMismatch
        If the mirror file or the downloaded bytes do not have the pinned sha256.
        Nothing is left in the cache in that case.
    GeodataUnavailable
        If the file is in neither cache nor mirror and it cannot be downloaded (or
        downloads are forbidden by ``$PLANNING_OFFLINE``).
    """
    cache_root = _cache_root(cache)
    target = _local_path(cache_root, remote)
    if target.is_file():
        if _sha256_file(target) == remote.sha256:
            return target
        target.unlink(missing_ok=True)  # a damaged cache entry: never keep it

    mirror_root = _mirror_root(mirror)
    if mirror_root is not None:
        candidate = _local_path(mirror_root, remote)
        if candidate.is_file():
            actual = _sha256_file(candidate)
            if actual != remote.sha256:
                raise GeodataHashMismatch(
                    f"{candidate}: sha256 mismatch for {remote.name}: expected "
                    f"{remote.sha256}, got {actual}. The mirror file is not the pinned "
                    f"upstream file; replace it with a fresh copy of {remote.url}"
                )
            return candidate

    if settings.offline():
        raise GeodataUnavailable(_offline_message(remote, target, mirror_root))
    return _download(remote, target, progress=progress, mirror_root=mirror_root)


def fetch_source(
    key: str,
    *,
    mirror: str | os.PathLike[str] | None = None,
    cache: str | os.PathLike[str] | None = None,
    progress: bool | None = None,
) -> tuple[Path, ...]:
    """Fetch every file of a data set (see :func:`fetch`).

    Parameters
    ----------
    key
        A key of :data:`SOURCES`.
    mirror, cache, progress
        As for :func:`fetch`.

    Returns
    -------
    tuple of Path
        Local paths, in the order of :attr:`Source.files`.

    Raises
    ------
    GeodataUnavailable
        If ``key`` is unknown or a file cannot be obtained.
    """
    try:
        source = SOURCES[key]
    except KeyError:
        known = ", ".join(sorted(SOURCES))
        raise GeodataUnavailable(f"unknown geodata source {key!r}; known: {known}") from None
    return tuple(
        fetch(remote, mirror=mirror, cache=cache, progress=progress) for remote in source.files
    )


def _cache_root(cache: str | os.PathLike[str] | None) -> Path:
    return Path(cache).expanduser() if cache is not None else settings.cache_dir()


def _mirror_root(mirror: str | os.PathLike[str] | None) -> Path | None:
    return Path(mirror).expanduser() if mirror is not None else settings.mirror_dir()


def _local_path(root: Path, remote: RemoteFile) -> Path:
    return root.joinpath(*remote.mirror_path.split("/"))


def source_folders(
    *,
    mirror: str | os.PathLike[str] | None = None,
    cache: str | os.PathLike[str] | None = None,
) -> tuple[Path, ...]:
    """Return the folders this module reads geodata from, which no output may be written in.

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
    folders = [_cache_root(cache)]
    mirror_root = _mirror_root(mirror)
    if mirror_root is not None:
        held = {_local_path(mirror_root, r).parent for s in SOURCES.values() for r in s.files}
        folders.extend(sorted(held))
    return tuple(folders)


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(_CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _mirror_hint() -> str:
    return (
        f"to work offline, point at a folder holding a copy of the files with the "
        f"environment variable {settings.ENV_MIRROR}=DIR or the command-line option "
        f"--mirror DIR"
    )


def _offline_message(remote: RemoteFile, target: Path, mirror_root: Path | None) -> str:
    where = (
        f"nor in the mirror {mirror_root} (looked for {_local_path(mirror_root, remote)})"
        if mirror_root is not None
        else "and no mirror is set"
    )
    return (
        f"{remote.name} is not in the cache ({target}) {where}, and downloads are "
        f"forbidden ({settings.ENV_OFFLINE}=1); {_mirror_hint()}, or unset "
        f"{settings.ENV_OFFLINE} to download it from {remote.url}"
    )


def _download(
    remote: RemoteFile, target: Path, *, progress: bool | None, mirror_root: Path | None
) -> Path:
    scheme = urllib.parse.urlsplit(remote.url).scheme
    if scheme not in {"http", "https"}:
        raise GeodataUnavailable(f"{remote.url}: refusing to download from a {scheme!r} URL")
    hint = _mirror_hint()
    if mirror_root is not None:
        hint = f"{remote.name} is not in the mirror {mirror_root} either; {hint}"
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = create_temporary(target, suffix=".part")
    except OSError as exc:
        raise GeodataUnavailable(f"cannot write to the cache {target.parent}: {exc}") from exc
    try:
        digest = hashlib.sha256()
        with os.fdopen(fd, "wb") as out:
            request = urllib.request.Request(remote.url, headers={"User-Agent": "planning"})
            try:
                with urllib.request.urlopen(
                    request, timeout=settings.DOWNLOAD_TIMEOUT_S
                ) as response:
                    total = _content_length(response) or remote.size_bytes
                    with _progress_bar(remote.name, total, enabled=progress) as advance:
                        while chunk := response.read(_CHUNK):
                            digest.update(chunk)
                            out.write(chunk)
                            advance(len(chunk))
            except urllib.error.HTTPError as exc:
                exc.close()  # it holds the response's socket open
                raise GeodataUnavailable(
                    f"could not download {remote.name} from {remote.url}: HTTP {exc.code} "
                    f"{exc.reason}; {hint}"
                ) from exc
            except (urllib.error.URLError, OSError, http.client.HTTPException) as exc:
                reason = getattr(exc, "reason", None) or exc
                raise GeodataUnavailable(
                    f"could not download {remote.name} from {remote.url}: {reason}; {hint}"
                ) from exc
        actual = digest.hexdigest()
        if actual != remote.sha256:
            raise GeodataHashMismatch(
                f"{remote.url}: sha256 mismatch for {remote.name}: expected {remote.sha256}, "
                f"got {actual}. The download was discarded (nothing was cached); the upstream "
                f"file may have changed or the transfer was corrupted; {_mirror_hint()}"
            )
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return target


def _content_length(response: Any) -> int | None:
    value = response.headers.get("Content-Length")
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


@contextlib.contextmanager
def _progress_bar(
    label: str, total: int | None, *, enabled: bool | None
) -> Iterator[Callable[[int], None]]:
    if enabled is None:
        enabled = sys.stderr.isatty()
    if not enabled:
        yield lambda _n: None
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        DownloadColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
        TransferSpeedColumn,
    )

    columns = (
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(f"downloading {label}", total=total)
        yield lambda n: bar.advance(task, n)


def _colocate(paths: tuple[Path, ...], remotes: tuple[RemoteFile, ...], cache_root: Path) -> Path:
    """Make sure the parts of a multi-file data set share one folder; return the first part.

    Parts may come from different places (some cached, some in the mirror). Those not
    in the cache are then copied there, verified, so that a reader finds all siblings.
    """
    if len({p.parent for p in paths}) == 1:
        return paths[0]
    for path, remote in zip(paths, remotes, strict=True):
        target = _local_path(cache_root, remote)
        if path != target:
            _copy_verified(path, target, remote)
    return _local_path(cache_root, remotes[0])


def _copy_verified(source: Path, target: Path, remote: RemoteFile) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = create_temporary(target, suffix=".part")
    os.close(fd)
    try:
        shutil.copyfile(source, tmp)
        actual = _sha256_file(tmp)
        if actual != remote.sha256:
            raise GeodataHashMismatch(
                f"{source}: sha256 mismatch for {remote.name}: expected {remote.sha256}, "
                f"got {actual}"
            )
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


# --------------------------------------------------------------------------- districts


def load_districts(
    *,
    mirror: str | os.PathLike[str] | None = None,
    cache: str | os.PathLike[str] | None = None,
) -> gpd.GeoDataFrame:
    """Return Hanoi's 30 district-level units (OCHA COD-AB 2020).

    Parameters
    ----------
    mirror
        Offline mirror folder; default ``$PLANNING_GEODATA_MIRROR``.
    cache
        Cache folder; default ``settings.cache_dir()``.

    Returns
    -------
    geopandas.GeoDataFrame
        EPSG:4326, sorted by ``district_code``, columns ``district_code``
        (``VN101xx``), ``district_vi`` (no type prefix, NFC), ``district_type``
        (``quận``, ``huyện``, ``thị xã``), ``district_en``, ``geometry``. A fresh
        copy on each call.

    Raises
    ------
    GeodataUnavailable
        If the files cannot be obtained or read.
    """
    source = SOURCES["ocha-districts"]
    paths = fetch_source(source.key, mirror=mirror, cache=cache)
    shp = _colocate(paths, source.files, _cache_root(cache))
    return _read_districts(str(shp.resolve())).copy()


@functools.lru_cache(maxsize=8)
def _read_districts(shp: str) -> gpd.GeoDataFrame:
    import geopandas as gpd

    try:
        raw = gpd.read_file(shp, engine="pyogrio", encoding="UTF-8")
    except Exception as exc:
        raise GeodataUnavailable(f"{shp}: cannot read the district shapefile: {exc}") from exc
    split = [split_admin_prefix(str(v)) for v in raw["ADM2_VI"]]
    frame = gpd.GeoDataFrame(
        {
            "district_code": [str(v) for v in raw["ADM2_PCODE"]],
            "district_vi": [bare for _, bare in split],
            "district_type": [kind for kind, _ in split],
            "district_en": [str(v) for v in raw["ADM2_EN"]],
        },
        geometry=raw.geometry.values,
        crs=raw.crs if raw.crs is not None else settings.WGS84,
    )
    frame = frame.to_crs(settings.WGS84)
    bad = sorted(set(frame["district_type"]) - {"quận", "huyện", "thị xã"})
    if bad:
        raise GeodataUnavailable(f"{shp}: unexpected district types {bad}")
    return frame.sort_values("district_code", ignore_index=True)


# --------------------------------------------------------------------------- communes


def load_communes(
    *,
    mirror: str | os.PathLike[str] | None = None,
    cache: str | os.PathLike[str] | None = None,
) -> gpd.GeoDataFrame:
    """Return Hanoi's 584 communes and wards (R package ``vietnam63``, 2014-2019 structure).

    The first call converts the R ``sp`` object (several seconds) and caches the
    Hanoi layer in the cache folder, keyed by the ``.rda`` file's sha256 (GeoParquet
    when pyarrow is installed, GeoJSON otherwise); later calls read that layer.

    Parameters
    ----------
    mirror
        Offline mirror folder; default ``$PLANNING_GEODATA_MIRROR``.
    cache
        Cache folder; default ``settings.cache_dir()``.

    Returns
    -------
    geopandas.GeoDataFrame
        EPSG:4326, sorted by ``commune_id``, columns ``commune_id`` (str),
        ``commune_vi`` (no type prefix, NFC), ``commune_type`` (``xã``, ``phường``,
        ``thị trấn``), ``district_code`` (``VN101xx``), ``district_vi`` (no prefix,
        NFC), ``geometry`` (MultiPolygon). A fresh copy on each call.

    Raises
    ------
    GeodataUnavailable
        If the file cannot be obtained or converted.
    """
    source = SOURCES["vietnam63-communes"]
    (rda,) = fetch_source(source.key, mirror=mirror, cache=cache)
    layer = _communes_layer_path(_cache_root(cache), source.files[0].sha256)
    return _load_communes_cached(str(rda.resolve()), str(layer)).copy()


def _communes_layer_path(cache_root: Path, sha256: str) -> Path:
    suffix = ".parquet" if _has_pyarrow() else ".geojson"
    name = f"hanoi-communes-v{_COMMUNES_LAYER_VERSION}-{sha256[:16]}{suffix}"
    return cache_root / "vietnam63-communes" / name


def _has_pyarrow() -> bool:
    return importlib.util.find_spec("pyarrow") is not None


@functools.lru_cache(maxsize=4)
def _load_communes_cached(rda: str, layer: str) -> gpd.GeoDataFrame:
    layer_path = Path(layer)
    if layer_path.is_file():
        problem = _verify_derived(layer_path)
        frame = None
        if problem is None:
            try:
                frame = _read_layer(layer_path)
            except Exception as exc:  # a damaged cache file: convert again below
                problem = f"cannot be read ({type(exc).__name__})"
        if frame is not None and tuple(frame.columns) == COMMUNE_COLUMNS and len(frame):
            return frame
        warnings.warn(
            f"{layer_path}: the cached communes layer {problem or 'has the wrong columns'}; "
            f"rebuilding it from {Path(rda).name}",
            CacheIntegrityWarning,
            stacklevel=3,
        )
    frame = _convert_communes(Path(rda))
    try:
        _write_layer(frame, layer_path)
    except OSError as exc:
        warnings.warn(
            f"could not cache the converted communes layer at {layer_path}: {exc}",
            RuntimeWarning,
            stacklevel=3,
        )
    return frame


def _digest_path(path: Path) -> Path:
    """Return the sidecar holding the sha256 of a derived cache file (``sha256sum`` format)."""
    return path.with_name(path.name + ".sha256")


def _verify_derived(path: Path) -> str | None:
    """Check a derived cache file against its recorded sha256; return what is wrong, or None."""
    try:
        recorded = _digest_path(path).read_text(encoding="ascii").split()
    except FileNotFoundError:
        return "has no recorded sha256"
    except (OSError, UnicodeDecodeError):
        return "has an unreadable sha256 record"
    actual = _sha256_file(path)
    if not recorded or recorded[0].lower() != actual:
        return f"does not match its recorded sha256 (found {actual[:12]}…)"
    return None


def _write_layer(frame: gpd.GeoDataFrame, path: Path) -> None:
    """Write a derived layer atomically, with its sha256 in a sidecar (see :func:`_verify_derived`).

    The layer is written to a temporary sibling, hashed, and renamed into place after its
    digest; a crash between the two leaves a mismatch, which the next load rebuilds.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = create_temporary(path, suffix=path.suffix)
    os.close(fd)
    digest_path = _digest_path(path)
    fd, digest_tmp = create_temporary(digest_path)
    os.close(fd)
    try:
        if path.suffix == ".parquet":
            frame.to_parquet(tmp, index=False)
        else:
            import pyogrio

            tmp.unlink()  # the GeoJSON driver refuses to overwrite
            pyogrio.write_dataframe(frame, tmp, driver="GeoJSON")
        digest_tmp.write_text(f"{_sha256_file(tmp)}  {path.name}\n", encoding="ascii")
        os.replace(digest_tmp, digest_path)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        digest_tmp.unlink(missing_ok=True)
        raise


def _read_layer(path: Path) -> gpd.GeoDataFrame:
    import geopandas as gpd

    if path.suffix == ".parquet":
        frame = gpd.read_parquet(path)
    else:
        frame = gpd.read_file(path, engine="pyogrio")
    for column in COMMUNE_COLUMNS[:-1]:
        frame[column] = frame[column].astype(str)
    return frame[list(COMMUNE_COLUMNS)].set_crs(settings.WGS84, allow_override=True)


def _convert_communes(rda: Path) -> gpd.GeoDataFrame:
    """Convert the ``sp::SpatialPolygonsDataFrame`` in ``communes.rda`` to Hanoi's layer."""
    import geopandas as gpd
    import rdata

    try:
        parsed = rdata.parser.parse_file(rda)
        top = _pairlist(parsed.object)
        spdf = _pairlist(top["communes"].attributes)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            data = rdata.conversion.convert(spdf["data"], default_encoding="utf-8")
        polygons = spdf["polygons"].value
        projargs = _pairlist(spdf["proj4string"].attributes)["projargs"].value[0].value
    except GeodataUnavailable:
        raise
    except Exception as exc:
        raise GeodataUnavailable(f"{rda}: cannot read the R sp object: {exc}") from exc
    if b"longlat" not in projargs or b"WGS84" not in projargs:
        raise GeodataUnavailable(f"{rda}: unexpected CRS {projargs.decode(errors='replace')}")

    by_id = {_pairlist(p.attributes)["ID"].value[0].value.decode(): p for p in polygons}
    hanoi = data[(data["province_id"] == _HANOI_PROVINCE_ID) & (data["province"] == "Ha Noi")]
    records: dict[str, list[Any]] = {column: [] for column in COMMUNE_COLUMNS}
    for row_name, row in hanoi.iterrows():
        commune_type, commune_vi = split_admin_prefix(str(row["commune_vn"]))
        _, district_vi = split_admin_prefix(str(row["district_vn"]))
        try:
            sp_polygons = by_id[str(row_name)]
        except KeyError:
            raise GeodataUnavailable(f"{rda}: no polygons with ID {row_name}") from None
        records["commune_id"].append(str(int(row["commune_id"])))
        records["commune_vi"].append(commune_vi)
        records["commune_type"].append(commune_type)
        records["district_code"].append(f"VN{int(row['district_id'])}")
        records["district_vi"].append(district_vi)
        records["geometry"].append(_sp_polygons_to_shapely(sp_polygons))
    frame = gpd.GeoDataFrame(records, geometry="geometry", crs=settings.WGS84)
    bad = sorted(set(frame["commune_type"]) - {"xã", "phường", "thị trấn"})
    if bad:
        raise GeodataUnavailable(f"{rda}: unexpected commune types {bad}")
    return frame.sort_values("commune_id", ignore_index=True)


def _symbol(tag: Any) -> str:
    while tag.referenced_object is not None:
        tag = tag.referenced_object
    return str(tag.value.value.decode())


def _pairlist(obj: Any) -> dict[str, Any]:
    """Map the tags of a parsed R pairlist (attributes, saved objects) to their values."""
    out: dict[str, Any] = {}
    while obj is not None and obj.value is not None and obj.tag is not None:
        out[_symbol(obj.tag)] = obj.value[0]
        obj = obj.value[1]
    return out


def _sp_polygons_to_shapely(sp_polygons: Any) -> Any:
    """Turn one parsed ``sp::Polygons`` into a shapely MultiPolygon.

    Holes are the rings flagged ``hole``. The ``comment`` attribute (as written by
    rgeos: ``0`` for an outer ring, ``k`` for a hole inside outer ring ``k``)
    assigns holes to shells; without it a hole goes to the smallest shell containing it.
    """
    import numpy as np
    import shapely

    attrs = _pairlist(sp_polygons.attributes)
    rings: list[Any] = []
    holes: list[bool] = []
    for ring in attrs["Polygons"].value:
        ring_attrs = _pairlist(ring.attributes)
        coords = ring_attrs["coords"]
        n_rows = int(_pairlist(coords.attributes)["dim"].value[0])
        flat = np.asarray(coords.value, dtype=float)
        rings.append(np.column_stack([flat[:n_rows], flat[n_rows:]]))
        holes.append(bool(ring_attrs["hole"].value[0]))

    owner: list[int] = []
    comment = attrs.get("comment")
    if comment is not None:
        text = comment.value[0].value.decode()
        owner = [int(v) for v in text.split()] if text.split() else []
    consistent = len(owner) == len(rings) and all(
        (k > 0) == hole and (k == 0 or (0 < k <= len(rings) and not holes[k - 1]))
        for k, hole in zip(owner, holes, strict=True)
    )
    shells = [i for i, hole in enumerate(holes) if not hole]
    if not consistent:
        shell_polys = {i: shapely.Polygon(rings[i]) for i in shells}
        owner = []
        for i, hole in enumerate(holes):
            if not hole:
                owner.append(0)
                continue
            point = shapely.Point(rings[i][0])
            containing = [j for j in shells if shell_polys[j].covers(point)]
            if not containing:
                raise GeodataUnavailable("a hole in the communes layer lies in no outer ring")
            owner.append(1 + min(containing, key=lambda j: shell_polys[j].area))
    parts = [
        shapely.Polygon(rings[i], [rings[j] for j, k in enumerate(owner) if k == i + 1])
        for i in shells
    ]
    return shapely.MultiPolygon(parts)
