"""Rendered pages kept until the store changes: the story list and the dossiers, which many readers share.

A dossier is the most expensive page (every claim, quote and event of a story)
and the one that many readers open at once when a story breaks, while the store
changes only when ``ingest``, ``analyze`` or ``link`` commit. So its rendered
page is kept, keyed by everything the page depends on, and every entry is
dropped as soon as anything is committed to the store.

"Anything committed" is the store's generation (``storyweave.store.version``:
SQLite's ``PRAGMA data_version`` on a read-only connection of its own). The
version is read before the page is built, so a kept page is never older than
the version it is filed under. On PostgreSQL there is no such cheap signal, and
nothing is cached.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from typing import Callable, Hashable, Optional, TypeVar

from storyweave.store.database import Store
from storyweave.store.version import StoreVersion

logger = logging.getLogger(__name__)

T = TypeVar("T")

#: Pages kept at most (a 100-article dossier is about 250 KB).
MAX_ENTRIES = 256


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
