"""Two engines for the per-article stages: this process, or Ray Data.

Both run ``stages.read_shard`` then ``stages.ArticleStage`` over the shards
and write Parquet files of ``rows.SCHEMA`` into a folder; nothing else
differs. The Ray engine reads shards in parallel tasks, cuts the stream into
batches, and analyses them in a pool of actors that each load the models once.
"""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Optional

from storyweave.batch import rows as batch_rows
from storyweave.batch.stages import ArticleStage, read_shard
from storyweave.config import IngestOptions
from storyweave.errors import ConfigError

logger = logging.getLogger(__name__)

ENGINES = ("local", "ray")
#: Rows per Parquet file written by the local engine.
ROWS_PER_FILE = 5000


def run_local(
    shards: Sequence[str],
    out: Path,
    *,
    options: IngestOptions = IngestOptions(),
    encoder: str = "minilm",
    batch_size: int = 32,
    on_rows: Optional[Callable[[int], None]] = None,
) -> int:
    """Run the stages in this process; returns the number of rows written."""
    import pyarrow.parquet as pq

    out.mkdir(parents=True, exist_ok=True)
    stage = ArticleStage(encoder=encoder)
    written, part, writer, in_file = 0, 0, None, 0

    def flush(buffer: list[dict]) -> None:
        nonlocal written, part, writer, in_file
        if not buffer:
            return
        if writer is None:
            writer = pq.ParquetWriter(out / f"part-{part:05d}.parquet", batch_rows.SCHEMA)
        writer.write_table(stage(batch_rows.to_table(buffer)))
        written += len(buffer)
        in_file += len(buffer)
        if on_rows is not None:
            on_rows(len(buffer))
        if in_file >= ROWS_PER_FILE:
            writer.close()
            writer, part, in_file = None, part + 1, 0

    try:
        for index, path in enumerate(shards):
            buffer: list[dict] = []
            for row in read_shard({"shard": index, "path": path}, options):
                buffer.append(row)
                if len(buffer) >= batch_size:
                    flush(buffer)
                    buffer = []
            flush(buffer)
    finally:
        if writer is not None:
            writer.close()
    return written


def run_ray(
    shards: Sequence[str],
    out: Path,
    *,
    workers: int = 2,
    options: IngestOptions = IngestOptions(),
    encoder: str = "minilm",
    batch_size: int = 32,
    address: Optional[str] = None,
    progress: bool = True,
) -> int:
    """Run the stages on Ray Data with ``workers`` analysis actors; returns the number of rows written.

    Ray is started (or joined, with ``address``) by ``ray_session``.
    """
    try:
        import ray
        import ray.data
    except ImportError as exc:
        raise ConfigError("the ray engine needs Ray: pip install 'storyweave[ray]'") from exc

    with ray_session(workers, address):
        context = ray.data.DataContext.get_current()
        context.execution_options.preserve_order = True  # same store whatever the engine and timing
        context.enable_progress_bars = progress
        if not progress:  # quiet runs (-q, tests, benchmarks) leave out Ray Data's plan and progress lines
            logging.getLogger("ray.data").setLevel(logging.WARNING)
        dataset = ray.data.from_items(
            [{"shard": i, "path": str(p)} for i, p in enumerate(shards)], override_num_blocks=max(len(shards), 1)
        )
        dataset = dataset.flat_map(read_shard, fn_kwargs={"options": options}, num_cpus=0.5)
        dataset = dataset.repartition(target_num_rows_per_block=batch_size)
        dataset = dataset.map_batches(
            ArticleStage,
            fn_constructor_kwargs={"encoder": encoder, "threads": 1},
            batch_size=batch_size,
            batch_format="pyarrow",
            compute=ray.data.ActorPoolStrategy(size=workers),
            num_cpus=1,
        )
        out.mkdir(parents=True, exist_ok=True)
        dataset.write_parquet(str(out))
    return count_rows(out)


@contextlib.contextmanager
def ray_session(workers: int, address: Optional[str] = None):
    """Ray for the length of a ``with`` statement: joins ``address``'s cluster, or starts a local one with
    ``workers`` + 1 CPUs (the extra one for light tasks, so they never wait behind the actors).
    A session already open (a caller's, a test's) is used as it is and left open."""
    try:
        import ray
    except ImportError as exc:
        raise ConfigError("Ray is not installed: pip install 'storyweave[ray]'") from exc

    # Ray would otherwise try to report usage over the network, which this product never does.
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
    if ray.is_initialized():
        yield
        return
    kwargs = {"address": address} if address else {"num_cpus": workers + 1}
    ray.init(include_dashboard=False, logging_level=logging.WARNING, log_to_driver=False, **kwargs)
    try:
        yield
    finally:
        ray.shutdown()


def count_rows(folder: Path) -> int:
    import pyarrow.parquet as pq

    return sum(pq.ParquetFile(path).metadata.num_rows for path in sorted(folder.glob("*.parquet")))
