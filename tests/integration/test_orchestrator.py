"""``run_pipeline``: the one sequence ingest → analyse → link, its progress events and its stop."""

from __future__ import annotations

import threading

from storyweave.config import Settings
from storyweave.pipeline.analyze import count_pending
from storyweave.pipeline.link import count_unlinked
from storyweave.pipeline.orchestrator import ANALYSE, INGEST, LINK, Stages, StageTimer, run_pipeline


def test_a_run_ingests_analyses_and_links_reporting_each_step(store, seeds_dir):
    events = []
    report = run_pipeline(store, Settings(db_url=store.url), [str(seeds_dir)],
                          stages=Stages(count_first=True), on_progress=events.append)

    assert report.ingest.ingested == 2 and report.analysis.analyzed == 2 and report.link.linked == 2
    assert not report.stopped
    steps = [(e.stage, e.kind) for e in events]
    # each stage starts, advances, and is done, in order
    assert steps == [(INGEST, "start"), (INGEST, "document"), (INGEST, "document"), (INGEST, "done"),
                     (ANALYSE, "start"), (ANALYSE, "article"), (ANALYSE, "article"), (ANALYSE, "done"),
                     (LINK, "start"), (LINK, "article"), (LINK, "article"), (LINK, "done")]
    starts = {e.stage: e.total for e in events if e.kind == "start"}
    assert starts == {INGEST: None, ANALYSE: 2, LINK: 2}
    assert [e.report for e in events if e.kind == "done"] == [report.ingest, report.analysis, report.link]
    assert {e.document.outcome for e in events if e.kind == "document"} == {"ingested"}

    # nothing pending: the analysis is not started at all, linking still runs (copies may wait)
    again = []
    second = run_pipeline(store, Settings(db_url=store.url), stages=Stages(ingest=False, count_first=True),
                          on_progress=again.append)
    assert second.analysis is None and second.link.linked == 0
    assert [(e.stage, e.kind) for e in again] == [(ANALYSE, "start"), (ANALYSE, "done"), (LINK, "start"),
                                                 (LINK, "done")]


def test_stop_leaves_after_the_current_article_and_the_next_run_resumes(store, seeds_dir):
    settings = Settings(db_url=store.url)
    run_pipeline(store, settings, [str(seeds_dir)], stages=Stages(analyse=False, link=False))
    stop = threading.Event()

    def stop_after_first(event) -> None:
        if event.kind == "article":
            stop.set()

    report = run_pipeline(store, settings, stages=Stages(ingest=False), stop=stop, on_progress=stop_after_first)
    assert report.stopped and report.analysis is None and report.link is None
    assert count_pending(store) == 1  # the first article's analysis was committed before the stop

    timer = StageTimer()
    resumed = run_pipeline(store, settings, stages=Stages(ingest=False), on_progress=timer)
    assert resumed.analysis.analyzed == 1 and resumed.link.linked == 2
    assert count_pending(store) == 0 and count_unlinked(store) == 0
    assert set(timer.seconds) == {ANALYSE, LINK} and all(s >= 0 for s in timer.seconds.values())


def test_a_caller_brings_its_own_read_and_link_steps(store, seeds_dir):
    from storyweave.pipeline.ingest import ingest
    from storyweave.pipeline.link import link_pending

    seen = []
    linked_with = []

    def read(on_document):
        return ingest([str(seeds_dir)], store, on_event=on_document)

    def link(on_article):
        linked_with.append(on_article)
        return link_pending(store, on_article=on_article)

    report = run_pipeline(store, Settings(db_url=store.url), read=read, link=link, on_progress=seen.append)
    assert report.ingest.ingested == 2 and report.link.linked == 2 and len(linked_with) == 1
    assert sum(1 for e in seen if e.stage == INGEST and e.kind == "document") == 2
