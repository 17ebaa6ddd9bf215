"""CI gate: the furniture filter's F1 on a fast subset of the article-extraction benchmark."""

from __future__ import annotations

import pytest

from storyweave.evaluation.furniture import evaluate_furniture_filter

SUBSET = 60
# Measured 0.940 on the first 60 pages (sorted ids); the floor sits about 0.01 below.
F1_FLOOR = 0.930


@pytest.mark.evaldata
def test_furniture_filter_f1_does_not_drop(evaldata_dir):
    report = evaluate_furniture_filter(evaldata_dir, limit=SUBSET)
    unfiltered_f1 = report.rows[0][-1]
    assert report.metrics["f1"] >= F1_FLOOR, report.to_markdown()
    assert report.metrics["f1"] > unfiltered_f1 + 0.1
