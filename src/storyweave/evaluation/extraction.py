"""HTML extraction evaluation on the Zyte/Scrapinghub article-extraction benchmark.

Scores storyweave's extractor (``storyweave.ingest.html.extract_html``) and,
in the same run, plain ``trafilatura.extract(html)`` as the baseline, with the
benchmark's own shingle metric (``evaluation.shingles``). Data: ``html/<id>.html.gz``
and ``ground-truth.json`` under ``<evaldata>/article-extraction``.
"""

from __future__ import annotations

import gzip
import json
import logging
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path

import trafilatura

from storyweave.errors import BadDocument, EvalDataMissing
from storyweave.evaluation.report import Report
from storyweave.evaluation.shingles import ShingleCounts, aggregate, match
from storyweave.ingest.html import extract_html

LOGGER = logging.getLogger(__name__)

DATASET = "article-extraction"
KEY = "eval-extraction-html"
TITLE = "HTML extraction (Zyte article-extraction benchmark)"
COMMAND = "storyweave eval extraction"


@dataclass(frozen=True)
class Page:
    """One benchmark page: its id, raw HTML bytes and gold article body."""

    id: str
    html: bytes
    gold: str


def load_pages(evaldata_dir: Path, limit: int | None = None) -> list[Page]:
    """Read the benchmark's pages in sorted id order; ``limit`` keeps the first N."""
    folder = Path(evaldata_dir) / DATASET
    truth_path = folder / "ground-truth.json"
    if not truth_path.is_file():
        raise EvalDataMissing(
            f"{truth_path} not found: put the Zyte article-extraction benchmark in {folder} "
            "(see ../shared/evaldata/README.md) or point --evaldata at the folder that holds it"
        )
    truth = json.loads(truth_path.read_text(encoding="utf-8"))
    ids = sorted(truth)[:limit] if limit is not None else sorted(truth)
    pages = []
    for page_id in ids:
        html_path = folder / "html" / f"{page_id}.html.gz"
        if not html_path.is_file():
            raise EvalDataMissing(f"{html_path} not found: the benchmark copy in {folder} is incomplete")
        pages.append(Page(page_id, gzip.decompress(html_path.read_bytes()), truth[page_id]["articleBody"]))
    return pages


def storyweave_text(page: Page) -> str:
    """storyweave's article text for a page; a page it rejects counts as empty output."""
    try:
        return extract_html(page.html, source=page.id).text
    except BadDocument as err:
        LOGGER.info("%s", err)
        return ""


def trafilatura_text(page: Page) -> str:
    """The baseline: trafilatura with its default settings, as the benchmark runs it."""
    # The benchmark's HTML files are UTF-8 (its README says so).
    return trafilatura.extract(page.html.decode("utf-8", errors="replace")) or ""


SYSTEMS: dict[str, Callable[[Page], str]] = {
    "storyweave": storyweave_text,
    f"trafilatura {trafilatura.__version__} (default extract)": trafilatura_text,
}


def evaluate_html_extraction(evaldata_dir: Path, limit: int | None = None, progress: bool = False) -> Report:
    """Score storyweave and plain trafilatura on the benchmark; return the report.

    ``limit`` takes the first N pages in sorted id order (the fast CI subset);
    ``progress`` shows a progress bar on the terminal.
    """
    pages = load_pages(evaldata_dir, limit)
    counts: dict[str, list[ShingleCounts]] = {name: [] for name in SYSTEMS}
    with _progress_bar(progress) as bar:
        task = bar.add_task("extracting", total=len(pages)) if bar is not None else None
        for page in pages:
            for name, system in SYSTEMS.items():
                counts[name].append(match(page.gold, system(page)))
            if bar is not None:
                bar.advance(task)

    report = Report(
        key=KEY,
        title=TITLE,
        command=COMMAND + (f" --limit {limit}" if limit is not None else ""),
        columns=["system", "documents", "precision", "recall", "F1"],
    )
    for name in SYSTEMS:
        scores = aggregate(counts[name])
        report.rows.append([name, scores.documents, scores.precision, scores.recall, scores.f1])
        if name == "storyweave":
            report.metrics.update({"f1": scores.f1, "precision": scores.precision, "recall": scores.recall})
        else:  # the baseline of the same run, for the CI gate's margin
            report.metrics["trafilatura_f1"] = scores.f1
    report.notes.append(
        "Metric: the benchmark's word 4-gram shingle precision/recall, macro-averaged over pages; "
        "F1 of the two averages. Both systems measured in the same run on the same pages."
    )
    return report


def _progress_bar(enabled: bool):
    if not enabled:
        return nullcontext(None)
    from rich.progress import Progress  # only the terminal needs it

    return Progress(transient=True)
