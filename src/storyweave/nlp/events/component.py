"""Events — actor, action, target, place, date — coded with PLOVER: the ``storyweave_events`` component.

Runs after ``storyweave_places``, ``storyweave_entities``, ``storyweave_dates`` and
``storyweave_quotes`` and joins their records with the parse, in numbered stages:

1. triggers: verbs and eventive nouns in the lexicon (``rules/events/triggers.toml``,
   PLOVER 2.0 types and modes); only political, violent and material events;
2. arguments (``storyweave.nlp.events.coding``): actor = subject or passive agent,
   target = object, passive subject or a prepositional object, borrowed from the
   governing clause for coordinated, controlled and participial clauses; each
   expanded to its noun phrase and linked to the entity whose mention it overlaps;
3. place: a place in a locative phrase on the trigger, or the object of a
   capture-like verb; "the city" refers back to the last place named;
4. date: a date mention in the trigger's clause, else in a clause governing it in
   the same sentence ("entered Hama on Thursday ..., prompting its units to
   withdraw"); never guessed from the publication date;
5. background: dated well before publication, pluperfect outside reported speech,
   "has never before"/"has long", "since"/"throughout", ongoing states ("the war");
6. attribution: an event inside a quote or reported speech is attributed to its speaker.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, replace

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from storyweave.names.labels import PLACE_LABELS as GEO_LABELS
from storyweave.nlp.events import coding
from storyweave.nlp.events.coding import EventRules, load_event_rules
from storyweave.nlp.extensions import register_extensions
from storyweave.records import Event

LOGGER = logging.getLogger(__name__)

COMPONENT = "storyweave_events"
#: how far back (characters) "the city" looks for the place it refers to
ANAPHOR_WINDOW = 1500
_PERIOD = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?")


@dataclass(frozen=True)
class _Loc:
    start: int
    end: int
    name: str
    key: str | None
    kind: str


def _upstream(doc: Doc, name: str) -> tuple:
    """What an earlier component found, or nothing when it is not in the pipeline."""
    return tuple(getattr(doc._, name) or ()) if Doc.has_extension(name) else ()


class _Article:
    """Per-document lookups over the other components' records, sorted by offset."""

    def __init__(self, doc: Doc):
        self.doc = doc
        self.mentions = sorted(
            (m.start_char, m.end_char, e.key, e.name, e.type)
            for e in (_upstream(doc, "entities"))
            for m in e.mentions
        )
        # entity_at starts where a mention could still reach the span (no longer than the longest)
        self._mention_starts = [m[0] for m in self.mentions]
        self._longest_mention = max((m[1] - m[0] for m in self.mentions), default=0)
        places: dict[tuple[int, int], _Loc] = {}
        for p in _upstream(doc, "places"):
            if p.source == "demonym":
                continue  # "Syrian army" names an army, not a place
            entity = self.entity_at(p.start_char, p.end_char)
            name, key = (entity[3], entity[2]) if entity else (p.text, None)
            places[(p.start_char, p.end_char)] = _Loc(p.start_char, p.end_char, name, key, p.kind)
        for ent in doc.ents:
            if ent.label_ in GEO_LABELS and not any(
                _overlaps(ent.start_char, ent.end_char, *s) for s in places
            ):
                entity = self.entity_at(ent.start_char, ent.end_char)
                name, key = (entity[3], entity[2]) if entity else (ent.text, None)
                places[(ent.start_char, ent.end_char)] = _Loc(ent.start_char, ent.end_char, name, key, "")
        self.places = sorted(places.values(), key=lambda p: p.start)
        self.dates = [d for d in _upstream(doc, "dates") if d.kind in ("date", "time")]
        self.quotes = [(q, q.parts or ((q.start_char, q.end_char),)) for q in _upstream(doc, "quotes")]
        self.published = _published(doc)

    def entity_at(self, start: int, end: int) -> tuple | None:
        """The entity mention overlapping [start, end) most, as (start, end, key, name, type)."""
        best, best_overlap = None, 0
        first = bisect_right(self._mention_starts, start - self._longest_mention)
        for m in self.mentions[first:] if first else self.mentions:
            if m[0] >= end:
                break
            overlap = min(end, m[1]) - max(start, m[0])
            if overlap > best_overlap:
                best, best_overlap = m, overlap
        return best

    def place_at(self, token: Token) -> _Loc | None:
        for place in self.places:
            if place.start > token.idx:
                break
            if place.start <= token.idx < place.end:
                return place
        return None

    def place_before(self, position: int, noun: str) -> _Loc | None:
        """The last place named before ``position`` that a definite ``noun`` ("the city") can mean."""
        # the gazetteer may resolve a name to its province ("Hama"), so "the city" takes
        # any place below country level; "the country" only a country
        wanted = {
            "country": ("country",),
            "province": ("admin1", "admin2"),
            "region": ("admin1", "admin2", ""),
        }
        kinds = wanted.get(noun, ("city", "", "admin1", "admin2"))
        for place in reversed(self.places):
            if place.end > position:
                continue
            if position - place.end > ANAPHOR_WINDOW:
                break
            if place.kind in kinds:
                return place
        return None

    def speaker_of(self, start: int) -> str | None:
        for quote, parts in self.quotes:
            if any(s <= start < e for s, e in parts):
                return quote.speaker_entity or quote.speaker
        return None


class EventCoder:
    """The ``storyweave_events`` component."""

    def __init__(self, name: str = COMPONENT, rules: EventRules | None = None):
        register_extensions()
        self.name = name
        self.rules = rules or load_event_rules()

    def __call__(self, doc: Doc) -> Doc:
        doc._.events = tuple(code_events(doc, self.rules))
        return doc


def code_events(doc: Doc, rules: EventRules | None = None) -> Iterable[Event]:
    """The events of a parsed ``Doc`` that already went through the other components."""
    rules = rules or load_event_rules()
    article = _Article(doc)
    is_place = lambda token: article.place_at(token) is not None
    found: list[tuple[Token, Event]] = []
    for sent in doc.sents:
        for token in sent:
            trigger = coding.match_trigger(token, rules, is_place)
            if trigger is not None:
                found.append((token, _event(token, trigger, sent, article, rules)))
    return _dates_from_context(found)


def _dates_from_context(found: list[tuple[Token, Event]]) -> list[Event]:
    """Date undated news events from a dated event at the same place elsewhere in the article.

    "Opposition forces have captured the city of Hama" states no date, but the
    article says they "entered Hama on Thursday". Only reported facts (past or
    present perfect, no modal) that are neither background nor attributed to
    someone else take a date, and only from a dated, non-background event with
    the same place entity; the nearest such event wins.
    """
    dated = [(t.i, e) for t, e in found if e.date and not e.background and e.place_entity]
    out = []
    for token, event in found:
        if event.date is None and not event.background and event.place_entity and dated:
            verb = token if token.pos_ == "VERB" else None
            if verb is not None and coding.is_reported_past(verb):
                same = [(abs(i - token.i), e) for i, e in dated if e.place_entity == event.place_entity]
                if same:
                    source = min(same, key=lambda pair: pair[0])[1]
                    event = replace(event, date=source.date, date_text=source.date_text)
        out.append(event)
    return out


def _event(token: Token, trigger: coding.Trigger, sent: Span, article: _Article, rules: EventRules) -> Event:
    # stage 2: arguments
    if trigger.noun:
        actor, target = coding.noun_arguments(token, rules)
    else:
        actor, target = coding.verb_arguments(token, rules)
    actor_span = coding.noun_phrase(actor) if actor is not None else None
    target_span = coding.noun_phrase(target) if target is not None else None
    # stage 3: place
    place = _place(token, target, article, rules, capture=trigger.lemma in rules.capture)
    # stage 4: date
    clause = coding.clause_tokens(token, rules)
    date, dated_by = _date(token, clause, article, rules)
    # stages 5 and 6
    speaker = article.speaker_of(token.idx)
    background = _background(token, trigger, clause, date, dated_by, speaker, article, rules)
    action = token.text if trigger.particle is None else f"{token.text} {trigger.particle.text}"
    words = [t for t in clause if not t.is_punct] or [token]
    return Event(
        action=action,
        lemma=trigger.lemma if trigger.particle is None else f"{trigger.lemma} {trigger.particle.lower_}",
        type=trigger.type,
        code=trigger.code,
        actor=actor_span.text if actor_span else None,
        actor_entity=_entity_key(actor, actor_span, article),
        target=target_span.text if target_span else None,
        target_entity=_entity_key(target, target_span, article),
        place=place.name if place else None,
        place_entity=place.key if place else None,
        date=date.value if date else None,
        date_text=date.text if date else None,
        trigger_start=token.idx,
        trigger_end=token.idx + len(token.text),
        sentence_start=sent.start_char,
        sentence_end=sent.end_char,
        start=min(t.idx for t in words),
        end=max(t.idx + len(t.text) for t in words),
        background=background,
        attributed_to=speaker,
        actor_start=actor_span.start_char if actor_span else None,
        actor_end=actor_span.end_char if actor_span else None,
        target_start=target_span.start_char if target_span else None,
        target_end=target_span.end_char if target_span else None,
    )


def _entity_key(head: Token | None, span: Span | None, article: _Article) -> str | None:
    if head is None or span is None:
        return None
    # the head's own mention first ("the leader of HTS" is not HTS), then its "of"
    # object ("the Syrian city of Hama" is Hama), then any mention in the phrase
    found = article.entity_at(head.idx, head.idx + len(head.text))
    inner = coding._of_object(head)
    if found is None and inner is not None:
        found = article.entity_at(inner.idx, inner.idx + len(inner.text))
    found = found or article.entity_at(span.start_char, span.end_char)
    return found[2] if found else None


def _place(
    token: Token, target: Token | None, article: _Article, rules: EventRules, capture: bool
) -> _Loc | None:
    for candidate in coding.place_candidates(token, target, rules, capture):
        place = article.place_at(candidate)
        if place is not None:
            return place
        noun = candidate.lemma_.lower()
        definite = any(c.dep_ == "det" and c.lower_ in ("the", "this", "that") for c in candidate.children)
        if noun in rules.place_nouns and definite and coding._of_object(candidate) is None:
            place = article.place_before(candidate.idx, noun)
            if place is not None:
                return place
    return None


def _date(token: Token, clause: list[Token], article: _Article, rules: EventRules):
    """(date mention, token of the clause it was found in) or (None, None)."""
    found = _date_in(clause, article)
    if found is not None:
        return found, token
    heads = list(coding.governing_clauses(token))
    for head in heads + list(coding.coordinated_clauses(token, heads)):
        found = _date_in(coding.clause_tokens(head, rules), article)
        if found is not None:
            return found, head
    return None, None


def _date_in(tokens: list[Token], article: _Article):
    starts = {t.idx for t in tokens}
    ordered = sorted(starts)
    for mention in article.dates:
        if mention.start_char in starts:
            return mention
        at = bisect_left(ordered, mention.start_char)  # the first token at or after the mention's start
        if at < len(ordered) and ordered[at] < mention.end_char:
            return mention
    return None


def _background(
    token, trigger, clause, date, dated_by, speaker, article: _Article, rules: EventRules
) -> bool:
    if date is not None:
        if _age_days(date.value, article.published) >= rules.min_age_days:
            return True
        before = article.doc.char_span(date.start_char, date.end_char, alignment_mode="expand")
        if (
            before is not None
            and before.start > 0
            and article.doc[before.start - 1].lower_ in rules.background_preps
        ):
            return True
    if token.dep_ == "pobj" and token.head.lower_ in rules.background_preps:
        return True  # "throughout the war"
    verb = token if not trigger.noun else next(coding.governing_clauses(token), None)
    if verb is not None:
        # reported speech backshifts tense ("told NBC that fighters had entered"): not history
        if coding.has_pluperfect(verb) and speaker is None:
            return True
        if coding.has_perfect(verb) and any(
            c.dep_ in ("advmod", "neg") and c.lower_ in rules.background_adverbs for c in verb.children
        ):
            return True
    if trigger.noun:
        if coding.copular_perfect(token):
            return True
        if trigger.lemma in rules.ongoing_nouns and (
            date is None or _age_days(date.value, article.published) > 7
        ):
            return True
    return False


def _published(doc: Doc) -> dt.date | None:
    from storyweave.nlp.dates.component import parse_published

    return parse_published(doc._.published) if Doc.has_extension("published") else None


def _age_days(value: str | None, published: dt.date | None) -> int:
    """Days from the end of the period ``value`` names to publication (0 when unknown)."""
    if not value or published is None:
        return 0
    m = _PERIOD.match(value)
    if not m:
        return 0
    year, month, day = int(m.group(1)), m.group(2), m.group(3)
    try:
        if day:
            end = dt.date(year, int(month), int(day))
        elif month:
            nxt = dt.date(year + (month == "12"), int(month) % 12 + 1, 1)
            end = nxt - dt.timedelta(days=1)
        else:
            end = dt.date(year, 12, 31)
    except ValueError:
        return 0
    return (published - end).days


def _overlaps(a_start: int, a_end: int, b_start: int, b_end: int) -> bool:
    return a_start < b_end and b_start < a_end


@Language.factory(
    COMPONENT,
    # the parse finds triggers and their arguments; the other components' records give the
    # arguments their entity, place, date and speaker (token.pos too, which the model's
    # attribute ruler sets without declaring it; doc._.published, which pipeline.make_doc sets)
    requires=[
        "doc.sents", "doc.ents", "token.dep", "token.head", "token.tag", "token.lemma", "token.ent_type",
        "doc._.entities", "doc._.places", "doc._.dates", "doc._.quotes",
    ],
    assigns=["doc._.events"],
)
def make_event_coder(nlp: Language, name: str) -> EventCoder:
    """spaCy factory: ``nlp.add_pipe("storyweave_events", after="storyweave_quotes")``."""
    return EventCoder(name)

