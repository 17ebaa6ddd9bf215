"""A claim's display text: the unit's own words, with references the article makes
clear written out in brackets, so a reader understands it without the article.

"He initially was imprisoned in 1979" → "[Arcade Joseph Comeaux Jr.] initially was
imprisoned in 1979"; "The city has never been in rebel hands" → "[Hama] has never been
in rebel hands"; "His wife survived" → "[Comeaux's] wife survived". Only what the article
makes clear is resolved: "he"/"she" as a subject or possessor, to the speaker when it is
the speaker of a quote the quotes component resolved, else to the one person named just
before it whose gender, where the article shows it, fits (``pronouns.PersonResolver``); "the city"/"the town" to the city the article has named most often before it (an
article about Hama that mentions Kilis once means Hama). "It" and "they" are left alone:
their antecedents are too often a clause or a group the text never names.
"""

from __future__ import annotations

import re

from spacy.tokens import Span, Token

from storyweave.nlp.claims.parts import EntityIndex, low
from storyweave.nlp.claims.pronouns import PersonResolver

PERSON_PRONOUNS = {"he": "", "she": "", "his": "'s", "her": "'s"}
CITY_WORDS = frozenset(["city", "town", "village", "capital"])
SUBJECT_DEPS = ("nsubj", "nsubjpass")


def _person(token: Token, entities: EntityIndex, speakers: dict[int, str], people: PersonResolver | None):
    word = low(token)
    if word not in PERSON_PRONOUNS:
        return None
    if word in ("he", "she") and token.dep_ not in SUBJECT_DEPS:
        return None
    if word in ("his", "her") and not (token.dep_ == "poss" and token.head.dep_ in SUBJECT_DEPS):
        return None
    # "..., he said": the quotes component knows who; but "her" of "said her nephew, Ravi
    # Singh" opens the speaker's phrase without being the speaker
    name = speakers.get(token.idx) if token.dep_ != "poss" else None
    if name is not None:
        spoken = next((e for e in entities.by_key.values() if e.name == name and e.type == "PERSON"), None)
        if spoken is not None:
            return spoken
    if people is None:
        people = PersonResolver(token.doc, entities)
    return people.resolve(token)


def _city(token: Token, entities: EntityIndex, is_country) -> tuple[int, object] | None:
    """("the city" start token index, the city) for a bare definite "the city"."""
    if token.lemma_.lower() not in CITY_WORDS or token.dep_ not in (*SUBJECT_DEPS, "dobj", "pobj"):
        return None
    children = list(token.children)
    if len(children) != 1 or children[0].dep_ != "det" or children[0].lower_ != "the":
        return None  # "the city of Hama", "the northern city": already says which
    at = children[0].idx
    counts: dict[str, tuple[int, int]] = {}
    for entity in entities.by_key.values():
        if entity.type != "GPE":
            continue
        before = [m for m in entity.mentions if m.end_char <= at]
        if not before:
            continue
        last = max(m.start_char for m in before)
        span = token.doc.char_span(last, last + 1, alignment_mode="expand")
        if span is None or is_country(entity, span[0].i):
            continue
        counts[entity.key] = (len(before), last)
    if not counts:
        return None
    key = max(counts, key=lambda k: counts[k])
    return children[0].i, entities.by_key[key]


def display_text(
    text: str, tokens: Span, entities: EntityIndex, is_country, speakers: dict[int, str] | None = None,
    people: PersonResolver | None = None,
) -> tuple[str, tuple[str, ...]]:
    """The unit's text with resolved references in brackets, and the entity keys they name.

    ``speakers`` maps the start of each quote's speaker to its resolved name; ``people`` is
    the article's pronoun resolver (built once per article by the caller).
    """
    base = tokens.start_char
    pieces: list[tuple[int, int, str]] = []
    keys: list[str] = []
    named: set[str] = set()  # the people the unit has already named, in its words or in brackets
    for token in tokens:
        person = _person(token, entities, speakers or {}, people)
        if person is not None and entities.at(token) is None:
            keys.append(person.key)
            if person.key not in named:
                # "Clinton has taken a stance, but she has said that she supports ..." names her once
                suffix = PERSON_PRONOUNS[low(token)]
                pieces.append((token.idx, token.idx + len(token), f"[{person.name}{suffix}]"))
                named.add(person.key)
            continue
        entity = entities.at(token)
        if entity is not None:
            named.add(entity.key)
        found = _city(token, entities, is_country)
        if found is not None and found[0] >= tokens.start:
            first, city = found
            pieces.append((tokens.doc[first].idx, token.idx + len(token), f"[{city.name}]"))
            keys.append(city.key)
    out, at = [], base
    for start, end, replacement in pieces:
        out.append(text[at:start])
        out.append(replacement)
        at = end
    out.append(text[at : tokens.end_char])
    # a unit that runs on over a paragraph break ("...are not affected.\n\nNor is ...") reads as one line
    shown = _balanced_quotes(_LINE_BREAKS.sub(" ", "".join(out).strip()))
    first = 1 if shown[:1] in ("“", '"') else 0  # "“it also doesn’t mean ...”" opens in capitals too
    if shown[first : first + 1].islower():
        shown = shown[:first] + shown[first].upper() + shown[first + 1 :]
    return shown, tuple(dict.fromkeys(keys))


_LINE_BREAKS = re.compile(r"\s*\n\s*")


def _balanced_quotes(shown: str) -> str:
    """A unit cut from inside a quotation of several sentences shows as a quotation: "She
    always takes care of everybody.”" gets its opening mark, and a first sentence its closing
    one (curly marks only: a straight mark may be an inch sign)."""
    opened, closed = shown.count("“"), shown.count("”")
    if closed > opened and not shown.startswith("“"):
        return "“" + shown
    if opened > closed and not shown.endswith("”"):
        return shown + "”"
    return shown
