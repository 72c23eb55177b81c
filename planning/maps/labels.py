"""The words a map shows for the plan's codes: categories, geometry kinds, statuses, precisions.

Each vocabulary is kept in English, the message catalogue's key, and translated when shown in
the language in force (:mod:`planning.i18n`): the web map, the print map, the QGIS styles and
the map's view all label clusters from here.
"""

from __future__ import annotations

import re

from planning.i18n import N_
from planning.i18n import gettext as _
from planning.schema import CATEGORIES

__all__ = [
    "CATEGORY_LABELS",
    "GEOMETRY_LABELS",
    "PRECISION_WORDS",
    "STATUS_WORDS",
    "category_label",
    "geometry_label",
    "precision_text",
    "status_class",
    "status_text",
]

#: Human labels of the plan's categories (the ``category`` column), in English, from
#: :data:`planning.schema.CATEGORIES` (translated when shown: :func:`category_label`).
CATEGORY_LABELS: dict[str, str] = dict(CATEGORIES)
#: Labels of the geometry kinds, in English (translated when shown: :func:`geometry_label`).
GEOMETRY_LABELS: dict[str, str] = {
    "surveyed": "surveyed boundary",
    "digitized": "digitized boundary",
    "indicative": "INDICATIVE footprint: a circle of the declared area, not a boundary",
    "point": "location only (no published area)",
}
# The labels above, marked for the message catalogue (gettext's extractor reads these calls).
_MARKED = (
    _("kept (existing, to 2020)"),
    _("new (to 2020)"),
    _("limited expansion"),
    _("new (2021-2030)"),
    _("expansion (2021-2030)"),
    _("category not published"),
    _("surveyed boundary"),
    _("digitized boundary"),
    _("INDICATIVE footprint: a circle of the declared area, not a boundary"),
    _("location only (no published area)"),
)


def category_label(category: str) -> str:
    """Return the label of a plan category in the language in force (the code if unknown)."""
    return _(CATEGORY_LABELS[category]) if category in CATEGORY_LABELS else category


def geometry_label(kind: str) -> str:
    """Return the label of a geometry kind in the language in force (the kind if unknown)."""
    return _(GEOMETRY_LABELS[kind]) if kind in GEOMETRY_LABELS else kind


#: The statuses of the bundled catalogue's clusters (classes of :func:`status_class`), shown
#: in the language in force; any other status is the data's own text, shown as it is.
STATUS_WORDS: tuple[str, ...] = (
    N_("proposed for the plan"),
    N_("established"),
    N_("construction started"),
    N_("under construction"),
    N_("operating"),
    N_("listed on a portal"),
    N_("status not reported"),
)


#: Location precisions (``location_precision``) shown in the language in force.
PRECISION_WORDS: tuple[str, ...] = (
    N_("surveyed"),
    N_("digitized"),
    N_("source point"),
    N_("commune"),
    N_("district"),
)


def status_text(status: str) -> str:
    """Return a status for people: a known status's words translated, its dates kept.

    ``"established (2019)"`` gives ``"đã thành lập (2019)"`` in Vietnamese; a status that is
    not one of :data:`STATUS_WORDS` is the data's own text, returned as it is.
    """
    cls = status_class(status)
    if cls not in STATUS_WORDS or cls == "status not reported":
        return status
    return re.sub(re.escape(cls), lambda _m: _(cls), status, count=1, flags=re.IGNORECASE)


def precision_text(value: str) -> str:
    """Return a location precision in the language in force (the data's own text if unknown)."""
    return _(value) if value in PRECISION_WORDS else value


def status_class(status: str) -> str:
    """Return the class a free-text status is coloured by.

    ``"established (2017)"`` and ``"Established"`` give ``"established"``; the empty
    status gives ``"status not reported"``.

    Parameters
    ----------
    status
        The ``status`` column's text.

    Returns
    -------
    str
        Lower-case text without parenthesised parts, dates or trailing punctuation.
    """
    text = re.sub(r"\([^)]*\)", " ", str(status or ""))
    text = re.sub(r"\b(?:in\s+)?(?:h[12]\s+)?(?:19|20)\d\d\b", " ", text, flags=re.IGNORECASE)
    text = re.sub(r"\s+", " ", text).strip(" ,;:-").casefold()
    return text or "status not reported"
