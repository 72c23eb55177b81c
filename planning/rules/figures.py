"""PLN: the plan's published figures: count, total, category tree, district subtotals, ratios."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from planning.i18n import Message, join_messages, message, plural_message
from planning.model.figures import matches_published
from planning.rules._base import CheckOptions, Finding, Outcome, Rule, rule

if TYPE_CHECKING:
    from planning.model.figures import CategoryNode
    from planning.model.plan import Plan


def _partial(plan: Plan, what: Message) -> Message:
    total = plan.manifest.figures.get("total_clusters")
    loaded = (
        message("{n} of {total}", n=len(plan.clusters), total=int(total.value))
        if total
        else str(len(plan.clusters))
    )
    return message(
        "not applicable: the clusters layer is partial ({loaded} clusters), so its "
        "{what} cannot equal the plan's; see COV001 for coverage. A complete list is checked "
        "(load it with complete=True, or pass files without --partial).",
        loaded=loaded,
        what=what,
    )


#: The family name in reports (stable; the JSON report carries it).
FAMILY = "plan"


@rule("PLN001", "The number of clusters equals the plan's published count")
def cluster_count(plan: Plan, options: CheckOptions, r: Rule) -> Outcome:
    """A complete cluster list must hold exactly the plan's 159 clusters.

    Applies only to a layer that claims to be complete. Fix: add the missing clusters or
    remove the extra ones; if the layer is only part of the plan, load it as partial.

    Examples
    --------
    >>> from planning.testing import make_plan, run_rule, square
    >>> plan = make_plan([{"cluster_id": "A", "geometry": square(105.56, 21.06, 10)}], complete=True)
    >>> result = run_rule("PLN001", plan)
    >>> result.status
    'fail'
    >>> print(result.findings[0].message)
    1 clusters loaded, the plan has 159
    """
    fig = plan.manifest.figures.get("total_clusters")
    if fig is None:
        return Outcome("", skipped=message("the manifest has no total_clusters figure"))
    if not plan.complete:
        return Outcome("", skipped=_partial(plan, message("count")))
    n = len(plan.clusters)
    expl = plural_message(
        "{n:,} cluster loaded; the plan publishes {published}",
        "{n:,} clusters loaded; the plan publishes {published}",
        n,
        published=fig.formatted(),
    )
    if matches_published(n, fig):
        return Outcome(expl, checked=1)
    return Outcome(
        expl,
        checked=1,
        findings=[
            r.finding(
                message(
                    "{n} clusters loaded, the plan has {published}", n=n, published=int(fig.value)
                ),
                loaded=n,
                published=fig.value,
            )
        ],
    )


@rule("PLN002", "The declared areas add up to the plan's published total")
def total_area(plan: Plan, options: CheckOptions, r: Rule) -> Outcome:
    """The sum of declared areas of a complete list must equal 3,204.3 ha at the published precision.

    A sum matches when it agrees after rounding to the figure's published decimals.
    Fix: correct the declared areas, or supply the missing ones.

    Examples
    --------
    >>> from planning.testing import make_plan, run_rule, square
    >>> plan = make_plan([{"cluster_id": "A", "declared_ha": 10, "geometry": square(105.56, 21.06, 10)}])
    >>> result = run_rule("PLN002", plan)
    >>> result.status
    'fail'
    >>> print(result.findings[0].message)
    declared areas sum to 10.00 ha, the plan publishes 3,204.3 ha (difference -3,194.30 ha)
    """
    fig = plan.manifest.figures.get("total_ha")
    if fig is None:
        return Outcome("", skipped=message("the manifest has no total_ha figure"))
    if not plan.complete:
        return Outcome("", skipped=_partial(plan, message("total area")))
    declared = plan.clusters["declared_ha"]
    missing = int(declared.isna().sum())
    total = float(declared.sum(skipna=True))
    expl = message(
        "declared areas sum to {total:,.2f} ha; the plan publishes {published}",
        total=total,
        published=fig.formatted(),
    )
    findings = []
    if missing:
        findings.append(
            r.finding(
                plural_message(
                    "{n:,} cluster have no declared area",
                    "{n:,} clusters have no declared area",
                    missing,
                ),
                missing=missing,
            )
        )
    if not matches_published(total, fig):
        findings.append(
            r.finding(
                message(
                    "declared areas sum to {total:,.2f} ha, the plan publishes {published} "
                    "(difference {difference:+,.2f} ha)",
                    total=total,
                    published=fig.formatted(),
                    difference=total - fig.value,
                ),
                computed_ha=round(total, 6),
                published_ha=fig.value,
            )
        )
    return Outcome(expl, findings, checked=1)


@rule("PLN003", "The plan's category tree adds up (phases and categories)")
def category_tree(plan: Plan, options: CheckOptions, r: Rule) -> Outcome:
    """Each phase and category total equals the sum of its parts, at the published precision.

    The manifest says how figures nest: 159 clusters = 138 to 2020 + 21 in 2021-2030;
    138 = 64 kept + 52 new + 22 limited; 3,204.31 ha = 2,622.91 + 536 + 45.4 ha. A derived
    figure (such as the 64 kept clusters' 1,598.10 ha) is computed from the others, so its
    node agrees by construction; the report says which figures are derived.
    Fix: correct the manifest figure that disagrees with its source.

    Examples
    --------
    >>> from dataclasses import replace
    >>> from planning.model.manifest import load_manifest
    >>> from planning.testing import make_plan, run_rule
    >>> manifest = load_manifest()
    >>> manifest.figures["new2020_clusters"] = replace(manifest.figures["new2020_clusters"], value=53)
    >>> result = run_rule("PLN003", make_plan(manifest=manifest))
    >>> result.status
    'fail'
    >>> print(result.findings[0].message)
    to2020 clusters: 64 + 53 + 22 = 139; published 138 clusters (DISAGREES at 0 decimals)
    """
    checks = plan.manifest.check_tree()
    if not checks:
        return Outcome("", skipped=message("the manifest has no category tree"))
    findings = [
        r.finding(
            c.explain(),
            node=c.node,
            quantity=c.quantity,
            computed=round(c.computed, 6),
            published=c.expected.value,
        )
        for c in checks
        if not c.consistent
    ]
    derived = [f.key for f in plan.manifest.figures.values() if f.is_derived]
    expl = plural_message(
        "{n:,} sum checked at each figure's published precision: {sums}",
        "{n:,} sums checked at each figure's published precision: {sums}",
        len(checks),
        sums=join_messages((c.short() for c in checks), sep="; "),
    )
    if derived:
        expl = message(
            "{first}. Derived (not published) figures: {keys}",
            first=expl,
            keys=", ".join(derived),
        )
    return Outcome(expl, findings, checked=len(checks))


@rule("PLN004", "Per-district subtotals match the plan, where it publishes them")
def district_subtotals(plan: Plan, options: CheckOptions, r: Rule) -> Outcome:
    """A complete list's clusters and hectares per district equal the plan's district subtotals.

    The bundled manifest has none: the decision's appendix was not found. A user manifest
    can add ``[district_subtotals.VN101xx]`` tables with ``clusters``, ``ha`` and ``source``.
    Fix: correct the clusters' districts or areas.

    Examples
    --------
    >>> from planning.model.manifest import load_manifest
    >>> from planning.testing import make_plan, run_rule, square
    >>> manifest = load_manifest()
    >>> manifest.district_subtotals["VN10135"] = {"clusters": 2, "ha": 30.5}
    >>> plan = make_plan([{"cluster_id": "A", "declared_ha": 10, "district_code": "VN10135",
    ...                    "geometry": square(105.56, 21.06, 10)}], manifest=manifest)
    >>> result = run_rule("PLN004", plan)
    >>> result.status
    'fail'
    >>> for finding in result.findings:
    ...     print(finding.message)
    VN10135: 1 clusters loaded, the plan has 2
    VN10135: 10.00 ha declared, the plan has 30.50 ha
    """
    subs = plan.manifest.district_subtotals
    if not subs:
        return Outcome(
            "",
            skipped=message(
                "the plan publishes no per-district subtotals (the decision's appendix was not found)"
            ),
        )
    if not plan.complete:
        return Outcome("", skipped=_partial(plan, message("district subtotals")))
    cl = plan.clusters
    findings = []
    for code, spec in subs.items():
        mask = cl["district_code"].eq(code)
        n = int(mask.sum())
        ha = float(cl.loc[mask, "declared_ha"].sum())
        if "clusters" in spec and n != int(spec["clusters"]):
            findings.append(
                r.finding(
                    message(
                        "{code}: {n} clusters loaded, the plan has {published}",
                        code=code,
                        n=n,
                        published=spec["clusters"],
                    ),
                    district_code=code,
                )
            )
        if "ha" in spec:
            decimals = int(spec.get("decimals", 2))
            if round(ha, decimals) != round(float(spec["ha"]), decimals):
                findings.append(
                    r.finding(
                        message(
                            "{code}: {ha:,.2f} ha declared, the plan has {published:,.2f} ha",
                            code=code,
                            ha=ha,
                            published=float(spec["ha"]),
                        ),
                        district_code=code,
                    )
                )
    return Outcome(
        plural_message(
            "{n:,} district subtotal compared", "{n:,} district subtotals compared", len(subs)
        ),
        findings,
        checked=len(subs),
    )


@rule("PLN005", "Published ratios agree with their parts")
def ratios(plan: Plan, options: CheckOptions, r: Rule) -> Outcome:
    """A published percentage equals numerator / denominator at its published precision.

    For example 453 of 455 markets is 99.56 %, published as 99.6 %. Fix: the figure that
    disagrees with its source.

    Examples
    --------
    >>> from dataclasses import replace
    >>> from planning.model.manifest import load_manifest
    >>> from planning.testing import make_plan, run_rule
    >>> manifest = load_manifest()
    >>> manifest.figures["markets_share_pct"] = replace(manifest.figures["markets_share_pct"], value=99.7)
    >>> result = run_rule("PLN005", make_plan(manifest=manifest))
    >>> result.status
    'fail'
    >>> print(result.findings[0].message)
    Markets with a conversion plan: 99.56 % computed, 99.7% published
    """
    m = plan.manifest
    if not m.ratios:
        return Outcome("", skipped=message("the manifest publishes no ratios"))
    findings = []
    parts = []
    for ratio in m.ratios.values():
        num, den, pct = (
            m.figures[ratio.numerator],
            m.figures[ratio.denominator],
            m.figures[ratio.percent],
        )
        value = 100.0 * num.value / den.value if den.value else math.nan
        parts.append(
            message(
                "{label}: {num:,.0f}/{den:,.0f} = {value:.2f} %, published {published}",
                label=ratio.label,
                num=num.value,
                den=den.value,
                value=value,
                published=pct.formatted(),
            )
        )
        if not matches_published(value, pct):
            findings.append(
                r.finding(
                    message(
                        "{label}: {value:.2f} % computed, {published} published",
                        label=ratio.label,
                        value=value,
                        published=pct.formatted(),
                    ),
                    ratio=ratio.key,
                )
            )
    return Outcome(join_messages(parts, sep="; "), findings, checked=len(m.ratios))


@rule("PLN006", "The district layer has the plan's 30 district-level units")
def district_units(plan: Plan, options: CheckOptions, r: Rule) -> Outcome:
    """The plan uses the 30 district-level units of 2014-2025 (12 quận, 17 huyện, 1 thị xã).

    Viet Nam abolished the district level in 2025, so a newer boundary layer will not fit.
    Fix: use the 2014-2025 boundaries (the default OCHA COD-AB 2020 layer).

    Examples
    --------
    >>> from dataclasses import replace
    >>> from planning.testing import make_plan, run_rule
    >>> plan = make_plan()
    >>> result = run_rule("PLN006", replace(plan, districts=plan.districts.iloc[:29]))
    >>> result.status
    'fail'
    >>> print(result.findings[0].message)
    29 district units loaded, the plan uses 30
    """
    fig = plan.manifest.figures.get("district_units")
    if fig is None:
        return Outcome("", skipped=message("the manifest has no district_units figure"))
    n = len(plan.districts)
    codes = plan.districts["district_code"]
    findings = []
    if not matches_published(n, fig):
        findings.append(
            r.finding(
                message(
                    "{n} district units loaded, the plan uses {published}",
                    n=n,
                    published=int(fig.value),
                ),
                loaded=n,
            )
        )
    dups = sorted(set(codes[codes.duplicated()]))
    if dups:
        findings.append(
            r.finding(
                message("district codes repeated: {codes}", codes=", ".join(dups)), codes=dups
            )
        )
    return Outcome(
        plural_message(
            "{n:,} district unit loaded; the plan uses {published}",
            "{n:,} district units loaded; the plan uses {published}",
            n,
            published=int(fig.value),
        ),
        findings,
        checked=n,
    )


@rule("PLN007", "Per-category cluster counts match the plan's tree")
def category_counts(plan: Plan, options: CheckOptions, r: Rule) -> Outcome:
    """In a complete list whose clusters carry categories, each category's count and area
    equal the plan's (64 kept, 52 new, 22 limited, 21 new in 2021-2030).

    Fix: correct the clusters' ``category`` values or their declared areas.

    Examples
    --------
    >>> from planning.testing import make_plan, run_rule, square
    >>> plan = make_plan([{"cluster_id": "A", "category": "kept", "geometry": square(105.56, 21.06, 10)}])
    >>> result = run_rule("PLN007", plan)
    >>> result.status
    'fail'
    >>> print(result.findings[0].message)
    category 'kept': 1 clusters loaded, the plan has 64
    """
    cats = plan.manifest.categories
    cl = plan.clusters
    known = cl["category"].isin(list(cats))
    if not plan.complete:
        return Outcome("", skipped=_partial(plan, message("category counts")))
    if not known.any():
        return Outcome("", skipped=message("no cluster carries a plan category"))
    findings: list[Finding] = []
    parts = []
    present = set(cl["category"].unique())
    for key, node in cats.items():
        if node.children or not node.clusters or key not in present:
            continue
        part, found = _leaf_category(plan, key, node, r)
        parts.append(part)
        findings += found
    unknown = int((~known).sum())
    if unknown:
        findings.append(
            r.finding(
                plural_message(
                    "{n:,} cluster carry no plan category",
                    "{n:,} clusters carry no plan category",
                    unknown,
                ),
                severity="warning",
            )
        )
    return Outcome(
        "; ".join(parts) or message("no leaf category with a count"),
        findings,
        checked=int(known.sum()),
    )


def _leaf_category(plan: Plan, key: str, node: CategoryNode, r: Rule) -> tuple[str, list[Finding]]:
    """Return a leaf category's ``key: loaded/published`` and its count and area findings."""
    cl = plan.clusters
    mask = cl["category"].eq(key)
    fig = plan.manifest.figures[node.clusters]
    n = int(mask.sum())
    part = f"{key}: {n}/{int(fig.value)}"  # codes and numbers only
    findings = []
    if not matches_published(n, fig):
        findings.append(
            r.finding(
                message(
                    "category {key!r}: {n} clusters loaded, the plan has {published}",
                    key=key,
                    n=n,
                    published=int(fig.value),
                ),
                category=key,
            )
        )
    if node.ha:
        hafig = plan.manifest.figures[node.ha]
        ha = float(cl.loc[mask, "declared_ha"].sum())
        if not matches_published(ha, hafig):
            findings.append(
                r.finding(
                    message(
                        "category {key!r}: {ha:,.2f} ha declared, the plan has {published}",
                        key=key,
                        ha=ha,
                        published=hafig.formatted(),
                    ),
                    category=key,
                )
            )
    return part, findings


@rule("PLN008", "Every figure rests on a verified, attributed public source", severity="info")
def unverified_figures(plan: Plan, options: CheckOptions, r: Rule) -> Outcome:
    """Figures whose only source is unverified, or a text whose outlet and URL are unknown
    (the news article of 14/08/2020), are listed, so nobody quotes them as if a page could
    be cited.

    Fix: add a public source with its outlet and URL for the figure to the manifest.

    Examples
    --------
    >>> from planning.testing import make_plan, run_rule
    >>> result = run_rule("PLN008", make_plan())
    >>> result.status
    'pass'
    >>> print(result.findings[0].message)  # doctest: +ELLIPSIS
    Districts with an approved market-conversion plan (27 districts): its only source has no known outlet or URL (...)
    """
    m = plan.manifest
    unverified = [k for k in m.figures if not m.is_verified(k)]
    unattributed = [k for k in m.figures if m.is_verified(k) and not m.is_attributed(k)]
    expl = plural_message(
        "{n:,} figure in the manifest: {unverified} unverified, "
        "{unattributed} from a source whose outlet is unknown",
        "{n:,} figures in the manifest: {unverified} unverified, "
        "{unattributed} from a source whose outlet is unknown",
        len(m.figures),
        unverified=len(unverified),
        unattributed=len(unattributed),
    )
    findings = [
        r.finding(
            message(
                "{label} ({value}) has no verified public source",
                label=m.figures[k].label,
                value=m.figures[k].formatted(),
            ),
            figure=k,
            reason="unverified",
        )
        for k in unverified
    ]
    findings += [
        r.finding(
            message(
                "{label} ({value}): its only source has no known outlet or URL ({citation})",
                label=m.figures[k].label,
                value=m.figures[k].formatted(),
                citation=m.citation(k),
            ),
            figure=k,
            reason="unattributed",
        )
        for k in unattributed
    ]
    return Outcome(expl, findings, checked=len(m.figures))
