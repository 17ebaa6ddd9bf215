"""Grid-search the story scorer on ECB+ dev topics (1-17), then show the test topics (18-35).

Usage: .venv/bin/python scripts/tune_story_clustering.py [--encoder minilm|static] [--cache DIR]

Vectors and the product's entity rows (``document_entities``) are cached in --cache (default
/tmp/storyweave-tune) so a grid runs in seconds. The chosen values go into ClusterParams' defaults by hand.
"""

from __future__ import annotations

import argparse
import itertools
import pickle
from dataclasses import replace
from pathlib import Path

from storyweave.config import Settings
from storyweave.evaluation.stories import (
    DEV_TOPICS,
    TEST_TOPICS,
    cluster_documents,
    document_entities,
    embed_documents,
    load_stream,
    score_clusters,
)
from storyweave.link.clustering import ClusterParams
from storyweave.link.embeddings import load_embedder


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--encoder", default="minilm")
    parser.add_argument("--cache", type=Path, default=Path("/tmp/storyweave-tune"))
    args = parser.parse_args()
    evaldata = Settings.from_env().evaldata_dir()
    embedder = load_embedder(args.encoder)
    base = ClusterParams.for_encoder(args.encoder)
    data = {}
    for split, topics in (("dev", DEV_TOPICS), ("test", TEST_TOPICS)):
        docs = load_stream(evaldata, list(topics))
        path = args.cache / f"{args.encoder}-{split}-entity-rows.pkl"
        if path.exists():
            vectors, names = pickle.loads(path.read_bytes())
        else:
            vectors, _ = embed_documents(docs, embedder, base)
            names = document_entities(docs)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(pickle.dumps((vectors, names)))
        data[split] = (docs, vectors, names)
    grid = {
        "threshold": [0.75, 0.8, 0.85, 0.9, 0.95],
        "member_weight": [0.0, 0.6, 1.0, 1.3],
        "year_weight": [0.0, 0.2, 0.3, 0.4],
        "entity_weight": [0.0, 0.7, 1.0],
    }
    results = []
    for values in itertools.product(*grid.values()):
        params = replace(base, **dict(zip(grid, values)))
        docs, vectors, names = data["dev"]
        predicted, _ = cluster_documents(docs, vectors, embedder, params, names)
        f1 = score_clusters(predicted, {d.doc_id: d.story for d in docs}).bcubed_f1
        results.append((f1, values))
    results.sort(reverse=True)
    for f1, values in results[:10]:
        params = replace(base, **dict(zip(grid, values)))
        docs, vectors, names = data["test"]
        predicted, _ = cluster_documents(docs, vectors, embedder, params, names)
        test = score_clusters(predicted, {d.doc_id: d.story for d in docs})
        print(f"dev B3 F1 {f1:.3f}  test B3 F1 {test.bcubed_f1:.3f}  {dict(zip(grid, values))}")
    best = max((r for r in results if r[1][3] == 0.0), key=lambda r: r[0])
    print("best without the entity term:", best)


if __name__ == "__main__":
    main()
