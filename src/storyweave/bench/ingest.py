"""``storyweave bench ingest``: documents per second, per input kind.

Each kind is ingested into a fresh SQLite store in a temporary folder: the
bundled demo corpus as JSONL, the article-extraction benchmark's pages as
HTML (trafilatura's cost), and the same pages' visible text as plain text
(the furniture filter's cost). A second pass over the same input measures the
re-ingest path, where every document is found unchanged.
"""

from __future__ import annotations

import gzip
import tempfile
import time
from importlib import resources
from pathlib import Path

from storyweave.config import IngestOptions
from storyweave.evaluation.report import Report
from storyweave.pipeline.ingest import ingest
from storyweave.store.database import Store

DEMO_CORPUS = "news-events-demo.jsonl.gz"


def demo_corpus_path() -> Path:
    """The bundled demo corpus (JSONL, gzip)."""
    return Path(str(resources.files("storyweave.data").joinpath("demo", DEMO_CORPUS)))


def _prepare_inputs(evaldata: Path, workdir: Path) -> dict[str, Path]:
    import html_text

    pages = sorted((evaldata / "article-extraction" / "html").glob("*.html.gz"))
    html_dir, text_dir = workdir / "html", workdir / "text"
    html_dir.mkdir()
    text_dir.mkdir()
    for page in pages:
        raw = gzip.decompress(page.read_bytes())
        name = page.name.removesuffix(".html.gz")
        (html_dir / f"{name}.html").write_bytes(raw)
        text = html_text.extract_text(raw.decode("utf-8", "replace"), guess_layout=True)
        (text_dir / f"{name}.txt").write_text(text, encoding="utf-8")
    return {"jsonl (demo corpus)": demo_corpus_path(), "html (benchmark pages)": html_dir, "text (same pages)": text_dir}


def bench_ingest(evaldata: Path, repeat: int = 3) -> Report:
    """Measure ingest throughput for each input kind; best of ``repeat`` runs."""
    report = Report(
        key="bench-ingest",
        title="Ingest throughput (documents per second, one process, SQLite)",
        command="storyweave bench ingest",
        columns=["input", "documents", "first ingest docs/s", "re-ingest docs/s", "duplicates", "failed"],
    )
    with tempfile.TemporaryDirectory(prefix="storyweave-bench-") as tmp:
        inputs = _prepare_inputs(evaldata, Path(tmp))
        for label, path in inputs.items():
            best_first = best_again = 0.0
            for run in range(repeat):
                store = Store(str(Path(tmp) / f"bench-{abs(hash(label))}-{run}.db"))
                started = time.perf_counter()
                first = ingest([str(path)], store, IngestOptions())
                first_rate = first.documents / (time.perf_counter() - started)
                started = time.perf_counter()
                again = ingest([str(path)], store, IngestOptions())
                again_rate = again.documents / (time.perf_counter() - started)
                store.close()
                best_first, best_again = max(best_first, first_rate), max(best_again, again_rate)
            report.rows.append([label, first.documents, best_first, best_again, first.duplicates, first.failed])
            report.metrics[f"{label.split()[0]}_docs_per_s"] = best_first
    report.notes.append(
        "First ingest includes reading, extraction or filtering, fingerprinting, dedup lookups and one "
        "transaction per document; re-ingest finds every document by its key and writes nothing."
    )
    return report
