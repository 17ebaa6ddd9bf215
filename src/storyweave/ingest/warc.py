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
from collections.abc import Generator, Iterator
from dataclasses import dataclass, field

from fastwarc.warc import ArchiveIterator, WarcRecordType

from storyweave.config import IngestOptions
from storyweave.errors import BadDocument
from storyweave.ingest.base import InputDocument, ReadResult
from storyweave.ingest.decoding import decode_text
from storyweave.records import DocumentError, DocumentMetadata

logger = logging.getLogger(__name__)

_SUFFIXES = (".warc", ".warc.gz")
_HTML_TYPES = ("text/html", "application/xhtml+xml")
#: A WARC record header line, where reading starts again after a broken record.
_RECORD_START = re.compile(rb"WARC/1\.[01]\r\n[!-9;-~]+:")
#: The first bytes of a gzip member (magic number, deflate).
_GZIP_MEMBER = b"\x1f\x8b\x08"
_PIECE = 1 << 16
_CONTENT_LENGTH = re.compile(rb"^content-length:\s*(\d+)\s*$", re.IGNORECASE | re.MULTILINE)


@dataclass
class _Progress:
    """What ``WarcReader.read`` knows as it reads on, run after run of FastWARC."""

    gzipped: bool
    records: int = 0
    errors: int = 0
    last_position: int | None = None  # the last record of the current run
    last_broken: bool = False
    clean_end: bool = False
    skipped: Counter = field(default_factory=Counter)


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
        """Yield a draft per HTML response and an error per broken record, gzip member or cut-short end.

        A damaged record or gzip member costs only itself: FastWARC stops at the
        first one it cannot read, so the reader finds where the damage starts,
        quarantines that stretch as one error (``path@OFFSET``) and starts
        FastWARC again at the next record header or gzip member that reads.
        """
        if not _head(document.data).startswith(b"WARC/"):
            raise BadDocument(
                document.source, "not a WARC file: it does not start with a WARC/1.x record header"
            )
        progress = _Progress(gzipped=document.data[:2] == b"\x1f\x8b")
        start: int | None = 0
        while start is not None:
            start = yield from self._read_from(start, document, options, progress)
        if progress.records == 0 and not progress.errors:
            raise BadDocument(
                document.source, "no WARC records found: the file is empty or not a WARC archive"
            )
        # A truncated last record was reported already; do not report the cut twice.
        if progress.clean_end and progress.last_position is not None and not progress.last_broken:
            problem = _tail_problem(document.data, progress.last_position, progress.gzipped)
            if problem:
                yield DocumentError(source=document.source, reason=problem, reader=self.name)
        if progress.skipped:
            logger.debug(
                "%s: skipped %s",
                document.source,
                ", ".join(f"{n} {why}" for why, n in progress.skipped.items()),
            )

    def _read_from(
        self, start: int, document: InputDocument, options: IngestOptions, progress: _Progress
    ) -> Generator[ReadResult, None, int | None]:
        """Read records from byte ``start`` on; return where to read on after damage, or None at the end."""
        data = document.data
        stream = io.BytesIO(data)
        stream.seek(start)
        iterator = ArchiveIterator(stream, record_types=WarcRecordType.any_type, parse_http=False)
        progress.last_position = None
        good_end = start  # uncompressed: where the last whole record of this run ends
        try:
            for record in iterator:
                position = record.stream_pos
                progress.records += 1
                progress.last_position = position
                progress.last_broken = False
                if not progress.gzipped:
                    end = _record_end(data, position, record.content_length)
                    if end is None:
                        # FastWARC trusts Content-Length and would read on from the
                        # wrong place; the record itself is what is broken.
                        progress.errors += 1
                        yield DocumentError(
                            source=f"{document.source}#{record.record_id or f'@{position}'}",
                            reason=f"broken record: its Content-Length ({record.content_length:,}) does not "
                            "end where the record does; skipped it and read on from the next record",
                            reader=self.name,
                        )
                        return _next_record(data, position + 1)
                    good_end = end
                if record.record_type != WarcRecordType.response:
                    progress.skipped["not a response"] += 1
                    continue
                result = self._response(record, document, options, progress.skipped)
                progress.last_broken = isinstance(result, DocumentError) and result.reason.startswith(
                    "broken record"
                )
                if result is not None:
                    yield result
        except OSError as error:  # how FastWARC reports input it cannot read or decompress
            progress.errors += 1
            damage, resume = self._damage(error, start, good_end, document, progress)
            yield damage
            return resume
        progress.clean_end = True
        return None

    def _damage(
        self, error: OSError, start: int, good_end: int, document: InputDocument, progress: _Progress
    ) -> tuple[DocumentError, int | None]:
        """The error for the damaged stretch FastWARC stopped at, and where to read on (None: nowhere)."""
        data = document.data
        if progress.gzipped:
            hint = progress.last_position if progress.last_position is not None else start
            broken = _broken_member(data, hint if data.startswith(_GZIP_MEMBER, hint) else start)
            resume = _next_member(data, broken + 1) if broken is not None else None
            what = "broken gzip member"
        else:
            broken = good_end
            resume = _next_record(data, broken + 1)
            what = "broken record"
        if broken is None:
            reason = f"archive is broken after the last good record: {error}"
            return DocumentError(source=document.source, reason=reason, reader=self.name), None
        after = (
            f"skipped {resume - broken:,} bytes and read on from the next record"
            if resume is not None
            else "no readable record after it"
        )
        reason = f"{what} at byte {broken:,} ({error}); {after}"
        return DocumentError(source=f"{document.source}@{broken}", reason=reason, reader=self.name), resume

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
            return extract_html(
                html, source=source, metadata=metadata, reader=self.name, min_chars=options.min_text_chars
            )
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


# -- finding the way past damage ----------------------------------------------------


def _record_end(data: bytes, position: int, content_length: int) -> int | None:
    """Where the uncompressed record at ``position`` ends, or None when its block does not end there.

    A block must be followed by CRLF CRLF (or, tolerated, fewer line breaks
    and then the next record or the end of the file). A record cut short by the
    end of the file is not judged here: the truncation checks report it.
    """
    header_end = data.find(b"\r\n\r\n", position)
    if header_end < 0:
        return len(data)
    block_end = header_end + 4 + content_length
    if block_end >= len(data):
        return len(data)
    after = data[block_end : block_end + 16]
    if after.startswith(b"\r\n\r\n"):
        return block_end + 4
    rest = after.lstrip(b"\r\n")
    if rest.startswith(b"WARC/") or (not rest and block_end + len(after) >= len(data)):
        return block_end + len(after) - len(rest)
    return None


def _next_record(data: bytes, start: int) -> int | None:
    """The first WARC record header at or after ``start``, or None."""
    found = _RECORD_START.search(data, start)
    return found.start() if found else None


def _gzip_member(data: bytes, start: int) -> tuple[int | None, bytes]:
    """(where the gzip member at ``start`` ends, or None if it is broken or cut short; its first bytes)."""
    view = memoryview(data)
    decompressor = zlib.decompressobj(31)
    head = b""
    position = start
    pending: bytes | memoryview = b""
    try:
        while not decompressor.eof:
            if not pending:
                if position >= len(data):
                    return None, head
                pending = view[position : position + _PIECE]
                position += len(pending)
            out = decompressor.decompress(pending, _PIECE)  # bounded output: a member may be huge
            if len(head) < 16:
                head += out[: 16 - len(head)]
            pending = decompressor.unconsumed_tail
    except zlib.error:
        return None, head
    return position - len(pending) - len(decompressor.unused_data), head


def _broken_member(data: bytes, start: int) -> int | None:
    """The first gzip member from ``start`` on that does not decompress to a WARC record, or None."""
    position = start
    while position < len(data):
        end, head = _gzip_member(data, position)
        if end is None or not head.startswith(b"WARC/"):
            return position
        position = end
    return None


def _next_member(data: bytes, start: int) -> int | None:
    """The first gzip member at or after ``start`` whose data begins a WARC record, or None."""
    position = data.find(_GZIP_MEMBER, start)
    while position >= 0:
        if _head(data[position : position + 4096]).startswith(b"WARC/"):
            return position
        position = data.find(_GZIP_MEMBER, position + 1)
    return None
