"""The bundled catalogue: every row sourced, no cluster twice, declared areas from their own source."""

from __future__ import annotations

import json
import math
import subprocess
import sys

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from planning.errors import PlanDataError
from planning.model.catalogue import (
    SOURCE_TYPES,
    choose_declared,
    cluster_key,
    earliest_event,
    read_facts,
)
from planning.model.inputs import read_catalogue
from planning.settings import bundled_geodata_dir


@pytest.fixture(scope="module")
def cat() -> pd.DataFrame:
    return read_catalogue()


@pytest.fixture(scope="module")
def facts() -> pd.DataFrame:
    return read_facts()


def test_every_cluster_has_a_source(cat, facts):
    per = facts.groupby("cluster_id").size()
    missing = sorted(set(cat["cluster_id"]) - set(per.index))
    assert not missing, f"clusters without a fact row: {missing}"
    assert set(facts["cluster_id"]) <= set(cat["cluster_id"]), "facts for unknown clusters"
    for rec in facts.to_dict("records"):
        assert rec["source_url"] or (rec["publisher"] and rec["source_date"]), rec["fact_id"]
    assert (cat["sources_count"].astype(int) == per.reindex(cat["cluster_id"]).to_numpy()).all()


def test_no_cluster_is_listed_twice(cat):
    keys = [
        cluster_key(n, c, d)
        for n, c, d in zip(cat["name_vi"], cat["commune_vi"], cat["district_vi"], strict=True)
    ]
    dup = pd.Series(keys)[pd.Series(keys).duplicated()].tolist()
    assert not dup, f"two rows for the same cluster: {dup}"
    assert cat["cluster_id"].is_unique


def test_declared_area_is_its_own_source_rows_and_the_most_authoritative(cat, facts):
    by_id = facts.set_index("fact_id")
    for rec in cat.to_dict("records"):
        rows = facts.loc[facts["cluster_id"].eq(rec["cluster_id"])].to_dict("records")
        chosen = choose_declared(rows)
        if math.isnan(rec["declared_ha"]):
            assert chosen is None and not rec["declared_ha_source"], rec["cluster_id"]
            continue
        src = by_id.loc[rec["declared_ha_source"]]
        assert src["cluster_id"] == rec["cluster_id"]
        assert src["declared_ha"] == rec["declared_ha"], rec["cluster_id"]
        assert src["source_type"] == rec["declared_source_type"]
        assert chosen is not None and chosen["fact_id"] == rec["declared_ha_source"]


def test_existing_ids_are_kept(cat):
    # the 27 clusters of the first catalogue keep their ids and names
    assert cat.set_index("cluster_id").loc["CCN-06", "name_vi"] == "CCN Ngọc Liệp"
    assert cat.set_index("cluster_id").loc["CCN-27", "name_vi"] == "CCN Xà Cầu"
    assert [f"CCN-{i:02d}" for i in range(1, 28)] == list(cat["cluster_id"].iloc[:27])


def test_the_documented_disagreements_resolve_by_authority(cat):
    c = cat.set_index("cluster_id")
    assert c.loc["CCN-06", "declared_ha"] == 37.78  # government page over the portal's 27 ha
    assert c.loc["CCN-06", "declared_source_type"] == "government page"
    tvtu = cat.loc[cat["name_vi"].eq("CCN Thanh Văn - Tân Ước")].iloc[0]
    assert tvtu["declared_ha"] == 47.78 and tvtu["declared_source_type"] == "portal"


def test_earliest_event_and_points_come_from_facts(cat, facts):
    by_id = facts.set_index("fact_id")
    for rec in cat.to_dict("records"):
        rows = facts.loc[facts["cluster_id"].eq(rec["cluster_id"])].to_dict("records")
        ev = earliest_event(rows)
        assert (ev["event"] if ev else "") == rec["earliest_event"]
        assert (ev["event_date"] if ev else "") == rec["earliest_event_date"]
        if rec["point_source"]:
            src = by_id.loc[rec["point_source"]]
            assert src["source_type"] == "portal"
            assert (float(rec["lon"]), float(rec["lat"])) == (src["lon"], src["lat"])
            assert rec["location_precision"] == "source point"


@given(
    st.lists(
        st.tuples(st.sampled_from(SOURCE_TYPES), st.floats(0.5, 80), st.booleans()),
        min_size=1,
        max_size=6,
    )
)
def test_choose_declared_prefers_authority(rows):
    facts = [
        {
            "fact_id": str(i),
            "source_type": t,
            "declared_ha": ha,
            "area_qualifier": "about" if q else "",
        }
        for i, (t, ha, q) in enumerate(rows)
    ]
    chosen = choose_declared(facts)
    assert chosen is not None
    best = min(SOURCE_TYPES.index(t) for t, _, _ in rows)
    assert SOURCE_TYPES.index(chosen["source_type"]) == best


def test_cluster_key_folds_diacritics_prefixes_and_type_words():
    assert cluster_key(
        "CCN làng nghề Phương Trung", "Xã Phương Trung", "H. Thanh Oai"
    ) == cluster_key("Cụm công nghiệp PHUONG TRUNG", "phương trung", "Thanh Oai")
    assert cluster_key("CCN Chàng Sơn", "Chàng Sơn") != cluster_key(
        "CCN Chàng Sơn - giai đoạn 2", "Chàng Sơn"
    )
    assert cluster_key("CCN Quất Động") != cluster_key("CCN Quất Động mở rộng")


def test_a_fact_without_source_is_refused(tmp_path):
    src = (bundled_geodata_dir() / "cluster_facts.csv").read_text(encoding="utf-8").splitlines()
    header, first = src[0], src[1].split(",")
    cols = header.split(",")
    first[cols.index("source_url")] = ""
    first[cols.index("publisher")] = ""
    p = tmp_path / "facts.csv"
    p.write_text("\n".join([header, ",".join(first)]) + "\n", encoding="utf-8")
    with pytest.raises(PlanDataError, match=r"row 1.*source_url.*no source"):
        read_facts(p)


def test_bundled_check_reports_every_cluster_with_coverage():
    r = subprocess.run(
        [sys.executable, "-m", "planning", "check", "--format", "json"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert r.returncode == 0, r.stderr
    d = json.loads(r.stdout)
    cov = d["coverage"]
    cat = read_catalogue()
    assert cov["clusters_loaded"] == len(cat) == 75
    assert cov["clusters_with_area"] == int(cat["declared_ha"].notna().sum()) == 69
    assert cov["ha_declared"] == pytest.approx(cat["declared_ha"].sum()) == pytest.approx(1297.252)
    assert sum(v["clusters"] for v in cov["by_phase"].values()) == 75
    assert sum(v["clusters"] for v in cov["by_source_type"].values()) == 75
    assert cov["clusters_per_source_type"]["portal"] == 32
    are003 = next(x for x in d["rules"] if x["code"] == "ARE003")
    flagged = {f["cluster_id"] for f in are003["findings"]}
    assert {"CCN-06", "CCN-55"} <= flagged  # Ngọc Liệp 27/37.78, Thanh Văn - Tân Ước 47.78/52.05


def test_user_points_get_their_district_code(tmp_path):
    from planning.model.plan import load_plan

    # Kim Bài's portal point, given with and without its district name
    csv = tmp_path / "points.csv"
    csv.write_text(
        "cluster_id,name_vi,district_vi,declared_ha,lon,lat\n"
        "A,CCN Kim Bài,Thanh Oai,46.1,105.76781,20.86438\n"
        "B,CCN Kim Bài 2,,46.1,105.76781,20.86438\n",
        encoding="utf-8",
    )
    cl = load_plan(csv, complete=False).clusters.set_index("cluster_id")
    thanh_oai = "VN10143"
    assert cl.loc["A", "district_code"] == cl.loc["B", "district_code"] == thanh_oai
    assert cl.loc["B", "district_vi"] == "Thanh Oai"
