#!/usr/bin/env python3
"""Train the claim matcher (``src/storyweave/link/models/claim_matcher.json``).

The same-fact decision of claim alignment is a logistic regression over the pair features
of ``storyweave.link.claims.features`` (similarity, how much of the shorter unit or of one
predication the other states, counts, dates, polarity, best match). Its training data are
pairs of claim units from **ECB+** (Cybulska & Vossen, LREC 2014; CC BY 3.0): news articles
from many outlets on the same events. ``scripts/sample_claim_pairs.py`` ran each ECB+ sub-topic outside
``ecb-shared-facts`` through the product as a story and sampled candidate pairs; each pair
was then labelled ``same`` / ``contradict`` / ``different`` for this project by AI
annotators (language-model assistants, one pass per pair), following the guidelines in
the data card (``src/storyweave/link/models/CLAIM_MATCHER.md``). The labels
are ``scripts/data/claim_pairs.jsonl``.

No pair of an ``ecb-shared-facts`` topic (``ESF_TOPICS``, the claims evaluation set) and
none of the held-back topics 36-45 is ever read: their documents are left out when the
stories are built, and a labelled pair from such a topic stops the script.

This script runs the same stories through the current code again, finds each labelled
pair's units (by their spans: a label follows its text as long as the unit still covers
most of it), computes their feature rows and fits the model. ``same`` and ``contradict``
are one proposition (label 1): what makes a contradiction is decided from the values the
two units give (``CONFLICT_FEATURES``), on top of this model.

Thresholds: ``threshold`` is the lowest at which predictions made by models that never saw
the pair's topic (leave one topic out) are still ``PRECISION`` precise: a wrong "same fact"
misleads a reader more than a missed one. ``join_threshold`` and ``contest_threshold`` are
set from it. The same held-out figures are printed for the round-2 pairs alone (two-article
stories, middle-ground pairs: the hard cases, nearest to what the evaluation set asks). The
data card records the figures printed here.

Usage: ``python scripts/train_claim_matcher.py [--evaldata ../shared/evaldata] [--out FILE]``
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from storyweave.evaluation.claims_data import ESF_TOPICS  # noqa: E402
from storyweave.evaluation.ecb_corpus import iter_documents  # noqa: E402
from storyweave.link.claims.scoring import story_table, story_units  # noqa: E402
from storyweave.link.claims.features import FEATURES, pair_context, pair_features, word_similarities  # noqa: E402
from storyweave.link.claims.inputs import articles_from_texts  # noqa: E402

LOG = logging.getLogger("train_claim_matcher")
LABELS = ROOT / "scripts" / "data" / "claim_pairs.jsonl"
ENCODER = "static"
MIN_COS = 0.35
PER_ARTICLE = 5
#: candidates a unit keeps in a story of many articles (alignment scores the rest on demand)
PER_UNIT = 16
#: a labelled span still names a unit when they overlap by this share of the longer one
SPAN_OVERLAP = 0.8
#: ECB+ topics kept back from every use (the evaldata copy holds topics 1-35 only)
HELD_BACK = frozenset(range(36, 46))


def trainable(topic: int) -> bool:
    """Whether pairs of an ECB+ topic may be trained on: not an evaluation or held-back topic."""
    return topic not in ESF_TOPICS and topic not in HELD_BACK


def _unit_at(units: list, doc: str, start: int, end: int) -> int | None:
    best, best_share = None, 0.0
    for n, u in enumerate(units):
        if u.article.article_id != doc:
            continue
        overlap = min(end, u.claim.end) - max(start, u.claim.start)
        share = overlap / max(end - start, u.claim.end - u.claim.start)
        if share > best_share:
            best, best_share = n, share
    return best if best_share >= SPAN_OVERLAP else None


def story_rows(docs: list, labelled: list[dict]) -> tuple[np.ndarray, np.ndarray, int]:
    """Feature rows and labels of one story's labelled pairs; and how many were lost.

    A round-1 pair is scored in its whole ECB+ sub-topic, a round-2 pair in the story of
    its two articles alone, as each was sampled (the story changes rarity weights and
    which unit is another's best match)."""
    if any(row.get("round", 1) == 2 for row in labelled):
        by_articles: dict[tuple[str, str], list[dict]] = defaultdict(list)
        for row in labelled:
            by_articles[(row["a"]["doc"], row["b"]["doc"])].append(row)
        parts = [_story_rows([d for d in docs if d.doc_id in key], rows) for key, rows in by_articles.items()]
        return (np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts]),
                sum(p[2] for p in parts))
    return _story_rows(docs, labelled)


def _story_rows(docs: list, labelled: list[dict]) -> tuple[np.ndarray, np.ndarray, int]:
    articles = articles_from_texts([(d.doc_id, d.text, d.url, None) for d in docs])
    units = story_units(articles)
    table = story_table(units, ENCODER)
    pairs, labels, lost = [], [], 0
    for row in labelled:
        a = _unit_at(units, row["a"]["doc"], row["a"]["start"], row["a"]["end"])
        b = _unit_at(units, row["b"]["doc"], row["b"]["start"], row["b"]["end"])
        if a is None or b is None or a == b:
            lost += 1
            continue
        pairs.append((min(a, b), max(a, b)))
        labels.append(0 if row["label"] == "different" else 1)
    if not pairs:
        return np.zeros((0, len(FEATURES)), np.float32), np.zeros(0), lost
    i = np.asarray([p[0] for p in pairs])
    j = np.asarray([p[1] for p in pairs])
    cos, best_i, best_j = pair_context(table, i, j)
    rows = pair_features(table, i, j, cos, best_i, best_j, word_similarities(table))
    return rows, np.asarray(labels), lost


def read_labels(path: Path = LABELS) -> dict[str, list[dict]]:
    """The labelled pairs by story and round (``"10-ecbplus#2"``); stops on a pair of a topic
    that must never be trained on."""
    labelled: dict[str, list[dict]] = defaultdict(list)
    for line in path.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        topic = int(row["story"].split("-")[0])
        if not trainable(topic):
            raise SystemExit(f"{path}: pair {row['id']} is from ECB+ topic {topic}, an evaluation or held-back "
                             "topic: remove it")
        labelled[f"{row['story']}#{row.get('round', 1)}"].append(row)
    return labelled


def collect(evaldata: Path) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Feature rows, labels, topics and rounds of every labelled pair still found."""
    labelled = read_labels()
    stories: dict[str, list] = defaultdict(list)
    for doc in iter_documents(evaldata / "ecbplus"):
        if trainable(doc.topic):
            stories[doc.story].append(doc)
    X, y, g, r = [], [], [], []
    for n, key in enumerate(sorted(labelled)):
        story, round_ = key.split("#")
        docs = stories[story]
        if not docs:
            raise SystemExit(f"no ECB+ documents for story {story}: is {evaldata / 'ecbplus'} complete?")
        rows, labels, lost = story_rows(docs, labelled[key])
        X.append(rows), y.append(labels), g.append(np.full(len(labels), docs[0].topic))
        r.append(np.full(len(labels), int(round_)))
        LOG.info("%d/%d %s: %d labelled pairs, %d same, %d no longer found", n + 1, len(labelled), key,
                 len(labels), int(labels.sum()), lost)
    return np.concatenate(X), np.concatenate(y), np.concatenate(g), np.concatenate(r)


def fit(X: np.ndarray, y: np.ndarray, C: float = 1.0):
    from sklearn.linear_model import LogisticRegression

    mean, scale = X.mean(axis=0), X.std(axis=0)
    scale[scale == 0] = 1.0
    model = LogisticRegression(C=C, max_iter=5000).fit((X - mean) / scale, y)
    return mean, scale, model.coef_[0], float(model.intercept_[0])


def predict(params, X: np.ndarray) -> np.ndarray:
    mean, scale, coef, intercept = params
    return 1.0 / (1.0 + np.exp(-(((X - mean) / scale) @ coef + intercept)))


def out_of_topic(X: np.ndarray, y: np.ndarray, g: np.ndarray, C: float) -> np.ndarray:
    """Leave-one-topic-out probabilities: each topic scored by a model that never saw it."""
    p = np.zeros(len(y))
    for topic in np.unique(g):
        test = g == topic
        p[test] = predict(fit(X[~test], y[~test], C), X[test])
    return p


def figures_at(p: np.ndarray, y: np.ndarray, t: float, beta: float = 0.5) -> dict:
    pred = p >= t
    tp = float((pred & (y == 1)).sum())
    precision = tp / max(pred.sum(), 1)
    recall = tp / max((y == 1).sum(), 1)
    f = (1 + beta**2) * precision * recall / max(beta**2 * precision + recall, 1e-9)
    return {"f05": round(f, 3), "precision": round(precision, 3), "recall": round(recall, 3),
            "accuracy": round(float((pred == y).mean()), 3)}


#: the precision the threshold keeps on held-out topics
PRECISION = 0.93


def best_threshold(p: np.ndarray, y: np.ndarray) -> float:
    precise = [t for t in np.arange(0.2, 0.95, 0.01) if figures_at(p, y, t)["precision"] >= PRECISION]
    return round(float(min(precise)) if precise else 0.9, 2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--evaldata", type=Path, default=ROOT.parent / "shared" / "evaldata")
    parser.add_argument("--out", type=Path, default=ROOT / "src/storyweave/link/models/claim_matcher.json")
    parser.add_argument("--C", type=float, default=1.0)
    parser.add_argument("--cache", type=Path, help="keep the pair features in this .npz (and reuse it)")
    args = parser.parse_args()
    from sklearn.metrics import roc_auc_score

    logging.basicConfig(level=logging.INFO, format="%(message)s")
    if args.cache and args.cache.exists():
        data = np.load(args.cache)
        X, y, g, r = data["X"], data["y"], data["g"], data["r"]
    else:
        X, y, g, r = collect(args.evaldata)
        if args.cache:
            np.savez(args.cache, X=X, y=y, g=g, r=r)
    LOG.info("%d labelled pairs from %d topics, %.1f%% one fact", len(y), len(np.unique(g)), 100 * y.mean())
    p = out_of_topic(X, y, g, args.C)
    threshold = best_threshold(p, y)
    held_out = figures_at(p, y, threshold)
    hard = figures_at(p[r == 2], y[r == 2], threshold)
    held_out["auc"] = round(float(roc_auc_score(y, p)), 4)
    hard["auc"] = round(float(roc_auc_score(y[r == 2], p[r == 2])), 4)
    LOG.info("leave-one-topic-out at %.2f: %s; round-2 pairs alone: %s", threshold, held_out, hard)
    mean, scale, coef, intercept = fit(X, y, args.C)
    model = {
        "name": "storyweave claim matcher",
        "version": 3,
        "trained_on": "claim-unit pairs of ECB+ (CC BY 3.0) topics outside ecb-shared-facts, labelled for this "
                      "project by AI annotators (scripts/data/claim_pairs.jsonl)",
        "pairs": int(len(y)),
        "positive_share": round(float(y.mean()), 4),
        "leave_one_topic_out": {"threshold": threshold, **held_out, "round_2": hard},
        "features": list(FEATURES),
        "mean": [round(float(v), 6) for v in mean],
        "scale": [round(float(v), 6) for v in scale],
        "coef": [round(float(v), 6) for v in coef],
        "intercept": round(intercept, 6),
        "threshold": threshold,
        "join_threshold": round(max(0.0, threshold - 0.15), 2),
        "contest_threshold": round(min(0.95, threshold + 0.1), 2),
        "min_cos": MIN_COS,
        "per_article": PER_ARTICLE,
        "per_unit": PER_UNIT,
        "encoder": ENCODER,
    }
    args.out.write_text(json.dumps(model, indent=1) + "\n", encoding="utf-8")
    LOG.info("wrote %s", args.out)
    for name, c in sorted(zip(FEATURES, coef), key=lambda x: -abs(x[1])):
        LOG.info("  %-18s %+.3f", name, c)


if __name__ == "__main__":
    main()
