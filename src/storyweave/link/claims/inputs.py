"""``ArticleClaims`` from an analysis and the entity resolution (what the store does, in memory)."""

from __future__ import annotations

from types import MappingProxyType
from typing import Any

from storyweave.link.claims.records import ArticleClaims


def article_claims_from_analysis(
    analysis: Any, outlet: str | None, published: str | None, resolution: Any, duplicate_of: str | None = None
) -> ArticleClaims:
    """``ArticleClaims`` from an ``ArticleAnalysis`` and a ``link.entities.Resolution``."""
    ids: dict[str, str] = {}
    names: dict[str, str] = {}
    for entity in analysis.entities:
        gid = resolution.assignments.get((analysis.article_id, entity.key))
        if gid is None:
            continue
        ids[entity.key] = gid
        for name in (entity.name, *entity.aliases):
            names.setdefault(name.lower(), gid)
    return ArticleClaims(
        analysis.article_id,
        outlet,
        published,
        duplicate_of,
        tuple(analysis.claims),
        tuple(analysis.quotes),
        MappingProxyType(ids),
        MappingProxyType(names),
    )


def articles_from_texts(items, batch_size: int = 16) -> list[ArticleClaims]:
    """What the store path gives alignment, done in memory: analyse ``items`` (``(article_id,
    text, outlet, published)`` each), resolve their entities together, and return each
    article's claims. Evaluations and the matcher's training script read stories this way."""
    from storyweave.link.entities import records_from_entities, resolve_entities
    from storyweave.nlp.analysis import AnalysisInput, analyze_texts

    items = list(items)
    analyses = list(analyze_texts([AnalysisInput(i, t, p) for i, t, _, p in items], batch_size=batch_size))
    records = [r for a in analyses for r in records_from_entities(a.article_id, a.entities)]
    resolution = resolve_entities(records)
    return [article_claims_from_analysis(a, item[2], item[3], resolution) for a, item in zip(analyses, items)]
