"""The registry of upstream geodata: every file the library may fetch, pinned by URL and sha256.

The project ships none of the upstream boundary files. Each is named here by its upstream
URL (pinned to a commit), its sha256 and its size, inside a :class:`Source` that says where
the data come from, under what licence, how to credit it and what it cannot be used for.
:mod:`planning.sources.fetch` obtains the files; :mod:`planning.sources.boundaries` builds
the district and commune layers from them.

The 126 files of the 2025 communes and wards are listed in the package data file
``units2025_files.csv`` (written by ``tools/gen_units2025_registry.py``), read once, when
this module is imported. Only the standard library is imported.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from importlib import resources

__all__ = ["SOURCES", "RemoteFile", "Source", "attribution_line"]


@dataclass(frozen=True)
class RemoteFile:
    """One upstream file, pinned by URL and sha256.

    Parameters
    ----------
    mirror_path
        Relative POSIX path of the file inside a mirror folder; also its path
        inside the cache.
    url
        Upstream URL, pinned to a commit so that its content never changes.
    sha256
        Lower-case hex sha256 of the file's bytes.
    size_bytes
        Size in bytes, if known (used for the progress bar only).
    """

    mirror_path: str
    url: str
    sha256: str
    size_bytes: int | None = None

    @property
    def name(self) -> str:
        """The file name (last component of :attr:`mirror_path`)."""
        return self.mirror_path.rsplit("/", 1)[-1]


@dataclass(frozen=True)
class Source:
    """A data set made of one or more pinned upstream files.

    Parameters
    ----------
    key
        Short identifier, the key in :data:`SOURCES`.
    name
        Human-readable title.
    origin
        Where the files come from (repository, commit, real producer).
    license
        License as stated upstream.
    attribution
        Attribution text to show next to any map or figure using the data.
    files
        The pinned files.
    vintage
        Which administrative structure the data describes.
    caveats
        Known limitations, one sentence each.
    """

    key: str
    name: str
    origin: str
    license: str
    attribution: str
    files: tuple[RemoteFile, ...]
    vintage: str
    caveats: tuple[str, ...] = ()


_BANDOCOVID = (
    "https://raw.githubusercontent.com/b1team/BandoCovid/"
    "ff8b02212e804574381532c9c1c0b5d7f54d3cc2/MapHaNoi/"
)
_OCHA_DIR = "ocha-codab-2020-via-bandocovid/"
_VIETNAM63 = (
    "https://raw.githubusercontent.com/choisy/vietnam63/"
    "90ac14b5226cf3b9e0a3b1190e04f28fdb19899d/data/"
)
_VNMAP = (
    "https://raw.githubusercontent.com/ura8107/vnmap/"
    "dfc51f8c1db56151b34a2fe983914ee1b848143b/data-raw/source/"
)

#: Every upstream data set the library knows, by key.
SOURCES: dict[str, Source] = {
    "ocha-districts": Source(
        key="ocha-districts",
        name="Hanoi districts (ADM2), OCHA COD-AB 2020",
        origin=(
            "OCHA ROAP / Government of Viet Nam COD-AB (HDX 'Viet Nam - Subnational "
            "Administrative Boundaries', 2020), filtered to Hanoi; copy in GitHub "
            "b1team/BandoCovid at commit ff8b02212e804574381532c9c1c0b5d7f54d3cc2, "
            "MapHaNoi/HanhChinhHN.*"
        ),
        license="CC BY 3.0 IGO",
        attribution=(
            "OCHA ROAP / Government of Viet Nam, via HDX (COD-AB 2020); copy from b1team/BandoCovid"
        ),
        files=(
            RemoteFile(
                _OCHA_DIR + "HanhChinhHN.shp",
                _BANDOCOVID + "HanhChinhHN.shp",
                "19be5b9f4754eb06abefe2da0e6e44432184c0b4eedeeca4336ea25d47d59c24",
                318_260,
            ),
            RemoteFile(
                _OCHA_DIR + "HanhChinhHN.shx",
                _BANDOCOVID + "HanhChinhHN.shx",
                "34f08a7a12bfa627f51da95c67bc07bcdd52a38cb1bb6cec2c44edaa5350503e",
                340,
            ),
            RemoteFile(
                _OCHA_DIR + "HanhChinhHN.dbf",
                _BANDOCOVID + "HanhChinhHN.dbf",
                "c3459bdfe777e9c21eb1797556d3ca91b7935df21ac9e9c8d353ea401c84d1df",
                23_532,
            ),
            RemoteFile(
                _OCHA_DIR + "HanhChinhHN.prj",
                _BANDOCOVID + "HanhChinhHN.prj",
                "a02a27b1d1982c8516d83398e85a3c8b1aef1713c13ef4d84d7bde17430c07c4",
                145,
            ),
            RemoteFile(
                _OCHA_DIR + "HanhChinhHN.cpg",
                _BANDOCOVID + "HanhChinhHN.cpg",
                "3ad3031f5503a4404af825262ee8232cc04d4ea6683d42c5dd0a2f2a27ac9824",
                5,
            ),
        ),
        vintage="2014-2025 structure (30 units: 12 quận, 17 huyện, 1 thị xã); dated 2019-10-01",
        caveats=(
            "A third-party copy of the COD-AB data, not the HDX download itself.",
            "Does not reflect the 2025 abolition of the district level.",
            "Total area 3,354.4 km², about 0.13 % below the official figure.",
        ),
    ),
    "vietnam63-communes": Source(
        key="vietnam63-communes",
        name="Viet Nam communes and wards (ADM3), R package vietnam63",
        origin=(
            "R package vietnam63 by Marc Choisy (IRD), GitHub choisy/vietnam63 at commit "
            "90ac14b5226cf3b9e0a3b1190e04f28fdb19899d, data/communes.rda "
            "(sp::SpatialPolygonsDataFrame, WGS 84); geometry producer not stated"
        ),
        license="MIT (package author's claim)",
        attribution="Marc Choisy (IRD), R package vietnam63 (choisy/vietnam63)",
        files=(
            RemoteFile(
                "vietnam63-communes/communes.rda",
                _VIETNAM63 + "communes.rda",
                "d059503ef271a4d785eed4b0225708916ef1b03cbc21cd9bf5270907f7c8c35e",
                3_888_438,
            ),
        ),
        vintage="2014-2019 structure (584 Hanoi communes, before the 2019-2020 mergers)",
        caveats=(
            "Generalized to about 150 m: use for placing and labelling, not for areas.",
            "Some names use old-style tone placement (for example 'Thạch Hoà').",
            "The upstream producer of the geometry is not stated.",
        ),
    ),
    "osm-industrial-parks": Source(
        key="osm-industrial-parks",
        name="Industrial parks (KCN) of Viet Nam, OpenStreetMap (Overpass API download)",
        origin=(
            "OpenStreetMap, Overpass API download of 2026-08-11 (features tagged "
            "landuse=industrial or named like 'KCN …' / 'Khu công nghiệp …'), kept in the R "
            "package vnmap, GitHub ura8107/vnmap at commit "
            "dfc51f8c1db56151b34a2fe983914ee1b848143b, "
            "data-raw/source/osm-industrial-parks-2026-08-11.json.gz"
        ),
        license="ODbL 1.0",
        attribution="© OpenStreetMap contributors, ODbL 1.0",
        files=(
            RemoteFile(
                "osm-industrial-parks-via-vnmap/osm-industrial-parks-2026-08-11.json.gz",
                _VNMAP + "osm-industrial-parks-2026-08-11.json.gz",
                "ecf726b5f331f7cbaca50379b9c02dc44d2d94a631ccd5d49d69a593c11f382c",
                151_566,
            ),
        ),
        vintage="OpenStreetMap as of 2026-08-11",
        caveats=(
            "Volunteered outlines: not the parks' legal boundaries.",
            "Share-alike (ODbL): downloaded at run time, never shipped with the project.",
            "Holds industrial parks (KCN), not industrial clusters (CCN), and no Hoa Lac outline.",
        ),
    ),
}


def _read_remote_files(name: str) -> tuple[RemoteFile, ...]:
    """Read a package data file of pinned files (columns: the fields of :class:`RemoteFile`)."""
    text = resources.files("planning.sources").joinpath(name).read_text(encoding="utf-8")
    return tuple(
        RemoteFile(row["mirror_path"], row["url"], row["sha256"], int(row["size_bytes"]))
        for row in csv.DictReader(text.splitlines())
    )


# Ha Noi's 126 communes and wards of the 2025 structure (see planning.sources.units2025).
SOURCES["vn-provinces-2025-hanoi"] = Source(
    key="vn-provinces-2025-hanoi",
    name="Ha Noi communes and wards of the 2025 structure (126 units)",
    origin=(
        "Vietnamese Provinces Database by Thang Le Quoc, GitHub "
        "thanglequoc/vietnamese-provinces-database at commit "
        "cd58063299585146ded3981f2272946ef19ced54, json/geojson/01_ha_noi/wards/ (one "
        "GeoJSON per commune or ward); boundaries derived from the government's "
        "administrative reference map (sapnhap.bando.com.vn)"
    ),
    license="MIT",
    attribution=(
        "Vietnamese Provinces Database (Thang Le Quoc, MIT), boundaries after the 2025 "
        "administrative reference map"
    ),
    files=_read_remote_files("units2025_files.csv"),
    vintage="2025 structure (in force from 2025-07-01: 126 units, 75 xã and 51 phường)",
    caveats=(
        "Boundaries are derived from the reference map, not the legal descriptions.",
        "Not the structure of Decision 1292/QĐ-UBND (2018), which uses districts.",
    ),
)


def attribution_line(key: str) -> str:
    """Return a one-line credit for a data set, to print under a map or report.

    Parameters
    ----------
    key
        A key of :data:`SOURCES`, for example ``"ocha-districts"``.

    Returns
    -------
    str
        ``"<attribution> (<license>)"``, or the attribution alone when it already names
        the licence (OpenStreetMap's "© OpenStreetMap contributors, ODbL 1.0").

    Raises
    ------
    KeyError
        If ``key`` is not a known source.
    """
    source = SOURCES[key]
    if source.license in source.attribution:
        return source.attribution
    return f"{source.attribution} ({source.license})"
