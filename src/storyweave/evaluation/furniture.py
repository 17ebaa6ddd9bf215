"""Evaluate the plain-text furniture filter on the article-extraction benchmark.

Each benchmark page is rendered to its full visible text with html-text (what
a person copying the page would get), then scored against the gold article
body with the benchmark's own shingle F1, once as is and once after
``filter_furniture``.
"""

from __future__ import annotations

import gzip
import json
import logging
from pathlib import Path

import html_text

from storyweave.errors import EvalDataMissing
from storyweave.evaluation.report import Report
from storyweave.evaluation.shingles import ShingleCounts, aggregate, match
from storyweave.ingest.furniture import filter_furniture

logger = logging.getLogger(__name__)

DATASET = "article-extraction"


def evaluate_furniture_filter(evaldata_dir: Path, limit: int | None = None, progress: bool = False) -> Report:
    """Score "no filtering" and the furniture filter on the benchmark's pages.

    ``limit`` takes the first N page ids in sorted order; ``progress`` shows a
    rich progress bar. Raises ``EvalDataMissing`` when the dataset is absent.
    """
    root = Path(evaldata_dir) / DATASET
    truth_path = root / "ground-truth.json"
    if not truth_path.is_file():
        raise EvalDataMissing(
            f"{truth_path} not found: put the Zyte article-extraction benchmark under {root} "
            "(see ../shared/evaldata/README.md) or set STORYWEAVE_EVALDATA"
        )
    truth = json.loads(truth_path.read_text(encoding="utf-8"))
    ids = sorted(truth)[:limit] if limit is not None else sorted(truth)
    unfiltered: list[ShingleCounts] = []
    filtered: list[ShingleCounts] = []
    for page_id in _iterate(ids, progress):
        html = gzip.decompress((root / "html" / f"{page_id}.html.gz").read_bytes()).decode("utf-8", "replace")
        full_text = html_text.extract_text(html, guess_layout=True)
        gold = truth[page_id]["articleBody"]
        unfiltered.append(match(gold, full_text))
        filtered.append(match(gold, filter_furniture(full_text).text))
    base, ours = aggregate(unfiltered), aggregate(filtered)
    logger.info("furniture filter on %d pages: F1 %.3f (no filtering %.3f)", len(ids), ours.f1, base.f1)
    report = Report(
        key="eval-extraction-text",
        title="Plain-text furniture filter (same pages, full visible text)",
        command="storyweave eval extraction",
        columns=["Method", "Pages", "Precision", "Recall", "F1"],
        rows=[
            ["no filtering", base.documents, base.precision, base.recall, base.f1],
            ["storyweave furniture filter", ours.documents, ours.precision, ours.recall, ours.f1],
        ],
        notes=[
            (
                "Zyte/Scrapinghub article-extraction benchmark; each page's full visible text rendered by "
                "html-text (`guess_layout=True`), scored against `articleBody` with the benchmark's F1 over "
                "word 4-gram shingles (precision and recall averaged over pages)."
            )
        ],
        metrics={"f1": ours.f1, "precision": ours.precision, "recall": ours.recall, "unfiltered_f1": base.f1},
    )
    return report


def _iterate(ids: list[str], progress: bool):
    if not progress:
        yield from ids
        return
    from rich.progress import track

    yield from track(ids, description="furniture filter")
