"""The code page of a shapefile's DBF, read from its ``.cpg`` file as tools write it.

ArcGIS writes the bare Windows code page number (``1258``), others ``CP1258``,
``ANSI 1258``, ``65001`` or ``UTF-8``. GDAL understands only some spellings and, for a
Windows-1258 DBF whose tone marks are decomposed (two bytes a letter), it cuts field names
and values when it recodes them. :func:`cpg_codec` turns every spelling into a Python
codec name, so the reader can decode the DBF itself.
"""

from __future__ import annotations

import codecs
import re
from os import PathLike
from pathlib import Path

__all__ = ["cpg_codec", "shapefile_codec"]

_NUMBERED = re.compile(r"(?:ANSI|CP|WINDOWS|WIN|MS|IBM|OEM)?[\s_-]*(\d{3,5})")


def cpg_codec(text: str) -> str | None:
    """Return the Python codec a ``.cpg`` file's text names, or None if it names none.

    Parameters
    ----------
    text
        The file's content: ``"1258"``, ``"CP1258"``, ``"ANSI 1258"``, ``"65001"``,
        ``"UTF-8"``, ``"ISO-8859-1"`` …

    Returns
    -------
    str or None
        ``"utf-8"``, ``"cp1258"`` … (a name :func:`codecs.lookup` knows).

    Examples
    --------
    >>> cpg_codec("ANSI 1258")
    'cp1258'
    >>> cpg_codec("65001")
    'utf-8'
    """
    value = text.strip().strip("\ufeff").strip().upper()
    if not value:
        return None
    m = _NUMBERED.fullmatch(value)
    if m:
        number = int(m.group(1))
        name = "utf-8" if number == 65001 else f"cp{number}"
    else:
        name = value.lower()
    try:
        codec = codecs.lookup(name).name
    except LookupError:
        return None
    return "utf-8" if codec in {"utf-8", "utf_8"} else codec


def shapefile_codec(path: str | PathLike[str]) -> str | None:
    """Return the codec of a shapefile's DBF given by its ``.cpg`` (None without one).

    Parameters
    ----------
    path
        The ``.shp`` (or ``.dbf``) file; the ``.cpg`` beside it is read, in any case of
        suffix.
    """
    p = Path(path)
    for suffix in (".cpg", ".CPG"):
        cpg = p.with_suffix(suffix)
        if cpg.is_file():
            try:
                data = cpg.read_bytes()[:64]
            except OSError:
                return None
            return cpg_codec(data.decode("ascii", errors="replace"))
    return None
