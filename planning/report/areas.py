"""The area tables of ``planning areas``: each cluster's and each district's declared and measured areas.

:func:`area_tables` gives them as pandas tables (the terminal rendering is
:func:`planning.report.terminal.print_tables`, the workbook :mod:`planning.report.excel`);
:func:`measured_note` says why a cluster's area was not measured.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from planning.i18n import message

if TYPE_CHECKING:
    from planning.model.plan import Plan

__all__ = ["UNITS_2025_TABLE_COLUMNS", "area_tables", "measured_note"]


def area_tables(plan: Plan) -> dict[str, Any]:
    """Return per-cluster and per-district area tables.

    Parameters
    ----------
    plan
        The plan (its layers carry ``measured_ha`` and ``measured_ha_vn2000``).

    Returns
    -------
    dict of pandas.DataFrame
        ``clusters``: id, name, district, geometry kind, declared, geodesic and VN-2000
        areas (ha) and the difference in %; ``districts``: code, name, type, area
        (km², geodesic and VN-2000), clusters, declared and measured ha. The difference is
        NaN where there is no declared area, or it is 0 ha, or nothing was measured.
    """
    import pandas as pd

    cl = plan.clusters
    polygonal = ~cl["geometry_kind"].eq("point")
    measured = polygonal & ~cl["geometry_kind"].eq("indicative")
    clusters = pd.DataFrame(
        {
            "cluster_id": cl["cluster_id"],
            "name_vi": cl["name_vi"],
            "commune_vi": cl["commune_vi"],
            "district_vi": cl["district_vi"],
            **{c: cl[c] for c in UNITS_2025_TABLE_COLUMNS if c in cl.columns},
            "geometry_kind": cl["geometry_kind"],
            "declared_ha": cl["declared_ha"],
            "measured_ha": cl["measured_ha"].where(measured).round(4),
            "measured_ha_vn2000": cl["measured_ha_vn2000"].where(measured).round(4),
            "measured_note": [measured_note(k) for k in cl["geometry_kind"]],
        }
    )
    # A percentage only against a declared area (not one of 0 ha, which the readers refuse
    # but a layer given to Plan.with_clusters may hold): NaN, shown empty, otherwise.
    declared = clusters["declared_ha"].where(clusters["declared_ha"] > 0)
    clusters["difference_pct"] = (100 * (clusters["measured_ha"] - declared) / declared).round(3)
    d = plan.districts
    grouped = cl.groupby("district_code")
    districts = pd.DataFrame(
        {
            "district_code": d["district_code"],
            "district_vi": d["district_vi"],
            "district_type": d["district_type"],
            "area_km2": (d["measured_ha"] / 100).round(3),
            "area_km2_vn2000": (d["measured_ha_vn2000"] / 100).round(3),
        }
    )
    districts["clusters"] = districts["district_code"].map(grouped.size()).fillna(0).astype(int)
    districts["declared_ha"] = (
        districts["district_code"].map(grouped["declared_ha"].sum()).fillna(0.0).round(4)
    )
    by_district = cl["measured_ha"].where(measured).groupby(cl["district_code"]).sum()
    districts["measured_ha"] = districts["district_code"].map(by_district).fillna(0.0).round(4)
    return {"clusters": clusters, "districts": districts}


#: The 2025 unit columns the cluster area table and the JSON report show, when the plan has
#: them (:data:`planning.model.units2025.UNIT_2025_COLUMNS`, and the declared one).
UNITS_2025_TABLE_COLUMNS = (
    "commune_2025",
    "commune_2025_code",
    "commune_2025_straddles",
    "declared_commune_2025",
)


def measured_note(geometry_kind: str) -> str:
    """Say why a cluster's area was not measured, or ``""`` when it was.

    Parameters
    ----------
    geometry_kind
        The cluster's ``geometry_kind``.

    Returns
    -------
    str
        ``""`` for a surveyed or digitized outline; the reason otherwise: an indicative
        footprint is a circle drawn at the declared area (its "measured" area would only
        repeat the declared one), and a point has no area.
    """
    if geometry_kind == "indicative":
        return message("not measured: an indicative footprint is drawn at the declared area")
    if geometry_kind == "point":
        return message("not measured: location only, no outline")
    return ""
