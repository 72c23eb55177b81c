"""A table's geometry columns → geometries: a WKT column, or longitude/latitude or x/y columns.

:func:`table_geometries` builds one geometry per row of a table read by
:mod:`planning.readers.tables`, or None for a row without one, and says which rows are left to
be placed at their commune or district (:func:`planning.model.placement.place_at_communes`).
A bad cell (unreadable WKT, a coordinate that is not a number, one coordinate of two) is
recorded as a fault of its row (:meth:`~planning.readers._context.ReadContext.fault`), and the
read goes on, so that every bad row of the table is reported at once.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from planning.errors import CRSError
from planning.i18n import message
from planning.readers._context import ReadContext, reason
from planning.readers.values import cell_text, number_or_none, per_value, placeable
from planning.settings import WGS84

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["TableGeometry", "coordinate_numbers", "table_geometries"]


@dataclass
class TableGeometry:
    """The geometries of a table's rows and what they were read from.

    Attributes
    ----------
    geoms
        One geometry per row (None when the row has none).
    source_crs
        The CRS the geometries are in (the caller's, or EPSG:4326 for lon/lat and WKT).
    used
        The columns the geometries were read from (to drop from the table).
    unplaced
        The rows (0-based) with no geometry and no fault in these columns: to be placed.
    """

    geoms: list[Any]
    source_crs: Any
    used: list[str]
    unplaced: list[int]


def table_geometries(
    ctx: ReadContext, frame: pd.DataFrame, coords: Mapping[str, str], crs: Any
) -> TableGeometry:
    """Return the geometries of a table's rows from its WKT or coordinate columns.

    Parameters
    ----------
    ctx
        The read in progress; bad cells become faults of their rows.
    frame
        The table, with canonical column names.
    coords
        ``{role: column}`` of the coordinate columns (``wkt``, ``lon``/``lat``, ``x``/``y``).
    crs
        The caller's CRS of the coordinates (required for projected x/y).

    Raises
    ------
    PlanDataError
        If only one coordinate column exists.
    CRSError
        If x/y columns hold projected coordinates and no CRS is given.
    """
    geoms: list[Any] = [None] * len(frame)
    source_crs: Any = crs
    used: list[str] = []
    if "wkt" in coords:
        used = [coords["wkt"]]
        geoms = _wkt_geometries(ctx, frame, coords["wkt"])
        source_crs = crs if crs is not None else WGS84
    elif ("lon" in coords and "lat" in coords) or ("x" in coords and "y" in coords):
        geoms, source_crs, used = _point_geometries(ctx, frame, coords, crs)
    elif "lon" in coords or "lat" in coords or "x" in coords or "y" in coords:
        raise ctx.error(
            message(
                "only one coordinate column found; need both longitude and latitude "
                "(lon/lat, kinh_do/vi_do) or x and y"
            ),
            field=next(iter(coords.values())),
        )
    if all(g is None for g in geoms):
        source_crs = crs if crs is not None else WGS84
    unplaced = [
        i for i, g in enumerate(geoms) if g is None and not (used and ctx.has_fault(i + 1, *used))
    ]
    unplaced = _check_unplaced(ctx, frame, unplaced)
    return TableGeometry(geoms, source_crs, used, unplaced)


def _wkt_geometries(ctx: ReadContext, frame: pd.DataFrame, col: str) -> list[Any]:
    """Return the geometries of a WKT column (None for an empty, unreadable or empty geometry)."""
    import shapely

    geoms: list[Any] = [None] * len(frame)
    for i, v in enumerate(frame[col]):
        t = cell_text(v)
        if not t:
            continue
        try:
            g = shapely.from_wkt(t)
        except shapely.errors.GEOSException as exc:  # GEOS's parser: unreadable WKT
            ctx.fault(
                message(
                    "unreadable WKT: {reason}; correct the geometry text, or empty the cell "
                    "and give the commune and district",
                    reason=reason(exc),
                ),
                row=i + 1,
                field=col,
                ident=ctx.ident(frame.iloc[i]),
            )
            continue
        geoms[i] = None if g is None or g.is_empty else g
    return geoms


def coordinate_numbers(ctx: ReadContext, frame: pd.DataFrame, col: str) -> list[float]:
    """Return a coordinate column as floats, NaN for an empty cell or one that is a fault.

    A cell that is not a finite number is recorded as a fault of its row (field ``col``).
    """
    out = per_value(frame[col], number_or_none)
    for i, x in enumerate(out):
        if x is not None:
            continue
        text = cell_text(frame[col].iloc[i])
        try:
            float(text.replace(",", "."))
            what = message("{text!r} is not a finite number", text=text)
        except ValueError:
            what = message("{text!r} is not a number", text=text)
        ctx.fault(
            message(
                "{what}; write the coordinate as a number (decimal point or comma), or empty "
                "the cell",
                what=what,
            ),
            row=i + 1,
            field=col,
            ident=ctx.ident(frame.iloc[i]),
        )
        out[i] = math.nan
    return out


def _point_geometries(
    ctx: ReadContext, frame: pd.DataFrame, coords: Mapping[str, str], crs: Any
) -> tuple[list[Any], Any, list[str]]:
    """Return the points of lon/lat (or x/y) columns, the CRS they are in and the columns."""
    import numpy as np
    import shapely

    lonlat = "lon" in coords and "lat" in coords
    xcol, ycol = (coords["lon"], coords["lat"]) if lonlat else (coords["x"], coords["y"])
    xs = np.asarray(coordinate_numbers(ctx, frame, xcol), dtype=float)
    ys = np.asarray(coordinate_numbers(ctx, frame, ycol), dtype=float)
    source_crs: Any = crs
    if lonlat:
        source_crs = crs if crs is not None else WGS84
    elif crs is None:
        given = xs[~np.isnan(xs)]
        if not (given.size and ((given >= -180) & (given <= 180)).all()):
            raise CRSError(
                message(
                    "columns {x}/{y} hold projected coordinates but the table has no CRS; "
                    "run again with --crs (crs= in Python), for example --crs EPSG:5897 "
                    "(VN-2000 / TM-3 105°E, Hanoi)",
                    x=repr(xcol),
                    y=repr(ycol),
                ),
                path=ctx.path,
            )
        source_crs = WGS84
        ctx.notes.append(
            message("{path}: x/y columns read as longitude/latitude", path=str(ctx.path))
        )
    for i in np.flatnonzero(np.isnan(xs) != np.isnan(ys)).tolist():
        if ctx.has_fault(i + 1, xcol, ycol):
            continue  # the other coordinate is not a number: already reported
        ctx.fault(
            message(
                "coordinate missing (the other one is given); give both coordinates, or neither"
            ),
            row=i + 1,
            field=ycol if math.isnan(ys[i]) else xcol,
            ident=ctx.ident(frame.iloc[i]),
        )
    missing = np.isnan(xs) | np.isnan(ys)
    points = shapely.points(np.where(missing, 0.0, xs), np.where(missing, 0.0, ys))
    points[missing] = None
    return points.tolist(), source_crs, [xcol, ycol]


def _check_unplaced(ctx: ReadContext, frame: pd.DataFrame, unplaced: list[int]) -> list[int]:
    """Return the rows to place by commune; record a fault for each of the others.

    A row with no geometry, no commune and no district is reported here, once, and not
    handed on to placement (which would report it again as having no district).
    """
    todo: list[int] = []
    for i in unplaced:
        if ctx.kind != "clusters":
            ctx.fault(message("the row has no geometry; give it one"), row=i + 1,
                      field="geometry", ident=ctx.ident(frame.iloc[i]))  # fmt: skip
        elif not placeable(frame.iloc[i]) and not _named(ctx, frame.iloc[i]):
            # Nothing to tell the row by: one fault (not also an empty id), as for a workbook.
            ctx.fault(
                message(
                    "the row has no cluster name, id or location: fill it in, or delete the row"
                ),
                row=i + 1,
                field=None,
            )
        elif not placeable(frame.iloc[i]):
            ctx.fault(
                message(
                    "the row has no location (no commune, district, coordinates or WKT "
                    "geometry); add its commune and district, or its coordinates (lon/lat "
                    "or x/y), or a WKT geometry"
                ),
                row=i + 1,
                field="commune_vi",
                ident=ctx.ident(frame.iloc[i]),
            )
        else:
            todo.append(i)
    return todo


def _named(ctx: ReadContext, rec: Any) -> bool:
    """Tell whether a row has a cluster name or an id."""
    return bool(cell_text(rec.get("name_vi")) or ctx.ident(rec))
