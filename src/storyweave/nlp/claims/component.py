"""Claims as complete statements: the ``storyweave_claims`` spaCy component.

Runs last in the analysis pipeline and only walks what the parser and the earlier
components found (entities, places, dates, quotes, events): no second model. Per
sentence, numbered as in the code:

1. units: the sentence, or each main clause of a compound sentence (``units.py``);
   furniture lines, questions and pieces without a finite verb are no claims; a sentence
   with a *scoped* hedge ("NBC News was unable to independently confirm claims by either
   side") is no claim either, but hedges the article's attributed claims before it;
2. attribution: the speaker of the quote or reported speech holding the unit
   (``attribution.py``), else the outlet;
3. what the unit states: entities, places, numbers, dates, rankings, negation, hedges, its
   content lemmas, and its kind (``kinds.py``);
4. the display text, with "he" and "the city" resolved where the article makes it clear
   (``display.py``).
"""

from __future__ import annotations

import functools
import logging
from dataclasses import replace

from spacy.language import Language
from spacy.tokens import Doc, Span

from storyweave.names.labels import PLACE_LABELS as GEO_TYPES
from storyweave.nlp.claims.attribution import attribute, may_hedge, scoped_hedge
from storyweave.nlp.claims.display import display_text
from storyweave.nlp.claims.kinds import claim_kind, main_predicate, subject_of
from storyweave.nlp.claims.parts import (
    ClaimRules,
    EntityIndex,
    denies,
    hedges_in,
    is_negated,
    load_claim_rules,
    numbers_in,
)
from storyweave.nlp.claims.pronouns import PersonResolver
from storyweave.nlp.claims.ranks import ranks_in
from storyweave.nlp.claims.units import Unit, claim_sentences, is_title_line, sentence_units, skipped_line
from storyweave.nlp.gazetteer.cache import load_gazetteer
from storyweave.nlp.texts import doc_text
from storyweave.records import Claim, ClaimView, ScopedHedge

logger = logging.getLogger(__name__)

COMPONENT = "storyweave_claims"
CONTENT_POS = frozenset(["NOUN", "PROPN", "VERB", "ADJ", "NUM", "ADV"])
BASE_SCORE = {"number": 0.8, "event": 0.7, "announcement": 0.7, "state": 0.6, "prediction": 0.4, "opinion": 0.3}


def ensure_extensions() -> None:
    """Register ``Doc._.claims`` and ``Doc._.claim_hedges`` (idempotent)."""
    if not Doc.has_extension("claims"):
        Doc.set_extension("claims", default=None)
    if not Doc.has_extension("claim_hedges"):
        Doc.set_extension("claim_hedges", default=())


def _ext(doc: Doc, name: str):
    # a component missing from the pipeline leaves its extension unset
    return (getattr(doc._, name) or ()) if Doc.has_extension(name) else ()


class _Article:
    """What the per-unit steps need to know about the whole article, computed once."""

    def __init__(self, doc: Doc, rules: ClaimRules):
        self.doc, self.rules = doc, rules
        self.text = doc_text(doc)
        self.entities = EntityIndex(doc)
        self.quotes = tuple(_ext(doc, "quotes"))
        self.dates = tuple(_ext(doc, "dates"))
        self.date_chars = [(d.start_char, d.end_char) for d in self.dates]
        self.countries = [(p.start_char, p.end_char) for p in _ext(doc, "places") if p.kind == "country"]
        self.events = {e.trigger_start: e for e in _ext(doc, "events")}
        self.speakers = {q.speaker_start: q.speaker_entity for q in self.quotes if q.speaker_entity}
        self._skipped: dict[int, bool] = {}

    @functools.cached_property
    def people(self) -> PersonResolver:
        # built on the first pronoun: most units have none
        return PersonResolver(self.doc, self.entities)

    def is_country(self, entity, token_i: int) -> bool:
        char = self.doc[token_i].idx
        return any(s <= char < e for s, e in self.countries)

    def skipped_at(self, char: int) -> bool:
        """Whether the line holding ``char`` is furniture or a dateline, decided once per line
        (a one-line document of thousands of units would search its one line for each)."""
        start = self.text.rfind("\n", 0, char) + 1
        found = self._skipped.get(start)
        if found is None:
            end = self.text.find("\n", char)
            found = self._skipped[start] = skipped_line(self.text[start : end if end >= 0 else len(self.text)],
                                                        self.rules)
        return found


def _lemmas(tokens) -> str:
    words = []
    for t in tokens:
        if t.pos_ not in CONTENT_POS or t.is_stop or not (t.is_alpha or t.like_num):
            continue
        words.append(t.lower_ if t.pos_ in ("PROPN", "NUM") else t.lemma_.lower())
    return " ".join(words)


ARGUMENT_DEPS = frozenset(["nsubj", "nsubjpass", "dobj", "attr", "oprd", "acomp", "dative", "npadvmod", "agent"])


def _head_words(token) -> list[str]:
    """A noun phrase's head and its compounds ("prison guard"), as lemmas; none for pronouns."""
    if token.pos_ == "PRON" or token.is_stop:
        return []
    parts = [c for c in token.children if c.dep_ == "compound"] + [token]
    return [t.lower_ if t.pos_ in ("PROPN", "NUM") else t.lemma_.lower() for t in parts if t.is_alpha or t.like_num]


def _atoms(tokens, rules: ClaimRules) -> tuple[str, ...]:
    """One lemma string per predication: each content verb with the heads of its arguments
    ("overpowered two prison guards" → "overpower prison guard"); speech verbs are left out
    (what they report has atoms of its own)."""
    atoms = []
    inside = {t.i for t in tokens}
    for verb in tokens:
        if verb.pos_ != "VERB" or verb.lemma_.lower() in rules.reporting:
            continue
        words = [verb.lemma_.lower()]
        for child in verb.children:
            if child.i not in inside:
                continue
            if child.dep_ in ARGUMENT_DEPS:
                words += _head_words(child)
            elif child.dep_ in ("prep", "agent"):
                words += [w for p in child.children if p.dep_ == "pobj" for w in _head_words(p)]
            elif child.dep_ == "prt":
                words.append(child.lower_)
        atoms.append(" ".join(dict.fromkeys(words)))
    return tuple(dict.fromkeys(atoms))


def _score(kind: str, entities, numbers, dates, hedged: bool, coded_event: bool = False) -> float:
    """How worth checking a claim is: its kind, and the specifics a checker can look up. A
    date counts when it is on the calendar ("at the moment" is none); a coded event ("took
    over the airport") is a concrete act, where "we are closely monitoring" is not."""
    calendar = any(str(d)[:1].isdigit() for d in dates)
    score = BASE_SCORE[kind] + (0.1 if entities else 0.0) + (0.05 if calendar else 0.0)
    score += 0.05 if numbers and kind != "number" else 0.0
    score += 0.05 if coded_event else 0.0
    return round(min(1.0, max(0.0, score - (0.1 if hedged else 0.0))), 2)


def _content(tokens: Span, who, rules: ClaimRules) -> list:
    """The tokens of the unit that state the claim: all but its attribution ("X said",
    "according to X", and the speaker's description: "Samuel Ramani, an associate fellow
    at RUSI, said ...")."""
    if who.speaker is None:
        return list(tokens)
    doc = tokens.doc
    inside = {t.i for t in tokens}
    drop: set[int] = set()

    def noun_phrase(token) -> None:
        # the speaker's noun phrase with its description, unless the parse hangs the clause on it
        subtree = [t.i for t in token.subtree if t.i in inside]
        if len(subtree) <= 0.6 * len(inside):
            drop.update(subtree)
        else:
            drop.add(token.i)

    quote = who.quote
    if quote is not None:
        for start, end, is_speaker in ((quote.speaker_start, quote.speaker_end, True),
                                       (quote.cue_start, quote.cue_end, False)):
            span = doc.char_span(start, end, alignment_mode="expand") if start is not None else None
            if span is None:
                continue
            drop.update(t.i for t in span)
            if is_speaker:
                noun_phrase(span.root)
    else:  # a speech verb the quotes component left without content
        cue = next((t for t in tokens if t.lemma_.lower() in rules.reporting and t.dep_ in ("ROOT", "parataxis")), None)
        if cue is not None:
            drop.add(cue.i)
            for child in cue.children:
                if child.dep_ in ("nsubj", "nsubjpass"):
                    noun_phrase(child)
    kept = [t for t in tokens if t.i not in drop]
    return kept if len(kept) >= 3 else list(tokens)


#: clauses hanging off a noun or adverbially: their hedges ("in a development that may have
#: consequences") do not hedge what the unit asserts
SUBORDINATE_DEPS = frozenset(["relcl", "acl", "advcl", "appos"])


def _main_clause(tokens: Span, content: list) -> list:
    """The content tokens outside subordinate clauses (what carries the unit's assertion)."""
    inside = {t.i for t in content}
    cut: set[int] = set()
    for token in content:
        if token.dep_ in SUBORDINATE_DEPS and token.i not in cut:
            cut.update(t.i for t in token.subtree)
    return [t for t in tokens if t.i in inside and t.i not in cut]


def _joined(tokens: list) -> str:
    return "".join(t.text_with_ws for t in tokens).strip(" “”\"'‘’,.;:—–-")


class _UnitTokens(list):
    """A unit's tokens as a list that answers like its ``Span`` (``start_char``, ``root``,
    ``doc`` ...). A dozen readers walk each unit's tokens; walking a ``Span`` makes a new
    ``Token`` object per token every time, which was a quarter of this component's time."""

    def __init__(self, span: Span):
        super().__init__(span)
        self.span = span

    def __getattr__(self, name: str):
        return getattr(self.span, name)


#: a unit's main clause is a view of its own when the clauses cut from it are at least this
#: share of its words
VIEW_CUT = 0.15
#: a view has at least this many words
MIN_VIEW_WORDS = 3


def _views(art: _Article, tokens, content: list, kept: list) -> tuple[ClaimView, ...]:
    """The unit's main clause without its relative and adverbial clauses and appositions
    ("Fred LaRue was found dead in a hotel room in Biloxi" of "Fred LaRue, known as the
    'bagman' because he delivered payments ..., was found dead in a hotel room in Biloxi"),
    when they make up a good part of it: what the unit asserts, compared on its own
    (``ClaimView``). Only the main clause: a subordinate clause alone ("who was elected in
    2015") may match a sentence about someone else, and the row would show the unit's own
    statement as corroborated. The commas around what was cut go with it; a hyphen between two
    kept words stays ("six-year-old")."""
    positions = {t.i for t in kept}  # the main clause's tokens (``_main_clause``)
    main = [t for t in kept if not t.is_punct or (t.i - 1 in positions and t.i + 1 in positions)]
    if len(main) > (1 - VIEW_CUT) * len(content) or sum(not t.is_punct for t in main) < MIN_VIEW_WORDS:
        return ()
    rules = art.rules
    start, end = main[0].idx, main[-1].idx + len(main[-1])
    named = (art.entities.at(t) for t in main)
    return (ClaimView(
        start=start,
        end=end,
        text=_words_text(main),
        lemmas=_lemmas(main),
        atoms=_atoms(main, rules),
        entities=tuple(dict.fromkeys(e.key for e in named if e is not None)),
        numbers=tuple(numbers_in(main, art.date_chars, rules)),
        dates=tuple(dict.fromkeys(d.value or d.text for d in art.dates if start <= d.start_char < end)),
    ),)


def _words_text(words: list) -> str:
    """Tokens as text, a space where words between them were left out."""
    parts = []
    for token, following in zip(words, words[1:] + [None]):
        parts.append(token.text)
        if following is not None:
            parts.append(token.whitespace_ if following.i == token.i + 1 else " ")
    return "".join(parts).strip(" “”\"'‘’,.;:—–-")


def _claim(art: _Article, sent: Span, unit) -> Claim:
    doc, rules = art.doc, art.rules
    tokens = _UnitTokens(doc[unit.first : unit.last + 1])
    who = attribute(doc, art.text, art.quotes, art.entities, tokens, rules)
    content = _content(tokens, who, rules)
    numbers = tuple(numbers_in(list(tokens), art.date_chars, rules))
    start, end = tokens.start_char, tokens.end_char
    dates = tuple(dict.fromkeys(d.value or d.text for d in art.dates if start <= d.start_char < end))
    display, resolved = display_text(art.text, tokens, art.entities, art.is_country, art.speakers, art.people)
    named = [e for e in (art.entities.at(t) for t in tokens) if e is not None]
    keys = tuple(dict.fromkeys([e.key for e in named] + list(resolved)))
    by_key = art.entities.by_key
    places = tuple(k for k in keys if k in by_key and by_key[k].type in GEO_TYPES)
    main_clause = _main_clause(tokens, content)
    hedges = hedges_in(main_clause, rules)
    if who.kind == "according":
        hedges = [h for h in hedges if h != "according to"]  # the attribution, not a hedge
    kind = claim_kind(tokens, unit.verb, rules, art.entities, bool(numbers), who.speaker is not None)
    predicate = main_predicate(tokens, unit.verb, rules)
    event = art.events.get(predicate.idx) or next(
        (e for e in art.events.values() if start <= e.trigger_start < end), None
    )
    quote = who.quote
    return Claim(
        text=art.text[start:end],
        display=display,
        content=_joined(content),
        start=start,
        end=end,
        sentence_start=sent.start_char,
        sentence_end=sent.end_char,
        kind=kind,
        headline=unit.headline,
        negated=is_negated(predicate, rules),
        denied=denies(tokens, rules, unit.headline),
        entities=keys,
        places=places,
        numbers=numbers,
        dates=dates,
        ranks=ranks_in(tokens, art.entities, rules, art.is_country),
        lemmas=_lemmas(content),
        atoms=_atoms(content, rules),
        attributed_to=who.speaker,
        attribution_text=who.cue_text,
        quote_start=quote.start_char if quote is not None else None,
        quote_end=quote.end_char if quote is not None else None,
        direct=bool(quote is not None and quote.direct),
        hedges=tuple(hedges),
        hedged=bool(hedges),
        check_worthy=_score(kind, keys, numbers, dates, bool(hedges), event is not None),
        event_code=event.code if event is not None else None,
        actors=_actors(predicate, art.entities),
        views=_views(art, tokens, content, main_clause),
    )


#: entity types that act as a claim's subject: who did it, not where
ACTOR_TYPES = frozenset(["PERSON", "ORG"])


def _describes(head) -> bool:
    """Whether a one-word subject is a nationality that describes someone the other outlet
    names ("Briton dies in New Zealand fall" / "Robert Buckley fell 2,000 feet"), which the
    recogniser may tag a person."""
    if any(c.dep_ == "compound" for c in head.children):
        return False
    return load_gazetteer().demonym(head.text) is not None


def _actors(predicate, entities) -> tuple[str, ...]:
    """The named person or organisation that acts in the unit's main predicate: its active
    subject or its passive's agent, as entity keys ("The Orioles have offered Teixeira a
    seven-year deal" → the Orioles). A
    subject that is a proper noun the recogniser did not tag ("The Nationals have offered")
    is a ``name:`` key of its words; a place, a date or a pronoun is no actor."""
    subject = subject_of(predicate)
    if subject is not None and subject.dep_ == "nsubjpass":
        # "Chris Ivory was placed on the list" says what was done to him; the actor is the
        # agent, when there is one ("was placed on the list by the Saints")
        verb = subject.head
        agents = [g for c in verb.children if c.dep_ == "agent" for g in c.children if g.dep_ == "pobj"]
        subject = agents[0] if agents else None
    if subject is None:
        return ()
    # the subject, the subjects coordinated with it, and what apposition names it ("Mafia
    # 'Oddfather,' Vincent 'Chin' Gigante, dies")
    heads = [t for t in subject.subtree if t.dep_ in ("conj", "appos") or t is subject]
    keys = []
    for head in heads:
        if _describes(head):
            continue
        entity = entities.at(head)
        if entity is not None:
            if entity.type in ACTOR_TYPES:
                keys.append(entity.key)
        elif _untagged_name(head):
            words = [t for t in head.children if t.dep_ == "compound" and t.pos_ == "PROPN"] + [head]
            keys.append("name:" + "-".join(t.lower_ for t in words))
    return tuple(dict.fromkeys(keys))


def _untagged_name(head) -> bool:
    """A proper noun the recogniser left untagged ("The Nationals have offered"); not one it
    tagged as something else ("March"), nor a sentence's or a quotation's capitalised first
    word ("Defendant has been feigning insanity", "God bless you")."""
    if head.pos_ != "PROPN" or head.ent_type_:
        return False
    first = next((t for t in head.sent if not t.is_punct and not t.is_space), head)
    before = head.doc[head.i - 1] if head.i > 0 else None
    return head.i != first.i and not (before is not None and before.is_quote)


#: what a speech verb reports when it heads the claim itself ("denied the charges")
REPORTED_OBJECT_DEPS = frozenset(["dobj", "ccomp", "xcomp"])


def _only_attribution(tokens: Span, rules: ClaimRules) -> bool:
    """Whether a unit says nothing but who said it: its only verbs are speech verbs that report
    nothing of their own ("About 7 p.m., police said." states no act; "Subryan denied the
    charges" does)."""
    verbs = [t for t in tokens if t.pos_ in ("VERB", "AUX")]
    return bool(verbs) and all(
        v.lemma_.lower() in rules.reporting and not any(c.dep_ in REPORTED_OBJECT_DEPS for c in v.children)
        for v in verbs
    )


def apply_scoped_hedges(claims: list[Claim], hedges: list[ScopedHedge]) -> list[Claim]:
    """Hedge the attributed claims that a scoped hedge refers back to.

    Our choice: "unable to independently confirm claims by either side" refers to the
    claims the article attributed to the parties *before* the hedge sentence, so every
    attributed claim that ends before it gets its cues. Outlet-asserted claims and claims
    after it keep their own hedges.
    """
    out = []
    for claim in claims:
        cues = [c for h in hedges if claim.attributed_to is not None and claim.end <= h.start for c in h.cues]
        if cues:
            claim = replace(claim, scope_hedges=tuple(dict.fromkeys(cues)), hedged=True)
        out.append(claim)
    return out


def extract_claims(
    doc: Doc, rules: ClaimRules | None = None, whole_sentences: bool = False
) -> tuple[list[Claim], list[ScopedHedge]]:
    """The claims of a parsed, analysed ``doc`` in text order, and its scoped hedges.

    ``whole_sentences`` makes every sentence one claim, fragments included: for evaluation
    sets whose items are given sentences or headlines (MRPC, Emergent), compared as they are.
    """
    rules = rules or load_claim_rules()
    art = _Article(doc, rules)
    if whole_sentences:
        whole = [Unit(s.start, s.end - 1, s.root, is_title_line(s.text)) for s in doc.sents
                 if any(not (t.is_punct or t.is_space) for t in s)]
        return [_claim(art, doc[u.first : u.last + 1].sent, u) for u in whole], []
    hedging = may_hedge(art.text, rules)
    claims: list[Claim] = []
    scoped: list[ScopedHedge] = []
    for sent, merged in claim_sentences(doc, art.text):
        hedge = scoped_hedge(sent, rules) if hedging else None
        if hedge is not None:
            scoped.append(hedge)  # "NBC News was unable to confirm ...": hedges others, claims nothing
            continue
        for unit in sentence_units(sent, art.text, rules, merged):
            if art.skipped_at(doc[unit.first].idx) or _only_attribution(doc[unit.first : unit.last + 1], rules):
                continue
            claim = _claim(art, sent, unit)
            if unit.short and len(claim.display.split()) < rules.min_words:
                continue  # "He was 75." with no one to name: a fragment
            claims.append(claim)
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
    requires=["token.dep", "token.lemma", "token.tag", "doc.sents", "doc.ents",
              "doc._.entities", "doc._.places", "doc._.dates", "doc._.quotes", "doc._.events"],
)
def make_claims(nlp: Language, name: str) -> ClaimExtractor:
    """Build the claims component (``nlp.add_pipe("storyweave_claims", last=True)``)."""
    return ClaimExtractor(nlp, name)
