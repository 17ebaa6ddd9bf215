"""Bytes to text, for every reader: detect the encoding, repair what is damaged, refuse binary junk.

The order, and why:

1. A byte-order mark says the encoding outright.
2. UTF-16 without a BOM shows as a NUL byte in every other position; read any
   other way, its NULs made the file look binary.
3. NUL bytes are never text: a stray one (or a tail of them left by a crash)
   is dropped with a warning instead of refusing the whole article.
4. Valid UTF-8 is UTF-8.
5. Mostly valid UTF-8 (at least as many bytes in valid multi-byte sequences as
   invalid ones) is UTF-8 with a few damaged bytes. Handing it to detection
   instead turned one bad byte into Mac Roman for the whole file: every ’
   became ‚Äô. Each bad byte on its own is read as Windows-1252, the usual
   stray (a pasted ’ is 0x92; a Latin-1 é is 0xE9), and a cut multi-byte
   sequence becomes U+FFFD; a warning names the document and the count.
6. A charset declared by the caller (HTTP header, <meta>) when it decodes.
7. ASCII with a few isolated non-UTF-8 bytes: the same repair as 5.
8. Otherwise charset-normalizer detects the encoding (Cyrillic, CJK, ...).

Whatever decodes, a share of control characters over 1% means binary data, and
the error names the document and the reason.
"""

from __future__ import annotations

import codecs
import logging
import re

from charset_normalizer import from_bytes

from storyweave.errors import BadDocument

logger = logging.getLogger(__name__)

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

#: Share of control characters (other than tab, newline, carriage return, form
#: feed) above which decoded "text" is taken to be binary data.
_MAX_CONTROL_SHARE = 0.01
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")

#: UTF-16 without a BOM: how many of the bytes on one side must be NUL, and at
#: most how many on the other. ASCII-range text has every high byte NUL; Latin
#: text nearly every one.
_UTF16_NUL_SIDE = 0.6
_UTF16_OTHER_SIDE = 0.05
_UTF16_SAMPLE = 4096

#: Step 7: at most this share of the bytes may be stray (invalid in UTF-8).
_MAX_STRAY_SHARE = 0.02

_HIGH_BYTES = bytes(range(0x80, 0x100))
_ESCAPED = re.compile("[\udc80-\udcff]")
_ESCAPED_PAIR = re.compile("[\udc80-\udcff]{2}")

_REPAIR = "storyweave-utf8-repair"


def _repair_byte(error: UnicodeError) -> tuple[str, int]:
    """Codec error handler: one bad byte read as Windows-1252, a cut sequence as U+FFFD."""
    if not isinstance(error, UnicodeDecodeError):
        raise error
    bad = error.object[error.start : error.end]
    if len(bad) == 1:
        try:
            return bad.decode("cp1252"), error.end
        except UnicodeDecodeError:  # 0x81, 0x8D, 0x8F, 0x90, 0x9D mean nothing in Windows-1252
            pass
    return "\ufffd", error.end


# Registered under our own name; the codecs registry is the way Python lets a
# decoder call back for each bad byte (registering twice replaces the same function).
codecs.register_error(_REPAIR, _repair_byte)


def decode_text(data: bytes, source: str, declared: str | None = None, *, warn: bool = True) -> str:
    """Decode ``data`` to ``str`` (see the module docstring for the order); newlines become ``\\n``.

    Damage that is repaired (bad bytes in UTF-8, NUL bytes) is logged as a
    warning naming ``source``, unless ``warn`` is False (a reader sniffing the
    first bytes). Raises ``BadDocument`` for empty input and for bytes that are
    not text.
    """
    if not data or not data.strip():
        raise BadDocument(source, "empty document: no text to read")
    notes: list[str] = []
    text = _decode(data, declared, notes)
    if text is None:
        raise BadDocument(source, "not text: the bytes match no known character encoding (binary file?)")
    if not text.strip():
        raise BadDocument(source, "not text: the file holds only NUL bytes and spaces (binary data?)")
    controls = len(_CONTROLS.findall(text))
    if controls > _MAX_CONTROL_SHARE * len(text):
        raise BadDocument(source, "not text: the file holds binary data (control characters)")
    if warn:
        for note in notes:
            logger.warning("%s: %s", source, note)
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _decode(data: bytes, declared: str | None, notes: list[str]) -> str | None:
    # 1. A byte-order mark.
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            if encoding == "utf-8-sig":
                data = data[len(bom) :]  # and on to the UTF-8 steps, repair included
                break
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                notes.append(f"damaged {encoding.upper()}: bytes that decode to nothing became U+FFFD")
                return data.decode(encoding, errors="replace")
    # 2. UTF-16 without a BOM.
    wide = _utf16_without_bom(data)
    if wide is not None:
        logger.debug("no byte-order mark, but NUL bytes in every other position: reading as %s", wide)
        even = data[: len(data) - len(data) % 2]
        try:
            return even.decode(wide)
        except UnicodeDecodeError:
            notes.append(f"damaged {wide.upper()}: bytes that decode to nothing became U+FFFD")
            return even.decode(wide, errors="replace")
    # 3. NUL bytes.
    nuls = data.count(0)
    if nuls:
        data = data.replace(b"\x00", b"")
        notes.append(f"dropped {_bytes(nuls)} NUL, which text never holds")
        if not data.strip():
            return ""
    # 4. Valid UTF-8.
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    escaped = data.decode("utf-8", errors="surrogateescape")  # one U+DCxx per invalid byte
    invalid = len(_ESCAPED.findall(escaped))
    high = len(data) - len(data.translate(None, _HIGH_BYTES))
    # 5. Mostly valid UTF-8.
    if invalid <= high - invalid:
        notes.append(
            f"{_bytes(invalid)} not valid UTF-8 in UTF-8 text: each read as Windows-1252, "
            "or replaced by U+FFFD where it cuts a character short"
        )
        return data.decode("utf-8", errors=_REPAIR)
    # 6. The declared charset.
    if declared:
        try:
            return data.decode(declared)
        except (UnicodeDecodeError, LookupError):
            pass
    # 7. ASCII with a few isolated stray bytes.
    if invalid <= _MAX_STRAY_SHARE * len(data) and not _ESCAPED_PAIR.search(escaped):
        notes.append(f"{_bytes(invalid)} not valid UTF-8 in ASCII text: read as Windows-1252")
        return data.decode("utf-8", errors=_REPAIR)
    # 8. Detection.
    best = from_bytes(data).best()
    return str(best) if best is not None else None


def _utf16_without_bom(data: bytes) -> str | None:
    """"utf-16-le" or "utf-16-be" when NUL bytes fill one side of each pair, else None."""
    sample = data[:_UTF16_SAMPLE]
    if len(sample) < 8:
        return None
    even, odd = sample[0::2], sample[1::2]
    even_nuls, odd_nuls = even.count(0) / len(even), odd.count(0) / len(odd)
    if odd_nuls >= _UTF16_NUL_SIDE and even_nuls <= _UTF16_OTHER_SIDE:
        return "utf-16-le"
    if even_nuls >= _UTF16_NUL_SIDE and odd_nuls <= _UTF16_OTHER_SIDE:
        return "utf-16-be"
    return None


def _bytes(count: int) -> str:
    return f"{count:,} byte" if count == 1 else f"{count:,} bytes"
