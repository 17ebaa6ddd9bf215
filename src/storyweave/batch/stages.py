"""The per-article stages, written once for both engines.

``read_shard`` is a Ray Data ``flat_map`` function and ``ArticleStage`` a
``map_batches`` callable class; the local engine calls the very same objects
in-process. They reuse the local runner's parts: ``read_document`` (the
readers), ``checked_result`` (the ingest checks), ``analyze_texts`` (the spaCy
pipeline) and ``analysis_rows`` (what the store writes), so an article gets the
same results whichever way it went.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from typing import Any, Optional

import pyarrow as pa

from storyweave.batch import rows as batch_rows
from storyweave.config import IngestOptions

logger = logging.getLogger(__name__)


def read_shard(item: dict[str, Any], options: IngestOptions = IngestOptions()) -> Iterator[dict[str, Any]]:
    """Every record of one shard (``{"shard": index, "path": file}``) as a row: articles and errors.

    Also computes each article's key and MinHash signature here, on the
    worker, so loading into the store does no text work but the lookups.
    """
    from storyweave.ingest.dedup import document_key, fingerprint
    from storyweave.ingest.registry import read_document
    from storyweave.ingest.sources import iter_input_documents
    from storyweave.pipeline.ingest import checked_result
    from storyweave.records import DocumentError
    from storyweave.store.articles import article_id_for

    shard, position = int(item["shard"]), 0
    for document in iter_input_documents([item["path"]], options):
        results = [document] if isinstance(document, DocumentError) else read_document(document, options)
        for result in results:
            result = checked_result(result, options, None if isinstance(document, DocumentError) else document)
            row = batch_rows.row_from_result(result, shard, position)
            position += 1
            if row["kind"] == batch_rows.ARTICLE:
                fp = fingerprint(result.text)
                meta = result.metadata
                row["article_id"] = article_id_for(document_key(result.text, meta.url or meta.outlet))
                row["content_hash"] = fp.content_hash
                row["signature"] = fp.signature_bytes()
            yield row


class ArticleStage:
    """Analyse and embed a batch of rows; the models load once per instance (one per Ray actor).

    ``threads`` caps torch's intra-op threads: one per worker, so N workers
    use N cores and not N x cores.
    """

    def __init__(self, encoder: str = "minilm", analysis_batch: int = 16, threads: Optional[int] = None):
        from storyweave.link.embeddings import load_embedder
        from storyweave.nlp.analysis import ANALYZER
        from storyweave.nlp.pipeline import load_analyzer

        if threads:
            import torch

            torch.set_num_threads(threads)
        self.analyzer_name = ANALYZER
        self.encoder = encoder
        self.analysis_batch = analysis_batch
        load_analyzer()
        self.embedder = load_embedder(encoder)

    def __call__(self, batch: pa.Table) -> pa.Table:
        records = batch.to_pylist()
        articles = [r for r in records if r["kind"] == batch_rows.ARTICLE]
        if articles:
            self._analyse(articles)
            self._embed(articles)
        return batch_rows.to_table(records)

    def _analyse(self, articles: list[dict[str, Any]]) -> None:
        from storyweave.nlp.places import outlet_country
        from storyweave.pipeline.analyze import analyze_reporting_failures
        from storyweave.records import AnalysisInput
        from storyweave.store.analysis import analysis_rows

        # the same article twice in a batch (one key) is analysed once
        by_id: dict[str, list[dict[str, Any]]] = {}
        for row in articles:
            row["analyzer"] = self.analyzer_name
            by_id.setdefault(row["article_id"], []).append(row)
        inputs = [AnalysisInput(i, rs[0]["text"], rs[0]["published"], batch_rows.captions(rs[0]),
                                outlet_country(rs[0].get("url")))
                  for i, rs in by_id.items()]
        results, failures = analyze_reporting_failures(inputs, self.analysis_batch)
        for failure in failures:
            for row in by_id[failure.article_id]:
                # the reason travels with the row, so the store records it as a local run does
                row["analysis_failed"], row["analysis_failure"] = True, failure.reason
        for result in results:
            payload = json.dumps(analysis_rows(result), ensure_ascii=False, separators=(",", ":"))
            for row in by_id[result.article_id]:
                row["analysis"], row["analysis_failed"] = payload, False

    def _embed(self, articles: list[dict[str, Any]]) -> None:
        from storyweave.link.embeddings import lead_text

        vectors = self.embedder.encode([lead_text(r["title"], r["text"]) for r in articles])
        for row, vector in zip(articles, vectors):
            row["encoder"] = self.encoder
            row["vector"] = vector.astype("<f4").tobytes()
