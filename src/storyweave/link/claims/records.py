"""What claim alignment reads and returns: articles' claims in, claim groups out."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from storyweave.link.origins import Origin

_EMPTY: Mapping[str, str] = MappingProxyType({})
STATUSES = ("corroborated", "contested", "single-source")


@dataclass(frozen=True)
class ArticleClaims:
    """One article's claims with what alignment needs to know about the article.

    ``entity_ids`` maps the article's entity keys to global entity ids;
    ``entity_names`` maps lower-case canonical names (and aliases) to global ids, so a
    speaker named only by text ("Syrian Defense Ministry") finds its entity.
    """

    article_id: str
    outlet: str | None
    published: str | None
    duplicate_of: str | None
    claims: tuple = ()  # of storyweave.records.Claim
    quotes: tuple = ()  # of storyweave.nlp.quotes.Quote
    entity_ids: Mapping[str, str] = field(default_factory=lambda: _EMPTY)
    entity_names: Mapping[str, str] = field(default_factory=lambda: _EMPTY)


@dataclass(frozen=True)
class ClaimMention:
    """Where one outlet makes the claim; ``origin_key`` is its (first) independent origin.

    ``display`` is the claim unit's readable text; ``version`` the index of the version it
    belongs to in a contested group (0 otherwise).
    """

    article_id: str
    outlet: str | None
    start: int
    end: int
    text: str
    attributed_to: str | None
    origin_key: str
    hedged: bool
    origin_keys: tuple[str, ...] = ()
    negated: bool = False
    display: str = ""
    version: int = 0


@dataclass(frozen=True)
class ClaimVersion:
    """One side of a contested claim: what it says ("second-largest city") and who says it."""

    text: str
    outlets: tuple[str, ...]


@dataclass(frozen=True)
class ClaimGroup:
    """One fact across outlets: its text, status, independent origins and every mention.

    ``status`` is ``corroborated`` (two or more independent origins), ``single-source``
    (one origin, however many outlets relay it) or ``contested`` (outlets state
    incompatible versions, listed in ``versions`` with ``conflicts`` saying why).
    """

    id: str
    text: str
    kind: str
    status: str
    independent_origins: int
    origins: tuple[Origin, ...]
    mentions: tuple[ClaimMention, ...]
    conflicts: tuple[str, ...] = ()
    versions: tuple[ClaimVersion, ...] = ()
    outlets: int = 0
    score: float = 0.0
