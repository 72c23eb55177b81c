"""Shared fixtures: every test reads geodata from the offline mirror beside the clone.

``../shared/geodata-sources`` (next to the repository) is the mirror CI provides. The
cache goes to a per-session temporary directory so that no test touches the user's cache.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MIRROR = Path(os.environ.get("PLANNING_GEODATA_MIRROR", ROOT.parent / "shared" / "geodata-sources"))


def pytest_configure(config: pytest.Config) -> None:
    """Point the library at the mirror and a private cache before any test imports it."""
    os.environ["PLANNING_GEODATA_MIRROR"] = str(MIRROR)
    os.environ.setdefault("PLANNING_OFFLINE", "1")
    # The interface speaks English in the tests unless a test asks for a language: neither
    # the environment's PLANNING_LANG nor a Vietnamese locale may change what they compare.
    os.environ.pop("PLANNING_LANG", None)
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):
        os.environ.pop(name, None)
    os.environ["LANG"] = "C.UTF-8"
    if "PLANNING_CACHE_DIR" not in os.environ:
        import tempfile

        os.environ["PLANNING_CACHE_DIR"] = tempfile.mkdtemp(prefix="planning-test-cache-")


@pytest.fixture(scope="session")
def mirror() -> Path:
    """The offline geodata mirror (``../shared/geodata-sources``)."""
    if not MIRROR.is_dir():
        pytest.fail(f"geodata mirror not found at {MIRROR}; set PLANNING_GEODATA_MIRROR")
    return MIRROR


@pytest.fixture(scope="session")
def repo_root() -> Path:
    """The repository's root folder."""
    return ROOT
