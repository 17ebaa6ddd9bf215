"""Rendered pages kept until the store changes: the story list and the dossiers, which many readers share.

A dossier is the most expensive page (every claim, quote and event of a story)
and the one that many readers open at once when a story breaks, while the store
changes only when ``ingest``, ``analyze`` or ``link`` commit. So its rendered
page is kept, keyed by everything the page depends on, and every entry is
dropped as soon as anything is committed to the store.

"Anything committed" is SQLite's ``PRAGMA data_version``, read on a connection
of this cache's own that never writes: it changes whenever another connection
(of this process or any other) commits. The version is read before the page is
built, so a kept page is never older than the version it is filed under. On
PostgreSQL there is no such cheap signal, and nothing is cached.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Callable, Hashable, Optional, TypeVar

from sqlalchemy.engine import make_url

from storyweave.store.database import Store

logger = logging.getLogger(__name__)

T = TypeVar("T")

#: Pages kept at most (a 100-article dossier is about 250 KB).
MAX_ENTRIES = 256


class StoreVersion:
    """A number that changes whenever something is committed to the store (``None``: cannot tell)."""

    def __init__(self, store: Store):
        self._conn: Optional[sqlite3.Connection] = None
        self._lock = threading.Lock()
        self._seen: Optional[int] = None
        self._generation = 0
        if store.dialect == "sqlite":
            path = make_url(store.url).database
            if path and path != ":memory:":
                try:
                    uri = Path(path).absolute().as_uri() + "?mode=ro"
                    self._conn = sqlite3.connect(uri, uri=True, check_same_thread=False)
                except sqlite3.Error as exc:  # the pages still work, uncached
                    logger.warning("page cache off: cannot watch %s for changes: %s", path, exc)

    def current(self) -> Optional[int]:
        """The store's generation now: a new number after every commit since the last call."""
        if self._conn is None:
            return None
        with self._lock:
            try:
                version = self._conn.execute("PRAGMA data_version").fetchone()[0]
            except sqlite3.Error as exc:
                logger.warning("page cache: cannot read the store's data version: %s", exc)
                return None
            if version != self._seen:
                self._seen = version
                self._generation += 1
            return self._generation

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None


class PageCache:
    """Values (rendered pages) by key, valid for one store generation; least recently used dropped first."""

    def __init__(self, store: Store, max_entries: int = MAX_ENTRIES):
        self.version = StoreVersion(store)
        self.max_entries = max_entries
        self._entries: "OrderedDict[Hashable, object]" = OrderedDict()
        self._generation: Optional[int] = None
        self._lock = threading.Lock()
        self._building: dict[Hashable, threading.Event] = {}
        self.hits = 0
        self.misses = 0

    def get(self, key: Hashable, make: Callable[[], T]) -> T:
        """The value kept for ``key`` in this store generation, else ``make()`` (kept for the next call).

        Concurrent requests for one missing key wait for the first one's value
        instead of all building it.
        """
        generation = self.version.current()
        if generation is None:
            return make()
        while True:
            with self._lock:
                if self._generation is None or generation > self._generation:
                    self._entries.clear()  # something was committed: every kept page may be stale
                    self._generation = generation
                elif generation < self._generation:
                    return make()  # a newer generation is being served; this request's view is older
                if key in self._entries:
                    self._entries.move_to_end(key)
                    self.hits += 1
                    return self._entries[key]  # type: ignore[return-value]
                building = self._building.get(key)
                if building is None:
                    building = self._building[key] = threading.Event()
                    self.misses += 1
                    break
            building.wait()  # then look again: kept by the builder, or build it here if it failed
        try:
            value = make()
            with self._lock:
                if generation == self._generation:
                    self._entries[key] = value
                    while len(self._entries) > self.max_entries:
                        self._entries.popitem(last=False)
            return value
        finally:
            with self._lock:
                self._building.pop(key, None)
            building.set()

    def close(self) -> None:
        self.version.close()
