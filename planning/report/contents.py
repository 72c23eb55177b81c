"""What :func:`planning.report.core.check` puts in a report besides the rules' results.

Built from the plan: its published figures with their sources (:func:`figure_entries`), the
category tree with its checks (:func:`category_tree_entries`) and each cluster's units and
areas (:func:`cluster_entries`); the partitioned check builds the same. Also how the report
reads for people, shared by its renderers: the coverage in one sentence
(:func:`coverage_sentence`) and the words for statuses and severities.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from planning.i18n import N_, Message, join_messages, message
from planning.report.areas import area_tables

if TYPE_CHECKING:
    from planning.model.plan import Plan

__all__ = [
    "SEVERITY_WORDS",
    "STATUS_WORDS",
    "category_tree_entries",
    "cluster_entries",
    "coverage_sentence",
    "figure_entries",
]

#: How statuses and severities read in reports for people (JSON keeps the codes).
STATUS_WORDS = {"pass": N_("pass"), "fail": N_("fail"), "warn": N_("warn"), "skip": N_("skip")}
SEVERITY_WORDS = {"error": N_("error"), "warning": N_("warning"), "info": N_("info")}


def figure_entries(plan: Plan) -> list[dict[str, Any]]:
    """Return the report's ``figures``: every figure of the plan's manifest, with its source.

    Shared by :func:`check` and the partitioned check, so both write the same report.

    Parameters
    ----------
    plan
        The plan; only its manifest is read.

    Returns
    -------
    list of dict
        One entry per figure, in manifest order (keys as in the ``planning.report/1`` schema).
    """
    m = plan.manifest
    out = []
    for f in m.figures.values():
        src = m.sources.get(f.source)
        out.append(
            {
                "key": f.key,
                "label": f.label,
                "value": f.value,
                "unit": f.unit,
                "decimals": f.decimals,
                "qualifier": f.qualifier,
                "formatted": f.formatted(),
                "derived": f.derived or None,
                "verified": m.is_verified(f.key),
                "attributed": m.is_attributed(f.key),
                "source": m.citation(f.key),
                "source_url": src.url if src else None,
                "note": f.note or None,
            }
        )
    return out


def category_tree_entries(plan: Plan) -> list[dict[str, Any]]:
    """Return the report's ``category_tree``: the manifest's tree, depth first, with its checks.

    Shared by :func:`check` and the partitioned check, so both write the same report.

    Parameters
    ----------
    plan
        The plan; only its manifest is read.

    Returns
    -------
    list of dict
        One entry per node (keys as in the ``planning.report/1`` schema).
    """
    m = plan.manifest
    checks = {(c.node, c.quantity): c for c in m.check_tree()}
    out: list[dict[str, Any]] = []

    def walk(key: str, depth: int) -> None:
        node = m.categories[key]
        entry: dict[str, Any] = {
            "key": key,
            "label": node.label,
            "depth": depth,
            "children": list(node.children),
        }
        texts = []
        for q in ("clusters", "ha"):
            ref = getattr(node, q)
            if ref:
                fig = m.figures[ref]
                entry[q] = fig.value
                entry[f"{q}_text"] = (
                    message("{value} (derived)", value=fig.formatted())
                    if fig.is_derived
                    else fig.formatted()
                )
            c = checks.get((key, q))
            if c is not None:
                entry[f"{q}_children_sum"] = round(c.computed, 6)
                entry[f"{q}_consistent"] = c.consistent
                texts.append(
                    message("{quantity}: yes", quantity=_QUANTITY[q])
                    if c.consistent
                    else message("{quantity}: NO", quantity=_QUANTITY[q])
                )
        entry["consistent"] = all(entry.get(f"{q}_consistent", True) for q in ("clusters", "ha"))
        entry["check_text"] = join_messages(texts)
        out.append(entry)
        for child in node.children:
            walk(child, depth + 1)

    for root in m.roots():
        walk(root.key, 0)
    return out


_QUANTITY = {"clusters": message("clusters"), "ha": "ha"}


def coverage_sentence(c: dict[str, Any]) -> Message:
    """Return the coverage as one sentence (Markdown and HTML reports).

    Parameters
    ----------
    c
        The report's ``coverage`` mapping (:func:`planning.rules.coverage.coverage`).

    Returns
    -------
    Message
        For example ``27 clusters loaded of the plan's 159 (17.0 %); …``, in English as a
        string; :func:`planning.i18n.localize` gives it in the language in force.
    """
    if c.get("clusters_planned"):
        loaded = message(
            "{n:,} clusters loaded of the plan's {planned:,} ({share:.1f} %)",
            n=c["clusters_loaded"],
            planned=c["clusters_planned"],
            share=100 * c["clusters_share"],
        )
    else:
        loaded = message("{n:,} clusters loaded", n=c["clusters_loaded"])
    if c.get("ha_planned"):
        area = message(
            "{n:,} with a declared area, {ha:,.2f} ha of {planned:,.2f} ha ({share:.1f} %)",
            n=c["clusters_with_area"],
            ha=c["ha_declared"],
            planned=c["ha_planned"],
            share=100 * c["ha_share"],
        )
    else:
        area = message(
            "{n:,} with a declared area, {ha:,.2f} ha",
            n=c["clusters_with_area"],
            ha=c["ha_declared"],
        )
    return message("{loaded}; {area}.", loaded=loaded, area=area)


def cluster_entries(plan: Plan) -> list[dict[str, Any]]:
    """Return the report's ``clusters``: each cluster's units (old and 2025) and areas.

    Parameters
    ----------
    plan
        The plan.

    Returns
    -------
    list of dict
        One entry per cluster: ``cluster_id``, ``name_vi``, ``commune_vi``, ``district_vi``
        (2014-2025 structure), ``commune_2025``, ``commune_2025_code``,
        ``commune_2025_straddles`` and ``declared_commune_2025`` when the plan has them,
        ``geometry_kind``, ``declared_ha``, ``measured_ha`` (None when not measured) and
        ``measured_note`` (why not).
    """
    import math

    table = area_tables(plan)["clusters"].drop(columns=["measured_ha_vn2000", "difference_pct"])
    out = []
    for rec in table.to_dict(orient="records"):
        for key, value in rec.items():
            if isinstance(value, float) and math.isnan(value):
                rec[key] = None
            elif hasattr(value, "item"):  # numpy scalars
                rec[key] = value.item()
        out.append(rec)
    return out
