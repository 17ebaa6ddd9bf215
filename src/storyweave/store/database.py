"""Opening a store: SQLite by default, PostgreSQL by URL, migrated on open.

SQLite runs in WAL mode with one writer: write transactions start with
``BEGIN IMMEDIATE`` so that two writers queue on the lock (up to the busy
timeout) instead of failing half-way when a deferred transaction tries to
upgrade its lock. PostgreSQL writers queue on a transaction-level advisory
lock for the same reason. Reads use plain transactions and never block the
writer.

Those locks cover one transaction. The analysis and link stages read what is
pending, compute for seconds or hours, then write: two processes running them
at once would both analyse the same articles (and relink them) and both link
the same copies. Each stage run therefore holds the store's pipeline lock
(``Store.exclusive``) from its first read to its last write, so concurrent runs
queue on the store: on SQLite an ``fcntl.flock`` on a lock file next to the
database (``store.db.lock``), on PostgreSQL a session-level advisory lock. The
operating system or the server releases either when the process dies, so a
killed run never leaves the store locked. Ingest needs no such lock: each
document is read, deduplicated and written in one write transaction.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
from pathlib import Path
from typing import Iterator

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX: one process per SQLite store
    fcntl = None

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError

from storyweave.errors import StoreError

logger = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).with_name("migrations")
_WRITE = "storyweave_write"
#: Arbitrary constants naming storyweave's PostgreSQL advisory locks (write transaction, pipeline run).
_PG_WRITE_LOCK = 0x5707_1EAE
_PG_PIPELINE_LOCK = 0x5707_1EAF


def database_url(db: str) -> str:
    """Turn a ``--db`` value (a SQLite path or a SQLAlchemy URL) into a URL."""
    if "://" in db:
        if db.startswith("postgresql://") or db.startswith("postgres://"):
            # psycopg 3 is the driver we ship; plain postgresql:// would ask for psycopg2.
            return "postgresql+psycopg://" + db.split("://", 1)[1]
        return db
    return f"sqlite:///{Path(db).expanduser()}"


class Store:
    """A migrated database and the two ways to use it: ``read()`` and ``write()``."""

    def __init__(self, db: str, *, migrate: bool = True):
        self.url = database_url(db)
        try:
            self.engine = _create_engine(self.url)
        except ImportError as exc:
            hint = " (install the extra: pip install 'storyweave[postgres]')" if "psycopg" in str(exc) else ""
            raise StoreError(f"cannot open store {db!r}: {exc}{hint}") from exc
        except ArgumentError as exc:
            raise StoreError(f"cannot open store {db!r}: {exc}") from exc
        self.dialect = self.engine.dialect.name
        # the pipeline lock: threads of this process queue here, processes on the file or server lock
        self._exclusive = threading.RLock()
        self._exclusive_depth = 0
        if migrate:
            self.migrate()

    # -- transactions -------------------------------------------------------

    @contextlib.contextmanager
    def write(self) -> Iterator[Connection]:
        """A write transaction: committed on success, rolled back on any error."""
        with self.engine.connect() as conn:
            conn = conn.execution_options(**{_WRITE: True})
            with conn.begin():
                if self.dialect == "postgresql":
                    # One writer on PostgreSQL too: dedup decisions and sequence
                    # numbers read then write, so writers must not interleave.
                    conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_PG_WRITE_LOCK})")
                yield conn

    @contextlib.contextmanager
    def exclusive(self) -> Iterator[None]:
        """Hold the store's pipeline lock: one analysis or link run per store at a time.

        Blocks until no other process (or thread) holds it. Re-entrant in one thread, so a
        stage may call another under it. Take it outside any transaction: it is held while
        this process writes, and other writers never wait for it inside one.
        """
        with self._exclusive:
            if self._exclusive_depth:
                self._exclusive_depth += 1
                try:
                    yield
                finally:
                    self._exclusive_depth -= 1
                return
            with self._process_lock():
                self._exclusive_depth = 1
                try:
                    yield
                finally:
                    self._exclusive_depth = 0

    def _process_lock(self):
        if self.dialect == "postgresql":
            return _pg_session_lock(self.engine, _PG_PIPELINE_LOCK, self)
        if self.dialect == "sqlite":
            path = make_url(self.url).database
            if path and path != ":memory:" and fcntl is not None:
                return _file_lock(Path(f"{path}.lock"), self)
        return contextlib.nullcontext()

    @contextlib.contextmanager
    def read(self) -> Iterator[Connection]:
        """A read-only transaction (a consistent snapshot)."""
        with self.engine.connect() as conn:
            with conn.begin():
                yield conn

    # -- schema -------------------------------------------------------------

    def migrate(self) -> None:
        """Bring the schema up to the newest migration, in one transaction."""
        config = _alembic_config()
        try:
            with self.write() as conn:
                config.attributes["connection"] = conn
                command.upgrade(config, "head")
        except OperationalError as exc:
            raise StoreError(f"cannot migrate store {_safe(self.url)}: {exc.orig}") from exc

    def schema_version(self) -> str | None:
        """The migration revision the database is at."""
        with self.read() as conn:
            return MigrationContext.configure(conn).get_current_revision()

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Store({_safe(self.url)!r})"


def head_revision() -> str:
    """The newest migration revision shipped with this code."""
    return ScriptDirectory.from_config(_alembic_config()).get_current_head()


def _alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def _create_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        path = make_url(url).database
        if path and path != ":memory:":
            parent = Path(path).parent
            if not parent.exists():
                raise StoreError(f"cannot create store {path!r}: folder {str(parent)!r} does not exist")
        # A pooled connection is reused across transactions: closing the last
        # connection to a WAL database checkpoints it, which per document would
        # cost more than the write itself. SQLAlchemy's pool hands each thread
        # its own checkout, so a store can be shared by the web server's threads.
        engine = create_engine(url, connect_args={"timeout": 60, "check_same_thread": False})
        _configure_sqlite(engine)
        return engine
    return create_engine(url, pool_pre_ping=True)


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        # Let SQLAlchemy's "begin" event issue BEGIN itself (the pysqlite recipe).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=60000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        if conn.get_execution_options().get(_WRITE):
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            conn.exec_driver_sql("BEGIN")


@contextlib.contextmanager
def _file_lock(path: Path, store: Store) -> Iterator[None]:
    """An exclusive ``flock`` on ``path`` (created if need be), released on exit or process death."""
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise StoreError(
            f"cannot open the lock file {str(path)!r} next to the store: {exc.strerror}; "
            "the store's folder must be writable by whoever analyses or links into it"
        ) from exc
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            logger.warning("%r: another storyweave process is analysing or linking; waiting for it", store)
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing the only descriptor releases the lock


@contextlib.contextmanager
def _pg_session_lock(engine: Engine, key: int, store: Store) -> Iterator[None]:
    """A session-level PostgreSQL advisory lock on a connection of its own, in autocommit
    (no transaction stays open while it is held); the server drops it if the process dies."""
    conn = engine.connect().execution_options(isolation_level="AUTOCOMMIT")
    try:
        if not conn.exec_driver_sql(f"SELECT pg_try_advisory_lock({int(key)})").scalar():
            logger.warning("%r: another storyweave process is analysing or linking; waiting for it", store)
            conn.exec_driver_sql(f"SELECT pg_advisory_lock({int(key)})")
        try:
            yield
        finally:
            try:
                conn.exec_driver_sql(f"SELECT pg_advisory_unlock({int(key)})")
            except Exception:  # noqa: BLE001 - a broken connection: the server released the lock with it
                conn.invalidate()
    finally:
        conn.close()


def _safe(url: str) -> str:
    """The URL with any password hidden, for messages."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url
