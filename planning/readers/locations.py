"""Location cells → commune and district: ``xã Phùng Xá, huyện Thạch Thất`` and the like.

Two readings, for two kinds of file. :func:`parse_location` reads the one location column of
a department's workbook (``Phùng Xá - Thạch Thất``, ``TT Phùng, Đan Phượng``, ``Thôn 3, xã
Bình Phú, Thạch Thất, Hà Nội``): parts split on commas, semicolons, slashes and dashes,
read by their prefix or, without one, right to left. :func:`split_location` reads a
``commune_vi`` cell of any other table that holds more than the commune (``xã Phùng Xá,
huyện Thạch Thất``): parts split on commas and semicolons, read by their prefix only.
Both are purely textual; the names are then matched against the commune layer
(:func:`planning.model.placement.place_at_communes`), which reports what it cannot match.
"""

from __future__ import annotations

import re
from typing import Any

from planning.readers.values import cell_text, object_array, object_series, per_value
from planning.text.names import fold, nfc, split_admin_prefix

__all__ = ["parse_location", "split_location", "split_locations"]

_COMMUNE_KINDS = frozenset({"xã", "phường", "thị trấn"})
_DISTRICT_KINDS = frozenset({"huyện", "quận", "thị xã"})
_PROVINCE = frozenset({"ha noi", "hn", "tp ha noi", "tp. ha noi", "thanh pho ha noi"})
_LOCATION_SPLIT = re.compile(r"\s*[,;–—/|]\s*|\s+-\s+|(?<=\w)-(?=\w)")


def parse_location(text: str) -> tuple[str, str]:
    """Split a location cell into a commune and a district (bare names, no prefixes).

    Parameters
    ----------
    text
        ``"xã Phùng Xá, huyện Thạch Thất"``, ``"Phùng Xá - Thạch Thất"``, ``"TT Phùng,
        Đan Phượng"``, ``"Thôn 3, xã Bình Phú, Thạch Thất, Hà Nội"`` … Parts are separated
        by commas, semicolons, slashes or dashes. A part's prefix says what it is; parts
        without one are read right to left: the last is the district, the one before it
        the commune. Hanoi itself and villages (``thôn``, ``xóm``) are ignored.

    Returns
    -------
    tuple of (str, str)
        The commune and the district; either may be ``""``. A single unprefixed part is
        taken as the commune.

    Examples
    --------
    >>> parse_location("TT Phùng, Đan Phượng")
    ('Phùng', 'Đan Phượng')
    >>> parse_location("Phùng Xá - Thạch Thất")
    ('Phùng Xá', 'Thạch Thất')
    """
    value = " ".join(nfc(text).split())
    parts = [p.strip(" .") for p in _LOCATION_SPLIT.split(value)]
    commune = district = ""
    plain: list[str] = []
    for part in parts:
        if not part or fold(part) in _PROVINCE:
            continue
        if fold(part).split(" ", 1)[0] in {"thon", "xom", "ap", "lang", "to", "khu", "cum"}:
            continue
        kind, bare = split_admin_prefix(part)
        if kind in _COMMUNE_KINDS and not commune:
            commune = bare
        elif kind in _DISTRICT_KINDS and not district:
            district = bare
        elif kind == "thành phố":
            continue
        elif not kind:
            plain.append(bare)
    if not commune and not district:
        if len(plain) == 1:
            commune = plain[0]
        elif plain:
            commune, district = plain[-2], plain[-1]
    elif not commune and plain:
        commune = plain[0]
    elif not district and plain:
        district = plain[-1]
    return commune, district


def split_locations(values: list[str], gdf: Any) -> list[str]:
    """Communes from location cells, :func:`split_location` once per distinct cell.

    A district part fills an empty ``district_vi`` of the same row.
    """
    import numpy as np

    split = per_value(values, split_location)
    communes = [c for c, _ in split]
    districts = [d for _, d in split]
    rows = [i for i, d in enumerate(districts) if d is not None]
    if rows:
        current = list(gdf["district_vi"])
        fill = [i for i in rows if not cell_text(current[i])]
        if fill:
            column = object_array(current)
            column[np.asarray(fill)] = object_array([districts[i] for i in fill])
            gdf["district_vi"] = object_series(column, gdf.index)
    return communes


def split_location(value: str) -> tuple[str, str | None]:
    """Commune from a location cell such as "xã Phùng Xá, huyện Thạch Thất".

    Returns the commune and the bare name of the first district part (None if none),
    which fills an empty ``district_vi`` of the same row.
    """
    if not value:
        return "", None
    parts = [p.strip() for p in re.split(r"[,;]\s*", value) if p.strip()]
    if not parts:  # only separators, e.g. ";"
        return "", None
    if len(parts) == 1:
        return split_admin_prefix(value)[1], None
    commune = ""
    district: str | None = None
    for part in parts:
        kind, bare = split_admin_prefix(part)
        if kind in _COMMUNE_KINDS and not commune:
            commune = bare
        elif kind in _DISTRICT_KINDS and district is None:
            district = bare
    return commune or split_admin_prefix(parts[0])[1], district
