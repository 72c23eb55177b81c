"""The report and the area tables are strict JSON, even for areas of 0 ha or none at all.

A row declaring 0 ha with a 28.8 ha polygon gave ``"difference_pct": Infinity`` and a row
with no declared area ``NaN``: neither is JSON, and node's ``JSON.parse`` or ``jq`` refuse
the whole report. Such numbers are now ``null`` (and the schema allows it), and the text
outputs show no ``inf``.
"""

from __future__ import annotations

import copy
import json
import math

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planning.jsondata import json_text
from planning.report.areas import area_tables
from planning.report.core import Report, check
from planning.report.json_schema import report_schema
from planning.testing import make_plan, square


def _refuse(constant: str) -> object:
    raise ValueError(f"not JSON: {constant}")


def strict_loads(text: str) -> object:
    return json.loads(text, parse_constant=_refuse)


def _plan(declared: list[float]):
    return make_plan(
        [
            {
                "cluster_id": f"C{i}",
                "declared_ha": d,
                "geometry": square(105.50 + 0.02 * i, 21.06, 10),
            }
            for i, d in enumerate(declared)
        ]
    )


@pytest.fixture(scope="module")
def zero_report() -> Report:
    """A check of a plan with a declared 0 ha, a missing area and a good one (API: no reader)."""
    return check(_plan([0.0, math.nan, 10.0]))


def test_declared_zero_and_missing_give_null_not_infinity(zero_report):
    text = zero_report.to_json()
    assert "Infinity" not in text and "NaN" not in text
    d = strict_loads(text)
    are = next(r for r in d["rules"] if r["code"] == "ARE001")
    (finding,) = [f for f in are["findings"] if f["cluster_id"] == "C0"]
    assert finding["detail"]["difference_pct"] is None
    assert "not an area" in finding["message"]


def test_report_with_null_validates_against_the_schema(zero_report):
    d = strict_loads(zero_report.to_json())
    schema = report_schema()
    jsonschema.validate(d, schema)
    # the schema says where null may be: a finding's difference_pct is a number or null
    bad = copy.deepcopy(d)
    are = next(r for r in bad["rules"] if r["code"] == "ARE001")
    are["findings"][0]["detail"]["difference_pct"] = "inf"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, schema)


def test_text_outputs_show_no_infinite_percentage(zero_report):
    for text in (zero_report.to_text(verbose=True), zero_report.to_markdown()):
        assert "inf" not in text.replace("info", "")
    table = area_tables(_plan([0.0, math.nan, 10.0]))["clusters"]
    assert table["difference_pct"].iloc[:2].isna().all()
    assert math.isfinite(table["difference_pct"].iloc[2])


NON_FINITE = st.sampled_from([math.inf, -math.inf, math.nan])
PLACES = st.lists(
    st.tuples(st.sampled_from(["detail", "coverage", "figure", "cluster", "tree"]), NON_FINITE),
    min_size=1,
    max_size=6,
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(places=PLACES)
def test_any_report_with_non_finite_numbers_is_strict_json(zero_report, places):
    report = copy.deepcopy(zero_report)
    for i, (where, value) in enumerate(places):
        if where == "detail":
            findings = [f for r in report.results for f in r.findings]
            findings[i % len(findings)].detail[f"x{i}"] = value
        elif where == "coverage":
            report.coverage[f"x{i}"] = value
        elif where == "figure":
            report.figures[i % len(report.figures)]["value"] = value
        elif where == "cluster":
            report.clusters[i % len(report.clusters)]["measured_ha"] = value
        else:
            report.category_tree[i % len(report.category_tree)]["ha"] = value
    d = strict_loads(report.to_json())
    assert d["schema"] == "planning.report/1"


@settings(max_examples=15, deadline=None)
@given(
    declared=st.lists(
        st.one_of(st.just(0.0), st.just(math.nan), st.floats(0.001, 1e6)), min_size=1, max_size=4
    )
)
def test_any_area_table_is_strict_json(declared):
    tables = area_tables(_plan(declared))
    payload = {k: tables[k].to_dict(orient="records") for k in ("clusters", "districts")}
    rows = strict_loads(json_text(payload))["clusters"]
    for row, d in zip(rows, declared, strict=True):
        if not d > 0:
            assert row["difference_pct"] is None
        else:
            assert math.isfinite(row["difference_pct"])
