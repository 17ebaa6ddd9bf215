"""Stage 3 of the component: an article's person mentions grouped into people.

Full names are grouped first ("Hafez al-Assad" is not "Bashar al-Assad"); a bare surname
("Assad", "al-Assad’s", even when tagged ORG or NORP) then joins a compatible person
(:func:`_pick`), and a titled surname the article never names in full ("President Obama")
becomes a person of its own.
"""

from __future__ import annotations

import re

from storyweave.names import PLACE_LABELS
from storyweave.nlp.entities.forms import NameForms
from storyweave.nlp.entities.mentions import MentionDraft, PersonDraft

_TITLE_BEFORE = re.compile(r"(\S+)\s+$")
#: the word before a name, a comma between them allowed ("his father, Hafez al-Assad")
_KIN_BEFORE = re.compile(r"([\w-]+),?\s+$")
_SENTENCE_END = re.compile(r"[.!?][\"'”’]?\s|\n")


def group_people(text: str, mentions: list[MentionDraft], forms: NameForms) -> list[PersonDraft]:
    """Group person mentions; returns the people with their mentions, in order of appearance."""
    people: list[PersonDraft] = []
    full: dict[int, PersonDraft] = {}
    for mention in mentions:  # full names first, so a headline's bare surname can look ahead
        cores = forms.cores(mention.text)
        if mention.label != "PERSON" or mention.acronym or len(cores) < 2:
            continue
        person = next((p for p in people if same_person(p.cores, cores)), None)
        if person is None:
            person = PersonDraft(cores, mention.start, relative=_kin(text, mention, forms))
            people.append(person)
        elif len(cores) > len(person.cores):
            person.cores = cores
        full[id(mention)] = person
    surnames, titled = {p.cores[-1] for p in people}, []
    for mention in mentions:
        person = full.get(id(mention))
        if person is None:
            cores = forms.cores(mention.text)
            if len(cores) != 1 or mention.acronym or mention.label in PLACE_LABELS:
                continue
            if mention.label != "PERSON" and cores[0] not in surnames:
                continue
            person = _pick(text, people, cores[0], mention)
            if (person is None or person.first > mention.start) and _titled(text, mention, forms):
                # "President Obama" before "Michelle Obama": someone the article never names in full
                person = PersonDraft(cores, mention.start)
                people.append(person)
                titled.append(person)
            if person is None:
                continue
        person.mentions.append(mention)
        mention.label = "PERSON"
    for early in titled:
        # ...unless the full name took every later surname mention: then "Mr. Trump" in the
        # lead was the "Donald Trump" the article names later
        later = [p for p in people if p.cores[-1] == early.cores[-1] and p.first > early.first]
        if len(later) == 1 and all(m.start < later[0].first for m in early.mentions):
            later[0].mentions = sorted(later[0].mentions + early.mentions, key=lambda m: m.start)
            people.remove(early)
    return [p for p in people if p.mentions]


def same_person(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """Same surname and one name's parts a subsequence of the other's ("Mohammed al-Julani" in
    "Abu Mohammed al-Julani"); an initial matches a name ("G. Bush" in "George Bush").

    Stricter than ``storyweave.names.compatible``, which lets an initial of the longer name
    match too: within one article the full names are at hand, so only the shorter may abbreviate.
    """
    if a[-1] != b[-1]:
        return False
    short, long = (a, b) if len(a) <= len(b) else (b, a)
    position = 0
    for part in short:
        while position < len(long) and not (
            part == long[position] or (len(part) == 1 and long[position].startswith(part))
        ):
            position += 1
        if position == len(long):
            return False
        position += 1
    return True


def _titled(text: str, mention: MentionDraft, forms: NameForms) -> bool:
    word = _TITLE_BEFORE.search(text, max(0, mention.start - 30), mention.start)
    return mention.label == "PERSON" and bool(word) and word.group(1).rstrip(".").lower() in forms.rules.titles


def _kin(text: str, mention: MentionDraft, forms: NameForms) -> bool:
    """Whether a full name is introduced as someone's relative: a kinship noun just before it
    ("his father, Hafez al-Assad", "sister Katie Jenkin")."""
    word = _KIN_BEFORE.search(text, max(0, mention.start - 30), mention.start)
    return bool(word) and word.group(1).lower() in forms.rules.kinship


def _pick(text: str, people: list[PersonDraft], core: str, mention: MentionDraft) -> PersonDraft | None:
    """The person a bare name refers to.

    Among people with that surname (or, for a PERSON mention, that first name) introduced
    before the mention: the one with most mentions so far; of those tied, one the article
    introduces as someone else's relative in the sentence that introduces that someone is
    left out, then the one introduced last wins. In NBC's Hama
    report "Assad" stays Bashar after "his father, Hafez al-Assad"; when Hafez is introduced
    first and Bashar next, "Assad" is Bashar. In "John Jenkin, 23, charged with the murders of
    his mother ... and sister Katie Jenkin", "Jenkin" is John. A name before any full form (a
    headline) goes to the first compatible person.
    """
    pool = [p for p in people if p.cores[-1] == core]
    if not pool and mention.label == "PERSON":  # a first name: "Hillary", "LeBron"
        pool = [p for p in people if core in p.cores[:-1]]
    if not pool:
        return None
    before = [p for p in pool if p.first < mention.start]
    if not before:
        return min(pool, key=lambda p: p.first)
    most = max(len(p.mentions) for p in before)
    tied = [p for p in before if len(p.mentions) == most]
    # a relative introduced in the same sentence as a namesake was introduced as that
    # person's relative: the namesake is the one the article is about
    principal = [p for p in tied if not (p.relative and any(
        o.first < p.first and not _SENTENCE_END.search(text, o.first, p.first) for o in tied))]
    return max(principal or tied, key=lambda p: p.first)
