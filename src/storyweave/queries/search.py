"""Article search: full text plus filters (entity, place, outlet, date range).

SQLite uses the contentless FTS5 table ``search_fts`` (migration 0005) whose
rowid is ``articles.seq``. Ingest does not know about it, so the index is
brought up to date here, lazily, before each search: articles only ever gain
rows with a larger ``seq``, so the rows past the largest indexed rowid are
exactly the missing ones (one indexed lookup when nothing is missing).
PostgreSQL matches ``to_tsvector('english', ...)`` against ``plainto_tsquery``;
the expression is the one the GIN index of migration 0005 is built on, so the
planner can use it.

A query is read into at most ``MAX_QUERY_TERMS`` distinct words from its first
``MAX_QUERY_CHARS`` characters (``parse_query``), and the caller is told when it
was cut. Every word is a phrase ANDed into one FTS5 expression, and FTS5's
``bm25()`` costs grow with the square of the phrase count: "the" repeated 1,000
times cost 30 s of CPU on a 500-article store before repeats were dropped and
the count capped.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Optional

from sqlalchemy import and_, func, literal_column, or_, select, table, text, union

from storyweave.store.database import Store
from storyweave.store.schema import articles, entities, entity_links, story_articles

logger = logging.getLogger(__name__)

_WORD = re.compile(r"\w+", re.UNICODE)
_PG_DOCUMENT = "to_tsvector('english', coalesce(articles.title, '') || ' ' || articles.text)"
_SNIPPET_CHARS = 90
#: Distinct words a query may hold; all must match, so more words rarely find anything
#: a shorter query misses, and ranking costs grow with the square of their number.
MAX_QUERY_TERMS = 32
#: Characters of a query that are read (a pasted paragraph is cut at a word boundary).
MAX_QUERY_CHARS = 500


@dataclass(frozen=True)
class SearchFilters:
    """What to look for; every field is optional and they combine with AND."""

    query: str = ""
    entity: Optional[str] = None  # global entity id, article-level key or exact name
    place: Optional[str] = None  # like ``entity``, restricted to geocoded entities
    outlet: Optional[str] = None
    date_from: Optional[str] = None  # ISO date, inclusive
    date_to: Optional[str] = None  # ISO date, inclusive
    limit: int = 50


@dataclass(frozen=True)
class ParsedQuery:
    """The words a query searches for, and why some were left out (``None`` when none were)."""

    terms: list[str]
    notice: Optional[str] = None


@dataclass(frozen=True)
class SearchResult:
    """Matching articles (best first) and the notice of ``parse_query`` when the query was cut."""

    hits: list[dict]
    notice: Optional[str] = None


def parse_query(query: str) -> ParsedQuery:
    """The distinct words of ``query`` (first spelling kept, in order), within the limits.

    Work is linear in ``MAX_QUERY_CHARS`` whatever the query's length: only the
    characters up to that limit are read, and a word the cut goes through is dropped.
    """
    query = query or ""
    notices = []
    window = query[: MAX_QUERY_CHARS + 1]
    words = [m.group() for m in _WORD.finditer(window) if m.end() <= MAX_QUERY_CHARS]
    if len(query) > MAX_QUERY_CHARS and _WORD.search(query, MAX_QUERY_CHARS):
        notices.append(f"The query was cut to its first {MAX_QUERY_CHARS} characters.")
    terms, seen = [], set()
    for word in words:
        key = word.casefold()
        if key not in seen:
            seen.add(key)
            terms.append(word)
    if len(terms) > MAX_QUERY_TERMS:
        notices.append(f"Only the first {MAX_QUERY_TERMS} different words were searched for "
                       f"({len(terms)} given); a shorter query finds the same articles faster.")
        terms = terms[:MAX_QUERY_TERMS]
    return ParsedQuery(terms, " ".join(notices) or None)


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


def _last_indexed(conn) -> int:
    row = conn.execute(text("SELECT rowid FROM search_fts ORDER BY rowid DESC LIMIT 1")).first()
    return row[0] if row else 0


def search_articles(store: Store, filters: SearchFilters) -> list[dict]:
    """Articles matching ``filters``, best match first (newest first without a text query)."""
    return search(store, filters).hits


def search(store: Store, filters: SearchFilters) -> SearchResult:
    """Like ``search_articles``, with the notice saying how a too-long query was cut."""
    parsed = parse_query(filters.query)
    if parsed.notice:
        logger.info("search query cut: %s", parsed.notice)
    terms = parsed.terms
    sync_search_index(store)
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
    query = query.where(*_filter_clauses(filters)).order_by(articles.c.published.desc(), articles.c.seq)
    with store.read() as conn:
        rows = [dict(r._mapping) for r in conn.execute(query.limit(max(1, min(filters.limit, 500))))]
    for row in rows:
        row["snippet"] = _snippet(row.pop("text"), terms)
    return SearchResult(rows, parsed.notice)


def _filter_clauses(filters: SearchFilters) -> list:
    clauses = []
    if filters.outlet:
        clauses.append(func.lower(articles.c.outlet) == filters.outlet.casefold())
    day = func.substr(articles.c.published, 1, 10)
    if filters.date_from:
        clauses.append(day >= filters.date_from[:10])
    if filters.date_to:
        clauses.append(day <= filters.date_to[:10])
    if filters.entity:
        clauses.append(articles.c.id.in_(_articles_naming(filters.entity, places_only=False)))
    if filters.place:
        clauses.append(articles.c.id.in_(_articles_naming(filters.place, places_only=True)))
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


def _snippet(body: str, terms: list[str]) -> str:
    """A window of the text around the first query word (the start without one)."""
    position = -1
    lowered = body.casefold()
    for term in terms:
        match = re.search(r"\b" + re.escape(term.casefold()) + r"\b", lowered)
        if match and (position < 0 or match.start() < position):
            position = match.start()
    if position < 0:
        return body[: 2 * _SNIPPET_CHARS].strip() + ("…" if len(body) > 2 * _SNIPPET_CHARS else "")
    start = max(0, position - _SNIPPET_CHARS)
    end = min(len(body), position + _SNIPPET_CHARS)
    return ("…" if start else "") + body[start:end].strip() + ("…" if end < len(body) else "")


def outlets(store: Store) -> list[str]:
    """Every outlet in the store, for the search form's choices."""
    with store.read() as conn:
        rows = conn.execute(select(articles.c.outlet).where(articles.c.outlet.is_not(None)).distinct())
        return sorted(r[0] for r in rows)
