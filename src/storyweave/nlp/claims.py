"""Check-worthy claims as normalised records: the ``storyweave_claims`` component.

Runs last in the analysis pipeline and only walks what the parser and the earlier
components found (entities, dates, quotes, events): no second model. Stages per
sentence, numbered as in the code:

1. skip non-claims: questions, furniture and boilerplate lines (``rules/claims``);
   a sentence with a *scoped* hedge ("NBC News was unable to independently confirm
   claims by either side") is not a claim but hedges the article's attributed claims
   (see ``apply_scoped_hedges``);
2. rankings and superlatives ("Syria's second-largest city, Aleppo" → Aleppo
   "be second-largest city of" Syria);
3. states of control ("rebels have full control of Hama", "Hama had stayed in
   government hands");
4. clause predicates: every clause-heading verb with its subject and object, typed
   ``event`` (event lexicon or ``doc._.events``), ``number``, ``statement``,
   ``opinion`` ("I think", evaluative words) or ``prediction`` ("will", "is going
   to", "could prove", conditionals); non-check-worthy statements are dropped;
5. attribution from the quote or reported speech containing the claim, hedges,
   negation, numbers, dates and places of the clause, and a ``signature`` that the
   cross-outlet alignment compares: ``action|subject|object`` with the action
   canonicalised ("captured"/"took"/"seized" → ``capture``) and actors grouped
   ("opposition forces"/"insurgents" → ``rebels``). Ranking claims on the same
   place share the signature ``rank|aleppo|syria`` whatever the ranking, so
   different predicates under one signature show a contested claim.
"""

from __future__ import annotations

import functools
import logging
import re
from dataclasses import dataclass, replace

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from storyweave.nlp.claim_parts import (
    ClaimNumber,
    ClaimRules,
    EntityIndex,
    find_phrases,
    load_claim_rules,
    low,
    phrase_text,
)
from storyweave.nlp.claim_shapes import (
    ArticleContext,
    Shape,
    predicate_shapes,
    subject_of,
)
from storyweave.nlp.claim_states import control_shapes, ranking_shapes
from storyweave.nlp.regex_scan import fold_case, required_words

logger = logging.getLogger(__name__)

COMPONENT = "storyweave_claims"
__all__ = ["Claim", "ClaimNumber", "ScopedHedge", "extract_claims", "make_claims"]

#: dependencies through which a clause is the content of the verb above it (not its
#: subject: "the leader of the most powerful group ... declared" reports nothing about the group)
REPORTED_DEPS = ("ccomp", "xcomp", "conj", "advcl", "parataxis")
BASE_SCORE = {
    "number": 0.75,
    "control": 0.75,
    "ranking": 0.7,
    "event": 0.6,
    "statement": 0.4,
    "prediction": 0.3,
    "opinion": 0.15,
}


@dataclass(frozen=True)
class Claim:
    """One check-worthy statement of an article, normalised for alignment across outlets.

    ``start``/``end`` span the claim's clause (character offsets into the article
    text); ``sentence_start``/``sentence_end`` its sentence. ``attributed_to`` is the
    speaker (canonical entity name, else its surface text) of the quote or reported
    speech holding the claim, None when the outlet asserts it; ``quote_start``/
    ``quote_end`` the quote's span, so two outlets carrying one quote are one origin.
    ``signature`` is ``action|subject|object`` in lower case.
    """

    text: str
    start: int
    end: int
    sentence_start: int
    sentence_end: int
    kind: str
    subject: str | None
    subject_entity: str | None
    predicate: str
    object: str | None
    object_entity: str | None
    negated: bool
    numbers: tuple[ClaimNumber, ...]
    dates: tuple[str, ...]
    places: tuple[str, ...]
    attributed_to: str | None
    attribution_text: str | None
    quote_start: int | None
    quote_end: int | None
    hedges: tuple[str, ...]
    hedged: bool
    check_worthy: float
    signature: str
    event_code: str | None = None


@dataclass(frozen=True)
class ScopedHedge:
    """An article-level hedge ("unable to independently confirm claims by either side").

    ``start`` is its sentence's start, ``end`` where its first cue begins.
    """

    text: str
    start: int
    end: int
    cues: tuple[str, ...]


def ensure_extensions() -> None:
    """Register ``Doc._.claims`` and ``Doc._.claim_hedges`` (idempotent)."""
    if not Doc.has_extension("claims"):
        Doc.set_extension("claims", default=None)
    if not Doc.has_extension("claim_hedges"):
        Doc.set_extension("claim_hedges", default=())


# -- stage 1: what is not a claim -------------------------------------------------------------
def _skipped(sent: Span, text: str) -> bool:
    text = text.strip()
    if not text or text.rstrip("”\"’' ").endswith("?"):
        return True
    return not any(t.pos_ in ("VERB", "AUX") for t in sent)


def _furniture(sent: Span, text: str, skip: tuple[re.Pattern, ...]) -> list[tuple[int, int]]:
    """Character ranges of the sentence's lines that are furniture ("… via Getty Images").

    The parser may run a caption and the next paragraph into one sentence, so lines
    are judged one by one and only claims anchored in a furniture line are dropped.
    ``skip``: the furniture patterns the article can match (``_article_skips``).
    """
    ranges, offset = [], sent.start_char
    if not skip:
        return ranges
    for line in text.split("\n"):
        if line.strip() and any(p.search(line.strip()) for p in skip):
            ranges.append((offset, offset + len(line)))
        offset += len(line) + 1
    return ranges


def _article_skips(text: str, rules: ClaimRules) -> tuple[re.Pattern, ...]:
    """The furniture patterns that can match somewhere in ``text``: those whose required
    words it holds (most articles hold none, and their lines need not be searched)."""
    folded = fold_case(text)
    return tuple(p for p, needs in _skip_needs(rules.skip) if all(any(w in folded for w in ws) for ws in needs))


@functools.lru_cache(maxsize=4)
def _skip_needs(skip: tuple[re.Pattern, ...]) -> tuple[tuple[re.Pattern, tuple[frozenset[str], ...]], ...]:
    return tuple((p, required_words(p)) for p in skip)


def _may_hedge(text: str, rules: ClaimRules) -> bool:
    """False when no scoped hedge can occur in ``text``: one of each phrase's words is missing.

    A phrase matches the lower-cased words of tokens (``low``), so each of its words is then
    in the lower-cased text; most articles hold no scoped hedge.
    """
    folded = text.lower().replace("’", "'").replace("‘", "'")
    return any(
        all(w in folded for w in phrase) or not all(w.isascii() for w in phrase) for phrase in rules.scoped_hedges
    )


def _scoped_hedge(sent: Span, rules: ClaimRules) -> ScopedHedge | None:
    found = find_phrases([low(t) for t in sent], rules.scoped_hedges)
    if not found:
        return None
    first = sent[found[0][0]]
    return ScopedHedge(sent.text.strip(), sent.start_char, first.idx, tuple(" ".join(p) for _, p in found))


# -- stage 5: records ------------------------------------------------------------------------------
def _attribution(ctx: ArticleContext, char: int):
    """The quote holding character ``char``: (speaker, cue phrase, quote) or Nones."""
    for quote in ctx.quotes:
        parts = quote.parts or ((quote.start_char, quote.end_char),)
        if not any(s <= char < e for s, e in parts):
            continue
        speaker = quote.speaker_entity or quote.speaker
        if (
            quote.kind in ("evidence", "stance")
            and ctx.entities.at(_token_at(ctx.doc, quote.speaker_start)) is None
        ):
            return None, None, None  # "the collapse appears to reveal ...": no source speaks
        return speaker, _cue_phrase(ctx.text, quote), quote
    cue = _reporting_verb(ctx, _token_at(ctx.doc, char))
    if cue is None:
        return None, None, None
    quote = next((q for q in ctx.quotes if q.cue_start == cue.idx), None)
    if quote is not None and (quote.speaker_entity or quote.speaker):
        return quote.speaker_entity or quote.speaker, _cue_phrase(ctx.text, quote), None
    subject, _ = subject_of(cue)
    if subject is None or subject.pos_ == "PRON":
        return None, None, None
    entity = ctx.entities.at(subject)
    return (entity.name if entity is not None else phrase_text(subject)), f"{subject.text} {cue.text}", None


def _reporting_verb(ctx: ArticleContext, token: Token | None) -> Token | None:
    """A speech verb the quotes component left without content that reports this clause.

    "X took the airport, Serdar said, ..." parses the cue as a parataxis under the
    content, and "Serdar said X" as the content's head.
    """
    if token is None:
        return None
    head, steps = token, 0
    while head.head is not head and steps < 4 and head.dep_ in REPORTED_DEPS:
        head, steps = head.head, steps + 1
        if head.lemma_.lower() in ctx.speech_verbs and head.pos_ == "VERB":
            return head
    for child in token.children:
        for candidate in (child, *child.children):
            if candidate.dep_ == "parataxis" and candidate.lemma_.lower() in ctx.speech_verbs:
                return candidate
    return None


def _token_at(doc: Doc, char: int | None) -> Token | None:
    if char is None:
        return None
    span = doc.char_span(char, char + 1, alignment_mode="expand")
    return span[0] if span is not None and len(span) else None


def _cue_phrase(text: str, quote) -> str | None:
    if quote.cue_start is None:
        return None
    if quote.speaker_start is None:
        return quote.cue
    if quote.kind == "according" or (
        quote.speaker_start > quote.cue_end and quote.speaker_start - quote.cue_end < 3
    ):
        return text[quote.cue_start : quote.speaker_end]  # "according to X", "said Ramani"
    if 0 <= quote.cue_start - quote.speaker_end <= 3:
        return text[quote.speaker_start : quote.cue_end]  # "the army said"
    return f"{quote.speaker} {quote.cue}"


def _score(shape: Shape, numbers, dates, places) -> float:
    score = BASE_SCORE[shape.kind]
    if shape.subject_entity:
        score += 0.1
    if shape.object_entity or places:
        score += 0.1
    if dates:
        score += 0.05
    if numbers and shape.kind != "number":
        score += 0.05
    return round(min(1.0, max(0.0, score)), 2)


def _record(ctx: ArticleContext, sent: Span, shape: Shape) -> Claim:
    span = ctx.doc.char_span(shape.start, shape.end, alignment_mode="expand")
    tokens = list(span) if span is not None else []
    speaker, cue, quote = _attribution(ctx, shape.anchor)
    hedges = list(shape.hedges)
    if quote is not None and quote.kind == "according":
        hedges = [h for h in hedges if h != "according to"]  # the attribution, not a hedge
    numbers = (
        tuple(shape.numbers) if shape.numbers is not None else tuple(ctx.numbers(tokens, ctx.date_chars))
    )
    dates = tuple(
        dict.fromkeys(d.value or d.text for d in ctx.dates if shape.start <= d.start_char < shape.end)
    )
    places = ctx.places_in(tokens, shape)
    subject_key = shape.subject_entity
    text = ctx.text[shape.start : shape.end]
    return Claim(
        text=text,
        start=shape.start,
        end=shape.end,
        sentence_start=sent.start_char,
        sentence_end=sent.end_char,
        kind=shape.kind,
        subject=shape.subject,
        subject_entity=subject_key,
        predicate=shape.predicate,
        object=shape.object,
        object_entity=shape.object_entity,
        negated=shape.negated,
        numbers=numbers,
        dates=dates,
        places=places,
        attributed_to=speaker,
        attribution_text=cue,
        quote_start=quote.start_char if quote is not None else None,
        quote_end=quote.end_char if quote is not None else None,
        hedges=tuple(hedges),
        hedged=bool(hedges),
        check_worthy=_score(shape, numbers, dates, places),
        signature="|".join(
            (shape.action, shape.signature_subject or "", shape.signature_object or "")
        ).lower(),
        event_code=shape.event_code,
    )


def apply_scoped_hedges(claims: list[Claim], hedges: list[ScopedHedge]) -> list[Claim]:
    """Hedge the attributed claims that a scoped hedge refers back to.

    Our choice: "unable to independently confirm claims by either side" refers to the
    claims the article attributed to the parties *before* the hedge sentence, so every
    attributed claim that ends before it gets its cues. Outlet-asserted claims and
    claims after it keep their own hedges. The hedge is also kept on the document
    (``doc._.claim_hedges``) for the article-level view.
    """
    out = []
    for claim in claims:
        cues = [c for h in hedges if claim.attributed_to is not None and claim.end <= h.start for c in h.cues]
        if cues:
            merged = tuple(dict.fromkeys(claim.hedges + tuple(cues)))
            claim = replace(claim, hedges=merged, hedged=True)
        out.append(claim)
    return out


def extract_claims(doc: Doc, rules: ClaimRules | None = None) -> tuple[list[Claim], list[ScopedHedge]]:
    """The claims of a parsed, analysed ``doc`` in text order, and its scoped hedges."""
    rules = rules or load_claim_rules()
    ctx = ArticleContext(doc, rules, EntityIndex(doc))
    claims: list[Claim] = []
    scoped: list[ScopedHedge] = []
    # what the article's words rule out, decided once rather than for every sentence and line
    hedging, skip = _may_hedge(ctx.text, rules), _article_skips(ctx.text, rules)
    for sent in doc.sents:
        sent_text = ctx.text[sent.start_char : sent.end_char]  # Span.text rebuilds the string
        if _skipped(sent, sent_text):
            continue
        hedge = _scoped_hedge(sent, rules) if hedging else None
        if hedge is not None:
            scoped.append(hedge)
        consumed: set[int] = set()
        shapes = ranking_shapes(ctx, sent) + control_shapes(ctx, sent, consumed)
        shapes += predicate_shapes(ctx, sent, consumed)
        furniture = _furniture(sent, sent_text, skip)
        for shape in shapes:
            if any(s <= shape.anchor < e for s, e in furniture):
                continue
            if hedge is not None and shape.start <= hedge.end < shape.end:
                continue  # the hedge's own clause ("NBC News was unable to confirm ...") claims nothing
            for s, e in furniture:  # a clause the parser ran on from a furniture line starts after it
                if s <= shape.start < e:
                    shape.start = min(
                        shape.end, e + len(ctx.text[e : shape.end]) - len(ctx.text[e : shape.end].lstrip())
                    )
            claims.append(_record(ctx, sent, shape))
    claims.sort(key=lambda c: (c.start, c.end))
    return apply_scoped_hedges(claims, scoped), scoped


class ClaimExtractor:
    """The ``storyweave_claims`` component: sets ``doc._.claims`` and ``doc._.claim_hedges``."""

    def __init__(self, nlp: Language | None = None, name: str = COMPONENT):
        ensure_extensions()
        self.name = name
        self.rules = load_claim_rules()

    def __call__(self, doc: Doc) -> Doc:
        claims, hedges = extract_claims(doc, self.rules)
        doc._.claims = tuple(claims)
        doc._.claim_hedges = tuple(hedges)
        return doc


@Language.factory(
    COMPONENT,
    assigns=["doc._.claims", "doc._.claim_hedges"],
    requires=["token.dep", "token.lemma", "doc.sents", "doc.ents"],
)
def make_claims(nlp: Language, name: str) -> ClaimExtractor:
    """Build the claims component (``nlp.add_pipe("storyweave_claims", last=True)``)."""
    return ClaimExtractor(nlp, name)
