"""Compare two versions of a plan: clusters added, removed, resized and moved, and what follows.

:func:`diff_plans` lists

- the clusters **added** and **removed**;
- the clusters **resized**: their declared area changed (with the delta in ha);
- the clusters **moved**: their location (the centroid of the outline, or the point of a
  location-only cluster) moved further than a tolerance, measured geodesically on the
  WGS 84 ellipsoid;
- other attribute changes of kept clusters (name, district, commune, category, phase,
  geometry kind), because they move hectares between districts and categories;
- the totals of each district and each category that changed (clusters and declared ha,
  old, new and delta);
- the rules whose verdict changed: newly failing, newly passing, and other changes.

**Matching.** Clusters of the two versions are matched by ``cluster_id``, compared
exactly after NFC normalisation and trimming (case matters), then (``match="auto"``, the
default) the rest by name and district compared without diacritics and without the
``CCN``/``Cụm công nghiệp`` prefix (:mod:`planning.diff_match`); ``match="id"`` matches by id
only, ``match="name"`` by name and district only. Each pair says how it was matched
(``pairs``, and ``matched_by`` on each change). An id that appears twice in one version is
an error (:class:`~planning.errors.PlanDataError`).

**Areas.** A declared area is a published number of hectares, NaN when not published. A
cluster whose area becomes published (NaN → 60 ha) or withdrawn counts as resized, and a
missing area counts as 0 ha in every delta and total, so that the district and category
deltas add up exactly to the cluster deltas.

A :class:`PlanDiff` is data: :meth:`PlanDiff.to_dict` and :meth:`PlanDiff.to_json` give it in
the ``planning.diff/1`` schema, and :func:`diff_layer` returns the changes as a GeoDataFrame,
for maps. Markdown and the terminal rendering are in :mod:`planning.report.diff_render`, the
map in :func:`planning.maps.api.make_diff_map`.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from os import PathLike
from typing import TYPE_CHECKING, Any, Literal

from planning.diff_match import MatchMode, Pair, match_clusters
from planning.errors import PlanDataError, UsageError

if TYPE_CHECKING:
    import geopandas as gpd

    from planning.model.plan import Plan
    from planning.report.core import Report

__all__ = [
    "BUNDLED",
    "DEFAULT_MOVE_TOLERANCE_M",
    "DEFAULT_RESIZE_TOLERANCE_HA",
    "SCHEMA",
    "AttributeChange",
    "ClusterChange",
    "PlanDiff",
    "RuleChange",
    "TotalChange",
    "diff_layer",
    "diff_plans",
    "load_version",
]

#: Identifier of the JSON schema of a diff; bumped only on incompatible changes.
SCHEMA = "planning.diff/1"
_MATCH_WORDS = {
    "id": "cluster_id",
    "name": "name and district",
    "auto": "cluster_id, then name and district",
}
#: A cluster whose location moved less than this (metres, geodesic) has not moved.
DEFAULT_MOVE_TOLERANCE_M = 50.0
#: A declared area that changed by less than this (ha) has not changed. Areas are
#: published to 0.01 ha at best, so half of that is noise.
DEFAULT_RESIZE_TOLERANCE_HA = 0.005
#: The word that names the bundled plan on the command line and in :func:`load_version`.
BUNDLED = "bundled"

ChangeKind = Literal["added", "removed", "resized", "moved"]
#: The kinds of cluster change, in the order they are listed.
CHANGE_KINDS: tuple[ChangeKind, ...] = ("added", "removed", "resized", "moved")
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


@dataclass(frozen=True)
class ClusterChange:
    """One change to one cluster.

    A cluster both resized and moved gives two changes, one of each kind.

    Attributes
    ----------
    change
        ``added``, ``removed``, ``resized`` or ``moved``.
    cluster_id
        The id both versions share (or the id of the one version holding it).
    name_vi, district_code, district_vi, category, geometry_kind
        The cluster's attributes in the new version (the old one for a removal).
    old_ha, new_ha
        Declared areas in ha; None when absent from that version or not published.
    delta_ha
        ``new_ha - old_ha``, a missing area counting as 0 ha.
    moved_m
        Geodesic distance between the old and new locations, in metres; None when one
        version has no location.
    old_location, new_location
        ``(lon, lat)`` of the location (centroid) in each version, when it has one.
    geometry
        The cluster's geometry in the new version (the old one for a removal); not part
        of :meth:`PlanDiff.to_dict`.
    matched_by
        How the two versions' clusters were paired (``"cluster_id"`` or ``"name and
        district"``); ``""`` for an addition or removal.
    old_cluster_id
        The id in the old version, when it differs from :attr:`cluster_id`.
    """

    change: ChangeKind
    cluster_id: str
    name_vi: str
    district_code: str
    district_vi: str
    category: str
    geometry_kind: str
    old_ha: float | None
    new_ha: float | None
    delta_ha: float
    moved_m: float | None = None
    old_location: tuple[float, float] | None = None
    new_location: tuple[float, float] | None = None
    geometry: Any = field(default=None, repr=False, compare=False)
    matched_by: str = ""
    old_cluster_id: str = ""

    def to_dict(self) -> dict[str, Any]:
        """Return the change as plain data (no geometry)."""
        return {
            "change": self.change,
            "cluster_id": self.cluster_id,
            "name_vi": self.name_vi,
            "district_code": self.district_code,
            "district_vi": self.district_vi,
            "category": self.category,
            "geometry_kind": self.geometry_kind,
            "old_ha": _round(self.old_ha),
            "new_ha": _round(self.new_ha),
            "delta_ha": _round(self.delta_ha),
            "moved_m": None if self.moved_m is None else round(self.moved_m, 1),
            "old_location": _loc(self.old_location),
            "new_location": _loc(self.new_location),
            "matched_by": self.matched_by or None,
            "old_cluster_id": self.old_cluster_id or None,
        }


@dataclass(frozen=True)
class AttributeChange:
    """A kept cluster's attribute that changed (``district_code``, ``category`` …)."""

    cluster_id: str
    field: str
    old: str
    new: str

    def to_dict(self) -> dict[str, Any]:
        """Return the change as plain data."""
        return {
            "cluster_id": self.cluster_id,
            "field": self.field,
            "old": self.old,
            "new": self.new,
        }


@dataclass(frozen=True)
class TotalChange:
    """A group's totals (a district, a category, or the whole plan) in both versions.

    Attributes
    ----------
    key
        The district code, the category, or ``"plan"``.
    label
        A readable name: the district's name, the category's label.
    old_clusters, new_clusters
        Number of clusters.
    old_ha, new_ha
        Sum of declared areas, in ha (a missing area counts as 0 ha).
    """

    key: str
    label: str
    old_clusters: int
    new_clusters: int
    old_ha: float
    new_ha: float

    @property
    def delta_clusters(self) -> int:
        """New minus old number of clusters."""
        return self.new_clusters - self.old_clusters

    @property
    def delta_ha(self) -> float:
        """New minus old declared hectares."""
        return self.new_ha - self.old_ha

    @property
    def changed(self) -> bool:
        """Whether the count or the hectares differ (beyond binary noise)."""
        return self.delta_clusters != 0 or abs(self.delta_ha) > 1e-9

    def to_dict(self) -> dict[str, Any]:
        """Return the totals as plain data."""
        return {
            "key": self.key,
            "label": self.label,
            "old_clusters": self.old_clusters,
            "new_clusters": self.new_clusters,
            "delta_clusters": self.delta_clusters,
            "old_ha": _round(self.old_ha),
            "new_ha": _round(self.new_ha),
            "delta_ha": _round(self.delta_ha),
        }


@dataclass(frozen=True)
class RuleChange:
    """A rule whose verdict or number of findings differs between the versions.

    Attributes
    ----------
    code, title
        The rule.
    old_status, new_status
        ``pass``, ``fail``, ``warn``, ``skip``; ``None`` when the rule did not run on
        that version.
    old_findings, new_findings
        Number of findings on each version.
    messages
        The new version's error and warning messages (at most ten), to say why.
    """

    code: str
    title: str
    old_status: str | None
    new_status: str | None
    old_findings: int
    new_findings: int
    messages: tuple[str, ...] = ()

    @property
    def newly_failing(self) -> bool:
        """Whether the rule fails on the new version and did not on the old."""
        return self.new_status == "fail" and self.old_status != "fail"

    @property
    def newly_passing(self) -> bool:
        """Whether the rule passes on the new version and did not on the old."""
        return self.new_status == "pass" and self.old_status != "pass"

    @property
    def status_changed(self) -> bool:
        """Whether the verdict differs (rather than only the number of findings)."""
        return self.old_status != self.new_status

    def to_dict(self) -> dict[str, Any]:
        """Return the change as plain data."""
        return {
            "code": self.code,
            "title": self.title,
            "old_status": self.old_status,
            "new_status": self.new_status,
            "newly_failing": self.newly_failing,
            "newly_passing": self.newly_passing,
            "old_findings": self.old_findings,
            "new_findings": self.new_findings,
            "messages": list(self.messages),
        }


@dataclass
class PlanDiff:
    """What changed from one version of a plan to another.

    Attributes
    ----------
    old_name, new_name
        The two plans' labels.
    added, removed, resized, moved
        :class:`ClusterChange` lists, each sorted by ``cluster_id``.
    attributes
        Other attribute changes of clusters present in both versions.
    districts, categories
        :class:`TotalChange` of every district and category whose totals changed,
        sorted by key.
    total
        The whole plan's totals in both versions (listed even when unchanged).
    rules
        :class:`RuleChange` of every rule whose verdict or number of findings changed.
    move_tolerance_m, resize_tolerance_ha
        The tolerances used.
    old_report, new_report
        The check reports of the two versions (not part of :meth:`to_dict`).
    pairs
        Every cluster found in both versions, and how it was matched
        (:class:`planning.diff_match.Pair`).
    match
        The matching asked for: ``"id"``, ``"name"`` or ``"auto"``.
    """

    old_name: str
    new_name: str
    added: list[ClusterChange]
    removed: list[ClusterChange]
    resized: list[ClusterChange]
    moved: list[ClusterChange]
    attributes: list[AttributeChange]
    districts: list[TotalChange]
    categories: list[TotalChange]
    total: TotalChange
    rules: list[RuleChange]
    move_tolerance_m: float = DEFAULT_MOVE_TOLERANCE_M
    resize_tolerance_ha: float = DEFAULT_RESIZE_TOLERANCE_HA
    old_report: Report | None = field(default=None, repr=False, compare=False)
    new_report: Report | None = field(default=None, repr=False, compare=False)
    pairs: list[Pair] = field(default_factory=list)
    match: MatchMode = "auto"

    @property
    def matched_by(self) -> str:
        """How clusters were matched, in words (``"cluster_id, then name and district"``)."""
        return _MATCH_WORDS[self.match]

    @property
    def changes(self) -> list[ClusterChange]:
        """All cluster changes: added, removed, resized, then moved."""
        return [*self.added, *self.removed, *self.resized, *self.moved]

    @property
    def newly_failing(self) -> list[RuleChange]:
        """Rules that fail on the new version and did not on the old."""
        return [r for r in self.rules if r.newly_failing]

    @property
    def newly_passing(self) -> list[RuleChange]:
        """Rules that pass on the new version and did not on the old."""
        return [r for r in self.rules if r.newly_passing]

    @property
    def empty(self) -> bool:
        """Whether the versions hold the same clusters, areas, locations and verdicts."""
        return not (
            self.changes or self.attributes or self.districts or self.categories or self.rules
        )

    def summary(self) -> str:
        """Return one sentence: counts of each change and the plan's totals, old → new.

        In the language in force (:func:`planning.i18n.use_language`); the kinds of change
        (``added`` …) are translated too.
        """
        from planning.i18n import gettext as _

        t = self.total
        counts = ", ".join(f"{len(getattr(self, k))} {_(k)}" for k in CHANGE_KINDS)
        return _(
            "%(counts)s; clusters %(old_n)s → %(new_n)s (%(delta_n)s), declared %(old_ha)s → "
            "%(new_ha)s ha (%(delta_ha)s ha); %(failing)s rule(s) newly failing, "
            "%(passing)s newly passing"
        ) % {
            "counts": counts,
            "old_n": f"{t.old_clusters:,}",
            "new_n": f"{t.new_clusters:,}",
            "delta_n": f"{t.delta_clusters:+,}",
            "old_ha": f"{t.old_ha:,.2f}",
            "new_ha": f"{t.new_ha:,.2f}",
            "delta_ha": _signed(t.delta_ha),
            "failing": len(self.newly_failing),
            "passing": len(self.newly_passing),
        }

    # -- renderings --------------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """Return the diff as plain data following the ``planning.diff/1`` schema."""
        from planning._version import __version__

        return {
            "schema": SCHEMA,
            "planning_version": __version__,
            "old": self.old_name,
            "new": self.new_name,
            "matched_by": self.matched_by,
            "match": self.match,
            "pairs": [p.to_dict() for p in self.pairs],
            "tolerances": {"move_m": self.move_tolerance_m, "resize_ha": self.resize_tolerance_ha},
            "summary": {
                **{k: len(getattr(self, k)) for k in CHANGE_KINDS},
                "attributes_changed": len(self.attributes),
                "districts_changed": len(self.districts),
                "categories_changed": len(self.categories),
                "rules_newly_failing": [r.code for r in self.newly_failing],
                "rules_newly_passing": [r.code for r in self.newly_passing],
                "total": self.total.to_dict(),
            },
            **{k: [c.to_dict() for c in getattr(self, k)] for k in CHANGE_KINDS},
            "attributes": [a.to_dict() for a in self.attributes],
            "districts": [d.to_dict() for d in self.districts],
            "categories": [c.to_dict() for c in self.categories],
            "rules": [r.to_dict() for r in self.rules],
        }

    def to_json(self, *, indent: int | None = 2) -> str:
        """Return the diff as JSON (UTF-8 text, non-ASCII kept)."""
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False)


# -- computing the diff ------------------------------------------------------------------------------


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

    Clusters are matched by ``cluster_id``, then by name and district (see the module
    documentation).

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

    for name, value in (
        ("move_tolerance_m", move_tolerance_m),
        ("resize_tolerance_ha", resize_tolerance_ha),
    ):
        if not (isinstance(value, int | float) and math.isfinite(value) and value >= 0):
            raise UsageError(f"{name} must be a non-negative number, got {value!r}")
    olds = _by_id(old, "old")
    news = _by_id(new, "new")

    pairs = match_clusters(olds, news, how=match)
    paired_old = {p.old_id for p in pairs}
    paired_new = {p.new_id for p in pairs}
    added = [_change("added", cid, None, rec) for cid, rec in news.items() if cid not in paired_new]
    removed = [
        _change("removed", cid, rec, None) for cid, rec in olds.items() if cid not in paired_old
    ]
    resized: list[ClusterChange] = []
    moved: list[ClusterChange] = []
    attributes: list[AttributeChange] = []
    kept = sorted(pairs, key=lambda p: p.new_id)
    distances = _distances_m(
        [olds[p.old_id]["location"] for p in kept], [news[p.new_id]["location"] for p in kept]
    )
    for pair, dist in zip(kept, distances, strict=True):
        cid, o, n = pair.new_id, olds[pair.old_id], news[pair.new_id]
        old_id = pair.old_id if pair.old_id != cid else ""
        delta = _ha0(n["declared_ha"]) - _ha0(o["declared_ha"])
        if abs(delta) > resize_tolerance_ha or (
            _isnan(o["declared_ha"]) != _isnan(n["declared_ha"])
        ):
            resized.append(
                _change("resized", cid, o, n, matched_by=pair.matched_by, old_cluster_id=old_id)
            )
        if dist is not None and dist > move_tolerance_m:
            moved.append(
                _change("moved", cid, o, n, moved_m=dist, matched_by=pair.matched_by,
                        old_cluster_id=old_id)
            )  # fmt: skip
        if pair.old_id != cid:
            attributes.append(AttributeChange(cid, "cluster_id", pair.old_id, cid))
        for col in TRACKED_ATTRIBUTES:
            if o[col] != n[col]:
                attributes.append(AttributeChange(cid, col, o[col], n[col]))
    added.sort(key=lambda c: c.cluster_id)
    removed.sort(key=lambda c: c.cluster_id)

    rep_old = old_report if old_report is not None else check(old, tolerance_pct=tolerance_pct)
    rep_new = new_report if new_report is not None else check(new, tolerance_pct=tolerance_pct)
    return PlanDiff(
        old_name=old.name,
        new_name=new.name,
        added=added,
        removed=removed,
        resized=resized,
        moved=moved,
        attributes=attributes,
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


def diff_layer(d: PlanDiff) -> gpd.GeoDataFrame:
    """Return the cluster changes of a diff as a layer, for maps.

    Parameters
    ----------
    d
        A diff from :func:`diff_plans`.

    Returns
    -------
    geopandas.GeoDataFrame
        EPSG:4326, one row per :class:`ClusterChange` (a cluster both resized and moved
        has two rows), in the order added, removed, resized, moved. Columns: ``change``,
        ``cluster_id``, ``name_vi``, ``district_code``, ``district_vi``, ``category``,
        ``geometry_kind``, ``old_ha``, ``new_ha``, ``delta_ha`` (NaN for a missing
        area, except ``delta_ha``), ``moved_m`` (NaN unless moved), ``old_lon``,
        ``old_lat``, ``new_lon``, ``new_lat`` (the locations, for drawing a move) and
        ``geometry``: the new geometry, or the old one for a removal.
    """
    import geopandas as gpd

    from planning.settings import WGS84

    columns = [
        "change",
        "cluster_id",
        "name_vi",
        "district_code",
        "district_vi",
        "category",
        "geometry_kind",
        "old_ha",
        "new_ha",
        "delta_ha",
        "moved_m",
        "old_lon",
        "old_lat",
        "new_lon",
        "new_lat",
    ]
    nan = math.nan
    rows = []
    for c in d.changes:
        old_loc = c.old_location or (nan, nan)
        new_loc = c.new_location or (nan, nan)
        rows.append(
            {
                "change": c.change,
                "cluster_id": c.cluster_id,
                "name_vi": c.name_vi,
                "district_code": c.district_code,
                "district_vi": c.district_vi,
                "category": c.category,
                "geometry_kind": c.geometry_kind,
                "old_ha": nan if c.old_ha is None else c.old_ha,
                "new_ha": nan if c.new_ha is None else c.new_ha,
                "delta_ha": c.delta_ha,
                "moved_m": nan if c.moved_m is None else c.moved_m,
                "old_lon": old_loc[0],
                "old_lat": old_loc[1],
                "new_lon": new_loc[0],
                "new_lat": new_loc[1],
            }
        )
    geoms = [c.geometry for c in d.changes]
    if not rows:
        import pandas as pd

        empty = pd.DataFrame(
            {c: pd.Series(dtype=object if c in columns[:7] else float) for c in columns}
        )
        return gpd.GeoDataFrame(empty, geometry=gpd.GeoSeries([], crs=WGS84), crs=WGS84)
    return gpd.GeoDataFrame(rows, columns=columns, geometry=geoms, crs=WGS84)


def load_version(
    spec: str | PathLike[str],
    *,
    manifest: str | PathLike[str] | None = None,
    districts: str | PathLike[str] | None = None,
    zones: str | PathLike[str] | None = None,
    complete: bool | None = None,
    mirror: str | PathLike[str] | None = None,
    fix: bool = False,
    crs: str | None = None,
    encoding: str | None = None,
    sheet: str | int | None = None,
) -> Plan:
    """Load one version of a plan: the bundled plan, or a cluster file.

    Parameters
    ----------
    spec
        The word ``bundled`` (:data:`BUNDLED`) for the bundled catalogue, or a cluster
        file in any format :func:`planning.readers.read_layer` reads. The word wins over a
        file of that name; write ``./bundled`` for the file.
    manifest, districts, zones, complete, mirror, fix, crs, encoding, sheet
        As for :func:`planning.model.plan.load_plan` (``crs``, ``encoding`` and ``sheet``
        apply to a cluster file only).

    Returns
    -------
    Plan
        The plan, named after ``spec``.
    """
    from dataclasses import replace

    from planning.model.plan import load_plan

    kwargs: dict[str, Any] = {
        "manifest": manifest,
        "districts": districts,
        "zones": zones,
        "complete": complete,
        "mirror": mirror,
        "fix": fix,
        "crs": crs,
        "encoding": encoding,
    }
    if str(spec) == BUNDLED:
        return load_plan(**kwargs)
    plan = load_plan(spec, sheet=sheet, **kwargs)
    return replace(plan, name=str(spec))


# -- helpers -----------------------------------------------------------------------------------------


def _by_id(plan: Plan, which: str) -> dict[str, dict[str, Any]]:
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


def _totals(
    olds: dict[str, dict[str, Any]],
    news: dict[str, dict[str, Any]],
    key: str,
    labels: dict[str, str],
) -> list[TotalChange]:
    def group(recs: dict[str, dict[str, Any]]) -> dict[str, tuple[int, float]]:
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


def _group_total(olds: dict[str, dict[str, Any]], news: dict[str, dict[str, Any]]) -> TotalChange:
    return TotalChange(
        "plan",
        "whole plan",
        len(olds),
        len(news),
        sum(_ha0(r["declared_ha"]) for r in olds.values()),
        sum(_ha0(r["declared_ha"]) for r in news.values()),
    )


def _district_labels(old: Plan, new: Plan) -> dict[str, str]:
    labels: dict[str, str] = {}
    for plan in (old, new):
        for layer in (plan.districts, plan.clusters):
            for code, name in zip(layer["district_code"], layer["district_vi"], strict=True):
                if code and isinstance(name, str) and name:
                    labels.setdefault(str(code), name)
    labels[""] = _NO_DISTRICT
    return labels


def _category_labels(plan: Plan) -> dict[str, str]:
    return {k: n.label for k, n in plan.manifest.categories.items()}


def _rule_changes(old: Report, new: Report) -> list[RuleChange]:
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
    if x is None:
        return True
    try:
        return math.isnan(x)
    except TypeError:
        import pandas as pd

        return bool(pd.isna(x)) if not isinstance(x, str) else False


def _ha0(x: float) -> float:
    return 0.0 if _isnan(x) else float(x)


def _round(x: float | None) -> float | None:
    return None if x is None else round(float(x), 6)


def _loc(p: tuple[float, float] | None) -> list[float] | None:
    return None if p is None else [round(p[0], 7), round(p[1], 7)]


def _ha(x: float | None) -> str:
    return "" if x is None else f"{x:,.2f}"


def _signed(x: float) -> str:
    x = 0.0 if abs(x) < 5e-7 else x
    return f"{x:+,.2f}"
