"""Reading stories: the list, one story's rows for its dossier, its claim groups, the export's lists.

Every dossier query selects the story's rows through ``story_articles`` (a
subquery, not a list of ids bound as parameters) and only the columns shown, so
the cost grows with the story, not with the store. Rows come back as named
tuples (attribute access) or dicts, never as SQL objects; how they are merged
into a dossier is ``storyweave.queries.stories``'s job.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from typing import Any, NamedTuple, Optional

from sqlalchemy import Connection, func, or_, select

from storyweave.store.schema import (
    articles,
    claim_groups,
    claim_mentions,
    entities,
    entity_links,
    events,
    global_entities,
    quotes,
    stories,
    story_articles,
)


def _members(story_id: str):
    return select(story_articles.c.article_id).where(story_articles.c.story_id == story_id)


def story_rows(conn: Connection, limit: Optional[int] = None) -> list[dict]:
    """Every story's row (id, title, times, size, summary), largest first."""
    query = select(stories).order_by(stories.c.size.desc(), stories.c.id)
    if limit is not None:
        query = query.limit(limit)
    return [dict(r._mapping) for r in conn.execute(query)]


def outlets_by_story(conn: Connection, story_ids: list[str]) -> dict[str, set[str]]:
    """story id → the named outlets of its articles (stories without one are missing)."""
    outlets: dict[str, set[str]] = defaultdict(set)
    for story_id, outlet in conn.execute(
        select(story_articles.c.story_id, articles.c.outlet)
        .join(articles, articles.c.id == story_articles.c.article_id)
        .where(story_articles.c.story_id.in_(story_ids))
    ):
        if outlet:
            outlets[story_id].add(outlet)
    return outlets


def claim_status_counts(conn: Connection, story_ids: list[str]) -> dict[str, Counter]:
    """story id → how many of its claim groups have each status."""
    counts: dict[str, Counter] = defaultdict(Counter)
    for story_id, status, n in conn.execute(
        select(claim_groups.c.story_id, claim_groups.c.status, func.count())
        .where(claim_groups.c.story_id.in_(story_ids))
        .group_by(claim_groups.c.story_id, claim_groups.c.status)
    ):
        counts[story_id][status] = n
    return counts


def find_story_id(conn: Connection, story_id: str) -> Optional[str]:
    """``story_id`` if it is a story, else the story of the article whose id starts with it."""
    if conn.execute(select(stories.c.id).where(stories.c.id == story_id)).first():
        return story_id
    row = conn.execute(
        select(story_articles.c.story_id).where(story_articles.c.article_id.startswith(story_id, autoescape=True))
    ).first()
    return row.story_id if row else None


def story_row(conn: Connection, story_id: str) -> Optional[dict]:
    """One story's row, or ``None``."""
    row = conn.execute(select(stories).where(stories.c.id == story_id)).first()
    return dict(row._mapping) if row is not None else None


def story_articles_of(conn: Connection, story_id: str) -> list[dict]:
    """A story's articles (id, outlet, title, published, url, duplicate_of), in ingest order."""
    return [
        dict(r._mapping)
        for r in conn.execute(
            select(articles.c.id, articles.c.outlet, articles.c.title, articles.c.published, articles.c.url,
                   articles.c.duplicate_of)
            .join(story_articles, story_articles.c.article_id == articles.c.id)
            .where(story_articles.c.story_id == story_id)
            .order_by(articles.c.seq)
        )
    ]


def outlet_by_article(conn: Connection, story_id: str) -> dict[str, Optional[str]]:
    """article id → outlet, for a story's articles."""
    return dict(conn.execute(
        select(articles.c.id, articles.c.outlet)
        .join(story_articles, story_articles.c.article_id == articles.c.id)
        .where(story_articles.c.story_id == story_id)).all())


def story_outlets(conn: Connection, story_id: str) -> set[Optional[str]]:
    """The distinct outlets of a story's articles (``None`` for articles without one)."""
    rows = conn.execute(
        select(articles.c.outlet).distinct()
        .join(story_articles, story_articles.c.article_id == articles.c.id)
        .where(story_articles.c.story_id == story_id))
    return {r.outlet for r in rows}


def foreground_events(conn: Connection, story_id: str) -> list[Any]:
    """A story's events that are news of the day (not background), by article and position."""
    return conn.execute(
        select(events.c.article_id, events.c.date, events.c.type, events.c.code, events.c.action,
               events.c.actor, events.c.target, events.c.place, events.c.start, events.c.end,
               events.c.attributed_to)
        .where(events.c.article_id.in_(_members(story_id)), events.c.background.is_(False))
        .order_by(events.c.article_id, events.c.position)).all()


def quote_rows(conn: Connection, story_id: str) -> list[Any]:
    """A story's quotes, by article and start."""
    return conn.execute(
        select(quotes.c.article_id, quotes.c.speaker_entity, quotes.c.speaker, quotes.c.text, quotes.c.cue,
               quotes.c.direct, quotes.c.kind, quotes.c.start, quotes.c.end)
        .where(quotes.c.article_id.in_(_members(story_id)))
        .order_by(quotes.c.article_id, quotes.c.start)).all()


def speaker_names(conn: Connection, story_id: str) -> dict[tuple[str, str], str]:
    """(article id, entity name) → the name of its global entity, for a story's articles, where
    every entity of that name in the article is one global entity (an article's "Obama" is the
    story's "Barack Obama")."""
    found: dict[tuple[str, str], set[str]] = defaultdict(set)
    for article_id, name, global_name in conn.execute(
        select(entities.c.article_id, entities.c.name, global_entities.c.name)
        .join(entity_links, (entity_links.c.article_id == entities.c.article_id) & (entity_links.c.key == entities.c.key))
        .join(global_entities, global_entities.c.id == entity_links.c.global_id)
        .where(entities.c.article_id.in_(_members(story_id)))
    ):
        found[(article_id, name)].add(global_name)
    return {k: next(iter(v)) for k, v in found.items() if len(v) == 1}


def map_place_rows(conn: Connection, story_id: str) -> list[Any]:
    """A story's geocoded places that are the ground of what happened, with their global entity."""
    return conn.execute(
        select(entities.c.article_id, entities.c.name, entities.c.lat, entities.c.lon,
               entities.c.country, entity_links.c.global_id)
        .outerjoin(entity_links, (entity_links.c.article_id == entities.c.article_id)
                   & (entity_links.c.key == entities.c.key))
        .where(entities.c.article_id.in_(_members(story_id)), entities.c.lat.is_not(None),
               # the map shows the ground: "Washington said" alone puts no pin on Washington
               or_(entities.c.role.is_(None), entities.c.role == "literal"))).all()


class ClaimGroupRow(NamedTuple):
    id: str
    story_id: str
    text: str
    kind: Optional[str]
    status: str
    independent_origins: int
    origins: str
    conflicts: str
    versions: str
    outlets: Optional[int]
    score: Optional[float]


class ClaimMentionRow(NamedTuple):
    group_id: str
    article_id: str
    outlet: Optional[str]
    start: int
    end: int
    text: str
    attributed_to: Optional[str]
    origin_key: Optional[str]
    hedged: Any
    display: Optional[str]
    version: Optional[int]


def claim_group_rows(conn: Connection, story_ids: list[str],
                     claim_id: Optional[str] = None) -> tuple[list[ClaimGroupRow], list[ClaimMentionRow]]:
    """The claim groups of ``story_ids`` (only ``claim_id`` if given), by story, and their mentions
    by article and start (JSON columns left as stored text)."""
    group_filter = [claim_groups.c.story_id.in_(story_ids)]
    if claim_id is not None:
        group_filter.append(claim_groups.c.id == claim_id)
    groups = conn.execute(
        select(claim_groups.c.id, claim_groups.c.story_id, claim_groups.c.text, claim_groups.c.kind,
               claim_groups.c.status, claim_groups.c.independent_origins, claim_groups.c.origins,
               claim_groups.c.conflicts, claim_groups.c.versions, claim_groups.c.outlets, claim_groups.c.score)
        .where(*group_filter).order_by(claim_groups.c.story_id)).all()
    # One join instead of an IN list of every group id: a big story has over a thousand.
    mentions = conn.execute(
        select(claim_mentions.c.group_id, claim_mentions.c.article_id, claim_mentions.c.outlet,
               claim_mentions.c.start, claim_mentions.c.end, claim_mentions.c.text, claim_mentions.c.attributed_to,
               claim_mentions.c.origin_key, claim_mentions.c.hedged, claim_mentions.c.display,
               claim_mentions.c.version)
        .join(claim_groups, claim_groups.c.id == claim_mentions.c.group_id)
        .where(*group_filter)
        .order_by(claim_mentions.c.article_id, claim_mentions.c.start)
    ).all()
    return [ClaimGroupRow(*g) for g in groups], [ClaimMentionRow(*m) for m in mentions]


def all_story_rows(conn: Connection) -> list[dict]:
    """Every story's row, by id (the export's order)."""
    return [dict(r._mapping) for r in conn.execute(select(stories).order_by(stories.c.id))]


def article_ids_by_story(conn: Connection) -> dict[str, list[str]]:
    """story id → its article ids in ingest order."""
    members: dict[str, list[str]] = defaultdict(list)
    for story_id, article_id in conn.execute(
        select(story_articles.c.story_id, story_articles.c.article_id)
        .join(articles, articles.c.id == story_articles.c.article_id)
        .order_by(articles.c.seq)
    ):
        members[story_id].append(article_id)
    return members


def global_entity_names(conn: Connection) -> dict[tuple[str, str], dict]:
    """(article id, article entity key) → global entity {id, name, type, aliases}."""
    rows = conn.execute(
        select(entity_links.c.article_id, entity_links.c.key, global_entities)
        .join(global_entities, global_entities.c.id == entity_links.c.global_id)
    )
    return {
        (r.article_id, r.key): {"id": r.id, "name": r.name, "type": r.type, "aliases": json.loads(r.aliases)}
        for r in rows
    }
