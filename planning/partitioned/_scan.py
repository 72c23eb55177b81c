"""Evaluating the rules on each partition, where it lies (on the workers).

Each partition is normalised as ``Plan.with_clusters`` does it, then scanned by the rules
that look at one cluster at a time; its summary (attribute table, the rules' partials,
folded names, a sample of where its polygons lie) goes back to the driver, and its valid
polygons stay on the worker for the overlap test (:mod:`planning.partitioned._strips`).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from planning.errors import PlanDataError
from planning.partitioned._strips import Polygons

if TYPE_CHECKING:
    import geopandas as gpd

    from planning.model.manifest import Manifest
    from planning.rules import CheckOptions, Partial


#: The attribute rule whose costly part (folding every name) is done per partition.
NAMES_RULE = "IDS002"


@dataclass(frozen=True)
class Context:
    """What every partition task needs besides its rows (shipped to the workers once)."""

    districts: gpd.GeoDataFrame
    zones: gpd.GeoDataFrame
    manifest: Manifest
    complete: bool
    options: CheckOptions
    scans: tuple[str, ...]  # codes of the rules scanned per partition
    pairs: bool  # whether TOP001 is wanted
    name_keys: bool  # whether IDS002 is wanted (its names are folded per partition)
    path: str | None
    industrial_parks: gpd.GeoDataFrame | None = None  # the context layer CTX001 scans against


def scan_tasks(ddf: Any, ctx: Context) -> list[Any]:
    """One lazy task per partition: ``(summary, polygons)`` (see :func:`scan_partition`)."""
    from dask import delayed

    context = delayed(ctx, traverse=False, name=f"planning-context-{uuid.uuid4().hex}")
    parts = ddf.to_delayed()
    return [delayed(scan_partition, pure=True, nout=2)(p, k, context) for k, p in enumerate(parts)]


def normalise(part: gpd.GeoDataFrame, k: int, ctx: Context) -> gpd.GeoDataFrame:
    """Return a partition as ``Plan.with_clusters`` has it, before areas (errors name it)."""
    import geopandas as gpd

    from planning.model.plan import finish_clusters

    try:
        return finish_clusters(gpd.GeoDataFrame(part).copy(), path=ctx.path)
    except PlanDataError as exc:
        where = f"partition {k}" + (f", row {exc.row}" if exc.row else "")
        raise PlanDataError(
            f"{exc.message} ({where})", path=exc.path, field=exc.field, ident=exc.ident
        ) from None


def scan_partition(part: gpd.GeoDataFrame, k: int, ctx: Context) -> tuple[dict[str, Any], Polygons]:
    """Normalise one partition and scan it with the row-by-row rules.

    Returns a small summary (the attribute table, the rules' partials, a sample of where
    the polygons lie) and the polygons TOP001 tests, which stay on the worker.
    """
    import numpy as np
    import pandas as pd

    from planning.geo.area import add_areas
    from planning.model.plan import Plan
    from planning.rules import REGISTRY, shared_scope
    from planning.rules.topology import polygonal

    clusters = add_areas(normalise(part, k, ctx))
    plan = Plan(
        clusters=clusters,
        districts=ctx.districts,
        zones=ctx.zones,
        manifest=ctx.manifest,
        complete=ctx.complete,
        industrial_parks=ctx.industrial_parks,
    )
    no_zones = replace(plan, zones=ctx.zones.iloc[:0])
    out: dict[str, Any] = {"thin": pd.DataFrame(clusters.drop(columns="geometry"))}
    with shared_scope():
        partials: dict[str, Partial] = {}
        for code in ctx.scans:
            r = REGISTRY[code]
            assert r.scan is not None
            partials[code] = r.scan(no_zones if r.zone_rows else plan, ctx.options, r)
        out["partials"] = partials
        ok = polygonal(clusters) if ctx.pairs else np.zeros(len(clusters), dtype=bool)
    if ctx.name_keys:
        from planning.rules.identity import name_folds

        out["name_keys"] = name_folds(clusters["name_vi"].astype(str)).to_numpy()
    polys = Polygons.of(clusters, ok, k)
    out["polygons"] = len(polys.keys)
    out["sample"] = polys.sample()
    return out, polys


def summary(scan: tuple[dict[str, Any], Polygons]) -> dict[str, Any]:
    """Return a partition scan's summary, the part that goes back to the driver."""
    return scan[0]
