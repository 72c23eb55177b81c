"""Legacy Vietnamese encodings: TCVN3 (ABC) and VNI tables, decoding, encoding, detection.

Before Unicode, Vietnamese was typed in "font encodings": TCVN 5712:1993 (TCVN3/ABC, the
``.VnTime`` fonts) and VNI-Windows. Shapefiles and spreadsheets from that era still turn
up, and a reader without a ``.cpg`` file decodes their bytes as Windows-1252, which gives
``Th¹ch ThÊt`` for *Thạch Thất*. This module decodes and encodes those tables, and detects
which decoding of a column reads as Vietnamese: each candidate is scored by how many of its
words are well-formed syllables (:func:`planning.text.names.is_vietnamese_syllable`).

Only the standard library is used, so importing it is cheap.
"""

from __future__ import annotations

import contextlib
import functools
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from planning.text.names import (
    ACUTE,
    D_ALIASES,
    DOT_BELOW,
    GRAVE,
    HOOK,
    TILDE,
    TONE_MARKS,
    is_vietnamese_syllable,
    nfc,
)

__all__ = [
    "LEGACY_ENCODINGS",
    "Detection",
    "LegacyEncoding",
    "decode_legacy",
    "detect_encoding",
    "encode_legacy",
    "repair_distinct",
    "repair_text",
    "repair_texts",
]


#: Encodings :func:`decode_legacy` understands: ``tcvn3`` (TCVN 5712:1993, the ABC fonts
#: such as .VnTime; decoded with the full VN1 table, of which the ABC set is a subset),
#: ``vni`` (VNI-Windows fonts such as VNI-Times: a base letter followed by a mark byte),
#: ``cp1258`` (Windows-1258, decomposed tones) and ``utf-8`` (UTF-8 bytes that were
#: decoded as Windows-1252 or Latin-1: ``PhÃ¹ng XÃ¡``).
LEGACY_ENCODINGS = ("tcvn3", "vni", "cp1258", "utf-8")

LegacyEncoding = Literal["tcvn3", "vni", "cp1258", "utf-8"]

# TCVN 5712:1993 (VN1) bytes 0x80-0xFF, from the published chart. Bytes 0x00-0x7F are
# ASCII except the few control positions in _TCVN3_LOW.
_TCVN3_HIGH = (
    "\xc0\u1ea2\xc3\xc1\u1ea0\u1eb6\u1eac\xc8\u1eba\u1ebc\xc9\u1eb8\u1ec6\xcc\u1ec8\u0128"
    "\xcd\u1eca\xd2\u1ece\xd5\xd3\u1ecc\u1ed8\u1edc\u1ede\u1ee0\u1eda\u1ee2\xd9\u1ee6\u0168"
    "\xa0\u0102\xc2\xca\xd4\u01a0\u01af\u0110\u0103\xe2\xea\xf4\u01a1\u01b0\u0111\u1eb0"
    "\u0300\u0309\u0303\u0301\u0323\xe0\u1ea3\xe3\xe1\u1ea1\u1eb2\u1eb1\u1eb3\u1eb5\u1eaf\u1eb4"
    "\u1eae\u1ea6\u1ea8\u1eaa\u1ea4\u1ec0\u1eb7\u1ea7\u1ea9\u1eab\u1ea5\u1ead\xe8\u1ec2\u1ebb\u1ebd"
    "\xe9\u1eb9\u1ec1\u1ec3\u1ec5\u1ebf\u1ec7\xec\u1ec9\u1ec4\u1ebe\u1ed2\u0129\xed\u1ecb\xf2"
    "\u1ed4\u1ecf\xf5\xf3\u1ecd\u1ed3\u1ed5\u1ed7\u1ed1\u1ed9\u1edd\u1edf\u1ee1\u1edb\u1ee3\xf9"
    "\u1ed6\u1ee7\u0169\xfa\u1ee5\u1eeb\u1eed\u1eef\u1ee9\u1ef1\u1ef3\u1ef7\u1ef9\xfd\u1ef5\u1ed0"
)
_TCVN3_LOW = {
    0x01: "\xda", 0x02: "\u1ee4", 0x04: "\u1eea", 0x05: "\u1eec", 0x06: "\u1eee",
    0x11: "\u1ee8", 0x12: "\u1ef0", 0x13: "\u1ef2", 0x14: "\u1ef6", 0x15: "\u1ef8",
    0x16: "\xdd", 0x17: "\u1ef4",
}  # fmt: skip
_TCVN3_DECODE: tuple[str, ...] = tuple(
    _TCVN3_LOW.get(b, chr(b)) if b < 0x80 else _TCVN3_HIGH[b - 0x80] for b in range(256)
)
# Encoding: the letters only (not the bare combining marks at 0xB0-0xB4).
_TCVN3_ENCODE: dict[str, int] = {
    ch: b for b, ch in enumerate(_TCVN3_DECODE) if b >= 0x80 or b in _TCVN3_LOW
}
_TCVN3_ENCODE = {ch: b for ch, b in _TCVN3_ENCODE.items() if not unicodedata.combining(ch)}

# VNI-Windows: a base letter followed by a mark typed in a Windows-1252 position.
# Tone marks (acute, grave, hook, tilde, dot below), lower case; upper case is .upper().
_VNI_TONES = {ACUTE: "ù", GRAVE: "ø", HOOK: "û", TILDE: "õ", DOT_BELOW: "ï"}
# Circumflex + tone on a/e/o, and breve + tone on a.
_VNI_CIRCUMFLEX = {"": "â", ACUTE: "á", GRAVE: "à", HOOK: "å", TILDE: "ã", DOT_BELOW: "ä"}
_VNI_BREVE = {"": "ê", ACUTE: "é", GRAVE: "è", HOOK: "ú", TILDE: "ü", DOT_BELOW: "ë"}
# Letters VNI writes as one byte: ơ, ư, đ, and the i / y forms.
_VNI_SINGLE = {
    "ơ": "ô", "ư": "ö", "đ": "ñ", "í": "í", "ì": "ì", "ỉ": "æ", "ĩ": "ó", "ị": "ò", "ỵ": "î",
}  # fmt: skip


def _build_vni() -> dict[str, str]:
    table: dict[str, str] = {}
    for uni, vni in _VNI_SINGLE.items():
        table[uni] = vni
    for base in "aeouy":
        for tone, mark in _VNI_TONES.items():
            if base == "y" and tone == DOT_BELOW:
                continue  # ỵ is a single byte
            table[nfc(base + tone)] = base + mark
    for base in "aeo":
        for tone, mark in _VNI_CIRCUMFLEX.items():
            table[nfc(base + "\u0302" + tone)] = base + mark
    for tone, mark in _VNI_BREVE.items():
        table[nfc("a\u0306" + tone)] = "a" + mark
    for base, vni in (("ơ", "ô"), ("ư", "ö")):
        for tone, mark in _VNI_TONES.items():
            table[nfc(base + tone)] = vni + mark
    upper = {uni.upper(): vni.upper() for uni, vni in table.items()}
    table.update(upper)
    return table


_VNI_ENCODE: dict[str, str] = _build_vni()  # Unicode letter -> VNI cp1252 text
_VNI_DECODE: dict[str, str] = {vni: uni for uni, vni in _VNI_ENCODE.items() if uni != vni}
# Lenient: an upper-case base with a lower-case mark (typed with Shift on the letter only).
for _uni, _vni in list(_VNI_ENCODE.items()):
    if len(_vni) == 2 and _uni.isupper():
        _VNI_DECODE.setdefault(_vni[0] + _vni[1].lower(), _uni)
del _uni, _vni
_VNI_PATTERN = re.compile(
    "|".join(re.escape(k) for k in sorted(_VNI_DECODE, key=len, reverse=True))
)

# Windows-1252 characters for bytes 0x80-0x9F, to recover the bytes of mis-decoded text.
_CP1252_REVERSE: dict[str, int] = {}
for _b in range(0x80, 0xA0):
    with contextlib.suppress(UnicodeDecodeError):
        _CP1252_REVERSE[bytes([_b]).decode("cp1252")] = _b
del _b


def _as_bytes(text: str) -> bytes | None:
    """Recover the bytes of text that was decoded as Latin-1 or Windows-1252."""
    out = bytearray()
    for ch in text:
        o = ord(ch)
        if o < 256:
            out.append(o)
        elif ch in _CP1252_REVERSE:
            out.append(_CP1252_REVERSE[ch])
        else:
            return None
    return bytes(out)


def _shout_fix(text: str) -> str:
    """Upper-case text typed in an upper-case ABC font (``.VnTimeH``): ``HÀ NộI``."""
    ascii_letters = [ch for ch in text if ch.isascii() and ch.isalpha()]
    if len(ascii_letters) >= 3 and all(ch.isupper() for ch in ascii_letters):
        return text.upper()
    return text


def decode_legacy(data: bytes | str, encoding: LegacyEncoding) -> str:
    """Decode legacy-encoded Vietnamese into NFC Unicode.

    Parameters
    ----------
    data
        The raw bytes, or text that was wrongly decoded as Latin-1 or Windows-1252 (the
        way a shapefile reader without a ``.cpg`` file decodes a TCVN3 DBF).
    encoding
        One of :data:`LEGACY_ENCODINGS`.

    Returns
    -------
    str
        The text in NFC.

    Raises
    ------
    ValueError
        If ``encoding`` is unknown, ``data`` is text that cannot have come from bytes, or
        the bytes are not valid in ``encoding`` (UTF-8 only).
    """
    if isinstance(data, str):
        raw = _as_bytes(data)
        if raw is None:
            raise ValueError("text has characters that no single-byte code page produces")
    else:
        raw = bytes(data)
    if encoding == "tcvn3":
        return nfc(_shout_fix("".join(_TCVN3_DECODE[b] for b in raw)))
    if encoding == "vni":
        text = raw.decode("cp1252", errors="replace")
        return nfc(_VNI_PATTERN.sub(lambda m: _VNI_DECODE[m.group(0)], text))
    if encoding == "cp1258":
        return nfc(raw.decode("cp1258", errors="replace"))
    if encoding == "utf-8":
        return nfc(raw.decode("utf-8"))
    raise ValueError(f"unknown legacy encoding {encoding!r}; expected one of {LEGACY_ENCODINGS}")


def encode_legacy(text: str, encoding: Literal["tcvn3", "vni"]) -> bytes:
    """Encode Unicode Vietnamese in a legacy font encoding (for tests and exports).

    Parameters
    ----------
    text
        Unicode text (any normalisation form).
    encoding
        ``"tcvn3"`` or ``"vni"``.

    Returns
    -------
    bytes
        The encoded bytes.

    Raises
    ------
    ValueError
        If a character has no code in ``encoding``.
    """
    out = bytearray()
    for ch in nfc(text):
        if ch.isascii():
            out.append(ord(ch))
        elif encoding == "tcvn3" and ch in _TCVN3_ENCODE:
            out.append(_TCVN3_ENCODE[ch])
        elif encoding == "vni" and ch in _VNI_ENCODE:
            out += _VNI_ENCODE[ch].encode("cp1252")
        elif encoding == "vni":
            try:
                out += ch.encode("cp1252")
            except UnicodeEncodeError:
                raise ValueError(f"{ch!r} cannot be encoded in VNI") from None
        else:
            raise ValueError(f"{ch!r} cannot be encoded in {encoding}")
    return bytes(out)


@dataclass(frozen=True)
class Detection:
    """What :func:`detect_encoding` found.

    Attributes
    ----------
    encoding
        ``"unicode"`` when the text is already right, else one of
        :data:`LEGACY_ENCODINGS`.
    confidence
        From 0 (a guess) to 1 (certain). Text with no non-ASCII letters gives 1 for
        ``"unicode"``: there is nothing to repair.
    evidence
        How many words with non-ASCII characters the decision rests on.
    """

    encoding: str
    confidence: float
    evidence: int


_SPLIT = re.compile(r"[\s!-/:-@\[-`{-~]+")


_VN_MARKS = TONE_MARKS | {"\u0302", "\u0306", "\u031b"}
_OK_SYMBOLS = frozenset("\u00a0\u2013\u2014\u2018\u2019\u201c\u201d\u2026\u00b0\u00b2\u00b3")


@functools.lru_cache(maxsize=4096)
def _is_vn_char(ch: str) -> bool:
    """Return True for ASCII, Vietnamese letters, combining Vietnamese marks, common symbols."""
    if ch.isascii() or ch in _OK_SYMBOLS or ch in _VN_MARKS or ch in "đĐ":
        return True
    d = unicodedata.normalize("NFD", ch)
    return d[0].isascii() and d[0].isalpha() and all(m in _VN_MARKS for m in d[1:])


def _score(text: str) -> tuple[int, int, int, int]:
    """Return (good words, bad words, non-Vietnamese characters, words with non-ASCII)."""
    good = bad = nonascii = 0
    for word in _SPLIT.split(text):
        if not word or word.isascii():
            continue
        nonascii += 1
        if is_vietnamese_syllable(word):
            good += 1
        else:
            bad += 1
    junk = sum(1 for ch in text if not _is_vn_char(ch))
    return good, bad, junk, nonascii


def _candidates(text: str) -> dict[str, str]:
    out = {"unicode": nfc(text.translate(D_ALIASES))}
    if text.isascii():
        return out
    raw = _as_bytes(text)
    if raw is None:
        return out
    for enc in LEGACY_ENCODINGS:
        try:
            out[enc] = decode_legacy(raw, enc)  # type: ignore[arg-type]
        except (ValueError, UnicodeDecodeError):
            continue
    return out


def _detect(text: str) -> tuple[Detection, dict[str, str]]:
    cands = _candidates(text)
    scores = {enc: _score(t) for enc, t in cands.items()}
    return _decide(scores), cands


def _decide(scores: dict[str, tuple[int, int, int, int]]) -> Detection:
    """Decide as :func:`_detect` does, from the scores of each candidate decoding."""

    def key(enc: str) -> tuple[int, int, int]:
        good, bad, junk, _ = scores[enc]
        return (good - bad, -junk, 1 if enc == "unicode" else 0)

    best = max(scores, key=key)  # ties go to "unicode" (leave the text alone)
    good, bad, _junk, n = scores[best]
    if n == 0:
        return Detection(best, 1.0, 0)
    validity = good / n
    base = scores["unicode"][0] - scores["unicode"][1]
    if best == "unicode":
        others = [g - b for e, (g, b, _, _) in scores.items() if e != "unicode"]
        margin = base - max(others, default=-n)
        confidence = validity * min(1.0, 0.5 + margin / (2 * n))
    else:
        gain = (good - bad) - base
        confidence = validity * min(1.0, gain / n) * (1 - 0.5 ** min(n, 30))
    return Detection(best, round(max(0.0, min(1.0, confidence)), 3), n)


def detect_encoding(text: str | Iterable[str | None]) -> Detection:
    """Detect whether Vietnamese text is mis-decoded legacy text, and which encoding.

    Each candidate decoding (the text as it is, TCVN3, VNI, Windows-1258, UTF-8 read as
    Windows-1252) is scored by how many of its words are well-formed Vietnamese
    syllables; the text is left as it is unless a decoding is strictly better.

    Parameters
    ----------
    text
        One string, or many (a whole column: all values are judged together, which is
        far more reliable than one short name).

    Returns
    -------
    Detection
        The encoding, a confidence in [0, 1] and the number of words weighed.
    """
    joined = text if isinstance(text, str) else "\n".join(t for t in text if t)
    return _detect(joined)[0]


def repair_text(s: str, *, encoding: str | None = None) -> str:
    r"""Return ``s`` as NFC Unicode, decoding TCVN3, VNI, Windows-1258 or UTF-8 mojibake.

    Parameters
    ----------
    s
        Text as read (for example from a DBF decoded as Latin-1).
    encoding
        Force a decoding (one of :data:`LEGACY_ENCODINGS`, or ``"unicode"`` for none);
        by default it is detected.

    Returns
    -------
    str
        The repaired text, NFC. Text that looks right already is only normalised.

    Examples
    --------
    >>> repair_text("Th\xb9ch Th\xcat")  # TCVN3 read as Latin-1
    'Thạch Thất'
    >>> repair_text("PhÃ¹ng XÃ¡")  # UTF-8 read as Windows-1252
    'Phùng Xá'
    """
    if encoding is None:
        det, cands = _detect(s)
        return cands[det.encoding]
    if encoding == "unicode":
        return nfc(s)
    try:
        return decode_legacy(s, encoding)  # type: ignore[arg-type]
    except (ValueError, UnicodeDecodeError):
        return nfc(s)


def repair_texts(
    values: Sequence[str | None], *, encoding: str | None = None
) -> tuple[list[str | None], Detection]:
    """Repair a column of text with one decision for the whole column.

    Parameters
    ----------
    values
        The values (None and non-strings pass through unchanged).
    encoding
        Force a decoding; by default it is detected from all the values together.

    Returns
    -------
    values : list
        The repaired values, NFC.
    detection : Detection
        What was detected (``confidence`` 1 when ``encoding`` was forced).
    """
    texts = [v for v in values if isinstance(v, str)]
    det = (
        detect_encoding(texts)
        if encoding is None
        else Detection(encoding, 1.0, sum(1 for t in texts if not t.isascii()))
    )
    out = [
        _repair_in_column(v, det, detected=encoding is None) if isinstance(v, str) else v
        for v in values
    ]
    return out, det


def _repair_in_column(v: str, det: Detection, *, detected: bool) -> str:
    """Repair one value with its column's decision ``det``.

    One decision for the column, but when it was ``detected`` (not forced) never make a
    value clearly worse: such a value is only normalised.
    """
    fixed = repair_text(v, encoding=det.encoding)
    if detected and det.encoding != "unicode":
        before, after = _score(nfc(v)), _score(fixed)
        if after[0] - after[1] < before[0] - before[1]:
            fixed = nfc(v.translate(D_ALIASES))
    return fixed


#: Above this many distinct values, :func:`repair_distinct` decides on a sample of them.
_DETECT_SAMPLE = 10_000


def _detect_distinct(texts: Sequence[str], counts: Sequence[int]) -> Detection:
    """:func:`detect_encoding` of a column given as distinct values and their counts.

    The same decision, confidence and evidence as ``detect_encoding`` of the column with
    each value repeated ``count`` times: scores add up over values, and a decoding is a
    candidate only if it can decode every value.
    """
    pairs = [(t, c) for t, c in zip(texts, counts, strict=True) if t and c > 0]
    if all(t.isascii() for t, _ in pairs):
        return Detection("unicode", 1.0, 0)

    def total(decoded: Iterable[str]) -> tuple[int, int, int, int]:
        g = b = j = n = 0
        for text, (_, c) in zip(decoded, pairs, strict=True):
            sg, sb, sj, sn = _score(text)
            g, b, j, n = g + c * sg, b + c * sb, j + c * sj, n + c * sn
        return g, b, j, n

    scores = {"unicode": total(nfc(t.translate(D_ALIASES)) for t, _ in pairs)}
    raws = [_as_bytes(t) for t, _ in pairs]
    if all(r is not None for r in raws):
        for enc in LEGACY_ENCODINGS:
            try:
                if enc == "tcvn3":
                    plain = ["".join(_TCVN3_DECODE[x] for x in r) for r in raws]  # type: ignore[union-attr]
                    # The upper-case font fix is one decision over the joined column.
                    letters = 0
                    shout = True
                    for text, (_, c) in zip(plain, pairs, strict=True):
                        ascii_letters = [ch for ch in text if ch.isascii() and ch.isalpha()]
                        letters += c * len(ascii_letters)
                        shout = shout and all(ch.isupper() for ch in ascii_letters)
                    shout = shout and letters >= 3
                    decoded = [nfc(t.upper() if shout else t) for t in plain]
                else:
                    decoded = [decode_legacy(r, enc) for r in raws]  # type: ignore[arg-type]
            except (ValueError, UnicodeDecodeError):
                continue
            scores[enc] = total(decoded)
    return _decide(scores)


def repair_distinct(
    texts: Sequence[str],
    counts: Sequence[int],
    *,
    encoding: str | None = None,
    sample: int | None = _DETECT_SAMPLE,
) -> tuple[list[str], Detection]:
    """:func:`repair_texts` of a column of strings given as distinct values and counts.

    Returns the repaired distinct values (in the order given) and the detection: the same
    as ``repair_texts`` of the column with each value repeated ``count`` times. With more
    than ``sample`` distinct values, the encoding is first detected on an evenly spaced
    sample of them; when the sample reads as Unicode that decision stands (its
    confidence and evidence are the sample's), otherwise every value is weighed.
    """
    if encoding is not None:
        det = Detection(encoding, 1.0, sum(c for t, c in zip(texts, counts, strict=True)
                                           if not t.isascii()))  # fmt: skip
    else:
        det = Detection("unicode", 1.0, 0)
        decided = False
        if sample is not None and len(texts) > sample:
            step = len(texts) / sample
            idx = [int(k * step) for k in range(sample)]
            det = _detect_distinct([texts[i] for i in idx], [counts[i] for i in idx])
            decided = det.encoding == "unicode"
        if not decided:
            det = _detect_distinct(texts, counts)
    return [_repair_in_column(v, det, detected=encoding is None) for v in texts], det
