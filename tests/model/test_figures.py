from __future__ import annotations

import math
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from planning.errors import PlanDataError
from planning.model.figures import Figure, matches_published
from planning.model.manifest import load_manifest


def test_bundled_manifest_figures_and_sources():
    m = load_manifest()
    assert m.figure("total_clusters").value == 159
    assert m.figure("total_ha").value == pytest.approx(3204.3)
    assert m.figure("total_ha_detail").value == pytest.approx(3204.31)
    # every published figure names a defined source; derived ones name a derivation
    for f in m.figures.values():
        assert f.derived or f.source in m.sources


def test_kept_area_is_derived_not_typed():
    m = load_manifest()
    kept = m.figure("kept_ha")
    assert kept.is_derived
    assert kept.value == pytest.approx(2622.91 - 596 - 428.81)
    assert m.citation("kept_ha").startswith("derived:")


def test_bundled_category_tree_is_consistent():
    checks = load_manifest().check_tree()
    assert checks, "the tree has nodes with children"
    assert all(c.consistent for c in checks), [c.explain() for c in checks if not c.consistent]
    by = {(c.node, c.quantity): c for c in checks}
    assert by[("plan", "clusters")].computed == 159
    assert by[("to2020", "clusters")].computed == 64 + 52 + 22
    assert by[("plan", "ha")].computed == pytest.approx(2622.91 + 536 + 45.4)
    assert by[("hoalac", "ha")].computed == pytest.approx(1585.9)


def test_unverified_figures_are_marked():
    m = load_manifest()
    assert m.is_verified("markets_total") and not m.is_attributed("markets_total")
    assert m.is_verified("total_ha") and m.is_attributed("total_ha")
    assert m.figures["grdp_industry_trade_construction_pct"].value == 23
    assert not m.is_attributed("grdp_industry_trade_construction_pct")


@pytest.mark.parametrize(
    ("value", "decimals", "computed", "expected"),
    [
        (3204.3, 1, 3204.31, True),
        (3204.3, 1, 3204.36, False),
        (99.6, 1, 100 * 453 / 455, True),
        (1586, 0, 1585.9, True),
        (1586, 0, 1585.4, False),
        (0.05, 1, 0.05, True),
    ],
)
def test_matches_published(value, decimals, computed, expected):
    assert matches_published(computed, Figure("k", "k", value, "ha", decimals)) is expected


@given(
    value=st.floats(min_value=0, max_value=1e6, allow_nan=False),
    decimals=st.integers(min_value=0, max_value=3),
)
def test_matches_published_is_reflexive_and_rejects_a_unit_step(value, decimals):
    fig = Figure("k", "k", round(value, decimals), "ha", decimals)
    assert matches_published(fig.value, fig)
    assert not matches_published(fig.value + 10 ** (-decimals), fig)


def _write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "plan.toml"
    p.write_text(text, encoding="utf-8")
    return p


GOOD = """
[sources.s]
title = "t"
url = "https://example.org"
[figures.a]
value = 10
decimals = 0
source = "s"
[figures.b]
value = 4
decimals = 0
source = "s"
[figures.c]
derived = "a - b"
"""


def test_derived_figure_is_computed(tmp_path):
    m = load_manifest(_write(tmp_path, GOOD))
    assert m.figure("c").value == 6


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ("[figures.d]\nvalue = 1\n", "figures.d, field 'source': figure has no 'source'"),
        ('[figures.d]\nvalue = 1\nsource = "nowhere"\n', "source 'nowhere' is not defined"),
        ('[figures.d]\nderived = "a * b"\n', "is not a sum or difference of figure keys"),
        ("[figures.d]\nderived = \"__import__('os')\"\n", "is not a sum or difference"),
        ('[figures.d]\nderived = "a + zz"\n', "unknown figure 'zz'"),
        ('[figures.d]\nderived = "e"\n[figures.e]\nderived = "d"\n', "cycle"),
        ('[categories.x]\nha = "nope"\n', "categories.x, field 'ha': names unknown figure 'nope'"),
        ('[categories.x]\nha = "a"\nchildren = ["y"]\n', "child 'y' is not a category"),
        ("[figures.d]\n", "neither 'value' nor 'derived'"),
        # These two raised a bare KeyError (a traceback) before load_manifest was split.
        (
            '[ratios.r]\ndenominator = "a"\npercent = "a"\n',
            "ratios.r, field 'numerator': ratio has no 'numerator'",
        ),
        (
            '[zones.z]\nhost_communes = [{ commune = "X" }]\n',
            "zones.z, field 'host_communes': each host commune needs",
        ),
    ],
)
def test_bad_manifest_names_the_place(tmp_path, extra, message):
    path = _write(tmp_path, GOOD + extra)
    with pytest.raises(PlanDataError) as exc:
        load_manifest(path)
    assert message in str(exc.value)
    assert str(path) in str(exc.value)


def test_unreadable_manifest(tmp_path):
    with pytest.raises(PlanDataError, match="cannot read the manifest"):
        load_manifest(tmp_path / "missing.toml")
    bad = _write(tmp_path, "this is = = not toml")
    with pytest.raises(PlanDataError, match="not valid TOML"):
        load_manifest(bad)


def test_inconsistent_tree_is_detected(tmp_path):
    text = (
        GOOD
        + """
[figures.total]
value = 11
decimals = 0
source = "s"
[categories.root]
clusters = "total"
children = ["x", "y"]
[categories.x]
clusters = "a"
[categories.y]
clusters = "c"
"""
    )
    checks = load_manifest(_write(tmp_path, text)).check_tree()
    (c,) = checks
    assert c.computed == 16
    assert not c.consistent
    assert "DISAGREES" in c.explain()
    assert not math.isnan(c.computed)
