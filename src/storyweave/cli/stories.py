"""Commands that show stories: the list and the dossier."""

from __future__ import annotations

import json
from typing import Optional

import typer
from rich.markup import escape
from rich.table import Table

from storyweave.cli.app import (
    DbOption,
    _fail,
    _open_store,
    app,
    console,
)


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
    table.add_column("title", overflow="fold", min_width=24, ratio=1)
    table.add_column("art.", justify="right")
    table.add_column("outl.", justify="right")
    # Short headers: the claim counts by status are what a narrow terminal must keep.
    for status, header in (("corroborated", "corr."), ("contested", "cont."), ("single-source", "single")):
        table.add_column(header, justify="right", style=_STATUS_STYLE[status])
    table.add_column("first seen")
    table.add_column("last seen")
    for row in rows:
        table.add_row(
            row["id"], escape(row["title"]), str(row["size"]), str(row["outlets"]),
            *(str(row["claims"][s]) for s in ("corroborated", "contested", "single-source")),
            (row["first_seen"] or "")[:10], (row["last_seen"] or "")[:10],
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


