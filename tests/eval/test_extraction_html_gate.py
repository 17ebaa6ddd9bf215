"""CI gate: HTML extraction quality on a fixed subset of the Zyte benchmark.

The floor is pinned about 0.01 below the F1 measured on this subset
(``storyweave eval extraction --limit 60``: F1 0.967, plain trafilatura 0.949),
so a change that makes extraction worse fails here before it reaches the
full evaluation in docs/BENCHMARKS.md.
"""

from __future__ import annotations

import pytest

from storyweave.evaluation.extraction import KEY, evaluate_html_extraction

SUBSET = 60  # the first 60 page ids in sorted order; about 10 s on 2 cores
F1_FLOOR = 0.957


@pytest.mark.evaldata
def test_html_extraction_f1_floor(evaldata_dir):
    report = evaluate_html_extraction(evaldata_dir, limit=SUBSET)

    assert report.key == KEY
    storyweave_row, trafilatura_row = report.rows
    assert storyweave_row[1] == trafilatura_row[1] == SUBSET
    assert report.metrics["f1"] >= F1_FLOOR, report.to_markdown()
    # The cascade exists to beat plain trafilatura; measured in the same run.
    assert report.metrics["f1"] >= trafilatura_row[4], report.to_markdown()
