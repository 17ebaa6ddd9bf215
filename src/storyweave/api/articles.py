"""/api/articles: stored articles."""

from __future__ import annotations

from typing import Optional

from fastapi import APIRouter, Depends, HTTPException, Query

from storyweave.api.models import ArticlePublic, ArticleSummaryPublic
from storyweave.queries import reads
from storyweave.queries.articles import article_public, get_article, list_articles
from storyweave.serving.deps import get_store
from storyweave.store.database import Store

router = APIRouter(prefix="/articles", tags=["articles"])


@router.get("", response_model=list[ArticleSummaryPublic])
def read_articles(outlet: Optional[str] = None, limit: int = Query(100, ge=1, le=10_000),
                  store: Store = Depends(get_store)):
    """Articles in ingest order, optionally from one outlet."""
    return [article_public(a) for a in list_articles(store, outlet=outlet, limit=limit)]


@router.get("/{article_id}", response_model=ArticlePublic)
def read_article(article_id: str, store: Store = Depends(get_store)):
    """One article (id or unique id prefix) with its text, removed furniture and story."""
    article = get_article(store, article_id)
    if article is None:
        raise HTTPException(404, f"no article {article_id!r}")
    return {**article_public(article), "story": reads.story_of_article(store, article.id)}
