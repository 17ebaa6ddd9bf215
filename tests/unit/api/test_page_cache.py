"""The page cache: a value is kept until anything is committed to the store, by any connection."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import text

from storyweave.serving.cache import PageCache
from storyweave.store.database import Store


@pytest.fixture
def store(tmp_path):
    with Store(str(tmp_path / "store.db")) as opened:
        yield opened


def _commit(db_url: str) -> None:
    with Store(db_url) as other, other.write() as conn:  # another connection, as `ingest` or `link` would be
        conn.execute(text("CREATE TABLE IF NOT EXISTS cache_probe (n INTEGER)"))
        conn.execute(text("INSERT INTO cache_probe VALUES (1)"))


def test_a_value_is_kept_until_a_commit(store):
    cache = PageCache(store)
    made = []

    def make(value):
        return lambda: made.append(value) or value

    assert cache.get("page", make("first")) == "first"
    assert cache.get("page", make("second")) == "first"
    assert made == ["first"] and (cache.hits, cache.misses) == (1, 1)
    _commit(store.url.removeprefix("sqlite:///"))
    assert cache.get("page", make("third")) == "third"
    assert cache.get("other", make("fourth")) == "fourth"
    assert made == ["first", "third", "fourth"]
    cache.close()


def test_a_failed_build_keeps_nothing_and_the_next_call_builds_again(store):
    cache = PageCache(store)

    def broken():
        raise RuntimeError("template error")

    with pytest.raises(RuntimeError):
        cache.get("page", broken)
    assert cache.get("page", lambda: "built") == "built"


def test_concurrent_requests_for_one_page_build_it_once(store):
    cache = PageCache(store)
    started, release, builds = threading.Event(), threading.Event(), []

    def slow():
        builds.append(1)
        started.set()
        release.wait(5)
        return "page"

    results = []
    threads = [threading.Thread(target=lambda: results.append(cache.get("page", slow))) for _ in range(5)]
    threads[0].start()
    started.wait(5)
    for t in threads[1:]:
        t.start()
    release.set()
    for t in threads:
        t.join(5)
    assert results == ["page"] * 5 and builds == [1]


def test_the_oldest_page_goes_first_when_full(store):
    cache = PageCache(store, max_entries=2)
    for key in ("a", "b"):
        cache.get(key, lambda key=key: key)
    cache.get("a", lambda: "rebuilt")  # a is now the most recently used
    cache.get("c", lambda: "c")
    assert cache.get("a", lambda: "rebuilt") == "a"
    assert cache.get("b", lambda: "b again") == "b again"
