"""Who a claim unit is attributed to, and the hedges that scope over an article.

A unit is attributed to the speaker of the quote or reported speech that holds most of
it (``doc._.quotes``, canonical speaker names); a speech verb the quotes component left
without content ("…, Serdar said") attributes the clause it reports. A unit that no
source holds is asserted by the outlet itself (``attributed_to`` None).
"""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Doc, Span, Token

from storyweave.nlp.claims.parts import ClaimRules, find_phrases, low
from storyweave.records import ScopedHedge

#: quote kinds that report what a source states or believes; "intention", "stance",
#: "impression" and "attitude" cues ("X condemned the attack") attribute no content as fact
REPORTING_KINDS = frozenset(["speech", "according", "cognition", "evidence", "nominal", "passive_agent"])
#: kinds whose speaker must be a named entity to be a source ("the collapse appears to reveal")
ENTITY_ONLY_KINDS = frozenset(["evidence"])
#: a quote holds a unit when this share of the unit's characters lies inside its content
HOLD_SHARE = 0.3
#: clause dependencies through which a clause is the content of the verb above it
REPORTED_DEPS = ("ccomp", "xcomp", "conj", "advcl", "parataxis")
PRONOUNS = frozenset(["he", "she", "they", "it", "i", "we", "you", "him", "her", "them"])


@dataclass(frozen=True)
class Attribution:
    """A unit's source: canonical speaker, the cue as written, and the quote holding it."""

    speaker: str | None
    cue_text: str | None
    quote: object | None  # storyweave.records.Quote
    kind: str | None


NONE = Attribution(None, None, None, None)


def _parts(quote) -> tuple[tuple[int, int], ...]:
    return quote.parts or ((quote.start_char, quote.end_char),)


def _held(quote, start: int, end: int) -> int:
    return sum(max(0, min(e, end) - max(s, start)) for s, e in _parts(quote))


def cue_phrase(text: str, quote) -> str | None:
    """The attribution as the article words it: "according to X", "said Ramani", "the army said"."""
    if quote.cue_start is None:
        return None
    if quote.speaker_start is None:
        return quote.cue
    if quote.kind == "according" or (
        quote.speaker_start > quote.cue_end and quote.speaker_start - quote.cue_end < 3
    ):
        return text[quote.cue_start : quote.speaker_end]
    if 0 <= quote.cue_start - quote.speaker_end <= 3:
        return text[quote.speaker_start : quote.cue_end]
    return f"{quote.speaker} {quote.cue}"


def _speaker(quote, entities) -> str | None:
    speaker = quote.speaker_entity or quote.speaker
    if not speaker or speaker.strip().lower() in PRONOUNS:
        return None  # an unresolved "he said": the source is unknown, not a person called "he"
    return speaker


def attribute(doc: Doc, text: str, quotes, entities, tokens: Span, rules: ClaimRules) -> Attribution:
    """The source of the unit ``tokens``: the quote holding most of it, else a speech verb."""
    start, end = tokens.start_char, tokens.end_char
    best, best_share = None, 0.0
    for quote in quotes:
        if quote.kind not in REPORTING_KINDS or quote.end_char <= start or quote.start_char >= end:
            continue  # (the envelope first: most quotes of an article lie elsewhere)
        if _reports_a_relative_clause(doc, quote, tokens):
            continue
        share = _held(quote, start, end) / max(1, end - start)
        if share > best_share:
            best, best_share = quote, share
    if best is not None and best_share >= HOLD_SHARE:
        if best.kind in ENTITY_ONLY_KINDS and _entity_at(doc, entities, best.speaker_start) is None:
            return NONE
        speaker = _speaker(best, entities)
        if speaker is None:
            return NONE
        return Attribution(speaker, cue_phrase(text, best), best, best.kind)
    cue = _reporting_verb(tokens, rules)
    if cue is None:
        return NONE
    quote = next((q for q in quotes if q.cue_start == cue.idx), None)
    if quote is not None and _speaker(quote, entities):
        return Attribution(_speaker(quote, entities), cue_phrase(text, quote), None, quote.kind)
    subject = next((c for c in cue.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    if subject is None or subject.pos_ == "PRON":
        return NONE
    entity = entities.at(subject)
    name = entity.name if entity is not None else " ".join(
        t.text for t in subject.subtree if t.dep_ not in ("det", "punct")
    )
    return Attribution(name, f"{subject.text} {cue.text}", None, "speech")


def _reports_a_relative_clause(doc: Doc, quote, tokens: Span) -> bool:
    """Whether the quote's cue heads a relative clause inside the unit, about one of its nouns,
    while the unit's own verb lies outside what it reports: "The new poll takes into account
    Democrats and independent voters who said they would vote in the primary" is the outlet's
    statement about the poll, not the voters'; "It was negotiated with help from Thomas Perez,
    who said he expects ..." is not Perez's."""
    if quote.cue_start is None or not (tokens.start_char <= quote.cue_start < tokens.end_char):
        return False
    cue = doc.char_span(quote.cue_start, quote.cue_start + 1, alignment_mode="expand")
    if cue is None or not len(cue):
        return False
    token, steps = cue[0], 0
    while token.dep_ != "relcl" and token.head is not token and token.i != tokens.root.i and steps < 3:
        token, steps = token.head, steps + 1  # the cue may be under an auxiliary or a conjunct
    if token.dep_ != "relcl":
        return False
    root = tokens.root.idx
    return not any(s <= root < e for s, e in _parts(quote))


def _reporting_verb(tokens: Span, rules: ClaimRules) -> Token | None:
    """A speech verb that reports this unit: its head ("Serdar said X") or a paratactic
    cue inside it ("X took the airport, Serdar said")."""
    head = tokens.root
    steps = 0
    while head.head is not head and steps < 4 and head.dep_ in REPORTED_DEPS:
        head, steps = head.head, steps + 1
        if head.lemma_.lower() in rules.reporting and head.pos_ == "VERB":
            return head
    for token in tokens:
        if token.dep_ == "parataxis" and token.lemma_.lower() in rules.reporting and token.pos_ == "VERB":
            return token
    if tokens.root.lemma_.lower() in rules.reporting and any(c.dep_ == "ccomp" for c in tokens.root.children):
        return tokens.root
    return None


def _entity_at(doc: Doc, entities, char: int | None):
    if char is None:
        return None
    span = doc.char_span(char, char + 1, alignment_mode="expand")
    return entities.at(span[0]) if span is not None and len(span) else None


# -- article-level hedges -------------------------------------------------------------------------
def may_hedge(text: str, rules: ClaimRules) -> bool:
    """False when no scoped hedge can occur in ``text``: one of each phrase's words is missing.

    A phrase matches the lower-cased words of tokens (``low``), so each of its words is then
    in the lower-cased text; most articles hold no scoped hedge.
    """
    folded = text.lower().replace("’", "'").replace("‘", "'")
    return any(
        all(w in folded for w in phrase) or not all(w.isascii() for w in phrase) for phrase in rules.scoped_hedges
    )


def scoped_hedge(sent: Span, rules: ClaimRules) -> ScopedHedge | None:
    """The scoped hedge a sentence states ("NBC News was unable to independently confirm ...")."""
    found = find_phrases([low(t) for t in sent], rules.scoped_hedges)
    if not found:
        return None
    first = sent[found[0][0]]
    return ScopedHedge(sent.text.strip(), sent.start_char, first.idx, tuple(" ".join(p) for _, p in found))
