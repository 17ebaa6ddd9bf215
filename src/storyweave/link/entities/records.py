"""The records of cross-document entity resolution and the evidence kept for each entity.

``EntityRecord`` is one article's entity as resolution sees it; ``GlobalEntity`` an entity
across articles; ``EntityState`` the evidence behind one (saved as ``state_row`` rows).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

from storyweave.errors import StoryweaveError

STATE_VERSION = 1


@dataclass(frozen=True)
class EntityRecord:
    """One article's entity, as the store keeps it, with what resolution uses as evidence.

    ``context`` holds the names of the other entities in the same article ("Hafez al-Assad",
    "Damascus"): it decides which person a bare surname means.
    """

    article_id: str
    key: str
    name: str
    type: str
    aliases: tuple[str, ...] = ()
    geonameid: int | None = None
    mention_count: int = 1
    context: frozenset[str] = frozenset()


@dataclass(frozen=True)
class GlobalEntity:
    """An entity across articles: canonical name, most common type, every other form seen."""

    id: str
    name: str
    type: str
    aliases: tuple[str, ...]
    geonameid: int | None
    records: int
    mentions: int


@dataclass(frozen=True)
class Resolution:
    """Where each ``(article_id, key)`` went, and the entities involved.

    ``merged`` maps ids that no longer exist to the id that absorbed them (only when a new
    record bridged two existing entities): the store rewrites earlier assignments with it.
    """

    assignments: dict[tuple[str, str], str]
    entities: dict[str, GlobalEntity]
    merged: dict[str, str] = field(default_factory=dict)

    def entity_of(self, article_id: str, key: str) -> GlobalEntity:
        """The global entity an article's entity belongs to."""
        return self.entities[self.assignments[(article_id, key)]]


@dataclass(frozen=True)
class Withdrawal:
    """What ``EntityIndex.withdraw`` changed: entities that lost evidence (as they are now),
    and the ids of those left without any, which are gone."""

    changed: dict[str, GlobalEntity]
    removed: frozenset[str]


class EntityStateError(StoryweaveError):
    """Saved entity-index state cannot be loaded."""


@dataclass(eq=False)
class EntityState:
    """One global entity's evidence; ``to_dict`` of the index is a list of these."""

    id: str
    kind: str
    labels: dict[str, int] = field(default_factory=dict)
    names: dict[str, int] = field(default_factory=dict)  # record names -> mentions
    aliases: dict[str, int] = field(default_factory=dict)  # other forms -> records
    keys: set[str] = field(default_factory=set)
    acronyms: set[str] = field(default_factory=set)
    geonameid: int | None = None
    records: int = 0
    mentions: int = 0
    merged_into: EntityState | None = field(default=None, repr=False)

    def live(self) -> EntityState:
        state = self
        while state.merged_into is not None:
            state = state.merged_into
        return state


def state_row(s: EntityState) -> dict[str, Any]:
    return {
        "id": s.id,
        "kind": s.kind,
        "labels": s.labels,
        "names": s.names,
        "aliases": s.aliases,
        "keys": sorted(s.keys),
        "acronyms": sorted(s.acronyms),
        "geonameid": s.geonameid,
        "records": s.records,
        "mentions": s.mentions,
    }


def decrement(counts: dict[str, int], key: str, amount: int) -> None:
    left = counts.get(key, 0) - amount
    if left > 0:
        counts[key] = left
    else:
        counts.pop(key, None)


def record_ref(record: EntityRecord) -> tuple[str, str]:
    return (record.article_id, record.key)


def weight(state: EntityState) -> tuple:
    # heaviest first, then a stable order for ties (``sorted(min(names))`` does not depend on input order)
    return (state.mentions, state.records, -len(state.keys), min(state.names, default=""))


def records_from_entities(article_id: str, entities: Iterable[Any]) -> list[EntityRecord]:
    """``EntityRecord``s for one article's entities (``AnalyzedEntity`` or the stored rows'
    equivalent: ``key``, ``name``, ``type``, ``aliases``, ``mentions`` or ``mention_count``,
    ``geonameid``), each with the article's other entity names as its context."""
    entities = list(entities)
    names = [e.name for e in entities]
    out = []
    for position, entity in enumerate(entities):
        count = getattr(entity, "mention_count", None)
        if count is None:
            count = len(getattr(entity, "mentions", ())) or 1
        context = frozenset(n for i, n in enumerate(names) if i != position)
        out.append(
            EntityRecord(
                article_id,
                entity.key,
                entity.name,
                entity.type,
                tuple(entity.aliases),
                getattr(entity, "geonameid", None),
                count,
                context,
            )
        )
    return out


def records_from_rows(article_id: str, rows: Iterable[Mapping[str, Any]]) -> list[EntityRecord]:
    """``records_from_entities`` for stored entity rows (dicts with the same fields)."""
    return records_from_entities(article_id, (SimpleNamespace(**row) for row in rows))
