"""CI gate: event coding on a fast MEANTIME subset (first articles, sorted by topic and name).

Runs ``storyweave eval events`` (``evaluate_events``: the product's whole analysis pipeline,
``load_analyzer``) on the gate ``events-meantime`` of ``storyweave/evaluation/baseline.toml``.
"""

from __future__ import annotations

import pytest

from storyweave.evaluation.baseline import gate
from storyweave.evaluation.events import evaluate_events


@pytest.mark.evaldata
def test_event_coding_does_not_drop(evaldata_dir):
    baseline = gate("events-meantime")
    report = evaluate_events(evaldata_dir, limit=baseline.limit)
    assert report.rows[0][0] == baseline.limit
    baseline.check(report)
