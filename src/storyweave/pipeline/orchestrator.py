"""The one place the stages are put in sequence: ingest → analyse → link, over one store.

Every caller that runs the pipeline goes through :func:`run_pipeline`: the CLI's
``ingest``, ``analyze`` and ``link`` commands, ``watch`` (each cycle), ``bench
serve`` (building its stores) and the batch runner. What differs between them
is passed in, not copied:

1. **ingest** reads ``inputs`` (files, folders, ``-`` for stdin) with
   ``pipeline.ingest.ingest``, unless the caller brings its own ``read`` step:
   ``watch`` follows sources incrementally, the batch runner loads the Parquet
   rows its engine wrote (with their analyses, so it turns ``analyse`` off);
2. **analyse** runs ``pipeline.analyze.analyze_pending`` over every article
   without a current analysis;
3. **link** runs ``pipeline.link.link_pending``, unless the caller brings its
   own ``link`` step (the batch runner's block-wise, possibly Ray, linking).

Progress is reported through one callback, ``on_progress``, as
:class:`StageEvent` values: each stage starts, advances by a document or an
article, and is done with its report. A set ``stop`` event ends the run
between documents or after the current article: every article's results are
committed before its event is reported, so stopping loses nothing and the next
run resumes.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, BinaryIO, Optional

from storyweave.config import Settings
from storyweave.records import DocumentMetadata
from storyweave.store.database import Store

if TYPE_CHECKING:  # the ingest stage imports datasketch and scipy: loaded when a run needs it
    from storyweave.pipeline.ingest import IngestEvent

logger = logging.getLogger(__name__)

INGEST, ANALYSE, LINK = "ingest", "analyse", "link"
#: The stages in the order they run.
STAGES = (INGEST, ANALYSE, LINK)


@dataclass(frozen=True)
class StageEvent:
    """One step of a run, as ``on_progress`` receives it.

    ``kind`` is ``start`` (``total``: the articles the stage expects, ``None`` when
    not counted), ``document`` (``document``: what ingest did with one input
    document), ``article`` (``article_id``: one article analysed, failed or linked)
    or ``done`` (``report``: the stage's report; ``None`` when there was nothing
    to analyse and the stage did not run).
    """

    stage: str
    kind: str
    total: Optional[int] = None
    document: Optional[IngestEvent] = None
    article_id: Optional[str] = None
    report: Any = None


ProgressHandler = Callable[[StageEvent], None]
#: A replacement for reading ``inputs``: gets the per-document handler, returns the stage's report.
ReadStep = Callable[[Callable[["IngestEvent"], None]], Any]
#: A replacement for ``link_pending``: gets the per-article handler, returns a ``LinkReport``.
LinkStep = Callable[[Callable[[str], None]], Any]


@dataclass(frozen=True)
class Stages:
    """Which stages a run does, and how much of the analysis.

    ``count_first`` counts each per-article stage's articles before it starts (a
    progress bar's total); then an analysis with nothing pending is not started
    at all. Counting reads every pending article's id, so loops that only report
    per-article events (``watch``, the batch runner) leave it off.
    """

    ingest: bool = True
    analyse: bool = True
    link: bool = True
    analysis_limit: Optional[int] = None
    retry_failed: bool = False
    count_first: bool = False


@dataclass
class PipelineReport:
    """What each stage that ran reported (``None`` for a stage that did not run), and whether ``stop`` ended it."""

    ingest: Any = None
    analysis: Any = None
    link: Any = None
    stopped: bool = False


class _Stopped(Exception):
    """Raised from a stage's progress callback to leave it after the current article."""


def run_pipeline(
    store: Store,
    settings: Settings,
    inputs: Sequence[str] = (),
    *,
    stages: Stages = Stages(),
    overrides: DocumentMetadata = DocumentMetadata(),
    stdin: Optional[BinaryIO] = None,
    read: Optional[ReadStep] = None,
    link: Optional[LinkStep] = None,
    stop: Optional[threading.Event] = None,
    on_progress: Optional[ProgressHandler] = None,
) -> PipelineReport:
    """Run the stages ``stages`` asks for, in order, over ``store`` with ``settings``.

    Ingest reads ``inputs`` with ``settings.ingest`` and ``overrides`` (or runs
    ``read``); analysis and linking then take everything pending in the store,
    not only what this run ingested: a run killed between stages, or an earlier
    ``--no-analyze``, leaves work that the next run must finish. Never raises for
    a bad document or article (those are reported); raises ``StoryweaveError``
    for what stops the whole run (an unreadable input path, a model that cannot load).
    """
    stop = stop if stop is not None else threading.Event()
    report = PipelineReport()

    def emit(event: StageEvent) -> None:
        if on_progress is not None:
            on_progress(event)

    def per_article(stage: str) -> Callable[[str], None]:
        def on_article(article_id: str) -> None:
            emit(StageEvent(stage, "article", article_id=article_id))
            # The article's results are committed before this callback runs,
            # so leaving here loses nothing; the stages have no stop flag of their own.
            if stop.is_set():
                raise _Stopped

        return on_article

    if stages.ingest and not stop.is_set():
        emit(StageEvent(INGEST, "start"))
        report.ingest = _ingest(store, settings, inputs, overrides, stdin, read,
                                lambda event: emit(StageEvent(INGEST, "document", document=event)))
        emit(StageEvent(INGEST, "done", report=report.ingest))
    try:
        if stages.analyse and not stop.is_set():
            report.analysis = _analyse(store, stages, emit, per_article(ANALYSE))
        if stages.link and not stop.is_set():
            report.link = _link(store, stages, link, emit, per_article(LINK))
    except _Stopped:
        logger.info("stop requested: leaving the analysis and link stages; the next run resumes them")
    report.stopped = stop.is_set()
    return report


def _ingest(store, settings, inputs, overrides, stdin, read, on_document) -> Any:
    if read is not None:
        return read(on_document)
    from storyweave.pipeline.ingest import ingest

    return ingest(inputs, store, settings.ingest, overrides, stdin=stdin, on_event=on_document)


def _analyse(store: Store, stages: Stages, emit, on_article) -> Any:
    from storyweave.pipeline.analyze import analyze_pending, count_pending

    total = None
    if stages.count_first:
        total = count_pending(store, retry_failed=stages.retry_failed)
        if stages.analysis_limit is not None:
            total = min(total, stages.analysis_limit)
    emit(StageEvent(ANALYSE, "start", total=total))
    if total == 0:
        emit(StageEvent(ANALYSE, "done"))
        return None
    analysis = analyze_pending(store, limit=stages.analysis_limit, retry_failed=stages.retry_failed,
                               on_article=on_article)
    emit(StageEvent(ANALYSE, "done", report=analysis))
    return analysis


def _link(store: Store, stages: Stages, link: Optional[LinkStep], emit, on_article) -> Any:
    from storyweave.pipeline.link import count_relinks, count_unlinked, link_pending

    # Linking always runs, even with no original pending: syndicated copies of
    # already-linked originals still have to join their stories.
    total = count_unlinked(store) + count_relinks(store) if stages.count_first else None
    emit(StageEvent(LINK, "start", total=total))
    linked = link(on_article) if link is not None else link_pending(store, on_article=on_article)
    emit(StageEvent(LINK, "done", report=linked))
    return linked


class StageTimer:
    """An ``on_progress`` handler that keeps each stage's wall-clock seconds, start to done, in ``seconds``."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self._started: dict[str, float] = {}

    def __call__(self, event: StageEvent) -> None:
        if event.kind == "start":
            self._started[event.stage] = time.perf_counter()
        elif event.kind == "done":
            self.seconds[event.stage] = time.perf_counter() - self._started[event.stage]
