"""planning.model.stacks: clusters whose markers coincide, for one counted marker on the maps."""

from __future__ import annotations

import math

import geopandas as gpd
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

from planning.model.footprints import indicative_footprint
from planning.model.stacks import STACK_COLUMNS, marker_points, stacked_locations

#: One metre of latitude, in degrees (WGS 84 near 21° N: about 110.7 km per degree).
M_LAT = 1 / 110_700


def _layer(rows):
    return gpd.GeoDataFrame(
        {"cluster_id": [r[0] for r in rows], "geometry_kind": [r[1] for r in rows]},
        geometry=[r[2] for r in rows],
        crs="EPSG:4326",
    )


def test_footprints_of_different_areas_at_one_point_are_one_stack():
    x, y = 105.869981, 20.831634
    layer = _layer(
        [
            ("A", "indicative", indicative_footprint(x, y, 10.0)),
            ("B", "point", shapely.Point(x, y)),
            ("C", "indicative", indicative_footprint(x, y, 75.0)),
            ("D", "indicative", indicative_footprint(x + 0.01, y, 10.0)),  # about 1 km east
        ]
    )
    stacks = stacked_locations(layer)
    assert list(stacks.columns) == list(STACK_COLUMNS)
    assert stacks["cluster_ids"].tolist() == [["A", "B", "C"]]
    assert stacks["count"].tolist() == [3]
    assert stacks["lon"].iloc[0] == pytest.approx(x, abs=1e-9)
    assert stacks["lat"].iloc[0] == pytest.approx(y, abs=1e-9)


def test_the_tolerance_is_one_metre():
    x, y = 105.6, 21.0
    layer = _layer(
        [
            ("A", "point", shapely.Point(x, y)),
            ("B", "point", shapely.Point(x, y + 0.8 * M_LAT)),  # 0.8 m north
            ("C", "point", shapely.Point(x, y + 3.0 * M_LAT)),  # 3 m north
        ]
    )
    assert stacked_locations(layer)["cluster_ids"].tolist() == [["A", "B"]]
    assert stacked_locations(layer, tolerance_m=5.0)["cluster_ids"].tolist() == [["A", "B", "C"]]


def test_no_stack_and_missing_geometries_give_an_empty_table():
    layer = _layer(
        [
            ("A", "point", shapely.Point(105.6, 21.0)),
            ("B", "point", None),
            ("C", "point", shapely.Point()),
            ("D", "digitized", shapely.box(105.7, 21.0, 105.71, 21.01)),
        ]
    )
    stacks = stacked_locations(layer)
    assert stacks.empty and list(stacks.columns) == list(STACK_COLUMNS)
    assert math.isnan(marker_points(layer)[1, 0]) and math.isnan(marker_points(layer)[2, 1])


def test_the_bundled_catalogue_stacks(mirror):
    import planning

    plan = planning.load_plan(mirror=mirror, industrial_parks=False)
    stacks = stacked_locations(plan.clusters)
    by_size = sorted(stacks["count"].tolist(), reverse=True)
    assert by_size[0] >= 5  # Thường Tín's clusters at the district point
    cl = plan.clusters.set_index("cluster_id")
    biggest = stacks.loc[stacks["count"].idxmax(), "cluster_ids"]
    assert set(cl.loc[biggest, "district_vi"]) == {"Thường Tín"}
    assert set(cl.loc[biggest, "location_precision"]) == {"district"}
    # every stacked cluster is in exactly one stack
    members = [c for ids in stacks["cluster_ids"] for c in ids]
    assert len(members) == len(set(members)) == int(stacks["count"].sum())


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 5), st.integers(0, 5)), min_size=0, max_size=25))
def test_groups_are_exactly_the_coinciding_points(cells):
    """Points on a 100 m grid: the stacks are the grid cells holding two or more points."""
    rows = [
        (f"C{i}", "point", shapely.Point(105.6 + gx * 100 * M_LAT, 21.0 + gy * 100 * M_LAT))
        for i, (gx, gy) in enumerate(cells)
    ]
    stacks = stacked_locations(_layer(rows)) if rows else stacked_locations(_layer([]))
    expected: dict[tuple[int, int], list[str]] = {}
    for i, cell in enumerate(cells):
        expected.setdefault(cell, []).append(f"C{i}")
    want = sorted(ids for ids in expected.values() if len(ids) > 1)
    assert sorted(stacks["cluster_ids"].tolist()) == want
