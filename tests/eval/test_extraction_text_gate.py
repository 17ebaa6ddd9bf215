"""CI gate: the furniture filter's F1 on a fast subset of the article-extraction benchmark.

Runs ``storyweave eval extraction``'s plain-text half (``evaluate_furniture_filter``: the
product's ``ingest.furniture.filter_furniture``) on the gate ``extraction-text`` of
``storyweave/evaluation/baseline.toml``.
"""

from __future__ import annotations

import pytest

from storyweave.evaluation.baseline import gate
from storyweave.evaluation.furniture import evaluate_furniture_filter


@pytest.mark.evaldata
def test_furniture_filter_f1_does_not_drop(evaldata_dir):
    baseline = gate("extraction-text")
    report = evaluate_furniture_filter(evaldata_dir, limit=baseline.limit)
    assert report.rows[1][1] == baseline.limit
    # the floor, and the margin over the unfiltered text of the same pages
    baseline.check(report)
