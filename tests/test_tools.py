"""The project's own checks (tools/): each one fails on an input made to break it."""

from __future__ import annotations

import textwrap
from pathlib import Path

import grimp

from tools import gen_units2025_registry, sizes
from tools.importlint import _cycles


def _package(tmp_path: Path, source: str) -> Path:
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "mod.py").write_text(textwrap.dedent(source), encoding="utf-8")
    return package


def _long_function(n: int, *, comment: str = "") -> str:
    body = "\n".join(f"    x{i} = {i}" for i in range(n - 2))
    return f'def f():{comment}\n    """Doc.\n\n    More.\n    """\n{body}\n    return 0\n'


def test_sizes_accepts_a_function_at_the_limit(tmp_path, monkeypatch):
    monkeypatch.setattr(sizes, "_ROOT", tmp_path)
    assert sizes.excesses(_package(tmp_path, _long_function(sizes.FUNCTION_LINES))) == []


def test_sizes_flags_a_function_over_the_limit_its_docstring_left_out(tmp_path, monkeypatch):
    monkeypatch.setattr(sizes, "_ROOT", tmp_path)
    found = sizes.excesses(_package(tmp_path, _long_function(sizes.FUNCTION_LINES + 1)))
    assert len(found) == 1
    assert "pkg/mod.py:1: f() has 61 lines" in found[0]


def test_sizes_lets_a_stated_reason_through(tmp_path, monkeypatch):
    monkeypatch.setattr(sizes, "_ROOT", tmp_path)
    source = _long_function(sizes.FUNCTION_LINES + 5, comment="  # long: a straight recipe")
    assert sizes.excesses(_package(tmp_path, source)) == []


def test_sizes_flags_a_long_module(tmp_path, monkeypatch):
    monkeypatch.setattr(sizes, "_ROOT", tmp_path)
    source = "\n".join(f"X{i} = {i}" for i in range(sizes.MODULE_LINES + 1)) + "\n"
    found = sizes.excesses(_package(tmp_path, source))
    assert found == [f"pkg/mod.py: {sizes.MODULE_LINES + 1} lines, over 600: split it by concern"]


def test_the_package_is_within_its_sizes():
    assert sizes.excesses() == []


def test_no_cycles_finds_a_cycle_through_a_third_module():
    graph = grimp.ImportGraph()
    for a, b in [("p.a", "p.b"), ("p.b", "p.c"), ("p.c", "p.a"), ("p.d", "p.a"), ("p.a", "q.x")]:
        graph.add_import(importer=a, imported=b)
    assert _cycles(graph, "p") == [["p.a", "p.b", "p.c"]]


def test_no_cycles_is_quiet_on_a_tree():
    graph = grimp.ImportGraph()
    for a, b in [("p.a", "p.b"), ("p.b", "p.c"), ("p.a", "p.c")]:
        graph.add_import(importer=a, imported=b)
    assert _cycles(graph, "p") == []


def test_units2025_registry_file_is_what_the_generator_writes_from_the_mirror(mirror):
    manifest = mirror / "vn-provinces-db-2025-hanoi" / "MANIFEST.csv"
    text = gen_units2025_registry.registry_text(gen_units2025_registry.registry_rows(manifest))
    shipped = Path(gen_units2025_registry.__file__).resolve().parents[1] / (
        "planning/sources/units2025_files.csv"
    )
    assert text.count("\n") == 127
    assert text.splitlines()[0] == ",".join(gen_units2025_registry.COLUMNS)
    assert shipped.read_bytes() == text.encode("utf-8")
