"""The check suite on partitioned GeoParquet, with dask-geopandas, on one machine or a cluster.

:func:`check_partitioned` returns the :class:`~planning.report.Report` that
:func:`planning.check` returns for the same clusters, computed partition by partition:

* Rules that look at one cluster at a time (ARE, GEO, LOC, TOP002) *scan* each partition
  where it lies, on the workers. Their findings and counts are combined in partition
  order and *finished* once (see :class:`planning.rules.Partial`). The GEO rules scan the
  zones once, on their own.
* Overlaps between clusters (TOP001) are found within and across *spatial* partitions.
  The valid polygons are re-partitioned along a Hilbert curve
  (``dask_geopandas.GeoDataFrame.spatial_shuffle``), and only partitions whose convex
  hulls meet are compared, so the cost stays about n log n. Each overlapping pair is
  measured in the orientation the in-memory rule uses (lower row first), so the areas
  are the same to the last bit.
* Rules on the plan as a whole (PLN counts and totals, IDS duplicate ids and names, COV
  coverage) run once on the clusters' attribute table, gathered without geometries.

The input is a clusters layer with ``planning``'s column names (``docs/architecture.md``),
such as GeoParquet written from ``Plan.clusters`` or by
:func:`planning.testing.synthetic_clusters`. Each partition goes through the same
normalisation as :meth:`planning.model.Plan.with_clusters` (missing columns filled, NFC
text, EPSG:4326, areas). Unlike ``planning.load_plan``, nothing is refused at read time:
invalid polygons and repeated ids are what GEO001 and IDS001 report.

Dask is imported only here, so ``import planning`` and ``planning --help`` stay fast.
"""

from __future__ import annotations

import sys
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from os import PathLike, fspath
from pathlib import Path
from typing import TYPE_CHECKING, Any

from planning.errors import PlanDataError, UsageError, require
from planning.settings import WGS84

if TYPE_CHECKING:
    import argparse

    import geopandas as gpd
    import numpy as np
    import pandas as pd
    from rich.console import Console

    from planning.manifest import Manifest
    from planning.model import Plan
    from planning.report import Report
    from planning.rules import CheckOptions, Partial, RuleResult

__all__ = [
    "ATTRIBUTE_FAMILIES",
    "PAIRWISE_RULES",
    "Progress",
    "check_from_args",
    "check_partitioned",
    "rich_progress",
]

Progress = Callable[[str, int, int], None]
"""A progress callback: ``progress(stage, done, total)``; ``total`` 0 when unknown."""

#: Rule families run once, on the attribute table of all clusters (no geometry needed).
ATTRIBUTE_FAMILIES = ("plan", "identity", "coverage")
#: Rules computed from pairs of clusters, across partitions.
PAIRWISE_RULES = ("TOP001",)

Source = Any
"""A GeoParquet path (file or directory), a list of them, a dask-geopandas or a geopandas
GeoDataFrame."""


@dataclass(frozen=True)
class _Context:
    """What every partition task needs besides its rows (shipped to the workers once)."""

    districts: gpd.GeoDataFrame
    zones: gpd.GeoDataFrame
    manifest: Manifest
    complete: bool
    options: CheckOptions
    scans: tuple[str, ...]  # codes of the rules scanned per partition
    pairs: bool  # whether TOP001 is wanted
    path: str | None


def check_partitioned(
    source: Source,
    *,
    scheduler: Any = None,
    tolerance_pct: float | None = None,
    select: Sequence[str] = (),
    ignore: Sequence[str] = (),
    base: Plan | None = None,
    complete: bool = True,
    npartitions: int | None = None,
    progress: Progress | None = None,
    name: str | None = None,
) -> Report:
    """Run the check suite on a partitioned clusters layer and return the report.

    The result equals ``planning.check(base.with_clusters(layer, complete=complete))`` on the
    same rows: the same rule statuses, explanations and findings (TOP001's in the order of
    its pairs' rows).

    Parameters
    ----------
    source
        A GeoParquet file or directory of files (or a list of them), read with
        ``dask_geopandas.read_parquet``; or a dask-geopandas GeoDataFrame; or a geopandas
        GeoDataFrame, split into ``npartitions``. Columns as in ``Plan.clusters``.
    scheduler
        None for dask's default (the active ``distributed.Client`` if there is one, else
        threads); ``"threads"``, ``"processes"`` or ``"synchronous"``; the address of a
        dask scheduler (``"tcp://10.0.0.5:8786"``), to which a client is connected for
        the run; or a ``distributed.Client``. Workers need ``planning`` installed and
        must be able to read ``source``.
    tolerance_pct
        Declared vs measured area tolerance in percent (default 5).
    select, ignore
        Rule code prefixes to run only / to skip.
    base
        The plan whose districts, zones and manifest to check against; by default the
        bundled one (:func:`planning.load_plan`).
    complete
        Whether the layer lists the whole plan (as for a user's file: True).
    npartitions
        Partitions for a geopandas GeoDataFrame (default: one per 100,000 rows, at least 2),
        or to repartition another source to.
    progress
        Called as ``progress(stage, done, total)`` while the work runs
        (see :func:`rich_progress`).
    name
        A label for the report; by default from ``source``.

    Returns
    -------
    Report
        The report, as :func:`planning.check` builds it.

    Raises
    ------
    MissingDependencyError
        If dask-geopandas is not installed (``pip install "planning[dask]"``).
    UsageError
        For a bad tolerance or rule selection, or a rule that cannot run partitioned.
    PlanDataError
        For a partition that cannot be read as a clusters layer.
    """
    require("dask_geopandas", extra="dask")
    require("dask", extra="dask")
    from planning.model import load_plan
    from planning.report import Report, _figures, _tree
    from planning.rules import iter_rules, shared_scope
    from planning.rules.coverage import coverage

    opts = _options(tolerance_pct, select, ignore)
    wanted = [r for r in iter_rules() if opts.wants(r.code)]
    scans = tuple(r.code for r in wanted if r.scan is not None)
    pairs = any(r.code in PAIRWISE_RULES for r in wanted)
    attrs = [r for r in wanted if r.family in ATTRIBUTE_FAMILIES and r.scan is None]
    other = [
        r.code for r in wanted if r.code not in {*scans, *PAIRWISE_RULES, *(a.code for a in attrs)}
    ]
    if other:
        raise UsageError(f"rule(s) {', '.join(other)} cannot run partitioned; --ignore them")

    if base is None:
        base = load_plan()
    ddf, label = _read(source, npartitions)
    ctx = _Context(
        districts=base.districts,
        zones=base.zones,
        manifest=base.manifest,
        complete=complete,
        options=opts,
        scans=scans,
        pairs=pairs,
        path=label,
    )
    say = progress or (lambda stage, done, total: None)
    with _scheduler(scheduler) as client:
        summaries = _scan(ddf, ctx, client, say)
        thin = _attribute_plan(base, [s["thin"] for s in summaries], complete, label, name)
        results: dict[str, RuleResult] = {}
        for code in scans:
            results[code] = _finish(code, [s["partials"][code] for s in summaries], ctx, thin)
        if pairs:
            offsets = _offsets([len(s["thin"]) for s in summaries])
            polygons = sum(int(s["polygons"]) for s in summaries)
            bounds = _total_bounds([s["bounds"] for s in summaries])
            results["TOP001"] = _overlaps(ddf, ctx, offsets, polygons, bounds, client, say)
    with shared_scope():
        for r in attrs:
            results[r.code] = r.run(thin, opts)
    return Report(
        plan_name=thin.name,
        results=[results[r.code] for r in wanted],
        figures=_figures(thin),
        category_tree=_tree(thin),
        coverage=coverage(thin),
        attributions=thin.attributions(),
        notes=thin.notes(),
        options=opts,
    )


def check_from_args(args: argparse.Namespace) -> Report:
    """Run ``planning check --dask`` / ``--scheduler ADDRESS`` from parsed arguments.

    Parameters
    ----------
    args
        The ``check`` command's arguments: ``files`` (GeoParquet files or directories),
        ``manifest``, ``districts``, ``zones``, ``partial``, ``tolerance``, ``select``,
        ``ignore``, ``scheduler``, ``mirror``.

    Returns
    -------
    Report
        The report, with a progress bar on stderr while it runs (on a terminal).

    Raises
    ------
    UsageError
        Without GeoParquet inputs, or with options the partitioned path does not take.
    """
    from planning.model import load_plan

    files = list(getattr(args, "files", []) or [])
    if not files:
        raise UsageError("--dask needs GeoParquet files or directories of them to check")
    for opt in ("fix", "crs", "encoding"):
        if getattr(args, opt, None):
            raise UsageError(
                f"--{opt} is not supported with --dask: partitions are read as GeoParquet "
                "with planning's column names"
            )
    base = load_plan(
        manifest=args.manifest, districts=args.districts, zones=args.zones, mirror=args.mirror
    )
    source: Any = files[0] if len(files) == 1 else files
    with rich_progress() as progress:
        return check_partitioned(
            source,
            scheduler=getattr(args, "scheduler", None),
            tolerance_pct=args.tolerance,
            select=tuple(args.select),
            ignore=tuple(args.ignore),
            base=base,
            complete=not args.partial,
            progress=progress,
        )


def _not_geoparquet(exc: BaseException) -> str:
    """Return the one-line reason a ``--dask`` input could not be read as GeoParquet."""
    text = str(exc)
    if "magic bytes" in text or "Is this a 'parquet' file" in text:
        return (
            "not a GeoParquet file: --dask reads only GeoParquet files or directories of "
            "them; check it without --dask, or convert it (geopandas: to_parquet)"
        )
    reason = " ".join(text.replace("Original Message:", ";").split())
    return f"cannot read as GeoParquet: {reason[:300]}"


@contextmanager
def rich_progress(console: Console | None = None) -> Iterator[Progress]:
    """Show the stages of a partitioned run as rich progress bars (on a terminal only).

    Parameters
    ----------
    console
        Where to draw; stderr by default. Nothing is drawn when it is not a terminal.

    Yields
    ------
    callable
        A :data:`Progress` callback for :func:`check_partitioned`.
    """
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )

    con = console or Console(stderr=True)
    bar = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=con,
        transient=True,
        disable=not con.is_terminal,
    )
    tasks: dict[str, Any] = {}

    def update(stage: str, done: int, total: int) -> None:
        if stage not in tasks:
            tasks[stage] = bar.add_task(stage, total=total or None)
        bar.update(tasks[stage], completed=done, total=total or None)

    with bar:
        yield update


# -- steps ---------------------------------------------------------------------------------------


def _options(
    tolerance_pct: float | None, select: Sequence[str], ignore: Sequence[str]
) -> CheckOptions:
    from planning.rules import REGISTRY, CheckOptions

    opts = CheckOptions(select=tuple(select), ignore=tuple(ignore))
    if tolerance_pct is not None:
        if not (0 <= tolerance_pct < 1000):
            raise UsageError(
                f"tolerance must be a percentage between 0 and 1000, got {tolerance_pct}"
            )
        opts = replace(opts, tolerance_pct=float(tolerance_pct))
    for prefix in (*opts.select, *opts.ignore):
        if not any(code.startswith(prefix) for code in REGISTRY):
            raise UsageError(f"no rule code starts with {prefix!r}; `planning rules` lists them")
    return opts


def _read(source: Source, npartitions: int | None) -> tuple[Any, str]:
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
            raise PlanDataError(_not_geoparquet(exc), path=paths[0]) from None
        label = ", ".join(paths)
    if npartitions:
        ddf = ddf.repartition(npartitions=npartitions)
    return ddf, label


@contextmanager
def _scheduler(scheduler: Any) -> Iterator[Any]:
    """Set up the scheduler; yield the distributed client to use, or None for local ones."""
    import dask

    local = {"threads", "threading", "processes", "multiprocessing", "sync", "synchronous"}
    if scheduler is None:
        yield _default_client()
    elif isinstance(scheduler, str) and scheduler in local:
        with dask.config.set(scheduler=scheduler):
            yield None
    elif isinstance(scheduler, str | PathLike):
        require("distributed", extra="dask")
        from distributed import Client

        try:
            client = Client(fspath(scheduler), set_as_default=False, timeout="30s")
        except (OSError, TimeoutError) as exc:
            raise UsageError(f"cannot reach the dask scheduler at {scheduler}: {exc}") from None
        try:
            with dask.config.set(scheduler=client):
                yield client
        finally:
            client.close()
    else:  # a distributed.Client
        with dask.config.set(scheduler=scheduler):
            yield scheduler


def _default_client() -> Any:
    if "distributed" not in sys.modules:
        return None
    from distributed import default_client

    try:
        return default_client()
    except ValueError:
        return None


def _run(
    items: list[Any], stage: str, client: Any, say: Progress, *, persist: bool = False
) -> list[Any]:
    """Compute (or persist) dask collections, reporting each finished task to ``say``."""
    import dask

    if not items:
        return []
    if client is not None:
        from distributed import as_completed, futures_of

        if persist:
            out = client.persist(items)
            futures = futures_of(out)
        else:
            futures = client.compute(items)
        total = len(futures)
        say(stage, 0, total)
        for done, _ in enumerate(as_completed(futures, loop=client.loop), start=1):
            say(stage, done, total)
        return list(out) if persist else list(client.gather(futures))
    with _LocalProgress(stage, say):
        return list(dask.persist(*items) if persist else dask.compute(*items))


class _LocalProgress:
    """Counts the finished tasks of dask's local schedulers (threads, processes, sync)."""

    def __init__(self, stage: str, say: Progress) -> None:
        from dask.callbacks import Callback

        self._stage, self._say = stage, say
        self._done, self._total = 0, 0
        outer = self

        class _Hook(Callback):
            def _start_state(self, dsk: Any, state: Any) -> None:
                outer._total = len(dsk)
                outer._say(outer._stage, 0, outer._total)

            def _posttask(self, *args: Any) -> None:
                outer._done += 1
                outer._say(outer._stage, min(outer._done, outer._total), outer._total)

        self._hook = _Hook()

    def __enter__(self) -> _LocalProgress:
        self._hook.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self._hook.__exit__(*exc)
        if exc[0] is None and self._total:
            self._say(self._stage, self._total, self._total)


def _scan(ddf: Any, ctx: _Context, client: Any, say: Progress) -> list[dict[str, Any]]:
    """Scan every partition with the row-by-row rules; return one small summary each."""
    from dask import delayed

    context = delayed(ctx, traverse=False, name=f"planning-context-{uuid.uuid4().hex}")
    parts = ddf.to_delayed()
    scans = [delayed(_scan_partition, pure=True)(p, k, context) for k, p in enumerate(parts)]
    return _run(scans, "scanning partitions", client, say)


def _normalise(part: gpd.GeoDataFrame, k: int, ctx: _Context) -> gpd.GeoDataFrame:
    """Return a partition as ``Plan.with_clusters`` has it, before areas (errors name it)."""
    import geopandas as gpd

    from planning.model import _finish_clusters

    try:
        return _finish_clusters(gpd.GeoDataFrame(part).copy(), path=ctx.path)
    except PlanDataError as exc:
        where = f"partition {k}" + (f", row {exc.row}" if exc.row else "")
        raise PlanDataError(
            f"{exc.message} ({where})", path=exc.path, field=exc.field, ident=exc.ident
        ) from None


def _scan_partition(part: gpd.GeoDataFrame, k: int, ctx: _Context) -> dict[str, Any]:
    """Normalise one partition, scan it with the row-by-row rules, keep what else is needed."""
    import numpy as np
    import pandas as pd
    import shapely

    from planning.area import add_areas
    from planning.model import Plan
    from planning.rules import REGISTRY, shared_scope
    from planning.rules.overlap import polygonal

    clusters = add_areas(_normalise(part, k, ctx))
    plan = Plan(
        clusters=clusters,
        districts=ctx.districts,
        zones=ctx.zones,
        manifest=ctx.manifest,
        complete=ctx.complete,
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
        out["polygons"] = int(ok.sum())
        out["bounds"] = shapely.total_bounds(clusters.geometry.to_numpy()[ok])
    return out


def _polygon_partition(
    part: gpd.GeoDataFrame, ctx: _Context, partition_info: dict[str, Any] | None = None
) -> gpd.GeoDataFrame:
    k = int(partition_info["number"]) if partition_info else 0
    return _polygon_part(_normalise(part, k, ctx), k)


def _polygon_part(clusters: gpd.GeoDataFrame, k: int) -> gpd.GeoDataFrame:
    """Return the clusters TOP001 tests (valid polygons): partition, position, id, indicative."""
    import geopandas as gpd
    import numpy as np

    from planning.rules.overlap import _indicative, polygonal

    ok = polygonal(clusters)
    pos = np.flatnonzero(ok)
    frame = gpd.GeoDataFrame(
        {
            "_part": np.full(len(pos), k, dtype=np.int64),
            "_pos": pos.astype(np.int64),
            "cluster_id": np.asarray(clusters["cluster_id"].to_numpy(), dtype=object)[pos],
            "_ind": _indicative(clusters)[pos],
        },
        geometry=clusters.geometry.to_numpy()[pos],
        crs=WGS84,
    )
    return frame


def _offsets(lengths: list[int]) -> np.ndarray:
    import numpy as np

    return np.concatenate([[0], np.cumsum(lengths, dtype=np.int64)])[:-1].astype(np.int64)


def _attribute_plan(
    base: Plan, thins: list[pd.DataFrame], complete: bool, label: str, name: str | None
) -> Plan:
    """Return the plan without geometries: what the PLN, IDS and COV rules and the report need."""
    import geopandas as gpd
    import pandas as pd

    frames = [t for t in thins if len(t)] or thins[:1]
    table = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    clusters = gpd.GeoDataFrame(
        table, geometry=gpd.GeoSeries([None] * len(table), crs=WGS84), crs=WGS84
    )
    inputs = {**base.inputs, "clusters": label}
    return replace(
        base,
        clusters=clusters,
        complete=complete,
        name=name or f"Plan from {label}",
        inputs=inputs,
    )


def _finish(code: str, parts: list[Partial], ctx: _Context, thin: Plan) -> RuleResult:
    """Combine a rule's partials (and, for GEO rules, the zones' own), then finish it."""
    from planning.model import Plan
    from planning.rules import REGISTRY, Partial

    r = REGISTRY[code]
    assert r.scan is not None and r.finish is not None
    if r.zone_rows:
        empty = thin.clusters.iloc[:0]
        zones_only = Plan(
            clusters=empty,
            districts=ctx.districts,
            zones=ctx.zones,
            manifest=ctx.manifest,
            complete=ctx.complete,
        )
        parts = [*parts, r.scan(zones_only, ctx.options, r)]
    return r.result(r.finish(Partial.combine(parts), ctx.options, r))


# -- overlaps across partitions -------------------------------------------------------------------


def _total_bounds(parts: list[np.ndarray]) -> tuple[float, float, float, float]:
    import numpy as np

    b = np.array(parts, dtype=float).reshape(-1, 4)
    b = b[np.isfinite(b).all(axis=1)]
    if not len(b):
        return (0.0, 0.0, 0.0, 0.0)
    return float(b[:, 0].min()), float(b[:, 1].min()), float(b[:, 2].max()), float(b[:, 3].max())


def _overlaps(
    ddf: Any,
    ctx: _Context,
    offsets: np.ndarray,
    polygons: int,
    bounds: tuple[float, float, float, float],
    client: Any,
    say: Progress,
) -> RuleResult:
    """TOP001 on all partitions: spatial partitions, then pairs of neighbouring partitions.

    The valid polygons (with their partition and position, hence their row) are read
    again, re-partitioned along a Hilbert curve and kept in memory; each spatial partition
    is tested on its own and against every partition whose convex hull meets its own.
    """
    import numpy as np
    import pandas as pd
    import shapely
    from dask import delayed

    from planning.rules import REGISTRY
    from planning.rules.overlap import pair_findings, pairs_outcome

    r = REGISTRY["TOP001"]
    tasks: list[Any] = []
    if polygons:
        meta = _polygon_part(_empty_clusters(), 0)
        polys = ddf.map_partitions(_polygon_partition, ctx, meta=meta)
        if polys.npartitions > 1:
            (polys,) = _run([polys], "reading polygons", client, say, persist=True)
            # dask_geopandas' spatial_shuffle, with the total bounds known beforehand (its own
            # lazy ones would be computed inside the tasks).
            distance = polys.hilbert_distance(total_bounds=bounds, level=16)
            polys = polys.set_index(distance, sorted=False, npartitions=polys.npartitions)
            (polys,) = _run([polys], "spatial partitioning", client, say, persist=True)
            polys.calculate_spatial_partitions()
            hulls = np.asarray(polys.spatial_partitions.to_numpy(), dtype=object)
        else:
            hulls = np.array([shapely.box(-180, -90, 180, 90)], dtype=object)
        ok = ~(shapely.is_missing(hulls) | shapely.is_empty(hulls))
        hulls[~ok] = None
        pieces = polys.to_delayed()
        p_idx, q_idx = shapely.STRtree(hulls).query(hulls, predicate="intersects")
        tasks = [delayed(_pairs, pure=True)(pieces[p], None, offsets) for p in np.flatnonzero(ok)]
        tasks += [
            delayed(_pairs, pure=True)(pieces[p], pieces[q], offsets)
            for p, q in zip(p_idx, q_idx, strict=True)
            if p < q
        ]
    found = [f for f in _run(tasks, "testing overlaps", client, say) if len(f)]
    if found:
        table = pd.concat(found, ignore_index=True).sort_values(["lo", "hi"], kind="stable")
    else:
        table = pd.DataFrame({"lo_id": [], "hi_id": [], "ind": [], "area": []})
    findings = pair_findings(
        r,
        table["lo_id"].to_numpy(),
        table["hi_id"].to_numpy(),
        table["ind"].to_numpy(dtype=bool),
        table["area"].to_numpy(dtype=float),
    )
    return r.result(pairs_outcome(polygons, findings))


def _empty_clusters() -> gpd.GeoDataFrame:
    import geopandas as gpd

    from planning.model import CLUSTER_COLUMNS

    return gpd.GeoDataFrame(
        {c: [] for c in CLUSTER_COLUMNS}, geometry=gpd.GeoSeries([], crs=WGS84), crs=WGS84
    )


def _pairs(a: gpd.GeoDataFrame, b: gpd.GeoDataFrame | None, offsets: np.ndarray) -> pd.DataFrame:
    """Overlapping pairs within ``a`` (b None) or between ``a`` and ``b``, lower row first.

    As in :func:`planning.rules.overlap.overlap_pairs`: candidates that intersect, the
    intersection of the lower row's polygon with the higher row's, its equal-area area,
    kept from :data:`~planning.rules.overlap.MIN_OVERLAP_M2`.
    """
    import numpy as np
    import pandas as pd
    import shapely

    from planning.area import equal_area_m2
    from planning.rules.overlap import MIN_OVERLAP_M2

    def rows(f: gpd.GeoDataFrame) -> np.ndarray:
        return np.asarray(
            offsets[f["_part"].to_numpy(dtype=np.int64)] + f["_pos"].to_numpy(dtype=np.int64)
        )

    empty = pd.DataFrame({"lo": [], "hi": [], "lo_id": [], "hi_id": [], "ind": [], "area": []})
    other = a if b is None else b
    if not len(a) or not len(other):
        return empty
    ga, gb = a.geometry.to_numpy(), other.geometry.to_numpy()
    ra, rb = rows(a), rows(other)
    qi, tj = shapely.STRtree(gb).query(ga, predicate="intersects")
    if b is None:
        keep = ra[qi] < rb[tj]
        qi, tj = qi[keep], tj[keep]
    if not len(qi):
        return empty
    a_low = ra[qi] < rb[tj]
    lo_g = np.where(a_low, ga[qi], gb[tj])
    hi_g = np.where(a_low, gb[tj], ga[qi])
    areas = equal_area_m2(shapely.intersection(lo_g, hi_g), crs=WGS84)
    keep = areas >= MIN_OVERLAP_M2
    ids_a = np.asarray(a["cluster_id"].to_numpy(), dtype=object)[qi]
    ids_b = np.asarray(other["cluster_id"].to_numpy(), dtype=object)[tj]
    ind = a["_ind"].to_numpy(dtype=bool)[qi] | other["_ind"].to_numpy(dtype=bool)[tj]
    return pd.DataFrame(
        {
            "lo": np.where(a_low, ra[qi], rb[tj])[keep],
            "hi": np.where(a_low, rb[tj], ra[qi])[keep],
            "lo_id": np.where(a_low, ids_a, ids_b)[keep],
            "hi_id": np.where(a_low, ids_b, ids_a)[keep],
            "ind": ind[keep],
            "area": areas[keep],
        }
    )
