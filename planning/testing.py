"""Helpers for building purpose-made plans in tests (the project's and the users').

``make_plan`` assembles a :class:`~planning.model.plan.Plan` from a few cluster dicts on top
of the real district layer and the bundled manifest, so that each rule can be made to
pass or fail on data whose answer is known; :func:`run_rule` runs one rule on it::

    >>> from planning.testing import make_plan, run_rule, square
    >>> plan = make_plan([{"cluster_id": "A", "geometry": square(105.56, 21.06, 10)}])
    >>> run_rule("IDS001", plan).status
    'pass'
"""

from __future__ import annotations

import functools
import math
import os
import re
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from planning.schema import CATEGORY_PHASES
from planning.settings import WGS84

if TYPE_CHECKING:
    import geopandas as gpd
    from shapely.geometry import Polygon

    from planning.model.manifest import Manifest
    from planning.model.plan import Plan
    from planning.rules import RuleResult


#: Debian's chromium, which the browser tests and benchmarks drive (never a downloaded browser).
CHROMIUM = os.environ.get("PLANNING_CHROMIUM", "/usr/bin/chromium")
#: Flags for launching it headless as root on a closed network.
CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
)


def run_rule(code: str, plan: Plan, **options: Any) -> RuleResult:
    """Run one rule on a plan, as ``planning check --select CODE`` would, and return its verdict.

    Parameters
    ----------
    code
        The rule's code, for example ``"ARE001"`` (``planning rules`` lists them).
    plan
        The plan, for example from :func:`make_plan`.
    **options
        Options of the check (:class:`planning.rules.CheckOptions`), for example
        ``tolerance_pct=10``.

    Returns
    -------
    RuleResult
        ``status`` (``pass``, ``fail``, ``warn`` or ``skip``), ``explanation`` and ``findings``.

    Raises
    ------
    KeyError
        If no rule has this code.
    """
    from planning.rules import REGISTRY, CheckOptions

    return REGISTRY[code].run(plan, CheckOptions(**options))


def district_point(name: str) -> tuple[str, float, float]:
    """Return ``(district_code, lon, lat)`` of a point inside the district called ``name``.

    Parameters
    ----------
    name
        A district name, compared without regard to tone-mark placement (``"Ứng Hoà"``).

    Returns
    -------
    tuple of (str, float, float)
        The OCHA PCODE and the district polygon's representative point.
    """
    from planning.sources.boundaries import load_districts
    from planning.text.names import name_key

    d = load_districts()
    hit = d.loc[d["district_vi"].map(name_key).eq(name_key(name))]
    if hit.empty:
        raise KeyError(name)
    p = hit.geometry.iloc[0].representative_point()
    return str(hit["district_code"].iloc[0]), p.x, p.y


def square(lon: float, lat: float, ha: float) -> Polygon:
    """Return an axis-aligned square of about ``ha`` hectares centred on (lon, lat).

    Parameters
    ----------
    lon, lat
        Centre in WGS 84 degrees.
    ha
        Approximate area (a local spherical approximation: within about 0.5 %).

    Returns
    -------
    shapely.Polygon
        The square.
    """
    from shapely.geometry import box

    side_m = math.sqrt(ha * 10_000.0)
    dlat = side_m / 110_574.0 / 2
    dlon = side_m / (111_320.0 * math.cos(math.radians(lat))) / 2
    return box(lon - dlon, lat - dlat, lon + dlon, lat + dlat)


def clusters_frame(rows: Iterable[Mapping[str, Any]]) -> gpd.GeoDataFrame:
    """Return a clusters layer from dicts with at least ``cluster_id`` and ``geometry``.

    Missing columns take defaults: name ``CCN <id>``, kind ``digitized``, no district.
    """
    import geopandas as gpd

    recs = []
    geoms = []
    for i, row in enumerate(rows):
        rec = dict(row)
        geoms.append(rec.pop("geometry"))
        rec.setdefault("cluster_id", f"T-{i + 1:02d}")
        rec.setdefault("name_vi", f"CCN {rec['cluster_id']}")
        rec.setdefault("geometry_kind", "digitized")
        rec.setdefault("location_precision", "digitized")
        rec.setdefault("declared_ha", math.nan)
        recs.append(rec)
    return gpd.GeoDataFrame(recs, geometry=geoms, crs=WGS84)


def make_plan(
    rows: Iterable[Mapping[str, Any]] = (),
    *,
    complete: bool = True,
    manifest: Manifest | None = None,
    zones: gpd.GeoDataFrame | None = None,
) -> Plan:
    """Return a plan holding the given clusters, the real districts and the bundled manifest.

    Parameters
    ----------
    rows
        Cluster dicts (see :func:`clusters_frame`).
    complete
        Whether the clusters claim to be the whole plan.
    manifest
        A manifest; the bundled one by default.
    zones
        A zones layer; none by default.

    Returns
    -------
    Plan
        The plan, with measured areas.
    """
    import geopandas as gpd

    from planning.geo.area import add_areas
    from planning.model.manifest import load_manifest
    from planning.model.plan import Plan
    from planning.sources.boundaries import load_districts

    base = Plan(
        clusters=clusters_frame([{"cluster_id": "x", "geometry": square(105.56, 21.06, 1)}]),
        districts=add_areas(load_districts()),
        zones=add_areas(zones)
        if zones is not None
        else gpd.GeoDataFrame(
            {"zone_id": [], "name_en": [], "geometry_kind": []}, geometry=[], crs=WGS84
        ),
        manifest=manifest or load_manifest(),
        complete=complete,
        name="test plan",
        used_sources=("ocha-districts",),
    )
    return base.with_clusters(clusters_frame(rows), complete=complete)


#: Plan categories and their phases, for synthetic clusters (from :mod:`planning.schema`).
_SYNTHETIC_CATEGORIES = tuple(CATEGORY_PHASES.items())


def synthetic_clusters(  # noqa: PLR0915  # a straight recipe of the synthetic layer's columns
    n: int,
    *,
    seed: int = 0,
    invalid_share: float = 0.01,
    overlap_share: float = 0.02,
    misdeclared_share: float = 0.01,
    wrong_district_share: float = 0.005,
    outside_share: float = 0.001,
    duplicate_share: float = 0.001,
    districts: gpd.GeoDataFrame | None = None,
) -> gpd.GeoDataFrame:
    """Return ``n`` synthetic digitized clusters inside Hanoi's districts, for tests and benchmarks.

    Clusters are irregular star-shaped polygons of 5-20 vertices, one per cell of a jittered
    grid laid over the 30 districts (cells whose centre lies in a district), so that they
    do not overlap by accident. Areas are log-uniform between 1 and 100 ha while Hanoi
    (3,359 km²) has room for ``n`` such clusters; for larger ``n`` the upper bound shrinks
    to what a cell holds (about 10 ha at 10,000 clusters, 1 ha at 100,000, 0.1 ha at
    1,000,000: parcels rather than clusters), and the lower bound to a tenth of it. Each
    row's district is the one holding its point on surface. Defects are planted on
    purpose, each in the given share of rows:

    * ``invalid_share``: bow-ties (two vertices swapped, so the ring crosses itself): GEO001;
    * ``overlap_share``: extra clusters centred inside another cluster: TOP001;
    * ``misdeclared_share``: declared area 10-50 % off the measured one: ARE001;
    * ``wrong_district_share``: a declared district that is not the one containing it: LOC002;
    * ``outside_share``: moved 2° east, out of Hanoi: LOC001;
    * ``duplicate_share``: a repeated id (IDS001) and, as many again, a name repeated
      without its diacritics (IDS002).

    Other declared areas are within ±2 % of the geodesic area (4 significant digits, at
    least 2 decimals). The same arguments give the same layer.

    Parameters
    ----------
    n
        Number of clusters (>= 1).
    seed
        Seed of the random generator.
    invalid_share, overlap_share, misdeclared_share, wrong_district_share, outside_share
        Shares of rows (0-1) carrying each defect.
    duplicate_share
        Share of rows whose id, and as many again whose name, repeat another row's.
    districts
        The district layer; :func:`planning.sources.boundaries.load_districts` by default.

    Returns
    -------
    geopandas.GeoDataFrame
        A clusters layer (EPSG:4326) with the columns of :data:`planning.schema.CLUSTER_COLUMNS`.
    """
    import geopandas as gpd
    import numpy as np
    import shapely

    from planning.geo.geodesic import equal_area_m2
    from planning.rules.location import locate
    from planning.text.names import fold

    if n < 1:
        raise ValueError(f"n must be at least 1, got {n}")
    rng = np.random.default_rng(seed)
    if districts is None:
        from planning.sources.boundaries import load_districts

        districts = load_districts()
    dgeoms = districts.geometry.to_numpy()
    n_over = round(overlap_share * n) if n > 1 else 0
    n_base = n - n_over

    # A jittered grid: one cell per cluster, cells centred inside a district.
    minx, miny, maxx, maxy = districts.total_bounds
    lat0 = 0.5 * (miny + maxy)
    m_lat, m_lon = 110_574.0, 111_320.0 * np.cos(np.radians(lat0))
    land_m2 = float(equal_area_m2(districts).sum())
    spacing = float(np.sqrt(land_m2 / (1.3 * n_base)))
    while True:
        xs = np.arange(minx + spacing / m_lon / 2, maxx, spacing / m_lon)
        ys = np.arange(miny + spacing / m_lat / 2, maxy, spacing / m_lat)
        gx, gy = (a.ravel() for a in np.meshgrid(xs, ys))
        cell_d = locate(gx, gy, dgeoms)
        inside = np.flatnonzero(cell_d >= 0)
        if len(inside) >= n_base:
            break
        spacing *= 0.9
    pick = inside[rng.choice(len(inside), size=n_base, replace=False)]
    cx, cy, home = gx[pick], gy[pick], cell_d[pick]

    r_cell = 0.4 * spacing  # metres: a cluster stays inside its cell
    hi = min(100.0, 0.75 * np.pi * r_cell**2 / 1e4)
    lo = min(1.0, hi / 10)

    def shapes(count: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Star-shaped rings in metres around (0, 0): (x, y) padded to 20, vertex counts."""
        k = rng.integers(5, 21, size=count)
        j = np.arange(20)
        theta = 2 * np.pi * (j[None, :] + rng.uniform(-0.3, 0.3, (count, 20))) / k[:, None]
        rho = rng.uniform(0.75, 1.0, (count, 20))
        nxt = np.where(j[None, :] + 1 < k[:, None], j[None, :] + 1, 0)
        x1, y1 = rho * np.cos(theta), rho * np.sin(theta)
        x2, y2 = np.take_along_axis(x1, nxt, 1), np.take_along_axis(y1, nxt, 1)
        unit = 0.5 * np.where(j[None, :] < k[:, None], x1 * y2 - x2 * y1, 0.0).sum(1)
        target = np.exp(rng.uniform(np.log(lo), np.log(hi), count)) * 1e4
        r = np.minimum(np.sqrt(target / unit), r_cell)
        return x1 * r[:, None], y1 * r[:, None], k

    bx, by, bk = shapes(n_base)
    # Jitter the centre within what the cell leaves free.
    reach = np.hypot(bx, by).max(1)
    slack = np.maximum(0.5 * spacing - reach, 0.0)
    jx = rng.uniform(-1, 1, n_base) * slack / m_lon
    jy = rng.uniform(-1, 1, n_base) * slack / m_lat

    if n_over:
        base = rng.integers(0, n_base, n_over)
        ang = rng.uniform(0, 2 * np.pi, n_over)
        off = 0.5 * reach[base]
        ox, oy, ok_ = shapes(n_over)
        cx = np.concatenate([cx, cx[base]])
        cy = np.concatenate([cy, cy[base]])
        home = np.concatenate([home, home[base]])
        jx = np.concatenate([jx, jx[base] + off * np.cos(ang) / m_lon])
        jy = np.concatenate([jy, jy[base] + off * np.sin(ang) / m_lat])
        bx, by, bk = np.vstack([bx, ox]), np.vstack([by, oy]), np.concatenate([bk, ok_])

    # Bow-ties: swap the first two vertices, all four around them put on the circle.
    n_bad = round(invalid_share * n)
    bad = rng.choice(n, size=n_bad, replace=False)
    if n_bad:
        rr = np.hypot(bx[bad], by[bad]).max(1)
        for col in (np.zeros_like(bad), np.ones_like(bad), np.full_like(bad, 2), bk[bad] - 1):
            a = np.arctan2(by[bad, col], bx[bad, col])
            bx[bad, col], by[bad, col] = rr * np.cos(a), rr * np.sin(a)
        bx[bad, 0], bx[bad, 1] = bx[bad, 1].copy(), bx[bad, 0].copy()
        by[bad, 0], by[bad, 1] = by[bad, 1].copy(), by[bad, 0].copy()

    def build(rows: np.ndarray) -> np.ndarray:
        k = bk[rows]
        mask = np.arange(20)[None, :] < k[:, None]
        lon = ((cx + jx)[rows, None] + bx[rows] / m_lon)[mask]
        lat = ((cy + jy)[rows, None] + by[rows] / m_lat)[mask]
        owner = np.repeat(np.arange(len(rows)), k)
        rings = shapely.linearrings(np.column_stack([lon, lat]), indices=owner)
        return np.asarray(shapely.polygons(rings), dtype=object)

    geoms = build(np.arange(n))
    # Each row's district holds its point on surface; a jitter that left Hanoi is undone.
    pos = shapely.get_coordinates(shapely.point_on_surface(geoms))
    dist_of = locate(pos[:, 0], pos[:, 1], dgeoms)
    lost = np.flatnonzero(dist_of < 0)
    if len(lost):
        jx[lost], jy[lost] = 0.0, 0.0
        geoms[lost] = build(lost)
        pos = shapely.get_coordinates(shapely.point_on_surface(geoms[lost]))
        dist_of[lost] = locate(pos[:, 0], pos[:, 1], dgeoms)
        dist_of = np.where(dist_of < 0, home, dist_of)  # still astride the border: rare

    n_out = round(outside_share * n)
    out_rows = rng.choice(n, size=n_out, replace=False)
    if n_out:
        geoms[out_rows] = shapely.transform(geoms[out_rows], lambda xy: xy + np.array([2.0, 0.0]))

    measured = equal_area_m2(geoms, crs=WGS84) / 1e4
    declared = measured * (1 + rng.uniform(-0.02, 0.02, n))
    n_mis = round(misdeclared_share * n)
    mis = rng.choice(n, size=n_mis, replace=False)
    declared[mis] = measured[mis] * rng.uniform(1.1, 1.5, n_mis) ** rng.choice([-1, 1], n_mis)
    declared = np.where(declared > 0, declared, np.maximum(measured, 1.0))  # bow-ties
    digits = np.maximum(2, 3 - np.floor(np.log10(np.abs(declared) + 1e-12))).astype(int)
    declared = np.array([round(float(v), int(d)) for v, d in zip(declared, digits, strict=True)])

    codes = districts["district_code"].to_numpy().astype(str)
    names = districts["district_vi"].to_numpy().astype(str)
    n_wrong = round(wrong_district_share * n)
    wrong = rng.choice(n, size=n_wrong, replace=False)
    declared_d = dist_of.copy()
    declared_d[wrong] = (dist_of[wrong] + rng.integers(1, len(codes), n_wrong)) % len(codes)

    width = len(str(n))
    ids = np.array([f"SYN-{i:0{width}d}" for i in range(1, n + 1)], dtype=object)
    name = np.array(
        [f"CCN {d} {i}" for i, d in enumerate(names[declared_d], start=1)], dtype=object
    )
    n_dup = round(duplicate_share * n)
    if n_dup and n > 2 * n_dup:
        a, b = rng.choice(n, size=(2, n_dup), replace=False)
        ids[a] = ids[b]
        a, b = rng.choice(n, size=(2, n_dup), replace=False)
        name[a] = [fold(s) for s in name[b]]
    cat = rng.integers(0, len(_SYNTHETIC_CATEGORIES), n)
    frame = {
        "cluster_id": ids,
        "name_vi": name,
        "commune_vi": "",
        "district_code": codes[declared_d],
        "district_vi": names[declared_d],
        "category": np.array([c for c, _ in _SYNTHETIC_CATEGORIES], dtype=object)[cat],
        "phase": np.array([p for _, p in _SYNTHETIC_CATEGORIES], dtype=object)[cat],
        "status": "synthetic",
        "declared_ha": declared,
        "area_qualifier": "",
        "geometry_kind": "digitized",
        "location_precision": "digitized",
        "source_url": "",
        "source_note": f"synthetic_clusters(seed={seed})",
    }
    return gpd.GeoDataFrame(frame, geometry=geoms, crs=WGS84)


#: Text that a template engine would run or choke on: Jinja2 expressions, statements and
#: comments, and payloads that would run code (make a folder ``PWNED``, run ``touch``) in the
#: working folder if they were ever rendered. Every text field must come out unchanged.
TEMPLATE_PAYLOADS: tuple[str, ...] = (
    "{{7*7}}",
    "{% for x in y %}",
    "{#",
    "{%- raw %}{{ x }}",
    "#}}%}{{",
    "{{ cycler.__init__.__globals__.os.mkdir(dict(PWNED=1)|join) }}",
    "{{ cycler.__init__.__globals__.os.system('touch PWNED') }}",
)


# -- auditing HTML pages -----------------------------------------------------------------------------------

_EXTERNAL = re.compile(
    r"""<script[^>]+\bsrc\s*=\s*["']?(?:https?:)?//[^"'\s>]+"""
    r"""|<link[^>]+\bhref\s*=\s*["']?(?:https?:)?//[^"'\s>]+"""
    r"""|<iframe[^>]+\bsrc\s*=\s*["']?(?:https?:)?//[^"'\s>]+"""
    r"""|<img[^>]+\bsrc\s*=\s*["']?(?:https?:)?//[^"'\s>]+"""
    r"""|url\(\s*["']?(?:https?:)?//[^)"']+"""
    r"""|@import\s+(?:url\()?\s*["']?(?:https?:)?//[^;"')]+""",
    re.IGNORECASE,
)


def external_resources(text: str) -> list[str]:
    """Return the external resources an HTML page would load (scripts, styles, images).

    Links a reader may follow (``<a href>``) are not resources and are not listed.

    Parameters
    ----------
    text
        An HTML document.

    Returns
    -------
    list of str
        The offending snippets; empty for a self-contained page.
    """
    return [m.group(0) for m in _EXTERNAL.finditer(text)]


# -- languages ---------------------------------------------------------------------------------------


def english_words_left(text: str, *, allow: Iterable[str] = (), lang: str = "vi") -> list[str]:
    """Return the English words left in a text that should be in another language.

    A word is English when the project's English messages use it (the gettext template,
    ``planning/locale/planning.pot``) or it is a common English word, and the ``lang``
    catalogue's translations do not use it too (so units, codes and names that both
    languages write the same way, like ``ha``, ``WGS``, ``CCN`` or ``planning``, pass).
    For the tests of text outputs, maps and reports in Vietnamese.

    Parameters
    ----------
    text
        The rendered text (terminal output, or a page's visible text).
    allow
        Phrases to ignore wherever they occur: names, attributions, citations, codes.
    lang
        The language the text should be in.

    Returns
    -------
    list of str
        The English words found, sorted, each once (empty when none is left).

    Examples
    --------
    >>> english_words_left("đã kiểm tra 75 mã; Clusters lie inside Hanoi", allow=["Hanoi"])
    ['clusters', 'inside', 'lie']
    """
    import re

    english, translated = _catalogue_words(lang)
    for phrase in sorted((str(p) for p in allow if p), key=len, reverse=True):
        text = text.replace(phrase, " ")
    words = {w.lower() for w in re.findall(r"(?<!\w)[A-Za-z]{2,}(?!\w)", text)}
    return sorted(w for w in words if w in english and w not in translated)


#: Common English words that are no message's vocabulary but must not be left either.
_COMMON_ENGLISH = frozenset(
    # not "an", "in", "no", "to": Vietnamese words too
    [
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "for",
        "from",
        "has",
        "have",
        "is",
        "it",
        "not",
        "of",
        "on",
        "or",
        "that",
        "the",
        "this",
        "was",
        "were",
        "with",
    ]
)


@functools.cache
def _catalogue_words(lang: str) -> tuple[frozenset[str], frozenset[str]]:
    """Return the words of the English messages and those of their ``lang`` translations."""
    import re
    from importlib import resources

    from babel.messages.pofile import read_po

    def words(texts: Iterable[str]) -> set[str]:
        out: set[str] = set()
        for t in texts:
            t = re.sub(r"\{[^{}]*\}", " ", t)  # placeholders are no words
            out.update(w.lower() for w in re.findall(r"(?<!\w)[A-Za-z]{2,}(?!\w)", t))
        return out

    locale = resources.files("planning") / "locale"
    with (locale / "planning.pot").open("rb") as fp:
        template = read_po(fp)
    with (locale / lang / "LC_MESSAGES" / "planning.po").open("rb") as fp:
        catalogue = read_po(fp)

    def strings(value: object) -> list[str]:
        if isinstance(value, tuple | list):
            return [str(v) for v in value]
        return [str(value)] if value else []

    english = words(s for m in template if m.id for s in strings(m.id)) | _COMMON_ENGLISH
    translated = words(s for m in catalogue if m.id for s in strings(m.string))
    return frozenset(english), frozenset(translated - _COMMON_ENGLISH)
