from __future__ import annotations

import math

import pytest
from shapely.geometry import Point

from planning.rules.coverage import coverage
from planning.testing import make_plan, run_rule, square


def test_coverage_counts(thach_that):
    _, x, y = thach_that
    plan = make_plan(
        [
            {"cluster_id": "A", "geometry": square(x, y, 10), "declared_ha": 10.0},
            {
                "cluster_id": "B",
                "geometry": square(x + 0.1, y, 20),
                "declared_ha": 20.0,
                "geometry_kind": "indicative",
                "location_precision": "commune",
            },
            {
                "cluster_id": "C",
                "geometry": Point(x, y + 0.1),
                "declared_ha": math.nan,
                "geometry_kind": "point",
                "location_precision": "district",
            },
        ],
        complete=False,
    )
    c = coverage(plan)
    assert c["clusters_loaded"] == 3
    assert c["clusters_planned"] == 159
    assert c["clusters_with_area"] == 2
    assert c["ha_declared"] == pytest.approx(30.0)
    assert c["ha_share"] == pytest.approx(30 / 3204.31)
    assert c["by_geometry_kind"] == {"digitized": 1, "indicative": 1, "point": 1}
    res = run_rule("COV001", plan)
    assert res.status == "pass"
    assert "3 clusters loaded of 159 planned (1.9 %)" in res.explanation
    res = run_rule("COV002", plan)
    kinds = {(f.detail["kind"], f.detail["precision"]) for f in res.findings}
    assert kinds == {("indicative", "commune"), ("point", "district")}
