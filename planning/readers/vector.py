"""GIS files → layers: GeoJSON, GeoPackage, Shapefile (or a zip of one), KML/KMZ, FlatGeobuf, GML.

:func:`read_vector` opens a file through GDAL (pyogrio): a ``.zip`` is opened inside the
archive when it holds exactly one GIS file, a shapefile is refused without its ``.dbf``, the
layer is the only one (or the one chosen with ``layer=``; every folder of a KML), and a DBF's
code page is taken from its ``.cpg`` when that names Windows-1258 or UTF-8
(:func:`dbf_codec`). :func:`vector_to_layer` maps the columns and moves the layer to EPSG:4326;
features without geometry are kept for placement when they name a commune or district.
"""

from __future__ import annotations

import glob
import warnings
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from planning.errors import PlanDataError
from planning.geo.helmert import Helmert
from planning.geo.transform import to_wgs84
from planning.i18n import message
from planning.readers._context import ReadContext, reason
from planning.readers.codepages import shapefile_codec
from planning.readers.columns import map_columns
from planning.readers.encoding import likely_legacy
from planning.readers.values import placeable
from planning.text.legacy import decode_legacy

if TYPE_CHECKING:
    import geopandas as gpd

__all__ = ["VECTOR_SUFFIXES", "dbf_codec", "read_vector", "vector_to_layer"]

#: Suffixes of the GIS files :func:`read_vector` reads.
VECTOR_SUFFIXES = (".geojson", ".json", ".gpkg", ".shp", ".zip", ".kml", ".kmz", ".fgb", ".gml")
#: Members of a zip archive that are GIS files.
_ZIP_MEMBER_SUFFIXES = (".shp", ".gpkg", ".geojson", ".json", ".kml", ".fgb", ".gml")


def _gdal_errors() -> tuple[type[BaseException], ...]:
    """Return what GDAL (through pyogrio) raises for a file it cannot read.

    pyogrio's :class:`~pyogrio.errors.DataSourceError` and
    :class:`~pyogrio.errors.DataLayerError` (with its field, geometry and CRS errors),
    :class:`OSError`, and :class:`ValueError` (unsupported drivers and options; a
    :class:`UnicodeDecodeError` when the text is not in the encoding given).
    """
    from pyogrio.errors import DataLayerError, DataSourceError

    return (DataSourceError, DataLayerError, OSError, ValueError)


def dbf_codec(ctx: ReadContext) -> str | None:
    """Return the code page a shapefile's ``.cpg`` names, when it is one GDAL may misread.

    Only Windows-1258 (``1258``, ``CP1258``, ``ANSI 1258`` …) and UTF-8 (``65001``,
    ``UTF-8``) are taken from the ``.cpg``: Western code pages (``ISO-8859-1``) are what
    tools write for TCVN3/VNI data too, which detection then decodes.
    """
    from planning.readers.codepages import shapefile_codec

    codec = shapefile_codec(ctx.path)
    if codec not in {"cp1258", "utf-8"}:
        return None
    ctx.notes.append(
        message(
            "{path}: DBF code page {codec} (from the .cpg file)", path=str(ctx.path), codec=codec
        )
    )
    return codec


def _require_dbf(ctx: ReadContext) -> None:
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
            message(
                "the shapefile's attribute table {name} is missing (a shapefile is several "
                "files: .shp, .shx, .dbf, .prj); put the .dbf beside it, or zip them together",
                name=Path(stem).name + ".dbf",
            )
        )


def _source(ctx: ReadContext) -> str:
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
        raise ctx.error(
            message("cannot read the file: not a valid zip archive ({reason})", reason=reason(exc))
        ) from None
    if not members:
        raise ctx.error(message("the zip archive holds no shapefile or other GIS file"))
    if len(members) > 1:
        raise ctx.error(
            message(
                "the zip archive holds {n} GIS files ({names}); unzip it and read one",
                n=len(members),
                names=", ".join(members[:5]),
            )
        )
    ctx.zip_names = (members[0], names)
    return f"/vsizip/{ctx.path.resolve()}/{members[0]}"


def _list_layers(ctx: ReadContext) -> list[tuple[str, str | None]]:
    import pyogrio

    source = _source(ctx)
    try:
        layers = pyogrio.list_layers(source)
    except _gdal_errors() as exc:
        raise ctx.error(message("cannot read the file: {reason}", reason=reason(exc))) from None
    return [(str(n), None if g is None else str(g)) for n, g in layers]


def _choose_layers(
    ctx: ReadContext, layers: list[tuple[str, str | None]], layer: str | int | None
) -> list[str]:
    """Return the names of the layers to read: the one asked for, or the only one."""
    spatial = [name for name, geom in layers if geom is not None]
    names = [name for name, _ in layers]
    if not layers:
        raise ctx.error(message("the file has no layers"))
    if isinstance(layer, int):
        if not 0 <= layer < len(names):
            raise ctx.error(
                message(
                    "layer index {layer} out of range (the file has {n})", layer=layer, n=len(names)
                )
            )
        return [names[layer]]
    if layer is not None:
        if layer not in names:
            raise ctx.error(
                message(
                    "no layer {layer!r}; the file has: {names}", layer=layer, names=", ".join(names)
                )
            )
        return [layer]
    if len(spatial) == 1 or (not spatial and len(names) == 1):
        return spatial or names
    if ctx.path.suffix.lower() in {".kml", ".kmz"}:
        return spatial or names  # KML folders are one layer each: read them all
    raise ctx.error(
        message(
            "the file has {n} layers ({names}); save the layer to check in a file of its "
            "own, or choose it with layer= in Python",
            n=len(spatial),
            names=", ".join(spatial[:8]),
        )
    )


def read_vector(
    ctx: ReadContext, *, layer: str | int | None, encoding: str | None, legacy: str | None
) -> gpd.GeoDataFrame:
    """Read a GIS file's features as they are (several KML folders are concatenated).

    Parameters
    ----------
    ctx
        The read in progress.
    layer
        The layer to read (name or 0-based index); default the only one.
    encoding
        The attribute table's text encoding for GDAL, or None for GDAL's default.
    legacy
        A legacy encoding (``tcvn3``, ``vni``, ``cp1258``): text is then read as Latin-1
        and decoded afterwards.

    Returns
    -------
    geopandas.GeoDataFrame
        The features in the file's CRS (None when it has none).
    """
    import geopandas as gpd
    import pandas as pd
    import pyogrio

    layers = _list_layers(ctx)
    _require_dbf(ctx)
    chosen = _choose_layers(ctx, layers, layer)
    enc = "latin1" if legacy else encoding
    source = _source(ctx)
    frames = []
    for name in chosen:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                df = pyogrio.read_dataframe(source, layer=name, encoding=enc, on_invalid="ignore")
        except UnicodeDecodeError as exc:
            raise _not_in_encoding(ctx, source, name, exc) from None
        except _gdal_errors() as exc:
            raise ctx.error(message("cannot read the file: {reason}", reason=reason(exc))) from None
        if not isinstance(df, gpd.GeoDataFrame):
            df = gpd.GeoDataFrame(df, geometry=[None] * len(df))
        frames.append(df)
    if len(frames) == 1:
        return frames[0]
    crs = next((f.crs for f in frames if f.crs is not None), None)
    merged = pd.concat([f.to_crs(crs) if f.crs and crs else f for f in frames], ignore_index=True)
    return gpd.GeoDataFrame(merged, geometry="geometry", crs=crs)


def _not_in_encoding(
    ctx: ReadContext, source: str, layer: str, exc: UnicodeDecodeError
) -> PlanDataError:
    """Return the error for an attribute table whose text is not in the encoding it was read in.

    The table is read again as Latin-1 (every byte a character) to find the first feature
    and field that does not decode, and the legacy encoding its column is likely in
    (:func:`planning.readers.encoding.likely_legacy`). The encoding is suggested, never
    applied: the user runs again with ``--encoding``.
    """
    import pyogrio

    encoding = exc.encoding
    try:
        raw = pyogrio.read_dataframe(source, layer=layer, encoding="latin1", read_geometry=False)
    except _gdal_errors():
        return ctx.error(message("cannot read the file: {reason}", reason=reason(exc)))
    found = _first_undecodable(raw, encoding)
    if found is None:
        return ctx.error(message("cannot read the file: {reason}", reason=reason(exc)))
    row, field, texts = found
    guess = likely_legacy(texts)
    value = texts[0].encode("latin-1")
    if guess is not None:
        shown = decode_legacy(value, guess)  # type: ignore[arg-type]
        advice = message(
            "it reads as {shown} in {guess}: run again with --encoding {guess}",
            shown=repr(shown),
            guess=guess,
        )
    else:
        advice = message("give the file's encoding with --encoding (cp1258, tcvn3, vni)")
    stated = ctx.path.suffix.lower() in {".shp", ".dbf"} and shapefile_codec(ctx.path) == encoding
    what = (
        message(
            "the text {value} is not {encoding}, though the .cpg file says it is: the .cpg "
            "is probably wrong; {advice}, and correct the .cpg",
            value=_escaped(value),
            encoding=encoding.upper(),
            advice=advice,
        )
        if stated
        else message(
            "the text {value} is not {encoding}; {advice}",
            value=_escaped(value),
            encoding=encoding.upper(),
            advice=advice,
        )
    )
    return ctx.error(what, row=row, field=field)


def _first_undecodable(raw: Any, encoding: str) -> tuple[int | None, str, list[str]] | None:
    """Return where text read as Latin-1 first fails to decode in ``encoding``, and its column.

    Returns
    -------
    tuple or None
        The feature (from 1; None for a field name), the field, and the column's values that
        do not decode, the first one first; None when every text decodes.
    """
    names = [str(c) for c in raw.columns]
    bad_names = [n for n in names if not _decodes(n, encoding)]
    if bad_names:
        return None, bad_names[0], bad_names
    best: tuple[int, str, list[str]] | None = None
    for name in names:
        rows = [
            i
            for i, v in enumerate(raw[name].tolist())
            if isinstance(v, str) and not _decodes(v, encoding)
        ]
        if rows and (best is None or rows[0] + 1 < best[0]):
            values = raw[name].tolist()
            best = (rows[0] + 1, name, [values[i] for i in rows])
    return best


def _decodes(text: str, encoding: str) -> bool:
    """Tell whether text read as Latin-1 holds bytes that decode in ``encoding``."""
    try:
        text.encode("latin-1").decode(encoding)
    except (UnicodeEncodeError, UnicodeDecodeError):
        return False
    return True


def _escaped(value: bytes) -> str:
    r"""Return bytes as quoted ASCII text, other bytes as ``\xNN`` (``'Ph\xf9ng'``)."""
    return "'" + value.decode("ascii", errors="backslashreplace") + "'"


def vector_to_layer(
    ctx: ReadContext,
    raw: gpd.GeoDataFrame,
    *,
    columns: Mapping[str, str] | None,
    crs: Any,
    helmert: Helmert | None,
) -> gpd.GeoDataFrame:
    """Map a GIS layer's columns and move it to EPSG:4326 (2-D geometries).

    Parameters
    ----------
    ctx
        The read in progress.
    raw
        The features as read (:func:`read_vector`, or a GeoParquet file).
    columns
        The caller's ``{column in the file: canonical column}``.
    crs
        A CRS overriding the file's.
    helmert
        A VN-2000 → WGS 84 shift to use instead of EPSG:6960.

    Returns
    -------
    geopandas.GeoDataFrame
        EPSG:4326; features without geometry have ``needs_placement`` True.
    """
    import geopandas as gpd
    import shapely

    if len(raw) == 0:
        raise ctx.error(message("the layer is empty (no features)"))
    geom_name = raw.geometry.name
    frame, _coords = map_columns(ctx, raw, columns)
    if frame.geometry.name != geom_name:
        frame = frame.set_geometry(geom_name)
    geoms = shapely.force_2d(frame.geometry.array)
    frame = frame.set_geometry(gpd.GeoSeries(geoms, index=frame.index, crs=frame.crs))
    missing = shapely.is_missing(geoms) | shapely.is_empty(geoms)
    todo = missing.copy()
    for i in missing.nonzero()[0].tolist():
        if ctx.kind != "clusters" or not placeable(frame.iloc[i]):
            ctx.fault(
                message(
                    "feature has no geometry (empty, null or unreadable); draw it, or give the "
                    "commune and district"
                )
                if ctx.kind == "clusters"
                else message("feature has no geometry (empty, null or unreadable); draw it"),
                row=i + 1,
                field="geometry",
                ident=ctx.ident(frame.iloc[i]),
            )
            todo[i] = False
    if missing.any():
        frame.loc[missing, geom_name] = None
    out = to_wgs84(frame, source=crs, helmert=helmert, path=ctx.path)
    if todo.any():
        out["needs_placement"] = list(todo)
    return out
