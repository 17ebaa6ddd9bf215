"""Cross-document entity resolution: one global entity for the names articles give it.

Each article's entities arrive already canonicalised within the article
(``storyweave.nlp.entities``); here they are linked across articles. ``EntityIndex`` holds the
global entities and resolves new records against them; ``resolve_entities`` runs it once over a
collection. Each ``add`` works in numbered stages, each a pass over the records with dictionary
look-ups only (blocking by name keys, surnames, initials, GeoNames ids and acronyms), so the cost
grows with the number of records, never with pairs of them:

1. people with a full name: an exact key match (after ``names.person_key``: case, accents,
   particles, titles and transliteration folded), else the one compatible person in the same
   surname-and-initial block ("Mohammed al-Julani" joins "Abu Mohammed al-Julani"; "Hafez
   al-Assad" never joins "Bashar al-Assad"); longest names go first so short forms find them;
2. people named by a surname alone ("Jolani", "Assad"): the only full-name person with that
   surname; among several, the one the article's other names point to (a "Hafez" in the
   context), else the dominant one (``dominance_ratio`` in ``rules/names.toml``), else an
   entity of its own;
3. places: one entity per GeoNames id; a place without an id joins the one geocoded place that
   has its name;
4. organisations, groups and the rest: names and the aliases articles give them linked by a
   union-find over name keys (ORG and NORP only through an explicit alias); a bare acronym
   joins the expansion that declares it ("HTS") or forms it ("RUSI"), when only one does;
5. ids for new entities ("person:bashar-al-assad", "place:hama-170017") from their canonical
   name: the most complete, then most frequent, form.
"""

from __future__ import annotations

import heapq
import logging
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

from storyweave.errors import StoryweaveError
from storyweave.link.names import (
    NameRules,
    acronym_key,
    compatible,
    initials,
    is_acronym,
    kind_of,
    load_rules,
    name_key,
    slug,
    words,
)

logger = logging.getLogger(__name__)

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


def resolve_entities(items: Iterable[EntityRecord], rules: NameRules | None = None) -> Resolution:
    """Resolve a whole collection at once (an empty ``EntityIndex`` given every record)."""
    return EntityIndex(rules).add(items)


class EntityIndex:
    """The global entities and the blocking indexes that find candidates for a new record."""

    def __init__(self, rules: NameRules | None = None):
        self.rules = rules or load_rules()
        self._entities: dict[str, EntityState] = {}
        self._by_key: dict[tuple[str, str], EntityState] = {}
        self._by_surname: dict[str, set[EntityState]] = {}
        self._by_initial: dict[tuple[str, str], set[EntityState]] = {}
        self._by_word: dict[tuple[str, str], set[EntityState]] = {}  # (surname, given word)
        self._by_geo: dict[int, EntityState] = {}
        self._place_keys: dict[str, set[EntityState]] = {}
        self._acronyms: dict[tuple[str, str], set[EntityState]] = {}
        self._derived: dict[tuple[str, str], set[EntityState]] = {}
        # names repeat across articles: each distinct (name, kind) is keyed once
        self._keys: dict[tuple[str, str], str] = {}
        # what changed since the last ``take_delta``: the link stage journals it
        self._changed: dict[str, EntityState] = {}
        self._removed: set[str] = set()

    def __len__(self) -> int:
        return len(self._entities)

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
            _decrement(state.labels, record.type, 1)
            _decrement(state.names, record.name, record.mention_count)
            for alias in record.aliases:
                _decrement(state.aliases, alias, 1)
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

    def _unindex(self, state: EntityState) -> None:
        """Drop every blocking-index entry that leads to ``state`` (or a state merged into it)."""

        def drop(index: dict, key: Any) -> None:
            value = index.get(key)
            if isinstance(value, set):
                value -= {s for s in value if s.live() is state}
                if not value:
                    del index[key]
            elif value is not None and value.live() is state:
                del index[key]

        for key in state.keys:
            if state.kind == "person":
                words = key.split()
                drop(self._by_key, ("person", key))
                if len(words) > 1:
                    drop(self._by_surname, words[-1])
                    for word in words[:-1]:
                        drop(self._by_initial, (words[-1], word[0]))
                        drop(self._by_word, (words[-1], word))
            elif state.kind == "place":
                drop(self._place_keys, key)
            else:
                kind, _, name = key.partition("|")
                drop(self._by_key, (kind, name))
        if state.geonameid is not None:
            drop(self._by_geo, state.geonameid)
        for acronym in state.acronyms:
            drop(self._acronyms, (state.kind, acronym))
        for name in state.names:
            formed = self._keys.get((name, "initials"))
            if formed:
                drop(self._derived, (state.kind, formed))

    def entities(self) -> dict[str, GlobalEntity]:
        """Every global entity, by id."""
        return {i: self._public(s) for i, s in sorted(self._entities.items())}

    def to_dict(self) -> dict[str, Any]:
        """The index's state as JSON-friendly data (the indexes are rebuilt on load)."""
        return {"version": STATE_VERSION, "entities": [_state_row(s) for _, s in sorted(self._entities.items())]}

    def take_delta(self) -> dict[str, Any]:
        """What changed since the last call, as ``to_dict`` rows plus removed ids (see ``fold``)."""
        delta = {
            "entities": [_state_row(s) for _, s in sorted(self._changed.items())],
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

    # 1-2. people --------------------------------------------------------------------------------
    def _add_people(self, records: list[EntityRecord]) -> None:
        keyed = [(r, self._person_key(r.name)) for r in records]
        full = sorted(
            (p for p in keyed if len(p[1]) > 1),
            key=lambda p: (-len(p[1]), -p[0].mention_count, p[1], _ref(p[0])),
        )
        for record, key in full:
            state = self._by_key.get(("person", " ".join(key))) or self._compatible_person(key)
            state = state.live() if state else self._create("person")
            keys = [" ".join(key)]
            for alias in record.aliases:
                alias_key = self._person_key(alias)
                if len(alias_key) > 1 and compatible(alias_key, key):
                    keys.append(" ".join(alias_key))
            self._join(state, record, keys)
        for surname in sorted({key[-1] for _, key in full}):
            self._absorb_bare_surname(surname)
        bare = sorted(
            (p for p in keyed if len(p[1]) == 1), key=lambda p: (p[1], -p[0].mention_count, _ref(p[0]))
        )
        for record, key in bare:
            state = self._surname_owner(record, key[0])
            if state is None:
                state = self._by_key.get(("person", key[0])) or self._create("person")
            self._join(state.live(), record, [key[0]])

    def _absorb_bare_surname(self, surname: str) -> None:
        """A bare surname met before any full name ("Obama" in one article, "Barack Obama" in a
        later one) became a person of its own. Once exactly one full-name person carries the
        surname, the bare one is that person: the result a single batch would have given."""
        bare = self._by_key.get(("person", surname))
        if bare is None:
            return
        bare = bare.live()
        if any(" " in key for key in bare.keys):
            return  # a full-name person that already took the bare mentions
        owners = {state.live() for state in self._by_surname.get(surname, ())}
        if len(owners) == 1:
            self._merge([owners.pop(), bare])

    def _compatible_person(self, key: tuple[str, ...]) -> EntityState | None:
        """The person with most mentions whose every full name is compatible with ``key``."""
        pool: set[EntityState] = set()
        for word in key[:-1]:
            pool |= self._by_initial.get((key[-1], word[0]), set())
        fits = [s for s in pool if all(compatible(tuple(k.split()), key) for k in s.keys if " " in k)]
        return max(fits, key=_weight) if fits else None

    def _surname_owner(self, record: EntityRecord, surname: str) -> EntityState | None:
        """Which full-name person a bare surname means, if the evidence says (stage 2)."""
        pool = self._by_surname.get(surname, set())
        if len(pool) <= 1:
            return next(iter(pool), None)
        # the transliteration rules that make Jolani Julani also make Heller Hiller: among
        # people whose surnames only transliterate alike, those spelled the same come first
        spelled = self._spelled_surname(record.name)
        same = {s for s in pool if any(self._spelled_surname(n) == spelled for n in s.names)}
        if len(same) == 1:
            return next(iter(same))
        pool = same or pool
        # evidence from the article's other names, looked up by word rather than by scanning the block
        scores: Counter = Counter()
        for name in record.context:
            key = self._person_key(name)
            for word in set(key) - {surname}:
                scores.update(s for s in self._by_word.get((surname, word), ()) if s in pool)
            if len(key) > 1 and key[-1] == surname:
                for state in pool:
                    if all(compatible(tuple(k.split()), key) for k in state.keys if " " in k):
                        scores[state] += 2
        if scores:
            ranked = sorted(scores.items(), key=lambda item: (item[1], _weight(item[0])), reverse=True)
            if len(ranked) == 1 or ranked[0][1] > ranked[1][1]:
                return ranked[0][0]
        first, second = heapq.nlargest(2, pool, key=_weight)
        if first.mentions >= self.rules.surname_dominance * second.mentions:
            return first
        logger.debug(
            "bare name %r in %s is ambiguous between %d people", record.name, record.article_id, len(pool)
        )
        return None

    def _spelled_surname(self, name: str) -> str:
        """A name's last word as written (case and accents folded, not transliterated)."""
        spelled = self._keys.get((name, "surname"))
        if spelled is None:
            parts = words(name, self.rules)
            spelled = self._keys[(name, "surname")] = parts[-1] if parts else ""
        return spelled

    # 3. places ----------------------------------------------------------------------------------
    def _add_places(self, records: list[EntityRecord]) -> None:
        ordered = sorted(
            records, key=lambda r: (r.geonameid is None, r.geonameid or 0, -r.mention_count, _ref(r))
        )
        for record in ordered:
            keys = [self._key(record.name, "place")] + [self._key(a, "place") for a in record.aliases]
            if record.geonameid is not None:
                state = self._by_geo.get(record.geonameid)
                if state is None:
                    state = self._create("place")
                    state.geonameid = record.geonameid
                    self._by_geo[record.geonameid] = state
            else:
                pool = set().union(*(self._place_keys.get(k, ()) for k in keys))
                geocoded = sorted((s for s in pool if s.geonameid is not None), key=_weight, reverse=True)
                plain = sorted((s for s in pool if s.geonameid is None), key=_weight, reverse=True)
                state = geocoded[0] if len(geocoded) == 1 else (plain[0] if plain else self._create("place"))
                if len(geocoded) > 1:  # "Damascus" in Syria and in Maryland: keep the name apart
                    keys = keys[:1]
            self._join(state, record, keys)

    # 4. organisations, groups and other kinds ---------------------------------------------------
    def _add_others(self, records: list[EntityRecord]) -> None:
        parent: dict[tuple[str, str], tuple[str, str]] = {}

        def find(node: tuple[str, str]) -> tuple[str, str]:
            parent.setdefault(node, node)
            while parent[node] != node:
                parent[node] = parent[parent[node]]
                node = parent[node]
            return node

        def union(a: tuple[str, str], b: tuple[str, str]) -> None:
            ra, rb = find(a), find(b)
            if ra != rb:
                parent[max(ra, rb)] = min(ra, rb)

        named: list[tuple[EntityRecord, str, list[tuple[str, str]], list[str]]] = []
        acronym_only: list[tuple[EntityRecord, str, str]] = []
        for record in sorted(records, key=lambda r: (-r.mention_count, _ref(r))):
            kind = kind_of(record.type)
            if is_acronym(record.name) and (kind, self._key(record.name, kind)) not in self.rules.aliases:
                acronym_only.append((record, kind, acronym_key(record.name)))
                continue
            node = (kind, self._key(record.name, kind))
            nodes, acronyms = [node], []
            for alias in record.aliases:
                if is_acronym(alias) and (kind, self._key(alias, kind)) not in self.rules.aliases:
                    acronyms.append(acronym_key(alias))
                    continue
                nodes.append((kind, self._key(alias, kind)))
            find(node)
            named.append((record, kind, nodes, acronyms))
        names_present = set(parent) | {n for n in self._by_key if n[0] != "person"}
        for record, kind, nodes, _ in named:
            for alias_node in nodes[1:]:
                union(nodes[0], alias_node)
                other = {"org": "norp", "norp": "org"}.get(kind)
                if other and (other, alias_node[1]) in names_present:  # ORG and NORP meet only here
                    union(nodes[0], (other, alias_node[1]))
        components: dict[tuple[str, str], list] = {}
        for item in named:
            components.setdefault(find(item[2][0]), []).append(item)
        members: dict[tuple[str, str], list[tuple[str, str]]] = {}
        for node in parent:
            members.setdefault(find(node), []).append(node)
        for root in sorted(components):
            found = {self._by_key[n].live() for n in members[root] if n in self._by_key}
            items = components[root]
            if found:
                state = self._merge(sorted(found, key=_weight, reverse=True))
            else:
                kinds = Counter(kind for _, kind, _, _ in items)
                state = self._create("org" if "org" in kinds else kinds.most_common(1)[0][0])
            for record, kind, nodes, acronyms in items:
                self._join(state, record, [f"{n[0]}|{n[1]}" for n in nodes], acronyms)
                self._absorb_acronyms(state, acronyms)
        for record, kind, acronym in sorted(acronym_only, key=lambda a: (a[2], _ref(a[0]))):
            state = self._acronym_owner(kind, acronym)
            if state is None:
                state = self._by_key.get((kind, self._key(acronym, kind)))
                state = state.live() if state else self._create(kind)
            self._join(state, record, [f"{kind}|{self._key(acronym, kind)}"], [acronym])

    def _acronym_owner(self, kind: str, acronym: str) -> EntityState | None:
        """The expansion a bare acronym stands for: declared by an article, else formed by initials."""
        for index in (self._acronyms, self._derived):
            pool = sorted({s.live() for s in index.get((kind, acronym), ())}, key=_weight, reverse=True)
            pool = [s for s in pool if any(not is_acronym(n) for n in s.names)]
            if len(pool) == 1 or (
                pool and pool[0].mentions >= self.rules.acronym_dominance * pool[1].mentions
            ):
                return pool[0]
            if pool:
                return None
        return None

    def _absorb_acronyms(self, state: EntityState, acronyms: list[str]) -> None:
        """An entity known only by an acronym joins the expansion that now declares it."""
        for acronym in acronyms:
            other = self._by_key.get((state.kind, self._key(acronym, state.kind)))
            if (
                other is not None
                and other.live() is not state
                and all(is_acronym(n) for n in other.live().names)
            ):
                self._merge([state, other.live()])

    # shared steps -------------------------------------------------------------------------------
    def _raw_key(self, name: str, kind: str) -> str:
        key = self._keys.get((name, kind))
        if key is None:
            key = self._keys[(name, kind)] = name_key(name, kind, self.rules)
        return key

    def _canonical_form(self, name: str, kind: str) -> str:
        return self.rules.aliases.get((kind, self._raw_key(name, kind)), name)

    def _key(self, name: str, kind: str) -> str:
        return self._raw_key(self._canonical_form(name, kind), kind) or slug(name)

    def _person_key(self, name: str) -> tuple[str, ...]:
        return tuple(self._key(name, "person").split())

    def _create(self, kind: str) -> EntityState:
        state = EntityState(id=f"~new-{len(self._new)}", kind=kind)
        self._new.append(state)
        return state

    def _join(
        self, state: EntityState, record: EntityRecord, keys: list[str], acronyms: Iterable[str] = ()
    ) -> None:
        state.records += 1
        state.mentions += record.mention_count
        state.labels[record.type] = state.labels.get(record.type, 0) + 1
        state.names[record.name] = state.names.get(record.name, 0) + record.mention_count
        for alias in record.aliases:
            state.aliases[alias] = state.aliases.get(alias, 0) + 1
        for key in keys:
            if key not in state.keys:
                state.keys.add(key)
                self._add_key(state, key)
        for acronym in acronyms:
            state.acronyms.add(acronym)
            self._acronyms.setdefault((state.kind, acronym), set()).add(state)
        self._index_names(state, [record.name])
        if record.geonameid is not None and state.geonameid is None:
            state.geonameid = record.geonameid
        self._assigned[(record.article_id, record.key)] = state

    def _add_key(self, state: EntityState, key: str) -> None:
        if state.kind == "person":
            words = key.split()
            if len(words) > 1:
                self._by_key[("person", key)] = state
                self._by_surname.setdefault(words[-1], set()).add(state)
                for word in words[:-1]:
                    self._by_initial.setdefault((words[-1], word[0]), set()).add(state)
                    self._by_word.setdefault((words[-1], word), set()).add(state)
            else:
                self._by_key.setdefault(("person", key), state)
        elif state.kind == "place":
            self._place_keys.setdefault(key, set()).add(state)
            if state.geonameid is not None:
                self._by_geo.setdefault(state.geonameid, state)
        else:
            kind, _, name = key.partition("|")
            self._by_key[(kind, name)] = state

    def _index_names(self, state: EntityState, names: Iterable[str]) -> None:
        if state.kind in ("person", "place"):
            return
        for name in names:
            formed = self._keys.get((name, "initials"))
            if formed is None:
                formed = self._keys[(name, "initials")] = initials(name, self.rules)
            if len(formed) >= 3:
                self._derived.setdefault((state.kind, formed), set()).add(state)

    def _merge(self, states: list[EntityState]) -> EntityState:
        """Fold ``states[1:]`` into ``states[0]`` (the heaviest); existing ids are reported."""
        target = states[0]
        for other in states[1:]:
            if other is target:
                continue
            for counts, extra in (
                (target.labels, other.labels),
                (target.names, other.names),
                (target.aliases, other.aliases),
            ):
                for key, value in extra.items():
                    counts[key] = counts.get(key, 0) + value
            target.records += other.records
            target.mentions += other.mentions
            for key in other.keys - target.keys:
                target.keys.add(key)
                self._add_key(target, key)
            for acronym in other.acronyms:
                target.acronyms.add(acronym)
                self._acronyms.setdefault((target.kind, acronym), set()).add(target)
            self._index_names(target, other.names)
            other.merged_into = target
            if self._entities.pop(other.id, None) is not None:
                self._merged[other.id] = target  # its id is final only after stage 5
        return target

    # 5. ids and public records ------------------------------------------------------------------
    def _name_new(self) -> None:
        fresh = [(order, s) for order, s in enumerate(self._new) if s.merged_into is None]
        bases = {id(s): self._base_id(s) for _, s in fresh}
        for _, state in sorted(fresh, key=lambda p: (bases[id(p[1])], -p[1].mentions, p[0])):
            candidate, number = bases[id(state)], 1
            while candidate in self._entities:
                number += 1
                candidate = f"{bases[id(state)]}-{number}"
            state.id = candidate
            self._entities[candidate] = state

    def _base_id(self, state: EntityState) -> str:
        base = f"{state.kind}:{slug(self._canonical_name(state))}"
        return f"{base}-{state.geonameid}" if state.geonameid is not None else base

    def _canonical_name(self, state: EntityState) -> str:
        kind = state.kind if state.kind in ("person", "place") else "org"

        def rank(form: str) -> tuple:
            words = len(self._raw_key(form, kind).split())
            if kind == "place":  # one GeoNames id, so the usual name wins over "Hama Central Prison"
                return (-state.names[form], is_acronym(form), -words, form.isupper(), -len(form), form)
            return (is_acronym(form), -words, -state.names[form], form.isupper(), -len(form), form)

        return min(state.names, key=rank)

    def _public(self, state: EntityState) -> GlobalEntity:
        name = self._canonical_name(state)
        label = min(state.labels, key=lambda t: (-state.labels[t], t.lower() != state.kind, t))
        aliases = tuple(sorted((set(state.names) | set(state.aliases)) - {name}))
        return GlobalEntity(state.id, name, label, aliases, state.geonameid, state.records, state.mentions)


def _state_row(s: EntityState) -> dict[str, Any]:
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


def _decrement(counts: dict[str, int], key: str, amount: int) -> None:
    left = counts.get(key, 0) - amount
    if left > 0:
        counts[key] = left
    else:
        counts.pop(key, None)


def _ref(record: EntityRecord) -> tuple[str, str]:
    return (record.article_id, record.key)


def _weight(state: EntityState) -> tuple:
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
