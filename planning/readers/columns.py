"""Column names of user files → the canonical columns of :mod:`planning.schema`.

:data:`COLUMN_ALIASES` lists, per layer kind, the Vietnamese and English names planners
give columns (``Ten_CCN``, ``Dien_tich``, ``Huyen``, ``Xa`` …), and
:data:`COORDINATE_ALIASES` the names of coordinate columns (``kinh_do``/``vi_do``, ``x``/``y``,
WKT). :func:`map_columns` renames a frame's columns through them (after the caller's
``columns=``), reads DBF field names cut to 10 characters (:func:`truncated_alias`), and warns
(:class:`~planning.errors.UnmappedColumnsWarning`) about a shapefile's columns that map to
nothing.
"""

from __future__ import annotations

import re
import unicodedata
import warnings
from collections.abc import Iterable, Mapping
from typing import Any

from planning.errors import UnmappedColumnsWarning
from planning.i18n import message
from planning.readers._context import Kind, ReadContext
from planning.readers.values import cell_text
from planning.schema import LAYERS
from planning.text.names import fold

__all__ = [
    "COLUMN_ALIASES",
    "COORDINATE_ALIASES",
    "column_map",
    "empty_columns",
    "header_score",
    "map_columns",
    "norm_name",
    "truncated_alias",
]


def norm_name(name: object) -> str:
    """Return a column name normalised for matching: no diacritics, case or punctuation.

    >>> norm_name("Tên CCN"), norm_name("Ten_CCN")
    ('tenccn', 'tenccn')
    """
    text = unicodedata.normalize("NFKC", str(name))
    return re.sub(r"[^a-z0-9]", "", fold(text))


def _aliases(canonical: str, *names: str) -> dict[str, str]:
    return {n: canonical for n in (canonical, *names)}


#: Column names recognised in user files, per layer kind: normalised name → canonical
#: column. A name is normalised by removing diacritics, case, and everything but letters
#: and digits, so ``"Tên CCN"``, ``"Ten_CCN"`` and ``"TENCCN"`` are all ``"tenccn"``.
#: Extend it (``COLUMN_ALIASES["clusters"]["tenkhu"] = "name_vi"``) or pass ``columns=``
#: to :func:`planning.readers.read_layer`. ``declared_m2`` marks an area in square metres (converted).
COLUMN_ALIASES: dict[str, dict[str, str]] = {
    "clusters": {
        **_aliases("clusterid", "id", "ma", "maccn", "macum", "macumcn", "macumcongnghiep", "code"),
        **_aliases(
            "namevi",
            "name",
            "ten",
            "tenccn",
            "tencum",
            "tencumcn",
            "tencumcongnghiep",
            "cumcongnghiep",
            "ccn",
        ),
        **_aliases(
            "communevi",
            "commune",
            "ward",
            "xa",
            "tenxa",
            "xaphuong",
            "phuongxa",
            "xathitran",
            "xaphuongthitran",
            "diadiem",
            "diadiemxa",
            "vitri",
            "diadiemxaphuong",
        ),
        **_aliases(
            "districtvi",
            "district",
            "huyen",
            "tenhuyen",
            "quan",
            "quanhuyen",
            "huyenquan",
            "huyenthixa",
            "quanhuyenthixa",
        ),
        **_aliases("districtcode", "mahuyen", "pcode", "adm2pcode"),
        **_aliases(
            "declaredha",
            "area",
            "areaha",
            "dientich",
            "dientichha",
            "dt",
            "dtha",
            "quymo",
            "quymoha",
            "quymodientich",
            "quymodientichha",
            "dientichquyhoach",
            "dientichquyhoachha",
        ),
        **_aliases("declaredm2", "aream2", "areasqm", "dientichm2", "dtm2", "quymom2"),
        **_aliases("areaqualifier"),
        **_aliases("category", "loai", "phanloai", "loaiquyhoach"),
        **_aliases("phase", "giaidoan", "kyquyhoach"),
        **_aliases("status", "trangthai", "tinhtrang", "hientrang", "statusreported"),
        **_aliases("sourceurl", "url", "link", "nguon", "source"),
        **_aliases("sourcenote", "note", "notes", "ghichu"),
        **_aliases("geometrykind"),
        **_aliases("locationprecision"),
    },
    "districts": {
        **_aliases("districtcode", "adm2pcode", "pcode", "mahuyen", "ma", "code", "id"),
        **_aliases(
            "districtvi", "adm2vi", "ten", "tenhuyen", "huyen", "name", "namevi", "district"
        ),
        **_aliases("districttype", "loai", "type"),
        **_aliases("districten", "adm2en", "nameen"),
    },
    "zones": {
        **_aliases("zoneid", "id", "ma", "code"),
        **_aliases("namevi", "name", "ten", "tenkhu"),
        **_aliases("declaredha", "area", "areaha", "dientich", "dientichha", "quymo", "quymoha"),
        **_aliases("declaredm2", "aream2", "dientichm2"),
        **_aliases("geometrykind"),
        **_aliases("locationprecision"),
        **_aliases("sourceurl", "url", "nguon", "source"),
    },
}
# The keys above are normalised; the values must be canonical names.
_CANONICAL_OF = {
    "clusterid": "cluster_id",
    "namevi": "name_vi",
    "communevi": "commune_vi",
    "districtvi": "district_vi",
    "districtcode": "district_code",
    "declaredha": "declared_ha",
    "declaredm2": "declared_m2",
    "areaqualifier": "area_qualifier",
    "category": "category",
    "phase": "phase",
    "status": "status",
    "sourceurl": "source_url",
    "sourcenote": "source_note",
    "geometrykind": "geometry_kind",
    "locationprecision": "location_precision",
    "districttype": "district_type",
    "districten": "district_en",
    "zoneid": "zone_id",
}
for _table in COLUMN_ALIASES.values():
    for _k, _v in list(_table.items()):
        _table[_k] = _CANONICAL_OF.get(_v, _v)
del _table, _k, _v

#: Coordinate columns of tables: normalised name → ``lon``, ``lat``, ``x``, ``y`` or ``wkt``.
COORDINATE_ALIASES: dict[str, str] = {
    **_aliases("lon", "lng", "long", "longitude", "kinhdo", "kd"),
    **_aliases("lat", "latitude", "vido", "vd"),
    **_aliases("x", "easting", "toadox", "xvn2000"),
    **_aliases("y", "northing", "toadoy", "yvn2000"),
    **_aliases("wkt", "geometry", "geom", "thegeom", "shape", "wktgeom", "wktgeometry"),
}


def header_score(cells: Iterable[object], kind: Kind) -> int:
    """Return how many cells of a candidate header row name a known column."""
    aliases = COLUMN_ALIASES[kind]
    score = 0
    for c in cells:
        t = cell_text(c)
        if t and (norm_name(t) in aliases or norm_name(t) in COORDINATE_ALIASES):
            score += 1
    return score


def column_map(
    ctx: ReadContext,
    names: list[str],
    columns: Mapping[str, str] | None,
    *,
    empty: set[str] | frozenset[str] = frozenset(),
) -> dict[str, str]:
    """Return {source column: canonical or coordinate role}.

    ``empty`` names columns with only empty values: they are never mapped by alias.
    """
    allowed = set(LAYERS[ctx.kind].names) | {"declared_m2"}
    out: dict[str, str] = {}
    taken: set[str] = set()
    for src, dst in (columns or {}).items():
        if src not in names:
            raise ctx.error(
                message(
                    "column {column!r} given in columns= is not in the file; it has: {names}",
                    column=src,
                    names=", ".join(names[:20]),
                )
            )
        if dst not in allowed and dst not in COORDINATE_ALIASES.values():
            raise ctx.error(
                message(
                    "columns= maps {column!r} to {target!r}, which is not a column of a {kind} "
                    "layer ({allowed}) nor lon/lat/x/y/wkt",
                    column=src,
                    target=dst,
                    kind=ctx.kind,
                    allowed=", ".join(sorted(allowed)),
                )
            )
        out[src] = dst
        taken.add(dst)
    aliases = COLUMN_ALIASES[ctx.kind]
    candidates: dict[str, list[tuple[int, int, str]]] = {}
    for position, name in enumerate(names):
        if name in out or name in empty:  # a column of only empty values is never chosen
            continue
        key = norm_name(name)
        dst = aliases.get(key) or COORDINATE_ALIASES.get(key) or truncated_alias(ctx, name)
        if dst and dst not in taken:
            # The file's own id column (Ma_CCN …) wins over generic ids ("id", "fid"),
            # which GDAL's KML reader and GeoJSON writers add.
            rank = 1 if key in _GENERIC_IDS else 0
            candidates.setdefault(dst, []).append((rank, position, name))
    for dst, found in candidates.items():
        out[min(found)[2]] = dst
    return out


#: Column names that are library- or format-made ids rather than the file's own id column.
_GENERIC_IDS = frozenset({"id", "fid", "ogcfid", "objectid", "code", "ma"})
#: DBF field names are cut to this many characters.
_DBF_NAME_LENGTH = 10


def truncated_alias(ctx: ReadContext, name: str) -> str:
    """Return the column a DBF field name cut to 10 characters stands for, or "".

    ``declared_h``, ``district_v``, ``Dien_tich_``: used when exactly one known name
    starts with it.
    """
    if len(name) != _DBF_NAME_LENGTH:
        return ""
    key = norm_name(name)
    if len(key) < 4:
        return ""
    aliases = COLUMN_ALIASES[ctx.kind]
    hits = {v for k, v in aliases.items() if k.startswith(key)}
    hits |= {v for k, v in COORDINATE_ALIASES.items() if k.startswith(key)}
    if len(hits) != 1:
        return ""
    dst = hits.pop()
    ctx.notes.append(
        message(
            "{path}: column {name!r} read as {column} (a name cut to 10 characters)",
            path=str(ctx.path),
            name=name,
            column=dst,
        )
    )
    return dst


def empty_columns(frame: Any, names: list[str]) -> set[str]:
    """Names of the columns whose every value is missing or blank text."""
    out: set[str] = set()
    if len(frame) == 0:
        return out
    for name in names:
        values = frame[name]
        blank = values.isna() | values.astype(str).str.strip().eq("")
        if bool(blank.all()):
            out.add(name)
    return out


def map_columns(
    ctx: ReadContext, frame: Any, columns: Mapping[str, str] | None
) -> tuple[Any, dict[str, str]]:
    """Rename a frame's columns to canonical names; return it and its coordinate columns.

    Parameters
    ----------
    ctx
        The read in progress (notes, errors).
    frame
        The file's rows as read (a DataFrame or GeoDataFrame).
    columns
        The caller's ``{column in the file: canonical column}``, applied before the aliases.

    Returns
    -------
    tuple
        The renamed frame (an unmapped column whose name clashes with a canonical one becomes
        ``<name>_original``), and ``{role: column}`` for the coordinate columns
        (``lon``, ``lat``, ``x``, ``y``, ``wkt``), which keep their names.
    """
    geom_name = getattr(frame, "_geometry_column_name", None)
    names = [str(c) for c in frame.columns if c != geom_name]
    cmap = column_map(ctx, names, columns, empty=empty_columns(frame, names))
    _warn_unmapped(ctx, names, cmap)
    coords = {v: k for k, v in cmap.items() if v in COORDINATE_ALIASES.values()}
    attr_map = {k: v for k, v in cmap.items() if v not in COORDINATE_ALIASES.values()}
    # Rename, moving clashing unmapped columns out of the way.
    clash = {
        c: f"{c}_original" for c in frame.columns if c in attr_map.values() and c not in attr_map
    }
    frame = frame.rename(columns={**clash, **attr_map})
    return frame, coords


def _warn_unmapped(ctx: ReadContext, names: list[str], cmap: Mapping[str, str]) -> None:
    """Warn about a shapefile's columns that map to nothing.

    They are often names cut to 10 characters that match no known column.
    """
    if ctx.path.suffix.lower() not in {".shp", ".dbf", ".zip"}:
        return
    unmapped = [n for n in names if n not in cmap and n not in LAYERS[ctx.kind].names]
    if unmapped:
        text = message(
            "{path}: column(s) {columns} map to no column of a {kind} layer and are kept "
            "unchecked; if one holds a known field, name it with columns= (a DBF cuts names to "
            "10 characters)",
            path=str(ctx.path),
            columns=", ".join(repr(n) for n in unmapped),
            kind=ctx.kind,
        )
        ctx.notes.append(text)
        warnings.warn(text, UnmappedColumnsWarning, stacklevel=4)
