"""/api/claims: claims aligned across outlets, with status and independent origins."""

from __future__ import annotations

from typing import Literal, Optional

from fastapi import APIRouter, Depends, HTTPException

from storyweave.api.models import ClaimPublic
from storyweave.queries import reads
from storyweave.serving.deps import get_store
from storyweave.store.database import Store

router = APIRouter(prefix="/claims", tags=["claims"])


@router.get("", response_model=list[ClaimPublic])
def read_claims(story: Optional[str] = None,
                status: Optional[Literal["corroborated", "contested", "single-source"]] = None,
                store: Store = Depends(get_store)):
    """Aligned claims, by story and status."""
    return reads.claims_of(store, story_id=story, status=status)


@router.get("/{claim_id}", response_model=ClaimPublic)
def read_claim(claim_id: str, store: Store = Depends(get_store)):
    """One claim with the sentence each article reports it in."""
    found = reads.claim(store, claim_id)
    if found is None:
        raise HTTPException(404, f"no claim {claim_id!r}")
    return found
