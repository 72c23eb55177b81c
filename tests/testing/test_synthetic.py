"""Synthetic clusters layers: the same arguments give the same layer, with the defects asked for."""

from __future__ import annotations

import pandas as pd
import pytest

from planning.schema import CLUSTER_COLUMNS
from planning.testing import synthetic_clusters

SHARES = {
    "invalid_share": 0.02,
    "overlap_share": 0.05,
    "misdeclared_share": 0.02,
    "wrong_district_share": 0.02,
    "outside_share": 0.01,
    "duplicate_share": 0.01,
}


@pytest.mark.parametrize("seed", [0, 7])
def test_same_arguments_give_the_same_layer(seed):
    # The benchmarks' 100,000-cluster layer is cached on disk: a regenerated one must equal it.
    a = synthetic_clusters(400, seed=seed, **SHARES)
    b = synthetic_clusters(400, seed=seed, **SHARES)
    pd.testing.assert_frame_equal(a.drop(columns="geometry"), b.drop(columns="geometry"))
    assert a.geometry.to_wkb().equals(b.geometry.to_wkb())
    other = synthetic_clusters(400, seed=seed + 1, **SHARES)
    assert not a.geometry.to_wkb().equals(other.geometry.to_wkb())


def test_planted_defects_come_in_the_shares_asked_for():
    layer = synthetic_clusters(400, seed=3, **SHARES)
    assert tuple(layer.columns[:-1]) == CLUSTER_COLUMNS and layer.crs == "EPSG:4326"
    assert len(layer) == 400 and layer["cluster_id"].str.startswith("SYN-").all()
    assert (~layer.geometry.is_valid).sum() == 8  # bow-ties: 2 % of 400
    assert layer["cluster_id"].duplicated().sum() == 4  # 1 %
    assert (layer.geometry.bounds["minx"] > 106.1).sum() == 4  # moved 2° east, out of Hanoi
    assert layer["source_note"].eq("synthetic_clusters(seed=3)").all()


def test_a_single_cluster_and_a_bad_count():
    one = synthetic_clusters(1, seed=0)
    assert len(one) == 1 and one.geometry.iloc[0].is_valid
    with pytest.raises(ValueError, match="at least 1"):
        synthetic_clusters(0)
