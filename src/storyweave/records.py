"""Typed records that cross stage boundaries.

Every stage takes and returns these dataclasses rather than loose dicts, so a
reader, the store and an export agree on one shape (STYLE rule 4).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional


@dataclass(frozen=True)
class DocumentMetadata:
    """What is known about a document apart from its text.

    Any field may be None; later steps fill the gaps (outlet from the URL's
    domain or from self-references in the text). ``published`` is an ISO 8601
    date or datetime string, as given by the source.
    """

    outlet: Optional[str] = None
    url: Optional[str] = None
    title: Optional[str] = None
    author: Optional[str] = None
    published: Optional[str] = None
    site_name: Optional[str] = None
    language: Optional[str] = None

    def merged_over(self, base: "DocumentMetadata") -> "DocumentMetadata":
        """Return these values, falling back to ``base`` field by field."""
        return DocumentMetadata(
            **{
                name: getattr(self, name) if getattr(self, name) not in (None, "") else getattr(base, name)
                for name in self.__dataclass_fields__
            }
        )


@dataclass(frozen=True)
class RemovedSpan:
    """A piece of page furniture taken out of an article, kept for inspection."""

    text: str
    kind: str  # e.g. "advertisement", "caption", "credit", "related", "share", "footer"


@dataclass(frozen=True)
class ArticleDraft:
    """One article as a reader produced it, before dedup and storage.

    ``source`` names where it came from precisely enough for a person to find
    it again: a path, ``path#record-id`` inside a WARC, ``path:line`` in JSONL,
    a feed entry link, or ``<stdin>``.
    """

    source: str
    text: str
    metadata: DocumentMetadata = field(default_factory=DocumentMetadata)
    removed: tuple[RemovedSpan, ...] = ()
    reader: str = ""  # the name of the reader that produced it ("html", "text", ...)


@dataclass(frozen=True)
class DocumentError:
    """A document that could not be read: where it came from and why."""

    source: str
    reason: str
    reader: str = ""
    content_sha256: Optional[str] = None


@dataclass(frozen=True)
class Article:
    """A stored article. ``duplicate_of`` points at the earlier copy, if any."""

    id: str
    source: str
    text: str
    outlet: Optional[str]
    url: Optional[str]
    title: Optional[str]
    author: Optional[str]
    published: Optional[str]
    site_name: Optional[str]
    language: Optional[str]
    reader: str
    content_hash: str
    duplicate_of: Optional[str] = None
    duplicate_kind: Optional[str] = None  # "exact" or "near"
    similarity: Optional[float] = None
    ingested_at: Optional[str] = None
    removed: tuple[RemovedSpan, ...] = ()


@dataclass(frozen=True)
class QuarantineRecord:
    """A failed document, kept so a person can see what went wrong and retry."""

    id: int
    source: str
    reason: str
    reader: str
    content_sha256: Optional[str]
    created_at: str


# -- claims: one checkable statement of an article, and what alignment reads of it -------------
@dataclass(frozen=True)
class ClaimNumber:
    """A number a claim states: ``"hundreds"`` → ``value=100.0`` (its lower bound), ``unit="individual"``;
    ``governor`` the word the counted thing depends on ("killed 10 people" → "kill", "a city of
    500,000 people" → "city"), so two counts are compared only when they count the same thing."""

    text: str
    value: Optional[float]
    unit: Optional[str]
    governor: Optional[str] = None


@dataclass(frozen=True)
class ClaimRank:
    """A ranking a claim states: "Aleppo, Syria's second-largest city" → ``subject`` Aleppo's entity
    key (``name`` its name), ``phrase`` "Syria's second-largest city", ``dimension`` "size",
    ``ordinal`` 2, ``noun`` "city"."""

    subject: str
    name: str
    phrase: str
    dimension: str
    ordinal: int
    noun: str


@dataclass(frozen=True)
class ClaimView:
    """A unit's main clause without its relative and adverbial clauses and appositions, kept
    for comparison only ("Fred LaRue was found dead in a hotel room in Biloxi" of "Fred LaRue,
    known as the 'bagman' because he delivered payments ..., was found dead in a hotel room in
    Biloxi"). Another outlet may state just that, and the clauses around it hide it when the
    two sentences are compared whole; the reader is still shown the whole unit.
    ``start``/``end`` are the article offsets of its first and last word, ``text`` its words;
    the other fields are as the ``Claim`` ones, for the main clause alone (its kind and
    polarity are the unit's)."""

    start: int
    end: int
    text: str
    lemmas: str
    atoms: tuple[str, ...]
    entities: tuple[str, ...]
    numbers: tuple[ClaimNumber, ...]
    dates: tuple[str, ...]


@dataclass(frozen=True)
class Claim:
    """One claim unit: a sentence, or one main clause of a compound sentence, that a reader
    understands without the article.

    ``text`` is the unit as published (``start``/``end`` into the article text), ``display``
    the same words with references the article makes clear put in brackets ("[Hama] has never
    been in rebel hands" for "The city has never ..."), ``content`` what it states without
    its attribution ("rebels took Hama" of "Rebels took Hama, the army said"): outlets are
    compared on what they state, not on who they quote. ``kind`` is ``event``, ``number``,
    ``state``, ``announcement`` (plans and announcements), ``prediction`` or ``opinion``.
    ``attributed_to`` names the source the article gives (a speaker, a statement) or is None
    when the outlet asserts it; ``quote_start``/``quote_end`` span the quote holding it.
    ``denied``: the unit calls what it reports false ("the army denied that ...", "a hoax").
    ``hedges`` are the unit's own hedge cues ("likely", "reportedly"); ``scope_hedges`` those of
    an article-level disclaimer that covers it ("unable to independently confirm claims by
    either side"); ``hedged`` is true with either.
    ``entities`` and ``places`` are article entity keys; ``lemmas`` the content words of
    ``content`` as lemmas, space-separated, and ``atoms`` one such string per predication in it (a verb
    and the heads of its arguments: "handcuff guard", "take weapon"), for the cross-outlet
    comparison; ``views`` its bare main clause, compared on its own (``ClaimView``).
    """

    text: str
    display: str
    content: str
    start: int
    end: int
    sentence_start: int
    sentence_end: int
    kind: str
    headline: bool
    negated: bool
    entities: tuple[str, ...]
    places: tuple[str, ...]
    numbers: tuple[ClaimNumber, ...]
    dates: tuple[str, ...]
    ranks: tuple[ClaimRank, ...]
    lemmas: str
    atoms: tuple[str, ...]
    attributed_to: Optional[str]
    attribution_text: Optional[str]
    quote_start: Optional[int]
    quote_end: Optional[int]
    direct: bool
    hedges: tuple[str, ...]
    hedged: bool
    check_worthy: float
    event_code: Optional[str] = None
    scope_hedges: tuple[str, ...] = ()
    denied: bool = False
    actors: tuple[str, ...] = ()
    views: tuple[ClaimView, ...] = ()


@dataclass(frozen=True)
class ScopedHedge:
    """An article-level hedge ("unable to independently confirm claims by either side").

    ``start`` is its sentence's start, ``end`` where its first cue begins.
    """

    text: str
    start: int
    end: int
    cues: tuple[str, ...]


# -- the per-article analysis: what it reads and what it finds ------------------------------------
@dataclass(frozen=True)
class AnalysisInput:
    """What the analysis needs to know about one article."""

    article_id: str
    text: str
    published: Optional[str] = None
    #: (position in ``removed``, text) of photo captions taken out of the text:
    #: furniture, but the places they name belong on the article's map.
    captions: tuple[tuple[int, str], ...] = ()
    #: the outlet's home country (ISO code), a weak prior for its places; see ``outlet_country``
    outlet_country: Optional[str] = None
    #: the outlet's home, learned from its articles, a stronger prior for its towns: the (lat,
    #: lon) of its area's centre, then of the town it is named after where it is named after
    #: one; see ``storyweave.nlp.places.outlets.outlet_home``
    outlet_home: Optional[tuple[float, ...]] = None


@dataclass(frozen=True)
class Mention:
    text: str
    start: int
    end: int
    label: str
    #: What the offsets point into: "" for the article text, "removed:N" for a caption.
    field: str = ""
    #: for a place mention, how it uses the place: "literal", "demonym" or "metonymic"
    #: ("Washington said"); "" for other entities
    role: str = ""


@dataclass(frozen=True)
class AnalyzedEntity:
    """An article's entity after canonicalisation, with coordinates for places."""

    key: str
    name: str
    type: str
    aliases: tuple[str, ...]
    mentions: tuple[Mention, ...]
    geonameid: Optional[int] = None
    lat: Optional[float] = None
    lon: Optional[float] = None
    country: Optional[str] = None
    #: for a place: country, admin1, admin2, town, facility, facility-in-town, region, water, continent
    level: Optional[str] = None
    #: for a place: "literal" when any mention names the ground itself (it goes on the map),
    #: else "metonymic" or "demonym"
    role: Optional[str] = None


@dataclass(frozen=True)
class DateMention:
    """A time expression in an article.

    ``value`` is a TimeML value ("2024-12-05", "2024-W49", "2024-12", "2024", "P8D",
    "PRESENT_REF", "2024-12-05T14:00") or None when it cannot be resolved. ``kind`` is
    "date", "time", "duration" or "set". ``anchored`` is True when the value was computed
    from the publication date; ``relative`` keeps the relative meaning ("offset:-8D",
    "weekday:WED;last") for expressions that depend on it, resolved or not.
    """

    text: str
    start_char: int
    end_char: int
    value: str | None
    kind: str
    anchored: bool
    relative: str | None = None


@dataclass(frozen=True)
class Quote:
    """One attribution: what was said (or thought, wanted, shown) and by whom.

    ``text`` is the content; when the content comes in several pieces (a quote
    split around its cue, a quote running over paragraphs) ``parts`` gives each
    piece's character range and ``start_char``/``end_char`` their envelope.
    ``speaker`` is the surface text, ``speaker_entity`` the canonical name
    resolved inside the article. ``kind`` is the cue's group in the rules file
    ("speech", "cognition", "intention", "evidence", "stance", "passive",
    "passive_agent", "impression"), "according", "nominal" (a cue noun) or
    "attitude" (a cue adjective); consumers that want reported words only keep
    "speech" and "according".
    """

    text: str
    start_char: int
    end_char: int
    speaker: str | None
    speaker_start: int | None
    speaker_end: int | None
    speaker_entity: str | None
    cue: str | None
    cue_start: int | None
    cue_end: int | None
    direct: bool
    kind: str = "speech"
    parts: tuple[tuple[int, int], ...] = ()


@dataclass(frozen=True)
class Event:
    """One coded event. Offsets are character offsets into the article text.

    ``code`` is the PLOVER type with its mode where one applies ("ASSAULT.aerial");
    ``start``/``end`` span the event's clause, ``sentence_start``/``sentence_end``
    its sentence. ``date`` is the TimeML value of a date the text states for the
    event (None when it states none). ``background`` marks events told as history
    rather than news; ``attributed_to`` names who states the event (a quote's
    speaker) or is None when the outlet states it.
    """

    action: str
    lemma: str
    type: str
    code: str
    actor: str | None
    actor_entity: str | None
    target: str | None
    target_entity: str | None
    place: str | None
    place_entity: str | None
    date: str | None
    date_text: str | None
    trigger_start: int
    trigger_end: int
    sentence_start: int
    sentence_end: int
    start: int
    end: int
    background: bool
    attributed_to: str | None
    #: character spans of the actor and target phrases, for highlighting and scoring
    actor_start: int | None = None
    actor_end: int | None = None
    target_start: int | None = None
    target_end: int | None = None


@dataclass(frozen=True)
class ArticleAnalysis:
    """Everything the per-article analysis found in one article."""

    article_id: str
    entities: tuple[AnalyzedEntity, ...]
    dates: tuple  # of DateMention
    quotes: tuple  # of Quote
    events: tuple = ()  # of Event
    claims: tuple = ()  # of Claim
