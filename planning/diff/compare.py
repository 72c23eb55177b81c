"""Compute the diff of two versions of a plan: pair their clusters, list the changes, sum the totals.

:func:`diff_plans` reads each version's clusters into records keyed by ``cluster_id``, pairs
them (:func:`planning.diff.match.match_clusters`), lists the clusters added, removed, resized
and moved and the attribute changes of kept clusters, sums the district, category and plan
totals, and compares the verdicts of the checks run on both versions. The result is a
:class:`planning.diff.changes.PlanDiff`.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from planning.diff.changes import (
    DEFAULT_MOVE_TOLERANCE_M,
    DEFAULT_RESIZE_TOLERANCE_HA,
    AttributeChange,
    ChangeKind,
    ClusterChange,
    PlanDiff,
    RuleChange,
    TotalChange,
)
from planning.diff.match import MatchMode, Pair, match_clusters
from planning.errors import PlanDataError, UsageError

if TYPE_CHECKING:
    from planning.model.plan import Plan
    from planning.report.core import Report

__all__ = ["TRACKED_ATTRIBUTES", "diff_plans"]

#: Attributes of a kept cluster whose changes are listed.
TRACKED_ATTRIBUTES = (
    "name_vi",
    "commune_vi",
    "district_code",
    "category",
    "phase",
    "geometry_kind",
)
_NO_DISTRICT = "(no district)"
#: A version's clusters: ``{cluster_id: record}``, a record holding the tracked attributes,
#: ``district_vi``, ``declared_ha`` (NaN when not published), ``geometry`` and ``location``.
_Records = dict[str, dict[str, Any]]


def diff_plans(
    old: Plan,
    new: Plan,
    *,
    move_tolerance_m: float = DEFAULT_MOVE_TOLERANCE_M,
    resize_tolerance_ha: float = DEFAULT_RESIZE_TOLERANCE_HA,
    tolerance_pct: float | None = None,
    old_report: Report | None = None,
    new_report: Report | None = None,
    match: MatchMode = "auto",
) -> PlanDiff:
    """Compare two versions of a plan.

    Clusters are matched by ``cluster_id``, then by name and district (see
    :mod:`planning.diff`).

    Parameters
    ----------
    old, new
        The two versions.
    move_tolerance_m
        A cluster whose location moved by more than this many metres (geodesic distance
        between the centroids, WGS 84) is listed as moved.
    resize_tolerance_ha
        A cluster whose declared area changed by more than this many hectares is listed
        as resized.
    tolerance_pct
        The declared vs measured tolerance the checks run with (default 5 %).
    old_report, new_report
        Check reports already computed for the versions; computed with
        :func:`planning.report.core.check` when None.
    match
        ``"auto"`` (by id, then the rest by name and district), ``"id"`` or ``"name"``.

    Returns
    -------
    PlanDiff
        The changes.

    Raises
    ------
    PlanDataError
        If a ``cluster_id`` is empty or repeated within one version.
    UsageError
        If a tolerance is negative or not a number, or ``match`` is unknown.
    """
    from planning.report.core import check

    _check_tolerances(move_tolerance_m=move_tolerance_m, resize_tolerance_ha=resize_tolerance_ha)
    olds = _by_id(old, "old")
    news = _by_id(new, "new")
    pairs = match_clusters(olds, news, how=match)
    kept = sorted(pairs, key=lambda p: p.new_id)
    rep_old = old_report if old_report is not None else check(old, tolerance_pct=tolerance_pct)
    rep_new = new_report if new_report is not None else check(new, tolerance_pct=tolerance_pct)
    return PlanDiff(
        old_name=old.name,
        new_name=new.name,
        added=_added(news, pairs),
        removed=_removed(olds, pairs),
        resized=_resized(olds, news, kept, tolerance_ha=resize_tolerance_ha),
        moved=_moved(olds, news, kept, tolerance_m=move_tolerance_m),
        attributes=_attribute_changes(olds, news, kept),
        districts=_totals(olds, news, "district_code", _district_labels(old, new)),
        categories=_totals(olds, news, "category", _category_labels(new)),
        total=_group_total(olds, news),
        rules=_rule_changes(rep_old, rep_new),
        move_tolerance_m=float(move_tolerance_m),
        resize_tolerance_ha=float(resize_tolerance_ha),
        old_report=rep_old,
        new_report=rep_new,
        pairs=pairs,
        match=match,
    )


def _check_tolerances(**tolerances: float) -> None:
    """Raise :class:`UsageError` unless every tolerance is a finite, non-negative number."""
    for name, value in tolerances.items():
        if not (isinstance(value, int | float) and math.isfinite(value) and value >= 0):
            raise UsageError(f"{name} must be a non-negative number, got {value!r}")


def _added(news: _Records, pairs: list[Pair]) -> list[ClusterChange]:
    """Return the new version's clusters that are in no pair, sorted by ``cluster_id``."""
    paired = {p.new_id for p in pairs}
    added = [_change("added", cid, None, rec) for cid, rec in news.items() if cid not in paired]
    return sorted(added, key=lambda c: c.cluster_id)


def _removed(olds: _Records, pairs: list[Pair]) -> list[ClusterChange]:
    """Return the old version's clusters that are in no pair, sorted by ``cluster_id``."""
    paired = {p.old_id for p in pairs}
    removed = [_change("removed", cid, rec, None) for cid, rec in olds.items() if cid not in paired]
    return sorted(removed, key=lambda c: c.cluster_id)


def _resized(
    olds: _Records, news: _Records, kept: list[Pair], *, tolerance_ha: float
) -> list[ClusterChange]:
    """Return the kept clusters whose declared area changed, was published or was withdrawn."""
    out = []
    for pair in kept:
        o, n = olds[pair.old_id], news[pair.new_id]
        delta = _ha0(n["declared_ha"]) - _ha0(o["declared_ha"])
        if abs(delta) > tolerance_ha or _isnan(o["declared_ha"]) != _isnan(n["declared_ha"]):
            out.append(_kept_change("resized", pair, o, n))
    return out


def _moved(
    olds: _Records, news: _Records, kept: list[Pair], *, tolerance_m: float
) -> list[ClusterChange]:
    """Return the kept clusters whose location moved further than ``tolerance_m`` metres."""
    distances = _distances_m(
        [olds[p.old_id]["location"] for p in kept], [news[p.new_id]["location"] for p in kept]
    )
    return [
        _kept_change("moved", pair, olds[pair.old_id], news[pair.new_id], moved_m=dist)
        for pair, dist in zip(kept, distances, strict=True)
        if dist is not None and dist > tolerance_m
    ]


def _attribute_changes(olds: _Records, news: _Records, kept: list[Pair]) -> list[AttributeChange]:
    """Return the kept clusters' changed ids and :data:`TRACKED_ATTRIBUTES`, pair by pair."""
    out = []
    for pair in kept:
        cid, o, n = pair.new_id, olds[pair.old_id], news[pair.new_id]
        if pair.old_id != cid:
            out.append(AttributeChange(cid, "cluster_id", pair.old_id, cid))
        out += [
            AttributeChange(cid, col, o[col], n[col])
            for col in TRACKED_ATTRIBUTES
            if o[col] != n[col]
        ]
    return out


def _kept_change(
    kind: ChangeKind,
    pair: Pair,
    old: dict[str, Any],
    new: dict[str, Any],
    *,
    moved_m: float | None = None,
) -> ClusterChange:
    """Return the change of a cluster found in both versions, saying how it was paired."""
    old_id = pair.old_id if pair.old_id != pair.new_id else ""
    return _change(
        kind,
        pair.new_id,
        old,
        new,
        moved_m=moved_m,
        matched_by=pair.matched_by,
        old_cluster_id=old_id,
    )


def _by_id(plan: Plan, which: str) -> _Records:
    """Return the plan's clusters as ``{cluster_id: record}`` with a location per record."""
    import shapely

    cl = plan.clusters
    ids = [str(i).strip() for i in cl["cluster_id"]]
    out: dict[str, dict[str, Any]] = {}
    geoms = cl.geometry.to_numpy()
    valid = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    cents = shapely.centroid(geoms)
    xs, ys = shapely.get_x(cents), shapely.get_y(cents)
    text = {
        col: ["" if _isnan(v) else str(v) for v in cl[col]]
        for col in (*TRACKED_ATTRIBUTES, "district_vi")
    }
    areas = [float(v) for v in cl["declared_ha"]]
    for pos, cid in enumerate(ids):
        if not cid:
            raise PlanDataError(
                f"empty cluster_id in the {which} version; the diff matches clusters by cluster_id",
                path=plan.inputs.get("clusters"),
                row=pos + 1,
                field="cluster_id",
            )
        if cid in out:
            raise PlanDataError(
                f"cluster_id {cid!r} appears more than once in the {which} version; the diff "
                "matches clusters by cluster_id, so ids must be unique",
                path=plan.inputs.get("clusters"),
                row=pos + 1,
                field="cluster_id",
            )
        rec: dict[str, Any] = {col: values[pos] for col, values in text.items()}
        rec["declared_ha"] = areas[pos]
        rec["geometry"] = geoms[pos]
        rec["location"] = (float(xs[pos]), float(ys[pos])) if valid[pos] else None
        out[cid] = rec
    return out


def _change(
    kind: ChangeKind,
    cid: str,
    old: dict[str, Any] | None,
    new: dict[str, Any] | None,
    *,
    moved_m: float | None = None,
    matched_by: str = "",
    old_cluster_id: str = "",
) -> ClusterChange:
    """Return one cluster's change; ``old`` is None for an addition, ``new`` for a removal."""
    cur = new if new is not None else old
    assert cur is not None
    old_ha = None if old is None or _isnan(old["declared_ha"]) else old["declared_ha"]
    new_ha = None if new is None or _isnan(new["declared_ha"]) else new["declared_ha"]
    return ClusterChange(
        change=kind,
        cluster_id=cid,
        name_vi=cur["name_vi"],
        district_code=cur["district_code"],
        district_vi=cur["district_vi"],
        category=cur["category"],
        geometry_kind=cur["geometry_kind"],
        old_ha=old_ha,
        new_ha=new_ha,
        delta_ha=(new_ha or 0.0) - (old_ha or 0.0),
        moved_m=moved_m,
        old_location=old["location"] if old is not None else None,
        new_location=new["location"] if new is not None else None,
        geometry=cur["geometry"],
        matched_by=matched_by,
        old_cluster_id=old_cluster_id,
    )


def _totals(olds: _Records, news: _Records, key: str, labels: dict[str, str]) -> list[TotalChange]:
    """Return the totals of each group (``key``: a district code, a category) that changed."""

    def group(recs: _Records) -> dict[str, tuple[int, float]]:
        out: dict[str, tuple[int, float]] = {}
        for rec in recs.values():
            n, ha = out.get(rec[key], (0, 0.0))
            out[rec[key]] = (n + 1, ha + _ha0(rec["declared_ha"]))
        return out

    go, gn = group(olds), group(news)
    rows = []
    for k in sorted(go.keys() | gn.keys()):
        (on, oh), (nn, nh) = go.get(k, (0, 0.0)), gn.get(k, (0, 0.0))
        t = TotalChange(k, labels.get(k, k) or _NO_DISTRICT, on, nn, oh, nh)
        if t.changed:
            rows.append(t)
    return rows


def _group_total(olds: _Records, news: _Records) -> TotalChange:
    """Return the whole plan's totals in both versions."""
    return TotalChange(
        "plan",
        "whole plan",
        len(olds),
        len(news),
        sum(_ha0(r["declared_ha"]) for r in olds.values()),
        sum(_ha0(r["declared_ha"]) for r in news.values()),
    )


def _district_labels(old: Plan, new: Plan) -> dict[str, str]:
    """Return ``{district_code: district name}`` from both versions' districts and clusters."""
    labels: dict[str, str] = {}
    for plan in (old, new):
        for layer in (plan.districts, plan.clusters):
            for code, name in zip(layer["district_code"], layer["district_vi"], strict=True):
                if code and isinstance(name, str) and name:
                    labels.setdefault(str(code), name)
    labels[""] = _NO_DISTRICT
    return labels


def _category_labels(plan: Plan) -> dict[str, str]:
    """Return ``{category: label}`` from the plan's manifest."""
    return {k: n.label for k, n in plan.manifest.categories.items()}


def _rule_changes(old: Report, new: Report) -> list[RuleChange]:
    """Return the rules whose verdict or number of findings differs, by code."""
    o = {r.rule.code: r for r in old.results}
    n = {r.rule.code: r for r in new.results}
    out = []
    for code in sorted(o.keys() | n.keys()):
        ro, rn = o.get(code), n.get(code)
        so = ro.status if ro else None
        sn = rn.status if rn else None
        fo = len(ro.findings) if ro else 0
        fn = len(rn.findings) if rn else 0
        if so == sn and fo == fn:
            continue
        src = rn if rn is not None else ro
        assert src is not None
        rule = src.rule
        msgs = tuple(
            f.message for f in (rn.findings if rn else []) if f.severity in ("error", "warning")
        )[:10]
        out.append(RuleChange(code, rule.title, so, sn, fo, fn, msgs))
    return out


def _distances_m(
    a: list[tuple[float, float] | None], b: list[tuple[float, float] | None]
) -> list[float | None]:
    """Return the geodesic distance (WGS 84, metres) of each pair; None where one is missing."""
    import numpy as np
    from pyproj import Geod

    both = [i for i, (p, q) in enumerate(zip(a, b, strict=True)) if p is not None and q is not None]
    out: list[float | None] = [None] * len(a)
    if both:
        pa = np.array([a[i] for i in both], dtype=float)
        pb = np.array([b[i] for i in both], dtype=float)
        dist = Geod(ellps="WGS84").inv(pa[:, 0], pa[:, 1], pb[:, 0], pb[:, 1])[2]
        for i, d in zip(both, np.atleast_1d(dist), strict=True):
            out[i] = float(d)
    return out


def _isnan(x: Any) -> bool:
    """Whether ``x`` is a missing value (None, NaN, pandas NA); text never is."""
    if x is None:
        return True
    try:
        return math.isnan(x)
    except TypeError:
        import pandas as pd

        return bool(pd.isna(x)) if not isinstance(x, str) else False


def _ha0(x: float) -> float:
    """Return hectares, a missing area counting as 0 ha."""
    return 0.0 if _isnan(x) else float(x)
