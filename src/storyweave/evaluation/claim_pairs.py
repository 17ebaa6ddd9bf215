"""Two texts decided as claim alignment decides two outlets' claims: the pair-level view the
sentence-pair sets (MRPC, Emergent, FNC-1) are scored on, shared by ``storyweave.evaluation.claims``
and ``storyweave.evaluation.stance``."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np

from storyweave.link.claims import ArticleClaims
from storyweave.link.claims.contested import disagreement
from storyweave.link.claims.features import candidate_pairs, pair_features, word_similarities
from storyweave.link.claims.matcher import ClaimMatcher
from storyweave.link.claims.scoring import story_table, story_units
from storyweave.link.claims.views import view_scores


def texts_as_articles(texts: Sequence[str], batch_size: int = 64) -> list[ArticleClaims]:
    """Each text analysed as an article whose every sentence is one claim unit (the datasets
    give sentences and headlines to compare as they are, fragments included). Entities are
    keyed by name: two texts naming "Apple" name one entity."""
    from storyweave.nlp.pipeline import load_analyzer, make_doc
    from storyweave.nlp.claims import extract_claims

    nlp = load_analyzer()
    out = []
    for n, doc in enumerate(nlp.pipe((make_doc(nlp, t, None) for t in texts), batch_size=batch_size)):
        claims, _ = extract_claims(doc, whole_sentences=True)
        ids = {e.key: "name:" + e.name.lower() for e in (doc._.entities or ())}
        out.append(ArticleClaims(f"t{n}", f"outlet-{n}", None, None, tuple(claims), tuple(doc._.quotes or ()),
                                 MappingProxyType(ids)))
    return out


#: two texts are about the same thing when some pair of their units is at least this similar
#: (the matcher only ever sees units of one story: it says nothing about another story's)
RELATED = 0.5


@dataclass(frozen=True)
class PairDecision:
    """What claim alignment makes of two texts: the best P(same fact) between their units, and
    whether that best pair disagrees as a contested claim would (why, else None), and whether
    the second text's unit in it hedges or attributes what it says."""

    p: float
    contested: str | None
    relayed: bool
    related: bool


def decide_pair(first: ArticleClaims, second: ArticleClaims, matcher: ClaimMatcher) -> PairDecision:
    """Alignment's decision on two texts, through the product's features, matcher and the
    disagreement test that makes claims contested."""
    units = story_units([first, second])
    if len({u.position for u in units}) < 2:
        return PairDecision(0.0, None, False, False)
    table = story_table(units, matcher.encoder)
    i, j, cos, best_i, best_j = candidate_pairs(table, -1.0, len(units), same_article=False)
    if not len(i):
        return PairDecision(0.0, None, False, False)
    rows = pair_features(table, i, j, cos, best_i, best_j, word_similarities(table))
    p, agree = matcher.probability(rows), matcher.agreeing_probability(rows)
    k = int(np.argmax(p))
    best, pair = float(p[k]), (int(i[k]), int(j[k]))
    # as alignment does: a pair of units is as likely one fact as its best pair through their
    # bare main clauses, less a discount (``link.claims.views``)
    through_views = view_scores(units, table, matcher, matcher.encoder)
    if through_views:
        view_pair, view_p = max(through_views.items(), key=lambda item: item[1])
        if view_p > best:
            best, pair = view_p, view_pair
    contested = None
    for c in np.argsort(-agree):
        if agree[c] < matcher.contest_threshold:
            break
        contested = disagreement(table, int(i[c]), int(j[c]))
        if contested:
            break
    b = units[pair[1]] if units[pair[1]].position == 1 else units[pair[0]]
    return PairDecision(best, contested, bool(b.claim.hedges or b.claim.attributed_to),
                        float(cos.max()) >= RELATED)
