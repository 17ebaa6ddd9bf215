"""``storyweave batch``: the per-article stages over many shards, in this process or on Ray."""

from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from storyweave.cli.app import DbOption, _fail, _open_store, app, command_settings, console, err_console
from storyweave.cli.terminal import shown
from storyweave.errors import StoryweaveError


@app.command()
def batch(
    paths: List[str] = typer.Argument(..., help="Shards: JSONL, JSON, Parquet, WARC files (any ingestable file) or folders."),
    db: str = DbOption,
    out: Path = typer.Option(Path("batch-out"), help="Folder for the Parquet output and the run's manifest."),
    engine: str = typer.Option("local", help="local (this process) or ray (Ray Data actors)."),
    workers: int = typer.Option(2, min=1, help="Ray analysis actors (one CPU each) and parallel link tasks."),
    batch_size: int = typer.Option(32, min=1, help="Articles per analysis batch."),
    encoder: str = typer.Option("minilm", help="Lead embeddings: minilm or static."),
    ray_address: Optional[str] = typer.Option(None, help="Join this Ray cluster (e.g. ray://head:10001) instead of starting one."),
    field: List[str] = typer.Option([], "--field", help="JSON/Parquet field mapping OURS=THEIRS, e.g. text=body."),
    load: bool = typer.Option(True, "--load/--no-load", help="Load the Parquet rows into the store."),
    link: bool = typer.Option(True, "--link/--no-link", help="Link the loaded articles (block-wise, in parallel)."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress display."),
) -> None:
    """Read, analyse and embed many shards (locally or on Ray), write Parquet, load it into the store, link it.

    Killed at any point, the same command started again loses nothing and duplicates nothing: finished
    Parquet output is reused (out/manifest.json), and articles already in the store are skipped.
    """
    from storyweave.batch.runner import run_batch
    from storyweave.cli.pipeline import ingest_counts, ingest_options
    from storyweave.pipeline.ingest import IngestReport

    settings = command_settings(db=db, ingest=ingest_options(field))
    store = _open_store(settings) if load else None
    live = IngestReport()
    failures: list[tuple[str, str]] = []
    with Progress(SpinnerColumn(), TextColumn("[bold]{task.description}[/bold]"), TextColumn("{task.fields[counts]}"),
                  TimeElapsedColumn(), console=err_console, disable=quiet) as progress:
        analyse = progress.add_task(f"analyse ({engine})", total=None, counts="")
        loading = progress.add_task("load", total=None, counts="", visible=False)
        done = [0]

        def on_rows(count: int) -> None:
            done[0] += count
            progress.update(analyse, counts=f"{done[0]} documents")

        def on_event(event) -> None:
            live.add(event)
            if event.outcome == "failed":
                failures.append((event.source, event.reason or ""))
            progress.update(loading, visible=True, counts=ingest_counts(live))

        try:
            report = run_batch(paths, store, out, settings, engine=engine, workers=workers,
                               encoder=encoder, batch_size=batch_size, address=ray_address, load=load,
                               link=link, on_rows=on_rows, on_event=on_event, progress=not quiet)
        except StoryweaveError as exc:
            _fail(str(exc))
        finally:
            if store is not None:
                store.close()
    for source, reason in failures:
        err_console.print(f"[yellow]failed:[/yellow] {shown(source)}: {shown(reason)}", soft_wrap=True)
    reused = " (reused from an earlier run)" if report.reused else ""
    console.print(f"{report.shards} shards · {report.rows} documents processed{reused} → {shown(out)}",
                  soft_wrap=True)
    if load:
        console.print(ingest_counts(report.load) + f" · {report.load.analysed} analyses loaded", soft_wrap=True)
    if load and link:
        console.print(f"{report.linked} linked · {report.stories} new stories", soft_wrap=True)
    timings = " · ".join(f"{name} {seconds:.1f}s" for name, seconds in report.seconds.items())
    console.print(f"[dim]{timings}[/dim]")
