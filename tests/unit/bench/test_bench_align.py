"""``storyweave bench align`` on a small store built from the demo corpus."""

from __future__ import annotations

from pathlib import Path

from storyweave.bench.align import bench_align
from storyweave.bench.serve import build_story_store


def test_alignment_is_timed_at_each_story_size(tmp_path: Path):
    db = build_story_store(tmp_path / "store.db", 12)
    report = bench_align(sizes=(6, 12, 50), repeat=1, db=db)
    sizes = [row[0] for row in report.rows]
    assert sizes == [6, 12]  # 50 is more than the store has: it stops at its 12
    small, large = report.rows
    assert 0 < small[1] <= large[1] and 0 < small[2] <= large[2]  # claims and groups grow with the story
    assert all(row[3] > 0 for row in report.rows)
    assert set(report.metrics) == {"ms_per_claim_6", "ms_per_claim_12"}
