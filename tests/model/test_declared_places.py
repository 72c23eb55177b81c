"""A district or commune a row declares is checked even when the row has its own geometry.

A row with a WKT polygon and ``district_vi`` ``Huyện Ba Vìi`` used to get its district code
from the polygon's location, so LOC002 passed it ("2 clusters with a declared district
checked") and the typo stayed in the tables. A made-up commune on such a row was never
looked at. Now the district is LOC002's failure (the location is known, the rest of the
check stays useful) and the commune is a fault of its row, as for rows placed by name.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from planning.errors import PlanDataError
from planning.model.plan import load_plan
from planning.report.core import check

# A 28.8 ha square in Phùng Xá, Thạch Thất.
WKT = "POLYGON((105.58 21.05,105.585 21.05,105.585 21.055,105.58 21.055,105.58 21.05))"


def _csv(tmp_path: Path, *rows: tuple[str, str, str]) -> Path:
    path = tmp_path / "ccn.csv"
    lines = ["cluster_id,name_vi,commune_vi,district_vi,declared_ha,wkt"]
    lines += [f'R{i},CCN {i},{c},{d},{a},"{WKT}"' for i, (c, d, a) in enumerate(rows, start=1)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _loc002(plan):
    return next(r for r in check(plan, select=("LOC002",)).results if r.rule.code == "LOC002")


@pytest.mark.parametrize("district", ["Huyện Ba Vìi", "Huyện Không Tồn Tại"])
def test_unknown_district_on_a_row_with_geometry_fails_loc002(tmp_path, district):
    plan = load_plan(_csv(tmp_path, ("", district, "28")), complete=False)
    res = _loc002(plan)
    assert res.status == "fail"
    (f,) = res.findings
    assert f.cluster_id == "R1" and "unknown district" in f.message
    # the polygon's district is still known for the per-district tables
    assert plan.clusters["district_code"].iloc[0] != ""


def test_known_district_spellings_on_rows_with_geometry_pass(tmp_path):
    path = _csv(tmp_path, ("Phùng Xá", "Huyện Thạch Thất", "28"), ("Phung Xa", "Thach That", "28"))
    res = _loc002(load_plan(path, complete=False))
    assert res.status == "pass" and "2 clusters with a declared district" in res.explanation


def test_folded_district_name_is_the_declared_one(tmp_path):
    """'Ba Vi' names Ba Vì: the polygon in Thạch Thất fails LOC002 (it is not filled in from
    the polygon and then passed)."""
    res = _loc002(load_plan(_csv(tmp_path, ("", "Ba Vi", "28")), complete=False))
    assert res.status == "fail"
    assert "declares Ba Vi" in res.findings[0].message and "Thạch Thất" in res.findings[0].message


@pytest.mark.parametrize(
    ("commune", "expected"),
    [
        ("Xã Không Có", "commune 'Không Có' not found in district Thạch Thất"),
        ("Phùng Xáa", "did you mean 'Phùng Xá'"),
    ],
)
def test_unknown_commune_on_a_row_with_geometry_is_a_row_fault(tmp_path, commune, expected):
    with pytest.raises(
        PlanDataError, match=r"row 2 \(cluster_id=R1\), field 'commune_vi': .*"
    ) as e:
        load_plan(_csv(tmp_path, (commune, "Thạch Thất", "28")), complete=False)
    assert expected in str(e.value)


@pytest.mark.parametrize("commune", ["Phùng Xá", "xã Phùng Xá", "Phung Xa", "Tây Phương"])
def test_known_commune_on_a_row_with_geometry_loads(tmp_path, commune):
    """The old commune (any spelling) or a unit of the 2025 structure (Tây Phương) is known."""
    plan = load_plan(_csv(tmp_path, (commune, "Thạch Thất", "28")), complete=False)
    assert len(plan.clusters) == 1


def test_unknown_district_placed_by_name_says_what_to_do(tmp_path):
    path = tmp_path / "names.csv"
    path.write_text(
        "cluster_id,name_vi,commune_vi,district_vi,declared_ha\nM,CCN M,Phùng Xá,Ma,10\n"
    )
    with pytest.raises(
        PlanDataError, match=r"unknown district 'Ma'; no district has a similar name: write"
    ):
        load_plan(path, complete=False)


def test_rows_with_and_without_geometry_are_reported_in_one_run(tmp_path):
    """An unknown commune on a row with a polygon and one on a row placed by name: both,
    at once (the row placed by name used to stop the read before the other was looked at)."""
    path = tmp_path / "mixed.csv"
    path.write_text(
        "cluster_id,name_vi,commune_vi,district_vi,declared_ha,wkt\n"
        f'G,CCN G,Xã Ma Quái,Thạch Thất,28,"{WKT}"\n'
        "N,CCN N,Xã Không Có,Thạch Thất,5,\n",
        encoding="utf-8",
    )
    with pytest.raises(PlanDataError) as e:
        load_plan(path, complete=False)
    lines = e.value.lines()
    assert "2 rows cannot be used" in lines[0]
    assert "row 2 (cluster_id=G), field 'commune_vi'" in lines[1] and "Ma Quái" in lines[1]
    assert "row 3 (cluster_id=N), field 'commune_vi'" in lines[2] and "Không Có" in lines[2]


def test_code_and_name_of_two_districts_on_a_row_placed_by_name_is_a_row_fault(tmp_path):
    path = tmp_path / "code.csv"
    path.write_text(
        "cluster_id,name_vi,commune_vi,district_vi,district_code,declared_ha\n"
        "C,CCN C,Phùng Xá,Thạch Thất,VN10129,5\n",
        encoding="utf-8",
    )
    with pytest.raises(PlanDataError) as e:
        load_plan(path, complete=False)
    assert "field 'district_code': district code VN10129 (" in str(e.value)
    assert "and district 'Thạch Thất' are two different districts" in str(e.value)


def test_code_and_name_of_two_districts_on_a_row_with_geometry_is_loc002s(tmp_path):
    """The commune belongs to the named district: the disagreement is reported, not the
    commune (which the code's district does not have)."""
    path = tmp_path / "code_geom.csv"
    path.write_text(
        "cluster_id,name_vi,commune_vi,district_vi,district_code,declared_ha,wkt\n"
        f'C,CCN C,Phùng Xá,Thạch Thất,VN10129,28,"{WKT}"\n',
        encoding="utf-8",
    )
    res = _loc002(load_plan(path, complete=False))
    assert res.status == "fail"
    assert any("gives district code VN10129" in f.message for f in res.findings)
