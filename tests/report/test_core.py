from __future__ import annotations

import json

import pytest

from planning.errors import UsageError
from planning.model.plan import load_plan
from planning.report.areas import area_tables
from planning.report.core import SCHEMA, check
from planning.rules import REGISTRY
from planning.testing import make_plan, square


@pytest.fixture(scope="module")
def bundled():
    plan = load_plan()
    return plan, check(plan)


def test_bundled_report_passes_and_states_coverage_honestly(bundled):
    _, report = bundled
    d = json.loads(report.to_json())
    assert d["schema"] == SCHEMA
    assert d["summary"]["exit_code"] == 0
    assert d["summary"]["rules_run"] == len(REGISTRY)
    cov = d["coverage"]
    assert cov["complete"] is False
    assert (cov["clusters_loaded"], cov["clusters_planned"]) == (75, 159)
    assert cov["ha_declared"] == pytest.approx(1297.252)
    assert cov["ha_planned"] == pytest.approx(3204.31)
    statuses = {r["code"]: r["status"] for r in d["rules"]}
    assert statuses["PLN003"] == "pass"
    assert statuses["PLN001"] == "skip"  # a partial list cannot be counted against 159
    assert all(r["explanation"] for r in d["rules"])  # every check explained


def test_report_carries_figures_tree_and_sources(bundled):
    _, report = bundled
    d = report.to_dict()
    figs = {f["key"]: f for f in d["figures"]}
    assert figs["total_clusters"]["value"] == 159
    assert "hanoitimes" in figs["total_clusters"]["source_url"]
    assert figs["kept_ha"]["derived"] and figs["kept_ha"]["value"] == pytest.approx(1598.10)
    assert figs["markets_total"]["verified"] is True
    assert figs["markets_total"]["attributed"] is False
    tree = {n["key"]: n for n in d["category_tree"]}
    assert tree["plan"]["consistent"] and tree["to2020"]["clusters_children_sum"] == 138
    assert all(n["consistent"] for n in d["category_tree"])
    assert any("OCHA" in a for a in d["attributions"])
    assert any("INDICATIVE" in n for n in d["notes"])


def test_markdown_and_text_render_everything(bundled):
    _, report = bundled
    md = report.to_markdown()
    for code in REGISTRY:
        assert f"| {code} |" in md
    assert "## Sources" in md and "CC BY 3.0 IGO" in md
    text = report.to_text(width=120)
    assert "PLN003" in text and "OK:" in text and "INDICATIVE" in text


def test_markdown_escapes_data_text(thach_that_point):
    _, x, y = thach_that_point
    plan = make_plan(
        [
            {
                "cluster_id": "X|1",
                "name_vi": "<b>bad</b> | name",
                "geometry": square(x, y, 1),
                "declared_ha": 9.0,
            }
        ]
    )
    md = check(plan).to_markdown()
    assert "<b>" not in md
    assert "&lt;b&gt;bad&lt;/b&gt; \\| name" in md


def test_failing_report_exit_code(thach_that_point):
    _, x, y = thach_that_point
    plan = make_plan(
        [{"cluster_id": "A", "geometry": square(x, y, 10), "declared_ha": 20.0}], complete=False
    )
    report = check(plan, select=("ARE",))
    assert report.exit_code == 1
    assert [r.rule.code for r in report.failed] == ["ARE001"]
    assert report.findings_for("A")[0]["code"] == "ARE001"
    assert check(plan, select=("ARE",), tolerance_pct=60).exit_code == 0


def test_bad_options():
    plan = make_plan([])
    with pytest.raises(UsageError, match="no rule code starts with 'XYZ'"):
        check(plan, select=("XYZ",))
    with pytest.raises(UsageError, match="tolerance"):
        check(plan, tolerance_pct=-1)


def test_area_tables(bundled):
    plan, _ = bundled
    t = area_tables(plan)
    d = t["districts"]
    assert len(d) == 30
    assert d["area_km2"].sum() == pytest.approx(3354.4, rel=1e-3)
    assert d["clusters"].sum() == 75
    assert d.set_index("district_vi").loc["Chương Mỹ", "clusters"] == 5
    c = t["clusters"]
    # VN-2000 planar area is within 0.05 % of geodesic for Hanoi's clusters
    cl = plan.clusters[plan.clusters["geometry_kind"].ne("point")]
    assert ((cl["measured_ha_vn2000"] / cl["measured_ha"] - 1).abs() < 5e-4).all()
    # An indicative footprint is drawn at its declared area: not a measurement (issue 11 §4).
    ind = c[c["geometry_kind"] == "indicative"]
    assert len(ind) and ind["measured_ha"].isna().all() and ind["measured_ha_vn2000"].isna().all()
    assert ind["measured_note"].str.startswith("not measured: an indicative footprint").all()
    assert ind["difference_pct"].isna().all()
    # Old units and the 2025 unit side by side.
    row = c.set_index("cluster_id").loc["CCN-42"]
    assert (row["commune_vi"], row["district_vi"]) == ("Phùng Xá", "Thạch Thất")
    assert (row["commune_2025"], row["commune_2025_code"]) == ("Tây Phương", "10003")


@pytest.fixture(scope="module")
def thach_that_point():
    from planning.testing import district_point

    return district_point("Thạch Thất")
