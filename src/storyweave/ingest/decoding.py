"""Bytes to text, for every reader: detect the encoding, refuse binary junk.

charset-normalizer does the detection; we only add the decision of when the
bytes are not text at all, so the error names the document and the reason.
"""

from __future__ import annotations

import codecs

from charset_normalizer import from_bytes

from storyweave.errors import BadDocument

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


def decode_text(data: bytes, source: str, declared: str | None = None) -> str:
    """Decode ``data`` to ``str``, trying a BOM, UTF-8, a declared charset, then detection.

    Raises ``BadDocument`` for empty input and for bytes that are not text.
    """
    if not data or not data.strip():
        raise BadDocument(source, "empty document: no text to read")
    text = _decode(data, declared)
    if text is None:
        raise BadDocument(source, "not text: the bytes match no known character encoding (binary file?)")
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\t\n\r\f")
    if "\x00" in text or controls > _MAX_CONTROL_SHARE * len(text):
        raise BadDocument(source, "not text: the file holds binary data (control characters)")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _decode(data: bytes, declared: str | None) -> str | None:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                break
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    if declared:
        try:
            return data.decode(declared)
        except (UnicodeDecodeError, LookupError):
            pass
    best = from_bytes(data).best()
    return str(best) if best is not None else None
