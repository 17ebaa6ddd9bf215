"""``storyweave eval`` and ``storyweave bench``: tables go to docs/BENCHMARKS.md."""

from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer
from rich.markup import escape
from rich.table import Table

from storyweave.cli.app import (
    _fail,
    bench_app,
    command_settings,
    console,
    err_console,
    eval_app,
)
from storyweave.config import Settings
from storyweave.errors import StoryweaveError


# -- eval and bench -----------------------------------------------------------


def _emit_reports(reports, write: bool, settings: Settings) -> None:
    from storyweave.evaluation.report import write_report

    docs = settings.docs_dir
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


def _run_evals(evaluate, names: List[str], settings: Settings, limit: Optional[int], write: bool) -> None:
    """Score each named dataset with ``evaluate``; a ``--limit`` subset is shown, not written."""
    data = _evaldata(settings)
    reports = [evaluate(data, name, limit=limit, progress=True) for name in names]
    _emit_reports(reports, write and limit is None, settings)


def _evaldata(settings: Settings) -> Path:
    try:
        return settings.evaldata_dir()
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
    settings = command_settings(evaldata=evaldata, docs=docs)
    from storyweave.evaluation.extraction import evaluate_html_extraction
    from storyweave.evaluation.furniture import evaluate_furniture_filter

    data = _evaldata(settings)
    reports = [
        evaluate_html_extraction(data, limit=limit, progress=True),
        evaluate_furniture_filter(data, limit=limit, progress=True),
    ]
    _emit_reports(reports, write and limit is None, settings)


@eval_app.command("places")
def eval_places(
    corpus: List[str] = typer.Option(["lgl", "trnews"], "--corpus", help="lgl and/or trnews (repeatable)."),
    evaldata: Optional[Path] = EvaldataOption,
    limit: Optional[int] = LimitOption,
    write: bool = WriteOption,
    docs: Path = DocsOption,
) -> None:
    """Geoparsing on LGL and TR-News over every gold toponym with coordinates, end to end and with
    the gold spans given, with and without demonyms: accuracy at 161 km, mean and median error,
    AUC, recognition recall/precision/F1 and documents per second."""
    settings = command_settings(evaldata=evaldata, docs=docs)
    from storyweave.evaluation.places import evaluate_places

    _run_evals(evaluate_places, corpus, settings, limit, write)


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
    settings = command_settings(evaldata=evaldata, docs=docs)
    from storyweave.evaluation.dates import evaluate_dates

    _run_evals(evaluate_dates, corpus, settings, limit, write)


@eval_app.command("quotes")
def eval_quotes(
    split: List[str] = typer.Option(["dev"], "--split", help="PolNeAR split(s): dev and/or train."),
    evaldata: Optional[Path] = EvaldataOption,
    limit: Optional[int] = LimitOption,
    write: bool = WriteOption,
    docs: Path = DocsOption,
) -> None:
    """Quotes and reported speech on PolNeAR: content P/R/F1 at two overlaps, speaker and cue accuracy."""
    settings = command_settings(evaldata=evaldata, docs=docs)
    from storyweave.evaluation.quotes import evaluate_quotes

    _run_evals(evaluate_quotes, split, settings, limit, write)


@eval_app.command("events")
def eval_events(
    evaldata: Optional[Path] = EvaldataOption,
    limit: Optional[int] = LimitOption,
    write: bool = WriteOption,
    docs: Path = DocsOption,
) -> None:
    """Events on MEANTIME: event mention P/R/F1 (and recall within our lexicon), actor and target accuracy."""
    settings = command_settings(evaldata=evaldata, docs=docs)
    from storyweave.evaluation.events import evaluate_events

    report = evaluate_events(_evaldata(settings), limit=limit, progress=True)
    _emit_reports([report], write and limit is None, settings)


@eval_app.command("stories")
def eval_stories(
    evaldata: Optional[Path] = EvaldataOption,
    limit: Optional[int] = typer.Option(None, "--limit", help="Only the first N topics of each split."),
    write: bool = WriteOption,
    docs: Path = DocsOption,
) -> None:
    """Story clustering on ECB+ sub-topics: B-cubed and pairwise F1, with and without entities."""
    settings = command_settings(evaldata=evaldata, docs=docs)
    from storyweave.evaluation.stories import evaluate_stories

    report = evaluate_stories(_evaldata(settings), limit_topics=limit, progress=True)
    _emit_reports([report], write and limit is None, settings)


@eval_app.command("entities")
def eval_entities(
    dataset: List[str] = typer.Option(["meantime"], "--dataset", help="meantime (the only one for now)."),
    evaldata: Optional[Path] = EvaldataOption,
    limit: Optional[int] = LimitOption,
    write: bool = WriteOption,
    docs: Path = DocsOption,
) -> None:
    """Cross-document entity resolution on MEANTIME's gold instances: B-cubed and pairwise
    precision/recall/F1, over all records and per type."""
    settings = command_settings(evaldata=evaldata, docs=docs)
    from storyweave.evaluation.entities import evaluate_entities

    _run_evals(evaluate_entities, dataset, settings, limit, write)


@bench_app.command("link")
def bench_link(
    evaldata: Optional[Path] = EvaldataOption,
    write: bool = WriteOption,
    docs: Path = DocsOption,
) -> None:
    """Time to link one new article into stories at 1k, 10k and 100k stored articles."""
    settings = command_settings(evaldata=evaldata, docs=docs)
    from storyweave.bench.link import bench_link as run_bench

    _emit_reports([run_bench(_evaldata(settings))], write, settings)


@eval_app.command("claims")
def eval_claims(
    dataset: List[str] = typer.Option(
        ["shared-facts", "mrpc", "emergent", "fnc1"], "--dataset",
        help="shared-facts (ecb-shared-facts), mrpc, emergent and/or fnc1."),
    evaldata: Optional[Path] = EvaldataOption,
    limit: Optional[int] = LimitOption,
    write: bool = WriteOption,
    docs: Path = DocsOption,
) -> None:
    """Claim alignment: shared facts and contradictions across outlets, the same-fact decision
    on MRPC, and stance on Emergent and FNC-1 decided by the alignment itself."""
    settings = command_settings(evaldata=evaldata, docs=docs)
    from storyweave.evaluation.claims import evaluate_claims

    _run_evals(evaluate_claims, dataset, settings, limit, write)


@bench_app.command("align")
def bench_align(
    write: bool = WriteOption,
    docs: Path = DocsOption,
    repeat: int = typer.Option(3, help="Alignments per size; the best is reported."),
) -> None:
    """Time to re-align one story's claims at 50 to 400 articles (the link stage does it per update)."""
    settings = command_settings(docs=docs)
    from storyweave.bench.align import bench_align as run_bench

    _emit_reports([run_bench(repeat=repeat)], write, settings)


@bench_app.command("serve")
def bench_serve(
    write: bool = WriteOption,
    docs: Path = DocsOption,
    articles: int = typer.Option(100, help="Articles in the one story (dossier mode)."),
    requests: Optional[int] = typer.Option(
        None, help="Timed requests (default 30 in dossier mode, 1200 with --clients)."),
    clients: Optional[int] = typer.Option(
        None, "--clients", min=1,
        help="Load mode: this many concurrent clients against a real `storyweave serve`; "
             "p50/p95 per page kind and errors."),
    db: Optional[str] = typer.Option(
        None, "--db", help="Load mode: the store to serve (default: the demo corpus, built first)."),
) -> None:
    """Serving time: the dossier page of a 100-article story (mean and p95 ms), or with --clients N
    every page kind (story list, dossier, article, entity, search, API) under N concurrent clients."""
    settings = command_settings(docs=docs)
    if clients is None:
        from storyweave.bench.serve import bench_serve as run_bench

        _emit_reports([run_bench(articles=articles, requests=requests or 30)], write, settings)
        return
    from storyweave.bench.serve import bench_serve_load

    try:
        report = bench_serve_load(db=db, clients=clients, requests=requests or 1200)
    except StoryweaveError as exc:
        _fail(str(exc))
    _emit_reports([report], write, settings)
    if report.metrics.get("errors"):
        _fail(f"{int(report.metrics['errors'])} of {requests or 1200} requests failed (see the table)")


@bench_app.command("ingest")
def bench_ingest(
    evaldata: Optional[Path] = EvaldataOption,
    write: bool = WriteOption,
    docs: Path = DocsOption,
    repeat: int = typer.Option(3, help="Runs per input kind; the best is reported."),
) -> None:
    """Documents per second for each input kind, into a fresh SQLite store."""
    settings = command_settings(evaldata=evaldata, docs=docs)
    from storyweave.bench.ingest import bench_ingest as run_bench

    _emit_reports([run_bench(_evaldata(settings), repeat=repeat)], write, settings)


@bench_app.command("analyze")
def bench_analyze(
    evaldata: Optional[Path] = EvaldataOption,
    limit: Optional[int] = LimitOption,
    write: bool = WriteOption,
    docs: Path = DocsOption,
    repeat: int = typer.Option(
        3, help="Rounds; in each the two pipelines take the batches in turn. The median round ratio is reported."
    ),
) -> None:
    """Articles per second of the full analysis next to the bare spaCy pipeline, and peak memory."""
    settings = command_settings(evaldata=evaldata, docs=docs)
    from storyweave.bench.analyze import bench_analyze as run_bench

    _emit_reports([run_bench(_evaldata(settings), limit=limit, repeat=repeat)], write and limit is None, settings)




@bench_app.command("batch")
def bench_batch(
    corpus: str = typer.Option("polnear", help="polnear (PolNeAR training texts, from --evaldata) or demo."),
    evaldata: Optional[Path] = EvaldataOption,
    limit: Optional[int] = LimitOption,
    shards: int = typer.Option(8, min=1, help="JSONL shards to cut the corpus into."),
    write: bool = WriteOption,
    docs: Path = DocsOption,
) -> None:
    """Articles per second of the batch engine: local, Ray with 1 and with 2 workers; then load and link."""
    settings = command_settings(evaldata=evaldata, docs=docs)
    from storyweave.bench.batch import bench_batch as run_bench

    if corpus not in ("polnear", "demo"):
        _fail(f"unknown corpus {corpus!r}: choose polnear or demo")
    folder = _evaldata(settings) if corpus == "polnear" else None
    _emit_reports([run_bench(limit=limit, shards=shards, corpus=corpus, evaldata=folder)],
                  write and limit is None, settings)
