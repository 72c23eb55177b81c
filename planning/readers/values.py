"""Cell values of user files: missing cells, text, numbers and declared areas.

:func:`parse_area` reads a declared area the way plans publish it (``"50,5"``, ``"khoảng
20 ha"``). The other functions are the readers' cell helpers: :func:`cell_text` (a cell as
stripped NFC text), :func:`number_or_none`, and :func:`per_value`, which applies a function
once per distinct value of a column, so a column of a million cells holding a few dozen
values costs a few dozen calls.

Heavy imports (numpy, pandas) happen inside functions.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable
from typing import Any

from planning.text.names import fold, nfc

__all__ = [
    "cell_text",
    "is_missing",
    "number_or_none",
    "object_array",
    "object_series",
    "parse_area",
    "per_value",
    "placeable",
    "try_parse_area",
]


def is_missing(v: object) -> bool:
    """Tell whether a cell is missing: None, NaN, or anything pandas calls missing."""
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


def cell_text(v: object) -> str:
    """Return a cell value as stripped NFC text (``""`` for missing; ``3.0`` → ``"3"``)."""
    if is_missing(v):
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
_EMPTY_AREAS = frozenset({"", "-", "--", "nan", "none", "n/a", "na", "?", "chua co", "khong ro"})


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
        The area in ha (NaN when the cell is empty) and its qualifier: ``""``,
        ``"about"``, ``"more than"``, ``"nearly"`` or ``"less than"``.

    Raises
    ------
    ValueError
        If the text holds no number, or a negative one.

    Examples
    --------
    >>> parse_area("khoảng 20,5 ha")
    (20.5, 'about')
    """
    if is_missing(value):
        return math.nan, ""
    if isinstance(value, bool):
        raise ValueError(f"{value!r} is not an area")
    if isinstance(value, (int, float)):
        number = float(value)
        if number < 0 or math.isinf(number):
            raise ValueError(f"{value!r} is not a valid area")
        return number, ""
    text = fold(str(value)).strip()
    if text in _EMPTY_AREAS:
        return math.nan, ""
    qualifier, text = _split_qualifier(text)
    m = _NUMBER.search(text)
    if not m:
        raise ValueError(f"{value!r} has no number")
    rest = (text[: m.start()] + text[m.end() :]).strip()
    if rest and not re.fullmatch(r"\(?(ha|hecta|hectare|hectares|ha\.)\)?", rest):
        raise ValueError(f"{value!r} is not a plain area in ha")
    try:
        number = float(_plain_number(m.group(0)))
    except ValueError:
        raise ValueError(f"{value!r} has no readable number") from None
    if number < 0:
        raise ValueError(f"{value!r} is negative")
    return number, qualifier


def _split_qualifier(text: str) -> tuple[str, str]:
    """Return (qualifier, the rest) of folded area text (``"khoang 20"`` → ``about``)."""
    for name, words in _QUALIFIERS:
        for w in words:
            if text.startswith(w):
                return name, text[len(w) :].strip()
    return "", text


def _plain_number(num: str) -> str:
    """Return number text with thousands separators removed and a decimal point."""
    num = num.replace(" ", "").rstrip(".,")
    if "," in num and "." in num:
        return num.replace(".", "").replace(",", ".")
    if "," in num:
        return num.replace(",", ".") if num.count(",") == 1 else num.replace(",", "")
    if num.count(".") > 1:
        return num.replace(".", "")
    return num


def try_parse_area(value: object) -> tuple[float, str] | None:
    """Return :func:`parse_area` of ``value``, or None when it is not an area."""
    try:
        return parse_area(value)
    except ValueError:
        return None


def number_or_none(v: object) -> float | None:
    """Return a cell as a float (NaN when empty), or None when it is not a finite number."""
    t = cell_text(v).replace(",", ".") if isinstance(v, str) else v
    if is_missing(t) or t == "":
        return math.nan
    try:
        x = float(t)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return x if math.isfinite(x) else None


def object_array(values: Iterable[Any]) -> Any:
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


def per_value(values: Iterable[Any], func: Callable[[Any], Any]) -> list[Any]:
    """``[func(v) for v in values]``, calling ``func`` once per distinct string or float.

    ``func`` must depend only on the value. Strings and non-zero finite floats are grouped
    with :func:`pandas.factorize`; other cells (None, NaN, ±0.0, numbers of other types,
    bytes …) are passed one by one.
    """
    import numpy as np
    import pandas as pd

    arr = object_array(values)
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


def object_series(values: Any, index: Any) -> Any:
    """Return ``values`` as an object-dtype :class:`pandas.Series` on ``index``."""
    import pandas as pd

    return pd.Series(values, index=index, dtype=object)


def placeable(rec: Any) -> bool:
    """Tell whether a row names a commune or a district (so it can be placed without geometry)."""
    return bool(cell_text(rec.get("commune_vi")) or cell_text(rec.get("district_vi")))
