"""The link state's journal: chunks log their changes, snapshots come now and then, linkers reload.

Real articles (the first records of the bundled demo corpus) are ingested and
analysed, then linked in small chunks so that many changes are logged. The
state folded from snapshot + log must be exactly what the linker held in
memory, the store must not depend on how often snapshots are taken, and a run
whose copy of the state goes stale (another linker wrote) must reload and end
where an undisturbed run ends.
"""

from __future__ import annotations

import gzip
import itertools
import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from storyweave.pipeline import link as link_stage
from storyweave.pipeline.analyze import analyze_pending
from storyweave.pipeline.ingest import ingest
from storyweave.store import linking as link_store
from storyweave.store.database import Store
from storyweave.store.schema import entity_links, link_state_log, story_articles

pytestmark = pytest.mark.slow

DEMO = Path(__file__).resolve().parents[2] / "src" / "storyweave" / "data" / "demo" / "news-events-demo.jsonl.gz"
ARTICLES = 24
CHUNK = 3


@pytest.fixture(scope="module")
def shard(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("journal") / "demo.jsonl"
    with gzip.open(DEMO, "rt", encoding="utf-8") as handle:
        path.write_text("".join(itertools.islice(handle, ARTICLES)), encoding="utf-8")
    return path


def _analysed(url: str, shard: Path) -> Store:
    store = Store(url)
    ingest([str(shard)], store)
    analyze_pending(store)
    return store


def _memberships(store: Store) -> list[tuple]:
    with store.read() as conn:
        return sorted(tuple(r) for r in conn.execute(select(story_articles.c.article_id, story_articles.c.story_id)))


def test_snapshots_and_logs_fold_to_the_state_in_memory(shard, db_url, monkeypatch):
    monkeypatch.setattr(link_stage, "SNAPSHOT_EVERY", 3)
    store = _analysed(db_url, shard)
    try:
        report = link_stage.link_pending(store, chunk_size=CHUNK, encoder="static")
        assert report.linked == ARTICLES
        with store.read() as conn:
            logged = conn.execute(select(func.count()).select_from(link_state_log)).scalar_one()
            snapshot = link_store.load_state(conn, link_stage.STORY_STATE)
            generation = link_store.generation(conn)
        chunks = -(-ARTICLES // CHUNK)
        assert generation == chunks
        assert snapshot is not None, "a snapshot after every third chunk"
        assert logged == 2 * (chunks % 3), "one change per state and chunk since the last snapshot"
        session = link_stage._Session.load(store, "static")
        assert session.generation == generation
        assert set(session.clusterer.state.article_story) == {a for a, _ in _memberships(store)}
        # the ids the store gave each article's entities are the folded index's ids
        with store.read() as conn:
            stored_ids = {row[0] for row in conn.execute(select(entity_links.c.global_id))}
        assert stored_ids <= set(session.index.entities())
    finally:
        store.close()


def test_the_store_does_not_depend_on_snapshot_frequency_or_a_reload(shard, db_url, tmp_path, monkeypatch):
    def linked(snapshot_every: int, url: str, disturb: bool = False) -> list[tuple]:
        monkeypatch.setattr(link_stage, "SNAPSHOT_EVERY", snapshot_every)
        store = _analysed(url, shard)
        seen = []

        def on_article(article_id: str) -> None:
            seen.append(article_id)
            if disturb and len(seen) == CHUNK:
                # another linker wrote in between: this run's copy of the state is now stale
                with store.write() as conn:
                    link_store.set_generation(conn, link_store.generation(conn) + 1)

        try:
            link_stage.link_pending(store, chunk_size=CHUNK, encoder="static", on_article=on_article)
            return _memberships(store)
        finally:
            store.close()

    # the disturbed run on each backend; the references on SQLite files (a store must not depend on
    # its backend either)
    only_log = linked(1000, str(tmp_path / "only-log.db"))
    assert linked(1, str(tmp_path / "every.db")) == only_log
    assert linked(4, db_url, disturb=True) == only_log
