"""Benchmark ``check_partitioned`` on a ``distributed.LocalCluster`` of 1..N workers.

``planning.testing.synthetic_clusters(size, seed=1)`` is written once as ``--partitions``
GeoParquet files (cached in ``$PLANNING_BENCH_DIR``, default ``~/.cache/planning-bench``,
not timed). Then, for each worker count, a fresh ``LocalCluster(n_workers=N,
threads_per_worker=1)`` (worker processes) runs ``planning.partitioned.check_partitioned``
``--repeats`` times, and the script records:

* ``wall``: the median wall time of the call (seconds);
* ``busy``: the time during which at least one task ran on some worker (the union of the
  task-execution intervals of dask's task stream);
* ``serial``: ``wall - busy`` (the driver's one-off imports of dask-geopandas and the
  workers' imports are done before timing, and reported apart): time in which no worker ran a task, that is the driver
  (reading summaries, the plan-wide rules, merging, building the report), the scheduler
  and the transfers between steps. On one worker, ``serial / wall`` is the **serial
  share**: the part of the run that more workers cannot shorten (Amdahl).

It also times ``planning.check`` on the same rows in memory (``--in-memory``, in its own
process: read, ``Plan.with_clusters``, check) and checks that the findings are the same.

``serial`` is split into *lead* (before the first task starts: reading the metadata,
building and sending the graph), *between tasks* (gaps while the run is under way: the
scheduler, transfers, and the driver's own work when it holds the scheduler's process) and
*tail* (after the last task: merging and the report). ``--report`` also writes dask's
performance report (task stream, worker and scheduler profiles) for each worker count
(it needs ``bokeh``).

Usage::

    python benchmarks/bench_partitioned.py --size 200000 --partitions 8 --workers 1 2
    python benchmarks/bench_partitioned.py --size 2000000 --partitions 32 \\
        --workers 1 2 4 8 16 --in-memory --json results.json
    python benchmarks/bench_partitioned.py --size 200000 --workers 1 --report /tmp/dask.html

Needs the geodata (``PLANNING_GEODATA_MIRROR`` or a filled cache) and ``hanoi-ccn-planning[dask]``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CACHE = Path(os.environ.get("PLANNING_BENCH_DIR", Path.home() / ".cache" / "planning-bench"))


def layer_dir(n: int, partitions: int, *, seed: int = 1) -> Path:
    """Return the cached GeoParquet directory of ``n`` synthetic clusters in ``partitions`` files."""
    path = CACHE / f"clusters-{n}-seed{seed}-{partitions}parts"
    if not path.exists():
        import dask_geopandas

        from planning.testing import synthetic_clusters

        t0 = time.perf_counter()
        tmp = path.with_name(path.name + ".tmp")
        layer = synthetic_clusters(n, seed=seed)
        dask_geopandas.from_geopandas(layer, npartitions=partitions).to_parquet(tmp)
        tmp.replace(path)
        print(f"  wrote {path.name} in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    return path


def _union_s(intervals: list[tuple[float, float]]) -> float:
    """Total length of the union of ``(start, stop)`` intervals (seconds)."""
    total, end = 0.0, float("-inf")
    for start, stop in sorted(intervals):
        if stop <= end:
            continue
        total += stop - max(start, end)
        end = stop
    return total


def _digest(report: Any) -> list[Any]:
    rows = [
        (r.rule.code, r.status, r.explanation, [(f.message, f.detail) for f in r.findings])
        for r in report.results
    ]
    return json.loads(json.dumps(rows, default=str))


def _warm_up() -> None:
    import geopandas  # noqa: F401
    import pyarrow  # noqa: F401

    import planning.rules  # noqa: F401


def _gaps(spans: list[tuple[float, float]], t0: float, t1: float) -> dict[str, float]:
    """Split the serial time into before the first task, between tasks and after the last."""
    if not spans:
        return {"lead_s": t1 - t0, "between_s": 0.0, "tail_s": 0.0}
    first = min(a for a, _ in spans)
    last = max(b for _, b in spans)
    between = (last - first) - _union_s(spans)
    return {"lead_s": first - t0, "between_s": between, "tail_s": t1 - last}


def time_workers(
    path: Path, workers: int, repeats: int, report: Path | None = None
) -> dict[str, Any]:
    """Time ``check_partitioned`` on a LocalCluster of ``workers`` single-threaded processes.

    With ``report``, the last run is also recorded as a dask performance report (HTML: the
    task stream, worker profiles and the scheduler's own profile).
    """
    from contextlib import nullcontext

    from distributed import Client, LocalCluster, get_task_stream, performance_report

    import planning
    from planning.partitioned import check_partitioned

    base = planning.load_plan()
    t0 = time.perf_counter()
    import dask_geopandas  # noqa: F401  (the driver's one-off imports are not timed either)

    imports = time.perf_counter() - t0
    runs = []
    with (
        LocalCluster(
            n_workers=workers, threads_per_worker=1, dashboard_address=":0", memory_limit=0
        ) as cluster,
        Client(cluster) as client,
    ):
        client.run(_warm_up)  # imports are not timed
        for i in range(repeats):
            last = i == repeats - 1
            recording = performance_report(str(report)) if report and last else nullcontext()
            with recording, get_task_stream(client) as stream:
                t0, started = time.perf_counter(), time.time()
                result = check_partitioned(path, scheduler=client, base=base)
                wall = time.perf_counter() - t0
            spans = [
                (s["start"], s["stop"])
                for task in stream.data
                for s in task.get("startstops", ())
                if s["action"] == "compute"
            ]
            busy = _union_s(spans)
            gaps = _gaps(spans, started, started + wall)
            runs.append({"wall_s": wall, "busy_s": busy, "serial_s": wall - busy, **gaps})
    keys = ("wall_s", "busy_s", "serial_s", "lead_s", "between_s", "tail_s")
    return {
        "workers": workers,
        **{k: statistics.median(r[k] for r in runs) for k in keys},
        "tasks": len(stream.data),
        "driver_imports_s": imports,
        "digest": _digest(result),
    }


def time_in_memory(path: Path) -> dict[str, Any]:
    """Time read + ``Plan.with_clusters`` + ``planning.check`` in this process."""
    import resource

    import geopandas as gpd

    import planning
    from planning.report.core import check

    base = planning.load_plan()
    t0 = time.perf_counter()
    layer = gpd.read_parquet(path)
    report = check(base.with_clusters(layer, complete=True))
    wall = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"wall_s": wall, "peak_mb": peak, "digest": _digest(report)}


def _child(
    mode: str, path: Path, workers: int, repeats: int, report: Path | None = None
) -> dict[str, Any]:
    cmd = [sys.executable, __file__, "--child", mode, "--child-path", str(path)]
    cmd += ["--child-workers", str(workers), "--repeats", str(repeats)]
    if report:
        cmd += ["--report", str(report.with_stem(f"{report.stem}-{workers}w"))]
    # This checkout's planning, in the child and in its worker processes.
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
    }
    out = subprocess.run(cmd, check=True, capture_output=True, text=True, env=env)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> None:
    """Run the benchmark and print one line per worker count."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--size", type=int, default=200_000, help="clusters (default 200,000)")
    p.add_argument("--partitions", type=int, default=8, help="GeoParquet files (default 8)")
    p.add_argument("--workers", type=int, nargs="+", default=[1, 2], help="worker counts")
    p.add_argument("--repeats", type=int, default=1, help="runs per worker count (median)")
    p.add_argument("--in-memory", action="store_true", help="also time planning.check")
    p.add_argument("--json", type=Path, help="write the results here too")
    p.add_argument(
        "--report",
        type=Path,
        metavar="HTML",
        help="write a dask performance report per worker count (NAME-1w.html, ...)",
    )
    p.add_argument("--child", help=argparse.SUPPRESS)
    p.add_argument("--child-path", type=Path, help=argparse.SUPPRESS)
    p.add_argument("--child-workers", type=int, default=1, help=argparse.SUPPRESS)
    args = p.parse_args(argv)

    if args.report:
        import importlib.util

        if importlib.util.find_spec("bokeh") is None:
            p.error("--report needs bokeh, which dask's performance report draws with")
    sys.path.insert(0, str(ROOT))
    if args.child:
        if args.child == "memory":
            res = time_in_memory(args.child_path)
        else:
            res = time_workers(args.child_path, args.child_workers, args.repeats, args.report)
        print(json.dumps(res))
        return

    path = layer_dir(args.size, args.partitions)
    print(f"{args.size:,} clusters in {args.partitions} partitions ({path})")
    results: dict[str, Any] = {"size": args.size, "partitions": args.partitions, "runs": []}
    one: float | None = None
    digest = None
    for w in args.workers:
        res = _child("workers", path, w, args.repeats, args.report)
        digest = digest or res["digest"]
        same = res.pop("digest") == digest
        one = one or (res["wall_s"] if w == 1 else None)
        line = (
            f"  {w:2d} workers: {res['wall_s']:7.2f} s  tasks busy {res['busy_s']:7.2f} s  "
            f"serial {res['serial_s']:6.2f} s ({100 * res['serial_s'] / res['wall_s']:4.1f} %)"
            f" = lead {res['lead_s']:.2f} + between tasks {res['between_s']:.2f}"
            f" + tail {res['tail_s']:.2f}; {res['tasks']} tasks"
        )
        if one:
            line += f"  speed-up {one / res['wall_s']:4.2f}x"
        print(line + ("" if same else "  FINDINGS DIFFER"), flush=True)
        results["runs"].append({**res, "same_findings": same})
    if args.in_memory:
        mem = _child("memory", path, 1, 1)
        same = mem.pop("digest") == digest
        print(
            f"  in memory:  {mem['wall_s']:7.2f} s  peak {mem['peak_mb']:6.0f} MB"
            + ("" if same else "  FINDINGS DIFFER")
        )
        results["in_memory"] = {**mem, "same_findings": same}
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
