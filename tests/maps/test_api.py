"""Maps: self-contained HTML, layers and popups, escaping, display simplification."""

from __future__ import annotations

import math
import re

import pytest
import shapely

from planning._safetext import html_text
from planning.errors import MissingDependencyError, PlanDataError, UsageError
from planning.maps import api as maps
from planning.maps.elements import layer_features
from planning.report.templating import linkify
from planning.testing import district_point, external_resources, make_plan, square

folium = pytest.importorskip("folium")


@pytest.fixture(scope="module", autouse=True)
def _english():
    """The assertions below read English text: maps default to Vietnamese."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PLANNING_LANG", "en")
        yield


XSS = "<img src=x onerror=alert(1)>"


@pytest.fixture(scope="module")
def bundled():
    import planning

    return planning.load_plan()


@pytest.fixture(scope="module")
def bundled_html(bundled):
    return maps.render_map_html(maps.make_map(bundled))


@pytest.fixture(scope="module")
def small_plan():
    code, x, y = district_point("Thạch Thất")
    return make_plan(
        [
            {
                "cluster_id": "A",
                "name_vi": "CCN Phùng Xá",
                "commune_vi": "Phùng Xá",
                "district_vi": "Thạch Thất",
                "district_code": code,
                "geometry": square(x, y, 10),
                "declared_ha": 12.0,
                "status": "established (2017)",
                "category": "kept",
                "source_url": "https://example.org/a",
            },
            {
                "cluster_id": "B",
                "name_vi": "CCN Bình Phú",
                "district_vi": "Thạch Thất",
                "district_code": code,
                "geometry": square(x + 0.03, y, 5),
                "declared_ha": 5.0,
                "geometry_kind": "indicative",
                "location_precision": "commune",
                "status": "planned",
                "category": "new",
            },
            {
                "cluster_id": "C",
                "name_vi": "CCN Hạ Bằng",
                "district_vi": "Thạch Thất",
                "district_code": code,
                "geometry": __import__("shapely").Point(x - 0.03, y),
                "geometry_kind": "point",
                "location_precision": "commune",
            },
        ],
        complete=False,
    )


def _geojson_layers(m):
    return {c.layer_name: c for c in m._children.values() if isinstance(c, folium.GeoJson)}


def _features(m, prefix):
    layers = _geojson_layers(m)
    name = next(k for k in layers if k.startswith(prefix))
    return layers[name], layer_features(m, layers[name])


def _layer_features(m, name):
    """A layer's features with their properties (kept in the page's data block)."""
    return layer_features(m, _geojson_layers(m)[name])


# -- self-contained ------------------------------------------------------------------------------------


def test_bundled_map_is_self_contained_and_small(bundled_html):
    size = len(bundled_html.encode("utf-8"))
    assert size < 1_500_000, f"default map is {size / 1e6:.2f} MB"
    assert external_resources(bundled_html) == []
    lowered = bundled_html.lower()
    for word in ("cdn.", "jquery", "bootstrap", "font-awesome", "fontawesome", "awesome-markers"):
        assert word not in lowered, word
    assert "<script src" not in lowered
    assert "<link rel" not in lowered
    # Leaflet is inlined from the installed package
    assert "Leaflet 1.9.4" in bundled_html
    assert "tile.openstreetmap.org" not in bundled_html


def test_charset_comes_first(bundled_html):
    head = bundled_html[: bundled_html.index("</head>")]
    assert head.index('<meta charset="utf-8">') < head.index("<title>")
    assert bundled_html.startswith("<!DOCTYPE html>")


def test_external_resources_finds_cdn_links():
    page = (
        '<script src="https://cdn.example/x.js"></script><link rel="stylesheet" '
        'href="//cdn.example/x.css"><style>a{background:url(https://x/y.png)}</style>'
        '<a href="https://example.org">a link is fine</a>'
    )
    found = external_resources(page)
    assert len(found) == 3
    assert all("example.org" not in f for f in found)


def test_bundled_map_layers(bundled):
    m = maps.make_map(bundled)
    layers = _geojson_layers(m)
    assert set(layers) == {
        "Districts",
        "Communes (2019)",
        "Hoa Lac Hi-Tech Park",
        f"Clusters ({len(bundled.clusters)})",
        "Industrial parks (context)",  # OpenStreetMap, attributed on the map
        "2025 communes and wards",  # off by default
    }
    districts = _layer_features(m, "Districts")
    assert len(districts) == 30
    # folium's tree holds no text from data: ids and geometry only
    for layer in layers.values():
        assert all(f["properties"] == {} for f in layer.data["features"])
    _, feats = _features(m, "Clusters")
    shapes = [f for f in feats if "uid" in f["properties"]]
    assert len(shapes) == len(bundled.clusters)
    # every indicative footprint is dashed and labelled as such
    # (styles are in the page's data block: a table of distinct styles, a key per feature)
    table = m._children["planning_controls"].config["styles"]
    assert len(table) < 40
    for f in shapes:
        cid = f["properties"]["cluster_id"]
        kind = bundled.clusters.set_index("cluster_id").loc[cid, "geometry_kind"]
        st = table[f["properties"]["s"]]
        if kind == "indicative":
            assert "dashArray" in st and "planning-indicative" in st["className"]
            assert f["properties"]["kind"] == "indicative"
        # plain data, no markup: the popup is built on the page when it opens
        assert "popup" not in f["properties"] and "tooltip" not in f["properties"]
        if kind == "point":
            assert f["geometry"]["type"] == "Point"
            assert "planning-point" in st["className"]


def test_panel_states_coverage_failures_and_caveats(bundled, bundled_html):
    m = maps.make_map(bundled)
    ctl = m._children["planning_controls"]
    panel = ctl.config["panel"]
    assert "75 of 159" in panel
    assert "of 3,204.3 ha" in panel
    assert re.search(r"Rules failed</dt><dd[^>]*>\d+ of \d+", panel)
    assert "INDICATIVE" in panel
    for note in bundled.notes():
        assert html_text(note) in panel
    assert "Sources" in panel
    assert "OCHA" in ctl.config["attribution"]


def test_district_tooltips_use_full_geometry_areas(bundled):
    m = maps.make_map(bundled)
    feats = _layer_features(m, "Districts")
    tips = {f["properties"]["tooltip"] for f in feats}
    for _, row in bundled.districts.iterrows():
        expected = f"{row['measured_ha'] / 100:,.2f} km²"
        assert any(html_text(row["district_vi"]) in t and expected in t for t in tips), row[
            "district_vi"
        ]
    assert any("thị xã" in t for t in tips) and any("quận" in t for t in tips)


def test_search_lists_districts_and_communes(bundled):
    m = maps.make_map(bundled)
    config = m._children["planning_controls"].config
    labels = [e[1] for e in config["places"]]
    assert sum(lab.endswith(("(quận)", "(huyện)", "(thị xã)")) for lab in labels) == 30
    assert "Phùng Xá (xã, Thạch Thất)" in labels
    assert len(labels) > 500  # the communes of Hanoi
    for _text, _label, ((s, w), (n, e)) in config["places"]:
        assert s < n and w < e and 20.5 < s < 21.5 and 105.2 < w < 106.1
    # the district labels, and the commune labels shown when zoomed in
    assert {d[0] for d in config["districtLabels"]} == set(bundled.districts["district_vi"])
    assert config["communeZoom"] < maps.DETAIL_ZOOM


def test_stacked_points_group_clusters_on_one_point(bundled):
    from planning.maps.places import stacked_points

    m = maps.make_map(bundled)
    stacks = m._children["planning_controls"].config["stacks"]
    assert stacks and all(len(uids) >= 2 for _, _, uids in stacks)
    _, feats = _features(m, "Clusters")
    uids = {f["properties"]["uid"] for f in feats if "uid" in f["properties"]}
    assert all(set(s[2]) <= uids for s in stacks)
    p = shapely.Point(105.8, 21.0)
    assert stacked_points([("a", p), ("b", shapely.Point(105.80000001, 21.0))]) == [
        [21.0, 105.8, ["a", "b"]]
    ]
    assert stacked_points([("a", p), ("b", shapely.Point(105.801, 21.0))]) == []


def test_legend_lists_only_kinds_drawn(small_plan):
    legend = maps.make_map(small_plan)._children["planning_controls"].config["legend"]
    for symbol in ("outline", "indicative", "dot", "point", "district"):
        assert f'data-symbol="{symbol}"' in legend, symbol
    assert 'data-symbol="stack"' not in legend
    code, x, y = district_point("Thạch Thất")
    only_points = make_plan(
        [
            {
                "cluster_id": "P",
                "name_vi": "CCN P",
                "district_vi": "Thạch Thất",
                "district_code": code,
                "geometry": shapely.Point(x, y),
                "geometry_kind": "point",
            }
        ],
        complete=False,
    )
    legend = maps.make_map(only_points)._children["planning_controls"].config["legend"]
    assert 'data-symbol="point"' in legend
    for symbol in ("outline", "indicative", "dot", "zone"):
        assert f'data-symbol="{symbol}"' not in legend, symbol


# -- options ----------------------------------------------------------------------------------------------


def test_tiles_options(small_plan):
    osm = maps.render_map_html(maps.make_map(small_plan, tiles="osm"))
    assert "tile.openstreetmap.org" in osm
    carto = maps.render_map_html(maps.make_map(small_plan, tiles="cartodb"))
    assert "basemaps.cartocdn.com" in carto
    # tiles are the only network use: still no script or style from the network
    assert external_resources(osm) == []
    with pytest.raises(UsageError):
        maps.make_map(small_plan, tiles="google")  # type: ignore[arg-type]
    with pytest.raises(UsageError):
        maps.make_map(small_plan, color_by="size")  # type: ignore[arg-type]


def test_color_by_category_and_status(small_plan):
    by_status = maps.make_map(small_plan, color_by="status")._children["planning_controls"]
    assert "established (1)" in by_status.config["legend"]
    assert "planned (1)" in by_status.config["legend"]
    assert "status not reported (1)" in by_status.config["legend"]
    by_cat = maps.make_map(small_plan, color_by="category")._children["planning_controls"]
    assert "kept (existing, to 2020) (1)" in by_cat.config["legend"]
    assert "new (to 2020) (1)" in by_cat.config["legend"]


def test_status_class():
    assert maps.status_class("established (2017)") == "established"
    assert maps.status_class("Construction started (H1 2024)") == "construction started"
    assert maps.status_class("") == "status not reported"
    assert maps.status_class("operating since 2015") == "operating since"


def test_popup_has_facts_and_findings(small_plan):
    m = maps.make_map(small_plan)
    _, feats = _features(m, "Clusters")
    by_id = {
        f["properties"]["cluster_id"]: f["properties"]
        for f in feats
        if "cluster_id" in f["properties"]
    }
    a = by_id["A"]
    assert a["name"] == "CCN Phùng Xá" and a["commune"] == "Phùng Xá"
    assert a["district"] == "Thạch Thất"
    assert a["declared_ha"] == 12.0
    assert 9.5 < a["measured_ha"] < 10.5  # geodesic, on the full geometry
    assert "ARE001" in [f[0] for f in a["findings"]]  # 10 ha measured vs 12 declared
    assert a["source_url"] == "https://example.org/a"
    assert by_id["B"]["kind"] == "indicative"
    c = by_id["C"]
    assert c["kind"] == "point" and "declared_ha" not in c and "measured_ha" not in c
    # the labels the page builds popups with, in the map's language
    config = maps.make_map(small_plan, lang="en")._children["planning_controls"].config
    assert config["labels"]["geometry"]["indicative"].startswith("INDICATIVE")
    assert config["labels"]["categories"]["kept"] == "kept (existing, to 2020)"
    assert config["number"] == {"decimal": ".", "group": ","}
    assert config["messages"]["Declared area"] == "Declared area"
    vi = maps.make_map(small_plan, lang="vi")._children["planning_controls"].config
    assert vi["number"] == {"decimal": ",", "group": "."}


def test_report_findings_are_used_when_given(small_plan):
    from planning.report.core import check

    report = check(small_plan, tolerance_pct=50)
    m = maps.make_map(small_plan, report=report)
    _, feats = _features(m, "Clusters")
    a = next(f for f in feats if f["properties"].get("cluster_id") == "A")
    assert "ARE001" not in [f[0] for f in a["properties"].get("findings", [])]


# -- escaping ---------------------------------------------------------------------------------------------


def test_data_text_is_escaped_everywhere():
    code, x, y = district_point("Thạch Thất")
    plan = make_plan(
        [
            {
                "cluster_id": "X<b>1</b>",
                "name_vi": XSS,
                "commune_vi": "<script>alert(2)</script>",
                "district_vi": "Thạch Thất",
                "district_code": code,
                "status": '"><svg onload=alert(3)>',
                "category": "<i>cat</i>",
                "geometry": square(x, y, 3),
                "declared_ha": 3.0,
                "source_url": "javascript:alert(4)",
            }
        ]
    )
    plan.name = "<b>plan</b>"
    text = maps.render_map_html(maps.make_map(plan))
    for raw in (XSS, "<script>alert(2)", "<svg onload", "<b>plan</b>", "<i>cat</i>", "X<b>1"):
        assert raw not in text, raw
    assert 'href="javascript:' not in text
    # escaped as text in the markup the page inserts
    m = maps.make_map(plan, color_by="category")
    _, feats = _features(m, "Clusters")
    props = feats[0]["properties"]  # plain text, inserted by the page with textContent
    assert props["name"] == XSS and props["source_url"] == "javascript:alert(4)"
    legend = m._children["planning_controls"].config["legend"]
    assert "&lt;i&gt;cat&lt;/i&gt;" in legend


def test_linkify_only_links_http():
    out = linkify('See https://a.example/x?y=1&z=2. And "javascript:alert(1)"')
    assert '<a href="https://a.example/x?y=1&amp;z=2"' in out
    assert "javascript:alert(1)" in out and 'href="javascript' not in out


# -- simplification ---------------------------------------------------------------------------------------


def test_district_simplification_keeps_a_clean_coverage(bundled):
    import shapely

    geoms = list(bundled.districts.geometry)
    simple = maps.simplify_coverage(geoms, tolerance=20 / 111_320)
    n_before = int(shapely.get_num_coordinates(geoms).sum())
    n_after = int(shapely.get_num_coordinates(simple).sum())
    assert n_after < 0.7 * n_before
    assert all(shapely.is_valid(simple))
    if hasattr(shapely, "coverage_is_valid"):
        assert bool(shapely.coverage_is_valid(simple))
    # no gaps or slivers: the pieces add up to their union, whose outline has no new holes
    union_before = shapely.union_all(geoms)
    union_after = shapely.union_all(simple)
    assert math.isclose(sum(g.area for g in simple), union_after.area, rel_tol=1e-9)
    assert math.isclose(union_after.area, union_before.area, rel_tol=5e-3)

    def holes(g):
        parts = getattr(g, "geoms", [g])
        return sum(len(p.interiors) for p in parts)

    assert holes(union_after) <= holes(union_before)


def test_simplification_can_be_turned_off(small_plan):
    full = maps.make_map(small_plan, simplify_m=0)
    simple = maps.make_map(small_plan)

    def n(m):
        return sum(len(str(f["geometry"]["coordinates"])) for f in _layer_features(m, "Districts"))

    assert n(simple) < n(full)


# -- writing ----------------------------------------------------------------------------------------------


def test_write_map_atomically_and_never_over_an_input(tmp_path, small_plan):
    out = maps.write_map(small_plan, tmp_path / "m.html")
    assert out == tmp_path / "m.html"
    text = out.read_text(encoding="utf-8")
    assert "CCN Phùng Xá" in text  # inside the page data block (UTF-8)
    assert [p.name for p in tmp_path.iterdir()] == ["m.html"]
    src = tmp_path / "input.geojson"
    src.write_text("{}", encoding="utf-8")
    with pytest.raises(PlanDataError):
        maps.write_map(small_plan, src, protect=[src])
    assert src.read_text(encoding="utf-8") == "{}"


def test_missing_leaflet_names_the_distribution(monkeypatch, tmp_path):
    from planning.maps import assets

    monkeypatch.setattr(assets, "static_dir", lambda: tmp_path)  # a broken installation
    with pytest.raises(
        MissingDependencyError, match=r"pip install --force-reinstall hanoi-ccn-planning$"
    ):
        assets.leaflet_dir()


def test_assets_cannot_close_their_element():
    from planning.maps import assets

    tag = assets.script_tag('var s = "</script><script>alert(1)</script>"; <!-- x')
    assert tag.count("</script>") == 1 and "<!--" not in tag
    style = assets.style_tag("a{} </style><script>")
    assert style.count("</style>") == 1
    css = assets.leaflet_css()
    assert "url(images/" not in css and "data:image/png;base64," in css


def test_vendored_leaflet_is_the_release_with_its_licence():
    from planning.maps import assets

    folder = assets.leaflet_dir()
    assert assets.leaflet_version() == assets.LEAFLET_VERSION == "1.9.4"
    assert "BSD 2-Clause" in (folder / "LICENSE").read_text(encoding="utf-8")
    assert "sourceMappingURL" not in assets.leaflet_js()
    scripts = assets.plugins_js()
    assert len(scripts) == len(assets.PLUGIN_SCRIPTS) >= 2
    assert sum("P.init = " in js for js in scripts) == 1


# -- the diff map -----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def diff_pair():
    """Old and new versions: A resized (so ARE001 newly fails), B moved ~1 km, C removed,
    D added (with a hostile name)."""
    code, x, y = district_point("Thạch Thất")

    def row(cid, ha, *, declared=None, dx=0.0, name=None):
        return {
            "cluster_id": cid,
            "name_vi": name or f"CCN {cid}",
            "district_vi": "Thạch Thất",
            "district_code": code,
            "category": "kept",
            "declared_ha": ha if declared is None else declared,
            "geometry": square(x + dx, y, ha),
        }

    old = make_plan([row("A", 10.0), row("B", 20.0, dx=0.03), row("C", 5.0, dx=-0.03)])
    new = make_plan(
        [
            row("A", 10.0, declared=12.0),
            row("B", 20.0, dx=0.04),
            row("D", 7.0, dx=0.06, name=XSS),
        ]
    )
    old.name, new.name = "<b>old</b>", "<i>new</i>"
    return old, new


@pytest.fixture(scope="module")
def diff_map(diff_pair):
    from planning.diff import diff_plans

    old, new = diff_pair
    d = diff_plans(old, new)
    return d, maps.make_diff_map(d, new, old=old)


def test_diff_map_draws_each_change(diff_map):
    d, m = diff_map
    layers = _geojson_layers(m)
    assert set(layers) == {"Districts", "Added (1)", "Removed (1)", "Resized (1)", "Moved (1)"}
    for kind, cid in (("Added", "D"), ("Removed", "C"), ("Resized", "A"), ("Moved", "B")):
        layer = layers[f"{kind} (1)"]
        shapes = [f for f in layer_features(m, layer) if "uid" in f["properties"]]
        assert [f["properties"]["cluster_id"] for f in shapes] == [cid]
        style = layer.style_function(shapes[0])
        assert style["color"] == maps.CHANGE_COLORS[kind.lower()]
        assert f"planning-change-{kind.lower()}" in style["className"]
        assert ("dashArray" in style) == (kind == "Removed")
    # the move: a line from the old centroid to the new one, sharing the shape's popup
    moved = _layer_features(m, "Moved (1)")
    (line,) = [f for f in moved if f["geometry"]["type"] == "LineString"]
    (b,) = d.moved
    assert line["geometry"]["coordinates"] == [
        [round(b.old_location[0], 6), round(b.old_location[1], 6)],
        [round(b.new_location[0], 6), round(b.new_location[1], 6)],
    ]
    assert line["properties"]["ref"] == moved[0]["properties"]["uid"]


def test_diff_map_popups(diff_map):
    d, m = diff_map
    popups = {
        f["properties"]["cluster_id"]: f["properties"]["popup"]
        for layer in _geojson_layers(m).values()
        for f in layer_features(m, layer)
        if "cluster_id" in f["properties"]
    }
    assert "10.00 → 12.00 ha (+2.00 ha)" in popups["A"]
    (b,) = d.moved
    assert f"{b.moved_m:,.0f} m" in popups["B"] and "(+0.00 ha)" in popups["B"]
    assert "5.00 → — ha (-5.00 ha)" in popups["C"]
    assert "— → 7.00 ha (+7.00 ha)" in popups["D"]
    assert "<h3>&lt;img src=x onerror=alert(1)&gt;</h3>" in popups["D"]
    assert all(f"<td>{cid}</td>" in popups[cid] for cid in "ABCD")


def test_diff_map_panel_legend_and_escaping(diff_map, diff_pair):
    d, m = diff_map
    config = m._children["planning_controls"].config
    panel = config["panel"]
    assert html_text(d.summary()) in panel
    assert [r.code for r in d.newly_failing] == ["ARE001"]
    assert '<ul class="planning-rules-failing"><li><b>ARE001</b>' in panel
    for plan in diff_pair:
        for note in plan.notes():
            assert html_text(note) in panel
        for source in plan.attributions():
            assert linkify(source) in panel
    assert "&lt;b&gt;old&lt;/b&gt; → &lt;i&gt;new&lt;/i&gt;" in panel
    assert "OCHA" in config["attribution"]
    legend = config["legend"]
    assert all(f"{label} (1)" in legend for label in ("added", "removed", "moved"))
    text = maps.render_map_html(m)
    for raw in (XSS, "<b>old</b>", "<i>new</i>"):
        assert raw not in text, raw
    assert external_resources(text) == []
    assert "Leaflet 1.9.4" in text and "tile.openstreetmap.org" not in text
    assert "cdn." not in text.lower()


def test_diff_map_without_changes(small_plan):
    from planning.diff import diff_plans

    m = maps.make_diff_map(diff_plans(small_plan, small_plan), small_plan)
    assert set(_geojson_layers(m)) == {"Districts"}
    assert "0 added, 0 removed" in m._children["planning_controls"].config["panel"]
    with pytest.raises(UsageError):
        maps.make_diff_map(diff_plans(small_plan, small_plan), small_plan, tiles="google")  # type: ignore[arg-type]


def test_write_diff_map_never_over_an_input(tmp_path, diff_map, diff_pair):
    d, _ = diff_map
    out = maps.write_diff_map(d, diff_pair[1], tmp_path / "diff.html", old=diff_pair[0])
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    src = tmp_path / "new.csv"
    src.write_text("x", encoding="utf-8")
    with pytest.raises(PlanDataError):
        maps.write_diff_map(d, diff_pair[1], src, protect=[src])
    assert src.read_text(encoding="utf-8") == "x"
