"""GeoParquet and plain Parquet files → layers (needs the ``io`` extra: pyarrow).

A file with GeoParquet ``geo`` metadata is read as a GIS layer (its CRS from the metadata);
metadata that is there but unusable is refused with what is wrong. A Parquet file without it
is a table, read like a CSV (:func:`planning.readers.tables.table_to_layer`). Arrow-backed
columns are turned into Python objects first, so text repair and checks see plain strings.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from planning.errors import CRSError, PlanningError
from planning.geo.helmert import Helmert
from planning.i18n import N_, Message, message
from planning.readers._context import ReadContext, reason
from planning.readers.encoding import repair_frame_text
from planning.readers.tables import table_to_layer
from planning.readers.values import object_array, object_series
from planning.readers.vector import vector_to_layer

if TYPE_CHECKING:
    import geopandas as gpd

__all__ = ["PARQUET_SUFFIXES", "read_parquet"]

#: Suffixes of the files :func:`read_parquet` reads.
PARQUET_SUFFIXES = (".parquet", ".geoparquet", ".pq")


def _bad(what: str, **params: Any) -> Message:
    """Return what is wrong with the 'geo' metadata, followed by what to do."""
    return message(
        "the GeoParquet 'geo' metadata {what}; rewrite the file with a GeoParquet writer "
        "(geopandas, GDAL)",
        what=message(what, **params),
    )


def _arrow_errors() -> tuple[type[BaseException], ...]:
    """Return what pyarrow raises for a file it cannot read: ArrowException, OSError, ValueError."""
    import pyarrow as pa

    return (pa.ArrowException, OSError, ValueError)


def _geometry_errors() -> tuple[type[BaseException], ...]:
    """Return what shapely raises for a WKB value it cannot parse (GEOSException, …)."""
    import shapely.errors

    return (shapely.errors.ShapelyError,)


def _materialise(frame: Any) -> Any:
    """Turn Arrow-backed columns into Python objects (decoding every value now)."""
    geom_name = getattr(frame, "_geometry_column_name", None)
    for col in list(frame.columns):
        if col != geom_name:
            frame[col] = object_series(object_array(frame[col]), frame.index)
    return frame


def _geo_metadata(ctx: ReadContext) -> dict[str, Any] | None:
    """Return the file's GeoParquet ``geo`` metadata, None when it has none.

    Raises a :class:`PlanDataError` saying what is wrong when the metadata is there but
    is not a JSON object naming an existing primary geometry column.
    """
    import json

    import pyarrow.parquet as pq

    try:
        schema = pq.read_schema(ctx.path)
    except _arrow_errors() as exc:
        raise ctx.error(message("cannot read the file: {reason}", reason=reason(exc))) from None
    raw = (schema.metadata or {}).get(b"geo")
    if raw is None:
        return None
    try:
        geo = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ctx.error(_bad(N_("is not valid JSON ({reason})"), reason=reason(exc))) from None
    if not isinstance(geo, dict):
        raise ctx.error(_bad(N_("is not a JSON object")))
    primary, columns = geo.get("primary_column"), geo.get("columns")
    if not isinstance(columns, dict) or not columns:
        raise ctx.error(_bad(N_("lists no geometry columns")))
    if primary not in columns:
        raise ctx.error(
            _bad(N_("names primary column {column!r}, which it does not describe"), column=primary)
        )
    if primary not in schema.names:
        raise ctx.error(
            _bad(
                N_("names geometry column {column!r}, which is not in the file (columns: {names})"),
                column=primary,
                names=", ".join(schema.names[:10]),
            )
        )
    return geo


def _read_frame(ctx: ReadContext, geo: dict[str, Any] | None) -> tuple[Any, bool]:
    """Return the file's rows and whether they are a plain table (no GeoParquet metadata)."""
    import geopandas as gpd
    import pandas as pd

    try:
        try:
            return _materialise(gpd.read_parquet(ctx.path)), False
        except ValueError as exc:
            if "geo" not in str(exc).lower():
                raise
            if geo is not None:
                raise ctx.error(_bad(N_("is unusable ({reason})"), reason=reason(exc))) from None
            return _materialise(pd.read_parquet(ctx.path)), True
    except PlanningError:
        raise
    except _arrow_errors() as exc:
        raise ctx.error(message("cannot read the file: {reason}", reason=reason(exc))) from None
    except _geometry_errors() as exc:  # a damaged WKB value (GEOS cannot parse it)
        raise ctx.error(
            message(
                "cannot read the file: a geometry is damaged ({reason}); write the file again "
                "with a GeoParquet writer (geopandas, GDAL)",
                reason=reason(exc),
            )
        ) from None


def read_parquet(
    ctx: ReadContext, *, columns: Mapping[str, str] | None, crs: Any, helmert: Helmert | None
) -> gpd.GeoDataFrame:
    """Read a (Geo)Parquet file into a layer in EPSG:4326.

    Parameters
    ----------
    ctx
        The read in progress.
    columns
        The caller's ``{column in the file: canonical column}``.
    crs
        A CRS overriding the file's (required for projected x/y columns of a table).
    helmert
        A VN-2000 → WGS 84 shift to use instead of EPSG:6960.

    Returns
    -------
    geopandas.GeoDataFrame
        EPSG:4326; rows of a table without geometry have ``needs_placement`` True.
    """
    frame, table = _read_frame(ctx, _geo_metadata(ctx))
    frame = repair_frame_text(ctx, frame, legacy=None, forced=False)
    if table:
        return table_to_layer(ctx, frame, columns=columns, crs=crs, helmert=helmert)
    if frame.crs is None and crs is None:
        raise CRSError(message("the GeoParquet file has no CRS; give it explicitly"), path=ctx.path)
    return vector_to_layer(ctx, frame, columns=columns, crs=crs, helmert=helmert)
