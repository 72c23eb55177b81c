"""Benchmark the command line's cold start: ``planning check`` on the bundled plan, and ``--help``.

Each command runs ``--runs`` times in a fresh process, after one untimed run that fills the
geodata cache (so "cold" means a new interpreter, not an empty cache). The wall time of each
run is measured around ``subprocess.run``; the median, minimum and maximum are printed, next
to a bare ``python -c pass`` (the interpreter's own start) and ``import planning``. With
``--importtime``, the slowest imports of ``planning check`` are listed
(``python -X importtime``).

With ``--compare DIR`` (another checkout of ``planning``, e.g. ``git worktree add`` of an
older commit), every command runs alternately on this checkout and on DIR, so both see the
same machine load, and the two medians are printed side by side.

Usage::

    python benchmarks/bench_cli.py                 # 9 runs each
    python benchmarks/bench_cli.py --runs 15 --importtime
    python benchmarks/bench_cli.py --runs 15 --compare ../planning-before

The ``planning`` script is used when it is on PATH, else ``python -m planning``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET_S = 0.6  # issue 15: `planning check` on the bundled plan, median


def _env(tree: Path = ROOT) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(tree), env.get("PYTHONPATH", "")])
    return env


def wall(cmd: list[str], runs: int, trees: Sequence[Path] = (ROOT,)) -> list[list[float]]:
    """Return the wall times of ``runs`` runs of ``cmd`` on each checkout in ``trees``.

    The checkouts take turns run by run, so a change in the machine's load hits them alike.
    """
    out: list[list[float]] = [[] for _ in trees]
    for _ in range(runs):
        for times, tree in zip(out, trees, strict=True):
            t0 = time.perf_counter()
            r = subprocess.run(
                cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=_env(tree)
            )
            times.append(time.perf_counter() - t0)
            if r.returncode not in (0, 1):
                raise SystemExit(f"{' '.join(cmd)} failed in {tree}: {r.stderr.decode()[-500:]}")
    return out


def importtime(cmd: list[str], top: int = 12) -> list[tuple[float, str]]:
    """Return the ``top`` slowest cumulative imports of ``cmd`` (seconds, module)."""
    r = subprocess.run(
        [sys.executable, "-X", "importtime", *cmd[1:]] if cmd[0] == sys.executable else cmd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=_env(),
        text=True,
    )
    rows = []
    for line in r.stderr.splitlines():
        if not line.startswith("import time:") or "cumulative" in line:
            continue
        _, cum, name = line[len("import time:") :].split("|")
        if not name[1:].startswith(" "):  # top-level imports only (nested ones are indented)
            rows.append((int(cum) / 1e6, name.strip()))
    return sorted(rows, reverse=True)[:top]


#: Libraries ``planning check --format json`` on the bundled plan does not use (issue 15).
UNUSED_BY_CHECK = (
    "dask",
    "distributed",
    "dask_geopandas",
    "folium",
    "branca",
    "jinja2",
    "matplotlib",
    "openpyxl",
    "rich",
    "babel",
    "playwright",
)


def imported(cmd: list[str]) -> set[str]:
    """Return the top-level packages that ``cmd`` (a ``python ...`` command) imports."""
    r = subprocess.run(
        [sys.executable, "-X", "importtime", *cmd[1:]],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=_env(),
        text=True,
    )
    return {
        line.rsplit("|", 1)[1].strip().split(".")[0]
        for line in r.stderr.splitlines()
        if line.startswith("import time:") and "cumulative" not in line
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--importtime", action="store_true", help="list the slowest imports")
    parser.add_argument("--compare", type=Path, metavar="DIR", help="another checkout to time")
    parser.add_argument("--json", metavar="FILE", help="write the results as JSON")
    args = parser.parse_args(argv)

    exe = shutil.which("planning")
    prog = [exe] if exe else [sys.executable, "-m", "planning"]
    commands = {
        "python -c pass": [sys.executable, "-c", "pass"],
        "python -c 'import planning'": [sys.executable, "-c", "import planning"],
        "planning --help": [*prog, "--help"],
        "planning check": [*prog, "check"],
        "planning check --format json": [*prog, "check", "--format", "json"],
    }
    trees = [ROOT, *([args.compare.resolve()] if args.compare else [])]
    wall(commands["planning check"], 1, trees)  # fills the geodata cache; not timed
    results: dict[str, list[dict[str, float]]] = {}
    print(f"{args.runs} runs each, wall time in seconds ({' '.join(prog)}):")
    print("  " + "  |  ".join(str(t) for t in trees))
    for label, cmd in commands.items():
        rows = []
        for times in wall(cmd, args.runs, trees):
            med = statistics.median(times)
            rows.append({"median_s": med, "min_s": min(times), "max_s": max(times)})
        results[label] = rows
        cells = "  |  ".join(
            f"median {r['median_s']:6.3f}  min {r['min_s']:6.3f}  max {r['max_s']:6.3f}"
            for r in rows
        )
        mark = ""
        if label.startswith("planning check"):
            met = rows[0]["median_s"] < TARGET_S
            mark = f"  (goal < {TARGET_S} s: {'met' if met else 'NOT met'})"
        print(f"  {label:30s} {cells}{mark}")
    if args.importtime:
        print("\nslowest top-level imports of `planning check` (cumulative seconds):")
        for sec, name in importtime([sys.executable, "-m", "planning", "check"]):
            print(f"  {sec:6.3f}  {name}")
        check_json = [sys.executable, "-m", "planning", "check", "--format", "json"]
        unused = sorted(imported(check_json) & set(UNUSED_BY_CHECK))
        print(f"\nimported by `planning check --format json` but not used: {unused or 'none'}")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
