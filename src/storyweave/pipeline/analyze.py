"""The analysis stage: pending articles → spaCy pipeline → stored results.

Articles are read in chunks and analysed with ``nlp.pipe``; each article's
results are written in their own transaction with its ``analyses`` row, so
an interrupted run resumes where it stopped and a finished one is a no-op.

An article whose analysis raises fails alone (its batch is redone one article
at a time) and is recorded with the reason (``analysis_failures``, shown by
``storyweave failures``); it joins no story. The same analyser version does not
retry it by itself: the failure is in the article or in the code, and both stay
the same until the code changes. A new analyser version (``ANALYZER``) retries
it, and so does a run with ``retry_failed``.

A run holds the store's pipeline lock (``Store.exclusive``): a second run on
the same store, in another process, waits for it and then finds nothing left
to do, instead of analysing the same articles again.
"""

from __future__ import annotations

import logging
import traceback
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Callable, Optional

from storyweave.nlp.analysis import ANALYZER, analyze_texts
from storyweave.nlp.pipeline import load_analyzer
from storyweave.nlp.places import outlet_country, outlet_home
from storyweave.nlp.places.outlets import HOME_ARTICLES, HOME_LEVELS
from storyweave.records import AnalysisInput
from storyweave.store import analysis as analysis_store
from storyweave.store.database import Store

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class FailedAnalysis:
    """An article the analysis raised on, and why."""

    article_id: str
    reason: str


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
    #: articles analysed again with their outlet's home area, once their outlet showed one
    rehomed: int = 0
    failures: list[FailedAnalysis] = field(default_factory=list)


def count_pending(store: Store, *, retry_failed: bool = False) -> int:
    """Articles the next run analyses (with ``retry_failed``: those that failed too)."""
    with store.read() as conn:
        return len(analysis_store.pending_articles(conn, ANALYZER, retry_failed=retry_failed))


def count_failed(store: Store) -> int:
    """Articles the current analyser failed on, which a plain run does not retry."""
    with store.read() as conn:
        return analysis_store.count_failures(conn, ANALYZER)


def list_failures(store: Store, *, limit: Optional[int] = None) -> list[analysis_store.AnalysisFailure]:
    """The articles whose analysis failed (any analyser version), in ingest order, with the reasons."""
    with store.read() as conn:
        return analysis_store.list_failures(conn, limit=limit)


def analyze_pending(
    store: Store,
    *,
    chunk_size: int = 64,
    batch_size: int = 16,
    limit: Optional[int] = None,
    retry_failed: bool = False,
    on_article: Optional[Callable[[str], None]] = None,
) -> AnalyzeReport:
    """Analyse every original article that has no current analysis.

    ``limit`` bounds the articles tried (analysed or failed). ``retry_failed`` also
    tries, once each, the articles this analyser version failed on before.
    ``on_article`` is called with each article's id once it is stored (or recorded
    as failed).
    """
    report = AnalyzeReport()
    failed_now: set[str] = set()
    with store.exclusive():
        while limit is None or report.analyzed + report.failed < limit:
            want = chunk_size if limit is None else min(chunk_size, limit - report.analyzed - report.failed)
            with store.read() as conn:
                # with retry_failed, the articles that failed again in this run are still pending: skip them
                rows = analysis_store.pending_articles(
                    conn, ANALYZER, limit=want + len(failed_now), retry_failed=retry_failed
                )
                chunk = [row for row in rows if row[0] not in failed_now][:want]
            if not chunk:
                break
            inputs = _inputs(store, chunk)
            results, failures = analyze_reporting_failures(inputs, batch_size)
            for failure in failures:
                with store.write() as conn:
                    analysis_store.save_failure(conn, failure.article_id, ANALYZER, failure.reason)
                failed_now.add(failure.article_id)
                report.failed += 1
                report.failures.append(failure)
                if on_article is not None:
                    on_article(failure.article_id)
            homes = {item.article_id: item.outlet_home for item in inputs}
            for result in results:
                with store.write() as conn:
                    analysis_store.save_analysis(conn, result, ANALYZER, homes.get(result.article_id))
                _count(report, result)
                if on_article is not None:
                    on_article(result.article_id)
        if report.analyzed:
            report.rehomed = _settle_outlet_homes(store, batch_size)
    return report


def settle_outlet_homes(store: Store, batch_size: int = 16) -> int:
    """Analyse again the articles analysed before their outlet's home was known, now that its
    articles show one; returns how many. The batch engine's rows come without homes (its workers
    see no store), so it calls this after loading them."""
    with store.exclusive():
        return _settle_outlet_homes(store, batch_size)


def _settle_outlet_homes(store: Store, batch_size: int) -> int:
    # A home is learned from the articles themselves, so the first articles of a local outlet
    # are analysed before it is known; they are the ones done again here, once. An article whose
    # outlet shows no home (a national outlet's towns are spread out) is analysed once.
    with store.read() as conn:
        homes = _outlet_homes(conn, analysis_store.homeless_outlets(conn, ANALYZER))
        chunk = analysis_store.homeless_articles(conn, ANALYZER, homes)
    if not chunk:
        return 0
    logger.info("analysing %d articles again with their outlet's home area", len(chunk))
    inputs = _inputs(store, chunk, homes)
    results, _failures = analyze_reporting_failures(inputs, batch_size)  # it analysed once: a failure keeps that
    by_id = {item.article_id: item.outlet_home for item in inputs}
    for result in results:
        with store.write() as conn:
            analysis_store.save_analysis(conn, result, ANALYZER, by_id.get(result.article_id))
    return len(results)


def _outlet_homes(conn, outlets) -> dict[str, tuple[float, ...]]:
    """outlet → its home point, for those of ``outlets`` whose analysed articles show one."""
    found = {}
    points_of = analysis_store.outlet_home_points(conn, ANALYZER, HOME_LEVELS, outlets, HOME_ARTICLES)
    for outlet, points in points_of.items():
        home = outlet_home(points, outlet)
        if home is not None:
            found[outlet] = home
    return found


def _inputs(store: Store, chunk: list[tuple[str, str, Optional[str]]],
            homes: Optional[dict[str, tuple[float, ...]]] = None) -> list[AnalysisInput]:
    """The analysis inputs of ``chunk`` (id, text, published): captions, the outlet's country from
    the address, and its home area as the store's analysed articles show it now."""
    ids = [row[0] for row in chunk]
    with store.read() as conn:
        captions = analysis_store.captions_of(conn, ids)
        urls = analysis_store.urls_of(conn, ids)
        outlets = analysis_store.outlets_of(conn, ids)
        if homes is None:
            homes = _outlet_homes(conn, outlets.values())
    return [
        AnalysisInput(article_id, text, published, captions.get(article_id, ()), outlet_country(urls.get(article_id)),
                      homes.get(outlets.get(article_id, "")))
        for article_id, text, published in chunk
    ]


def _count(report: AnalyzeReport, result) -> None:
    report.analyzed += 1
    report.entities += len(result.entities)
    report.places += sum(1 for e in result.entities if e.lat is not None)
    report.dates += len(result.dates)
    report.quotes += len(result.quotes)
    report.events += len(result.events)
    report.claims += len(result.claims)


def analyze_reporting_failures(
    inputs: list[AnalysisInput], batch_size: int = 16
) -> tuple[list, list[FailedAnalysis]]:
    """Analyse ``inputs`` in batches; if a batch raises, redo its articles one by one so that
    only the article that breaks the pipeline fails. Returns (results, failures with reasons).

    The pipeline is loaded first, outside the isolation: a model that cannot load is the
    installation's fault, not every article's, and its error ends the run.
    """
    load_analyzer()
    try:
        return list(analyze_texts(inputs, batch_size=batch_size)), []
    except Exception:  # noqa: BLE001 - isolate the article that fails, below
        logger.warning("analysis of a batch failed; retrying its %d articles one by one", len(inputs))
    results, failures = [], []
    for item in inputs:
        try:
            results.extend(analyze_texts([item]))
        except Exception as exc:  # noqa: BLE001 - one bad article must not stop the run
            reason = failure_reason(exc)
            logger.warning("analysis failed for article %s: %s", item.article_id, reason)
            failures.append(FailedAnalysis(item.article_id, reason))
    return results, failures


def analyze_isolating_failures(inputs: list[AnalysisInput], batch_size: int = 16) -> tuple[list, list[str]]:
    """:func:`analyze_reporting_failures` with the failed articles' ids only."""
    results, failures = analyze_reporting_failures(inputs, batch_size)
    return results, [failure.article_id for failure in failures]


def failure_reason(exc: BaseException) -> str:
    """The exception as one line, with where it was raised: "ValueError: … (at storyweave/nlp/places.py:88 in lookup)"."""
    message = " ".join(str(exc).split()) or "(no message)"
    frames = traceback.extract_tb(exc.__traceback__)
    if not frames:
        return f"{type(exc).__name__}: {message}"
    last = frames[-1]
    parts = PurePath(last.filename).parts
    # the path from the package down (storyweave/…, spacy/…), not this machine's folders
    for anchor in ("storyweave", "site-packages"):
        if anchor in parts:
            index = len(parts) - 1 - parts[::-1].index(anchor)
            parts = parts[index + (anchor == "site-packages"):]
            break
    else:
        parts = parts[-2:]
    return f"{type(exc).__name__}: {message} (at {'/'.join(parts)}:{last.lineno} in {last.name})"
