"""What changed between two versions of a plan, as data: the change records and :class:`PlanDiff`.

Each record (:class:`ClusterChange`, :class:`AttributeChange`, :class:`TotalChange`,
:class:`RuleChange`) and the whole :class:`PlanDiff` give themselves as plain data in the
``planning.diff/1`` schema (``to_dict``, :meth:`PlanDiff.to_json`). They are computed by
:func:`planning.diff.compare.diff_plans`; Markdown and the terminal rendering are in
:mod:`planning.report.diff_render`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from planning.diff.match import MatchMode, Pair
from planning.i18n import N_, format_number
from planning.jsondata import json_text

if TYPE_CHECKING:
    from planning.report.core import Report

__all__ = [
    "CHANGE_KINDS",
    "DEFAULT_MOVE_TOLERANCE_M",
    "DEFAULT_RESIZE_TOLERANCE_HA",
    "SCHEMA",
    "AttributeChange",
    "ChangeKind",
    "ClusterChange",
    "PlanDiff",
    "RuleChange",
    "TotalChange",
    "signed_number",
]

#: Identifier of the JSON schema of a diff; bumped only on incompatible changes.
SCHEMA = "planning.diff/1"
_MATCH_WORDS = {
    "id": "cluster_id",
    "name": N_("name and district"),
    "auto": N_("cluster_id, then name and district"),
}
#: A cluster whose location moved less than this (metres, geodesic) has not moved.
DEFAULT_MOVE_TOLERANCE_M = 50.0
#: A declared area that changed by less than this (ha) has not changed. Areas are
#: published to 0.01 ha at best, so half of that is noise.
DEFAULT_RESIZE_TOLERANCE_HA = 0.005

ChangeKind = Literal["added", "removed", "resized", "moved"]
#: The kinds of cluster change, in the order they are listed.
CHANGE_KINDS: tuple[ChangeKind, ...] = ("added", "removed", "resized", "moved")


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
        (:class:`planning.diff.match.Pair`).
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
            "old_n": format_number(t.old_clusters, digits=0),
            "new_n": format_number(t.new_clusters, digits=0),
            "delta_n": signed_number(t.delta_clusters, digits=0),
            "old_ha": format_number(t.old_ha),
            "new_ha": format_number(t.new_ha),
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
        """Return the diff as JSON (UTF-8 text, non-ASCII kept; strict: non-finite numbers null)."""
        return json_text(self.to_dict(), indent=indent)


def _round(x: float | None) -> float | None:
    """Return ``x`` rounded to 6 decimals for the JSON form (None stays None)."""
    return None if x is None else round(float(x), 6)


def _loc(p: tuple[float, float] | None) -> list[float] | None:
    """Return a ``(lon, lat)`` location as ``[lon, lat]`` to 7 decimals (about 1 cm)."""
    return None if p is None else [round(p[0], 7), round(p[1], 7)]


def _signed(x: float) -> str:
    """Return hectares with a sign and 2 decimals, binary noise shown as ``+0.00``."""
    return signed_number(0.0 if abs(x) < 5e-7 else x)


def signed_number(x: float, *, digits: int = 2) -> str:
    """Return ``x`` with its sign, in the language in force (``+1.297,25`` in Vietnamese).

    Examples
    --------
    >>> from planning.i18n import use_language
    >>> with use_language("vi"):
    ...     signed_number(-1263.405), signed_number(73, digits=0)
    ('-1.263,41', '+73')
    """
    text = format_number(x, digits=digits)
    return text if text.startswith("-") else "+" + text
