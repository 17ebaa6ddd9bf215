"""``storyweave bench align`` on a small store built from the demo corpus: a smoke check.

It checks that the bench runs and writes a well-formed table, not how fast alignment is:
the timings themselves belong to ``storyweave bench align`` (docs/BENCHMARKS.md).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from storyweave.bench.align import bench_align
from storyweave.bench.serve import build_story_store
from storyweave.evaluation.report import write_report

pytestmark = pytest.mark.slow  # analyses and links 12 demo articles first


def test_alignment_is_timed_at_each_story_size_and_written_as_a_table(tmp_path: Path):
    db = build_story_store(tmp_path / "store.db", 12)
    report = bench_align(sizes=(6, 12, 50), repeat=1, db=db)
    sizes = [row[0] for row in report.rows]
    assert sizes == [6, 12]  # 50 is more than the store has: it stops at its 12
    small, large = report.rows
    assert 0 < small[1] <= large[1] and 0 < small[2] <= large[2]  # claims and groups grow with the story
    assert all(row[3] > 0 for row in report.rows)
    assert set(report.metrics) == {"ms_per_claim_6", "ms_per_claim_12"}

    benchmarks = tmp_path / "BENCHMARKS.md"
    write_report(report, benchmarks)
    text = benchmarks.read_text(encoding="utf-8")
    table = [line for line in text.splitlines() if line.startswith("|")]
    assert "<!-- begin bench-align -->" in text and "Command: `storyweave bench align`" in text
    assert len(table) == 2 + len(report.rows)  # header, rule, one line per size
    assert {line.count("|") for line in table} == {len(report.columns) + 1}
