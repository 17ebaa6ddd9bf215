"""The store's generation: a number that changes whenever anything is committed, for caches.

On SQLite it is ``PRAGMA data_version``, read on a connection of its own that
never writes: it changes whenever another connection (of this process or any
other) commits. On PostgreSQL there is no such cheap signal, and the
generation is ``None`` (cannot tell).
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from pathlib import Path
from typing import Optional

from sqlalchemy.engine import make_url

from storyweave.store.database import Store

logger = logging.getLogger(__name__)


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
