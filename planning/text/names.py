"""Vietnamese names: normalisation, comparison keys, folding, admin prefixes, syllables.

Names in planning data arrive in every shape: NFC or NFD Unicode, the old (``Hòa``) or new
(``Hoà``) tone-mark placement, with or without an administrative prefix (``Xã Phùng Xá``,
``H. Thạch Thất``). This module turns them into NFC Unicode and gives keys that compare
equal when a Vietnamese reader would say the names are the same. Text still in a
pre-Unicode font encoding (TCVN3/ABC, VNI) is repaired by :mod:`planning.text.legacy`,
which scores its candidate decodings with :func:`is_vietnamese_syllable`.

Only the standard library is used, so importing it is cheap.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = [
    "ACUTE",
    "ADMIN_PREFIXES",
    "DOT_BELOW",
    "D_ALIASES",
    "GRAVE",
    "HOOK",
    "TILDE",
    "TONE_MARKS",
    "fold",
    "is_vietnamese_syllable",
    "name_key",
    "nfc",
    "split_admin_prefix",
]

# Combining tone marks (the five Vietnamese tones other than "ngang", the level tone).
#: Combining grave accent (huyền).
GRAVE = "\u0300"
#: Combining acute accent (sắc).
ACUTE = "\u0301"
#: Combining tilde (ngã).
TILDE = "\u0303"
#: Combining hook above (hỏi).
HOOK = "\u0309"
#: Combining dot below (nặng).
DOT_BELOW = "\u0323"
#: The five combining tone marks.
TONE_MARKS = frozenset({GRAVE, ACUTE, TILDE, HOOK, DOT_BELOW})
# Marks some legacy sources use in place of the Vietnamese ones (Windows-1258 era).
_TONE_ALIASES = {"\u0340": GRAVE, "\u0341": ACUTE, "\u0342": TILDE}

#: ``str.translate`` table: letters that look like Đ/đ and turn up in old data (Icelandic
#: eth from code-page mix-ups) → Đ/đ.
D_ALIASES = str.maketrans({"\u00d0": "\u0110", "\u00f0": "\u0111", "\u0189": "\u0110"})

_WS = re.compile(r"\s+")


def nfc(s: str) -> str:
    """Return ``s`` in Unicode Normalization Form C.

    Parameters
    ----------
    s
        Any text.

    Returns
    -------
    str
        The composed (NFC) form; Vietnamese letters become single code points where
        Unicode has them.
    """
    return unicodedata.normalize("NFC", s)


def _collapse(s: str) -> str:
    return _WS.sub(" ", s).strip()


def name_key(s: str) -> str:
    """Return a key that is equal for names a Vietnamese reader would call the same.

    The key ignores Unicode normalisation (NFC/NFD), the old and new tone-mark placement
    (``Hòa``/``Hoà``, ``Thủy``/``Thuỷ``, ``Hóa``/``Hoá``), letter case and runs of
    whitespace. It keeps every other diacritic (circumflex, breve, horn) and ``đ``, so
    ``Phùng Xá`` and ``Phụng Xá`` stay different.

    Parameters
    ----------
    s
        A name.

    Returns
    -------
    str
        An opaque comparison key (not meant for display).

    Examples
    --------
    >>> name_key("Hòa Lạc") == name_key("HOÀ  LẠC")
    True
    >>> name_key("Thủy") == name_key("Thuỷ")
    True
    """
    text = unicodedata.normalize("NFD", s.translate(D_ALIASES)).casefold()
    out: list[str] = []
    tone = ""
    for ch in text:
        ch = _TONE_ALIASES.get(ch, ch)
        if ch in TONE_MARKS:
            tone = ch
            continue
        if ch.isalpha() or unicodedata.combining(ch):
            out.append(ch)
            continue
        # A syllable ends: put its tone at the end of it.
        if tone:
            out.append(tone)
            tone = ""
        out.append(ch)
    if tone:
        out.append(tone)
    return _collapse("".join(out))


def fold(s: str) -> str:
    """Return ``s`` with every diacritic removed, ``đ`` as ``d``, lower-cased, spaces collapsed.

    Use it for forgiving user searches: ``fold("Phùng Xá") == fold("phung  xa")``. It is
    too coarse to compare official names (``Phùng`` and ``Phụng`` fold alike); use
    :func:`name_key` for that.

    Parameters
    ----------
    s
        Any text.

    Returns
    -------
    str
        Plain lower-case ASCII-like text (non-Latin letters are kept as they are).
    """
    text = unicodedata.normalize("NFD", s.translate(D_ALIASES))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.replace("\u0111", "d").replace("\u0110", "D")
    return _collapse(text.casefold())


#: Administrative prefixes recognised by :func:`split_admin_prefix`: written form (compared
#: by :func:`name_key`, so case, NFC/NFD and tone placement do not matter) → canonical type.
#: Longer forms are tried first. Users may add entries.
ADMIN_PREFIXES: dict[str, str] = {
    "thành phố": "thành phố",
    "thị trấn": "thị trấn",
    "thị xã": "thị xã",
    "phường": "phường",
    "huyện": "huyện",
    "quận": "quận",
    "xã": "xã",
    "tp.": "thành phố",
    "tp": "thành phố",
    "tt.": "thị trấn",
    "tt": "thị trấn",
    "tx.": "thị xã",
    "tx": "thị xã",
    "p.": "phường",
    "h.": "huyện",
    "q.": "quận",
    "x.": "xã",
}


def split_admin_prefix(name: str) -> tuple[str, str]:
    """Split an administrative-unit name into its type prefix and its bare name.

    Parameters
    ----------
    name
        A name such as ``"Xã Phùng Xá"``, ``"TT. Liên Quan"``, ``"H. Thạch Thất"`` or
        ``"Thạch Thất"``.

    Returns
    -------
    tuple of (str, str)
        The canonical type (``"xã"``, ``"phường"``, ``"thị trấn"``, ``"quận"``,
        ``"huyện"``, ``"thị xã"``, ``"thành phố"``, or ``""`` when there is none) and the
        bare name, both NFC with whitespace collapsed.

    Examples
    --------
    >>> split_admin_prefix("Thị trấn  Tây Đằng")
    ('thị trấn', 'Tây Đằng')
    >>> split_admin_prefix("Xa La")
    ('', 'Xa La')
    """
    text = _collapse(nfc(name))
    for written in sorted(ADMIN_PREFIXES, key=len, reverse=True):
        n = len(nfc(written))
        head, rest = text[:n], text[n:]
        if name_key(head) != name_key(written):
            continue
        if written.endswith("."):
            bare = rest.strip()
        elif rest[:1].isspace() or rest[:1] == ".":
            bare = rest.lstrip(". \t").strip()
        else:
            continue
        if bare:
            return ADMIN_PREFIXES[written], bare
    return "", text


# ---------------------------------------------------------------------------------------
# Vietnamese syllables: the yardstick for telling good text from mis-decoded text.
# ---------------------------------------------------------------------------------------

_INITIAL = re.compile(r"(?:ngh|ng|nh|ch|gh|gi|kh|ph|th|tr|qu|[bcdđghklmnprstvx])?")
_FINAL = re.compile(r"(?:ng|nh|ch|[cmnptk])?")
# Vowel nuclei (without tone) by whether a final consonant may, must or must not follow.
_NUCLEI_EITHER = frozenset(
    ["a", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "y", "oa", "oe", "uê", "uy"]
)
_NUCLEI_CLOSED = frozenset(["ă", "â", "iê", "yê", "uô", "ươ", "uyê", "oă", "uâ", "oo"])
_NUCLEI_OPEN = frozenset(
    [
        "ai",
        "ao",
        "au",
        "ay",
        "âu",
        "ây",
        "eo",
        "êu",
        "ia",
        "iu",
        "oi",
        "ôi",
        "ơi",
        "ui",
        "ưi",
        "ưu",
        "ưa",
        "ua",
        "uơ",
        "oai",
        "oay",
        "oeo",
        "uây",
        "uôi",
        "uya",
        "uyu",
        "ươi",
        "ươu",
        "iêu",
        "yêu",
    ]
)
_VOWEL_RUN = re.compile(r"[aăâeêioôơuưy]+")
# Syllables ending in a stop take only the acute or dot-below tone.
_STOPS = frozenset({"c", "ch", "p", "t", "k"})


def _split_tone(word: str) -> tuple[str, str, int]:
    """Return (NFC word without tone, tone mark or "", index of the toned letter or -1).

    Raises ValueError when the word carries more than one tone mark.
    """
    text = unicodedata.normalize("NFD", word.translate(D_ALIASES)).casefold()
    bare: list[str] = []
    tone, pos, letters = "", -1, -1
    for ch in text:
        ch = _TONE_ALIASES.get(ch, ch)
        if ch in TONE_MARKS:
            if tone:
                raise ValueError("more than one tone mark")
            tone, pos = ch, letters
            continue
        if not unicodedata.combining(ch):
            letters += 1
        bare.append(ch)
    return unicodedata.normalize("NFC", "".join(bare)), tone, pos


# Where the tone mark goes inside a nucleus (0-based), when there is a choice. Open
# "oa", "oe", "uy" accept both the old (first vowel) and the new (second vowel) style.
_TONE_SLOT_OPEN: dict[str, frozenset[int]] = {
    "oa": frozenset({0, 1}), "oe": frozenset({0, 1}), "uy": frozenset({0, 1}),
    "uê": frozenset({1}), "uơ": frozenset({1}), "oo": frozenset({0, 1}),
}  # fmt: skip
_TONE_SLOT_TRIPHTHONG = {"uyê": 2}


def _tone_slot_ok(nucleus: str, final: str, slot: int) -> bool:
    if len(nucleus) == 1:
        return slot == 0
    if len(nucleus) == 3:
        return slot == _TONE_SLOT_TRIPHTHONG.get(nucleus, 1)
    if nucleus in _TONE_SLOT_OPEN and not final:
        return slot in _TONE_SLOT_OPEN[nucleus]
    if nucleus in _NUCLEI_OPEN:
        return slot == 0
    return slot == 1


def is_vietnamese_syllable(word: str) -> bool:
    """Return True if ``word`` is spelled like one Vietnamese syllable.

    The test is orthographic, not lexical: an optional initial consonant cluster, a
    vowel nucleus that Vietnamese spelling allows, an optional final consonant that the
    nucleus accepts, and at most one tone mark (only the acute or dot below before a
    final ``c``, ``ch``, ``p`` or ``t``). ``"Thạch"`` and ``"nghiêng"`` pass; ``"Th¹ch"``,
    ``"PhÃ¹ng"``, ``"Hoaø"`` and ``"Quèc"`` (mis-decoded text) do not.

    Parameters
    ----------
    word
        A single word (no spaces).

    Returns
    -------
    bool
        Whether the word is a plausible Vietnamese syllable.
    """
    try:
        bare, tone, tone_pos = _split_tone(word)
    except ValueError:
        return False
    m = _INITIAL.match(bare)
    starts = [m.end()] if m else [0]
    # "gi" and "qu" also read as g/q + vowel ("gì" = g + ì); try the shorter initial too.
    if bare[:2] in {"gi", "qu"}:
        starts.append(1)
    for start in starts:
        run = _VOWEL_RUN.match(bare, start)
        if not run:
            continue
        nucleus = run.group(0)
        if bare[:start] == "qu" and nucleus[0] in "ouư":
            continue
        final_m = _FINAL.fullmatch(bare, run.end())
        if final_m is None:
            continue
        final = final_m.group(0)
        if final:
            ok = nucleus in _NUCLEI_EITHER or nucleus in _NUCLEI_CLOSED
        else:
            ok = nucleus in _NUCLEI_EITHER or nucleus in _NUCLEI_OPEN
        if ok and final in _STOPS and tone not in {"", ACUTE, DOT_BELOW}:
            ok = False
        if ok and tone and not _tone_slot_ok(nucleus, final, tone_pos - start):
            ok = False
        if ok:
            return True
    return False
