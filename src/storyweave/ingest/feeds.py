"""RSS (0.9x, 1.0, 2.0) and Atom feeds: one article per entry, via feedparser.

Entries carry HTML fragments, not whole pages, so they are turned into text
with html-text (paragraph breaks kept) rather than trafilatura's page
extraction, which would look for a main content block that is not there.
"""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import feedparser
import html_text

from storyweave.config import IngestOptions
from storyweave.errors import BadDocument
from storyweave.ingest.base import InputDocument, ReadResult
from storyweave.records import ArticleDraft, DocumentError, DocumentMetadata

logger = logging.getLogger(__name__)

_SUFFIXES = (".rss", ".atom", ".rdf")
#: The root elements of RSS 0.9x/2.0, RSS 1.0 (RDF) and Atom, after any XML
#: declaration, comments or doctype.
_ROOT = re.compile(rb"<(?:rss|feed|rdf:RDF)[\s>]", re.IGNORECASE)
_TEXT_TYPES = ("text/plain", "text")


class FeedReader:
    """Reads RSS and Atom feeds; each entry becomes one draft."""

    name = "feed"
    container = True

    def sniff(self, document: InputDocument) -> bool:
        """Suffix ``.rss``/``.atom``/``.rdf``, or a feed root element near the start of the bytes."""
        if document.suffixes.endswith(_SUFFIXES):
            return True
        head = document.data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n")
        if not head.startswith(b"<"):
            return False
        match = _ROOT.search(head)
        # An HTML page that quotes "<feed" in a script is not a feed: the root must come before <html.
        html_at = head.lower().find(b"<html")
        return match is not None and (html_at < 0 or match.start() < html_at)

    def read(self, document: InputDocument, options: IngestOptions) -> Iterator[ReadResult]:
        """Yield one draft per entry with text, an error per entry without."""
        # A BytesIO, never bytes: feedparser treats a bytes argument as a file name to open.
        parsed = feedparser.parse(io.BytesIO(document.data), sanitize_html=True, resolve_relative_uris=False)
        entries = parsed.get("entries") or []
        if parsed.get("bozo") and not entries:
            raise BadDocument(document.source, f"not a readable feed: {parsed.get('bozo_exception')}")
        if parsed.get("bozo"):
            logger.info(
                "%s: feed is not well-formed (%s); reading its %d entries anyway",
                document.source,
                parsed.get("bozo_exception"),
                len(entries),
            )
        if not entries:
            logger.info("%s: the feed has no entries", document.source)
            return
        feed = parsed.get("feed") or {}
        site_name = _clean(feed.get("title"))
        language = _clean(feed.get("language"))
        for number, entry in enumerate(entries, start=1):
            yield self._entry(entry, number, document, options, site_name, language)

    def _entry(
        self,
        entry: Any,
        number: int,
        document: InputDocument,
        options: IngestOptions,
        site_name: str | None,
        language: str | None,
    ) -> ReadResult:
        link = _clean(entry.get("link"))
        source = link or f"{document.source}#{number}"
        metadata = document.metadata.merged_over(
            DocumentMetadata(
                url=link,
                title=_clean(entry.get("title")),
                author=_author(entry),
                published=_published(entry),
                site_name=site_name,
                language=language,
            )
        )
        body, body_type = _body(entry)
        if body is None:
            return DocumentError(
                source=source, reason=f"feed entry {number} has no content or summary", reader=self.name
            )
        if len(body.encode("utf-8")) > options.max_document_bytes:
            return DocumentError(
                source=source,
                reason=f"feed entry {number} is over the {options.max_document_bytes:,}-byte limit for one "
                "document; raise --max-bytes to accept it",
                reader=self.name,
            )
        text = body if body_type in _TEXT_TYPES else html_text.extract_text(body, guess_layout=True)
        text = text.strip()
        if not text:
            return DocumentError(source=source, reason=f"feed entry {number} has no text", reader=self.name)
        return ArticleDraft(source=source, text=text, metadata=metadata, reader=self.name)


def _body(entry: Any) -> tuple[str | None, str]:
    """The entry's longest ``content`` value, else its summary, with its MIME type."""
    contents = [item for item in entry.get("content") or [] if _clean(item.get("value"))]
    if contents:
        best = max(contents, key=lambda item: len(item.get("value", "")))
        return best["value"], (best.get("type") or "text/html").lower()
    summary = entry.get("summary")
    if _clean(summary):
        detail = entry.get("summary_detail") or {}
        return summary, (detail.get("type") or "text/html").lower()
    return None, ""


def _published(entry: Any) -> str | None:
    """ISO 8601 from the parsed published (or updated) time; feedparser gives it in UTC."""
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        # dict.get, not entry.get: feedparser's own lookup maps a missing key to
        # another one with a DeprecationWarning.
        value = dict.get(entry, key)
        if value:
            try:
                return datetime(*value[:6], tzinfo=UTC).isoformat()
            except (TypeError, ValueError):
                continue
    return None


def _author(entry: Any) -> str | None:
    names = [_clean(author.get("name")) for author in entry.get("authors") or [] if isinstance(author, dict)]
    names = [name for name in names if name]
    if names:
        return ", ".join(dict.fromkeys(names))
    return _clean(entry.get("author"))


def _clean(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    value = value.strip()
    return value or None
