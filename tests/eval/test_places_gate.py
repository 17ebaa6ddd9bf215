"""Gate: geoparsing on a fixed subset of LGL must not fall below pinned floors.

Floors sit about 0.02 below the figures measured on this subset (see docs/BENCHMARKS.md for
the full-corpus figures, from `storyweave eval places`).
"""

from __future__ import annotations

import pytest

from storyweave.evaluation.places import evaluate_places

LIMIT = 60
# measured on this subset: acc161 0.826, recall 0.710, precision 0.851
FLOORS = {"acc161": 0.80, "recall": 0.69, "precision": 0.83}


@pytest.mark.evaldata
def test_lgl_subset_meets_floors(evaldata_dir):
    report = evaluate_places(evaldata_dir, "lgl", limit=LIMIT)
    for name, floor in FLOORS.items():
        assert report.metrics[name] >= floor, f"{name} {report.metrics[name]:.3f} < floor {floor}"
    assert report.key == "eval-places-lgl"
