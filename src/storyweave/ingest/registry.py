"""Reader dispatch: pick the reader for a document, run it, never let it raise.

``READERS`` is tried in order and the first whose ``sniff`` says yes reads the
document; plain text comes last and takes whatever is left. ``read_document``
turns every failure into a ``DocumentError`` (a reader's ``BadDocument`` and,
as an "internal error", any other exception) so a batch always goes on, and
fills each draft's missing metadata.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterator, Sequence

from storyweave.config import IngestOptions
from storyweave.errors import BadDocument
from storyweave.ingest.base import InputDocument, Reader, ReadResult
from storyweave.ingest.feeds import FeedReader
from storyweave.ingest.html import HtmlReader
from storyweave.ingest.jsonl import JsonReader
from storyweave.ingest.metadata import complete_metadata
from storyweave.ingest.parquet import ParquetReader
from storyweave.ingest.text import TextReader
from storyweave.ingest.warc import WarcReader
from storyweave.records import ArticleDraft, DocumentError

logger = logging.getLogger(__name__)

#: The readers, in the order their ``sniff`` is asked. Formats with a clear
#: signature come first; text last, as the fallback.
READERS: tuple[Reader, ...] = (
    WarcReader(), ParquetReader(), FeedReader(), JsonReader(), HtmlReader(), TextReader()
)


def pick_reader(document: InputDocument, readers: Sequence[Reader] = READERS) -> Reader:
    """The first reader in ``readers`` that wants the document (the last one if none does)."""
    for reader in readers:
        try:
            if reader.sniff(document):
                return reader
        except Exception:  # a sniff must not stop dispatch; the next reader gets its chance
            logger.exception("%s: the %s reader failed to sniff the document", document.source, reader.name)
    return readers[-1]


def read_document(
    document: InputDocument, options: IngestOptions, readers: Sequence[Reader] = READERS
) -> Iterator[ReadResult]:
    """Read one input document: its drafts (metadata completed) and errors, never an exception.

    Metadata given with the document (sidecar, CLI) wins over what the reader
    found; missing outlets are then inferred (``metadata.complete_metadata``).
    ``readers`` defaults to ``READERS``; pass others to add a format.
    """
    reader = pick_reader(document, readers)
    if not getattr(reader, "container", False) and len(document.data) > options.max_document_bytes:
        yield DocumentError(
            source=document.source,
            reason=f"document is {len(document.data):,} bytes, over the {options.max_document_bytes:,}-byte "
            f"limit for one {reader.name} document; raise --max-bytes to accept it",
            reader=reader.name,
            content_sha256=_sha256(document.data),
        )
        return
    try:
        for result in reader.read(document, options):
            if isinstance(result, ArticleDraft):
                metadata = document.metadata.merged_over(result.metadata)
                if metadata != result.metadata:
                    result = ArticleDraft(
                        source=result.source,
                        text=result.text,
                        metadata=metadata,
                        removed=result.removed,
                        reader=result.reader or reader.name,
                    )
                yield complete_metadata(result)
            elif isinstance(result, DocumentError):
                yield (
                    result
                    if result.reader
                    else DocumentError(result.source, result.reason, reader.name, result.content_sha256)
                )
            else:
                raise TypeError(
                    f"reader yielded {type(result).__name__}, expected ArticleDraft or DocumentError"
                )
    except BadDocument as error:
        yield DocumentError(
            source=error.source or document.source,
            reason=error.reason,
            reader=reader.name,
            content_sha256=_sha256(document.data),
        )
    except Exception as error:
        logger.exception("%s: internal error in the %s reader", document.source, reader.name)
        yield DocumentError(
            source=document.source,
            reason=f"internal error in {reader.name} reader: {type(error).__name__}: {error}",
            reader=reader.name,
            content_sha256=_sha256(document.data),
        )


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
