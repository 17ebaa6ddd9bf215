"""Cues that are not verbs: stage 2b of ``storyweave.nlp.quotes``.

PARC 3.0 and PolNeAR annotate attributions whose cue is a noun or an adjective,
not only a reporting verb:

- nouns of speech acts, beliefs and intentions with their content in a clause or
  a prepositional object: "Trump's claim that ...", "the campaign's plan to ...",
  "her criticism of the bill", "their doubts about the plan";
- adjectives of belief, feeling and stance after a copula: "Democrats are afraid
  that ...", "he is confident the bill will pass", "she has been critical of ...".

The words, the dependency labels that hold the content and the prepositions live
in ``rules/quotes/cues.toml`` (``[nouns]``, ``[adjectives]``). A noun's speaker is
its possessor ("Trump's claim"), a "by"/"from" object ("a statement by the
ministry"), or the subject of the clause the noun is an object in ("X made the
claim that ...", "Y voiced concern about ..."); an adjective's speaker is the
copula's subject.
"""

from __future__ import annotations

import numpy
from spacy.strings import hash_string
from spacy.tokens import Doc, Token

from storyweave.nlp.quotes.cues import CueRules, Draft, NominalCues, in_paragraph, merge_ranges, trimmed
from storyweave.nlp.quotes.speakers import find_subject, speaker_phrase

#: copulas an attitude adjective follows ("is confident", "remains skeptical")
COPULAS = ("be", "seem", "remain", "become", "appear", "sound", "grow", "stay")
#: clause markers that make a noun's ``acl`` its content ("the claim that ...", "a plan to ...")
CLAUSE_MARKS = ("that", "whether", "if")
#: dependencies a noun cue climbs through to the verb whose subject holds the attitude
CLIMB_DEPS = ("dobj", "pobj", "prep", "attr", "conj", "appos")
NOUN_KIND = "nominal"
ADJECTIVE_KIND = "attitude"


def find_nominal_cues(doc: Doc, rules: CueRules, text: str) -> list[Draft]:
    """Noun and adjective cues with their content and speaker, in text order."""
    drafts: list[Draft] = []
    for spec, finder in ((rules.nouns, _noun_draft), (rules.adjectives, _adjective_draft)):
        if spec is None:
            continue
        hashes = numpy.fromiter((hash_string(w) for w in spec.words), dtype=numpy.uint64)
        for i in numpy.flatnonzero(numpy.isin(doc.to_array("LEMMA"), hashes)):
            draft = finder(doc, text, doc[int(i)], spec)
            if draft is not None:
                drafts.append(draft)
    drafts.sort(key=lambda d: d.cue.start)
    return drafts


def _is_clause(child: Token) -> bool:
    """A noun's dependent that is a clause of its own, not a description of the noun.

    "the claim that taxes will rise" and "a plan to raise taxes" are contents; "a statement
    posted on Facebook" and "the claim he made" are not.
    """
    if child.dep_ != "acl":
        return True
    return any(
        (c.dep_ == "mark" and c.lower_ in CLAUSE_MARKS) or (c.dep_ == "aux" and c.tag_ == "TO")
        for c in child.children
    )


def _content(doc: Doc, text: str, token: Token, spec: NominalCues) -> list[tuple[int, int]]:
    ranges = []
    for child in token.children:
        if child.dep_ in spec.deps and child.pos_ in ("VERB", "AUX") and _is_clause(child):
            start, end = child.left_edge.i, child.right_edge.i + 1
        elif child.dep_ == "prep" and child.lower_ in spec.preps and child.i > token.i:
            objects = [g for g in child.children if g.dep_ in ("pobj", "pcomp")]
            if not objects:
                continue
            start = min(o.left_edge.i for o in objects)
            end = max(o.right_edge.i for o in objects) + 1
        else:
            continue
        piece = trimmed(doc, start, end)
        if piece:
            ranges.append(piece)
    return in_paragraph(text, ranges, token.idx)


def _noun_draft(doc: Doc, text: str, token: Token, spec: NominalCues) -> Draft | None:
    if token.pos_ != "NOUN" or token.dep_ in ("compound", "npadvmod"):
        return None
    ranges = _content(doc, text, token, spec)
    if not ranges:
        return None
    speaker = _noun_speaker(token, spec)
    phrase = speaker_phrase(speaker, token) if speaker is not None else None
    return Draft(doc[token.i : token.i + 1], phrase, speaker, merge_ranges(ranges), NOUN_KIND)


def _noun_speaker(noun: Token, spec: NominalCues) -> Token | None:
    for child in noun.children:
        if child.dep_ == "poss":  # "Trump's claim", "his plan"
            return child
    for child in noun.children:
        if child.dep_ in ("prep", "agent") and child.lower_ in ("by", "from"):
            objects = [g for g in child.children if g.dep_ == "pobj"]
            if objects:
                return objects[0]
    # "He avoided direct criticism of ...", "Graham voiced concern about ...": the
    # attitude is held by the subject of the clause the noun sits in
    token = noun
    for _ in range(4):
        if token.dep_ not in CLIMB_DEPS or token.head is token:
            break
        token = token.head
        if token.pos_ in ("VERB", "AUX"):
            return find_subject(token)
    return None


def _adjective_draft(doc: Doc, text: str, token: Token, spec: NominalCues) -> Draft | None:
    copula = token.head
    if token.pos_ != "ADJ" or token.dep_ != "acomp" or copula.lemma_.lower() not in COPULAS:
        return None
    ranges = _content(doc, text, token, spec)
    if not ranges:
        return None
    subject = find_subject(copula)
    if subject is None or subject.lower_ == "it":
        return None  # "it is clear that ...": an impression without a holder
    phrase = speaker_phrase(subject, token)
    return Draft(doc[token.i : token.i + 1], phrase, subject, merge_ranges(ranges), ADJECTIVE_KIND)
