"""Commands that run the stages: ingest, analyze, link, watch; and failures, what analysis could not do.

``ingest``, ``analyze``, ``link`` and each cycle of ``watch`` are one call of
``storyweave.pipeline.orchestrator.run_pipeline``; this module only draws its
progress (``StageDisplay``) and prints each stage's report.
"""

from __future__ import annotations

import sys
from typing import List, Optional

import typer
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from storyweave.cli.app import (
    DbOption,
    _fail,
    _open_store,
    app,
    command_settings,
    console,
    err_console,
)
from storyweave.cli.terminal import print_records, shown
from storyweave.config import IngestOptions
from storyweave.errors import StoryweaveError
from storyweave.pipeline.orchestrator import ANALYSE, INGEST, LINK, StageEvent, Stages
from storyweave.records import DocumentMetadata


class StageDisplay:
    """``run_pipeline``'s progress on the terminal: a bar per stage, then the stage's report.

    Use it as a context manager around the run, so that a bar still drawn when
    the run raises is closed before the error is printed.
    """

    def __init__(self, *, quiet: bool):
        self.quiet = quiet
        self._progress: Optional[Progress] = None
        self._task = None
        self._live = None
        self._failures: list[tuple[str, str]] = []

    def __enter__(self) -> "StageDisplay":
        return self

    def __exit__(self, *exc) -> None:
        self._close()

    def __call__(self, event: StageEvent) -> None:
        if event.kind == "start":
            self._open(event)
        elif event.kind == "document":
            self._live.add(event.document)
            if event.document.outcome == "failed":
                self._failures.append((event.document.source, event.document.reason or ""))
            self._progress.update(self._task, counts=ingest_counts(self._live), advance=1)
        elif event.kind == "article" and self._progress is not None:
            self._progress.advance(self._task)
        elif event.kind == "done":
            self._done(event)

    def _open(self, event: StageEvent) -> None:
        if event.stage == INGEST:
            from storyweave.pipeline.ingest import IngestReport

            self._live, self._failures = IngestReport(), []
            columns = (SpinnerColumn(), TextColumn("[bold]ingest[/bold]"), BarColumn(),
                       TextColumn("{task.fields[counts]}"), TimeElapsedColumn())
            self._progress = Progress(*columns, console=err_console, disable=self.quiet, transient=False)
            self._task = self._progress.add_task(INGEST, total=None, counts="")
        else:
            if event.stage == ANALYSE and event.total == 0:
                return  # nothing to analyse: the stage does not run
            columns = (SpinnerColumn(), TextColumn(f"[bold]{event.stage}[/bold]"), BarColumn(),
                       TextColumn("{task.completed}/{task.total} articles"), TimeElapsedColumn())
            self._progress = Progress(*columns, console=err_console, disable=self.quiet)
            self._task = self._progress.add_task(event.stage, total=event.total)
        self._progress.start()

    def _close(self) -> None:
        if self._progress is not None:
            self._progress.stop()
            self._progress = None

    def _done(self, event: StageEvent) -> None:
        if event.stage == INGEST:
            documents = event.report.documents
            self._progress.update(self._task, total=documents, completed=documents)
        self._close()
        if event.stage == INGEST:
            print_ingest_report(event.report, self._failures)
        elif event.stage == ANALYSE:
            print_analysis_report(event.report)
        elif event.stage == LINK:
            print_link_report(event.report)


def print_ingest_report(report, failures: list[tuple[str, str]]) -> None:
    """Each failed document with its reason, then the counts."""
    for source, reason in failures:
        err_console.print(f"[yellow]failed:[/yellow] {shown(source)}: {shown(reason)}", soft_wrap=True)
    console.print(ingest_counts(report), soft_wrap=True)


def print_analysis_report(report) -> None:
    """Each failed article with its reason, then the counts (``None``: there was nothing to analyse)."""
    if report is None:
        return
    print_analysis_failures(report.failures)
    if report.failures:
        err_console.print("failed articles join no story until analysed: see `storyweave failures`", soft_wrap=True)
    console.print(
        f"{report.analyzed} analysed · {report.entities} entities · {report.places} places · "
        f"{report.dates} dates · {report.quotes} quotes · {report.events} events · {report.claims} claims · "
        f"{report.failed} failed"
        + (f" · {report.rehomed} analysed again with their outlet's home area" if report.rehomed else ""),
        soft_wrap=True,
    )


def print_analysis_failures(failures) -> None:
    """One line per article the analysis failed on, with the reason."""
    for failure in failures:
        print_analysis_failure(failure.article_id, failure.reason)


def print_analysis_failure(article_id: str, reason: str) -> None:
    err_console.print(f"[yellow]analysis failed:[/yellow] article {shown(article_id)}: {shown(reason)}",
                      soft_wrap=True)


def print_link_report(report) -> None:
    """What linking did, when it did anything."""
    if report.linked == 0 and report.copies == 0 and report.relinked == 0:
        return
    refreshed = f" · {report.relinked} re-analysed articles refreshed" if report.relinked else ""
    console.print(
        f"{report.linked} linked · {report.new_stories} new stories · {report.copies} copies joined{refreshed} · "
        f"{report.claim_groups} aligned claims in {report.stories_touched} stories",
        soft_wrap=True,
    )


def ingest_counts(report) -> str:
    """An ingest report's counts in one line."""
    return (
        f"{report.ingested} ingested · {report.duplicates} duplicate · "
        f"{report.unchanged} unchanged · {report.failed} failed"
    )


def _run(store, settings, *, quiet: bool, stages: Stages, **kwargs):
    """``run_pipeline`` under a ``StageDisplay``; a ``StoryweaveError`` ends the command with its message."""
    from storyweave.pipeline.orchestrator import run_pipeline

    try:
        with StageDisplay(quiet=quiet) as display:
            return run_pipeline(store, settings, stages=stages, on_progress=display, **kwargs)
    except StoryweaveError as exc:
        _fail(str(exc))


# -- commands -----------------------------------------------------------------


def parse_fields(fields: List[str]) -> dict[str, str]:
    """``--field OURS=THEIRS`` options as a mapping."""
    mapping = {}
    for item in fields:
        if "=" not in item:
            _fail(f"--field takes OURS=THEIRS (e.g. text=body), not {item!r}")
        ours, theirs = item.split("=", 1)
        mapping[ours.strip()] = theirs.strip()
    return mapping


def ingest_options(fields: List[str], **values) -> IngestOptions:
    """The ingest options of a command: ``values``, then its ``--field`` mappings."""
    try:
        return IngestOptions(**values).with_json_fields(parse_fields(fields))
    except StoryweaveError as exc:
        _fail(str(exc))


@app.command()
def ingest(
    paths: List[str] = typer.Argument(..., help="Files, folders (read recursively) or - for stdin."),
    db: str = DbOption,
    outlet: Optional[str] = typer.Option(None, help="Outlet name for every document."),
    published: Optional[str] = typer.Option(None, help="Publication date (ISO 8601) for every document."),
    url: Optional[str] = typer.Option(None, help="Source URL (for a single document)."),
    title: Optional[str] = typer.Option(None, help="Title (for a single document)."),
    field: List[str] = typer.Option([], "--field", help="JSON field mapping OURS=THEIRS, e.g. text=body."),
    max_bytes: int = typer.Option(
        IngestOptions().max_document_bytes, help="Refuse single documents larger than this many bytes."
    ),
    analyze: bool = typer.Option(True, "--analyze/--no-analyze", help="Analyse new articles after reading them."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar."),
) -> None:
    """Read articles from files, folders, feeds, archives or stdin into the store, then analyse them."""
    settings = command_settings(db=db, ingest=ingest_options(field, max_document_bytes=max_bytes))
    overrides = DocumentMetadata(outlet=outlet, published=published, url=url, title=title)
    store = _open_store(settings)
    _run(store, settings, quiet=quiet, stages=Stages(analyse=analyze, link=analyze, count_first=True),
         inputs=paths, overrides=overrides, stdin=sys.stdin.buffer)
    store.close()


@app.command()
def analyze(
    db: str = DbOption,
    limit: Optional[int] = typer.Option(None, help="At most this many articles."),
    retry_failed: bool = typer.Option(
        False, "--retry-failed", help="Also try again the articles this analyser version failed on."
    ),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar."),
) -> None:
    """Analyse stored articles that have no current analysis (entities, places, dates, quotes, events, claims)."""
    from storyweave.pipeline.analyze import count_failed

    settings = command_settings(db=db)
    store = _open_store(settings)
    stages = Stages(ingest=False, link=False, analysis_limit=limit, retry_failed=retry_failed, count_first=True)
    report = _run(store, settings, quiet=quiet, stages=stages)
    if report.analysis is None:
        failed = count_failed(store)
        if failed:
            console.print(
                f"nothing to analyse · {failed} {'article' if failed == 1 else 'articles'} failed analysis "
                "with this analyser version: `storyweave failures` lists them, "
                "`storyweave analyze --retry-failed` tries them again",
                soft_wrap=True,
            )
    store.close()


@app.command()
def failures(
    db: str = DbOption,
    limit: Optional[int] = typer.Option(None, help="At most this many."),
    as_json: bool = typer.Option(False, "--json", help="JSON lines instead of a table."),
) -> None:
    """List articles whose analysis failed, with the analyser version and the reason."""
    from storyweave.pipeline.analyze import list_failures

    store = _open_store(command_settings(db=db))
    records = list_failures(store, limit=limit)
    store.close()
    noun = "article" if len(records) == 1 else "articles"
    print_records(console, records, as_json, f"{len(records)} {noun} whose analysis failed", {
        "article": lambda r: r.article_id, "source": lambda r: r.source, "analyser": lambda r: r.analyzer,
        "tries": lambda r: r.attempts, "reason": lambda r: r.reason, "when": lambda r: r.failed_at,
    }, no_wrap=("article", "tries"))


@app.command()
def link(
    db: str = DbOption,
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar."),
) -> None:
    """Link analysed articles across outlets: global entities, stories, aligned claims."""
    settings = command_settings(db=db)
    store = _open_store(settings)
    _run(store, settings, quiet=quiet, stages=Stages(ingest=False, analyse=False, count_first=True))
    store.close()


@app.command()
def watch(
    sources: List[str] = typer.Argument(..., help="Feed URLs (http/https), feed files, folders or files to follow."),
    db: str = DbOption,
    interval: float = typer.Option(60.0, help="Seconds between cycles."),
    once: bool = typer.Option(False, "--once", help="Run one cycle and exit."),
    analyze: bool = typer.Option(True, "--analyze/--no-analyze", help="Analyse and link new articles each cycle."),
    max_bytes: int = typer.Option(IngestOptions().max_document_bytes, help="Refuse single documents larger than this."),
) -> None:
    """Follow feeds and folders: ingest new items every --interval seconds, then analyse and link them."""
    import signal
    import threading

    from storyweave.pipeline.watch import watch as run_watch

    settings = command_settings(db=db, ingest=IngestOptions(max_document_bytes=max_bytes))
    store = _open_store(settings)
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())  # finish the current document, save state, exit 0

    def on_event(event) -> None:
        if event.kind in ("failed", "fetch-error"):
            err_console.print(f"[yellow]{event.kind}:[/yellow] {shown(event.source)}: {shown(event.detail)}",
                              soft_wrap=True)
        elif event.kind == "analysis-failed":
            print_analysis_failure(event.article_id, event.detail)
        elif event.kind == "cycle":
            err_console.print(f"cycle {shown(event.detail)} done", soft_wrap=True)

    report = run_watch(
        sources, store, settings, interval=interval, analyze=analyze, stop=stop,
        max_cycles=1 if once else None, on_event=on_event,
    )
    console.print(
        f"{report.cycles} cycles · {report.ingested} ingested · {report.duplicates} duplicate · "
        f"{report.failed} failed · {report.fetch_errors} fetch errors · {report.not_modified} not modified · "
        f"{report.analyzed} analysed · {report.linked} linked",
        soft_wrap=True,
    )
    store.close()
