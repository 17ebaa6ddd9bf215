"""/api/quotes: who said what."""

from __future__ import annotations

from typing import Optional

from fastapi import APIRouter, Depends

from storyweave.api.models import QuotePublic
from storyweave.queries import reads
from storyweave.serving.deps import get_store
from storyweave.store.database import Store

router = APIRouter(prefix="/quotes", tags=["quotes"])


@router.get("", response_model=list[QuotePublic])
def read_quotes(story: Optional[str] = None, article: Optional[str] = None, speaker: Optional[str] = None,
                store: Store = Depends(get_store)):
    """Quotes and reported speech, by story, article or speaker."""
    return reads.quotes_of(store, story_id=story, article_id=article, speaker=speaker)
