"""Commands that run the stages: ingest, analyze, link, watch; and failures, what analysis could not do."""

from __future__ import annotations

import sys
from typing import List, Optional

import typer
from rich.markup import escape
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from storyweave.cli.app import (
    DbOption,
    _fail,
    _open_store,
    app,
    console,
    err_console,
)
from storyweave.cli.terminal import print_records
from storyweave.config import IngestOptions, Settings
from storyweave.errors import StoryweaveError
from storyweave.records import DocumentMetadata


# -- ingest -------------------------------------------------------------------


def _parse_fields(fields: List[str]) -> dict[str, str]:
    mapping = {}
    for item in fields:
        if "=" not in item:
            _fail(f"--field takes OURS=THEIRS (e.g. text=body), not {item!r}")
        ours, theirs = item.split("=", 1)
        mapping[ours.strip()] = theirs.strip()
    return mapping


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
    from storyweave.pipeline.ingest import IngestReport, ingest as run_ingest

    try:
        options = IngestOptions(max_document_bytes=max_bytes).with_json_fields(_parse_fields(field))
    except StoryweaveError as exc:
        _fail(str(exc))
    settings = Settings.from_env(db_url=db, ingest=options)
    overrides = DocumentMetadata(outlet=outlet, published=published, url=url, title=title)
    store = _open_store(settings.db_url)
    live = IngestReport()
    failures: list[tuple[str, str]] = []

    with Progress(
        SpinnerColumn(),
        TextColumn("[bold]ingest[/bold]"),
        BarColumn(),
        TextColumn("{task.fields[counts]}"),
        TimeElapsedColumn(),
        console=err_console,
        disable=quiet,
        transient=False,
    ) as progress:
        task = progress.add_task("ingest", total=None, counts="")

        def on_event(event) -> None:
            live.add(event)
            if event.outcome == "failed":
                failures.append((event.source, event.reason or ""))
            progress.update(task, counts=_counts(live), advance=1)

        try:
            report = run_ingest(
                paths, store, settings.ingest, overrides, stdin=sys.stdin.buffer, on_event=on_event
            )
        except StoryweaveError as exc:
            _fail(str(exc))
        progress.update(task, total=report.documents, completed=report.documents)

    for source, reason in failures:
        err_console.print(f"[yellow]failed:[/yellow] {escape(source)}: {escape(reason)}", soft_wrap=True)
    console.print(_counts(report), soft_wrap=True)
    if analyze:
        _run_analysis(store, quiet=quiet)
        _run_linking(store, quiet=quiet)
    store.close()


def _with_progress(label: str, total: int, quiet: bool, run):
    """Run a per-article stage under a progress bar; ``run`` gets the callback that advances it."""
    with Progress(
        SpinnerColumn(),
        TextColumn(f"[bold]{label}[/bold]"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total} articles"),
        TimeElapsedColumn(),
        console=err_console,
        disable=quiet,
    ) as progress:
        task = progress.add_task(label, total=total)
        try:
            return run(lambda _article_id: progress.advance(task))
        except StoryweaveError as exc:
            _fail(str(exc))


def _run_linking(store, *, quiet: bool) -> None:
    from storyweave.pipeline.link import count_relinks, count_unlinked, link_pending

    # No early return when no original is pending: syndicated copies of
    # already-linked originals still have to join their stories.
    pending = count_unlinked(store) + count_relinks(store)
    report = _with_progress("link", pending, quiet, lambda advance: link_pending(store, on_article=advance))
    if report.linked == 0 and report.copies == 0 and report.relinked == 0:
        return
    refreshed = f" · {report.relinked} re-analysed articles refreshed" if report.relinked else ""
    console.print(
        f"{report.linked} linked · {report.new_stories} new stories · {report.copies} copies joined{refreshed} · "
        f"{report.claim_groups} aligned claims in {report.stories_touched} stories",
        soft_wrap=True,
    )


def _run_analysis(
    store, *, quiet: bool, limit: Optional[int] = None, retry_failed: bool = False, say_when_idle: bool = False
) -> None:
    from storyweave.pipeline.analyze import analyze_pending, count_failed, count_pending

    pending = count_pending(store, retry_failed=retry_failed)
    if limit is not None:
        pending = min(pending, limit)
    if pending == 0:
        failed = count_failed(store)
        if say_when_idle and failed:
            console.print(
                f"nothing to analyse · {failed} {'article' if failed == 1 else 'articles'} failed analysis "
                "with this analyser version: `storyweave failures` lists them, "
                "`storyweave analyze --retry-failed` tries them again",
                soft_wrap=True,
            )
        return
    report = _with_progress(
        "analyse",
        pending,
        quiet,
        lambda advance: analyze_pending(store, limit=limit, retry_failed=retry_failed, on_article=advance),
    )
    for failure in report.failures:
        err_console.print(
            f"[yellow]analysis failed:[/yellow] article {failure.article_id}: {escape(failure.reason)}",
            soft_wrap=True,
        )
    if report.failures:
        err_console.print("failed articles join no story until analysed: see `storyweave failures`", soft_wrap=True)
    console.print(
        f"{report.analyzed} analysed · {report.entities} entities · {report.places} places · "
        f"{report.dates} dates · {report.quotes} quotes · {report.events} events · {report.claims} claims · "
        f"{report.failed} failed",
        soft_wrap=True,
    )


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
    store = _open_store(db)
    _run_analysis(store, quiet=quiet, limit=limit, retry_failed=retry_failed, say_when_idle=True)
    store.close()


@app.command()
def failures(
    db: str = DbOption,
    limit: Optional[int] = typer.Option(None, help="At most this many."),
    as_json: bool = typer.Option(False, "--json", help="JSON lines instead of a table."),
) -> None:
    """List articles whose analysis failed, with the analyser version and the reason."""
    from storyweave.store import analysis as analysis_store

    store = _open_store(db)
    with store.read() as conn:
        records = analysis_store.list_failures(conn, limit=limit)
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
    store = _open_store(db)
    _run_linking(store, quiet=quiet)
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

    store = _open_store(db)
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())  # finish the current document, save state, exit 0

    def on_event(event) -> None:
        if event.kind in ("failed", "fetch-error"):
            err_console.print(
                f"[yellow]{event.kind}:[/yellow] {escape(event.source)}: {escape(event.detail)}", soft_wrap=True
            )
        elif event.kind == "cycle":
            err_console.print(f"cycle {event.detail} done", soft_wrap=True)

    report = run_watch(
        sources, store, interval=interval, options=IngestOptions(max_document_bytes=max_bytes),
        analyze=analyze, stop=stop, max_cycles=1 if once else None, on_event=on_event,
    )
    console.print(
        f"{report.cycles} cycles · {report.ingested} ingested · {report.duplicates} duplicate · "
        f"{report.failed} failed · {report.fetch_errors} fetch errors · {report.not_modified} not modified · "
        f"{report.analyzed} analysed · {report.linked} linked",
        soft_wrap=True,
    )
    store.close()



def _counts(report) -> str:
    return (
        f"{report.ingested} ingested · {report.duplicates} duplicate · "
        f"{report.unchanged} unchanged · {report.failed} failed"
    )

