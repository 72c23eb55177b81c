"""Tests of planning.outputs: where outputs may go, standard output, temporaries, permissions.

No test here writes near a real device or the real bundled data: devices are made in
``tmp_path`` and the mirror, cache and bundled folders are copies, so that a regression
damages only temporary files.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import stat
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import geopandas as gpd
import pytest
import shapely

import planning
from planning import outputs, settings, temporaries
from planning.cli import main
from planning.errors import PlanDataError, UsageError
from planning.model import catalogue, inputs, manifest
from planning.sources.registry import SOURCES

TMP_TAG = ".planning-tmp-"


def _env() -> dict[str, str]:
    """The environment for a subprocess that must import this ``planning``, from any folder."""
    env = os.environ.copy()
    env["PYTHONPATH"] = str(Path(planning.__file__).resolve().parent.parent)
    return env


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run the real command line in a subprocess."""
    env = _env()
    return subprocess.run(
        [sys.executable, "-m", "planning", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=300,
    )


def _one_error_line(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.startswith("planning: error:")]
    assert len(lines) == 1, stderr
    assert "Traceback" not in stderr
    return lines[0]


@pytest.fixture
def umask() -> Iterator[Callable[[int], None]]:
    """Set the process umask for one test and restore it afterwards."""
    old = os.umask(0o022)
    os.umask(old)
    yield os.umask
    os.umask(old)


# --------------------------------------------------------------------------- targets that are not files


def _fifo(path: Path) -> None:
    os.mkfifo(path)


def _symlink_to_file(path: Path) -> None:
    (path.parent / "real.json").write_text("{}", encoding="utf-8")
    path.symlink_to(path.parent / "real.json")


def _dangling_symlink(path: Path) -> None:
    path.symlink_to(path.parent / "nowhere.json")


def _directory(path: Path) -> None:
    path.mkdir()


def _char_device(path: Path) -> None:
    try:
        os.mknod(path, 0o666 | stat.S_IFCHR, os.makedev(1, 3))  # like /dev/null
    except (PermissionError, AttributeError):
        pytest.skip("cannot create a character device here (needs CAP_MKNOD)")


NOT_FILES = {
    "a FIFO": _fifo,
    "a symbolic link": _symlink_to_file,
    "a dangling symbolic link": _dangling_symlink,
    "a directory": _directory,
    "a character device": _char_device,
}


@pytest.mark.parametrize("kind", list(NOT_FILES))
def test_target_that_is_not_a_regular_file_is_refused(tmp_path: Path, kind: str) -> None:
    target = tmp_path / "out.json"
    NOT_FILES[kind](target)
    before = target.lstat()
    with pytest.raises(
        PlanDataError, match=r"out\.json: the output path is a .*not a regular file"
    ):
        outputs.atomic_write(target, "x")
    after = target.lstat()
    assert (after.st_mode, after.st_ino) == (before.st_mode, before.st_ino)
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_cli_refuses_a_fifo_with_one_line_and_exit_2(tmp_path: Path) -> None:
    fifo = tmp_path / "report.json"
    os.mkfifo(fifo)
    r = cli("check", "--format", "json", "-o", str(fifo), cwd=tmp_path)
    assert r.returncode == 2, r.stderr
    line = _one_error_line(r.stderr)
    assert "FIFO" in line and "not a regular file" in line
    assert stat.S_ISFIFO(fifo.lstat().st_mode)


@pytest.mark.skipif(
    not os.path.exists("/dev/null") or os.geteuid() == 0,
    reason="as root a regression would replace the real /dev/null; the mknod case covers root",
)
def test_dev_null_is_refused(tmp_path: Path) -> None:
    assert main(["check", "--format", "json", "-o", "/dev/null"]) == 2
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


# --------------------------------------------------------------------------- standard output


@pytest.mark.parametrize(
    ("args", "check"),
    [
        (["check", "--format", "json"], lambda out: json.loads(out)["schema"]),
        (["check", "--format", "text"], lambda out: "OK:" in out or "FAIL" in out),
        (["areas", "--format", "csv", "--by", "cluster"], lambda out: "cluster_id" in out),
        (["diff", "bundled", "bundled", "--format", "md"], lambda out: out.startswith("#")),
        (["report"], lambda out: out.lstrip().lower().startswith("<!doctype html")),
        (["map"], lambda out: out.lstrip().lower().startswith("<!doctype html")),
    ],
    ids=["check-json", "check-text", "areas-csv", "diff-md", "report-html", "map-html"],
)
def test_dash_writes_to_standard_output(
    tmp_path: Path, args: list[str], check: Callable[[str], object]
) -> None:
    r = cli(*args, "-o", "-", cwd=tmp_path)
    assert r.returncode in (0, 1), r.stderr
    assert check(r.stdout)
    assert list(tmp_path.iterdir()) == []  # no file named "-", no temporary
    assert "wrote" not in r.stderr


def test_dash_in_the_library(capsys: pytest.CaptureFixture[str]) -> None:
    assert outputs.atomic_write("-", "Thạch Thất ✓\n") == Path("-")
    assert capsys.readouterr().out == "Thạch Thất ✓\n"
    with pytest.raises(UsageError, match="standard output"), outputs.atomic_path("-"):
        pass


# --------------------------------------------------------------------------- files read implicitly


@pytest.fixture
def private_mirror(tmp_path: Path, mirror: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the mirror's pinned files, set as the mirror for this test."""
    root = tmp_path / "mirror"
    for source in SOURCES.values():
        for remote in source.files:
            target = root / remote.mirror_path
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(mirror / remote.mirror_path, target)
    monkeypatch.setenv(settings.ENV_MIRROR, str(root))
    return root


@pytest.fixture
def private_bundled(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the bundled plan and catalogue, used as the bundled data for this test."""
    root = tmp_path / "bundled"
    shutil.copytree(settings.bundled_geodata_dir(), root)
    for module in (settings, manifest, inputs, catalogue):
        monkeypatch.setattr(module, "bundled_geodata_dir", lambda: root)
    return root


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


@pytest.mark.parametrize(
    "relative",
    [
        "vietnam63-communes/communes.rda",
        "ocha-codab-2020-via-bandocovid/HanhChinhHN.dbf",
        "ocha-codab-2020-via-bandocovid/new-report.json",
    ],
)
def test_outputs_never_go_into_the_mirror(
    private_mirror: Path, relative: str, capsys: pytest.CaptureFixture[str]
) -> None:
    before = _snapshot(private_mirror)
    assert main(["check", "--format", "json", "-o", str(private_mirror / relative)]) == 2
    assert _snapshot(private_mirror) == before
    err = capsys.readouterr().err
    assert "refusing to" in err and str(private_mirror) in err


def test_mirror_given_on_the_command_line_is_protected(tmp_path: Path, mirror: Path) -> None:
    copy = tmp_path / "m"
    shutil.copytree(mirror / "vietnam63-communes", copy / "vietnam63-communes")
    shutil.copytree(
        mirror / "ocha-codab-2020-via-bandocovid", copy / "ocha-codab-2020-via-bandocovid"
    )
    rda = copy / "vietnam63-communes" / "communes.rda"
    before = rda.read_bytes()
    r = cli("--mirror", str(copy), "check", "--format", "json", "-o", str(rda), cwd=tmp_path)
    assert r.returncode == 2, r.stderr
    assert "refusing to" in _one_error_line(r.stderr)
    assert rda.read_bytes() == before


def test_outputs_never_go_into_the_cache(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cache = settings.cache_dir()
    assert main(["check", "--format", "json", "-o", str(tmp_path / "warm.json")]) == 0
    files = _snapshot(cache)
    assert files  # the run above filled it
    some = sorted(cache.rglob("*.parquet")) or sorted(p for p in cache.rglob("*") if p.is_file())
    link = tmp_path / "link-to-cache"
    link.symlink_to(cache, target_is_directory=True)
    for target in (some[0], cache / "report.json", link / "report.json"):
        assert main(["check", "--format", "json", "-o", str(target)]) == 2
        assert "refusing to write inside" in capsys.readouterr().err
    assert _snapshot(cache) == files


@pytest.mark.parametrize("name", ["clusters.csv", "plan.toml", "new.json"])
def test_outputs_never_go_over_the_bundled_data(
    private_bundled: Path, name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    before = _snapshot(private_bundled)
    assert main(["check", "--format", "json", "-o", str(private_bundled / name)]) == 2
    assert _snapshot(private_bundled) == before
    assert "refusing to write inside" in capsys.readouterr().err
    # The bundled data is still usable.
    assert main(["check", "--format", "json", "-o", str(private_bundled.parent / "ok.json")]) == 0


def test_outputs_never_go_into_the_installed_package(capsys: pytest.CaptureFixture[str]) -> None:
    package = Path(planning.__file__).resolve().parent
    target = package / "_bundled_geodata" / "clusters.csv"
    if not target.parent.is_dir():  # a source checkout: the package folder itself
        target = package / "planning-report-test-output.json"
    before = target.read_bytes() if target.exists() else None
    try:
        assert main(["check", "--format", "json", "-o", str(target)]) == 2
        assert "refusing to write inside" in capsys.readouterr().err
        assert (target.read_bytes() if target.exists() else None) == before
    finally:
        if before is None:
            target.unlink(missing_ok=True)


def test_named_inputs_and_input_folders_are_protected(tmp_path: Path) -> None:
    folder = tmp_path / "partitions"
    folder.mkdir()
    (folder / "part.0.parquet").write_bytes(b"data")
    with pytest.raises(PlanDataError, match="refusing to write inside the input folder"):
        outputs.atomic_write(folder / "report.json", "x", protect=[folder])
    zones = tmp_path / "zones.geojson"
    zones.write_text("{}", encoding="utf-8")
    link = tmp_path / "alias.geojson"
    link.hardlink_to(zones)
    with pytest.raises(PlanDataError, match="refusing to overwrite an input file"):
        outputs.atomic_write(link, "x", protect=[zones])
    assert zones.read_text(encoding="utf-8") == "{}"


# --------------------------------------------------------------------------- temporaries


_KILLED_WRITER = textwrap.dedent(
    """
    import os, signal, sys
    from planning.outputs import atomic_output
    with atomic_output(sys.argv[1]) as fh:
        fh.write(b"x" * 200_000)
        fh.flush()
        os.kill(os.getpid(), signal.SIGKILL)
    """
)


def _temporaries(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_temporary_left_by_a_killed_run_is_removed_by_the_next(tmp_path: Path) -> None:
    target = tmp_path / "map.html"
    r = subprocess.run([sys.executable, "-c", _KILLED_WRITER, str(target)], env=_env(), timeout=60)
    assert r.returncode == -signal.SIGKILL
    left = _temporaries(tmp_path)
    assert len(left) == 1 and left[0].startswith(f".map.html{TMP_TAG}")
    assert not target.exists()
    outputs.atomic_write(tmp_path / "report.html", "<p>ok</p>")
    assert _temporaries(tmp_path) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.html"]


def test_live_temporaries_are_kept_and_old_ones_removed(tmp_path: Path) -> None:
    fd, live = temporaries.create_temporary(tmp_path / "a.html")  # this process: alive
    os.close(fd)
    fd, old = temporaries.create_temporary(tmp_path / "b.html")
    os.close(fd)
    hours_ago = time.time() - settings.STALE_TEMPORARY_S - 60
    os.utime(old, (hours_ago, hours_ago))
    foreign = tmp_path / f".c.html{TMP_TAG}{os.getpid()}-another.host-0a1b2c"
    foreign.write_bytes(b"")  # another host's run, still fresh
    unrelated = tmp_path / ".c.html.tmp-notours"
    unrelated.write_bytes(b"")
    removed = temporaries.remove_stale_temporaries(tmp_path)
    assert removed == [old]
    assert live.exists() and foreign.exists() and unrelated.exists()


# --------------------------------------------------------------------------- permissions


@pytest.mark.parametrize(("mask", "mode"), [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_outputs_honour_the_umask(
    tmp_path: Path, umask: Callable[[int], None], mask: int, mode: int
) -> None:
    umask(mask)
    written = outputs.atomic_write(tmp_path / "out.json", "{}")
    fd, tmp = temporaries.create_temporary(tmp_path / "other.json")
    os.close(fd)
    assert stat.S_IMODE(written.stat().st_mode) == mode
    assert stat.S_IMODE(tmp.stat().st_mode) == mode


# --- atomic writes (moved here from the reader's tests) ------------------------------------


def _one_feature() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"Ma_CCN": ["CCN-01"]}, geometry=[shapely.box(105.6, 21.03, 105.603, 21.033)], crs=4326
    )


def test_atomic_write(tmp_path: Path) -> None:
    target = tmp_path / "report.txt"
    target.write_text("old")
    outputs.atomic_write(target, "new ✓")
    assert target.read_text(encoding="utf-8") == "new ✓"
    outputs.atomic_write(target, b"bytes")
    assert target.read_bytes() == b"bytes"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.txt"]


def test_atomic_output_failure_keeps_old_file(tmp_path: Path) -> None:
    target = tmp_path / "map.html"
    target.write_text("old")

    def interrupted() -> None:
        with outputs.atomic_output(target, mode="w") as fh:
            fh.write("half")
            raise RuntimeError("interrupted")

    with pytest.raises(RuntimeError, match="interrupted"):
        interrupted()
    assert target.read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["map.html"]


def test_atomic_path(tmp_path: Path) -> None:
    target = tmp_path / "out.geojson"
    with outputs.atomic_path(target) as tmp:
        assert tmp.parent == tmp_path and tmp.suffix == ".geojson" and not tmp.exists()
        _one_feature().to_file(tmp)
    assert len(gpd.read_file(target)) == 1
    assert [p.name for p in tmp_path.iterdir()] == ["out.geojson"]


def test_atomic_refuses_to_overwrite_inputs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    src = tmp_path / "in.shp"
    _one_feature().to_file(src)
    with pytest.raises(PlanDataError, match=r"in\.shp: refusing to overwrite an input file"):
        outputs.atomic_write(src, "x", protect=[src])
    with pytest.raises(PlanDataError, match="refusing to overwrite part of the input shapefile"):
        outputs.atomic_write(src.with_suffix(".dbf"), "x", protect=[str(src)])
    monkeypatch.chdir(tmp_path)
    with pytest.raises(PlanDataError, match="refusing"):
        outputs.atomic_write("./in.shp", "x", protect=[src])
    with pytest.raises(PlanDataError, match="does not exist"):
        outputs.atomic_write(tmp_path / "no" / "x.txt", "x")
    with pytest.raises(PlanDataError, match="is a directory"):
        outputs.atomic_write(tmp_path, "x")
