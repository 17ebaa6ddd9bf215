"""Article search in SQL: the SQLite FTS5 index, the PostgreSQL text match, and the filters.

SQLite uses the contentless FTS5 table ``search_fts`` (migration 0005) whose
rowid is ``articles.seq``. Ingest does not know about it, so the index is
brought up to date lazily, before each search (``sync_search_index``): articles
only ever gain rows with a larger ``seq``, so the rows past the largest indexed
rowid are exactly the missing ones (one indexed lookup when nothing is missing).
PostgreSQL matches ``to_tsvector('english', ...)`` against ``plainto_tsquery``;
the expression is the one the GIN index of migration 0005 is built on, so the
planner can use it.

What a query means (its words, their limits, the snippets) is decided by
``storyweave.queries.search``; this module only turns it into SQL.
"""

from __future__ import annotations

import logging
from typing import Optional

from sqlalchemy import Connection, and_, func, literal_column, or_, select, table, text, union

from storyweave.store.database import Store
from storyweave.store.schema import articles, entities, entity_links, story_articles

logger = logging.getLogger(__name__)

_PG_DOCUMENT = "to_tsvector('english', coalesce(articles.title, '') || ' ' || articles.text)"


def sync_search_index(store: Store) -> int:
    """Index the articles the SQLite FTS table does not have yet; return how many."""
    if store.dialect != "sqlite":
        return 0
    with store.read() as conn:
        last = _last_indexed(conn)
        missing = conn.execute(select(func.count()).where(articles.c.seq > last)).scalar_one()
    if not missing:
        return 0
    with store.write() as conn:
        last = _last_indexed(conn)  # another writer may have synced meanwhile
        result = conn.execute(
            text("INSERT INTO search_fts(rowid, title, text) "
                 "SELECT seq, coalesce(title, ''), text FROM articles WHERE seq > :last ORDER BY seq"),
            {"last": last},
        )
    logger.info("indexed %d articles for search", result.rowcount)
    return result.rowcount


def _last_indexed(conn: Connection) -> int:
    row = conn.execute(text("SELECT rowid FROM search_fts ORDER BY rowid DESC LIMIT 1")).first()
    return row[0] if row else 0


def matching_articles(
    store: Store,
    terms: list[str],
    *,
    outlet: Optional[str] = None,
    date_from: Optional[str] = None,
    date_to: Optional[str] = None,
    entity: Optional[str] = None,
    place: Optional[str] = None,
    limit: int = 50,
) -> list[dict]:
    """Articles containing every one of ``terms`` and passing the filters, best match first
    (newest first without terms): id, outlet, title, published, url, text and story.

    The caller syncs the SQLite index first (``sync_search_index``).
    """
    columns = [articles.c.id, articles.c.outlet, articles.c.title, articles.c.published, articles.c.url,
               articles.c.text, story_articles.c.story_id.label("story")]
    query = select(*columns).outerjoin(story_articles, story_articles.c.article_id == articles.c.id)
    if terms and store.dialect == "sqlite":
        fts = table("search_fts", literal_column("rowid"))
        match = " ".join('"' + t.replace('"', "") + '"' for t in terms)  # each word literal, AND-ed
        ranked = (
            select(literal_column("rowid").label("seq"), literal_column("bm25(search_fts)").label("rank"))
            .select_from(fts)
            .where(literal_column("search_fts").op("MATCH")(match))
            .subquery()
        )
        query = query.join(ranked, ranked.c.seq == articles.c.seq).order_by(ranked.c.rank)
    elif terms:
        tsquery = func.plainto_tsquery(literal_column("'english'"), " ".join(terms))
        document = literal_column(_PG_DOCUMENT)
        query = query.where(document.op("@@")(tsquery)).order_by(func.ts_rank(document, tsquery).desc())
    clauses = _filter_clauses(outlet, date_from, date_to, entity, place)
    query = query.where(*clauses).order_by(articles.c.published.desc(), articles.c.seq)
    with store.read() as conn:
        return [dict(r._mapping) for r in conn.execute(query.limit(limit))]


def _filter_clauses(outlet, date_from, date_to, entity, place) -> list:
    clauses = []
    if outlet:
        clauses.append(func.lower(articles.c.outlet) == outlet.casefold())
    day = func.substr(articles.c.published, 1, 10)
    if date_from:
        clauses.append(day >= date_from[:10])
    if date_to:
        clauses.append(day <= date_to[:10])
    if entity:
        clauses.append(articles.c.id.in_(_articles_naming(entity, places_only=False)))
    if place:
        clauses.append(articles.c.id.in_(_articles_naming(place, places_only=True)))
    return clauses


def _articles_naming(value: str, *, places_only: bool):
    """Ids of articles that mention the entity ``value`` names (global id, key or name)."""
    geo = [entities.c.lat.is_not(None)] if places_only else []
    linked = (
        select(entity_links.c.article_id)
        .join(entities, and_(entities.c.article_id == entity_links.c.article_id, entities.c.key == entity_links.c.key))
        .where(entity_links.c.global_id == value, *geo)
    )
    local = select(entities.c.article_id).where(
        or_(entities.c.key == value, func.lower(entities.c.name) == value.casefold()), *geo
    )
    return union(linked, local)


def outlets(store: Store) -> list[str]:
    """Every outlet in the store, sorted."""
    with store.read() as conn:
        rows = conn.execute(select(articles.c.outlet).where(articles.c.outlet.is_not(None)).distinct())
        return sorted(r[0] for r in rows)
