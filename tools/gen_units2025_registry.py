"""Write ``planning/sources/_units2025_files.py`` from the mirror's ``MANIFEST.csv``.

Run at development time, when the pinned upstream commit changes::

    python tools/gen_units2025_registry.py ../shared/geodata-sources/vn-provinces-db-2025-hanoi/MANIFEST.csv

The manifest's folder must hold the files too (their sizes are recorded). The generated
module holds facts only (file names, sha256 and sizes of Ha Noi's 126 communes and
wards of the 2025 structure, one GeoJSON each); the files themselves are downloaded at run time.
"""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

_PREFIX = "vn-provinces-db-2025-hanoi/wards/"
_OUT = Path(__file__).resolve().parents[1] / "planning" / "sources" / "_units2025_files.py"


def main(manifest: str) -> None:
    """Read the manifest and write the registry module."""
    with Path(manifest).open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    wards = [r for r in rows if r["mirror_path"].startswith(_PREFIX)]
    bases = {r["upstream_url"][: -len(r["mirror_path"][len(_PREFIX) :])] for r in wards}
    if len(bases) != 1:
        raise SystemExit(f"expected one upstream folder, found {sorted(bases)}")
    (base,) = bases
    lines = [
        '"""Pinned files of Ha Noi\'s 2025 communes and wards (generated; do not edit).',
        "",
        "Written by ``tools/gen_units2025_registry.py`` from ``MANIFEST.csv`` of the mirror folder",
        "``vn-provinces-db-2025-hanoi``: one GeoJSON per commune or ward, named",
        "``<national code>_<name>.geojson``, with its sha256.",
        '"""',
        "",
        "#: Upstream folder of the ward files (pinned to a commit).",
        f'WARDS_URL = "{base}"',
        "#: Mirror (and cache) folder of the ward files.",
        f'WARDS_MIRROR = "{_PREFIX}"',
        "#: (file name, sha256, size in bytes) of each of the 126 files.",
        "WARD_FILES: tuple[tuple[str, str, int], ...] = (",
    ]
    for r in sorted(wards, key=lambda r: r["mirror_path"]):
        size = (Path(manifest).parent.parent / r["mirror_path"]).stat().st_size
        lines.append(f'    ("{r["mirror_path"][len(_PREFIX) :]}", "{r["sha256"]}", {size}),')
    lines.append(")")
    _OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    subprocess.run([sys.executable, "-m", "ruff", "format", str(_OUT)], check=True)
    print(f"{_OUT}: {len(wards)} files")


if __name__ == "__main__":
    main(sys.argv[1])
