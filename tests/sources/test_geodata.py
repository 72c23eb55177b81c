"""Tests of planning.sources: registry, fetch (cache / mirror / HTTP on pooch), districts, communes."""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import http.server
import itertools
import os
import re
import shutil
import signal
import socket
import stat
import subprocess
import sys
import threading
import unicodedata
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import geopandas as gpd
import numpy as np
import pytest
import requests
import shapely
from hypothesis import given
from hypothesis import strategies as st
from pyproj import Geod

from planning import settings
from planning.errors import CacheIntegrityWarning, GeodataHashMismatch, GeodataUnavailable
from planning.sources import boundaries, fetch, registry
from planning.text.names import split_admin_prefix

OCHA = registry.SOURCES["ocha-districts"]
V63 = registry.SOURCES["vietnam63-communes"]
SHP, SHX, DBF, PRJ, CPG = OCHA.files
RDA = V63.files[0]


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _files_under(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file())


@pytest.fixture
def no_mirror_online(monkeypatch: pytest.MonkeyPatch) -> None:
    """No mirror from the environment, downloads allowed."""
    monkeypatch.delenv(settings.ENV_MIRROR, raising=False)
    monkeypatch.setenv(settings.ENV_OFFLINE, "0")


@pytest.fixture
def forbid_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the network must not be touched")

    monkeypatch.setattr(urllib.request, "urlopen", refuse)
    monkeypatch.setattr(requests.Session, "request", refuse)


# --------------------------------------------------------------------------- local HTTP server


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    requests: list[str]

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        self.requests.append(self.path)
        super().do_GET()


@dataclasses.dataclass
class Server:
    base: str
    root: Path
    requests: list[str]

    def remote(self, remote: registry.RemoteFile, path: str | None = None) -> registry.RemoteFile:
        """The same pinned file, but served by this server (optionally from another path)."""
        return dataclasses.replace(remote, url=f"{self.base}/{path or remote.mirror_path}")


@pytest.fixture
def server(tmp_path: Path, mirror: Path) -> Iterator[Server]:
    """An HTTP server on 127.0.0.1 serving a temporary copy of the mirror's district files.

    It also serves ``corrupt/HanhChinhHN.dbf``, the .dbf with one byte changed.
    """
    root = tmp_path / "served"
    for remote in OCHA.files:
        target = root / remote.mirror_path
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(mirror / remote.mirror_path, target)
    bad = bytearray((mirror / DBF.mirror_path).read_bytes())
    bad[100] ^= 0xFF
    (root / "corrupt").mkdir()
    (root / "corrupt" / DBF.name).write_bytes(bytes(bad))

    requests: list[str] = []
    handler = type("Handler", (_QuietHandler,), {"requests": requests})
    httpd = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(handler, directory=str(root))
    )
    thread = threading.Thread(
        target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    try:
        yield Server(f"http://127.0.0.1:{httpd.server_address[1]}", root, requests)
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


# --------------------------------------------------------------------------- module and registry


def test_import_is_cheap() -> None:
    code = (
        "import sys, planning.sources.registry, planning.sources.fetch, planning.sources.boundaries\n"
        "heavy = [m for m in ('geopandas', 'pandas', 'pyogrio', 'rdata', 'rich', 'shapely', 'pooch', 'requests')"
        " if m in sys.modules]\n"
        "print(','.join(heavy))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True
    ).stdout.strip()
    assert out == ""


def test_registry_matches_mirror(mirror: Path) -> None:
    assert set(registry.SOURCES) == {
        "ocha-districts",
        "vietnam63-communes",
        "osm-industrial-parks",
        "vn-provinces-2025-hanoi",
    }
    assert [f.name for f in OCHA.files] == [
        f"HanhChinhHN.{e}" for e in ["shp", "shx", "dbf", "prj", "cpg"]
    ]
    for source in registry.SOURCES.values():
        assert source.key in registry.SOURCES
        for remote in source.files:
            assert re.fullmatch(r"[0-9a-f]{64}", remote.sha256)
            assert re.search(r"/[0-9a-f]{40}/", remote.url), "URL must be pinned to a commit"
            assert remote.url.startswith("https://raw.githubusercontent.com/")
            assert remote.url.endswith("/" + remote.name)
            local = mirror / remote.mirror_path
            assert _sha(local) == remote.sha256
            assert remote.size_bytes == local.stat().st_size


def test_registry_is_frozen() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        SHP.url = "https://example.org/x"  # type: ignore[misc]


def test_attribution_line() -> None:
    line = registry.attribution_line("ocha-districts")
    assert "OCHA ROAP / Government of Viet Nam, via HDX (COD-AB 2020)" in line
    assert "b1team/BandoCovid" in line
    assert "CC BY 3.0 IGO" in line
    line = registry.attribution_line("vietnam63-communes")
    assert "Marc Choisy" in line
    assert "MIT" in line
    with pytest.raises(KeyError):
        registry.attribution_line("gadm")


def test_fetch_source_unknown_key() -> None:
    with pytest.raises(GeodataUnavailable, match="unknown geodata source 'gadm'"):
        fetch.fetch_source("gadm")


# --------------------------------------------------------------------------- prefixes


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Huyện Thạch Thất", ("huyện", "Thạch Thất")),
        ("Quận Bắc Từ Liêm", ("quận", "Bắc Từ Liêm")),
        ("Thị xã Sơn Tây", ("thị xã", "Sơn Tây")),
        ("Thị trấn Liên Quan", ("thị trấn", "Liên Quan")),
        ("Xã Thạch Hoà", ("xã", "Thạch Hoà")),
        ("Phường Phúc Xá", ("phường", "Phúc Xá")),
        ("Thành phố Hà Nội", ("thành phố", "Hà Nội")),
        ("HUYỆN  Ba Vì ", ("huyện", "Ba Vì")),
        ("Xã Đàn", ("xã", "Đàn")),
        ("Xã", ("", "Xã")),
        ("Xuân Đỉnh", ("", "Xuân Đỉnh")),
        ("Quận", ("", "Quận")),
    ],
)
def test_strip_prefix(name: str, expected: tuple[str, str]) -> None:
    assert split_admin_prefix(name) == expected


def test_strip_prefix_returns_nfc() -> None:
    kind, bare = split_admin_prefix(unicodedata.normalize("NFD", "Huyện Thạch Thất"))
    assert (kind, bare) == ("huyện", "Thạch Thất")
    assert unicodedata.is_normalized("NFC", bare)


_WORD = st.text(alphabet="aăâbcdđeêghiklmnoôơpqrstuưvxyàảãáạằẳẵắặờởỡớợĐÂ", min_size=1, max_size=8)


@given(
    prefix=st.sampled_from(["Xã", "Phường", "Thị trấn", "Quận", "Huyện", "Thị xã"]),
    words=st.lists(_WORD, min_size=1, max_size=4),
    form=st.sampled_from(["NFC", "NFD"]),
)
def test_strip_prefix_property(prefix: str, words: list[str], form: str) -> None:
    bare = " ".join(words)
    kind, got = split_admin_prefix(unicodedata.normalize(form, f"{prefix} {bare}"))
    assert kind == prefix.lower()
    assert got == unicodedata.normalize("NFC", bare)


# ----------------------------------------------------------------------- fetch: cache and mirror


def test_fetch_copies_the_mirror_file_into_the_cache(
    mirror: Path, tmp_path: Path, forbid_network: None
) -> None:
    before = (mirror / PRJ.mirror_path).stat()
    path = fetch.fetch(PRJ, mirror=mirror, cache=tmp_path)
    assert path == tmp_path / PRJ.mirror_path
    assert path.read_bytes() == (mirror / PRJ.mirror_path).read_bytes()
    assert _files_under(tmp_path) == [path], "no temporary file may remain"
    assert (mirror / PRJ.mirror_path).stat().st_mtime_ns == before.st_mtime_ns


def test_explicit_mirror_beats_environment(
    mirror: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, forbid_network: None
) -> None:
    monkeypatch.setenv(settings.ENV_MIRROR, str(tmp_path / "empty-mirror"))
    with pytest.raises(GeodataUnavailable):
        fetch.fetch(CPG, cache=tmp_path / "cache")
    assert fetch.fetch(CPG, mirror=mirror, cache=tmp_path / "cache").read_bytes() == b"UTF-8"


def test_mirror_with_wrong_hash_is_an_error(tmp_path: Path, forbid_network: None) -> None:
    bad_mirror = tmp_path / "mirror"
    bad_file = bad_mirror / CPG.mirror_path
    bad_file.parent.mkdir(parents=True)
    bad_file.write_bytes(b"UTF-9")
    actual = _sha(bad_file)
    cache = tmp_path / "cache"
    with pytest.raises(GeodataHashMismatch) as info:
        fetch.fetch(CPG, mirror=bad_mirror, cache=cache)
    message = str(info.value)
    assert str(bad_file) in message
    assert CPG.sha256 in message
    assert actual in message
    assert _files_under(cache) == []


def test_damaged_cache_file_is_replaced(mirror: Path, tmp_path: Path, forbid_network: None) -> None:
    cached = tmp_path / PRJ.mirror_path
    cached.parent.mkdir(parents=True)
    cached.write_bytes(b"garbage")
    path = fetch.fetch(PRJ, mirror=mirror, cache=tmp_path)
    assert path == cached
    assert _sha(path) == PRJ.sha256, "a cached file with the wrong hash must be replaced"
    assert _files_under(tmp_path) == [cached]


def test_valid_cache_wins_over_mirror(mirror: Path, tmp_path: Path, forbid_network: None) -> None:
    cached = tmp_path / "cache" / PRJ.mirror_path
    cached.parent.mkdir(parents=True)
    shutil.copyfile(mirror / PRJ.mirror_path, cached)
    assert fetch.fetch(PRJ, mirror=tmp_path / "no-such-mirror", cache=tmp_path / "cache") == cached


def test_offline_without_mirror_or_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, forbid_network: None
) -> None:
    monkeypatch.delenv(settings.ENV_MIRROR, raising=False)
    monkeypatch.setenv(settings.ENV_OFFLINE, "1")
    with pytest.raises(GeodataUnavailable) as info:
        boundaries.load_districts(cache=tmp_path)
    assert not isinstance(info.value, GeodataHashMismatch)
    message = str(info.value)
    assert "PLANNING_GEODATA_MIRROR" in message
    assert "--mirror" in message
    assert "HanhChinhHN.shp" in message
    assert _files_under(tmp_path) == []


def test_offline_with_mirror_missing_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, forbid_network: None
) -> None:
    monkeypatch.setenv(settings.ENV_OFFLINE, "1")
    empty = tmp_path / "empty-mirror"
    empty.mkdir()
    with pytest.raises(GeodataUnavailable, match="empty-mirror") as info:
        fetch.fetch(RDA, mirror=empty, cache=tmp_path / "cache")
    assert "PLANNING_GEODATA_MIRROR" in str(info.value)


# --------------------------------------------------------------------------- fetch: HTTP


def test_download_good_file(server: Server, tmp_path: Path, no_mirror_online: None) -> None:
    cache = tmp_path / "cache"
    remote = server.remote(SHP)
    path = fetch.fetch(remote, cache=cache)
    assert path == cache / SHP.mirror_path
    assert _sha(path) == SHP.sha256
    assert _files_under(cache) == [path], "no temporary file may remain"
    assert server.requests == ["/" + SHP.mirror_path]
    # Second call: served from the cache, no request.
    assert fetch.fetch(remote, cache=cache) == path
    assert len(server.requests) == 1


def test_download_reports_progress(
    server: Server,
    tmp_path: Path,
    no_mirror_online: None,
    capfd: pytest.CaptureFixture[str],
) -> None:
    calls: list[tuple[str, int, int]] = []
    path = fetch.fetch(
        server.remote(DBF), cache=tmp_path, progress=lambda *call: calls.append(call)
    )
    assert _sha(path) == DBF.sha256
    assert calls, "a download reports its progress"
    assert {stage for stage, _, _ in calls} == {f"downloading {DBF.name}"}
    assert calls[-1] == (f"downloading {DBF.name}", DBF.size_bytes, DBF.size_bytes)
    assert all(a[1] <= b[1] for a, b in itertools.pairwise(calls))
    assert capfd.readouterr() == ("", ""), "the library draws nothing itself (nor pooch logs)"
    # From the cache: nothing to report.
    calls.clear()
    fetch.fetch(server.remote(DBF), cache=tmp_path, progress=lambda *call: calls.append(call))
    assert calls == []


def test_download_corrupted_file(server: Server, tmp_path: Path, no_mirror_online: None) -> None:
    cache = tmp_path / "cache"
    remote = server.remote(DBF, path=f"corrupt/{DBF.name}")
    actual = _sha(server.root / "corrupt" / DBF.name)
    with pytest.raises(GeodataHashMismatch) as info:
        fetch.fetch(remote, cache=cache)
    message = str(info.value)
    assert DBF.sha256 in message
    assert actual in message
    assert remote.url in message
    assert _files_under(cache) == [], "a bad download must leave nothing in the cache"


def test_download_404(server: Server, tmp_path: Path, no_mirror_online: None) -> None:
    cache = tmp_path / "cache"
    remote = server.remote(SHP, path="no/such/file.shp")
    with pytest.raises(GeodataUnavailable) as info:
        fetch.fetch(remote, cache=cache)
    assert not isinstance(info.value, GeodataHashMismatch)
    message = str(info.value)
    assert "404" in message
    assert remote.url in message
    assert "PLANNING_GEODATA_MIRROR" in message
    assert _files_under(cache) == []


def test_download_connection_refused(tmp_path: Path, no_mirror_online: None) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    remote = dataclasses.replace(PRJ, url=f"http://127.0.0.1:{port}/HanhChinhHN.prj")
    with pytest.raises(GeodataUnavailable, match=r"could not download HanhChinhHN\.prj"):
        fetch.fetch(remote, cache=tmp_path)
    assert _files_under(tmp_path) == []


def test_download_refuses_other_schemes(tmp_path: Path, no_mirror_online: None) -> None:
    remote = dataclasses.replace(PRJ, url=f"file://{tmp_path}/HanhChinhHN.prj")
    with pytest.raises(GeodataUnavailable, match="refusing"):
        fetch.fetch(remote, cache=tmp_path / "cache")


def test_load_districts_downloads_into_cache(
    server: Server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, no_mirror_online: None
) -> None:
    local = dataclasses.replace(OCHA, files=tuple(server.remote(f) for f in OCHA.files))
    monkeypatch.setitem(registry.SOURCES, "ocha-districts", local)
    cache = tmp_path / "cache"
    districts = boundaries.load_districts(cache=cache)
    assert len(districts) == 30
    assert sorted(p.name for p in _files_under(cache)) == sorted(f.name for f in OCHA.files)
    assert len(server.requests) == 5


# --------------------------------------------------------------------------- districts


@pytest.fixture(scope="session")
def districts(mirror: Path) -> gpd.GeoDataFrame:
    return boundaries.load_districts(mirror=mirror)


def test_districts_schema(districts: gpd.GeoDataFrame) -> None:
    assert tuple(districts.columns) == boundaries.DISTRICT_COLUMNS
    assert districts.crs == "EPSG:4326"
    assert len(districts) == 30
    assert districts["district_code"].is_unique
    assert list(districts["district_code"]) == sorted(districts["district_code"])
    assert all(re.fullmatch(r"VN101\d\d", code) for code in districts["district_code"])
    assert districts["district_code"].iloc[0] == "VN10101"
    assert districts["district_code"].iloc[-1] == "VN10155"
    assert set(districts.geom_type) == {"Polygon"}
    assert districts.is_valid.all()


def test_districts_types_and_names(districts: gpd.GeoDataFrame) -> None:
    assert districts["district_type"].value_counts().to_dict() == {
        "huyện": 17,
        "quận": 12,
        "thị xã": 1,
    }
    by_code = districts.set_index("district_code")
    assert by_code.loc["VN10155", "district_vi"] == "Bắc Từ Liêm"
    assert by_code.loc["VN10121", "district_vi"] == "Nam Từ Liêm"
    assert by_code.loc["VN10135", ["district_vi", "district_type"]].tolist() == [
        "Thạch Thất",
        "huyện",
    ]
    assert by_code.loc["VN10127", ["district_vi", "district_type", "district_en"]].tolist() == [
        "Sơn Tây",
        "thị xã",
        "Son Tay",
    ]
    assert "Mê Linh" in set(districts["district_vi"])
    for name in districts["district_vi"]:
        assert unicodedata.is_normalized("NFC", name)
        assert split_admin_prefix(name)[0] == "", f"{name!r} still has a prefix"


def test_districts_area(districts: gpd.GeoDataFrame) -> None:
    km2 = districts.to_crs(settings.UTM48N).area / 1e6
    assert km2.sum() == pytest.approx(3354.4, abs=0.5)
    by_name = dict(zip(districts["district_vi"], km2, strict=True))
    assert by_name["Thạch Thất"] == pytest.approx(185.8, abs=0.1)
    assert by_name["Hoàn Kiếm"] == pytest.approx(5.2, abs=0.05)


def test_load_districts_returns_a_copy(mirror: Path) -> None:
    first = boundaries.load_districts(mirror=mirror)
    first.loc[0, "district_vi"] = "changed"
    del first["district_en"]
    second = boundaries.load_districts(mirror=mirror)
    assert second.loc[0, "district_vi"] == "Ba Đình"
    assert "district_en" in second.columns


def test_load_districts_is_memoized(mirror: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    boundaries.load_districts(mirror=mirror)

    def fail(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("must not read the shapefile again")

    monkeypatch.setattr(gpd, "read_file", fail)
    assert len(boundaries.load_districts(mirror=mirror)) == 30


def test_load_districts_parts_in_cache_and_mirror(
    mirror: Path, tmp_path: Path, forbid_network: None
) -> None:
    # Only the .prj is cached; the rest comes from the mirror. All parts must end up
    # side by side so that the shapefile reader finds them.
    cached = tmp_path / PRJ.mirror_path
    cached.parent.mkdir(parents=True)
    shutil.copyfile(mirror / PRJ.mirror_path, cached)
    result = boundaries.load_districts(mirror=mirror, cache=tmp_path)
    assert len(result) == 30
    assert result.crs == "EPSG:4326"
    assert sorted(p.name for p in _files_under(tmp_path)) == sorted(f.name for f in OCHA.files)


# --------------------------------------------------------------------------- communes


@pytest.fixture(scope="session")
def communes_cache() -> Path:
    """The session cache (conftest's), so that the conversion is shared by all test files."""
    return settings.cache_dir()


@pytest.fixture(scope="session")
def communes(mirror: Path, communes_cache: Path) -> gpd.GeoDataFrame:
    return boundaries.load_communes(mirror=mirror, cache=communes_cache)


def test_communes_schema(communes: gpd.GeoDataFrame) -> None:
    assert tuple(communes.columns) == boundaries.COMMUNE_COLUMNS
    assert communes.crs == "EPSG:4326"
    assert len(communes) == 584
    assert communes["commune_id"].is_unique
    assert all(isinstance(v, str) and v.isdigit() for v in communes["commune_id"])
    assert all(re.fullmatch(r"VN101\d\d", code) for code in communes["district_code"])
    assert set(communes.geom_type) == {"MultiPolygon"}
    assert communes.is_valid.all()


def test_communes_types_and_names(communes: gpd.GeoDataFrame) -> None:
    assert communes["commune_type"].value_counts().to_dict() == {
        "xã": 385,
        "phường": 178,
        "thị trấn": 21,
    }
    for column in ("commune_vi", "district_vi"):
        for name in communes[column]:
            assert unicodedata.is_normalized("NFC", name)
            assert name
            assert split_admin_prefix(name)[0] == "", name
    first = communes.iloc[0]
    assert (first["commune_id"], first["commune_vi"], first["commune_type"]) == (
        "1010101",
        "Phúc Xá",
        "phường",
    )
    per_district = communes.groupby("district_vi").size()
    assert per_district["Bắc Từ Liêm"] == 13
    assert per_district["Nam Từ Liêm"] == 10


def test_communes_area(communes: gpd.GeoDataFrame) -> None:
    utm_km2 = communes.to_crs(settings.UTM48N).area.sum() / 1e6
    assert utm_km2 == pytest.approx(3353.2, abs=0.3)
    wgs84 = Geod(ellps="WGS84")
    geodesic_km2 = sum(abs(wgs84.geometry_area_perimeter(g)[0]) for g in communes.geometry) / 1e6
    # UTM 48N enlarges Hanoi's areas by about 0.06 % (scale factor 0.9996 at 105°E).
    assert geodesic_km2 == pytest.approx(3353.2, rel=0.002)


def test_communes_match_districts(communes: gpd.GeoDataFrame, districts: gpd.GeoDataFrame) -> None:
    assert set(communes["district_code"]) == set(districts["district_code"])
    shapes = districts.set_index("district_code").geometry
    containing = shapes.loc[communes["district_code"]].values
    points = communes.representative_point().values
    inside = shapely.covers(containing, points)
    outside = communes.loc[~inside, "commune_vi"].tolist()
    assert outside == []
    names = dict(zip(districts["district_code"], districts["district_vi"], strict=True))
    # Same district names, apart from tone-mark placement (Hoà vs Hòa).
    for code, name in zip(communes["district_code"], communes["district_vi"], strict=True):
        assert _fold_tone(name) == _fold_tone(names[code])


def _fold_tone(name: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", name) if not unicodedata.combining(c))


def test_communes_layer_is_cached_and_reused(
    mirror: Path,
    communes: gpd.GeoDataFrame,
    communes_cache: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    layers = sorted((communes_cache / "vietnam63-communes").glob("hanoi-communes-*"))
    name = f"hanoi-communes-v1-{RDA.sha256[:16]}" + (
        ".parquet" if boundaries._has_pyarrow() else ".geojson"
    )
    assert [p.name for p in layers] == [name, f"{name}.sha256"]

    def fail(rda: Path, progress: Any = None) -> Any:
        raise AssertionError("must not convert the .rda again")

    monkeypatch.setattr(boundaries, "_convert_communes", fail)
    boundaries._communes_memo.cache_clear()
    reloaded = boundaries.load_communes(mirror=mirror, cache=communes_cache)
    assert reloaded.equals(communes)
    reloaded.loc[0, "commune_vi"] = "changed"
    assert boundaries.load_communes(mirror=mirror, cache=communes_cache).loc[0, "commune_vi"] == (
        "Phúc Xá"
    )


def test_damaged_communes_layer_is_rebuilt(
    communes: gpd.GeoDataFrame, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    small = communes.head(3)
    monkeypatch.setattr(boundaries, "_convert_communes", lambda rda, progress=None: small.copy())
    layer = tmp_path / "layer.parquet"
    layer.write_bytes(b"not parquet")
    with pytest.warns(CacheIntegrityWarning, match="layer.parquet: .* rebuilding it from x.rda"):
        frame = boundaries._communes_memo.__wrapped__(
            str(tmp_path / "x.rda"), str(layer), boundaries._Uncached(None)
        )
    assert len(frame) == 3
    assert len(boundaries._read_layer(layer)) == 3
    assert [p.name for p in _files_under(tmp_path)] == ["layer.parquet", "layer.parquet.sha256"]
    assert boundaries._verify_derived(layer) is None


def test_communes_layer_geojson_fallback(
    communes: gpd.GeoDataFrame, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(boundaries, "_has_pyarrow", lambda: False)
    path = boundaries._communes_layer_path(tmp_path, RDA.sha256)
    assert path.suffix == ".geojson"
    boundaries._write_layer(communes, path)
    back = boundaries._read_layer(path)
    assert tuple(back.columns) == boundaries.COMMUNE_COLUMNS
    assert back.crs == "EPSG:4326"
    assert (back.drop(columns="geometry") == communes.drop(columns="geometry")).all().all()
    assert back.geom_equals_exact(communes, tolerance=1e-9).all()
    assert _files_under(tmp_path) == [path, path.with_name(path.name + ".sha256")]
    assert boundaries._verify_derived(path) is None


def test_flipped_bit_in_cached_communes_layer_is_detected_and_rebuilt(
    mirror: Path, communes: gpd.GeoDataFrame, communes_cache: Path, tmp_path: Path
) -> None:
    shared = boundaries._communes_layer_path(communes_cache, RDA.sha256)
    cache = tmp_path / "cache"
    layer = boundaries._communes_layer_path(cache, RDA.sha256)
    layer.parent.mkdir(parents=True)
    for path in (shared, shared.with_name(shared.name + ".sha256")):
        shutil.copyfile(path, layer.parent / path.name)
    pristine = layer.read_bytes()
    # A single-bit flip that the file format itself does not notice: it reads, changed.
    for offset in range(len(pristine) // 3, len(pristine), 4099):
        damaged = bytearray(pristine)
        damaged[offset] ^= 0x04
        layer.write_bytes(bytes(damaged))
        try:
            read = boundaries._read_layer(layer)
        except Exception:
            continue
        if len(read) == len(communes) and not read.geom_equals_exact(communes, 0).all():
            break
    else:
        pytest.fail("no silent single-bit flip found")
    boundaries._communes_memo.cache_clear()
    try:
        with pytest.warns(CacheIntegrityWarning, match="does not match its recorded sha256"):
            rebuilt = boundaries.load_communes(mirror=mirror, cache=cache)
    finally:
        boundaries._communes_memo.cache_clear()
    assert rebuilt.geom_equals_exact(communes, tolerance=0).all()
    assert rebuilt.drop(columns="geometry").equals(communes.drop(columns="geometry"))
    assert boundaries._verify_derived(layer) is None
    assert boundaries._read_layer(layer).geom_equals_exact(communes, tolerance=0).all()


def test_derived_layer_record_catches_every_change(
    communes: gpd.GeoDataFrame, tmp_path: Path
) -> None:
    path = tmp_path / "layer.parquet"
    boundaries._write_layer(communes.head(5), path)
    sidecar = path.with_name("layer.parquet.sha256")
    assert sidecar.read_text(encoding="ascii") == f"{_sha(path)}  layer.parquet\n"
    pristine = path.read_bytes()
    for offset in range(0, len(pristine), max(1, len(pristine) // 97)):
        for bit in (0x01, 0x80):
            damaged = bytearray(pristine)
            damaged[offset] ^= bit
            path.write_bytes(bytes(damaged))
            assert "does not match" in str(boundaries._verify_derived(path))
    path.write_bytes(pristine)
    assert boundaries._verify_derived(path) is None
    sidecar.write_text("0" * 64, encoding="ascii")
    assert "does not match" in str(boundaries._verify_derived(path))
    sidecar.unlink()
    assert boundaries._verify_derived(path) == "has no recorded sha256"


@pytest.mark.parametrize(("mask", "mode"), [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_cache_files_honour_the_umask(
    mask: int,
    mode: int,
    mirror: Path,
    communes: gpd.GeoDataFrame,
    server: Server,
    tmp_path: Path,
    no_mirror_online: None,
) -> None:
    cache = tmp_path / "cache"
    old = os.umask(mask)
    try:
        fetch.fetch(server.remote(SHP), cache=cache)  # a download
        fetch.fetch(DBF, mirror=mirror, cache=cache)  # a copy from the mirror
        layer = boundaries._communes_layer_path(cache, RDA.sha256)
        boundaries._write_layer(communes.head(3), layer)
    finally:
        os.umask(old)
    files = _files_under(cache)
    assert {p.name for p in files} >= {SHP.name, DBF.name, layer.name}
    assert {p.name: oct(stat.S_IMODE(p.stat().st_mode)) for p in files} == {
        p.name: oct(mode) for p in files
    }


_KILLED_COPY = """
import os, shutil, signal, sys
from pathlib import Path
from planning.sources import fetch, registry

def copy_and_die(source, target):
    Path(target).write_bytes(b"part of a file")
    os.kill(os.getpid(), signal.SIGKILL)

shutil.copyfile = copy_and_die
remote = registry.SOURCES["ocha-districts"].files[2]
fetch.fetch(remote, mirror=Path(sys.argv[1]), cache=Path(sys.argv[2]))
"""


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_cache_temporaries_left_by_a_killed_run_are_removed(
    mirror: Path, tmp_path: Path, forbid_network: None
) -> None:
    cache = tmp_path / "cache"
    target = cache / DBF.mirror_path
    env = {**os.environ, "PYTHONPATH": str(Path(fetch.__file__).resolve().parents[2])}
    r = subprocess.run(
        [sys.executable, "-c", _KILLED_COPY, str(mirror), str(cache)], env=env, timeout=60
    )
    assert r.returncode == -signal.SIGKILL
    left = _files_under(cache)
    # The killed run's temporary and the empty one pooch made for it.
    assert len(left) == 2, left
    assert fetch.fetch(DBF, mirror=mirror, cache=cache) == target
    assert _files_under(cache) == [target]
    assert _sha(target) == DBF.sha256


# --------------------------------------------------------------------------- sp conversion


def _sym(name: str) -> SimpleNamespace:
    return SimpleNamespace(value=SimpleNamespace(value=name.encode()), referenced_object=None)


def _plist(**items: Any) -> SimpleNamespace:
    """A parsed R pairlist (the cons cells rdata's parser produces)."""
    cell = SimpleNamespace(value=None, tag=None)
    for name, value in reversed(list(items.items())):
        cell = SimpleNamespace(value=(value, cell), tag=_sym(name))
    return cell


def _vec(*values: Any) -> SimpleNamespace:
    return SimpleNamespace(value=list(values), attributes=None)


def _ring(coords: list[tuple[float, float]], *, hole: bool) -> SimpleNamespace:
    xy = np.asarray(coords, dtype=float)
    matrix = SimpleNamespace(
        value=np.concatenate([xy[:, 0], xy[:, 1]]),
        attributes=_plist(dim=SimpleNamespace(value=np.array([len(xy), 2]))),
    )
    return SimpleNamespace(
        value=None,
        attributes=_plist(coords=matrix, hole=SimpleNamespace(value=np.array([hole]))),
    )


def _square(x0: float, y0: float, size: float) -> list[tuple[float, float]]:
    return [(x0, y0), (x0, y0 + size), (x0 + size, y0 + size), (x0 + size, y0), (x0, y0)]


def _sp_polygons(rings: list[SimpleNamespace], comment: str | None) -> SimpleNamespace:
    items: dict[str, Any] = {"Polygons": _vec(*rings)}
    if comment is not None:
        items["comment"] = SimpleNamespace(value=[SimpleNamespace(value=comment.encode())])
    return SimpleNamespace(value=None, attributes=_plist(**items))


@pytest.mark.parametrize("comment", ["0 1 0", None, "0 0 0"])
def test_sp_holes_are_honoured(comment: str | None) -> None:
    # A 10x10 square with a 6x6 hole, and a 2x2 island inside the hole. The comment
    # assigns the hole to ring 1; without it (or with an inconsistent one) the hole
    # goes to the smallest outer ring that contains it.
    rings = [
        _ring(_square(0, 0, 10), hole=False),
        _ring(_square(2, 2, 6), hole=True),
        _ring(_square(4, 4, 2), hole=False),
    ]
    geom = boundaries._sp_polygons_to_shapely(_sp_polygons(rings, comment))
    assert geom.geom_type == "MultiPolygon"
    assert geom.is_valid
    assert geom.area == pytest.approx(100 - 36 + 4)
    assert [len(p.interiors) for p in geom.geoms] == [1, 0]
    assert not geom.covers(shapely.Point(3, 3))
    assert geom.covers(shapely.Point(5, 5))


def test_sp_pairlist_reads_tags() -> None:
    cells = _plist(a=1, b=2)
    assert boundaries._pairlist(cells) == {"a": 1, "b": 2}
    referenced = SimpleNamespace(value=(3, SimpleNamespace(value=None, tag=None)), tag=None)
    referenced.tag = SimpleNamespace(value=None, referenced_object=_sym("c"))
    assert boundaries._pairlist(referenced) == {"c": 3}


def test_cache_dir_env_is_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, mirror: Path
) -> None:
    # Without cache=, the parts are found through settings.cache_dir().
    monkeypatch.setenv(settings.ENV_CACHE, str(tmp_path))
    cached = tmp_path / CPG.mirror_path
    cached.parent.mkdir(parents=True)
    shutil.copyfile(mirror / CPG.mirror_path, cached)
    assert fetch.fetch(CPG) == cached
    copied = fetch.fetch(SHP)  # from the mirror, into the cache named by the environment
    assert copied == tmp_path / SHP.mirror_path
    assert _sha(copied) == SHP.sha256


def test_conversion_reports_progress(monkeypatch: pytest.MonkeyPatch) -> None:
    import pandas as pd

    names = [("Xã Phùng Xá", "Huyện Thạch Thất"), ("Phường Phúc Xá", "Quận Ba Đình")] * 70
    data = pd.DataFrame(
        {
            "province_id": 101,
            "province": "Ha Noi",
            "commune_vn": [c for c, _ in names],
            "district_vn": [d for _, d in names],
            "commune_id": range(1, len(names) + 1),
            "district_id": 10135,
        },
        index=[str(i) for i in range(len(names))],
    )
    polygons = [
        SimpleNamespace(
            value=None,
            attributes=_plist(
                Polygons=_vec(_ring(_square(i, 0, 1), hole=False)),
                ID=_vec(SimpleNamespace(value=str(i).encode())),
            ),
        )
        for i in range(len(names))
    ]
    monkeypatch.setattr(boundaries, "_parse_sp", lambda rda: (data, polygons))
    calls: list[tuple[str, int, int]] = []
    frame = boundaries._convert_communes(
        Path("communes.rda"), progress=lambda *call: calls.append(call)
    )
    assert len(frame) == len(names)
    assert calls[0] == ("reading communes.rda (first run only)", 0, 0)  # no measure: a spinner
    assert calls[1] == ("reading communes.rda (first run only)", 1, 1)
    converting = [c for c in calls if c[0] == "converting communes"]
    assert [done for _, done, _ in converting] == [64, 128, 140]
    assert {total for _, _, total in converting} == {140}


def test_cache_dir_default_is_the_platform_user_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import platformdirs

    monkeypatch.delenv(settings.ENV_CACHE, raising=False)
    assert settings.cache_dir() == Path(platformdirs.user_cache_dir("planning", appauthor=False))
    if sys.platform.startswith("linux"):
        monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
        assert settings.cache_dir() == tmp_path / "planning"
    monkeypatch.setenv(settings.ENV_CACHE, str(tmp_path / "mine"))
    assert settings.cache_dir() == tmp_path / "mine"


# --------------------------------------------------------------------------- failures, one line each


def test_cache_that_cannot_be_written(tmp_path: Path, mirror: Path, forbid_network: None) -> None:
    not_a_folder = tmp_path / "cache"
    not_a_folder.write_text("a file where the cache folder should be")
    with pytest.raises(GeodataUnavailable, match="cannot write to the cache"):
        fetch.fetch(PRJ, mirror=mirror, cache=not_a_folder)


def test_mirror_file_that_cannot_be_copied(
    tmp_path: Path, mirror: Path, monkeypatch: pytest.MonkeyPatch, forbid_network: None
) -> None:
    def refuse(source: Any, target: Any) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(shutil, "copyfile", refuse)
    with pytest.raises(GeodataUnavailable, match=r"cannot copy HanhChinhHN\.prj from the mirror"):
        fetch.fetch(PRJ, mirror=mirror, cache=tmp_path / "cache")
    assert _files_under(tmp_path / "cache") == []


def test_download_error_says_the_mirror_lacks_the_file(
    server: Server, tmp_path: Path, no_mirror_online: None
) -> None:
    empty = tmp_path / "empty-mirror"
    empty.mkdir()
    remote = server.remote(SHP, path="no/such/file.shp")
    with pytest.raises(GeodataUnavailable, match=r"is not in the mirror .*empty-mirror either"):
        fetch.fetch(remote, mirror=empty, cache=tmp_path / "cache")


def test_unreadable_district_shapefile(tmp_path: Path) -> None:
    shp = tmp_path / "HanhChinhHN.shp"
    shp.write_bytes(b"not a shapefile")
    with pytest.raises(GeodataUnavailable, match="cannot read the district shapefile"):
        boundaries._read_districts.__wrapped__(str(shp))


def test_unreadable_r_object(tmp_path: Path) -> None:
    rda = tmp_path / "communes.rda"
    rda.write_bytes(b"RDX3\n" + bytes(range(256)))
    with pytest.raises(GeodataUnavailable, match="cannot read the R sp object"):
        boundaries._convert_communes(rda)


def test_unreadable_sha256_record(communes: gpd.GeoDataFrame, tmp_path: Path) -> None:
    path = tmp_path / "layer.parquet"
    boundaries._write_layer(communes.head(2), path)
    path.with_name("layer.parquet.sha256").write_bytes(b"\xff\xfe not ascii")
    assert boundaries._verify_derived(path) == "has an unreadable sha256 record"


def test_communes_layer_that_cannot_be_cached_is_still_returned(
    communes: gpd.GeoDataFrame, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        boundaries, "_convert_communes", lambda rda, progress=None: communes.head(2)
    )

    def full(frame: Any, path: Path) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(boundaries, "_write_layer", full)
    with pytest.warns(RuntimeWarning, match="could not cache the converted communes layer"):
        frame = boundaries._communes_memo.__wrapped__(
            str(tmp_path / "x.rda"), str(tmp_path / "layer.parquet"), boundaries._Uncached(None)
        )
    assert len(frame) == 2
