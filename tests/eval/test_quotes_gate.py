"""CI gate: quote extraction on a fast PolNeAR dev subset must not fall below pinned floors.

Runs ``storyweave eval quotes`` (``evaluate_quotes``: the product's ``nlp.quotes.extract_quotes``
with the shipped cue rules) on the subset and floors of the gate ``quotes-dev`` in
``storyweave/evaluation/baseline.toml``: the first 15 dev articles in name order. The whole dev
split and train are in docs/BENCHMARKS.md; the scorer's own tests are in
``tests/unit/evaluation/test_quotes_scoring.py``.
"""

from __future__ import annotations

import pytest

from storyweave.evaluation.baseline import gate
from storyweave.evaluation.quotes import evaluate_quotes


@pytest.mark.evaldata
def test_quotes_on_polnear_dev_subset_stay_above_floors(evaldata_dir):
    baseline = gate("quotes-dev")
    report = evaluate_quotes(evaldata_dir, split=baseline.dataset, limit=baseline.limit)
    assert report.key == f"eval-quotes-{baseline.dataset}"
    baseline.check(report)
