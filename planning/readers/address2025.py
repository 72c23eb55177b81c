"""Place a row written with a 2025 address (``xã Tây Phương, Hà Nội``, no district).

Since 1 July 2025 Ha Noi has communes and wards but no districts, so a planner writing
today gives only the commune. :func:`locate_2025` finds it among the 126 units of
:func:`planning.sources.units2025.load_units_2025` by name, ignoring case, tone placement
and, when only one unit matches that way, diacritics (:func:`planning.readers.matching.match_name`).

The PyPI package ``vietnamadminunits`` (MIT, 1.0.4) parses 2025 addresses offline and gives
the same unit (``xã Tây Phương, Hà Nội`` → Xã Tây Phương, code 10003; the old Phùng Xá,
Thạch Thất → Xã Tây Phương too), but it brings geopy, tqdm and unidecode and its own copy of
the names; the layer is needed anyway for the location, so names are matched against it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from planning.readers.matching import NameMatch, match_name

if TYPE_CHECKING:
    import geopandas as gpd
    from shapely.geometry import Point

__all__ = ["Unit2025", "locate_2025"]


@dataclass(frozen=True)
class Unit2025:
    """A 2025 commune or ward found for a name.

    Attributes
    ----------
    code
        National statistics code (``"10003"``).
    name
        Bare name (``"Tây Phương"``).
    full_name
        Name with its type (``"Xã Tây Phương"``).
    point
        The unit's representative point (EPSG:4326), where the row is placed.
    match
        How the name matched (``how == "folded"``: only without diacritics).
    """

    code: str
    name: str
    full_name: str
    point: Point
    match: NameMatch


def locate_2025(name: str, units: gpd.GeoDataFrame, *, unit_type: str = "") -> Unit2025 | None:
    """Find a commune or ward of the 2025 structure by its name.

    Parameters
    ----------
    name
        The name without its prefix (``"Tây Phương"``).
    units
        The 2025 layer.
    unit_type
        ``"xã"`` or ``"phường"`` when the address said so: only units of that type match.

    Returns
    -------
    Unit2025 or None
        The unit, or None when no unit (of that type) has that name.
    """
    frame = units if unit_type not in ("xã", "phường") else units[units["unit_type"].eq(unit_type)]
    names = frame["name"].astype(str).tolist()
    found = match_name(name, names)
    if not found.name:
        return None
    j = names.index(found.name)
    row = frame.iloc[j]
    return Unit2025(
        code=str(row["code"]),
        name=found.name,
        full_name=str(row["full_name"]),
        point=frame.geometry.iloc[j].representative_point(),
        match=found,
    )
