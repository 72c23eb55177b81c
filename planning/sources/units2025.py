"""Ha Noi's communes and wards of the 2025 structure: download, check, convert, cache.

Viet Nam abolished the district level on 1 July 2025 and merged Ha Noi's communes and wards
into 126 units (75 ``xã``, 51 ``phường``). Their boundaries come from the Vietnamese
Provinces Database (Thang Le Quoc, MIT; derived from the government's administrative
reference map), one GeoJSON per unit, each pinned by URL and sha256 in
:data:`planning.sources.registry.SOURCES` (``"vn-provinces-2025-hanoi"``; the list is the
package data file ``planning/sources/units2025_files.csv``, written from the mirror's
``MANIFEST.csv`` by ``tools/gen_units2025_registry.py``).

:func:`load_units_2025` fetches the 126 files like every pinned file (cache, mirror,
download; sha256 checked), merges them into one layer and caches that layer with its sha256
in a sidecar, as :func:`planning.sources.boundaries.load_communes` does. A later call reads the
cached layer after checking its sidecar, without touching the 126 files.
:func:`units_2025_for_map` gives the same layer simplified for drawing.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import warnings
from pathlib import Path
from typing import TYPE_CHECKING

from planning import settings
from planning.errors import CacheIntegrityWarning, GeodataUnavailable
from planning.i18n import message
from planning.sources.boundaries import has_pyarrow, verify_derived, write_derived
from planning.sources.fetch import cache_root, fetch_source
from planning.sources.registry import SOURCES
from planning.text.names import nfc, split_admin_prefix

if TYPE_CHECKING:
    import geopandas as gpd

__all__ = [
    "SOURCE_KEY",
    "UNIT_2025_COLUMNS",
    "UNIT_2025_TYPES",
    "load_units_2025",
    "units_2025_for_map",
]

#: Key of the 2025 layer in :data:`planning.sources.registry.SOURCES`.
SOURCE_KEY = "vn-provinces-2025-hanoi"
#: Columns of :func:`load_units_2025`, in order.
UNIT_2025_COLUMNS = ("code", "name", "full_name", "unit_type", "geometry")
#: The unit types of the 2025 structure in Ha Noi (no district level, no ``thị trấn``).
UNIT_2025_TYPES = ("xã", "phường")
#: Bump when the derived layer changes shape, so stale caches are ignored.
_LAYER_VERSION = 1
#: Metres per degree of latitude (WGS 84 mean, about 110.6-110.7 km at Ha Noi's 21°N);
#: converts a simplification tolerance in metres to degrees for :func:`units_2025_for_map`.
_M_PER_DEG = 110_700.0


def load_units_2025(
    *,
    mirror: str | os.PathLike[str] | None = None,
    cache: str | os.PathLike[str] | None = None,
) -> gpd.GeoDataFrame:
    """Return Ha Noi's 126 communes and wards of the 2025 structure.

    Parameters
    ----------
    mirror
        Offline mirror folder; default ``$PLANNING_GEODATA_MIRROR``.
    cache
        Cache folder; default ``settings.cache_dir()``.

    Returns
    -------
    geopandas.GeoDataFrame
        EPSG:4326, sorted by ``code``, columns ``code`` (the national statistics code,
        five digits, for example ``"10003"``), ``name`` (no type prefix, NFC: ``Tây
        Phương``), ``full_name`` (``Xã Tây Phương``), ``unit_type`` (``xã`` or
        ``phường``), ``geometry`` (Polygon or MultiPolygon). A fresh copy on each call.

    Raises
    ------
    GeodataUnavailable
        If a file can be neither found nor downloaded, or is not one unit as expected.
    GeodataHashMismatch
        If a file is not the pinned one.
    """
    layer = _layer_path(cache_root(cache))
    return _load_cached(str(layer), str(mirror) if mirror is not None else None,
                        str(cache) if cache is not None else None).copy()  # fmt: skip


def units_2025_for_map(
    units: gpd.GeoDataFrame | None = None,
    *,
    tolerance_m: float = 20.0,
    mirror: str | os.PathLike[str] | None = None,
) -> gpd.GeoDataFrame:
    """Return the 2025 units simplified for drawing on a map (a layer off by default).

    Parameters
    ----------
    units
        The layer of :func:`load_units_2025`; loaded when None.
    tolerance_m
        Simplification tolerance in metres (Douglas-Peucker, topology of each unit kept;
        converted to degrees with 1° ≈ 110.7 km). 20 m keeps about a tenth of the
        vertices (133,037 → 14,086).
    mirror
        Offline mirror folder, when ``units`` is None.

    Returns
    -------
    geopandas.GeoDataFrame
        EPSG:4326, columns ``code``, ``name``, ``full_name``, ``unit_type``, ``geometry``.
    """
    frame = load_units_2025(mirror=mirror) if units is None else units.copy()
    if tolerance_m > 0:
        frame["geometry"] = frame.geometry.simplify(tolerance_m / _M_PER_DEG,
                                                    preserve_topology=True)  # fmt: skip
    return frame


def _layer_path(root: Path) -> Path:
    source = SOURCES[SOURCE_KEY]
    digest = hashlib.sha256("".join(f.sha256 for f in source.files).encode("ascii")).hexdigest()
    suffix = ".parquet" if has_pyarrow() else ".geojson"
    return (
        root
        / "vn-provinces-db-2025-hanoi"
        / f"hanoi-units-2025-v{_LAYER_VERSION}-{digest[:16]}{suffix}"
    )


@functools.lru_cache(maxsize=4)
def _load_cached(layer: str, mirror: str | None, cache: str | None) -> gpd.GeoDataFrame:
    path = Path(layer)
    if path.is_file():
        problem = verify_derived(path)
        frame = None
        if problem is None:
            try:
                frame = _read(path)
            except Exception as exc:  # a damaged cache file: build it again below
                problem = message("cannot be read ({error})", error=type(exc).__name__)
        if frame is not None and len(frame) == len(SOURCES[SOURCE_KEY].files):
            return frame
        warnings.warn(
            message(
                "{path}: the cached 2025 communes layer {problem}; rebuilding it from the "
                "pinned files",
                path=str(path),
                problem=problem or message("has the wrong rows"),
            ),
            CacheIntegrityWarning,
            stacklevel=3,
        )
    paths = fetch_source(SOURCE_KEY, mirror=mirror, cache=cache)
    frame = _convert(paths)
    try:
        write_derived(frame, path)
    except OSError as exc:
        warnings.warn(
            f"could not cache the 2025 communes layer at {path}: {exc}",
            RuntimeWarning,
            stacklevel=3,
        )
    return frame


def _read(path: Path) -> gpd.GeoDataFrame:
    import geopandas as gpd

    frame = gpd.read_parquet(path) if path.suffix == ".parquet" else gpd.read_file(path)
    for column in UNIT_2025_COLUMNS[:-1]:
        frame[column] = frame[column].astype(str)
    return frame[list(UNIT_2025_COLUMNS)].set_crs(settings.WGS84, allow_override=True)


def _convert(paths: tuple[Path, ...]) -> gpd.GeoDataFrame:
    """Merge the per-unit GeoJSON files into one layer, checking each is one unit."""
    import geopandas as gpd
    import shapely

    records: dict[str, list[object]] = {c: [] for c in UNIT_2025_COLUMNS}
    for path in paths:
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
            (feature,) = doc["features"]
            props = feature["properties"]
            code, full_name = str(props["code"]), nfc(str(props["fullName"])).strip()
            geometry = shapely.geometry.shape(feature["geometry"])
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            raise GeodataUnavailable(
                message(
                    "{path}: not one commune or ward of the 2025 layer as expected "
                    "({error}: {reason})",
                    path=str(path),
                    error=type(exc).__name__,
                    reason=str(exc),
                )
            ) from exc
        unit_type, name = split_admin_prefix(full_name)
        if not path.name.startswith(code + "_") or unit_type not in UNIT_2025_TYPES:
            raise GeodataUnavailable(
                message(
                    "{path}: code {code!r} or unit {name!r} does not fit the file (expected "
                    "'<code>_<name>.geojson' and a xã or phường)",
                    path=str(path),
                    code=code,
                    name=full_name,
                )
            )
        if geometry.geom_type not in ("Polygon", "MultiPolygon") or geometry.is_empty:
            raise GeodataUnavailable(
                message(
                    "{path}: the geometry is {type}, not a polygon",
                    path=str(path),
                    type=geometry.geom_type,
                )
            )
        records["code"].append(code)
        records["name"].append(name)
        records["full_name"].append(full_name)
        records["unit_type"].append(unit_type)
        records["geometry"].append(
            shapely.make_valid(geometry) if not geometry.is_valid else geometry
        )
    frame = gpd.GeoDataFrame(records, geometry="geometry", crs=settings.WGS84)
    return frame.sort_values("code", ignore_index=True)
