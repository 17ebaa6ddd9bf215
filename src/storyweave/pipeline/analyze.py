"""The analysis stage: pending articles → spaCy pipeline → stored results.

Articles are read in chunks and analysed with ``nlp.pipe``; each article's
results are written in their own transaction with its ``analyses`` row, so
an interrupted run resumes where it stopped and a finished one is a no-op.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Callable, Optional

from storyweave.nlp.analysis import ANALYZER, AnalysisInput, analyze_texts
from storyweave.store import analysis as analysis_store
from storyweave.store.database import Store

logger = logging.getLogger(__name__)


@dataclass
class AnalyzeReport:
    analyzed: int = 0
    failed: int = 0
    entities: int = 0
    places: int = 0
    dates: int = 0
    quotes: int = 0
    events: int = 0
    claims: int = 0


def count_pending(store: Store) -> int:
    with store.read() as conn:
        return len(analysis_store.pending_articles(conn, ANALYZER))


def analyze_pending(
    store: Store,
    *,
    chunk_size: int = 64,
    batch_size: int = 16,
    limit: Optional[int] = None,
    on_article: Optional[Callable[[str], None]] = None,
) -> AnalyzeReport:
    """Analyse every original article that has no current analysis."""
    report = AnalyzeReport()
    while limit is None or report.analyzed < limit:
        want = chunk_size if limit is None else min(chunk_size, limit - report.analyzed)
        with store.read() as conn:
            chunk = analysis_store.pending_articles(conn, ANALYZER, limit=want)
            captions = analysis_store.captions_of(conn, [row[0] for row in chunk])
        if not chunk:
            break
        inputs = [
            AnalysisInput(article_id, text, published, captions.get(article_id, ()))
            for article_id, text, published in chunk
        ]
        for result in _analyze_chunk(inputs, batch_size, store, report):
            with store.write() as conn:
                analysis_store.save_analysis(conn, result, ANALYZER)
            report.analyzed += 1
            report.entities += len(result.entities)
            report.places += sum(1 for e in result.entities if e.lat is not None)
            report.dates += len(result.dates)
            report.quotes += len(result.quotes)
            report.events += len(result.events)
            report.claims += len(result.claims)
            if on_article is not None:
                on_article(result.article_id)
    return report


def _analyze_chunk(inputs: list[AnalysisInput], batch_size: int, store: Store, report: AnalyzeReport):
    results, failed = analyze_isolating_failures(inputs, batch_size)
    for article_id in failed:
        with store.write() as conn:
            analysis_store.save_failure(conn, article_id, ANALYZER)
        report.failed += 1
    return results


def analyze_isolating_failures(inputs: list[AnalysisInput], batch_size: int = 16) -> tuple[list, list[str]]:
    """Analyse ``inputs`` in batches; if a batch raises, redo its articles one by one so that
    only the article that breaks the pipeline fails. Returns (results, ids of failed articles).

    Shared by this stage and the batch engine's ``ArticleStage``.
    """
    try:
        return list(analyze_texts(inputs, batch_size=batch_size)), []
    except Exception:  # noqa: BLE001 - isolate the article that fails, below
        logger.warning("analysis of a batch failed; retrying its %d articles one by one", len(inputs))
    results, failed = [], []
    for item in inputs:
        try:
            results.extend(analyze_texts([item]))
        except Exception as exc:  # noqa: BLE001 - one bad article must not stop the run
            logger.error("analysis failed for article %s: %s: %s", item.article_id, type(exc).__name__, exc)
            failed.append(item.article_id)
    return results, failed
