"""Read-side functions for entities, map markers, claims and lists, shared by the API and the web pages.

Each one returns plain data (dicts and lists) built on the query layer, so the
JSON route and the HTML page for the same resource show the same thing.
"""

from __future__ import annotations

from typing import Optional

from sqlalchemy import and_, select

from storyweave.queries.analysis import analysis_public
from storyweave.queries.stories import _claims as story_claims
from storyweave.store.database import Store
from storyweave.store.schema import (
    articles,
    claim_groups,
    claim_mentions,
    claims,
    entities,
    entity_links,
    events,
    global_entities,
    story_articles,
)


def story_article_ids(store: Store, story_id: str) -> list[str]:
    """The ids of a story's articles, in ingest order."""
    with store.read() as conn:
        rows = conn.execute(
            select(story_articles.c.article_id)
            .join(articles, articles.c.id == story_articles.c.article_id)
            .where(story_articles.c.story_id == story_id)
            .order_by(articles.c.seq)
        )
        return [r[0] for r in rows]


def event_markers(store: Store, story_id: str) -> list[dict]:
    """The story's events that happen at a geocoded place, with its coordinates."""
    place = entities.alias("place")
    with store.read() as conn:
        rows = conn.execute(
            select(events.c.article_id, events.c.position, events.c.type, events.c.code, events.c.action,
                   events.c.actor, events.c.target, events.c.date, events.c.place, events.c.background,
                   articles.c.outlet, place.c.lat, place.c.lon, place.c.country)
            .join(story_articles, story_articles.c.article_id == events.c.article_id)
            .join(articles, articles.c.id == events.c.article_id)
            .join(place, and_(place.c.article_id == events.c.article_id, place.c.key == events.c.place_entity))
            .where(story_articles.c.story_id == story_id, place.c.lat.is_not(None))
            .order_by(events.c.article_id, events.c.position)
        )
        return [
            {"id": f"{r.article_id}:e{r.position}", "article": r.article_id, "outlet": r.outlet, "type": r.type,
             "code": r.code, "action": r.action, "actor": r.actor, "target": r.target, "date": r.date,
             "place": r.place, "background": bool(r.background), "lat": r.lat, "lon": r.lon, "country": r.country}
            for r in rows
        ]


def article_claims(store: Store, article_id: str) -> list[dict]:
    """The check-worthy claims found in one article, with the status of their story-level group."""
    with store.read() as conn:
        rows = [dict(r._mapping) for r in conn.execute(
            select(claims.c.position, claims.c.text, claims.c.start, claims.c.end, claims.c.kind,
                   claims.c.attributed_to, claims.c.hedged)
            .where(claims.c.article_id == article_id).order_by(claims.c.position))]
        # Through the article's story: claim_mentions has no index on article_id alone, and
        # filtering it directly scanned every claim mention of the store on each article page.
        status = {
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
    for row in rows:
        row["group"], row["status"] = status.get((row["start"], row["end"]), (None, None))
        row["hedged"] = bool(row["hedged"])
    return rows


def claims_of(store: Store, story_id: Optional[str] = None, status: Optional[str] = None) -> list[dict]:
    """Aligned claims of one story (or of all stories), optionally of one status."""
    with store.read() as conn:
        if story_id is None:
            story_ids = [r[0] for r in conn.execute(select(claim_groups.c.story_id).distinct())]
        else:
            story_ids = [story_id]
        found = story_claims(conn, story_ids)
    return [c for c in found if status is None or c["status"] == status]


def claim(store: Store, claim_id: str) -> Optional[dict]:
    """One aligned claim with every sentence that reports it."""
    with store.read() as conn:
        row = conn.execute(select(claim_groups.c.story_id).where(claim_groups.c.id == claim_id)).first()
        if row is None:
            return None
        found = story_claims(conn, [row.story_id], claim_id)
        return found[0] if found else None


def list_entities(store: Store, *, type_: Optional[str] = None, name: Optional[str] = None,
                  limit: int = 200) -> list[dict]:
    """Cross-document entities with the number of articles that mention each."""
    from sqlalchemy import func

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
    with store.read() as conn:
        return [dict(r._mapping) for r in conn.execute(query)]


def entity_detail(store: Store, entity_id: str) -> Optional[dict]:
    """One entity (global id or article-level key): names, place, every mention, quotes by and about it."""
    with store.read() as conn:
        ids = [r[0] for r in conn.execute(
            select(entity_links.c.article_id).where(entity_links.c.global_id == entity_id)
            .union(select(entities.c.article_id).where(entities.c.key == entity_id)))]
        if not ids:
            return None
        meta = {r.id: {"outlet": r.outlet, "title": r.title, "published": r.published, "text": r.text}
                for r in conn.execute(select(articles.c.id, articles.c.outlet, articles.c.title,
                                             articles.c.published, articles.c.text).where(articles.c.id.in_(ids)))}
    data = analysis_public(store, ids, parts=("entities", "quotes"))
    entity = next((e for e in data["entities"] if e["id"] == entity_id), None)
    if entity is None:
        return None
    names = {entity["name"].casefold(), *(a.casefold() for a in entity["aliases"])}
    mentions = []
    for m in entity["mentions"]:
        info = meta.get(m["article"], {})
        context = ""
        if not m.get("field") and info.get("text"):
            body = info["text"]
            context = body[max(0, m["start"] - 80): m["end"] + 80]
        mentions.append({**m, "outlet": info.get("outlet"), "title": info.get("title"), "context": context})
    quotes = [q for q in data["quotes"] if (q["speaker_entity"] or "").casefold() in names]
    # Quotes about the entity: someone else's words that mention it.
    spans: dict[str, set[tuple[int, int]]] = {}  # by article: each quote looks at its own article's only
    for m in entity["mentions"]:
        if not m.get("field"):
            spans.setdefault(m["article"], set()).add((m["start"], m["end"]))
    about = [
        q for q in data["quotes"]
        if (q["speaker_entity"] or "").casefold() not in names
        and any(q["start"] <= s and e <= q["end"] for s, e in spans.get(q["article"], ()))
    ]
    for q in quotes + about:
        q["outlet"] = meta.get(q["article"], {}).get("outlet")
    return {**entity, "mentions": mentions, "quotes": quotes, "quotes_about": about}


def quotes_of(store: Store, *, story_id: Optional[str] = None, speaker: Optional[str] = None,
              article_id: Optional[str] = None) -> list[dict]:
    """Quotes, filtered by story, article, or speaker (name or speaker entity, case-insensitive)."""
    ids = story_article_ids(store, story_id) if story_id else None
    if article_id:
        ids = [a for a in (ids or [article_id]) if a == article_id]
    found = analysis_public(store, ids, parts=("quotes",))["quotes"]
    if speaker:
        wanted = speaker.casefold()
        found = [q for q in found if wanted in (q["speaker"] or "").casefold()
                 or wanted == (q["speaker_entity"] or "").casefold()]
    return found


def events_of(store: Store, *, story_id: Optional[str] = None, type_: Optional[str] = None,
              article_id: Optional[str] = None) -> list[dict]:
    """Coded events, filtered by story, article or PLOVER type."""
    ids = story_article_ids(store, story_id) if story_id else None
    if article_id:
        ids = [a for a in (ids or [article_id]) if a == article_id]
    found = analysis_public(store, ids, parts=("events",))["events"]
    if type_:
        found = [e for e in found if e["type"] == type_.upper()]
    return found


def entity_keys_to_global(store: Store, article_id: str) -> dict[str, str]:
    """Article-level entity key → global entity id, for links from an article page."""
    with store.read() as conn:
        rows = conn.execute(select(entity_links.c.key, entity_links.c.global_id)
                            .where(entity_links.c.article_id == article_id))
        return {r.key: r.global_id for r in rows}


def story_of_article(store: Store, article_id: str) -> Optional[str]:
    with store.read() as conn:
        row = conn.execute(select(story_articles.c.story_id).where(story_articles.c.article_id == article_id)).first()
        return row[0] if row else None

