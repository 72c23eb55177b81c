"""planning.readers.values and friends: declared areas, and per-distinct-value work equal to per-row work."""

from __future__ import annotations

import math
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planning.errors import PlanDataError
from planning.readers import canonical, read_layer
from planning.readers.locations import split_location, split_locations
from planning.readers.values import cell_text, parse_area, per_value, try_parse_area
from planning.testing import TEMPLATE_PAYLOADS
from planning.text import legacy as pvn
from planning.text.legacy import encode_legacy

LON, LAT = 105.60, 21.03  # Phùng Xá, Thạch Thất

# --- parse_area ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("50", (50.0, "")),
        ("50,5", (50.5, "")),
        ("1.234,5", (1234.5, "")),
        ("khoảng 20 ha", (20.0, "about")),
        ("hơn 20", (20.0, "more than")),
        ("gần 21", (21.0, "nearly")),
        ("~ 15", (15.0, "about")),
        (12, (12.0, "")),
        ("", (math.nan, "")),
        (None, (math.nan, "")),
    ],
)
def test_parse_area(raw: object, expected: tuple[float, str]) -> None:
    got = parse_area(raw)
    if math.isnan(expected[0]):
        assert math.isnan(got[0]) and got[1] == expected[1]
    else:
        assert got == expected


@pytest.mark.parametrize("raw", ["abc", "-5", "12 mẫu", True])
def test_parse_area_rejects(raw: object) -> None:
    with pytest.raises(ValueError, match=r"area|number|negative"):
        parse_area(raw)


# --- per-distinct-value work equals per-row work -------------------------------------------


_WORDS = [
    "CCN Phùng Xá",
    "Thạch Thất",
    "HÀ NỘI",
    "Ứng Hòa",
    "xã Yên Sơn, huyện Quốc Oai",
    "Quận Hà Đông; phường Yên Nghĩa",
    "TT. Liên Quan",
    "H. Mỹ Đức",
    "thị xã Sơn Tây, xã Cổ Đông",
    "SYN-000001",
    "",
    "  Đông   Anh ",
]


def _mangle(text: str, how: str) -> str:
    if how == "unicode":
        return text
    if how == "nfd":
        import unicodedata

        return unicodedata.normalize("NFD", text)
    if how == "mojibake":
        return text.encode("utf-8").decode("latin-1")
    return encode_legacy(text, how).decode("latin-1")  # type: ignore[arg-type]


_cells = st.one_of(
    st.builds(
        _mangle,
        st.sampled_from(_WORDS),
        st.sampled_from(["unicode", "nfd", "mojibake", "tcvn3", "vni"]),
    ),
    st.text(max_size=8),
    st.sampled_from(TEMPLATE_PAYLOADS),  # template syntax in a cell is plain text (issue 9)
    st.sampled_from(["50", "khoảng 20 ha", "1.234,5", "x", "-3"]),
    st.none(),
    st.sampled_from([math.nan, 0.0, -0.0, 12.5, 3.0, -1.0, math.inf, 7, True]),
)


def _distinct(values: list[str]) -> tuple[list[str], list[int]]:
    counts: dict[str, int] = {}
    for v in values:
        counts[v] = counts.get(v, 0) + 1
    return list(counts), list(counts.values())


@settings(max_examples=150, deadline=None)
@given(
    column=st.lists(
        st.one_of(
            st.builds(
                _mangle,
                st.sampled_from(_WORDS),
                st.sampled_from(["unicode", "mojibake", "tcvn3", "vni"]),
            ),
            st.text(max_size=6),
        ),
        max_size=25,
    ),
    layout=st.sampled_from(["mixed", "tcvn3", "vni", "mojibake", "upper-tcvn3"]),
    forced=st.sampled_from([None, None, "unicode", "tcvn3", "vni", "cp1258", "utf-8"]),
)
def testrepair_distinct_equals_repair_texts(
    column: list[str], layout: str, forced: str | None
) -> None:
    if layout == "upper-tcvn3":
        column = [_mangle(w.upper(), "tcvn3") for w in _WORDS[:4]] + column[:3]
    elif layout != "mixed":  # mostly one encoding, as a real column is
        column = [_mangle(w, layout) for w in _WORDS] * 2 + column[:3]
    want, want_det = pvn.repair_texts(column, encoding=forced)
    texts, counts = _distinct(column)
    fixed, det = pvn.repair_distinct(texts, counts, encoding=forced, sample=None)
    got = [dict(zip(texts, fixed, strict=True))[v] for v in column]
    assert got == want
    assert det == want_det
    # A sample as large as the column changes nothing.
    assert pvn.repair_distinct(texts, counts, encoding=forced, sample=len(texts)) == (fixed, det)


@pytest.mark.parametrize("layout", ["unicode", "tcvn3", "vni"])
def testrepair_distinct_sampled_decision(layout: str) -> None:
    column = [_mangle(f"{w} {i}", layout) for i in range(60) for w in _WORDS[:5]]
    want, want_det = pvn.repair_texts(column)
    texts, counts = _distinct(column)
    fixed, det = pvn.repair_distinct(texts, counts, sample=20)
    assert [dict(zip(texts, fixed, strict=True))[v] for v in column] == want
    assert det.encoding == want_det.encoding
    if layout != "unicode":  # a legacy decision is confirmed on every value: same note
        assert det == want_det


@settings(max_examples=150, deadline=None)
@given(values=st.lists(_cells, max_size=30))
def test_per_value_equals_per_row(values: list[object]) -> None:
    for func in (cell_text, try_parse_area, canonical._text_bare_name, repr):
        want = [func(v) for v in values]
        got = per_value(values, func)
        assert [repr(x) for x in got] == [repr(x) for x in want]
    texts = [cell_text(v) for v in values]
    assert per_value(texts, split_location) == [split_location(t) for t in texts]


def _split_location_per_row(value: str, gdf: gpd.GeoDataFrame, i: int) -> str:
    """The per-row reference (the implementation before per-distinct-value work)."""
    import re

    from planning.text.names import split_admin_prefix

    if not value:
        return ""
    parts = [p.strip() for p in re.split(r"[,;]\s*", value) if p.strip()]
    if len(parts) == 1:
        return split_admin_prefix(value)[1]
    commune = ""
    for part in parts:
        kind, bare = split_admin_prefix(part)
        if kind in {"xã", "phường", "thị trấn"} and not commune:
            commune = bare
        elif kind in {"huyện", "quận", "thị xã"} and not cell_text(gdf["district_vi"].iloc[i]):
            gdf.loc[gdf.index[i], "district_vi"] = bare
    return commune or split_admin_prefix(parts[0])[1]


@settings(max_examples=100, deadline=None)
@given(
    rows=st.lists(
        st.tuples(st.sampled_from(_WORDS), st.sampled_from(["", "Gia Lâm", None, "huyện Ba Vì"])),
        min_size=1,
        max_size=20,
    )
)
def test_split_locations_equals_per_row(rows: list[tuple[str, str | None]]) -> None:
    communes = [cell_text(c) for c, _ in rows]
    frame = pd.DataFrame({"district_vi": pd.Series([d for _, d in rows], dtype=object)})
    want_frame = frame.copy()
    want = [_split_location_per_row(c, want_frame, i) for i, c in enumerate(communes)]
    got = split_locations(communes, frame)
    assert got == want
    assert [cell_text(v) for v in frame["district_vi"]] == [
        cell_text(v) for v in want_frame["district_vi"]
    ]


def test_read_layer_repeated_cells_equal_per_row(tmp_path: Path) -> None:
    """Many rows sharing a few location and area cells read as each row alone would."""
    n = 60
    locations = ["xã Phùng Xá, huyện Thạch Thất", "TT. Liên Quan", ""]
    df = pd.DataFrame(
        {
            "ma": [f"C{i}" for i in range(n)],
            "ten": [_mangle(f"CCN Phùng Xá {i}", "tcvn3") for i in range(n)],
            "xa": [_mangle(locations[i % 3], "tcvn3") for i in range(n)],
            "huyen": ["", "H. Thạch Thất", "Thạch Thất"] * (n // 3),
            "dien_tich": ["khoảng 20 ha", "12,5", 7.0] * (n // 3),
            "lon": [LON + 0.01 * (i % 10) for i in range(n)],
            "lat": [LAT + 0.01 * (i // 10) for i in range(n)],
        }
    )
    path = tmp_path / "many.csv"
    df.to_csv(path, index=False)
    out = read_layer(path)
    assert list(out["name_vi"][:2]) == ["CCN Phùng Xá 0", "CCN Phùng Xá 1"]
    assert list(out["commune_vi"][:3]) == ["Phùng Xá", "Liên Quan", ""]
    assert set(out["district_vi"]) == {"Thạch Thất"}
    assert list(out["declared_ha"][:3]) == [20.0, 12.5, 7.0]
    assert list(out["area_qualifier"][:3]) == ["about", "", ""]
    assert any("decoded from tcvn3" in note for note in out.attrs["notes"])
    bad = df.assign(dien_tich=["12", "x ha", "y"] * (n // 3))
    bad.to_csv(path, index=False)
    with pytest.raises(PlanDataError, match=r"row 2.*declared_ha.*unreadable area: 'x ha'"):
        read_layer(path)
