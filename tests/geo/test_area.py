"""Tests of planning.geo.area: known values, independent formulas, properties, errors."""

from __future__ import annotations

import functools
import math
import subprocess
import sys

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st
from pyproj import Geod, Transformer

from planning.errors import CRSError, PlanningError, UsageError
from planning.geo._rings import lonlat_rings
from planning.geo.area import (
    add_areas,
    area_ha,
    equal_area_m2,
    geodesic_area_m2,
    planar_area_m2,
)
from planning.geo.crs import DatumShiftWarning
from planning.geo.geodesic import MAX_EDGE_M
from planning.sources.boundaries import load_districts

A = 6378137.0
F = 1 / 298.257223563
E2 = F * (2 - F)
E = math.sqrt(E2)
R = 6_371_008.8
HOA_LAC = (105.53, 21.00)
GEOD = Geod(ellps="WGS84")

# EPSG:6960 "VN-2000 to WGS 84 (2)" written out by hand (coordinate-frame rotations),
# after the inverse of VN-2000 / TM-3 zone 482; and the older EPSG:6959 set.
_TM482 = "+proj=tmerc +lat_0=0 +lon_0=105 +k=0.9999 +x_0=500000 +y_0=0 +ellps=WGS84"
_HELMERT_6960 = (
    "+x=-191.90441429 +y=-39.30318279 +z=-111.45032835 "
    "+rx=-0.00928836 +ry=0.01975479 +rz=-0.00427372 +s=0.252906278"
)
_HELMERT_6959 = "+x=-192.873 +y=-39.382 +z=-111.202 +rx=0.00205 +ry=0.0005 +rz=-0.00335 +s=0.0188"


def _tm482_to_wgs84(helmert: str) -> Transformer:
    return Transformer.from_pipeline(
        f"+proj=pipeline +step +inv {_TM482} +step +proj=push +v_3 "
        "+step +proj=cart +ellps=WGS84 "
        f"+step +proj=helmert {helmert} +convention=coordinate_frame "
        "+step +inv +proj=cart +ellps=WGS84 +step +proj=pop +v_3 "
        "+step +proj=unitconvert +xy_in=rad +xy_out=deg"
    )


def _move(geom: shapely.Geometry, tr: Transformer) -> shapely.Geometry:
    return shapely.transform(geom, lambda xy: np.column_stack(tr.transform(xy[:, 0], xy[:, 1])))


def zone_area(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Closed-form ellipsoidal area between two parallels and two meridians, m²."""

    def q(lat: float) -> float:  # Snyder (1987), eq. 3-12
        s = math.sin(math.radians(lat))
        return (1 - E2) * (s / (1 - E2 * s * s) - math.log((1 - E * s) / (1 + E * s)) / (2 * E))

    return A * A / 2 * math.radians(lon2 - lon1) * (q(lat2) - q(lat1))


def cell(lon1: float, lat1: float, lon2: float, lat2: float, n: int = 2000) -> shapely.Polygon:
    """A lon/lat cell whose parallels are densified (a parallel is not a geodesic)."""
    t = np.linspace(0.0, 1.0, n + 1)
    south = np.column_stack([lon1 + (lon2 - lon1) * t, np.full_like(t, lat1)])
    north = np.column_stack([lon2 - (lon2 - lon1) * t, np.full_like(t, lat2)])
    return shapely.Polygon(np.vstack([south, north]))


def star(lon0: float, lat0: float, ha: float, radii: list[float], turn: float = 0.0):
    """A star-shaped polygon of about ``ha`` hectares around (lon0, lat0), and its centre."""
    k = len(radii)
    ang = turn + np.arange(k) * 2 * np.pi / k
    x, y = np.asarray(radii) * np.cos(ang), np.asarray(radii) * np.sin(ang)
    unit = 0.5 * np.sum(x * np.roll(y, -1) - np.roll(x, -1) * y)
    s = math.sqrt(ha * 1e4 / unit)
    lon = lon0 + np.degrees(x * s / (R * math.cos(math.radians(lat0))))
    lat = lat0 + np.degrees(y * s / R)
    return shapely.Polygon(np.column_stack([lon, lat])), (lon0, lat0)


@st.composite
def cluster_polygons(draw: st.DrawFn, lo_ha: float = 1.0, hi_ha: float = 100.0):
    """Random star-shaped polygons of lo_ha-hi_ha anywhere in lon 102-110, lat 8-23.5."""
    lon0 = draw(st.floats(102.0, 110.0))
    lat0 = draw(st.floats(8.0, 23.5))
    ha = draw(st.floats(lo_ha, hi_ha))
    radii = draw(st.lists(st.floats(0.5, 1.0), min_size=3, max_size=12))
    turn = draw(st.floats(0.0, 2 * math.pi))
    return star(lon0, lat0, ha, radii, turn)


def rel(a: float | np.ndarray, b: float | np.ndarray) -> np.ndarray:
    return np.abs(np.asarray(a) / np.asarray(b) - 1)


def random_polygons(n: int, lo_ha: float, hi_ha: float, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    out = np.empty(n, dtype=object)
    for i in range(n):
        radii = list(rng.uniform(0.5, 1.0, int(rng.integers(3, 16))))
        out[i] = star(rng.uniform(102, 110), rng.uniform(8, 23.5), rng.uniform(lo_ha, hi_ha),
                      radii, rng.uniform(0, 2 * math.pi))[0]  # fmt: skip
    return out


# ----------------------------------------------------------------------- known values


@functools.cache
def _hoa_lac_5897() -> tuple[float, float]:
    return Transformer.from_crs(4326, 5897, always_xy=True).transform(*HOA_LAC)


def _hoa_lac_square_5897(side_m: float = 1000.0) -> shapely.Polygon:
    cx, cy = _hoa_lac_5897()
    h = side_m / 2
    return shapely.box(cx - h, cy - h, cx + h, cy + h)


def test_hoa_lac_square_geodesic_area() -> None:
    sq = _hoa_lac_square_5897()
    assert planar_area_m2([sq], crs="EPSG:5897")[0] == pytest.approx(1e6, rel=1e-12)
    assert geodesic_area_m2([sq], crs="EPSG:5897")[0] / 1e4 == pytest.approx(100.013, abs=0.001)
    assert equal_area_m2([sq], crs="EPSG:5897")[0] / 1e4 == pytest.approx(100.013, abs=0.001)


@pytest.mark.parametrize(
    ("crs", "expected_pct", "tol"),
    [("EPSG:5897", -0.013, 0.002), ("EPSG:32648", -0.073, 0.002), ("EPSG:3857", 15.3, 0.1)],
)
def test_planar_areas_against_geodesic_at_hoa_lac(crs: str, expected_pct: float, tol: float):
    # A 100 m square at Hoa Lac, measured with shapely in each projection.
    lon, lat = HOA_LAC
    small = gpd.GeoSeries([shapely.box(lon, lat, lon + 0.001, lat + 0.001)], crs=4326)
    geodesic = geodesic_area_m2(small)[0]
    planar = small.to_crs(crs).area.iloc[0]
    assert 100 * (planar / geodesic - 1) == pytest.approx(expected_pct, abs=tol)


def test_planar_area_matches_geopandas_in_epsg5897() -> None:
    polys = random_polygons(50, 1, 100, seed=3)
    polys = np.array([shapely.affinity.translate(p, 105.6 - p.centroid.x, 21.0 - p.centroid.y)
                      for p in polys], dtype=object)  # fmt: skip
    layer = gpd.GeoSeries(polys, crs=4326)
    expected = layer.to_crs("EPSG:5897").area.to_numpy()
    assert rel(planar_area_m2(layer), expected).max() < 1e-10


# ------------------------------------------------------------ independent references


def test_equatorial_cell_matches_closed_form() -> None:
    expected = zone_area(0, 0, 1, 1)
    assert expected == pytest.approx(1.2308e10, rel=1e-4)  # 1°x1° at the equator
    poly = cell(0, 0, 1, 1)
    assert rel(geodesic_area_m2([poly], crs=4326)[0], expected) < 1e-9
    assert rel(equal_area_m2([poly], crs=4326)[0], expected) < 1e-9


def test_hanoi_cell_matches_closed_form_and_cylindrical_equal_area() -> None:
    expected = zone_area(105, 21, 106, 22)
    poly = cell(105, 21, 106, 22)
    assert rel(geodesic_area_m2([poly], crs=4326)[0], expected) < 1e-9
    assert rel(equal_area_m2([poly], crs=4326)[0], expected) < 1e-9
    # In Lambert's cylindrical equal-area projection parallels and meridians are straight,
    # so the planar area of the undensified cell is the exact zone area.
    cea = "+proj=cea +lon_0=0 +lat_ts=0 +datum=WGS84 +units=m +type=crs"
    corners = shapely.box(105, 21, 106, 22)
    assert rel(planar_area_m2([corners], crs=4326, target=cea)[0], expected) < 1e-12


def test_polygon_with_hole_matches_closed_form() -> None:
    outer, inner = cell(105, 21, 106, 22), cell(105.25, 21.25, 105.75, 21.75)
    expected = zone_area(105, 21, 106, 22) - zone_area(105.25, 21.25, 105.75, 21.75)
    # Both rings counter-clockwise: orientation must not matter, holes always subtract.
    holed = shapely.Polygon(outer.exterior.coords, [inner.exterior.coords])
    assert shapely.is_ccw(holed.interiors[0])
    for fn in (geodesic_area_m2, equal_area_m2):
        assert rel(fn([holed], crs=4326)[0], expected) < 1e-9
        fixed = shapely.geometry.polygon.orient(holed, 1.0)
        assert rel(fn([fixed], crs=4326)[0], expected) < 1e-9


def test_long_edges_are_cut_at_geodesic_points() -> None:
    # Edges of 50-110 km, far longer than MAX_EDGE_M: the fast path must still agree.
    assert MAX_EDGE_M < 50_000
    polys = [shapely.box(105, 21, 106, 22), shapely.Polygon([(103, 9), (109, 10), (104, 23)])]
    assert rel(equal_area_m2(polys, crs=4326), geodesic_area_m2(polys, crs=4326)).max() < 1e-9


def test_antimeridian_crossing_polygon() -> None:
    poly = shapely.Polygon([(179.99, 10), (-179.99, 10), (-179.99, 10.01), (179.99, 10.01)])
    geodesic = geodesic_area_m2([poly], crs=4326)[0]
    assert rel(geodesic, zone_area(-0.01, 10, 0.01, 10.01)) < 1e-6  # edges nearly parallels
    assert rel(equal_area_m2([poly], crs=4326)[0], geodesic) < 1e-8


# --------------------------------------------------------------------------- accuracy


@pytest.mark.parametrize(("lo_ha", "hi_ha"), [(1, 100), (100, 10_000), (10_000, 40_000)])
def test_equal_area_agrees_with_geodesic_across_viet_nam(lo_ha: float, hi_ha: float) -> None:
    polys = random_polygons(300, lo_ha, hi_ha, seed=int(lo_ha))
    err = rel(equal_area_m2(polys, crs=4326), geodesic_area_m2(polys, crs=4326))
    assert err.max() < 1e-7  # measured: ~5e-9 for 1-100 ha, ~1e-12 for district sizes


def test_reference_equals_plain_geographiclib() -> None:
    polys = random_polygons(100, 1, 100, seed=7)
    plain = np.array([abs(GEOD.geometry_area_perimeter(p)[0]) for p in polys])
    assert rel(geodesic_area_m2(polys, crs=4326), plain).max() < 1e-13


@settings(max_examples=60, deadline=None)
@given(cluster_polygons())
def test_property_equal_area_within_1e6_of_geodesic(case) -> None:
    poly, _ = case
    geodesic = geodesic_area_m2([poly], crs=4326)[0]
    assert 0.9e4 < geodesic < 1.1e6
    assert rel(equal_area_m2([poly], crs=4326)[0], geodesic) < 1e-6


@settings(max_examples=40, deadline=None)
@given(cluster_polygons())
def test_property_orientation_does_not_matter(case) -> None:
    poly, _ = case
    rev = shapely.Polygon(poly.exterior.coords[::-1])
    for fn in (geodesic_area_m2, equal_area_m2, planar_area_m2):
        a, b = fn([poly, rev], crs=4326)
        assert a > 0
        assert rel(a, b) < 1e-12


@settings(max_examples=40, deadline=None)
@given(cluster_polygons(), st.integers(1, 11))
def test_property_additive_when_split_in_two(case, cut: int) -> None:
    poly, centre = case
    ring = list(poly.exterior.coords)[:-1]
    k = 1 + cut % (len(ring) - 1)
    part1 = shapely.Polygon([centre, *ring[: k + 1]])
    part2 = shapely.Polygon([centre, *ring[k:], ring[0]])
    for fn in (geodesic_area_m2, equal_area_m2):
        whole, a, b = fn([poly, part1, part2], crs=4326)
        assert rel(a + b, whole) < 1e-9


@settings(max_examples=30, deadline=None)
@given(cluster_polygons(), cluster_polygons())
def test_property_multipolygon_is_sum_of_parts(case1, case2) -> None:
    p, q = case1[0], case2[0]
    multi = shapely.MultiPolygon([p, q])
    for fn in (geodesic_area_m2, equal_area_m2, planar_area_m2):
        whole, a, b = fn([multi, p, q], crs=4326)
        assert rel(whole, a + b) < 1e-12


@settings(max_examples=30, deadline=None)
@given(cluster_polygons(), st.floats(0.2, 3.0))
def test_property_scaling(case, factor: float) -> None:
    poly, (lon0, lat0) = case
    bigger = shapely.affinity.scale(poly, factor, factor, origin=(lon0, lat0))
    a, b = geodesic_area_m2([poly, bigger], crs=4326)
    # Scaling longitude/latitude is not a similarity on the ellipsoid: close, not exact.
    assert rel(b / a, factor**2) < 1e-4
    assert rel(equal_area_m2([bigger], crs=4326)[0], b) < 1e-6
    # In a projected plane it is exact.
    sq = _hoa_lac_square_5897(300)
    c = sq.centroid
    area1, area2 = planar_area_m2(
        [sq, shapely.affinity.scale(sq, factor, factor, origin=c)], crs="EPSG:5897"
    )
    assert rel(area2 / area1, factor**2) < 1e-9


# --------------------------------------------------------------------------- VN-2000


def test_vn2000_goes_through_epsg_6960() -> None:
    sq = _hoa_lac_square_5897(1000)
    via_6960 = _move(sq, _tm482_to_wgs84(_HELMERT_6960))
    via_6959 = _move(sq, _tm482_to_wgs84(_HELMERT_6959))
    ours = geodesic_area_m2([sq], crs="EPSG:5897")[0]
    a6960, a6959 = geodesic_area_m2([via_6960, via_6959], crs=4326)
    assert rel(ours, a6960) < 1e-12
    assert rel(a6960, a6959) > 1e-8  # the two sets give areas ~8e-8 apart here
    # ... and back again: planar area in EPSG:5897 of the WGS 84 polygon is the square's
    # (to 1e-9: heights are dropped between the two Helmert shifts).
    assert planar_area_m2([via_6960], crs=4326)[0] == pytest.approx(1e6, rel=1e-8)


def test_proj_default_for_5897_is_6960_too() -> None:
    # Not relied upon (the 6960 operation is picked explicitly), but worth knowing.
    x, y = _hoa_lac_square_5897().exterior.coords[0]
    default = Transformer.from_crs(5897, 4326, always_xy=True).transform(x, y)
    explicit = _tm482_to_wgs84(_HELMERT_6960).transform(x, y)
    assert default == pytest.approx(explicit, abs=1e-10)


def test_geographic_vn2000_input() -> None:
    sq = _hoa_lac_square_5897(1000)
    via_6960 = _move(sq, _tm482_to_wgs84(_HELMERT_6960))
    unproject = Transformer.from_pipeline(
        f"+proj=pipeline +step +inv {_TM482} +step +proj=unitconvert +xy_in=rad +xy_out=deg"
    )
    geo_vn = _move(sq, unproject)  # geographic VN-2000 (EPSG:4756)
    expected = geodesic_area_m2([via_6960], crs=4326)[0]
    assert rel(geodesic_area_m2([geo_vn], crs="EPSG:4756")[0], expected) < 1e-12


# ----------------------------------------------------------------------- conventions


def test_missing_empty_points_lines_and_collections() -> None:
    box = shapely.box(105.5, 21.0, 105.51, 21.01)
    geoms = [
        None,
        shapely.Polygon(),
        shapely.Point(105.5, 21.0),
        shapely.LineString([(105.5, 21.0), (105.6, 21.1), (105.5, 21.1)]),
        shapely.GeometryCollection([box, shapely.Point(1, 1)]),
        shapely.MultiPolygon(),
        box,
    ]
    for fn in (geodesic_area_m2, equal_area_m2, planar_area_m2):
        out = fn(geoms, crs=4326)
        assert np.isnan(out[0])
        assert list(out[1:4]) == [0.0, 0.0, 0.0]
        assert out[4] == pytest.approx(out[6], rel=1e-12)
        assert out[5] == 0.0
    assert equal_area_m2([], crs=4326).shape == (0,)
    assert np.isnan(geodesic_area_m2(None, crs=4326)).all()


def test_inputs_geoseries_geodataframe_ndarray_single() -> None:
    box = shapely.box(105.5, 21.0, 105.51, 21.01)
    expected = geodesic_area_m2([box], crs=4326)[0]
    gs = gpd.GeoSeries([box], crs=4326)
    for value in (gs, gpd.GeoDataFrame(geometry=gs), np.array([box], dtype=object), (box,)):
        crs = None if isinstance(value, (gpd.GeoSeries, gpd.GeoDataFrame)) else 4326
        assert geodesic_area_m2(value, crs=crs)[0] == expected
    assert geodesic_area_m2(box, crs="EPSG:4326")[0] == expected
    # A GeoSeries without CRS can be given one here; a matching one is fine too.
    assert geodesic_area_m2(gpd.GeoSeries([box]), crs=4326)[0] == expected
    assert geodesic_area_m2(gs, crs="EPSG:4326")[0] == expected


def test_web_mercator_input_is_transformed_not_measured() -> None:
    box = gpd.GeoSeries([shapely.box(105.5, 21.0, 105.51, 21.01)], crs=4326)
    merc = box.to_crs(3857)
    assert rel(equal_area_m2(merc)[0], geodesic_area_m2(box)[0]) < 1e-9


# ------------------------------------------------------------------------------ errors


def test_no_crs_is_an_error() -> None:
    box = shapely.box(105.5, 21.0, 105.51, 21.01)
    for fn in (geodesic_area_m2, equal_area_m2, planar_area_m2):
        with pytest.raises(CRSError, match=r"layer has no CRS.*EPSG:5897"):
            fn(gpd.GeoSeries([box]))
        with pytest.raises(CRSError, match="layer has no CRS"):
            fn([box])
    with pytest.raises(CRSError, match="layer has no CRS"):
        area_ha(gpd.GeoDataFrame(geometry=[box]))
    with pytest.raises(CRSError, match="layer has no CRS"):
        add_areas(gpd.GeoDataFrame(geometry=[box]))
    assert issubclass(CRSError, PlanningError)
    assert issubclass(CRSError, ValueError)


@pytest.mark.parametrize("target", ["EPSG:3857", 3857, "EPSG:900913", "ESRI:102100", "EPSG:3785"])
def test_web_mercator_target_is_refused(target) -> None:
    box = shapely.box(105.5, 21.0, 105.51, 21.01)
    with pytest.raises(CRSError, match=r"Web Mercator.*15 %"):
        planar_area_m2([box], crs=4326, target=target)


@pytest.mark.parametrize("target", ["EPSG:4326", 4326, "EPSG:4756", "OGC:CRS84"])
def test_geographic_target_is_refused(target) -> None:
    box = shapely.box(105.5, 21.0, 105.51, 21.01)
    with pytest.raises(CRSError, match="geographic"):
        planar_area_m2([box], crs=4326, target=target)


def test_other_bad_targets_and_inputs() -> None:
    box = shapely.box(105.5, 21.0, 105.51, 21.01)
    with pytest.raises(CRSError, match="Mercator"):
        planar_area_m2([box], crs=4326, target="EPSG:3395")  # World Mercator
    with pytest.raises(CRSError, match="not a projected CRS"):
        planar_area_m2([box], crs=4326, target="EPSG:4978")  # geocentric
    with pytest.raises(CRSError, match="unreadable"):
        planar_area_m2([box], crs=4326, target="EPSG:0")
    with pytest.raises(CRSError, match="contradicts"):
        geodesic_area_m2(gpd.GeoSeries([box], crs=4326), crs="EPSG:5897")
    with pytest.raises(UsageError, match="shapely geometries"):
        equal_area_m2([box, "POLYGON"], crs=4326)
    with pytest.raises(UsageError, match="unknown area method"):
        area_ha(gpd.GeoSeries([box], crs=4326), method="planar")  # type: ignore[arg-type]
    with pytest.raises(UsageError, match="GeoDataFrame"):
        add_areas(gpd.GeoSeries([box], crs=4326))  # type: ignore[arg-type]


def test_planar_target_in_feet_is_converted_to_square_metres() -> None:
    # UTM 48N-shaped (k 0.9996) on WGS 84: a TM-3 (k 0.9999) on the WGS 84 ellipsoid would
    # be read as VN-2000 that lost its datum shift (see test_tm3_without_shift_*).
    feet = "+proj=tmerc +lat_0=0 +lon_0=105 +k=0.9996 +x_0=500000 +y_0=0 +datum=WGS84 +units=ft"
    box = shapely.box(105.5, 21.0, 105.51, 21.01)
    metres = "+proj=tmerc +lat_0=0 +lon_0=105 +k=0.9996 +x_0=500000 +y_0=0 +datum=WGS84"
    a_ft, a_m = (planar_area_m2([box], crs=4326, target=t)[0] for t in (feet, metres))
    assert rel(a_ft, a_m) < 1e-9


# ----------------------------------------------------------------- area_ha, add_areas


def test_area_ha_is_indexed_like_the_input() -> None:
    boxes = [shapely.box(105.5, 21.0, 105.51, 21.01), None, shapely.box(105.6, 21.1, 105.62, 21.11)]
    layer = gpd.GeoDataFrame({"name": ["a", "b", "c"]}, geometry=boxes, crs=4326,
                             index=pd.Index(["x", "y", "z"], name="cluster_id"))  # fmt: skip
    expected = geodesic_area_m2(layer) / 1e4
    for method in ("geodesic", "equal-area", "vn2000"):
        out = area_ha(layer, method=method)  # type: ignore[arg-type]
        assert isinstance(out, pd.Series)
        assert out.index.equals(layer.index)
        assert out.name == "area_ha"
        assert np.isnan(out["y"])
        tol = 1e-8 if method != "vn2000" else 3e-4
        assert rel(out[["x", "z"]].to_numpy(), expected[[0, 2]]).max() < tol
    assert area_ha(layer.geometry).index.equals(layer.index)


def test_add_areas_returns_a_copy_with_both_columns() -> None:
    layer = gpd.GeoDataFrame({"cluster_id": ["CCN-01", "CCN-02"]}, crs=4326,
                             geometry=[shapely.box(105.5, 21.0, 105.51, 21.01),
                                       shapely.Point(105.6, 21.1)])  # fmt: skip
    out = add_areas(layer)
    assert "measured_ha" not in layer.columns
    assert list(out.columns) == ["cluster_id", "geometry", "measured_ha", "measured_ha_vn2000"]
    geodesic = geodesic_area_m2(layer)[0] / 1e4
    assert rel(out["measured_ha"].iloc[0], geodesic) < 1e-8
    vn2000_pct = 100 * (out["measured_ha_vn2000"].iloc[0] / geodesic - 1)
    assert vn2000_pct == pytest.approx(-0.013, abs=0.002)
    assert out["measured_ha"].iloc[1] == 0.0
    assert add_areas(layer, method="geodesic")["measured_ha"].iloc[0] == pytest.approx(geodesic)
    empty = add_areas(gpd.GeoDataFrame(geometry=[], crs=4326))
    assert {"measured_ha", "measured_ha_vn2000"} <= set(empty.columns)
    assert len(empty) == 0


# ------------------------------------------------------------------------ districts


def test_hanoi_districts_total_3354_km2(mirror) -> None:
    districts = load_districts()
    assert len(districts) == 30
    geodesic = geodesic_area_m2(districts)
    assert geodesic.sum() / 1e6 == pytest.approx(3354.4, rel=1e-3)
    # Real district outlines (up to ~420 km²): the fast path agrees far below 1e-6.
    assert rel(equal_area_m2(districts), geodesic).max() < 1e-9


# ------------------------------------------------------------------------ import cost


def test_import_is_cheap() -> None:
    code = (
        "import sys, planning.geo.area; "
        "print(sorted(m for m in ('geopandas', 'pyproj', 'pandas') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# ------------------------------------------- one VN-2000 definition: a .prj that lost its shift

# VN-2000 / TM-3 zone 482 as an ESRI .prj often carries it: the projection right, the datum
# plain WGS 84, no TOWGS84, and a name that does not say VN-2000.
_TM482_LOST_WKT = (
    'PROJCS["TM3_105",GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",'
    'SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],'
    'UNIT["Degree",0.0174532925199433]],PROJECTION["Transverse_Mercator"],'
    'PARAMETER["False_Easting",500000.0],PARAMETER["False_Northing",0.0],'
    'PARAMETER["Central_Meridian",105.0],PARAMETER["Scale_Factor",0.9999],'
    'PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]'
)


def _tm482_boxes(x0: float, y0: float, size: float) -> list[shapely.Geometry]:
    shell = [(x0, y0), (x0 + 2 * size, y0), (x0 + size, y0 + 3 * size)]
    hole = [(x0 + size * 0.8, y0 + size * 0.2), (x0 + size * 1.2, y0 + size * 0.2),
            (x0 + size, y0 + size)]  # fmt: skip
    return [shapely.box(x0, y0, x0 + size, y0 + size), shapely.Polygon(shell, [hole])]


@settings(max_examples=25, deadline=None)
@given(
    x0=st.floats(540_000, 600_000),  # Hanoi in EPSG:5897, metres
    y0=st.floats(2_290_000, 2_360_000),
    size=st.floats(50.0, 5_000.0),
)
def test_tm3_without_shift_measures_like_epsg5897(x0: float, y0: float, size: float) -> None:
    geoms = _tm482_boxes(x0, y0, size)
    proper = gpd.GeoDataFrame(geometry=geoms, crs="EPSG:5897")
    lost = gpd.GeoDataFrame(geometry=geoms, crs=_TM482_LOST_WKT)
    for method in ("geodesic", "equal-area", "vn2000"):
        with pytest.warns(DatumShiftWarning, match="lost its datum shift"):
            got = area_ha(lost, method=method).to_numpy()
        want = area_ha(proper, method=method).to_numpy()
        assert np.all(np.abs(got - want) <= 1e-6 * want), method


def test_tm3_without_shift_lands_on_epsg6960_not_224_m_off() -> None:
    x = np.array([552_000.0, 570_000.0, 590_000.0])
    y = np.array([2_322_000.0, 2_330_000.0, 2_345_000.0])
    layer = gpd.GeoDataFrame(geometry=[shapely.Polygon(np.column_stack([x, y]))],
                             crs=_TM482_LOST_WKT)  # fmt: skip
    with pytest.warns(DatumShiftWarning):
        rings, _ = lonlat_rings(layer, None)  # the coordinates the areas are computed on
    lon6960, lat6960 = _tm482_to_wgs84(_HELMERT_6960).transform(x, y)
    naive_lon, naive_lat = Transformer.from_crs(_TM482_LOST_WKT, 4326, always_xy=True).transform(
        x, y
    )
    _, _, off = GEOD.inv(rings.x[:3], rings.y[:3], lon6960, lat6960)
    _, _, naive = GEOD.inv(naive_lon, naive_lat, lon6960, lat6960)
    assert np.max(off) < 1.0  # metres
    assert np.min(naive) > 200.0  # what reading the .prj as it stands gives (about 224 m)
