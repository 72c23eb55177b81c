from __future__ import annotations

from planning.model.units2025 import add_units_2025
from planning.sources.units2025 import load_units_2025
from planning.testing import make_plan, run_rule, square


def _plan_with_units(thach_that, declared: str):
    _, lon, lat = thach_that
    plan = make_plan([{"cluster_id": "T-01", "geometry": square(lon, lat, 5)}])
    plan.clusters = add_units_2025(plan.clusters, load_units_2025())
    plan.clusters["declared_commune_2025"] = [declared]
    return plan


def test_adm001_warns_when_the_declared_2025_unit_does_not_hold_the_cluster(thach_that):
    plan = _plan_with_units(thach_that, "Ba Đình")
    held = plan.clusters["commune_2025"].iloc[0]
    assert held and "Ba Đình" not in held
    result = run_rule("ADM001", plan)
    assert result.status == "warn"
    (finding,) = result.findings
    assert finding.cluster_id == "T-01"
    assert "declares the 2025 commune Ba Đình" in finding.message
    assert held.split(";")[0] in finding.message


def test_adm001_passes_when_the_declared_unit_holds_it_with_a_prefix_or_tone_spelling(thach_that):
    plan = _plan_with_units(thach_that, "")
    held = plan.clusters["commune_2025"].iloc[0].split("; ")[0]
    plan.clusters["declared_commune_2025"] = [f"Xã {held}".upper()]
    result = run_rule("ADM001", plan)
    assert result.status == "pass"
    assert result.explanation.startswith("1 cluster declaring")


def test_adm001_is_not_applicable_without_declared_units(thach_that):
    _, lon, lat = thach_that
    plan = make_plan([{"cluster_id": "T-01", "geometry": square(lon, lat, 5)}])
    assert run_rule("ADM001", plan).status == "skip"
