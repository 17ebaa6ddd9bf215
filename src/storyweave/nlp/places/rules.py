"""Readers of the places component's rule files (``nlp/rules/places``), through ``storyweave.rulefiles``."""

from __future__ import annotations

from storyweave.rulefiles import read_lines as _read_list
from storyweave.rulefiles import read_table, read_toml, rule_path


def _path(name: str):
    return rule_path("storyweave.nlp", "rules", "places", name)


def read_lines(name: str) -> set[str]:
    """The entries of a plain list file."""
    return set(_read_list(_path(name)))


def read_pairs(name: str) -> dict[str, str]:
    """The first two columns of a tab-separated table, as a mapping (a later row wins)."""
    return {row[0]: row[1] for row in read_table(_path(name), at_least=2)}


def read_settings(name: str) -> dict:
    """A TOML rule file."""
    return read_toml(_path(name))
