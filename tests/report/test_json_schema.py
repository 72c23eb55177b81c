"""Every report validates against the shipped JSON Schema (planning/report/report.schema.json)."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path

import jsonschema
import pytest
from shapely.geometry import LineString, Polygon

from planning.model.plan import load_plan
from planning.report.core import SCHEMA, check
from planning.report.json_schema import report_schema
from planning.testing import district_point, make_plan, square

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft202012Validator:
    schema = report_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def _errors(validator, d: dict) -> list[str]:
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(d)]


@pytest.fixture(scope="module")
def bundled() -> dict:
    return json.loads(check(load_plan()).to_json())


@pytest.fixture(scope="module")
def failing() -> dict:
    """A complete plan whose clusters break most rules: many fail and warn statuses."""
    _, x, y = district_point("Thạch Thất")
    bowtie = Polygon([(x, y), (x + 0.01, y + 0.01), (x + 0.01, y), (x, y + 0.01)])
    plan = make_plan(
        [
            {"cluster_id": "A", "geometry": square(x, y, 4), "declared_ha": 9.0},
            {"cluster_id": "A", "geometry": square(x + 0.001, y, 4), "declared_ha": 40_000.0},
            {"cluster_id": "BOW", "geometry": bowtie, "name_vi": "CCN Phùng Xá"},
            {"cluster_id": "L", "geometry": LineString([(x, y), (x + 0.01, y)])},
            {"cluster_id": "E", "geometry": Polygon(), "name_vi": "ccn phung xa"},
            {"cluster_id": "HP", "geometry": square(106.68, 20.86, 5), "category": "kept"},
        ],
        complete=True,
    )
    return json.loads(check(plan, tolerance_pct=2).to_json())


def test_schema_file_names_its_identifier():
    assert report_schema()["properties"]["schema"] == {"const": SCHEMA}
    assert report_schema()["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_bundled_report_validates(validator, bundled):
    assert _errors(validator, bundled) == []
    assert {r["status"] for r in bundled["rules"]} >= {"pass", "skip"}


def test_failing_report_validates(validator, failing):
    assert _errors(validator, failing) == []
    statuses = {r["code"]: r["status"] for r in failing["rules"]}
    assert {"fail", "warn"} <= set(statuses.values())
    assert statuses["GEO001"] == statuses["IDS001"] == statuses["LOC001"] == "fail"
    assert failing["summary"]["exit_code"] == 1


def test_partial_and_selected_reports_validate(validator):
    _, x, y = district_point("Chương Mỹ")
    plan = make_plan([{"cluster_id": "P", "geometry": square(x, y, 2)}], complete=False)
    d = json.loads(check(plan, select=["PLN", "COV"]).to_json())
    assert _errors(validator, d) == []
    assert {r["status"] for r in d["rules"]} >= {"skip"}
    assert {r["code"][:3] for r in d["rules"]} == {"PLN", "COV"}
    empty = json.loads(check(make_plan([], complete=False)).to_json())
    assert _errors(validator, empty) == []


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("schema",), "planning.report/2"),
        (("summary", "exit_code"), 2),
        (("rules", 0, "status"), "ok"),
        (("rules", 0, "code"), "pln001"),
        (("rules", 0, "findings"), [{"code": "PLN001", "severity": "fatal"}]),
        (("coverage", "clusters_loaded"), -1),
        (("figures", 0, "verified"), "yes"),
        (("category_tree", 0, "children"), "to2020"),
    ],
)
def test_schema_rejects_a_broken_report(validator, bundled, path, value):
    d = copy.deepcopy(bundled)
    target = d
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    assert _errors(validator, d)


def test_schema_rejects_statuses_that_contradict_findings(validator, failing):
    d = copy.deepcopy(failing)
    rule = next(r for r in d["rules"] if r["status"] == "fail")
    rule["status"] = "pass"  # a pass with error findings
    assert _errors(validator, d)
    d = copy.deepcopy(failing)
    for key in ("notes", "coverage"):
        del d[key]
    assert len(_errors(validator, d)) == 2


def test_new_optional_keys_are_allowed(validator, bundled):
    d = copy.deepcopy(bundled)
    d["language"] = "vi"
    d["rules"][0]["docs_url"] = "https://example.org/PLN001"
    d["coverage"]["by_source"] = {"news": 27}
    assert _errors(validator, d) == []


def test_prose_documentation_names_only_keys_of_the_schema():
    """docs/report-schema.md explains the schema's keys; both stay in step."""
    doc = (ROOT / "docs" / "report-schema.md").read_text(encoding="utf-8")
    assert "planning/report/report.schema.json" in doc
    schema = report_schema()
    known = set(schema["properties"])
    for d in schema["$defs"].values():
        known |= set(d.get("properties", {}))
    documented = set(re.findall(r"^\| `([a-z_]+)` \|", doc, flags=re.M))
    assert documented and documented <= known, documented - known
    top = {k for k in documented if k in schema["properties"]}
    assert top == set(schema["required"])
