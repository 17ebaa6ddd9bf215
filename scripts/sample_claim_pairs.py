#!/usr/bin/env python3
"""Sample candidate claim-unit pairs from ECB+ stories for the matcher's training labels.

Each ECB+ sub-topic outside ``ecb-shared-facts`` and the held-back topics 36-45 (the
training script's ``trainable``; neither is ever sampled) is run through the product as one story
(analysis, entity resolution, alignment's candidate generation); from each story's
candidate pairs of units from different articles, half are taken among the most similar
and half at random, so labels cover the clear cases and the hard ones. With ``--hard``
(the second round of labels), each story's articles are taken two at a time, as in a
story two outlets report, and pairs are drawn from the middle ground where the features
disagree: one or two rare words matched, or half the words covered, but neither
overwhelming. Writes JSONL rows
``{id, story, a: {doc, outlet, start, end, text, display}, b: {...}, cos}`` for annotators
(guidelines in ``src/storyweave/link/models/CLAIM_MATCHER.md``).

Usage: ``python scripts/sample_claim_pairs.py OUT.jsonl [--per-story 40] [--seed 7]``
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from storyweave.evaluation.ecb_corpus import iter_documents  # noqa: E402
from storyweave.link.claims.scoring import story_table, story_units  # noqa: E402
from storyweave.link.claims.features import FEATURES, candidate_pairs, pair_features, word_similarities  # noqa: E402
from storyweave.link.claims.inputs import article_claims_from_analysis  # noqa: E402
from storyweave.link.entities import records_from_entities, resolve_entities  # noqa: E402
from storyweave.nlp.analysis import AnalysisInput, analyze_texts  # noqa: E402
from train_claim_matcher import trainable  # noqa: E402  (scripts/: the one rule of what may be trained on)

MIN_COS, PER_ARTICLE = 0.35, 3


def story_articles(docs: list) -> list:
    """The ``ArticleClaims`` of one ECB+ sub-topic, entities resolved across its articles."""
    analyses = list(analyze_texts([AnalysisInput(d.doc_id, d.text) for d in docs]))
    records = [r for a in analyses for r in records_from_entities(a.article_id, a.entities)]
    resolution = resolve_entities(records)
    return [article_claims_from_analysis(a, d.url, None, resolution) for a, d in zip(analyses, docs)]


def ecb_stories(evaldata: Path) -> dict[str, list]:
    stories: dict[str, list] = defaultdict(list)
    for doc in iter_documents(evaldata / "ecbplus"):
        if trainable(doc.topic):
            stories[doc.story].append(doc)
    return dict(sorted(stories.items()))


def _row(story: str, a, b, cos: float) -> dict:
    return {
        "id": f"{story}:{a.key}|{b.key}",
        "story": story,
        "cos": round(float(cos), 3),
        **{side: {"doc": u.article.article_id, "outlet": u.article.outlet, "start": u.claim.start,
                  "end": u.claim.end, "text": u.claim.text, "display": u.claim.display}
           for side, u in (("a", a), ("b", b))},
    }


def hard_pairs(story: str, docs: list, wanted: int, rng: random.Random, skip: set) -> list[dict]:
    """Middle-ground candidate pairs of two-article stories drawn from one sub-topic."""
    pool = []
    docs = list(docs)
    rng.shuffle(docs)
    matched, soft = FEATURES.index("matched_rare"), FEATURES.index("soft_min")
    for a, b in zip(docs[0::2], docs[1::2]):
        units = story_units(story_articles([a, b]))
        table = story_table(units, "static")
        i, j, cos, best_i, best_j = candidate_pairs(table, 0.3, PER_ARTICLE, same_article=False)
        if not len(i):
            continue
        rows = pair_features(table, i, j, cos, best_i, best_j, word_similarities(table))
        for k in range(len(i)):
            middle = 0.25 <= rows[k, matched] <= 0.5 or 0.3 <= rows[k, soft] <= 0.55
            row = _row(story, units[i[k]], units[j[k]], cos[k])
            if middle and row["id"] not in skip:
                pool.append(row)
    print(f"{story}: {len(pool)} middle-ground pairs", file=sys.stderr)
    return rng.sample(pool, min(wanted, len(pool)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--evaldata", type=Path, default=ROOT.parent / "shared" / "evaldata")
    parser.add_argument("--per-story", type=int, default=40)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--hard", action="store_true", help="middle-ground pairs of article pairs (round 2)")
    parser.add_argument("--skip", type=Path, help="a JSONL of pairs already labelled, left out")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    skip = set()
    if args.skip:
        skip = {json.loads(line)["id"] for line in args.skip.read_text(encoding="utf-8").splitlines()}
    rows = []
    for story, docs in ecb_stories(args.evaldata).items():
        if args.hard:
            rows += hard_pairs(story, docs, args.per_story, rng, skip)
            continue
        units = story_units(story_articles(docs))
        table = story_table(units, "static")
        i, j, cos, _, _ = candidate_pairs(table, MIN_COS, PER_ARTICLE)
        pairs = sorted(range(len(i)), key=lambda k: -cos[k])
        top = pairs[: args.per_story // 2]
        rest = [k for k in pairs[args.per_story // 2 :]]
        chosen = top + rng.sample(rest, min(len(rest), args.per_story - len(top)))
        rows += [_row(story, units[i[k]], units[j[k]], cos[k]) for k in chosen]
        print(f"{story}: {len(units)} units, {len(i)} candidates, {len(chosen)} sampled", file=sys.stderr)
    rng.shuffle(rows)
    with args.out.open("w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
