"""Claim alignment across outlets: which facts outlets share, contest, or report alone.

``align`` groups a story's claim units (``features`` and the learned ``matcher`` decide
which state the same fact), finds contested propositions and counts independent origins;
``records`` holds what goes in and comes out.
"""

from storyweave.link.claims.align import align_claims
from storyweave.link.claims.inputs import article_claims_from_analysis
from storyweave.link.claims.records import (
    STATUSES,
    ArticleClaims,
    ClaimGroup,
    ClaimMention,
    ClaimVersion,
)

__all__ = [
    "STATUSES",
    "ArticleClaims",
    "ClaimGroup",
    "ClaimMention",
    "ClaimVersion",
    "align_claims",
    "article_claims_from_analysis",
]
