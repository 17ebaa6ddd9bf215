"""The one interface every input format's reader implements.

A reader turns one input document (bytes plus what is known about it) into
zero or more ``ArticleDraft``s. Single-article formats (HTML, plain text)
raise ``BadDocument`` when they cannot read; container formats (JSONL, feeds,
WARC) yield a ``DocumentError`` per broken record and go on with the rest.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator, Optional, Protocol, Union

from storyweave.config import MAX_TEXT_CHARS, IngestOptions
from storyweave.records import ArticleDraft, DocumentError, DocumentMetadata


@dataclass(frozen=True)
class InputDocument:
    """Raw bytes of one input, with its name and the metadata known so far.

    ``metadata`` comes from a sidecar ``metadata.json`` or CLI flags; a reader
    may refine it with what it finds inside the document, but values given
    here win (``DocumentMetadata.merged_over``).
    """

    source: str
    data: bytes
    path: Optional[Path] = None
    metadata: DocumentMetadata = field(default_factory=DocumentMetadata)

    @property
    def suffixes(self) -> str:
        """Lower-case file suffixes (".warc.gz", ".html"), or "" for stdin."""
        name = self.path.name if self.path is not None else self.source
        return "".join(Path(name).suffixes).lower()


ReadResult = Union[ArticleDraft, DocumentError]


class Reader(Protocol):
    """A reader for one input format."""

    #: Short, stable name: "html", "text", "jsonl", "feed", "warc".
    name: str

    def sniff(self, document: InputDocument) -> bool:
        """Return True if this reader should handle the document.

        Decide from the file suffix first, then from the first bytes; never
        parse the whole document here.
        """
        ...

    def read(self, document: InputDocument, options: IngestOptions) -> Iterator[ReadResult]:
        """Yield the articles in the document (and per-record errors).

        Raise ``storyweave.errors.BadDocument`` if the document as a whole
        cannot be read.
        """
        ...


def text_too_long(text: str) -> str | None:
    """Why ``text`` is too long to analyse (over ``config.MAX_TEXT_CHARS``), or None.

    Every reader's text meets this check before it is stored (``pipeline.ingest.checked_result``);
    readers that can, check earlier, before costly steps on a text that is refused anyway.
    """
    if len(text) <= MAX_TEXT_CHARS:
        return None
    return (
        f"text of {len(text):,} characters is longer than the {MAX_TEXT_CHARS:,} characters the analysis "
        "takes; split it into smaller documents"
    )
