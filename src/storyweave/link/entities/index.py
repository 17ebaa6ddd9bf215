"""Cross-document entity resolution: one global entity for the names articles give it.

Each article's entities arrive already canonicalised within the article
(``storyweave.nlp.entities``); here they are linked across articles. ``EntityIndex`` holds the
global entities and resolves new records against them; ``resolve_entities`` runs it once over a
collection. Each ``add`` works in numbered stages, each a pass over the records with dictionary
look-ups only (blocking by name keys, surnames, initials, GeoNames ids and acronyms), so the cost
grows with the number of records, never with pairs of them (each stage has its module:
``people``, ``places``, ``organisations``; the indexes and stage 5 are ``blocking``):

1-2. people: by full name, then by bare surname (``people``: "Mohammed al-Julani" joins "Abu
   Mohammed al-Julani", "Hafez al-Assad" never joins "Bashar al-Assad", "Assad" joins the
   dominant Assad);
3. places: one entity per GeoNames id; a place without an id joins the one geocoded place that
   has its name;
4. organisations, groups and the rest: names and the aliases articles give them linked by a
   union-find over name keys (ORG and NORP only through an explicit alias); a bare acronym
   joins the expansion that declares it ("HTS") or forms it ("RUSI"), when only one does;
5. ids for new entities ("person:bashar-al-assad", "place:hama-170017") from their canonical
   name: the most complete, then most frequent, form.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from storyweave.link.entities.organisations import OrganisationResolution
from storyweave.link.entities.people import PersonResolution
from storyweave.link.entities.places import PlaceResolution
from storyweave.link.entities.records import (
    STATE_VERSION,
    EntityRecord,
    EntityState,
    EntityStateError,
    GlobalEntity,
    Resolution,
    Withdrawal,
    decrement,
    state_row,
)
from storyweave.names import NameRules, kind_of

logger = logging.getLogger(__name__)


def resolve_entities(items: Iterable[EntityRecord], rules: NameRules | None = None) -> Resolution:
    """Resolve a whole collection at once (an empty ``EntityIndex`` given every record)."""
    return EntityIndex(rules).add(items)


class EntityIndex(PersonResolution, PlaceResolution, OrganisationResolution):
    """The global entities and the blocking indexes that find candidates for a new record.

    Each stage is a base class (``people``, ``places``, ``organisations``); the indexes and the
    shared steps are ``blocking.BlockingIndex``.
    """

    # public API ---------------------------------------------------------------------------------
    def add(self, records: Iterable[EntityRecord]) -> Resolution:
        """Resolve new records against the index and add them to it.

        Returns the new records' assignments, the entities they went to (as they are now) and
        any existing ids merged away. Records of one call are sorted first, so the result does
        not depend on their order. An article already added must not be added again: its counts
        would double (a re-analysed article's old records are taken back with ``withdraw`` first).
        """
        records = list(dict.fromkeys(records))
        self._assigned: dict[tuple[str, str], EntityState] = {}
        self._new: list[EntityState] = []
        self._merged: dict[str, EntityState] = {}
        groups: dict[str, list[EntityRecord]] = {"person": [], "place": [], "other": []}
        for record in records:
            kind = kind_of(record.type)
            groups[kind if kind in ("person", "place") else "other"].append(record)
        self._add_people(groups["person"])
        self._add_places(groups["place"])
        self._add_others(groups["other"])
        self._name_new()
        touched = {state.live() for state in self._assigned.values()}
        for old in self._merged:
            self._changed.pop(old, None)
            self._removed.add(old)
        for state in touched:
            self._changed[state.id] = state
            self._removed.discard(state.id)
        return Resolution(
            assignments={ref: state.live().id for ref, state in self._assigned.items()},
            entities={state.id: self._public(state) for state in sorted(touched, key=lambda s: s.id)},
            merged={old: state.live().id for old, state in self._merged.items()},
        )

    def withdraw(self, records: Iterable[tuple[EntityRecord, str]]) -> Withdrawal:
        """Take back the evidence of records added earlier, each with the id it went to.

        For an article analysed again: its old records leave the index before its new ones
        are added, so the counts and name forms stay those of the articles' current results.
        An entity left without records leaves the index and its blocking keys; one that keeps
        records keeps the keys the old records brought (they are only candidates' keys).
        Records whose entity is gone (merged ids are followed by the caller) are skipped.
        """
        touched: dict[str, EntityState] = {}
        for record, global_id in records:
            state = self._entities.get(global_id)
            if state is None:
                logger.debug("withdrawn record %s of %s has no entity %s", record.key, record.article_id, global_id)
                continue
            state.records -= 1
            state.mentions -= record.mention_count
            decrement(state.labels, record.type, 1)
            decrement(state.names, record.name, record.mention_count)
            for alias in record.aliases:
                decrement(state.aliases, alias, 1)
            touched[state.id] = state
        removed = set()
        for global_id, state in sorted(touched.items()):
            if state.records > 0 and state.names and state.labels:
                self._changed[global_id] = state
                continue
            self._unindex(state)
            del self._entities[global_id]
            self._changed.pop(global_id, None)
            self._removed.add(global_id)
            removed.add(global_id)
        return Withdrawal(
            changed={i: self._public(s) for i, s in sorted(touched.items()) if i not in removed},
            removed=frozenset(removed),
        )

    def entities(self) -> dict[str, GlobalEntity]:
        """Every global entity, by id."""
        return {i: self._public(s) for i, s in sorted(self._entities.items())}

    def to_dict(self) -> dict[str, Any]:
        """The index's state as JSON-friendly data (the indexes are rebuilt on load)."""
        return {"version": STATE_VERSION, "entities": [state_row(s) for _, s in sorted(self._entities.items())]}

    def take_delta(self) -> dict[str, Any]:
        """What changed since the last call, as ``to_dict`` rows plus removed ids (see ``fold``)."""
        delta = {
            "entities": [state_row(s) for _, s in sorted(self._changed.items())],
            "removed": sorted(self._removed),
        }
        self._changed, self._removed = {}, set()
        return delta

    @staticmethod
    def fold(data: dict[str, Any] | None, deltas: Iterable[dict[str, Any]]) -> dict[str, Any] | None:
        """``to_dict`` output with ``take_delta`` results applied in order: what ``to_dict`` said after them."""
        deltas = list(deltas)
        if not deltas:
            return data
        rows = {row["id"]: row for row in (data or {"entities": []})["entities"]}
        for delta in deltas:
            for removed in delta["removed"]:
                rows.pop(removed, None)
            rows.update((row["id"], row) for row in delta["entities"])
        return {"version": STATE_VERSION, "entities": [rows[i] for i in sorted(rows)]}

    @classmethod
    def from_dict(cls, data: dict[str, Any], rules: NameRules | None = None) -> EntityIndex:
        """An index from ``to_dict`` output."""
        if data.get("version") != STATE_VERSION:
            raise EntityStateError(
                f"entity index state has version {data.get('version')!r}, expected {STATE_VERSION}; "
                "rebuild it from the stored entities with resolve_entities"
            )
        index = cls(rules)
        for row in data["entities"]:
            state = EntityState(
                id=row["id"],
                kind=row["kind"],
                labels=dict(row["labels"]),
                names=dict(row["names"]),
                aliases=dict(row["aliases"]),
                acronyms=set(row["acronyms"]),
                geonameid=row["geonameid"],
                records=row["records"],
                mentions=row["mentions"],
            )
            index._entities[state.id] = state
            for key in row["keys"]:
                index._add_key(state, key)
            for acronym in state.acronyms:
                index._acronyms.setdefault((state.kind, acronym), set()).add(state)
            index._index_names(state, state.names)
        return index

