"""The project's one way between VN-2000 and WGS 84, in both directions, for any pair of CRSs.

:func:`transformer_to_wgs84` and :func:`transformer_from_wgs84` build the explicit EPSG:6960
pipeline ("VN-2000 to WGS 84 (2)", or the shift a user gave) for a CRS repaired by
:func:`planning.geo.crs.repair_crs`, so no result depends on which operation PROJ would
pick. :func:`transform_xy` (coordinate arrays) and :func:`reproject` (layers) use them for
any pair of CRSs, and :func:`to_wgs84` brings a read layer to EPSG:4326, repairing a
VN-2000 CRS that lost its datum shift. Areas (:mod:`planning.geo.area`), readers and maps
(exports, print maps) all move coordinates through this module.

Heavy imports (pyproj, shapely, numpy, geopandas) happen inside functions.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from functools import lru_cache
from os import PathLike
from typing import TYPE_CHECKING, Any

from planning.errors import CRSError
from planning.geo.crs import CRSRepair, DatumShiftWarning, parse_crs, repair_crs
from planning.settings import WGS84

if TYPE_CHECKING:
    import geopandas as gpd
    import numpy as np
    from pyproj import CRS, Transformer

    from planning.geo.helmert import Helmert

__all__ = [
    "reproject",
    "to_wgs84",
    "transform_xy",
    "transformer_from_wgs84",
    "transformer_to_wgs84",
]


def _projection_steps(crs: CRS, *, inverse: bool = True) -> str:
    """PROJ steps between the CRS's native x/y and radians lon/lat on its own datum.

    ``inverse`` (the default) goes from x/y to lon/lat; otherwise from lon/lat to x/y.
    """
    if crs.is_geographic:
        if inverse:
            return "+step +proj=unitconvert +xy_in=deg +xy_out=rad"
        return "+step +proj=unitconvert +xy_in=rad +xy_out=deg"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        proj4 = crs.to_proj4() or ""
    tokens = [
        t
        for t in proj4.split()
        if not t.startswith(("+type=", "+no_defs", "+towgs84=", "+datum=", "+nadgrids="))
    ]
    if not tokens or not tokens[0].startswith("+proj="):
        raise CRSError(f"cannot build a transformation from {crs.name!r}")
    return ("+step +inv " if inverse else "+step ") + " ".join(tokens)


def transformer_to_wgs84(repair: CRSRepair) -> Transformer:
    """Return a transformer from the repaired CRS to WGS 84 longitude/latitude.

    VN-2000 goes through an explicit pipeline with the chosen Helmert shift (EPSG:6960 by
    default), so the result does not depend on which operation PROJ would pick.

    Parameters
    ----------
    repair
        The result of :func:`repair_crs`.

    Returns
    -------
    pyproj.Transformer
        Takes x/y (easting/northing, or longitude/latitude) and returns lon/lat.
    """
    from pyproj import Transformer

    if repair.vn2000 and repair.helmert is not None:
        pipeline = (
            "+proj=pipeline "
            + _projection_steps(repair.crs)
            + " "
            + repair.helmert.proj_steps()
            + " +step +proj=unitconvert +xy_in=rad +xy_out=deg"
        )
        return Transformer.from_pipeline(pipeline)
    return Transformer.from_crs(repair.crs, WGS84, always_xy=True)


def transformer_from_wgs84(repair: CRSRepair) -> Transformer:
    """Return a transformer from WGS 84 longitude/latitude to the repaired CRS.

    The inverse of :func:`transformer_to_wgs84`: VN-2000 through the explicit pipeline
    with the chosen Helmert shift, inverted (EPSG:6960 by default).

    Parameters
    ----------
    repair
        The result of :func:`repair_crs`.

    Returns
    -------
    pyproj.Transformer
        Takes lon/lat and returns x/y (easting/northing, or longitude/latitude).
    """
    from pyproj import Transformer

    if repair.vn2000 and repair.helmert is not None:
        pipeline = (
            "+proj=pipeline +step +proj=unitconvert +xy_in=deg +xy_out=rad "
            + repair.helmert.proj_steps(inverse=True)
            + " "
            + _projection_steps(repair.crs, inverse=False)
        )
        return Transformer.from_pipeline(pipeline)
    return Transformer.from_crs(WGS84, repair.crs, always_xy=True)


def _is_wgs84_lonlat(crs: CRS) -> bool:
    from pyproj import CRS

    return bool(crs.equals(CRS.from_user_input(WGS84), ignore_axis_order=True))


@lru_cache(maxsize=64)
def _chain(src_wkt: str, dst_wkt: str) -> tuple[tuple[Transformer, ...], tuple[str, ...]]:
    """Return the transformers from ``src`` to ``dst`` (applied in turn) and warnings due.

    Empty when nothing needs doing. Between VN-2000 and anything else the way goes
    through WGS 84 longitude/latitude with :func:`transformer_to_wgs84` and
    :func:`transformer_from_wgs84`; between two VN-2000 CRSs with the same shift, and
    between two CRSs that are not VN-2000, PROJ converts directly.
    """
    from pyproj import CRS, Transformer

    src, dst = CRS.from_wkt(src_wkt), CRS.from_wkt(dst_wkt)
    if src.equals(dst, ignore_axis_order=True):
        return (), ()
    rs, rd = repair_crs(src, warn=False), repair_crs(dst, warn=False)
    due = tuple(r.notes[-1] for r in (rs, rd) if r.datum_shift_lost)
    if not (rs.vn2000 or rd.vn2000) or (rs.vn2000 and rd.vn2000 and rs.helmert == rd.helmert):
        if rs.crs.equals(rd.crs, ignore_axis_order=True):
            return (), due
        return (Transformer.from_crs(rs.crs, rd.crs, always_xy=True),), due
    steps = []
    if rs.vn2000 or not _is_wgs84_lonlat(rs.crs):
        steps.append(transformer_to_wgs84(rs))
    if rd.vn2000 or not _is_wgs84_lonlat(rd.crs):
        steps.append(transformer_from_wgs84(rd))
    return tuple(steps), due


def transform_xy(x: Any, y: Any, *, src: Any, dst: Any) -> tuple[np.ndarray, np.ndarray]:
    """Transform coordinate arrays from ``src`` to ``dst``: the project's one transformer.

    A VN-2000 side (recognised and repaired by :func:`repair_crs`, so a ``.prj`` that lost
    its datum shift counts) reaches WGS 84 through EPSG:6960, "VN-2000 to WGS 84 (2)",
    never through whatever operation PROJ would pick. Areas, readers and maps all move
    coordinates with it.

    Parameters
    ----------
    x, y
        Coordinates in ``src``, longitude/easting first (whatever the CRS's axis order).
    src, dst
        Anything :meth:`pyproj.CRS.from_user_input` accepts.

    Returns
    -------
    x, y : numpy.ndarray
        Float64 coordinates in ``dst``, longitude/easting first. Coordinates outside a
        projection's domain come back as inf or NaN (callers decide what that means).

    Raises
    ------
    CRSError
        If a CRS is missing or unreadable, or PROJ cannot build the transformation.

    Warns
    -----
    DatumShiftWarning
        When ``src`` or ``dst`` is VN-2000 that had lost its datum shift.
    """
    import numpy as np
    from pyproj.exceptions import ProjError

    xo, yo = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    s, d = parse_crs(src), parse_crs(dst)
    try:
        chain, due = _chain(s.to_wkt(), d.to_wkt())
        for message in due:
            warnings.warn(message, DatumShiftWarning, stacklevel=2)
        for tr in chain:
            xo, yo = tr.transform(xo, yo, errcheck=False)
    except ProjError as exc:
        raise CRSError(f"cannot transform from {s.name!r} to {d.name!r}: {exc}") from None
    return np.asarray(xo, dtype=float), np.asarray(yo, dtype=float)


def reproject(gdf: gpd.GeoDataFrame, crs: Any) -> gpd.GeoDataFrame:
    """Return a copy of a layer in ``crs``, moved with :func:`transform_xy`.

    Use it instead of ``GeoDataFrame.to_crs`` wherever one side may be VN-2000 (an export
    in EPSG:5897, a print map): the datum shift is then EPSG:6960 whatever PROJ's choice.

    Parameters
    ----------
    gdf
        A layer with a CRS.
    crs
        The target CRS, for example ``"EPSG:5897"``.

    Returns
    -------
    geopandas.GeoDataFrame
        A copy whose geometry column is in ``crs``.

    Raises
    ------
    CRSError
        If the layer has no CRS or the coordinates cannot be transformed.
    """
    import geopandas as gpd

    out = gdf.copy()
    src = gdf.crs

    def _xy(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return transform_xy(x, y, src=src, dst=crs)

    moved = _moved_geometries(out, _xy, source_name=parse_crs(src).name, path=None)
    out[out.geometry.name] = gpd.GeoSeries(moved, index=out.index, crs=crs)
    return out


def _moved_geometries(
    gdf: gpd.GeoDataFrame,
    xy: Callable[[np.ndarray, np.ndarray], tuple[Any, Any]],
    *,
    source_name: str,
    path: str | PathLike[str] | None,
) -> np.ndarray:
    """Move every geometry of ``gdf`` with ``xy``; refuse coordinates that come out non-finite."""
    import numpy as np
    import shapely
    from pyproj.exceptions import ProjError

    def _fn(coords: np.ndarray) -> np.ndarray:
        x, y = xy(coords[:, 0], coords[:, 1])
        return np.column_stack([x, y])

    geoms = np.asarray(gdf.geometry.array, dtype=object)
    try:
        moved = shapely.transform(geoms, _fn)
    except (ProjError, ValueError) as exc:
        raise CRSError(f"cannot transform coordinates: {exc}", path=path) from None
    bad = ~shapely.is_empty(moved) & ~shapely.is_missing(moved)
    bad &= ~np.isfinite(shapely.bounds(moved)).all(axis=1)
    if bad.any():
        row = int(np.flatnonzero(bad)[0]) + 1
        raise CRSError(
            f"coordinates cannot be transformed from {source_name!r} "
            "(outside the projection's domain?)",
            path=path,
            row=row,
            field="geometry",
        )
    return np.asarray(moved, dtype=object)


def to_wgs84(
    gdf: gpd.GeoDataFrame,
    *,
    source: Any = None,
    helmert: Helmert | None = None,
    path: str | PathLike[str] | None = None,
) -> gpd.GeoDataFrame:
    """Return ``gdf`` in EPSG:4326, repairing a VN-2000 CRS that lost its datum shift.

    Parameters
    ----------
    gdf
        The layer.
    source
        The CRS the coordinates are really in; overrides ``gdf.crs`` (use it for files
        with no or a wrong CRS).
    helmert
        A VN-2000 → WGS 84 shift to use instead of EPSG:6960.
    path
        The file the layer came from, named in messages.

    Returns
    -------
    geopandas.GeoDataFrame
        A copy in EPSG:4326. ``attrs["crs_notes"]`` lists what was found and done and
        ``attrs["source_crs"]`` the (repaired) source CRS as ``EPSG:xxxx`` or WKT.

    Raises
    ------
    CRSError
        If the layer has no CRS and none is given, or coordinates cannot be transformed.
    """
    import geopandas as gpd
    from pyproj.exceptions import ProjError

    repair = repair_crs(source if source is not None else gdf.crs, path=path, helmert=helmert)
    out = gdf.copy()
    code = repair.epsg
    if code == 4326 and not repair.vn2000:
        out = out.set_crs(WGS84, allow_override=True)
    else:
        try:
            tr = transformer_to_wgs84(repair)
        except ProjError as exc:
            raise CRSError(f"cannot transform from {repair.crs.name!r}: {exc}", path=path) from None

        def _xy(x: np.ndarray, y: np.ndarray) -> tuple[Any, Any]:
            return tr.transform(x, y, errcheck=False)

        moved = _moved_geometries(out, _xy, source_name=repair.crs.name, path=path)
        out[out.geometry.name] = gpd.GeoSeries(moved, index=out.index, crs=WGS84)
    out.attrs["crs_notes"] = list(repair.notes)
    out.attrs["source_crs"] = f"EPSG:{code}" if code else repair.crs.to_string()
    out.attrs["datum_shift_repaired"] = repair.datum_shift_lost
    return out
