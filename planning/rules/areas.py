"""ARE: declared areas agree with the measured (geodesic) areas."""

from __future__ import annotations

from typing import TYPE_CHECKING

from planning.i18n import join_messages, message, plural_message
from planning.rules._base import (
    SOURCE_TYPE_NAMES,
    CheckOptions,
    Finding,
    Outcome,
    Partial,
    Rule,
    ids,
    rule,
)

if TYPE_CHECKING:
    from planning.model.plan import Plan


def _are001_outcome(part: Partial, options: CheckOptions, r: Rule) -> Outcome:
    tol = options.tolerance_pct
    n, n_ind = part.counts["compared"], part.counts["indicative"]
    expl = plural_message(
        "{n:,} surveyed or digitized cluster compared at ±{tol:g} % (geodesic area, WGS 84)",
        "{n:,} surveyed or digitized clusters compared at ±{tol:g} % (geodesic area, WGS 84)",
        n,
        tol=tol,
    )
    if n_ind:
        expl = join_messages(
            [
                expl,
                plural_message(
                    "{n:,} indicative footprint not compared (their area is the declared one by construction)",
                    "{n:,} indicative footprints not compared (their area is the declared one by construction)",
                    n_ind,
                ),
            ],
            sep="; ",
        )
    if n == 0:
        return Outcome("", skipped=expl)
    return Outcome(expl, part.findings, checked=n)


@rule("ARE001", "Declared area agrees with the measured area", finish=_are001_outcome)
def declared_vs_measured(plan: Plan, options: CheckOptions, r: Rule) -> Partial:
    """For each surveyed or digitized cluster, the geodesic area of its outline (WGS 84
    ellipsoid) must be within the tolerance (default 5 %) of its declared hectares.

    Indicative footprints have the declared area by construction and are not compared.
    Fix: check the outline, the declared figure, or the layer's CRS (a VN-2000 layer read
    as another CRS gives wrong areas).

    Examples
    --------
    >>> from planning.testing import make_plan, run_rule, square
    >>> plan = make_plan([{"cluster_id": "A", "declared_ha": 12.0, "geometry": square(105.56, 21.06, 10)}])
    >>> result = run_rule("ARE001", plan)
    >>> result.status
    'fail'
    >>> print(result.findings[0].message)
    cluster A (CCN A): declared 12.00 ha, measured 10.02 ha (-16.5 %, tolerance ±5 %)
    """
    import numpy as np

    cl = plan.clusters
    tol = options.tolerance_pct
    mask = cl["geometry_kind"].isin(["surveyed", "digitized"]) & cl["declared_ha"].notna()
    rows = mask.to_numpy().nonzero()[0]
    declared_all = cl["declared_ha"].to_numpy(dtype=float)[rows]
    measured_all = cl["measured_ha"].to_numpy(dtype=float)[rows]
    with np.errstate(divide="ignore", invalid="ignore"):
        diff_all = 100.0 * (measured_all - declared_all) / declared_all
    off = np.isfinite(measured_all) & (measured_all > 0) & (np.abs(diff_all) > tol)
    cids, names = cl["cluster_id"].to_numpy(), cl["name_vi"].to_numpy()
    findings = []
    for k in off.nonzero()[0]:
        i = rows[k]
        declared, measured, diff = (
            float(declared_all[k]),
            float(measured_all[k]),
            float(diff_all[k]),
        )
        if declared <= 0:  # not an area (the readers refuse it): no percentage against it
            findings.append(_not_an_area(r, str(cids[i]), names[i], declared, measured))
            continue
        findings.append(
            r.finding(
                message(
                    "cluster {id} ({name}): declared {declared:,.2f} ha, "
                    "measured {measured:,.2f} ha ({diff:+.1f} %, tolerance ±{tol:g} %)",
                    id=cids[i],
                    name=names[i],
                    declared=declared,
                    measured=measured,
                    diff=diff,
                    tol=tol,
                ),
                cluster_id=str(cids[i]),
                declared_ha=declared,
                measured_ha=round(measured, 6),
                difference_pct=round(diff, 4),
            )
        )
    n_ind = int(cl["geometry_kind"].eq("indicative").sum())
    return Partial(findings, {"compared": int(mask.sum()), "indicative": n_ind})


def _not_an_area(r: Rule, cid: str, name: str, declared: float, measured: float) -> Finding:
    """Return ARE001's finding for a declared area of 0 ha (or less): no percentage to give."""
    return r.finding(
        message(
            "cluster {id} ({name}): declared {declared:,.2f} ha is not an area, measured "
            "{measured:,.2f} ha; write the plan's area in ha",
            id=cid,
            name=name,
            declared=declared,
            measured=measured,
        ),
        cluster_id=cid,
        declared_ha=declared,
        measured_ha=round(measured, 6),
        difference_pct=None,
    )


def _are002_outcome(part: Partial, options: CheckOptions, r: Rule) -> Outcome:
    expl = plural_message(
        "{n:,} declared area checked for m²-as-ha",
        "{n:,} declared areas checked for m²-as-ha",
        part.counts["declared"],
    )
    if part.counts["big"]:
        expl = message("{first} ({ids})", first=expl, ids=ids(part.counts["big"]))
    return Outcome(expl, part.findings, checked=part.counts["declared"])


@rule("ARE002", "Areas are plausible hectares", severity="warning", finish=_are002_outcome)
def implausible_area(plan: Plan, options: CheckOptions, r: Rule) -> Partial:
    """A declared area above 1,000 ha is far larger than a CCN (Decree 68/2017/NĐ-CP sets
    75 ha as the usual maximum) and usually means square metres were typed as hectares.
    Fix: divide by 10,000 if the figure is in m².

    Examples
    --------
    >>> from planning.testing import make_plan, run_rule, square
    >>> plan = make_plan([{"cluster_id": "A", "declared_ha": 50_000, "geometry": square(105.56, 21.06, 5)}])
    >>> result = run_rule("ARE002", plan)
    >>> result.status
    'warn'
    >>> print(result.findings[0].message)
    cluster A declares 50,000 ha: is that m²? (5.00 ha)
    """
    cl = plan.clusters
    big = cl["declared_ha"] > 1000
    findings = [
        r.finding(
            message(
                "cluster {id} declares {ha:,.0f} ha: is that m²? ({ha_m2:,.2f} ha)",
                id=row["cluster_id"],
                ha=row["declared_ha"],
                ha_m2=row["declared_ha"] / 1e4,
            ),
            cluster_id=str(row["cluster_id"]),
            declared_ha=float(row["declared_ha"]),
        )
        for _, row in cl.loc[big].iterrows()
    ]
    n = int(cl["declared_ha"].notna().sum())
    return Partial(findings, {"declared": n, "big": [str(i) for i in cl.loc[big, "cluster_id"]]})


def _are003_outcome(part: Partial, options: CheckOptions, r: Rule) -> Outcome:
    if not part.counts["with_facts"]:
        return Outcome(
            "",
            skipped=message("no per-source facts are loaded (only the bundled catalogue has them)"),
        )
    n, tol = part.counts["compared"], options.tolerance_pct
    expl = plural_message(
        "{n:,} cluster with a reported area compared across sources at ±{tol:g} %",
        "{n:,} clusters with a reported area compared across sources at ±{tol:g} %",
        n,
        tol=tol,
    )
    return Outcome(expl, part.findings, checked=n)


@rule("ARE003", "Sources agree on each cluster's area", severity="warning", finish=_are003_outcome)
def sources_disagree(plan: Plan, options: CheckOptions, r: Rule) -> Partial:
    """Lists clusters whose sources report areas further apart than the tolerance (default
    5 %, of the smaller figure), with every figure and its source.

    The declared area is the most authoritative source's (``docs/catalogue.md``); the others
    are kept so a planner can see the disagreement. Applies to the bundled catalogue, whose
    facts keep one row per cluster per source. Fix: find the establishing decision (or its
    amendment) and record it as a ``decision`` fact.

    Examples
    --------
    >>> from dataclasses import replace
    >>> import pandas as pd
    >>> from planning.testing import make_plan, run_rule, square
    >>> plan = make_plan([{"cluster_id": "A", "declared_ha": 37.78, "geometry": square(105.56, 21.06, 37.78)}])
    >>> facts = pd.DataFrame({"fact_id": ["A/1", "A/2"], "cluster_id": ["A", "A"],
    ...     "declared_ha": [37.78, 27.0], "area_qualifier": ["", ""],
    ...     "source_type": ["government page", "portal"], "source_url": ["https://a", "https://b"]})
    >>> result = run_rule("ARE003", replace(plan, facts=facts))
    >>> result.status
    'warn'
    >>> result.findings[0].cluster_id
    'A'
    """
    from planning.model.catalogue import area_disagreements

    facts = plan.facts
    if facts is None or facts.empty:
        return Partial([], {"with_facts": 0, "compared": 0})
    cl = plan.clusters
    facts = facts.loc[facts["cluster_id"].isin(cl["cluster_id"])]
    tol = options.tolerance_pct
    names = dict(zip(cl["cluster_id"], cl["name_vi"], strict=True))
    declared = dict(zip(cl["cluster_id"], cl["declared_ha"], strict=True))
    findings = []
    for d in area_disagreements(facts, tolerance_pct=tol):
        cid = d["cluster_id"]
        values = join_messages(
            (
                message(
                    "{ha:g} ha ({source_type})",
                    ha=v["ha"],
                    source_type=SOURCE_TYPE_NAMES.get(v["source_type"], v["source_type"]),
                )
                for v in d["values"]
            ),
            sep="; ",
        )
        findings.append(
            r.finding(
                message(
                    "cluster {id} ({name}): sources report {values}, "
                    "{spread:.1f} % apart (tolerance {tol:g} %); declared {declared:g} ha",
                    id=cid,
                    name=names.get(cid, "?"),
                    values=values,
                    spread=d["spread_pct"],
                    tol=tol,
                    declared=declared.get(cid, float("nan")),
                ),
                cluster_id=cid,
                min_ha=d["min_ha"],
                max_ha=d["max_ha"],
                spread_pct=d["spread_pct"],
                values=d["values"],
            )
        )
    n = int(facts.loc[facts["declared_ha"].notna(), "cluster_id"].nunique())
    return Partial(findings, {"with_facts": len(facts), "compared": n})
