"""The plan's published figures as values: figures, their sources, categories, ratios, zones.

A :class:`Figure` is one number the plan publishes (or one derived from others), at the
precision it was published, with the key of its :class:`SourceRef`. The category tree
(:class:`CategoryNode`) says how the figures add up, and :class:`TreeCheck` is the outcome
of adding one node's children; :func:`matches_published` compares a computed number with
a figure at its published precision. The manifest that holds them all is
:mod:`planning.model.manifest`.
"""

from __future__ import annotations

from dataclasses import dataclass

from planning.i18n import N_, Message, join_messages, message, plural_message

__all__ = [
    "CategoryNode",
    "Figure",
    "Ratio",
    "SourceRef",
    "TreeCheck",
    "ZoneFact",
    "matches_published",
]


@dataclass(frozen=True)
class SourceRef:
    """A document that published figures: a news page, a decision, a dataset.

    Attributes
    ----------
    key
        The manifest's key for it.
    title, publisher, url, date
        What a reader needs to find it again (``url`` may be empty when not recorded).
    verified
        False when nobody could confirm the figures against the source.
    attributed
        False when the source's outlet and URL are unknown (a text kept without them).
    """

    key: str
    title: str
    publisher: str
    url: str
    date: str
    verified: bool = True
    attributed: bool = True

    def citation(self) -> str:
        """Return a one-line citation: publisher, title, date and URL."""
        parts = [self.publisher, f"“{self.title}”"]
        if self.date:
            parts.append(self.date)
        if self.url:
            parts.append(self.url)
        return ", ".join(p for p in parts if p)


@dataclass(frozen=True)
class Figure:
    """One published (or derived) figure of the plan.

    Attributes
    ----------
    key
        Its key in the manifest.
    label
        What it counts.
    value
        The number.
    unit
        ``ha``, ``clusters``, ``%`` …
    decimals
        The precision it was published at.
    source
        The key of its :class:`SourceRef`, or ``""`` for a derived figure.
    derived
        The derivation (``"a - b - c"``), or ``""`` for a published figure.
    qualifier
        ``about``, ``more than`` … as published.
    published_as
        The text as published, when it differs from the number.
    note
        Anything a reader should know.
    """

    key: str
    label: str
    value: float
    unit: str
    decimals: int
    source: str = ""
    derived: str = ""
    qualifier: str = ""
    published_as: str = ""
    note: str = ""

    @property
    def is_derived(self) -> bool:
        """Whether the figure is computed from others rather than published."""
        return bool(self.derived)

    def formatted(self) -> str:
        """Return the value at its published precision with its unit, e.g. ``3,204.31 ha``.

        The text is a :class:`~planning.i18n.Message`: English as a string, and
        ``3.204,31 ha`` (with the qualifier translated) where a report localizes it.
        """
        unit = "" if self.unit == "%" else " "
        qualifier = _QUALIFIERS.get(self.qualifier, self.qualifier)
        return Message(
            "{qualifier}{value:,.{decimals}f}{unit}",
            None,
            None,
            {
                "qualifier": Message("{q} ", None, None, {"q": qualifier}) if qualifier else "",
                "value": self.value,
                "decimals": self.decimals,
                "unit": Message(unit + "{u}", None, None, {"u": _UNITS.get(self.unit, self.unit)}),
            },
        )


@dataclass(frozen=True)
class CategoryNode:
    """A node of the plan's category tree (a phase or a category of clusters).

    Attributes
    ----------
    key, label
        Identity.
    clusters
        Key of the figure counting its clusters, or ``""`` when it adds no cluster.
    ha
        Key of the figure giving its area.
    children
        Keys of the child nodes; their sums must equal this node's figures.
    """

    key: str
    label: str
    clusters: str = ""
    ha: str = ""
    children: tuple[str, ...] = ()


@dataclass(frozen=True)
class Ratio:
    """A published ratio: ``numerator / denominator`` published as ``percent`` %."""

    key: str
    label: str
    numerator: str
    denominator: str
    percent: str


@dataclass(frozen=True)
class ZoneFact:
    """A special zone (Hoa Lac Hi-Tech Park) as published: area, host communes, source."""

    key: str
    name_vi: str
    name_en: str
    area: str
    source: str
    host_communes: tuple[tuple[str, str], ...]
    note: str = ""


@dataclass(frozen=True)
class TreeCheck:
    """The outcome of adding up one node's children.

    Attributes
    ----------
    node
        The parent node's key.
    quantity
        ``clusters`` or ``ha``.
    expected
        The parent's figure.
    computed
        The children's sum.
    consistent
        Whether they agree at the parent's published precision.
    terms
        ``(child key, value)`` pairs that were added.
    """

    node: str
    quantity: str
    expected: Figure
    computed: float
    consistent: bool
    terms: tuple[tuple[str, float], ...]

    def short(self) -> str:
        """Return a compact form: ``to2020 clusters 64 + 52 + 22 = 138 ✓``."""
        dec = max(self.expected.decimals, 2) if self.quantity == "ha" else 0
        mark = (
            "✓"
            if self.consistent
            else message("≠ published {published}", published=self.expected.formatted())
        )
        return message(
            "{node} {quantity}: {parts} = {computed} {mark}",
            node=self.node,
            quantity=_QUANTITIES.get(self.quantity, self.quantity),
            parts=self._terms(dec),
            computed=self._number(self.computed, dec),
            mark=mark,
        )

    def _number(self, value: float, decimals: int) -> Message:
        return Message("{v:,.{d}f}", None, None, {"v": value, "d": decimals})

    def _terms(self, decimals: int) -> Message:
        return join_messages((self._number(v, decimals) for _, v in self.terms), sep=" + ")

    def explain(self) -> str:
        """Return ``a + b + c = computed; published X`` in words."""
        d = self.expected.decimals
        dec = max(d, 2) if self.quantity == "ha" else 0
        verdict = (
            plural_message("agrees at {n} decimal", "agrees at {n} decimals", d)
            if self.consistent
            else plural_message("DISAGREES at {n} decimal", "DISAGREES at {n} decimals", d)
        )
        return message(
            "{node} {quantity}: {parts} = {computed}; published {published} ({verdict})",
            node=self.node,
            quantity=_QUANTITIES.get(self.quantity, self.quantity),
            parts=self._terms(dec),
            computed=self._number(self.computed, dec),
            published=self.expected.formatted(),
            verdict=verdict,
        )


def matches_published(value: float, figure: Figure) -> bool:
    """Return whether ``value`` agrees with ``figure`` at the figure's published precision.

    Parameters
    ----------
    value
        A computed number (a sum, a count).
    figure
        The published figure.

    Returns
    -------
    bool
        True when both round to the same number at ``figure.decimals`` decimals.

    Examples
    --------
    >>> f = Figure("t", "total", 3204.3, "ha", 1)
    >>> matches_published(3204.31, f), matches_published(3204.36, f)
    (True, False)
    """
    scale = 10**figure.decimals
    # Round half away from zero on a scaled integer, robust to binary fractions like 0.05.
    return _round_half_up(value * scale) == _round_half_up(figure.value * scale)


def _round_half_up(x: float) -> int:
    import math

    x = round(x, 6)  # shed binary noise such as 3204.3099999999995
    return math.floor(abs(x) + 0.5) * (1 if x >= 0 else -1)


#: How figures are qualified as published (``qualifier``), translated where shown.
_QUALIFIERS = {q: message(q) for q in (N_("about"), N_("more than"), N_("nearly"), N_("less than"))}
#: The units of the bundled manifest's counts, translated where shown (others as written).
_UNITS = {
    u: message(u)
    for u in (
        N_("clusters"),
        N_("districts"),
        N_("markets"),
        N_("products"),
        N_("enterprises"),
        N_("expansions"),
    )
}
#: The quantities of the category tree, as reports show them.
_QUANTITIES = {"clusters": message("clusters"), "ha": "ha"}
