"""Loading the batch engine's Parquet rows into a store.

Rows are loaded in input order (shard, then record), whatever order the
engine wrote its files in, so the store ends up as ``storyweave ingest`` +
``analyze`` would leave it: the same ingest order, the same earliest original
for each copy. Each article is written with its analysis and its lead vector
(``pipeline.ingest.write_draft``), several articles to a transaction, and a
row whose article is already stored changes nothing, so loading again, or
after a kill, is safe: a killed load loses at most its open transaction.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from itertools import islice
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional

from storyweave.batch import rows as batch_rows
from storyweave.config import IngestOptions
from storyweave.pipeline.ingest import IngestEvent, IngestReport, write_draft, write_error
from storyweave.store.database import Store

logger = logging.getLogger(__name__)

_READ_ROWS = 512
#: articles per transaction: one commit (an fsync on SQLite) per article was most of
#: the load time; a group this size commits in well under a second
PER_COMMIT = 64


@dataclass
class LoadReport(IngestReport):
    analysed: int = 0
    analysis_failed: int = 0


def load_rows(
    folder: Path,
    store: Store,
    options: IngestOptions = IngestOptions(),
    on_event: Optional[Callable[[IngestEvent], None]] = None,
) -> LoadReport:
    """Load every row of the Parquet files in ``folder`` into ``store``."""
    report = LoadReport()
    rows = iter_rows(folder)
    while group := list(islice(rows, PER_COMMIT)):
        events = []
        with store.write() as conn:
            for row in group:
                if row["kind"] == batch_rows.ERROR:
                    error = batch_rows.error_of(row)
                    events.append(write_error(conn, error))
                    report.errors.append(error)
                else:
                    events.append(_load_article(conn, row, options, report))
        for event in events:  # reported once committed
            report.add(event)
            if on_event is not None:
                on_event(event)
    return report


def _load_article(conn, row: dict[str, Any], options: IngestOptions, report: LoadReport) -> IngestEvent:
    from storyweave.fingerprints import Fingerprint, signature_from_bytes
    from storyweave.store import analysis as analysis_store
    from storyweave.store import linking as link_store

    analysis = batch_rows.analysis_of(row)

    def also_write(conn, article_id: str, is_copy: bool) -> None:
        if is_copy:
            return  # copies are not analysed or linked on their own: they join their original's story
        if row["analysis_failed"]:
            # .get: Parquet written before rows carried the reason has no such column
            analysis_store.save_failure(conn, article_id, row["analyzer"], row.get("analysis_failure"))
            report.analysis_failed += 1
        elif analysis is not None:
            analysis_store.save_analysis_rows(conn, article_id, analysis, row["analyzer"])
            report.analysed += 1
        if row["vector"] is not None:
            link_store.save_vector(conn, article_id, row["encoder"], row["vector"])

    fp = Fingerprint(row["content_hash"], signature_from_bytes(row["signature"]))
    return write_draft(conn, batch_rows.draft_of(row), options, fp=fp, also_write=also_write)


def iter_rows(folder: Path) -> Iterator[dict[str, Any]]:
    """The rows of every Parquet file in ``folder``, in input order (shard, record).

    Files are ordered by their first (shard, row) and rows inside each file
    sorted, so memory holds one file at a time; the engines write each file
    from a contiguous run of the input (Ray Data with ``preserve_order``).
    """
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    starts = []
    for path in folder.glob("*.parquet"):
        keys = pq.read_table(path, columns=["shard", "row"])
        if keys.num_rows:
            first = min(zip(keys.column("shard").to_pylist(), keys.column("row").to_pylist()))
            starts.append((first, path))
    for _, path in sorted(starts):
        table = pq.read_table(path)
        table = table.take(pc.sort_indices(table, sort_keys=[("shard", "ascending"), ("row", "ascending")]))
        for batch in table.to_batches(max_chunksize=_READ_ROWS):
            yield from batch.to_pylist()
