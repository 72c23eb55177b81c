from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from planning.cli import main
from planning.rules import REGISTRY
from planning.settings import bundled_geodata_dir


def cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run the real command line in a subprocess (exit codes, stderr, no traceback)."""
    return subprocess.run(
        [sys.executable, "-m", "planning", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=os.environ.copy(),
        timeout=300,
    )


def test_check_bundled_json_exits_0():
    r = cli("check", "--format", "json")
    assert r.returncode == 0, r.stderr
    d = json.loads(r.stdout)
    assert d["coverage"]["clusters_planned"] == 159
    assert {x["code"] for x in d["rules"]} == set(REGISTRY)


def test_check_text_and_markdown(capsys):
    assert main(["check"]) == 0
    out = capsys.readouterr().out
    assert "OK:" in out and "INDICATIVE" in out
    assert main(["check", "--format", "md"]) == 0
    assert capsys.readouterr().out.startswith("# Check report")


def test_failing_rule_exits_1(tmp_path, capsys):
    text = (bundled_geodata_dir() / "plan.toml").read_text(encoding="utf-8")
    bad = tmp_path / "plan.toml"
    bad.write_text(text.replace("value = 52\n", "value = 50\n", 1), encoding="utf-8")
    assert main(["check", "--manifest", str(bad), "--format", "json"]) == 1
    d = json.loads(capsys.readouterr().out)
    assert next(r for r in d["rules"] if r["code"] == "PLN003")["status"] == "fail"


def test_bad_input_exits_2_with_one_line_and_no_traceback(tmp_path):
    bad = tmp_path / "plan.toml"
    bad.write_text("[figures.a]\nvalue = 1\n", encoding="utf-8")
    r = cli("check", "--manifest", str(bad))
    assert r.returncode == 2
    assert "Traceback" not in r.stderr
    assert r.stderr.strip().count("\n") == 0
    assert r.stderr.startswith(f"planning: error: {bad}: figures.a, field 'source'")


def test_missing_file_exits_2(tmp_path):
    r = cli("check", str(tmp_path / "nope.geojson"))
    assert r.returncode == 2
    assert "nope.geojson" in r.stderr and "Traceback" not in r.stderr


@pytest.mark.parametrize(
    "args", [["check", "--tolerance", "abc"], ["check", "--format", "xml"], ["frobnicate"], []]
)
def test_usage_errors_exit_2(args):
    r = cli(*args)
    assert r.returncode == 2
    assert "Traceback" not in r.stderr
    assert "usage:" in r.stderr


def test_tolerance_is_used(tmp_path, capsys):
    from planning.testing import district_point, square

    _, x, y = district_point("Thạch Thất")
    gj = tmp_path / "c.geojson"
    import geopandas as gpd

    gpd.GeoDataFrame(
        {"cluster_id": ["A"], "name_vi": ["CCN A"], "declared_ha": [10.0]},
        geometry=[square(x, y, 11)],
        crs="EPSG:4326",
    ).to_file(gj)
    assert main(["check", str(gj), "--partial", "--select", "ARE001", "--format", "json"]) == 1
    capsys.readouterr()
    assert (
        main(
            [
                "check",
                str(gj),
                "--partial",
                "--select",
                "ARE001",
                "--tolerance",
                "15",
                "--format",
                "json",
            ]
        )
        == 0
    )


def test_output_is_written_atomically_and_never_over_an_input(tmp_path, capsys):
    out = tmp_path / "report.json"
    assert main(["check", "--format", "json", "-o", str(out)]) == 0
    assert json.loads(out.read_text(encoding="utf-8"))["schema"] == "planning.report/1"
    assert not [p for p in tmp_path.iterdir() if p.name != "report.json"]  # no temp file left
    manifest = tmp_path / "plan.toml"
    manifest.write_text(
        (bundled_geodata_dir() / "plan.toml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    before = manifest.read_bytes()
    assert main(["check", "--manifest", str(manifest), "-o", str(manifest)]) == 2
    assert manifest.read_bytes() == before
    assert "overwrite" in capsys.readouterr().err


def test_areas(capsys):
    assert main(["areas", "--by", "district", "--format", "csv"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[0].startswith("\ufeffdistrict_code,district_vi,district_type,area_km2")
    assert len(lines) == 31
    assert main(["areas", "--format", "json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert len(d["clusters"]) == 75 and len(d["districts"]) == 30
    assert main(["areas"]) == 0
    out = capsys.readouterr().out
    assert "Total of 30 districts" in out and "INDICATIVE" in out
    # The README's `planning areas --format csv`: the clusters table, as Excel reads it.
    assert main(["areas", "--format", "csv"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[0].startswith("\ufeffcluster_id,name_vi,") and len(lines) == 1 + len(d["clusters"])
    assert main(["areas", "--format", "csv", "--by", "both"]) == 2


def test_rules_catalogue(capsys):
    assert main(["rules"]) == 0
    out = capsys.readouterr().out
    for code in REGISTRY:
        assert code in out
    assert main(["rules", "are001"]) == 0
    assert "Declared area agrees" in capsys.readouterr().out
    assert main(["rules", "XYZ999"]) == 2


def test_help_does_not_import_heavy_libraries():
    code = "import sys, planning.cli as c; c.build_parser(); print(sorted(m for m in ('geopandas','pandas','shapely','pyproj','folium','dask') if m in sys.modules))"
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert r.stdout.strip() == "[]"


#: Libraries that ``planning check --format json`` on the bundled plan does not use.
UNUSED_BY_CHECK = (
    "dask",
    "distributed",
    "dask_geopandas",
    "folium",
    "branca",
    "jinja2",
    "matplotlib",
    "openpyxl",
    "rich",
    "babel",
    "planning.partitioned",
    "planning.maps",
)


def test_check_json_imports_nothing_it_does_not_use():
    # stderr is a pipe, not a terminal: no progress bar is drawn, so rich is not imported.
    code = (
        "import sys\nfrom planning.cli import main\nrc = main(['check', '--format', 'json'])\n"
        f"print(sorted(m for m in {UNUSED_BY_CHECK!r} if m in sys.modules), file=sys.stderr)\n"
        "sys.exit(rc)"
    )
    r = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=os.environ.copy()
    )
    assert r.returncode == 0, r.stderr
    assert r.stderr.strip().splitlines()[-1] == "[]"
    assert json.loads(r.stdout)["summary"]


def test_progress_bars_draw_on_a_terminal_only():
    import io

    from rich.console import Console

    from planning.cli.terminal import no_progress, progress_bars

    with progress_bars() as progress:  # pytest's stderr is not a terminal
        assert progress is no_progress
    out = io.StringIO()
    with progress_bars(Console(file=out, force_terminal=True, width=80)) as progress:
        progress("reading communes", 2, 4)
        progress("reading communes", 4, 4)
    assert "reading communes" in out.getvalue() and "4/4" in out.getvalue()


def test_parser_has_every_command():
    from planning.cli import build_parser

    sub = next(a for a in build_parser()._actions if a.dest == "command")
    assert sorted(sub.choices) == ["areas", "check", "diff", "export", "map", "report", "rules"]


def test_version():
    r = cli("--version")
    assert r.returncode == 0 and r.stdout.startswith("planning ")


def _amended_catalogue(folder: Path) -> Path:
    """The bundled catalogue with CCN-01 resized and two clusters added."""
    import pandas as pd

    cat = pd.read_csv(bundled_geodata_dir() / "clusters.csv", dtype=str, keep_default_na=False)
    cat.loc[cat["cluster_id"].eq("CCN-01"), "declared_ha"] = "12"
    extra = pd.DataFrame(
        [
            {"cluster_id": "P24-2", "name_vi": "CCN Thống Nhất", "commune_vi": "Thống Nhất"},
            {"cluster_id": "P24-6", "name_vi": "CCN Lệ Chi", "commune_vi": "Lệ Chi"},
        ]
    ).assign(district_vi=["Thường Tín", "Gia Lâm"], declared_ha="20", category="new_2030")
    path = folder / "new.csv"
    pd.concat([cat, extra], ignore_index=True).fillna("").to_csv(path, index=False)
    return path


def test_map_diff_writes_the_changes(tmp_path):
    new = _amended_catalogue(tmp_path)
    out = tmp_path / "out.html"
    r = cli("map", "--diff", "bundled", str(new), "--partial", "-o", str(out))
    assert r.returncode == 0, r.stderr
    assert "2 added, 0 removed, 1 resized, 0 moved" in r.stderr
    text = out.read_text(encoding="utf-8")
    assert "planning-change-added" in text and "CCN Lệ Chi" in text  # the page data is UTF-8
    assert sorted(p.name for p in tmp_path.iterdir()) == ["new.csv", "out.html"]


def test_map_diff_usage_and_inputs(tmp_path, capsys):
    new = _amended_catalogue(tmp_path)
    before = new.read_bytes()
    assert main(["map", str(new), "--diff", "bundled", str(new), "-o", str(tmp_path / "x")]) == 2
    assert "not both" in capsys.readouterr().err
    assert main(["map", "--diff", "bundled", str(new), "--partial", "-o", str(new)]) == 2
    assert "overwrite" in capsys.readouterr().err
    assert new.read_bytes() == before
    r = cli("map", "--diff", "bundled")
    assert r.returncode == 2 and "expected 2 arguments" in r.stderr


def test_spreadsheet_of_names_becomes_a_checked_mapped_plan(tmp_path, capsys):
    import pandas as pd

    rows = [
        ["PHỤ LỤC: DANH MỤC CỤM CÔNG NGHIỆP", None, None, None],
        ["STT", "Tên cụm công nghiệp", "Địa điểm", "Diện tích (ha)"],
        ["I", "Huyện Thạch Thất", None, None],
        [1, "CCN Phùng Xá", "xã Phùng Xá", 4.2],
        ["II", "Huyện Quốc Oai", None, None],
        [1, "CCN Ngọc Liệp", "Xã Ngọc Liệp", "37,78"],
        [2, "CCN Yên Sơn", "Yên Sơn", "khoảng 8,76"],
    ]
    xlsx = tmp_path / "phu_luc.xlsx"
    pd.DataFrame(rows).to_excel(xlsx, index=False, header=False)
    assert main(["check", str(xlsx), "--partial", "--format", "json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["coverage"]["clusters_loaded"] == 3
    assert d["coverage"]["ha_declared"] == pytest.approx(4.2 + 37.78 + 8.76)
    assert d["coverage"]["by_location_precision"] == {"commune": 3}
    status = {r["code"]: r["status"] for r in d["rules"]}
    assert status["LOC002"] == "pass"
    out = tmp_path / "map.html"
    assert main(["map", str(xlsx), "--partial", "--lang", "en", "-o", str(out)]) == 0
    html = out.read_text(encoding="utf-8")
    # names travel JSON-escaped inside the page's scripts
    assert "CCN Ngọc Liệp" in html
    assert "INDICATIVE" in html
    assert xlsx.is_file()


def _strict(text: str) -> object:
    def refuse(constant: str) -> object:
        raise ValueError(f"not JSON: {constant}")

    return json.loads(text, parse_constant=refuse)


def test_json_outputs_are_strict_for_rows_without_a_declared_area(tmp_path, capsys):
    """A row with a polygon and no declared area gave "difference_pct": NaN (not JSON)."""
    path = tmp_path / "ccn.csv"
    path.write_text(
        "cluster_id,name_vi,commune_vi,district_vi,declared_ha,wkt\n"
        'A,CCN A,Phùng Xá,Thạch Thất,,"POLYGON((105.58 21.05,105.585 21.05,105.585 21.055,'
        '105.58 21.055,105.58 21.05))"\n',
        encoding="utf-8",
    )
    assert main(["areas", "--partial", "--format", "json", str(path)]) == 0
    areas = _strict(capsys.readouterr().out)
    assert areas["clusters"][0]["difference_pct"] is None
    assert areas["clusters"][0]["declared_ha"] is None
    main(["check", "--partial", "--format", "json", str(path)])
    assert _strict(capsys.readouterr().out)["schema"] == "planning.report/1"


def test_typo_in_a_declared_district_fails_the_check(tmp_path, capsys):
    path = tmp_path / "typo.csv"
    path.write_text(
        "cluster_id,name_vi,commune_vi,district_vi,declared_ha,wkt\n"
        'T,CCN T,,Huyện Ba Vìi,28.8,"POLYGON((105.58 21.05,105.585 21.05,105.585 21.055,'
        '105.58 21.055,105.58 21.05))"\n',
        encoding="utf-8",
    )
    assert main(["check", "--partial", "--format", "json", str(path)]) == 1
    d = _strict(capsys.readouterr().out)
    loc = next(r for r in d["rules"] if r["code"] == "LOC002")
    assert loc["status"] == "fail"
    assert "unknown district 'Ba Vìi'; did you mean 'Ba Vì'" in loc["findings"][0]["message"]
