"""Benchmark planning.geo.area against a plain GeographicLib loop and GeoPandas' to_crs().area.

Generates N synthetic star-shaped polygons of 1-100 ha inside Hanoi (lon 105.3-106.0,
lat 20.6-21.4) and times, side by side in one run:

* ``planning.geo.area.equal_area_m2``   (the fast path)
* ``planning.geo.area.geodesic_area_m2`` (the reference, GeographicLib per ring)
* a plain loop of ``pyproj.Geod(ellps="WGS84").geometry_area_perimeter``
* ``gdf.to_crs("EPSG:5897").area``  (what most scripts do)

It prints the median of a few repeats, the speed ratios, and the largest relative
difference between the fast path and the reference.

Usage::

    python benchmarks/bench_area.py                 # 10k and 100k polygons
    python benchmarks/bench_area.py --million       # also 1M
    python benchmarks/bench_area.py --sizes 5000 --repeats 3 --vertices 4 64
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import shapely
from pyproj import Geod

try:
    from planning.geo.area import equal_area_m2, geodesic_area_m2
except ImportError:  # run from a source checkout without installing
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from planning.geo.area import equal_area_m2, geodesic_area_m2

HANOI = (105.3, 20.6, 106.0, 21.4)  # west, south, east, north
EARTH_R = 6_371_008.8


def make_polygons(
    n: int, *, seed: int = 0, vertices: tuple[int, int] = (5, 20), bounds=HANOI
) -> gpd.GeoDataFrame:
    """Return ``n`` star-shaped polygons of 1-100 ha inside ``bounds``, in EPSG:4326."""
    rng = np.random.default_rng(seed)
    k = rng.integers(vertices[0], vertices[1] + 1, n)
    owner = np.repeat(np.arange(n), k)
    first = np.concatenate([[0], np.cumsum(k)[:-1]])
    j = np.arange(k.sum()) - np.repeat(first, k)
    kk = k[owner]
    turn = rng.uniform(0, 2 * np.pi, n)[owner]
    ang = turn + (j + rng.uniform(-0.35, 0.35, len(j))) * 2 * np.pi / kk
    r = rng.uniform(0.6, 1.0, len(j))
    x, y = r * np.cos(ang), r * np.sin(ang)
    # Shoelace of each unit polygon, to scale it to its target area.
    nxt = np.arange(len(j)) + 1
    nxt[np.cumsum(k) - 1] = first
    unit = 0.5 * np.bincount(owner, weights=x * y[nxt] - x[nxt] * y, minlength=n)
    target_m2 = rng.uniform(1, 100, n) * 1e4
    scale = np.sqrt(target_m2 / unit)[owner]
    w, s, e, nn = bounds
    margin = 0.02
    lon0 = rng.uniform(w + margin, e - margin, n)[owner]
    lat0 = rng.uniform(s + margin, nn - margin, n)[owner]
    lat = lat0 + np.degrees(y * scale / EARTH_R)
    lon = lon0 + np.degrees(x * scale / (EARTH_R * np.cos(np.radians(lat0))))
    rings = shapely.linearrings(np.column_stack([lon, lat]), indices=owner)
    return gpd.GeoDataFrame(geometry=shapely.polygons(rings), crs="EPSG:4326")


def timed(
    fns: dict[str, Callable[[], Any]], repeats: dict[str, int]
) -> dict[str, tuple[float, Any]]:
    """Return name → (median seconds, last result), running the functions round-robin.

    Interleaving the repeats means a burst of load on the machine hits every method
    alike, so the ratios stay meaningful on a busy computer.
    """
    times: dict[str, list[float]] = {name: [] for name in fns}
    results: dict[str, Any] = {}
    for i in range(max(repeats.values())):
        for name, fn in fns.items():
            if i < repeats[name]:
                t0 = time.perf_counter()
                results[name] = fn()
                times[name].append(time.perf_counter() - t0)
    return {name: (statistics.median(times[name]), results[name]) for name in fns}


def run(n: int, *, repeats: int, vertices: tuple[int, int], seed: int) -> None:
    gdf = make_polygons(n, seed=seed, vertices=vertices)
    geoms = gdf.geometry.to_numpy()
    geod = Geod(ellps="WGS84")
    n_coords = int(shapely.get_num_coordinates(geoms).sum())
    slow_repeats = repeats if n <= 100_000 else 1

    def geod_loop() -> np.ndarray:
        return np.array([abs(geod.geometry_area_perimeter(g)[0]) for g in geoms])

    equal_area_m2(gdf.geometry)  # warm the transformer and CRS caches
    out = timed(
        {
            "fast": lambda: equal_area_m2(gdf.geometry),
            "ref": lambda: geodesic_area_m2(gdf.geometry),
            "loop": geod_loop,
            "crs": lambda: gdf.to_crs("EPSG:5897").area.to_numpy(),
        },
        {"fast": repeats, "ref": slow_repeats, "loop": slow_repeats, "crs": repeats},
    )
    (t_fast, fast), (t_ref, ref), (t_loop, loop), (t_crs, vn) = (
        out["fast"],
        out["ref"],
        out["loop"],
        out["crs"],
    )

    rel = np.abs(fast / ref - 1)
    print(f"\n{n:,} polygons, {n_coords:,} coordinates ({vertices[0]}-{vertices[1]} vertices), "
          f"median of {repeats} interleaved runs (Python loops: {slow_repeats})")  # fmt: skip
    rows = [
        ("planning.geo.area.equal_area_m2", t_fast),
        ("planning.geo.area.geodesic_area_m2", t_ref),
        ("Geod.geometry_area_perimeter loop", t_loop),
        ('gdf.to_crs("EPSG:5897").area', t_crs),
    ]
    for name, t in rows:
        print(f"  {name:36s} {t * 1e3:10.1f} ms  {t / n * 1e6:7.3f} µs/polygon")
    print(
        f"  speed-up of equal_area_m2 over the Geod loop:   {t_loop / t_fast:6.1f}x (target >= 20x)"
    )
    print(
        f"  equal_area_m2 time / to_crs(5897).area time:    {t_fast / t_crs:6.2f}  (target <= 1.5)"
    )
    print(f"  geodesic_area_m2 speed-up over the Geod loop:   {t_loop / t_ref:6.1f}x")
    print(f"  max |equal_area / geodesic - 1|:                {rel.max():.2e} (target <= 1e-6)")
    print(f"  max |geodesic_area_m2 / Geod loop - 1|:         {np.abs(ref / loop - 1).max():.2e}")
    print(
        f"  median EPSG:5897 planar vs geodesic:            {np.median(vn / ref - 1) * 100:+.4f} %"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000],
                        help="numbers of polygons (default: 10000 100000)")  # fmt: skip
    parser.add_argument("--million", action="store_true", help="also run 1,000,000 polygons")
    parser.add_argument("--repeats", type=int, default=5, help="repeats per timing (median)")
    parser.add_argument("--vertices", type=int, nargs=2, default=(5, 20), metavar=("MIN", "MAX"),
                        help="vertices per polygon (default: 5 20)")  # fmt: skip
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    sizes = list(args.sizes) + ([1_000_000] if args.million else [])
    for n in sizes:
        run(n, repeats=args.repeats, vertices=tuple(args.vertices), seed=args.seed)


if __name__ == "__main__":
    main()
