"""Following sources: feeds (local files and http(s) URLs) and folders, cycle after cycle.

Each cycle

1. reads every source and ingests what is new: files whose modification time
   or size changed, feed entries whose id was not seen before, and feeds
   fetched over HTTP with a conditional GET (ETag / Last-Modified), so an
   unchanged feed costs one 304;
2. analyses and links everything pending, so new articles join their stories
   as they appear. The cycle is one ``run_pipeline`` call
   (``storyweave.pipeline.orchestrator``) whose ingest step is step 1.

What has been seen (file mtimes and sizes, entry ids, HTTP validators) is kept
in the store under the ``link_state`` name ``"watch"``, so a restarted watcher
picks up where the last one stopped. The state is written after each source
(and every few files of a large folder), in its own transaction after the
documents' own: a kill in between only means the next watcher re-reads those
documents, and re-ingest finds each by its key and changes nothing.

The loop stops between documents when ``stop`` (a ``threading.Event``) is
set; signal handlers belong to the caller (the CLI), not to this library.
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
import threading
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import feedparser

from storyweave import __version__
from storyweave.config import IngestOptions, Settings
from storyweave.ingest.base import InputDocument
from storyweave.ingest.feeds import FeedReader
from storyweave.ingest.registry import read_document
from storyweave.ingest.sources import container_limit, iter_input_documents, walk_files
from storyweave.pipeline.ingest import IngestEvent, store_result
from storyweave.pipeline.orchestrator import ANALYSE, LINK, StageEvent, Stages, run_pipeline
from storyweave.records import DocumentError
from storyweave.store import linking as link_store
from storyweave.store.database import Store

logger = logging.getLogger(__name__)

STATE_NAME = "watch"
STATE_VERSION = 1
#: Seconds to wait for a feed server before the fetch counts as failed.
FETCH_TIMEOUT = 30.0
#: Entry ids kept per feed: feeds show their newest few dozen entries, so a few
#: thousand ids are enough to recognise every entry a feed can still show.
MAX_SEEN_PER_FEED = 5000
#: Files of a folder between two saves of the watch state.
SAVE_EVERY = 50
_FEED = FeedReader()
_DEFAULT_OPTIONS = IngestOptions()


@dataclass(frozen=True)
class WatchEvent:
    """Something that happened while watching: a document's outcome, a fetch, a stage, a cycle."""

    #: ingested | duplicate | unchanged | failed | fetch-error | not-modified | analyzed | analysis-failed
    #: (``detail``: the reason) | linked | cycle
    kind: str
    source: str = ""
    detail: str = ""
    article_id: str | None = None


@dataclass
class WatchReport:
    """Totals over all cycles of one ``watch`` call."""

    cycles: int = 0
    ingested: int = 0
    duplicates: int = 0
    unchanged: int = 0
    failed: int = 0
    fetch_errors: int = 0
    not_modified: int = 0
    analyzed: int = 0
    linked: int = 0
    new_stories: int = 0
    stopped: bool = False
    errors: list[str] = field(default_factory=list)
    article_ids: list[str] = field(default_factory=list)


WatchHandler = Callable[[WatchEvent], None]


@dataclass
class _Cycle:
    """What one cycle needs: the store, the state being updated, and where to report."""

    store: Store
    settings: Settings
    state: dict
    report: WatchReport
    stop: threading.Event
    on_event: WatchHandler | None
    unsaved: int = 0

    @property
    def options(self) -> IngestOptions:
        return self.settings.ingest

    def emit(self, event: WatchEvent) -> None:
        if self.on_event is not None:
            self.on_event(event)

    def save(self) -> None:
        with self.store.write() as conn:
            link_store.save_state(conn, STATE_NAME, self.state)
        self.unsaved = 0


def watch(
    sources: Sequence[str],
    store: Store,
    settings: Settings = Settings(),
    *,
    interval: float = 60.0,
    analyze: bool = True,
    stop: threading.Event | None = None,
    max_cycles: int | None = None,
    on_event: WatchHandler | None = None,
) -> WatchReport:
    """Follow ``sources`` (feed files, feed URLs, folders, files) and ingest what is new, every ``interval`` s.

    Runs until ``stop`` is set or ``max_cycles`` cycles are done (``max_cycles=1``
    is one pass), reading documents with ``settings.ingest``. With ``analyze``,
    each cycle then analyses and links every pending article. Never raises for a bad document or a failed fetch: those
    become quarantine records or errors in the report, and the next cycle goes on.
    """
    stop = stop if stop is not None else threading.Event()
    report = WatchReport()
    with store.read() as conn:
        state = _upgrade_state(link_store.load_state(conn, STATE_NAME))
    cycle = _Cycle(store, settings, state, report, stop, on_event)
    while not stop.is_set():
        _run_cycle(sources, cycle, analyze)
        report.cycles += 1
        cycle.emit(WatchEvent("cycle", detail=str(report.cycles)))
        if max_cycles is not None and report.cycles >= max_cycles:
            break
        stop.wait(interval)
    report.stopped = stop.is_set()
    return report


def _upgrade_state(data: dict | None) -> dict:
    if not data or data.get("version") != STATE_VERSION:
        return {"version": STATE_VERSION, "files": {}, "feeds": {}}
    data.setdefault("files", {})
    data.setdefault("feeds", {})
    return data


def _run_cycle(sources: Sequence[str], cycle: _Cycle, analyze: bool) -> None:
    """Ingest what is new in ``sources``, then (with ``analyze``) analyse and link everything pending.

    Both later stages run every cycle, not only when something was ingested:
    they are cheap with nothing pending, and a watcher killed between stages
    (or between linking originals and joining their syndicated copies) must
    finish that work on restart.
    """
    result = run_pipeline(
        cycle.store, cycle.settings, stages=Stages(analyse=analyze, link=analyze),
        read=lambda _on_document: _read_sources(sources, cycle), stop=cycle.stop,
        on_progress=lambda event: _on_stage(cycle, event),
    )
    if result.analysis is not None:
        cycle.report.analyzed += result.analysis.analyzed
    if result.link is not None:
        cycle.report.linked += result.link.linked
        cycle.report.new_stories += result.link.new_stories


def _read_sources(sources: Sequence[str], cycle: _Cycle) -> None:
    """The cycle's ingest step: each source's new documents, the state saved after each source.

    Documents are counted and reported as ``WatchEvent`` values by ``_store``, so
    the orchestrator's per-document handler is not used.
    """
    for source in sources:
        if cycle.stop.is_set():
            break
        if source.startswith(("http://", "https://")):
            _watch_url(source, cycle)
        else:
            _watch_path(Path(source), cycle)
        if cycle.unsaved:
            cycle.save()


def _on_stage(cycle: _Cycle, event: StageEvent) -> None:
    """The analysis and link stages' progress as watch events, analysis failures with their reasons."""
    if event.kind == "article" and event.stage in (ANALYSE, LINK):
        cycle.emit(WatchEvent("analyzed" if event.stage == ANALYSE else "linked", article_id=event.article_id))
    elif event.kind == "done" and event.stage == ANALYSE and event.report is not None:
        for failure in event.report.failures:
            cycle.emit(WatchEvent("analysis-failed", detail=failure.reason, article_id=failure.article_id))


# -- local files and folders ---------------------------------------------------


def _watch_path(path: Path, cycle: _Cycle) -> None:
    if path.is_dir():
        # The same walk as ``ingest`` (``sources.walk_files``): symlinks followed,
        # each real folder and file once, so a symlink loop ends.
        files = []
        for found in walk_files(path):
            if isinstance(found, DocumentError):
                _fetch_error(cycle, found.source, found.reason)
            else:
                files.append(found)
        present = {str(f) for f in files}
        # Files that went away are forgotten, so a file put back later is read again.
        prefix = str(path).rstrip(os.sep) + os.sep
        for name in [n for n in cycle.state["files"] if n.startswith(prefix) and n not in present]:
            del cycle.state["files"][name]
            cycle.unsaved += 1
    elif path.exists():
        files = [path]
    else:
        _fetch_error(cycle, str(path), "no such file or folder; check the path")
        return
    for file_path in files:
        if cycle.stop.is_set():
            return
        _watch_file(file_path, cycle)
        if cycle.unsaved >= SAVE_EVERY:
            cycle.save()


def _watch_file(path: Path, cycle: _Cycle) -> None:
    """Ingest one file if its mtime or size changed since it was last read to the end."""
    key = str(path)
    try:
        stat = path.stat()
    except OSError as error:
        _fetch_error(cycle, key, f"cannot read: {error.strerror or error}")
        return
    signature = [stat.st_mtime_ns, stat.st_size]
    if cycle.state["files"].get(key) == signature:
        return
    finished = True
    for item in iter_input_documents([key], cycle.options):
        if isinstance(item, DocumentError):
            _store(cycle, item, None)
        elif _FEED.sniff(item):
            finished = _ingest_feed(item, key, cycle) and finished
        else:
            finished = _ingest_document(item, cycle) and finished
    # A file left half-read (stop requested) keeps its old signature: the next
    # watcher reads it again and finds the finished articles by their keys.
    if finished:
        cycle.state["files"][key] = signature
        cycle.unsaved += 1


def _ingest_document(document: InputDocument, cycle: _Cycle) -> bool:
    """Store every result of one document; False if stopped before the end."""
    for result in read_document(document, cycle.options):
        if cycle.stop.is_set():
            return False
        _store(cycle, result, document)
    return True


# -- feeds ---------------------------------------------------------------------


def _ingest_feed(document: InputDocument, feed_key: str, cycle: _Cycle) -> bool:
    """Store the entries of a feed whose ids were not seen before; False if stopped before the end.

    ``FeedReader`` yields exactly one result per entry, in feed order, so its
    results are paired with the entry ids parsed here. A feed that cannot be
    read at all gives one error instead, which is quarantined once per content.
    """
    feed_state = cycle.state["feeds"].setdefault(feed_key, {})
    seen = set(feed_state.get("seen", []))
    parsed = feedparser.parse(io.BytesIO(document.data), sanitize_html=False, resolve_relative_uris=False)
    ids = [_entry_id(entry) for entry in parsed.get("entries") or []]
    if ids and all(entry_id in seen for entry_id in ids):
        return True
    results = list(read_document(document, cycle.options, readers=(_FEED,)))
    if len(results) != len(ids):  # the feed as a whole failed (or yielded no entries)
        for result in results:
            _store(cycle, result, document)
        return True
    finished = True
    new_ids = []
    for entry_id, result in zip(ids, results):
        if entry_id in seen:
            continue
        if cycle.stop.is_set():
            finished = False
            break
        _store(cycle, result, document)
        new_ids.append(entry_id)
    feed_state["seen"] = (feed_state.get("seen", []) + new_ids)[-MAX_SEEN_PER_FEED:]
    cycle.unsaved += 1
    return finished


def _entry_id(entry) -> str:
    """The entry's id (guid), else its link, else a hash of its title and text."""
    for key in ("id", "link"):
        value = entry.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    body = "\x00".join(str(entry.get(key) or "") for key in ("title", "summary", "published"))
    return "sha256:" + hashlib.sha256(body.encode("utf-8")).hexdigest()


def _watch_url(url: str, cycle: _Cycle) -> None:
    """Fetch a feed with a conditional GET and ingest its new entries."""
    feed_state = cycle.state["feeds"].setdefault(url, {})
    try:
        fetched = fetch_feed(url, feed_state.get("etag"), feed_state.get("last_modified"),
                             limit=container_limit(cycle.options))
    except FetchError as error:
        _fetch_error(cycle, url, str(error))
        return
    if fetched is None:
        cycle.report.not_modified += 1
        cycle.emit(WatchEvent("not-modified", url))
        return
    body, etag, last_modified = fetched
    document = InputDocument(source=url, data=body, path=None)
    if _FEED.sniff(document):
        finished = _ingest_feed(document, url, cycle)
    else:
        # An error page or a moved feed answered 200: quarantined (once per
        # content) so that it shows in ``storyweave quarantine``, not skipped silently.
        head = body[:60].decode("utf-8", "replace").strip()
        reason = f"the response is not an RSS or Atom feed (it starts {head!r}); check the URL"
        logger.error("%s: %s", url, reason)
        error = DocumentError(url, reason, _FEED.name, hashlib.sha256(body).hexdigest())
        _store(cycle, error, document)
        finished = True
    if finished:
        # Validators are kept only once the body is fully handled, so a stopped
        # watcher fetches the whole feed again rather than getting a 304.
        feed_state["etag"], feed_state["last_modified"] = etag, last_modified
        cycle.unsaved += 1


class FetchError(Exception):
    """A feed could not be fetched; the message says why."""


def fetch_feed(
    url: str,
    etag: str | None = None,
    last_modified: str | None = None,
    *,
    timeout: float = FETCH_TIMEOUT,
    limit: int = container_limit(_DEFAULT_OPTIONS),
) -> tuple[bytes, str | None, str | None] | None:
    """GET ``url``; ``None`` when the server answers 304, else (body, ETag, Last-Modified).

    We fetch ourselves, not through feedparser, to control the timeout, the
    size limit and the error messages. Raises ``FetchError``.
    """
    headers = {
        "User-Agent": f"storyweave/{__version__} (+feed watcher)",
        "Accept": "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5",
    }
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            body = response.read(limit + 1)
            if len(body) > limit:
                raise FetchError(f"fetch failed: the feed is over the {limit:,}-byte limit; raise --max-bytes")
            return body, response.headers.get("ETag"), response.headers.get("Last-Modified")
    except urllib.error.HTTPError as error:
        if error.code == 304:
            return None
        raise FetchError(f"fetch failed: HTTP {error.code} {error.reason}; will retry next cycle") from error
    except urllib.error.URLError as error:
        raise FetchError(f"fetch failed: {error.reason}; is the URL right and the server up?") from error
    except (TimeoutError, OSError) as error:
        raise FetchError(f"fetch failed: {type(error).__name__}: {error}; will retry next cycle") from error


# -- storing and the later stages ---------------------------------------------


def _store(cycle: _Cycle, result, document: InputDocument | None) -> None:
    event: IngestEvent = store_result(cycle.store, result, cycle.options, document)
    report = cycle.report
    if event.outcome == "ingested":
        report.ingested += 1
    elif event.outcome == "duplicate":
        report.duplicates += 1
    elif event.outcome == "unchanged":
        report.unchanged += 1
    else:
        report.failed += 1
        report.errors.append(f"{event.source}: {event.reason}")
    if event.article_id and event.outcome in ("ingested", "duplicate"):
        report.article_ids.append(event.article_id)
    cycle.emit(WatchEvent(event.outcome, event.source, event.reason or "", event.article_id))


def _fetch_error(cycle: _Cycle, source: str, reason: str) -> None:
    logger.error("%s: %s", source, reason)
    cycle.report.fetch_errors += 1
    cycle.report.errors.append(f"{source}: {reason}")
    cycle.emit(WatchEvent("fetch-error", source, reason))
