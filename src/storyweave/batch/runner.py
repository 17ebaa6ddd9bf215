"""``storyweave batch``: shards → per-article stages (local or Ray) → Parquet → store → links.

The engine does the per-article work (read, analyse, embed) on its own; then
loading and linking are one ``run_pipeline`` call
(``storyweave.pipeline.orchestrator``) whose ingest step loads the Parquet rows
(with their analyses, so the analyse stage is off) and whose link step is the
block-wise one (``batch.blocks.link_blockwise``, on Ray with the ray engine).

A run keeps its Parquet output in ``out``. The engine writes into
``out/parquet.partial`` and the folder is renamed to ``out/parquet`` only when
every shard is done; then ``out/manifest.json`` records what was processed
(shard paths, sizes and modification times, analyzer and encoder). A run that
finds a manifest matching its inputs skips straight to loading, and loading
and linking are themselves idempotent, so a run killed at any point and
started again loses nothing and duplicates nothing.
"""

from __future__ import annotations

import hashlib
import json
import logging
import shutil
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from storyweave.batch.engines import ENGINES, count_rows, run_local, run_ray
from storyweave.batch.load import LoadReport, load_rows
from storyweave.config import IngestOptions, Settings
from storyweave.errors import ConfigError
from storyweave.pipeline.ingest import IngestEvent
from storyweave.pipeline.orchestrator import INGEST, LINK, Stages, StageTimer, run_pipeline
from storyweave.store.database import Store

logger = logging.getLogger(__name__)

MANIFEST = "manifest.json"
PARQUET = "parquet"
PARTIAL = "parquet.partial"


@dataclass
class BatchReport:
    shards: int = 0
    rows: int = 0
    reused: bool = False  # the Parquet output of an earlier run was reused
    load: LoadReport = field(default_factory=LoadReport)
    linked: int = 0
    stories: int = 0
    seconds: dict[str, float] = field(default_factory=dict)


def list_shards(paths: Sequence[str]) -> list[str]:
    """Input files: files as given, folders expanded (sorted, hidden files and sidecars skipped)."""
    from storyweave.ingest.sources import walk_files

    shards: list[str] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            shards.extend(str(p) for p in walk_files(path) if isinstance(p, Path))
        elif path.exists():
            shards.append(raw)
        else:
            raise ConfigError(f"{raw}: no such file or folder; check the path")
    if not shards:
        raise ConfigError("no input files found under " + ", ".join(paths))
    return shards


def run_batch(
    paths: Sequence[str],
    store: Optional[Store],
    out: Path,
    settings: Settings = Settings(),
    *,
    engine: str = "local",
    workers: int = 2,
    encoder: str = "minilm",
    batch_size: int = 32,
    address: Optional[str] = None,
    load: bool = True,
    link: bool = True,
    link_workers: Optional[int] = None,
    on_rows: Optional[Callable[[int], None]] = None,
    on_event: Optional[Callable[[IngestEvent], None]] = None,
    progress: bool = True,
) -> BatchReport:
    """Process ``paths`` with ``engine`` into ``out`` (reading with ``settings.ingest``), then load into
    ``store`` and link."""
    from storyweave.nlp.analysis import ANALYZER

    options = settings.ingest
    if engine not in ENGINES:
        raise ConfigError(f"unknown engine {engine!r}: choose one of {', '.join(ENGINES)}")
    if workers < 1:
        raise ConfigError("--workers must be at least 1")
    report = BatchReport()
    shards = list_shards(paths)
    report.shards = len(shards)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    signature = _signature(shards, ANALYZER, encoder, options)

    started = time.perf_counter()
    if _manifest_matches(out, signature):
        report.reused = True
        report.rows = count_rows(out / PARQUET)
    else:
        for stale in (out / MANIFEST, out / PARQUET, out / PARTIAL):
            _remove(stale)
        partial = out / PARTIAL
        if engine == "ray":
            report.rows = run_ray(shards, partial, workers=workers, options=options, encoder=encoder,
                                  batch_size=batch_size, address=address, progress=progress)
        else:
            report.rows = run_local(shards, partial, options=options, encoder=encoder, batch_size=batch_size,
                                    on_rows=on_rows)
        partial.rename(out / PARQUET)
        _write_manifest(out, signature, shards, engine, workers, report.rows)
    report.seconds["process"] = time.perf_counter() - started

    if load:
        _load_and_link(store, settings, out / PARQUET, report, link=link, engine=engine, encoder=encoder,
                       workers=link_workers or workers, address=address, on_event=on_event)
    return report


def _load_and_link(store: Store, settings: Settings, parquet: Path, report: BatchReport, *, link: bool,
                   engine: str, encoder: str, workers: int, address: Optional[str],
                   on_event: Optional[Callable[[IngestEvent], None]]) -> None:
    """Load the engine's rows and (with ``link``) link them, timing each stage into ``report.seconds``."""
    from storyweave.batch.blocks import link_blockwise

    timer = StageTimer()
    result = run_pipeline(
        store, settings, stages=Stages(analyse=False, link=link),
        read=lambda _on_document: _load_and_settle(parquet, store, settings, on_event),
        link=lambda on_article: link_blockwise(store, encoder=encoder, workers=workers, engine=engine,
                                               address=address, on_article=on_article),
        on_progress=timer,
    )
    report.seconds["load"] = timer.seconds[INGEST]
    if LINK in timer.seconds:
        report.seconds["link"] = timer.seconds[LINK]
    report.load = result.ingest
    if result.link is not None:
        report.linked, report.stories = result.link.linked, result.link.new_stories


def _load_and_settle(parquet: Path, store: Store, settings: Settings,
                     on_event: Optional[Callable[[IngestEvent], None]]) -> LoadReport:
    """Load the engine's rows, then analyse again, as a local run does, the articles of local
    outlets whose home area the loaded articles show (the workers saw no store)."""
    from storyweave.pipeline.analyze import settle_outlet_homes

    loaded = load_rows(parquet, store, settings.ingest, on_event=on_event)
    settle_outlet_homes(store)
    return loaded


def _signature(shards: list[str], analyzer: str, encoder: str, options: IngestOptions) -> str:
    parts = [analyzer, encoder, repr(options)]
    for shard in shards:
        stat = Path(shard).stat()
        parts.append(f"{shard}\x00{stat.st_size}\x00{stat.st_mtime_ns}")
    return hashlib.sha256("\x01".join(parts).encode("utf-8")).hexdigest()


def _manifest_matches(out: Path, signature: str) -> bool:
    try:
        manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return manifest.get("signature") == signature and (out / PARQUET).is_dir()


def _write_manifest(out: Path, signature: str, shards: list[str], engine: str, workers: int, rows: int) -> None:
    manifest = {"signature": signature, "shards": shards, "engine": engine, "workers": workers, "rows": rows}
    partial = out / (MANIFEST + ".partial")
    partial.write_text(json.dumps(manifest, indent=1), encoding="utf-8")
    partial.replace(out / MANIFEST)


def _remove(path: Path) -> None:
    if path.is_dir():
        shutil.rmtree(path)
    elif path.exists():
        path.unlink()
