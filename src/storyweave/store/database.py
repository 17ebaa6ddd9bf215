"""Opening a store: SQLite by default, PostgreSQL by URL, migrated on open.

SQLite runs in WAL mode with one writer: write transactions start with
``BEGIN IMMEDIATE`` so that two writers queue on the lock (up to the busy
timeout) instead of failing half-way when a deferred transaction tries to
upgrade its lock. PostgreSQL writers queue on a transaction-level advisory
lock for the same reason. Reads use plain transactions and never block the
writer.
"""

from __future__ import annotations

import contextlib
import logging
from pathlib import Path
from typing import Iterator

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
#: Arbitrary constant naming storyweave's PostgreSQL advisory lock.
_PG_WRITE_LOCK = 0x5707_1EAE


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
        except (ArgumentError, ImportError) as exc:
            raise StoreError(f"cannot open store {db!r}: {exc}") from exc
        self.dialect = self.engine.dialect.name
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


def _safe(url: str) -> str:
    """The URL with any password hidden, for messages."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url
