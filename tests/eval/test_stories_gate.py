"""Gate: story clustering on a fast ECB+ subset must not drop below its pinned floors.

Runs ``storyweave eval stories`` (``evaluate_stories``: the product's ``StoryClusterer`` fed by
the link stage's deciders, one at a time and the batch engine's block-wise linking) on the
first topics of each split, as the gate ``stories-ecbplus`` of
``storyweave/evaluation/baseline.toml`` says: the first 3 dev topics (1-3) and the first 3 test
topics (18-20), each clustered as its own stream with MiniLM (148 documents), without entities
and with the global entity ids the link stage gives the clusterer (the product's analysis,
resolved across the stream by the link stage's ``resolve_chunk``).
"""

from __future__ import annotations

import pytest

from storyweave.evaluation.baseline import gate
from storyweave.evaluation.stories import evaluate_stories


@pytest.mark.evaldata
@pytest.mark.slow
def test_story_clustering_keeps_its_floor(evaldata_dir):
    baseline = gate("stories-ecbplus")
    report = evaluate_stories(evaldata_dir, limit_topics=baseline.limit)
    baseline.check(report)
