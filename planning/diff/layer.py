"""A plan diff's cluster changes as a GeoDataFrame (EPSG:4326), for maps.

:func:`diff_layer` gives one row per :class:`planning.diff.changes.ClusterChange`; the diff map
(:func:`planning.maps.api.make_diff_map`) draws it.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import geopandas as gpd

    from planning.diff.changes import ClusterChange, PlanDiff

__all__ = ["diff_layer"]

#: The layer's text columns, then its numeric ones (the geometry comes last).
_TEXT_COLUMNS = (
    "change",
    "cluster_id",
    "name_vi",
    "district_code",
    "district_vi",
    "category",
    "geometry_kind",
)
_COLUMNS = (
    *_TEXT_COLUMNS,
    "old_ha",
    "new_ha",
    "delta_ha",
    "moved_m",
    "old_lon",
    "old_lat",
    "new_lon",
    "new_lat",
)


def diff_layer(d: PlanDiff) -> gpd.GeoDataFrame:
    """Return the cluster changes of a diff as a layer, for maps.

    Parameters
    ----------
    d
        A diff from :func:`planning.diff.diff_plans`.

    Returns
    -------
    geopandas.GeoDataFrame
        EPSG:4326, one row per :class:`ClusterChange` (a cluster both resized and moved
        has two rows), in the order added, removed, resized, moved. Columns: ``change``,
        ``cluster_id``, ``name_vi``, ``district_code``, ``district_vi``, ``category``,
        ``geometry_kind``, ``old_ha``, ``new_ha``, ``delta_ha`` (NaN for a missing
        area, except ``delta_ha``), ``moved_m`` (NaN unless moved), ``old_lon``,
        ``old_lat``, ``new_lon``, ``new_lat`` (the locations, for drawing a move) and
        ``geometry``: the new geometry, or the old one for a removal.
    """
    import geopandas as gpd

    from planning.settings import WGS84

    rows = [_row(c) for c in d.changes]
    if not rows:
        import pandas as pd

        empty = pd.DataFrame(
            {c: pd.Series(dtype=object if c in _TEXT_COLUMNS else float) for c in _COLUMNS}
        )
        return gpd.GeoDataFrame(empty, geometry=gpd.GeoSeries([], crs=WGS84), crs=WGS84)
    geoms = [c.geometry for c in d.changes]
    return gpd.GeoDataFrame(rows, columns=list(_COLUMNS), geometry=geoms, crs=WGS84)


def _row(c: ClusterChange) -> dict[str, Any]:
    """Return one change as a row of the layer (NaN for a missing area or location)."""
    nan = math.nan
    old_loc = c.old_location or (nan, nan)
    new_loc = c.new_location or (nan, nan)
    return {
        "change": c.change,
        "cluster_id": c.cluster_id,
        "name_vi": c.name_vi,
        "district_code": c.district_code,
        "district_vi": c.district_vi,
        "category": c.category,
        "geometry_kind": c.geometry_kind,
        "old_ha": nan if c.old_ha is None else c.old_ha,
        "new_ha": nan if c.new_ha is None else c.new_ha,
        "delta_ha": c.delta_ha,
        "moved_m": nan if c.moved_m is None else c.moved_m,
        "old_lon": old_loc[0],
        "old_lat": old_loc[1],
        "new_lon": new_loc[0],
        "new_lat": new_loc[1],
    }
