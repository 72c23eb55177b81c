"""The gazetteer: districts and communes found by name, for placing rows and catalogue entries.

Names are matched by :func:`~planning.text.names.name_key` (their administrative prefix
split off), or with :func:`~planning.readers.matching.match_name` when the diacritics are
missing (the closest names are suggested). :func:`district_index`,
:func:`resolve_district` and :func:`commune_point` serve the bundled catalogue;
:class:`Gazetteer` indexes the commune and district layers once for
:func:`planning.model.placement.place_at_communes`, and :class:`RowRef` says where a row
came from in its messages.
"""

from __future__ import annotations

from dataclasses import dataclass
from os import PathLike
from typing import TYPE_CHECKING, Any

from planning.errors import PlanDataError
from planning.i18n import message
from planning.readers.matching import NameMatch, match_name
from planning.readers.values import cell_text
from planning.text.names import name_key, split_admin_prefix

if TYPE_CHECKING:
    import geopandas as gpd
    from shapely.geometry import Point

__all__ = ["Gazetteer", "RowRef", "commune_point", "district_index", "resolve_district"]

PathType = str | PathLike[str]


def district_index(dist: gpd.GeoDataFrame) -> dict[str, int]:
    """Return ``{name_key of a district's bare name: its row}`` for :func:`resolve_district`."""
    return {name_key(split_admin_prefix(str(n))[1]): i for i, n in enumerate(dist["district_vi"])}


def resolve_district(
    text: str,
    dist: gpd.GeoDataFrame,
    index: dict[str, int],
    *,
    path: PathType,
    row: int,
    ident: str,
) -> int:
    """Return the row of the district ``text`` names; refuse an unknown one (naming ``row``)."""
    bare = split_admin_prefix(text)[1]
    pos = index.get(name_key(bare))
    if pos is None:
        raise PlanDataError(
            message(
                "unknown district {text!r}; expected one of the 30 district-level units (for "
                "example {example!r})",
                text=text,
                example=str(dist["district_vi"].iloc[0]),
            ),
            path=path,
            row=row,
            field="district_vi",
            ident=ident,
        )
    return pos


def commune_point(
    commune: str,
    district_code: str,
    communes: gpd.GeoDataFrame,
    *,
    path: PathType,
    row: int,
    ident: str,
) -> Point:
    """Return a point inside the commune of ``district_code`` that ``commune`` names."""
    import numpy as np

    key = name_key(split_admin_prefix(commune)[1])
    # Only the district's communes are keyed (not the whole layer, once per cluster), and
    # rows are picked by position, without copying the layer's geometries.
    in_district = np.flatnonzero(communes["district_code"].eq(district_code).to_numpy())
    names = communes["commune_vi"].iloc[in_district]
    hits = in_district[names.map(name_key).eq(key).to_numpy()]
    if not len(hits):
        raise PlanDataError(
            message(
                "commune {commune!r} not found in district {code} of the commune layer",
                commune=commune,
                code=district_code,
            ),
            path=path,
            row=row,
            field="commune_vi",
            ident=ident,
        )
    point: Point = communes.geometry.iloc[hits[0]].representative_point()
    return point


@dataclass(frozen=True)
class RowRef:
    """Where a row to place came from, for its messages: file, row (or sheet and Excel row), id."""

    path: PathType | None
    row: int
    sheet: str | None
    ident: str | None

    @classmethod
    def of(cls, out: Any, i: int, path: PathType | None) -> RowRef:
        """Return where row ``i`` (0-based) of ``out`` came from: its source row when known."""
        rec = out.iloc[i]
        row, sheet = i + 1, None
        if "source_row" in out.columns and cell_text(rec["source_row"]):  # a table's row
            row = int(float(rec["source_row"]))
            sheet = cell_text(rec.get("source_sheet")) or None
        ident = None
        if "cluster_id" in out.columns and cell_text(rec["cluster_id"]):
            ident = f"cluster_id={cell_text(rec['cluster_id'])}"
        return cls(path, row, sheet, ident)

    @property
    def label(self) -> str:
        """The row as messages name it: ``sheet 'X', row 12`` or ``row 12``."""
        if self.sheet:
            return message("sheet {sheet!r}, row {row}", sheet=self.sheet, row=self.row)
        return message("row {row}", row=self.row)

    def error(self, message: str, field: str) -> PlanDataError:
        """Return the error ``message`` about ``field`` of this row."""
        return PlanDataError(
            message, path=self.path, row=self.row, field=field, ident=self.ident, sheet=self.sheet
        )


@dataclass
class Gazetteer:
    """The communes and districts to place rows in, indexed by district code and name."""

    communes: Any
    districts: Any
    #: district code → {name_key of a commune: its row in ``communes``}
    by_district: dict[str, dict[str, int]]
    #: district code → {a commune's name as the layer spells it: its row}
    commune_names: dict[str, dict[str, int]]
    #: district code → its name in the commune layer
    names_by_code: dict[str, str]
    #: district code → its name (the commune layer's, else the districts layer's bare name)
    display: dict[str, str]
    #: district code → its row in ``districts``
    district_rows: dict[str, int]

    @classmethod
    def of(cls, communes: Any, districts: Any) -> Gazetteer:
        """Index the commune layer (and the district layer, when given) by code and name."""
        by_district: dict[str, dict[str, int]] = {}
        for j, (code, cname) in enumerate(
            zip(communes["district_code"], communes["commune_vi"], strict=True)
        ):
            by_district.setdefault(str(code), {}).setdefault(name_key(cell_text(cname)), j)
        names_by_code = {
            str(c): cell_text(d)
            for c, d in zip(communes["district_code"], communes["district_vi"], strict=True)
        }
        display = dict(names_by_code)
        district_rows: dict[str, int] = {}
        if districts is not None:
            for k, (code, dname) in enumerate(
                zip(districts["district_code"], districts["district_vi"], strict=True)
            ):
                display.setdefault(str(code), split_admin_prefix(cell_text(dname))[1])
                district_rows[str(code)] = k
        commune_names = {
            code: {cell_text(communes["commune_vi"].iloc[j]): j for j in idx.values()}
            for code, idx in by_district.items()
        }
        return cls(communes, districts, by_district, commune_names, names_by_code, display,
                   district_rows)  # fmt: skip

    def place(
        self, *, code: str, district: str, commune: str, ref: RowRef, matched: list[str]
    ) -> tuple[Any, str, str, str, str]:
        """Return (point, location_precision, district code, district name, commune name).

        Names matched without diacritics are noted in ``matched``; a row that cannot be
        placed raises its :class:`~planning.errors.PlanDataError`.
        """
        code = self._district_code(code=code, district=district, commune=commune, ref=ref,
                                   matched=matched)  # fmt: skip
        if commune:
            commune, hit = self._commune(code, commune, ref=ref, matched=matched)
            geom, precision = self.communes.geometry.iloc[hit].representative_point(), "commune"
        elif code in self.district_rows and self.districts is not None:
            row = self.district_rows[code]
            geom, precision = self.districts.geometry.iloc[row].representative_point(), "district"
        else:
            raise ref.error(
                message("no commune given, so the row cannot be placed at a commune"), "commune_vi"
            )
        name = self.names_by_code.get(code) or self.display.get(code) or district
        return geom, precision, code, name, commune

    def _district_code(
        self, *, code: str, district: str, commune: str, ref: RowRef, matched: list[str]
    ) -> str:
        """Return the row's district code: given, found by name, or by a unique commune."""
        if not code and not district and commune:
            return self._district_of_commune(commune, ref=ref)
        if code:
            if code not in self.by_district:
                raise ref.error(
                    message("unknown district code {code!r}", code=code), "district_code"
                )
            if district and self._district_by_name(district, ref=ref, matched=[]) != code:
                raise ref.error(
                    message(
                        "district code {code} ({code_name}) and district {district!r} are two "
                        "different districts; make the code and the name agree",
                        code=code,
                        code_name=self.display.get(code, code),
                        district=district,
                    ),
                    "district_code",
                )
            return code
        if not district:
            raise ref.error(
                message("no district given, so the row cannot be placed"), "district_vi"
            )
        return self._district_by_name(district, ref=ref, matched=matched)

    def _district_of_commune(self, commune: str, *, ref: RowRef) -> str:
        """Return the code of the one district with a commune of this name; raise otherwise."""
        key = name_key(commune)
        hits = sorted(c for c, names in self.by_district.items() if key in names)
        if len(hits) > 1:
            where = ", ".join(self.names_by_code.get(c, c) for c in hits)
            raise ref.error(
                message(
                    "commune {commune!r} exists in {n} districts ({where}); give the district",
                    commune=commune,
                    n=len(hits),
                    where=where,
                ),
                "district_vi",
            )
        if not hits:
            raise ref.error(
                message(
                    "commune {commune!r} not found in the commune layer; give its district",
                    commune=commune,
                ),
                "commune_vi",
            )
        return hits[0]

    def _district_by_name(self, district: str, *, ref: RowRef, matched: list[str]) -> str:
        """Return the code of the district named ``district``; raise with a "did you mean"."""
        code_of = {name: c for c, name in self.display.items()}
        found = match_name(district, code_of)
        if not found.name:
            raise ref.error(
                message(
                    "unknown district {district!r}{suggestion}",
                    district=district,
                    suggestion=found.did_you_mean()
                    or message(
                        "; no district has a similar name: write the name of one of the 30 "
                        "districts of 2014-2025 (for example 'Thạch Thất'), or give the "
                        "commune alone"
                    ),
                ),
                "district_vi",
            )
        if found.how == "folded":
            matched.append(
                message(
                    "{where}: district {district!r} read as {name!r}",
                    where=ref.label,
                    district=district,
                    name=found.name,
                )
            )
        return code_of[found.name]

    def commune_in(self, code: str, commune: str, *, ref: RowRef) -> NameMatch:
        """Return how ``commune`` matches a commune of district ``code``; raise when none does.

        The error names the district and suggests the closest communes ("did you mean").
        """
        found = match_name(commune, self.commune_names.get(code, {}))
        if not found.name:
            raise ref.error(
                message(
                    "commune {commune!r} not found in district {district} ({code}) of the "
                    "commune layer{suggestion}",
                    commune=commune,
                    district=self.names_by_code.get(code, code),
                    code=code,
                    suggestion=found.did_you_mean()
                    or message(
                        "; no commune of that district has a similar name: check the district"
                    ),
                ),
                "commune_vi",
            )
        return found

    def _commune(
        self, code: str, commune: str, *, ref: RowRef, matched: list[str]
    ) -> tuple[str, int]:
        """Return the commune's name and its row in the commune layer, within ``code``."""
        hit = self.by_district.get(code, {}).get(name_key(commune))
        if hit is not None:
            return commune, hit
        found = self.commune_in(code, commune, ref=ref)
        matched.append(
            message(
                "{where}: commune {commune!r} read as {name!r}",
                where=ref.label,
                commune=commune,
                name=found.name,
            )
        )
        return found.name, self.commune_names[code][found.name]
