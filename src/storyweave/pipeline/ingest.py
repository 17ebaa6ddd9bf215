"""The ingest stage: inputs → readers → dedup → store, one document at a time.

Each document is written in its own transaction, so a failure or a kill
loses at most the document in flight, and running the same input again finds
every finished document by its key and changes nothing.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field
from typing import BinaryIO, Callable, Iterable, Optional, Sequence

from storyweave.config import IngestOptions
from storyweave.fingerprints import Fingerprint
from storyweave.ingest.base import InputDocument, text_too_long
from storyweave.ingest.dedup import document_key, fingerprint
from storyweave.records import ArticleDraft, DocumentError, DocumentMetadata
from storyweave.store import articles as article_store
from storyweave.store.database import Store

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class IngestEvent:
    """What happened to one document: ingested, duplicate, unchanged or failed."""

    outcome: str
    source: str
    article_id: Optional[str] = None
    duplicate_of: Optional[str] = None
    reason: Optional[str] = None


@dataclass
class IngestReport:
    """Counts for a whole run, plus the failures with their reasons."""

    ingested: int = 0
    duplicates: int = 0
    unchanged: int = 0
    failed: int = 0
    errors: list[DocumentError] = field(default_factory=list)
    article_ids: list[str] = field(default_factory=list)

    def add(self, event: IngestEvent) -> None:
        if event.outcome == "ingested":
            self.ingested += 1
        elif event.outcome == "duplicate":
            self.duplicates += 1
        elif event.outcome == "unchanged":
            self.unchanged += 1
        else:
            self.failed += 1
        if event.article_id and event.outcome in ("ingested", "duplicate"):
            self.article_ids.append(event.article_id)

    @property
    def documents(self) -> int:
        return self.ingested + self.duplicates + self.unchanged + self.failed


EventHandler = Callable[[IngestEvent], None]


def ingest(
    paths: Sequence[str],
    store: Store,
    options: IngestOptions = IngestOptions(),
    overrides: DocumentMetadata = DocumentMetadata(),
    stdin: Optional[BinaryIO] = None,
    on_event: Optional[EventHandler] = None,
) -> IngestReport:
    """Read every document under ``paths`` ("-" is stdin) into ``store``.

    Never raises for a bad document: each one becomes a quarantine record and
    an event with its reason, and the run goes on.
    """
    from storyweave.ingest.registry import read_document
    from storyweave.ingest.sources import iter_input_documents

    report = IngestReport()
    for item in iter_input_documents(paths, options, overrides, stdin=stdin):
        results: Iterable = [item] if isinstance(item, DocumentError) else read_document(item, options)
        for result in results:
            event = store_result(store, result, options, item if isinstance(item, InputDocument) else None)
            report.add(event)
            if isinstance(result, DocumentError):
                report.errors.append(result)
            if on_event is not None:
                on_event(event)
    return report


def store_result(
    store: Store,
    result: ArticleDraft | DocumentError,
    options: IngestOptions,
    document: Optional[InputDocument] = None,
) -> IngestEvent:
    """Write one reader result: an article (deduplicated) or a quarantine record."""
    result = checked_result(result, options, document)
    if isinstance(result, DocumentError):
        return store_error(store, result)
    return store_draft(store, result, options)


def checked_result(
    result: ArticleDraft | DocumentError, options: IngestOptions, document: Optional[InputDocument] = None
) -> ArticleDraft | DocumentError:
    """A draft with too little text, or more than the analysis takes, becomes an error;
    an error gets its document's hash when it lacks one.

    This is the one check every reader's drafts pass (local ingest, ``watch``
    and the batch engine), so the analysis never meets a text over
    ``config.MAX_TEXT_CHARS`` (spaCy's E088).
    """
    if isinstance(result, ArticleDraft):
        too_long = text_too_long(result.text)
        if too_long:
            result = DocumentError(source=result.source, reason=too_long, reader=result.reader)
        elif len(result.text.strip()) < options.min_text_chars:
            result = DocumentError(
                source=result.source,
                reason=f"too little text: {len(result.text.strip())} characters after extraction "
                f"(at least {options.min_text_chars} needed); too short to be an article",
                reader=result.reader,
            )
    if isinstance(result, DocumentError):
        if result.content_sha256 is None and document is not None and result.source == document.source:
            result = DocumentError(
                result.source, result.reason, result.reader, hashlib.sha256(document.data).hexdigest()
            )
    return result


def store_error(store: Store, error: DocumentError) -> IngestEvent:
    """Quarantine one document that could not be read (once, however often it is seen)."""
    with store.write() as conn:
        return write_error(conn, error)


def write_error(conn, error: DocumentError) -> IngestEvent:
    """:func:`store_error` inside the caller's transaction."""
    article_store.add_quarantine(conn, error)
    logger.warning("%s: %s", error.source, error.reason)
    return IngestEvent("failed", error.source, reason=error.reason)


#: Called inside the transaction that stored a new article: (connection, article id, is it a copy).
AlsoWrite = Callable[[object, str, bool], None]


def store_draft(
    store: Store,
    draft: ArticleDraft,
    options: IngestOptions = IngestOptions(),
    *,
    fp: Optional[Fingerprint] = None,
    also_write: Optional[AlsoWrite] = None,
) -> IngestEvent:
    """Store one article unless it is already there; mark copies of earlier articles.

    ``fp`` is the text's fingerprint when a worker computed it already (the
    batch engine); ``also_write`` adds what was computed with it (analysis,
    vector) in the same transaction, so the article never exists without it.
    """
    fp = fp or fingerprint(draft.text)
    with store.write() as conn:
        return write_draft(conn, draft, options, fp=fp, also_write=also_write)


def write_draft(
    conn,
    draft: ArticleDraft,
    options: IngestOptions = IngestOptions(),
    *,
    fp: Optional[Fingerprint] = None,
    also_write: Optional[AlsoWrite] = None,
) -> IngestEvent:
    """:func:`store_draft` inside the caller's transaction (the batch loader writes many per commit).

    Copy detection sees the articles written earlier in the same transaction.
    """
    meta = draft.metadata
    doc_key = document_key(draft.text, meta.url or meta.outlet)
    fp = fp or fingerprint(draft.text)
    existing = article_store.find_by_key(conn, doc_key)
    if existing is not None:
        return IngestEvent("unchanged", draft.source, article_id=existing)
    duplicate = article_store.find_duplicate(conn, fp, options.near_duplicate_threshold)
    article_id = article_store.insert_article(
        conn,
        doc_key=doc_key,
        fp=fp,
        values={
            "source": draft.source,
            "reader": draft.reader or "unknown",
            "outlet": meta.outlet,
            "url": meta.url,
            "title": meta.title,
            "author": meta.author,
            "published": meta.published,
            "site_name": meta.site_name,
            "language": meta.language,
            "text": draft.text,
        },
        removed=draft.removed,
        duplicate=duplicate,
    )
    if also_write is not None:
        also_write(conn, article_id, duplicate is not None)
    if duplicate is not None:
        return IngestEvent("duplicate", draft.source, article_id=article_id, duplicate_of=duplicate.article_id)
    return IngestEvent("ingested", draft.source, article_id=article_id)
