"""``storyweave bench batch``: the batch engine with 1 and 2 Ray workers against the local engine.

Input: real news articles cut into JSONL shards: PolNeAR's training texts
(840 US political news articles of ~1,000 words, from ``../shared/evaldata``)
by default, or the bundled demo corpus (373 shorter ECB+ articles).
Each configuration runs in its own fresh process, so every one pays its own
model loading; Ray's start-up (``ray.init``) is timed apart from the run.
Then the 2-worker output is loaded into a fresh SQLite store and linked,
one article at a time and block-wise, to time those steps too.
"""

from __future__ import annotations

import gzip
import json
import multiprocessing as mp
import shutil
import tempfile
import time
from pathlib import Path

from storyweave.evaluation.report import Report

DEMO = Path(__file__).resolve().parents[1] / "data" / "demo" / "news-events-demo.jsonl.gz"


def _records(corpus: str, evaldata: Path | None) -> list[str]:
    """JSON lines of the chosen corpus."""
    if corpus == "demo":
        return [line for line in gzip.open(DEMO, "rt", encoding="utf-8") if line.strip()]
    if evaldata is None:
        raise ValueError("the polnear corpus needs the evaldata folder")
    files = sorted((evaldata / "polnear" / "train" / "text").glob("*.txt"))
    if not files:
        raise FileNotFoundError(f"no PolNeAR training texts under {evaldata / 'polnear'}")
    return [json.dumps({"id": f.stem, "text": f.read_text(encoding="utf-8"),
                        "url": f"https://polnear.example/{f.stem}"}) + "\n" for f in files]


def write_shards(folder: Path, shards: int, limit: int | None = None, corpus: str = "demo",
                 evaldata: Path | None = None) -> int:
    """Cut the corpus into ``shards`` JSONL files; returns the number of articles."""
    lines = _records(corpus, evaldata)
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


def _load_and_link(mode: str, source: str, db: str, queue) -> None:
    from storyweave.batch.blocks import link_blockwise
    from storyweave.batch.load import load_rows
    from storyweave.config import Settings
    from storyweave.pipeline.link import link_pending
    from storyweave.pipeline.orchestrator import INGEST, LINK, Stages, StageTimer, run_pipeline
    from storyweave.store.database import Store

    linker = link_blockwise if mode == "blockwise" else link_pending
    timer = StageTimer()
    with Store(db) as store:
        settings = Settings(db_url=db)
        result = run_pipeline(
            store, settings, stages=Stages(analyse=False),
            read=lambda _on_document: load_rows(Path(source), store, settings.ingest),
            link=lambda on_article: linker(store, chunk_size=1024, on_article=on_article),
            on_progress=timer,
        )
        loaded, linked = result.ingest, result.link
        queue.put((loaded.ingested + loaded.duplicates, timer.seconds[INGEST], linked.linked, timer.seconds[LINK]))


def _in_child(target, *args):
    """Run ``target(*args, queue)`` in a fresh process (its own model loading and memory); return what it put."""
    context = mp.get_context("spawn")
    queue = context.Queue()
    process = context.Process(target=target, args=(*args, queue))
    process.start()
    result = queue.get()
    process.join()
    return result


_CORPORA = {"polnear": "PolNeAR training texts (US political news)", "demo": "the bundled demo corpus (ECB+)"}


def bench_batch(limit: int | None = None, shards: int = 8, corpus: str = "polnear",
                evaldata: Path | None = None) -> Report:
    report = Report(
        key="bench-batch",
        title="Batch engine: per-article stages, local and on Ray",
        command="storyweave bench batch",
        columns=["step", "workers", "articles", "seconds", "articles/s", "vs 1 Ray worker"],
    )
    work = Path(tempfile.mkdtemp(prefix="storyweave-bench-batch-"))
    try:
        articles = write_shards(work / "in", shards, limit, corpus, evaldata)
        paths = [str(p) for p in sorted((work / "in").glob("*.jsonl"))]
        runs = {}
        for engine, workers in (("local", 1), ("ray", 1), ("ray", 2)):
            out = work / f"out-{engine}-{workers}"
            rows, seconds, startup = _in_child(_run, engine, workers, paths, str(out))
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
        for mode, label in (("sequential", "one at a time"), ("blockwise", "block-wise, in this process")):
            loaded, load_seconds, linked, link_seconds = _in_child(_load_and_link, mode, str(source),
                                                                   str(work / f"{mode}.db"))
            if mode == "sequential":
                report.rows.append(["load Parquet into SQLite", 1, loaded, load_seconds, loaded / load_seconds, ""])
            report.rows.append([f"link ({label})", 1, linked, link_seconds, linked / link_seconds, ""])
        speedup = one / runs[("ray", 2)][1]
        report.metrics = {"ray2_over_ray1": speedup, "ray2_articles_per_s": runs[("ray", 2)][0] / runs[("ray", 2)][1],
                          "local_articles_per_s": runs[("local", 1)][0] / runs[("local", 1)][1]}
        report.notes.append(
            f"Input: {_CORPORA[corpus]} ({articles} articles) in {shards} JSONL shards. Each engine "
            "configuration runs in a fresh process and includes loading its models (spaCy + gazetteer + "
            "MiniLM, once per actor); Ray actors run torch with one thread each, the local engine with "
            f"torch's default. 2 Ray workers vs 1: {speedup:.2f}x. Loading and linking use the 2-worker output."
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return report
