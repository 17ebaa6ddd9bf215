"""CI gate: claim alignment, end to end and pair by pair, measured through the product's code.

Floors sit about 0.02 under the figures ``storyweave eval claims`` measured on these subsets
(docs/BENCHMARKS.md has the full runs):

- ecb-shared-facts, all 16 pairs: shared-fact recall 0.608, aligned-group precision 0.789,
  contested precision 1.0 (1 group), no fragment among the claim rows;
- MRPC test, first 300 pairs, product threshold: accuracy 0.723, F1 0.819;
- Emergent test split (524 pairs): accuracy 0.592, macro-F1 0.560, F1 against 0.535;
- FNC-1, first 1000 pairs: accuracy 0.798, macro-F1 0.505 (its floor stays at 0.49, where it was).
"""

from __future__ import annotations

import pytest

from storyweave.evaluation.claims import evaluate_mrpc, evaluate_shared_facts
from storyweave.evaluation.stance import evaluate_stance

SHARED_FACTS = {"shared_recall": 0.59, "precision": 0.77}
MRPC_300 = {"accuracy": 0.70, "f1": 0.80}
EMERGENT = {"accuracy": 0.57, "macro_f1": 0.54, "f1_against": 0.51}
FNC1_1000 = {"accuracy": 0.78, "macro_f1": 0.49}


def below(metrics: dict, floors: dict) -> dict:
    return {name: (metrics.get(name), floor) for name, floor in floors.items() if metrics.get(name, 0) < floor}


@pytest.mark.evaldata
def test_shared_facts_of_article_pairs(evaldata_dir):
    report = evaluate_shared_facts(evaldata_dir)
    assert not below(report.metrics, SHARED_FACTS), below(report.metrics, SHARED_FACTS)
    # contested only for real contradictions, and no claim row a reader cannot take alone
    assert report.metrics.get("contested_precision", 1.0) >= 0.5
    assert report.metrics["fragment_share"] == 0.0


@pytest.mark.evaldata
def test_same_fact_decision_on_an_mrpc_slice(evaldata_dir):
    report = evaluate_mrpc(evaldata_dir, limit=300)
    assert not below(report.metrics, MRPC_300), below(report.metrics, MRPC_300)


@pytest.mark.evaldata
def test_stance_on_emergent_decided_by_alignment(evaldata_dir):
    report = evaluate_stance(evaldata_dir, "emergent")
    assert report.metrics["macro_f1"] > report.metrics["baseline_macro_f1"]
    assert not below(report.metrics, EMERGENT), below(report.metrics, EMERGENT)


@pytest.mark.evaldata
def test_stance_on_an_fnc1_slice_decided_by_alignment(evaldata_dir):
    report = evaluate_stance(evaldata_dir, "fnc1", limit=1000)
    assert report.metrics["macro_f1"] >= report.metrics["baseline_macro_f1"] + 0.2
    assert not below(report.metrics, FNC1_1000), below(report.metrics, FNC1_1000)
