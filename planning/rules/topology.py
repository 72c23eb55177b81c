"""TOP: clusters do not overlap each other or the Hoa Lac Hi-Tech Park.

Candidate pairs come from a spatial index (an STRtree), so the cost grows as n log n.
Overlap areas are measured on the fast equal-area path. When either geometry is an
indicative footprint, the overlap is an artefact of approximate locations and is
reported as information, not as an error.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from planning.i18n import message, plural_message
from planning.rules._base import (
    CheckOptions,
    Finding,
    Outcome,
    Partial,
    Rule,
    rule,
    shared,
    zone_name,
)

if TYPE_CHECKING:
    import geopandas as gpd
    import numpy as np

    from planning.model.plan import Plan

#: Overlaps smaller than this (m²) are digitising noise and are ignored.
MIN_OVERLAP_M2 = 1.0


def polygonal(layer: gpd.GeoDataFrame) -> np.ndarray:
    """Boolean array: the feature is a valid, non-empty Polygon or MultiPolygon (TOP tests these)."""
    import shapely

    g = layer.geometry.to_numpy()
    t = shapely.get_type_id(g)
    valid = shared("is_valid", (g,), lambda: shapely.is_valid(g))
    return ((t == 3) | (t == 6)) & valid & ~shapely.is_empty(g)


def overlap_pairs(
    a: gpd.GeoDataFrame, b: gpd.GeoDataFrame | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return index pairs (i, j) of overlapping polygons and their overlap areas in m².

    Parameters
    ----------
    a
        A polygon layer (EPSG:4326).
    b
        A second layer; when None, pairs within ``a`` with ``i < j``.

    Returns
    -------
    tuple of numpy.ndarray
        Positional indices into ``a`` and ``b`` (or ``a``), and overlap areas (m²),
        ordered by ``i`` then ``j``.
    """
    import numpy as np
    import shapely

    from planning.geo.geodesic import equal_area_m2

    ga = a.geometry.to_numpy()
    ok_a = polygonal(a)
    gb = ga if b is None else b.geometry.to_numpy()
    ok_b = ok_a if b is None else polygonal(b)
    tree = shapely.STRtree(np.where(ok_b, gb, None))
    qi, tj = tree.query(np.where(ok_a, ga, None), predicate="intersects")
    if b is None:
        keep = qi < tj
        qi, tj = qi[keep], tj[keep]
    order = np.lexsort((tj, qi))  # by row, then by the other row: a stable report
    qi, tj = qi[order], tj[order]
    if not len(qi):
        empty = np.array([], dtype=np.int64)
        return empty, empty, np.array([], dtype=float)
    inter = shapely.intersection(ga[qi], gb[tj])
    areas = equal_area_m2(inter, crs=a.crs)
    keep = areas >= MIN_OVERLAP_M2
    return qi[keep], tj[keep], areas[keep]


def indicative_mask(layer: gpd.GeoDataFrame) -> np.ndarray:
    """Return a boolean array: whether each feature's geometry is an indicative footprint.

    Shared with :mod:`planning.partitioned`, which marks pairs the same way.

    Parameters
    ----------
    layer
        A clusters or zones layer; without a ``geometry_kind`` column nothing is indicative.

    Returns
    -------
    numpy.ndarray
        One bool per row.
    """
    import numpy as np

    if "geometry_kind" not in layer.columns:
        return np.zeros(len(layer), dtype=bool)
    return layer["geometry_kind"].astype(str).eq("indicative").to_numpy()


def pair_findings(
    r: Rule,
    first: Iterable[Any],
    second: Iterable[Any],
    indicative: Iterable[bool],
    areas_m2: Iterable[float],
) -> list[Finding]:
    """Return TOP001's findings for overlapping pairs (first id, second id, either indicative, m²)."""
    findings = []
    for a_id, b_id, ind, a in zip(first, second, indicative, areas_m2, strict=True):
        ids_ = (str(a_id), str(b_id))
        if ind:
            msg = message(
                "clusters {a} and {b} overlap by {ha:,.3f} ha (at least one footprint is "
                "indicative: its location is approximate)",
                a=ids_[0],
                b=ids_[1],
                ha=a / 1e4,
            )
        else:
            msg = message(
                "clusters {a} and {b} overlap by {ha:,.3f} ha", a=ids_[0], b=ids_[1], ha=a / 1e4
            )
        findings.append(
            r.finding(
                msg,
                cluster_id=ids_[0],
                severity="info" if ind else None,
                other=ids_[1],
                overlap_ha=round(a / 1e4, 6),
            )
        )
    return findings


def pairs_outcome(polygons: int, findings: list[Finding]) -> Outcome:
    """Return TOP001's outcome: its findings and the number of polygons tested."""
    return Outcome(
        plural_message(
            "{n:,} polygon tested pairwise through a spatial index",
            "{n:,} polygons tested pairwise through a spatial index",
            polygons,
        ),
        findings,
        checked=polygons if polygons > 1 else 0,
    )


#: The family name in reports (stable; the JSON report carries it).
FAMILY = "overlap"


@rule("TOP001", "Clusters do not overlap each other")
def clusters_overlap(plan: Plan, options: CheckOptions, r: Rule) -> Outcome:
    """Two clusters cannot occupy the same land. Fix: correct one of the outlines.

    Where either footprint is indicative, the overlap is reported as information only.

    Examples
    --------
    >>> from planning.testing import make_plan, run_rule, square
    >>> plan = make_plan([{"cluster_id": "A", "geometry": square(105.56, 21.06, 4)},
    ...                   {"cluster_id": "B", "geometry": square(105.561, 21.06, 4)}])
    >>> result = run_rule("TOP001", plan)
    >>> result.status
    'fail'
    >>> print(result.findings[0].message)
    clusters A and B overlap by 1.926 ha
    """
    cl = plan.clusters
    qi, tj, areas = overlap_pairs(cl)
    cids, ind = cl["cluster_id"].to_numpy(), indicative_mask(cl)
    findings = pair_findings(r, cids[qi], cids[tj], ind[qi] | ind[tj], areas)
    return pairs_outcome(int(polygonal(cl).sum()), findings)


def _top002_outcome(part: Partial, options: CheckOptions, r: Rule) -> Outcome:
    zones = part.counts["zones"]
    if not zones:
        return Outcome("", skipped=message("no special zone loaded"))
    return Outcome(
        message(
            "{clusters} tested against {zones}",
            clusters=plural_message("{n:,} cluster", "{n:,} clusters", part.counts["clusters"]),
            zones=plural_message("{n:,} zone", "{n:,} zones", len(zones)),
        ),
        part.findings,
        checked=part.counts["clusters"],
    )


@rule("TOP002", "Clusters do not overlap the Hoa Lac Hi-Tech Park", finish=_top002_outcome)
def zone_overlap(plan: Plan, options: CheckOptions, r: Rule) -> Partial:
    """Industrial clusters are planned outside the Hi-Tech Park. Fix: correct the outline.

    While the park's footprint is indicative, overlaps are reported as information only.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from planning.testing import make_plan, run_rule, square
    >>> zones = gpd.GeoDataFrame({"zone_id": ["hoalac"], "name_en": ["Hoa Lac Hi-Tech Park"],
    ...                           "geometry_kind": ["surveyed"]},
    ...                          geometry=[square(105.56, 21.06, 100)], crs="EPSG:4326")
    >>> plan = make_plan([{"cluster_id": "A", "geometry": square(105.56, 21.06, 2)}], zones=zones)
    >>> result = run_rule("TOP002", plan)
    >>> result.status
    'fail'
    >>> print(result.findings[0].message)
    cluster A overlaps Hoa Lac Hi-Tech Park by 2.003 ha
    """
    cl, zn = plan.clusters, plan.zones
    counts = {"clusters": len(cl), "zones": tuple(str(z) for z in zn["zone_id"]) if len(zn) else ()}
    if not len(zn):
        return Partial([], counts)
    qi, tj, areas = overlap_pairs(cl, zn)
    findings = []
    cids, ind, zind = cl["cluster_id"].to_numpy(), indicative_mask(cl), indicative_mask(zn)
    for i, j, a in zip(qi, tj, areas, strict=True):
        cid = str(cids[i])
        indicative = bool(ind[i] or zind[j])
        zone = zone_name(zn, j)
        if indicative:
            msg = message(
                "cluster {id} overlaps {zone} by {ha:,.3f} ha (an indicative footprint is "
                "involved: the location is approximate)",
                id=cid,
                zone=zone,
                ha=a / 1e4,
            )
        else:
            msg = message(
                "cluster {id} overlaps {zone} by {ha:,.3f} ha", id=cid, zone=zone, ha=a / 1e4
            )
        findings.append(
            r.finding(
                msg,
                cluster_id=cid,
                severity="info" if indicative else None,
                zone=str(zn["zone_id"].iloc[j]),
                overlap_ha=round(a / 1e4, 6),
            )
        )
    return Partial(findings, counts)
