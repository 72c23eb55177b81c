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

Dask is imported only inside this package's functions, so ``import planning`` and
``planning --help`` stay fast. The package's private modules hold the steps: reading the
layer (``_reading``), running dask's tasks (``_scheduling``), scanning each partition
(``_scan``), the overlaps in strips (``_strips``) and merging the results into the report
(``_merge``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from planning.errors import UsageError, require
from planning.partitioned._merge import attribute_plan, finish_scanned, names_result
from planning.partitioned._reading import Source, next_computed, read_partitions
from planning.partitioned._scan import NAMES_RULE, Context, scan_tasks, summary
from planning.partitioned._scheduling import Progress, staged, use_scheduler
from planning.partitioned._strips import overlap_tasks, overlaps_result, strip_count

if TYPE_CHECKING:
    from planning.model.plan import Plan
    from planning.report.core import Report
    from planning.rules import CheckOptions, Rule, RuleResult

__all__ = [
    "ATTRIBUTE_FAMILIES",
    "PAIRWISE_RULES",
    "Progress",
    "check_partitioned",
]

#: Rule families run once, on the attribute table of all clusters (no geometry needed).
ATTRIBUTE_FAMILIES = ("plan", "identity", "coverage", "totals")

#: Rules computed from pairs of clusters, across partitions.
PAIRWISE_RULES = ("TOP001",)


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
    ddf, label = read_partitions(source, npartitions)
    ctx = Context(
        districts=base.districts,
        zones=base.zones,
        manifest=base.manifest,
        complete=complete,
        options=opts,
        scans=scans_codes,
        pairs=any(r.code in PAIRWISE_RULES for r in wanted),
        name_keys=any(r.code == NAMES_RULE for r in attrs),
        path=label,
        industrial_parks=base.industrial_parks,
    )
    say = progress or (lambda stage, done, total: None)
    with use_scheduler(scheduler) as client:
        results, thin = _run(ddf, ctx, attrs, client, say, base=base, name=name)
    from planning.report.core import plan_report

    return plan_report(thin, [results[r.code] for r in wanted], opts, per_cluster=False)


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
    ctx: Context,
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

    scans = scan_tasks(ddf, ctx)
    stages = [("scanning partitions", [delayed(summary)(s) for s in scans])]
    if ctx.pairs:
        strips = strip_count(ddf.npartitions, client)
        stages.append(("testing overlaps", overlap_tasks(scans, strips)))
    results_of = staged(stages, client, say)
    label = ctx.path or ""
    summaries = next_computed(results_of, label)
    thin = attribute_plan(base, [s["thin"] for s in summaries], ctx.complete, label, name)
    results: dict[str, RuleResult] = {}
    for code in ctx.scans:
        results[code] = finish_scanned(code, [s["partials"][code] for s in summaries], ctx, thin)
    with shared_scope():
        for r in attrs:
            if r.code == NAMES_RULE:
                results[r.code] = names_result(thin, [s["name_keys"] for s in summaries])
            else:
                results[r.code] = r.run(thin, ctx.options)
    if ctx.pairs:
        polygons = sum(int(s["polygons"]) for s in summaries)
        results["TOP001"] = overlaps_result(next_computed(results_of, label), polygons)
    return results, thin


def _options(
    tolerance_pct: float | None, select: Sequence[str], ignore: Sequence[str]
) -> CheckOptions:
    """Return the check options, refusing a bad tolerance or a prefix no rule code has."""
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
