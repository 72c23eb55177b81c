"""Benchmark the full check suite (every rule) on synthetic plans of 159 to 1,000,000 clusters.

For each size, ``planning.testing.synthetic_clusters`` writes a GeoParquet layer once (kept
in a cache folder, not timed): clusters inside Hanoi's districts, 1 % bow-ties, 2 % overlaps
and the other planted defects. Then a fresh Python process (so that its peak memory is the
run's own) times, for each of ``--repeats`` rounds:

* ``read``:  ``geopandas.read_parquet`` of the layer;
* ``build``: ``Plan.with_clusters`` (normalisation, geodesic and VN-2000 areas);
* ``check``: ``planning.check`` (every rule: validity, location, overlaps through an
  STRtree, duplicates, plan totals, coverage);

and reports the medians, the peak resident memory (``ru_maxrss``) and the cost per
cluster relative to n log n. ``--dask`` also times ``planning.partitioned.check_partitioned``
on the same file split into partitions (dask's threads; in its own process, so its peak
memory is its own too), and ``--load-plan`` times
``planning.load_plan(path)``, the command line's reader (without invalid polygons or
repeated ids, which it refuses).

Usage::

    python benchmarks/bench_check.py                      # 159, 10k, 100k, 1M
    python benchmarks/bench_check.py --sizes 159 10000 --repeats 5 --dask
    python benchmarks/bench_check.py --json results.json

Needs the geodata (``PLANNING_GEODATA_MIRROR`` or a filled cache).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CACHE = Path(os.environ.get("PLANNING_BENCH_DIR", Path.home() / ".cache" / "planning-bench"))


def layer_path(n: int, *, clean: bool = False, seed: int = 1) -> Path:
    """Return the cached GeoParquet of ``n`` synthetic clusters, writing it the first time."""
    path = CACHE / f"clusters-{n}-seed{seed}{'-clean' if clean else ''}.parquet"
    if not path.exists():
        from planning.testing import synthetic_clusters

        path.parent.mkdir(parents=True, exist_ok=True)
        extra = {"invalid_share": 0.0, "duplicate_share": 0.0} if clean else {}
        t0 = time.perf_counter()
        layer = synthetic_clusters(n, seed=seed, **extra)
        tmp = path.with_suffix(".tmp")
        layer.to_parquet(tmp)
        tmp.replace(path)
        print(f"  wrote {path.name} in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    return path


def _child(args: argparse.Namespace) -> None:
    """Time one size in this process and print one JSON line."""
    import resource

    import geopandas as gpd

    import planning
    from planning.report.core import check

    base = planning.load_plan()  # districts, Hoa Lac, manifest (and warm caches)
    path = Path(args.child_path)
    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    out: dict[str, Any] = {"n": args.child_n, "rss_after_imports_mb": rss0 / 1024}
    if args.child_mode == "dask":
        from planning.partitioned import check_partitioned

        times = []
        for _ in range(args.repeats):
            t0 = time.perf_counter()
            check_partitioned(path, base=base, npartitions=args.partitions)
            times.append(time.perf_counter() - t0)
        out["dask_s"] = statistics.median(times)
        out["dask_partitions"] = args.partitions
        out["dask_peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(json.dumps(out))
        return
    rounds: dict[str, list[float]] = {"read": [], "build": [], "check": []}
    report = None
    for _ in range(args.repeats):
        report = None
        t0 = time.perf_counter()
        layer = gpd.read_parquet(path)
        t1 = time.perf_counter()
        plan = base.with_clusters(layer, complete=True)
        t2 = time.perf_counter()
        report = check(plan)
        t3 = time.perf_counter()
        rounds["read"].append(t1 - t0)
        rounds["build"].append(t2 - t1)
        rounds["check"].append(t3 - t2)
        del layer, plan
    assert report is not None
    out.update(
        {
            "median_s": {k: statistics.median(v) for k, v in rounds.items()},
            "all_s": rounds,
            "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "findings": {r.rule.code: len(r.findings) for r in report.results if r.findings},
            "statuses": {r.rule.code: r.status for r in report.results},
        }
    )
    print(json.dumps(out))


def _load_plan_child(args: argparse.Namespace) -> None:
    import resource

    import planning

    planning.load_plan()  # warm
    times = []
    for _ in range(args.repeats):
        t0 = time.perf_counter()
        planning.load_plan(args.child_path)
        times.append(time.perf_counter() - t0)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        json.dumps(
            {"n": args.child_n, "load_plan_s": statistics.median(times), "peak_rss_mb": peak}
        )
    )


def _run_child(n: int, path: Path, mode: str, args: argparse.Namespace) -> dict[str, Any]:
    cmd = [
        sys.executable,
        __file__,
        "--child-n",
        str(n),
        "--child-path",
        str(path),
        "--child-mode",
        mode,
        "--repeats",
        str(args.repeats if n < 1_000_000 else max(1, min(args.repeats, args.million_repeats))),
        "--partitions",
        str(max(2, n // 100_000)),
    ]
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
    }
    r = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
    if r.returncode:
        raise SystemExit(f"child for n={n} failed:\n{r.stderr}")
    return json.loads(r.stdout.strip().splitlines()[-1])


def machine() -> dict[str, Any]:
    """Return the machine's description: CPUs, CPU model, memory, Python and library versions."""
    cpu = platform.processor()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_gb = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem_gb = round(int(line.split()[1]) / 1024**2, 1)
    except OSError:
        pass
    import geopandas
    import numpy
    import pandas
    import pyproj
    import shapely

    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "memory_gb": mem_gb,
        "python": platform.python_version(),
        "versions": {
            m.__name__: m.__version__ for m in (numpy, pandas, shapely, pyproj, geopandas)
        },
        "date": time.strftime("%Y-%m-%d"),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[159, 10_000, 100_000, 1_000_000])
    parser.add_argument("--repeats", type=int, default=3, help="rounds per size (median)")
    parser.add_argument("--million-repeats", type=int, default=3, help="rounds at 1,000,000")
    parser.add_argument("--dask", action="store_true", help="also time check_partitioned")
    parser.add_argument("--load-plan", action="store_true", help="also time load_plan(path)")
    parser.add_argument("--json", metavar="FILE", help="write the results as JSON")
    parser.add_argument("--child-n", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--child-path", help=argparse.SUPPRESS)
    parser.add_argument("--child-mode", default="check", help=argparse.SUPPRESS)
    parser.add_argument("--partitions", type=int, default=2, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child_path:
        if args.child_mode == "load_plan":
            _load_plan_child(args)
        else:
            _child(args)
        return

    sys.path.insert(0, str(ROOT))
    info = machine()
    print(
        f"{info['date']}: {info['nproc']} CPUs ({info['cpu']}), {info['memory_gb']} GB, "
        f"Python {info['python']}, " + ", ".join(f"{k} {v}" for k, v in info["versions"].items())
    )
    results = []
    for n in args.sizes:
        path = layer_path(n)
        res = _run_child(n, path, "check", args)
        if args.dask:
            res.update(_run_child(n, path, "dask", args))
        if args.load_plan and n <= 100_000:
            res.update(
                {
                    k: v
                    for k, v in _run_child(n, layer_path(n, clean=True), "load_plan", args).items()
                    if k == "load_plan_s"
                }
            )
        results.append(res)
        m = res["median_s"]
        total = m["read"] + m["build"] + m["check"]
        line = (
            f"{n:>9,} clusters: read {m['read']:7.2f} s  build {m['build']:7.2f} s  "
            f"check {m['check']:7.2f} s  total {total:7.2f} s  peak {res['peak_rss_mb']:7.0f} MB"
        )
        if "dask_s" in res:
            line += f"  dask {res['dask_s']:7.2f} s (peak {res['dask_peak_rss_mb']:5.0f} MB)"
        if "load_plan_s" in res:
            line += f"  load_plan {res['load_plan_s']:7.2f} s"
        print(line, flush=True)
    # Growth: cost per cluster, relative to n log n, taking the first size >= 10,000 as 1.
    ref = next((r for r in results if r["n"] >= 10_000), None)
    if ref is not None:
        print("\ncost / (n log n), relative to", f"{ref['n']:,}:")
        for r in results:
            if r["n"] < ref["n"]:
                continue
            t = sum(r["median_s"].values())
            t_ref = sum(ref["median_s"].values())
            scale = (r["n"] * math.log(r["n"])) / (ref["n"] * math.log(ref["n"]))
            print(f"  {r['n']:>9,}: total {t / t_ref / scale:5.2f}  check only "
                  f"{r['median_s']['check'] / ref['median_s']['check'] / scale:5.2f}")  # fmt: skip
    if args.json:
        Path(args.json).write_text(json.dumps({"machine": info, "results": results}, indent=2))


if __name__ == "__main__":
    main()
