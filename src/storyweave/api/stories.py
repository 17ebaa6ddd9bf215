"""/api/stories: the story list and each story's dossier."""

from __future__ import annotations

from typing import Optional

from fastapi import APIRouter, Depends, HTTPException, Query, Response
from pydantic import TypeAdapter

from storyweave.api.models import DossierPublic, StorySummaryPublic
from storyweave.queries import reads
from storyweave.queries.stories import find_story, list_stories, story_dossier
from storyweave.serving.cache import PageCache
from storyweave.serving.deps import get_page_cache, get_store
from storyweave.store.database import Store

router = APIRouter(prefix="/stories", tags=["stories"])


@router.get("", response_model=list[StorySummaryPublic])
def read_stories(limit: Optional[int] = Query(None, ge=1), store: Store = Depends(get_store)):
    """Stories, largest first, with outlet counts, claim status counts and time range."""
    return list_stories(store, limit=limit)


_DOSSIER = TypeAdapter(DossierPublic)


@router.get("/{story_id}", response_model=DossierPublic)
def read_dossier(story_id: str, store: Store = Depends(get_store), cache: PageCache = Depends(get_page_cache)):
    """A story's dossier (also found by one of its article ids): every claim in ``claims``, and in
    ``sections`` the ones a reader sees first (key claims, then what only each outlet reports)."""

    def dossier_json() -> bytes:
        found = find_story(store, story_id)
        dossier = story_dossier(store, found) if found else None
        if dossier is None:
            raise HTTPException(404, f"no story {story_id!r}")  # through the cache, which keeps nothing
        return _DOSSIER.dump_json(_DOSSIER.validate_python({**dossier, "markers": reads.event_markers(store, found)}))

    # the JSON is kept until the store changes, like the dossier page (``storyweave.serving.cache``)
    return Response(cache.get(("api-dossier", story_id), dossier_json), media_type="application/json")
