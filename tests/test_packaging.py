"""The distribution's name, version, extras and install hints."""

from __future__ import annotations

import importlib
import importlib.metadata
import re
import sys
from pathlib import Path

import pytest

import planning
from planning._version import DISTRIBUTION
from planning.errors import MissingDependencyError, require

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def test_distribution_name_is_the_one_in_pyproject():
    assert PYPROJECT["project"]["name"] == DISTRIBUTION == "hanoi-ccn-planning"
    assert PYPROJECT["project"]["scripts"] == {"planning": "planning.cli:main"}


def test_version_comes_from_the_installed_metadata():
    try:
        installed = importlib.metadata.version(DISTRIBUTION)
    except importlib.metadata.PackageNotFoundError:
        installed = "0+unknown"
    assert planning.__version__ == installed
    assert "__version__" in planning.__all__


def test_version_without_installed_metadata(monkeypatch):
    import planning._version as v

    def missing(name: str) -> str:
        raise importlib.metadata.PackageNotFoundError(name)

    monkeypatch.setattr(importlib.metadata, "version", missing)
    try:
        assert importlib.reload(v).__version__ == "0+unknown"
    finally:
        monkeypatch.undo()
        importlib.reload(v)
    assert v.__version__ == planning.__version__


def test_maps_are_core_dependencies_and_extras_name_the_distribution():
    deps = " ".join(PYPROJECT["project"]["dependencies"])
    for name in ("folium", "branca", "jinja2"):
        assert name in deps
    # Leaflet is vendored under planning/maps/static/leaflet/, not a Django packaging of it
    assert "django-js-lib-leaflet" not in deps
    extras = PYPROJECT["project"]["optional-dependencies"]
    assert "maps" not in extras
    assert any(d.startswith("jupyterlab") for d in extras["notebooks"])
    for name in ("pytest-cov", "jsonschema"):
        assert any(d.startswith(name) for d in extras["test"]), name
    assert any(d.startswith("import-linter") for d in extras["dev"])
    selfrefs = [d for ds in extras.values() for d in ds if re.match(r"[\w-]+\[", d)]
    assert selfrefs and all(d.startswith(f"{DISTRIBUTION}[") for d in selfrefs)
    for d in selfrefs:
        assert set(d[d.index("[") + 1 : d.index("]")].split(",")) <= set(extras)


def test_missing_optional_dependency_names_the_extra_of_the_distribution():
    with pytest.raises(MissingDependencyError, match=r"pip install 'hanoi-ccn-planning\[dask\]'$"):
        require("planning_no_such_module", extra="dask")
    with pytest.raises(MissingDependencyError, match=r"--force-reinstall hanoi-ccn-planning$"):
        require("planning_no_such_module", extra=None)


def test_no_install_hint_names_the_other_projects_planning():
    """`pip install planning[...]` would install an unrelated project from the index."""
    paths = [ROOT / "README.md", ROOT / ".ci" / "run"]
    for folder in ("planning", "docs", "benchmarks", "notebooks"):
        paths += [p for p in (ROOT / folder).rglob("*") if p.suffix in (".py", ".md", ".ipynb")]
    bad = re.compile(
        r"""(?<![\w-])planning\[|pip install[^\n&;]*?['"\s](?<![\w-])planning(['"\s]|$)"""
    )
    offenders = [str(p.relative_to(ROOT)) for p in paths if bad.search(p.read_text("utf-8"))]
    assert offenders == []


@pytest.mark.parametrize("target", ["wheel", "sdist"])
def test_package_data_files_ship_in_the_wheel_and_the_sdist(target):
    """Data the package reads with importlib.resources is in both distributions (hatchling's own
    file selection, the one `pip wheel .` and `python -m build` use, listed without building)."""
    pytest.importorskip("hatchling")
    from hatchling.builders.sdist import SdistBuilder
    from hatchling.builders.wheel import WheelBuilder

    builder = {"wheel": WheelBuilder, "sdist": SdistBuilder}[target](str(ROOT))
    shipped = {f.distribution_path for f in builder.recurse_included_files()}
    data = "planning/sources/units2025_files.csv"
    assert (ROOT / data).is_file()
    assert data in shipped
    assert "planning/sources/registry.py" in shipped
