"""One person whose name outlets write differently is one origin.

Outlets transliterate and shorten a speaker's name their own way: "Heydar Alishbandi" (AFP
copy), "Mr Alishbandi" (BBC), "Heidar Alishvandi" (the Los Angeles Times). Cross-document
entity resolution (``storyweave.link.entities``) joins the names the entity recogniser tags
as people and spells alike; the speakers an article gives no person entity, or whose name is
spelled with another letter, keep origin keys of their own, and a claim three outlets quote
from one governor reads "3 origins". Here, within one story, speaker keys whose labels are
one person's name written two ways are made one:

- full names join when every word of the shorter is in the longer (``names.compatible``:
  "Heydar Alishbandi" / "Governor Heydar Alishbandi") or when they are one name spelled two
  ways, the surname included (``_spelled_alike``: "Heydar Alishbandi" / "Heidar Alishvandi");
- a bare surname ("Mr Alishbandi") joins the one full name of the story it fits, and none
  when two people carry it ("Clinton" with Bill and Hillary Clinton).

Written here rather than in the entity resolver: it works on the speakers of one story's
claims, whatever type (or none) the recogniser gave them, and only decides which origin
keys count once.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from rapidfuzz.distance import Hamming

from storyweave.ingest.metadata import known_outlet
from storyweave.link.origins import DESCRIBED_PREFIX, PERSON_PREFIX, OriginKey
from storyweave.names.keys import compatible, person_key, spelling_variant
from storyweave.names.name_rules import load_name_rules

#: keys whose label may be a person's name: a person entity, a place entity (the recogniser
#: tags some foreign names as places: a place does not speak), or a speaker known by words only
NAME_PREFIXES = (PERSON_PREFIX, "entity:place:", DESCRIBED_PREFIX)
#: a person's name as a speaker is written: at most this many words
MAX_NAME_WORDS = 4
#: surnames this long may differ in one letter and still be one person's ("Alishbandi" /
#: "Alishvandi"); shorter ones differ in one letter between two families ("Bush" / "Rush")
MIN_SURNAME_VARIANT = 7
_WORD = re.compile(r"[\w'’.-]+")


def _looks_like_a_name(label: str) -> bool:
    """Whether a speaker label is written as a name: a few words, each capitalised or a name
    particle ("al-Assad", "bin", "de"), none a description's lower-case word ("an official")."""
    words = _WORD.findall(label)
    if not 0 < len(words) <= MAX_NAME_WORDS or known_outlet(label):
        return False
    rules = load_name_rules()

    def particle(word: str) -> bool:
        low = word.lower()
        return low in rules.standalone_particles or low.split("-", 1)[0] in rules.attached_particles

    return all(w[:1].isupper() or particle(w) for w in words)


def _alike(x: str, y: str, shortest: int) -> bool:
    return x == y or (len(x) == len(y) >= shortest and Hamming.distance(x, y) <= 1)


def _spelled_alike(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """Two full-name keys of as many words that differ at most by one letter in a long word's
    place, in each word: "heydar alishbandi" / "heidar alishvandi" (keys are already
    transliteration-folded, so the letters left to differ are the ones no rule folds)."""
    if len(a) < 2 or len(a) != len(b) or not _alike(a[-1], b[-1], MIN_SURNAME_VARIANT):
        return False
    # the given names as the entity resolver compares them (``names.spelling_variant``), under one surname
    given_a, given_b = (*a[:-1], a[-1]), (*b[:-1], a[-1])
    return given_a == given_b or spelling_variant(given_a, given_b)


def _one_name(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    return compatible(a, b) or _spelled_alike(a, b)


def _rank(key: OriginKey, name: tuple[str, ...]) -> tuple:
    # the person entity the resolver made stands for the others; then the fullest name
    return (not key.key.startswith(PERSON_PREFIX), key.key.startswith("entity:place:"), -len(name), key.key)


def name_variants(keys: Iterable[OriginKey]) -> dict[str, OriginKey]:
    """Origin key → the key that stands for the same person, for the speaker keys of one
    story whose labels are one person's name written differently (keys with no variant are
    left out)."""
    named: dict[str, tuple[OriginKey, tuple[str, ...]]] = {}
    for key in keys:
        if key.kind != "source" or not key.key.startswith(NAME_PREFIXES) or key.key in named:
            continue
        if not (key.key.startswith(PERSON_PREFIX) or _looks_like_a_name(key.label)):
            continue
        name = person_key(key.label, load_name_rules())
        if name:
            named[key.key] = (key, name)
    people: list[list[tuple[OriginKey, tuple[str, ...]]]] = []

    def fitting(name: tuple[str, ...]) -> list[list[tuple[OriginKey, tuple[str, ...]]]]:
        return [p for p in people if all(_one_name(name, other) for _, other in p)]

    full = sorted((v for v in named.values() if len(v[1]) > 1), key=lambda v: _rank(*v))
    for key, name in full:
        if key.key.startswith("entity:place:"):
            continue  # below: a place-typed name joins a person, never founds one
        home = next(iter(fitting(name)), None)  # the person every one of whose names it may be
        if home is not None:
            home.append((key, name))
        else:
            people.append([(key, name)])
    for key, name in sorted((v for v in named.values() if len(v[1]) == 1), key=lambda v: _rank(*v)):
        if key.key.startswith("entity:place:"):
            continue  # a one-word place is a place ("Washington said"), not a surname
        fits = [p for p in people if any(_alike(name[0], other[-1], MIN_SURNAME_VARIANT) for _, other in p)]
        if len(fits) == 1:
            fits[0].append((key, name))
        elif not fits:
            people.append([(key, name)])
    for key, name in full:
        fits = fitting(name) if key.key.startswith("entity:place:") else []
        if len(fits) == 1:  # "Qeshm island governor Heydar Alishbandi", tagged a place, and "Mr Alishbandi"
            fits[0].append((key, name))
    out: dict[str, OriginKey] = {}
    for person in people:
        if len(person) > 1:
            head = min(person, key=lambda v: _rank(*v))[0]
            fullest = max(person, key=lambda v: (len(v[1]), v[0].key.startswith(PERSON_PREFIX)))[0]
            head = OriginKey(head.key, fullest.label, head.kind)  # "Heydar Alishbandi", not "Alishbandi"
            out.update((key.key, head) for key, _ in person)
    return out
