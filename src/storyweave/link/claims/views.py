"""Units compared through their bare main clauses too (part of stage 2 of alignment).

A sentence's relative and adverbial clauses and appositions can hide what it asserts from
another outlet that states just that ("Fred LaRue, known as the 'bagman' because he
delivered payments ..., was found dead in a hotel room in Biloxi" / "His body was discovered
yesterday by a maid who entered his hotel room in Biloxi"). The analysis keeps each unit's
main clause without them (``records.ClaimView``); here it is scored against the other
articles' units and main clauses by the same matcher, and a pair of units is as likely one
fact as its best pair so found, less a discount. Only main clauses: a subordinate clause
alone ("who was elected in 2015") may match a sentence about someone else, and the row would
show the unit's own statement as corroborated. The reader is still shown whole units.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from storyweave.link.claims.features import UnitTable, build_table, candidate_pairs, pair_features
from storyweave.link.claims.matcher import ClaimMatcher
from storyweave.link.claims.scoring import Unit, encoders

#: a pair of units scored through a main clause counts this much less than the main clause's own
#: P: a short clause shares its few words more easily than a sentence shares its many (on
#: ecb-shared-facts, shared-fact recall 0.636 → 0.653 at precision 0.837 → 0.841; with 0,
#: precision 0.822)
VIEW_DISCOUNT = 0.1
#: each view's candidates: the most similar units or views of every other article, and of all,
#: from this cosine on (fewer than a unit's own: a view only adds what its unit's candidates
#: miss; these cuts left ecb-shared-facts as it was and halved the time views take)
VIEW_PER_ARTICLE = 2
VIEW_PER_UNIT = 4
VIEW_MIN_COS = 0.5


@dataclass(frozen=True, slots=True)
class ViewClaim:
    """A unit's main clause (``records.ClaimView``) as the matcher's table reads a claim: its
    words and what it states; its kind, polarity, and whether it is a headline or denied, are
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
    return [ViewClaim(v.text, v.text, v.start, v.end, claim.kind, bool(claim.negated), bool(claim.denied),
                      bool(claim.headline), v.lemmas, v.atoms, v.entities, v.numbers, v.dates) for v in claim.views]


def view_scores(units: Sequence[Unit], table: UnitTable, matcher: ClaimMatcher,
                encoder: str) -> dict[tuple[int, int], float]:
    """P(same fact) of unit pairs of different articles through their main clauses: each pair
    of units gets the best P of one's main clause against the other, whole or its main clause,
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
