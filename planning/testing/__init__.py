"""Helpers for building purpose-made plans in tests (the project's and the users').

``make_plan`` assembles a :class:`~planning.model.plan.Plan` from a few cluster dicts on top
of the real district layer and the bundled manifest, so that each rule can be made to
pass or fail on data whose answer is known; :func:`run_rule` runs one rule on it::

    >>> from planning.testing import make_plan, run_rule, square
    >>> plan = make_plan([{"cluster_id": "A", "geometry": square(105.56, 21.06, 10)}])
    >>> run_rule("IDS001", plan).status
    'pass'

:func:`synthetic_clusters` (from :mod:`planning.testing.synthetic`) builds layers of any
size with known defects; :func:`external_resources` and :func:`english_words_left` audit
rendered pages.
"""

from __future__ import annotations

import functools
import math
import os
import re
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from planning.settings import WGS84
from planning.testing.synthetic import synthetic_clusters

__all__ = [
    "CHROMIUM",
    "CHROMIUM_ARGS",
    "TEMPLATE_PAYLOADS",
    "clusters_frame",
    "district_point",
    "english_words_left",
    "external_resources",
    "make_plan",
    "run_rule",
    "square",
    "synthetic_clusters",
]

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
