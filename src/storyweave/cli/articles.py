"""Commands over stored articles, exports and the web server."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Optional

import typer
from rich.table import Table

from storyweave.cli.app import (
    DbOption,
    _fail,
    _open_store,
    app,
    command_settings,
    console,
    err_console,
)
from storyweave.cli.terminal import json_line, print_records, shown
from storyweave.errors import StoryweaveError


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

    store = _open_store(command_settings(db=db))
    items = list_articles(store, outlet=outlet, include_duplicates=not originals, limit=limit)
    if as_json:
        for article in items:
            data = article_public(article)
            data.pop("text")
            data.pop("removed")
            typer.echo(json_line(data))
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
            shown(a.id),
            shown(a.outlet or "?"),
            shown(a.published or ""),
            shown((a.title or a.text[:60]).strip()),
            str(len(a.text.split())),
            shown(f"{a.duplicate_of} ({a.duplicate_kind})") if a.duplicate_of else "",
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

    settings = command_settings(db=db)
    store = _open_store(settings)
    found = get_article(store, article_id)
    if found is None:
        _fail(f"no article {article_id!r} in {settings.db_url}; `storyweave articles` lists them")
    if as_json:
        typer.echo(json_line(article_public(found), indent=2))
        return
    meta = Table.grid(padding=(0, 2))
    for name in ("id", "outlet", "url", "title", "author", "published", "site_name", "language", "source", "reader"):
        meta.add_row(f"[bold]{name}[/bold]", shown(getattr(found, name) or ""))
    if found.duplicate_of:
        meta.add_row("[bold]copy of[/bold]",
                     shown(f"{found.duplicate_of} ({found.duplicate_kind}, {found.similarity:.2f})"))
    console.print(meta)
    console.rule("text")
    console.print(shown(found.text), soft_wrap=True)
    console.rule(f"removed furniture ({len(found.removed)})")
    for span in found.removed:
        console.print(f"[dim]{shown(span.kind):>13}[/dim]  {shown(span.text)}", soft_wrap=True)


@app.command()
def quarantine(
    db: str = DbOption,
    limit: Optional[int] = typer.Option(None, help="At most this many."),
    as_json: bool = typer.Option(False, "--json", help="JSON lines instead of a table."),
) -> None:
    """List documents that could not be read, with the reason."""
    from storyweave.queries.articles import list_quarantine

    store = _open_store(command_settings(db=db))
    records = list_quarantine(store, limit=limit)
    print_records(console, records, as_json, f"{len(records)} quarantined documents", {
        "id": lambda r: r.id, "source": lambda r: r.source, "reader": lambda r: r.reader,
        "reason": lambda r: r.reason, "when": lambda r: r.created_at,
    })


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

    store = _open_store(command_settings(db=db))
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
    err_console.print(f"exported {shown(summary)}")


@app.command()
def serve(
    db: str = DbOption,
    host: str = typer.Option("127.0.0.1", "--host", help="Interface to bind; the default keeps the UI on this machine."),
    port: int = typer.Option(8000, "--port", help="TCP port."),
) -> None:
    """Serve the web UI and the JSON API (OpenAPI at /docs)."""
    from storyweave.app import serve as run_server

    try:
        run_server(command_settings(db=db), host=host, port=port)
    except StoryweaveError as exc:
        _fail(str(exc))


