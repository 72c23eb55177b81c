"""Read the user's planning files into checked layers: :func:`read_layer`.

:func:`read_layer` reads every format planners use — GeoJSON, GeoPackage, Shapefile (or a
``.zip`` of one), GeoParquet, KML, and CSV or Excel tables with longitude/latitude, x/y,
WKT, or only names, communes, districts and areas — and returns a layer in EPSG:4326 with
the canonical columns of :mod:`planning.schema` (``docs/schema.md``). The work is done by
one module per concern:

========================  =====================================================================
:mod:`.vector`            GIS files through GDAL: zip archives, KML folders, shapefile sidecars
:mod:`.tables`            CSV/TSV and Excel tables; coordinates, WKT, or rows to place
:mod:`.csv_faults`        why a text table does not parse: a quote never closed, extra cells
:mod:`.table_geometry`    a table's WKT or coordinate columns → geometries
:mod:`.workbook`          a department's workbook layout (:mod:`.sheet_rows`: its rows one by one)
:mod:`.parquet`           GeoParquet and plain Parquet
:mod:`.encoding`          decoding text tables (UTF-8, UTF-16); TCVN3/VNI/cp1258 repair per column
:mod:`.columns`           column names → canonical columns (:data:`.columns.COLUMN_ALIASES`)
:mod:`.values`            cells: text, numbers, declared areas (:func:`.values.parse_area`)
:mod:`.locations`         location cells → commune and district
:mod:`.validate`          coordinates, geometries, ids, area units
:mod:`.canonical`         the canonical columns filled and ordered; ``attrs``
:mod:`.codepages`         a shapefile's ``.cpg``
:mod:`.matching`          a typed place name → the official one
========================  =====================================================================

Bad input is refused with a :class:`~planning.errors.PlanDataError` naming the file, the row
and the field; the faults of single rows are collected while the file is read and reported
together, one line per row (:class:`~planning.errors.RowErrors`). Rows known only by name, commune and district come back with no
geometry and ``needs_placement=True``; :func:`planning.model.placement.place_at_communes`
places them.

Heavy imports (pandas, geopandas, pyogrio, shapely) happen inside functions, so importing
this package is cheap.
"""

from __future__ import annotations

import codecs
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from planning.errors import CRSError, PlanDataError, PlanningError, row_errors
from planning.geo.helmert import Helmert
from planning.i18n import message
from planning.readers._context import Kind, PathType, ReadContext
from planning.readers.canonical import finish
from planning.readers.encoding import repair_frame_text
from planning.readers.parquet import PARQUET_SUFFIXES, read_parquet
from planning.readers.tables import TABLE_SUFFIXES, read_table, table_to_layer
from planning.readers.vector import VECTOR_SUFFIXES, dbf_codec, read_vector, vector_to_layer
from planning.text.legacy import LEGACY_ENCODINGS

if TYPE_CHECKING:
    import geopandas as gpd

__all__ = ["SUPPORTED_SUFFIXES", "read_layer"]

#: File suffixes :func:`read_layer` understands.
SUPPORTED_SUFFIXES = VECTOR_SUFFIXES + TABLE_SUFFIXES + PARQUET_SUFFIXES
#: The layer kinds :func:`read_layer` produces (the communes layer comes from
#: :mod:`planning.sources`, never from a user's file).
_KINDS = ("clusters", "districts", "zones")


def read_layer(
    path: PathType,
    *,
    kind: Kind = "clusters",
    layer: str | int | None = None,
    columns: Mapping[str, str] | None = None,
    encoding: str | None = None,
    crs: Any = None,
    helmert: Helmert | None = None,
    sheet: str | int | None = None,
    fix: bool = False,
    faults: list[PlanDataError] | None = None,
) -> gpd.GeoDataFrame:
    """Read a user's layer of any supported format into a checked EPSG:4326 GeoDataFrame.

    Parameters
    ----------
    path
        GeoJSON, GeoPackage, Shapefile (or a ``.zip`` of one), GeoParquet, KML/KMZ,
        FlatGeobuf, or a CSV/Excel/Parquet table with ``lon``/``lat`` (``kinh_do``/
        ``vi_do``), ``x``/``y`` (projected, needs ``crs``), a WKT column, or only names,
        communes, districts and areas.
    kind
        ``"clusters"``, ``"districts"`` or ``"zones"``: which canonical columns to produce.
    layer
        The layer of a multi-layer file (GeoPackage, KML, zip). Default: the only one
        (every layer of a KML).
    columns
        ``{column in the file: canonical column}``, applied before
        :data:`planning.readers.columns.COLUMN_ALIASES`.
    encoding
        The text encoding of a DBF or CSV: a Python codec (``"cp1258"``), or ``"tcvn3"``
        / ``"vni"`` for legacy font encodings. Default: detected.
    crs
        The CRS of the coordinates, overriding the file's (required for a shapefile
        without ``.prj`` and for x/y tables). Default for lon/lat tables: EPSG:4326.
    helmert
        A VN-2000 → WGS 84 shift to use instead of EPSG:6960.
    sheet
        The Excel sheet (name or 0-based index); default the first.
    fix
        Repair invalid polygons with ``make_valid`` (reported in ``attrs["fixes"]`` and a
        :class:`~planning.errors.GeometryFixWarning`) instead of failing.
    faults
        A list to add the faults of single rows to, instead of raising them: the layer is
        then returned with each bad cell emptied (an area NaN, a geometry None), and the
        caller reports the faults, with any it finds itself, through
        :func:`planning.errors.row_errors`. By default they are raised.

    Returns
    -------
    geopandas.GeoDataFrame
        EPSG:4326, the canonical columns of ``kind`` first, then the file's other columns.
        Rows of name-only tables have no geometry and ``needs_placement`` True (the
        column exists only when some row needs placing). ``attrs`` holds ``path``,
        ``notes`` (what was detected and done), ``fixes``, ``column_map`` and
        ``source_crs``.

    Raises
    ------
    PlanDataError
        For an unreadable file or a bad row; the message names the file, row and field.
        Every bad row of the file is reported at once: a
        :class:`~planning.errors.RowErrors` lists them in row order, one line each.
    CRSError
        If the layer has no CRS (and ``crs`` is not given) or it cannot be used.
    """
    p = Path(path)
    if kind not in _KINDS:
        raise PlanDataError(
            message(
                "unknown layer kind {kind!r}; expected one of {kinds}",
                kind=kind,
                kinds=list(_KINDS),
            )
        )
    ctx = ReadContext(p, kind)
    suffix = _check_path(ctx)
    dbf = dbf_codec(ctx) if encoding is None and suffix in {".shp", ".dbf"} else None
    legacy = _legacy_encoding(ctx, encoding, dbf)
    try:
        if suffix in TABLE_SUFFIXES:
            frame = read_table(ctx, encoding=encoding, legacy=legacy, sheet=sheet)
            gdf = table_to_layer(ctx, frame, columns=columns, crs=crs, helmert=helmert)
        elif suffix in PARQUET_SUFFIXES:
            gdf = read_parquet(ctx, columns=columns, crs=crs, helmert=helmert)
        else:
            if suffix in {".geojson", ".json"} and crs is None:
                from planning.readers.geojson_crs import check_crs_member

                check_crs_member(p)
            raw = read_vector(ctx, layer=layer, encoding=encoding or dbf, legacy=legacy)
            raw = repair_frame_text(ctx, raw, legacy=legacy, forced=encoding is not None)
            if raw.crs is None and crs is None:
                raise CRSError(_NO_CRS, path=p)
            gdf = vector_to_layer(ctx, raw, columns=columns, crs=crs, helmert=helmert)
        out = finish(ctx, gdf, fix=fix)
    except PlanningError:
        raise
    except MemoryError:
        raise ctx.error(message("file too large to read into memory")) from None
    except RecursionError:
        raise ctx.error(message("file structure too deeply nested to read")) from None
    if ctx.faults and faults is None:
        raise row_errors(ctx.faults, path=p)
    if faults is not None:
        faults.extend(ctx.faults)
    return out


_NO_CRS = message(
    "the layer has no coordinate reference system (no .prj file or CRS member); give its CRS "
    "explicitly, for example EPSG:5897 (VN-2000 / TM-3 105°E, Hanoi)"
)


def _check_path(ctx: ReadContext) -> str:
    """Refuse a path that is missing, a folder, or of an unsupported type; return its suffix."""
    if not ctx.path.exists():
        raise ctx.error(message("file not found"))
    if ctx.path.is_dir():
        raise ctx.error(message("is a directory, not a file"))
    suffix = ctx.path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise ctx.error(
            message(
                "unsupported file type {suffix!r}; expected one of {suffixes}",
                suffix=suffix or "(none)",
                suffixes=", ".join(SUPPORTED_SUFFIXES),
            )
        )
    return suffix


def _legacy_encoding(ctx: ReadContext, encoding: str | None, dbf: str | None) -> str | None:
    """Return the legacy encoding to decode text with (None: as read), checking ``encoding``."""
    legacy = encoding if encoding in LEGACY_ENCODINGS and encoding != "utf-8" else None
    if dbf == "cp1258":
        legacy = dbf  # read the bytes and decode them here: GDAL cuts the names
    if encoding is not None and legacy is None:
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise ctx.error(
                message(
                    "unknown encoding {encoding!r}; use a Python codec name or 'tcvn3'/'vni'",
                    encoding=encoding,
                )
            ) from None
    return legacy
