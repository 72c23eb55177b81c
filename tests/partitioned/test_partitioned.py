"""The dask path: the check suite on partitioned GeoParquet equals the in-memory one."""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planning.cli import main
from planning.partitioned import ATTRIBUTE_FAMILIES, PAIRWISE_RULES, check_partitioned
from planning.report.core import Report, check
from planning.rules import REGISTRY, Partial
from planning.testing import synthetic_clusters

pytest.importorskip("dask_geopandas")
pytest.importorskip("distributed")
# dask's own parquet reader still passes inplace= to pandas 3.1
pytestmark = pytest.mark.filterwarnings("ignore:The inplace keyword")


@pytest.fixture(scope="module")
def base():
    import planning

    return planning.load_plan()


@pytest.fixture(scope="module")
def layer():
    # Every defect planted often enough to show up in several partitions.
    return synthetic_clusters(
        4000,
        seed=11,
        invalid_share=0.01,
        overlap_share=0.05,
        misdeclared_share=0.01,
        wrong_district_share=0.01,
        outside_share=0.005,
        duplicate_share=0.005,
    )


@pytest.fixture(scope="module")
def partitioned(layer, tmp_path_factory):
    import dask_geopandas

    path = tmp_path_factory.mktemp("parquet") / "clusters"
    dask_geopandas.from_geopandas(layer, npartitions=6).to_parquet(path)
    return path


@pytest.fixture(scope="module")
def in_memory(base, layer) -> Report:
    return check(base.with_clusters(layer, complete=True))


@pytest.fixture(scope="module")
def local_cluster():
    from distributed import Client, LocalCluster

    # The dashboard on any free port: the default 8787 may be taken on a shared machine, and
    # distributed then warns and leaks the socket it tried (both errors under filterwarnings).
    cluster = LocalCluster(
        n_workers=2, threads_per_worker=1, processes=False, dashboard_address=":0"
    )
    client = Client(cluster, set_as_default=False)
    yield client
    client.close()
    cluster.close()


def _digest(report: Report):
    return {
        r.rule.code: (
            r.status,
            r.explanation,
            sorted((f.code, f.severity, f.cluster_id or "", f.message) for f in r.findings),
        )
        for r in report.results
    }


def _assert_same(a: Report, b: Report) -> None:
    da, db = _digest(a), _digest(b)
    assert list(da) == list(db)
    for code in da:
        assert da[code][0] == db[code][0], code
        assert da[code][1] == db[code][1], code
        assert set(da[code][2]) == set(db[code][2]), code
        assert da[code][2] == db[code][2], code  # no finding twice either
    # The order and the numbers behind the messages agree as well.
    for ra, rb in zip(a.results, b.results, strict=True):
        assert [(f.message, f.detail) for f in ra.findings] == [
            (f.message, f.detail) for f in rb.findings
        ], ra.rule.code
    assert a.coverage == b.coverage
    assert a.notes == b.notes
    assert a.exit_code == b.exit_code


def test_local_cluster_equals_in_memory(base, partitioned, in_memory, local_cluster):
    stages = []
    report = check_partitioned(
        partitioned,
        scheduler=local_cluster,
        base=base,
        progress=lambda stage, done, total: stages.append((stage, done, total)),
    )
    _assert_same(in_memory, report)
    # Every kind of defect was found, so the comparison means something.
    found = {r.rule.code: len(r.findings) for r in report.results}
    for code in ("ARE001", "GEO001", "IDS001", "IDS002", "LOC001", "LOC002", "TOP001", "TOP002"):
        assert found[code] > 0, code
    names = {s for s, _, _ in stages}
    assert {"scanning partitions", "testing overlaps"} <= names
    assert all(done <= total for _, done, total in stages if total)


def test_threads_and_options_equal_in_memory(base, layer):
    # A geopandas frame, split here; dask's default local scheduler; options passed on.
    expected = check(
        base.with_clusters(layer, complete=False), tolerance_pct=20, ignore=("PLN", "COV")
    )
    got = check_partitioned(
        layer,
        npartitions=3,
        scheduler="threads",
        base=base,
        complete=False,
        tolerance_pct=20,
        ignore=("PLN", "COV"),
    )
    _assert_same(expected, got)
    assert not any(r.rule.code.startswith("PLN") for r in got.results)


def test_every_rule_can_run_partitioned():
    for code, r in REGISTRY.items():
        partitioned = r.scan is not None and r.finish is not None
        assert partitioned or code in PAIRWISE_RULES or r.family in ATTRIBUTE_FAMILIES, code


def test_partitioned_is_library_only():
    # Command-line code (argparse namespaces, rich progress bars) lives in planning.cli.
    import ast

    import planning.partitioned as part

    imported = {
        (n.module if isinstance(n, ast.ImportFrom) else a.name).split(".")[0]
        for module in Path(part.__file__).parent.glob("*.py")
        for n in ast.walk(ast.parse(module.read_text(encoding="utf-8")))
        if isinstance(n, ast.Import | ast.ImportFrom)
        for a in n.names
    }
    assert not imported & {"argparse", "rich"}
    assert not hasattr(part, "check_from_args") and not hasattr(part, "rich_progress")


def test_partials_combine_in_order():
    a = Partial(["f1"], {"n": 2, "ids": ["A"], "zones": ("Z",)})  # type: ignore[list-item]
    b = Partial(["f2"], {"n": 3, "ids": ["B"], "zones": ("Z",)})  # type: ignore[list-item]
    c = Partial.combine([a, b])
    assert c.findings == ["f1", "f2"]
    assert c.counts == {"n": 5, "ids": ["A", "B"], "zones": ("Z",)}
    assert a.counts["ids"] == ["A"]  # inputs untouched
    with pytest.raises(ValueError, match="differs"):
        Partial.combine([a, Partial([], {"zones": ("Y",)})])


def test_cli_dask_matches_cli_in_memory(tmp_path, capsys):
    import dask_geopandas

    # io refuses invalid polygons and repeated ids at read time, so a clean layer here.
    clean = synthetic_clusters(1500, seed=5, invalid_share=0, duplicate_share=0)
    clean.to_parquet(tmp_path / "clean.parquet")
    dask_geopandas.from_geopandas(clean, npartitions=3).to_parquet(tmp_path / "parts")
    code_a = main(["check", str(tmp_path / "clean.parquet"), "-f", "json"])
    a = json.loads(capsys.readouterr().out)
    code_b = main(["check", "--dask", str(tmp_path / "parts"), "-f", "json"])
    b = json.loads(capsys.readouterr().out)
    assert code_a == code_b == 1
    assert a["summary"] == b["summary"]
    for ra, rb in zip(a["rules"], b["rules"], strict=True):
        assert (ra["code"], ra["status"], ra["explanation"]) == (
            rb["code"],
            rb["status"],
            rb["explanation"],
        )
        assert ra["findings"] == rb["findings"], ra["code"]


def test_cli_dask_usage_errors(tmp_path, capsys):
    assert main(["check", "--dask"]) == 2
    assert "GeoParquet" in capsys.readouterr().err
    assert main(["check", "--dask", str(tmp_path / "missing.parquet")]) == 2
    assert "not found" in capsys.readouterr().err
    parts = str(tmp_path / "parts")
    assert main(["check", "--dask", parts, "--fix"]) == 2
    assert "--fix is not supported with --dask" in capsys.readouterr().err
    assert main(["check", "--dask", parts, "-f", "xlsx", "-o", str(tmp_path / "r.xlsx")]) == 2
    assert "needs the plan in memory" in capsys.readouterr().err
    assert main(["check", "--dask", parts, "--select", "ZZZ"]) == 2
    assert "no rule code starts with 'ZZZ'" in capsys.readouterr().err


def test_import_and_help_do_not_import_dask():
    code = (
        "import sys, planning, planning.cli as c\n"
        "try:\n    c.main(['--help'])\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('dask', 'distributed', "
        "'dask_geopandas')))"
    )
    r = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env=os.environ.copy(),
        timeout=120,
    )
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip().splitlines()[-1] == "[]"


@pytest.fixture(scope="module")
def small_layer():
    return synthetic_clusters(800, seed=3, overlap_share=0.05, duplicate_share=0.01)


@pytest.fixture(scope="module")
def small_in_memory(base, small_layer) -> Report:
    return check(base.with_clusters(small_layer, complete=True))


def test_more_worker_processes_than_partitions(base, small_layer, small_in_memory, tmp_path):
    # Worker processes that never read a partition used to get the re-partitioned
    # polygons back as WKB (dask-geopandas' arrow hooks were not imported there) and crashed
    # TOP001 with "TypeError: Input must be valid geometry objects".
    import dask_geopandas
    from distributed import Client, LocalCluster

    dask_geopandas.from_geopandas(small_layer, npartitions=2).to_parquet(tmp_path / "parts")
    with (
        LocalCluster(
            n_workers=4, threads_per_worker=1, processes=True, dashboard_address=":0"
        ) as cluster,
        Client(cluster, set_as_default=False) as client,
    ):
        report = check_partitioned(tmp_path / "parts", scheduler=client, base=base)
        assert len(client.scheduler_info()["workers"]) == 4
    _assert_same(small_in_memory, report)
    top = {r.rule.code: r for r in report.results}["TOP001"]
    assert top.findings  # the overlaps were tested, and found


@pytest.mark.parametrize("scheduler", ["synchronous", "local_cluster"])
def test_empty_partitions(base, small_layer, small_in_memory, tmp_path, scheduler, request):
    # Empty files first, between and last; one partition without any polygon at all.
    parts = tmp_path / "parts"
    parts.mkdir()
    empty = small_layer.iloc[:0]
    points = small_layer.iloc[400:401].copy()
    points["geometry"] = points.geometry.representative_point()
    layout = [empty, small_layer.iloc[:400], empty, points, small_layer.iloc[401:], empty]
    for k, frame in enumerate(layout):
        frame.to_parquet(parts / f"part.{k}.parquet")
    layer = pd_concat(layout)
    expected = check(base.with_clusters(layer, complete=True))
    client = request.getfixturevalue("local_cluster") if scheduler == "local_cluster" else scheduler
    report = check_partitioned(parts, scheduler=client, base=base)
    _assert_same(expected, report)
    assert {r.rule.code: r for r in report.results}["TOP001"].findings


def test_only_empty_partitions(base, small_layer, tmp_path):
    parts = tmp_path / "parts"
    parts.mkdir()
    for k in range(2):
        small_layer.iloc[:0].to_parquet(parts / f"part.{k}.parquet")
    expected = check(base.with_clusters(small_layer.iloc[:0], complete=True))
    _assert_same(expected, check_partitioned(parts, scheduler="synchronous", base=base))


def pd_concat(frames):
    import pandas as pd

    return pd.concat(frames, ignore_index=True)


@given(
    boxes=st.lists(
        st.tuples(
            st.floats(105.70, 105.80),
            st.floats(21.00, 21.05),
            st.floats(1e-4, 0.02),
            st.floats(1e-4, 0.02),
        ),
        min_size=0,
        max_size=40,
    ),
    cuts=st.lists(st.integers(0, 40), max_size=4),
    strips=st.integers(1, 6),
)
@settings(max_examples=60, deadline=None)
def test_strips_find_every_overlap_once(boxes, cuts, strips):
    # Partitions cut anywhere, strips of any number: the same pairs, areas and order as the
    # in-memory rule's spatial index.
    import geopandas as gpd
    import numpy as np
    import shapely

    from planning.partitioned._strips import (
        Polygons,
        overlaps_result,
        split_into_strips,
        strip_edges,
        strip_pairs,
    )
    from planning.rules.topology import overlap_pairs

    geoms = [shapely.box(x, y, x + w, y + h) for x, y, w, h in boxes]
    layer = gpd.GeoDataFrame(
        {"cluster_id": [f"C{i}" for i in range(len(geoms))], "geometry_kind": "surveyed"},
        geometry=geoms,
        crs="EPSG:4326",
    )
    bounds = [0, *sorted(min(c, len(layer)) for c in cuts), len(layer)]  # some empty
    scans = []
    for k, (a, b) in enumerate(itertools.pairwise(bounds)):
        part = layer.iloc[a:b].reset_index(drop=True)
        polys = Polygons.of(part, np.ones(len(part), dtype=bool), k)
        scans.append(({"sample": polys.sample(3)}, polys))
    edges = strip_edges([s[0]["sample"] for s in scans], strips)
    pieces = [split_into_strips(s, edges, strips) for s in scans]
    found = [strip_pairs(j, edges, [p[j] for p in pieces]) for j in range(strips)]
    got = overlaps_result(found, len(layer))
    qi, tj, areas = overlap_pairs(layer)
    assert [(f.cluster_id, f.detail["other"]) for f in got.findings] == [
        (f"C{i}", f"C{j}") for i, j in zip(qi, tj, strict=True)
    ]
    assert [f.detail["overlap_ha"] for f in got.findings] == [round(a / 1e4, 6) for a in areas]


def test_a_damaged_geometry_is_one_line_naming_the_file(damaged_geoparquet, capsys):
    bad = damaged_geoparquet(synthetic_clusters(4, seed=3))
    assert main(["check", "--dask", str(bad), "--format", "json"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    [line] = captured.err.splitlines()
    assert line.startswith(f"planning: error: {bad}: cannot read the file: a geometry is damaged")
    assert "write the file again with a GeoParquet writer" in line
