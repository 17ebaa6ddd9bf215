"""Commands that show stories: the list and the dossier."""

from __future__ import annotations

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
)
from storyweave.cli.terminal import json_line, shown

_STATUS_STYLE = {"corroborated": "green", "contested": "red", "single-source": "yellow"}


#: an actor that is only a pronoun names no one on a timeline line ("they offensive")
PRONOUN_ACTORS = frozenset(["he", "she", "it", "they", "we", "i", "you", "him", "her", "them", "us"])


def event_line(entry: dict) -> str:
    """A timeline entry as one line: actor, action, target; a pronoun actor left out."""
    actor = entry.get("actor")
    if actor and actor.casefold() in PRONOUN_ACTORS:
        actor = None
    return " ".join(x for x in (actor, entry.get("action"), entry.get("target")) if x)


@app.command()
def stories(
    db: str = DbOption,
    limit: Optional[int] = typer.Option(None, help="At most this many."),
    as_json: bool = typer.Option(False, "--json", help="JSON lines instead of a table."),
) -> None:
    """List stories: articles, outlets, corroborated / contested / single-source claims, time range."""
    from storyweave.queries.stories import list_stories

    store = _open_store(command_settings(db=db))
    rows = list_stories(store, limit=limit)
    if as_json:
        for row in rows:
            typer.echo(json_line(row))
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
            shown(row["id"]), shown(row["title"]), str(row["size"]), str(row["outlets"]),
            *(str(row["claims"][s]) for s in ("corroborated", "contested", "single-source")),
            shown((row["first_seen"] or "")[:10]), shown((row["last_seen"] or "")[:10]),
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

    settings = command_settings(db=db)
    store = _open_store(settings)
    found = find_story(store, story_id)
    dossier = story_dossier(store, found) if found else None
    if dossier is None:
        _fail(f"no story {story_id!r} in {settings.db_url}; `storyweave stories` lists them")
    if as_json:
        typer.echo(json_line(dossier, indent=2, default=str))
        return
    _print_dossier(dossier)


def _print_dossier(d: dict) -> None:
    """The dossier as the web page orders it: key claims, what only each outlet reports, then the rest."""
    story = d["story"]
    console.rule(f"[bold]{shown(story['title'])}[/bold]  ({shown(story['id'])})")
    outlets = sorted({a["outlet"] or "?" for a in d["articles"]})
    console.print(
        f"{len(d['articles'])} articles from {len(outlets)} outlets: {shown(', '.join(outlets))}; "
        f"seen {shown(story.get('seen') or 'date unknown')}",
        soft_wrap=True,
    )
    if story.get("summary"):
        console.print(f"\n[bold]Summary[/bold]\n{shown(story['summary'])}", soft_wrap=True)
    _print_claims(story["id"], d["sections"])
    dated = [e for e in d["timeline"] if e.get("dated", True)]
    undated = len(d["timeline"]) - len(dated)
    if dated:
        console.print("\n[bold]Timeline[/bold]")
        table = Table(show_header=False, box=None, pad_edge=False)
        table.add_column("when", style="cyan", max_width=34, overflow="fold")
        table.add_column("event", ratio=1, overflow="fold")
        for e in dated:
            sources = ", ".join(sorted({s["outlet"] or "?" for s in e["sources"]}))
            event = event_line(e)
            place = f" in {e['place']}" if e["place"] and e["place"].casefold() not in event.casefold() else ""
            table.add_row(shown(e["when"] or "undated"),
                          f"[dim]{shown(e['type'])}[/dim] {shown(event + place)} [dim]({shown(sources)})[/dim]")
        console.print(table)
    if undated:
        console.print(f"[dim]{undated} event{'' if undated == 1 else 's'} without a date: "
                      f"`storyweave show {shown(story['id'])} --json` lists them.[/dim]")
    if d["quotes"]:
        console.print("\n[bold]Who said what[/bold]")
        for speaker in d["quotes"]:
            console.print(f"[bold]{shown(speaker['speaker'])}[/bold]")
            for q in speaker["quotes"]:
                # a headline's colon ("Poll: Clinton and Sanders in dead heat") is its own cue
                cue = (q["cue"] or "").strip(" :")
                said = f"{shown(q['outlet'] or '?')}, {shown(cue)}" if cue else shown(q["outlet"] or "?")
                console.print(f"   [dim]{said}:[/dim] {shown(q['text'].strip())}", soft_wrap=True)
    if d["places"]:
        console.print("\n[bold]Places[/bold]")
        console.print(
            ", ".join(f"{shown(p['name'])} ({shown(p['country'])}, {p['lat']:.2f}, {p['lon']:.2f})" for p in d["places"]),
            soft_wrap=True,
        )


def _print_claims(story_id: str, sections: dict) -> None:
    key = sections["key"]
    console.print(f"\n[bold]Key claims[/bold] [dim]({len(key)} of {sections['key_total']}: corroborated, contested, "
                  "and what several outlets report)[/dim]")
    if not key:
        console.print("   [dim]no claim is reported by more than one outlet or origin[/dim]")
    for claim in key:
        style = _STATUS_STYLE.get(claim["status"], "white")
        console.print(f"[{style}]{shown(claim['status']):>13}[/{style}]  {shown(claim['text'])}", soft_wrap=True)
        console.print(f"{'':>15}[dim]{shown(claim['origin_summary'])}[/dim]", soft_wrap=True)
        if claim["status"] == "contested" and claim["versions"]:
            _print_versions(claim)
        else:
            reporting = sorted({m["outlet"] or "?" for m in claim["mentions"]})
            console.print(f"{'':>15}[dim]reported by {shown(', '.join(reporting))}[/dim]", soft_wrap=True)
    for o in sections["outlets"]:
        count = f"{len(o['claims'])} of {o['total']}" if o["total"] > len(o["claims"]) else str(o["total"])
        console.print(f"\n[bold]What only {shown(o['outlet'])} reports[/bold] [dim]({count})[/dim]")
        if not o["claims"]:
            console.print("   [dim]nothing only here[/dim]")
        for claim in o["claims"]:
            console.print(f"   • {shown(claim['text'])} [dim]({shown(claim['origin_summary'])})[/dim]", soft_wrap=True)
    if sections["hidden"]:
        console.print(f"\n[dim]{sections['hidden']} more of {sections['total']} claims: "
                      f"`storyweave show {shown(story_id)} --json` lists them all.[/dim]", soft_wrap=True)


def _print_versions(claim: dict) -> None:
    """A contested claim's versions, each with its outlets and the sentences that state it."""
    for i, version in enumerate(claim["versions"]):
        console.print(f"{'':>15}[red]version {i + 1}:[/red] “{shown(version['text'])}” "
                      f"[dim]— {shown(', '.join(version['outlets']))}[/dim]", soft_wrap=True)
        for m in claim["mentions"]:
            if m["version"] == i:
                who = f" — {m['attributed_to']}" if m["attributed_to"] else ""
                console.print(f"{'':>18}[dim]{shown(m['outlet'] or '?')}{shown(who)}:[/dim] {shown(m['text'])}",
                              soft_wrap=True)
