"""The ``storyweave`` Typer apps, consoles and helpers shared by every command module.

Each command parses its options into a ``Settings``, calls one library
function and formats the result. Logging is configured here and only here.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console

from storyweave import __version__
from storyweave.cli.terminal import shown
from storyweave.config import DEFAULT_DB, IngestOptions, Settings
from storyweave.errors import StoryweaveError

app = typer.Typer(
    help="storyweave: many news reports of the same events, turned into one sourced picture.",
    no_args_is_help=True,
    add_completion=False,
)
eval_app = typer.Typer(help="Score each stage on public datasets; tables go to docs/BENCHMARKS.md.")
bench_app = typer.Typer(help="Measure throughput; tables go to docs/BENCHMARKS.md.")
app.add_typer(eval_app, name="eval")
app.add_typer(bench_app, name="bench")
gazetteer_app = typer.Typer(help="The place gazetteer: import a GeoNames dump, show which one is in use, reset.")
app.add_typer(gazetteer_app, name="gazetteer")

console = Console()
err_console = Console(stderr=True)

DbOption = typer.Option(DEFAULT_DB, "--db", help="SQLite path or postgresql:// URL.", envvar="STORYWEAVE_DB")


def _configure_logging(verbose: bool) -> None:
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.ERROR,
        format="%(levelname)s %(name)s: %(message)s",
    )


def _print_version(value: bool) -> None:
    # eager: handled before Click asks for a command, so "storyweave --version" alone works
    if value:
        console.print(f"storyweave {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Log details to stderr."),
    version: bool = typer.Option(False, "--version", help="Print the version and exit.",
                                 callback=_print_version, is_eager=True),
) -> None:
    _configure_logging(verbose)


def command_settings(
    *,
    db: Optional[str] = None,
    ingest: Optional[IngestOptions] = None,
    evaldata: Optional[Path] = None,
    docs: Optional[Path] = None,
) -> Settings:
    """The command's ``Settings``: ``STORYWEAVE_*`` variables, then the options the command was given.

    Every command builds its settings here, once, before it does anything else,
    and passes them down; nothing below the CLI reads the environment.
    """
    try:
        return Settings.from_env(db_url=db, ingest=ingest, evaldata=evaldata, docs_dir=docs)
    except StoryweaveError as exc:
        _fail(str(exc))


def _open_store(settings: Settings):
    from storyweave.store.database import Store

    try:
        return Store(settings.db_url)
    except StoryweaveError as exc:
        _fail(str(exc))


def _fail(message: str, code: int = 1) -> None:
    # the message may quote a document's source or text: shown strips its control characters
    err_console.print(f"[red]error:[/red] {shown(message)}", soft_wrap=True)
    raise typer.Exit(code)

