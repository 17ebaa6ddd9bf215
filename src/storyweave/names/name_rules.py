"""The names rules: one set of word lists and tables, read once, for both stages that handle names.

The per-article canonicaliser (``storyweave.nlp.entities``) and cross-document resolution
(``storyweave.link.entities``) used to keep a word list each; they drifted apart (one knew "obe",
the other "ash-"). Both now read the files of ``rules/`` through :func:`load_name_rules`:

- ``names.toml``: titles (and those written short with a full stop), roles, particles, suffixes, organisation heads, acronym skip words, kinship nouns,
  dominance ratios;
- ``aliases.tsv``: other names of one entity (``alias<TAB>canonical<TAB>label``);
- ``transliteration.tsv`` and ``given_names.tsv``: the spelling equivalences of comparison keys.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from importlib.resources.abc import Traversable
from pathlib import Path

from storyweave.errors import ConfigError
from storyweave.names.keys import fold, kind_of, name_key
from storyweave.rulefiles import read_table, read_toml, rule_path

RULES = rule_path("storyweave.names", "rules")

#: the word lists of ``names.toml``; each entry lowercased, a trailing full stop dropped
WORD_LISTS = (
    "titles",
    "abbreviated_titles",
    "roles",
    "attached_particles",
    "standalone_particles",
    "name_suffixes",
    "org_leading",
    "org_suffixes",
    "initials_skip",
    "kinship",
)


@dataclass(frozen=True)
class NameRules:
    """The word lists and tables of ``rules/`` (see the comments in each file)."""

    titles: frozenset[str]
    abbreviated_titles: frozenset[str]  # titles written short with a full stop ("lt", "sgt"), stop dropped
    roles: frozenset[str]
    attached_particles: frozenset[str]
    standalone_particles: frozenset[str]
    name_suffixes: frozenset[str]
    org_leading: frozenset[str]
    org_suffixes: frozenset[str]
    initials_skip: frozenset[str]
    kinship: frozenset[str]  # "his father, Hafez al-Assad": a relative of the person written about
    org_heads: tuple[str, ...]  # longest first, so "defence ministry" wins over "ministry"
    transliteration: tuple[tuple[re.Pattern, str], ...]
    given_names: dict[str, str]
    # the alias table read two ways: an article matches a mention's exact text, resolution a key
    text_aliases: dict[str, tuple[str, str]]  # alias text -> (canonical name, label)
    aliases: dict[tuple[str, str], str]  # (kind, key of the alias or canonical name) -> canonical name
    surname_dominance: float
    acronym_dominance: float


@functools.lru_cache(maxsize=4)
def load_name_rules(directory: Path | Traversable = RULES) -> NameRules:
    """Read the rule files in ``directory`` (cached per directory); a missing or malformed file
    is a ``ConfigError`` that names it."""
    lists = read_toml(directory / "names.toml")
    try:
        patterns = tuple(
            (re.compile(p), r) for p, r in read_table(directory / "transliteration.tsv", 2)
        )
    except re.error as exc:
        raise ConfigError(f"{directory / 'transliteration.tsv'}: bad pattern ({exc})") from exc
    given = read_table(directory / "given_names.tsv", 2)
    alias_rows = read_table(directory / "aliases.tsv", 3)
    words = {name: frozenset(w.strip().rstrip(".").lower() for w in lists.get(name, [])) for name in WORD_LISTS}
    partial = NameRules(
        **words,
        org_heads=tuple(sorted(lists.get("org_heads", []), key=len, reverse=True)),
        transliteration=patterns,
        given_names={fold(a): fold(b) for a, b in given},
        text_aliases={alias: (canonical, label) for alias, canonical, label in alias_rows},
        aliases={},
        surname_dominance=float(lists.get("surnames", {}).get("dominance_ratio", 2.0)),
        acronym_dominance=float(lists.get("acronyms", {}).get("dominance_ratio", 3.0)),
    )
    # keys need the rules themselves (particles, transliteration): filled in once they exist
    for alias, canonical, label in alias_rows:
        kind = kind_of(label)
        partial.aliases.setdefault((kind, name_key(alias, kind, partial)), canonical)
        partial.aliases.setdefault((kind, name_key(canonical, kind, partial)), canonical)
    return partial
