"""WARC archives (``.warc``, ``.warc.gz``), as in Common Crawl News: one article per HTML response.

FastWARC iterates the records. Each ``response`` record with status 200 and an
HTML content type goes to the HTML extractor; other records are skipped and
counted in a debug log. The crawl date (WARC-Date) is not the publication date,
so ``published`` is left to the page's own metadata.
"""

from __future__ import annotations

import io
import logging
import re
import zlib
from collections import Counter
from collections.abc import Iterator

from fastwarc.warc import ArchiveIterator, WarcRecordType

from storyweave.config import IngestOptions
from storyweave.errors import BadDocument
from storyweave.ingest.base import InputDocument, ReadResult
from storyweave.ingest.decoding import decode_text
from storyweave.records import DocumentError, DocumentMetadata

logger = logging.getLogger(__name__)

_SUFFIXES = (".warc", ".warc.gz")
_HTML_TYPES = ("text/html", "application/xhtml+xml")
_CONTENT_LENGTH = re.compile(rb"^content-length:\s*(\d+)\s*$", re.IGNORECASE | re.MULTILINE)


class WarcReader:
    """Reads WARC files; each HTML response record becomes one draft."""

    name = "warc"
    container = True

    def sniff(self, document: InputDocument) -> bool:
        """Suffix ``.warc``/``.warc.gz``, or bytes (gzipped or not) that start with ``WARC/``."""
        if document.suffixes.endswith(_SUFFIXES):
            return True
        return _head(document.data).startswith(b"WARC/")

    def read(self, document: InputDocument, options: IngestOptions) -> Iterator[ReadResult]:
        """Yield a draft per HTML response, an error per broken record, then one error if the archive is cut short."""
        gzipped = document.data[:2] == b"\x1f\x8b"
        if not _head(document.data).startswith(b"WARC/"):
            raise BadDocument(
                document.source, "not a WARC file: it does not start with a WARC/1.x record header"
            )
        skipped: Counter[str] = Counter()
        last_position: int | None = None
        last_broken = False
        iterator = ArchiveIterator(
            io.BytesIO(document.data), record_types=WarcRecordType.any_type, parse_http=False
        )
        try:
            for record in iterator:
                last_position = record.stream_pos
                last_broken = False
                if record.record_type != WarcRecordType.response:
                    skipped["not a response"] += 1
                    continue
                result = self._response(record, document, options, skipped)
                last_broken = isinstance(result, DocumentError) and result.reason.startswith("broken record")
                if result is not None:
                    yield result
        except OSError as error:  # how FastWARC reports input it cannot read or decompress
            yield DocumentError(
                source=document.source,
                reason=f"archive is broken after the last good record: {error}",
                reader=self.name,
            )
            return
        if last_position is None:
            raise BadDocument(
                document.source, "no WARC records found: the file is empty or not a WARC archive"
            )
        # A truncated last record was reported already; do not report the cut twice.
        problem = None if last_broken else _tail_problem(document.data, last_position, gzipped)
        if problem:
            yield DocumentError(source=document.source, reason=problem, reader=self.name)
        if skipped:
            logger.debug(
                "%s: skipped %s", document.source, ", ".join(f"{n} {why}" for why, n in skipped.items())
            )

    def _response(
        self, record, document: InputDocument, options: IngestOptions, skipped: Counter
    ) -> ReadResult | None:
        """One response record: a draft, an error, or None when it is skipped."""
        record_id = record.record_id or f"@{record.stream_pos}"
        source = f"{document.source}#{record_id}"
        record.parse_http()
        headers = record.http_headers
        if headers is None or headers.status_code is None:
            return DocumentError(
                source=source, reason="broken record: no HTTP response header (truncated?)", reader=self.name
            )
        if headers.status_code != 200:
            skipped[f"HTTP {headers.status_code}"] += 1
            return None
        content_type = (record.http_content_type or "").lower()
        if content_type not in _HTML_TYPES:
            skipped[content_type or "no content type"] += 1
            return None
        expected = record.content_length
        if expected > options.max_document_bytes:
            return DocumentError(
                source=source,
                reason=f"response is {expected:,} bytes, over the {options.max_document_bytes:,}-byte limit "
                "for one document; raise --max-bytes to accept it",
                reader=self.name,
            )
        payload = record.reader.read()
        if len(payload) < expected:
            return DocumentError(
                source=source,
                reason=f"broken record: payload has {len(payload):,} of {expected:,} bytes (archive truncated?)",
                reader=self.name,
            )
        payload = _decode_content(payload, headers.get("Content-Encoding"))
        if payload is None:
            return DocumentError(
                source=source, reason="broken record: cannot undo its HTTP Content-Encoding", reader=self.name
            )
        metadata = document.metadata.merged_over(DocumentMetadata(url=record.headers.get("WARC-Target-URI")))
        from storyweave.ingest.html import extract_html  # lazy: the HTML reader is a sibling module

        try:
            html: bytes | str = payload
            if record.http_charset:
                # The HTTP header's charset outranks the page's <meta> (HTML standard's order).
                html = decode_text(payload, source, declared=record.http_charset)
            return extract_html(html, source=source, metadata=metadata, reader=self.name)
        except BadDocument as error:
            return DocumentError(source=source, reason=error.reason, reader=self.name)
        except Exception as error:
            logger.exception("%s: internal error in the HTML extractor", source)
            return DocumentError(
                source=source,
                reason=f"internal error in html extraction: {type(error).__name__}: {error}",
                reader=self.name,
            )


def _head(data: bytes) -> bytes:
    """The first bytes of the archive, decompressed if it is gzipped."""
    if data[:2] != b"\x1f\x8b":
        return data[:16]
    try:
        return zlib.decompressobj(31).decompress(data[:4096], 16)
    except zlib.error:
        return b""


def _decode_content(payload: bytes, encoding: str | None) -> bytes | None:
    """Undo gzip/deflate Content-Encoding (Common Crawl stores most payloads decoded already)."""
    encoding = (encoding or "identity").strip().lower()
    if encoding in ("identity", ""):
        return payload
    if encoding in ("gzip", "x-gzip", "deflate"):
        try:
            return zlib.decompress(payload, 47 if encoding != "deflate" else 15)
        except zlib.error:
            try:  # deflate is sent raw by some servers, and "gzip" bodies are sometimes already decoded
                return zlib.decompress(payload, -15)
            except zlib.error:
                return payload if payload.lstrip()[:1] == b"<" else None
    return None


def _tail_problem(data: bytes, last_position: int, gzipped: bool) -> str | None:
    """Why the archive ends badly after its last record, or None.

    FastWARC stops quietly at a truncated end, so the last record is checked by
    hand: a gzip member must end, an uncompressed record must hold all the bytes
    its Content-Length promises.
    """
    tail = data[last_position:]
    if gzipped:
        decompressor = zlib.decompressobj(31)
        try:
            while tail:
                decompressor.decompress(tail)
                if not decompressor.eof:
                    return "archive is truncated: its last gzip member ends early; the records before it were read"
                tail = decompressor.unused_data
                decompressor = zlib.decompressobj(31)
        except zlib.error as error:
            return f"archive is broken after its last readable record: {error}"
        return None
    header_end = tail.find(b"\r\n\r\n")
    match = _CONTENT_LENGTH.search(tail, 0, header_end) if header_end >= 0 else None
    if match is None:
        return "archive is truncated inside a record header; the records before it were read"
    needed = header_end + 4 + int(match.group(1))
    if len(tail) < needed:
        return "archive is truncated inside its last record; the records before it were read"
    if tail[needed:].strip():
        return "archive has data after its last record that is not a WARC record"
    return None
