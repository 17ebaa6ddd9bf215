"""``storyweave eval claims``: claim alignment scored end to end and pair by pair.

- ``shared-facts``: each ``ecb-shared-facts`` pair is run through the product as a
  two-article story (analysis, entity resolution, ``align_claims``); aligned groups are
  scored as the set's README defines (its ``tools/score.py`` is the reference): a group is
  *aligned* with a mention in each article; it *matches* a gold item when a mention overlaps
  the item's evidence in each article. Shared-fact recall, aligned-group precision,
  contested precision and recall, micro-averaged; with the granularity of what is aligned
  (mentions per aligned group, words per mention), since coarse mentions match more.
  Also the share of claim rows that are fragments (no finite verb, or 3 words or fewer).
- ``mrpc``: the same-fact decision on MRPC test sentence pairs: each sentence is analysed
  as an article, and the pair is one fact when the matcher's probability for its best pair
  of claim units reaches the product's threshold; the threshold tuned on MRPC train
  (allowed: evaluation and threshold tuning only) is reported beside it.

The figures of the design this replaced (git 68e7e34) are in ``BEFORE`` for comparison.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from storyweave.evaluation.claim_pairs import (  # noqa: F401  (PairDecision, decide_pair: their old home)
    PairDecision,
    decide_pair,
    texts_as_articles,
)
from storyweave.evaluation.claims_data import SharedFactsPair, read_mrpc, read_shared_facts
from storyweave.evaluation.report import Report
from storyweave.link.claims import align_claims
from storyweave.link.claims.inputs import articles_from_texts
from storyweave.link.claims.matcher import ClaimMatcher, load_matcher

LOGGER = logging.getLogger(__name__)
COMMAND = "storyweave eval claims"
DATASETS = ("shared-facts", "mrpc")
#: what the previous design (clause signatures, git 68e7e34) scored, measured with
#: ``/tmp/cl/old_eval.py``-style runs of that commit through the same scorer
BEFORE = {
    "shared_recall": 0.068,
    "precision": 0.714,
    "contested_precision": 0.0,
    "contested_recall": 0.0,
    "aligned_groups": 14,
}


@dataclass
class Tally:
    shared: int = 0
    shared_hit: int = 0
    groups: int = 0
    groups_ok: int = 0
    contradictions: int = 0
    contradictions_hit: int = 0
    contested: int = 0
    contested_ok: int = 0
    mentions: int = 0
    mention_words: int = 0
    rows: int = 0
    fragments: int = 0

    def add(self, other: Tally) -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))


def _overlaps(span: tuple[int, int], evidence: tuple[int, int] | None) -> bool:
    return evidence is not None and span[0] < evidence[1] and evidence[0] < span[1]


def _matches(sides: dict[str, list[tuple[int, int]]], item) -> bool:
    return any(_overlaps(m, item.a) for m in sides["a"]) and any(_overlaps(m, item.b) for m in sides["b"])


def is_fragment(text: str) -> bool:
    """A claim row a reader cannot take alone: 3 words or fewer (the finite verb is checked
    on the unit when it is made, ``nlp.claims.units``)."""
    return len(text.split()) <= 3


def score_pair(pair: SharedFactsPair, groups: Sequence) -> Tally:
    """The README's counts for one pair's claim groups."""
    tally = Tally(shared=len(pair.shared), contradictions=len(pair.contradictions))
    aligned = []
    for group in groups:
        sides = {"a": [], "b": []}
        for m in group.mentions:
            side = "a" if m.article_id == pair.a else "b" if m.article_id == pair.b else None
            if side:
                sides[side].append((m.start, m.end))
        tally.rows += 1
        tally.fragments += is_fragment(group.text)
        if sides["a"] and sides["b"]:
            aligned.append((group.status, sides))
            tally.mentions += len(sides["a"]) + len(sides["b"])
            tally.mention_words += sum(len(m.text.split()) for m in group.mentions)
    gold = pair.shared + pair.contradictions
    tally.groups = len(aligned)
    tally.shared_hit = sum(any(_matches(s, it) for _, s in aligned) for it in pair.shared)
    tally.contradictions_hit = sum(
        any(st == "contested" and _matches(s, it) for st, s in aligned) for it in pair.contradictions
    )
    tally.groups_ok = sum(any(_matches(s, it) for it in gold) for _, s in aligned)
    contested = [s for st, s in aligned if st == "contested"]
    tally.contested = len(contested)
    tally.contested_ok = sum(any(_matches(s, it) for it in pair.contradictions) for s in contested)
    return tally


def _ratio(a: float, b: float) -> float | None:
    return round(a / b, 4) if b else None


def shared_facts_metrics(tally: Tally) -> dict[str, float | None]:
    return {
        "shared_recall": _ratio(tally.shared_hit, tally.shared),
        "precision": _ratio(tally.groups_ok, tally.groups),
        "contested_precision": _ratio(tally.contested_ok, tally.contested),
        "contested_recall": _ratio(tally.contradictions_hit, tally.contradictions),
        "aligned_groups": tally.groups,
        "mentions_per_group": _ratio(tally.mentions, tally.groups),
        "words_per_mention": _ratio(tally.mention_words, tally.mentions),
        "fragment_share": _ratio(tally.fragments, tally.rows),
    }


def align_pair(pair: SharedFactsPair, matcher: ClaimMatcher | None = None) -> list:
    """The claim groups the product makes of one pair's two articles."""
    articles = articles_from_texts(
        [(pair.a, pair.a_text, pair.a_outlet, None), (pair.b, pair.b_text, pair.b_outlet, None)])
    return align_claims(articles, matcher)


def evaluate_shared_facts(evaldata: Path, limit: int | None = None, progress: bool = False,
                          matcher: ClaimMatcher | None = None) -> Report:
    pairs = read_shared_facts(evaldata)[:limit]
    total, per_pair = Tally(), []
    for n, pair in enumerate(pairs):
        tally = score_pair(pair, align_pair(pair, matcher))
        total.add(tally)
        per_pair.append((pair.pair_id, tally))
        if progress:
            LOGGER.info("%s: %d/%d shared facts, %d/%d aligned groups right", pair.pair_id, tally.shared_hit,
                        tally.shared, tally.groups_ok, tally.groups)
    m = shared_facts_metrics(total)
    report = Report(
        key="eval-claims-shared-facts",
        title="Claims: ecb-shared-facts (16 article pairs, end to end)",
        command=f"{COMMAND} --dataset shared-facts",
        columns=("metric", "storyweave", "before (git 68e7e34)"),
        metrics={k: v for k, v in m.items() if v is not None},
    )
    for name, label in (("shared_recall", "shared-fact recall"), ("precision", "aligned-group precision"),
                        ("contested_precision", "contested precision"), ("contested_recall", "contested recall"),
                        ("aligned_groups", "aligned groups")):
        report.rows.append((label, _show(m[name]), _show(BEFORE.get(name))))
    report.rows.append(("mentions per aligned group", _show(m["mentions_per_group"]), "—"))
    report.rows.append(("words per aligned mention", _show(m["words_per_mention"]), "9.6"))
    report.rows.append(("claim rows that are fragments", _show(m["fragment_share"]), "—"))
    report.notes.append(
        f"{total.shared_hit}/{total.shared} shared facts aligned, {total.groups_ok}/{total.groups} aligned groups "
        f"match a gold fact or contradiction, {total.contested_ok}/{total.contested} contested groups match a "
        f"contradiction, {total.contradictions_hit}/{total.contradictions} contradictions found."
    )
    report.notes.append("Per pair (shared hit/shared, right/aligned groups): " + ", ".join(
        f"{pid} {t.shared_hit}/{t.shared} {t.groups_ok}/{t.groups}" for pid, t in per_pair))
    return report


def _show(value) -> object:
    return "—" if value is None else value


# -- sentence pairs (MRPC) ------------------------------------------------------------------
def pair_probabilities(pairs: Sequence, matcher: ClaimMatcher, progress: bool = False) -> np.ndarray:
    """P(same fact) of each sentence pair: the best pair of claim units of the two texts."""
    articles = texts_as_articles([s for p in pairs for s in (p.a, p.b)])
    out = np.zeros(len(pairs), dtype=np.float32)
    for k in range(len(pairs)):
        out[k] = decide_pair(articles[2 * k], articles[2 * k + 1], matcher).p
        if progress and k and k % 500 == 0:
            LOGGER.info("pairs: %d/%d", k, len(pairs))
    return out


def _decide(p: np.ndarray, y: np.ndarray, threshold: float) -> dict[str, float]:
    pred = p >= threshold
    tp = float((pred & y).sum())
    precision = tp / max(pred.sum(), 1)
    recall = tp / max(y.sum(), 1)
    return {"accuracy": round(float((pred == y).mean()), 4),
            "f1": round(2 * precision * recall / max(precision + recall, 1e-9), 4),
            "precision": round(precision, 4), "recall": round(recall, 4)}


def tune_threshold(p: np.ndarray, y: np.ndarray) -> float:
    """The threshold with the best accuracy on ``p``/``y`` (MRPC train)."""
    candidates = np.unique(np.round(p, 3))
    return float(max(candidates, key=lambda t: ((p >= t) == y).mean()))


def evaluate_mrpc(evaldata: Path, limit: int | None = None, progress: bool = False,
                  matcher: ClaimMatcher | None = None) -> Report:
    matcher = matcher or load_matcher()
    test = read_mrpc(evaldata, "test")[:limit]
    y = np.asarray([p.same for p in test])
    p = pair_probabilities(test, matcher, progress)
    product = _decide(p, y, matcher.threshold)
    report = Report(
        key="eval-claims-mrpc",
        title="Claims: same-fact decision on MRPC test",
        command=f"{COMMAND} --dataset mrpc",
        columns=("decision", "threshold", "accuracy", "F1", "precision", "recall"),
        metrics={"accuracy": product["accuracy"], "f1": product["f1"]},
    )
    report.rows.append(("storyweave matcher, product threshold", matcher.threshold, product["accuracy"],
                        product["f1"], product["precision"], product["recall"]))
    if limit is None:
        train = read_mrpc(evaldata, "train")
        ytr = np.asarray([q.same for q in train])
        tuned = tune_threshold(pair_probabilities(train, matcher, progress), ytr)
        figures = _decide(p, y, tuned)
        report.rows.append(("storyweave matcher, threshold tuned on MRPC train", round(tuned, 3),
                            figures["accuracy"], figures["f1"], figures["precision"], figures["recall"]))
        report.metrics.update({"tuned_accuracy": figures["accuracy"], "tuned_f1": figures["f1"]})
    positive = _decide(np.ones(len(y)), y, 0.5)
    report.rows.append(("all pairs the same fact", "—", positive["accuracy"], positive["f1"], positive["precision"],
                        positive["recall"]))
    report.notes.append(f"{len(test)} test pairs. Each sentence is one claim unit, analysed as the product "
                        "analyses an article; the decision is the product's matcher on the pair's features.")
    return report


def evaluate_claims(evaldata: Path, dataset: str, limit: int | None = None, progress: bool = False) -> Report:
    """One ``storyweave eval claims`` table."""
    if dataset == "shared-facts":
        return evaluate_shared_facts(evaldata, limit, progress)
    if dataset == "mrpc":
        return evaluate_mrpc(evaldata, limit, progress)
    if dataset in ("emergent", "fnc1"):
        from storyweave.evaluation.stance import evaluate_stance

        return evaluate_stance(evaldata, dataset, limit=limit, progress=progress)
    raise ValueError(f"unknown claims dataset {dataset!r}: choose from {', '.join(DATASETS)}, emergent, fnc1")
