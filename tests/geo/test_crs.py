"""VN-2000: recognition, lost datum shifts, Helmert conventions, EPSG:6960 placement."""

from __future__ import annotations

import warnings

import geopandas as gpd
import pytest
import shapely
from pyproj import CRS, Geod, Transformer
from pyproj.crs import CoordinateOperation

from planning.errors import CRSError, PlanningError
from planning.geo import crs as vcrs
from planning.geo import helmert as vhelmert
from planning.geo import transform as vtransform

pytestmark = pytest.mark.filterwarnings("ignore:You will likely lose:UserWarning")

GEOD = Geod(ellps="WGS84")
# Phùng Xá, Thạch Thất: VN-2000 geographic coordinates.
LON, LAT = 105.60, 21.03
TM3_105 = "+proj=tmerc +lat_0=0 +lon_0=105 +k=0.9999 +x_0=500000 +y_0=0 +ellps=WGS84 +units=m"
PV_6960 = "-191.90441429,-39.30318279,-111.45032835,0.00928836,-0.01975479,0.00427372,0.252906278"
CF_AS_PV = "-191.90441429,-39.30318279,-111.45032835,-0.00928836,0.01975479,-0.00427372,0.252906278"
ESRI_VN2000_TM3 = (
    'PROJCS["VN_2000_TM3_105",GEOGCS["GCS_VN_2000",DATUM["D_Vietnam_2000",'
    'SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],'
    'UNIT["Degree",0.0174532925199433]],PROJECTION["Transverse_Mercator"],'
    'PARAMETER["False_Easting",500000.0],PARAMETER["False_Northing",0.0],'
    'PARAMETER["Central_Meridian",105.0],PARAMETER["Scale_Factor",0.9999],'
    'PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]'
)
WKT_ZERO_TOWGS84 = (
    'PROJCS["VN-2000 / TM-3 105",GEOGCS["VN-2000",DATUM["Vietnam_2000",'
    'SPHEROID["WGS 84",6378137,298.257223563],TOWGS84[0,0,0,0,0,0,0]],'
    'PRIMEM["Greenwich",0],UNIT["degree",0.0174532925199433]],'
    'PROJECTION["Transverse_Mercator"],PARAMETER["latitude_of_origin",0],'
    'PARAMETER["central_meridian",105],PARAMETER["scale_factor",0.9999],'
    'PARAMETER["false_easting",500000],PARAMETER["false_northing",0],UNIT["metre",1]]'
)


def _proj4(code: int) -> str:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return str(CRS.from_epsg(code).to_proj4())


def _epsg6960(lon: float, lat: float) -> tuple[float, float]:
    """The reference: EPSG:6960 itself, from the EPSG database (not our pipeline)."""
    op = CoordinateOperation.from_epsg(6960)
    tr = Transformer.from_pipeline(op.to_proj4())
    # EPSG:6960 is defined with latitude first.
    la, lo = tr.transform(lat, lon)
    return lo, la


REF = _epsg6960(LON, LAT)
X, Y = Transformer.from_crs(4756, 5897, always_xy=True).transform(LON, LAT)


def _dist(a: tuple[float, float], b: tuple[float, float]) -> float:
    return float(GEOD.inv(a[0], a[1], b[0], b[1])[2])


def _place(source: object, xy: tuple[float, float] = (X, Y), **kw: object) -> tuple[float, float]:
    gdf = gpd.GeoDataFrame({"a": [1]}, geometry=[shapely.Point(*xy)], crs=None)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", vcrs.DatumShiftWarning)
        out = vtransform.to_wgs84(gdf, source=source, path="layer.shp", **kw)  # type: ignore[arg-type]
    p = out.geometry.iloc[0]
    return p.x, p.y


def test_reference_is_224_m_from_naive() -> None:
    naive = Transformer.from_crs(CRS(CRS(4756).to_proj4()), 4326, always_xy=True)
    assert 200 < _dist(REF, naive.transform(LON, LAT)) < 250


@pytest.mark.parametrize(
    "source",
    [
        "EPSG:5897",
        CRS.from_epsg(5897),
        ESRI_VN2000_TM3,
        _proj4(5897),  # the datum shift lost by to_proj4()
        TM3_105,
        TM3_105 + " +towgs84=0,0,0,0,0,0,0",
        TM3_105.replace("+ellps=WGS84", "+datum=WGS84"),
        WKT_ZERO_TOWGS84,
        TM3_105 + f" +towgs84={PV_6960}",
        TM3_105 + f" +towgs84={CF_AS_PV}",  # coordinate-frame rotations written as +towgs84
        TM3_105 + " +towgs84=-192,-39,-111",  # three-parameter approximation
        CRS(5897).to_wkt("WKT1_ESRI"),
    ],
)
def test_projected_vn2000_lands_on_epsg6960(source: object) -> None:
    assert _dist(_place(source), REF) < 0.01


@pytest.mark.parametrize("source", ["EPSG:4756", CRS.from_epsg(4756).to_wkt("WKT1_GDAL")])
def test_geographic_vn2000_lands_on_epsg6960(source: object) -> None:
    assert _dist(_place(source, (LON, LAT)), REF) < 0.01


@pytest.mark.parametrize(
    ("source", "lost"),
    [
        ("EPSG:5897", False),
        (ESRI_VN2000_TM3, False),
        (TM3_105, True),
        (TM3_105 + " +towgs84=0,0,0", True),
        (WKT_ZERO_TOWGS84, True),
        (TM3_105 + f" +towgs84={PV_6960}", False),
        (TM3_105 + f" +towgs84={CF_AS_PV}", True),
    ],
)
def test_lost_shift_is_detected_and_warned(source: str, lost: bool) -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        rep = vcrs.repair_crs(source, path="plan.shp")
    assert rep.vn2000
    assert rep.datum_shift_lost is lost
    assert rep.epsg == 5897
    shift_warnings = [w for w in caught if issubclass(w.category, vcrs.DatumShiftWarning)]
    assert bool(shift_warnings) is lost
    if lost:
        msg = str(shift_warnings[0].message)
        assert msg.startswith("plan.shp: ")
        assert "EPSG:6960" in msg


def test_lost_shift_message() -> None:
    with pytest.warns(vcrs.DatumShiftWarning, match=r"zero datum shift .* 224 m off"):
        vcrs.repair_crs(WKT_ZERO_TOWGS84, path="x.shp")


def test_provincial_and_utm_codes() -> None:
    for code in (9205, 9210, 9218, 5896, 5899):
        rep = vcrs.repair_crs(f"EPSG:{code}")
        assert rep.vn2000 and rep.epsg == code and not rep.datum_shift_lost
    rep = vcrs.repair_crs("EPSG:3405")
    assert rep.vn2000 and rep.epsg == 3405
    # A 105°45' TM-3 projection that lost its datum: EPSG:9210.
    lost = _proj4(9210)
    with pytest.warns(vcrs.DatumShiftWarning):
        assert vcrs.repair_crs(lost).epsg == 9210
    # Plain WGS 84 UTM 48N stays WGS 84: UTM is not evidence of VN-2000.
    assert not vcrs.repair_crs("EPSG:32648").vn2000
    assert not vcrs.repair_crs("EPSG:4326").vn2000


def test_other_tm3_meridian_gets_a_custom_vn2000_crs() -> None:
    src = TM3_105.replace("+lon_0=105", "+lon_0=105.25")
    with pytest.warns(vcrs.DatumShiftWarning):
        rep = vcrs.repair_crs(src)
    assert rep.vn2000 and rep.epsg is None
    assert "VN-2000" in rep.crs.name
    x, y = Transformer.from_crs(4756, CRS(src), always_xy=True).transform(LON, LAT)
    assert _dist(_place(src, (x, y)), REF) < 0.01


def test_ellipsoid_only_geographic_is_warned_not_guessed() -> None:
    with pytest.warns(
        vcrs.DatumShiftWarning, match=r"^g\.shp: .*give the CRS explicitly \(EPSG:4756\)"
    ):
        rep = vcrs.repair_crs(_proj4(4756), path="g.shp")
    assert not rep.vn2000
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert not vcrs.repair_crs("EPSG:4326").notes
        assert not vcrs.repair_crs(CRS(4326).to_wkt("WKT1_ESRI")).notes


def test_unrecognised_shift_is_kept() -> None:
    src = TM3_105 + " +towgs84=-100,-50,-100"
    rep = vcrs.repair_crs(src)
    assert rep.vn2000 and rep.helmert is not None
    assert rep.helmert.towgs84()[:3] == (-100.0, -50.0, -100.0)
    assert "unrecognised" in rep.notes[0]


def test_6959_set_is_replaced_by_6960() -> None:
    tw = ",".join(str(v) for v in vhelmert.HELMERT_6959.towgs84())
    rep = vcrs.repair_crs(TM3_105 + f" +towgs84={tw}")
    assert rep.helmert == vhelmert.HELMERT_6960
    assert "EPSG:6959" in rep.notes[0]


# --- Helmert conventions -------------------------------------------------------------


def test_helmert_6960_matches_epsg_database() -> None:
    op = CoordinateOperation.from_epsg(6960)
    assert "Coordinate Frame" in op.method_name
    values = [p.value for p in op.params]
    h = vhelmert.HELMERT_6960
    assert values == pytest.approx([h.tx, h.ty, h.tz, h.rx, h.ry, h.rz, h.ds])


def test_convention_conversion_flips_rotation_signs() -> None:
    cf = vhelmert.HELMERT_6960
    pv = cf.to_convention("position_vector")
    assert (pv.rx, pv.ry, pv.rz) == (-cf.rx, -cf.ry, -cf.rz)
    assert (pv.tx, pv.ds) == (cf.tx, cf.ds)
    assert pv.to_convention("coordinate_frame") == cf
    assert cf.towgs84() == pv.towgs84()
    assert ",".join(str(v) for v in cf.towgs84()) == PV_6960


def test_same_shift_in_both_conventions_places_identically() -> None:
    cf = vhelmert.Helmert(
        -191.90441429,
        -39.30318279,
        -111.45032835,
        -0.00928836,
        0.01975479,
        -0.00427372,
        0.252906278,
        convention="coordinate_frame",
    )
    pv = vhelmert.Helmert(
        -191.90441429,
        -39.30318279,
        -111.45032835,
        0.00928836,
        -0.01975479,
        0.00427372,
        0.252906278,
        convention="position_vector",
    )
    a = _place("EPSG:5897", helmert=cf)
    b = _place("EPSG:5897", helmert=pv)
    assert _dist(a, b) < 0.001
    assert _dist(a, REF) < 0.001
    # Reading the decision's coordinate-frame numbers as position-vector is a real error.
    wrong = vhelmert.Helmert(
        *pv.towgs84()[:3], cf.rx, cf.ry, cf.rz, cf.ds, convention="position_vector"
    )
    assert 0.3 < _dist(_place("EPSG:5897", helmert=wrong), REF) < 2.0


def test_helmert_from_towgs84() -> None:
    h = vhelmert.Helmert.from_towgs84(PV_6960.split(","))
    assert h.matches(vhelmert.HELMERT_6960)
    assert not h.matches(vhelmert.HELMERT_6960.to_convention("position_vector").__class__(
        *vhelmert.HELMERT_6960.towgs84()[:3], 0.00928836, -0.01975479, 0.00427372, 0.252906278,
        convention="coordinate_frame"))  # fmt: skip
    assert vhelmert.Helmert.from_towgs84([1, 2, 3]).towgs84() == (1.0, 2.0, 3.0, 0.0, 0.0, 0.0, 0.0)
    with pytest.raises(ValueError, match="3 or 7"):
        vhelmert.Helmert.from_towgs84([1, 2])
    with pytest.raises(ValueError, match="convention"):
        vhelmert.Helmert(0, 0, 0, convention="nope")  # type: ignore[arg-type]


# --- errors ------------------------------------------------------------------------


def test_no_crs_names_the_file() -> None:
    gdf = gpd.GeoDataFrame({"a": [1]}, geometry=[shapely.Point(X, Y)], crs=None)
    with pytest.raises(CRSError, match=r"^clusters\.shp: the layer has no coordinate reference"):
        vtransform.to_wgs84(gdf, path="clusters.shp")


def test_garbage_crs() -> None:
    with pytest.raises(CRSError, match=r"^a\.prj: unreadable coordinate reference system"):
        vcrs.repair_crs("this is not a CRS", path="a.prj")


def test_untransformable_coordinates() -> None:
    gdf = gpd.GeoDataFrame({"a": [1]}, geometry=[shapely.Point(1e30, 1e30)], crs=5897)
    with pytest.raises(PlanningError, match="cannot be transformed"):
        vtransform.to_wgs84(gdf, path="f.shp")


def test_attrs_and_non_vn_passthrough() -> None:
    gdf = gpd.GeoDataFrame({"a": [1]}, geometry=[shapely.Point(LON, LAT)], crs=4326)
    out = vtransform.to_wgs84(gdf)
    assert out.attrs["source_crs"] == "EPSG:4326"
    assert out.geometry.iloc[0].equals(gdf.geometry.iloc[0])
    merc = gdf.to_crs(3857)
    back = vtransform.to_wgs84(merc).geometry.iloc[0]
    assert _dist((back.x, back.y), (LON, LAT)) < 0.01
    assert vcrs.is_vn2000("EPSG:5897") and not vcrs.is_vn2000("EPSG:3857")
    assert not vcrs.is_vn2000(None)


def test_empty_and_missing_geometries_pass() -> None:
    gdf = gpd.GeoDataFrame(
        {"a": [1, 2, 3]}, geometry=[None, shapely.Polygon(), shapely.Point(X, Y)], crs=5897
    )
    out = vtransform.to_wgs84(gdf)
    assert out.geometry.iloc[0] is None
    assert out.geometry.iloc[1].is_empty
    assert _dist((out.geometry.iloc[2].x, out.geometry.iloc[2].y), REF) < 0.01


# ------------------------------------------------------------- the one transformer


@pytest.mark.parametrize("source", ["EPSG:5897", ESRI_VN2000_TM3, TM3_105, WKT_ZERO_TOWGS84])
def test_transform_xy_is_epsg6960_both_ways(source: str) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", vcrs.DatumShiftWarning)
        lon, lat = vtransform.transform_xy([X], [Y], src=source, dst="EPSG:4326")
        x, y = vtransform.transform_xy(lon, lat, src="EPSG:4326", dst=source)
    assert _dist((float(lon[0]), float(lat[0])), REF) < 0.01
    # metres: the round trip closes to PROJ's inverse Helmert (about a millimetre)
    assert abs(x[0] - X) < 0.01 and abs(y[0] - Y) < 0.01


def test_transform_xy_warns_once_per_lost_side_and_not_for_clean_codes() -> None:
    with pytest.warns(vcrs.DatumShiftWarning, match="lost its datum shift"):
        vtransform.transform_xy([X], [Y], src=TM3_105, dst="EPSG:4326")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        vtransform.transform_xy([X], [Y], src="EPSG:5897", dst="EPSG:4326")


def test_transform_xy_between_vn2000_crss_needs_no_datum_shift() -> None:
    # TM-3 zone 482 → geographic VN-2000: a pure conversion, the same point as before.
    lon, lat = vtransform.transform_xy([X], [Y], src="EPSG:5897", dst="EPSG:4756")
    assert abs(lon[0] - LON) < 1e-9 and abs(lat[0] - LAT) < 1e-9


def test_reproject_matches_epsg6960_and_keeps_columns() -> None:
    gdf = gpd.GeoDataFrame({"a": [1]}, geometry=[shapely.Point(*REF)], crs="EPSG:4326")
    out = vtransform.reproject(gdf, "EPSG:5897")
    assert out.crs == CRS("EPSG:5897") and list(out["a"]) == [1]
    p = out.geometry.iloc[0]
    assert abs(p.x - X) < 0.01 and abs(p.y - Y) < 0.01  # metres


def test_reproject_refuses_points_outside_the_projection() -> None:
    gdf = gpd.GeoDataFrame(geometry=[shapely.Point(1e9, 1e9)], crs="EPSG:5897")
    with pytest.raises(CRSError, match="cannot be transformed"):
        vtransform.reproject(gdf, "EPSG:4326")
