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
