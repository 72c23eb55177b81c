"""Text from data is never template source: maps, the report and the diff map (issue 9, part 1).

folium/branca render each element's script as a new Jinja2 template, so a ``{{ … }}`` in a
cluster name used to be evaluated (``CCN Q{{6*7}}Q`` came out as ``CCN Q42Q``), a ``{#`` or
``{% for %}`` crashed the command, and ``cycler.__init__.__globals__.os.system`` ran a shell
command. Each test here puts payloads in every text field of every layer, the manifest and
the input file's own name, runs the command line, and checks that the page holds each text
unchanged (decoded as the browser decodes it), that nothing ran and nothing crashed.
"""

from __future__ import annotations

import html
import json
import re
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planning._safetext import html_text, script_json
from planning.cli import main
from planning.settings import bundled_geodata_dir
from planning.testing import TEMPLATE_PAYLOADS, district_point, make_plan, square

pytest.importorskip("folium")

#: One payload per kind of failure: evaluated, a syntax error, code that writes a file.
#: ``PWNED`` is replaced by the field's own marker file, so a test names the field that ran.
KINDS = {
    "expression": "Q{{7*7}}Q",
    "syntax": "S{% for x in y %}S{#S",
    # no quotes (folium's JSON would escape them): the name is built with dict(...)|join
    "shell": "{{ cycler.__init__.__globals__.os.mkdir(dict(PWNED=1)|join) }}",
}
CLUSTER_FIELDS = (
    "cluster_id",
    "name_vi",
    "commune_vi",
    "status",
    "category",
    "area_qualifier",
    "source_url",
    "source_note",
    "chu_dau_tu",  # a column the reader does not know
)
ZONE_FIELDS = ("zone_id", "name_vi", "name_en", "source_url", "note", "location_precision")
DISTRICT_FIELDS = ("district_vi", "district_type", "district_en")
MANIFEST_FIELDS = ("source_title", "figure_note")
#: Fields the map shows (the others must be inert, wherever they go).
MAP_SHOWN = {
    "cluster": ("cluster_id", "name_vi", "commune_vi", "status", "source_url"),
    "zone": ("name_vi", "name_en", "source_url", "note", "location_precision"),
    "district": ("district_vi", "district_type", "district_en"),
    "manifest": ("source_title",),
}


def _text(kind: str, field: str) -> str:
    """The payload for one field: its name first, so a test can tell fields apart."""
    return f"{field}:" + KINDS[kind].replace("PWNED", f"pwned_{field}")


def _square_ring(lon: float, lat: float, d: float) -> list[list[float]]:
    return [[lon, lat], [lon + d, lat], [lon + d, lat + d], [lon, lat + d], [lon, lat]]


def _write_geojson(path: Path, rows: list[tuple[dict[str, Any], list[list[float]]]]) -> Path:
    features = [
        {
            "type": "Feature",
            "properties": props,
            "geometry": {"type": "Polygon", "coordinates": [ring]},
        }
        for props, ring in rows
    ]
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), "utf-8")
    return path


def _clusters(folder: Path, kind: str, *, shift: float = 0.0, ha: float = 10.0) -> Path:
    code, x, y = district_point("Thạch Thất")
    props: dict[str, Any] = {f: _text(kind, f) for f in CLUSTER_FIELDS}
    props.update(district_vi="Thạch Thất", district_code=code, declared_ha=ha)
    props["area_qualifier"] = ""  # the qualifier is a closed vocabulary
    other = {**props, "cluster_id": "B-" + props["cluster_id"], "name_vi": "B " + props["name_vi"]}
    name = "a" + KINDS[kind].replace("PWNED", "pwned_file_name") + "b.geojson"
    return _write_geojson(
        folder / name,
        [(props, _square_ring(x + shift, y, 0.003)), (other, _square_ring(x + 0.02, y, 0.003))],
    )


def _zones(folder: Path, kind: str) -> Path:
    _, x, y = district_point("Thạch Thất")
    props = {f: _text(kind, f) for f in ZONE_FIELDS}
    props["declared_ha"] = 100.0
    return _write_geojson(folder / "zones.geojson", [(props, _square_ring(x - 0.03, y, 0.01))])


def _districts(folder: Path, kind: str) -> Path:
    from planning.sources.boundaries import load_districts

    d = load_districts()
    d = d.loc[d["district_vi"].eq("Thạch Thất")].copy()
    for f in DISTRICT_FIELDS:
        d[f] = _text(kind, f)
    path = folder / "districts.geojson"
    d.to_file(path, driver="GeoJSON")
    return path


def _manifest(folder: Path, kind: str) -> Path:
    text = (bundled_geodata_dir() / "plan.toml").read_text("utf-8")
    for pattern, field in (
        (r'^title = "Hanoi approves the development plan of industrial clusters"$', "source_title"),
        (r'^note = "not published on its own:[^"\n]*"$', "figure_note"),
        # the same figure's note in Vietnamese, which Vietnamese reports show
        (r'^note_vi = "không được công bố riêng:[^"\n]*"$', "figure_note"),
    ):
        line = "{} = {}".format(pattern[1:].split(" ")[0], json.dumps(_text(kind, field)))
        text, n = re.subn(pattern, lambda _m, line=line: line, text, count=1, flags=re.M)
        assert n == 1, pattern
    path = folder / "plan.toml"
    path.write_text(text, "utf-8")
    return path


# -- decoding a page as the browser does ------------------------------------------------------------------


def _strings(obj: Any) -> list[str]:
    if isinstance(obj, str):
        return [obj]
    if isinstance(obj, dict):
        return [s for k, v in obj.items() for s in (*_strings(k), *_strings(v))]
    if isinstance(obj, list):
        return [s for v in obj for s in _strings(v)]
    return []


def _map_texts(doc: str) -> str:
    """The map's text as the browser has it: title, layer names, every data string."""
    texts = [html.unescape(t) for t in re.findall(r"<title>(.*?)</title>", doc, re.S)]
    m = re.search(r'^PlanningMap\.addData\("[0-9a-f]+", (.*)\);$', doc, re.M)
    assert m, "no data block"
    texts += [html.unescape(s) for s in _strings(json.loads(m.group(1)))]
    labels = re.findall(r'^\s*("(?:[^"\\]|\\.)*")\s*:\s*geo_json_', doc, re.M)
    texts += [html.unescape(json.loads(s)) for s in labels]
    return "\n".join(texts)


def _report_texts(doc: str) -> str:
    m = re.search(r'<script type="application/json" id="planning-map-source">(.*?)</script>', doc)
    assert m, "no embedded map"
    body = re.sub(r"<script.*?</script>", " ", doc, flags=re.S)
    return html.unescape(body) + "\n" + _map_texts(json.loads(m.group(1)))


def _assert_inert(raw: str, folder: Path, kind: str) -> None:
    assert sorted(p.name for p in folder.rglob("pwned*")) == [], "a payload ran code"
    assert "Q49Q" not in raw
    for payload in (
        KINDS[kind].split("PWNED")[0],
        "{{7*7}}",
        "{% for",
        "{#S",
        "{{ cycler",
        "{% for x",
    ):
        assert payload not in raw, payload  # no delimiter of the data is left in clear


@pytest.fixture(params=sorted(KINDS))
def case(request, tmp_path, monkeypatch) -> dict[str, Any]:
    kind = request.param
    monkeypatch.chdir(tmp_path)  # a payload that ran would write pwned-* here
    return {
        "kind": kind,
        "folder": tmp_path,
        "clusters": _clusters(tmp_path, kind),
        "zones": _zones(tmp_path, kind),
        "districts": _districts(tmp_path, kind),
        "manifest": _manifest(tmp_path, kind),
    }


def _layers(case: dict[str, Any]) -> list[str]:
    return [
        "--zones",
        str(case["zones"]),
        "--districts",
        str(case["districts"]),
        "--manifest",
        str(case["manifest"]),
        "--partial",
    ]


def _assert_shown(texts: str, kind: str, *, groups: tuple[str, ...]) -> None:
    for group in groups:
        for field in MAP_SHOWN[group]:
            assert _text(kind, field) in texts, field


def test_map_command(case):
    kind, folder = case["kind"], case["folder"]
    out = folder / "map.html"
    assert main(["map", str(case["clusters"]), *_layers(case), "-o", str(out)]) == 0
    raw = out.read_text("utf-8")
    _assert_inert(raw, folder, kind)
    texts = _map_texts(raw)
    _assert_shown(texts, kind, groups=("cluster", "zone", "district", "manifest"))
    assert case["clusters"].name in texts  # the file's own name, in the title and the panel


def test_report_command(case):
    kind, folder = case["kind"], case["folder"]
    out = folder / "report.html"
    assert main(["report", str(case["clusters"]), *_layers(case), "-o", str(out)]) == 0
    raw = out.read_text("utf-8")
    _assert_inert(raw, folder, kind)
    texts = _report_texts(raw)
    _assert_shown(texts, kind, groups=("cluster", "zone", "district", "manifest"))
    assert _text(kind, "figure_note") in texts
    assert case["clusters"].name in texts


def test_diff_map_command(case):
    kind, folder = case["kind"], case["folder"]
    new_dir = folder / "new"
    new_dir.mkdir()
    new = _clusters(new_dir, kind, shift=0.01, ha=20.0)  # moved and resized
    out = folder / "diff.html"
    args = ["map", "--diff", str(case["clusters"]), str(new), *_layers(case), "-o", str(out)]
    assert main(args) == 0
    raw = out.read_text("utf-8")
    _assert_inert(raw, folder, kind)
    texts = _map_texts(raw)
    for field in ("cluster_id", "name_vi"):
        assert _text(kind, field) in texts, field
    assert case["clusters"].name in texts and new.name in texts  # the versions' names


# -- the encoders ----------------------------------------------------------------------------------------

_payload_text = st.one_of(
    st.text(st.characters(categories=("L", "N", "P", "S")), min_size=1, max_size=30),
    st.sampled_from(TEMPLATE_PAYLOADS),
    st.lists(
        st.sampled_from([*TEMPLATE_PAYLOADS, "{", "}", "%", "#", "<", "&", "'", '"', "a"])
    ).map("".join),
)


@settings(max_examples=300, deadline=None)
@given(text=_payload_text)
def test_encoders_round_trip_and_leave_no_delimiter(text: str) -> None:
    import jinja2

    h = html_text(text)
    assert html.unescape(h) == text
    assert not set(h) & set("{}%<>\"'")
    j = script_json({text: [text]})
    assert json.loads(j) == {text: [text]}
    assert not set(j) & set("%#<>&'")
    assert "{{" not in j and "{%" not in j and "{#" not in j
    # as template source, either renders to itself: there is nothing to run
    for encoded in (h, j):
        assert jinja2.Template(encoded).render() == encoded


# -- the library: any name, any field ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def where() -> tuple[str, float, float]:
    return district_point("Thạch Thất")


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(name=_payload_text, status=_payload_text, plan_name=_payload_text)
def test_any_name_reaches_the_map_unchanged(where, name, status, plan_name):
    from planning.maps.api import make_map, render_map_html

    code, x, y = where
    plan = make_plan(
        [
            {
                "cluster_id": "A" + name,
                "name_vi": name,
                "commune_vi": name,
                "district_vi": "Thạch Thất",
                "district_code": code,
                "geometry": square(x, y, 10),
                "declared_ha": 10.0,
                "status": status,
                "source_url": name,
            }
        ],
        complete=False,
    )
    plan.name = plan_name
    raw = render_map_html(make_map(plan))
    texts = _map_texts(raw)
    # Cluster fields are read as NFC; the plan's name is set here as it is.
    for value in (name, status):
        assert unicodedata.normalize("NFC", value) in texts
    assert plan_name in texts
    for payload in ("{{7*7}}", "{% for x in y %}", "{%- raw", "{{ cycler"):
        assert payload not in raw


def test_control_characters_never_reach_html_raw() -> None:
    # a terminal escape from a data file is shown as text, never written raw into a page
    h = html_text("CCN A\x1b[31m\x00B\tC\nD")
    assert "\x1b" not in h and "\x00" not in h
    assert h == "CCN A\\x1b[31m\\x00B\tC\nD"
