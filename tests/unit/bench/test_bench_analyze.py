"""``bench analyze``: the pipelines take turns, and the report gives the median of the rounds' ratios.

``summarise`` is fed measured-looking rounds directly, so the arithmetic is checked
without timing anything; one real round on two short texts checks the processes (a smoke
check: how fast the analysis is belongs to ``storyweave bench analyze``).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from storyweave.bench import analyze
from storyweave.bench.analyze import BARE, FULL, _Run

TEXTS = ["Rebels took Hama on Thursday, the army said."] * 4


def _rounds(pairs: list[tuple[float, float]]) -> list[dict[str, _Run]]:
    return [
        {BARE: _Run(bare, bare * 0.9, 700.0), FULL: _Run(full, full * 0.9, 800.0 + k)}
        for k, (bare, full) in enumerate(pairs, start=1)
    ]


def test_ratio_is_the_median_of_the_rounds_ratios():
    # a busy spell in the second round slows both pipelines of that round
    report = analyze.summarise(TEXTS, _rounds([(10.0, 12.5), (20.0, 25.0), (10.0, 12.0)]), 16)

    assert report.metrics["ratio"] == pytest.approx(0.8)  # rounds: 0.8, 0.8, 0.833
    assert report.metrics["articles_per_s"] == pytest.approx(4 / 12.5)  # the median full round
    assert report.metrics["peak_mb"] == 803.0  # the largest max RSS of the full processes
    assert "0.80x" in report.notes[0] and "median of 3 rounds" in report.notes[0]
    assert report.notes[1].count("ratio") == 3


def test_rows_keep_the_table_format():
    report = analyze.summarise(TEXTS, _rounds([(2.0, 4.0)]), 16)

    assert report.columns == ["pipeline", "articles", "articles/s", "words/s", "peak memory (MB)"]
    assert [row[0] for row in report.rows] == [BARE, FULL]
    assert report.rows[0][1:3] == [4, 2.0] and report.rows[1][1:3] == [4, 1.0]
    assert report.metrics["ratio"] == pytest.approx(0.5)


def test_the_pipelines_take_turns_going_first():
    assert analyze._turns(4) == [(BARE, FULL), (FULL, BARE), (BARE, FULL), (FULL, BARE)]


@pytest.mark.slow  # two processes, each loading spaCy
def test_a_real_round_times_both_pipelines_in_their_own_processes(tmp_path: Path):
    folder = tmp_path / "polnear" / "dev" / "text"
    folder.mkdir(parents=True)
    for i, text in enumerate(TEXTS[:2]):
        (folder / f"{i}.txt").write_text(text, encoding="utf-8")

    report = analyze.bench_analyze(tmp_path, batch_size=1, repeat=1)

    assert report.metrics["ratio"] > 0 and report.metrics["peak_mb"] > 100  # spaCy is loaded
    assert [row[1] for row in report.rows] == [2, 2]
    assert len(report.rows[0]) == len(report.rows[1]) == len(report.columns)
