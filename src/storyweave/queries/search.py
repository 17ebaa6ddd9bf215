"""Article search: full text plus filters (entity, place, outlet, date range).

The SQL (the SQLite FTS5 index kept in sync before each search, the PostgreSQL
text match, the filters) is ``storyweave.store.search``; here a query becomes
words, and the rows become hits with snippets.

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

from storyweave.store import search as search_store
from storyweave.store.database import Store

logger = logging.getLogger(__name__)

_WORD = re.compile(r"\w+", re.UNICODE)
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


def search_articles(store: Store, filters: SearchFilters) -> list[dict]:
    """Articles matching ``filters``, best match first (newest first without a text query)."""
    return search(store, filters).hits


def search(store: Store, filters: SearchFilters) -> SearchResult:
    """Like ``search_articles``, with the notice saying how a too-long query was cut."""
    parsed = parse_query(filters.query)
    if parsed.notice:
        logger.info("search query cut: %s", parsed.notice)
    terms = parsed.terms
    search_store.sync_search_index(store)
    rows = search_store.matching_articles(
        store, terms, outlet=filters.outlet, date_from=filters.date_from, date_to=filters.date_to,
        entity=filters.entity, place=filters.place, limit=max(1, min(filters.limit, 500)))
    for row in rows:
        row["snippet"] = _snippet(row.pop("text"), terms)
    return SearchResult(rows, parsed.notice)


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
    return search_store.outlets(store)
