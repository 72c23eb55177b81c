"""Reading a partitioned clusters layer for the partitioned check, with dask-geopandas.

The layer is GeoParquet (a file, a directory of files, a list of them), a dask-geopandas
GeoDataFrame or a geopandas one; what cannot be read becomes one line naming the file.
"""

from __future__ import annotations

from collections.abc import Iterator
from os import fspath
from pathlib import Path
from typing import Any

from planning.errors import PlanDataError
from planning.i18n import message

Source = Any
"""A GeoParquet path (file or directory), a list of them, a dask-geopandas or a geopandas
GeoDataFrame."""


def read_partitions(source: Source, npartitions: int | None) -> tuple[Any, str]:
    """Return ``source`` as a dask-geopandas GeoDataFrame, and a label naming it."""
    import dask_geopandas
    import geopandas as gpd

    if isinstance(source, gpd.GeoDataFrame):
        n = npartitions or max(2, -(-len(source) // 100_000))
        return dask_geopandas.from_geopandas(source, npartitions=n), "a GeoDataFrame"
    if isinstance(source, dask_geopandas.GeoDataFrame):
        ddf, label = source, "a dask-geopandas GeoDataFrame"
    else:
        paths = (
            [fspath(p) for p in source] if isinstance(source, list | tuple) else [fspath(source)]
        )
        for path in paths:
            if "://" not in path and not Path(path).exists():
                raise PlanDataError("file or directory not found", path=path)
        try:
            ddf = dask_geopandas.read_parquet(paths if len(paths) > 1 else paths[0])
        except (OSError, ValueError) as exc:
            raise PlanDataError(not_geoparquet(exc), path=paths[0]) from None
        label = ", ".join(paths)
    if npartitions:
        ddf = ddf.repartition(npartitions=npartitions)
    return ddf, label


def not_geoparquet(exc: BaseException) -> str:
    """Return the one-line reason a ``--dask`` input could not be read as GeoParquet."""
    text = str(exc)
    if "magic bytes" in text or "Is this a 'parquet' file" in text:
        return (
            "not a GeoParquet file: --dask reads only GeoParquet files or directories of "
            "them; check it without --dask, or convert it (geopandas: to_parquet)"
        )
    reason = " ".join(text.replace("Original Message:", ";").split())
    return f"cannot read as GeoParquet: {reason[:300]}"


def next_computed(results: Iterator[list[Any]], label: str) -> list[Any]:
    """Return the next stage's results; a geometry GEOS cannot parse is one line naming the input.

    dask-geopandas decodes the WKB of a partition when it is computed, not when the layer
    is opened, so a damaged value shows here (a ``shapely.errors.GEOSException``, raised
    again on this side by a ``distributed`` scheduler).
    """
    import shapely.errors

    try:
        return next(results)
    except shapely.errors.ShapelyError as exc:
        raise PlanDataError(
            message(
                "cannot read the file: a geometry is damaged ({reason}); write the file again "
                "with a GeoParquet writer (geopandas, GDAL)",
                reason=" ".join(str(exc).split())[:200],
            ),
            path=label,
        ) from None
