"""``watch``: folders and feeds followed cycle after cycle, state kept in the store across restarts.

Articles are real: records of the bundled ECB+ demo corpus, written as JSON
files or as RSS items. Feeds over HTTP come from a local server on 127.0.0.1.
Every test runs on SQLite and on PostgreSQL (the ``store`` fixture).
"""

from __future__ import annotations

import gzip
import html
import json
import threading
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from storyweave.pipeline.watch import STATE_NAME, watch
from storyweave.store import linking as link_store
from storyweave.store.articles import list_quarantine
from storyweave.store.database import Store

DEMO = Path(__file__).resolve().parents[2] / "src" / "storyweave" / "data" / "demo" / "news-events-demo.jsonl.gz"


@pytest.fixture(scope="module")
def records() -> list[dict]:
    with gzip.open(DEMO, "rt", encoding="utf-8") as handle:
        return [json.loads(line) for line in handle][:12]


def _stored(store: Store) -> int:
    from sqlalchemy import func, select

    from storyweave.store.schema import articles

    with store.read() as conn:
        return conn.execute(select(func.count()).select_from(articles)).scalar_one()


def _rss(items: list[dict]) -> bytes:
    entries = "".join(
        f"<item><guid>{html.escape(r['id'])}</guid><title>{html.escape(r['title'] or '')}</title>"
        f"<link>{html.escape(r['url'])}</link><description>{html.escape(r['text'])}</description></item>"
        for r in items
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Demo wire</title>'
        f"<link>https://example.org/</link><description>demo</description>{entries}</channel></rss>"
    ).encode()


def _write_json(folder: Path, record: dict) -> Path:
    path = folder / f"{record['id']}.json"
    path.write_text(json.dumps(record), encoding="utf-8")
    return path


def test_folder_gaining_files_between_cycles(store, records, tmp_path):
    folder = tmp_path / "inbox"
    folder.mkdir()
    for record in records[:3]:
        _write_json(folder, record)
    per_cycle: list[int] = []
    counts = {"ingested": 0}

    def on_event(event):
        if event.kind == "ingested":
            counts["ingested"] += 1
        if event.kind == "cycle":
            per_cycle.append(counts["ingested"])
            counts["ingested"] = 0
            if len(per_cycle) == 1:  # new files arrive while the watcher sleeps
                for record in records[3:5]:
                    _write_json(folder, record)

    report = watch([str(folder)], store, interval=0, analyze=False, max_cycles=3, on_event=on_event)
    assert per_cycle == [3, 2, 0]
    assert report.ingested == 5 and report.unchanged == 0 and report.failed == 0
    assert _stored(store) == 5


def test_local_feed_gaining_entries(store, records, tmp_path):
    feed = tmp_path / "wire.rss"
    feed.write_bytes(_rss(records[:2]))
    first = watch([str(feed)], store, analyze=False, max_cycles=1)
    assert first.ingested == 2
    feed.write_bytes(_rss([records[2]] + records[:2]))  # newest first, as feeds are
    second = watch([str(feed)], store, analyze=False, max_cycles=1)
    # Only the new entry is read: seen entries are skipped, not re-stored as "unchanged".
    assert (second.ingested, second.unchanged, second.failed) == (1, 0, 0)
    assert _stored(store) == 3


class _FeedServer:
    """A local feed server with ETag and Last-Modified, recording the requests it answers."""

    def __init__(self, body: bytes):
        self.body, self.status, self.version = body, 200, 1
        self.log: list[tuple[int, dict]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                etag = f'"v{server.version}"'
                modified = formatdate(1_700_000_000 + server.version, usegmt=True)
                headers = dict(self.headers)
                if server.status != 200:
                    server.log.append((server.status, headers))
                    self.send_error(server.status)
                    return
                if self.headers.get("If-None-Match") == etag:
                    server.log.append((304, headers))
                    self.send_response(304)
                    self.send_header("ETag", etag)
                    self.end_headers()
                    return
                server.log.append((200, headers))
                self.send_response(200)
                self.send_header("Content-Type", "application/rss+xml")
                self.send_header("ETag", etag)
                self.send_header("Last-Modified", modified)
                self.send_header("Content-Length", str(len(server.body)))
                self.end_headers()
                self.wfile.write(server.body)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/feed.xml"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def publish(self, body: bytes) -> None:
        self.body, self.version = body, self.version + 1


@pytest.fixture
def feed_server(records):
    server = _FeedServer(_rss(records[:2]))
    server.thread.start()
    yield server
    server.httpd.shutdown()
    server.httpd.server_close()


def test_http_feed_uses_etag_and_reads_only_new_entries(store, records, feed_server):
    first = watch([feed_server.url], store, analyze=False, max_cycles=2, interval=0)
    assert first.ingested == 2 and first.not_modified == 1
    assert [status for status, _ in feed_server.log] == [200, 304]
    assert feed_server.log[1][1].get("If-None-Match") == '"v1"'
    assert feed_server.log[1][1].get("If-Modified-Since") == formatdate(1_700_000_001, usegmt=True)

    feed_server.publish(_rss([records[2]] + records[:2]))
    # A new watcher (a restart) reads the validators from the store.
    second = watch([feed_server.url], store, analyze=False, max_cycles=2, interval=0)
    assert (second.ingested, second.unchanged, second.not_modified) == (1, 0, 1)
    assert [status for status, _ in feed_server.log] == [200, 304, 200, 304]
    assert _stored(store) == 3


def test_failed_fetch_and_malformed_feed_are_reported_then_the_next_cycle_goes_on(
    store, records, feed_server
):
    feed_server.status = 500
    seen_errors: list[str] = []
    state = {"cycle": 0}

    def on_event(event):
        if event.kind == "fetch-error":
            seen_errors.append(event.detail)
        if event.kind == "cycle":
            state["cycle"] += 1
            if state["cycle"] == 1:  # the server comes back, serving an error page
                feed_server.status = 200
                feed_server.publish(b"<html><body><p>Service unavailable, back soon</p></body></html>")
            elif state["cycle"] == 2:  # and then a good feed
                feed_server.publish(_rss(records[:2]))

    report = watch([feed_server.url], store, analyze=False, max_cycles=3, interval=0, on_event=on_event)
    assert len(seen_errors) == 1 and "HTTP 500" in seen_errors[0]
    assert report.fetch_errors == 1 and report.failed == 1 and report.ingested == 2
    with store.read() as conn:
        quarantined = list_quarantine(conn)
    assert [q.source for q in quarantined] == [feed_server.url]
    assert "not an RSS or Atom feed" in quarantined[0].reason


def test_unreachable_server_is_a_clear_error(store):
    report = watch(["http://127.0.0.1:9/feed.xml"], store, analyze=False, max_cycles=1)
    assert report.fetch_errors == 1 and report.ingested == 0
    assert report.errors[0].startswith("http://127.0.0.1:9/feed.xml: fetch failed:")


def test_restart_processes_nothing_new(store, records, tmp_path):
    folder = tmp_path / "inbox"
    folder.mkdir()
    for record in records[:3]:
        _write_json(folder, record)
    feed = tmp_path / "wire.rss"
    feed.write_bytes(_rss(records[3:5]))
    first = watch([str(folder), str(feed)], store, analyze=False, max_cycles=1)
    assert first.ingested == 5
    with store.read() as conn:
        state = link_store.load_state(conn, STATE_NAME)
    assert set(state["files"]) == {str(p) for p in sorted(folder.iterdir())} | {str(feed)}

    events = []
    second = watch([str(folder), str(feed)], store, analyze=False, max_cycles=1, on_event=events.append)
    # Nothing is even read again: no "unchanged" outcomes, only the cycle itself.
    assert [e.kind for e in events] == ["cycle"]
    assert second.ingested == second.unchanged == second.failed == 0
    assert _stored(store) == 5


def test_folder_with_symlinks_is_walked_as_ingest_walks_it(store, records, tmp_path):
    # watch and ingest share one folder walk: symlinked folders are followed,
    # each real folder and file once, so loops end and a linked folder counts.
    folder = tmp_path / "inbox"
    (folder / "sub").mkdir(parents=True)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    _write_json(folder, records[0])
    _write_json(folder / "sub", records[1])
    _write_json(elsewhere, records[2])
    (folder / "self").symlink_to(".")
    (folder / "sub" / "up").symlink_to("..")
    (folder / "linked").symlink_to(elsewhere)

    report = watch([str(folder)], store, analyze=False, max_cycles=2, interval=0)

    assert (report.ingested, report.unchanged, report.failed) == (3, 0, 0)
    with store.read() as conn:
        state = link_store.load_state(conn, STATE_NAME)
    assert sorted(state["files"]) == sorted(
        str(p)
        for p in (
            folder / "linked" / f"{records[2]['id']}.json",
            folder / f"{records[0]['id']}.json",
            folder / "sub" / f"{records[1]['id']}.json",
        )
    )


def test_stop_event_finishes_the_current_document_and_the_next_watcher_resumes(store, records, tmp_path):
    folder = tmp_path / "inbox"
    folder.mkdir()
    for record in records[:4]:
        _write_json(folder, record)
    stop = threading.Event()

    def on_event(event):
        if event.kind == "ingested":
            stop.set()

    report = watch([str(folder)], store, analyze=False, stop=stop, on_event=on_event)
    assert report.stopped and report.ingested == 1 and report.cycles == 1
    resumed = watch([str(folder)], store, analyze=False, max_cycles=1)
    assert (resumed.ingested, resumed.unchanged) == (3, 0)
    assert _stored(store) == 4


def test_stop_event_ends_the_wait_between_cycles(store, tmp_path):
    stop = threading.Event()
    result = {}

    def on_event(event):
        if event.kind == "cycle":
            threading.Timer(0.1, stop.set).start()

    thread = threading.Thread(
        target=lambda: result.setdefault("report", watch([str(tmp_path)], store, interval=3600,
                                                         analyze=False, stop=stop, on_event=on_event))
    )
    thread.start()
    thread.join(timeout=60)
    assert not thread.is_alive(), "watch kept sleeping after stop was set"
    assert result["report"].stopped and result["report"].cycles == 1


def test_malformed_local_feed_is_quarantined_once_and_read_again_when_fixed(store, records, tmp_path):
    feed = tmp_path / "wire.rss"
    feed.write_bytes(b'<?xml version="1.0"?><rss version="2.0"><channel><title>Demo</title><item><title>cut')
    first = watch([str(feed)], store, analyze=False, max_cycles=2, interval=0)
    assert (first.failed, first.ingested) == (1, 0)  # the second cycle does not read the same bytes again
    with store.read() as conn:
        quarantined = list_quarantine(conn)
    # feedparser reads what it can of broken XML: the cut-off item is the one bad document.
    assert len(quarantined) == 1 and quarantined[0].source.startswith(str(feed))
    feed.write_bytes(_rss(records[:2]))
    fixed = watch([str(feed)], store, analyze=False, max_cycles=1)
    assert (fixed.failed, fixed.ingested) == (0, 2)
