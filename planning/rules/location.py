"""LOC: clusters lie in Hanoi, and in the district they declare."""

from __future__ import annotations

from typing import TYPE_CHECKING

from planning.rules._base import CheckOptions, Outcome, Rule, plural, rule

if TYPE_CHECKING:
    import numpy as np

    from planning.model import Plan


def _points(plan: Plan) -> tuple[np.ndarray, np.ndarray]:
    import shapely

    geoms = plan.clusters.geometry.to_numpy()
    ok = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    pts = shapely.point_on_surface(geoms[ok]) if ok.any() else geoms[ok]
    return ok.nonzero()[0], pts


def _district_of(plan: Plan, points: np.ndarray) -> np.ndarray:
    """Index of the district containing each point, or -1."""
    import numpy as np
    import shapely

    tree = shapely.STRtree(plan.districts.geometry.to_numpy())
    out = np.full(len(points), -1, dtype=np.int64)
    if len(points):
        src, dst = tree.query(points, predicate="within")
        out[src] = dst
    return out


@rule("LOC001", "Clusters lie inside Hanoi")
def outside_hanoi(plan: Plan, options: CheckOptions, r: Rule) -> Outcome:
    """A cluster whose outline lies outside the 30 districts is misplaced: usually swapped
    lat/lon, a wrong CRS, or a VN-2000 layer that lost its datum shift (about 224 m off).

    Fix: check the file's CRS (VN-2000 / TM-3 105° is EPSG:5897) and coordinates.
    """
    rows, pts = _points(plan)
    where = _district_of(plan, pts)
    findings = []
    for i, d in zip(rows, where, strict=True):
        if d < 0:
            row = plan.clusters.iloc[i]
            p = pts[list(rows).index(i)]
            findings.append(
                r.finding(
                    f"cluster {row['cluster_id']} ({row['name_vi']}) lies outside Hanoi, at {p.y:.5f} N {p.x:.5f} E",
                    cluster_id=str(row["cluster_id"]),
                    lon=round(p.x, 6),
                    lat=round(p.y, 6),
                )
            )
    return Outcome(
        f"{plural(len(rows), 'cluster')} located against the 30 district boundaries", findings
    )


@rule("LOC002", "Clusters lie in their declared district")
def outside_district(plan: Plan, options: CheckOptions, r: Rule) -> Outcome:
    """A cluster's point on surface must fall in the district its row names.

    Fix: correct the row's district, or its geometry.
    """
    rows, pts = _points(plan)
    where = _district_of(plan, pts)
    codes = plan.districts["district_code"].to_numpy()
    names = plan.districts["district_vi"].to_numpy()
    findings = []
    checked = 0
    for i, d in zip(rows, where, strict=True):
        row = plan.clusters.iloc[i]
        declared = str(row["district_code"])
        if not declared or d < 0:
            continue
        checked += 1
        if codes[d] != declared:
            findings.append(
                r.finding(
                    f"cluster {row['cluster_id']} ({row['name_vi']}) declares {row['district_vi']} "
                    f"({declared}) but lies in {names[d]} ({codes[d]})",
                    cluster_id=str(row["cluster_id"]),
                    declared=declared,
                    found=str(codes[d]),
                )
            )
    return Outcome(f"{plural(checked, 'cluster')} with a declared district checked", findings)
