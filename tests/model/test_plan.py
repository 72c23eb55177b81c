from __future__ import annotations

import math

import geopandas as gpd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pyproj import Geod

import planning
from planning.errors import PlanDataError
from planning.model.footprints import indicative_footprint, indicative_footprints
from planning.model.inputs import read_catalogue
from planning.model.plan import load_plan
from planning.schema import CLUSTER_COLUMNS
from planning.settings import FOOTPRINT_VERTICES

GEOD = Geod(ellps="WGS84")


@pytest.fixture(scope="module")
def plan():
    return load_plan()


def test_bundled_plan_layers(plan):
    cl = plan.clusters
    assert list(cl.columns[: len(CLUSTER_COLUMNS)]) == list(CLUSTER_COLUMNS)
    assert len(cl) == 75
    assert cl["cluster_id"].is_unique
    assert cl.crs.to_epsg() == 4326
    assert len(plan.districts) == 30
    assert not plan.complete
    kinds = cl["geometry_kind"].value_counts().to_dict()
    assert kinds == {"indicative": 69, "point": 6}
    assert cl["declared_ha"].sum() == pytest.approx(1297.252)


def test_indicative_footprints_have_exactly_the_declared_area(plan):
    ind = plan.clusters[plan.indicative]
    for geom, declared in zip(ind.geometry, ind["declared_ha"], strict=True):
        geodesic = abs(GEOD.geometry_area_perimeter(geom)[0]) / 1e4
        assert geodesic == pytest.approx(declared, rel=1e-7)
    assert (ind["measured_ha"] - ind["declared_ha"]).abs().max() < 1e-4


def test_clusters_are_placed_in_their_district(plan):
    import shapely

    d = plan.districts.set_index("district_code")
    for code, geom in zip(plan.clusters["district_code"], plan.clusters.geometry, strict=True):
        assert shapely.contains(d.geometry[code], shapely.point_on_surface(geom)), code


def test_location_precision_follows_the_catalogue(plan):
    cl = plan.clusters.set_index("cluster_id")
    assert cl.loc["CCN-09", "location_precision"] == "commune"  # Phùng Xá, Thạch Thất
    assert cl.loc["CCN-09", "district_vi"] == "Thạch Thất"
    assert cl.loc["CCN-18", "location_precision"] == "district"  # Thụy Lâm: commune not reported
    assert cl.loc["CCN-15", "location_precision"] == "source point"  # Thiết Bình: IIPMap point
    # Đông La: the portal's point lies just outside Hoài Đức, the district the news names
    assert cl.loc["CCN-23", "location_precision"] == "commune"
    assert "not used" in cl.loc["CCN-23", "source_note"]
    assert cl.loc["CCN-56", "location_precision"] == "source point"  # Kim Bài
    assert cl.loc["CCN-14", "geometry_kind"] == "point"  # Hapro: no area


def test_hoa_lac_zone_is_indicative_with_published_area(plan):
    (z,) = plan.zones.itertuples()
    assert z.zone_id == "hoalac"
    assert z.geometry_kind == "indicative"
    assert z.declared_ha == 1586
    assert z.measured_ha == pytest.approx(1586, rel=1e-6)
    # inside Thạch Thất or Quốc Oai
    d = plan.districts
    host = d[d["district_vi"].isin(["Thạch Thất", "Quốc Oai"])].union_all()
    assert host.contains(z.geometry.representative_point())


def test_notes_and_attributions_are_honest(plan):
    notes = " ".join(plan.notes())
    assert "INDICATIVE" in notes
    assert "75 of 159" in notes
    assert "abolished the district level in 2025" in notes
    attributions = " ".join(plan.attributions())
    assert "OCHA" in attributions and "CC BY 3.0 IGO" in attributions
    assert "vietnam63" in attributions
    assert "UNVERIFIED" not in attributions
    assert "Nguyên Khôi" in attributions and "2020-08-14" in attributions


def test_public_api_is_lazy_and_small():
    assert set(planning.__all__) >= {"load_plan", "check", "Plan", "make_map", "__version__"}
    with pytest.raises(AttributeError):
        planning.not_a_thing  # noqa: B018


@settings(max_examples=40, deadline=None)
@given(
    lon=st.floats(102.2, 109.4),
    lat=st.floats(8.6, 23.3),
    area=st.floats(0.5, 2000),
)
def test_indicative_footprint_area_is_exact(lon, lat, area):
    poly = indicative_footprint(lon, lat, area)
    assert poly.is_valid
    measured = abs(GEOD.geometry_area_perimeter(poly)[0]) / 1e4
    assert math.isclose(measured, area, rel_tol=1e-7)
    c = poly.centroid
    assert abs(c.x - lon) < 1e-3 and abs(c.y - lat) < 1e-3


@pytest.mark.parametrize("bad", [0, -1, math.nan, math.inf])
def test_indicative_footprint_rejects_non_positive_area(bad):
    with pytest.raises(PlanDataError, match="positive area"):
        indicative_footprint(105.5, 21.0, bad)


def _catalogue(
    tmp_path,
    rows: list[str],
    header="cluster_id,name_vi,commune_vi,district_vi,declared_ha,source_url",
):
    p = tmp_path / "cat.csv"
    p.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return p


def test_read_catalogue_errors_name_file_row_and_field(tmp_path):
    p = _catalogue(
        tmp_path, ["A,CCN A,Phùng Xá,Thạch Thất,4.2,u", "B,CCN B,Phùng Xá,Thạch Thất,lots,u"]
    )
    with pytest.raises(PlanDataError) as exc:
        read_catalogue(p)
    assert (
        str(exc.value)
        == f"{p}: row 2 (cluster_id=B), field 'declared_ha': declared area 'lots' is not a number of hectares"
    )
    p = _catalogue(tmp_path, ["A,CCN A,Phùng Xá,Thạch Thất,-3,u"])
    with pytest.raises(PlanDataError, match=r"row 1.*positive"):
        read_catalogue(p)
    p = _catalogue(tmp_path, [",CCN A,Phùng Xá,Thạch Thất,3,u"])
    with pytest.raises(PlanDataError, match="row 1, field 'cluster_id': empty cluster id"):
        read_catalogue(p)
    p = _catalogue(tmp_path, ["A,B"], header="cluster_id,name_vi")
    with pytest.raises(PlanDataError, match="missing column"):
        read_catalogue(p)


def test_user_catalogue_with_unknown_district_or_commune(tmp_path):
    p = _catalogue(tmp_path, ["A,CCN A,Phùng Xá,Hà Tây,4.2,u"])
    with pytest.raises(
        PlanDataError,
        match=r"row 1 \(cluster_id=A\), field 'district_vi': unknown district 'Hà Tây'",
    ):
        load_plan(catalogue=p)
    p = _catalogue(tmp_path, ["A,CCN A,Nowhere,Thạch Thất,4.2,u"])
    with pytest.raises(PlanDataError, match="field 'commune_vi': commune 'Nowhere' not found"):
        load_plan(catalogue=p)


def test_user_catalogue_matches_names_across_tone_placement_and_prefixes(tmp_path):
    # "Thạch Hoà" (new placement) vs the commune layer's spelling; "Huyện" prefix on the district
    p = _catalogue(
        tmp_path, ["A,CCN A,Xã Thạch Hoà,Huyện Thạch Thất,12,u", "B,CCN B,Thạch Hòa,Thạch Thất,,u"]
    )
    plan = load_plan(catalogue=p)
    assert list(plan.clusters["geometry_kind"]) == ["indicative", "point"]
    assert plan.clusters["commune_vi"].iloc[0] == "Thạch Hoà"
    assert plan.clusters["measured_ha"].iloc[0] == pytest.approx(12, rel=1e-6)


def test_with_clusters_recomputes_areas(plan):
    from planning.testing import square

    cl = gpd.GeoDataFrame(
        {"cluster_id": ["X"], "declared_ha": [9.0]},
        geometry=[square(105.55, 21.02, 9)],
        crs="EPSG:4326",
    )
    new = plan.with_clusters(cl, complete=True)
    assert new.complete and len(new.clusters) == 1
    assert new.clusters["measured_ha"].iloc[0] == pytest.approx(9, rel=0.01)
    assert new.clusters["geometry_kind"].iloc[0] == "digitized"
    assert len(plan.clusters) == 75  # the original is untouched


def test_bundled_plan_round_trips_through_geojson(plan, tmp_path):
    path = tmp_path / "bundled.geojson"
    plan.clusters.drop(columns=["measured_ha", "measured_ha_vn2000"]).to_file(path)
    again = load_plan(path, complete=False)
    assert again.clusters["geometry_kind"].value_counts().to_dict() == {
        "indicative": 69,
        "point": 6,
    }
    assert again.clusters["measured_ha"].sum() == pytest.approx(
        plan.clusters["measured_ha"].sum(), rel=1e-9
    )


def test_points_with_an_area_get_indicative_footprints(tmp_path):
    csv = tmp_path / "points.csv"
    csv.write_text(
        "ma_ccn,ten_ccn,lat,lon,dien_tich\nP1,CCN điểm,21.02,105.55,12.5\nP2,CCN không diện tích,21.03,105.56,\n",
        encoding="utf-8",
    )
    plan = load_plan(csv, complete=False)
    kinds = dict(zip(plan.clusters["cluster_id"], plan.clusters["geometry_kind"], strict=True))
    assert kinds == {"P1": "indicative", "P2": "point"}
    assert plan.clusters.set_index("cluster_id").loc["P1", "measured_ha"] == pytest.approx(
        12.5, rel=1e-7
    )


@settings(max_examples=20, deadline=None)
@given(
    st.lists(
        st.tuples(st.floats(102.2, 109.4), st.floats(8.6, 23.3), st.floats(0.01, 5000)),
        min_size=1,
        max_size=30,
    )
)
def test_indicative_footprints_vectorised_are_exact(rows):
    lon, lat, area = (list(c) for c in zip(*rows, strict=True))
    polys = indicative_footprints(lon, lat, area)
    assert len(polys) == len(rows)
    for poly, x, y, a in zip(polys, lon, lat, area, strict=True):
        assert poly.is_valid and len(poly.exterior.coords) == FOOTPRINT_VERTICES + 1
        # GeographicLib's polygon area carries an absolute error of about 1e-4 m², so
        # below 1 ha the comparison also allows 1e-3 m² (1e-7 ha).
        geodesic = abs(GEOD.geometry_area_perimeter(poly)[0]) / 1e4
        assert math.isclose(geodesic, a, rel_tol=1e-7, abs_tol=1e-7)
        c = poly.centroid
        assert abs(c.x - x) < 1e-3 and abs(c.y - y) < 1e-3
        assert poly.equals_exact(indicative_footprint(x, y, a), 1e-12)


def test_indicative_footprints_report_progress_by_block(monkeypatch):
    import planning.model.footprints as footprints

    monkeypatch.setattr(footprints, "_FOOTPRINT_BLOCK", 4)
    calls: list[tuple[str, int, int]] = []
    polys = indicative_footprints(
        [105.5] * 10, [21.0] * 10, [1.0] * 10, progress=lambda *a: calls.append(a)
    )
    assert len(polys) == 10
    assert calls == [("footprints", 4, 10), ("footprints", 8, 10), ("footprints", 10, 10)]


def test_points_table_builds_no_transformer_per_point(tmp_path, monkeypatch):
    import pyproj

    made = []
    real = pyproj.Transformer.from_crs

    def counting(*args, **kwargs):
        made.append(args)
        return real(*args, **kwargs)

    csv = tmp_path / "points.csv"
    rows = [f"P{i},CCN {i},21.0{i % 10},105.5{i % 7},{1 + i % 5}" for i in range(200)]
    csv.write_text("ma_ccn,ten_ccn,lat,lon,dien_tich\n" + "\n".join(rows) + "\n", encoding="utf-8")
    load_plan(csv, complete=False)  # warm caches (districts, transformers of the area engine)
    made.clear()
    monkeypatch.setattr(pyproj.Transformer, "from_crs", counting)
    plan = load_plan(csv, complete=False)
    assert plan.clusters["geometry_kind"].eq("indicative").all()
    assert len(made) < 5  # was one per point (200)


def test_load_plan_passes_its_progress_callback_to_the_boundaries(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from planning.sources import boundaries

    seen: dict[str, object] = {}

    def spy(name: str):  # type: ignore[no-untyped-def]
        original = getattr(boundaries, name)

        def wrapped(**kwargs: object) -> gpd.GeoDataFrame:
            seen[name] = kwargs.get("progress")
            return original(**kwargs)

        return wrapped

    monkeypatch.setattr(boundaries, "load_districts", spy("load_districts"))
    monkeypatch.setattr(boundaries, "load_communes", spy("load_communes"))

    def progress(stage: str, done: int, total: int) -> None:
        pass

    plan = load_plan(progress=progress)
    assert seen == {"load_districts": progress, "load_communes": progress}
    assert {"ocha-districts", "vietnam63-communes"} <= set(plan.used_sources)
