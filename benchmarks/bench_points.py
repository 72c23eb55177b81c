"""Benchmark ``planning check`` end to end on a CSV of points with declared areas.

The CSV has one row per cluster: an id, a name, the district, a declared area (ha) and
lon/lat columns, the points spread over Hanoi's districts. Every row with an area gets an
indicative footprint (a circle of exactly that area), so this measures the reader, the
footprints and the check suite together. Each size runs in a fresh process under
``/usr/bin/time -v`` (when present) for its wall time and peak memory; the report goes to
``/dev/null`` through standard output.

Usage::

    PLANNING_GEODATA_MIRROR=../shared/geodata-sources python benchmarks/bench_points.py
    python benchmarks/bench_points.py --sizes 10000 1000000 --profile

``--profile`` also runs the largest size under cProfile and prints the 25 costliest
functions (cumulative). CSVs are cached in ``~/.cache/planning-bench``
(``$PLANNING_BENCH_DIR``).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET_S = 60.0


def _bench_dir() -> Path:
    d = Path(os.environ.get("PLANNING_BENCH_DIR", Path.home() / ".cache" / "planning-bench"))
    d.mkdir(parents=True, exist_ok=True)
    return d


def make_csv(n: int, *, seed: int = 1) -> Path:
    """Write (once) and return a CSV of ``n`` points with declared areas inside Hanoi.

    The points sit on a jittered grid over the 30 districts (one per cell), and each
    area is at most a circle of a quarter of the cell's width, so the footprints do not
    overlap: about 1-80 ha at 10,000 points, 0.01-0.8 ha at 1,000,000 (parcels rather
    than clusters, as in ``bench_check.py``).
    """
    path = _bench_dir() / f"points-{n}-seed{seed}.csv"
    if path.exists():
        return path
    import math

    import numpy as np
    import pandas as pd
    import shapely

    from planning.sources.boundaries import load_districts

    dist = load_districts()
    rng = np.random.default_rng(seed)
    x0, y0, x1, y1 = dist.total_bounds
    hanoi_m2 = 3.359e9  # Hanoi's area, about 3,359 km²
    cell_m = math.sqrt(hanoi_m2 / n) * 0.97  # slightly more cells than points
    lat0 = (y0 + y1) / 2
    dx = cell_m / (111_320.0 * math.cos(math.radians(lat0)))
    dy = cell_m / 110_574.0
    gx, gy = np.meshgrid(np.arange(x0, x1, dx), np.arange(y0, y1, dy))
    xs = gx.ravel() + rng.uniform(0.25, 0.75, gx.size) * dx
    ys = gy.ravel() + rng.uniform(0.25, 0.75, gy.size) * dy
    owner = np.full(len(xs), -1)
    for k, geom in enumerate(dist.geometry):
        shapely.prepare(geom)
        owner[(owner < 0) & shapely.contains_xy(geom, xs, ys)] = k
    inside = np.flatnonzero(owner >= 0)
    if len(inside) < n:
        raise SystemExit(f"only {len(inside)} grid cells inside Hanoi for {n} points")
    pick = np.sort(rng.choice(inside, n, replace=False))
    max_ha = math.pi * (cell_m / 4) ** 2 / 1e4
    area = np.round(max_ha * np.exp(rng.uniform(math.log(0.01), 0.0, n)), 4)
    frame = pd.DataFrame(
        {
            "ma_ccn": [f"P{i:07d}" for i in range(n)],
            "ten_ccn": [f"CCN điểm {i}" for i in range(n)],
            "huyen": dist["district_vi"].to_numpy()[owner[pick]],
            "dien_tich": area,
            "kinh_do": np.round(xs[pick], 6),
            "vi_do": np.round(ys[pick], 6),
        }
    )
    tmp = path.with_suffix(".tmp")
    frame.to_csv(tmp, index=False)
    tmp.replace(path)
    return path


def run(csv: Path) -> tuple[float, float | None, float | None, int]:
    """Run ``planning check CSV --partial -f json``.

    Returns wall seconds, CPU seconds (user + system), peak resident MB and the exit
    code; CPU and peak are None without ``/usr/bin/time``.
    """
    cmd = [sys.executable, "-m", "planning", "check", str(csv), "--partial", "-f", "json"]
    timer = shutil.which("time", path="/usr/bin")
    if timer:
        cmd = [timer, "-v", *cmd]
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")])
    t0 = time.perf_counter()
    r = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env)
    wall = time.perf_counter() - t0
    if r.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(cmd)} failed ({r.returncode}): {r.stderr[-800:]}")
    m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", r.stderr)
    cpu = [float(x) for x in re.findall(r"(?:User|System) time \(seconds\): ([\d.]+)", r.stderr)]
    return wall, sum(cpu) if cpu else None, (int(m.group(1)) / 1024 if m else None), r.returncode


def profile(csv: Path) -> None:
    """Print the 25 costliest functions of ``planning check CSV`` (cumulative time)."""
    import cProfile
    import pstats

    from planning.cli import main

    prof = cProfile.Profile()
    with open(os.devnull, "w") as sink:
        stdout, sys.stdout = sys.stdout, sink
        try:
            prof.runcall(main, ["check", str(csv), "--partial", "-f", "json"])
        finally:
            sys.stdout = stdout
    pstats.Stats(prof).sort_stats("cumulative").print_stats(25)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    ap.add_argument("--profile", action="store_true")
    args = ap.parse_args()
    print(f"{'points':>10} {'wall':>9} {'cpu':>9} {'peak':>9}  exit")
    wall = 0.0
    for n in args.sizes:
        csv = make_csv(n)
        wall, cpu, peak, code = run(csv)
        peak_text = f"{peak:,.0f} MB" if peak is not None else "?"
        cpu_text = f"{cpu:.1f}s" if cpu is not None else "?"
        print(f"{n:>10,} {wall:>8.1f}s {cpu_text:>9} {peak_text:>9}  {code}", flush=True)
    if args.sizes[-1] >= 1_000_000 and wall > TARGET_S:
        print(f"target {TARGET_S:.0f} s at 1,000,000 points: NOT met")
    if args.profile:
        profile(make_csv(args.sizes[-1]))


if __name__ == "__main__":
    main()
