"""Diffing versions from different sources: clusters paired by name and district (issue 11 §4)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from planning.diff import diff_plans
from planning.diff.match import match_clusters, name_district_key
from planning.errors import UsageError
from planning.model.inputs import read_catalogue
from planning.model.plan import load_plan


@pytest.fixture(scope="module")
def department_sheet(tmp_path_factory) -> tuple[Path, list[str]]:
    """Four bundled clusters as a department types them: no ids, other spellings."""
    cat = read_catalogue()
    rows = cat[cat["commune_vi"].ne("") & cat["declared_ha"].notna()].head(4)
    path = tmp_path_factory.mktemp("dept") / "so_cong_thuong.csv"
    lines = ["Tên cụm,Xã,Huyện,Diện tích (ha)"]
    for r in rows.itertuples():
        name = r.name_vi.replace("CCN ", "Cụm công nghiệp ", 1)
        lines.append(f"{name},{r.commune_vi},huyện {r.district_vi},{r.declared_ha}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path, list(rows["cluster_id"])


@pytest.fixture(scope="module")
def plans(department_sheet):
    path, _ = department_sheet
    return load_plan(), load_plan(path, complete=False)


def test_a_department_sheet_is_matched_to_the_bundled_catalogue_by_name(department_sheet, plans):
    _, ids = department_sheet
    old, new = plans
    d = diff_plans(old, new)
    removed = {c.cluster_id for c in d.removed}
    assert not removed & set(ids), "the same clusters listed as removed and added"
    assert d.added == []
    by_name = [p for p in d.pairs if p.matched_by == "name and district"]
    assert sorted(p.old_id for p in by_name) == sorted(ids)
    data = json.loads(d.to_json())
    assert {p["matched_by"] for p in data["pairs"]} == {"name and district"}
    renamed = [a for a in d.attributes if a.field == "cluster_id"]
    assert sorted(a.old for a in renamed) == sorted(ids)


def test_match_id_keeps_the_old_behaviour(department_sheet, plans):
    _, ids = department_sheet
    d = diff_plans(*plans, match="id")
    assert set(ids) <= {c.cluster_id for c in d.removed}
    assert len(d.added) == 4 and d.pairs == []


def test_names_compare_without_diacritics_and_prefixes():
    assert name_district_key("Cụm công nghiệp Phùng Xá", "huyện Thạch Thất") == name_district_key(
        "CCN PHUNG XA", "Thach That"
    )
    assert name_district_key("CCN Phùng Xá", "Thạch Thất") != name_district_key(
        "CCN Phùng Xá", "Mỹ Đức"
    )


def test_ambiguous_names_are_left_unpaired():
    rec = {"name_vi": "CCN Phùng Xá", "district_vi": "Thạch Thất"}
    olds = {"A": rec, "B": rec}
    news = {"X": {"name_vi": "Cụm công nghiệp Phung Xa", "district_vi": "Thach That"}}
    assert match_clusters(olds, news) == []
    (pair,) = match_clusters({"A": rec}, news)
    assert (pair.old_id, pair.new_id, pair.matched_by) == ("A", "X", "name and district")
    with pytest.raises(UsageError, match="--match"):
        match_clusters(olds, news, how="fuzzy")  # type: ignore[arg-type]


def test_cli_match_option(department_sheet):
    path, ids = department_sheet
    out = subprocess.run(
        [sys.executable, "-m", "planning", "diff", "bundled", str(path), "--format", "json",
         "--match", "name"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["match"] == "name" and data["matched_by"] == "name and district"
    assert sorted(p["old_id"] for p in data["pairs"]) == sorted(ids)
