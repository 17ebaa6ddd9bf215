"""Typed records that cross stage boundaries.

Every stage takes and returns these dataclasses rather than loose dicts, so a
reader, the store and an export agree on one shape (STYLE rule 4).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional


@dataclass(frozen=True)
class DocumentMetadata:
    """What is known about a document apart from its text.

    Any field may be None; later steps fill the gaps (outlet from the URL's
    domain or from self-references in the text). ``published`` is an ISO 8601
    date or datetime string, as given by the source.
    """

    outlet: Optional[str] = None
    url: Optional[str] = None
    title: Optional[str] = None
    author: Optional[str] = None
    published: Optional[str] = None
    site_name: Optional[str] = None
    language: Optional[str] = None

    def merged_over(self, base: "DocumentMetadata") -> "DocumentMetadata":
        """Return these values, falling back to ``base`` field by field."""
        return DocumentMetadata(
            **{
                name: getattr(self, name) if getattr(self, name) not in (None, "") else getattr(base, name)
                for name in self.__dataclass_fields__
            }
        )


@dataclass(frozen=True)
class RemovedSpan:
    """A piece of page furniture taken out of an article, kept for inspection."""

    text: str
    kind: str  # e.g. "advertisement", "caption", "credit", "related", "share", "footer"


@dataclass(frozen=True)
class ArticleDraft:
    """One article as a reader produced it, before dedup and storage.

    ``source`` names where it came from precisely enough for a person to find
    it again: a path, ``path#record-id`` inside a WARC, ``path:line`` in JSONL,
    a feed entry link, or ``<stdin>``.
    """

    source: str
    text: str
    metadata: DocumentMetadata = field(default_factory=DocumentMetadata)
    removed: tuple[RemovedSpan, ...] = ()
    reader: str = ""  # the name of the reader that produced it ("html", "text", ...)


@dataclass(frozen=True)
class DocumentError:
    """A document that could not be read: where it came from and why."""

    source: str
    reason: str
    reader: str = ""
    content_sha256: Optional[str] = None


@dataclass(frozen=True)
class Article:
    """A stored article. ``duplicate_of`` points at the earlier copy, if any."""

    id: str
    source: str
    text: str
    outlet: Optional[str]
    url: Optional[str]
    title: Optional[str]
    author: Optional[str]
    published: Optional[str]
    site_name: Optional[str]
    language: Optional[str]
    reader: str
    content_hash: str
    duplicate_of: Optional[str] = None
    duplicate_kind: Optional[str] = None  # "exact" or "near"
    similarity: Optional[float] = None
    ingested_at: Optional[str] = None
    removed: tuple[RemovedSpan, ...] = ()


@dataclass(frozen=True)
class QuarantineRecord:
    """A failed document, kept so a person can see what went wrong and retry."""

    id: int
    source: str
    reason: str
    reader: str
    content_sha256: Optional[str]
    created_at: str
