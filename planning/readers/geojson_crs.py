"""The ``crs`` member of a GeoJSON file: refuse one that names a CRS PROJ does not know.

RFC 7946 dropped the ``crs`` member, but many tools still write one
(``{"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::5897"}}``). GDAL reads
a name it knows and silently falls back to WGS 84 for one it does not, so a VN-2000 file
whose CRS is spelled in a way GDAL cannot resolve would be read 500 km away, or, worse,
nearly right. :func:`check_crs_member` reads the member and raises when PROJ cannot
resolve the name it gives.
"""

from __future__ import annotations

import json
import re
from os import PathLike
from pathlib import Path

from planning.errors import CRSError
from planning.i18n import message

__all__ = ["check_crs_member", "crs_member"]

#: How much of the file is searched for the top-level ``crs`` member (it precedes
#: ``features`` in what GDAL, QGIS and ArcGIS write), in bytes.
_HEAD_BYTES = 1 << 20
_CRS_KEY = re.compile(r'"crs"\s*:\s*')
_FEATURES_KEY = re.compile(r'"features"\s*:')


def crs_member(path: str | PathLike[str]) -> str | None:
    """Return the CRS name a GeoJSON file's top-level ``crs`` member gives, if any.

    Parameters
    ----------
    path
        A GeoJSON file (UTF-8).

    Returns
    -------
    str or None
        The ``properties.name`` of a ``"name"`` CRS (or ``properties.href`` of a ``"link"``
        one) found before ``features``; None when there is none or it cannot be read.
    """
    with Path(path).open("rb") as fh:
        head = fh.read(_HEAD_BYTES).decode("utf-8-sig", errors="replace")
    match = _CRS_KEY.search(head)
    if match is None:
        return None
    features = _FEATURES_KEY.search(head)
    if features is not None and features.start() < match.start():
        return None  # a "crs" key inside a feature's properties, not the member
    try:
        member, _ = json.JSONDecoder().raw_decode(head, match.end())
    except ValueError:
        return None
    if not isinstance(member, dict) or not isinstance(member.get("properties"), dict):
        return None
    props = member["properties"]
    value = props.get("name", props.get("href"))
    return str(value) if value is not None else None


def check_crs_member(path: str | PathLike[str]) -> None:
    """Raise when a GeoJSON file's ``crs`` member names a CRS PROJ does not know.

    Parameters
    ----------
    path
        A GeoJSON file.

    Raises
    ------
    CRSError
        Naming the file and the CRS, and saying how to give the CRS (``--crs``).
    """
    from pyproj import CRS
    from pyproj.exceptions import CRSError as ProjCRSError

    name = crs_member(path)
    if name is None:
        return
    try:
        CRS.from_user_input(name)
    except ProjCRSError:
        raise CRSError(
            message(
                "the GeoJSON crs member names {name!r}, a coordinate reference system PROJ "
                "does not know, so the coordinates cannot be placed; give the CRS with --crs "
                "(for example EPSG:5897, VN-2000 / TM-3 105°E) or write a known one "
                "(urn:ogc:def:crs:EPSG::5897)",
                name=name[:120],
            ),
            path=path,
            field="crs",
        ) from None
