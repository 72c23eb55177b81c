"""The analysis notebooks run top to bottom against the geodata mirror, and are stored clean.

Each notebook asserts its own key figures, so executing it is the test. The kernel
inherits this process's environment: the mirror, the offline switch and the private
cache that ``conftest.py`` sets, plus ``PYTHONPATH`` pointing at this checkout so that
the kernel imports the ``planning`` under test even when it is not installed.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
NAMES = ["01_plan_overview.ipynb", "02_area_consistency.ipynb", "03_plan_versions.ipynb"]
CELL_TIMEOUT_S = 300
#: A notebook is meant to run in well under a minute; this catches one that grew slow.
BUDGET_S = 120


def test_the_three_notebooks_exist():
    assert sorted(p.name for p in NOTEBOOKS.glob("*.ipynb")) == NAMES


@pytest.mark.parametrize("name", NAMES)
def test_notebook_is_stored_without_outputs(name):
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    nbformat.validate(nb)
    assert nb.metadata["kernelspec"]["name"] == "python3"
    first = nb.cells[0]
    assert first.cell_type == "markdown" and "**Question:" in first.source
    # then a short summary in Vietnamese, for the planners who read it first
    summary = nb.cells[1]
    assert summary.cell_type == "markdown" and summary.metadata.get("lang") == "vi"
    assert summary.source.startswith("**Tóm tắt (tiếng Việt)**")
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code, "a notebook without code"
    for cell in code:
        assert cell.outputs == [], f"{name}: stored with outputs"
        assert cell.execution_count is None, f"{name}: stored with execution counts"
    # Key figures are asserted in the notebook itself.
    assert any(line.lstrip().startswith("assert ") for c in code for line in c.source.splitlines())


@pytest.mark.notebook
@pytest.mark.slow
@pytest.mark.parametrize("name", NAMES)
def test_notebook_runs_clean(name, mirror, monkeypatch):
    path = NOTEBOOKS / name
    nb = nbformat.read(path, as_version=4)
    pythonpath = os.environ.get("PYTHONPATH")
    monkeypatch.setenv("PYTHONPATH", str(ROOT) + (os.pathsep + pythonpath if pythonpath else ""))
    monkeypatch.setenv("MPLBACKEND", "Agg")
    client = nbclient.NotebookClient(
        nb,
        timeout=CELL_TIMEOUT_S,
        kernel_name="python3",
        resources={"metadata": {"path": str(NOTEBOOKS)}},  # cwd = notebooks/
    )
    start = time.perf_counter()
    client.execute()  # raises CellExecutionError, naming the cell, on any error or failed assert
    elapsed = time.perf_counter() - start
    errors = [
        o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"
    ]
    assert not errors
    assert elapsed < BUDGET_S, f"{name} took {elapsed:.0f} s"
