"""Write ``planning/sources/units2025_files.csv`` from the mirror's ``MANIFEST.csv``.

Run at development time, when the pinned upstream commit changes::

    python tools/gen_units2025_registry.py ../shared/geodata-sources/vn-provinces-db-2025-hanoi/MANIFEST.csv

The manifest's folder must hold the files too (their sizes are recorded). The written file
is package data holding facts only: one row per GeoJSON of Ha Noi's 126 communes and wards
of the 2025 structure, with the columns of :class:`planning.sources.registry.RemoteFile`
(``mirror_path``, ``url``, ``sha256``, ``size_bytes``), sorted by ``mirror_path``.
:mod:`planning.sources.registry` reads it; the files themselves are downloaded at run time.
"""

from __future__ import annotations

import csv
import io
import sys
from pathlib import Path

#: Mirror (and cache) folder of the ward files.
_PREFIX = "vn-provinces-db-2025-hanoi/wards/"
_OUT = Path(__file__).resolve().parents[1] / "planning" / "sources" / "units2025_files.csv"
#: The columns of the written file, the fields of ``RemoteFile`` in their order.
COLUMNS = ("mirror_path", "url", "sha256", "size_bytes")


def registry_rows(manifest: Path) -> list[dict[str, str]]:
    """Return the rows to write: the manifest's ward files, their sizes read beside it.

    Parameters
    ----------
    manifest
        The mirror's ``MANIFEST.csv`` (columns ``mirror_path``, ``upstream_url``,
        ``sha256``), in the folder ``vn-provinces-db-2025-hanoi`` of the mirror.

    Returns
    -------
    list of dict
        One row per ward file, keyed by :data:`COLUMNS`, sorted by ``mirror_path``.
    """
    with manifest.open(encoding="utf-8", newline="") as fh:
        wards = [r for r in csv.DictReader(fh) if r["mirror_path"].startswith(_PREFIX)]
    mirror = manifest.parent.parent
    return [
        {
            "mirror_path": r["mirror_path"],
            "url": r["upstream_url"],
            "sha256": r["sha256"],
            "size_bytes": str((mirror / r["mirror_path"]).stat().st_size),
        }
        for r in sorted(wards, key=lambda r: r["mirror_path"])
    ]


def registry_text(rows: list[dict[str, str]]) -> str:
    """Return the CSV text of ``rows``: a header line, then one line per file (each ends in a newline)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def main(manifest: str) -> None:
    """Read the manifest and write the registry file."""
    rows = registry_rows(Path(manifest))
    _OUT.write_text(registry_text(rows), encoding="utf-8", newline="")
    print(f"{_OUT}: {len(rows)} files")


if __name__ == "__main__":
    main(sys.argv[1])
