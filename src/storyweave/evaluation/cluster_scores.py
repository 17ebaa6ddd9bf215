"""B-cubed and pairwise scores of a clustering against a gold one.

B-cubed (Bagga & Baldwin 1998): for each item, the share of its predicted cluster that is in its
gold cluster (precision) and the share of its gold cluster that is in its predicted cluster
(recall), averaged over the items. Pairwise: precision and recall over the item pairs put
together. Scored over the items of the gold clustering. Used for stories (ECB+ documents) and
cross-document entities (MEANTIME instances).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Hashable, Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class ClusterScores:
    """B-cubed and pairwise scores of one clustering against the gold one."""

    bcubed_p: float
    bcubed_r: float
    bcubed_f1: float
    pair_p: float
    pair_r: float
    pair_f1: float
    predicted: int
    gold: int


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def score_clusters(predicted: Mapping[str, Hashable], gold: Mapping[str, Hashable]) -> ClusterScores:
    """Score ``predicted`` (item -> cluster) against ``gold`` over the items in ``gold``."""
    items = list(gold)
    pred_members: dict[Hashable, set[str]] = defaultdict(set)
    gold_members: dict[Hashable, set[str]] = defaultdict(set)
    for item in items:
        pred_members[predicted[item]].add(item)
        gold_members[gold[item]].add(item)
    precision = recall = 0.0
    for item in items:
        ours, theirs = pred_members[predicted[item]], gold_members[gold[item]]
        both = len(ours & theirs)
        precision += both / len(ours)
        recall += both / len(theirs)
    precision, recall = precision / len(items), recall / len(items)

    def pairs(sizes) -> int:
        return sum(n * (n - 1) // 2 for n in sizes)

    joint = Counter((predicted[i], gold[i]) for i in items)
    true_pairs = pairs(joint.values())
    pred_pairs = pairs(len(m) for m in pred_members.values())
    gold_pairs = pairs(len(m) for m in gold_members.values())
    pair_p = true_pairs / pred_pairs if pred_pairs else 1.0
    pair_r = true_pairs / gold_pairs if gold_pairs else 1.0
    return ClusterScores(
        precision, recall, _f1(precision, recall), pair_p, pair_r, _f1(pair_p, pair_r),
        len(pred_members), len(gold_members),
    )
