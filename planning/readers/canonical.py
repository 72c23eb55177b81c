"""The last step of every read: the canonical columns of :mod:`planning.schema`, filled and checked.

:func:`finish` runs the checks of :mod:`planning.readers.validate` and :func:`fill_columns`,
then puts the layer's canonical columns first, the file's other columns after them, and
records in ``attrs`` what the reader noticed and repaired. :func:`fill_columns` parses the
declared areas (converting m²), fills empty text columns with their defaults, infers
``geometry_kind`` and ``location_precision`` from how a row was located, splits a combined
location cell into commune and district, and takes the type prefixes off place names.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any, Literal

from planning.i18n import message
from planning.readers._context import ReadContext
from planning.readers.locations import split_locations
from planning.readers.validate import (
    check_area_units,
    check_coordinates,
    check_geometries,
    check_ids,
)
from planning.readers.values import (
    AreaError,
    area_fault,
    cell_text,
    object_series,
    parse_area,
    per_value,
    try_parse_area,
)
from planning.schema import LAYERS
from planning.settings import WGS84
from planning.text.names import split_admin_prefix

if TYPE_CHECKING:
    import geopandas as gpd

__all__ = ["fill_columns", "finish"]


def finish(ctx: ReadContext, gdf: gpd.GeoDataFrame, *, fix: bool) -> gpd.GeoDataFrame:
    """Check a layer, fill its canonical columns and put them first; record ``attrs``.

    Parameters
    ----------
    ctx
        The read in progress.
    gdf
        The layer in EPSG:4326 with canonical column names.
    fix
        Repair invalid polygons instead of refusing them.

    Returns
    -------
    geopandas.GeoDataFrame
        EPSG:4326: the canonical columns, the file's other columns, ``needs_placement``
        when some row needs placing, then ``geometry``. ``attrs`` holds ``path``, ``kind``,
        ``notes``, ``fixes``, ``source_crs`` and ``stated_totals``.
    """
    import geopandas as gpd
    import shapely

    if len(gdf) == 0:
        raise ctx.error(message("the layer is empty (no features)"))
    crs_notes = list(gdf.attrs.get("crs_notes", []))
    source_crs = gdf.attrs.get("source_crs", "")
    gdf = gdf.reset_index(drop=True)
    gdf[gdf.geometry.name] = gpd.GeoSeries(
        shapely.force_2d(gdf.geometry.array), index=gdf.index, crs=gdf.crs
    )
    gdf.attrs["source_crs"] = source_crs
    check_coordinates(ctx, gdf)
    gdf = check_geometries(ctx, _without_bad_geometries(ctx, gdf), fix=fix)
    gdf = fill_columns(ctx, _without_bad_geometries(ctx, gdf))
    gdf = check_ids(ctx, gdf)
    ctx.identify_faults(gdf[LAYERS[ctx.kind].id_column])
    check_area_units(ctx, gdf)
    canon = list(LAYERS[ctx.kind].names)
    geom_name = gdf.geometry.name
    extra = [c for c in gdf.columns if c not in canon and c not in {geom_name, "needs_placement"}]
    tail = ["needs_placement"] if "needs_placement" in gdf.columns else []
    ordered = gdf[[*canon, *extra, *tail, geom_name]]
    if geom_name != "geometry":
        ordered = ordered.rename_geometry("geometry")
    out = gpd.GeoDataFrame(ordered, geometry="geometry", crs=WGS84)
    if tail:
        out["needs_placement"] = out["needs_placement"].astype(bool)
    out.attrs = {
        "path": str(ctx.path),
        "kind": ctx.kind,
        "notes": [*crs_notes, *ctx.notes],
        "fixes": list(ctx.fixes),
        "source_crs": source_crs,
        "stated_totals": list(ctx.totals),
    }
    return out


def _without_bad_geometries(ctx: ReadContext, gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Return the layer with the geometries that are faults emptied (None), for later steps."""
    import geopandas as gpd

    bad = sorted(row - 1 for row, field in ctx.faulted if field == "geometry")
    if not bad:
        return gdf
    geoms = list(gdf.geometry.array)
    for i in bad:
        geoms[i] = None
    gdf = gdf.copy()
    gdf[gdf.geometry.name] = gpd.GeoSeries(geoms, index=gdf.index, crs=gdf.crs)
    return gdf


def fill_columns(ctx: ReadContext, gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Return a copy of the layer with every canonical column present, parsed and filled.

    An unreadable declared area, or a ``geometry_kind`` that is not one of
    :data:`planning.schema.GEOMETRY_KINDS`, is recorded as a fault of its row
    (:meth:`~planning.readers._context.ReadContext.fault`); the area is then NaN, the kind
    the default.
    """
    import numpy as np
    import shapely

    n = len(gdf)
    canon = LAYERS[ctx.kind].names
    gdf = gdf.copy()
    if "declared_ha" in canon:
        gdf = _fill_areas(ctx, gdf)
    geoms = np.asarray(gdf.geometry.array, dtype=object)
    present = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    is_point = np.array(
        [bool(ok) and g.geom_type in {"Point", "MultiPoint"}
         for g, ok in zip(geoms, present, strict=True)]
    )  # fmt: skip
    needs = (
        np.asarray(gdf["needs_placement"], dtype=bool)
        if "needs_placement" in gdf.columns
        else np.zeros(n, dtype=bool)
    )
    for col in canon:
        if col not in gdf.columns and col != "declared_ha":
            gdf[col] = object_series([""] * n, gdf.index)
    for col in canon:
        if col != "declared_ha":
            values = _column_values(ctx, gdf, col, needs=needs, is_point=is_point)
            gdf[col] = object_series(values, gdf.index)
    if ctx.kind == "districts":
        gdf["district_vi"] = per_value(gdf["district_vi"], _text_bare_name)
    return gdf


def _column_values(
    ctx: ReadContext, gdf: gpd.GeoDataFrame, col: str, *, needs: Any, is_point: Any
) -> list[str]:
    """Return the filled text values of canonical column ``col``."""
    values = per_value(gdf[col], cell_text)
    defaults = {c.name: c.default for c in LAYERS[ctx.kind].columns if c.default is not None}
    if col == "geometry_kind":
        return _geometry_kinds(ctx, gdf, values, needs=needs, is_point=is_point)
    if col == "location_precision":
        return [
            v or _location_precision(gdf, i, needs=needs[i], is_point=is_point[i])
            for i, v in enumerate(values)
        ]
    if col == "commune_vi":
        return split_locations(values, gdf)
    if col == "district_vi":
        return per_value(values, _bare_name)
    if col == "district_type" and "district_vi" in gdf.columns:
        types = per_value(gdf["district_vi"], _admin_type)
        return [v or t for v, t in zip(values, types, strict=True)]
    if not any(values) and col in defaults:
        return [defaults[col]] * len(values)
    return [v or defaults.get(col, "") for v in values]


def _location_precision(gdf: gpd.GeoDataFrame, i: int, *, needs: bool, is_point: bool) -> str:
    """How well row ``i`` is located, when the file does not say."""
    if needs and "commune_vi" in gdf.columns:
        return "commune" if cell_text(gdf["commune_vi"].iloc[i]) else "district"
    if needs:
        return "district"
    return "coordinates" if is_point else "digitized"


def _geometry_kinds(
    ctx: ReadContext, gdf: gpd.GeoDataFrame, values: list[str], *, needs: Any, is_point: Any
) -> list[str]:
    """Fill ``geometry_kind`` from how each row was located; refuse unknown kinds.

    A row to be placed is ``indicative`` when it has a declared area (it gets a footprint),
    ``point`` otherwise; a point read from the file is ``point``; a polygon takes the
    layer's default.
    """
    column = LAYERS[ctx.kind].column("geometry_kind")
    allowed = column.values

    def inferred(i: int) -> str:
        if needs[i]:
            return "indicative" if math.isfinite(gdf["declared_ha"].iloc[i]) else "point"
        return "point" if is_point[i] else str(column.default)

    out = [v or inferred(i) for i, v in enumerate(values)]
    for i, v in enumerate(out if not set(out) <= set(allowed) else []):
        if v not in allowed:
            ctx.fault(
                message(
                    "geometry_kind {value!r} is not one of {allowed}; write one of them, or "
                    "empty the cell",
                    value=v,
                    allowed=", ".join(allowed),
                ),
                row=i + 1,
                field="geometry_kind",
                ident=ctx.ident(gdf.iloc[i]),
            )
            out[i] = str(column.default)
    return out


def _fill_areas(ctx: ReadContext, gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Parse ``declared_ha`` (or convert ``declared_m2``) and fill ``area_qualifier``."""
    import numpy as np

    n = len(gdf)
    src_col = "declared_ha" if "declared_ha" in gdf.columns else None
    if src_col is None and "declared_m2" in gdf.columns:
        src_col = "declared_m2"
    source = list(gdf[src_col]) if src_col else [None] * n
    unit: Literal["ha", "m2"] = "m2" if src_col == "declared_m2" else "ha"
    parsed = per_value(source, lambda v: try_parse_area(v, unit=unit))
    for i, res in enumerate(parsed):
        if res is None:  # an unreadable area: a fault with parse_area's own message
            try:
                parse_area(source[i], unit=unit)
            except AreaError as exc:
                ctx.fault(area_fault(exc, unit=unit), row=i + 1, field=src_col,
                          ident=ctx.ident(gdf.iloc[i]))  # fmt: skip
            parsed[i] = (math.nan, "")
        elif res[0] == 0:  # 0 is not an area: a percentage against it would be infinite
            ctx.fault(
                message(
                    "declared area 0 {unit} is not an area; write the plan's area in {unit}, or "
                    "empty the cell if it is not known",
                    unit="m²" if unit == "m2" else "ha",
                ),
                row=i + 1,
                field=src_col,
                ident=ctx.ident(gdf.iloc[i]),
            )
            parsed[i] = (math.nan, "")
    if src_col == "declared_m2":
        areas = [a / 10_000.0 for a, _ in parsed]
        ctx.notes.append(message("{path}: areas converted from m² to ha", path=str(ctx.path)))
        gdf = gdf.drop(columns=["declared_m2"])
    else:
        areas = [a for a, _ in parsed]
    quals = [q for _, q in parsed]
    gdf["declared_ha"] = np.asarray(areas, dtype=float)
    if ctx.kind == "clusters":
        given = per_value(gdf["area_qualifier"], cell_text) if "area_qualifier" in gdf else []
        gdf["area_qualifier"] = [(given[i] if given and given[i] else quals[i]) for i in range(n)]
    return gdf


def _bare_name(value: str) -> str:
    return split_admin_prefix(value)[1] if value else ""


def _admin_type(value: object) -> str:
    return split_admin_prefix(cell_text(value))[0]


def _text_bare_name(value: object) -> str:
    return split_admin_prefix(cell_text(value))[1]
