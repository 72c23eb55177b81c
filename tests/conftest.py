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


@pytest.fixture
def damaged_geoparquet(tmp_path: Path):
    """Return a function that writes a layer as GeoParquet with its first WKB value damaged.

    The damage is a WKB of an unknown geometry type (771), which GEOS refuses to parse.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    def write(layer) -> Path:
        good = tmp_path / "good.parquet"
        layer.to_parquet(good)
        table = pq.read_table(good)
        i = table.schema.get_field_index("geometry")
        values = table.column("geometry").to_pylist()
        values[0] = bytes([1, 3, 3, 0, 0]) + bytes(20)
        bad = tmp_path / "damaged.parquet"
        pq.write_table(table.set_column(i, table.schema.field("geometry"), pa.array(values)), bad)
        return bad

    return write
