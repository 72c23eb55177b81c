"""Read the user's planning files into checked GeoDataFrames, and write outputs atomically.

:func:`read_layer` reads every format planners use — GeoJSON, GeoPackage, Shapefile (or a
``.zip`` of one), GeoParquet, KML, and CSV or Excel tables with longitude/latitude, x/y,
WKT, or only names, communes, districts and areas — and returns a layer in EPSG:4326 with
the canonical columns of ``docs/architecture.md``. On the way it

* maps Vietnamese and English column names (``Ten_CCN``, ``Dien_tich``, ``Huyen``, ``Xa``
  …) through :data:`COLUMN_ALIASES`, which users may extend, or through ``columns=``;
* repairs text: TCVN3/VNI/Windows-1258 legacy encodings and UTF-8 mojibake become NFC
  Unicode (:mod:`planning.text.legacy`), admin prefixes are split off communes/districts;
* repairs a VN-2000 CRS that lost its datum shift and transforms with EPSG:6960
  (:mod:`planning.geo.crs`);
* refuses bad input with a one-line :class:`~planning.errors.PlanDataError` naming the
  file, the row and the field: unreadable files, a missing CRS, swapped latitude and
  longitude, coordinates outside Viet Nam, non-polygon or mixed geometries, empty layers,
  duplicate ids, unparseable areas, invalid polygons (with the reason; ``fix=True``
  repairs them with ``make_valid`` and reports what changed);
* warns (:class:`AreaUnitWarning`) when declared areas look like m² rather than ha.

Rows known only by name, commune and district come back with no geometry and
``needs_placement=True``; :func:`place_at_communes` (or the model layer) places them.

:func:`atomic_write`, :func:`atomic_output` and :func:`atomic_path` (from :mod:`planning.outputs`)
write outputs through a temporary file in the target directory and ``os.replace``, and never
overwrite an input.

Heavy imports (pandas, geopandas, pyogrio, shapely) happen inside functions, so importing
this module is cheap.
"""

from __future__ import annotations

import glob
import math
import re
import unicodedata
import warnings
from collections.abc import Iterable, Mapping
from os import PathLike
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from planning.errors import CRSError, PlanDataError, PlanningError, PlanningWarning, RowErrors
from planning.geo.crs import VIETNAM_BOUNDS, Helmert, to_wgs84
from planning.outputs import atomic_output, atomic_path, atomic_write
from planning.settings import WGS84
from planning.text.legacy import LEGACY_ENCODINGS, repair_distinct, repair_texts
from planning.text.names import fold, name_key, nfc, split_admin_prefix

if TYPE_CHECKING:
    import geopandas as gpd
    import pandas as pd

__all__ = [
    "CLUSTER_COLUMNS",
    "CLUSTER_DEFAULTS",
    "COLUMN_ALIASES",
    "COORDINATE_ALIASES",
    "DISTRICT_COLUMNS",
    "GEOMETRY_KINDS",
    "SUPPORTED_SUFFIXES",
    "ZONE_COLUMNS",
    "AreaUnitWarning",
    "GeometryFixWarning",
    "UnmappedColumnsWarning",
    "atomic_output",
    "atomic_path",
    "atomic_write",
    "parse_area",
    "place_at_communes",
    "read_layer",
]

PathType = str | PathLike[str]
Kind = Literal["clusters", "districts", "zones"]


class AreaUnitWarning(PlanningWarning):
    """Declared areas look like square metres, not hectares."""


class GeometryFixWarning(PlanningWarning):
    """Invalid geometries were repaired (``fix=True``); the message says what changed."""


class LegacyEncodingWarning(PlanningWarning):
    """A text column looks mis-encoded, but no legacy encoding fits it well enough to apply."""


#: Below this confidence a detected legacy encoding (TCVN3, VNI, Windows-1258, UTF-8 read
#: as Windows-1252) is not applied: the column is left as read, with a
#: :class:`LegacyEncodingWarning`. :func:`planning.text.legacy.detect_encoding` scores a
#: decoding validity x gain x (1 - 0.5^n) over n words, so one word decoded perfectly
#: scores 0.5 and two 0.75; under 0.5, most words are still not Vietnamese syllables with
#: the best decoding, or it gains little over the text as read: a guess, not a finding
#: (a UTF-8 file with one bad byte scored 0.08 as TCVN3 and came out garbled).
LEGACY_MIN_CONFIDENCE = 0.5


#: Canonical columns of a clusters layer, in order (``docs/architecture.md``).
CLUSTER_COLUMNS = (
    "cluster_id",
    "name_vi",
    "commune_vi",
    "district_code",
    "district_vi",
    "category",
    "phase",
    "status",
    "declared_ha",
    "area_qualifier",
    "geometry_kind",
    "location_precision",
    "source_url",
    "source_note",
)
#: Canonical columns of a districts layer.
DISTRICT_COLUMNS = ("district_code", "district_vi", "district_type", "district_en")
#: Canonical columns of a zones layer.
ZONE_COLUMNS = (
    "zone_id",
    "name_vi",
    "declared_ha",
    "geometry_kind",
    "location_precision",
    "source_url",
)
_COLUMNS: dict[str, tuple[str, ...]] = {
    "clusters": CLUSTER_COLUMNS,
    "districts": DISTRICT_COLUMNS,
    "zones": ZONE_COLUMNS,
}
_ID_COLUMN = {"clusters": "cluster_id", "districts": "district_code", "zones": "zone_id"}
#: Values a clusters layer's text columns take when the file leaves them empty.
CLUSTER_DEFAULTS = {
    "category": "unknown",
    "phase": "unknown",
    "geometry_kind": "digitized",
    "location_precision": "digitized",
}
#: How a cluster's geometry is known.
GEOMETRY_KINDS = ("surveyed", "digitized", "indicative", "point")


def _aliases(canonical: str, *names: str) -> dict[str, str]:
    return {n: canonical for n in (canonical, *names)}


#: Column names recognised in user files, per layer kind: normalised name → canonical
#: column. A name is normalised by removing diacritics, case, and everything but letters
#: and digits, so ``"Tên CCN"``, ``"Ten_CCN"`` and ``"TENCCN"`` are all ``"tenccn"``.
#: Extend it (``COLUMN_ALIASES["clusters"]["tenkhu"] = "name_vi"``) or pass ``columns=``
#: to :func:`read_layer`. ``declared_m2`` marks an area in square metres (converted).
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

_VECTOR_SUFFIXES = (".geojson", ".json", ".gpkg", ".shp", ".zip", ".kml", ".kmz", ".fgb", ".gml")
_TABLE_SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx", ".xlsm", ".xls")
_PARQUET_SUFFIXES = (".parquet", ".geoparquet", ".pq")
#: File suffixes :func:`read_layer` understands.
SUPPORTED_SUFFIXES = _VECTOR_SUFFIXES + _TABLE_SUFFIXES + _PARQUET_SUFFIXES


def _norm(name: object) -> str:
    text = unicodedata.normalize("NFKC", str(name))
    return re.sub(r"[^a-z0-9]", "", fold(text))


# ---------------------------------------------------------------------------------------
# small helpers
# ---------------------------------------------------------------------------------------


def _is_missing(v: object) -> bool:
    if v is None:
        return True
    if isinstance(v, float) and math.isnan(v):
        return True
    if isinstance(v, (str, bytes, int, bool, list, tuple, dict)):
        return False
    import pandas as pd

    try:
        return bool(pd.isna(v))  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return False


def _text(v: object) -> str:
    """Cell value as stripped NFC text ("" for missing; 3.0 → "3")."""
    if _is_missing(v):
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return nfc(str(v)).strip()


_QUALIFIERS = [
    ("more than", ("hon", "tren", "more than", "over", ">", "khoang hon")),
    ("nearly", ("gan", "nearly", "almost", "xap xi")),
    ("less than", ("duoi", "less than", "under", "<")),
    ("about", ("khoang", "about", "approx", "approximately", "ca", "~", "≈", "chung")),
]
_NUMBER = re.compile(r"[-+]?\d[\d.,\s]*")


def parse_area(value: object) -> tuple[float, str]:
    """Parse a declared area as published: ``"50"``, ``"50,5"``, ``"khoảng 20 ha"``.

    Parameters
    ----------
    value
        A number or text. A comma is a decimal comma (Vietnamese style) unless dots are
        also present (``"1.234,5"`` is 1234.5).

    Returns
    -------
    tuple of (float, str)
        The area (NaN when the cell is empty) and its qualifier: ``""``, ``"about"``,
        ``"more than"``, ``"nearly"`` or ``"less than"``.

    Raises
    ------
    ValueError
        If the text holds no number, or a negative one.
    """
    if _is_missing(value):
        return math.nan, ""
    if isinstance(value, bool):
        raise ValueError(f"{value!r} is not an area")
    if isinstance(value, (int, float)):
        number = float(value)
        if number < 0 or math.isinf(number):
            raise ValueError(f"{value!r} is not a valid area")
        return number, ""
    text = fold(str(value)).strip()
    if text in {"", "-", "--", "nan", "none", "n/a", "na", "?", "chua co", "khong ro"}:
        return math.nan, ""
    qualifier = ""
    for name, words in _QUALIFIERS:
        for w in words:
            if text.startswith(w):
                qualifier = name
                text = text[len(w) :].strip()
                break
        if qualifier:
            break
    m = _NUMBER.search(text)
    if not m:
        raise ValueError(f"{value!r} has no number")
    rest = (text[: m.start()] + text[m.end() :]).strip()
    if rest and not re.fullmatch(r"\(?(ha|hecta|hectare|hectares|ha\.)\)?", rest):
        raise ValueError(f"{value!r} is not a plain area in ha")
    num = m.group(0).replace(" ", "").rstrip(".,")
    if "," in num and "." in num:
        num = num.replace(".", "").replace(",", ".")
    elif "," in num:
        num = num.replace(",", ".") if num.count(",") == 1 else num.replace(",", "")
    elif num.count(".") > 1:
        num = num.replace(".", "")
    try:
        number = float(num)
    except ValueError:
        raise ValueError(f"{value!r} has no readable number") from None
    if number < 0:
        raise ValueError(f"{value!r} is negative")
    return number, qualifier


# ---------------------------------------------------------------------------------------
# reading
# ---------------------------------------------------------------------------------------


class _Ctx:
    """What the reader knows while it works: the file, notes and fixes."""

    def __init__(self, path: Path, kind: Kind) -> None:
        self.path = path
        self.kind = kind
        self.notes: list[str] = []
        self.fixes: list[str] = []
        # For a spreadsheet read by planning.readers.tables: the sheet, each data row's Excel row
        # number (messages name it), and the total rows it stated.
        self.sheet: str | None = None
        self.excel_rows: list[int] | None = None
        self.totals: list[Any] = []
        #: Set when a text table is UTF-8 but for a few bytes (read with surrogate escapes).
        self.bad_utf8: tuple[int, int] | None = None
        #: For a zip: the GIS file opened in it and every name in the archive.
        self.zip_names: tuple[str, list[str]] | None = None

    def error(
        self,
        message: str,
        *,
        row: int | None = None,
        field: str | None = None,
        ident: str | None = None,
    ) -> PlanDataError:
        if self.excel_rows is not None and row is not None and 1 <= row <= len(self.excel_rows):
            return PlanDataError(
                message, path=self.path, row=self.excel_rows[row - 1], field=field,
                ident=ident, sheet=self.sheet,
            )  # fmt: skip
        return PlanDataError(message, path=self.path, row=row, field=field, ident=ident)


def _reason(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text[:200]


def read_layer(
    path: PathType,
    *,
    kind: Kind = "clusters",
    layer: str | int | None = None,
    columns: Mapping[str, str] | None = None,
    encoding: str | None = None,
    crs: Any = None,
    helmert: Helmert | None = None,
    sheet: str | int | None = None,
    fix: bool = False,
) -> gpd.GeoDataFrame:
    """Read a user's layer of any supported format into a checked EPSG:4326 GeoDataFrame.

    Parameters
    ----------
    path
        GeoJSON, GeoPackage, Shapefile (or a ``.zip`` of one), GeoParquet, KML/KMZ,
        FlatGeobuf, or a CSV/Excel/Parquet table with ``lon``/``lat`` (``kinh_do``/
        ``vi_do``), ``x``/``y`` (projected, needs ``crs``), a WKT column, or only names,
        communes, districts and areas.
    kind
        ``"clusters"``, ``"districts"`` or ``"zones"``: which canonical columns to produce.
    layer
        The layer of a multi-layer file (GeoPackage, KML, zip). Default: the only one
        (every layer of a KML).
    columns
        ``{column in the file: canonical column}``, applied before :data:`COLUMN_ALIASES`.
    encoding
        The text encoding of a DBF or CSV: a Python codec (``"cp1258"``), or ``"tcvn3"``
        / ``"vni"`` for legacy font encodings. Default: detected.
    crs
        The CRS of the coordinates, overriding the file's (required for a shapefile
        without ``.prj`` and for x/y tables). Default for lon/lat tables: EPSG:4326.
    helmert
        A VN-2000 → WGS 84 shift to use instead of EPSG:6960.
    sheet
        The Excel sheet (name or 0-based index); default the first.
    fix
        Repair invalid polygons with ``make_valid`` (reported in ``attrs["fixes"]`` and a
        :class:`GeometryFixWarning`) instead of failing.

    Returns
    -------
    geopandas.GeoDataFrame
        EPSG:4326, the canonical columns of ``kind`` first, then the file's other columns.
        Rows of name-only tables have no geometry and ``needs_placement`` True (the
        column exists only when some row needs placing). ``attrs`` holds ``path``,
        ``notes`` (what was detected and done), ``fixes``, ``column_map`` and
        ``source_crs``.

    Raises
    ------
    PlanDataError
        For an unreadable file or a bad row; the message names the file, row and field.
    CRSError
        If the layer has no CRS (and ``crs`` is not given) or it cannot be used.
    """
    p = Path(path)
    if kind not in _COLUMNS:
        raise PlanDataError(f"unknown layer kind {kind!r}; expected one of {list(_COLUMNS)}")
    ctx = _Ctx(p, kind)
    if not p.exists():
        raise ctx.error("file not found")
    if p.is_dir():
        raise ctx.error("is a directory, not a file")
    suffix = p.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise ctx.error(
            f"unsupported file type {suffix or '(none)'!r}; expected one of "
            + ", ".join(SUPPORTED_SUFFIXES)
        )
    dbf_codec = _dbf_codec(ctx) if encoding is None and suffix in {".shp", ".dbf"} else None
    legacy = encoding if encoding in LEGACY_ENCODINGS and encoding != "utf-8" else None
    if dbf_codec == "cp1258":
        legacy = dbf_codec  # read the bytes and decode them here: GDAL cuts the names
    if encoding is not None and legacy is None:
        import codecs

        try:
            codecs.lookup(encoding)
        except LookupError:
            raise ctx.error(
                f"unknown encoding {encoding!r}; use a Python codec name or 'tcvn3'/'vni'"
            ) from None

    try:
        if suffix in _TABLE_SUFFIXES:
            frame = _read_table(ctx, encoding=encoding, legacy=legacy, sheet=sheet)
            gdf = _table_to_layer(ctx, frame, columns=columns, crs=crs, helmert=helmert)
        elif suffix in _PARQUET_SUFFIXES:
            gdf = _read_parquet(ctx, columns=columns, crs=crs, helmert=helmert)
        else:
            raw = _read_vector(ctx, layer=layer, encoding=encoding or dbf_codec, legacy=legacy)
            raw = _repair_frame_text(ctx, raw, legacy=legacy, forced=encoding is not None)
            if raw.crs is None and crs is None:
                raise CRSError(
                    "the layer has no coordinate reference system (no .prj file or CRS "
                    "member); give its CRS explicitly, for example EPSG:5897 "
                    "(VN-2000 / TM-3 105°E, Hanoi)",
                    path=p,
                )
            gdf = _vector_to_layer(ctx, raw, columns=columns, crs=crs, helmert=helmert)
        return _finish(ctx, gdf, fix=fix)
    except PlanningError:
        raise
    except MemoryError:
        raise ctx.error("file too large to read into memory") from None
    except RecursionError:
        raise ctx.error("file structure too deeply nested to read") from None


def _dbf_codec(ctx: _Ctx) -> str | None:
    """Return the code page a shapefile's ``.cpg`` names, when it is one GDAL may misread.

    Only Windows-1258 (``1258``, ``CP1258``, ``ANSI 1258`` …) and UTF-8 (``65001``,
    ``UTF-8``) are taken from the ``.cpg``: Western code pages (``ISO-8859-1``) are what
    tools write for TCVN3/VNI data too, which detection then decodes.
    """
    from planning.readers.codepages import shapefile_codec

    codec = shapefile_codec(ctx.path)
    if codec not in {"cp1258", "utf-8"}:
        return None
    ctx.notes.append(f"{ctx.path}: DBF code page {codec} (from the .cpg file)")
    return codec


# -- raw readers --------------------------------------------------------------------------


_ZIP_MEMBER_SUFFIXES = (".shp", ".gpkg", ".geojson", ".json", ".kml", ".fgb", ".gml")


def _require_dbf(ctx: _Ctx) -> None:
    """Refuse a shapefile without its ``.dbf``: its ids, names and areas would be lost."""
    if ctx.path.suffix.lower() == ".shp":
        shp = str(ctx.path)
        names = [str(q) for q in ctx.path.parent.glob(f"{glob.escape(ctx.path.stem)}.*")]
    elif ctx.zip_names is not None and ctx.zip_names[0].lower().endswith(".shp"):
        shp, names = ctx.zip_names
    else:
        return
    stem = shp[: -len(".shp")]
    if not any(n.lower() == f"{stem}.dbf".lower() for n in names):
        raise ctx.error(
            f"the shapefile's attribute table {Path(stem).name}.dbf is missing (a shapefile "
            "is several files: .shp, .shx, .dbf, .prj); put the .dbf beside it, or zip them "
            "together"
        )


def _source(ctx: _Ctx) -> str:
    """Return the GDAL path to open; a zip's one dataset is opened inside the archive."""
    if ctx.path.suffix.lower() != ".zip":
        return str(ctx.path)
    import zipfile

    try:
        with zipfile.ZipFile(ctx.path) as z:
            names = z.namelist()
            members = [
                n
                for n in names
                if n.lower().endswith(_ZIP_MEMBER_SUFFIXES)
                and not n.startswith("__MACOSX/")
                and not Path(n).name.startswith(".")
            ]
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise ctx.error(f"cannot read the file: not a valid zip archive ({_reason(exc)})") from None
    if not members:
        raise ctx.error("the zip archive holds no shapefile or other GIS file")
    if len(members) > 1:
        raise ctx.error(
            f"the zip archive holds {len(members)} GIS files ({', '.join(members[:5])}); "
            "unzip it and read one"
        )
    ctx.zip_names = (members[0], names)
    return f"/vsizip/{ctx.path.resolve()}/{members[0]}"


def _list_layers(ctx: _Ctx) -> list[tuple[str, str | None]]:
    import pyogrio

    source = _source(ctx)
    try:
        layers = pyogrio.list_layers(source)
    except Exception as exc:  # third-party parser: any failure means an unreadable file
        raise ctx.error(f"cannot read the file: {_reason(exc)}") from None
    return [(str(n), None if g is None else str(g)) for n, g in layers]


def _read_vector(
    ctx: _Ctx, *, layer: str | int | None, encoding: str | None, legacy: str | None
) -> gpd.GeoDataFrame:
    import geopandas as gpd
    import pandas as pd
    import pyogrio

    layers = _list_layers(ctx)
    _require_dbf(ctx)
    spatial = [name for name, geom in layers if geom is not None]
    names = [name for name, _ in layers]
    if not layers:
        raise ctx.error("the file has no layers")
    if layer is not None:
        if isinstance(layer, int):
            if not 0 <= layer < len(names):
                raise ctx.error(f"layer index {layer} out of range (the file has {len(names)})")
            chosen = [names[layer]]
        elif layer not in names:
            raise ctx.error(f"no layer {layer!r}; the file has: {', '.join(names)}")
        else:
            chosen = [layer]
    elif len(spatial) == 1 or (not spatial and len(names) == 1):
        chosen = spatial or names
    elif ctx.path.suffix.lower() in {".kml", ".kmz"}:
        chosen = spatial or names  # KML folders are one layer each: read them all
    else:
        raise ctx.error(
            f"the file has {len(spatial)} layers ({', '.join(spatial[:8])}); choose one with layer="
        )
    enc = "latin1" if legacy else encoding
    source = _source(ctx)
    frames = []
    for name in chosen:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                df = pyogrio.read_dataframe(source, layer=name, encoding=enc, on_invalid="ignore")
        except Exception as exc:  # third-party parser: any failure means an unreadable file
            raise ctx.error(f"cannot read the file: {_reason(exc)}") from None
        if not isinstance(df, gpd.GeoDataFrame):
            df = gpd.GeoDataFrame(df, geometry=[None] * len(df))
        frames.append(df)
    if len(frames) == 1:
        return frames[0]
    crs = next((f.crs for f in frames if f.crs is not None), None)
    merged = pd.concat([f.to_crs(crs) if f.crs and crs else f for f in frames], ignore_index=True)
    return gpd.GeoDataFrame(merged, geometry="geometry", crs=crs)


def _decode_bytes(ctx: _Ctx, data: bytes, encoding: str | None, legacy: str | None) -> str:
    if legacy:
        return data.decode("latin-1")
    if encoding:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError as exc:
            raise ctx.error(f"not valid {encoding}: {_reason(exc)}") from None
    if b"\x00" in data[:4096]:
        raise ctx.error("cannot read the file: binary data, not a text table")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        first_bad = exc.start
    text = data.decode("utf-8-sig", errors="surrogateescape")
    invalid = sum(1 for ch in text if "\udc80" <= ch <= "\udcff")
    valid = sum(1 for ch in text if ord(ch) > 0x7F) - invalid
    if valid > invalid:
        # Mostly UTF-8: a legacy file's high bytes almost never form valid UTF-8
        # sequences, so this is a UTF-8 file with damaged bytes; never guess around them.
        # Each bad byte becomes a private-use character (_BAD_BYTE + byte) to be found
        # again in the parsed table.
        ctx.bad_utf8 = (first_bad, invalid)
        return re.sub("[\udc80-\udcff]", lambda m: chr(_BAD_BYTE + ord(m.group()) - 0xDC00), text)
    ctx.notes.append(f"{ctx.path}: not UTF-8; read as a single-byte code page")
    return data.decode("cp1252", errors="strict") if _cp1252_ok(data) else data.decode("latin-1")


#: Code point standing for an undecodable byte b as _BAD_BYTE + b (supplementary
#: private use area B, which no Vietnamese text uses).
_BAD_BYTE = 0x10FE00


def _is_escaped_byte(ch: str) -> bool:
    return _BAD_BYTE + 0x80 <= ord(ch) <= _BAD_BYTE + 0xFF


def _show_bad_bytes(value: str) -> str:
    r"""Return ``value`` quoted, its undecodable bytes written ``\xNN``."""
    shown = "".join(f"\\x{ord(c) - _BAD_BYTE:02x}" if _is_escaped_byte(c) else c for c in value)
    return f"'{shown}'"


def _raise_bad_utf8(ctx: _Ctx, data: bytes, frame: pd.DataFrame) -> None:
    """Raise the error for a UTF-8 table with undecodable bytes, naming row and field."""
    assert ctx.bad_utf8 is not None
    first_bad, count = ctx.bad_utf8
    line = data.count(b"\n", 0, first_bad) + 1
    byte = data[first_bad]
    more = f" (and {count - 1} more)" if count > 1 else ""
    what = (
        f"byte 0x{byte:02x} on line {line} of the file{more} is not valid UTF-8, though the "
        "rest of the file is; fix the file, or give its encoding with --encoding "
        "(utf-8, cp1258, tcvn3, vni)"
    )
    for name in frame.columns:
        if any(_is_escaped_byte(c) for c in str(name)):
            raise ctx.error(f"in the header {_show_bad_bytes(str(name))}: {what}")
    for j, name in enumerate(frame.columns):
        col = frame.iloc[:, j]
        for i, v in enumerate(col.tolist()):
            if isinstance(v, str) and any(_is_escaped_byte(c) for c in v):
                raise ctx.error(f"{_show_bad_bytes(v)}: {what}", row=i + 1, field=str(name))
    raise ctx.error(what)


def _cp1252_ok(data: bytes) -> bool:
    try:
        data.decode("cp1252")
    except UnicodeDecodeError:
        return False
    return True


def _sniff_sep(text: str, suffix: str) -> str:
    if suffix == ".tsv":
        return "\t"
    import csv

    sample = "\n".join(text.splitlines()[:50])
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
    except csv.Error:
        pass
    counts = {sep: sample.count(sep) for sep in (",", ";", "\t", "|")}
    best = max(counts, key=lambda s: counts[s])
    return best if counts[best] else ","


def _read_table(
    ctx: _Ctx, *, encoding: str | None, legacy: str | None, sheet: str | int | None
) -> pd.DataFrame:
    """Read a CSV or Excel sheet as strings, finding the header row."""
    import io as _io

    import pandas as pd

    suffix = ctx.path.suffix.lower()
    if suffix in {".xlsx", ".xlsm"}:
        from planning.readers.tables import read_workbook

        table = read_workbook(ctx.path, sheet=sheet, kind=ctx.kind)
        _check_formulas(ctx, table.sheet)
        ctx.sheet = table.sheet
        ctx.excel_rows = [int(r) for r in table.frame["source_row"]]
        ctx.totals = list(table.totals)
        ctx.notes.extend(table.notes)
        frame = table.frame.astype(object)
        return _repair_frame_text(ctx, frame, legacy=legacy, forced=encoding is not None)
    if suffix == ".xls":
        from planning.errors import require

        require("xlrd", extra="io")
        try:
            raw = pd.read_excel(
                ctx.path, sheet_name=0 if sheet is None else sheet, header=None, dtype=object
            )
        except Exception as exc:  # third-party parser: any failure means an unreadable file
            raise ctx.error(f"cannot read the spreadsheet: {_reason(exc)}") from None
    else:
        try:
            data = ctx.path.read_bytes()
        except OSError as exc:
            raise ctx.error(f"cannot read the file: {exc.strerror or exc}") from None
        text = _decode_bytes(ctx, data, encoding, legacy)
        if not text.strip():
            raise ctx.error("the file is empty")
        try:
            raw = pd.read_csv(
                _io.StringIO(text),
                sep=_sniff_sep(text, suffix),
                header=None,
                dtype=str,
                keep_default_na=False,
                skip_blank_lines=True,
                engine="python",
            )
        except Exception as exc:  # third-party parser: any failure means an unreadable file
            raise ctx.error(f"cannot read the table: {_reason(exc)}") from None
    raw = raw.astype(object)
    frame = _apply_header(ctx, raw)
    if ctx.bad_utf8 is not None:
        _raise_bad_utf8(ctx, data, frame)
    return _repair_frame_text(ctx, frame, legacy=legacy, forced=encoding is not None)


def _check_formulas(ctx: _Ctx, sheet: str | int | None) -> None:
    """Refuse formula cells that have no saved value (the file was never recalculated).

    A workbook written by a script (openpyxl, xlsxwriter …) holds formulas but not their
    results; read as values they are empty, losing areas, names or coordinates quietly.
    """
    try:
        title, formulas = _sheet_cells(ctx.path, sheet, data_only=False)
        formulas = {k: v for k, v in formulas.items() if isinstance(v, str) and v.startswith("=")}
        if not formulas:
            return
        _, saved = _sheet_cells(ctx.path, sheet, data_only=True)
    except Exception as exc:  # third-party parser: any failure means an unreadable file
        raise ctx.error(f"cannot read the spreadsheet: {_reason(exc)}") from None
    empty = [k for k in formulas if saved.get(k) is None]
    if not empty:
        return
    shown = ", ".join(empty[:8]) + (f" and {len(empty) - 8} more" if len(empty) > 8 else "")
    raise ctx.error(
        f"{len(empty)} formula cell(s) with no saved value ({shown}): the workbook was "
        "written by a program that does not calculate formulas; open and save it in "
        "Excel or LibreOffice, or replace the formulas by their values",
        ident=f"sheet {title!r}",
    )


def _sheet_cells(
    path: Path, sheet: str | int | None, *, data_only: bool
) -> tuple[str, dict[str, Any]]:
    """Return a sheet's title and ``{cell reference: value}`` of its non-empty cells."""
    import openpyxl

    wb = openpyxl.load_workbook(path, read_only=True, data_only=data_only)
    try:
        ws = wb[sheet] if isinstance(sheet, str) else wb.worksheets[sheet or 0]
        values = {
            c.coordinate: c.value
            for row in ws.iter_rows()
            for c in row
            if getattr(c, "value", None) is not None or data_only
            if hasattr(c, "coordinate")
        }
        return str(ws.title), values
    finally:
        wb.close()


def _header_score(cells: Iterable[object], kind: Kind) -> int:
    aliases = COLUMN_ALIASES[kind]
    score = 0
    for c in cells:
        t = _text(c)
        if t and (_norm(t) in aliases or _norm(t) in COORDINATE_ALIASES):
            score += 1
    return score


def _apply_header(ctx: _Ctx, raw: pd.DataFrame) -> pd.DataFrame:
    import pandas as pd

    raw = raw.dropna(how="all")
    raw = raw.loc[[any(_text(v) for v in row) for row in raw.itertuples(index=False)]]
    if raw.empty:
        raise ctx.error("the table has no rows")
    # Title lines often sit above the header in decision appendices: take the first of
    # the first 20 rows that names at least two known columns.
    header_at = 0
    for i in range(min(20, len(raw))):
        cells = list(raw.iloc[i])
        # Legacy-encoded headers are repaired before matching.
        fixed, _ = repair_texts([_text(c) for c in cells])
        if _header_score(fixed, ctx.kind) >= 2:
            header_at = i
            break
    header = [_text(c) for c in raw.iloc[header_at]]
    names: list[str] = []
    for j, h in enumerate(header):
        name = h or f"column_{j + 1}"
        while name in names:
            name += "_"
        names.append(name)
    body = raw.iloc[header_at + 1 :].reset_index(drop=True)
    body.columns = pd.Index(names)
    if header_at:
        line = int(raw.index[header_at]) + 1
        ctx.notes.append(f"{ctx.path}: header found on line {line}")
    return body


def _repair_frame_text(ctx: _Ctx, frame: Any, *, legacy: str | None, forced: bool) -> Any:
    """Repair legacy-encoded text in column names and string columns, in place."""
    geom_name = getattr(frame, "_geometry_column_name", None)
    names = [str(c) for c in frame.columns]
    fixed_names, _ = repair_texts(names, encoding=legacy or ("unicode" if forced else None))
    rename = {old: new for old, new in zip(frame.columns, fixed_names, strict=True) if old != new}
    if rename:
        frame = frame.rename(columns=rename)
        if geom_name in rename:
            frame = frame.set_geometry(rename[geom_name])
    import numpy as np
    import pandas as pd

    for col in frame.columns:
        if col == geom_name:
            continue
        # Work once per distinct string (a column of a million cells often holds a few
        # dozen values); other cells pass through unchanged, as in repair_texts.
        values = _object_array(frame[col])
        is_str = np.fromiter((isinstance(v, str) for v in values), dtype=bool, count=len(values))
        if not is_str.any():
            continue
        codes, uniques = pd.factorize(values[is_str])
        counts = np.bincount(codes, minlength=len(uniques))
        fixed, det = repair_distinct(
            list(uniques),
            counts.tolist(),
            encoding=legacy or ("unicode" if forced else None),
        )
        if det.encoding != "unicode" and det.confidence < LEGACY_MIN_CONFIDENCE:
            message = (
                f"{ctx.path}: column {col!r} looks mis-encoded, but no legacy encoding fits "
                f"it (best {det.encoding}, confidence {det.confidence:.2f} < "
                f"{LEGACY_MIN_CONFIDENCE}); left as read: give the file's encoding with "
                "--encoding (utf-8, cp1258, tcvn3, vni)"
            )
            ctx.notes.append(message)
            warnings.warn(message, LegacyEncodingWarning, stacklevel=2)
            continue
        if det.encoding != "unicode":
            ctx.notes.append(
                f"{ctx.path}: column {col!r} decoded from {det.encoding} "
                f"(confidence {det.confidence:.2f})"
            )
        if any(f != u for f, u in zip(fixed, uniques, strict=True)):
            out = values.copy()
            out[is_str] = _object_array(fixed)[codes]
            frame[col] = _object_series(out, frame.index)
    return frame


def _object_array(values: Iterable[Any]) -> Any:
    """Return the values as a 1-D object ndarray (the same objects as ``list(values)``)."""
    import numpy as np
    import pandas as pd

    if isinstance(values, pd.Series) and (
        values.dtype == object or isinstance(values.dtype, pd.StringDtype)
    ):
        # The same objects (strings, and NaN/None/NA for missing) without iterating.
        return values.to_numpy(dtype=object, copy=True)
    items = list(values)
    return np.fromiter(items, dtype=object, count=len(items))


def _per_value(values: Iterable[Any], func: Any) -> list[Any]:
    """``[func(v) for v in values]``, calling ``func`` once per distinct string or float.

    ``func`` must depend only on the value. Strings and non-zero finite floats are grouped
    with :func:`pandas.factorize`; other cells (None, NaN, ±0.0, numbers of other types,
    bytes …) are passed one by one.
    """
    import numpy as np
    import pandas as pd

    arr = _object_array(values)
    n = len(arr)
    out = np.empty(n, dtype=object)
    kind = np.fromiter(
        (
            1 if type(v) is str else 2 if type(v) is float and v != 0 and math.isfinite(v) else 0
            for v in arr
        ),
        dtype=np.int8,
        count=n,
    )
    for k in (1, 2):
        rows = kind == k
        if not rows.any():
            continue
        group = arr[rows] if k == 1 else np.asarray(arr[rows], dtype=float)
        codes, uniques = pd.factorize(group)
        mapped = np.empty(len(uniques), dtype=object)
        for j, u in enumerate(uniques.tolist()):
            mapped[j] = func(u)
        out[rows] = mapped[codes]
    for i in np.flatnonzero(kind == 0):
        out[i] = func(arr[i])
    return out.tolist()


def _object_series(values: Any, index: Any) -> Any:
    import pandas as pd

    return pd.Series(values, index=index, dtype=object)


def _materialise(frame: Any) -> Any:
    """Turn Arrow-backed columns into Python objects (decoding every value now)."""
    geom_name = getattr(frame, "_geometry_column_name", None)
    for col in list(frame.columns):
        if col != geom_name:
            frame[col] = _object_series(_object_array(frame[col]), frame.index)
    return frame


def _geo_metadata(ctx: _Ctx) -> dict[str, Any] | None:
    """Return the file's GeoParquet ``geo`` metadata, None when it has none.

    Raises a :class:`PlanDataError` saying what is wrong when the metadata is there but
    is not a JSON object naming an existing primary geometry column.
    """
    import json

    import pyarrow.parquet as pq

    try:
        schema = pq.read_schema(ctx.path)
    except Exception as exc:  # third-party parser: any failure means an unreadable file
        raise ctx.error(f"cannot read the file: {_reason(exc)}") from None
    raw = (schema.metadata or {}).get(b"geo")
    if raw is None:
        return None
    bad = "the GeoParquet 'geo' metadata"
    fix = "; rewrite the file with a GeoParquet writer (geopandas, GDAL)"
    try:
        geo = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ctx.error(f"{bad} is not valid JSON ({_reason(exc)}){fix}") from None
    if not isinstance(geo, dict):
        raise ctx.error(f"{bad} is not a JSON object{fix}")
    primary, columns = geo.get("primary_column"), geo.get("columns")
    if not isinstance(columns, dict) or not columns:
        raise ctx.error(f"{bad} lists no geometry columns{fix}")
    if primary not in columns:
        raise ctx.error(f"{bad} names primary column {primary!r}, which it does not describe{fix}")
    if primary not in schema.names:
        raise ctx.error(
            f"{bad} names geometry column {primary!r}, which is not in the file "
            f"(columns: {', '.join(schema.names[:10])}){fix}"
        )
    return geo


def _read_parquet(
    ctx: _Ctx, *, columns: Mapping[str, str] | None, crs: Any, helmert: Helmert | None
) -> gpd.GeoDataFrame:
    import geopandas as gpd
    import pandas as pd

    table = False
    geo = _geo_metadata(ctx)
    try:
        try:
            gdf = _materialise(gpd.read_parquet(ctx.path))
        except ValueError as exc:
            if "geo" not in str(exc).lower():
                raise
            if geo is not None:
                raise ctx.error(
                    f"the GeoParquet 'geo' metadata is unusable ({_reason(exc)}); "
                    "rewrite the file with a GeoParquet writer (geopandas, GDAL)"
                ) from None
            table = True
            frame = _materialise(pd.read_parquet(ctx.path))
    except PlanningError:
        raise
    except Exception as exc:  # third-party parser: any failure means an unreadable file
        raise ctx.error(f"cannot read the file: {_reason(exc)}") from None
    if table:
        frame = _repair_frame_text(ctx, frame, legacy=None, forced=False)
        return _table_to_layer(ctx, frame, columns=columns, crs=crs, helmert=helmert)
    gdf = _repair_frame_text(ctx, gdf, legacy=None, forced=False)
    if gdf.crs is None and crs is None:
        raise CRSError("the GeoParquet file has no CRS; give it explicitly", path=ctx.path)
    return _vector_to_layer(ctx, gdf, columns=columns, crs=crs, helmert=helmert)


# -- columns --------------------------------------------------------------------------------


def _column_map(
    ctx: _Ctx,
    names: list[str],
    columns: Mapping[str, str] | None,
    *,
    empty: set[str] | frozenset[str] = frozenset(),
) -> dict[str, str]:
    """Return {source column: canonical or coordinate role}.

    ``empty`` names columns with only empty values: they are never mapped by alias.
    """
    allowed = set(_COLUMNS[ctx.kind]) | {"declared_m2"}
    out: dict[str, str] = {}
    taken: set[str] = set()
    for src, dst in (columns or {}).items():
        if src not in names:
            raise ctx.error(
                f"column {src!r} given in columns= is not in the file; it has: "
                + ", ".join(names[:20])
            )
        if dst not in allowed and dst not in COORDINATE_ALIASES.values():
            raise ctx.error(
                f"columns= maps {src!r} to {dst!r}, which is not a column of a {ctx.kind} "
                f"layer ({', '.join(sorted(allowed))}) nor lon/lat/x/y/wkt"
            )
        out[src] = dst
        taken.add(dst)
    aliases = COLUMN_ALIASES[ctx.kind]
    candidates: dict[str, list[tuple[int, int, str]]] = {}
    for position, name in enumerate(names):
        if name in out or name in empty:  # a column of only empty values is never chosen
            continue
        key = _norm(name)
        dst = aliases.get(key) or COORDINATE_ALIASES.get(key) or _truncated_alias(ctx, name)
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


def _truncated_alias(ctx: _Ctx, name: str) -> str:
    """Return the column a DBF field name cut to 10 characters stands for, or "".

    ``declared_h``, ``district_v``, ``Dien_tich_``: used when exactly one known name
    starts with it.
    """
    if len(name) != _DBF_NAME_LENGTH:
        return ""
    key = _norm(name)
    if len(key) < 4:
        return ""
    aliases = COLUMN_ALIASES[ctx.kind]
    hits = {v for k, v in aliases.items() if k.startswith(key)}
    hits |= {v for k, v in COORDINATE_ALIASES.items() if k.startswith(key)}
    if len(hits) != 1:
        return ""
    dst = hits.pop()
    ctx.notes.append(f"{ctx.path}: column {name!r} read as {dst} (a name cut to 10 characters)")
    return dst


def _empty_columns(frame: Any, names: list[str]) -> set[str]:
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


def _mapped(ctx: _Ctx, frame: Any, columns: Mapping[str, str] | None) -> tuple[Any, dict[str, str]]:
    geom_name = getattr(frame, "_geometry_column_name", None)
    names = [str(c) for c in frame.columns if c != geom_name]
    cmap = _column_map(ctx, names, columns, empty=_empty_columns(frame, names))
    _warn_unmapped(ctx, names, cmap)
    coords = {v: k for k, v in cmap.items() if v in COORDINATE_ALIASES.values()}
    attr_map = {k: v for k, v in cmap.items() if v not in COORDINATE_ALIASES.values()}
    # Rename, moving clashing unmapped columns out of the way.
    clash = {
        c: f"{c}_original" for c in frame.columns if c in attr_map.values() and c not in attr_map
    }
    frame = frame.rename(columns={**clash, **attr_map})
    return frame, coords


class UnmappedColumnsWarning(PlanningWarning):
    """Columns of a shapefile map to no column of the layer; their data is kept as is."""


def _warn_unmapped(ctx: _Ctx, names: list[str], cmap: Mapping[str, str]) -> None:
    """Warn about a shapefile's columns that map to nothing.

    They are often names cut to 10 characters that match no known column.
    """
    if ctx.path.suffix.lower() not in {".shp", ".dbf", ".zip"}:
        return
    unmapped = [n for n in names if n not in cmap and n not in _COLUMNS[ctx.kind]]
    if unmapped:
        message = (
            f"{ctx.path}: column(s) {', '.join(repr(n) for n in unmapped)} map to no column "
            f"of a {ctx.kind} layer and are kept unchecked; if one holds a known field, name "
            "it with columns= (a DBF cuts names to 10 characters)"
        )
        ctx.notes.append(message)
        warnings.warn(message, UnmappedColumnsWarning, stacklevel=4)


# -- tables → layer ---------------------------------------------------------------------------


_TOTAL_LINE = re.compile(r"(tong cong|tong so|tong|cong|total|sum)\s*[:.]?\s*(\(.*\))?\s*")


#: A cheap superset of the names :data:`_TOTAL_LINE` matches once folded ("Tổng cộng" …).
_TOTAL_START = re.compile(r"\s*(t\S*ng|c\S*ng|total|sum)\b", re.I)


def _group_rows(ctx: _Ctx, frame: pd.DataFrame) -> pd.DataFrame:
    """Drop total lines and use district heading lines ("II. Huyện Thạch Thất") as context.

    Only rows that can be a heading (no commune, no area) or a total line (no commune, a
    name starting like "Tổng", "Cộng", "Total", "Sum") are looked at one by one, so a
    large table of ordinary rows costs a few array operations.
    """
    if ctx.kind != "clusters" or "name_vi" not in frame.columns:
        return frame
    import numpy as np

    n = len(frame)

    def texts(col: str) -> Any:
        if col not in frame.columns:
            return np.full(n, "", dtype=object)
        return np.asarray(_per_value(frame[col], _text), dtype=object)

    names = texts("name_vi")
    no_commune = texts("commune_vi") == ""
    no_area = (texts("declared_ha") == "") & (texts("declared_m2") == "")
    starts_total = (
        np.fromiter((bool(_TOTAL_START.match(v)) for v in names), dtype=bool, count=n)
        if n
        else np.zeros(0, dtype=bool)
    )
    keep = np.ones(n, dtype=bool)
    heading_at: list[int] = []
    heading_name: list[str] = []
    for i in np.flatnonzero(no_commune & (no_area | starts_total)).tolist():
        name = str(names[i])
        if no_area[i]:
            bare = re.sub(r"^\s*([ivxlcdm]+|\d+|[a-z])\s*[.):/-]\s*", "", name, flags=re.I)
            kind, rest = split_admin_prefix(bare)
            if kind in {"huyện", "quận", "thị xã"}:
                keep[i] = False
                heading_at.append(i)
                heading_name.append(rest)
                continue
        if starts_total[i] and _TOTAL_LINE.fullmatch(fold(name)):
            ctx.notes.append(f"{ctx.path}: total line {name!r} skipped")
            keep[i] = False
    out = frame.loc[keep].copy()
    if heading_at:
        # Each kept row takes the last heading above it ("" above the first heading).
        labels = np.asarray(["", *heading_name], dtype=object)
        rows = np.flatnonzero(keep)
        chosen = labels[np.searchsorted(np.asarray(heading_at), rows, side="right")]
        if any(chosen):
            if "district_vi" not in frame.columns:
                out["district_vi"] = _object_series(chosen, out.index)
            else:
                own = np.asarray(_per_value(out["district_vi"], _text), dtype=object)
                cur = np.where(own != "", own, chosen)
                out["district_vi"] = _object_series(cur, out.index)
            ctx.notes.append(f"{ctx.path}: districts taken from heading lines")
    return out.reset_index(drop=True)


def _number_or_none(v: object) -> float | None:
    """Return a cell as a float (NaN when empty), or None when it is not a finite number."""
    t = _text(v).replace(",", ".") if isinstance(v, str) else v
    if _is_missing(t) or t == "":
        return math.nan
    try:
        x = float(t)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return x if math.isfinite(x) else None


def _numbers(ctx: _Ctx, frame: pd.DataFrame, col: str) -> list[float]:
    out = _per_value(frame[col], _number_or_none)
    for i, x in enumerate(out, start=1):
        if x is None:
            v = frame[col].iloc[i - 1]
            t = _text(v).replace(",", ".")
            try:
                float(t)
            except (TypeError, ValueError):
                raise ctx.error(f"{_text(v)!r} is not a number", row=i, field=col) from None
            raise ctx.error(f"{_text(v)!r} is not a finite number", row=i, field=col)
    return out


def _table_to_layer(
    ctx: _Ctx,
    frame: pd.DataFrame,
    *,
    columns: Mapping[str, str] | None,
    crs: Any,
    helmert: Helmert | None,
) -> gpd.GeoDataFrame:
    import geopandas as gpd
    import shapely

    frame, coords = _mapped(ctx, frame, columns)
    if ctx.excel_rows is None:  # planning.readers.tables has classified a workbook's rows already
        frame = _group_rows(ctx, frame)
    if frame.empty:
        raise ctx.error("the table has no data rows")
    n = len(frame)
    geoms: list[Any] = [None] * n
    source_crs: Any = crs
    if "wkt" in coords:
        col = coords["wkt"]
        for i, v in enumerate(frame[col]):
            t = _text(v)
            if not t:
                continue
            try:
                g = shapely.from_wkt(t)
            except Exception as exc:  # shapely's GEOS errors: unreadable WKT
                raise ctx.error(f"unreadable WKT: {_reason(exc)}", row=i + 1, field=col) from None
            geoms[i] = None if g is None or g.is_empty else g
        frame = frame.drop(columns=[col])
        source_crs = crs if crs is not None else WGS84
    elif ("lon" in coords and "lat" in coords) or ("x" in coords and "y" in coords):
        if "lon" in coords and "lat" in coords:
            xcol, ycol = coords["lon"], coords["lat"]
            source_crs = crs if crs is not None else WGS84
        else:
            xcol, ycol = coords["x"], coords["y"]
            xs_probe = [v for v in _numbers(ctx, frame, xcol) if not math.isnan(v)]
            if crs is None:
                if xs_probe and all(-180 <= v <= 180 for v in xs_probe):
                    source_crs = WGS84
                    ctx.notes.append(f"{ctx.path}: x/y columns read as longitude/latitude")
                else:
                    raise CRSError(
                        f"columns {xcol!r}/{ycol!r} hold projected coordinates but the "
                        "table has no CRS; give it, for example crs='EPSG:5897' "
                        "(VN-2000 / TM-3 105°E, Hanoi)",
                        path=ctx.path,
                    )
        import numpy as np

        xs = np.asarray(_numbers(ctx, frame, xcol), dtype=float)
        ys = np.asarray(_numbers(ctx, frame, ycol), dtype=float)
        half = np.isnan(xs) != np.isnan(ys)
        if half.any():
            i = int(np.flatnonzero(half)[0])
            bad = ycol if math.isnan(ys[i]) else xcol
            raise ctx.error("coordinate missing (the other one is given)", row=i + 1, field=bad)
        points = shapely.points(xs, ys)
        points[np.isnan(xs)] = None
        geoms = points.tolist()
        frame = frame.drop(columns=[xcol, ycol])
    elif "lon" in coords or "lat" in coords or "x" in coords or "y" in coords:
        have = next(iter(coords.values()))
        raise ctx.error(
            "only one coordinate column found; need both longitude and latitude "
            "(lon/lat, kinh_do/vi_do) or x and y",
            field=have,
        )
    placed = [g is not None for g in geoms]
    if not any(placed):
        source_crs = crs if crs is not None else WGS84
    gdf = gpd.GeoDataFrame(frame, geometry=geoms, crs=None)
    unplaced = [i for i, ok in enumerate(placed) if not ok]
    if unplaced and ctx.kind != "clusters":
        raise ctx.error("row has no geometry", row=unplaced[0] + 1, field="geometry")
    for i in unplaced:
        if not _placeable(frame.iloc[i]):
            raise ctx.error(
                "row has no location: give coordinates (lon/lat or x/y), a WKT geometry, "
                "or the commune and district",
                row=i + 1,
                field="commune_vi",
                ident=_ident(ctx, frame.iloc[i]),
            )
    gdf = to_wgs84(gdf, source=source_crs, helmert=helmert, path=ctx.path)
    gdf.attrs.setdefault("needs_placement_rows", unplaced)
    if unplaced:
        gdf["needs_placement"] = [not ok for ok in placed]
    return gdf


def _vector_to_layer(
    ctx: _Ctx,
    raw: gpd.GeoDataFrame,
    *,
    columns: Mapping[str, str] | None,
    crs: Any,
    helmert: Helmert | None,
) -> gpd.GeoDataFrame:
    import geopandas as gpd
    import shapely

    if len(raw) == 0:
        raise ctx.error("the layer is empty (no features)")
    geom_name = raw.geometry.name
    frame, _coords = _mapped(ctx, raw, columns)
    if frame.geometry.name != geom_name:
        frame = frame.set_geometry(geom_name)
    geoms = shapely.force_2d(frame.geometry.array)
    frame = frame.set_geometry(gpd.GeoSeries(geoms, index=frame.index, crs=frame.crs))
    missing = shapely.is_missing(geoms) | shapely.is_empty(geoms)
    if missing.any():
        first = int(missing.nonzero()[0][0])
        if ctx.kind != "clusters" or not _placeable(frame.iloc[first]):
            raise ctx.error(
                "feature has no geometry (empty, null or unreadable)",
                row=first + 1,
                field="geometry",
                ident=_ident(ctx, frame.iloc[first]),
            )
        frame.loc[missing, geom_name] = None
    out = to_wgs84(frame, source=crs, helmert=helmert, path=ctx.path)
    if missing.any():
        out["needs_placement"] = list(missing)
    return out


def _placeable(rec: Any) -> bool:
    return bool(_text(rec.get("commune_vi")) or _text(rec.get("district_vi")))


def _ident(ctx: _Ctx, rec: Any) -> str | None:
    col = _ID_COLUMN[ctx.kind]
    value = _text(rec.get(col)) if hasattr(rec, "get") else ""
    return f"{col}={value}" if value else None


# -- checks common to every format ------------------------------------------------------------


def _check_coordinates(ctx: _Ctx, gdf: gpd.GeoDataFrame) -> None:
    import numpy as np
    import shapely

    geoms = np.asarray(gdf.geometry.array, dtype=object)
    present = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    if not present.any():
        return
    coords, index = shapely.get_coordinates(geoms, return_index=True)
    bad_rows = index[~np.isfinite(coords).all(axis=1)]
    if bad_rows.size:
        first = int(bad_rows[0])
        raise ctx.error("coordinates are not finite numbers (NaN or infinity)", row=first + 1,
                        field="geometry", ident=_ident(ctx, gdf.iloc[first]))  # fmt: skip
    b = shapely.bounds(geoms)
    w, s, e, n = VIETNAM_BOUNDS
    with np.errstate(invalid="ignore"):
        inside = (w <= b[:, 0]) & (b[:, 2] <= e) & (s <= b[:, 1]) & (b[:, 3] <= n)
    for i in np.flatnonzero(present & ~inside)[:1]:
        minx, miny, maxx, maxy = (float(v) for v in b[i])
        if not all(math.isfinite(v) for v in (minx, miny, maxx, maxy)):
            raise ctx.error("coordinates are not finite numbers", row=int(i) + 1,
                            field="geometry", ident=_ident(ctx, gdf.iloc[i]))  # fmt: skip
        ident = _ident(ctx, gdf.iloc[i])
        src = gdf.attrs.get("source_crs", "")
        if w <= miny and maxy <= e and s <= minx and maxx <= n:
            raise ctx.error(
                f"latitude and longitude are swapped (x={_coord(minx, 5)}, y={_coord(miny, 5)} is "
                "latitude, longitude); swap the columns or the coordinate order",
                row=int(i) + 1,
                field="geometry",
                ident=ident,
            )
        if src == "EPSG:4326" and (abs(minx) > 180 or abs(maxy) > 90):
            raise ctx.error(
                f"coordinates (x={_coord(minx, 1)}, y={_coord(miny, 1)}) are not longitude/latitude but "
                "the layer is read as EPSG:4326; give the CRS they are in, for example "
                "EPSG:5897 (VN-2000 / TM-3 105°E, Hanoi)",
                row=int(i) + 1,
                field="geometry",
                ident=ident,
            )
        raise ctx.error(
            f"coordinates outside Viet Nam (lon {_coord(minx, 4)}..{_coord(maxx, 4)}, "
            f"lat {_coord(miny, 4)}..{_coord(maxy, 4)}"
            f" after reading the layer as {src or 'its CRS'}); is the CRS right?",
            row=int(i) + 1,
            field="geometry",
            ident=ident,
        )


def _coord(value: float, decimals: int) -> str:
    """Format a coordinate for a message: fixed decimals, or 4 significant digits when huge.

    >>> _coord(105.51234567, 4), _coord(1e308, 4)
    ('105.5123', '1e+308')
    """
    return f"{value:.{decimals}f}" if abs(value) < 1e9 else f"{value:.4g}"


_POLY = {"Polygon", "MultiPolygon"}


def _polygonal_parts(geom: Any) -> Any:
    import shapely

    if geom.geom_type in _POLY:
        return geom
    parts = [g for g in getattr(geom, "geoms", []) if g.geom_type in _POLY]
    polys = [p for g in parts for p in getattr(g, "geoms", [g])]
    if not polys:
        return shapely.Polygon()
    return polys[0] if len(polys) == 1 else shapely.MultiPolygon(polys)


def _approx_ha(geom: Any) -> float:
    """Area in ha, good to about 1 % at Hanoi's latitude (for reports, not for checks)."""
    if geom is None or geom.is_empty:
        return 0.0
    lat = geom.centroid.y
    return float(geom.area) * (111_320.0**2) * math.cos(math.radians(lat)) / 10_000.0


def _check_geometries(ctx: _Ctx, gdf: gpd.GeoDataFrame, *, fix: bool) -> gpd.GeoDataFrame:
    import numpy as np
    import shapely

    geoms = np.asarray(gdf.geometry.array, dtype=object)
    present = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    types = [g.geom_type if ok else None for g, ok in zip(geoms, present, strict=True)]
    kinds = {t for t in types if t}
    polygons_only = ctx.kind != "clusters" or not kinds <= {"Point", "MultiPoint"}
    # A row that says it is a location only (``geometry_kind = point``, as planning's own
    # exports do) may be a point among polygons: the layer then round-trips.
    location_only = (
        gdf["geometry_kind"].astype(str).str.strip().str.lower().eq("point").to_numpy()
        if ctx.kind == "clusters" and "geometry_kind" in gdf.columns
        else np.zeros(len(gdf), dtype=bool)
    )
    for i, t in enumerate(types):
        if t is None or t in _POLY:
            continue
        if t in {"Point", "MultiPoint"} and (not polygons_only or location_only[i]):
            continue
        ident = _ident(ctx, gdf.iloc[i])
        if t == "GeometryCollection" and fix:
            continue  # made polygonal below
        if t in {"Point", "MultiPoint"} and kinds & _POLY:
            what = "mixed geometries: points among polygons; a layer needs one kind"
        elif t in {"Point", "MultiPoint"}:
            what = f"a {t} where a {ctx.kind} layer needs polygons"
        else:
            what = f"a {t} where polygons are needed"
        raise ctx.error(what, row=i + 1, field="geometry", ident=ident)
    changed: list[str] = []
    new = list(geoms)
    for i, g in enumerate(geoms):
        if not present[i] or g.geom_type in {"Point", "MultiPoint"}:
            continue
        if g.geom_type in _POLY and shapely.is_valid(g):
            continue
        reason = shapely.is_valid_reason(g)
        ident = _ident(ctx, gdf.iloc[i])
        if not fix:
            raise ctx.error(
                f"invalid polygon: {reason}; repair it in the source, or read with fix=True "
                "(--fix) to apply make_valid",
                row=i + 1,
                field="geometry",
                ident=ident,
            )
        try:
            repaired = _polygonal_parts(shapely.make_valid(g))
        except shapely.errors.GEOSException as exc:
            raise ctx.error(
                f"invalid polygon ({reason}) cannot be repaired: {_reason(exc)}",
                row=i + 1,
                field="geometry",
                ident=ident,
            ) from None
        if repaired.is_empty:
            raise ctx.error(
                f"invalid polygon ({reason}) has no area left after make_valid",
                row=i + 1,
                field="geometry",
                ident=ident,
            )
        before, after = _approx_ha(g), _approx_ha(repaired)
        label = f"row {i + 1}" + (f" ({ident})" if ident else "")
        changed.append(
            f"{label}: {reason} → repaired with make_valid ({g.geom_type} → "
            f"{repaired.geom_type}, about {before:.3f} → {after:.3f} ha)"
        )
        new[i] = repaired
    if changed:
        import geopandas as gpd

        gdf = gdf.copy()
        gdf[gdf.geometry.name] = gpd.GeoSeries(new, index=gdf.index, crs=gdf.crs)
        ctx.fixes.extend(changed)
        warnings.warn(
            f"{ctx.path}: repaired {len(changed)} invalid geometr"
            f"{'y' if len(changed) == 1 else 'ies'}: " + "; ".join(changed),
            GeometryFixWarning,
            stacklevel=3,
        )
    return gdf


def _fill_columns(ctx: _Ctx, gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    import numpy as np
    import shapely

    n = len(gdf)
    canon = _COLUMNS[ctx.kind]
    gdf = gdf.copy()
    # Areas: parse the published forms; convert m² columns.
    if "declared_ha" in canon:
        src_col = "declared_ha" if "declared_ha" in gdf.columns else None
        if src_col is None and "declared_m2" in gdf.columns:
            src_col = "declared_m2"
        source = list(gdf[src_col]) if src_col else [None] * n
        parsed = _per_value(source, _try_parse_area)
        for i, res in enumerate(parsed):
            if res is None:  # the first unreadable area: raise parse_area's own message
                try:
                    parse_area(source[i])
                except ValueError as exc:
                    raise ctx.error(
                        f"unreadable area: {exc}",
                        row=i + 1,
                        field=src_col,
                        ident=_ident(ctx, gdf.iloc[i]),
                    ) from None
        if src_col == "declared_m2":
            areas = [a / 10_000.0 for a, _ in parsed]
        else:
            areas = [a for a, _ in parsed]
        quals = [q for _, q in parsed]
        if src_col == "declared_m2":
            ctx.notes.append(f"{ctx.path}: areas converted from m² to ha")
            gdf = gdf.drop(columns=["declared_m2"])
        gdf["declared_ha"] = np.asarray(areas, dtype=float)
        if ctx.kind == "clusters":
            given = _per_value(gdf["area_qualifier"], _text) if "area_qualifier" in gdf else []
            gdf["area_qualifier"] = [
                (given[i] if given and given[i] else quals[i]) for i in range(n)
            ]
    geoms = np.asarray(gdf.geometry.array, dtype=object)
    present = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    is_point = np.array(
        [
            bool(ok) and g.geom_type in {"Point", "MultiPoint"}
            for g, ok in zip(geoms, present, strict=True)
        ]
    )
    needs = (
        np.asarray(gdf["needs_placement"], dtype=bool)
        if "needs_placement" in gdf.columns
        else np.zeros(n, dtype=bool)
    )
    for col in canon:
        if col not in gdf.columns and col != "declared_ha":
            gdf[col] = _object_series([""] * n, gdf.index)
    for col in canon:
        if col == "declared_ha":
            continue
        values = _per_value(gdf[col], _text)
        if col == "geometry_kind":
            values = [
                v
                or (
                    ("indicative" if math.isfinite(gdf["declared_ha"].iloc[i]) else "point")
                    if needs[i]
                    else ("point" if is_point[i] else CLUSTER_DEFAULTS["geometry_kind"])
                )
                for i, v in enumerate(values)
            ]
            for i, v in enumerate(values if not set(values) <= set(GEOMETRY_KINDS) else []):
                if v not in GEOMETRY_KINDS:
                    raise ctx.error(
                        f"geometry_kind {v!r} is not one of {', '.join(GEOMETRY_KINDS)}",
                        row=i + 1,
                        field="geometry_kind",
                        ident=_ident(ctx, gdf.iloc[i]),
                    )
        elif col == "location_precision":
            values = [
                v
                or (
                    ("commune" if _text(gdf["commune_vi"].iloc[i]) else "district")
                    if needs[i] and "commune_vi" in gdf.columns
                    else ("district" if needs[i] else "coordinates" if is_point[i] else "digitized")
                )
                for i, v in enumerate(values)
            ]
        elif col == "commune_vi":
            values = _split_locations(values, gdf)
        elif col == "district_vi":
            values = _per_value(values, _bare_name)
        elif col == "district_type" and "district_vi" in gdf.columns:
            types = _per_value(gdf["district_vi"], _admin_type)
            values = [v or t for v, t in zip(values, types, strict=True)]
        elif not any(values) and col in CLUSTER_DEFAULTS:
            values = [CLUSTER_DEFAULTS[col]] * n
        else:
            values = [v or CLUSTER_DEFAULTS.get(col, "") for v in values]
        gdf[col] = _object_series(values, gdf.index)
    if ctx.kind == "districts":
        gdf["district_vi"] = _per_value(gdf["district_vi"], _text_bare_name)
    return gdf


def _try_parse_area(value: object) -> tuple[float, str] | None:
    try:
        return parse_area(value)
    except ValueError:
        return None


def _bare_name(value: str) -> str:
    return split_admin_prefix(value)[1] if value else ""


def _admin_type(value: object) -> str:
    return split_admin_prefix(_text(value))[0]


def _text_bare_name(value: object) -> str:
    return split_admin_prefix(_text(value))[1]


def _split_locations(values: list[str], gdf: Any) -> list[str]:
    """Communes from location cells, :func:`_split_location` once per distinct cell.

    A district part fills an empty ``district_vi`` of the same row.
    """
    import numpy as np

    split = _per_value(values, _split_location)
    communes = [c for c, _ in split]
    districts = [d for _, d in split]
    rows = [i for i, d in enumerate(districts) if d is not None]
    if rows:
        current = list(gdf["district_vi"])
        fill = [i for i in rows if not _text(current[i])]
        if fill:
            column = _object_array(current)
            column[np.asarray(fill)] = _object_array([districts[i] for i in fill])
            gdf["district_vi"] = _object_series(column, gdf.index)
    return communes


def _split_location(value: str) -> tuple[str, str | None]:
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
        if kind in {"xã", "phường", "thị trấn"} and not commune:
            commune = bare
        elif kind in {"huyện", "quận", "thị xã"} and district is None:
            district = bare
    return commune or split_admin_prefix(parts[0])[1], district


def _check_ids(ctx: _Ctx, gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    col = _ID_COLUMN[ctx.kind]
    ids = [_text(v) for v in gdf[col]]
    if ctx.kind != "districts" and not any(ids):
        stem = ctx.path.stem
        ids = [f"{stem}-{i:03d}" for i in range(1, len(ids) + 1)]
        ctx.notes.append(f"{ctx.path}: no id column; ids {ids[0]}… assigned by row")
        gdf[col] = _object_series(ids, gdf.index)
        return gdf
    seen: dict[str, int] = {}
    for i, v in enumerate(ids, start=1):
        if not v:
            if ctx.kind == "districts":
                continue
            raise ctx.error("empty id", row=i, field=col)
        key = v.casefold()
        if key in seen:
            raise ctx.error(
                f"duplicate {col} {v!r} (also on row {seen[key]})",
                row=i,
                field=col,
                ident=f"{col}={v}",
            )
        seen[key] = i
    return gdf


def _check_area_units(ctx: _Ctx, gdf: gpd.GeoDataFrame) -> None:
    import numpy as np

    if "declared_ha" not in gdf.columns:
        return
    declared = np.asarray(gdf["declared_ha"], dtype=float)
    ok = np.isfinite(declared) & (declared > 0)
    if not ok.any():
        return
    geoms = np.asarray(gdf.geometry.array, dtype=object)
    poly = np.array(
        [g is not None and not g.is_empty and g.geom_type in _POLY for g in geoms], dtype=bool
    )
    both = ok & poly
    message = ""
    if both.sum() >= 1:
        measured = np.array([_approx_ha(g) for g in geoms[both]])
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = float(np.nanmedian(declared[both] / measured))
        if 2_000 <= ratio <= 50_000:
            message = (
                f"declared areas are about {ratio:,.0f} times the measured polygon areas: "
                "they look like m², not ha"
            )
    if not message:
        median = float(np.median(declared[ok]))
        limit = 1_000.0 if ctx.kind == "clusters" else 100_000.0
        if median > limit:
            message = (
                f"declared areas look like m², not ha (median {median:,.0f}; an industrial "
                "cluster is typically 10-75 ha)"
                if ctx.kind == "clusters"
                else f"declared areas look like m², not ha (median {median:,.0f})"
            )
    if message:
        message += "; divide by 10 000 or name the column dien_tich_m2 / area_m2"
        ctx.notes.append(f"{ctx.path}: {message}")
        warnings.warn(f"{ctx.path}: field 'declared_ha': {message}", AreaUnitWarning, stacklevel=3)


def _finish(ctx: _Ctx, gdf: gpd.GeoDataFrame, *, fix: bool) -> gpd.GeoDataFrame:
    import geopandas as gpd
    import shapely

    if len(gdf) == 0:
        raise ctx.error("the layer is empty (no features)")
    crs_notes = list(gdf.attrs.get("crs_notes", []))
    source_crs = gdf.attrs.get("source_crs", "")
    gdf = gdf.reset_index(drop=True)
    gdf[gdf.geometry.name] = gpd.GeoSeries(
        shapely.force_2d(gdf.geometry.array), index=gdf.index, crs=gdf.crs
    )
    gdf.attrs["source_crs"] = source_crs
    _check_coordinates(ctx, gdf)
    gdf = _check_geometries(ctx, gdf, fix=fix)
    gdf = _fill_columns(ctx, gdf)
    gdf = _check_ids(ctx, gdf)
    _check_area_units(ctx, gdf)
    canon = list(_COLUMNS[ctx.kind])
    geom_name = gdf.geometry.name
    extra = [c for c in gdf.columns if c not in canon and c not in {geom_name, "needs_placement"}]
    tail = ["needs_placement"] if "needs_placement" in gdf.columns else []
    ordered = gdf[[*canon, *extra, *tail, geom_name]]
    if geom_name != "geometry":
        ordered = ordered.rename_geometry("geometry")
    out = gpd.GeoDataFrame(ordered, geometry="geometry", crs=WGS84)
    if tail:
        out["needs_placement"] = out["needs_placement"].astype(bool)
    out.attrs = {
        "path": str(ctx.path),
        "kind": ctx.kind,
        "notes": [*crs_notes, *ctx.notes],
        "fixes": list(ctx.fixes),
        "source_crs": source_crs,
        "stated_totals": list(ctx.totals),
    }
    return out


# ---------------------------------------------------------------------------------------
# placing rows known only by commune
# ---------------------------------------------------------------------------------------


def place_at_communes(
    df: gpd.GeoDataFrame | pd.DataFrame,
    communes: gpd.GeoDataFrame,
    *,
    districts: gpd.GeoDataFrame | None = None,
    path: PathType | None = None,
) -> gpd.GeoDataFrame:
    """Place rows that have no geometry at their commune's representative point.

    Parameters
    ----------
    df
        Rows from :func:`read_layer`; those with ``needs_placement`` True (or, without
        that column, no geometry) are placed.
    communes
        The communes layer (:func:`planning.sources.boundaries.load_communes`): ``commune_vi``,
        ``district_code``, ``district_vi``, ``geometry`` (EPSG:4326).
    districts
        Optional districts layer; rows with a district but no commune are placed at the
        district's representative point (``location_precision="district"``).
    path
        The file the rows came from, named in messages (default ``df.attrs["path"]``).

    Returns
    -------
    geopandas.GeoDataFrame
        A copy: placed rows get a Point, ``location_precision`` ``"commune"`` (or
        ``"district"``), ``district_code`` and ``district_vi`` from the layer, and
        ``needs_placement`` False.

    Raises
    ------
    PlanDataError
        If a row's district or commune is not found (matched with
        :func:`~planning.text.names.name_key` within the district).
    """
    import geopandas as gpd
    import numpy as np
    import shapely

    where = path if path is not None else df.attrs.get("path")
    out = gpd.GeoDataFrame(df.copy(), geometry="geometry" if "geometry" in df.columns else None,
                           crs=WGS84)  # fmt: skip
    if "geometry" not in df.columns:
        out = out.set_geometry(gpd.GeoSeries([None] * len(out), index=out.index, crs=WGS84))
    if "needs_placement" in out.columns:
        todo = np.asarray(out["needs_placement"].fillna(False), dtype=bool)
    else:
        todo = np.asarray(shapely.is_missing(np.asarray(out.geometry.array, dtype=object)))
    if not todo.any():
        return out
    if communes.crs is not None and communes.crs.to_epsg() != 4326:
        communes = communes.to_crs(WGS84)

    by_district: dict[str, dict[str, int]] = {}
    district_names: dict[str, str] = {}
    for j, (code, dname, cname) in enumerate(
        zip(communes["district_code"], communes["district_vi"], communes["commune_vi"], strict=True)
    ):
        by_district.setdefault(str(code), {}).setdefault(name_key(_text(cname)), j)
        district_names.setdefault(name_key(split_admin_prefix(_text(dname))[1]), str(code))
    if districts is not None:
        for code, dname in zip(districts["district_code"], districts["district_vi"], strict=True):
            district_names.setdefault(name_key(split_admin_prefix(_text(dname))[1]), str(code))

    geoms = list(out.geometry.array)
    cols: dict[str, list[Any]] = {
        c: list(out[c]) if c in out.columns else [""] * len(out)
        for c in ("district_code", "district_vi", "commune_vi", "location_precision")
    }
    names_by_code = {
        str(c): _text(d)
        for c, d in zip(communes["district_code"], communes["district_vi"], strict=True)
    }
    from planning.readers.matching import NameMatchWarning, match_name

    display = dict(names_by_code)
    if districts is not None:
        for code, dname in zip(districts["district_code"], districts["district_vi"], strict=True):
            display.setdefault(str(code), split_admin_prefix(_text(dname))[1])
    code_of = {name: code for code, name in display.items()}
    commune_names = {
        code: {_text(communes["commune_vi"].iloc[j]): j for j in idx.values()}
        for code, idx in by_district.items()
    }
    district_rows = {str(c): k for k, c in enumerate(districts["district_code"])} if (
        districts is not None) else {}  # fmt: skip
    has_source = "source_row" in out.columns and "source_sheet" in out.columns
    errors: list[PlanDataError] = []
    matched: list[str] = []

    for i in np.flatnonzero(todo):
        rec = out.iloc[int(i)]
        row = int(i) + 1
        sheet: str | None = None
        if has_source and _text(rec["source_row"]):
            row, sheet = int(float(rec["source_row"])), _text(rec["source_sheet"])
        ident = None
        if "cluster_id" in out.columns and _text(rec["cluster_id"]):
            ident = f"cluster_id={_text(rec['cluster_id'])}"

        def error(message: str, fld: str, *, row: int = row, sheet: str | None = sheet,
                  ident: str | None = ident) -> PlanDataError:  # fmt: skip
            return PlanDataError(message, path=where, row=row, field=fld, ident=ident, sheet=sheet)

        label = (f"sheet {sheet!r}, " if sheet else "") + f"row {row}"
        code = _text(cols["district_code"][i])
        dname = split_admin_prefix(_text(cols["district_vi"][i]))[1]
        commune = split_admin_prefix(_text(cols["commune_vi"][i]))[1]
        if not code and not dname and commune:
            # No district: a commune name that is unique in the layer is enough.
            hits = sorted(c for c, names in by_district.items() if name_key(commune) in names)
            if len(hits) > 1:
                errors.append(error(
                    f"commune {commune!r} exists in {len(hits)} districts "
                    f"({', '.join(names_by_code.get(c, c) for c in hits)}); give the district",
                    "district_vi",
                ))  # fmt: skip
                continue
            code = hits[0] if hits else ""
            if not code:
                errors.append(error(
                    f"commune {commune!r} not found in the commune layer; give its district",
                    "commune_vi",
                ))  # fmt: skip
                continue
        if not code:
            if not dname:
                errors.append(error("no district given, so the row cannot be placed",
                                    "district_vi"))  # fmt: skip
                continue
            found = match_name(dname, code_of)
            if not found.name:
                errors.append(error(f"unknown district {dname!r}{found.did_you_mean()}",
                                    "district_vi"))  # fmt: skip
                continue
            if found.how == "folded":
                matched.append(f"{label}: district {dname!r} read as {found.name!r}")
            code = code_of[found.name]
        elif code not in by_district:
            errors.append(error(f"unknown district code {code!r}", "district_code"))
            continue
        if commune:
            hit = by_district.get(code, {}).get(name_key(commune))
            if hit is None:
                found = match_name(commune, commune_names.get(code, {}))
                if not found.name:
                    errors.append(error(
                        f"commune {commune!r} not found in district "
                        f"{names_by_code.get(code, code)} ({code}) of the commune layer"
                        + (found.did_you_mean() or "; no commune of that district has a "
                           "similar name: check the district"),
                        "commune_vi",
                    ))  # fmt: skip
                    continue
                matched.append(f"{label}: commune {commune!r} read as {found.name!r}")
                commune = found.name
                hit = commune_names[code][found.name]
            geoms[i] = communes.geometry.iloc[hit].representative_point()
            cols["location_precision"][i] = "commune"
        elif code in district_rows and districts is not None:
            geoms[i] = districts.geometry.iloc[district_rows[code]].representative_point()
            cols["location_precision"][i] = "district"
        else:
            errors.append(error("no commune given, so the row cannot be placed at a commune",
                                "commune_vi"))  # fmt: skip
            continue
        cols["district_code"][i] = code
        cols["district_vi"][i] = names_by_code.get(code) or display.get(code) or dname
        cols["commune_vi"][i] = commune
    if matched:  # said before any error, so the user sees what was accepted
        message = (f"{where}: " if where else "") + (
            "names matched without diacritics: " + "; ".join(matched)
        )
        warnings.warn(message, NameMatchWarning, stacklevel=2)
    if len(errors) == 1:
        raise errors[0]
    if errors:
        raise RowErrors(errors, path=where)
    for c, values in cols.items():
        out[c] = _object_series(values, out.index)
    out[out.geometry.name] = gpd.GeoSeries(geoms, index=out.index, crs=WGS84)
    out["needs_placement"] = [bool(t) and g is None for t, g in zip(todo, geoms, strict=True)]
    if matched:
        out.attrs["notes"] = [*out.attrs.get("notes", []), *matched]
    return out
