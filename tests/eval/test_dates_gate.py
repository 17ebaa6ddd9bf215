"""CI gate: time-expression detection and normalisation must not fall below pinned floors.

Each floor is about 0.02 under what the subset scored when it was pinned (see the report
of `storyweave eval dates` in docs/BENCHMARKS.md for the full sets).
"""

from __future__ import annotations

import pytest

from storyweave.evaluation.dates import evaluate_dates

# corpus -> (documents, floors): measured 2026-11 on these subsets:
#   timebank 30: relaxed F1 0.948, strict F1 0.911, value accuracy 0.875
#   aquaint 25:  relaxed F1 0.951, strict F1 0.870, value accuracy 0.766
#   meantime 60: relaxed F1 0.930, strict F1 0.846, value accuracy 0.850
GATES = {
    "timebank": (30, {"relaxed_f1": 0.93, "strict_f1": 0.89, "value_accuracy": 0.855}),
    "aquaint": (25, {"relaxed_f1": 0.93, "strict_f1": 0.85, "value_accuracy": 0.745}),
    "meantime": (60, {"relaxed_f1": 0.91, "strict_f1": 0.825, "value_accuracy": 0.83}),
}


@pytest.mark.evaldata
@pytest.mark.slow
@pytest.mark.parametrize("corpus", sorted(GATES))
def test_dates_gate(evaldata_dir, corpus):
    limit, floors = GATES[corpus]
    report = evaluate_dates(evaldata_dir, corpus, limit=limit)
    assert report.key == f"eval-dates-{corpus}"
    assert report.rows[0][0] == limit
    below = {k: round(report.metrics[k], 3) for k, floor in floors.items() if report.metrics[k] < floor}
    assert not below, f"{corpus}: below the floors {floors}: {below}"
