"""``storyweave bench serve``: server-side time to render the dossier page of a 100-article story.

The store is built from the bundled demo corpus (ECB+ articles, CC BY 3.0):
the first ``articles`` records are ingested, analysed and linked as usual,
then every story is folded into one, with the claim groups of each, so that
the dossier holds ``articles`` articles with all their claims, events, quotes
and places. (Claims are not re-aligned across the folded stories: the page's
size, not the alignment, is what is measured.) Each request goes through the
whole app in-process (routing, queries, template) with no network in between.
"""

from __future__ import annotations

import gzip
import json
import logging
import statistics
import tempfile
import time
from importlib import resources
from pathlib import Path
from typing import Optional

from sqlalchemy import delete, func, select, update

from storyweave.errors import StoryweaveError
from storyweave.evaluation.report import Report

log = logging.getLogger(__name__)

BENCH_STORY = "bench"


def build_story_store(path: Path, articles: int) -> str:
    """A store at ``path`` whose one story has the first ``articles`` demo articles."""
    from storyweave.pipeline.analyze import analyze_pending
    from storyweave.pipeline.ingest import ingest
    from storyweave.pipeline.link import link_pending
    from storyweave.store.database import Store
    from storyweave.store.schema import claim_groups, stories, story_articles

    corpus = resources.files("storyweave.data.demo").joinpath("news-events-demo.jsonl.gz")
    sample = path.parent / "sample.jsonl"
    with gzip.open(str(corpus), "rt", encoding="utf-8") as source, sample.open("w", encoding="utf-8") as out:
        for n, line in enumerate(source):
            if n >= articles:
                break
            out.write(json.dumps(json.loads(line)) + "\n")
    with Store(str(path)) as store:
        ingest([str(sample)], store)
        analyze_pending(store)
        link_pending(store)
        with store.write() as conn:
            first = conn.execute(select(stories).order_by(stories.c.size.desc())).first()
            size = conn.execute(select(func.count()).select_from(story_articles)).scalar_one()
            span = conn.execute(select(func.min(stories.c.first_seen), func.max(stories.c.last_seen))).first()
            conn.execute(stories.insert().values(
                id=BENCH_STORY, title=f"{size} demo articles in one story", title_article=first.title_article,
                first_seen=span[0], last_seen=span[1], size=size, summary=first.summary, updated_at=first.updated_at))
            conn.execute(update(story_articles).values(story_id=BENCH_STORY))
            conn.execute(update(claim_groups).values(story_id=BENCH_STORY))
            conn.execute(delete(stories).where(stories.c.id != BENCH_STORY))
    return str(path)


def bench_serve(articles: int = 100, requests: int = 30, warmup: int = 3, db: Optional[str] = None) -> Report:
    """Mean and p95 server-side time of ``GET /stories/{id}`` for a story of ``articles`` articles.

    ``db`` reuses a store made by ``build_story_store`` (building one takes a few
    minutes on a slow machine); without it a fresh one is built in a temporary folder.
    """
    from fastapi.testclient import TestClient

    from storyweave.api import create_app
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
            with TestClient(create_app(store)) as client:
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
               "template) with FastAPI's TestClient; no network. The map and htmx run in the browser and are "
               "not included."],
        metrics={"mean_ms": mean, "p95_ms": p95},
    )
    return report
