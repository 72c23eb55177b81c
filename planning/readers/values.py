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
from typing import Any, Literal

from planning.i18n import Message, message
from planning.text.names import fold, nfc

__all__ = [
    "AreaError",
    "area_fault",
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


#: What may follow an area's number in a cell, by the unit of its column (folded text).
_UNIT_WORDS = {
    "ha": re.compile(r"\(?(ha|hecta|hectare|hectares|ha\.)\)?"),
    "m2": re.compile(r"\(?(m2|m²|m\^2|sqm|met vuong)\)?"),
}
#: A number whose dot may separate thousands (Vietnamese) or decimals (English): ``50.000``.
_THOUSANDS_OR_DECIMALS = re.compile(r"[-+]?\d{1,3}\.\d{3}")
#: The unit of the other kind of area column, to tell a user who wrote it.
_OTHER_UNIT = {"ha": "m2", "m2": "ha"}


class AreaError(ValueError):
    """A cell that is not a declared area: what is wrong, and what to do about it.

    Its text (``str``) says what is wrong, in English; :func:`area_fault` makes the message
    of a row's fault from it.

    Parameters
    ----------
    why
        What is wrong (``'-1' is negative``).
    advice
        What to do; None for the usual advice (write the area as a number).
    """

    def __init__(self, why: Message, *, advice: Message | None = None) -> None:
        super().__init__(why)
        self.why = why
        self.advice = advice


def _shown(value: object) -> str:
    """Return a cell as it is quoted in a message: its text, quoted (``'-1'``, ``'abc'``)."""
    return repr(cell_text(value) if not isinstance(value, bool) else str(value))


def parse_area(value: object, *, unit: Literal["ha", "m2"] = "ha") -> tuple[float, str]:
    """Parse a declared area as published: ``"50"``, ``"50,5"``, ``"khoảng 20 ha"``.

    Parameters
    ----------
    value
        A number or text. A comma is a decimal comma (Vietnamese style) unless dots are
        also present (``"1.234,5"`` is 1234.5).
    unit
        The unit of the column the cell is in: ``"ha"`` or ``"m2"`` (the cell may then end
        with ``m²``). The number is returned in this unit.

    Returns
    -------
    tuple of (float, str)
        The area in ``unit`` (NaN when the cell is empty) and its qualifier: ``""``,
        ``"about"``, ``"more than"``, ``"nearly"`` or ``"less than"``.

    Raises
    ------
    AreaError
        If the text holds no number, a negative one, or an area in the other unit (``50.000
        m²`` in a column of hectares): refused, with advice (divide by 10 000 to get ha).
        In m², a number like ``50.000`` (thousands or decimals?) is refused too.

    Examples
    --------
    >>> parse_area("khoảng 20,5 ha")
    (20.5, 'about')
    """
    if is_missing(value):
        return math.nan, ""
    if isinstance(value, bool):
        raise AreaError(message("{value} is not an area", value=_shown(value)))
    if isinstance(value, (int, float)):
        number = float(value)
        if math.isinf(number):
            raise AreaError(message("{value} is not a finite number", value=_shown(value)))
        if number < 0:
            raise AreaError(message("{value} is negative", value=_shown(value)))
        return number, ""
    text = fold(str(value)).strip()
    if text in _EMPTY_AREAS:
        return math.nan, ""
    qualifier, text = _split_qualifier(text)
    m = _NUMBER.search(text)
    if not m:
        raise AreaError(message("{value} has no number", value=_shown(value)))
    rest = (text[: m.start()] + text[m.end() :]).strip()
    if rest and not _UNIT_WORDS[unit].fullmatch(rest):
        raise _unit_error(value, rest, unit)
    if unit == "m2" and _THOUSANDS_OR_DECIMALS.fullmatch(m.group(0).strip()):
        raise AreaError(
            message(
                "{value} is ambiguous: the dot may separate thousands or decimals",
                value=_shown(value),
            ),
            advice=message("write the number of m² without a thousands separator (50000)"),
        )
    try:
        number = float(_plain_number(m.group(0)))
    except ValueError:
        raise AreaError(message("{value} has no readable number", value=_shown(value))) from None
    if number < 0:
        raise AreaError(message("{value} is negative", value=_shown(value)))
    return number, qualifier


def _unit_error(value: object, rest: str, unit: str) -> AreaError:
    """Return the error for an area cell with words besides its number (``rest``, folded)."""
    if not _UNIT_WORDS[_OTHER_UNIT[unit]].fullmatch(rest):
        return AreaError(message("{value} is not a plain area in {unit}", value=_shown(value),
                                 unit=_unit_name(unit)))  # fmt: skip
    if unit == "ha":
        return AreaError(
            message("{value} is in m², not ha", value=_shown(value)),
            advice=message(
                "divide it by 10 000 to get ha (50 000 m² = 5 ha) and write the number alone, "
                "or head the column 'Diện tích (m2)' when all its areas are in m²"
            ),
        )
    return AreaError(
        message("{value} is in ha, not m²", value=_shown(value)),
        advice=message(
            "multiply it by 10 000 to get m² (5 ha = 50 000 m²) and write the number alone, "
            "or head the column 'Diện tích (ha)' when all its areas are in ha"
        ),
    )


def _unit_name(unit: str) -> str:
    return "m²" if unit == "m2" else "ha"


def area_fault(
    error: AreaError, *, unit: Literal["ha", "m2"] = "ha", total: bool = False
) -> Message:
    """Return the message of a row's fault for an area cell :func:`parse_area` refused.

    One wording for every reader (CSV, Excel, GIS files): what is wrong, then what to do.

    Parameters
    ----------
    error
        What :func:`parse_area` raised.
    unit
        The unit of the area's column.
    total
        The cell is the area of a total row (``Tổng cộng``).

    Examples
    --------
    >>> try:
    ...     parse_area("-1")
    ... except AreaError as exc:
    ...     print(area_fault(exc))
    unreadable area: '-1' is negative; write the area in ha as a number (12,5 or 12.5), or empty the cell
    """
    advice = error.advice or message(
        "write the area in {unit} as a number (12,5 or 12.5), or empty the cell",
        unit=_unit_name(unit),
    )
    if total:
        return message("unreadable total area: {why}; {advice}", why=error.why, advice=advice)
    return message("unreadable area: {why}; {advice}", why=error.why, advice=advice)


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


def try_parse_area(value: object, *, unit: Literal["ha", "m2"] = "ha") -> tuple[float, str] | None:
    """Return :func:`parse_area` of ``value``, or None when it is not an area."""
    try:
        return parse_area(value, unit=unit)
    except AreaError:
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
