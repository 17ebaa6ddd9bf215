"""Stance on Emergent and FNC-1, decided by the product's own claim alignment.

Claim alignment decides whether two outlets state the same fact (corroboration), state it
incompatibly (contested), or only relay it (a hedged or attributed mention). Public data
with that exact decision across outlets does not exist at scale; these two sets are the
nearest proxies (``<evaldata>/claims``, see its SOURCE.md):

- **Emergent** (Ferreira & Vlachos 2016): a claim headline vs an article headline, labelled
  ``for`` / ``against`` / ``observing``; test split, 524 pairs;
- **FNC-1** competition test set: a headline vs an article body, labelled ``agree`` /
  ``disagree`` / ``discuss`` / ``unrelated``.

Each text is analysed as an article whose sentences are claim units; the pair is decided
by ``storyweave.evaluation.claim_pairs.decide_pair``: the shipped matcher's P(same fact) for the
best pair of units, and the disagreement test that makes a claim contested. Mapping:
contested → against/disagree; same fact, stated outright → for/agree; same fact, hedged or
attributed ("X says ...") → observing/discuss; not the same fact → observing (Emergent,
whose headlines are all about the claim) or discuss, and unrelated (FNC-1) when no unit
pair is even a candidate. Figures are reported against the majority-class baseline and the
rules-only stance classifier this replaced (git 68e7e34), which the product never called.
"""

from __future__ import annotations

import logging
from collections import Counter
from pathlib import Path

from storyweave.evaluation.claim_pairs import PairDecision, decide_pair, texts_as_articles
from storyweave.evaluation.claims_data import read_emergent, read_fnc1
from storyweave.evaluation.report import Report
from storyweave.link.claims.matcher import ClaimMatcher, load_matcher

LOGGER = logging.getLogger(__name__)

COMMAND = "storyweave eval claims"
DATASETS = ("emergent", "fnc1")
CLASSES = {"emergent": ["for", "against", "observing"], "fnc1": ["agree", "disagree", "discuss", "unrelated"]}
#: what the rules-only classifier of git 68e7e34 scored (docs/BENCHMARKS.md of that commit)
BEFORE = {
    "emergent": {"accuracy": 0.613, "macro_f1": 0.601, "f1_for": 0.648, "f1_against": 0.562, "f1_observing": 0.593},
    "fnc1": {"accuracy": 0.766, "macro_f1": 0.426, "f1_agree": 0.229, "f1_disagree": 0.153, "f1_discuss": 0.365,
             "f1_unrelated": 0.957},
}


def stance_of(decision: PairDecision, matcher: ClaimMatcher, dataset: str) -> str:
    """The dataset's label for alignment's decision on a pair."""
    agree, against, observe, unrelated = (
        ("for", "against", "observing", "observing") if dataset == "emergent"
        else ("agree", "disagree", "discuss", "unrelated")
    )
    if decision.contested:
        return against
    if decision.p >= matcher.threshold:
        return observe if decision.relayed else agree
    return observe if decision.related else unrelated


def _f1s(gold: list[str], pred: list[str], classes: list[str]) -> dict[str, float]:
    out = {}
    for c in classes:
        tp = sum(g == p == c for g, p in zip(gold, pred))
        fp = sum(p == c and g != c for g, p in zip(gold, pred))
        fn = sum(g == c and p != c for g, p in zip(gold, pred))
        out[c] = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
    return out


def evaluate_stance(evaldata: Path, dataset: str, limit: int | None = None, progress: bool = False,
                    matcher: ClaimMatcher | None = None) -> Report:
    """One stance table, ``dataset`` being ``emergent`` (test split) or ``fnc1``."""
    if dataset not in DATASETS:
        raise ValueError(f"unknown stance dataset {dataset!r}: choose from {', '.join(DATASETS)}")
    matcher = matcher or load_matcher()
    pairs = read_emergent(evaldata) if dataset == "emergent" else list(read_fnc1(evaldata))
    pairs = pairs[:limit]
    texts = list(dict.fromkeys(t for p in pairs for t in (p.claim, p.text)))
    if progress:
        LOGGER.info("%s: analysing %d texts for %d pairs", dataset, len(texts), len(pairs))
    articles = dict(zip(texts, texts_as_articles(texts)))
    gold, pred = [], []
    for n, pair in enumerate(pairs):
        decision = decide_pair(articles[pair.claim], articles[pair.text], matcher)
        gold.append(pair.label)
        pred.append(stance_of(decision, matcher, dataset))
        if progress and n and n % 2000 == 0:
            LOGGER.info("%s: %d/%d pairs", dataset, n, len(pairs))
    classes = CLASSES[dataset]
    f1 = _f1s(gold, pred, classes)
    majority = Counter(gold).most_common(1)[0][0]
    base = _f1s(gold, [majority] * len(gold), classes)
    accuracy = sum(g == p for g, p in zip(gold, pred)) / max(len(gold), 1)
    metrics = {"accuracy": round(accuracy, 4), "macro_f1": round(sum(f1.values()) / len(classes), 4),
               **{f"f1_{c}": round(v, 4) for c, v in f1.items()},
               "baseline_accuracy": round(gold.count(majority) / max(len(gold), 1), 4),
               "baseline_macro_f1": round(sum(base.values()) / len(classes), 4)}
    report = Report(
        key=f"eval-claims-{dataset}",
        title=f"Claims: stance on {'Emergent (test split)' if dataset == 'emergent' else 'FNC-1 (competition test)'}, "
              "decided by claim alignment",
        command=f"{COMMAND} --dataset {dataset}",
        columns=("metric", "storyweave alignment", "before: rules-only classifier (git 68e7e34)",
                 f"majority baseline ({majority})"),
        metrics=metrics,
    )
    before = BEFORE[dataset] if limit is None else {}
    report.rows.append(("accuracy", metrics["accuracy"], before.get("accuracy", "—"), metrics["baseline_accuracy"]))
    report.rows.append(("macro-F1", metrics["macro_f1"], before.get("macro_f1", "—"), metrics["baseline_macro_f1"]))
    for c in classes:
        report.rows.append((f"F1 {c}", metrics[f"f1_{c}"], before.get(f"f1_{c}", "—"), round(base[c], 4)))
    report.notes.append(f"{len(pairs)} pairs; gold labels {dict(Counter(gold))}; predicted {dict(Counter(pred))}. "
                        "Decided by the shipped claim matcher and the contested test, as alignment decides.")
    return report
