"""Claims: the checkable statements of an article, as complete units a reader understands alone.

``component`` is the spaCy component (``storyweave_claims``); ``units`` cuts sentences into
claim units, ``attribution`` finds their sources, ``kinds`` their kind, ``ranks`` the
rankings they state and ``display`` their readable text. The records are
``storyweave.records.Claim`` and ``ScopedHedge``.
"""

from storyweave.nlp.claims.component import COMPONENT, ClaimExtractor, extract_claims, make_claims
from storyweave.records import Claim, ClaimNumber, ClaimRank, ScopedHedge

__all__ = [
    "COMPONENT",
    "Claim",
    "ClaimExtractor",
    "ClaimNumber",
    "ClaimRank",
    "ScopedHedge",
    "extract_claims",
    "make_claims",
]
