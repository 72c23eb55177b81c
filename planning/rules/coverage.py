"""COV: how much of the plan the loaded data holds, and how well it is located."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from planning.i18n import Message, join_messages, message, plural_message
from planning.rules._base import (
    SOURCE_TYPE_NAMES,
    CheckOptions,
    Outcome,
    Rule,
    ids,
    rule,
    zone_name,
)

if TYPE_CHECKING:
    from planning.model.plan import Plan


def coverage(plan: Plan) -> dict[str, Any]:
    """Return the coverage figures of a plan's clusters against the published totals.

    Returns
    -------
    dict
        ``clusters_loaded``, ``clusters_planned``, ``clusters_share``,
        ``clusters_with_area``, ``ha_declared``, ``ha_planned``, ``ha_share``,
        ``by_geometry_kind``, ``by_location_precision``, ``complete``; ``by_phase`` and
        ``by_category`` (clusters and declared ha per plan phase or category, ``unknown``
        where no source says); ``by_source_type`` (clusters and ha by the type of the source
        their declared area comes from, ``none`` without an area; ``{}`` when the layer does
        not say) and ``clusters_per_source_type`` (clusters with at least one fact from each
        type of source; ``{}`` without per-source facts).
    """
    cl = plan.clusters
    figs = plan.manifest.figures
    planned = int(figs["total_clusters"].value) if "total_clusters" in figs else None
    ha_fig = figs.get("total_ha_detail") or figs.get("total_ha")
    ha_planned = float(ha_fig.value) if ha_fig else None
    ha = float(cl["declared_ha"].sum(skipna=True))
    n = len(cl)
    return {
        "complete": plan.complete,
        "clusters_loaded": n,
        "clusters_planned": planned,
        "clusters_share": (n / planned) if planned else None,
        "clusters_with_area": int(cl["declared_ha"].notna().sum()),
        "ha_declared": round(ha, 6),
        "ha_planned": ha_planned,
        "ha_share": (ha / ha_planned) if ha_planned else None,
        "by_geometry_kind": {
            str(k): int(v) for k, v in cl["geometry_kind"].value_counts().sort_index().items()
        },
        "by_location_precision": {
            str(k): int(v) for k, v in cl["location_precision"].value_counts().sort_index().items()
        },
        "by_phase": _breakdown(cl, "phase"),
        "by_category": _breakdown(cl, "category"),
        "by_source_type": _breakdown(cl, "declared_source_type", empty="none")
        if "declared_source_type" in cl.columns
        else {},
        "clusters_per_source_type": _per_source_type(plan),
    }


def _breakdown(cl: Any, column: str, *, empty: str = "unknown") -> dict[str, dict[str, Any]]:
    keys = cl[column].fillna("").astype(str).replace("", empty)
    out: dict[str, dict[str, Any]] = {}
    for key, group in cl.groupby(keys, sort=True):
        out[str(key)] = {
            "clusters": len(group),
            "clusters_with_area": int(group["declared_ha"].notna().sum()),
            "ha_declared": round(float(group["declared_ha"].sum(skipna=True)), 6),
        }
    return out


def _per_source_type(plan: Plan) -> dict[str, int]:
    facts = getattr(plan, "facts", None)
    if facts is None or facts.empty:
        return {}
    # The facts' few hundred ids are looked up among the clusters' ids, not the other way
    # round: ``isin`` with millions of Arrow strings as its values lists them in Python
    # (0.7 s per call at 200,000 clusters).
    ids = plan.clusters["cluster_id"]
    present = set(ids[ids.isin(facts["cluster_id"].unique())].tolist())
    facts = facts.loc[facts["cluster_id"].isin(present)]
    if facts.empty:
        return {}
    from planning.model.catalogue import SOURCE_TYPES

    counts = facts.groupby("source_type")["cluster_id"].nunique()
    return {t: int(counts.get(t, 0)) for t in SOURCE_TYPES}


@rule("COV001", "Coverage of the plan's clusters and hectares", severity="info")
def plan_coverage(plan: Plan, options: CheckOptions, r: Rule) -> Outcome:
    """States how many of the plan's 159 clusters and 3,204.3 ha the loaded data holds.

    Never a failure: it keeps every other figure in proportion.

    Examples
    --------
    >>> from planning.testing import make_plan, run_rule, square
    >>> plan = make_plan([{"cluster_id": "A", "declared_ha": 10, "geometry": square(105.56, 21.06, 10)}], complete=False)
    >>> result = run_rule("COV001", plan)
    >>> result.status
    'pass'
    >>> print(result.explanation)
    1 clusters loaded of 159 planned (0.6 %); 1 with a declared area; 10.00 ha of 3,204.31 ha declared (0.3 %)
    """
    c = coverage(plan)
    parts: list[Message] = []
    if c["clusters_planned"]:
        parts.append(
            message(
                "{n:,} clusters loaded of {planned:,} planned ({share:.1f} %)",
                n=c["clusters_loaded"],
                planned=c["clusters_planned"],
                share=100 * c["clusters_share"],
            )
        )
    else:
        parts.append(message("{n:,} clusters loaded", n=c["clusters_loaded"]))
    parts.append(message("{n:,} with a declared area", n=c["clusters_with_area"]))
    if c["ha_planned"]:
        parts.append(
            message(
                "{ha:,.2f} ha of {planned:,.2f} ha declared ({share:.1f} %)",
                ha=c["ha_declared"],
                planned=c["ha_planned"],
                share=100 * c["ha_share"],
            )
        )
    known = {k: v for k, v in c["by_phase"].items() if k != "unknown"}
    if known:
        parts.append(
            message(
                "by phase: {phases}",
                phases=join_messages(
                    message(
                        "{phase} {n} clusters, {ha:,.2f} ha",
                        phase=k,
                        n=v["clusters"],
                        ha=v["ha_declared"],
                    )
                    for k, v in known.items()
                ),
            )
        )
    if c["by_source_type"]:
        parts.append(
            message(
                "declared areas by source type: {types}",
                types=join_messages(
                    message(
                        "{source_type} {n} ({ha:,.2f} ha)",
                        source_type=SOURCE_TYPE_NAMES.get(k, k),
                        n=v["clusters"],
                        ha=v["ha_declared"],
                    )
                    for k, v in c["by_source_type"].items()
                ),
            )
        )
    msg = join_messages(parts, sep="; ")
    return Outcome(msg, [r.finding(msg, **c)], checked=c["clusters_loaded"])


#: Where a location-only or indicative cluster is placed, by its location precision.
_PLACED = {
    "source point": message("placed at the point its source publishes"),
    "commune": message("placed at the commune's representative point"),
    "district": message("placed at the district's representative point"),
}


@rule("COV002", "Indicative footprints and location-only clusters are listed", severity="info")
def indicative(plan: Plan, options: CheckOptions, r: Rule) -> Outcome:
    """Lists the clusters whose outline is not surveyed: indicative footprints (a circle of
    the declared area at the commune's or district's representative point) and
    location-only points. Their positions are approximate; do not measure distances on them.

    Examples
    --------
    >>> from planning.testing import make_plan, run_rule, square
    >>> plan = make_plan([{"cluster_id": "A", "declared_ha": 10, "geometry_kind": "indicative",
    ...                    "location_precision": "commune", "geometry": square(105.56, 21.06, 10)}])
    >>> result = run_rule("COV002", plan)
    >>> result.status
    'pass'
    >>> print(result.findings[0].message)
    1 cluster: indicative footprint, placed at the commune's representative point: A
    """
    cl = plan.clusters
    findings = []
    for kind, what in (
        ("indicative", message("indicative footprint")),
        ("point", message("location only, no published area")),
    ):
        mask = cl["geometry_kind"].eq(kind)
        if mask.any():
            for precision, group in cl.loc[mask].groupby("location_precision"):
                where = _PLACED.get(str(precision)) or message(
                    "placed at the {precision}'s representative point", precision=precision
                )
                findings.append(
                    r.finding(
                        plural_message(
                            "{n:,} cluster: {what}, {where}: {ids}",
                            "{n:,} clusters: {what}, {where}: {ids}",
                            len(group),
                            what=what,
                            where=where,
                            ids=ids(group["cluster_id"]),
                        ),
                        kind=kind,
                        precision=str(precision),
                        ids=list(group["cluster_id"]),
                    )
                )
    zind = plan.zones["geometry_kind"].eq("indicative") if len(plan.zones) else None
    if zind is not None and zind.any():
        findings.append(
            r.finding(
                message(
                    "zone footprint indicative: {names}",
                    names=join_messages(
                        zone_name(plan.zones, j) for j in zind.to_numpy().nonzero()[0]
                    ),
                ),
                kind="zone",
            )
        )
    n = int(cl["geometry_kind"].isin(["indicative", "point"]).sum())
    return Outcome(
        plural_message(
            "{n:,} cluster of {total:,} have approximate locations",
            "{n:,} clusters of {total:,} have approximate locations",
            n,
            total=len(cl),
        ),
        findings,
        checked=len(cl),
    )
