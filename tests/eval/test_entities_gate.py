"""Gate: cross-document entity resolution on MEANTIME must not drop below its pinned floors.

Runs ``storyweave eval entities --dataset meantime`` (``evaluate_entities``: the link stage's
``resolve_entities`` over MEANTIME's gold within-document groups, scored with B-cubed against
its cross-document instances) on the gate ``entities-meantime`` of
``storyweave/evaluation/baseline.toml``: all 120 articles, well under a second.
"""

from __future__ import annotations

import pytest

from storyweave.evaluation.baseline import gate
from storyweave.evaluation.entities import evaluate_entities


@pytest.mark.evaldata
def test_meantime_cross_document_entities_keep_their_floor(evaldata_dir):
    baseline = gate("entities-meantime")
    report = evaluate_entities(evaldata_dir, baseline.dataset, limit=baseline.limit)
    assert report.key == f"eval-entities-{baseline.dataset}"
    baseline.check(report)
