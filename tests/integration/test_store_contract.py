"""The storage contract: the same behaviour on SQLite and on a real PostgreSQL server."""

from __future__ import annotations

import threading

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from storyweave.config import IngestOptions
from storyweave.pipeline.ingest import store_draft, store_result
from storyweave.records import ArticleDraft, DocumentError, DocumentMetadata, RemovedSpan
from storyweave.store import articles as article_store
from storyweave.store.database import Store, head_revision
from storyweave.store.schema import articles, metadata

BODY = (
    "Opposition forces have captured the city of Hama in central Syria, the latest victory for the rebels "
    "since they launched a lightning offensive eight days ago. The Syrian army said opposition forces entered "
    "Hama on Thursday after intense fighting, prompting its units to withdraw from the city. Residents fled "
    "south towards Homs as the front line moved, and the army said it was redeploying its forces to preserve "
    "civilian lives and prevent urban combat after intense clashes."
)


LONG_BODY = BODY + (
    " Abu Mohammed al-Julani, the leader of the most powerful opposition armed group, declared that opposition "
    "forces had full control over the city. A correspondent reporting from the Turkish border said the taking of "
    "the city was a major development, and that a significant number of residents had fled. The opposition also "
    "took over the city's military airport, one of the largest in the country, which government forces had used "
    "to launch strikes against rebels. Beginning last Wednesday, opposition groups pushed south from areas under "
    "their control in the northwest, capturing Aleppo over the weekend before reaching a strategic hill just north "
    "of the city on Tuesday and advancing towards its east and west flanks. Analysts said the rapid collapse of "
    "government control in the north appeared to reveal a shift in the balance of power in the long war."
)


def draft(text=BODY, outlet="Al Jazeera", url=None, source="a.txt", removed=()):
    return ArticleDraft(
        source=source,
        text=text,
        metadata=DocumentMetadata(outlet=outlet, url=url, title="Rebels take Hama", published="2024-12-05"),
        removed=tuple(removed),
        reader="text",
    )


def _not_search_index(name, type_, parent_names):
    """Full-text search structures are dialect-specific raw SQL (migration 0005), not in schema.py:
    SQLite's FTS5 table with its shadow tables, PostgreSQL's GIN expression index."""
    if type_ == "table" and name and name.startswith("search_fts"):
        return False
    return not (type_ == "index" and name == "ix_articles_fulltext")


def test_migrations_reach_head_and_match_the_code_schema(store):
    assert store.schema_version() == head_revision()
    with store.read() as conn:
        context = MigrationContext.configure(conn, opts={"include_name": _not_search_index})
        diffs = compare_metadata(context, metadata)
    assert diffs == []


def test_opening_twice_migrates_once(db_url):
    with Store(db_url) as first:
        store_draft(first, draft())
    with Store(db_url) as second:
        assert second.schema_version() == head_revision()
        with second.read() as conn:
            assert article_store.count_articles(conn)["articles"] == 1


def test_article_round_trip_keeps_text_metadata_and_furniture(store):
    removed = [RemovedSpan("Advertisement", "advertisement"), RemovedSpan("Photo via Getty Images", "credit")]
    text = BODY + " Ünïcødé “quotes” — dashes."
    event = store_draft(store, draft(text=text, removed=removed))
    assert event.outcome == "ingested"
    with store.read() as conn:
        stored = article_store.get_article(conn, event.article_id)
    assert stored.text == text
    assert stored.outlet == "Al Jazeera"
    assert stored.published == "2024-12-05"
    assert stored.removed == tuple(removed)
    assert stored.duplicate_of is None


def test_article_found_by_unique_prefix(store):
    event = store_draft(store, draft())
    with store.read() as conn:
        assert article_store.get_article(conn, event.article_id[:6]).id == event.article_id
        assert article_store.get_article(conn, "nope") is None


def test_same_input_again_changes_nothing(store):
    first = store_draft(store, draft())
    again = store_draft(store, draft(source="copy/elsewhere.txt"))
    assert again.outcome == "unchanged"
    assert again.article_id == first.article_id
    with store.read() as conn:
        assert article_store.count_articles(conn) == {
            "articles": 1, "originals": 1, "duplicates": 0, "quarantined": 0
        }


def test_syndicated_copy_is_recorded_as_exact_duplicate(store):
    original = store_draft(store, draft(outlet="Reuters"))
    copy = store_draft(store, draft(text=BODY.replace("  ", " ").upper(), outlet="Yahoo News"))
    assert copy.outcome == "duplicate"
    assert copy.duplicate_of == original.article_id
    with store.read() as conn:
        stored = article_store.get_article(conn, copy.article_id)
    assert (stored.duplicate_of, stored.duplicate_kind) == (original.article_id, "exact")


def test_lightly_edited_copy_is_a_near_duplicate_of_the_original(store):
    original = store_draft(store, draft(text=LONG_BODY, outlet="AP"))
    edited = LONG_BODY.replace("Residents fled south towards Homs as the front line moved, and", "Then") + " Read more."
    near = store_draft(store, draft(text=edited, outlet="Local Paper"))
    assert near.outcome == "duplicate"
    assert near.duplicate_of == original.article_id
    # A copy of the copy still points at the first original.
    third = store_draft(store, draft(text=edited + " Share this.", outlet="Aggregator"))
    assert third.duplicate_of == original.article_id


def test_different_story_is_not_a_duplicate(store):
    store_draft(store, draft())
    other = (
        "The central bank raised interest rates by a quarter point on Wednesday, citing persistent inflation "
        "in services and a labour market that remains tight, and signalled that further increases were possible "
        "if price growth did not slow over the coming months, according to a statement from its committee."
    )
    assert store_draft(store, draft(text=other, outlet="FT")).outcome == "ingested"


def test_quarantine_is_recorded_once(store):
    error = DocumentError("bad.html", "not text: binary data", reader="html", content_sha256="ab" * 32)
    assert store_result(store, error, IngestOptions()).outcome == "failed"
    store_result(store, error, IngestOptions())
    with store.read() as conn:
        records = article_store.list_quarantine(conn)
    assert [(r.source, r.reason) for r in records] == [("bad.html", "not text: binary data")]


def test_too_short_text_is_quarantined_not_stored(store):
    event = store_result(store, draft(text="Advertisement"), IngestOptions())
    assert event.outcome == "failed"
    assert "too little text" in event.reason


def test_a_failed_write_leaves_nothing_behind(store):
    with pytest.raises(RuntimeError):
        with store.write() as conn:
            conn.execute(
                articles.insert().values(
                    id="x" * 16, doc_key="k" * 64, content_hash="h" * 64, source="s", reader="text",
                    text="t", seq=1, ingested_at="2024-12-05T00:00:00+00:00",
                )
            )
            raise RuntimeError("crash in the middle of a document")
    with store.read() as conn:
        assert article_store.count_articles(conn)["articles"] == 0


def test_concurrent_writers_queue_instead_of_failing(store):
    errors: list[BaseException] = []

    def worker(n: int) -> None:
        try:
            for i in range(10):
                text = f"Story number {n}-{i}. " + " ".join(f"word{n}x{i}x{j}" for j in range(60))
                store_draft(store, draft(text=text, outlet=f"Outlet {n}", source=f"{n}-{i}.txt"))
        except BaseException as exc:  # noqa: BLE001 - the test reports any failure
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with store.read() as conn:
        assert article_store.count_articles(conn)["articles"] == 30
