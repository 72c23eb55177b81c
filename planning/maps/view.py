"""What a map shows besides geometry, prepared once from a plan and its check report.

:func:`plan_view` gathers the figures of the summary panel, the findings of each cluster, the
caveats, the sources and the attribution lines, so that the templates and feature builders
render from plain data and never call back into the rules or the model.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from planning.i18n import gettext as _
from planning.i18n import localize
from planning.maps.labels import geometry_label

if TYPE_CHECKING:
    from planning.model.plan import Plan
    from planning.report.core import Report

__all__ = ["CaveatGroup", "MapView", "attribution_lines", "caveat_groups", "plan_view"]


@dataclass(frozen=True)
class CaveatGroup:
    """Caveats under one heading (None: the default heading, "Caveats")."""

    title: str | None
    notes: list[str]


@dataclass
class MapView:
    """The non-geometric content of a plan's map.

    Attributes
    ----------
    name
        The plan's label.
    clusters, clusters_planned
        Clusters loaded, and planned (None when the plan publishes no count).
    ha, ha_planned, ha_planned_text
        Declared ha loaded, the plan's total (None when not published) and that total as
        the manifest writes it.
    rules_failed, rules_run
        Counts of the check report.
    geometry_kinds
        Clusters per geometry kind, as text (``69 indicative footprint, 6 location only``).
    findings
        The report's findings by cluster id (dicts with code, severity, message).
    caveat_groups, sources, attributions
        The caveats, the source lines of the panel and the map's attribution lines.
    """

    name: str
    clusters: int
    clusters_planned: int | None
    ha: float
    ha_planned: float | None
    ha_planned_text: str
    rules_failed: int
    rules_run: int
    geometry_kinds: str
    findings: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    caveat_groups: list[CaveatGroup] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    attributions: list[str] = field(default_factory=list)


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))


def caveat_groups(
    notes_by_version: Sequence[Sequence[str]], *, titles: Sequence[str] = ()
) -> list[CaveatGroup]:
    """Return each version's caveats not already listed, under its title (if given).

    Parameters
    ----------
    notes_by_version
        The caveats of each plan version (``Plan.notes()`` or ``Report.notes``).
    titles
        One heading per version; the default heading when not given.
    """
    groups: list[CaveatGroup] = []
    seen: set[str] = set()
    for i, notes in enumerate(notes_by_version):
        # in the language in force: a caveat is a message, its English text the key
        new = [localize(n) for n in _unique(notes) if n not in seen]
        seen.update(notes)
        seen.update(new)
        if new:
            groups.append(CaveatGroup(titles[i] if i < len(titles) else None, new))
    return groups


def attribution_lines(used_sources: Iterable[str]) -> list[str]:
    """Return the map's attribution lines: each upstream dataset used, then a pointer."""
    from planning.sources.registry import attribution_line

    lines = []
    for key in _unique(used_sources):
        try:
            lines.append(attribution_line(key))
        except KeyError:
            continue
    lines.append(_("plan figures and cluster facts: Sources in the summary panel"))
    return lines


def plan_view(plan: Plan, report: Report) -> MapView:
    """Return the view of a plan's map, from the plan and its check report.

    Parameters
    ----------
    plan
        The plan (its name, manifest figures and sources used).
    report
        Its check report: coverage, verdicts, findings, caveats and sources.
    """
    cov = report.coverage
    figs = plan.manifest.figures
    ha_fig = figs.get("total_ha") or figs.get("total_ha_detail")
    ha_planned = float(ha_fig.value) if ha_fig is not None and ha_fig.value else None
    findings: dict[str, list[dict[str, Any]]] = {}
    for r in report.results:
        for f in r.findings:
            if f.cluster_id:
                findings.setdefault(str(f.cluster_id), []).append(
                    {"code": f.code, "severity": f.severity, "message": localize(f.message)}
                )
    planned = cov.get("clusters_planned")
    return MapView(
        name=plan.name,
        clusters=int(cov["clusters_loaded"]),
        clusters_planned=int(planned) if planned else None,
        ha=float(cov["ha_declared"]),
        ha_planned=ha_planned,
        ha_planned_text=ha_fig.formatted() if ha_planned is not None and ha_fig else "",
        rules_failed=len(report.failed),
        rules_run=len(report.results),
        geometry_kinds=", ".join(
            f"{int(v)} {geometry_label(str(k)).split(':')[0].lower()}"
            for k, v in cov.get("by_geometry_kind", {}).items()
        ),
        findings=findings,
        caveat_groups=caveat_groups([report.notes]),
        sources=_unique(localize(a) for a in report.attributions),
        attributions=attribution_lines(plan.used_sources),
    )
