"""JSON as the project writes it: strict RFC 8259, so every parser reads it.

Python's :func:`json.dumps` writes a NaN or an infinity as ``NaN``/``Infinity``, which is
not JSON: node's ``JSON.parse``, ``jq`` and most other parsers refuse the whole file. A
percentage against a declared area of 0 ha, or a missing declared area, would be such a
number. :func:`json_text` writes every non-finite number as ``null`` (the value is not
known) and then encodes with ``allow_nan=False``, so a non-finite number that slips past
:func:`finite_data` raises instead of writing invalid JSON. The reports
(:meth:`planning.report.core.Report.to_json`), the area tables of ``planning areas`` and the
diffs (:meth:`planning.diff.changes.PlanDiff.to_json`) are written through it.

Heavy imports (numpy) happen inside functions.
"""

from __future__ import annotations

import json
import math
from typing import Any

__all__ = ["finite_data", "json_text"]


def finite_data(obj: Any) -> Any:
    """Return ``obj`` with every NaN or infinity (Python or numpy) replaced by None.

    Parameters
    ----------
    obj
        Plain data: dicts, lists, tuples, numbers, strings, numpy scalars.

    Returns
    -------
    Any
        The same data (new dicts and lists where something inside changed; tuples become
        lists, as JSON writes them), numpy scalars turned into Python numbers and bools.

    Examples
    --------
    >>> finite_data({"difference_pct": float("inf"), "declared_ha": [float("nan"), 2.5]})
    {'difference_pct': None, 'declared_ha': [None, 2.5]}
    """
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else None
    if isinstance(obj, dict):
        return {k: finite_data(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [finite_data(v) for v in obj]
    if isinstance(obj, (str, int, bool)) or obj is None:
        return obj
    return _numpy_scalar(obj)


def _numpy_scalar(obj: Any) -> Any:
    """Return a numpy scalar as the Python value JSON writes (non-finite → None); else ``obj``."""
    import numpy as np

    if isinstance(obj, np.bool_):
        return bool(obj)
    if isinstance(obj, np.integer):
        return int(obj)
    if isinstance(obj, np.floating):
        return finite_data(float(obj))
    return obj


def json_text(obj: Any, *, indent: int | None = 2) -> str:
    """Return ``obj`` as strict JSON text (UTF-8, non-ASCII kept, non-finite numbers null).

    Parameters
    ----------
    obj
        Plain data (see :func:`finite_data`).
    indent
        Spaces per level; None for one line.

    Returns
    -------
    str
        JSON that RFC 8259 parsers accept.

    Raises
    ------
    TypeError
        If ``obj`` holds something that is not JSON data.

    Examples
    --------
    >>> json_text({"difference_pct": float("nan")}, indent=None)
    '{"difference_pct": null}'
    """
    return json.dumps(finite_data(obj), indent=indent, ensure_ascii=False, allow_nan=False)
