"""Reading entities, events, claims and analysis parts for the read side (``storyweave.queries``).

Each function takes an open connection (``Store.read()``) so that a caller can
read several parts in one transaction, and returns plain rows: dicts, or named
tuples with attribute access.
"""

from __future__ import annotations

import json
from typing import Any, Iterable, Optional

from sqlalchemy import Connection, and_, func, select

from storyweave.store.schema import (
    articles,
    claim_groups,
    claim_mentions,
    claims,
    date_mentions,
    entities,
    entity_links,
    entity_mentions,
    events,
    global_entities,
    quotes,
    story_articles,
)


def story_article_ids(conn: Connection, story_id: str) -> list[str]:
    """The ids of a story's articles, in ingest order."""
    rows = conn.execute(
        select(story_articles.c.article_id)
        .join(articles, articles.c.id == story_articles.c.article_id)
        .where(story_articles.c.story_id == story_id)
        .order_by(articles.c.seq)
    )
    return [r[0] for r in rows]


def event_marker_rows(conn: Connection, story_id: str) -> list[Any]:
    """The story's events at a geocoded place, with the article's outlet and the place's coordinates."""
    place = entities.alias("place")
    return conn.execute(
        select(events.c.article_id, events.c.position, events.c.type, events.c.code, events.c.action,
               events.c.actor, events.c.target, events.c.date, events.c.place, events.c.background,
               articles.c.outlet, place.c.lat, place.c.lon, place.c.country)
        .join(story_articles, story_articles.c.article_id == events.c.article_id)
        .join(articles, articles.c.id == events.c.article_id)
        .join(place, and_(place.c.article_id == events.c.article_id, place.c.key == events.c.place_entity))
        .where(story_articles.c.story_id == story_id, place.c.lat.is_not(None))
        .order_by(events.c.article_id, events.c.position)
    ).all()


def article_claim_rows(conn: Connection, article_id: str) -> list[dict]:
    """One article's claims (position, text, span, kind, attribution, hedged), in order."""
    return [dict(r._mapping) for r in conn.execute(
        select(claims.c.position, claims.c.text, claims.c.start, claims.c.end, claims.c.kind,
               claims.c.attributed_to, claims.c.hedged)
        .where(claims.c.article_id == article_id).order_by(claims.c.position))]


def claim_status_by_span(conn: Connection, article_id: str) -> dict[tuple[int, int], tuple[str, str]]:
    """(start, end) of an article's claim mention → (its group id, the group's status)."""
    # Through the article's story: claim_mentions has no index on article_id alone, and
    # filtering it directly scanned every claim mention of the store on each article page.
    return {
        (r.start, r.end): (r.group_id, r.status)
        for r in conn.execute(
            select(claim_mentions.c.start, claim_mentions.c.end, claim_mentions.c.group_id, claim_groups.c.status)
            .select_from(story_articles)
            .join(claim_groups, claim_groups.c.story_id == story_articles.c.story_id)
            .join(claim_mentions, and_(claim_mentions.c.group_id == claim_groups.c.id,
                                       claim_mentions.c.article_id == story_articles.c.article_id))
            .where(story_articles.c.article_id == article_id)
        )
    }


def stories_with_claims(conn: Connection) -> list[str]:
    """The ids of the stories that have aligned claims."""
    return [r[0] for r in conn.execute(select(claim_groups.c.story_id).distinct())]


def story_of_claim(conn: Connection, claim_id: str) -> Optional[str]:
    """The story an aligned claim belongs to, or ``None``."""
    row = conn.execute(select(claim_groups.c.story_id).where(claim_groups.c.id == claim_id)).first()
    return row.story_id if row is not None else None


def entity_counts(conn: Connection, *, type_: Optional[str] = None, name: Optional[str] = None,
                  limit: int = 200) -> list[dict]:
    """Cross-document entities (id, name, type) with the number of articles that mention each, most first."""
    query = (
        select(global_entities.c.id, global_entities.c.name, global_entities.c.type,
               func.count(func.distinct(entity_links.c.article_id)).label("articles"))
        .join(entity_links, entity_links.c.global_id == global_entities.c.id)
        .group_by(global_entities.c.id, global_entities.c.name, global_entities.c.type)
        .order_by(func.count(func.distinct(entity_links.c.article_id)).desc(), global_entities.c.name)
        .limit(limit)
    )
    if type_:
        query = query.where(global_entities.c.type == type_.upper())
    if name:
        query = query.where(global_entities.c.name.ilike(f"%{name}%"))
    return [dict(r._mapping) for r in conn.execute(query)]


def articles_mentioning(conn: Connection, entity_id: str) -> list[str]:
    """Ids of the articles linked to the global entity ``entity_id`` or holding it as an article-level key."""
    return [r[0] for r in conn.execute(
        select(entity_links.c.article_id).where(entity_links.c.global_id == entity_id)
        .union(select(entities.c.article_id).where(entities.c.key == entity_id)))]


def article_meta(conn: Connection, article_ids: list[str]) -> dict[str, dict]:
    """article id → {outlet, title, published, text}."""
    return {r.id: {"outlet": r.outlet, "title": r.title, "published": r.published, "text": r.text}
            for r in conn.execute(select(articles.c.id, articles.c.outlet, articles.c.title,
                                         articles.c.published, articles.c.text).where(articles.c.id.in_(article_ids)))}


def entity_keys_to_global(conn: Connection, article_id: str) -> dict[str, str]:
    """Article-level entity key → global entity id, for one article."""
    rows = conn.execute(select(entity_links.c.key, entity_links.c.global_id)
                        .where(entity_links.c.article_id == article_id))
    return {r.key: r.global_id for r in rows}


def story_of_article(conn: Connection, article_id: str) -> Optional[str]:
    """The story an article belongs to, or ``None``."""
    row = conn.execute(select(story_articles.c.story_id).where(story_articles.c.article_id == article_id)).first()
    return row[0] if row else None


#: The per-article analysis tables by the name the read side asks for, with their order.
_ANALYSIS_TABLES = {
    "entities": (entities, (entities.c.article_id, entities.c.key)),
    "entity_mentions": (entity_mentions, (entity_mentions.c.article_id, entity_mentions.c.field,
                                          entity_mentions.c.start)),
    "dates": (date_mentions, (date_mentions.c.article_id, date_mentions.c.start)),
    "quotes": (quotes, (quotes.c.article_id, quotes.c.start)),
    "events": (events, (events.c.article_id, events.c.position)),
}


def analysis_parts(conn: Connection, article_ids: Optional[list[str]], parts: Iterable[str]) -> dict[str, list[dict]]:
    """The stored rows of only ``parts`` of the analysis (``entities`` brings its mentions), in the order of
    ``store.analysis.article_results``; every table's key is present, the ones not asked for empty."""
    parts = set(parts)
    wanted = parts | ({"entity_mentions"} if "entities" in parts else set())
    out: dict[str, list[dict]] = {name: [] for name in _ANALYSIS_TABLES}
    for name in wanted:
        table, order = _ANALYSIS_TABLES[name]
        query = select(table).order_by(*order)
        if article_ids is not None:
            query = query.where(table.c.article_id.in_(article_ids))
        out[name] = [dict(row) for row in conn.execute(query).mappings()]
    return out


def global_entities_of(conn: Connection, article_ids: Optional[list[str]]) -> dict[tuple[str, str], dict]:
    """(article id, entity key) → its global entity {id, name, type, aliases}, for ``article_ids`` only
    (every article without).

    Scoped to the articles asked for: an article or entity page used to read (and
    JSON-decode) every link of the store, a cost that grew with the store and
    dominated those pages under load.
    """
    query = (select(entity_links.c.article_id, entity_links.c.key, global_entities.c.id, global_entities.c.name,
                    global_entities.c.type, global_entities.c.aliases)
             .join(global_entities, global_entities.c.id == entity_links.c.global_id))
    if article_ids is not None:
        query = query.where(entity_links.c.article_id.in_(article_ids))
    decoded: dict[str, dict] = {}
    out = {}
    for r in conn.execute(query):
        entity = decoded.get(r.id)
        if entity is None:  # each global entity decoded once, however many articles link to it
            entity = decoded[r.id] = {"id": r.id, "name": r.name, "type": r.type, "aliases": json.loads(r.aliases)}
        out[(r.article_id, r.key)] = entity
    return out


def texts_of(conn: Connection, article_ids: set[str]) -> dict[str, str]:
    """article id → its text."""
    if not article_ids:
        return {}
    rows = conn.execute(select(articles.c.id, articles.c.text).where(articles.c.id.in_(sorted(article_ids))))
    return dict(rows.all())
