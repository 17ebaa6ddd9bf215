"""Read-side views of articles, shared by the CLI, the export and (later) the API."""

from __future__ import annotations

from typing import Optional

from storyweave.records import Article, QuarantineRecord
from storyweave.store import articles as article_store
from storyweave.store.database import Store


def article_public(article: Article) -> dict:
    """An article as the outside world sees it (the JSON export's ``articles[]`` item)."""
    return {
        "id": article.id,
        "outlet": article.outlet,
        "url": article.url,
        "title": article.title,
        "published": article.published,
        "author": article.author,
        "language": article.language,
        "site_name": article.site_name,
        "source": article.source,
        "duplicate_of": article.duplicate_of,
        "duplicate_kind": article.duplicate_kind,
        "text": article.text,
        "removed": [{"kind": span.kind, "text": span.text} for span in article.removed],
    }


def list_articles(
    store: Store, *, outlet: Optional[str] = None, include_duplicates: bool = True, limit: Optional[int] = None
) -> list[Article]:
    """Stored articles in ingest order."""
    with store.read() as conn:
        return article_store.list_articles(
            conn, outlet=outlet, include_duplicates=include_duplicates, limit=limit
        )


def get_article(store: Store, article_id: str) -> Optional[Article]:
    """One article with its removed furniture, by id or unique id prefix."""
    with store.read() as conn:
        return article_store.get_article(conn, article_id)


def articles_with_furniture(store: Store, *, include_duplicates: bool = True) -> list[Article]:
    """Every article with its removed furniture, fetched in two queries."""
    with store.read() as conn:
        items = article_store.list_articles(conn, include_duplicates=include_duplicates)
        removed = article_store.removed_by_article(conn, [a.id for a in items])
    return [_with_removed(a, removed.get(a.id, ())) for a in items]


def _with_removed(article: Article, removed) -> Article:
    from dataclasses import replace

    return replace(article, removed=removed)


def list_quarantine(store: Store, *, limit: Optional[int] = None) -> list[QuarantineRecord]:
    """Documents that could not be read, with the reason."""
    with store.read() as conn:
        return article_store.list_quarantine(conn, limit=limit)
