"""``storyweave bench align``: time to re-align the claims of one story as it grows.

The link stage re-aligns a story's claims as a whole each time the story gains an
article, so the cost of one alignment at a story's size is what a long-running story
pays per update. The store is the one ``bench serve`` builds (the first demo-corpus
articles, ingested, analysed, linked and folded into one story); the claims of its
first N articles, in ingest order, are aligned for each size N, best of ``repeat``
(the demo corpus has 373 articles: larger sizes stop there).
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path
from typing import Optional, Sequence

from storyweave.errors import StoryweaveError
from storyweave.evaluation.report import Report

SIZES = (50, 100, 200, 400)


def bench_align(sizes: Sequence[int] = SIZES, repeat: int = 3, db: Optional[str] = None) -> Report:
    """Seconds to align one story's claims at each size in ``sizes`` (articles)."""
    from storyweave.bench.serve import BENCH_STORY, build_story_store
    from storyweave.link.claims import align_claims
    from storyweave.pipeline.link import story_claim_inputs
    from storyweave.store import linking as link_store
    from storyweave.store.database import Store

    with tempfile.TemporaryDirectory(prefix="sw-bench-align-") as folder:
        if db is None:
            db = build_story_store(Path(folder) / "store.db", max(sizes))
        with Store(db) as store, store.read() as conn:
            members = link_store.story_members(conn, {BENCH_STORY}).get(BENCH_STORY)
            if not members:
                raise StoryweaveError(f"{db} has no story {BENCH_STORY!r}: build it with build_story_store")
            inputs = story_claim_inputs(conn, members)  # members come in ingest order
    rows, per_claim = [], {}
    for size in sorted({min(s, len(inputs)) for s in sizes}):
        story = inputs[:size]
        best, groups = float("inf"), []
        for _ in range(repeat):
            start = time.perf_counter()
            groups = align_claims(story)
            best = min(best, time.perf_counter() - start)
        claims = sum(len(a.claims) for a in story)
        per_claim[size] = best * 1000 / max(claims, 1)
        rows.append((size, claims, len(groups), round(best, 3), round(per_claim[size], 3)))
    return Report(
        key="bench-align",
        title="Claim alignment: one story's claims as the story grows",
        command="storyweave bench align",
        columns=("Articles", "Claims", "Claim groups", "Seconds (best of %d)" % repeat, "ms per claim"),
        rows=rows,
        notes=[
            "The first N demo-corpus articles (ECB+, many unrelated events) folded into one story, as for "
            "bench serve, and their claims aligned as the link stage does each time a story gains an "
            "article: static sentence vectors, each unit's 16 most similar candidates scored by the "
            "learned matcher (the pairs a group merge needs besides are scored when it is tried), "
            "grouping, contested pairs and origins. Most of the time goes into the pair features, "
            "computed per pair in Python."
        ],
        metrics={f"ms_per_claim_{size}": value for size, value in per_claim.items()},
    )
