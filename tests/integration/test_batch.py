"""The batch engine end to end: shards → stages (local and Ray) → Parquet → store → block-wise links.

The corpus is real: records of the bundled demo corpus in JSONL and Parquet
shards, the two seed articles with their sidecar, a syndicated copy of one
seed, and two broken inputs. The batch engine must leave the store as
``storyweave ingest`` does (same articles in the same order, same analysis
rows, same quarantine), on SQLite and PostgreSQL; Ray must produce the very
rows the local engine does; and a run killed with SIGKILL at random points
(process group and all, Ray's processes included) and started again must end
exactly like an uninterrupted run.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from sqlalchemy import text

from storyweave.batch.runner import MANIFEST, PARQUET, run_batch
from storyweave.store.database import Store

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]
DEMO = REPO / "src" / "storyweave" / "data" / "demo" / "news-events-demo.jsonl.gz"
TOPICS = ("ecbplus-1", "ecbplus-2", "ecbplus-3", "ecbplus-4")
PER_TOPIC = 4
SEED = 20261122


@pytest.fixture(scope="module")
def corpus(tmp_path_factory, seeds_dir, local_outlet_records) -> Path:
    folder = tmp_path_factory.mktemp("batch") / "corpus"
    folder.mkdir()
    records: dict[str, list[dict]] = defaultdict(list)
    with gzip.open(DEMO, "rt", encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            topic = record["id"].rsplit("_", 1)[0]
            if topic in TOPICS and len(records[topic]) < PER_TOPIC:
                records[topic].append(record)
    for topic in TOPICS[:2]:
        lines = "".join(json.dumps(r) + "\n" for r in records[topic])
        (folder / f"{topic}.jsonl").write_text(lines + "{not json\n", encoding="utf-8")
    parquet_rows = [dict(r, published=None) for r in records[TOPICS[2]]]
    parquet_rows.append({**parquet_rows[0], "id": "short", "text": "Too short.", "url": "https://example.org/short"})
    pq.write_table(pa.Table.from_pylist(parquet_rows), folder / f"{TOPICS[2]}.parquet")
    (folder / f"{TOPICS[3]}.warc.gz").write_bytes(_warc(records[TOPICS[3]]))
    (folder / "broken.parquet").write_bytes(b"PAR1 this is not a parquet file PAR1")
    seeds = folder / "seeds"
    shutil.copytree(seeds_dir, seeds)
    nbc = (seeds_dir / "002_7868c019a8f5e8bf.txt").read_text(encoding="utf-8")
    copy = {"text": nbc, "url": "https://www.msn.com/en-us/news/world/rebels-enter-hama", "title": "Rebels enter Hama"}
    (folder / "zz_syndicated.jsonl").write_text(json.dumps(copy) + "\n", encoding="utf-8")
    # a local paper: its first articles are analysed again once its home area shows, by the batch
    # engine after loading as by ``storyweave ingest``
    (folder / "towntalk.jsonl").write_text("".join(json.dumps(r) + "\n" for r in local_outlet_records),
                                           encoding="utf-8")
    return folder


def _warc(records: list[dict]) -> bytes:
    """A gzipped WARC of HTTP responses: each record as a news page with its paragraphs."""
    from html import escape

    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=True)
    for i, record in enumerate(records):
        paragraphs = "".join(f"<p>{escape(p)}</p>" for p in record["text"].split("\n") if p.strip())
        page = (f"<html><head><title>{escape(record['title'] or '')}</title></head><body>"
                f"<nav><a href='/'>Home</a> | <a href='/world'>World</a></nav><article>"
                f"<h1>{escape(record['title'] or '')}</h1>{paragraphs}</article>"
                f"<footer>Copyright News Site</footer></body></html>")
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
        uri = record.get("url") or f"https://news.example.org/story-{i}"
        writer.write_record(writer.create_warc_record(uri, "response", payload=io.BytesIO(page.encode("utf-8")),
                                                      http_headers=headers))
    return buffer.getvalue()


def _env() -> dict:
    return {**os.environ, "PYTHONUNBUFFERED": "1", "RAY_USAGE_STATS_ENABLED": "0"}


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "storyweave.cli", *args]


@pytest.fixture(scope="module")
def reference(corpus, module_db_url) -> dict:
    """What plain ``storyweave ingest`` (read, analyse, link one at a time) leaves in a store."""
    done = subprocess.run(_cli("ingest", str(corpus), "--db", module_db_url, "--quiet"), env=_env(),
                          capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stderr
    return _snapshot(module_db_url)


def _rows(db: str, sql: str) -> list[tuple]:
    with Store(db) as store, store.read() as conn:
        return [tuple(row) for row in conn.execute(text(sql))]


def _snapshot(db: str) -> dict:
    members = _rows(db, "SELECT article_id, story_id FROM story_articles")
    stories: dict[str, set] = defaultdict(set)
    for article_id, story_id in members:
        stories[story_id].add(article_id)
    return {
        "articles": _rows(db, "SELECT id, source, coalesce(duplicate_of, ''), outlet, published, title "
                              "FROM articles ORDER BY seq"),
        "analyses": sorted(_rows(db, "SELECT article_id, analyzer, coalesce(outlet_home, '') FROM analyses")),
        "entities": sorted(_rows(db, "SELECT article_id, key, name, type, geonameid FROM entities")),
        "quotes": sorted(_rows(db, "SELECT article_id, start, text, speaker, speaker_entity, cue FROM quotes")),
        "claims": sorted(_rows(db, "SELECT article_id, position, text, kind, attributed_to FROM claims")),
        "events": sorted(_rows(db, "SELECT article_id, position, action, code, place, date FROM events")),
        "dates": sorted(_rows(db, 'SELECT article_id, start, value FROM date_mentions')),
        "quarantine": sorted(_rows(db, "SELECT source, reason FROM quarantine")),
        "memberships": members,
        "partition": {frozenset(ids) for ids in stories.values()},
        "story_sizes": dict(_rows(db, "SELECT id, size FROM stories")),
        "claim_groups": _rows(db, "SELECT count(*) FROM claim_groups")[0][0],
        "orphan_mentions": _rows(
            db,
            "SELECT m.group_id FROM claim_mentions m LEFT JOIN claim_groups g ON g.id = m.group_id "
            "LEFT JOIN story_articles s ON s.article_id = m.article_id "
            "WHERE g.id IS NULL OR s.story_id IS NULL OR s.story_id != g.story_id",
        ),
    }


PER_ARTICLE = ("articles", "analyses", "entities", "quotes", "claims", "events", "dates", "quarantine")


def _assert_linked(snapshot: dict) -> None:
    ids = [article_id for article_id, _ in snapshot["memberships"]]
    assert len(ids) == len(set(ids)) == len(snapshot["articles"]), "every article in exactly one story"
    sizes = {sid: len(ids) for sid, ids in _stories(snapshot).items()}
    assert sizes == snapshot["story_sizes"]
    assert snapshot["orphan_mentions"] == []
    assert snapshot["claim_groups"] > 0


def _stories(snapshot: dict) -> dict[str, set]:
    out: dict[str, set] = defaultdict(set)
    for article_id, story_id in snapshot["memberships"]:
        out[story_id].add(article_id)
    return out


def _story_of(snapshot: dict, source_part: str) -> str:
    ids = [a[0] for a in snapshot["articles"] if source_part in a[1]]
    assert ids, source_part
    members = dict(snapshot["memberships"])
    return members[ids[0]]


def test_local_batch_leaves_the_store_ingest_leaves(corpus, reference, fresh_db_url, tmp_path):
    with Store(fresh_db_url) as store:
        report = run_batch([str(corpus)], store, tmp_path / "out", engine="local", progress=False)
    got = _snapshot(fresh_db_url)
    for key in PER_ARTICLE:
        assert got[key] == reference[key], key
    assert report.load.ingested + report.load.duplicates == len(reference["articles"])
    assert report.load.duplicates == 1  # the syndicated copy of the NBC seed
    readers = {row[0] for row in _rows(fresh_db_url, "SELECT DISTINCT reader FROM articles")}
    assert {"json", "parquet", "warc", "text"} <= readers, readers
    reasons = " ".join(reason for _, reason in got["quarantine"])
    assert "not a readable Parquet file" in reasons and "not valid JSON" in reasons and "too little text" in reasons
    _assert_linked(got)
    # the two seed articles on the fall of Hama tell one story, and the syndicated copy joins it
    hama = _story_of(got, "000_186d926eac2fcf62.txt")
    assert _story_of(got, "002_7868c019a8f5e8bf.txt") == hama
    assert _story_of(got, "zz_syndicated.jsonl") == hama
    # each ECB+ topic (two events each) stays apart from the others
    for topic in TOPICS:
        stories = {_story_of(got, a[1]) for a in got["articles"] if topic in a[1]}
        others = {_story_of(got, a[1]) for a in got["articles"] if "ecbplus" in a[1] and topic not in a[1]}
        assert stories and not stories & others, topic

    # Running the same batch again reuses the Parquet output and changes nothing.
    with Store(fresh_db_url) as store:
        again = run_batch([str(corpus)], store, tmp_path / "out", engine="local", progress=False)
    assert again.reused and again.load.ingested == 0 and again.linked == 0
    assert _snapshot(fresh_db_url) == got


def test_ray_engine_writes_the_rows_the_local_engine_writes(corpus, module_backend, tmp_path):
    if module_backend != "sqlite":
        pytest.skip("engine output does not depend on the store; run once")
    from storyweave.batch.engines import run_local, run_ray
    from storyweave.batch.load import iter_rows
    from storyweave.batch.runner import list_shards

    shards = list_shards([str(corpus)])
    local_rows = run_local(shards, tmp_path / "local")
    ray_rows = run_ray(shards, tmp_path / "ray", workers=2, progress=False)
    assert ray_rows == local_rows > 0

    def essence(folder: Path) -> list[tuple]:
        return [(r["shard"], r["row"], r["kind"], r["source"], r["article_id"], r["analysis"], r["reason"])
                for r in iter_rows(folder)]

    assert essence(tmp_path / "ray") == essence(tmp_path / "local")
    vectors = {r["article_id"]: r["vector"] for r in iter_rows(tmp_path / "ray") if r["vector"]}
    assert len(vectors) == len([r for r in iter_rows(tmp_path / "local") if r["kind"] == "article"])


def test_blockwise_linking_on_ray(corpus, fresh_db_url, tmp_path):
    from storyweave.batch.blocks import link_blockwise

    with Store(fresh_db_url) as store:
        run_batch([str(corpus)], store, tmp_path / "out", engine="local", link=False, progress=False)
        linked = link_blockwise(store, engine="ray", workers=2)
    assert linked.linked > 0
    got = _snapshot(fresh_db_url)
    _assert_linked(got)
    assert _story_of(got, "000_186d926eac2fcf62.txt") == _story_of(got, "002_7868c019a8f5e8bf.txt")
    # decisions and claim alignment on Ray tasks give what they give in this process
    here = str(tmp_path / "here.db")
    with Store(here) as store:
        run_batch([str(corpus)], store, tmp_path / "out", engine="local", progress=False)
    local = _snapshot(here)
    for key in ("memberships", "story_sizes", "claim_groups"):
        assert got[key] == local[key], key


# -- SIGKILL at random points -----------------------------------------------------


def _start(command: list[str], log: Path | None = None) -> subprocess.Popen:
    # A session of its own, so the kill takes the whole group: the CLI and, with
    # --engine ray, the Ray processes it started (as a machine crash would).
    # ``log`` keeps its output, to tell why a run ended before the kill.
    with open(log or os.devnull, "wb") as sink:
        return subprocess.Popen(command, env=_env(), stdout=sink, stderr=subprocess.STDOUT, start_new_session=True)


def _kill_group(process: subprocess.Popen) -> bool:
    alive = process.poll() is None
    if alive:
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    return alive


def _count(db: str, sql: str) -> int:
    try:
        return _rows(db, sql)[0][0]
    except Exception:  # noqa: BLE001 - not created or not migrated yet
        return 0


def _phase_reached(phase: str, db: str, out: Path, expected: int):
    """A condition that holds while a run is inside ``phase``, judged from outside (files, the store)."""
    def articles() -> int:
        return _count(db, "SELECT count(*) FROM articles") if Path(db).exists() or "://" in db else 0

    if phase == "process":
        return lambda: (out / "parquet.partial").is_dir()
    if phase == "load":  # the manifest is written, the articles not all committed (64 go in one transaction)
        return lambda: (out / MANIFEST).is_file() and articles() < expected
    return lambda: articles() >= expected and _count(db, "SELECT count(*) FROM story_articles") < expected


def _wait(process: subprocess.Popen, condition, timeout: float = 300) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        if condition():
            return True
        time.sleep(0.02)
    return False


def test_batch_killed_at_random_points_loses_and_duplicates_nothing(corpus, fresh_db_url, tmp_path):
    rng = random.Random(SEED)
    clean_db = str(tmp_path / "clean.db") if "://" not in fresh_db_url else fresh_db_url + "_clean"
    if "://" in clean_db:  # PostgreSQL: the clean run gets its own database on the same server
        _create_database(clean_db)
    try:
        done = subprocess.run(_cli("batch", str(corpus), "--db", clean_db, "--out", str(tmp_path / "clean-out"), "-q"),
                              env=_env(), capture_output=True, text=True, timeout=600, check=False)
        assert done.returncode == 0, done.stderr
        clean = _snapshot(clean_db)
    finally:
        if "://" in clean_db:
            _drop_database(clean_db)

    # Rounds aimed at each phase: in the engine (twice: the second run redoes
    # the killed first), then loading, then linking; the kill comes a random
    # time after the phase is seen to start.
    out, expected = tmp_path / "out", len(clean["articles"])
    killed_in = []
    for phase, longest in (("process", 5.0), ("process", 5.0), ("load", 0.3), ("link", 0.5)):
        process = _start(_cli("batch", str(corpus), "--db", fresh_db_url, "--out", str(out), "-q"))
        if _wait(process, _phase_reached(phase, fresh_db_url, out, expected)):
            time.sleep(rng.uniform(0.0, longest))
        if _kill_group(process):
            killed_in.append(phase)
    assert killed_in[:2] == ["process", "process"], killed_in
    final = subprocess.run(_cli("batch", str(corpus), "--db", fresh_db_url, "--out", str(out), "-q"),
                           env=_env(), capture_output=True, text=True, timeout=600, check=False)
    assert final.returncode == 0, final.stderr
    got = _snapshot(fresh_db_url)
    assert got == clean
    _assert_linked(got)
    assert (out / MANIFEST).is_file() and (out / PARQUET).is_dir()


def test_batch_on_ray_killed_then_resumed(corpus, fresh_db_url, tmp_path):
    db, out = fresh_db_url, tmp_path / "out"
    log = tmp_path / "killed-run.log"
    process = _start(_cli("batch", str(corpus), "--db", db, "--out", str(out), "--engine", "ray", "-q"), log)
    time.sleep(random.Random(SEED).uniform(8, 20))  # inside Ray: start-up, actors loading or analysing
    assert _kill_group(process), f"the run ended before the kill (exit {process.returncode}):\n{log.read_text()[-4000:]}"
    final = subprocess.run(_cli("batch", str(corpus), "--db", db, "--out", str(out), "-q"),
                           env=_env(), capture_output=True, text=True, timeout=600, check=False)
    assert final.returncode == 0, final.stderr
    got = _snapshot(db)
    _assert_linked(got)
    assert len(got["articles"]) == len({a[0] for a in got["articles"]}) > 0
    assert {a[0] for a in got["analyses"]} == {a[0] for a in got["articles"] if not a[2]}
    # the local paper's articles were settled with its home area, though the run was killed
    towntalk = {a[0] for a in got["articles"] if a[3] == "The Town Talk"}
    assert towntalk and all(home for a, _analyzer, home in got["analyses"] if a in towntalk)


def _create_database(url: str) -> None:
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')


def _drop_database(url: str) -> None:
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
