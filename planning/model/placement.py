"""Placement: where a cluster is when its file gives no outline.

Rows known only by commune and district are placed at their commune's representative point
(:func:`place_at_communes`; at the district's when no commune is given), the names matched
with :func:`~planning.readers.matching.match_name` through the gazetteer
(:mod:`planning.model.gazetteer`; diacritics may be missing, the closest names are
suggested). A commune given without a district may name a unit of the 2025 structure and is
then placed there. :func:`place_unplaced` does all of it for a load: rows placed, district
codes filled (:func:`fill_district_codes`), and every point that has a declared area given
an indicative footprint (:mod:`planning.model.footprints`).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from os import PathLike
from typing import TYPE_CHECKING, Any

from planning.errors import NameMatchWarning, PlanDataError, RowErrors, reported_together
from planning.i18n import join_messages, message
from planning.model.footprints import Progress, footprints_for_points
from planning.model.gazetteer import Gazetteer, RowRef, district_index
from planning.readers.matching import match_name
from planning.readers.values import cell_text, object_series
from planning.settings import WGS84
from planning.text.names import name_key, split_admin_prefix

if TYPE_CHECKING:
    import geopandas as gpd
    import numpy as np
    import pandas as pd

__all__ = ["check_declared_communes", "fill_district_codes", "place_at_communes", "place_unplaced"]

PathType = str | PathLike[str]
#: The columns placement fills in, besides the geometry.
_PLACED_COLUMNS = ("district_code", "district_vi", "commune_vi", "location_precision")


def place_unplaced(
    clusters: gpd.GeoDataFrame,
    dist: gpd.GeoDataFrame,
    communes: Any,
    *,
    path: PathType,
    progress: Progress | None = None,
    units_2025: gpd.GeoDataFrame | None = None,
) -> gpd.GeoDataFrame:
    """Place rows without geometry at their commune (or district), then draw footprints.

    Rows of a name/commune/area spreadsheet come from :func:`planning.readers.read_layer` with
    ``needs_placement``; they are placed at the commune's representative point. Every
    point that has a declared area (placed, or read from lat/lon columns) then gets an
    indicative footprint of exactly that area.
    """
    out = clusters
    faults: list[PlanDataError] = []  # rows that cannot be placed, reported with the others
    if "needs_placement" in out.columns and out["needs_placement"].fillna(False).astype(bool).any():
        try:
            out = place_at_communes(
                out, communes(), districts=dist, path=path, units_2025=units_2025
            )
        except PlanDataError as exc:
            faults.append(exc)
    placed = (
        out["needs_placement"].fillna(False).astype(bool).to_numpy()
        if "needs_placement" in out.columns
        else None
    )
    if "needs_placement" in out.columns:
        out = out.drop(columns="needs_placement")
    out = fill_district_codes(out, dist)
    with reported_together(faults):
        check_declared_communes(out, communes, dist, path=path, units_2025=units_2025, skip=placed)
    return footprints_for_points(out, progress=progress)


def check_declared_communes(
    clusters: gpd.GeoDataFrame,
    communes: Any,
    dist: gpd.GeoDataFrame,
    *,
    path: PathType | None,
    units_2025: gpd.GeoDataFrame | None = None,
    skip: np.ndarray | None = None,
) -> None:
    """Refuse a commune, declared on a row with a geometry, that its district does not have.

    Rows placed by name were matched already (:func:`place_at_communes`); a row read with
    its outline or coordinates keeps its ``commune_vi`` as written, so a name that no
    commune of its district has (a typo, a made-up name) would otherwise pass unseen. The
    commune layer is loaded only when such a row declares a commune. A name matches as in
    placement (typed without diacritics too), or as a commune or ward of the 2025 structure;
    a row whose declared district is itself unknown is left to rule LOC002.

    Parameters
    ----------
    clusters
        The layer, with ``district_code`` filled (:func:`fill_district_codes`).
    communes
        A callable returning the commune layer.
    dist
        The district layer.
    path
        The file, named in messages.
    units_2025
        The 2025 layer, when loaded.
    skip
        Rows not to check (those placed by name).

    Raises
    ------
    PlanDataError
        For an unknown commune, with the closest names of its district ("did you mean");
        a :class:`~planning.errors.RowErrors` when several rows have one.
    """
    import numpy as np

    if "commune_vi" not in clusters.columns or "district_code" not in clusters.columns:
        return
    text = clusters["commune_vi"].fillna("").astype(str).str.strip().to_numpy()
    todo = (text != "") & clusters["district_code"].fillna("").astype(str).ne("").to_numpy()
    if skip is not None:
        todo &= ~skip
    names = clusters["district_vi"].fillna("") if "district_vi" in clusters.columns else None
    index = district_index(dist)
    codes = dist["district_code"].astype(str).to_numpy()

    def _named_district_agrees(i: int) -> bool:  # an unknown or other district: LOC002's
        if names is None or not names.iloc[i]:
            return True
        pos = _district_row(names.iloc[i], index, dist)
        return pos is not None and codes[pos] == str(clusters["district_code"].iloc[i])

    rows = [i for i in np.flatnonzero(todo).tolist() if _named_district_agrees(i)]
    if not rows:
        return
    places = Gazetteer.of(communes(), dist)
    errors: list[PlanDataError] = []
    for i in rows:
        code = str(clusters["district_code"].iloc[i])
        commune = split_admin_prefix(text[i])[1]
        if _known_commune(places, code, commune, units_2025):
            continue
        try:
            places.commune_in(code, commune, ref=RowRef.of(clusters, i, path))
        except PlanDataError as exc:
            errors.append(exc)
    _report(path, [], errors)


def _known_commune(places: Gazetteer, code: str, commune: str, units_2025: Any) -> bool:
    """Whether ``commune`` names a commune of district ``code``, or a 2025 unit."""
    from planning.readers.address2025 import locate_2025

    if places.by_district.get(code, {}).get(name_key(commune)) is not None:
        return True
    if match_name(commune, places.commune_names.get(code, {})).name:
        return True
    return units_2025 is not None and locate_2025(commune, units_2025) is not None


def place_at_communes(
    df: gpd.GeoDataFrame | pd.DataFrame,
    communes: gpd.GeoDataFrame,
    *,
    districts: gpd.GeoDataFrame | None = None,
    path: PathType | None = None,
    units_2025: gpd.GeoDataFrame | None = None,
) -> gpd.GeoDataFrame:
    """Place rows that have no geometry at their commune's representative point.

    Parameters
    ----------
    df
        Rows from :func:`planning.readers.read_layer`; those with ``needs_placement`` True
        (or, without that column, no geometry) are placed.
    communes
        The communes layer (:func:`planning.sources.boundaries.load_communes`): ``commune_vi``,
        ``district_code``, ``district_vi``, ``geometry`` (EPSG:4326).
    districts
        Optional districts layer; rows with a district but no commune are placed at the
        district's representative point (``location_precision="district"``).
    path
        The file the rows came from, named in messages (default ``df.attrs["path"]``).
    units_2025
        Optional layer of the 2025 communes and wards
        (:func:`planning.sources.units2025.load_units_2025`): a row with a commune but no
        district is then also looked up there (:func:`_place_2025` says how the two
        structures are told apart).

    Returns
    -------
    geopandas.GeoDataFrame
        A copy: placed rows get a Point, ``location_precision`` ``"commune"`` (or
        ``"district"``, or ``"2025 commune"`` for a row placed at its 2025 unit, whose
        name then goes to ``commune_2025`` and whose old commune stays empty),
        ``district_code`` and ``district_vi`` from the layer, and ``needs_placement`` False.

    Raises
    ------
    PlanDataError
        If a row's district or commune is not found (matched with
        :func:`~planning.text.names.name_key` within the district); a
        :class:`~planning.errors.RowErrors` when several rows are wrong.
    """
    import numpy as np

    where = path if path is not None else df.attrs.get("path")
    out, todo = _rows_to_place(df)
    if not todo.any():
        return out
    if communes.crs is not None and communes.crs.to_epsg() != 4326:
        communes = communes.to_crs(WGS84)
    placing = _Placing.of(out, Gazetteer.of(communes, districts), where)
    for i in np.flatnonzero(todo).tolist():
        placing.place(i, units_2025)
    _report(where, placing.matched, placing.errors)
    return placing.finish(todo)


def _rows_to_place(
    df: gpd.GeoDataFrame | pd.DataFrame,
) -> tuple[gpd.GeoDataFrame, np.ndarray]:
    """Return a copy of the rows as a layer in EPSG:4326, and which of them to place."""
    import geopandas as gpd
    import numpy as np
    import shapely

    out = gpd.GeoDataFrame(df.copy(), geometry="geometry" if "geometry" in df.columns else None,
                           crs=WGS84)  # fmt: skip
    if "geometry" not in df.columns:
        out = out.set_geometry(gpd.GeoSeries([None] * len(out), index=out.index, crs=WGS84))
    if "needs_placement" in out.columns:
        todo = np.asarray(out["needs_placement"].fillna(False), dtype=bool)
    else:
        todo = np.asarray(shapely.is_missing(np.asarray(out.geometry.array, dtype=object)))
    return out, todo


@dataclass
class _Placing:
    """Rows being placed: their new geometries and columns, and what was noted on the way."""

    out: gpd.GeoDataFrame
    places: Gazetteer
    where: PathType | None
    geoms: list[Any]
    #: The columns of :data:`_PLACED_COLUMNS`, as lists (``""`` where the layer has none).
    cols: dict[str, list[Any]]
    errors: list[PlanDataError] = field(default_factory=list)
    #: Names matched without diacritics, one sentence each.
    matched: list[str] = field(default_factory=list)
    #: Row → the name of the 2025 unit it was placed at.
    unit_2025: dict[int, str] = field(default_factory=dict)
    #: One sentence per row placed at its 2025 unit.
    placed_notes: list[str] = field(default_factory=list)

    @classmethod
    def of(cls, out: gpd.GeoDataFrame, places: Gazetteer, where: PathType | None) -> _Placing:
        """Start placing the rows of ``out`` (none placed yet)."""
        cols: dict[str, list[Any]] = {
            c: list(out[c]) if c in out.columns else [""] * len(out) for c in _PLACED_COLUMNS
        }
        return cls(out, places, where, list(out.geometry.array), cols)

    def place(self, i: int, units_2025: gpd.GeoDataFrame | None) -> None:
        """Place row ``i``: at its 2025 unit if it names one without a district, else in the old layer."""
        ref = RowRef.of(self.out, i, self.where)
        if units_2025 is not None and _without_district(self.cols, i):
            placed = _place_2025_row(self.places, units_2025, self.cols, i, ref=ref)
            if isinstance(placed, PlanDataError):
                self.errors.append(placed)
                return
            if placed is not None:
                self._at_2025_unit(i, placed, ref)
                return
        self._at_old_unit(i, ref)

    def _at_2025_unit(self, i: int, placed: Any, ref: RowRef) -> None:
        """Place row ``i`` at the representative point of its 2025 unit ``placed``."""
        commune = split_admin_prefix(cell_text(self.cols["commune_vi"][i]))[1]
        self.geoms[i], self.cols["location_precision"][i] = placed.point, "2025 commune"
        self.cols["commune_vi"][i] = ""
        self.unit_2025[i] = placed.name
        file = f"{self.where}: " if self.where else ""
        self.placed_notes.append(
            message(
                "{file}{where}: placed at the representative point of the 2025 unit {unit} "
                "(code {code}), given without a district; its old commune is not known and its "
                "old district is the one holding that point",
                file=file,
                where=ref.label,
                unit=placed.full_name,
                code=placed.code,
            )
        )
        if placed.match.how == "folded":
            self.matched.append(
                message(
                    "{where}: commune {commune!r} read as {name!r}",
                    where=ref.label,
                    commune=commune,
                    name=placed.name,
                )
            )

    def _at_old_unit(self, i: int, ref: RowRef) -> None:
        """Place row ``i`` at its commune (or district) of the 2014-2025 structure."""
        cols = self.cols
        try:
            geom, precision, code, district, commune = self.places.place(
                code=cell_text(cols["district_code"][i]),
                district=split_admin_prefix(cell_text(cols["district_vi"][i]))[1],
                commune=split_admin_prefix(cell_text(cols["commune_vi"][i]))[1],
                ref=ref,
                matched=self.matched,
            )
        except PlanDataError as exc:
            self.errors.append(exc)
            return
        self.geoms[i], cols["location_precision"][i] = geom, precision
        cols["district_code"][i], cols["district_vi"][i], cols["commune_vi"][i] = (
            code, district, commune,
        )  # fmt: skip

    def finish(self, todo: np.ndarray) -> gpd.GeoDataFrame:
        """Return the layer with the placed rows' geometries, columns and notes."""
        import geopandas as gpd

        out = self.out
        for c, values in self.cols.items():
            out[c] = object_series(values, out.index)
        out[out.geometry.name] = gpd.GeoSeries(self.geoms, index=out.index, crs=WGS84)
        out["needs_placement"] = [
            bool(t) and g is None for t, g in zip(todo, self.geoms, strict=True)
        ]
        if self.unit_2025:  # the 2025 unit the row was placed in: its declared 2025 commune
            declared = (
                list(out["commune_2025"]) if "commune_2025" in out.columns else [""] * len(out)
            )
            for row_at, name in self.unit_2025.items():
                declared[row_at] = name
            out["commune_2025"] = object_series(declared, out.index)
        if self.matched or self.placed_notes:
            out.attrs["notes"] = [*out.attrs.get("notes", []), *self.matched, *self.placed_notes]
        return out


def _without_district(cols: dict[str, list[Any]], i: int) -> bool:
    """Whether row ``i`` names a commune but neither a district code nor a district."""
    return bool(
        not cell_text(cols["district_code"][i])
        and not cell_text(cols["district_vi"][i])
        and cell_text(cols["commune_vi"][i])
    )


def _place_2025_row(
    places: Gazetteer, units_2025: Any, cols: dict[str, list[Any]], i: int, *, ref: RowRef
) -> Any:
    """Place row ``i`` (a commune without a district) in the 2025 layer, if that is what it names.

    Returns the 2025 unit, None to place the row in the old layer, or the row's error.
    """
    raw = cell_text(cols["commune_vi"][i])
    unit_type, commune = split_admin_prefix(raw)
    key = name_key(commune)
    hits = sorted(c for c, names in places.by_district.items() if key in names)
    placed = _place_2025(commune, hits, places.by_district, places.communes, units_2025,
                         unit_type=unit_type)  # fmt: skip
    if isinstance(placed, str):
        return ref.error(placed, "commune_vi")
    return placed


def _place_2025(
    commune: str,
    hits: list[str],
    by_district: dict[str, dict[str, int]],
    communes: gpd.GeoDataFrame,
    units_2025: gpd.GeoDataFrame,
    *,
    unit_type: str,
) -> Any:
    """Place a commune given without a district in the 2025 layer, when that is what it names.

    Returns the :class:`~planning.readers.address2025.Unit2025` to place the row at; None to
    place it in the old layer as before (no 2025 unit has that name, or the one old commune of
    that name lies mostly, by at least half its area, in the 2025 unit of the same name: both
    readings agree and the old commune is the smaller place); or an error message when the two
    structures name different places (``Thanh Xuân`` is a ward of 2025 in the city centre
    and an old commune of Sóc Sơn).
    """
    from planning.readers.address2025 import locate_2025

    if unit_type == "thị trấn":  # there is no thị trấn since 2025
        return None
    unit = locate_2025(commune, units_2025, unit_type=unit_type)
    if unit is None:
        return None
    if not hits:
        return unit
    shape = units_2025.geometry[units_2025["code"].eq(unit.code)].iloc[0]
    rows = [by_district[c][name_key(commune)] for c in hits]
    old = communes.geometry.iloc[rows[0]]
    if len(rows) == 1 and old.intersection(shape).area >= 0.5 * old.area:
        return None
    where = ", ".join(str(communes["district_vi"].iloc[j]) for j in rows)
    return message(
        "{commune!r} without a district names both the 2025 unit {unit} (code {code}) and an "
        "older commune of that name elsewhere (district {where}); give the district to mean "
        "the older commune",
        commune=commune,
        unit=unit.full_name,
        code=unit.code,
        where=where,
    )


def _report(where: PathType | None, matched: list[str], errors: list[PlanDataError]) -> None:
    """Warn about names matched without diacritics, then raise the rows' errors if any.

    The warning comes first, so the user sees what was accepted.
    """
    if matched:
        prefix = f"{where}: " if where else ""
        text = message(
            "{where}names matched without diacritics: {names}",
            where=prefix,
            names=join_messages(matched, sep="; "),
        )
        warnings.warn(text, NameMatchWarning, stacklevel=3)
    if len(errors) == 1:
        raise errors[0]
    if errors:
        raise RowErrors(errors, path=where)


def fill_district_codes(clusters: gpd.GeoDataFrame, dist: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Fill empty district codes from the district's name or from the geometry's location.

    A row without ``district_code`` gets the code of its named district (matched as
    :func:`planning.rules.location.district_names` matches it, so that rule LOC002 reads the
    same district), or of the district containing its geometry's representative point. A
    named district that is not found keeps its name: rule LOC002 reports it. Rows read with coordinates (a point published by a source, or a user's lon/lat table)
    otherwise carry no district code, and per-district figures would miss them.

    Parameters
    ----------
    clusters
        A clusters layer (EPSG:4326) with ``district_code`` and ``district_vi`` when known.
    dist
        The district layer.

    Returns
    -------
    geopandas.GeoDataFrame
        A copy with codes (and district names, when they were empty) filled where found;
        rows whose district cannot be found keep an empty code.
    """
    if "district_code" not in clusters.columns:
        return clusters
    codes = clusters["district_code"].fillna("").astype(str)
    todo = codes.eq("").to_numpy()
    if not todo.any():
        return clusters
    out = clusters.copy()
    index = district_index(dist)
    names = (
        out["district_vi"].fillna("").astype(str)
        if "district_vi" in out.columns
        else codes.map(lambda _: "")
    )
    new_codes, new_names = list(codes), list(names)
    for i in todo.nonzero()[0]:
        pos = _district_row(names.iloc[i], index, dist) if names.iloc[i] else None
        geom = out.geometry.iloc[i]
        if pos is None and geom is not None and not geom.is_empty:
            hits = dist.index[dist.geometry.contains(geom.representative_point())]
            pos = int(dist.index.get_loc(hits[0])) if len(hits) else None
        if pos is not None:
            new_codes[i] = str(dist["district_code"].iloc[pos])
            new_names[i] = new_names[i] or str(dist["district_vi"].iloc[pos])
    out["district_code"] = new_codes
    if "district_vi" in out.columns:
        out["district_vi"] = new_names
    return out


def _district_row(text: str, index: dict[str, int], dist: gpd.GeoDataFrame) -> int | None:
    """Return the row of the district ``text`` names (typed without diacritics too), or None."""
    bare = split_admin_prefix(text)[1]
    pos = index.get(name_key(bare))
    if pos is not None or not bare:
        return pos
    names = [split_admin_prefix(str(n))[1] for n in dist["district_vi"]]
    found = match_name(bare, names)
    return names.index(found.name) if found.name else None
