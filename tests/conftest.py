"""Shared fixtures: where the shared data lives, and stores to test against.

``../shared`` is required: ``.ci/run`` fails without it, so tests that read it
never skip silently in CI.
"""

from __future__ import annotations

import contextlib
import os
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def _shared_path(env: str, default: Path) -> Path:
    path = Path(os.environ.get(env, default))
    if not path.is_dir():
        pytest.fail(f"{path} is missing: set {env} or put ../shared next to the repository")
    return path


@pytest.fixture(scope="session")
def evaldata_dir() -> Path:
    """The public evaluation datasets (``../shared/evaldata``)."""
    return _shared_path("STORYWEAVE_EVALDATA", REPO.parent / "shared" / "evaldata")


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    """The two seed articles and their ``metadata.json`` (``../shared/seeds``)."""
    return _shared_path("STORYWEAVE_SEEDS", REPO.parent / "shared" / "seeds")


@pytest.fixture(scope="session")
def local_outlet_records() -> list[dict]:
    """Four articles of a local paper of central Louisiana, as JSONL records: three place towns
    around Alexandria, and the fourth names Alexandria bare, which alone reads as the far
    bigger Alexandria, Egypt (``nlp.places.outlets.outlet_home``)."""
    articles = [
        ("Pineville man arrested", "Police in Pineville, Louisiana, arrested a man on Monday after a chase "
         "that ended near Alexandria, Louisiana."),
        ("Ball fire", "A fire destroyed a mobile home near Ball, Louisiana, on Tuesday. Firefighters from "
         "Pineville, Louisiana, helped put it out."),
        ("Boyce school", "The school board in Boyce, Louisiana, met on Wednesday to discuss the budget."),
        ("Council vote", "The city council of Alexandria voted on Thursday to repave three streets downtown."),
    ]
    return [{"title": title, "text": text, "outlet": "The Town Talk", "url": f"https://www.thetowntalk.com/story/{i}",
             "published": f"2009-03-2{i}"} for i, (title, text) in enumerate(articles)]


#: Every store backend; PostgreSQL params carry the ``postgres`` mark.
BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


def _postgres_admin_url() -> str:
    url = os.environ.get("STORYWEAVE_TEST_PG_URL")
    if not url:
        if os.environ.get("STORYWEAVE_REQUIRE_PG"):
            pytest.fail("STORYWEAVE_REQUIRE_PG is set but STORYWEAVE_TEST_PG_URL is not")
        pytest.skip("no PostgreSQL server: set STORYWEAVE_TEST_PG_URL (make test does)")
    return url


@contextlib.contextmanager
def _new_database(backend: str, folder: Path) -> Iterator[str]:
    """A URL for a fresh, empty store on ``backend``.

    SQLite: a file in ``folder`` (not created yet). PostgreSQL: a new database
    on the server named by ``STORYWEAVE_TEST_PG_URL``, dropped afterwards.
    """
    if backend == "sqlite":
        yield str(folder / "store.db")
        return
    import psycopg

    admin = _postgres_admin_url()
    name = f"sw_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{admin.rsplit('/', 1)[0]}/{name}"
    finally:
        _drop_database(admin, name)


def _drop_database(admin: str, name: str) -> None:
    """Drop a test database, waiting out an autovacuum worker inside it.

    FORCE ends the test's own leftover sessions, but an autovacuum worker belongs
    to no role and only a member of pg_signal_backend may end it (scripts/postgres.sh
    grants that). On a server set up without the grant the worker soon finishes, so
    retry for a while rather than fail the test that merely owned the database.
    """
    import psycopg

    for attempt in range(40):
        try:
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            return
        except psycopg.errors.InsufficientPrivilege:
            if attempt == 39:
                raise
            time.sleep(0.25)


@pytest.fixture
def postgres_url(tmp_path):
    """A fresh, empty PostgreSQL database for one test, dropped afterwards."""
    with _new_database("postgres", tmp_path) as url:
        yield url


@pytest.fixture(params=BACKENDS)
def db_url(request, tmp_path):
    """A store URL for each backend: a temporary SQLite file and a real PostgreSQL database."""
    with _new_database(request.param, tmp_path) as url:
        yield url


@pytest.fixture
def store(db_url):
    """An opened, migrated store on each backend."""
    from storyweave.store.database import Store

    with Store(db_url) as opened:
        yield opened


@pytest.fixture(scope="module", params=BACKENDS)
def module_backend(request) -> str:
    """Each backend once per module (``"sqlite"``, ``"postgres"``), for modules that build a store once."""
    return request.param


@pytest.fixture(scope="module")
def module_db_url(module_backend, tmp_path_factory):
    """A fresh, empty store URL on each backend, shared by the tests of one module.

    ``db_url`` gives one per test; a store that takes seconds to build (analysis,
    linking) is built once per backend on this one instead.
    """
    with _new_database(module_backend, tmp_path_factory.mktemp(f"module-{module_backend}")) as url:
        yield url


@pytest.fixture
def fresh_db_url(module_backend, tmp_path):
    """A fresh, empty store URL for one test, on the same backend as ``module_db_url``."""
    with _new_database(module_backend, tmp_path) as url:
        yield url
