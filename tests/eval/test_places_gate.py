"""Gate: geoparsing on fixed subsets of LGL and TR-News must not fall below pinned floors.

Runs ``storyweave eval places`` (``evaluate_places``: the product's places component in the
spaCy pipeline, with each article's outlet country as in the product) on the gates
``places-lgl`` and ``places-trnews`` of ``storyweave/evaluation/baseline.toml``. Both figures
are accuracy at 161 km over every gold toponym with coordinates, demonyms included: end to end
(a toponym the system does not recognise is a miss) and resolution alone (the gold spans given
to ``geocode_spans``). The two subsets run in about 30 s together on one free core.
"""

from __future__ import annotations

import pytest

from storyweave.evaluation.baseline import gate
from storyweave.evaluation.places import evaluate_places


@pytest.mark.evaldata
@pytest.mark.parametrize("name", ["places-lgl", "places-trnews"])
def test_places_subset_meets_floors(evaldata_dir, name):
    baseline = gate(name)
    report = evaluate_places(evaldata_dir, baseline.dataset, limit=baseline.limit)
    assert report.key == f"eval-places-{baseline.dataset}"
    baseline.check(report)
