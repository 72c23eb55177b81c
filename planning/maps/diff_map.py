"""The map of the changes between two versions of a plan: features, panel and legend.

Clusters added are drawn green, removed red and dashed (their old outline), resized amber and
moved blue, with a line from the old location to the new one; at city scale a dot marks each
change. Popups, the panel and the legend are rendered from the templates under
``planning/maps/templates/`` over views prepared here from the diff (plain data).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from planning.i18n import gettext as _
from planning.maps.features import (
    CHANGE_COLORS,
    dot_style,
    feature,
    finite,
    fold,
    layer_bounds,
    point_style,
)
from planning.maps.labels import category_label, geometry_label
from planning.maps.view import attribution_lines, caveat_groups
from planning.report.templating import render

if TYPE_CHECKING:
    import geopandas as gpd

    from planning.diff import PlanDiff
    from planning.model.plan import Plan

__all__ = ["change_features", "change_label", "diff_bounds", "diff_legend_html", "diff_panel_html"]

#: Labels of the kinds of change, in English (translated when shown: :func:`change_label`).
CHANGE_LABELS = {
    "added": "added",
    "removed": "removed",
    "resized": "resized (declared area changed)",
    "moved": "moved",
}
# The labels and words above, marked for the message catalogue.
_MARKED = (
    _("added"),
    _("removed"),
    _("resized"),
    _("resized (declared area changed)"),
    _("moved"),
    _("Added"),
    _("Removed"),
    _("Resized"),
    _("Moved"),
)
#: Changes in declared area smaller than this (ha) are shown as 0.
_ZERO_HA = 5e-7


def change_label(kind: str) -> str:
    """Return the legend's label of a kind of change in the language in force."""
    return _(CHANGE_LABELS[kind])


def diff_bounds(layer: gpd.GeoDataFrame, plan: Plan) -> list[list[float]]:
    """Return the changes' extent (old and new locations too), with a margin, in degrees."""
    import numpy as np

    geoms = layer.geometry
    ok = geoms.notna() & ~geoms.is_empty
    if not ok.any():
        return layer_bounds(plan.districts, plan.clusters, plan.zones)
    minx, miny, maxx, maxy = geoms[ok].total_bounds
    xs = np.append(layer[["old_lon", "new_lon"]].to_numpy(float).ravel(), [minx, maxx])
    ys = np.append(layer[["old_lat", "new_lat"]].to_numpy(float).ravel(), [miny, maxy])
    x0, x1, y0, y1 = np.nanmin(xs), np.nanmax(xs), np.nanmin(ys), np.nanmax(ys)
    px, py = max(0.02, 0.1 * (x1 - x0)), max(0.02, 0.1 * (y1 - y0))
    return [[float(y0 - py), float(x0 - px)], [float(y1 + py), float(x1 + px)]]


def _area_change(kind: str, old_ha: Any, new_ha: Any, delta: float) -> str:
    """Return ``old → new ha (delta)``; a side absent from its version is a dash."""
    from planning.i18n import format_number

    def side(x: Any, absent: bool) -> str:
        if absent:
            return "—"
        v = finite(x)
        return _("not published") if v is None else format_number(v)

    delta = 0.0 if abs(delta) < _ZERO_HA else delta
    signed = ("+" if delta >= 0 else "-") + format_number(abs(delta))
    return f"{side(old_ha, kind == 'added')} → {side(new_ha, kind == 'removed')} ha ({signed} ha)"


def _shape_style(kind: str, *, is_point: bool) -> dict[str, Any]:
    color = CHANGE_COLORS[kind]
    cls = f"planning-change planning-change-{kind}"
    if is_point:
        style = point_style(color, cls)
    else:
        style = {
            "color": color,
            "weight": 2.5,
            "fillColor": color,
            "fillOpacity": 0.15 if kind == "removed" else 0.4,
            "className": cls,
        }
    if kind == "removed":
        style["dashArray"] = "6 4"
    return style


def _move_features(
    row: Any, fid: str, color: str
) -> tuple[list[dict[str, Any]], dict[str, dict[str, Any]]]:
    """Return the line from a moved cluster's old location to its new one, and the old location."""
    import shapely

    locs = [finite(row[k]) for k in ("old_lon", "old_lat", "new_lon", "new_lat")]
    if any(v is None for v in locs):
        return [], {}
    ox, oy, nx, ny = (float(v) for v in locs)  # type: ignore[arg-type]
    styles = {
        fid + "l": {
            "color": color,
            "weight": 2.5,
            "dashArray": "6 4",
            "className": "planning-move-line",
        },
        fid + "o": {
            "radius": 4,
            "fill": True,
            "color": color,
            "weight": 2,
            "fillColor": "#ffffff",
            "fillOpacity": 1.0,
            "className": "planning-move-from",
        },
    }
    features = [
        feature(fid + "l", shapely.LineString([(ox, oy), (nx, ny)]), {"ref": fid}),
        feature(fid + "o", shapely.Point(ox, oy), {"ref": fid}),
    ]
    return features, styles


def _change_view(row: Any, kind: str) -> dict[str, Any]:
    gkind = str(row["geometry_kind"] or "")
    return {
        "kind": kind,
        "kind_word": _(kind),
        "change_label": change_label(kind),
        "name": str(row["name_vi"] or ""),
        "cluster_id": str(row["cluster_id"]),
        "district": str(row["district_vi"] or ""),
        "category_label": category_label(str(row["category"])),
        "area": _area_change(kind, row["old_ha"], row["new_ha"], float(row["delta_ha"])),
        "moved_m": finite(row["moved_m"]),
        "geometry_kind": gkind,
        "geometry_label": geometry_label(gkind) if gkind else _("not stated"),
    }


def change_features(
    rows: gpd.GeoDataFrame, *, kind: str, token: str
) -> tuple[dict[str, Any], dict[str, dict[str, Any]], int, list[str]]:
    """Features of one kind of change: shapes, move lines, old locations and city-scale dots.

    Returns the collection, the styles by feature id, the number of changes drawn and the ids
    of the changes that have no geometry (not drawn).
    """
    color = CHANGE_COLORS[kind]
    shapes: list[dict[str, Any]] = []
    extras: list[dict[str, Any]] = []
    styles: dict[str, dict[str, Any]] = {}
    missing: list[str] = []
    for i in range(len(rows)):
        row = rows.iloc[i]
        geom = row.geometry
        if geom is None or geom.is_empty:
            missing.append(str(row["cluster_id"]))
            continue
        fid = f"{token}{kind[:3]}{i}"
        is_point = geom.geom_type in ("Point", "MultiPoint")
        styles[fid] = _shape_style(kind, is_point=is_point)
        c = _change_view(row, kind)
        properties = {
            "uid": fid,
            "cluster_id": c["cluster_id"],
            "change": kind,
            "popup": render("planning.maps", "diff_popup.html", c=c),
            "tooltip": render("planning.maps", "diff_tooltip.html", c=c),
            "label": f"{c['name']} — {c['kind_word']}",
            "search": fold(f"{c['name']} {c['cluster_id']}"),
        }
        shapes.append(feature(fid, geom, properties))
        if kind == "moved":
            more, more_styles = _move_features(row, fid, color)
            extras += more
            styles.update(more_styles)
        if not is_point:
            styles[fid + "k"] = dot_style(color, "planning-cluster-dot planning-change-dot")
            extras.append(feature(fid + "k", geom.representative_point(), {"ref": fid}))
    # shapes first: a line, an old location or a dot shares the popup of the shape it names
    return {"type": "FeatureCollection", "features": shapes + extras}, styles, len(shapes), missing


def _figures(d: PlanDiff) -> list[dict[str, str]]:
    from planning.i18n import format_number

    t = d.total
    delta_ha = 0.0 if abs(t.delta_ha) < _ZERO_HA else t.delta_ha
    figures = [
        {"label": _(k.capitalize()), "key": k, "value": str(len(getattr(d, k)))}
        for k in CHANGE_COLORS
    ]
    n = format_number
    figures += [
        {
            "label": _("Clusters"),
            "key": "clusters",
            "value": f"{n(t.old_clusters, digits=0)} → {n(t.new_clusters, digits=0)} "
            f"({'+' if t.delta_clusters >= 0 else '-'}{n(abs(t.delta_clusters), digits=0)})",
        },
        {
            "label": _("Declared"),
            "key": "ha",
            "value": f"{n(t.old_ha)} → {n(t.new_ha)} ha "
            f"({'+' if delta_ha >= 0 else '-'}{n(abs(delta_ha))})",
        },
    ]
    return figures


def diff_panel_html(d: PlanDiff, plans: Sequence[Plan], *, undrawn: Sequence[str]) -> str:
    """Return the summary panel of a diff map (HTML from ``diff_panel.html``).

    Parameters
    ----------
    d
        The diff.
    plans
        The new version, then the old one when it differs: their caveats and sources.
    undrawn
        Ids of the changes that have no location in either version.
    """
    titles = [_("Caveats (new version)"), _("Caveats (old version, where they differ)")]
    view = {
        "old_name": d.old_name,
        "new_name": d.new_name,
        "figures": _figures(d),
        "summary": d.summary(),
        "undrawn": list(undrawn),
        "rule_groups": [
            {"title": _("Rules newly failing"), "key": "failing", "rules": d.newly_failing},
            {"title": _("Rules newly passing"), "key": "passing", "rules": d.newly_passing},
        ],
        "caveat_groups": caveat_groups(
            [p.notes() for p in plans], titles=titles if len(plans) > 1 else ()
        ),
        "sources": list(dict.fromkeys(a for p in plans for a in p.attributions())),
    }
    return render("planning.maps", "diff_panel.html", v=view)


def diff_legend_html(d: PlanDiff, drawn: dict[str, int]) -> str:
    """Return the legend of a diff map: each kind of change with its count (and how many drawn)."""
    items = [
        {
            "kind": kind,
            "color": color,
            "label": change_label(kind),
            "count": len(getattr(d, kind)),
            "drawn": drawn.get(kind, 0),
        }
        for kind, color in CHANGE_COLORS.items()
    ]
    return render(
        "planning.maps", "diff_legend.html", items=items, move_color=CHANGE_COLORS["moved"]
    )


def diff_attribution(plans: Sequence[Plan]) -> list[str]:
    """Return the attribution lines of the versions' upstream datasets."""
    return attribution_lines(k for p in plans for k in p.used_sources)
