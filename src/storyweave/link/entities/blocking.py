"""The global entities' evidence and the blocking indexes that find candidates for a record.

Every look-up is a dictionary look-up by a name key, a surname, a (surname, initial) pair, a
GeoNames id or an acronym, so resolution costs grow with the records, never with pairs of them.
``BlockingIndex`` also holds the steps every stage shares: keys, joining a record to an entity,
merging entities, and (stage 5) ids and public records for new entities.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from storyweave.link.entities.records import EntityRecord, EntityState, GlobalEntity
from storyweave.names import NameRules, initials, is_acronym, load_name_rules, name_key, slug


class BlockingIndex:
    """The global entities and the blocking indexes; the stages are subclasses (``EntityIndex``)."""

    def __init__(self, rules: NameRules | None = None):
        self.rules = rules or load_name_rules()
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

