"""JSON and JSON Lines dumps: one article per object.

Accepted shapes: one object, an array of objects, an object wrapping such an
array (``{"articles": [...]}``, ``{"response": {"docs": [...]}}``), and
``.jsonl``/``.ndjson`` with one object per line. Which keys hold the text,
title, URL and so on comes from ``IngestOptions.json_fields`` (first key
present wins). A bad line or record becomes a ``DocumentError`` naming it
(``path:LINE`` or ``path[INDEX]``); the others are still read.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from storyweave.config import IngestOptions
from storyweave.errors import BadDocument
from storyweave.ingest.base import InputDocument, ReadResult, text_too_long
from storyweave.ingest.decoding import decode_text
from storyweave.records import ArticleDraft, DocumentError, DocumentMetadata

logger = logging.getLogger(__name__)

_LINE_SUFFIXES = (".jsonl", ".ndjson", ".jsonlines")
_SUFFIXES = (".json", *_LINE_SUFFIXES)

#: Keys that commonly wrap a list of articles, tried before any other list.
_WRAPPER_KEYS = (
    "articles",
    "items",
    "data",
    "results",
    "documents",
    "docs",
    "records",
    "entries",
    "hits",
    "response",
)

_METADATA_FIELDS = ("title", "url", "outlet", "published", "author", "language")


class JsonReader:
    """Reads JSON documents and JSON Lines files of article records."""

    name = "json"
    container = True

    def sniff(self, document: InputDocument) -> bool:
        """Suffix ``.json``/``.jsonl``/``.ndjson``, or bytes that open like a JSON object or array."""
        if document.suffixes.endswith(_SUFFIXES):
            return True
        head = document.data[:512].lstrip(b"\xef\xbb\xbf \t\r\n")
        if head[:1] == b"{":
            return head[1:].lstrip()[:1] in (b'"', b"}")
        if head[:1] == b"[":
            return head[1:].lstrip()[:1] in (b"{", b"]")
        return False

    def read(self, document: InputDocument, options: IngestOptions) -> Iterator[ReadResult]:
        """Yield one draft per record, and a ``DocumentError`` per record that cannot be read."""
        text = decode_text(document.data, document.source)
        if document.suffixes.endswith(_LINE_SUFFIXES):
            yield from self._read_lines(text, document, options)
            return
        try:
            value = json.loads(text)
        except json.JSONDecodeError as error:
            if error.msg == "Extra data":  # several values one after another: JSON Lines
                yield from self._read_lines(text, document, options)
                return
            raise BadDocument(
                document.source,
                f"not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}",
            ) from None
        except RecursionError:
            raise BadDocument(document.source, "not readable JSON: nested too deeply") from None
        records = _find_records(value, options)
        if isinstance(records, list) and not records:
            raise BadDocument(document.source, "an empty JSON array: no article records")
        if records is None:
            raise BadDocument(
                document.source,
                "no article records found: expected an object with a text field, an array of objects, "
                'or an object wrapping one ({"articles": [...]}); map other keys with --field text=KEY',
            )
        if isinstance(records, dict):
            yield read_record(records, document.source, document, options, self.name)
            return
        for index, record in enumerate(records):
            yield read_record(record, f"{document.source}[{index}]", document, options, self.name)

    def _read_lines(self, text: str, document: InputDocument, options: IngestOptions) -> Iterator[ReadResult]:
        for number, line in enumerate(text.split("\n"), start=1):
            if not line.strip():
                continue
            source = f"{document.source}:{number}"
            try:
                record = json.loads(line)
            except json.JSONDecodeError as error:
                yield DocumentError(
                    source=source,
                    reason=f"line {number} is not valid JSON: {error.msg} at column {error.colno}",
                    reader=self.name,
                )
                continue
            except RecursionError:
                yield DocumentError(
                    source=source, reason=f"line {number} is nested too deeply", reader=self.name
                )
                continue
            yield read_record(record, source, document, options, self.name)


def read_record(
    record: Any, source: str, document: InputDocument, options: IngestOptions, reader: str = JsonReader.name
) -> ReadResult:
    """Turn one parsed record (a JSON object, a Parquet row) into a draft, or an error that says what is wrong."""
    if not isinstance(record, dict):
        return DocumentError(
            source=source, reason=f"expected a JSON object, got {_json_type(record)}", reader=reader
        )
    fields = options.json_fields
    found = {ours: _field(record, fields.get(ours, ())) for ours in _METADATA_FIELDS}
    metadata = document.metadata.merged_over(
        DocumentMetadata(
            title=_as_text(found["title"]),
            url=_as_text(found["url"]),
            outlet=_as_name(found["outlet"]),
            published=_as_date(found["published"]),
            author=_as_names(found["author"]),
            language=_as_text(found["language"]),
        )
    )
    text, html = (
        without_lone_surrogates(v) if isinstance(v, str) else v
        for v in (_field(record, fields.get("text", ())), _field(record, fields.get("html", ())))
    )
    body = text if isinstance(text, str) and text.strip() else html
    if isinstance(body, str) and len(body.encode("utf-8")) > options.max_document_bytes:
        return DocumentError(
            source=source,
            reason=f"record text is {len(body.encode('utf-8')):,} bytes, over the "
            f"{options.max_document_bytes:,}-byte limit for one document; raise --max-bytes to accept it",
            reader=reader,
        )
    if isinstance(text, str) and text.strip():
        too_long = text_too_long(text.strip())
        if too_long:
            return DocumentError(source=source, reason=too_long, reader=reader)
        return ArticleDraft(source=source, text=text.strip(), metadata=metadata, reader=reader)
    if isinstance(html, str) and html.strip():
        from storyweave.ingest.html import extract_html  # lazy: the HTML reader is a sibling module

        try:
            return extract_html(
                html, source=source, metadata=metadata, reader=reader, min_chars=options.min_text_chars
            )
        except BadDocument as error:
            return DocumentError(source=source, reason=f"html field: {error.reason}", reader=reader)
        except Exception as error:
            logger.exception("%s: internal error in the HTML extractor", source)
            return DocumentError(
                source=source,
                reason=f"internal error in html extraction: {type(error).__name__}: {error}",
                reader=reader,
            )
    keys = ", ".join(fields.get("text", ())) + " or " + ", ".join(fields.get("html", ()))
    present = ", ".join(sorted(map(str, record))[:12]) or "none"
    return DocumentError(
        source=source,
        reason=f"no text: the record has no non-empty string in {keys} (its keys: {present}); "
        "map the right key with --field text=KEY",
        reader=reader,
    )


def _find_records(value: Any, options: IngestOptions, depth: int = 0) -> list | dict | None:
    """The article records in a parsed JSON value: a list, one record (a dict), or None."""
    if isinstance(value, list):
        return value
    if not isinstance(value, dict):
        return None
    text_keys = (*options.json_fields.get("text", ()), *options.json_fields.get("html", ()))
    if any(key in value for key in text_keys):
        return value
    if depth >= 2:
        return None
    candidates = [key for key in _WRAPPER_KEYS if key in value]
    candidates += [key for key, item in value.items() if isinstance(item, list) and key not in candidates]
    for key in candidates:
        item = value[key]
        if isinstance(item, list) and any(isinstance(record, dict) for record in item):
            return item
        if isinstance(item, dict):
            found = _find_records(item, options, depth + 1)
            if found is not None:
                return found
    return None


def without_lone_surrogates(text: str) -> str:
    """``text`` with each lone surrogate ("\\ud800" in JSON: half a UTF-16 pair, no character)
    replaced by U+FFFD; such a string cannot be encoded, stored or analysed."""
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")


def _field(record: dict, keys: tuple[str, ...]) -> Any:
    for key in keys:
        value = record.get(key)
        if value not in (None, "", [], {}):
            return value
    return None


def _as_text(value: Any) -> str | None:
    if value is None or isinstance(value, (dict, list)):
        return None
    text = without_lone_surrogates(str(value)).strip()
    return text or None


def _as_name(value: Any) -> str | None:
    """An outlet given as a string or as an object with a name (NewsAPI's ``source``)."""
    if isinstance(value, dict):
        value = value.get("name") or value.get("title")
    return _as_text(value)


def _as_names(value: Any) -> str | None:
    """Authors as one string; lists (of strings or of objects with a name) joined with ", "."""
    if isinstance(value, list):
        names = [_as_name(item) for item in value]
        return ", ".join(name for name in names if name) or None
    return _as_name(value)


def _as_date(value: Any) -> str | None:
    """A date string as given, or a Unix timestamp (seconds or milliseconds) as ISO 8601 UTC."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        seconds = value / 1000 if abs(value) > 1e11 else value
        try:
            return datetime.fromtimestamp(seconds, tz=UTC).isoformat()
        except (OverflowError, OSError, ValueError):
            return None
    if isinstance(value, dict):  # MongoDB exports: {"$date": "..."}
        return _as_date(value.get("$date"))
    return _as_text(value)


def _json_type(value: Any) -> str:
    names = {list: "an array", str: "a string", bool: "a boolean", int: "a number", float: "a number"}
    return "null" if value is None else names.get(type(value), type(value).__name__)
