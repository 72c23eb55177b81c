"""The bundled cluster catalogue: one row per cluster, one fact row per cluster per source.

``geodata/clusters.csv`` lists each cluster once, with the value chosen for each field;
``geodata/cluster_facts.csv`` keeps what every source reported, with its URL, type and date.
This module reads the facts, applies the merge rules of ``docs/catalogue.md`` (which source
wins the declared area, which event is the earliest, how well a cluster is located) and
turns the catalogue into a clusters layer whose footprints sit on the best location known.

Heavy imports (pandas, geopandas, shapely) happen inside functions.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from os import PathLike
from pathlib import Path
from typing import TYPE_CHECKING, Any

from planning.errors import PlanDataError
from planning.i18n import N_, Text, message
from planning.settings import WGS84, bundled_geodata_dir
from planning.text.names import fold, nfc, split_admin_prefix

if TYPE_CHECKING:
    import geopandas as gpd
    import pandas as pd

__all__ = [
    "EVENT_ORDER",
    "FACT_COLUMNS",
    "LOCATION_PRECISIONS",
    "SOURCE_TYPES",
    "area_disagreements",
    "catalogue_layer",
    "choose_declared",
    "cluster_key",
    "earliest_event",
    "read_facts",
]

PathType = str | PathLike[str]

#: Source types, most authoritative first: the declared area comes from the first of these
#: that reports one (``docs/catalogue.md``).
SOURCE_TYPES = ("decision", "government page", "portal", "news", "news repost")

#: How well a cluster's location is known, best first. ``surveyed`` and ``digitized`` are
#: outlines from the user's files; ``source point`` is a point a source publishes (the
#: IIPMap portal); ``commune`` and ``district`` are representative points of the unit.
LOCATION_PRECISIONS = ("surveyed", "digitized", "source point", "commune", "district")

#: Reported events, in the order a cluster goes through them.
EVENT_ORDER = (
    "proposed for the plan",
    "established",
    "construction started",
    "under construction",
    "operating",
    "listed",
)

#: Columns of ``geodata/cluster_facts.csv``.
FACT_COLUMNS = (
    "fact_id",
    "cluster_id",
    "name_reported",
    "commune_reported",
    "district_reported",
    "commune_2025",
    "declared_ha",
    "area_qualifier",
    "status",
    "event",
    "event_date",
    "decision",
    "lon",
    "lat",
    "operation_period",
    "source_type",
    "source_url",
    "source_date",
    "publisher",
)

#: Words that do not tell two clusters apart: the type of the cluster.
_GENERIC = re.compile(r"^(?:ccn|cum cong nghiep)\s+(?:lang nghe\s+)?")
_PUNCT = re.compile(r"[^0-9a-z]+")
_DATE = re.compile(r"^\d{4}(?:-\d{2}(?:-\d{2})?)?$")


def cluster_key(name: str, commune: str = "", district: str = "") -> tuple[str, str, str]:
    """Return the merge key of a cluster: name, commune, district without diacritics or prefixes.

    ``CCN``/``Cụm công nghiệp`` and ``làng nghề`` are dropped from the name, administrative
    prefixes (``xã``, ``TT.`` …) from the commune and district; phase words (``giai đoạn 2``,
    ``mở rộng``) are kept, so phases stay separate clusters.

    Parameters
    ----------
    name, commune, district
        As reported (any Unicode form).

    Returns
    -------
    tuple of str
        Folded ASCII-like name, commune and district.

    Examples
    --------
    >>> cluster_key("CCN làng nghề Phương Trung", "Xã Phương Trung", "Thanh Oai")
    ('phuong trung', 'phuong trung', 'thanh oai')
    """

    def unit(text: str) -> str:
        return _PUNCT.sub(" ", fold(split_admin_prefix(text)[1] if text else "")).strip()

    bare = _PUNCT.sub(" ", fold(name)).strip()
    bare = _GENERIC.sub("", bare).strip()
    return bare, unit(commune), unit(district)


def read_geodata_table(path: Path, *, required: Iterable[str], cannot_read: str) -> pd.DataFrame:
    """Read one of the project's UTF-8 CSV tables (``geodata/``): every cell NFC text, stripped.

    Parameters
    ----------
    path
        The CSV file.
    required
        The columns it must have.
    cannot_read
        The message (marked with ``N_``) when the file cannot be read, with ``{reason}``.

    Raises
    ------
    PlanDataError
        Naming the file when it cannot be read, or the first missing column.
    """
    import pandas as pd

    try:
        df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    except (OSError, UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise PlanDataError(message(cannot_read, reason=str(exc)), path=path) from None
    missing = [c for c in required if c not in df.columns]
    if missing:
        raise PlanDataError(
            message("missing column(s) {columns}", columns=", ".join(missing)),
            path=path,
            field=missing[0],
        )
    for col in df.columns:
        df[col] = df[col].map(lambda s: nfc(str(s)).strip())
    return df


def read_facts(path: PathType | None = None) -> pd.DataFrame:
    """Read the fact table (``geodata/cluster_facts.csv`` by default).

    Parameters
    ----------
    path
        A UTF-8 CSV with the columns of :data:`FACT_COLUMNS`.

    Returns
    -------
    pandas.DataFrame
        Text columns NFC; ``declared_ha``, ``lon``, ``lat`` as float (NaN when empty).

    Raises
    ------
    PlanDataError
        Naming the file, row and field of the first bad value: a missing column, a fact
        without a source, an unknown source type, a bad number or date.
    """
    import pandas as pd

    p = Path(path) if path is not None else bundled_geodata_dir() / "cluster_facts.csv"
    df = read_geodata_table(
        p, required=FACT_COLUMNS, cannot_read=N_("cannot read the cluster facts: {reason}")
    )
    for i, rec in enumerate(df.to_dict("records"), start=1):
        _check_fact(rec, i, p)
    if df["fact_id"].duplicated().any():
        dup = str(df.loc[df["fact_id"].duplicated(), "fact_id"].iloc[0])
        raise PlanDataError(
            message("fact id {id!r} appears twice", id=dup), path=p, field="fact_id"
        )
    for col in ("declared_ha", "lon", "lat"):
        df[col] = pd.to_numeric(df[col].replace("", None), errors="raise").astype(float)
    return df


def _check_fact(rec: dict[Any, Any], i: int, p: Path) -> None:
    """Raise the error for fact ``rec`` (row ``i`` of ``p``): no source, or a value not allowed."""
    ident = f"fact_id={rec['fact_id']}"
    if not rec["source_url"] and not (rec["publisher"] and rec["source_date"]):
        raise PlanDataError(
            message("fact has no source: give source_url, or publisher and source_date"),
            path=p,
            row=i,
            field="source_url",
            ident=ident,
        )
    if rec["source_type"] not in SOURCE_TYPES:
        raise PlanDataError(
            message(
                "source_type {value!r} is not one of {choices}",
                value=rec["source_type"],
                choices=", ".join(SOURCE_TYPES),
            ),
            path=p,
            row=i,
            field="source_type",
            ident=ident,
        )
    for col in ("event_date", "source_date"):
        if rec[col] and not _DATE.match(rec[col]):
            raise PlanDataError(
                message(
                    "{field} {value!r} is not YYYY, YYYY-MM or YYYY-MM-DD",
                    field=col,
                    value=rec[col],
                ),
                path=p,
                row=i,
                field=col,
                ident=ident,
            )
    if rec["event"] and rec["event"] not in EVENT_ORDER:
        raise PlanDataError(
            message(
                "event {value!r} is not one of {choices}",
                value=rec["event"],
                choices=", ".join(EVENT_ORDER),
            ),
            path=p,
            row=i,
            field="event",
            ident=ident,
        )


def _rank(source_type: str) -> int:
    return SOURCE_TYPES.index(source_type) if source_type in SOURCE_TYPES else len(SOURCE_TYPES)


def choose_declared(facts: Iterable[Mapping[str, Any]]) -> Mapping[str, Any] | None:
    """Return the fact whose area becomes the cluster's declared area, or None.

    The most authoritative source type wins (:data:`SOURCE_TYPES`); among equals, an
    exact figure beats one published as ``about``/``nearly``/``more than``, then the
    most recent source date, then the first row.

    Parameters
    ----------
    facts
        The cluster's fact rows (mappings with ``declared_ha``, ``source_type``,
        ``area_qualifier``, ``source_date``).

    Returns
    -------
    mapping or None
        The chosen fact; None when no source reports an area.
    """
    with_area = [
        f
        for f in facts
        if isinstance(f.get("declared_ha"), int | float) and math.isfinite(f["declared_ha"])
    ]
    if not with_area:
        return None

    def key(item: tuple[int, Mapping[str, Any]]) -> tuple[int, int, str, int]:
        i, f = item
        date = str(f.get("source_date") or "")
        # Later dates first: invert by sorting on the negated characters.
        inverted = "".join(chr(0x10FFFF - ord(c)) for c in date) if date else "\U0010ffff"
        return (_rank(str(f.get("source_type"))), 1 if f.get("area_qualifier") else 0, inverted, i)

    return min(enumerate(with_area), key=key)[1]


def earliest_event(facts: Iterable[Mapping[str, Any]]) -> Mapping[str, Any] | None:
    """Return the fact with the earliest dated event (a cluster's first known milestone).

    Parameters
    ----------
    facts
        The cluster's fact rows (``event``, ``event_date``).

    Returns
    -------
    mapping or None
        The fact with the smallest ``event_date`` (ties: the earlier stage of
        :data:`EVENT_ORDER`); when no event is dated, the fact with the earliest stage;
        None when no source reports an event.
    """
    with_event = [f for f in facts if f.get("event")]
    if not with_event:
        return None
    dated = [f for f in with_event if f.get("event_date")]
    if dated:
        return min(dated, key=lambda f: (str(f["event_date"]), EVENT_ORDER.index(f["event"])))
    return min(with_event, key=lambda f: EVENT_ORDER.index(f["event"]))


def area_disagreements(facts: pd.DataFrame, *, tolerance_pct: float) -> list[dict[str, Any]]:
    """List clusters whose sources report areas further apart than the tolerance.

    Parameters
    ----------
    facts
        The fact table (:func:`read_facts`).
    tolerance_pct
        Allowed spread, in percent of the smaller reported area.

    Returns
    -------
    list of dict
        Per cluster: ``cluster_id``, ``min_ha``, ``max_ha``, ``spread_pct`` and ``values``
        (each reported area with its source type and URL), sorted by cluster id.
    """
    out: list[dict[str, Any]] = []
    with_area = facts.loc[facts["declared_ha"].notna()]
    for cid, group in with_area.groupby("cluster_id", sort=True):
        lo, hi = float(group["declared_ha"].min()), float(group["declared_ha"].max())
        spread = 100.0 * (hi - lo) / lo
        if spread <= tolerance_pct:
            continue
        out.append(
            {
                "cluster_id": str(cid),
                "min_ha": lo,
                "max_ha": hi,
                "spread_pct": round(spread, 4),
                "values": [
                    {
                        "ha": float(r["declared_ha"]),
                        "source_type": str(r["source_type"]),
                        "source_url": str(r["source_url"]),
                        "fact_id": str(r["fact_id"]),
                    }
                    for r in group.to_dict("records")
                ],
            }
        )
    return out


def catalogue_layer(
    cat: pd.DataFrame,
    dist: gpd.GeoDataFrame,
    communes: Any,
    *,
    path: PathType,
) -> gpd.GeoDataFrame:
    """Turn catalogue rows into a clusters layer, each footprint on the best location known.

    A row with ``lon``/``lat`` (a point its source publishes) is placed there
    (``location_precision`` ``source point``), and its district is the one containing the
    point when the row names none; a point outside the district the row names is not used
    (the row's ``source_note`` says so); otherwise it sits at its commune's representative point,
    or at its district's. A row with a declared area gets an indicative footprint of exactly
    that area; one without stays a point.

    Parameters
    ----------
    cat
        Catalogue rows (:func:`planning.model.inputs.read_catalogue`); ``lon``, ``lat`` and the
        catalogue's extra columns are optional.
    dist
        The district layer.
    communes
        A callable returning the commune layer (loaded only when needed).
    path
        The catalogue's path, for error messages.

    Returns
    -------
    geopandas.GeoDataFrame
        EPSG:4326, the columns of :data:`planning.schema.CLUSTER_COLUMNS` then the catalogue's
        extra columns.

    Raises
    ------
    PlanDataError
        For an unknown district or commune, a bad coordinate, or a point outside every
        district, naming the file, row and field.
    """
    import geopandas as gpd

    from planning.model.gazetteer import district_index
    from planning.schema import CLUSTER_COLUMNS

    index = district_index(dist)
    extra = [c for c in cat.columns if c not in CLUSTER_COLUMNS and c not in ("lon", "lat")]
    rows: list[dict[str, Any]] = []
    geoms: list[Any] = []
    for i, rec in enumerate(cat.to_dict("records"), start=1):
        where = _Where(path=path, row=i, ident=f"cluster_id={rec['cluster_id']}")
        point = _source_point(rec, path=path, row=i, ident=where.ident)
        pos = _catalogue_district(rec, point, dist, index, where)
        point, precision, note = _catalogue_location(rec, point, pos, dist, communes, where)
        out, geom = _catalogue_row(rec, extra, point, precision, note, pos, dist)
        rows.append(out)
        geoms.append(geom)
    return gpd.GeoDataFrame(rows, geometry=geoms, crs=WGS84)


@dataclass(frozen=True)
class _Where:
    """The catalogue row being placed, for error messages."""

    path: PathType
    row: int
    ident: str


def _catalogue_district(
    rec: Mapping[Any, Any], point: Any, dist: gpd.GeoDataFrame, index: dict[str, int], where: _Where
) -> int:
    """Return the position in ``dist`` of the row's district: named, else containing its point."""
    from planning.model.gazetteer import resolve_district

    district_text = str(rec.get("district_vi", "") or "")
    if district_text:
        return resolve_district(
            district_text, dist, index, path=where.path, row=where.row, ident=where.ident
        )
    if point is None:
        raise PlanDataError(
            message("no district and no point: the cluster cannot be placed"),
            path=where.path,
            row=where.row,
            field="district_vi",
            ident=where.ident,
        )
    hits = dist.index[dist.geometry.contains(point)]
    if len(hits) == 0:
        raise PlanDataError(
            message(
                "the point ({x:.5f}, {y:.5f}) lies in no district of {city}",
                x=point.x,
                y=point.y,
                city=Text("Ha Noi", vi="Hà Nội"),
            ),
            path=where.path,
            row=where.row,
            field="lon",
            ident=where.ident,
        )
    return int(dist.index.get_loc(hits[0]))


def _catalogue_location(
    rec: Mapping[Any, Any],
    point: Any,
    pos: int,
    dist: gpd.GeoDataFrame,
    communes: Any,
    where: _Where,
) -> tuple[Any, str, str]:
    """Return (the best point known, its ``location_precision``, the row's source note)."""
    from planning.model.gazetteer import commune_point

    note = str(rec.get("source_note", "") or "")
    named_district = bool(str(rec.get("district_vi", "") or ""))
    if point is not None and named_district and not dist.geometry.iloc[pos].contains(point):
        # Two location facts disagree: the point falls outside the district the sources
        # name. The district wins (docs/catalogue.md); the note says so.
        outside = (
            f"the source point ({point.x:.5f}, {point.y:.5f}) lies outside "
            f"{dist['district_vi'].iloc[pos]} and is not used"
        )
        note = "; ".join(x for x in (note, outside) if x)
        point = None
    if point is not None:
        return point, "source point", note
    commune = str(rec.get("commune_vi", "") or "")
    if commune:
        code = str(dist["district_code"].iloc[pos])
        found = commune_point(
            commune, code, communes(), path=where.path, row=where.row, ident=where.ident
        )
        return found, "commune", note
    return dist.geometry.iloc[pos].representative_point(), "district", note


def _catalogue_row(
    rec: Mapping[Any, Any],
    extra: list[str],
    point: Any,
    precision: str,
    note: str,
    pos: int,
    dist: gpd.GeoDataFrame,
) -> tuple[dict[str, Any], Any]:
    """Return the cluster's columns and its geometry (a footprint of its area, or a point)."""
    import shapely

    from planning.model.footprints import indicative_footprint
    from planning.schema import CLUSTER_COLUMNS, CLUSTER_DEFAULTS

    area = rec["declared_ha"]
    if isinstance(area, float) and math.isfinite(area):
        geom, kind = indicative_footprint(point.x, point.y, area), "indicative"
    else:
        geom, kind = shapely.Point(point.x, point.y), "point"
    commune = str(rec.get("commune_vi", "") or "")
    out = {c: rec.get(c, CLUSTER_DEFAULTS.get(c, "")) for c in CLUSTER_COLUMNS}
    out.update({c: rec.get(c, "") for c in extra})
    if "sources_count" in out:
        out["sources_count"] = int(out["sources_count"] or 0)
    out.update(
        district_code=str(dist["district_code"].iloc[pos]),
        district_vi=str(dist["district_vi"].iloc[pos]),
        commune_vi=split_admin_prefix(commune)[1] if commune else "",
        geometry_kind=kind,
        location_precision=precision,
        declared_ha=area,
        source_note=note,
    )
    return out, geom


def _source_point(rec: Mapping[Any, Any], *, path: PathType, row: int, ident: str) -> Any:
    import shapely

    lon_text, lat_text = str(rec.get("lon", "") or ""), str(rec.get("lat", "") or "")
    if not lon_text and not lat_text:
        return None
    try:
        lon, lat = float(lon_text), float(lat_text)
    except ValueError:
        raise PlanDataError(
            message(
                "point ({lon!r}, {lat!r}) is not two numbers of degrees", lon=lon_text, lat=lat_text
            ),
            path=path,
            row=row,
            field="lon",
            ident=ident,
        ) from None
    from planning.geo.crs import VIETNAM_BOUNDS

    west, south, east, north = VIETNAM_BOUNDS
    if not (west <= lon <= east and south <= lat <= north):
        raise PlanDataError(
            message(
                "point ({lon}, {lat}) is outside Viet Nam (longitude, latitude in WGS 84 degrees)",
                lon=lon,
                lat=lat,
            ),
            path=path,
            row=row,
            field="lon",
            ident=ident,
        )
    return shapely.Point(lon, lat)
