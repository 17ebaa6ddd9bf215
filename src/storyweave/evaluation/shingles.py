"""The article-extraction benchmark's own metric: F1 over word 4-gram shingles.

Re-implemented from the description in the Zyte/Scrapinghub benchmark so that
our figures are comparable with its leaderboard: per document, shingle counts
give TP/FP/FN normalised to sum to one; precision and recall are averaged over
documents (macro), and F1 is the harmonic mean of those two averages.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter
from dataclasses import dataclass
from typing import Iterable

_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class ShingleCounts:
    """Normalised true positives, false positives and false negatives for one document."""

    tp: float
    fp: float
    fn: float

    @property
    def precision(self) -> float:
        if self.fp == self.fn == 0:
            return 1.0
        if self.tp == self.fp == 0:
            return 0.0
        return self.tp / (self.tp + self.fp)

    @property
    def recall(self) -> float:
        if self.fp == self.fn == 0:
            return 1.0
        if self.tp == self.fn == 0:
            return 0.0
        return self.tp / (self.tp + self.fn)


def shingles(text: str, n: int = 4) -> Counter:
    """Count the word n-grams of ``text`` (a short text gives one shorter shingle)."""
    tokens = _WORD.findall(text or "")
    grams = [tuple(tokens[i : i + n]) for i in range(max(1, len(tokens) - n + 1))]
    return Counter(g for g in grams if g)


def match(gold: str, predicted: str, n: int = 4) -> ShingleCounts:
    """Compare one predicted text against its gold text."""
    gold_counts, pred_counts = shingles(gold, n), shingles(predicted, n)
    tp = fp = fn = 0.0
    for key in gold_counts.keys() | pred_counts.keys():
        g, p = gold_counts.get(key, 0), pred_counts.get(key, 0)
        tp += min(g, p)
        fp += max(0, p - g)
        fn += max(0, g - p)
    total = tp + fp + fn
    if total > 0:
        tp, fp, fn = tp / total, fp / total, fn / total
    return ShingleCounts(tp, fp, fn)


@dataclass(frozen=True)
class Scores:
    precision: float
    recall: float
    f1: float
    documents: int


def aggregate(counts: Iterable[ShingleCounts]) -> Scores:
    """Macro-average precision and recall over documents; F1 of the two averages."""
    counts = list(counts)
    precisions = [c.precision for c in counts if c.tp + c.fp > 0]
    recalls = [c.recall for c in counts if c.tp + c.fn > 0]
    precision = statistics.mean(precisions) if precisions else 0.0
    recall = statistics.mean(recalls) if recalls else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Scores(precision, recall, f1, len(counts))
