from __future__ import annotations

from dataclasses import replace

import pytest

from planning.model.manifest import load_manifest
from planning.settings import bundled_geodata_dir
from planning.testing import make_plan, run_rule, square

BUNDLED = (bundled_geodata_dir() / "plan.toml").read_text(encoding="utf-8")


def _manifest(tmp_path, old: str, new: str, extra: str = ""):
    assert old in BUNDLED
    p = tmp_path / "plan.toml"
    p.write_text(BUNDLED.replace(old, new, 1) + extra, encoding="utf-8")
    return load_manifest(p)


def _full_rows(x, y, *, n=159, total=3204.31, category=None):
    rows = []
    each = 20.0
    for i in range(n):
        ha = each if i < n - 1 else round(total - each * (n - 1), 2)
        row = {
            "cluster_id": f"C{i:03d}",
            "geometry": square(x + 0.003 * (i % 20), y + 0.003 * (i // 20), 1),
            "declared_ha": ha,
        }
        if category:
            row["category"] = category(i)
        rows.append(row)
    return rows


@pytest.fixture(scope="module")
def full_rows(thach_that):
    _, x, y = thach_that
    return _full_rows(x, y)


def test_count_and_total_pass_on_a_complete_plan(full_rows):
    plan = make_plan(full_rows)
    assert run_rule("PLN001", plan).status == "pass"
    assert run_rule("PLN002", plan).status == "pass"


def test_count_fails_when_one_is_missing(full_rows):
    plan = make_plan(full_rows[:-1])
    res = run_rule("PLN001", plan)
    assert res.status == "fail"
    assert "158 clusters loaded, the plan has 159" in res.findings[0].message


def test_total_fails_at_published_precision(full_rows):
    rows = [dict(r) for r in full_rows]
    rows[0]["declared_ha"] += 0.1  # 3,204.41 rounds to 3,204.4, not 3,204.3
    res = run_rule("PLN002", make_plan(rows))
    assert res.status == "fail"
    assert "(difference +0.11 ha)" in res.findings[-1].message


def test_count_and_total_skip_on_a_partial_plan(full_rows):
    plan = make_plan(full_rows[:10], complete=False)
    for code in ("PLN001", "PLN002", "PLN007"):
        res = run_rule(code, plan)
        assert res.status == "skip"
        assert "partial" in res.explanation


def test_tree_consistent_on_bundled_manifest(full_rows):
    res = run_rule("PLN003", make_plan(full_rows[:1], complete=False))
    assert res.status == "pass"
    assert "2,622.91 + 581.40 = 3,204.31" in res.explanation
    assert "kept_ha" in res.explanation  # derived figures are named


def test_tree_fails_when_a_published_figure_is_off(tmp_path, full_rows):
    m = _manifest(tmp_path, "value = 52\n", "value = 53\n")
    res = run_rule("PLN003", make_plan(full_rows[:1], manifest=m))
    assert res.status == "fail"
    assert any(
        f.detail["node"] == "to2020" and f.detail["quantity"] == "clusters" for f in res.findings
    )


def test_ratio_passes_and_fails(tmp_path, full_rows):
    assert run_rule("PLN005", make_plan(full_rows[:1])).status == "pass"
    m = _manifest(tmp_path, "value = 99.6\n", "value = 99.7\n")
    res = run_rule("PLN005", make_plan(full_rows[:1], manifest=m))
    assert res.status == "fail"
    assert "99.56 % computed" in res.findings[0].message


def test_district_units(full_rows):
    plan = make_plan(full_rows[:1])
    assert run_rule("PLN006", plan).status == "pass"
    short = replace(plan, districts=plan.districts.iloc[:29])
    res = run_rule("PLN006", short)
    assert res.status == "fail"
    assert "29 district units loaded" in res.findings[0].message


def test_district_subtotals(tmp_path, thach_that):
    code, x, y = thach_that
    extra = f'\n[district_subtotals.{code}]\nclusters = 2\nha = 30.5\nsource = "hanoitimes-2018-03-20"\n'
    m = _manifest(tmp_path, "[plan]", "[plan]", extra)
    rows = [
        {
            "cluster_id": "A",
            "geometry": square(x, y, 1),
            "declared_ha": 10.5,
            "district_code": code,
        },
        {
            "cluster_id": "B",
            "geometry": square(x + 0.01, y, 1),
            "declared_ha": 20.0,
            "district_code": code,
        },
    ]
    assert run_rule("PLN004", make_plan(rows, manifest=m)).status == "pass"
    rows[1]["declared_ha"] = 21.0
    res = run_rule("PLN004", make_plan(rows, manifest=m))
    assert res.status == "fail"
    assert code in res.findings[0].message
    # the bundled manifest publishes none: not applicable, and says why
    res = run_rule("PLN004", make_plan(rows))
    assert res.status == "skip"
    assert "appendix" in res.explanation


def test_category_counts(thach_that):
    _, x, y = thach_that

    def cat(i):
        return "kept" if i < 64 else "new" if i < 116 else "limited" if i < 138 else "new_2030"

    rows = _full_rows(x, y, category=cat)
    res = run_rule("PLN007", make_plan(rows))
    assert "kept: 64/64" in res.explanation
    # areas per category do not match the synthetic 20 ha each → area findings, not count findings
    assert not any("clusters loaded" in f.message for f in res.findings)

    def wrong(i):
        return "kept" if i < 65 else "new" if i < 116 else "limited" if i < 138 else "new_2030"

    res = run_rule("PLN007", make_plan(_full_rows(x, y, category=wrong)))
    assert res.status == "fail"
    assert any(
        "category 'kept': 65 clusters loaded, the plan has 64" in f.message for f in res.findings
    )


def test_unverified_figures_are_listed(full_rows):
    res = run_rule("PLN008", make_plan(full_rows[:1]))
    assert res.status == "pass"  # info only
    keys = {f.detail["figure"] for f in res.findings}
    assert "markets_total" in keys
    assert "total_ha" not in keys
