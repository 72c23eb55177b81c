"""The check suite on partitioned GeoParquet, with dask-geopandas, on one machine or a cluster.

:func:`check_partitioned` returns the :class:`~planning.report.core.Report` that
:func:`planning.check` returns for the same clusters, computed partition by partition:

* Rules that look at one cluster at a time (ARE, GEO, LOC, TOP002, CTX001) *scan* each partition
  where it lies, on the workers. Their findings and counts are combined in partition
  order and *finished* once (see :class:`planning.rules.Partial`). The GEO rules scan the
  zones once, on their own.
* Overlaps between clusters (TOP001) are found within and across partitions, in
  west-to-east *strips* holding about as many polygons each. Each partition's valid
  polygons stay on the worker that read them and are sent to every strip their bounding
  boxes reach (a halo as wide as the polygons); a pair is measured only in the strip that
  holds the west edge of the two boxes' intersection, so each is found once, without a
  global shuffle and without converting geometries. Each overlapping pair is measured in
  the orientation the in-memory rule uses (lower row first), so the areas are the same to
  the last bit.
* Rules on the plan as a whole (PLN counts and totals, IDS duplicate ids and names, COV
  coverage) run once on the clusters' attribute table, gathered without geometries (the
  names are folded for IDS002 on the workers), while the overlaps are being tested.
* The partitions are read once. Empty partitions and any number of workers are fine.

The input is a clusters layer with ``planning``'s column names (``docs/architecture.md``),
such as GeoParquet written from ``Plan.clusters`` or by
:func:`planning.testing.synthetic_clusters`. Each partition goes through the same
normalisation as :meth:`planning.model.plan.Plan.with_clusters` (missing columns filled, NFC
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
    import geopandas as gpd
    import numpy as np
    import pandas as pd

    from planning.model.figures import Manifest
    from planning.model.plan import Plan
    from planning.report.core import Report
    from planning.rules import CheckOptions, Partial, Rule, RuleResult

__all__ = [
    "ATTRIBUTE_FAMILIES",
    "PAIRWISE_RULES",
    "Progress",
    "check_partitioned",
]

Progress = Callable[[str, int, int], None]
"""A progress callback: ``progress(stage, done, total)``; ``total`` 0 when unknown."""

#: Rule families run once, on the attribute table of all clusters (no geometry needed).
ATTRIBUTE_FAMILIES = ("plan", "identity", "coverage", "totals")
#: Rules computed from pairs of clusters, across partitions.
PAIRWISE_RULES = ("TOP001",)

#: The attribute rule whose costly part (folding every name) is done per partition.
_NAMES_RULE = "IDS002"

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
    name_keys: bool  # whether IDS002 is wanted (its names are folded per partition)
    path: str | None
    industrial_parks: gpd.GeoDataFrame | None = None  # the context layer CTX001 scans against


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
        (the command line draws them as progress bars).
    name
        A label for the report; by default from ``source``.

    Returns
    -------
    Report
        The report, as :func:`planning.check` builds it.

    Raises
    ------
    MissingDependencyError
        If dask-geopandas is not installed (``pip install "hanoi-ccn-planning[dask]"``).
    UsageError
        For a bad tolerance or rule selection, or a rule that cannot run partitioned.
    PlanDataError
        For a partition that cannot be read as a clusters layer.
    """
    require("dask_geopandas", extra="dask")
    require("dask", extra="dask")
    from planning.model.plan import load_plan

    opts = _options(tolerance_pct, select, ignore)
    wanted, scans_codes, attrs = _split_rules(opts)
    if base is None:
        base = load_plan()
    ddf, label = _read(source, npartitions)
    ctx = _Context(
        districts=base.districts,
        zones=base.zones,
        manifest=base.manifest,
        complete=complete,
        options=opts,
        scans=scans_codes,
        pairs=any(r.code in PAIRWISE_RULES for r in wanted),
        name_keys=any(r.code == _NAMES_RULE for r in attrs),
        path=label,
        industrial_parks=base.industrial_parks,
    )
    say = progress or (lambda stage, done, total: None)
    with _scheduler(scheduler) as client:
        results, thin = _run(ddf, ctx, attrs, client, say, base=base, name=name)
    return _report(thin, [results[r.code] for r in wanted], opts)


def _split_rules(opts: CheckOptions) -> tuple[list[Rule], tuple[str, ...], list[Rule]]:
    """Return the wanted rules, the codes of those scanned per partition, and the plan-wide ones.

    Raises
    ------
    UsageError
        For a wanted rule that is neither scanned, pairwise nor plan-wide.
    """
    from planning.rules import iter_rules

    wanted = [r for r in iter_rules() if opts.wants(r.code)]
    scans_codes = tuple(r.code for r in wanted if r.scan is not None)
    attrs = [r for r in wanted if r.family in ATTRIBUTE_FAMILIES and r.scan is None]
    done = {*scans_codes, *PAIRWISE_RULES, *(a.code for a in attrs)}
    other = [r.code for r in wanted if r.code not in done]
    if other:
        raise UsageError(f"rule(s) {', '.join(other)} cannot run partitioned; --ignore them")
    return wanted, scans_codes, attrs


def _run(
    ddf: Any,
    ctx: _Context,
    attrs: list[Rule],
    client: Any,
    say: Progress,
    *,
    base: Plan,
    name: str | None,
) -> tuple[dict[str, RuleResult], Plan]:
    """Scan the partitions, test the overlaps and run the plan-wide rules; return the results.

    The overlaps are tested on the workers while the plan-wide rules run here, on the
    attribute table of the scans' summaries.
    """
    from dask import delayed

    from planning.rules import shared_scope

    scans = _scan_tasks(ddf, ctx)
    stages = [("scanning partitions", [delayed(_summary)(s) for s in scans])]
    if ctx.pairs:
        strips = _strip_count(ddf.npartitions, client)
        stages.append(("testing overlaps", _overlap_tasks(scans, strips)))
    results_of = _staged(stages, client, say)
    summaries = next(results_of)
    label = ctx.path or ""
    thin = _attribute_plan(base, [s["thin"] for s in summaries], ctx.complete, label, name)
    results: dict[str, RuleResult] = {}
    for code in ctx.scans:
        results[code] = _finish(code, [s["partials"][code] for s in summaries], ctx, thin)
    with shared_scope():
        for r in attrs:
            if r.code == _NAMES_RULE:
                results[r.code] = _names_result(thin, [s["name_keys"] for s in summaries])
            else:
                results[r.code] = r.run(thin, ctx.options)
    if ctx.pairs:
        polygons = sum(int(s["polygons"]) for s in summaries)
        results["TOP001"] = _overlaps_result(next(results_of), polygons)
    return results, thin


def _report(thin: Plan, results: list[RuleResult], opts: CheckOptions) -> Report:
    """Build the report as :func:`planning.check` does, from the plan without geometries."""
    from planning.report.contents import category_tree_entries, figure_entries
    from planning.report.core import Report
    from planning.rules.coverage import coverage

    return Report(
        plan_name=thin.name,
        results=results,
        figures=figure_entries(thin),
        category_tree=category_tree_entries(thin),
        coverage=coverage(thin),
        attributions=thin.attributions(),
        notes=thin.notes(),
        options=opts,
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


def _staged(stages: list[tuple[str, list[Any]]], client: Any, say: Progress) -> Iterator[list[Any]]:
    """Compute lists of lazy tasks that share dependencies; yield each list's results in turn.

    On a distributed client every stage is submitted at once (shared tasks run once), and
    the driver can work on a stage's results while the next one's tasks run. Local
    schedulers compute all stages in one call.
    """
    import dask

    if client is not None:
        from distributed import as_completed

        submitted = [(stage, client.compute(items)) for stage, items in stages]
        for stage, futures in submitted:
            total = len(futures)
            say(stage, 0, total)
            for done, _ in enumerate(as_completed(futures, loop=client.loop), start=1):
                say(stage, done, total)
            yield list(client.gather(futures))
        return
    with _LocalProgress(", ".join(stage for stage, _ in stages), say):
        computed = dask.compute(*(items for _, items in stages))
    yield from (list(c) for c in computed)


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


def _scan_tasks(ddf: Any, ctx: _Context) -> list[Any]:
    """One lazy task per partition: ``(summary, polygons)`` (see :func:`_scan_partition`)."""
    from dask import delayed

    context = delayed(ctx, traverse=False, name=f"planning-context-{uuid.uuid4().hex}")
    parts = ddf.to_delayed()
    return [delayed(_scan_partition, pure=True, nout=2)(p, k, context) for k, p in enumerate(parts)]


def _normalise(part: gpd.GeoDataFrame, k: int, ctx: _Context) -> gpd.GeoDataFrame:
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


def _scan_partition(
    part: gpd.GeoDataFrame, k: int, ctx: _Context
) -> tuple[dict[str, Any], _Polygons]:
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

    clusters = add_areas(_normalise(part, k, ctx))
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
    polys = _Polygons.of(clusters, ok, k)
    out["polygons"] = len(polys.keys)
    out["sample"] = polys.sample()
    return out, polys


def _summary(scan: tuple[dict[str, Any], _Polygons]) -> dict[str, Any]:
    return scan[0]


@dataclass(frozen=True)
class _Polygons:
    """The polygons TOP001 tests (valid ones) from one partition, or one strip of them.

    ``keys`` orders them as the layer's rows are ordered: ``partition << 32 | position``
    (rows = partition offset + position, and offsets grow with the partition), so "the
    lower row" of a pair is known without the other partitions' lengths.
    """

    keys: np.ndarray  # int64
    geoms: np.ndarray  # shapely geometries
    ids: np.ndarray  # cluster ids (object)
    indicative: np.ndarray  # bool: an indicative footprint
    minx: np.ndarray  # float: the west edge of each polygon's bounding box (degrees)
    maxx: np.ndarray  # float: its east edge

    @classmethod
    def of(cls, clusters: gpd.GeoDataFrame, ok: np.ndarray, k: int) -> _Polygons:
        import numpy as np
        import shapely

        from planning.rules.topology import indicative_mask

        pos = np.flatnonzero(ok).astype(np.int64)
        geoms = clusters.geometry.to_numpy()[pos]
        bounds = shapely.bounds(geoms).reshape(-1, 4)
        return cls(
            keys=(np.int64(k) << np.int64(32)) | pos,
            geoms=geoms,
            ids=np.asarray(clusters["cluster_id"].to_numpy(), dtype=object)[pos],
            indicative=indicative_mask(clusters)[pos],
            minx=bounds[:, 0],
            maxx=bounds[:, 2],
        )

    def take(self, idx: np.ndarray) -> _Polygons:
        return _Polygons(
            self.keys[idx],
            self.geoms[idx],
            self.ids[idx],
            self.indicative[idx],
            self.minx[idx],
            self.maxx[idx],
        )

    @classmethod
    def concat(cls, parts: Sequence[_Polygons]) -> _Polygons:
        import numpy as np

        return cls(
            *(
                np.concatenate([getattr(p, f) for p in parts])
                for f in ("keys", "geoms", "ids", "indicative", "minx", "maxx")
            )
        )

    def sample(self, size: int = 256) -> np.ndarray:
        """Every m-th centre of the bounding boxes, west to east: about ``size`` of them."""
        import numpy as np

        centres = np.sort((self.minx + self.maxx) / 2)
        return centres[:: max(1, len(centres) // size)]


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


def _names_result(thin: Plan, keys: list[np.ndarray]) -> RuleResult:
    """IDS002 on the whole table, from the names folded on the workers."""
    import numpy as np
    import pandas as pd

    from planning.rules import REGISTRY
    from planning.rules.identity import name_duplicates

    r = REGISTRY[_NAMES_RULE]
    folded = pd.Series(np.concatenate([np.zeros(0, dtype=object), *keys]), dtype=object)
    return r.result(name_duplicates(thin, folded, r))


def _finish(code: str, parts: list[Partial], ctx: _Context, thin: Plan) -> RuleResult:
    """Combine a rule's partials (and, for GEO rules, the zones' own), then finish it."""
    from planning.model.plan import Plan
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


def _strip_count(npartitions: int, client: Any) -> int:
    """How many west-to-east strips TOP001 is tested in: one per partition or worker."""
    workers = len(client.scheduler_info().get("workers", {})) if client is not None else 0
    return max(npartitions, workers, 1)


def _overlap_tasks(scans: list[Any], strips: int) -> list[Any]:
    """Lazy TOP001 tasks: one per strip, each testing the polygons whose boxes reach into it.

    The layer is cut into ``strips`` vertical strips holding about as many polygons each
    (from the scans' samples). Each partition's polygons are sent to every strip their
    bounding boxes reach (a halo as wide as the polygons). A pair is measured only in the
    strip that holds the west edge of its two boxes' intersection, which both boxes reach,
    so every overlapping pair is found exactly once, without a global shuffle.
    """
    from dask import delayed

    edges = delayed(_strip_edges, pure=True)([delayed(_sample)(s) for s in scans], strips)
    pieces = [delayed(_split, pure=True, nout=strips)(s, edges, strips) for s in scans]
    return [
        delayed(_strip_pairs, pure=True)(j, edges, [p[j] for p in pieces]) for j in range(strips)
    ]


def _sample(scan: tuple[dict[str, Any], _Polygons]) -> np.ndarray:
    sample: np.ndarray = scan[0]["sample"]
    return sample


def _strip_edges(samples: list[np.ndarray], strips: int) -> np.ndarray:
    """Return the ``strips - 1`` longitudes (degrees) between strips, from the samples."""
    import numpy as np

    centres = np.sort(np.concatenate([np.zeros(0), *(np.asarray(s, dtype=float) for s in samples)]))
    if not len(centres):
        return np.zeros(0)
    return np.quantile(centres, np.arange(1, strips) / strips)


def _strip_of(x: np.ndarray, edges: np.ndarray) -> np.ndarray:
    import numpy as np

    return np.searchsorted(edges, x, side="right")


def _split(
    scan: tuple[dict[str, Any], _Polygons], edges: np.ndarray, strips: int
) -> list[_Polygons]:
    """One partition's polygons, by strip: each in every strip its bounding box reaches."""
    import numpy as np

    polys = scan[1]
    first, last = _strip_of(polys.minx, edges), _strip_of(polys.maxx, edges)
    reach = last - first + 1
    rows = np.repeat(np.arange(len(reach)), reach)
    starts = np.repeat(np.cumsum(reach) - reach, reach)
    strip = first[rows] + (np.arange(len(rows)) - starts)
    order = np.argsort(strip, kind="stable")
    cuts = np.searchsorted(strip[order], np.arange(1, strips))
    return [polys.take(rows[order][idx]) for idx in np.split(np.arange(len(order)), cuts)]


def _strip_pairs(j: int, edges: np.ndarray, pieces: list[_Polygons]) -> dict[str, np.ndarray]:
    """Return the overlapping pairs strip ``j`` owns, lower row first, and their areas (m²).

    As in :func:`planning.rules.topology.overlap_pairs`: candidates that intersect, the
    intersection of the lower row's polygon with the higher row's, its equal-area area,
    kept from :data:`~planning.rules.topology.MIN_OVERLAP_M2`.
    """
    import numpy as np
    import shapely

    from planning.geo.area import equal_area_m2
    from planning.rules.topology import MIN_OVERLAP_M2

    p = _Polygons.concat(pieces)
    qi, tj = shapely.STRtree(p.geoms).query(p.geoms, predicate="intersects")
    keep = p.keys[qi] < p.keys[tj]
    qi, tj = qi[keep], tj[keep]
    keep = _strip_of(np.maximum(p.minx[qi], p.minx[tj]), edges) == j
    lo, hi = qi[keep], tj[keep]
    areas = equal_area_m2(shapely.intersection(p.geoms[lo], p.geoms[hi]), crs=WGS84)
    keep = areas >= MIN_OVERLAP_M2
    lo, hi = lo[keep], hi[keep]
    return {
        "lo": p.keys[lo],
        "hi": p.keys[hi],
        "lo_id": p.ids[lo],
        "hi_id": p.ids[hi],
        "ind": p.indicative[lo] | p.indicative[hi],
        "area": areas[keep],
    }


def _overlaps_result(found: list[dict[str, np.ndarray]], polygons: int) -> RuleResult:
    """TOP001's result from the strips' pairs, in the in-memory rule's order (by rows)."""
    import numpy as np

    from planning.rules import REGISTRY
    from planning.rules.topology import pair_findings, pairs_outcome

    r = REGISTRY["TOP001"]
    cols = ("lo", "hi", "lo_id", "hi_id", "ind", "area")
    table = {c: np.concatenate([f[c] for f in found]) for c in cols} if found else {}
    if not found or not len(table["lo"]):
        table = {c: np.array([]) for c in cols}
    order = np.lexsort((table["hi"], table["lo"]))
    findings = pair_findings(
        r,
        table["lo_id"][order],
        table["hi_id"][order],
        table["ind"][order].astype(bool),
        table["area"][order].astype(float),
    )
    return r.result(pairs_outcome(polygons, findings))
