"""``storyweave bench serve``: the dossier page of a 100-article story, and every page under load.

Without ``--clients``, the server-side time to render one big dossier page. The
store is built from the bundled demo corpus (ECB+ articles, CC BY 3.0):
the first ``articles`` records are ingested, analysed and linked as usual,
then every story is folded into one, with the claim groups of each, so that
the dossier holds ``articles`` articles with all their claims, events, quotes
and places. (Claims are not re-aligned across the folded stories: the page's
size, not the alignment, is what is measured.) Each request goes through the
whole app in-process (routing, queries, template) with no network in between.

With ``--clients N`` (``bench_serve_load``), a load test: ``storyweave serve`` runs in a
process of its own over a real store (the demo corpus by default) and N concurrent
keep-alive HTTP clients request the story list, dossiers, article, entity and search
pages and the JSON API in equal shares; p50/p95 per page kind and errors are reported.
"""

from __future__ import annotations

import gzip
import json
import logging
import math
import statistics
import tempfile
import time
from importlib import resources
from pathlib import Path
from typing import Optional

from storyweave.errors import StoryweaveError
from storyweave.evaluation.report import Report

log = logging.getLogger(__name__)

BENCH_STORY = "bench"


def build_story_store(path: Path, articles: int) -> str:
    """A store at ``path`` whose one story has the first ``articles`` demo articles."""
    from storyweave.config import Settings
    from storyweave.pipeline.orchestrator import run_pipeline
    from storyweave.store import linking as link_store
    from storyweave.store.database import Store

    corpus = resources.files("storyweave.data.demo").joinpath("news-events-demo.jsonl.gz")
    sample = path.parent / "sample.jsonl"
    with gzip.open(str(corpus), "rt", encoding="utf-8") as source, sample.open("w", encoding="utf-8") as out:
        for n, line in enumerate(source):
            if n >= articles:
                break
            out.write(json.dumps(json.loads(line)) + "\n")
    with Store(str(path)) as store:
        run_pipeline(store, Settings(db_url=str(path)), [str(sample)])
        with store.write() as conn:
            link_store.merge_all_stories(conn, BENCH_STORY, lambda size: f"{size} demo articles in one story")
    return str(path)


def bench_serve(articles: int = 100, requests: int = 30, warmup: int = 3, db: Optional[str] = None) -> Report:
    """Mean and p95 server-side time of ``GET /stories/{id}`` for a story of ``articles`` articles.

    ``db`` reuses a store made by ``build_story_store`` (building one takes a few
    minutes on a slow machine); without it a fresh one is built in a temporary folder.
    """
    from fastapi.testclient import TestClient

    from storyweave.app import create_app
    from storyweave.queries.reads import event_markers
    from storyweave.queries.stories import story_dossier
    from storyweave.store.database import Store

    with tempfile.TemporaryDirectory(prefix="sw-bench-serve-") as folder:
        if db is None:
            db = build_story_store(Path(folder) / "store.db", articles)
        with Store(db) as store:
            if story_dossier(store, BENCH_STORY) is None:
                raise StoryweaveError(f"{db} has no story {BENCH_STORY!r}: build it with build_story_store")
            dossier = story_dossier(store, BENCH_STORY)
            markers = len(event_markers(store, BENCH_STORY))
            app = create_app(store)
            app.state.page_cache.max_entries = 0  # render every request: the page cache would answer the repeats
            with TestClient(app) as client:
                for _ in range(warmup):
                    client.get(f"/stories/{BENCH_STORY}").raise_for_status()
                times, size = [], 0
                for _ in range(requests):
                    start = time.perf_counter()
                    response = client.get(f"/stories/{BENCH_STORY}")
                    times.append((time.perf_counter() - start) * 1000)
                    response.raise_for_status()
                    size = len(response.content)
                query_times = []
                for _ in range(max(5, requests // 3)):
                    start = time.perf_counter()
                    story_dossier(store, BENCH_STORY)
                    query_times.append((time.perf_counter() - start) * 1000)
    mean = statistics.fmean(times)
    p95 = statistics.quantiles(times, n=20)[-1] if len(times) >= 2 else times[0]
    claims = len(dossier["claims"])
    quotes = sum(len(g["quotes"]) for g in dossier["quotes"])
    report = Report(
        key="bench-serve",
        title="Serving: dossier page of a 100-article story",
        command=f"storyweave bench serve --articles {articles} --requests {requests}",
        columns=("Articles", "Claims", "Timeline entries", "Quotes", "Places", "Event markers", "Page KB",
                 "Requests", "Mean ms", "p95 ms", "Dossier query ms (mean)"),
        rows=[(len(dossier["articles"]), claims, len(dossier["timeline"]), quotes, len(dossier["places"]),
               markers, round(size / 1024), requests, round(mean, 1), round(p95, 1),
               round(statistics.fmean(query_times), 1))],
        notes=["Built from the first demo-corpus articles (ECB+), ingested, analysed and linked, then folded "
               "into one story. Time is measured in-process through the whole app (routing, queries, Jinja2 "
               "template) with FastAPI's TestClient; no network; the page cache is off, so every request renders "
               "the page. The map and htmx run in the browser and are not included."],
        metrics={"mean_ms": mean, "p95_ms": p95},
    )
    return report


# -- load: many clients against a real server -----------------------------------------------

#: The page kinds ``bench serve --clients`` requests, in the order its table lists them.
PAGE_KINDS = ("story list", "dossier", "article", "entity", "search", "API")


def load_urls(store, per_kind: int = 40, seed: int = 0) -> dict[str, list[str]]:
    """Paths to request for each page kind, sampled from ``store`` (the same ones for a given seed).

    Every story's dossier (readers crowd on the same stories), ``per_kind`` articles,
    entities and one- or two-word searches from story titles, and API calls of each kind.
    """
    import random
    from urllib.parse import quote, urlencode

    from storyweave.queries.articles import list_articles
    from storyweave.queries.reads import list_entities
    from storyweave.queries.stories import list_stories

    rng = random.Random(seed)
    stories = list_stories(store)
    articles = [a.id for a in list_articles(store, include_duplicates=False)]
    entities = [e["id"] for e in list_entities(store, limit=1000)]
    if not (stories and articles and entities):
        raise StoryweaveError(f"{store!r} has no linked stories to serve: ingest the demo corpus into it first")

    def sample(items: list, n: int) -> list:
        return rng.sample(items, n) if len(items) > n else list(items)

    words = sorted({w for s in stories for w in (s["title"] or "").split() if len(w) > 4 and w.isalpha()}) or ["the"]
    searches = [urlencode({"q": " ".join(rng.sample(words, min(len(words), 1 + n % 2)))}) for n in range(per_kind)]
    story_ids = [s["id"] for s in stories]
    api = ([f"/api/stories/{quote(s)}" for s in sample(story_ids, per_kind // 2)]
           + [f"/api/articles/{quote(a)}" for a in sample(articles, per_kind // 4)]
           + [f"/api/entities/{quote(e, safe=':/')}" for e in sample(entities, per_kind // 4)]
           + ["/api/stories", f"/api/search?{searches[0]}"])
    return {
        "story list": ["/"],
        "dossier": [f"/stories/{quote(s)}" for s in story_ids],
        "article": [f"/articles/{quote(a)}" for a in sample(articles, per_kind)],
        "entity": [f"/entities/{quote(e, safe=':/')}" for e in sample(entities, per_kind)],
        "search": [f"/search?{q}" for q in searches],
        "API": api,
    }


def _schedule(urls: dict[str, list[str]], requests: int, seed: int = 0) -> list[tuple[str, str]]:
    """``requests`` (kind, path) pairs, the kinds in equal shares, shuffled."""
    import itertools
    import random

    cycles = {kind: itertools.cycle(paths) for kind, paths in urls.items()}
    plan = [(kind, next(cycles[kind])) for kind in itertools.islice(itertools.cycle(urls), requests)]
    random.Random(seed).shuffle(plan)
    return plan


class _Server:
    """``storyweave serve`` over ``db`` in a child process, on a free localhost port."""

    def __init__(self, db: str, log: Path):
        import socket

        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
        self.db, self.log = db, log
        self.base = f"http://127.0.0.1:{self.port}"
        self.process = None

    def __enter__(self) -> "_Server":
        import subprocess
        import sys

        import httpx

        with self.log.open("wb") as log:  # a file, not a pipe: a full pipe would stall the server
            self.process = subprocess.Popen(
                [sys.executable, "-m", "storyweave.cli", "serve", "--db", self.db, "--port", str(self.port)],
                stdout=subprocess.DEVNULL, stderr=log)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise StoryweaveError(f"the server exited: {self.log.read_text(errors='replace')[-2000:]}")
            try:
                if httpx.get(self.base + "/api/stories?limit=1", timeout=5).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        self.__exit__()
        raise StoryweaveError("the server did not answer within 120 s")

    def __exit__(self, *exc) -> None:
        import subprocess

        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def run_load(base: str, plan: list[tuple[str, str]], clients: int, timeout: float = 60.0) -> tuple[dict, float]:
    """Send ``plan`` from ``clients`` concurrent keep-alive clients.

    Returns, per page kind, the latencies (ms), the errors and the bytes received,
    and the wall time of the whole run in seconds.
    """
    import asyncio

    import httpx

    results: dict[str, dict] = {kind: {"times": [], "errors": [], "bytes": 0} for kind, _ in plan}

    async def main() -> float:
        queue = iter(plan)
        limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
        async with httpx.AsyncClient(base_url=base, timeout=timeout, limits=limits) as client:

            async def worker() -> None:
                for kind, path in queue:
                    entry = results[kind]
                    start = time.perf_counter()
                    try:
                        response = await client.get(path)
                        if response.status_code == 200:
                            entry["bytes"] += len(response.content)
                        else:
                            entry["errors"].append(f"{path}: HTTP {response.status_code}")
                    except httpx.HTTPError as exc:
                        entry["errors"].append(f"{path}: {type(exc).__name__}")
                    entry["times"].append((time.perf_counter() - start) * 1000)

            start = time.perf_counter()
            await asyncio.gather(*(worker() for _ in range(clients)))
            return time.perf_counter() - start

    return results, asyncio.run(main())


def _percentile(values: list[float], q: float) -> float:
    """The nearest-rank ``q`` quantile (0 for no values)."""
    ordered = sorted(values)
    if not ordered:
        return 0.0
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))]


def bench_serve_load(db: Optional[str] = None, clients: int = 20, requests: int = 1200, warmup: int = 60,
                     seed: int = 0) -> Report:
    """p50 and p95 per page kind, errors and requests per second with ``clients`` concurrent clients.

    The server is ``storyweave serve`` in its own process over ``db`` (without it, a
    store of the whole demo corpus is built first, which takes a few minutes). The
    clients run in this process, on the same machine: their CPU is part of the load.
    """
    import os

    from storyweave.queries.articles import list_articles
    from storyweave.store.database import Store

    busy = os.getloadavg()[0]  # other work on the machine shares the cores: say how much there was
    with tempfile.TemporaryDirectory(prefix="sw-bench-load-") as folder:
        if db is None:
            db = build_demo_store(Path(folder) / "demo.db")
        with Store(db) as store:
            urls = load_urls(store, seed=seed)
            n_articles, n_stories = len(list_articles(store)), len(urls["dossier"])
        with _Server(db, Path(folder) / "server.log") as server:
            run_load(server.base, _schedule(urls, warmup, seed + 1), min(clients, 4))
            results, wall = run_load(server.base, _schedule(urls, requests, seed), clients)
    rows, errors = [], []
    for kind in PAGE_KINDS:
        entry = results.get(kind, {"times": [], "errors": [], "bytes": 0})
        times, ok = entry["times"], len(entry["times"]) - len(entry["errors"])
        errors += entry["errors"]
        rows.append((kind, len(times), len(entry["errors"]), round(_percentile(times, 0.5), 1),
                     round(_percentile(times, 0.95), 1), round(max(times, default=0.0), 1),
                     round(entry["bytes"] / max(1, ok) / 1024, 1)))
    every = [t for entry in results.values() for t in entry["times"]]
    rows.append(("all", len(every), len(errors), round(_percentile(every, 0.5), 1),
                 round(_percentile(every, 0.95), 1), round(max(every, default=0.0), 1), ""))
    for error in errors[:5]:
        log.warning("bench serve: %s", error)
    rate = len(every) / wall
    return Report(
        key="bench-serve-load",
        title=f"Serving under load: {clients} concurrent clients",
        command=f"storyweave bench serve --clients {clients} --requests {requests}",
        columns=("Page kind", "Requests", "Errors", "p50 ms", "p95 ms", "max ms", "Mean KB"),
        rows=rows,
        notes=[f"`storyweave serve` (one uvicorn process) over the store ({n_articles} articles, {n_stories} "
               f"stories) on {os.cpu_count()} cores, shared with the clients: {clients} keep-alive HTTP clients "
               f"(httpx, one asyncio process) send {requests} requests, the six page kinds in equal shares and "
               f"shuffled, after {warmup} warm-up requests; {rate:.1f} requests/s overall (load average "
               f"{busy:.1f} before the run). Dossiers: every "
               "story's page; articles, entities and searches (one or two title words): 40 of each sampled "
               "from the store; API: dossier, article and entity JSON, the story list and a search. Dossiers "
               "and the story list are served from the page cache after their first request until the "
               "store changes (`storyweave.serving.cache`)."],
        metrics={"requests_per_s": rate, "errors": float(len(errors)),
                 **{f"p95_ms_{kind}": row[4] for kind, row in zip(PAGE_KINDS, rows)}},
    )


def build_demo_store(path: Path) -> str:
    """A store at ``path`` with the whole demo corpus ingested, analysed and linked."""
    from storyweave.config import Settings
    from storyweave.pipeline.orchestrator import run_pipeline
    from storyweave.store.database import Store

    corpus = resources.files("storyweave.data.demo").joinpath("news-events-demo.jsonl.gz")
    with Store(str(path)) as store:
        run_pipeline(store, Settings(db_url=str(path)), [str(corpus)])
    return str(path)
