"""``storyweave gazetteer``: import a GeoNames dump as the gazetteer, show which one is in use, reset."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Optional

import typer
from rich.markup import escape
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from storyweave.cli.app import _fail, console, err_console, gazetteer_app
from storyweave.errors import StoryweaveError


@gazetteer_app.command("import")
def import_(
    source: Path = typer.Argument(
        ..., help="A GeoNames dump: allCountries.zip, cities500.zip, XX.zip or the .txt inside.",
    ),
    admin1: Optional[Path] = typer.Option(
        None, "--admin1", help="GeoNames admin1CodesASCII.txt: names first-level divisions.",
    ),
    admin2: Optional[Path] = typer.Option(
        None, "--admin2", help="GeoNames admin2Codes.txt: names second-level divisions.",
    ),
    country_info: Optional[Path] = typer.Option(
        None, "--country-info", help="GeoNames countryInfo.txt: countries' usual English names.",
    ),
    rules: Optional[Path] = typer.Option(
        None, "--rules", help="Which feature codes to keep, instead of rules/places/geonames_import.tsv.",
    ),
) -> None:
    """Import a GeoNames dump you downloaded as the gazetteer (used instead of the bundled one)."""
    from storyweave.nlp.gazetteer.geonames_import import import_geonames

    columns = (
        TextColumn("[bold]reading[/bold] {task.description}"), BarColumn(), DownloadColumn(),
        TimeElapsedColumn(), TimeRemainingColumn(),
    )
    with Progress(*columns, console=err_console, transient=True) as bar:
        task = bar.add_task(escape(source.name), total=None)
        try:
            summary = import_geonames(
                source, admin1=admin1, admin2=admin2, country_info=country_info, rules_file=rules,
                progress=lambda done, total: bar.update(task, completed=done, total=total),
            )
        except StoryweaveError as exc:
            _fail(str(exc))
    console.print(
        f"imported {summary.entries:,} entries from {escape(summary.file)} in {summary.seconds:.0f} s "
        f"({summary.rows:,} lines read)", soft_wrap=True,
    )
    _kinds_table(summary.kinds, summary.carried)


@gazetteer_app.command()
def status() -> None:
    """Say which gazetteer is in use (bundled or imported), its entries per kind, source and date."""
    from storyweave.nlp.gazetteer import cache_path, imported_path, load_gazetteer
    from storyweave.nlp.gazetteer.geonames_import import import_status

    try:
        gaz = load_gazetteer()
    except StoryweaveError as exc:
        _fail(str(exc))
    summary = import_status()
    if gaz.origin.get("source") == "imported" and summary is not None:
        console.print(
            f"in use: [bold]imported[/bold] from {escape(summary.file)} on {summary.imported_at}",
            soft_wrap=True,
        )
        console.print(f"file: {escape(str(imported_path()))}", soft_wrap=True)
    else:
        console.print("in use: [bold]bundled[/bold] (GeoNames extracts shipped with storyweave and its "
                      "packages)")
        built = cache_path()
        if built.is_file():
            when = datetime.datetime.fromtimestamp(built.stat().st_mtime).isoformat(timespec="seconds")
            console.print(f"file: {escape(str(built))} (built {when})", soft_wrap=True)
        if imported_path().is_file():
            console.print(f"[yellow]an imported gazetteer in {escape(str(imported_path()))} cannot be read: "
                          "run `storyweave gazetteer import` again or `storyweave gazetteer reset`[/yellow]",
                          soft_wrap=True)
    console.print(f"{len(gaz):,} entries")
    imported = summary is not None and gaz.origin.get("source") == "imported"
    _kinds_table(gaz.kind_counts(), summary.carried if imported else {})


@gazetteer_app.command()
def reset() -> None:
    """Remove the imported gazetteer: the bundled one is used again."""
    from storyweave.nlp.gazetteer.geonames_import import reset_import

    if reset_import():
        console.print("removed the imported gazetteer: the bundled one is in use")
    else:
        console.print("no imported gazetteer: the bundled one is in use")


def _kinds_table(kinds: dict[str, int], carried: dict[str, int]) -> None:
    table = Table(show_edge=False)
    table.add_column("kind")
    table.add_column("entries", justify="right")
    if carried:
        table.add_column("from the bundled gazetteer", justify="right")
    for kind, n in kinds.items():
        table.add_row(kind, f"{n:,}", *([f"{carried.get(kind, 0):,}"] if carried else []))
    console.print(table)
