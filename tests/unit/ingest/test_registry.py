"""Reader dispatch and read_document: the right reader, errors instead of exceptions, metadata filled."""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from storyweave.config import IngestOptions
from storyweave.ingest.base import InputDocument, ReadResult
from storyweave.ingest.registry import READERS, pick_reader, read_document
from storyweave.ingest.sources import iter_input_documents
from storyweave.records import ArticleDraft, DocumentError, DocumentMetadata

NO_METADATA = DocumentMetadata()
SEED_OUTLETS = {"000_186d926eac2fcf62.txt": "Al Jazeera", "002_7868c019a8f5e8bf.txt": "NBC News"}

PARAGRAPH = (
    "Opposition fighters entered the central city of Hama on Thursday after days of heavy fighting, "
    "and the army said its units had redeployed outside the city to spare the lives of civilians."
)
HTML = f"<!DOCTYPE html><html><head><title>Hama</title></head><body><article>{('<p>' + PARAGRAPH + '</p>') * 3}</article></body></html>"
RSS = (
    '<?xml version="1.0"?><rss version="2.0"><channel><title>Feed</title>'
    f"<item><title>T</title><link>https://www.cnn.com/a</link><description>{PARAGRAPH}</description></item>"
    "</channel></rss>"
)


def document(data: bytes, name: str | None = None, metadata: DocumentMetadata = NO_METADATA) -> InputDocument:
    return InputDocument(
        source=name or "<stdin>", data=data, path=Path(name) if name else None, metadata=metadata
    )


def test_reader_order():
    assert [reader.name for reader in READERS] == ["warc", "parquet", "feed", "json", "html", "text"]


@pytest.mark.parametrize(
    "data,name,expected",
    [
        (gzip.compress(b"WARC/1.0\r\n", mtime=0), None, "warc"),
        (RSS.encode(), None, "feed"),
        (b'[{"text": "x"}]', None, "json"),
        (HTML.encode(), None, "html"),
        (PARAGRAPH.encode(), None, "text"),
        (b"anything", "notes.txt", "text"),
        (b"", "dump.jsonl", "json"),
    ],
    ids=["warc-gz", "rss", "json", "html", "text", "txt-suffix", "jsonl-suffix"],
)
def test_pick_reader(data, name, expected):
    assert pick_reader(document(data, name)).name == expected


def test_bad_document_becomes_an_error_with_reader_and_hash():
    (error,) = read_document(document(b"{broken json", "x.json"), IngestOptions())
    assert isinstance(error, DocumentError)
    assert error.reader == "json" and error.source == "x.json"
    assert "not valid JSON" in error.reason
    assert error.content_sha256 and len(error.content_sha256) == 64


class ExplodingReader:
    """A reader (of the Reader protocol) that yields one article and then fails unexpectedly."""

    name = "exploding"

    def sniff(self, document: InputDocument) -> bool:
        return True

    def read(self, document: InputDocument, options: IngestOptions) -> Iterator[ReadResult]:
        yield ArticleDraft(source=document.source, text="A resident told Al Jazeera she fled.")
        raise KeyError("boom")


def test_unexpected_exception_becomes_an_internal_error_after_earlier_results(caplog):
    draft, error = read_document(document(b"x", "a.bin"), IngestOptions(), readers=(ExplodingReader(),))
    assert isinstance(draft, ArticleDraft) and draft.metadata.outlet == "Al Jazeera"
    assert isinstance(error, DocumentError)
    assert error.reason == "internal error in exploding reader: KeyError: 'boom'"
    assert "Traceback" in caplog.text


def test_single_document_over_the_limit_is_refused_but_containers_are_not():
    options = IngestOptions(max_document_bytes=100)
    (error,) = read_document(document(HTML.encode(), "page.html"), options)
    assert isinstance(error, DocumentError) and "100-byte limit" in error.reason

    lines = b"\n".join(json.dumps({"text": "Rebels took Hama."}).encode() for _ in range(10))
    results = list(read_document(document(lines, "d.jsonl"), options))
    assert len(results) == 10 and all(isinstance(r, ArticleDraft) for r in results)


def test_drafts_get_outlet_and_given_metadata_wins():
    (entry,) = read_document(document(RSS.encode(), "f.rss"), IngestOptions())
    assert entry.metadata.outlet == "CNN"  # from the entry URL

    given = DocumentMetadata(outlet="Given", published="2024-12-05")
    (page,) = read_document(document(HTML.encode(), "p.html", metadata=given), IngestOptions())
    assert page.metadata.outlet == "Given" and page.metadata.published == "2024-12-05"


def test_seeds_with_sidecar_and_without(seeds_dir: Path, tmp_path: Path):
    options = IngestOptions()
    with_sidecar = [
        result
        for item in iter_input_documents([str(seeds_dir)], options)
        for result in read_document(item, options)
    ]
    assert [d.metadata.outlet for d in with_sidecar] == list(SEED_OUTLETS.values())
    assert all(d.metadata.published == "2024-12-05" for d in with_sidecar)

    for name, outlet in SEED_OUTLETS.items():
        bare = InputDocument(source=name, data=(seeds_dir / name).read_bytes(), path=Path(name))
        (draft,) = read_document(bare, options)
        assert isinstance(draft, ArticleDraft)
        assert draft.metadata.outlet == outlet
