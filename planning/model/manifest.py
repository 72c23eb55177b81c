"""The plan manifest (``geodata/plan.toml``): every published figure, read and resolved.

:class:`Manifest` holds the plan's published figures with their sources, the category tree
that says how the figures add up, published ratios and the special zones;
:func:`load_manifest` reads it. A figure that follows from others is *derived*
(``"a - b + c"`` over figure keys) and is computed here, never typed. Nothing read from the
file is executed: a derivation is parsed as a flat sum of figure keys. The figures
themselves are :mod:`planning.model.figures`.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from planning.errors import PlanDataError
from planning.i18n import Text, message
from planning.model.figures import (
    CategoryNode,
    Figure,
    Ratio,
    SourceRef,
    TreeCheck,
    ZoneFact,
    matches_published,
)
from planning.schema import category_tree_problems
from planning.settings import bundled_geodata_dir

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

__all__ = ["Manifest", "load_manifest"]

_TERM = re.compile(r"\s*([+-])?\s*([A-Za-z_][A-Za-z0-9_]*)\s*")


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
            raise PlanDataError(
                message("no figure {key!r} in the manifest", key=key), path=self.path
            ) from None

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
        raise PlanDataError(
            message("cannot read the manifest: {reason}", reason=exc.strerror or str(exc)), path=p
        ) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise PlanDataError(message("not valid TOML: {reason}", reason=str(exc)), path=p) from None

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
                message("figure has neither 'value' nor 'derived'"), path=p, ident=f"figures.{key}"
            )
        if not spec.get("source"):
            raise PlanDataError(
                message("figure has no 'source'"), path=p, ident=f"figures.{key}", field="source"
            )
        if spec["source"] not in sources:
            raise PlanDataError(
                message("source {source!r} is not defined under [sources]", source=spec["source"]),
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
                    message("derivation names unknown figure {key!r}", key=unknown[0]),
                    path=p,
                    ident=f"figures.{key}",
                    field="derived",
                )
        if not progressed:
            raise PlanDataError(
                message(
                    "derivations refer to each other in a cycle: {keys}", keys=str(sorted(pending))
                ),
                path=p,
            )


def _require_figure(ref: str, figures: dict[str, Figure], p: Path, *, ident: str, fld: str) -> None:
    if ref not in figures:
        raise PlanDataError(
            message("names unknown figure {key!r}", key=ref), path=p, ident=ident, field=fld
        )


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
                    message("child {child!r} is not a category", child=child),
                    path=p,
                    ident=f"categories.{node.key}",
                    field="children",
                )
    for key, problem in category_tree_problems({k: n.children for k, n in categories.items()}):
        raise PlanDataError(
            message(
                "{problem}: the plan's category codes are planning.schema.CATEGORIES",
                problem=problem,
            ),
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
                    message("ratio has no {field!r}", field=fld),
                    path=p,
                    ident=f"ratios.{key}",
                    field=fld,
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
                message(
                    "each host commune needs 'commune' and 'district', for example {example}",
                    example='{ commune = "Thạch Hoà", district = "Thạch Thất" }',
                ),
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
            message("'decimals' is not a whole number"),
            path=path,
            ident=f"figures.{key}",
            field="decimals",
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
                message("derivation {text!r} is not a sum or difference of figure keys", text=text),
                path=path,
                ident=f"figures.{key}",
                field="derived",
            )
        terms.append((-1 if m.group(1) == "-" else 1, m.group(2)))
        pos = m.end()
    if not terms:
        raise PlanDataError(
            message("empty derivation"), path=path, ident=f"figures.{key}", field="derived"
        )
    return terms


def _label(spec: dict[str, Any], key: str) -> Text:
    """Return a manifest entry's ``label``, with its ``label_vi`` for Vietnamese reports."""
    return Text(str(spec.get("label", key)), vi=str(spec.get("label_vi", "")))
