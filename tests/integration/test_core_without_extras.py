"""`pip install storyweave` is the embedded SQLite product: Ray and psycopg are extras.

Each check runs in a fresh interpreter where importing ``ray`` or ``psycopg`` fails, as on a
machine that installed neither.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

BLOCK = textwrap.dedent(
    """
    import sys
    for name in ("ray", "psycopg", "psycopg_binary"):
        sys.modules[name] = None  # `import ray` now raises ImportError
    """
)


def _run(code: str, tmp_path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", BLOCK + textwrap.dedent(code)], capture_output=True, text=True, cwd=tmp_path,
        timeout=600,
    )


def test_the_sqlite_product_runs_without_ray_or_psycopg(tmp_path, seeds_dir):
    result = _run(
        f"""
        from storyweave.cli import main
        sys.argv = ["storyweave", "ingest", {str(seeds_dir)!r}, "--db", "store.db"]
        try:
            main()
        except SystemExit as exit:
            assert not exit.code, exit.code
        assert "ray" not in sys.modules or sys.modules["ray"] is None
        from storyweave.queries.stories import list_stories
        from storyweave.store.database import Store
        with Store("store.db") as store:
            assert list_stories(store), "no story after ingest"
        print("ok")
        """,
        tmp_path,
    )
    assert result.returncode == 0 and result.stdout.strip().endswith("ok"), result.stderr[-3000:]


def test_missing_extras_are_named_in_the_errors(tmp_path):
    result = _run(
        """
        from storyweave.errors import ConfigError, StoreError
        from storyweave.batch.engines import ray_session
        from storyweave.store.database import Store
        try:
            with ray_session(1):
                pass
        except ConfigError as exc:
            assert "storyweave[ray]" in str(exc), exc
        else:
            raise AssertionError("Ray started without Ray")
        try:
            Store("postgresql://user@127.0.0.1:1/none")
        except StoreError as exc:
            assert "storyweave[postgres]" in str(exc), exc
        else:
            raise AssertionError("a PostgreSQL store opened without a driver")
        print("ok")
        """,
        tmp_path,
    )
    assert result.returncode == 0 and result.stdout.strip().endswith("ok"), result.stderr[-3000:]
