"""Text encodings of user files: decoding a text table, repairing legacy-encoded columns.

Planners' files come in UTF-8, Windows-1258, or the legacy font encodings TCVN3 (ABC) and
VNI, often mixed with UTF-8 read as Windows-1252 (mojibake). :func:`decode_bytes` decodes a
text table: UTF-8 when it is, a UTF-8 file with a few damaged bytes kept so that
:func:`raise_bad_utf8` can name the row and field, otherwise a single-byte code page.
:func:`repair_frame_text` then repairs column names and every text column, once per distinct
value, with the encoding :func:`planning.text.legacy.repair_distinct` detects, and leaves
a column as read (with a :class:`~planning.errors.LegacyEncodingWarning`) when no encoding
fits it well enough (:data:`LEGACY_MIN_CONFIDENCE`).
"""

from __future__ import annotations

import codecs
import re
import warnings
from typing import TYPE_CHECKING, Any

from planning.errors import LegacyEncodingWarning
from planning.i18n import message
from planning.readers._context import ReadContext
from planning.readers.values import object_array, object_series
from planning.text.legacy import detect_encoding, repair_distinct, repair_texts

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "LEGACY_MIN_CONFIDENCE",
    "decode_bytes",
    "likely_legacy",
    "raise_bad_utf8",
    "repair_frame_text",
]

#: Below this confidence a detected legacy encoding (TCVN3, VNI, Windows-1258, UTF-8 read
#: as Windows-1252) is not applied: the column is left as read, with a
#: :class:`LegacyEncodingWarning`. :func:`planning.text.legacy.detect_encoding` scores a
#: decoding validity x gain x (1 - 0.5^n) over n words, so one word decoded perfectly
#: scores 0.5 and two 0.75; under 0.5, most words are still not Vietnamese syllables with
#: the best decoding, or it gains little over the text as read: a guess, not a finding
#: (a UTF-8 file with one bad byte scored 0.08 as TCVN3 and came out garbled).
LEGACY_MIN_CONFIDENCE = 0.5


def likely_legacy(texts: list[str]) -> str | None:
    """Return the legacy encoding that text read as Latin-1 is likely in, or None if unsure.

    Parameters
    ----------
    texts
        Values whose bytes were read as Latin-1 (each character one byte).

    Returns
    -------
    str or None
        ``"cp1258"``, ``"tcvn3"`` or ``"vni"`` when :func:`planning.text.legacy.detect_encoding`
        finds it with a confidence of at least :data:`LEGACY_MIN_CONFIDENCE`; None otherwise
        (a guess is never given as a finding).
    """
    det = detect_encoding(texts)
    if det.encoding in {"cp1258", "tcvn3", "vni"} and det.confidence >= LEGACY_MIN_CONFIDENCE:
        return det.encoding
    return None


def decode_bytes(ctx: ReadContext, data: bytes, encoding: str | None, legacy: str | None) -> str:
    """Decode a text table's bytes.

    With ``legacy`` the bytes are read as Latin-1, to be decoded column by column later; with
    ``encoding`` they must be in it. Otherwise UTF-8 (with or without BOM); a file that is
    UTF-8 but for a few bytes is kept with each bad byte marked, for :func:`raise_bad_utf8`
    (``ctx.bad_utf8``); anything else is read as Windows-1252 (Latin-1 when that fails) and
    left to :func:`repair_frame_text`.
    """
    if legacy:
        return data.decode("latin-1")
    if encoding:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError as exc:
            raise _forced_decode_error(ctx, data, encoding, exc) from None
    wide = _decode_wide(ctx, data)
    if wide is not None:
        return wide
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        first_bad = exc.start
    text = data.decode("utf-8-sig", errors="surrogateescape")
    invalid = sum(1 for ch in text if "\udc80" <= ch <= "\udcff")
    valid = sum(1 for ch in text if ord(ch) > 0x7F) - invalid
    if valid > invalid:
        # Mostly UTF-8: a legacy file's high bytes almost never form valid UTF-8
        # sequences, so this is a UTF-8 file with damaged bytes; never guess around them.
        # Each bad byte becomes a private-use character (_BAD_BYTE + byte) to be found
        # again in the parsed table.
        ctx.bad_utf8 = (first_bad, invalid)
        return re.sub("[\udc80-\udcff]", lambda m: chr(_BAD_BYTE + ord(m.group()) - 0xDC00), text)
    ctx.notes.append(
        message("{path}: not UTF-8; read as a single-byte code page", path=str(ctx.path))
    )
    return data.decode("cp1252", errors="strict") if _cp1252_ok(data) else data.decode("latin-1")


#: Byte order marks of the UTF-32 and UTF-16 text Excel writes as "Unicode text" (UTF-32
#: first: its little-endian mark starts with UTF-16's).
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
#: The first bytes of files that are not text tables, and what they are.
_SIGNATURES = (
    (b"PK\x03\x04", ".xlsx"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", ".xls"),
)


def _decode_wide(ctx: ReadContext, data: bytes) -> str | None:
    """Decode UTF-16 or UTF-32 text (Excel's "Unicode text"); None for a file without NUL bytes.

    A byte order mark settles the encoding. Without one, UTF-16 is recognised when every
    second byte is zero for most characters (Latin letters, digits, separators) and the
    others never are; anything else holding NUL bytes is refused: it is not a text table
    in UTF-8 or a Vietnamese code page.
    """
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(codec)
            except UnicodeDecodeError as exc:
                raise ctx.error(
                    message(
                        "the file starts as {codec} text (byte order mark {bom}) but byte "
                        "{at} is not {codec}; save it again from Excel as CSV UTF-8",
                        codec=codec.upper(),
                        bom=bom.hex(" ").upper(),
                        at=exc.start,
                    )
                ) from None
            ctx.notes.append(
                message(
                    "{path}: read as {codec} (byte order mark)",
                    path=str(ctx.path),
                    codec=codec.upper(),
                )
            )
            return text
    sample = data[:4096]
    if b"\x00" not in sample:
        return None
    for magic, suffix in _SIGNATURES:
        if data.startswith(magic):
            raise ctx.error(
                message(
                    "the file is an Excel workbook, not a text table; give it the {suffix} "
                    "suffix, or save it as CSV UTF-8",
                    suffix=suffix,
                )
            )
    wide = _utf16_without_bom(sample, data)
    if wide is not None:
        ctx.notes.append(message("{path}: read as UTF-16 (no byte order mark)", path=str(ctx.path)))
        return wide
    raise ctx.error(
        message(
            "the file holds NUL bytes: it is not a text table in UTF-8 or a Vietnamese code "
            "page; save it again as CSV UTF-8 (in Excel: Save As, CSV UTF-8), or give its "
            "encoding with --encoding"
        )
    )


def _utf16_without_bom(sample: bytes, data: bytes) -> str | None:
    """Return ``data`` decoded as UTF-16 when its bytes leave no doubt, else None."""
    even = sample[0 : len(sample) - len(sample) % 2 : 2]
    odd = sample[1 : len(sample) - len(sample) % 2 : 2]
    if not odd:
        return None
    for zeros, others, codec in ((odd, even, "utf-16-le"), (even, odd, "utf-16-be")):
        if zeros.count(0) >= 0.5 * len(zeros) and others.count(0) == 0:
            try:
                text = data.decode(codec)
            except UnicodeDecodeError:
                return None
            controls = sum(1 for ch in text if ch < " " and ch not in "\t\r\n")
            return text if controls == 0 else None
    return None


#: Code point standing for an undecodable byte b as _BAD_BYTE + b (supplementary
#: private use area B, which no Vietnamese text uses).
_BAD_BYTE = 0x10FE00


def _is_escaped_byte(ch: str) -> bool:
    return _BAD_BYTE + 0x80 <= ord(ch) <= _BAD_BYTE + 0xFF


def _show_bad_bytes(value: str) -> str:
    r"""Return ``value`` quoted, its undecodable bytes written ``\xNN``."""
    shown = "".join(f"\\x{ord(c) - _BAD_BYTE:02x}" if _is_escaped_byte(c) else c for c in value)
    return f"'{shown}'"


def raise_bad_utf8(ctx: ReadContext, data: bytes, frame: pd.DataFrame) -> None:
    """Raise the error for a UTF-8 table with undecodable bytes, naming row and field."""
    assert ctx.bad_utf8 is not None
    first_bad, count = ctx.bad_utf8
    line = data.count(b"\n", 0, first_bad) + 1
    byte = data[first_bad]
    where = message("row {line} of the file", line=line)
    if count > 1:
        where = message("{where} (and {n} more)", where=where, n=count - 1)
    what = message(
        "byte 0x{byte:02x} on {where} is not valid UTF-8, though the rest of the file is; fix "
        "the file, or give its encoding with --encoding (utf-8, cp1258, tcvn3, vni)",
        byte=byte,
        where=where,
    )
    for name in frame.columns:
        if any(_is_escaped_byte(c) for c in str(name)):
            raise ctx.error(
                message("in the header {name}: {what}", name=_show_bad_bytes(str(name)), what=what)
            )
    for j, name in enumerate(frame.columns):
        col = frame.iloc[:, j]
        for i, v in enumerate(col.tolist()):
            if isinstance(v, str) and any(_is_escaped_byte(c) for c in v):
                raise ctx.error(
                    message("{value}: {what}", value=_show_bad_bytes(v), what=what),
                    row=i + 1,
                    field=str(name),
                )
    raise ctx.error(what)


def _cp1252_ok(data: bytes) -> bool:
    try:
        data.decode("cp1252")
    except UnicodeDecodeError:
        return False
    return True


def repair_frame_text(ctx: ReadContext, frame: Any, *, legacy: str | None, forced: bool) -> Any:
    """Repair legacy-encoded text in column names and string columns, in place."""
    geom_name = getattr(frame, "_geometry_column_name", None)
    names = [str(c) for c in frame.columns]
    fixed_names, _ = repair_texts(names, encoding=legacy or ("unicode" if forced else None))
    rename = {old: new for old, new in zip(frame.columns, fixed_names, strict=True) if old != new}
    if rename:
        frame = frame.rename(columns=rename)
        if geom_name in rename:
            frame = frame.set_geometry(rename[geom_name])
    import numpy as np
    import pandas as pd

    for col in frame.columns:
        if col == geom_name:
            continue
        # Work once per distinct string (a column of a million cells often holds a few
        # dozen values); other cells pass through unchanged, as in repair_texts.
        values = object_array(frame[col])
        is_str = np.fromiter((isinstance(v, str) for v in values), dtype=bool, count=len(values))
        if not is_str.any():
            continue
        codes, uniques = pd.factorize(values[is_str])
        counts = np.bincount(codes, minlength=len(uniques))
        fixed, det = repair_distinct(
            list(uniques),
            counts.tolist(),
            encoding=legacy or ("unicode" if forced else None),
        )
        if det.encoding != "unicode" and det.confidence < LEGACY_MIN_CONFIDENCE:
            said = message(
                "{path}: column {column!r} looks mis-encoded, but no legacy encoding fits it "
                "(best {encoding}, confidence {confidence:.2f} < {least}); left as read: give "
                "the file's encoding with --encoding (utf-8, cp1258, tcvn3, vni)",
                path=str(ctx.path),
                column=col,
                encoding=det.encoding,
                confidence=det.confidence,
                least=LEGACY_MIN_CONFIDENCE,
            )
            ctx.notes.append(said)
            warnings.warn(LegacyEncodingWarning(said), stacklevel=2)
            continue
        if det.encoding != "unicode":
            ctx.notes.append(
                message(
                    "{path}: column {column!r} decoded from {encoding} (confidence {confidence:.2f})",
                    path=str(ctx.path),
                    column=col,
                    encoding=det.encoding,
                    confidence=det.confidence,
                )
            )
        if any(f != u for f, u in zip(fixed, uniques, strict=True)):
            out = values.copy()
            out[is_str] = object_array(fixed)[codes]
            frame[col] = object_series(out, frame.index)
    return frame


def _forced_decode_error(
    ctx: ReadContext, data: bytes, encoding: str, exc: UnicodeDecodeError
) -> Exception:
    """Return the error for a table the given encoding cannot decode, naming line and column."""
    line = data.count(b"\n", 0, exc.start) + 1
    start = data.rfind(b"\n", 0, exc.start) + 1
    text = data.decode(encoding, errors="replace")
    header_line = text.splitlines()[0] if text else ""
    sep = max(("\t", ";", ","), key=header_line.count)
    column = data[start : exc.start].decode(encoding, errors="replace").count(sep)
    header = header_line.split(sep)
    field = header[column].strip().strip('"') if 0 <= column < len(header) else None
    return ctx.error(
        message(
            "byte 0x{byte:02x} on row {line} of the file is not valid {encoding}; the file is "
            "in another encoding: give it with --encoding (utf-8, cp1258, tcvn3, vni), or "
            "leave --encoding out to have it detected",
            byte=data[exc.start],
            line=line,
            encoding=encoding,
        ),
        field=field,
    )
