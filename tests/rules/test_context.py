"""CTX001: clusters on an industrial park of the context layer are listed, as information."""

from __future__ import annotations

from dataclasses import replace

import geopandas as gpd
import pytest

from planning.testing import make_plan, run_rule, square


def _parks(*rows):
    return gpd.GeoDataFrame(
        {"park_id": [r[0] for r in rows], "name": [r[1] for r in rows]},
        geometry=[r[2] for r in rows],
        crs="EPSG:4326",
    )


PARKS = _parks(
    (597870255, "Khu công nghiệp Thử", square(105.56, 21.06, 50)),
    (2, "Khu công nghiệp Xa", square(105.90, 21.20, 50)),
)


def test_a_cluster_on_a_park_is_listed_as_information():
    plan = make_plan(
        [
            {"cluster_id": "ON", "geometry": square(105.56, 21.06, 4)},
            {"cluster_id": "OFF", "geometry": square(105.70, 21.00, 4)},
        ]
    )
    res = run_rule("CTX001", replace(plan, industrial_parks=PARKS))
    assert res.status == "pass"  # information never fails a check
    assert [f.cluster_id for f in res.findings] == ["ON"]
    (f,) = res.findings
    assert f.severity == "info"
    assert f.detail["park_id"] == 597870255 and f.detail["park"] == "Khu công nghiệp Thử"
    assert f.detail["overlap_ha"] == pytest.approx(4.0, rel=0.01)
    assert "2 cluster polygons tested against 2 industrial parks" in res.explanation


def test_an_indicative_footprint_on_a_park_says_its_location_is_approximate():
    plan = make_plan(
        [{"cluster_id": "IND", "geometry": square(105.56, 21.06, 4), "geometry_kind": "indicative"}]
    )
    (f,) = run_rule("CTX001", replace(plan, industrial_parks=PARKS)).findings
    assert f.detail["indicative"] is True and "approximate" in f.message


def test_without_the_layer_the_rule_does_not_apply():
    plan = make_plan([{"cluster_id": "A", "geometry": square(105.56, 21.06, 4)}])
    assert plan.industrial_parks is None
    res = run_rule("CTX001", plan)
    assert res.status == "skip" and "no industrial park layer" in res.explanation
    res = run_rule("CTX001", replace(plan, industrial_parks=PARKS.iloc[:0]))
    assert res.status == "skip"
