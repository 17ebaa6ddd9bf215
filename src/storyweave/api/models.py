"""Response models (``XPublic``): the API's documented shapes, mirroring the JSON export."""

from __future__ import annotations

from typing import Optional

from pydantic import BaseModel


class RemovedPublic(BaseModel):
    kind: str
    text: str


class ArticleSummaryPublic(BaseModel):
    id: str
    outlet: Optional[str] = None
    title: Optional[str] = None
    published: Optional[str] = None
    url: Optional[str] = None
    duplicate_of: Optional[str] = None


class ArticlePublic(ArticleSummaryPublic):
    author: Optional[str] = None
    language: Optional[str] = None
    site_name: Optional[str] = None
    source: str
    duplicate_kind: Optional[str] = None
    text: str
    removed: list[RemovedPublic]
    story: Optional[str] = None


class StorySummaryPublic(BaseModel):
    id: str
    title: str
    size: int
    outlets: int
    first_seen: Optional[str] = None
    last_seen: Optional[str] = None
    summary: Optional[str] = None
    claims: dict[str, int]


class ClaimMentionPublic(BaseModel):
    article: str
    outlet: Optional[str] = None
    start: int
    end: int
    #: the sentence as published (``start``/``end`` are its offsets)
    text: str
    #: the sentence as a reader reads it without the article (pronouns resolved, a fragment completed)
    display: Optional[str] = None
    attributed_to: Optional[str] = None
    origin: Optional[str] = None
    hedged: bool = False
    #: for a contested claim: the index in ``versions`` of the version this sentence states
    version: int = 0


class ClaimVersionPublic(BaseModel):
    """One side of a contested claim: its wording and the outlets that state it."""

    text: str
    outlets: list[str]


class OriginPublic(BaseModel):
    key: str
    label: str


class ClaimPublic(BaseModel):
    id: str
    story: str
    text: str
    kind: str
    status: str
    independent_origins: int
    origins: list[OriginPublic]
    conflicts: list[str]
    #: a contested claim's incompatible versions (empty otherwise)
    versions: list[ClaimVersionPublic] = []
    #: how many outlets report it
    outlets: int = 0
    #: check-worthiness, 0..1
    score: float = 0.0
    #: what a claim card says of its sourcing: "3 outlets · 1 origin: Syrian military (statement)"
    origin_summary: str = ""
    mentions: list[ClaimMentionPublic]


class GeoPublic(BaseModel):
    lat: float
    lon: float
    country: Optional[str] = None
    geonameid: Optional[int] = None


class MentionPublic(BaseModel):
    article: str
    start: int
    end: int
    text: str
    field: Optional[str] = None
    #: for a place mention: "literal", "demonym" or "metonymic"
    role: Optional[str] = None
    outlet: Optional[str] = None
    title: Optional[str] = None
    context: Optional[str] = None


class QuotePublic(BaseModel):
    id: str
    article: str
    speaker: Optional[str] = None
    speaker_entity: Optional[str] = None
    cue: Optional[str] = None
    text: str
    direct: bool
    start: int
    end: int
    outlet: Optional[str] = None


class EntitySummaryPublic(BaseModel):
    id: str
    name: str
    type: str
    articles: int


class EntityPublic(BaseModel):
    id: str
    name: str
    type: str
    aliases: list[str]
    geo: Optional[GeoPublic] = None
    #: for a place: country, admin1, admin2, town, facility, facility-in-town, region, water, continent
    level: Optional[str] = None
    #: for a place: "literal" (named as the ground somewhere: it is on the map), "metonymic"
    #: ("Washington said") or "demonym" ("Syrian")
    role: Optional[str] = None
    #: a demonym's country (ISO code): it has no point of its own
    country: Optional[str] = None
    mentions: list[MentionPublic]
    quotes: list[QuotePublic]
    quotes_about: list[QuotePublic] = []


class EventPublic(BaseModel):
    id: str
    article: str
    type: str
    code: str
    action: Optional[str] = None
    actor: Optional[str] = None
    target: Optional[str] = None
    place: Optional[str] = None
    date: Optional[str] = None
    date_text: Optional[str] = None
    sentence: str
    start: int
    end: int
    background: bool = False
    attributed_to: Optional[str] = None


class MarkerPublic(BaseModel):
    id: str
    article: str
    outlet: Optional[str] = None
    type: str
    code: str
    action: Optional[str] = None
    date: Optional[str] = None
    place: Optional[str] = None
    lat: float
    lon: float
    country: Optional[str] = None


class PlacePublic(BaseModel):
    name: str
    lat: float
    lon: float
    country: Optional[str] = None
    articles: list[str]


class TimelineSourcePublic(BaseModel):
    article: str
    outlet: Optional[str] = None
    start: int
    end: int
    attributed_to: Optional[str] = None


class TimelineEntryPublic(BaseModel):
    #: TimeML value ("2024-W48-WE")
    date: Optional[str] = None
    #: the date as a person reads it ("the weekend of 30 Nov–1 Dec 2024")
    when: Optional[str] = None
    type: str
    code: str
    action: Optional[str] = None
    actor: Optional[str] = None
    target: Optional[str] = None
    place: Optional[str] = None
    #: whether the date has a place on the calendar ("now", "in the past" and no date have none)
    dated: bool = True
    sources: list[TimelineSourcePublic]


class SpeakerQuotePublic(BaseModel):
    article: str
    outlet: Optional[str] = None
    text: str
    cue: Optional[str] = None
    #: the cue's kind: speech, according, cognition, nominal, passive_agent (statements only)
    kind: Optional[str] = None
    direct: bool
    start: int
    end: int


class SpeakerPublic(BaseModel):
    speaker: str
    quotes: list[SpeakerQuotePublic]


class OutletPublic(BaseModel):
    outlet: str
    articles: int
    only_here: list[ClaimPublic]


class StoryPublic(BaseModel):
    id: str
    title: str
    size: int
    first_seen: Optional[str] = None
    last_seen: Optional[str] = None
    #: when the story was seen, as a person reads it ("5 Dec 2024")
    seen: Optional[str] = None
    summary: Optional[str] = None


class OutletSectionPublic(BaseModel):
    """What only one outlet reports: the first few claims, most check-worthy first, and how many in all."""

    outlet: str
    articles: int
    claims: list[ClaimPublic]
    total: int


class SectionsPublic(BaseModel):
    """The claims a reader sees first, as the web dossier, ``storyweave show`` and the exports show them."""

    #: corroborated, contested, and claims several outlets report: most outlets and origins first
    key: list[ClaimPublic]
    key_total: int
    outlets: list[OutletSectionPublic]
    #: claims in ``key`` and ``outlets``; ``hidden`` are the rest of ``total`` (all in ``claims``)
    shown: int
    total: int
    hidden: int


class DossierPublic(BaseModel):
    story: StoryPublic
    articles: list[ArticleSummaryPublic]
    #: every aligned claim, in dossier order
    claims: list[ClaimPublic]
    sections: SectionsPublic
    timeline: list[TimelineEntryPublic]
    quotes: list[SpeakerPublic]
    places: list[PlacePublic]
    outlets: list[OutletPublic]
    markers: list[MarkerPublic]


class SearchHitPublic(BaseModel):
    id: str
    outlet: Optional[str] = None
    title: Optional[str] = None
    published: Optional[str] = None
    url: Optional[str] = None
    story: Optional[str] = None
    snippet: str
