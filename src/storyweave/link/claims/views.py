"""Clauses inside claim units compared on their own (part of stage 2 of alignment).

Two outlets often share one fact inside two long sentences that each say much else ("Robert
Buckley, 32, who had been living and working in Christchurch, fell about 2,000 feet ..." / "Mr
Buckley, originally from Essex, lived in New Zealand"): compared whole, the sentences look
unlike. The analysis keeps each unit's clauses and its bare main clause (``records.ClaimView``);
here each is scored against the other articles' units and views by the same matcher, and a
pair of units is as likely one fact as its best pair of views, less a discount. The reader is
still shown whole units: views only decide which units state one fact.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from storyweave.link.claims.features import UnitTable, build_table, candidate_pairs, pair_features
from storyweave.link.claims.matcher import ClaimMatcher
from storyweave.link.claims.scoring import Unit, encoders

#: a pair of units scored through a pair of their views counts this much less than the views'
#: own P: a clause alone shares its few words more easily than a sentence shares its many (on
#: ecb-shared-facts, with no discount shared-fact recall rose 0.642 → 0.699 but precision fell
#: 0.839 → 0.804; with 0.2, 0.688 at 0.839)
VIEW_DISCOUNT = 0.2
#: each view's candidates: the most similar units or views of every other article, and of all,
#: from this cosine on (fewer than a unit's own: a view only adds what its unit's candidates
#: miss; none of these cuts changed ecb-shared-facts, and they halve the time views take)
VIEW_PER_ARTICLE = 2
VIEW_PER_UNIT = 4
VIEW_MIN_COS = 0.5


@dataclass(frozen=True, slots=True)
class ViewClaim:
    """A unit's view (``records.ClaimView``) as the matcher's table reads a claim: the
    clause's words and what it states; its kind, and whether it is a headline or denied, are
    the unit's."""

    text: str
    content: str
    start: int
    end: int
    kind: str
    negated: bool
    denied: bool
    headline: bool
    lemmas: str
    atoms: tuple[str, ...]
    entities: tuple[str, ...]
    numbers: tuple
    dates: tuple[str, ...]


def view_claims(claim) -> list[ViewClaim]:
    """A unit's views as claims of their own for the matcher."""
    return [ViewClaim(v.text, v.text, v.start, v.end, claim.kind, v.negated, bool(claim.denied), bool(claim.headline),
                      v.lemmas, v.atoms, v.entities, v.numbers, v.dates) for v in claim.views]


def view_scores(units: Sequence[Unit], table: UnitTable, matcher: ClaimMatcher, encoder: str) -> dict[tuple[int, int], float]:
    """P(same fact) of unit pairs of different articles through their views: two long
    sentences that each say much else may share one clause's fact ("Buckley, who had been
    living and working in Christchurch, fell ..." / "Mr Buckley lived in New Zealand"). Each
    pair of units gets the best P of a pair of their views (a unit is a view of itself too),
    less ``VIEW_DISCOUNT``; pairs of two whole units are left to ``score_pairs``."""
    rows, owners = [], []
    for n, u in enumerate(units):
        for claim in view_claims(u.claim):
            entities = frozenset(u.article.entity_ids.get(k, f"{u.article.article_id}:{k}") for k in claim.entities)
            rows.append((u.position, claim, entities))
            owners.append(n)
    if not rows:
        return {}
    owner = np.asarray(list(range(len(units))) + owners, dtype=np.int64)
    encode, encode_words = encoders(encoder)

    def encode_views(texts: list[str]) -> np.ndarray:  # the units' own vectors are in ``table``
        return np.vstack([table.vectors, encode(texts[len(units):])])

    views = build_table([(u.position, u.claim, u.entities) for u in units] + rows, encode_views, encode_words)
    # each view looks for its candidates among the other articles' units and views; two whole
    # units are ``score_pairs``'s
    i, j, cos, best_i, best_j = candidate_pairs(views, max(matcher.min_cos, VIEW_MIN_COS), VIEW_PER_ARTICLE,
                                                same_article=False, per_unit=VIEW_PER_UNIT, first_row=len(units))
    if not len(i):
        return {}
    p = matcher.probability(pair_features(views, i, j, cos, best_i, best_j)) - VIEW_DISCOUNT
    found: dict[tuple[int, int], float] = {}
    for a, b, x in zip(owner[i], owner[j], p):
        if a == b or x <= 0:
            continue
        key = (int(a), int(b)) if a < b else (int(b), int(a))
        if x > found.get(key, 0.0):
            found[key] = float(x)
    return found
