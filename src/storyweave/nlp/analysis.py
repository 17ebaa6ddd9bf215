"""The per-article analysis: the records of each article, read off the analysis pipeline.

The pipeline and the order of its components are ``storyweave.nlp.pipeline``'s
(``load_analyzer``); here its annotations become records, and the places of the text and
of its photo captions are merged into the article's entities.

``analyze_texts`` is stage code: it takes plain inputs and returns plain
records, so the local runner and a Ray actor call the same function.
"""

from __future__ import annotations

import logging
from collections import Counter
from typing import Iterable, Iterator, Optional

from storyweave.nlp.pipeline import load_analyzer, make_doc
from storyweave.names.labels import PLACE_LABELS as GEO_TYPES
from storyweave.records import AnalysisInput, AnalyzedEntity, ArticleAnalysis, Mention

logger = logging.getLogger(__name__)

#: Stored with each analysis; bump it when results would change, so stale
#: analyses are redone.
ANALYZER = "storyweave-analysis/28"


def analyze_texts(items: Iterable[AnalysisInput], batch_size: int = 16) -> Iterator[ArticleAnalysis]:
    """Analyse articles in batches (``nlp.pipe``); results come back in input order."""
    from storyweave.nlp.places import with_outlet_country, with_outlet_home

    nlp = load_analyzer()
    items = list(items)
    docs = (with_outlet_home(with_outlet_country(make_doc(nlp, item.text, item.published), item.outlet_country),
                             item.outlet_home) for item in items)
    for item, doc in zip(items, nlp.pipe(docs, batch_size=batch_size)):
        entities = merge_places(doc._.entities or (), doc._.places or ())
        if item.captions:
            entities = add_caption_places(entities, _caption_places(nlp, item))
        yield ArticleAnalysis(
            article_id=item.article_id,
            entities=entities,
            dates=tuple(doc._.dates or ()),
            quotes=tuple(doc._.quotes or ()),
            events=tuple(doc._.events or ()),
            claims=tuple(doc._.claims or ()),
        )


def _caption_places(nlp, item: AnalysisInput) -> list[tuple[str, object]]:
    """(field, Place) for each place named in the article's photo captions."""
    found = []
    docs = (make_doc(nlp, text, item.published) for _, text in item.captions)
    for (position, _), doc in zip(item.captions, nlp.pipe(docs)):
        found.extend((f"removed:{position}", p) for p in doc._.places or () if p.source != "demonym")
    return found


def add_caption_places(entities: tuple[AnalyzedEntity, ...], places: list[tuple[str, object]]) -> tuple[AnalyzedEntity, ...]:
    """Add caption mentions to the article's place entities, or new place entities."""
    from dataclasses import replace

    by_place = {_place_identity(e.geonameid, e.lat, e.lon): i for i, e in enumerate(entities) if e.lat is not None}
    # A name the article already places keeps the article's reading: a caption
    # saying "Hama" means the Hama of the text.
    by_name = {}
    for i, e in enumerate(entities):
        if e.lat is not None:
            for name in (e.name, *e.aliases, *(m.text for m in e.mentions)):
                by_name.setdefault(name.casefold(), i)
    keys = {e.key for e in entities}
    out = list(entities)
    for field, place in places:
        mention = Mention(place.text, place.start_char, place.end_char, "GPE", field, place.role)
        identity = _place_identity(place.geonameid, place.lat, place.lon)
        index = by_name.get(place.text.casefold(), by_place.get(identity))
        if index is None:
            key = f"place:{place.geonameid}" if place.geonameid else f"place:{place.name.casefold()}"
            while key in keys:
                key += "+"
            keys.add(key)
            out.append(_entity(key, place.name, "GPE", (), (mention,), place))
            by_place[identity] = by_name[place.text.casefold()] = len(out) - 1
        else:
            merged = out[index].mentions + (mention,)
            out[index] = replace(out[index], mentions=merged, role=place_role(merged))
    return tuple(out)


def _place_identity(geonameid: Optional[int], lat: Optional[float], lon: Optional[float]) -> tuple:
    """A gazetteer entry's identity: its GeoNames id, or its point when it has no id
    (first-level divisions from the countries package carry none)."""
    if geonameid:
        return ("id", geonameid)
    return ("point", round(lat or 0.0, 3), round(lon or 0.0, 3))


def merge_places(entities: Iterable, places: Iterable) -> tuple[AnalyzedEntity, ...]:
    """Give place entities their coordinates; add gazetteer places the model missed.

    A place entity takes the gazetteer entry that most of its mentions
    overlap, and each mention the role its place has there ("Washington said" is
    metonymic). Demonyms ("Syrian") name a country but are not places on the map: the
    entity that holds them gets the country's code, level and the "demonym" role, and no point.
    """
    places = list(places)
    demonyms = [p for p in places if p.source == "demonym"]
    places = [p for p in places if p.source != "demonym"]
    by_span = {(p.start_char, p.end_char): p for p in places}
    covered: set[tuple[int, int]] = set()
    out: list[AnalyzedEntity] = []
    for entity in entities:
        geo = None
        pool = places if entity.type in GEO_TYPES else demonyms
        votes: dict[tuple, list] = {}
        roles: dict[tuple[int, int], str] = {}
        for m in entity.mentions:
            for place in _overlapping(pool, m.start_char, m.end_char):
                if _named_after(m, place):
                    continue  # "Genesee County Undersheriff": the county is a place of its own
                votes.setdefault(_place_identity(place.geonameid, place.lat, place.lon), []).append(place)
                roles.setdefault((m.start_char, m.end_char), place.role)
                covered.add((place.start_char, place.end_char))
        mentions = tuple(
            Mention(m.text, m.start_char, m.end_char, m.label, role=roles.get((m.start_char, m.end_char), ""))
            for m in entity.mentions
        )
        if votes:
            geo = max(votes.values(), key=len)[0]
        if geo is not None and geo.source == "demonym":
            out.append(AnalyzedEntity(
                entity.key, entity.name, entity.type, tuple(entity.aliases), mentions,
                country=geo.country_code, level=geo.level, role="demonym",
            ))
            continue
        out.append(_entity(entity.key, entity.name, entity.type, tuple(entity.aliases), mentions, geo))
    extra: dict[tuple, list] = {}
    for span, place in by_span.items():
        if span not in covered and not any(
            _overlaps(m.start, m.end, *span) for e in out for m in e.mentions if e.type not in GEO_TYPES
        ):
            extra.setdefault(_place_identity(place.geonameid, place.lat, place.lon), []).append(place)
    for group in extra.values():
        first = group[0]
        mentions = tuple(Mention(p.text, p.start_char, p.end_char, "GPE", role=p.role) for p in group)
        aliases = tuple(sorted({p.text for p in group} - {first.name}))
        key = f"place:{first.geonameid}" if first.geonameid else f"place:{first.name.casefold()}"
        if key not in {e.key for e in out}:
            out.append(_entity(key, first.name, "GPE", aliases, mentions, first))
    return tuple(out)


def _named_after(mention: Mention, place) -> bool:
    """Whether a mention names something after the place at its start, with more name words
    after the place ("Genesee County Undersheriff", "Gainesville Police", "Etisalat Egypt"
    aside): the mention is an institution or an office, the place an entity of its own. A
    trailing possessive or punctuation is no more name."""
    if place.start_char != mention.start_char or place.end_char >= mention.end_char:
        return False
    rest = mention.text[place.end_char - mention.start_char :]
    return any(word[:1].isalpha() for word in rest.replace("\u2019s", " ").replace("'s", " ").split())


def _entity(key, name, type_, aliases, mentions, geo) -> AnalyzedEntity:
    if geo is None:
        return AnalyzedEntity(key, name, type_, aliases, mentions)
    return AnalyzedEntity(
        key, name, type_, aliases, mentions, geo.geonameid or None, geo.lat, geo.lon, geo.country_code,
        level=geo.level or None, role=place_role(mentions),
    )


def place_role(mentions: Iterable[Mention]) -> str:
    """A place entity's role: "literal" when any mention names the ground (or is not read
    for a role), else the role of most of its mentions."""
    roles = Counter(m.role or "literal" for m in mentions)
    if not roles or roles["literal"]:
        return "literal"
    return roles.most_common(1)[0][0]


def _overlapping(places: list, start: int, end: int) -> list:
    return [p for p in places if _overlaps(start, end, p.start_char, p.end_char)]


def _overlaps(a_start: int, a_end: int, b_start: int, b_end: int) -> bool:
    return a_start < b_end and b_start < a_end
