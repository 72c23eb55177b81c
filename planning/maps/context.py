"""Context layers drawn beside the plan: industrial parks and the 2025 administrative units.

Neither is part of the plan's figures. The industrial parks (``plan.industrial_parks``: a
GeoDataFrame with ``name`` and ``area_ha``, from OpenStreetMap, © OpenStreetMap contributors,
ODbL 1.0) are drawn in grey with their name on hover; the 2025 communes (after the 2025
merger of administrative units) are drawn when a loader for them exists, off by default. Both
are looked up defensively, so a plan or an installation without them draws neither.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from planning.i18n import gettext as _

if TYPE_CHECKING:
    import folium

    from planning.model.plan import Plan

__all__ = ["PARKS_ATTRIBUTION", "ContextLayers", "add_context_layers", "communes_2025"]

#: Attribution of the industrial parks layer (OpenStreetMap's licence terms).
PARKS_ATTRIBUTION = "© OpenStreetMap contributors, ODbL 1.0"
_PARK_COLOR = "#5f6b7a"
_PARK_STYLE = {
    "color": _PARK_COLOR,
    "weight": 1.2,
    "fillColor": _PARK_COLOR,
    "fillOpacity": 0.12,
    "dashArray": "2 3",
    "className": "planning-park",
}
_UNIT_2025_STYLE = {
    "color": "#b2182b",
    "weight": 1,
    "fill": False,
    "className": "planning-units-2025",
}


@dataclass
class ContextLayers:
    """What :func:`add_context_layers` drew: legend rows and attribution lines."""

    legend: list[dict[str, str]] = field(default_factory=list)
    attributions: list[str] = field(default_factory=list)


def _frame(value: Any) -> Any:
    """Return ``value`` if it is a non-empty GeoDataFrame, else None."""
    import geopandas as gpd

    return value if isinstance(value, gpd.GeoDataFrame) and len(value) else None


def communes_2025() -> Any:
    """Return Ha Noi's 2025 communes and wards simplified for display, or None when unavailable.

    From :func:`planning.sources.units2025.units_2025_for_map` (cache or
    ``$PLANNING_GEODATA_MIRROR``); offline without them, the map simply has no such layer.
    """
    from planning.errors import GeodataUnavailable
    from planning.sources.units2025 import units_2025_for_map

    try:
        return _frame(units_2025_for_map())
    except GeodataUnavailable:
        return None


def add_context_layers(m: folium.Map, plan: Plan, *, token: str) -> ContextLayers:
    """Add the context layers a plan has to a map: industrial parks, 2025 units (hidden).

    Parameters
    ----------
    m
        The map.
    plan
        The plan (``plan.industrial_parks`` is used when it is a non-empty GeoDataFrame).
    token
        The page's feature-id prefix.
    """
    from planning.maps import elements
    from planning.maps.features import feature, finite

    out = ContextLayers()
    parks = _frame(getattr(plan, "industrial_parks", None))
    if parks is not None:
        features = []
        for i in range(len(parks)):
            row = parks.iloc[i]
            if row.geometry is None or row.geometry.is_empty:
                continue
            name = str(row.get("name", "") or _("industrial park"))
            ha = finite(row.get("area_ha"))
            tip = name if ha is None else f"{name} · {_html_num(ha)} ha"
            features.append(feature(f"{token}p{i}", row.geometry, {"tip": tip}, digits=5))
        if features:
            elements.add_layer(
                m,
                {"type": "FeatureCollection", "features": features},
                name=_("Industrial parks (context)"),
                style_function=lambda f: _PARK_STYLE,
            )
            out.legend.append(
                {"label": _("industrial park (context, not in the plan)"), "color": _PARK_COLOR}
            )
            out.attributions.append(
                _("industrial parks: %(credit)s") % {"credit": PARKS_ATTRIBUTION}
            )
    units = communes_2025()
    if units is not None:
        features = [
            feature(f"{token}u{i}", g, {}, digits=5)
            for i, g in enumerate(units.geometry)
            if g is not None and not g.is_empty
        ]
        elements.add_layer(
            m,
            {"type": "FeatureCollection", "features": features},
            name=_("2025 communes and wards"),
            style_function=lambda f: _UNIT_2025_STYLE,
            interactive=False,
            show=False,
        )
    return out


def _html_num(value: float) -> str:
    from planning.i18n import format_number

    return format_number(value, digits=1)
