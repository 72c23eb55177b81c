"""Every JSON the project writes is strict RFC 8259: no NaN or Infinity, whatever the data."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from planning.jsondata import finite_data, json_text


def _refuse(constant: str) -> object:
    raise ValueError(f"not JSON: {constant}")


def strict_loads(text: str) -> object:
    """``json.loads`` that refuses NaN, Infinity and -Infinity, as node and jq do."""
    return json.loads(text, parse_constant=_refuse)


NON_FINITE = st.sampled_from(
    [math.inf, -math.inf, math.nan, np.float64("inf"), np.float64("nan"), np.float32("-inf")]
)
LEAVES = st.one_of(
    NON_FINITE,
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(-(10**6), 10**6),
    st.text(max_size=8),
    st.booleans(),
    st.none(),
    st.integers(-100, 100).map(np.int64),
    st.booleans().map(np.bool_),
)
DATA = st.recursive(
    LEAVES,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.tuples(inner, inner),
        st.dictionaries(st.text(max_size=5), inner, max_size=4),
    ),
    max_leaves=20,
)


def _same(a: object, b: object) -> bool:
    """Whether ``b`` (read back) is ``a`` with every non-finite number as None."""
    if isinstance(a, (float, np.floating)):
        return b is None if not math.isfinite(a) else b == float(a)
    if isinstance(a, dict):
        return isinstance(b, dict) and a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)):
        return isinstance(b, list) and len(a) == len(b) and all(map(_same, a, b))
    if isinstance(a, np.generic):
        return b == a.item()
    return a == b


@given(DATA)
def test_json_text_is_strict_and_keeps_every_finite_value(data):
    back = strict_loads(json_text(data))
    assert _same(data, back)


@given(DATA)
def test_finite_data_leaves_nothing_json_would_write_as_nan(data):
    # allow_nan=False raises on any NaN or infinity left behind
    json.dumps(finite_data(data), allow_nan=False)


def test_json_text_refuses_what_is_not_data():
    with pytest.raises(TypeError):
        json_text({"x": object()})
