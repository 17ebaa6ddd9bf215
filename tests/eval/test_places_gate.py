"""Gate: geoparsing on fixed subsets of LGL and TR-News must not fall below pinned floors.

Both figures are accuracy at 161 km over every gold toponym with coordinates, demonyms
included: end to end (a toponym the system does not recognise is a miss) and resolution alone
(the gold spans given to ``geocode_spans``). Floors sit about 0.025 below the figures measured
on these subsets; the full-corpus figures are in docs/BENCHMARKS.md (`storyweave eval places`).
The two subsets run in about 30 s together on one free core.
"""

from __future__ import annotations

import pytest

from storyweave.evaluation.places import evaluate_places

#: the first N articles of each corpus
SUBSETS = {"lgl": 200, "trnews": 80}
# measured on these subsets (acc161 / resolution_acc161): LGL 0.761 / 0.828 (1,521 gold
# toponyms with coordinates), TR-News 0.875 / 0.922 (785)
FLOORS = {
    "lgl": {"acc161": 0.735, "resolution_acc161": 0.800},
    "trnews": {"acc161": 0.850, "resolution_acc161": 0.895},
}


@pytest.mark.evaldata
@pytest.mark.parametrize("corpus", sorted(SUBSETS))
def test_places_subset_meets_floors(evaldata_dir, corpus):
    report = evaluate_places(evaldata_dir, corpus, limit=SUBSETS[corpus])
    assert report.key == f"eval-places-{corpus}"
    below = {
        name: (round(report.metrics[name], 3), floor)
        for name, floor in FLOORS[corpus].items()
        if report.metrics[name] < floor
    }
    assert not below, f"below the pinned floors (measured, floor): {below}\n{report.to_markdown()}"
