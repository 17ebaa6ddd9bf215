"""The ``storyweave`` command line: thin commands over the library.

Each command parses its options into a ``Settings``, calls one library
function and formats the result. Logging is configured here and only here.
"""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path
from typing import List, Optional

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from storyweave import __version__
from storyweave.config import DEFAULT_DB, IngestOptions, Settings
from storyweave.errors import StoryweaveError
from storyweave.records import DocumentMetadata

app = typer.Typer(
    help="storyweave: many news reports of the same events, turned into one sourced picture.",
    no_args_is_help=True,
    add_completion=False,
)
eval_app = typer.Typer(help="Score each stage on public datasets; tables go to docs/BENCHMARKS.md.")
bench_app = typer.Typer(help="Measure throughput; tables go to docs/BENCHMARKS.md.")
app.add_typer(eval_app, name="eval")
app.add_typer(bench_app, name="bench")

console = Console()
err_console = Console(stderr=True)

DbOption = typer.Option(DEFAULT_DB, "--db", help="SQLite path or postgresql:// URL.", envvar="STORYWEAVE_DB")


def _configure_logging(verbose: bool) -> None:
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.ERROR,
        format="%(levelname)s %(name)s: %(message)s",
    )


@app.callback()
def _main(
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Log details to stderr."),
    version: bool = typer.Option(False, "--version", help="Print the version and exit."),
) -> None:
    _configure_logging(verbose)
    if version:
        console.print(f"storyweave {__version__}")
        raise typer.Exit()


def _open_store(db: str):
    from storyweave.store.database import Store

    try:
        return Store(db)
    except StoryweaveError as exc:
        _fail(str(exc))


def _fail(message: str, code: int = 1) -> None:
    err_console.print(f"[red]error:[/red] {escape(message)}", soft_wrap=True)
    raise typer.Exit(code)


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


def _run_linking(store, *, quiet: bool) -> None:
    from storyweave.pipeline.link import count_unlinked, link_pending

    # No early return when no original is pending: syndicated copies of
    # already-linked originals still have to join their stories.
    pending = count_unlinked(store)
    with Progress(
        SpinnerColumn(),
        TextColumn("[bold]link[/bold]"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total} articles"),
        TimeElapsedColumn(),
        console=err_console,
        disable=quiet,
    ) as progress:
        task = progress.add_task("link", total=pending)
        try:
            report = link_pending(store, on_article=lambda _id: progress.advance(task))
        except StoryweaveError as exc:
            _fail(str(exc))
    if report.linked == 0 and report.copies == 0:
        return
    console.print(
        f"{report.linked} linked · {report.new_stories} new stories · {report.copies} copies joined · "
        f"{report.claim_groups} aligned claims in {report.stories_touched} stories",
        soft_wrap=True,
    )


def _run_analysis(store, *, quiet: bool, limit: Optional[int] = None) -> None:
    from storyweave.pipeline.analyze import analyze_pending, count_pending

    pending = count_pending(store)
    if limit is not None:
        pending = min(pending, limit)
    if pending == 0:
        return
    with Progress(
        SpinnerColumn(),
        TextColumn("[bold]analyse[/bold]"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total} articles"),
        TimeElapsedColumn(),
        console=err_console,
        disable=quiet,
    ) as progress:
        task = progress.add_task("analyse", total=pending)
        try:
            report = analyze_pending(store, limit=limit, on_article=lambda _id: progress.advance(task))
        except StoryweaveError as exc:
            _fail(str(exc))
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
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar."),
) -> None:
    """Analyse stored articles that have no current analysis (entities, places, dates, quotes, events, claims)."""
    store = _open_store(db)
    _run_analysis(store, quiet=quiet, limit=limit)
    store.close()


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


_STATUS_STYLE = {"corroborated": "green", "contested": "red", "single-source": "yellow"}


@app.command()
def stories(
    db: str = DbOption,
    limit: Optional[int] = typer.Option(None, help="At most this many."),
    as_json: bool = typer.Option(False, "--json", help="JSON lines instead of a table."),
) -> None:
    """List stories: articles, outlets, corroborated / contested / single-source claims, time range."""
    from storyweave.queries.stories import list_stories

    store = _open_store(db)
    rows = list_stories(store, limit=limit)
    if as_json:
        for row in rows:
            typer.echo(json.dumps(row, ensure_ascii=False))
        return
    table = Table(title=f"{len(rows)} stories")
    table.add_column("id", no_wrap=True)
    table.add_column("title", overflow="fold")
    for column in ("articles", "outlets"):
        table.add_column(column, justify="right")
    for status in ("corroborated", "contested", "single-source"):
        table.add_column(status, justify="right", style=_STATUS_STYLE[status])
    table.add_column("first seen", no_wrap=True)
    table.add_column("last seen", no_wrap=True)
    for row in rows:
        table.add_row(
            row["id"], escape(row["title"]), str(row["size"]), str(row["outlets"]),
            *(str(row["claims"][s]) for s in ("corroborated", "contested", "single-source")),
            (row["first_seen"] or "")[:16], (row["last_seen"] or "")[:16],
        )
    console.print(table)


@app.command()
def show(
    story_id: str = typer.Argument(..., help="Story id (or the id of one of its articles)."),
    db: str = DbOption,
    as_json: bool = typer.Option(False, "--json", help="The dossier as JSON."),
) -> None:
    """Print a story's dossier: summary, claims with statuses and origins, timeline, who said what, places."""
    from storyweave.queries.stories import find_story, story_dossier

    store = _open_store(db)
    found = find_story(store, story_id)
    dossier = story_dossier(store, found) if found else None
    if dossier is None:
        _fail(f"no story {story_id!r} in {db}; `storyweave stories` lists them")
    if as_json:
        typer.echo(json.dumps(dossier, ensure_ascii=False, indent=2, default=str))
        return
    _print_dossier(dossier)


def _print_dossier(d: dict) -> None:
    story = d["story"]
    console.rule(f"[bold]{escape(story['title'])}[/bold]  ({story['id']})")
    outlets = sorted({a["outlet"] or "?" for a in d["articles"]})
    console.print(
        f"{len(d['articles'])} articles from {len(outlets)} outlets: {escape(', '.join(outlets))}; "
        f"seen {story['first_seen'] or '?'} – {story['last_seen'] or '?'}",
        soft_wrap=True,
    )
    if story.get("summary"):
        console.print(f"\n[bold]Summary[/bold]\n{escape(story['summary'])}", soft_wrap=True)
    console.print("\n[bold]Claims[/bold]")
    for claim in d["claims"]:
        style = _STATUS_STYLE.get(claim["status"], "white")
        origins = ", ".join(o["label"] for o in claim["origins"])
        console.print(
            f"[{style}]{claim['status']:>13}[/{style}] {claim['independent_origins']} origin(s) "
            f"[dim]({escape(origins)})[/dim]  {escape(claim['text'])}",
            soft_wrap=True,
        )
        for reason in claim["conflicts"]:
            console.print(f"{'':>15}[red]conflict:[/red] {escape(reason)}", soft_wrap=True)
        for m in claim["mentions"]:
            who = f" — {m['attributed_to']}" if m["attributed_to"] else ""
            console.print(f"{'':>15}[dim]{escape(m['outlet'] or '?')}{escape(who)}:[/dim] {escape(m['text'])}",
                          soft_wrap=True)
    if d["timeline"]:
        console.print("\n[bold]Timeline[/bold]")
        for e in d["timeline"]:
            sources = ", ".join(sorted({s["outlet"] or "?" for s in e["sources"]}))
            console.print(
                f"{e['date'] or 'undated':>12}  {e['type']:<9} {escape(e['actor'] or '?')} {escape(e['action'])} "
                f"{escape(e['target'] or '')} {('in ' + escape(e['place'])) if e['place'] else ''} "
                f"[dim]({escape(sources)})[/dim]",
                soft_wrap=True,
            )
    if d["quotes"]:
        console.print("\n[bold]Who said what[/bold]")
        for speaker in d["quotes"]:
            console.print(f"[bold]{escape(speaker['speaker'])}[/bold]")
            for q in speaker["quotes"]:
                mark = "“”" if q["direct"] else "~"
                console.print(f"   [dim]{escape(q['outlet'] or '?')} {mark}[/dim] {escape(q['text'])}", soft_wrap=True)
    if d["places"]:
        console.print("\n[bold]Places[/bold]")
        console.print(
            ", ".join(f"{escape(p['name'])} ({p['country']}, {p['lat']:.2f}, {p['lon']:.2f})" for p in d["places"]),
            soft_wrap=True,
        )
    console.print("\n[bold]Outlets[/bold]")
    for o in d["outlets"]:
        console.print(f"{escape(o['outlet'])}: {o['articles']} article(s); only here: {len(o['only_here'])} claim(s)")
        for claim in o["only_here"]:
            console.print(f"   [dim]{escape(claim['text'])}[/dim]", soft_wrap=True)


def _counts(report) -> str:
    return (
        f"{report.ingested} ingested · {report.duplicates} duplicate · "
        f"{report.unchanged} unchanged · {report.failed} failed"
    )


# -- articles -----------------------------------------------------------------


@app.command()
def articles(
    db: str = DbOption,
    outlet: Optional[str] = typer.Option(None, help="Only this outlet."),
    originals: bool = typer.Option(False, "--originals", help="Leave out duplicates."),
    limit: Optional[int] = typer.Option(None, help="At most this many."),
    as_json: bool = typer.Option(False, "--json", help="JSON lines (one article per line) instead of a table."),
) -> None:
    """List stored articles."""
    from storyweave.queries.articles import article_public, list_articles

    store = _open_store(db)
    items = list_articles(store, outlet=outlet, include_duplicates=not originals, limit=limit)
    if as_json:
        for article in items:
            data = article_public(article)
            data.pop("text")
            data.pop("removed")
            typer.echo(json.dumps(data, ensure_ascii=False))
        return
    table = Table(title=f"{len(items)} articles")
    table.add_column("id", no_wrap=True)
    table.add_column("outlet", max_width=24, overflow="ellipsis", no_wrap=True)
    table.add_column("published", no_wrap=True)
    table.add_column("title", overflow="fold")
    table.add_column("words", justify="right")
    table.add_column("copy of", overflow="fold")
    for a in items:
        table.add_row(
            a.id,
            escape(a.outlet or "?"),
            escape(a.published or ""),
            escape((a.title or a.text[:60]).strip()),
            str(len(a.text.split())),
            f"{a.duplicate_of} ({a.duplicate_kind})" if a.duplicate_of else "",
        )
    console.print(table)


@app.command()
def article(
    article_id: str = typer.Argument(..., help="Article id (or a unique prefix)."),
    db: str = DbOption,
    as_json: bool = typer.Option(False, "--json", help="JSON instead of text."),
) -> None:
    """Show one article: metadata, text and the furniture removed from it."""
    from storyweave.queries.articles import article_public, get_article

    store = _open_store(db)
    found = get_article(store, article_id)
    if found is None:
        _fail(f"no article {article_id!r} in {db}; `storyweave articles` lists them")
    if as_json:
        typer.echo(json.dumps(article_public(found), ensure_ascii=False, indent=2))
        return
    meta = Table.grid(padding=(0, 2))
    for name in ("id", "outlet", "url", "title", "author", "published", "site_name", "language", "source", "reader"):
        meta.add_row(f"[bold]{name}[/bold]", escape(str(getattr(found, name) or "")))
    if found.duplicate_of:
        meta.add_row("[bold]copy of[/bold]", f"{found.duplicate_of} ({found.duplicate_kind}, {found.similarity:.2f})")
    console.print(meta)
    console.rule("text")
    console.print(escape(found.text), soft_wrap=True)
    console.rule(f"removed furniture ({len(found.removed)})")
    for span in found.removed:
        console.print(f"[dim]{escape(span.kind):>13}[/dim]  {escape(span.text)}", soft_wrap=True)


@app.command()
def quarantine(
    db: str = DbOption,
    limit: Optional[int] = typer.Option(None, help="At most this many."),
    as_json: bool = typer.Option(False, "--json", help="JSON lines instead of a table."),
) -> None:
    """List documents that could not be read, with the reason."""
    from dataclasses import asdict

    from storyweave.store import articles as article_store

    store = _open_store(db)
    with store.read() as conn:
        records = article_store.list_quarantine(conn, limit=limit)
    if as_json:
        for record in records:
            typer.echo(json.dumps(asdict(record), ensure_ascii=False))
        return
    table = Table(title=f"{len(records)} quarantined documents")
    for column in ("id", "source", "reader", "reason", "when"):
        table.add_column(column, overflow="fold")
    for r in records:
        table.add_row(str(r.id), escape(r.source), r.reader, escape(r.reason), r.created_at)
    console.print(table)


# -- export -------------------------------------------------------------------


@app.command()
def export(
    db: str = DbOption,
    format: str = typer.Option("json", "--format", help="json, csv, geojson, md or html."),
    story: Optional[str] = typer.Option(None, "--story", help="Only this story (id, or one of its article ids)."),
    output: Optional[Path] = typer.Option(
        None, "-o", "--output", help="File to write (a folder for csv); stdout if omitted."
    ),
) -> None:
    """Export the store or one story: JSON (schema/export.v1.schema.json), CSV, GeoJSON, Markdown or HTML."""
    from storyweave.export.formats import write_export

    store = _open_store(db)
    try:
        if format == "csv":
            summary = write_export(store, format, None, story, folder=output)
        elif output is None:
            summary = write_export(store, format, sys.stdout, story)
        else:
            with output.open("w", encoding="utf-8") as out:
                summary = write_export(store, format, out, story)
    except StoryweaveError as exc:
        _fail(str(exc))
    err_console.print(f"exported {escape(summary)}")


@app.command()
def serve(
    db: str = DbOption,
    host: str = typer.Option("127.0.0.1", "--host", help="Interface to bind; the default keeps the UI on this machine."),
    port: int = typer.Option(8000, "--port", help="TCP port."),
) -> None:
    """Serve the web UI and the JSON API (OpenAPI at /docs)."""
    from storyweave.api.app import serve as run_server

    try:
        run_server(Settings.from_env(db_url=db), host=host, port=port)
    except StoryweaveError as exc:
        _fail(str(exc))


# -- eval and bench -----------------------------------------------------------


def _emit_reports(reports, write: bool, docs: Path) -> None:
    from storyweave.evaluation.report import write_report

    for report in reports:
        table = Table(title=report.title)
        for column in report.columns:
            table.add_column(str(column))
        for row in report.rows:
            table.add_row(*[f"{v:.3f}" if isinstance(v, float) else escape(str(v)) for v in row])
        console.print(table)
        for note in report.notes:
            console.print(f"[dim]{escape(note)}[/dim]")
        if write:
            write_report(report, docs / "BENCHMARKS.md")
    if write:
        err_console.print(f"tables written to {escape(str(docs / 'BENCHMARKS.md'))}")


EvaldataOption = typer.Option(None, "--evaldata", help="Folder of the evaluation datasets (default ../shared/evaldata).")
LimitOption = typer.Option(None, "--limit", help="Only the first N documents (a fast subset).")
WriteOption = typer.Option(True, "--write/--no-write", help="Write the tables into docs/BENCHMARKS.md.")
DocsOption = typer.Option(Path("docs"), "--docs", help="Folder holding BENCHMARKS.md.")


def _evaldata(path: Optional[Path]) -> Path:
    try:
        return Settings.from_env(evaldata=path).evaldata_dir()
    except StoryweaveError as exc:
        _fail(str(exc))


@eval_app.command("extraction")
def eval_extraction(
    evaldata: Optional[Path] = EvaldataOption,
    limit: Optional[int] = LimitOption,
    write: bool = WriteOption,
    docs: Path = DocsOption,
) -> None:
    """HTML extraction and the plain-text furniture filter on the article-extraction benchmark."""
    from storyweave.evaluation.extraction import evaluate_html_extraction
    from storyweave.evaluation.furniture import evaluate_furniture_filter

    data = _evaldata(evaldata)
    reports = [
        evaluate_html_extraction(data, limit=limit, progress=True),
        evaluate_furniture_filter(data, limit=limit, progress=True),
    ]
    _emit_reports(reports, write and limit is None, docs)


@eval_app.command("places")
def eval_places(
    corpus: List[str] = typer.Option(["lgl", "trnews"], "--corpus", help="lgl and/or trnews."),
    evaldata: Optional[Path] = EvaldataOption,
    limit: Optional[int] = LimitOption,
    write: bool = WriteOption,
    docs: Path = DocsOption,
) -> None:
    """Place recognition and geocoding on LGL and TR-News: accuracy at 161 km, GeoNames ids, recall."""
    from storyweave.evaluation.places import evaluate_places

    data = _evaldata(evaldata)
    reports = [evaluate_places(data, name, limit=limit, progress=True) for name in corpus]
    _emit_reports(reports, write and limit is None, docs)


@eval_app.command("dates")
def eval_dates(
    corpus: List[str] = typer.Option(
        ["timebank", "aquaint", "meantime"], "--corpus", help="timebank, aquaint and/or meantime."
    ),
    evaldata: Optional[Path] = EvaldataOption,
    limit: Optional[int] = LimitOption,
    write: bool = WriteOption,
    docs: Path = DocsOption,
) -> None:
    """Time expressions: detection F1 and normalised-value accuracy (TempEval-3 style)."""
    from storyweave.evaluation.dates import evaluate_dates

    data = _evaldata(evaldata)
    reports = [evaluate_dates(data, name, limit=limit, progress=True) for name in corpus]
    _emit_reports(reports, write and limit is None, docs)


@eval_app.command("quotes")
def eval_quotes(
    split: List[str] = typer.Option(["dev"], "--split", help="PolNeAR split(s): dev and/or train."),
    evaldata: Optional[Path] = EvaldataOption,
    limit: Optional[int] = LimitOption,
    write: bool = WriteOption,
    docs: Path = DocsOption,
) -> None:
    """Quotes and reported speech on PolNeAR: content P/R/F1 at two overlaps, speaker and cue accuracy."""
    from storyweave.evaluation.quotes import evaluate_quotes

    data = _evaldata(evaldata)
    reports = [evaluate_quotes(data, name, limit=limit, progress=True) for name in split]
    _emit_reports(reports, write and limit is None, docs)


@eval_app.command("events")
def eval_events(
    evaldata: Optional[Path] = EvaldataOption,
    limit: Optional[int] = LimitOption,
    write: bool = WriteOption,
    docs: Path = DocsOption,
) -> None:
    """Events on MEANTIME: event mention P/R/F1 (and recall within our lexicon), actor and target accuracy."""
    from storyweave.evaluation.events import evaluate_events

    _emit_reports([evaluate_events(_evaldata(evaldata), limit=limit, progress=True)], write and limit is None, docs)


@eval_app.command("stories")
def eval_stories(
    evaldata: Optional[Path] = EvaldataOption,
    limit: Optional[int] = typer.Option(None, "--limit", help="Only the first N topics of each split."),
    write: bool = WriteOption,
    docs: Path = DocsOption,
) -> None:
    """Story clustering on ECB+ sub-topics: B-cubed and pairwise F1, with and without entities."""
    from storyweave.evaluation.stories import evaluate_stories

    report = evaluate_stories(_evaldata(evaldata), limit_topics=limit, progress=True)
    _emit_reports([report], write and limit is None, docs)


@bench_app.command("link")
def bench_link(
    evaldata: Optional[Path] = EvaldataOption,
    write: bool = WriteOption,
    docs: Path = DocsOption,
) -> None:
    """Time to link one new article into stories at 1k, 10k and 100k stored articles."""
    from storyweave.bench.link import bench_link as run_bench

    _emit_reports([run_bench(_evaldata(evaldata))], write, docs)


@eval_app.command("stance")
def eval_stance(
    dataset: List[str] = typer.Option(["emergent", "fnc1"], "--dataset", help="emergent and/or fnc1."),
    evaldata: Optional[Path] = EvaldataOption,
    limit: Optional[int] = LimitOption,
    write: bool = WriteOption,
    docs: Path = DocsOption,
) -> None:
    """Agree/contradict stance on Emergent and FNC-1, as proxies for claim alignment's decisions."""
    from storyweave.evaluation.stance import evaluate_stance

    data = _evaldata(evaldata)
    reports = [evaluate_stance(data, name, limit=limit, progress=True) for name in dataset]
    _emit_reports(reports, write and limit is None, docs)


@bench_app.command("serve")
def bench_serve(
    write: bool = WriteOption,
    docs: Path = DocsOption,
    articles: int = typer.Option(100, help="Articles in the one story."),
    requests: int = typer.Option(30, help="Timed requests."),
) -> None:
    """Server-side time to render the dossier page of a 100-article story (mean and p95 ms)."""
    from storyweave.bench.serve import bench_serve as run_bench

    _emit_reports([run_bench(articles=articles, requests=requests)], write, docs)


@bench_app.command("ingest")
def bench_ingest(
    evaldata: Optional[Path] = EvaldataOption,
    write: bool = WriteOption,
    docs: Path = DocsOption,
    repeat: int = typer.Option(3, help="Runs per input kind; the best is reported."),
) -> None:
    """Documents per second for each input kind, into a fresh SQLite store."""
    from storyweave.bench.ingest import bench_ingest as run_bench

    _emit_reports([run_bench(_evaldata(evaldata), repeat=repeat)], write, docs)


@bench_app.command("analyze")
def bench_analyze(
    evaldata: Optional[Path] = EvaldataOption,
    limit: Optional[int] = LimitOption,
    write: bool = WriteOption,
    docs: Path = DocsOption,
    repeat: int = typer.Option(2, help="Runs per pipeline; the best is reported."),
) -> None:
    """Articles per second of the full analysis next to the bare spaCy pipeline, and peak memory."""
    from storyweave.bench.analyze import bench_analyze as run_bench

    _emit_reports([run_bench(_evaldata(evaldata), limit=limit, repeat=repeat)], write and limit is None, docs)


def main() -> None:
    """Console-script entry point."""
    app()


if __name__ == "__main__":
    main()
