"""planning.model.placement.place_at_communes: rows known by commune and district, placed."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from planning.errors import PlanDataError
from planning.model.placement import place_at_communes
from planning.readers import read_layer


def _box(lon: float, lat: float, d: float = 0.003) -> shapely.Polygon:
    return shapely.box(lon, lat, lon + d, lat + d)


def _communes() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {
            "commune_id": ["1", "2", "3"],
            "commune_vi": ["Phùng Xá", "Thạch Hoà", "Phùng Xá"],
            "commune_type": ["xã", "xã", "xã"],
            "district_code": ["VN10127", "VN10127", "VN10119"],
            "district_vi": ["Thạch Thất", "Thạch Thất", "Mỹ Đức"],
        },
        geometry=[_box(105.6, 21.03, 0.02), _box(105.5, 21.0, 0.02), _box(105.8, 20.7, 0.02)],
        crs=4326,
    )


def test_place_at_communes(tmp_path: Path) -> None:
    path = tmp_path / "n.csv"
    pd.DataFrame(
        {
            "ten": ["A", "B", "C"],
            "xa": ["Xã Phùng Xá", "Thạch Hòa", "Phùng Xá"],  # old tone placement matches Hoà
            "huyen": ["Thạch Thất", "Huyện Thạch Thất", "Mỹ Đức"],
            "dien_tich": [5, 6, 7],
        }
    ).to_csv(path, index=False)
    rows = read_layer(path)
    placed = place_at_communes(rows, _communes())
    comm = _communes()
    for i, j in enumerate([0, 1, 2]):
        assert comm.geometry.iloc[j].contains(placed.geometry.iloc[i])
    assert placed["district_code"].tolist() == ["VN10127", "VN10127", "VN10119"]
    assert placed["commune_vi"].tolist() == ["Phùng Xá", "Thạch Hòa", "Phùng Xá"]
    assert (placed["location_precision"] == "commune").all()
    assert not placed["needs_placement"].any()


def test_place_at_communes_unknown(tmp_path: Path) -> None:
    path = tmp_path / "n.csv"
    pd.DataFrame(
        {"ma": ["A", "B"], "xa": ["Phùng Xá", "Bình Yên"], "huyen": ["Thạch Thất", "Thạch Thất"]}
    ).to_csv(path, index=False)
    rows = read_layer(path)  # the second data row is the file's row 3 (the header is row 1)
    with pytest.raises(
        PlanDataError,
        match=r"n\.csv: row 3 \(cluster_id=B\), field 'commune_vi': commune 'Bình Yên' not found in district Thạch Thất \(VN10127\)",
    ):
        place_at_communes(rows, _communes())
    rows2 = rows.copy()
    rows2["district_vi"] = ["Thạch Thất", "Ba Vì"]
    with pytest.raises(
        PlanDataError, match=r"row 3 .*field 'district_vi': unknown district 'Ba Vì'"
    ):
        place_at_communes(rows2, _communes())


def test_place_by_unique_commune_without_district(tmp_path: Path) -> None:
    path = tmp_path / "n.csv"
    pd.DataFrame({"ma": ["A"], "xa": ["Thạch Hoà"]}).to_csv(path, index=False)
    placed = place_at_communes(read_layer(path), _communes())
    assert placed["district_code"].tolist() == ["VN10127"]
    pd.DataFrame({"ma": ["A"], "xa": ["Phùng Xá"]}).to_csv(path, index=False)
    with pytest.raises(
        PlanDataError, match=r"commune 'Phùng Xá' exists in 2 districts .*give the district"
    ):
        place_at_communes(read_layer(path), _communes())
