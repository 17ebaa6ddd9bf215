"""/api/entities: cross-document entities, their mentions and their quotes."""

from __future__ import annotations

from typing import Optional

from fastapi import APIRouter, Depends, HTTPException, Query

from storyweave.api.models import EntityPublic, EntitySummaryPublic
from storyweave.queries import reads
from storyweave.serving.deps import get_store
from storyweave.store.database import Store

router = APIRouter(prefix="/entities", tags=["entities"])


@router.get("", response_model=list[EntitySummaryPublic])
def read_entities(type: Optional[str] = None, name: Optional[str] = None,
                  limit: int = Query(200, ge=1, le=10_000), store: Store = Depends(get_store)):
    """Entities by number of articles that mention them; filter by type (PERSON, ORG, GPE...) or name."""
    return reads.list_entities(store, type_=type, name=name, limit=limit)


@router.get("/{entity_id:path}", response_model=EntityPublic)
def read_entity(entity_id: str, store: Store = Depends(get_store)):
    """One entity: aliases, coordinates when it is a place, every mention and its quotes."""
    entity = reads.entity_detail(store, entity_id)
    if entity is None:
        raise HTTPException(404, f"no entity {entity_id!r}")
    return entity
