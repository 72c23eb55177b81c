"""GEO: geometry validity, emptiness and type of clusters and zones."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from planning.i18n import Message, message, plural_message
from planning.rules._base import (
    CheckOptions,
    Outcome,
    Partial,
    Rule,
    ids,
    rule,
    shared,
)

if TYPE_CHECKING:
    import geopandas as gpd

    from planning.model.plan import Plan


def _layers(plan: Plan) -> list[tuple[str, gpd.GeoDataFrame, str]]:
    return [
        (message("cluster"), plan.clusters, "cluster_id"),
        (message("zone"), plan.zones, "zone_id"),
    ]


def _geo001_outcome(part: Partial, options: CheckOptions, r: Rule) -> Outcome:
    total = part.counts["present"]
    return Outcome(
        plural_message(
            "{n:,} geometry tested with GEOS is_valid",
            "{n:,} geometries tested with GEOS is_valid",
            total,
        ),
        part.findings,
        checked=total,
    )


@rule("GEO001", "Geometries are valid", finish=_geo001_outcome, zone_rows=True)
def invalid(plan: Plan, options: CheckOptions, r: Rule) -> Partial:
    """A self-intersecting or otherwise invalid polygon has no well-defined area.

    The finding gives GEOS's reason (``Self-intersection[105.53 21.0]``). Fix: repair the
    outline in QGIS, or load with ``--fix`` to apply ``make_valid`` and see what changed.

    Examples
    --------
    >>> from shapely.geometry import Polygon
    >>> from planning.testing import make_plan, run_rule
    >>> bowtie = Polygon([(105.56, 21.06), (105.57, 21.07), (105.57, 21.06), (105.56, 21.07)])
    >>> result = run_rule("GEO001", make_plan([{"cluster_id": "A", "geometry": bowtie}]))
    >>> result.status
    'fail'
    >>> print(result.findings[0].message)
    cluster A: invalid geometry: Self-intersection[105.565 21.065]
    """
    import shapely

    findings = []
    total = 0
    for label, layer, id_col in _layers(plan):
        geoms = layer.geometry.to_numpy()
        present = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
        total += int(present.sum())
        valid = shared("is_valid", (geoms,), partial(shapely.is_valid, geoms))
        bad = present & ~valid
        idents = layer[id_col].to_numpy()
        for i in bad.nonzero()[0]:
            reason = shapely.is_valid_reason(geoms[i])
            ident = str(idents[i])
            findings.append(
                r.finding(
                    message(
                        "{layer} {id}: invalid geometry: {reason}",
                        layer=label,
                        id=ident,
                        reason=reason,
                    ),
                    cluster_id=ident,
                    reason=reason,
                )
            )
    return Partial(findings, {"present": total})


def _geo002_outcome(part: Partial, options: CheckOptions, r: Rule) -> Outcome:
    return Outcome(
        plural_message(
            "{n:,} feature checked for a geometry",
            "{n:,} features checked for a geometry",
            part.counts["features"],
        ),
        part.findings,
        checked=part.counts["features"],
    )


@rule("GEO002", "No geometry is missing or empty", finish=_geo002_outcome, zone_rows=True)
def empty(plan: Plan, options: CheckOptions, r: Rule) -> Partial:
    """Every cluster and zone needs a location. Fix: add the outline, or at least the commune.

    Examples
    --------
    >>> from shapely.geometry import Polygon
    >>> from planning.testing import make_plan, run_rule
    >>> result = run_rule("GEO002", make_plan([{"cluster_id": "A", "geometry": Polygon()}]))
    >>> result.status
    'fail'
    >>> print(result.findings[0].message)
    cluster A: geometry is missing or empty
    """
    import shapely

    findings = []
    for label, layer, id_col in _layers(plan):
        geoms = layer.geometry.to_numpy()
        bad = shapely.is_missing(geoms) | shapely.is_empty(geoms)
        idents = layer[id_col].to_numpy()
        for i in bad.nonzero()[0]:
            ident = str(idents[i])
            findings.append(
                r.finding(
                    message("{layer} {id}: geometry is missing or empty", layer=label, id=ident),
                    cluster_id=ident,
                )
            )
    return Partial(findings, {"features": len(plan.clusters) + len(plan.zones)})


def _geo003_outcome(part: Partial, options: CheckOptions, r: Rule) -> Outcome:
    expl: Message = message("geometry types checked")
    location_only = part.counts["location_only"]
    if location_only:
        expl = plural_message(
            "geometry types checked; {n:,} cluster are locations only (no published area): {ids}",
            "geometry types checked; {n:,} clusters are locations only (no published area): {ids}",
            location_only,
            ids=ids(part.counts["point_ids"]),
        )
    return Outcome(expl, part.findings, checked=part.counts.get("present", 0))


@rule(
    "GEO003",
    "Cluster and zone geometries are polygons",
    finish=_geo003_outcome,
    zone_rows=True,
)
def non_polygon(plan: Plan, options: CheckOptions, r: Rule) -> Partial:
    """An area needs a Polygon or MultiPolygon. Points are accepted only for clusters whose
    ``geometry_kind`` is ``point`` (the location is known but no area was published).

    Fix: supply the outline, or the declared area so that an indicative footprint is drawn.

    Examples
    --------
    >>> from shapely.geometry import LineString
    >>> from planning.testing import make_plan, run_rule
    >>> line = LineString([(105.56, 21.06), (105.57, 21.06)])
    >>> result = run_rule("GEO003", make_plan([{"cluster_id": "A", "geometry": line}]))
    >>> result.status
    'fail'
    >>> print(result.findings[0].message)
    cluster A: geometry is not a polygon (LineString)
    """
    import shapely

    findings = []
    location_only = 0
    n_present = 0
    for label, layer, id_col in _layers(plan):
        geoms = layer.geometry.to_numpy()
        present = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
        kind = shapely.get_type_id(geoms)
        polygonal = (kind == 3) | (kind == 6)
        point_ok = (
            layer["geometry_kind"].eq("point").to_numpy() & (kind == 0)
            if "geometry_kind" in layer.columns
            else False
        )
        location_only += int((present & point_ok).sum())
        n_present += int(present.sum())
        bad = present & ~polygonal & ~point_ok
        idents = layer[id_col].to_numpy()
        for i in bad.nonzero()[0]:
            ident = str(idents[i])
            gtype = geoms[i].geom_type
            findings.append(
                r.finding(
                    message(
                        "{layer} {id}: geometry is not a polygon ({type})",
                        layer=label,
                        id=ident,
                        type=gtype,
                    ),
                    cluster_id=ident,
                    geom_type=gtype,
                )
            )
    cl = plan.clusters
    points = [str(i) for i in cl.loc[cl["geometry_kind"].eq("point"), "cluster_id"]]
    return Partial(
        findings, {"location_only": location_only, "point_ids": points, "present": n_present}
    )
