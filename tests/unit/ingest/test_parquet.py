"""The Parquet reader: rows mapped like JSON records, bad rows and broken files reported by name."""

from __future__ import annotations

import datetime as dt
import io

import pyarrow as pa
import pyarrow.parquet as pq

from storyweave.config import IngestOptions
from storyweave.ingest.base import InputDocument
from storyweave.ingest.registry import pick_reader, read_document
from storyweave.records import ArticleDraft, DocumentError

BODY = "The council voted on Tuesday to close the bridge for repairs, officials said. " * 3


def _parquet(rows: list[dict]) -> bytes:
    buffer = io.BytesIO()
    pq.write_table(pa.Table.from_pylist(rows), buffer)
    return buffer.getvalue()


def _read(data: bytes, name: str = "shard.parquet") -> list:
    from pathlib import Path

    document = InputDocument(source=name, data=data, path=Path(name))
    return list(read_document(document, IngestOptions()))


def test_rows_become_articles_with_mapped_fields():
    when = dt.datetime(2024, 12, 5, 14, 30)
    data = _parquet([
        {"body": BODY, "headline": "Bridge to close", "link": "https://www.example.com/a", "published_at": when},
        {"body": BODY + " More.", "headline": "Second", "link": "https://www.example.com/b", "published_at": when},
    ])
    results = _read(data)
    assert [type(r) for r in results] == [ArticleDraft, ArticleDraft]
    first = results[0]
    assert first.source == "shard.parquet[0]" and first.reader == "parquet"
    assert first.metadata.title == "Bridge to close"
    assert first.metadata.url == "https://www.example.com/a"
    assert first.metadata.published.startswith("2024-12-05T14:30")


def test_sniffed_by_magic_without_suffix():
    document = InputDocument(source="upload", data=_parquet([{"text": BODY}]))
    assert pick_reader(document).name == "parquet"


def test_a_row_without_text_is_an_error_naming_the_row_and_the_rest_are_read():
    results = _read(_parquet([{"text": BODY, "title": "ok"}, {"text": None, "title": "no body"}]))
    assert isinstance(results[0], ArticleDraft)
    assert isinstance(results[1], DocumentError)
    assert results[1].source == "shard.parquet[1]" and "no text" in results[1].reason


def test_a_broken_file_is_one_error_with_its_reason():
    results = _read(b"PAR1 garbage that only looks like parquet PAR1")
    assert len(results) == 1 and isinstance(results[0], DocumentError)
    assert results[0].source == "shard.parquet"
    assert "not a readable Parquet file" in results[0].reason
    assert results[0].content_sha256
