"""The one way the CLI shows stored text: control characters removed, rich markup escaped.

Every title, outlet, sentence or reason that came from a document goes through
``shown`` before it reaches the console, and every ``--json`` line through
``json_line``: an article cannot clear the screen, retitle the window or style
the output (``storyweave.safe_text``).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict
from typing import Any

import typer
from rich.markup import escape
from rich.table import Table

from storyweave.safe_text import json_escape_controls, strip_controls


def shown(value: Any) -> str:
    """``value`` (``None`` as empty) as console markup that prints exactly its visible characters."""
    return escape(strip_controls("" if value is None else str(value)))


def json_line(data: Any, **kwargs: Any) -> str:
    """``data`` as JSON (non-ASCII kept readable), with any control character escaped, not raw."""
    return json_escape_controls(json.dumps(data, ensure_ascii=False, **kwargs))


def print_records(console, records: list, as_json: bool, title: str, columns: dict[str, Callable[[Any], Any]],
                  no_wrap: tuple[str, ...] = ()) -> None:
    """Stored records (dataclasses) as JSON lines, or as a table of ``columns`` (header → value of
    a record), every cell stripped of control characters and Rich markup."""
    if as_json:
        for record in records:
            typer.echo(json_line(asdict(record)))
        return
    table = Table(title=title)
    for column in columns:
        table.add_column(column, overflow="fold", no_wrap=column in no_wrap)
    for record in records:
        table.add_row(*(shown(value(record)) for value in columns.values()))
    console.print(table)
