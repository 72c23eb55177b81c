"""Vietnamese text: keys, folding, admin prefixes and legacy encodings."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planning.text import legacy, names

NAMES = [
    "Thạch Thất",
    "Phùng Xá",
    "Hoà Lạc",
    "Hòa Lạc",
    "Đông Anh",
    "Ứng Hòa",
    "Quốc Oai",
    "Chương Mỹ",
    "Sóc Sơn",
    "Mê Linh",
    "Phú Xuyên",
    "Thường Tín",
    "Xã Đại Đồng",
    "Cụm công nghiệp Phùng Xá",
    "Ô Diên",
    "Nguyễn Khê",
    "Khuyến Lương",
    "Yên Nghĩa",
    "Đan Phượng",
    "Bắc Từ Liêm",
    "HÀ NỘI",
]

_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


def _cp1258(text: str) -> bytes:
    """Encode like Windows-1258 does: base letters precomposed, tones as combining marks."""
    out = b""
    for ch in unicodedata.normalize("NFC", text):
        d = unicodedata.normalize("NFD", ch)
        tone = "".join(c for c in d if c in _TONES)
        base = unicodedata.normalize("NFC", "".join(c for c in d if c not in _TONES))
        out += (base + tone).encode("cp1258")
    return out


# --- name_key / fold / nfc -----------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Hòa Lạc", "Hoà Lạc"),
        ("Thủy", "Thuỷ"),
        ("Hóa", "Hoá"),
        ("Khoẻ", "Khỏe"),
        ("Huỳnh", "HUỲNH"),
        ("Phùng  Xá", " phùng xá "),
        ("Ðông Anh", "Đông Anh"),  # Icelandic eth from code-page mix-ups
    ],
)
def test_name_key_equal(a: str, b: str) -> None:
    assert names.name_key(a) == names.name_key(b)
    assert names.name_key(unicodedata.normalize("NFD", a)) == names.name_key(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [("Phùng", "Phụng"), ("Đông", "Dông"), ("Thạch", "Thach"), ("Hoà", "Hoa"), ("Ân", "Ấn")],
)
def test_name_key_different(a: str, b: str) -> None:
    assert names.name_key(a) != names.name_key(b)


def test_fold() -> None:
    assert names.fold("Phùng  Xá") == "phung xa"
    assert names.fold("ĐÔNG ANH") == "dong anh"
    assert names.fold("Ứng Hòa") == names.fold("ung hoa")


def test_nfc() -> None:
    assert names.nfc(unicodedata.normalize("NFD", "Thạch Thất")) == "Thạch Thất"


@given(st.text(max_size=40))
@settings(max_examples=200, deadline=None)
def test_keys_never_fail_and_are_idempotent_under_normalisation(s: str) -> None:
    assert names.name_key(s) == names.name_key(unicodedata.normalize("NFD", s))
    assert names.fold(s) == names.fold(names.nfc(s))


@given(st.sampled_from(NAMES))
def test_name_key_ignores_case_and_form(name: str) -> None:
    assert names.name_key(name.upper()) == names.name_key(
        unicodedata.normalize("NFD", name.lower())
    )


# --- split_admin_prefix ------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Xã Phùng Xá", ("xã", "Phùng Xá")),
        ("xã  Phùng Xá", ("xã", "Phùng Xá")),
        ("Phường Cầu Dền", ("phường", "Cầu Dền")),
        ("P. Cầu Dền", ("phường", "Cầu Dền")),
        ("P.Cầu Dền", ("phường", "Cầu Dền")),
        ("Thị trấn Liên Quan", ("thị trấn", "Liên Quan")),
        ("TT Liên Quan", ("thị trấn", "Liên Quan")),
        ("TT. Liên Quan", ("thị trấn", "Liên Quan")),
        ("Quận Hoàn Kiếm", ("quận", "Hoàn Kiếm")),
        ("Huyện Thạch Thất", ("huyện", "Thạch Thất")),
        ("H. Thạch Thất", ("huyện", "Thạch Thất")),
        ("THỊ XÃ Sơn Tây", ("thị xã", "Sơn Tây")),
        ("TX Sơn Tây", ("thị xã", "Sơn Tây")),
        ("Thành phố Hà Nội", ("thành phố", "Hà Nội")),
        ("TP. Hà Nội", ("thành phố", "Hà Nội")),
        ("Thạch Thất", ("", "Thạch Thất")),
        ("Xa La", ("", "Xa La")),  # not "xã La": the diacritics matter
        ("Phường", ("", "Phường")),  # a bare prefix is a name
        ("Tân Xã", ("", "Tân Xã")),
    ],
)
def test_split_admin_prefix(raw: str, expected: tuple[str, str]) -> None:
    assert names.split_admin_prefix(raw) == expected
    assert names.split_admin_prefix(unicodedata.normalize("NFD", raw)) == expected


# --- syllables -----------------------------------------------------------------------


def test_syllables() -> None:
    good = "Thạch Thất Phùng Xá Hoà Hòa Lạc nghiêng gì quyết huỳnh khuếch Khuyến Thuỷ Thủy"
    assert all(names.is_vietnamese_syllable(w) for w in good.split())
    bad = ["Th¹ch", "PhÃ¹ng", "Hoaø", "Quèc", "Meõ", "Sãc", "xyz", "Thaùch"]
    assert not any(names.is_vietnamese_syllable(w) for w in bad)


# --- legacy encodings ------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("encoding", ["tcvn3", "vni"])
def test_encode_decode_round_trip(name: str, encoding: str) -> None:
    raw = legacy.encode_legacy(name, encoding)  # type: ignore[arg-type]
    assert legacy.decode_legacy(raw, encoding) == names.nfc(name)  # type: ignore[arg-type]


def test_tcvn3_known_bytes() -> None:
    # From the TCVN 5712:1993 chart: ạ=B9, ấ=CA, ù=EF, á=B8, đ=AE, Đ=A7, ô=AB.
    assert legacy.encode_legacy("Thạch Thất", "tcvn3") == b"Th\xb9ch Th\xcat"
    assert legacy.encode_legacy("Phùng Xá", "tcvn3") == b"Ph\xefng X\xb8"
    assert legacy.encode_legacy("Đông", "tcvn3") == b"\xa7\xabng"


def test_vni_known_bytes() -> None:
    assert legacy.encode_legacy("Hoà Lạc", "vni").decode("cp1252") == "Hoaø Laïc"
    assert legacy.encode_legacy("Ứng", "vni").decode("cp1252") == "ÖÙng"
    assert legacy.encode_legacy("Đông", "vni").decode("cp1252") == "Ñoâng"


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("encoding", ["tcvn3", "vni", "utf-8", "cp1258"])
@pytest.mark.parametrize("codepage", ["latin-1", "cp1252"])
def test_repair_text_single_values(name: str, encoding: str, codepage: str) -> None:
    if encoding in {"tcvn3", "vni"}:
        raw = legacy.encode_legacy(name, encoding)  # type: ignore[arg-type]
    elif encoding == "utf-8":
        raw = name.encode()
    else:
        raw = _cp1258(name)
    try:
        misread = raw.decode(codepage)
    except UnicodeDecodeError:
        pytest.skip("bytes undefined in this code page")
    assert legacy.repair_text(misread) == names.nfc(name)


@pytest.mark.parametrize("name", NAMES)
def test_repair_text_leaves_unicode_alone(name: str) -> None:
    assert legacy.repair_text(name) == names.nfc(name)
    assert legacy.repair_text(unicodedata.normalize("NFD", name)) == names.nfc(name)
    assert legacy.detect_encoding(name).encoding == "unicode"


def test_detect_confidence() -> None:
    col = [legacy.encode_legacy(n, "tcvn3").decode("latin-1") for n in NAMES]
    det = legacy.detect_encoding(col)
    assert det.encoding == "tcvn3"
    assert det.confidence > 0.9
    assert det.evidence > 20
    assert legacy.detect_encoding("Hello").confidence == 1.0
    assert legacy.detect_encoding(NAMES).encoding == "unicode"


def test_column_decision_resolves_ambiguity() -> None:
    # "Hoà" is valid Unicode, but in a VNI column it is "Hồ".
    col = [legacy.encode_legacy(n, "vni").decode("cp1252") for n in ["Hồ", "Hoà Lạc", "Thạch Thất"]]
    assert col[0] == "Hoà"
    fixed, det = legacy.repair_texts([*col, None])
    assert det.encoding == "vni"
    assert fixed == ["Hồ", "Hoà Lạc", "Thạch Thất", None]


def test_column_decision_never_makes_a_value_worse() -> None:
    fixed, det = legacy.repair_texts(["Hoà", "Quèc Oai", "Th¹ch ThÊt", None])
    assert det.encoding == "tcvn3"
    assert fixed == ["Hoà", "Quốc Oai", "Thạch Thất", None]


def test_tcvn3_upper_case_font() -> None:
    # Typed in .VnTimeH: upper-case glyphs on the lower-case codes.
    assert legacy.decode_legacy(b"H\xb5 N\xe9I", "tcvn3") == "HÀ NỘI"


def test_decode_legacy_rejects() -> None:
    with pytest.raises(ValueError, match="unknown legacy encoding"):
        legacy.decode_legacy(b"x", "koi8")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="single-byte"):
        legacy.decode_legacy("Thạch", "tcvn3")
    with pytest.raises(ValueError, match="cannot be encoded"):
        legacy.encode_legacy("中", "tcvn3")


@given(st.text(max_size=60))
@settings(max_examples=300, deadline=None)
def test_repair_never_fails(s: str) -> None:
    out = legacy.repair_text(s)
    assert isinstance(out, str)
    assert unicodedata.is_normalized("NFC", out)
    _, det = legacy.repair_texts([s, None, s])
    assert 0.0 <= det.confidence <= 1.0


@given(st.binary(max_size=60))
@settings(max_examples=300, deadline=None)
def test_repair_of_random_bytes_never_fails(b: bytes) -> None:
    assert isinstance(legacy.repair_text(b.decode("latin-1")), str)
