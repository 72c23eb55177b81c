"""Benchmark planning's maps against ``GeoDataFrame.explore()``: HTML size and time to first paint.

For each size (159, 10,000 and 100,000 synthetic clusters by default), the same plan is drawn
two ways, side by side in one run:

* ``planning.maps.api.write_map(plan, path)``: districts, clusters (with findings in the
  popups), Hoa Lac, controls, legend; everything inlined (no network);
* ``plan.clusters.explore(tiles=None).save(path)``: the clusters layer only, with the
  JavaScript and CSS that folium links from CDNs.

Each file is opened ``--runs`` times in headless Debian chromium (Playwright, a new browser
context each time, so no cache). The network is cut: explore()'s CDN files are answered
from the local disk instead (Leaflet from the copy vendored in ``planning/maps/static/leaflet/``, empty
files for the rest: jQuery, Bootstrap, Font Awesome, awesome-markers), which is explore()'s
best case, a warm browser cache. Timed from navigation start:

* ``fcp``: the browser's first contentful paint;
* ``drawn``: the first frame in which the map's vector overlay (SVG paths or canvas) exists;
* ``load``: the load event.

Also the Python time to build and write each file. Ratios are planning / explore.

Usage::

    python benchmarks/bench_maps.py
    python benchmarks/bench_maps.py --sizes 159 10000 --runs 7 --keep out/

Needs the ``bench`` extra (``pip install -e .[bench]``: ``mapclassify`` and ``matplotlib``
for explore()), ``playwright`` (no browser download: ``/usr/bin/chromium``) and the geodata.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from planning.testing import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

DRAWN = (
    "() => document.querySelector('.leaflet-overlay-pane path, .leaflet-overlay-pane canvas')"
    " !== null"
)


def build(n: int, out: Path) -> dict[str, Any]:
    """Write both maps of ``n`` synthetic clusters into ``out``; return paths, sizes, times."""
    import planning
    from planning.maps.api import write_map
    from planning.report.core import check
    from planning.testing import synthetic_clusters

    base = planning.load_plan()
    plan = base.with_clusters(synthetic_clusters(n, seed=1), complete=True)
    report = check(plan)
    p_path, e_path = out / f"planning-{n}.html", out / f"explore-{n}.html"
    t0 = time.perf_counter()
    write_map(plan, p_path, report=report)
    t1 = time.perf_counter()
    plan.clusters.explore(tiles=None).save(str(e_path))
    t2 = time.perf_counter()
    return {
        "n": n,
        "planning": {"path": str(p_path), "bytes": p_path.stat().st_size, "write_s": t1 - t0},
        "explore": {"path": str(e_path), "bytes": e_path.stat().st_size, "write_s": t2 - t1},
    }


def _route(route: Any) -> None:
    """Serve CDN files from disk (Leaflet) or as empty files; refuse everything else."""
    from planning.maps.assets import leaflet_dir

    url = route.request.url
    if url.startswith("file:"):
        route.continue_()
        return
    name = url.rsplit("/", 1)[-1].split("?")[0]
    if name in ("leaflet.js", "leaflet.css"):
        route.fulfill(path=str(leaflet_dir() / name))
    elif name.endswith(".js"):
        route.fulfill(status=200, content_type="application/javascript", body="")
    elif name.endswith(".css"):
        route.fulfill(status=200, content_type="text/css", body="")
    else:
        route.abort()


def paint_times(browser: Any, path: str, runs: int) -> dict[str, float]:
    """Return the median fcp / drawn / load times (ms) of ``runs`` fresh openings of ``path``."""
    got: dict[str, list[float]] = {"fcp": [], "drawn": [], "load": []}
    for _ in range(runs):
        context = browser.new_context(viewport={"width": 1280, "height": 800})
        page = context.new_page()
        page.route("**/*", _route)
        errors: list[str] = []
        page.on("pageerror", lambda e, errors=errors: errors.append(str(e)))
        page.goto(Path(path).as_uri(), wait_until="commit", timeout=120_000)
        page.wait_for_function(DRAWN, polling="raf", timeout=120_000)
        drawn = page.evaluate("() => performance.now()")
        page.wait_for_load_state("load", timeout=120_000)
        fcp_seen = "() => performance.getEntriesByName('first-contentful-paint').length > 0"
        page.wait_for_function(fcp_seen, timeout=30_000)  # paint entries come a frame late
        timing = page.evaluate(
            """() => {
                const fcp = performance.getEntriesByName('first-contentful-paint')[0];
                const nav = performance.getEntriesByType('navigation')[0];
                return {fcp: fcp ? fcp.startTime : null, load: nav ? nav.loadEventEnd : null};
            }"""
        )
        got["drawn"].append(drawn)
        got.setdefault("page_errors", []).append(float(len(errors)))
        if timing["fcp"] is not None:
            got["fcp"].append(timing["fcp"])
        if timing["load"]:
            got["load"].append(timing["load"])
        context.close()
    return {k: statistics.median(v) for k, v in got.items() if v}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[159, 10_000, 100_000])
    parser.add_argument("--runs", type=int, default=5, help="openings per file (median)")
    parser.add_argument("--keep", metavar="DIR", help="keep the HTML files in DIR")
    parser.add_argument("--json", metavar="FILE", help="write the results as JSON")
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    out = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="planning-maps-"))
    out.mkdir(parents=True, exist_ok=True)
    results = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM, args=list(CHROMIUM_ARGS), headless=True
        )
        for n in args.sizes:
            res = build(n, out)
            for kind in ("planning", "explore"):
                res[kind].update(paint_times(browser, res[kind]["path"], args.runs))
            results.append(res)
            p, e = res["planning"], res["explore"]
            print(f"\n{n:,} clusters (median of {args.runs} openings; ratio = planning / explore)")
            print(f"  {'':18s} {'planning':>12s} {'explore()':>12s} {'ratio':>7s}")
            print(
                f"  {'HTML size (MB)':18s} {p['bytes'] / 1e6:12.2f} {e['bytes'] / 1e6:12.2f} "
                f"{p['bytes'] / e['bytes']:7.2f}"
            )
            print(
                f"  {'bytes per cluster':18s} {p['bytes'] / n:12,.0f} {e['bytes'] / n:12,.0f} "
                f"{p['bytes'] / e['bytes']:7.2f}"
            )
            for key, label in (
                ("write_s", "build+write (s)"),
                ("fcp", "first paint (ms)"),
                ("drawn", "map drawn (ms)"),
                ("load", "load event (ms)"),
            ):
                if key in p and key in e:
                    print(f"  {label:18s} {p[key]:12.1f} {e[key]:12.1f} {p[key] / e[key]:7.2f}")
        browser.close()
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
