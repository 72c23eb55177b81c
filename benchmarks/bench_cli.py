"""Benchmark the command line's cold start: ``planning check`` on the bundled plan, and ``--help``.

Each command runs ``--runs`` times in a fresh process, after one untimed run that fills the
geodata cache (so "cold" means a new interpreter, not an empty cache). The wall time of each
run is measured around ``subprocess.run``; the median, minimum and maximum are printed, next
to a bare ``python -c pass`` (the interpreter's own start) and ``import planning``. With
``--importtime``, the slowest imports of ``planning check`` are listed
(``python -X importtime``).

Usage::

    python benchmarks/bench_cli.py                 # 9 runs each
    python benchmarks/bench_cli.py --runs 15 --importtime

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
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET_S = 1.5


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")])
    return env


def wall(cmd: list[str], runs: int) -> list[float]:
    """Return the wall times of ``runs`` runs of ``cmd`` (output discarded)."""
    out = []
    for _ in range(runs):
        t0 = time.perf_counter()
        r = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=_env())
        out.append(time.perf_counter() - t0)
        if r.returncode not in (0, 1):
            raise SystemExit(f"{' '.join(cmd)} failed: {r.stderr.decode()[-500:]}")
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


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--importtime", action="store_true", help="list the slowest imports")
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
    wall(commands["planning check"], 1)  # fills the geodata cache; not timed
    results = {}
    print(f"{args.runs} runs each, wall time in seconds ({' '.join(prog)}):")
    for label, cmd in commands.items():
        times = wall(cmd, args.runs)
        med = statistics.median(times)
        results[label] = {"median_s": med, "min_s": min(times), "max_s": max(times)}
        mark = ""
        if label.startswith("planning check"):
            mark = f"  (target < {TARGET_S} s: {'met' if med < TARGET_S else 'NOT met'})"
        print(
            f"  {label:32s} median {med:6.3f}  min {min(times):6.3f}  max {max(times):6.3f}{mark}"
        )
    if args.importtime:
        print("\nslowest top-level imports of `planning check` (cumulative seconds):")
        for sec, name in importtime([sys.executable, "-m", "planning", "check"]):
            print(f"  {sec:6.3f}  {name}")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
