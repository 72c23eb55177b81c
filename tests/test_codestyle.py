"""Code style is checked by .ci/run beside the tests (ruff, mypy, import-linter), not inside them."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

LINTERS = (
    "ruff check .",
    "ruff format --check .",
    "python -m mypy planning",
    "lint-imports",
    "python tools/sizes.py",
)


def test_package_ships_py_typed():
    assert (ROOT / "planning" / "py.typed").is_file()


def test_ci_runs_every_linter_before_the_tests():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    tests_at = ci.index("python -m pytest")
    for cmd in LINTERS:
        assert 0 <= ci.find(f'"{cmd}"') < tests_at, cmd


def test_no_raw_control_characters_in_the_sources():
    """A raw ESC or CR in a docstring or template is a slip (an escape a tool expanded)."""
    suffixes = {".py", ".md", ".js", ".css", ".html", ".j2", ".toml", ".po", ".pot", ".csv"}
    found = []
    for folder in ("planning", "tests", "tools", "docs", "benchmarks"):
        for path in (ROOT / folder).rglob("*"):
            if path.suffix not in suffixes or "data" in path.relative_to(ROOT).parts:
                continue
            text = path.read_text(encoding="utf-8", errors="replace")
            bad = {c for c in text if ord(c) < 0x20 and c not in "\n\t"}
            if bad:
                found.append(f"{path.relative_to(ROOT)}: {sorted(map(hex, map(ord, bad)))}")
    assert found == []
