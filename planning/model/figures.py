"""The project's own facts: the plan manifest (``plan.toml``) and the cluster catalogue.

The manifest holds every published figure of the plan with its source, the category
tree that says how the figures add up, published ratios, and the special zones. A
figure that follows from others is *derived* (``"a - b + c"`` over figure keys) and is
computed here, never typed. Nothing read from the file is executed: a derivation is
parsed as a flat sum of figure keys.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from planning.errors import PlanDataError
from planning.i18n import N_, Message, Text, join_messages, message, plural_message
from planning.schema import category_tree_problems
from planning.settings import bundled_geodata_dir

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

__all__ = [
    "CategoryNode",
    "Figure",
    "Manifest",
    "Ratio",
    "SourceRef",
    "TreeCheck",
    "ZoneFact",
    "load_manifest",
    "matches_published",
]

_TERM = re.compile(r"\s*([+-])?\s*([A-Za-z_][A-Za-z0-9_]*)\s*")


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


@dataclass
class Manifest:
    """Every published figure of the plan, with sources, category tree, ratios and zones.

    Attributes
    ----------
    plan
        Title, decision, year and notes of the plan.
    sources
        :class:`SourceRef` by key.
    figures
        :class:`Figure` by key (derived ones already computed).
    categories
        :class:`CategoryNode` by key.
    ratios
        Published ratios.
    zones
        Special zones by key.
    district_subtotals
        ``{district_code: {"clusters": n, "ha": x, "source": key}}`` where the plan gives them.
    catalogue
        Catalogue settings (``file``, ``complete``, ``note``).
    path
        The file it was read from.
    """

    plan: dict[str, Any]
    sources: dict[str, SourceRef]
    figures: dict[str, Figure]
    categories: dict[str, CategoryNode]
    ratios: dict[str, Ratio] = field(default_factory=dict)
    zones: dict[str, ZoneFact] = field(default_factory=dict)
    district_subtotals: dict[str, dict[str, Any]] = field(default_factory=dict)
    catalogue: dict[str, Any] = field(default_factory=dict)
    path: Path | None = None

    def figure(self, key: str) -> Figure:
        """Return the figure ``key``, or raise :class:`PlanDataError` naming the manifest."""
        try:
            return self.figures[key]
        except KeyError:
            raise PlanDataError(f"no figure {key!r} in the manifest", path=self.path) from None

    def roots(self) -> list[CategoryNode]:
        """Return the category nodes that are no other node's child, in file order."""
        children = {c for n in self.categories.values() for c in n.children}
        return [n for k, n in self.categories.items() if k not in children]

    def check_tree(self) -> list[TreeCheck]:
        """Add up every node's children and compare with the node's published figures.

        Returns
        -------
        list of TreeCheck
            One per node and quantity (``clusters``, ``ha``) that has children to add.
        """
        out: list[TreeCheck] = []
        for node in self.categories.values():
            if not node.children:
                continue
            kids = [self.categories[c] for c in node.children]
            for quantity in ("clusters", "ha"):
                parent_key = getattr(node, quantity)
                if not parent_key:
                    continue
                terms = tuple(
                    (k.key, self.figures[getattr(k, quantity)].value)
                    for k in kids
                    if getattr(k, quantity)
                )
                total = sum(v for _, v in terms)
                expected = self.figures[parent_key]
                out.append(
                    TreeCheck(
                        node=node.key,
                        quantity=quantity,
                        expected=expected,
                        computed=total,
                        consistent=matches_published(total, expected),
                        terms=terms,
                    )
                )
        return out

    def is_verified(self, figure_key: str) -> bool:
        """Whether a figure rests only on verified sources (derived: all its terms verified)."""
        fig = self.figure(figure_key)
        if fig.derived:
            return all(
                self.is_verified(n)
                for _, n in _parse_derivation(fig.derived, fig.key, self.path or Path())
            )
        src = self.sources.get(fig.source)
        return bool(src and src.verified)

    def is_attributed(self, figure_key: str) -> bool:
        """Whether a figure's sources all name their outlet (derived: all its terms)."""
        fig = self.figure(figure_key)
        if fig.derived:
            return all(
                self.is_attributed(n)
                for _, n in _parse_derivation(fig.derived, fig.key, self.path or Path())
            )
        src = self.sources.get(fig.source)
        return bool(src and src.attributed)

    def citation(self, figure_key: str) -> str:
        """Return where a figure comes from: its source's citation, or its derivation."""
        fig = self.figure(figure_key)
        if fig.derived:
            return f"derived: {fig.derived}"
        src = self.sources.get(fig.source)
        return src.citation() if src else fig.source


def load_manifest(path: str | Path | None = None) -> Manifest:
    """Read a plan manifest (TOML), resolve derived figures, and check its references.

    Parameters
    ----------
    path
        The manifest; the bundled ``geodata/plan.toml`` by default.

    Returns
    -------
    Manifest
        The manifest, with derived figures computed.

    Raises
    ------
    PlanDataError
        If the file cannot be read, a figure lacks a value or a source, a reference
        points nowhere, or a derivation is not a sum of figure keys.
    """
    p = Path(path) if path is not None else bundled_geodata_dir() / "plan.toml"
    try:
        raw = tomllib.loads(p.read_text(encoding="utf-8"))
    except OSError as exc:
        raise PlanDataError(f"cannot read the manifest: {exc.strerror or exc}", path=p) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise PlanDataError(f"not valid TOML: {exc}", path=p) from None

    sources = _read_sources(raw.get("sources", {}))
    figures = _read_figures(raw.get("figures", {}), sources, p)
    return Manifest(
        plan=dict(raw.get("plan", {})),
        sources=sources,
        figures=figures,
        categories=_read_categories(raw.get("categories", {}), figures, p),
        ratios=_read_ratios(raw.get("ratios", {}), figures, p),
        zones=_read_zones(raw.get("zones", {}), figures, p),
        district_subtotals=dict(raw.get("district_subtotals", {})),
        catalogue=dict(raw.get("catalogue", {})),
        path=p,
    )


def _read_sources(raw: dict[str, dict[str, Any]]) -> dict[str, SourceRef]:
    """Return the ``[sources]`` table as :class:`SourceRef` objects."""
    return {
        k: SourceRef(
            key=k,
            title=str(v.get("title", "")),
            publisher=str(v.get("publisher", "")),
            url=str(v.get("url", "")),
            date=str(v.get("date", "")),
            verified=bool(v.get("verified", True)),
            attributed=bool(v.get("attributed", True)),
        )
        for k, v in raw.items()
    }


def _read_figures(
    raw_figs: dict[str, dict[str, Any]], sources: dict[str, SourceRef], p: Path
) -> dict[str, Figure]:
    """Return the published figures, then the derived ones computed from them."""
    figures: dict[str, Figure] = {}
    for key, spec in raw_figs.items():
        if "derived" in spec:
            continue
        if "value" not in spec:
            raise PlanDataError(
                "figure has neither 'value' nor 'derived'", path=p, ident=f"figures.{key}"
            )
        if not spec.get("source"):
            raise PlanDataError(
                "figure has no 'source'", path=p, ident=f"figures.{key}", field="source"
            )
        if spec["source"] not in sources:
            raise PlanDataError(
                f"source {spec['source']!r} is not defined under [sources]",
                path=p,
                ident=f"figures.{key}",
                field="source",
            )
        figures[key] = _figure(key, spec, float(spec["value"]), p)
    _derive(figures, {k: s for k, s in raw_figs.items() if "derived" in s}, p)
    return figures


def _derive(figures: dict[str, Figure], pending: dict[str, dict[str, Any]], p: Path) -> None:
    """Compute the derived figures into ``figures``, each once all its terms are known."""
    while pending:
        progressed = False
        for key, spec in list(pending.items()):
            terms = _parse_derivation(str(spec["derived"]), key, p)
            if all(name in figures for _, name in terms):
                value = sum(sign * figures[name].value for sign, name in terms)
                figures[key] = _figure(key, spec, value, p)
                del pending[key]
                progressed = True
                continue
            unknown = [n for _, n in terms if n not in figures and n not in pending]
            if unknown:
                raise PlanDataError(
                    f"derivation names unknown figure {unknown[0]!r}",
                    path=p,
                    ident=f"figures.{key}",
                    field="derived",
                )
        if not progressed:
            raise PlanDataError(
                f"derivations refer to each other in a cycle: {sorted(pending)}", path=p
            )


def _require_figure(ref: str, figures: dict[str, Figure], p: Path, *, ident: str, fld: str) -> None:
    if ref not in figures:
        raise PlanDataError(f"names unknown figure {ref!r}", path=p, ident=ident, field=fld)


def _read_categories(
    raw: dict[str, dict[str, Any]], figures: dict[str, Figure], p: Path
) -> dict[str, CategoryNode]:
    """Return the category tree, every figure and child it names checked."""
    categories: dict[str, CategoryNode] = {}
    for key, spec in raw.items():
        node = CategoryNode(
            key=key,
            label=_label(spec, key),
            clusters=str(spec.get("clusters", "")),
            ha=str(spec.get("ha", "")),
            children=tuple(spec.get("children", ())),
        )
        for fld in ("clusters", "ha"):
            ref = getattr(node, fld)
            if ref:
                _require_figure(ref, figures, p, ident=f"categories.{key}", fld=fld)
        categories[key] = node
    for node in categories.values():
        for child in node.children:
            if child not in categories:
                raise PlanDataError(
                    f"child {child!r} is not a category",
                    path=p,
                    ident=f"categories.{node.key}",
                    field="children",
                )
    for key, problem in category_tree_problems({k: n.children for k, n in categories.items()}):
        raise PlanDataError(
            f"{problem}: the plan's category codes are planning.schema.CATEGORIES",
            path=p,
            ident=f"categories.{key}",
            field="children",
        )
    return categories


def _read_ratios(
    raw: dict[str, dict[str, Any]], figures: dict[str, Figure], p: Path
) -> dict[str, Ratio]:
    """Return the published ratios, every figure they name checked."""
    ratios = {}
    for key, spec in raw.items():
        for fld in ("numerator", "denominator", "percent"):
            if fld not in spec:
                raise PlanDataError(
                    f"ratio has no {fld!r}", path=p, ident=f"ratios.{key}", field=fld
                )
            _require_figure(str(spec[fld]), figures, p, ident=f"ratios.{key}", fld=fld)
        ratios[key] = Ratio(
            key,
            _label(spec, key),
            str(spec["numerator"]),
            str(spec["denominator"]),
            str(spec["percent"]),
        )
    return ratios


def _read_zones(
    raw: dict[str, dict[str, Any]], figures: dict[str, Figure], p: Path
) -> dict[str, ZoneFact]:
    """Return the special zones (Hoa Lac Hi-Tech Park), the figure of their area checked."""
    zones = {}
    for key, spec in raw.items():
        zones[key] = ZoneFact(
            key=key,
            name_vi=str(spec.get("name_vi", key)),
            name_en=str(spec.get("name_en", key)),
            area=str(spec.get("area", "")),
            source=str(spec.get("source", "")),
            host_communes=_host_communes(spec.get("host_communes", ()), p, ident=f"zones.{key}"),
            note=str(spec.get("note", "")),
        )
        if zones[key].area:
            _require_figure(zones[key].area, figures, p, ident=f"zones.{key}", fld="area")
    return zones


def _host_communes(raw: Any, p: Path, *, ident: str) -> tuple[tuple[str, str], ...]:
    """Return a zone's host communes as (commune, district) pairs."""
    out = []
    for h in raw:
        if not isinstance(h, dict) or "commune" not in h or "district" not in h:
            raise PlanDataError(
                "each host commune needs 'commune' and 'district', for example "
                '{ commune = "Thạch Hoà", district = "Thạch Thất" }',
                path=p,
                ident=ident,
                field="host_communes",
            )
        out.append((str(h["commune"]), str(h["district"])))
    return tuple(out)


def _figure(key: str, spec: dict[str, Any], value: float, path: Path) -> Figure:
    try:
        decimals = int(spec.get("decimals", 0))
    except (TypeError, ValueError):
        raise PlanDataError(
            "'decimals' is not a whole number", path=path, ident=f"figures.{key}", field="decimals"
        ) from None
    return Figure(
        key=key,
        label=_label(spec, key),
        value=value,
        unit=str(spec.get("unit", "")),
        decimals=decimals,
        source=str(spec.get("source", "")),
        derived=str(spec.get("derived", "")),
        qualifier=str(spec.get("qualifier", "")),
        published_as=str(spec.get("published_as", "")),
        # with its ``note_vi`` for Vietnamese reports, like the label
        note=Text(str(spec.get("note", "")), vi=str(spec.get("note_vi", ""))),
    )


def _parse_derivation(text: str, key: str, path: Path) -> list[tuple[int, str]]:
    terms: list[tuple[int, str]] = []
    pos = 0
    while pos < len(text):
        m = _TERM.match(text, pos)
        if not m or m.end() == pos or (terms and m.group(1) is None):
            raise PlanDataError(
                f"derivation {text!r} is not a sum or difference of figure keys",
                path=path,
                ident=f"figures.{key}",
                field="derived",
            )
        terms.append((-1 if m.group(1) == "-" else 1, m.group(2)))
        pos = m.end()
    if not terms:
        raise PlanDataError("empty derivation", path=path, ident=f"figures.{key}", field="derived")
    return terms


def _label(spec: dict[str, Any], key: str) -> Text:
    """Return a manifest entry's ``label``, with its ``label_vi`` for Vietnamese reports."""
    return Text(str(spec.get("label", key)), vi=str(spec.get("label_vi", "")))


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
