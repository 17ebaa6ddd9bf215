"""The shapes of claims found in one sentence: rankings, states of control, clause predicates.

A ``Shape`` is a claim before attribution and scoring (``claims.py`` turns it into
a ``Claim``). The finders walk the dependency parse of one sentence and use the
article's entities, places, quotes and events through ``ArticleContext``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from spacy.tokens import Doc, Span, Token

from storyweave.nlp.claim_parts import (
    ClaimRules,
    EntityIndex,
    actor_group,
    actor_head,
    find_phrases,
    hedges_in,
    is_negated,
    low,
    numbers_in,
    phrase_text,
)
from storyweave.nlp.loader import doc_text

GEO_TYPES = ("GPE", "LOC", "FAC")
CLAUSE_DEPS = ("ROOT", "ccomp", "conj", "xcomp", "advcl", "relcl", "parataxis", "csubj", "pcomp")
SPLIT_DEPS = ("conj", "ccomp", "parataxis", "advcl", "relcl", "xcomp", "csubj", "acl")
COPULAS = ("be", "look", "seem", "remain", "prove", "become", "stay")
CITY_WORDS = ("city", "town", "village", "capital", "province")
COUNTRY_WORDS = ("country", "nation")
OBJECT_PREPS = ("into", "to", "from", "towards", "toward", "on", "against", "over", "of", "in", "at")
PRONOUNS_SPEAKER = ("i", "we", "it")
REPORTING_KINDS = ("speech", "according", "cognition", "evidence")
CONTRACTIONS = {"'s": "be", "'re": "be", "'m": "be", "'ve": "have", "'d": "have", "ai": "be"}


@dataclass
class Shape:
    """A claim found in a sentence, before attribution and scoring."""

    kind: str
    start: int
    end: int
    anchor: int  # the character whose quote (if any) the claim belongs to
    predicate: str
    action: str
    subject: str | None = None
    subject_entity: str | None = None
    object: str | None = None
    object_entity: str | None = None
    negated: bool = False
    hedges: tuple[str, ...] = ()
    numbers: list | None = None  # None: the clause's numbers
    signature_subject: str | None = None
    signature_object: str | None = None
    event_code: str | None = None
    extra_places: list[str] = field(default_factory=list)


class ArticleContext:
    """What the claim finders need to know about the article beyond one sentence."""

    def __init__(self, doc: Doc, rules: ClaimRules, entities: EntityIndex):
        self.doc, self.rules, self.entities = doc, rules, entities
        self.text = doc_text(doc)
        self.quotes = tuple(_ext(doc, "quotes"))
        self.dates = tuple(_ext(doc, "dates"))
        self.date_chars = [(d.start_char, d.end_char) for d in self.dates]
        self.places = tuple(p for p in _ext(doc, "places") if getattr(p, "source", "") != "demonym")
        self.events = {getattr(e, "trigger_start", None): e for e in _ext(doc, "events")}
        # speech cues report; stance and intention cues ("attacked the plan") also act
        self.cue_chars = {
            q.cue_start
            for q in self.quotes
            if q.cue_start is not None and getattr(q, "kind", "speech") in REPORTING_KINDS
        }
        self.speech_verbs = rules.reporting
        self.last_actor: tuple[str, str | None, str] | None = None  # text, entity key, signature form
        self.control_actors: dict[int, tuple[str, str | None, str]] = {}  # verb index -> holder

    def numbers(self, tokens: list[Token], skip_chars: list[tuple[int, int]]):
        return numbers_in(tokens, skip_chars, self.rules)

    def places_in(self, tokens: list[Token], shape: Shape) -> tuple[str, ...]:
        keys = [e.key for e in (self.entities.at(t) for t in tokens) if e is not None and e.type in GEO_TYPES]
        for key in (shape.subject_entity, shape.object_entity):  # "the city" resolved to Hama
            entity = self.entities.by_key.get(key) if key else None
            if entity is not None and entity.type in GEO_TYPES:
                keys.append(key)
        return tuple(dict.fromkeys(keys + shape.extra_places))

    def quote_at(self, char: int):
        for quote in self.quotes:
            if any(s <= char < e for s, e in (quote.parts or ((quote.start_char, quote.end_char),))):
                return quote
        return None

    def city_before(self, token: Token):
        """The place "the city" refers to: the latest city-like place named before it."""
        for i in range(token.i - 1, -1, -1):
            entity = self.entities.by_token.get(i)
            if entity is not None and entity.type == "GPE" and not self._is_country(entity, i):
                return entity
        return None

    def _is_country(self, entity, token_i: int) -> bool:
        char = self.doc[token_i].idx
        return any(p.kind == "country" for p in self.places if p.start_char <= char < p.end_char)

    def country_of(self, entity) -> tuple[str, str | None] | None:
        """The country (name, entity key) a place entity lies in, from the gazetteer places."""
        codes = {
            p.country_code
            for m in entity.mentions
            for p in self.places
            if p.start_char < m.end_char and m.start_char < p.end_char
        }
        for place in self.places:
            if place.kind == "country" and place.country_code in codes:
                span = self.doc.char_span(place.start_char, place.end_char, alignment_mode="expand")
                country = self.entities.first(span) if span is not None else None
                return place.name, country.key if country is not None else None
        return None


def _ext(doc: Doc, name: str):
    # components that are missing from the pipeline leave their extension unset
    if not Doc.has_extension(name):
        return ()
    return getattr(doc._, name) or ()


# -- shared helpers ------------------------------------------------------------------------------
def span_of(tokens: list[Token]) -> tuple[int, int]:
    tokens = sorted(tokens, key=lambda t: t.i)
    while tokens and (tokens[0].is_punct or tokens[0].dep_ in ("cc", "mark") or tokens[0].is_space):
        tokens = tokens[1:]
    while tokens and (tokens[-1].is_punct or tokens[-1].dep_ == "cc" or tokens[-1].is_space):
        tokens = tokens[:-1]
    if not tokens:
        return 0, 0
    return tokens[0].idx, tokens[-1].idx + len(tokens[-1].text)


def clause_tokens(verb: Token) -> list[Token]:
    """The verb's clause: its subtree without the clauses hanging off it."""
    subtree = list(verb.subtree)  # walked once: each walk makes a Token for every word
    cut: set[int] = set()
    for token in subtree:
        if (
            token is not verb
            and token.i not in cut
            and token.dep_ in SPLIT_DEPS
            and token.pos_ in ("VERB", "AUX")
        ):
            cut.update(t.i for t in token.subtree)
    return [t for t in subtree if t.i not in cut]


def _named(ctx: ArticleContext, token: Token):
    """The entity a noun phrase names: its head, or "the city of X", "city, X", "Syria's Hama"."""
    entity = ctx.entities.at(token)
    if entity is not None:
        return entity
    for child in token.children:
        if child.dep_ == "appos" or child.dep_ == "compound":
            entity = ctx.entities.at(child)
            if entity is not None:
                return entity
        if child.dep_ == "prep" and child.lower_ == "of":
            for pobj in child.children:
                if pobj.dep_ == "pobj" and ctx.entities.at(pobj) is not None:
                    return ctx.entities.at(pobj)
    if (
        token.lemma_.lower() in CITY_WORDS
        and token.dep_ != "attr"
        and any(c.dep_ in ("det", "poss") and c.lower_ in ("the", "its") for c in token.children)
    ):
        return ctx.city_before(token)
    return None


def _describe(ctx: ArticleContext, token: Token | None):
    """(text, entity key, signature form) of an argument noun phrase."""
    if token is None:
        return None, None, None
    entity = _named(ctx, token)
    text = entity.name if entity is not None else phrase_text(token)
    group = actor_group(text.lower(), ctx.rules)
    return text, entity.key if entity is not None else None, group or text.lower()


def _resolve_pronoun(ctx: ArticleContext, token: Token):
    word = low(token)
    quote = ctx.quote_at(token.idx)
    if quote is not None and word in PRONOUNS_SPEAKER and (word != "it" or not quote.direct):
        speaker = quote.speaker_entity or quote.speaker
        if speaker and quote.speaker_start is not None:
            # "the army said it was redeploying": "it" is the speaking organisation
            speaker_token = ctx.doc.char_span(quote.speaker_start, quote.speaker_end, alignment_mode="expand")
            entity = ctx.entities.first(speaker_token) if speaker_token is not None else None
            group = actor_group(speaker.lower(), ctx.rules)
            if word != "it" or group or (entity is not None and entity.type in ("ORG", "GPE", "NORP")):
                return speaker, entity.key if entity is not None else None, group or speaker.lower()
    if word in ("he", "she"):  # the latest person named before the pronoun
        for i in range(token.i - 1, -1, -1):
            entity = ctx.entities.by_token.get(i)
            if entity is not None and entity.type == "PERSON":
                return entity.name, entity.key, entity.name.lower()
        return None, None, None
    if word == "they" and ctx.last_actor is not None:
        return ctx.last_actor
    return None, None, None


def _prep_object(verb: Token, preposition: str) -> Token | None:
    """The object of ``verb``'s prepositional child ``preposition`` ("fell [to] the rebels")."""
    return next(
        (p for c in verb.children if c.dep_ == "prep" and low(c) == preposition for p in c.children if p.dep_ == "pobj"),
        None,
    )


def subject_of(verb: Token) -> tuple[Token | None, bool]:
    """The grammatical subject of a verb (inherited through xcomp/conj) and whether it is passive."""
    seen = 0
    while verb is not None and seen < 4:
        # the parser sometimes hangs the subject off an auxiliary ("Damascus was likely redeploying")
        children = list(verb.children) + [
            g for c in verb.children if c.dep_ in ("aux", "auxpass") for g in c.children
        ]
        for child in children:
            if child.dep_ in ("nsubj", "csubj", "expl"):
                return child, False
            if child.dep_ == "nsubjpass":
                return child, True
        if verb.dep_ == "xcomp":  # "prompting its units to withdraw": the object does it
            controller = next((c for c in verb.head.children if c.dep_ == "dobj"), None)
            if controller is None:  # "used by government forces to launch strikes": the agent does it
                controller = next(
                    (
                        p
                        for c in verb.head.children
                        if c.dep_ == "agent"
                        for p in c.children
                        if p.dep_ == "pobj"
                    ),
                    None,
                )
            if controller is not None:
                return controller, False
        if verb.dep_ in ("xcomp", "conj", "advcl") and verb.head is not verb:
            verb, seen = verb.head, seen + 1
            continue
        if verb.dep_ == "relcl":
            return verb.head, False
        return None, False
    return None, False


def argument(ctx: ArticleContext, token: Token | None):
    if token is None or token.ent_type_ in ("DATE", "TIME"):
        return None, None, None
    if token.tag_ in ("WDT", "WP") and token.head.dep_ == "relcl":
        token = token.head.head  # "the war, which erupted in 2011": the war
    if token.pos_ == "PRON":
        text, key, sig = _resolve_pronoun(ctx, token)
        if text is not None:
            return text, key, sig
        return low(token), None, low(token)
    return _describe(ctx, token)


# -- stage 4: clause predicates ------------------------------------------------------------------
def lemma_of(token: Token) -> str:
    """The lemma, with contractions the tagger leaves as they are ("’s", "’re") read as verbs."""
    return CONTRACTIONS.get(low(token), token.lemma_.lower())


def _is_candidate(ctx: ArticleContext, token: Token, consumed: set[int]) -> bool:
    if token.i in consumed or token.pos_ not in ("VERB", "AUX") or token.dep_ not in CLAUSE_DEPS:
        return False
    if token.dep_ == "conj" and token.head.pos_ not in ("VERB", "AUX"):
        return False
    if token.idx in ctx.cue_chars or token.lemma_.lower() in ctx.speech_verbs:
        return False  # a cue reports; its content is the claim
    lemma = token.lemma_.lower()
    if lemma in ctx.rules.light and any(c.dep_ == "xcomp" for c in token.children):
        return False
    # "I think ...": the content is the (opinion) claim, not the thinking
    return not (lemma in ctx.rules.cognition and any(c.dep_ == "ccomp" for c in token.children))


def _object_of(verb: Token) -> Token | None:
    for dep in ("dobj", "attr", "oprd", "acomp"):
        for child in verb.children:
            if child.dep_ == dep:
                return child
    for child in verb.children:
        if child.dep_ == "prep" and child.lower_ in OBJECT_PREPS:
            for pobj in child.children:
                if pobj.dep_ == "pobj":
                    return pobj
    return None


def _chain(verb: Token) -> list[Token]:
    """The verb and the verbs it is the complement of ("going to be launching" → launching, going)."""
    chain = [verb]
    while chain[-1].dep_ in ("xcomp", "ccomp") and len(chain) < 4:
        chain.append(chain[-1].head)
    return chain


def _conditional(verb: Token, rules: ClaimRules) -> bool:
    """The verb's clause is a conditional's antecedent or consequent.

    "If Homs is taken, Damascus is under threat" marks both clauses; in "if Hama were to
    fall to the rebels" the "if" hangs on "were", so the verbs the clause is the ``xcomp``
    of ("were to fall", "was going to fall") are looked at too.
    """
    heads = [verb]
    while heads[-1].dep_ == "xcomp" and heads[-1].head is not heads[-1] and len(heads) < 4:
        heads.append(heads[-1].head)
    for head in heads:
        if any(c.dep_ == "mark" and low(c) in rules.conditional for c in head.children):
            return True
        if any(
            c.dep_ == "advcl" and any(m.dep_ == "mark" and low(m) in rules.conditional for m in c.children)
            for c in head.children
        ):
            return True
    return False


def _stance(ctx: ArticleContext, verb: Token, tokens: list[Token], obj: Token | None) -> str | None:
    rules = ctx.rules
    chain = _chain(verb)
    for head in chain[1:]:
        if head.lemma_.lower() in rules.cognition:
            subject, _ = subject_of(head)
            if subject is not None and low(subject) in rules.first_person:
                return "opinion"
    auxes = [c for v in chain[:2] for c in v.children if c.dep_ in ("aux", "auxpass")]
    words = [low(a) for a in auxes]
    if any(w in rules.future for w in words) or any(v.lemma_ == "go" and v.tag_ == "VBG" for v in chain[1:]):
        return "prediction"
    if any(w in rules.modal for w in words) and not any(a.lemma_ == "have" for a in auxes):
        return "prediction"
    if find_phrases([low(t) for t in tokens], rules.prediction_phrases):
        return "prediction"
    if _conditional(verb, rules):
        return "prediction"
    if lemma_of(verb) in COPULAS and obj is not None:
        words = {obj.lemma_.lower(), low(obj)} | {
            low(c) for c in obj.children if c.dep_ in ("amod", "advmod")
        }
        if words & rules.evaluative:
            return "opinion"
        if words & rules.feelings:
            return "feeling"
    return None


def predicate_shapes(ctx: ArticleContext, sent: Span, consumed: set[int]) -> list[Shape]:
    """Every clause-heading verb that makes a check-worthy statement."""
    rules, shapes = ctx.rules, []
    for verb in sent:
        if verb.i in ctx.control_actors:
            ctx.last_actor = ctx.control_actors[verb.i]
        if not _is_candidate(ctx, verb, consumed):
            continue
        lemma = lemma_of(verb)
        particle = next((low(c) for c in verb.children if c.dep_ == "prt"), None)
        phrase = f"{lemma} {particle}" if particle else lemma
        event = ctx.events.get(verb.idx)
        action = rules.classes.get(phrase) or rules.classes.get(lemma)
        if action is None and event is not None:
            action = getattr(event, "lemma", None) or lemma
        subject_tok, passive = subject_of(verb)
        obj = _object_of(verb)
        if subject_tok is None and verb.tag_ == "VBG":  # "the taking of Hama by HTS-led forces"
            subject_tok = next(
                (
                    p
                    for c in verb.children
                    if c.dep_ == "prep" and c.lower_ == "by"
                    for p in c.children
                    if p.dep_ == "pobj"
                ),
                None,
            )
        if passive:
            agent = next(
                (p for c in verb.children if c.dep_ == "agent" for p in c.children if p.dep_ == "pobj"), None
            )
            subject_tok, obj = agent, subject_tok
        elif lemma in rules.undergoer:  # "Hama fell to the rebels": the rebels did it to Hama
            doer = _prep_object(verb, rules.undergoer[lemma])
            if doer is not None:
                subject_tok, obj = doer, subject_tok
        tokens = clause_tokens(verb)
        stance = _stance(ctx, verb, tokens, obj)
        if stance == "feeling":
            continue
        s_text, s_key, s_sig = argument(ctx, subject_tok)
        o_text, o_key, o_sig = argument(ctx, obj)
        if event is not None:
            s_key = s_key or getattr(event, "actor_entity", None)
            o_key = o_key or getattr(event, "target_entity", None)
        numbers = ctx.numbers(tokens, ctx.date_chars)
        named = s_key or o_key or any(ctx.entities.at(t) is not None for t in tokens)
        kind = stance
        if kind is None:
            arg_tokens = {t.i for a in (subject_tok, obj) if a is not None for t in a.subtree}
            if (
                numbers
                and action is not None
                and any(t.i in arg_tokens for t in tokens if t.like_num or low(t) in rules.number_words)
            ):
                kind = "number"
            elif action is not None:
                kind = "event"
            elif numbers or (named and subject_tok is not None):
                kind = "statement"
            else:
                continue  # no event, number or named participant: not check-worthy
        elif len(tokens) < 3 or (subject_tok is None and obj is None):
            continue
        if (
            s_sig
            and subject_tok is not None
            and subject_tok.pos_ != "PRON"
            and subject_tok.dep_ != "dobj"
            and (actor_group(s_sig, rules) or ctx.entities.is_actor(s_key, event=action is not None))
        ):
            ctx.last_actor = (s_text, s_key, s_sig)
        predicate = phrase if lemma not in COPULAS or obj is None else f"{lemma} {phrase_text(obj)}".strip()
        if lemma in COPULAS and obj is not None:
            o_text, o_key, o_sig = (o_text, o_key, o_sig) if o_key and o_key != s_key else (None, None, None)
        if action in rules.reflexive_actions and obj is not None and not o_key and actor_head(obj, rules):
            o_text, o_sig = None, None  # "redeploying its forces": the forces are the subject's own
        start, end = span_of(tokens)
        hedges = hedges_in(tokens, rules)
        for head in _chain(verb)[1:]:  # "appears to reveal", "seems to"
            hedges += [
                h
                for h in hedges_in([t for t in head.children if t.dep_ == "aux"] + [head], rules)
                if h not in hedges
            ]
            if head.lemma_.lower() in ("appear", "seem") and f"{low(head)} to" not in hedges:
                hedges.append(f"{low(head)} to")
        shapes.append(
            Shape(
                kind=kind,
                start=start,
                end=end,
                anchor=verb.idx,
                predicate=predicate,
                action=action or predicate,
                subject=s_text,
                subject_entity=s_key,
                object=o_text,
                object_entity=o_key,
                negated=is_negated(verb, rules),
                hedges=tuple(hedges),
                numbers=numbers,
                signature_subject=s_sig,
                signature_object=o_sig,
                event_code=getattr(event, "code", None) if event is not None else None,
            )
        )
    return shapes
