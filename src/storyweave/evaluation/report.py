"""Evaluation and benchmark results, and how they land in ``docs/BENCHMARKS.md``.

Each eval or bench produces a ``Report``: a titled table plus the command that
produced it. ``write_report`` replaces that report's section in the Markdown
file (between HTML comment markers) and leaves every other section alone, so
each command can be re-run on its own.
"""

from __future__ import annotations

import datetime as _dt
import platform
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

HEADER = """# Benchmarks

Every table below is written by the command shown with it (`storyweave eval ...` or
`storyweave bench ...`); re-run the command to refresh its table. Evaluation data lives in
`../shared/evaldata` (see its README); nothing from it is copied into this repository.
"""


@dataclass
class Report:
    """One table of figures, named by a stable ``key`` (e.g. ``eval-extraction``)."""

    key: str
    title: str
    command: str
    columns: Sequence[str]
    rows: list[Sequence[object]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    #: headline figures by name, for CI gates and the CLI summary
    metrics: dict[str, float] = field(default_factory=dict)

    def to_markdown(self) -> str:
        """Render the report as a Markdown section."""
        lines = [f"## {self.title}", "", f"Command: `{self.command}`  ", f"Measured: {_stamp()}", ""]
        lines.append("| " + " | ".join(str(c) for c in self.columns) + " |")
        lines.append("|" + "|".join("---" for _ in self.columns) + "|")
        for row in self.rows:
            lines.append("| " + " | ".join(_cell(v) for v in row) + " |")
        if self.notes:
            lines.append("")
            lines.extend(self.notes)
        return "\n".join(lines) + "\n"


def _cell(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.3f}"
    return str(value).replace("|", "\\|")


def _stamp() -> str:
    today = _dt.date.today().isoformat()
    return f"{today}, Python {platform.python_version()} on {platform.machine()}"


def write_report(report: Report, path: Path) -> None:
    """Put ``report`` into the Markdown file at ``path``, replacing its old section."""
    begin, end = f"<!-- begin {report.key} -->", f"<!-- end {report.key} -->"
    section = f"{begin}\n{report.to_markdown()}{end}\n"
    text = path.read_text(encoding="utf-8") if path.exists() else HEADER
    pattern = re.compile(re.escape(begin) + r".*?" + re.escape(end) + r"\n?", re.S)
    if pattern.search(text):
        text = pattern.sub(lambda _m: section, text)
    else:
        text = text.rstrip("\n") + "\n\n" + section
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
