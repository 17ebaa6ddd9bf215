"""CI gate: HTML extraction quality on a fixed subset of the Zyte benchmark.

Runs ``storyweave eval extraction``'s HTML half (``evaluate_html_extraction``: the product's
``ingest.html.extract_html`` next to plain trafilatura) on the subset and floors of the gate
``extraction-html`` in ``storyweave/evaluation/baseline.toml``: a change that makes extraction
worse fails here before it reaches the full evaluation in docs/BENCHMARKS.md.
"""

from __future__ import annotations

import pytest

from storyweave.evaluation.baseline import gate
from storyweave.evaluation.extraction import KEY, evaluate_html_extraction


@pytest.mark.evaldata
def test_html_extraction_f1_floor(evaldata_dir):
    baseline = gate("extraction-html")
    report = evaluate_html_extraction(evaldata_dir, limit=baseline.limit)

    assert report.key == KEY
    storyweave_row, trafilatura_row = report.rows
    assert storyweave_row[1] == trafilatura_row[1] == baseline.limit
    # the floor, and the margin over plain trafilatura measured in the same run
    baseline.check(report)
