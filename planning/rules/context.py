"""CTX: the plan against its context layers (the industrial parks of OpenStreetMap).

Industrial parks (KCN) are planned by the national government, not by the cluster plan, so a
cluster on a park is not necessarily wrong (a cluster can border or replace part of one, and
the parks' outlines are volunteered, not legal boundaries). It is worth a look, so the rule
lists each overlap as information; it never fails a check.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from planning.i18n import N_, message, plural_message
from planning.rules._base import CheckOptions, Outcome, Partial, Rule, rule
from planning.rules.topology import indicative_mask, overlap_pairs, polygonal

if TYPE_CHECKING:
    from planning.model.plan import Plan

#: The family name in reports (stable; the JSON report carries it).
FAMILY = "context"


def _ctx001_outcome(part: Partial, options: CheckOptions, r: Rule) -> Outcome:
    parks = part.counts["parks"]
    if not parks:
        return Outcome("", skipped=message("no industrial park layer loaded"))
    tested = part.counts["clusters"]
    return Outcome(
        message(
            "{clusters} tested against {parks} (OpenStreetMap)",
            clusters=plural_message("{n:,} cluster polygon", "{n:,} cluster polygons", tested),
            parks=plural_message("{n:,} industrial park", "{n:,} industrial parks", parks[0]),
        ),
        part.findings,
        checked=tested,
    )


@rule(
    "CTX001",
    "Clusters on an industrial park are listed",
    severity="info",
    finish=_ctx001_outcome,
    none_checked=N_("no cluster has a polygon"),
)
def industrial_park_overlap(plan: Plan, options: CheckOptions, r: Rule) -> Partial:
    """A cluster that overlaps an industrial park (KCN) of OpenStreetMap is listed, as
    information: the two are planned under different rules, so check that the cluster's
    location is right and that it is not the park itself or part of it. Overlaps of an
    indicative footprint say only that the cluster's commune point is near a park.

    The parks are the context layer ``Plan.industrial_parks`` (© OpenStreetMap
    contributors, ODbL 1.0); without it the rule does not apply.

    Examples
    --------
    >>> from dataclasses import replace
    >>> import geopandas as gpd
    >>> from planning.testing import make_plan, run_rule, square
    >>> parks = gpd.GeoDataFrame({"park_id": [1], "name": ["Khu công nghiệp X"]},
    ...                          geometry=[square(105.56, 21.06, 50)], crs="EPSG:4326")
    >>> plan = make_plan([{"cluster_id": "A", "geometry": square(105.56, 21.06, 2)}])
    >>> result = run_rule("CTX001", replace(plan, industrial_parks=parks))
    >>> result.status
    'pass'
    >>> print(result.findings[0].message)
    cluster A overlaps industrial park Khu công nghiệp X (OSM way 1) by 2.003 ha
    """
    cl, parks = plan.clusters, plan.industrial_parks
    n_parks = 0 if parks is None else len(parks)
    counts = {"clusters": int(polygonal(cl).sum()), "parks": (n_parks,) if n_parks else ()}
    if parks is None or not n_parks:
        return Partial([], counts)
    qi, tj, areas = overlap_pairs(cl, parks)
    cids, ind = cl["cluster_id"].to_numpy(), indicative_mask(cl)
    names, ids = parks["name"].to_numpy(), parks["park_id"].to_numpy()
    findings = []
    for i, j, a in zip(qi, tj, areas, strict=True):
        cid = str(cids[i])
        params = {"id": cid, "park": str(names[j]), "way": str(ids[j]), "ha": a / 1e4}
        msg = (
            message(
                "cluster {id} overlaps industrial park {park} (OSM way {way}) by {ha:,.3f} ha "
                "(the cluster's footprint is indicative: its location is approximate)",
                **params,
            )
            if ind[i]
            else message(
                "cluster {id} overlaps industrial park {park} (OSM way {way}) by {ha:,.3f} ha",
                **params,
            )
        )
        findings.append(
            r.finding(
                msg,
                cluster_id=cid,
                park_id=int(ids[j]),
                park=str(names[j]),
                overlap_ha=round(a / 1e4, 6),
                indicative=bool(ind[i]),
            )
        )
    return Partial(findings, counts)
