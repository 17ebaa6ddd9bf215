"""CI gate: claim alignment, end to end and pair by pair, measured through the product's code.

Each test runs a ``storyweave eval claims`` table on the subset and floors of its gate in
``storyweave/evaluation/baseline.toml`` (docs/BENCHMARKS.md has the full runs):

- ``claims-shared-facts``: every ecb-shared-facts pair run as a two-article story through the
  product's ``link.claims.align_claims`` (analysis, entity resolution, alignment);
- ``claims-mrpc``: the same-fact decision of the shipped matcher at the product's threshold;
- ``claims-emergent``, ``claims-fnc1``: stance decided by alignment itself
  (``evaluation.claim_pairs.decide_pair``: the product's story units, candidate pairs, pair
  features, shipped matcher and the disagreement test that makes a claim contested), against
  the majority-class baseline of the same run.
"""

from __future__ import annotations

import pytest

from storyweave.evaluation.baseline import gate
from storyweave.evaluation.claims import evaluate_mrpc, evaluate_shared_facts
from storyweave.evaluation.stance import evaluate_stance


@pytest.mark.evaldata
def test_shared_facts_of_article_pairs(evaldata_dir):
    baseline = gate("claims-shared-facts")
    # contested only for real contradictions, and no claim row a reader cannot take alone
    baseline.check(evaluate_shared_facts(evaldata_dir, limit=baseline.limit))


@pytest.mark.evaldata
def test_same_fact_decision_on_an_mrpc_slice(evaldata_dir):
    baseline = gate("claims-mrpc")
    baseline.check(evaluate_mrpc(evaldata_dir, limit=baseline.limit))


@pytest.mark.evaldata
def test_stance_on_emergent_decided_by_alignment(evaldata_dir):
    baseline = gate("claims-emergent")
    baseline.check(evaluate_stance(evaldata_dir, baseline.dataset, limit=baseline.limit))


@pytest.mark.evaldata
def test_stance_on_an_fnc1_slice_decided_by_alignment(evaldata_dir):
    baseline = gate("claims-fnc1")
    baseline.check(evaluate_stance(evaldata_dir, baseline.dataset, limit=baseline.limit))
