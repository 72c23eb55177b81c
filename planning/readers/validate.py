"""Checks every layer passes, whatever its format: coordinates, geometries, ids, area units.

Each check records a fault for every bad row (:meth:`~planning.readers._context.ReadContext.fault`:
the file, the row, the field, the row's id and what to do), so that the reader reports them
all at once:

* :func:`check_coordinates`: finite coordinates inside Viet Nam; swapped latitude and
  longitude, and projected coordinates read as degrees, are recognised and named;
* :func:`check_geometries`: polygons (points only for a clusters layer of points, or rows
  that say they are a location only), valid, or repaired with ``make_valid`` when asked
  (``fix=True``, reported with a :class:`~planning.errors.GeometryFixWarning`);
* :func:`check_ids`: ids present and unique (ids are assigned by row when a file has none);
* :func:`check_area_units`: warns (:class:`~planning.errors.AreaUnitWarning`) when declared
  areas look like m² rather than ha.
"""

from __future__ import annotations

import math
import warnings
from typing import TYPE_CHECKING, Any

from planning.errors import AreaUnitWarning, GeometryFixWarning
from planning.geo.crs import VIETNAM_BOUNDS
from planning.i18n import Message, join_messages, message, plural_message
from planning.readers._context import ReadContext, reason
from planning.readers.values import cell_text, object_series
from planning.schema import LAYERS

if TYPE_CHECKING:
    import geopandas as gpd

__all__ = ["check_area_units", "check_coordinates", "check_geometries", "check_ids"]

_POINTS = frozenset({"Point", "MultiPoint"})


def check_coordinates(ctx: ReadContext, gdf: gpd.GeoDataFrame) -> None:
    """Record a fault for each row whose coordinates are not finite or not in Viet Nam.

    Latitude and longitude swapped, and projected coordinates read as EPSG:4326, are named
    as such; otherwise the message gives the bounds and the CRS the layer was read in.
    """
    import numpy as np
    import shapely

    geoms = np.asarray(gdf.geometry.array, dtype=object)
    present = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    if not present.any():
        return
    coords, index = shapely.get_coordinates(geoms, return_index=True)
    not_finite = np.zeros(len(geoms), dtype=bool)
    not_finite[index[~np.isfinite(coords).all(axis=1)]] = True
    b = shapely.bounds(geoms)
    w, s, e, n = VIETNAM_BOUNDS
    with np.errstate(invalid="ignore"):
        inside = (w <= b[:, 0]) & (b[:, 2] <= e) & (s <= b[:, 1]) & (b[:, 3] <= n)
    for i in np.flatnonzero(present & (not_finite | ~inside)).tolist():
        what = (
            message(
                "coordinates are not finite numbers (NaN or infinity); correct them in the source"
            )
            if not_finite[i]
            else _outside(b[i], gdf.attrs.get("source_crs", ""))
        )
        ctx.fault(what, row=i + 1, field="geometry", ident=ctx.ident(gdf.iloc[i]))


def _outside(bounds: Any, src: str) -> Message:
    """Say what coordinates outside Viet Nam (``bounds``: minx, miny, maxx, maxy) look like."""
    minx, miny, maxx, maxy = (float(v) for v in bounds)
    w, s, e, n = VIETNAM_BOUNDS
    if w <= miny and maxy <= e and s <= minx and maxx <= n:
        return message(
            "latitude and longitude are swapped (x={x}, y={y} is latitude, longitude); swap "
            "the columns or the coordinate order",
            x=_coord(minx, 5),
            y=_coord(miny, 5),
        )
    if src == "EPSG:4326" and (abs(minx) > 180 or abs(maxy) > 90):
        return message(
            "coordinates (x={x}, y={y}) are not longitude/latitude but the layer is read as "
            "EPSG:4326; give the CRS they are in, for example EPSG:5897 (VN-2000 / TM-3 "
            "105°E, Hanoi)",
            x=_coord(minx, 1),
            y=_coord(miny, 1),
        )
    return message(
        "coordinates outside Viet Nam (lon {w}..{e}, lat {s}..{n} after reading the layer as "
        "{crs}); is the CRS right?",
        w=_coord(minx, 4),
        e=_coord(maxx, 4),
        s=_coord(miny, 4),
        n=_coord(maxy, 4),
        crs=src or message("its CRS"),
    )


def _coord(value: float, decimals: int) -> str:
    """Format a coordinate for a message: fixed decimals, or 4 significant digits when huge.

    >>> _coord(105.51234567, 4), _coord(1e308, 4)
    ('105.5123', '1e+308')
    """
    return f"{value:.{decimals}f}" if abs(value) < 1e9 else f"{value:.4g}"


_POLY = {"Polygon", "MultiPolygon"}


def _polygonal_parts(geom: Any) -> Any:
    import shapely

    if geom.geom_type in _POLY:
        return geom
    parts = [g for g in getattr(geom, "geoms", []) if g.geom_type in _POLY]
    polys = [p for g in parts for p in getattr(g, "geoms", [g])]
    if not polys:
        return shapely.Polygon()
    return polys[0] if len(polys) == 1 else shapely.MultiPolygon(polys)


def _approx_ha(geom: Any) -> float:
    """Area in ha, good to about 1 % at Hanoi's latitude (for reports, not for checks)."""
    if geom is None or geom.is_empty:
        return 0.0
    lat = geom.centroid.y
    return float(geom.area) * (111_320.0**2) * math.cos(math.radians(lat)) / 10_000.0


def check_geometries(ctx: ReadContext, gdf: gpd.GeoDataFrame, *, fix: bool) -> gpd.GeoDataFrame:
    """Record faults for geometries of the wrong type, and invalid polygons unless ``fix`` repairs them.

    Returns
    -------
    geopandas.GeoDataFrame
        The layer, a copy with the repaired polygons when some were repaired.
    """
    import numpy as np
    import shapely

    geoms = np.asarray(gdf.geometry.array, dtype=object)
    present = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    _check_types(ctx, gdf, geoms, present, fix=fix)
    changed: list[str] = []
    new = list(geoms)
    for i, g in enumerate(geoms):
        if not present[i] or g.geom_type in _POINTS or ctx.has_fault(i + 1, "geometry"):
            continue
        if g.geom_type in _POLY and shapely.is_valid(g):
            continue
        repaired = _repair(ctx, gdf, i, g, fix=fix)
        if repaired is not None:
            new[i], change = repaired
            changed.append(change)
    if changed:
        import geopandas as gpd

        gdf = gdf.copy()
        gdf[gdf.geometry.name] = gpd.GeoSeries(new, index=gdf.index, crs=gdf.crs)
        ctx.fixes.extend(changed)
        warnings.warn(
            plural_message(
                "{path}: repaired {n} invalid geometry: {changes}",
                "{path}: repaired {n} invalid geometries: {changes}",
                len(changed),
                path=str(ctx.path),
                changes=join_messages(changed, sep="; "),
            ),
            GeometryFixWarning,
            stacklevel=3,
        )
    return gdf


def _check_types(
    ctx: ReadContext, gdf: gpd.GeoDataFrame, geoms: Any, present: Any, *, fix: bool
) -> None:
    """Record a fault for each geometry that is not a polygon where the layer needs polygons."""
    import numpy as np

    types = [g.geom_type if ok else None for g, ok in zip(geoms, present, strict=True)]
    kinds = {t for t in types if t}
    polygons_only = ctx.kind != "clusters" or not kinds <= _POINTS
    # A row that says it is a location only (``geometry_kind = point``, as planning's own
    # exports do) may be a point among polygons: the layer then round-trips.
    location_only = (
        gdf["geometry_kind"].astype(str).str.strip().str.lower().eq("point").to_numpy()
        if ctx.kind == "clusters" and "geometry_kind" in gdf.columns
        else np.zeros(len(gdf), dtype=bool)
    )
    for i, t in enumerate(types):
        if t is None or t in _POLY:
            continue
        if t in _POINTS and (not polygons_only or location_only[i]):
            continue
        ident = ctx.ident(gdf.iloc[i])
        if t == "GeometryCollection" and fix:
            continue  # made polygonal by check_geometries
        if t in _POINTS and kinds & _POLY:
            what = message("mixed geometries: points among polygons; a layer needs one kind")
        elif t in _POINTS:
            what = message("a {type} where a {kind} layer needs polygons", type=t, kind=ctx.kind)
        else:
            what = message("a {type} where polygons are needed", type=t)
        ctx.fault(
            message("{what}; draw it as a polygon", what=what),
            row=i + 1,
            field="geometry",
            ident=ident,
        )


def _repair(
    ctx: ReadContext, gdf: gpd.GeoDataFrame, i: int, g: Any, *, fix: bool
) -> tuple[Any, str] | None:
    """Return row ``i``'s invalid geometry repaired with ``make_valid``, and what changed.

    None when it is not repaired: a fault of the row is recorded instead.
    """
    import shapely

    why = shapely.is_valid_reason(g)
    ident = ctx.ident(gdf.iloc[i])
    if not fix:
        ctx.fault(
            message(
                "invalid polygon: {why}; repair it in the source, or run again with --fix "
                "(or fix=True in Python) to repair it with make_valid",
                why=why,
            ),
            row=i + 1,
            field="geometry",
            ident=ident,
        )
        return None
    try:
        repaired = _polygonal_parts(shapely.make_valid(g))
    except shapely.errors.GEOSException as exc:
        ctx.fault(
            message(
                "invalid polygon ({why}) cannot be repaired: {reason}; redraw it",
                why=why,
                reason=reason(exc),
            ),
            row=i + 1,
            field="geometry",
            ident=ident,
        )
        return None
    if repaired.is_empty:
        ctx.fault(
            message(
                "invalid polygon ({why}) has no area left after make_valid; redraw it", why=why
            ),
            row=i + 1,
            field="geometry",
            ident=ident,
        )
        return None
    before, after = _approx_ha(g), _approx_ha(repaired)
    label = message("row {row}", row=ctx.row_number(i + 1))
    quoted = f" ({ident})" if ident else ""
    change = message(
        "{label}{ident}: {why} → repaired with make_valid ({before_type} → {after_type}, "
        "about {before:.3f} → {after:.3f} ha)",
        label=label,
        ident=quoted,
        why=why,
        before_type=g.geom_type,
        after_type=repaired.geom_type,
        before=before,
        after=after,
    )
    return repaired, change


def check_ids(ctx: ReadContext, gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Record faults for empty and duplicate ids (case-insensitive); assign ids by row if none.

    A districts layer may leave ids empty. Ids assigned by row are ``<file stem>-001`` ….
    """
    col = LAYERS[ctx.kind].id_column
    ids = [cell_text(v) for v in gdf[col]]
    if ctx.kind != "districts" and not any(ids):
        stem = ctx.path.stem
        ids = [f"{stem}-{i:03d}" for i in range(1, len(ids) + 1)]
        ctx.notes.append(
            message(
                "{path}: no id column; ids {first}… assigned by row",
                path=str(ctx.path),
                first=ids[0],
            )
        )
        gdf[col] = object_series(ids, gdf.index)
        return gdf
    seen: dict[str, int] = {}
    for i, v in enumerate(ids, start=1):
        if not v:
            if ctx.kind != "districts" and not ctx.has_fault(i, None):  # not an empty row
                ctx.fault(
                    message(
                        "empty id; give every row its {column}, or empty the whole column to "
                        "have ids assigned by row",
                        column=col,
                    ),
                    row=i,
                    field=col,
                )
            continue
        key = v.casefold()
        if key in seen:
            ctx.fault(
                message(
                    "duplicate {column} {value!r} (also on row {row}); give each row its own id",
                    column=col,
                    value=v,
                    row=ctx.row_number(seen[key]),
                ),
                row=i,
                field=col,
                ident=f"{col}={v}",
            )
            continue
        seen[key] = i
    return gdf


def check_area_units(ctx: ReadContext, gdf: gpd.GeoDataFrame) -> None:
    """Warn (:class:`~planning.errors.AreaUnitWarning`) when declared areas look like m².

    They do when they are 2,000-50,000 times the polygons' areas (median), or, without
    polygons, when their median is over 1,000 ha for clusters (100,000 ha otherwise).
    """
    import numpy as np

    if "declared_ha" not in gdf.columns:
        return
    declared = np.asarray(gdf["declared_ha"], dtype=float)
    ok = np.isfinite(declared) & (declared > 0)
    if not ok.any():
        return
    geoms = np.asarray(gdf.geometry.array, dtype=object)
    poly = np.array(
        [g is not None and not g.is_empty and g.geom_type in _POLY for g in geoms], dtype=bool
    )
    both = ok & poly
    what: Message | None = None
    if both.sum() >= 1:
        measured = np.array([_approx_ha(g) for g in geoms[both]])
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = float(np.nanmedian(declared[both] / measured))
        if 2_000 <= ratio <= 50_000:
            what = message(
                "declared areas are about {ratio:,.0f} times the measured polygon areas: they "
                "look like m², not ha",
                ratio=ratio,
            )
    if what is None:
        median = float(np.median(declared[ok]))
        limit = 1_000.0 if ctx.kind == "clusters" else 100_000.0
        if median > limit:
            what = (
                message(
                    "declared areas look like m², not ha (median {median:,.0f}; an industrial "
                    "cluster is typically 10-75 ha)",
                    median=median,
                )
                if ctx.kind == "clusters"
                else message(
                    "declared areas look like m², not ha (median {median:,.0f})", median=median
                )
            )
    if what is not None:
        advice = message(
            "{what}; divide by 10 000 or name the column dien_tich_m2 / area_m2", what=what
        )
        ctx.notes.append(message("{path}: {what}", path=str(ctx.path), what=advice))
        warnings.warn(
            message(
                "{path}: field {field!r}: {what}",
                path=str(ctx.path),
                field="declared_ha",
                what=advice,
            ),
            AreaUnitWarning,
            stacklevel=3,
        )
