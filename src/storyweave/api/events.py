"""/api/events: PLOVER-coded events."""

from __future__ import annotations

from typing import Optional

from fastapi import APIRouter, Depends

from storyweave.api.models import EventPublic
from storyweave.queries import reads
from storyweave.serving.deps import get_store
from storyweave.store.database import Store

router = APIRouter(prefix="/events", tags=["events"])


@router.get("", response_model=list[EventPublic])
def read_events(story: Optional[str] = None, article: Optional[str] = None, type: Optional[str] = None,
                store: Store = Depends(get_store)):
    """Events (actor, action, target, place, date), by story, article or type."""
    return reads.events_of(store, story_id=story, article_id=article, type_=type)
