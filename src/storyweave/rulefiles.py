"""The one reader of rule files: the word lists, tables and thresholds a person may tune.

Rule files ship inside the package next to the code that reads them (``nlp/rules/``,
``link/rules/``, ``names/rules/``, ``ingest/rules/``, ``queries/rules/``). Every reader goes through these
functions, so a missing or broken file always fails the same way: a ``ConfigError`` that names
the file and says how to repair it, never a bare ``KeyError`` deep inside a stage.

Formats: TOML for lists and settings, tab-separated tables (``#`` starts a comment line) for
long two- or three-column lists, JSON where a file is produced by a tool.
"""

from __future__ import annotations

import json
import tomllib
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

from storyweave.errors import ConfigError

RuleSource = Path | Traversable


def rule_path(package: str, *parts: str) -> Traversable:
    """The rule file ``parts`` under the installed package ``package`` (e.g. ``storyweave.nlp``)."""
    return resources.files(package).joinpath(*parts)


def _text(path: RuleSource) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"rule file {path} cannot be read ({exc}); restore it from the repository") from exc


def read_toml(path: RuleSource) -> dict:
    """A TOML rule file as a dict."""
    try:
        return tomllib.loads(_text(path))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"rule file {path} is not valid TOML ({exc})") from exc


def read_json(path: RuleSource):
    """A JSON rule or model file."""
    try:
        return json.loads(_text(path))
    except json.JSONDecodeError as exc:
        raise ConfigError(f"rule file {path} is not valid JSON ({exc})") from exc


def read_lines(path: RuleSource) -> list[str]:
    """The non-empty, non-comment lines of a plain list file, stripped."""
    return [line.strip() for line in _text(path).splitlines() if line.strip() and not line.lstrip().startswith("#")]


def read_table(path: RuleSource, columns: int | None = None, *, at_least: int | None = None) -> list[list[str]]:
    """The rows of a tab-separated rule table; comment and blank lines skipped.

    ``columns`` asks every row to have exactly that many fields, ``at_least`` at least that many;
    a row that does not is an error naming the file and line, since a silently skipped row is a
    rule that quietly stops working.
    """
    rows = []
    for number, line in enumerate(_text(path).splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        row = [field.strip() for field in line.rstrip("\n").split("\t")]
        if columns is not None and len(row) != columns:
            raise ConfigError(f"{path}, line {number}: expected {columns} tab-separated fields, found {len(row)}")
        if at_least is not None and len(row) < at_least:
            raise ConfigError(f"{path}, line {number}: expected at least {at_least} tab-separated fields")
        rows.append(row)
    return rows
