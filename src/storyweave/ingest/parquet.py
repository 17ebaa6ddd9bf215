"""Parquet files of article records: one article per row.

Columns are mapped like JSON keys (``IngestOptions.json_fields``: the first
non-empty column of ``text``/``content``/``body``... is the text, and so on),
so a Parquet export of a news API and its JSONL twin read the same. Rows are
read one record batch at a time with pyarrow, so a large shard is never held
as Python objects at once. A broken file is a ``BadDocument``; a bad row is a
``DocumentError`` naming it (``path[ROW]``) and the other rows are still read.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from typing import Any

from storyweave.config import IngestOptions
from storyweave.errors import BadDocument
from storyweave.ingest.base import InputDocument, ReadResult
from storyweave.ingest.jsonl import read_record

_MAGIC = b"PAR1"
_BATCH_ROWS = 256


class ParquetReader:
    """Reads Parquet files whose rows are article records."""

    name = "parquet"
    container = True

    def sniff(self, document: InputDocument) -> bool:
        """Suffix ``.parquet``, or the Parquet magic at both ends of the bytes."""
        if document.suffixes.endswith(".parquet"):
            return True
        return document.data[:4] == _MAGIC and document.data[-4:] == _MAGIC

    def read(self, document: InputDocument, options: IngestOptions) -> Iterator[ReadResult]:
        """Yield one draft per row, and a ``DocumentError`` per row that cannot be read."""
        import pyarrow as pa
        import pyarrow.parquet as pq

        try:
            parquet = pq.ParquetFile(io.BytesIO(document.data))
        except (pa.ArrowException, OSError, ValueError) as error:
            raise BadDocument(document.source, f"not a readable Parquet file: {error}") from None
        row = 0
        try:
            for batch in parquet.iter_batches(batch_size=_BATCH_ROWS):
                for record in batch.to_pylist():
                    yield read_record(_plain(record), f"{document.source}[{row}]", document, options, self.name)
                    row += 1
        except (pa.ArrowException, OSError, ValueError) as error:
            # rows already yielded stay read; the rest of the file is lost with a reason
            raise BadDocument(document.source, f"Parquet file broken after row {row}: {error}") from None


def _plain(record: dict[str, Any]) -> dict[str, Any]:
    """Parquet timestamps arrive as datetimes: make them ISO strings like a JSON export's."""
    out = {}
    for key, value in record.items():
        if isinstance(value, dt.datetime):
            value = (value if value.tzinfo else value.replace(tzinfo=dt.UTC)).isoformat()
        elif isinstance(value, dt.date):
            value = value.isoformat()
        elif isinstance(value, bytes):
            value = value.decode("utf-8", errors="replace")
        out[key] = value
    return out
