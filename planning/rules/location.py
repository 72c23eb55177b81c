"""LOC: clusters lie in Hanoi, and in the district they declare.

Each cluster is located by its point on surface. The points are tested against each
district's prepared polygon, after a bounding-box filter, so that a million clusters are
located in well under a second.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from planning.i18n import N_, message, plural_message
from planning.rules._base import CheckOptions, Finding, Outcome, Partial, Rule, rule, shared

if TYPE_CHECKING:
    import numpy as np

    from planning.model.plan import Plan


def locate(x: np.ndarray, y: np.ndarray, polygons: np.ndarray) -> np.ndarray:
    """Return the position of the polygon containing each point, or -1.

    Parameters
    ----------
    x, y
        Point coordinates (same CRS as ``polygons``).
    polygons
        Array of shapely polygons (districts). Where polygons overlap, the last one wins.

    Returns
    -------
    numpy.ndarray
        Int64 positions into ``polygons``; -1 for points in none (points on a boundary
        are in none, as with ``within``).
    """
    import numpy as np
    import shapely

    out = np.full(len(x), -1, dtype=np.int64)
    if not len(x):
        return out
    # Preparing caches GEOS state on the geometry objects: prepare private copies, so that
    # threads sharing one district layer (dask workers) never prepare the same object.
    polys = shapely.from_wkb(shapely.to_wkb(np.asarray(polygons, dtype=object)))
    shapely.prepare(polys)
    bounds = shapely.bounds(polys)
    for i, poly in enumerate(polys):
        if poly is None or shapely.is_empty(poly):
            continue
        x0, y0, x1, y1 = bounds[i]
        cand = np.flatnonzero((x >= x0) & (x <= x1) & (y >= y0) & (y <= y1))
        if len(cand):
            out[cand[shapely.contains_xy(poly, x[cand], y[cand])]] = i
    return out


def _located(plan: Plan) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(rows with a geometry, their points on surface as (k, 2) lon/lat, district or -1)."""
    import numpy as np
    import shapely

    geoms = plan.clusters.geometry.to_numpy()
    districts = plan.districts.geometry.to_numpy()

    def compute() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        ok = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
        rows = ok.nonzero()[0]
        if not len(rows):
            return rows, np.empty((0, 2)), np.empty(0, dtype=np.int64)
        xy = shapely.get_coordinates(shapely.point_on_surface(geoms[rows]))
        return rows, xy, locate(xy[:, 0], xy[:, 1], districts)

    return shared("located", (geoms, districts), compute)


def _loc001_outcome(part: Partial, options: CheckOptions, r: Rule) -> Outcome:
    n = part.counts["located"]
    return Outcome(
        plural_message(
            "{n:,} cluster located against the 30 district boundaries",
            "{n:,} clusters located against the 30 district boundaries",
            n,
        ),
        part.findings,
        checked=n,
    )


@rule(
    "LOC001",
    "Clusters lie inside Hanoi",
    finish=_loc001_outcome,
    none_checked=N_("no cluster has a geometry"),
)
def outside_hanoi(plan: Plan, options: CheckOptions, r: Rule) -> Partial:
    """A cluster whose outline lies outside the 30 districts is misplaced: usually swapped
    lat/lon, a wrong CRS, or a VN-2000 layer that lost its datum shift (about 224 m off).

    Fix: check the file's CRS (VN-2000 / TM-3 105° is EPSG:5897) and coordinates.

    Examples
    --------
    >>> from planning.testing import make_plan, run_rule, square
    >>> plan = make_plan([{"cluster_id": "A", "geometry": square(106.68, 20.86, 5)}])  # Hai Phong
    >>> result = run_rule("LOC001", plan)
    >>> result.status
    'fail'
    >>> print(result.findings[0].message)
    cluster A (CCN A) lies outside Hanoi, at 20.86000 N 106.68000 E
    """
    rows, xy, where = _located(plan)
    cl = plan.clusters
    cids, names = cl["cluster_id"].to_numpy(), cl["name_vi"].to_numpy()
    findings = []
    for k in (where < 0).nonzero()[0]:
        i = rows[k]
        px, py = float(xy[k, 0]), float(xy[k, 1])
        findings.append(
            r.finding(
                message(
                    "cluster {id} ({name}) lies outside Hanoi, at {lat:.5f} N {lon:.5f} E",
                    id=cids[i],
                    name=names[i],
                    lat=py,
                    lon=px,
                ),
                cluster_id=str(cids[i]),
                lon=round(px, 6),
                lat=round(py, 6),
            )
        )
    return Partial(findings, {"located": len(rows)})


def _loc002_outcome(part: Partial, options: CheckOptions, r: Rule) -> Outcome:
    n = part.counts["checked"]
    return Outcome(
        plural_message(
            "{n:,} cluster with a declared district checked",
            "{n:,} clusters with a declared district checked",
            n,
        ),
        part.findings,
        checked=n,
    )


def given_codes(plan: Plan) -> np.ndarray:
    """Each cluster's ``district_code`` as given, stripped ("" when empty)."""
    return plan.clusters["district_code"].fillna("").astype(str).str.strip().to_numpy(dtype=object)


def declared_codes(given: np.ndarray, by_name: np.ndarray) -> np.ndarray:
    """Each cluster's declared district code: its ``district_code``, or else the code of
    the district its ``district_vi`` names in the plan's district layer ("" when none).

    User files often give the district's name only (``Ba Vì``, ``huyện Ba Vì``, ``Ba Vi``);
    ``by_name`` is what :func:`district_names` resolved those names to. A name that names no
    district gives "" here: :func:`district_names` tells which those are.

    Parameters
    ----------
    given, by_name
        :func:`given_codes` and the first array of :func:`district_names`, shape (n,).
    """
    import numpy as np

    return np.where(given != "", given, by_name)


def district_names(plan: Plan) -> tuple[np.ndarray, dict[int, tuple[str, ...]]]:
    """Resolve each cluster's ``district_vi`` in the plan's district layer.

    A name matches when its :func:`~planning.text.names.name_key` (administrative prefix
    removed; case, NFC and the old or new tone placement ignored: ``Hoà`` = ``Hòa``) is a
    district's, or, typed without diacritics, when exactly one district folds to it
    (:func:`~planning.readers.matching.match_name`).

    Returns
    -------
    tuple
        The code each name names (``""`` for an empty or unknown name), and for each row
        whose name names no district, the closest districts' names to suggest (maybe none).
    """
    import numpy as np
    import pandas as pd

    from planning.readers.matching import match_name
    from planning.text.names import split_admin_prefix

    cl = plan.clusters
    n = len(cl)
    if "district_vi" not in cl.columns:
        return np.full(n, "", dtype=object), {}
    official = {
        split_admin_prefix(str(name))[1]: str(code)
        for code, name in zip(
            plan.districts["district_code"], plan.districts["district_vi"], strict=True
        )
    }
    rows, uniques = pd.factorize(cl["district_vi"].fillna("").astype(str).str.strip())
    resolved: list[tuple[str, tuple[str, ...] | None]] = []
    for text in uniques:
        bare = split_admin_prefix(text)[1]
        found = match_name(bare, official) if bare else None
        if found is None:
            resolved.append(("", None))
        elif found.name:
            resolved.append((official[found.name], None))
        else:
            resolved.append(("", found.suggestions))
    codes = np.array([c for c, _ in resolved] or [""], dtype=object)[rows]
    bad = np.array([hint is not None for _, hint in resolved] or [False], dtype=bool)
    unknown = {int(i): resolved[rows[i]][1] or () for i in np.flatnonzero(bad[rows])}
    return codes, unknown


def _unknown_district(
    r: Rule, cid: str, name: str, declared: str, hint: tuple[str, ...]
) -> Finding:
    """Return LOC002's finding for a cluster whose declared district names no district."""
    if hint:
        text = message(
            "cluster {id} ({name}) declares an unknown district {declared!r}; did you mean "
            "{suggestions}?",
            id=cid,
            name=name,
            declared=declared,
            suggestions=", ".join(repr(h) for h in hint),
        )
    else:
        text = message(
            "cluster {id} ({name}) declares an unknown district {declared!r}; no district has "
            "a similar name: write the district's name, or empty the cell",
            id=cid,
            name=name,
            declared=declared,
        )
    return r.finding(text, cluster_id=cid, declared=declared, suggestions=list(hint))


def _code_and_name_disagree(
    r: Rule, cid: str, name: str, named: str, code: str, district_of: dict[str, str]
) -> Finding:
    """Return LOC002's finding for a row whose district code and district name disagree."""
    return r.finding(
        message(
            "cluster {id} ({name}) gives district code {code} ({code_name}) but names district "
            "{named!r}; make the code and the name agree",
            id=cid,
            name=name,
            code=code,
            code_name=district_of.get(code, "?"),
            named=named,
        ),
        cluster_id=cid,
        declared=code,
        declared_name=named,
    )


@rule(
    "LOC002",
    "Clusters lie in their declared district",
    finish=_loc002_outcome,
    none_checked=N_(
        "no cluster with a geometry inside Hanoi declares a district (district_code or district_vi)"
    ),
)
def outside_district(plan: Plan, options: CheckOptions, r: Rule) -> Partial:
    """A cluster's point on surface must fall in the district its row names.

    A row's district is its ``district_code``, else the district its ``district_vi`` names.
    A name that names no district fails (with the closest names), and so does a row whose
    code and name are two different districts: neither is ever a pass.

    Fix: correct the row's district, or its geometry.

    Examples
    --------
    >>> from planning.testing import make_plan, run_rule, square
    >>> plan = make_plan([{"cluster_id": "A", "district_code": "VN10141", "district_vi": "Chương Mỹ",
    ...                    "geometry": square(105.56, 21.06, 5)}])  # in Thạch Thất
    >>> result = run_rule("LOC002", plan)
    >>> result.status
    'fail'
    >>> print(result.findings[0].message)
    cluster A (CCN A) declares Chương Mỹ (VN10141) but lies in Thạch Thất (VN10135)
    """
    import numpy as np

    rows, _, where = _located(plan)
    cl = plan.clusters
    codes = plan.districts["district_code"].to_numpy().astype(str)
    names = plan.districts["district_vi"].to_numpy()
    by_name, unknown_names = district_names(plan)
    given = given_codes(plan)
    unknown = np.array([int(i) in unknown_names for i in rows], dtype=bool)
    declared = declared_codes(given, by_name)[rows].astype(str)
    declared[unknown] = ""  # a code filled from the geometry is no declaration
    checked = (declared != "") & (where >= 0)
    found = np.full(len(where), "", dtype=object)
    found[where >= 0] = codes[where[where >= 0]]
    wrong = (checked & (found != declared)).nonzero()[0]
    cids, cnames, dnames = (cl[c].to_numpy() for c in ("cluster_id", "name_vi", "district_vi"))
    findings = [
        _unknown_district(r, str(cids[i]), cnames[i], str(dnames[i]), unknown_names[int(i)])
        for i in rows[unknown]
    ]
    disagree = [i for i in rows if given[i] and by_name[i] and given[i] != by_name[i]]
    district_of = dict(zip(codes, names, strict=True))
    findings += [
        _code_and_name_disagree(r, str(cids[i]), cnames[i], str(dnames[i]), given[i], district_of)
        for i in disagree
    ]
    for k in wrong:
        i, d = rows[k], where[k]
        findings.append(
            r.finding(
                message(
                    "cluster {id} ({name}) declares {declared_name} ({declared}) "
                    "but lies in {found_name} ({found})",
                    id=cids[i],
                    name=cnames[i],
                    declared_name=dnames[i],
                    declared=declared[k],
                    found_name=names[d],
                    found=codes[d],
                ),
                cluster_id=str(cids[i]),
                declared=str(declared[k]),
                found=str(codes[d]),
            )
        )
    return Partial(findings, {"checked": int((checked | unknown).sum())})
