"""Hanoi's boundary layers, built from the pinned upstream files: districts and communes.

* :func:`load_districts`: Hanoi's 30 district-level units (OCHA COD-AB 2020);
* :func:`load_communes`: Hanoi's 584 communes and wards (R package ``vietnam63``),
  converted once from an R ``sp`` object and cached as a ready-to-read layer. The
  conversion takes 11-14 s; a progress callback hears of it. The layer's sha256 is
  recorded beside it (``<layer>.sha256``) and checked on every first load; a layer that
  fails the check is rebuilt, with a :class:`~planning.errors.CacheIntegrityWarning`.

Derived files are written atomically through temporaries that a later run removes if a
killed run left them (:func:`planning.temporaries.create_temporary`), with the permissions
the umask gives. Files come from :func:`planning.sources.fetch.fetch_source`.

Only the standard library is imported at module level; geopandas, pyogrio and rdata are
imported by the functions that need them.
"""

from __future__ import annotations

import functools
import importlib.util
import os
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any

from planning import settings
from planning.errors import CacheIntegrityWarning, GeodataUnavailable
from planning.geo.transform import reproject
from planning.i18n import message
from planning.sources.fetch import PathLike, Progress, cache_root, fetch_source, sha256_file
from planning.sources.registry import SOURCES
from planning.temporaries import create_temporary
from planning.text.names import split_admin_prefix

if TYPE_CHECKING:
    import geopandas as gpd

__all__ = ["COMMUNE_COLUMNS", "DISTRICT_COLUMNS", "load_communes", "load_districts"]

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

#: Bump when the converted communes layer changes shape, so stale caches are ignored.
_COMMUNES_LAYER_VERSION = 1
_HANOI_PROVINCE_ID = 101


# --------------------------------------------------------------------------- districts


def load_districts(
    *,
    mirror: PathLike | None = None,
    cache: PathLike | None = None,
    progress: Progress | None = None,
) -> gpd.GeoDataFrame:
    """Return Hanoi's 30 district-level units (OCHA COD-AB 2020).

    Parameters
    ----------
    mirror
        Offline mirror folder; default ``$PLANNING_GEODATA_MIRROR``.
    cache
        Cache folder; default ``settings.cache_dir()``.
    progress
        Called as ``progress(stage, done, total)`` while files are downloaded.

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
    paths = fetch_source("ocha-districts", mirror=mirror, cache=cache, progress=progress)
    return _read_districts(str(paths[0].resolve())).copy()


@functools.lru_cache(maxsize=8)
def _read_districts(shp: str) -> gpd.GeoDataFrame:
    import geopandas as gpd

    try:
        raw = gpd.read_file(shp, engine="pyogrio", encoding="UTF-8")
    except (OSError, RuntimeError, ValueError) as exc:  # pyogrio's errors are RuntimeErrors
        raise GeodataUnavailable(
            message(
                "{path}: cannot read the district shapefile: {reason}",
                path=str(shp),
                reason=str(exc),
            )
        ) from exc
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
    frame = reproject(frame, settings.WGS84)
    bad = sorted(set(frame["district_type"]) - {"quận", "huyện", "thị xã"})
    if bad:
        raise GeodataUnavailable(
            message("{path}: unexpected district types {types}", path=str(shp), types=str(bad))
        )
    return frame.sort_values("district_code", ignore_index=True)


# --------------------------------------------------------------------------- communes


def load_communes(
    *,
    mirror: PathLike | None = None,
    cache: PathLike | None = None,
    progress: Progress | None = None,
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
    progress
        Called as ``progress(stage, done, total)`` while the file is downloaded and, on
        the first call, while it is converted: ``"reading communes.rda (first run only)"``
        (``total`` 0: no measure of its own) and then ``"converting communes"`` per commune.

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
    (rda,) = fetch_source(source.key, mirror=mirror, cache=cache, progress=progress)
    layer = _communes_layer_path(cache_root(cache), source.files[0].sha256)
    return _load_communes_cached(str(rda.resolve()), str(layer), progress).copy()


def _communes_layer_path(cache_root: Path, sha256: str) -> Path:
    suffix = ".parquet" if _has_pyarrow() else ".geojson"
    name = f"hanoi-communes-v{_COMMUNES_LAYER_VERSION}-{sha256[:16]}{suffix}"
    return cache_root / "vietnam63-communes" / name


def _has_pyarrow() -> bool:
    return importlib.util.find_spec("pyarrow") is not None


def _load_communes_cached(
    rda: str, layer: str, progress: Progress | None = None
) -> gpd.GeoDataFrame:
    """Return the converted communes layer: memoised, then the cache, then a conversion."""
    return _communes_memo(rda, layer, _Uncached(progress))


class _Uncached:
    """Carries the progress callback past the memo without being part of its key."""

    def __init__(self, progress: Progress | None) -> None:
        self.progress = progress

    def __hash__(self) -> int:
        return 0

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Uncached)


@functools.lru_cache(maxsize=4)
def _communes_memo(rda: str, layer: str, extra: _Uncached) -> gpd.GeoDataFrame:
    layer_path = Path(layer)
    if layer_path.is_file():
        frame, problem = _cached_layer(layer_path)
        if frame is not None:
            return frame
        warnings.warn(
            message(
                "{path}: the cached communes layer {problem}; rebuilding it from {source}",
                path=str(layer_path),
                problem=problem,
                source=Path(rda).name,
            ),
            CacheIntegrityWarning,
            stacklevel=4,
        )
    frame = _convert_communes(Path(rda), progress=extra.progress)
    try:
        _write_layer(frame, layer_path)
    except OSError as exc:
        warnings.warn(
            f"could not cache the converted communes layer at {layer_path}: {exc}",
            RuntimeWarning,
            stacklevel=3,
        )
    return frame


def _cached_layer(path: Path) -> tuple[gpd.GeoDataFrame | None, str]:
    """Return (the cached layer, "") when it passes its checks, else (None, what is wrong)."""
    from shapely.errors import ShapelyError

    problem = _verify_derived(path)
    if problem is not None:
        return None, problem
    try:
        frame = _read_layer(path)
    # A damaged cache file (read as it is): parquet/arrow raise OSError or ValueError,
    # pyogrio RuntimeError, a missing column KeyError, a bad geometry a ShapelyError.
    except (OSError, ValueError, RuntimeError, KeyError, ShapelyError) as exc:
        return None, message("cannot be read ({error})", error=type(exc).__name__)
    if tuple(frame.columns) != COMMUNE_COLUMNS or not len(frame):
        return None, message("has the wrong columns")
    return frame, ""


def _digest_path(path: Path) -> Path:
    """Return the sidecar holding the sha256 of a derived cache file (``sha256sum`` format)."""
    return path.with_name(path.name + ".sha256")


def _verify_derived(path: Path) -> str | None:
    """Check a derived cache file against its recorded sha256; return what is wrong, or None."""
    try:
        recorded = _digest_path(path).read_text(encoding="ascii").split()
    except FileNotFoundError:
        return message("has no recorded sha256")
    except (OSError, UnicodeDecodeError):
        return message("has an unreadable sha256 record")
    actual = sha256_file(path)
    if not recorded or recorded[0].lower() != actual:
        return message("does not match its recorded sha256 (found {found}…)", found=actual[:12])
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
        digest_tmp.write_text(f"{sha256_file(tmp)}  {path.name}\n", encoding="ascii")
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


def _convert_communes(rda: Path, *, progress: Progress | None = None) -> gpd.GeoDataFrame:
    """Convert the ``sp::SpatialPolygonsDataFrame`` in ``communes.rda`` to Hanoi's layer."""
    import geopandas as gpd

    reading = f"reading {rda.name} (first run only)"
    if progress is not None:
        progress(reading, 0, 0)
    data, polygons = _parse_sp(rda)
    if progress is not None:
        progress(reading, 1, 1)
    by_id = {_pairlist(p.attributes)["ID"].value[0].value.decode(): p for p in polygons}
    hanoi = data[(data["province_id"] == _HANOI_PROVINCE_ID) & (data["province"] == "Ha Noi")]
    records: dict[str, list[Any]] = {column: [] for column in COMMUNE_COLUMNS}
    for done, (row_name, row) in enumerate(hanoi.iterrows(), start=1):
        try:
            sp_polygons = by_id[str(row_name)]
        except KeyError:
            raise GeodataUnavailable(
                message("{path}: no polygons with ID {id}", path=str(rda), id=str(row_name))
            ) from None
        _add_commune(records, row, sp_polygons)
        if progress is not None and (done % 64 == 0 or done == len(hanoi)):
            progress("converting communes", done, len(hanoi))
    frame = gpd.GeoDataFrame(records, geometry="geometry", crs=settings.WGS84)
    bad = sorted(set(frame["commune_type"]) - {"xã", "phường", "thị trấn"})
    if bad:
        raise GeodataUnavailable(
            message("{path}: unexpected commune types {types}", path=str(rda), types=str(bad))
        )
    return frame.sort_values("commune_id", ignore_index=True)


def _parse_sp(rda: Path) -> tuple[Any, Any]:
    """Return (the attribute table, the ``sp::Polygons`` list) of ``communes.rda``."""
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
    # The file has its pinned sha256, so what fails here is the R object's shape as this
    # rdata version parses it: rdata raises ValueError/NotImplementedError, and a changed
    # object model shows as a missing tag (KeyError) or member (AttributeError, TypeError,
    # IndexError) while walking it.
    except (
        OSError,
        EOFError,
        ValueError,
        NotImplementedError,
        KeyError,
        AttributeError,
        TypeError,
        IndexError,
    ) as exc:
        raise GeodataUnavailable(
            message("{path}: cannot read the R sp object: {reason}", path=str(rda), reason=str(exc))
        ) from exc
    if b"longlat" not in projargs or b"WGS84" not in projargs:
        raise GeodataUnavailable(
            message(
                "{path}: unexpected CRS {crs}", path=str(rda), crs=projargs.decode(errors="replace")
            )
        )
    return data, polygons


def _add_commune(records: dict[str, list[Any]], row: Any, sp_polygons: Any) -> None:
    """Append one commune (a row of the attribute table and its polygons) to ``records``."""
    commune_type, commune_vi = split_admin_prefix(str(row["commune_vn"]))
    _, district_vi = split_admin_prefix(str(row["district_vn"]))
    records["commune_id"].append(str(int(row["commune_id"])))
    records["commune_vi"].append(commune_vi)
    records["commune_type"].append(commune_type)
    records["district_code"].append(f"VN{int(row['district_id'])}")
    records["district_vi"].append(district_vi)
    records["geometry"].append(_sp_polygons_to_shapely(sp_polygons))


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
                raise GeodataUnavailable(
                    message("a hole in the communes layer lies in no outer ring")
                )
            owner.append(1 + min(containing, key=lambda j: shell_polys[j].area))
    parts = [
        shapely.Polygon(rings[i], [rings[j] for j, k in enumerate(owner) if k == i + 1])
        for i in shells
    ]
    return shapely.MultiPolygon(parts)


# -- derived layers, shared with the other loaders of planning.sources ---------------------------


def verify_derived(path: Path) -> str | None:
    """Check a derived cache file against its ``<file>.sha256`` sidecar.

    Parameters
    ----------
    path
        The derived file (for example a converted layer).

    Returns
    -------
    str or None
        What is wrong, as a phrase ("has no recorded sha256" …), or None when it matches.
    """
    return _verify_derived(path)


def write_derived(frame: gpd.GeoDataFrame, path: Path) -> None:
    """Write a derived layer atomically with its sha256 sidecar (GeoParquet or GeoJSON by suffix).

    Parameters
    ----------
    frame
        The layer.
    path
        Where to write it; ``.parquet`` for GeoParquet, anything else for GeoJSON.
    """
    _write_layer(frame, path)


def has_pyarrow() -> bool:
    """Return whether pyarrow is installed (derived layers are then GeoParquet)."""
    return _has_pyarrow()
