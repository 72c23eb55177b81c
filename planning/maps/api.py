"""Self-contained Folium maps of a plan and of the changes between two versions of it.

:func:`make_map` returns a :class:`folium.Map`; :func:`write_map` writes it as one HTML file
that needs no network: Leaflet and every control are inlined (:mod:`planning.maps.assets`),
and basemap tiles are the only thing that can be fetched, and only when asked for.
:func:`make_diff_map` and :func:`write_diff_map` do the same for a :class:`~planning.diff.PlanDiff`.

Every popup, tooltip, panel and legend is rendered from a template under
``planning/maps/templates/`` over a view prepared once from the plan and its report
(:mod:`planning.maps.view`), with autoescaping and ``{ } % #`` encoded
(:mod:`planning.report.templating`); the page's own scripts insert text from data with
``textContent`` only, so a cluster named ``<img src=x onerror=alert(1)>`` shows as text.

Data is never template source: folium renders each element's script as a new Jinja2
template, so nothing from data goes into folium's element tree (see
:mod:`planning.maps.elements`: the layers hold geometry, ids and styles; the rest goes into
one data block written after the templates have run).

Maps are in Vietnamese unless asked otherwise (``lang``, :data:`planning.i18n.DOCUMENT_DEFAULT`).
"""

from __future__ import annotations

from collections.abc import Iterable
from os import PathLike
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from planning.errors import UsageError
from planning.i18n import DOCUMENT_DEFAULT, Language, resolve_language, use_language
from planning.i18n import gettext as _
from planning.maps.features import (
    CHANGE_COLORS,
    COLOR_BY,
    PALETTE,
    ZONE_COLOR,
    ColorBy,
    class_colors,
    cluster_classes,
    simplify_coverage,
)
from planning.maps.labels import CATEGORY_LABELS, status_class
from planning.maps.plan_map import DETAIL_ZOOM, district_layer, plan_map

if TYPE_CHECKING:
    import folium

    from planning.diff import PlanDiff
    from planning.model.plan import Plan
    from planning.report.core import Report

__all__ = [
    "CATEGORY_LABELS",
    "CHANGE_COLORS",
    "COLOR_BY",
    "DETAIL_ZOOM",
    "PALETTE",
    "TILES",
    "ZONE_COLOR",
    "ColorBy",
    "TilesOption",
    "class_colors",
    "cluster_classes",
    "make_diff_map",
    "make_map",
    "map_language",
    "render_map_html",
    "simplify_coverage",
    "status_class",
    "write_diff_map",
    "write_map",
]

TilesOption = Literal["none", "osm", "cartodb"]
#: The basemaps :func:`make_map` knows; ``"none"`` (no tiles, no network) is the default.
TILES: tuple[str, ...] = ("none", "osm", "cartodb")
#: Attribute of a map from :func:`make_map` holding its language (``<html lang>``).
_LANG_ATTR = "planning_lang"

PathType = str | PathLike[str]


def make_map(
    plan: Plan,
    *,
    report: Report | None = None,
    tiles: TilesOption = "none",
    color_by: ColorBy = "status",
    simplify_m: float = 20.0,
    lang: str | None = None,
) -> folium.Map:
    """Return an offline-ready Folium map of a plan.

    Layers: districts (name, type and area on hover), clusters (coloured by status or
    category, indicative footprints dashed, location-only clusters as hollow circles) and
    the special zones (Hoa Lac Hi-Tech Park). Controls: layer control, search ignoring
    diacritics, full screen, scale bar, measure tool, minimap, summary panel, legend.

    Parameters
    ----------
    plan
        The plan to show.
    report
        The check report whose findings go into the popups and whose failed rules are
        counted in the summary. When None, the map runs the checks itself
        (:func:`planning.report.core.check` with default options); pass the report you
        already have to avoid running them twice.
    tiles
        ``"none"`` (a plain background; the file uses no network), ``"osm"`` or
        ``"cartodb"`` (basemap tiles fetched online; the vector layers work without them).
    color_by
        ``"status"`` (reported status, e.g. *established*) or ``"category"`` (plan category).
    simplify_m
        Tolerance, in metres, of the display simplification of district boundaries
        (0 keeps them as they are). Areas are always measured on the full geometry.
    lang
        ``"vi"`` or ``"en"``; else ``$PLANNING_LANG``, else Vietnamese
        (:func:`planning.i18n.resolve_language` with :data:`~planning.i18n.DOCUMENT_DEFAULT`).

    Returns
    -------
    folium.Map
        The map. Its assets are inlined: render it with :func:`render_map_html` or
        :func:`write_map` (``Map.save`` works too).

    Raises
    ------
    UsageError
        If ``tiles``, ``color_by`` or ``lang`` is not a known value.
    """
    _check_tiles(tiles)
    if color_by not in COLOR_BY:
        raise UsageError(f"color_by must be one of {', '.join(COLOR_BY)}, got {color_by!r}")
    code = resolve_language(lang, default=DOCUMENT_DEFAULT)
    if report is None:
        from planning.report.core import check

        report = check(plan)
    with use_language(code):
        m = plan_map(plan, report, tiles=tiles, color_by=color_by, simplify_m=simplify_m)
    setattr(m, _LANG_ATTR, code)
    return m


def map_language(m: folium.Map) -> Language:
    """Return the language a map was made in (English for a map not made here)."""
    return getattr(m, _LANG_ATTR, "en")


def render_map_html(m: folium.Map) -> str:
    """Return a map as one HTML document, with ``<meta charset="utf-8">`` first in its head.

    Parameters
    ----------
    m
        A map from :func:`make_map` (or any folium map).

    Returns
    -------
    str
        The document, its ``<html lang>`` the map's language.
    """
    text = m.get_root().render()
    text = text.replace("<head>", '<head>\n<meta charset="utf-8">', 1)
    return text.replace("<html>", f'<html lang="{map_language(m)}">', 1)


def write_map(
    plan: Plan,
    path: PathType,
    *,
    report: Report | None = None,
    tiles: TilesOption = "none",
    color_by: ColorBy = "status",
    simplify_m: float = 20.0,
    protect: Iterable[PathType] = (),
    lang: str | None = None,
) -> Path:
    """Write a self-contained HTML map of a plan, atomically.

    Parameters
    ----------
    plan
        The plan to show.
    path
        Where to write the ``.html`` file (``"-"``: standard output).
    report, tiles, color_by, simplify_m, lang
        As for :func:`make_map` (without a report, the checks are run).
    protect
        Files that must never be overwritten (the plan's inputs).

    Returns
    -------
    Path
        The file written.

    Raises
    ------
    UsageError
        If ``path`` is one of the protected files, or an option is unknown.
    """
    m = make_map(
        plan, report=report, tiles=tiles, color_by=color_by, simplify_m=simplify_m, lang=lang
    )
    return _write_html(path, render_map_html(m), protect=protect)


def make_diff_map(
    d: PlanDiff,
    plan: Plan,
    *,
    old: Plan | None = None,
    tiles: TilesOption = "none",
    simplify_m: float = 20.0,
    lang: str | None = None,
) -> folium.Map:
    """Return an offline-ready Folium map of the changes between two versions of a plan.

    Clusters added are drawn green, removed red and dashed (their old outline), resized
    amber and moved blue, with a line from the old location to the new one. At city scale
    a dot marks each change. Each popup gives the cluster's id and name, its declared area
    old → new with the delta, and the distance moved. The summary panel states
    :meth:`PlanDiff.summary`, the rules newly failing and newly passing, and the caveats
    and sources of both versions. The controls and the district layer are those of
    :func:`make_map`. No check is run: the rules' changes come from the diff.

    Parameters
    ----------
    d
        The diff, from :func:`planning.diff.diff_plans`.
    plan
        The version whose districts are drawn (usually the new one); its caveats and
        sources are listed.
    old
        The other version, whose caveats and sources are listed too.
    tiles, simplify_m, lang
        As for :func:`make_map`.

    Returns
    -------
    folium.Map
        The map; write it with :func:`write_diff_map` or :func:`render_map_html`.

    Raises
    ------
    UsageError
        If ``tiles`` or ``lang`` is not a known value.
    """
    _check_tiles(tiles)
    code = resolve_language(lang, default=DOCUMENT_DEFAULT)
    with use_language(code):
        m = _diff_map(d, plan, old=old, tiles=tiles, simplify_m=simplify_m)
    setattr(m, _LANG_ATTR, code)
    return m


def _diff_map(
    d: PlanDiff, plan: Plan, *, old: Plan | None, tiles: str, simplify_m: float
) -> folium.Map:
    import folium

    from planning.diff import CHANGE_KINDS, diff_layer
    from planning.maps import diff_map, elements

    plans = [plan] if old is None or old is plan else [plan, old]
    layer = diff_layer(d)
    bounds = diff_map.diff_bounds(layer, plan)
    title = _("Plan changes: %(old)s → %(new)s") % {"old": d.old_name, "new": d.new_name}
    m = elements.base_map(title, bounds, tiles)
    layers = {"districts": district_layer(m, plan, simplify_m=simplify_m)}
    token = elements.page_data(m).token
    drawn: dict[str, int] = {}
    undrawn: list[str] = []
    for kind in CHANGE_KINDS:
        rows = layer.loc[layer["change"].eq(kind)]
        features, styles, n, missing = diff_map.change_features(rows, kind=kind, token=token)
        drawn[kind] = n
        undrawn += missing
        if features["features"]:
            layers[kind] = elements.add_layer(
                m,
                features,
                name=f"{_(kind.capitalize())} ({n})",
                style_function=elements.styler(styles),
                marker=folium.CircleMarker(radius=6),
            )
    elements.finish_map(
        m,
        layers=layers,
        config={
            "panel": diff_map.diff_panel_html(d, plans, undrawn=undrawn),
            "legend": diff_map.diff_legend_html(d, drawn),
            "attribution": " | ".join(_html_text(x) for x in diff_map.diff_attribution(plans)),
            "detailZoom": DETAIL_ZOOM,
            "bounds": bounds,
            "fitClear": True,  # no change hidden under the panel or the legend
        },
    )
    return m


def write_diff_map(
    d: PlanDiff,
    plan: Plan,
    path: PathType,
    *,
    old: Plan | None = None,
    tiles: TilesOption = "none",
    simplify_m: float = 20.0,
    protect: Iterable[PathType] = (),
    lang: str | None = None,
) -> Path:
    """Write a self-contained HTML map of the changes between two plan versions, atomically.

    Parameters
    ----------
    d, plan, old, tiles, simplify_m, lang
        As for :func:`make_diff_map`.
    path
        Where to write the ``.html`` file (``"-"``: standard output).
    protect
        Files that must never be overwritten (both versions' inputs).

    Returns
    -------
    Path
        The file written.

    Raises
    ------
    UsageError
        If ``path`` is one of the protected files, or an option is unknown.
    """
    m = make_diff_map(d, plan, old=old, tiles=tiles, simplify_m=simplify_m, lang=lang)
    return _write_html(path, render_map_html(m), protect=protect)


# -- helpers ------------------------------------------------------------------------------------------


def _html_text(value: object) -> str:
    from planning._safetext import html_text

    return html_text(value)


def _write_html(path: PathType, text: str, *, protect: Iterable[PathType]) -> Path:
    """Write an HTML document atomically, never over an input (``"-"``: standard output)."""
    from planning.outputs import atomic_write

    return Path(atomic_write(path, text, protect=list(protect)))


def _check_tiles(tiles: str) -> None:
    if tiles not in TILES:
        raise UsageError(f"tiles must be one of {', '.join(TILES)}, got {tiles!r}")
