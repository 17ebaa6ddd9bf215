"""Time expressions in news text, normalised against the publication date.

A spaCy component, ``storyweave_dates``, reads ``doc._.published`` (ISO 8601 date or
datetime string, or None) and writes ``doc._.dates``: a tuple of ``DateMention``.

How the publication date reaches the component: make the ``Doc`` first with
``storyweave.nlp.pipeline.make_doc``, then run the pipeline on the ``Doc`` (spaCy accepts Docs
as input)::

    nlp = load_dates_pipeline()                # storyweave.nlp.pipeline: the base + this component
    for doc in pipe_texts(nlp, [(text, "2024-12-05"), (other, None)]):
        doc._.dates

Expressions come from the tagger's DATE/TIME entities and from the rules in
``rules/dates/rules.toml``; their values from ``storyweave.nlp.dates.grammar``. Their extents
follow the TimeML (TIMEX3) conventions of the news gold data: a range is two expressions ("between 1994 and 1997"), so is a period and the day
that ends it ("the year ended March 31"); ages and fractions are none ("a 44-year-old",
"three-quarters of"); words of the surrounding noun phrase stay out ("a third-quarter loss",
"last year's"). The patterns for these are in the ``[[exclude]]``, ``[split]`` and
``[outside]`` tables of ``rules.toml``. Without a publication date, expressions relative to it
keep ``value=None`` and say what they mean in ``relative`` ("weekday:THU;recent").
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import re
from collections.abc import Iterator

from spacy.language import Language
from spacy.tokens import Doc, Span

from storyweave.nlp.dates.grammar import Grammar, load_grammar
from storyweave.nlp.dates.values import Context, last_quarter
from storyweave.nlp.extensions import register_extensions
from storyweave.nlp.texts import doc_text
from storyweave.records import DateMention

logger = logging.getLogger(__name__)

COMPONENT = "storyweave_dates"
ENTITY_LABELS = ("DATE", "TIME")
# A tagger entity nobody can normalise is kept only if it has a word that makes it temporal
# (spaCy tags "65" or "the 1990-91 season" as DATE, and TimeML does not).
TEMPORAL_WORD = re.compile(
    r"\b(?:day|days|week|weeks|month|months|year|years|decade|decades|century|quarter|season|hour|hours|"
    r"minute|minutes|morning|afternoon|evening|night|weekend|time|period|era|age|ago|earlier|later|"
    r"since|until|annual|fiscal|(?:1[5-9]|20)\d\d)\b",
    re.IGNORECASE,
)


def parse_published(published: str | None) -> dt.date | None:
    """The calendar date of an ISO 8601 date/datetime string; None (with a warning) if unreadable."""
    if not published:
        return None
    text = published.strip()
    try:
        return dt.datetime.fromisoformat(text).date()
    except ValueError:
        try:
            return dt.date.fromisoformat(text[:10])
        except ValueError:
            logger.warning("publication date %r is not ISO 8601; dates stay unresolved", published)
            return None


class DateTagger:
    """The ``storyweave_dates`` component: finds and normalises time expressions."""

    def __init__(self, name: str = COMPONENT, use_entities: bool = True, grammar: Grammar | None = None):
        register_extensions()
        self.name = name
        self.use_entities = use_entities
        self.grammar = grammar or load_grammar()

    def __call__(self, doc: Doc) -> Doc:
        anchor = parse_published(doc._.published)
        doc._.dates = tuple(self.find(doc, anchor))
        return doc

    def find(self, doc: Doc, anchor: dt.date | None) -> Iterator[DateMention]:
        """The time expressions of ``doc``, resolved against ``anchor``."""
        full_text = doc_text(doc)
        candidates: list[tuple[int, int, bool]] = []
        found = list(self.grammar.find(full_text))
        if self.use_entities:
            rule_spans = [(s, e) for s, e, _ in found]
            for ent in doc.ents:
                if ent.label_ in ENTITY_LABELS:
                    pieces = _split(self.grammar, full_text, ent.start_char, ent.end_char, rule_spans)
                    candidates += [(s, e, True) for s, e in pieces]
        candidates += [(s, e, False) for s, e, _ in found]
        clocks = [(s, e) for s, e, name in found if name in _CLOCK_RULES]
        reported: str | None = None  # the last quarter the article named (its reporting period)
        for start, end, from_entity_only in _merge(candidates, full_text, clocks):
            text = full_text[start:end]
            # Tagger entities may start or end on a whitespace token.
            start, end = start + len(text) - len(text.lstrip()), end - len(text) + len(text.rstrip())
            text = full_text[start:end]
            if not text or _excluded(self.grammar, full_text, start, end):
                continue
            start, end = _trim(doc, full_text, start, end, self.grammar)
            text = full_text[start:end]
            span = doc.char_span(start, end, alignment_mode="expand")
            if _model_year(span):
                continue
            ctx = self._context(doc, span, text, anchor, reported)
            if self.grammar.anchor_words.match(full_text, end):  # "the year ended March 31"
                ctx = dataclasses.replace(ctx, period_ended=True)
            res = self.grammar.normalise(text, ctx)
            if res is not None and res.relative is None and _reporting_quarter(res.value, anchor):
                reported = res.value
            if res is None:
                if from_entity_only and not TEMPORAL_WORD.search(text):
                    continue
                yield DateMention(text, start, end, None, "date", False, None)
                continue
            anchored = res.relative is not None and res.value is not None
            yield DateMention(text, start, end, res.value, res.kind, anchored, res.relative)


    def _context(
        self, doc: Doc, span: Span | None, text: str, anchor: dt.date | None, reported: str | None
    ) -> Context:
        """What the rules may know about a mention: tense, and whether it sits in an earnings report."""
        if span is not None and doc.has_annotation("SENT_START"):
            sent = span.sent
            sentence = doc_text(doc)[sent.start_char : sent.end_char]  # Span.text joins its tokens anew
        else:
            sentence = text
        quarter = _QUARTER.search(sentence) is not None
        if not quarter and reported is not None:
            # "Net was $5 million, or 10 cents a share, a year ago" in a story about a quarter
            quarter = bool(self.grammar.earnings.search(sentence)) and not self.grammar.long_period.search(sentence)
        if quarter and reported is None and anchor is not None:
            reported = last_quarter(anchor)
        return Context(anchor, _tense(span, self.grammar) if span is not None else None, quarter, reported if quarter else None)


#: an entity after a year that makes it a model year ("a 2013 Toyota Camry"): a maker or a product
MODEL_NAME_LABELS = frozenset(["ORG", "PRODUCT"])


def _model_year(span: Span | None) -> bool:
    """Whether ``span`` is a bare year naming a model, not a time: a determiner before it (an
    adjective may stand between) and a maker or product after it (an adjective may stand
    between): "a 2013 Toyota Camry", "a gray 2013 Toyota Camry", "a 2013 gray Camry". "The
    2016 election" and "the 2008 Beijing Olympics" stay dates."""
    if span is None or len(span) != 1 or not span[0].like_num or len(span[0].text) != 4:
        return False
    doc, i = span.doc, span[0].i
    before = i - 1 - (i > 1 and doc[i - 1].tag_ == "JJ")
    after = i + 1 + (i + 2 < len(doc) and doc[i + 1].tag_ == "JJ")
    return (0 <= before and after < len(doc) and doc[before].tag_ in ("DT", "PRP$")
            and doc[after].ent_type_ in MODEL_NAME_LABELS)


def _excluded(grammar: Grammar, text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` is a whole expression TimeML does not mark (an age, a fraction).

    The patterns match from ``start`` in the whole text, so they may look past ``end``.
    """
    for pattern in grammar.exclusions:
        m = pattern.match(text, start)
        if m is not None and m.end() == end:
            return True
    return False


def _split(grammar: Grammar, text: str, start: int, end: int, found: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The TIMEX3 extents inside a tagger entity ``text[start:end]``.

    TimeML marks each end of a range ("between 1994 and 1997", "Aug. 26 to Oct. 20") and a
    period apart from the day that ends it ("the year ended March 31"), where the tagger
    makes one entity. A range is cut only where rule matches (``found``) meet the words
    between them; a period is cut before its end day whenever a rule matched that day.
    """
    inner = [(max(s, start), min(e, end)) for s, e in found if s < end and start < e]
    for pattern, both_ends in ((grammar.range_words, True), (grammar.anchor_words, False)):
        for m in pattern.finditer(text, start, end):
            left, right = m.start(), m.end()
            if not any(s == right for s, _ in inner) or (both_ends and not any(e == left for _, e in inner)):
                continue
            lead = grammar.range_lead.match(text, start, left) if both_ends else None
            first = lead.end() if lead else start
            if left > first:
                return [(first, left)] + _split(grammar, text, right, end, found)
    return [(start, end)]


def _trim(doc: Doc, text: str, start: int, end: int, grammar: Grammar) -> tuple[int, int]:
    """The TIMEX3 extent of a found expression ``text[start:end]``.

    Leaves out what belongs to the surrounding noun phrase, not to the time expression: a
    possessive "'s" ("last year's profit"), the article or possessive of a noun the expression
    modifies ("a third-quarter loss", "the Oct. 23 shooting": the article's head lies after the
    expression), and the leading words of ``Grammar.leading_hedge`` ("only five hours").
    """
    if text[end - 2:end] in ("'s", "\u2019s") and end - 2 > start:
        end -= 2
    hedge = grammar.leading_hedge.match(text, start, end)
    if hedge is not None and hedge.end() < end:
        start = hedge.end()
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is not None and len(span) > 1 and doc.has_annotation("DEP"):
        first = span[0]
        if first.dep_ in ("det", "poss") and first.head.i >= span.end and first.lower_ in _NOUN_DETERMINERS:
            start = span[1].idx
    return start, end


_NOUN_DETERMINERS = {"the", "a", "an", "its", "his", "her", "their", "our", "my", "your"}


def _reporting_quarter(value: str | None, anchor: dt.date | None) -> bool:
    """Whether ``value`` is a quarter an article published on ``anchor`` may report on (the last year's)."""
    m = re.fullmatch(r"(\d{4})-Q([1-4])", value or "")
    if m is None or anchor is None:
        return False
    back = (anchor.year * 4 + (anchor.month - 1) // 3) - (int(m.group(1)) * 4 + int(m.group(2)) - 1)
    return 0 <= back <= 4


def _merge(
    candidates: list[tuple[int, int, bool]], text: str, clocks: list[tuple[int, int]]
) -> Iterator[tuple[int, int, bool]]:
    """Union overlapping spans; the flag says whether only tagger entities made the span.

    A clock time and the day next to it become one expression ("9 a.m. Tuesday",
    "5 p.m. EST, Nov. 9"), as TimeML marks them.
    """

    def has_clock(start: int, end: int) -> bool:
        return any(start <= s and e <= end for s, e in clocks)

    current: list | None = None
    for start, end, entity in sorted(candidates):
        overlaps = current is not None and start < current[1]
        joined = (
            current is not None
            and not overlaps
            and _JOIN.fullmatch(text[current[1]:start]) is not None
            and has_clock(current[0], current[1]) != has_clock(start, end)
        )
        if overlaps or joined:
            current[1] = max(current[1], end)
            current[2] = current[2] and entity
            continue
        if current is not None:
            yield tuple(current)
        current = [start, end, entity]
    if current is not None:
        yield tuple(current)


_CLOCK_RULES = {"clock_ampm", "clock_24h", "noon"}
_JOIN = re.compile(r",?[ \t]+")


_QUARTER = re.compile(r"\bquarter(?:ly)?\b", re.IGNORECASE)
_FUTURE_WORDS = {"will", "'ll", "shall", "wo"}


def _tense(span: Span, grammar: Grammar) -> str | None:
    """The tense of the verb that governs ``span``: "past", "present", "future" or None.

    Uses the parse when there is one (a bare "Friday" is last Friday in a past-tense
    sentence and the coming one after "will"); otherwise looks for "will" in the sentence.
    Plans count as future ("planned to leave on Thursday", "is scheduled to close Monday",
    "as early as Tuesday"), and so does a present tense that is not a verb of saying
    ("meet separately Monday"): news reports scheduled events that way.
    """
    doc = span.doc
    if not doc.has_annotation("DEP"):
        words = {t.lower_ for t in doc[max(span.start - 8, 0): span.end + 8]}
        return "future" if words & _FUTURE_WORDS else None
    before = doc[max(span.start - 3, 0): span.start].text.lower()
    if grammar.future_lead.search(doc[max(span.start - 3, 0): span.end].text):
        return "future"
    head = span.root
    for _ in range(5):
        if head.pos_ in ("VERB", "AUX") or head.head.i == head.i:
            break
        head = head.head
    if head.pos_ not in ("VERB", "AUX"):
        return None
    helpers = [c for c in head.children if c.dep_ in ("aux", "auxpass")]
    # An infinitive takes the tense of the verb it depends on ("moved to take Hama on Tuesday"),
    # unless that verb makes a plan of it ("planned to leave on Thursday").
    for _ in range(3):
        if not (head.tag_ == "VB" and any(c.lower_ == "to" for c in helpers)):
            break
        if head.head.i == head.i or head.head.pos_ not in ("VERB", "AUX", "ADJ"):
            break
        head = head.head
        if head.lemma_.lower() in grammar.plan_verbs:
            return "future"
        helpers = [c for c in head.children if c.dep_ in ("aux", "auxpass")]
    for tok in helpers + [head]:
        if tok.lower_ in _FUTURE_WORDS:
            return "future"
        if tok.lower_ == "going" and tok.i + 1 < len(doc) and doc[tok.i + 1].lower_ == "to":
            return "future"
    if head.tag_ in ("VBD", "VBN") or any(t.tag_ in ("VBD", "VBN") for t in helpers):
        if head.tag_ == "VBN" and any(t.tag_ in ("VBZ", "VBP") for t in helpers) and before.endswith("until"):
            return "future"  # "has kept the markets closed until Friday"
        # A present or modal passive is no past: "is expected in December", "should be completed in May"
        if (
            head.tag_ == "VBN"
            and any(t.lemma_ == "be" and t.tag_ in ("VBZ", "VBP", "VB") for t in helpers)
            and not any(t.lemma_ == "have" or t.tag_ == "VBD" for t in helpers)
        ):
            return "present"
        return "past"
    # Only a weekday that modifies the verb itself: "before Friday's purchases is" says nothing of Friday.
    # (spaCy makes a new Token object on each access: compare positions, not identity)
    up = span.root.head
    attached = up.i == head.i or (up.dep_ == "prep" and up.head.i == head.i)
    if (
        head.tag_ in ("VBP", "VBZ") and attached and not helpers
        and head.lemma_.lower() not in grammar.saying_verbs
    ):
        return "future"
    if head.tag_ in ("VBP", "VBZ", "VBG"):
        return "present"
    return None


@Language.factory(
    COMPONENT,
    # doc.ents: the tagger's DATE/TIME entities; the parse and tags: a mention's extent and tense.
    # (It also reads doc._.published, which ``pipeline.make_doc`` sets before any component runs.)
    # (and token.pos, which the model's attribute ruler sets without declaring it: required, it
    # would read as unmet).
    requires=["doc.ents", "doc.sents", "token.dep", "token.tag", "token.lemma"],
    assigns=["doc._.dates"],
    default_config={"use_entities": True},
)
def make_date_tagger(nlp: Language, name: str, use_entities: bool) -> DateTagger:
    """spaCy factory for ``storyweave_dates`` (reads ``doc._.published``, writes ``doc._.dates``)."""
    return DateTagger(name, use_entities)
