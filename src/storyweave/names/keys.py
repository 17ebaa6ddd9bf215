"""Name keys: the same name, however it is spelled.

Cross-document resolution (``storyweave.link.entities``) compares names by these keys; the
per-article canonicaliser (``storyweave.nlp.entities``) uses ``fold`` and ``slug`` and the same
word lists. A key is what two spellings of one name have in common after the rules in ``rules/``:
case and accents folded, apostrophes dropped ("Hay'at" = "Hayat"), Arabic article particles
dropped ("al-Assad" = "Assad", "ash-Sham" = "Sham"), titles dropped from the front of a person's
name, common given-name spellings unified (``given_names.tsv``: Mohammed = Muhammad) and the
transliteration equivalences of ``transliteration.tsv`` applied to every word (j/g/dj, ou/u/o,
ph/f, q/k, e/i, doubled letters), so Julani, Jolani, Golani and Jawlani share the key "julani".

The rules are ordered regular expressions rather than a phonetic code (Soundex, Metaphone from
``jellyfish``) because those codes drop the vowels and merge Ramani with Romano, while an Arabic
name's vowels vary only in a few known ways that the rules list.
"""

from __future__ import annotations

import re
import unicodedata
from typing import TYPE_CHECKING

from rapidfuzz.distance import Hamming

from storyweave.names.labels import COLLECTIVE_LABELS, PLACE_LABELS

if TYPE_CHECKING:
    from storyweave.names.name_rules import NameRules

_APOSTROPHES = re.compile(r"['’‘`ʿʾ´]")
_WORDS = re.compile(r"[^\s/,;:()\[\]\"“”|]+")
_HYPHENS = re.compile(r"[-‐‑–—_]")
_NON_ALNUM = re.compile(r"[^0-9a-z]+")
_ACRONYM = re.compile(r"(?:[A-Z]\.?){2,10}|[A-Z][A-Z&]{1,9}")


def fold(text: str) -> str:
    """Casefold and drop accents, so "José" and "Jose" compare equal."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def slug(text: str) -> str:
    """ASCII, lowercase, hyphen-separated form of a name, for ids."""
    return _NON_ALNUM.sub("-", fold(text)).strip("-") or "x"


def kind_of(label: str) -> str:
    """The resolution class of a spaCy label: people, places, organisations, groups, or the label.

    Records of different kinds never share an entity, except ORG and NORP through an alias.
    """
    label = (label or "").upper()
    if label == "PERSON":
        return "person"
    if label in PLACE_LABELS:
        return "place"
    if label in COLLECTIVE_LABELS:
        return label.lower()
    return label.lower() or "other"


def is_acronym(text: str) -> bool:
    """True for "HTS", "RUSI", "U.S.", "S&P": two to ten capitals, no lowercase letter."""
    return bool(_ACRONYM.fullmatch(text.strip())) and sum(c.isupper() for c in text) >= 2


def acronym_key(text: str) -> str:
    """An acronym without its dots: "U.N." -> "UN"."""
    return text.strip().replace(".", "").upper()


def words(name: str, rules: NameRules) -> list[str]:
    """The folded words of a name, particles dropped ("Abu Mohammed al-Julani" -> abu, mohammed, julani)."""
    out: list[str] = []
    for word in _WORDS.findall(_APOSTROPHES.sub("", fold(name))):
        parts = [p for p in (_NON_ALNUM.sub("", p) for p in _HYPHENS.split(word)) if p]
        while len(parts) > 1 and parts[0] in rules.attached_particles:
            parts.pop(0)
        out.extend(p for p in parts if p not in rules.standalone_particles)
    return out


def transliterate(word: str, rules: NameRules) -> str:
    """One folded word's comparison form: given-name spellings unified, then the rules in order."""
    word = rules.given_names.get(word, word)
    for pattern, replacement in rules.transliteration:
        word = pattern.sub(replacement, word)
    return word


def person_key(name: str, rules: NameRules) -> tuple[str, ...]:
    """A person's name as comparison words, titles and suffixes dropped, surname last."""
    parts = words(name, rules)
    while len(parts) > 1 and parts[0] in rules.titles:
        parts.pop(0)
    while len(parts) > 1 and parts[-1] in rules.name_suffixes:
        parts.pop()
    return tuple(transliterate(p, rules) for p in parts)


def name_key(name: str, kind: str, rules: NameRules) -> str:
    """The comparison key of any name of ``kind`` (see :func:`kind_of`)."""
    if kind == "person":
        return " ".join(person_key(name, rules))
    parts = words(name, rules)
    while len(parts) > 1 and parts[0] in rules.org_leading:
        parts.pop(0)
    if kind in ("org", "norp"):
        while len(parts) > 1 and parts[-1] in rules.org_suffixes:
            parts.pop()
    keyed = [transliterate(p, rules) for p in parts]
    if kind == "norp" and keyed and len(keyed[-1]) > 3 and keyed[-1].endswith("s"):
        keyed[-1] = keyed[-1][:-1]  # "Syrians" and "Syrian" name one group
    return " ".join(keyed)


def initials(name: str, rules: NameRules) -> str:
    """The acronym a multi-word name forms ("Hayat Tahrir al-Sham" -> "HTS"); "" for one word."""
    letters = []
    for word in _WORDS.findall(_APOSTROPHES.sub("", name)):
        parts = [p for p in _HYPHENS.split(word) if p]
        while len(parts) > 1 and fold(parts[0]) in rules.attached_particles:
            parts.pop(0)
        for part in parts:
            folded = fold(part).rstrip(".")
            skip = rules.initials_skip | rules.standalone_particles | rules.org_suffixes
            if folded not in skip and part[0].isalnum():
                letters.append(part[0].upper())
    return "".join(letters) if len(letters) >= 2 else ""


def compatible(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """Two person keys can name one person: same surname, and the shorter one's words found in
    order in the longer one, an initial matching a word ("Mohammed al-Julani" in "Abu Mohammed
    al-Julani", "G Bush" in "George Bush"); "Bashar al-Assad" and "Hafez al-Assad" are not."""
    if not a or not b or a[-1] != b[-1]:
        return False
    short, long = (a, b) if len(a) <= len(b) else (b, a)
    position = 0
    for part in short:
        while position < len(long) and not (
            part == long[position]
            or (len(part) == 1 and long[position].startswith(part))
            or (len(long[position]) == 1 and part.startswith(long[position]))
        ):
            position += 1
        if position == len(long):
            return False
        position += 1
    return True


#: given names at least this long may differ in one letter and still be one person's
#: ("Carolos" / "Karolos Papoulias"): outlets transliterate them apart
MIN_VARIANT_LENGTH = 5


def spelling_variant(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """Two full-name person keys that are one name spelled two ways: same surname, as many
    words, each other word the same or, when long, the same but for one letter in its place
    (keys are already transliteration-folded; a letter added, as in "Daniel" / "Danielle",
    is another name)."""
    if len(a) < 2 or len(a) != len(b) or a[-1] != b[-1] or a == b:
        return False
    return all(
        x == y or (len(x) == len(y) >= MIN_VARIANT_LENGTH and Hamming.distance(x, y) <= 1)
        for x, y in zip(a[:-1], b[:-1])
    )
