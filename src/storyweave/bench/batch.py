"""``storyweave bench batch``: the batch engine with 1 and 2 Ray workers against the local engine.

Input: the bundled demo corpus (real news articles) cut into JSONL shards.
Each configuration runs in its own fresh process, so every one pays its own
model loading; Ray's start-up (``ray.init``) is timed apart from the run.
Then the 2-worker output is loaded into a fresh SQLite store and linked,
one article at a time and block-wise, to time those steps too.
"""

from __future__ import annotations

import gzip
import multiprocessing as mp
import shutil
import tempfile
import time
from pathlib import Path

from storyweave.evaluation.report import Report

DEMO = Path(__file__).resolve().parents[1] / "data" / "demo" / "news-events-demo.jsonl.gz"


def write_shards(folder: Path, shards: int, limit: int | None = None) -> int:
    """Cut the demo corpus into ``shards`` JSONL files; returns the number of articles."""
    lines = [line for line in gzip.open(DEMO, "rt", encoding="utf-8") if line.strip()]
    if limit is not None:
        lines = lines[:limit]
    folder.mkdir(parents=True, exist_ok=True)
    per = -(-len(lines) // shards)
    for i in range(shards):
        (folder / f"shard-{i:03d}.jsonl").write_text("".join(lines[i * per : (i + 1) * per]), encoding="utf-8")
    return len(lines)


def _run(engine: str, workers: int, shards: list[str], out: str, queue) -> None:
    from storyweave.batch.engines import ray_session, run_local, run_ray

    startup = 0.0
    if engine == "local":
        started = time.perf_counter()
        rows = run_local(shards, Path(out))
    else:
        started = time.perf_counter()
        with ray_session(workers):
            startup = time.perf_counter() - started
            started = time.perf_counter()
            rows = run_ray(shards, Path(out), workers=workers, progress=False)
    queue.put((rows, time.perf_counter() - started, startup))


def _measure(engine: str, workers: int, shards: list[str], out: Path) -> tuple[int, float, float]:
    context = mp.get_context("spawn")
    queue = context.Queue()
    process = context.Process(target=_run, args=(engine, workers, shards, str(out), queue))
    process.start()
    result = queue.get()
    process.join()
    return result


def bench_batch(limit: int | None = None, shards: int = 8) -> Report:
    from storyweave.batch.blocks import link_blockwise
    from storyweave.batch.load import load_rows
    from storyweave.pipeline.link import link_pending
    from storyweave.store.database import Store

    report = Report(
        key="bench-batch",
        title="Batch engine: per-article stages, local and on Ray",
        command="storyweave bench batch",
        columns=["step", "workers", "articles", "seconds", "articles/s", "vs 1 Ray worker"],
    )
    work = Path(tempfile.mkdtemp(prefix="storyweave-bench-batch-"))
    try:
        articles = write_shards(work / "in", shards, limit)
        paths = [str(p) for p in sorted((work / "in").glob("*.jsonl"))]
        runs = {}
        for engine, workers in (("local", 1), ("ray", 1), ("ray", 2)):
            out = work / f"out-{engine}-{workers}"
            rows, seconds, startup = _measure(engine, workers, paths, out)
            runs[(engine, workers)] = (rows, seconds, startup, out)
        one = runs[("ray", 1)][1]
        for (engine, workers), (rows, seconds, startup, _) in runs.items():
            label = "local engine (one process)" if engine == "local" else "Ray Data, analysis actors"
            report.rows.append([f"read + analyse + embed: {label}", workers, rows, seconds, rows / seconds,
                                f"{one / seconds:.2f}x"])
        for (engine, workers), (_, _, startup, _) in runs.items():
            if engine == "ray":
                report.rows.append(["Ray start-up (ray.init, not in the row above)", workers, "", startup, "", ""])
        source = runs[("ray", 2)][3]
        for label, linker in (("one at a time", lambda s: link_pending(s, chunk_size=1024)),
                              ("block-wise, in this process", lambda s: link_blockwise(s, chunk_size=1024))):
            with Store(str(work / f"{label[:5]}.db")) as store:
                started = time.perf_counter()
                loaded = load_rows(source, store)
                load_seconds = time.perf_counter() - started
                started = time.perf_counter()
                linked = linker(store)
                link_seconds = time.perf_counter() - started
            if label == "one at a time":
                report.rows.append(["load Parquet into SQLite", 1, loaded.ingested + loaded.duplicates,
                                    load_seconds, (loaded.ingested + loaded.duplicates) / load_seconds, ""])
            report.rows.append([f"link ({label})", 1, linked.linked, link_seconds,
                                linked.linked / link_seconds, ""])
        speedup = one / runs[("ray", 2)][1]
        report.metrics = {"ray2_over_ray1": speedup, "ray2_articles_per_s": runs[("ray", 2)][0] / runs[("ray", 2)][1],
                          "local_articles_per_s": runs[("local", 1)][0] / runs[("local", 1)][1]}
        report.notes.append(
            f"Input: the bundled demo corpus ({articles} articles) in {shards} JSONL shards. Each engine "
            "configuration runs in a fresh process and includes loading its models (spaCy + gazetteer + "
            "MiniLM, once per actor); Ray actors run torch with one thread each, the local engine with "
            f"torch's default. 2 Ray workers vs 1: {speedup:.2f}x. Loading and linking use the 2-worker output."
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return report
