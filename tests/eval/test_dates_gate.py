"""CI gate: time-expression detection and normalisation must not fall below pinned floors.

Runs ``storyweave eval dates`` (``evaluate_dates``: the product's ``storyweave_dates``
component) on the first documents of each corpus, as the gates ``dates-*`` of
``storyweave/evaluation/baseline.toml`` say; docs/BENCHMARKS.md has the full sets.
"""

from __future__ import annotations

import pytest

from storyweave.evaluation.baseline import gate
from storyweave.evaluation.dates import evaluate_dates


@pytest.mark.evaldata
@pytest.mark.slow
@pytest.mark.parametrize("name", ["dates-aquaint", "dates-meantime", "dates-timebank"])
def test_dates_gate(evaldata_dir, name):
    baseline = gate(name)
    report = evaluate_dates(evaldata_dir, baseline.dataset, limit=baseline.limit)
    assert report.key == f"eval-dates-{baseline.dataset}"
    assert report.rows[0][0] == baseline.limit
    baseline.check(report)
