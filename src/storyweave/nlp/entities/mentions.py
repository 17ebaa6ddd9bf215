"""The records of within-article entities: what the component returns, and its working drafts."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class EntityMention:
    """One occurrence, ``text == doc.text[start_char:end_char]``; ``label``: the entity's type."""

    text: str
    start_char: int
    end_char: int
    label: str


@dataclass(frozen=True)
class ArticleEntity:
    """A person, organisation, place or other named thing, as one article refers to it.

    ``name`` is the longest full form the article uses, titles stripped ("Bashar al-Assad"), or
    the alias table's name ("United States"); ``aliases`` the other forms it uses ("Assad",
    "al-Assad", "HTS"); ``key`` an id stable within the article ("person:bashar-al-assad").
    """

    key: str
    name: str
    type: str
    aliases: tuple[str, ...]
    mentions: tuple[EntityMention, ...]


@dataclass(eq=False)
class MentionDraft:
    """A mention while the stages work on it: its label may change, its group key is set late."""

    start: int
    end: int
    text: str
    label: str
    key: str = ""
    acronym: bool = False  # an occurrence of an acronym, grouped with its expansion


@dataclass(eq=False)
class PersonDraft:
    """A person being grouped: the comparable parts of its longest name, where it first appears."""

    cores: tuple[str, ...]
    first: int
    mentions: list[MentionDraft] = field(default_factory=list)
    #: introduced as someone's relative ("his father, Hafez al-Assad", "sister Katie Jenkin")
    relative: bool = False
