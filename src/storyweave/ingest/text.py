"""Reader for plain-text articles, such as text copied from a web page.

Decoding is shared with the other readers (``decoding.decode_text``); page
furniture is removed line by line (``furniture.filter_furniture``).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator

from storyweave.config import IngestOptions
from storyweave.errors import BadDocument
from storyweave.ingest.base import InputDocument, ReadResult, text_too_long
from storyweave.ingest.decoding import decode_text
from storyweave.ingest.furniture import filter_furniture
from storyweave.records import ArticleDraft, DocumentMetadata

logger = logging.getLogger(__name__)

TEXT_SUFFIXES = (".txt", ".text", ".md")
# Suffixes other readers own; a file named like this is never sniffed as text.
_OTHER_SUFFIXES = (
    ".html",
    ".htm",
    ".xhtml",
    ".json",
    ".jsonl",
    ".ndjson",
    ".xml",
    ".rss",
    ".atom",
    ".warc",
    ".gz",
    ".bz2",
    ".zip",
    ".pdf",
)
_SNIFF_BYTES = 4096
# First non-blank characters that mark markup or data rather than prose.
_MARKUP_START = re.compile(rb"^\s*(?:<[!?a-zA-Z]|[\[{])")
_HTML_INSIDE = re.compile(rb"<(?:html|head|body|div|p|script)\b", re.IGNORECASE)
# A headline: not too long, and not ending like a sentence (a standfirst usually does).
_MAX_TITLE_CHARS = 200
_MAX_TITLE_WORDS = 30


class TextReader:
    """Reads one plain-text article, dropping page furniture (ads, captions, menus)."""

    name = "text"

    def sniff(self, document: InputDocument) -> bool:
        """Text by suffix, or an unknown suffix whose first bytes decode as prose, not markup."""
        suffixes = document.suffixes
        if suffixes.endswith(TEXT_SUFFIXES):
            return True
        if suffixes.endswith(_OTHER_SUFFIXES):
            return False
        head = document.data[:_SNIFF_BYTES]
        if not head.strip() or _MARKUP_START.match(head) or _HTML_INSIDE.search(head):
            return False
        try:
            decode_text(head, document.source, warn=False)  # read() warns, once
        except BadDocument:
            return False
        except UnicodeDecodeError:
            return False
        return True

    def read(self, document: InputDocument, options: IngestOptions) -> Iterator[ReadResult]:
        """Decode, filter furniture and yield one ``ArticleDraft``.

        Raises ``BadDocument`` when the bytes are not text or nothing is left
        after the furniture filter.
        """
        if len(document.data) > options.max_document_bytes:
            raise BadDocument(
                document.source,
                f"file is {len(document.data):,} bytes, over the {options.max_document_bytes:,} byte limit; "
                "raise the limit to accept it",
            )
        text = decode_text(document.data, document.source)
        # Both checks come before the furniture filter: it is the costly step,
        # and its reason ("furniture") would be wrong for a text that is just short.
        too_long = text_too_long(text)
        if too_long:
            raise BadDocument(document.source, too_long)
        if len(text.strip()) < options.min_text_chars:
            raise BadDocument(
                document.source,
                f"too short to be an article: {len(text.strip())} characters of text "
                f"(at least {options.min_text_chars} needed)",
            )
        filtered = filter_furniture(text)
        if len(filtered.text.strip()) < options.min_text_chars:
            raise BadDocument(
                document.source,
                f"no article text left after removing page furniture ({len(filtered.removed)} pieces removed); "
                "check that the file holds an article, not only menus or boilerplate",
            )
        found = DocumentMetadata(title=headline(filtered.text))
        logger.debug("%s: %d furniture pieces removed", document.source, len(filtered.removed))
        yield ArticleDraft(
            source=document.source,
            text=filtered.text,
            metadata=document.metadata.merged_over(found),
            removed=filtered.removed,
            reader=self.name,
        )


def headline(text: str) -> str | None:
    """The first line of ``text`` when it looks like a headline, else None."""
    first = next((line.strip() for line in text.split("\n") if line.strip()), "")
    if not first or len(first) > _MAX_TITLE_CHARS or len(first.split()) > _MAX_TITLE_WORDS:
        return None
    if (
        first.endswith((".", ",", ";", ":"))
        or first.endswith(("”", '"'))
        and first.rstrip('”"').endswith(".")
    ):
        return None
    if "\n" not in text.strip():
        return None  # a one-line text is the article itself
    return first
