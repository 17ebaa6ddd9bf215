"""Stages 1-2 of resolution: people, by full name and then by bare surname.

1. people with a full name: an exact key match (after ``names.person_key``: case, accents,
   particles, titles and transliteration folded), else the one compatible person in the same
   surname-and-initial block ("Mohammed al-Julani" joins "Abu Mohammed al-Julani"; "Hafez
   al-Assad" never joins "Bashar al-Assad"), else a person whose name is the same spelled
   differently ("Karolos" / "Carolos Papoulias"); longest names go first so short forms find them;
2. people named by a surname alone ("Jolani", "Assad"): the only full-name person with that
   surname; among several, the one the article's other names point to (a "Hafez" in the
   context), else the dominant one (``dominance_ratio`` in ``names.toml``), else an
   entity of its own.
"""

from __future__ import annotations

import heapq
import logging
from collections import Counter

from storyweave.link.entities.blocking import BlockingIndex
from storyweave.link.entities.records import EntityRecord, EntityState, record_ref, weight
from storyweave.names import compatible, spelling_variant, words

logger = logging.getLogger(__name__)


class PersonResolution(BlockingIndex):
    """The people stages of ``EntityIndex``."""

    def _add_people(self, records: list[EntityRecord]) -> None:
        keyed = [(r, self._person_key(r.name)) for r in records]
        full = sorted(
            (p for p in keyed if len(p[1]) > 1),
            key=lambda p: (-len(p[1]), -p[0].mention_count, p[1], record_ref(p[0])),
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
            (p for p in keyed if len(p[1]) == 1), key=lambda p: (p[1], -p[0].mention_count, record_ref(p[0]))
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
        if not fits:  # "Karolos Papoulias" for "Carolos Papoulias": one name spelled two ways
            fits = [s for s in self._by_surname.get(key[-1], ()) if any(
                spelling_variant(tuple(k.split()), key) for k in s.keys if " " in k)]
        return max(fits, key=weight) if fits else None

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
            ranked = sorted(scores.items(), key=lambda item: (item[1], weight(item[0])), reverse=True)
            if len(ranked) == 1 or ranked[0][1] > ranked[1][1]:
                return ranked[0][0]
        first, second = heapq.nlargest(2, pool, key=weight)
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

