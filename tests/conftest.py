"""Shared fixtures: where the shared data lives, and stores to test against.

``../shared`` is required: ``.ci/run`` fails without it, so tests that read it
never skip silently in CI.
"""

from __future__ import annotations

import os
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


def _postgres_admin_url() -> str | None:
    url = os.environ.get("STORYWEAVE_TEST_PG_URL")
    if not url:
        if os.environ.get("STORYWEAVE_REQUIRE_PG"):
            pytest.fail("STORYWEAVE_REQUIRE_PG is set but STORYWEAVE_TEST_PG_URL is not")
        pytest.skip("no PostgreSQL server: set STORYWEAVE_TEST_PG_URL (make test does)")
    return url


@pytest.fixture
def postgres_url():
    """A fresh, empty PostgreSQL database for one test, dropped afterwards."""
    import uuid

    import psycopg

    admin = _postgres_admin_url()
    name = f"sw_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base = admin.rsplit("/", 1)[0]
    yield f"{base}/{name}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request, tmp_path):
    """A store URL for each backend: a temporary SQLite file and a real PostgreSQL database."""
    if request.param == "sqlite":
        return str(tmp_path / "store.db")
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def store(db_url):
    """An opened, migrated store on each backend."""
    from storyweave.store.database import Store

    with Store(db_url) as opened:
        yield opened
