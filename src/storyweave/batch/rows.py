"""The batch engine's row: one input record after the per-article stages.

Flat columns only (strings, bytes, numbers; nested values as JSON text), so
the Parquet files read the same from pyarrow, pandas, DuckDB or Spark, and a
row converts back to the ``ArticleDraft``/``DocumentError`` the readers made.
"""

from __future__ import annotations

import json
from typing import Any, Optional

import pyarrow as pa

from storyweave.records import ArticleDraft, DocumentError, DocumentMetadata, RemovedSpan

ARTICLE = "article"
ERROR = "error"

SCHEMA = pa.schema(
    [
        ("shard", pa.int32()),  # position of the shard in the run's input list
        ("row", pa.int64()),  # position of the record in its shard
        ("kind", pa.string()),  # "article" or "error"
        ("source", pa.string()),
        ("reader", pa.string()),
        ("reason", pa.string()),  # errors: why the document could not be read
        ("content_sha256", pa.string()),  # errors: hash of the raw document
        ("text", pa.string()),
        ("outlet", pa.string()),
        ("url", pa.string()),
        ("title", pa.string()),
        ("author", pa.string()),
        ("published", pa.string()),
        ("site_name", pa.string()),
        ("language", pa.string()),
        ("removed", pa.string()),  # JSON [{"kind":..., "text":...}]
        ("article_id", pa.string()),
        ("content_hash", pa.string()),
        ("signature", pa.binary()),  # MinHash signature, little-endian uint64
        ("analyzer", pa.string()),
        ("analysis", pa.string()),  # JSON {table name: [row, ...]} (store.analysis.analysis_rows)
        ("analysis_failed", pa.bool_()),
        ("analysis_failure", pa.string()),  # why the analysis failed (pipeline.analyze.failure_reason)
        ("encoder", pa.string()),
        ("vector", pa.binary()),  # little-endian float32 lead embedding
    ]
)

_META = ("outlet", "url", "title", "author", "published", "site_name", "language")


def row_from_result(result: ArticleDraft | DocumentError, shard: int, row: int) -> dict[str, Any]:
    """A row (per-article columns still empty) for one reader result."""
    out: dict[str, Any] = {name: None for name in SCHEMA.names}
    out.update(shard=shard, row=row, source=result.source, reader=result.reader or None)
    if isinstance(result, DocumentError):
        out.update(kind=ERROR, reason=result.reason, content_sha256=result.content_sha256)
        return out
    meta = result.metadata
    out.update(kind=ARTICLE, text=result.text, **{name: getattr(meta, name) for name in _META})
    out["removed"] = json.dumps([{"kind": s.kind, "text": s.text} for s in result.removed], ensure_ascii=False)
    return out


def draft_of(row: dict[str, Any]) -> ArticleDraft:
    """The reader's draft back from a row."""
    removed = tuple(RemovedSpan(text=s["text"], kind=s["kind"]) for s in json.loads(row["removed"] or "[]"))
    metadata = DocumentMetadata(**{name: row[name] for name in _META})
    return ArticleDraft(source=row["source"], text=row["text"], metadata=metadata, removed=removed,
                        reader=row["reader"] or "")


def error_of(row: dict[str, Any]) -> DocumentError:
    return DocumentError(row["source"], row["reason"], row["reader"] or "", row["content_sha256"])


def captions(row: dict[str, Any]) -> tuple[tuple[int, str], ...]:
    """Photo captions removed from the article, as (position, text): what analysis reads for places."""
    spans = json.loads(row["removed"] or "[]")
    return tuple((i, s["text"]) for i, s in enumerate(spans) if s["kind"] == "caption")


def analysis_of(row: dict[str, Any]) -> Optional[dict[str, list[dict]]]:
    return json.loads(row["analysis"]) if row["analysis"] else None


def to_table(rows: list[dict[str, Any]]) -> pa.Table:
    return pa.Table.from_pylist(rows, schema=SCHEMA)
