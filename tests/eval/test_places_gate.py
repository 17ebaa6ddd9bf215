"""Gate: geoparsing on a fixed subset of LGL must not fall below pinned floors.

Floors sit about 0.02 below the figures measured on this subset (see docs/BENCHMARKS.md for
the full-corpus figures, from `storyweave eval places`).
"""

from __future__ import annotations

import pytest

from storyweave.evaluation.places import evaluate_places

LIMIT = 60
# measured on this subset: acc161 0.843, recall 0.733, precision 0.851, id accuracy 0.771
# (full LGL: acc161 0.857, recall 0.729, precision 0.872; TR-News: acc161 0.862, recall 0.835)
FLOORS = {"acc161": 0.82, "recall": 0.71, "precision": 0.83, "id_accuracy": 0.75}


@pytest.mark.evaldata
def test_lgl_subset_meets_floors(evaldata_dir):
    report = evaluate_places(evaldata_dir, "lgl", limit=LIMIT)
    for name, floor in FLOORS.items():
        assert report.metrics[name] >= floor, f"{name} {report.metrics[name]:.3f} < floor {floor}"
    assert report.key == "eval-places-lgl"
