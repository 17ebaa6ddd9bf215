"""What a page costs the server, counted rather than timed, and the pages kept between commits.

Under 20 concurrent clients the article and entity pages of a 375-article store
took seconds: each read (and JSON-decoded) every entity link of the store, so
their cost grew with the store, not with the page. The work is counted here in
SQLite virtual-machine steps (a progress handler), on the seeds store and again
after twenty more articles are added: what a page adds per added article is bounded.
Timings belong to ``storyweave bench serve --clients``.
"""

from __future__ import annotations

import gzip
import importlib.util
import itertools
from pathlib import Path

import pytest
from sqlalchemy import event, update

pytestmark = pytest.mark.slow

DEMO = Path(__file__).resolve().parents[2] / "src" / "storyweave" / "data" / "demo" / "news-events-demo.jsonl.gz"
#: articles added to the seeds store for the second count: ten times the seeds' size
MORE_ARTICLES = 20
#: VM steps a page may add per article added to the store (its own rows did not change). Two lookups
#: still step through one index entry per stored article or entity: an article id given as a
#: possible prefix (``id = ? OR id LIKE ?``) and an entity named by its article-level key; both
#: need an index in the store to go. Reading every entity link of the store, as the pages did,
#: cost over 120 steps per added article.
PER_ADDED_ARTICLE = 40
#: VM steps between two calls of the progress handler (1: every step counted)
STEP = 1


def _api_module():
    spec = importlib.util.spec_from_file_location("_sw_test_api", Path(__file__).with_name("test_api.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def db(tmp_path_factory, seeds_dir) -> str:
    folder = tmp_path_factory.mktemp("serving-load")
    path = str(folder / "store.db")
    _api_module().fill_seeded_store(path, folder, seeds_dir)
    return path


class StepCounter:
    """SQLite VM steps run by the store's connections while counting, and the statements sent."""

    def __init__(self, store):
        self.store = store
        self.steps = 0
        self.statements = 0
        self._connections = []

    def _tick(self) -> int:
        self.steps += STEP
        return 0

    def _before(self, conn, _cursor, _statement, _params, _context, _many):
        self.statements += 1
        raw = conn.connection.dbapi_connection
        if raw not in self._connections:
            raw.set_progress_handler(self._tick, STEP)
            self._connections.append(raw)

    def __enter__(self) -> "StepCounter":
        event.listen(self.store.engine, "before_cursor_execute", self._before)
        return self

    def __exit__(self, *exc) -> None:
        event.remove(self.store.engine, "before_cursor_execute", self._before)
        for raw in self._connections:
            raw.set_progress_handler(None, 0)


def _page_work(store, client, paths: dict[str, str], functions: dict) -> dict[str, int]:
    work = {}
    for name, path in paths.items():
        with StepCounter(store) as counter:
            assert client.get(path).status_code == 200, path
        work[name] = counter.steps
    for name, function in functions.items():
        with StepCounter(store) as counter:
            function()
        work[name] = counter.steps
    return work


def _add_demo_articles(db: str, folder: Path, n: int) -> None:
    from storyweave.pipeline.analyze import analyze_pending
    from storyweave.pipeline.ingest import ingest
    from storyweave.pipeline.link import link_pending
    from storyweave.store.database import Store

    sample = folder / "more.jsonl"
    with gzip.open(DEMO, "rt", encoding="utf-8") as source:
        sample.write_text("".join(itertools.islice(source, n)), encoding="utf-8")
    with Store(db) as store:
        ingest([str(sample)], store)
        analyze_pending(store)
        link_pending(store)


def test_article_entity_and_dossier_work_does_not_grow_with_the_store(db, tmp_path):
    from fastapi.testclient import TestClient

    from storyweave.app import create_app
    from storyweave.queries.reads import entity_detail
    from storyweave.queries.stories import list_stories, story_dossier
    from storyweave.store.database import Store

    with Store(db) as store:
        hostile = next(h for h in TestClient(create_app(store)).get("/api/search", params={"q": "pier"}).json())
        hama_story = next(s["id"] for s in list_stories(store) if s["outlets"] == 2)
        hama = next(e for e in TestClient(create_app(store)).get(
            "/api/entities", params={"name": "Hama", "type": "GPE"}).json())
        paths = {"article page": f"/articles/{hostile['id']}", "article API": f"/api/articles/{hostile['id']}",
                 "entity page": f"/entities/{hama['id']}", "entity API": f"/api/entities/{hama['id']}"}
        functions = {"entity detail": lambda: entity_detail(store, hama["id"]),
                     "dossier": lambda: story_dossier(store, hama_story)}
        with TestClient(create_app(store)) as client:
            before = _page_work(store, client, paths, functions)
            articles_before = len(client.get("/api/articles").json())
    _add_demo_articles(db, tmp_path, MORE_ARTICLES)
    with Store(db) as store, TestClient(create_app(store)) as client:
        after = _page_work(store, client, paths, functions)
        added = len(client.get("/api/articles").json()) - articles_before
    assert added >= MORE_ARTICLES - 2  # a demo article may be a copy of another
    grown = {name: (before[name], after[name]) for name in before
             if after[name] - before[name] > PER_ADDED_ARTICLE * added}
    assert not grown, f"work grew with the store (VM steps before, after {added} more articles): {grown}"


#: Statements (BEGIN included) an uncached page sends, whatever it shows: one read per part of the page,
#: each part read for all its rows at once. A query per entity, mention or article would make the count
#: grow with what the page shows, and differ from one page to the next.
STATEMENTS = {"article page": 14, "article API": 5, "entity page": 8, "entity API": 8}


def test_article_and_entity_pages_send_the_same_few_statements_whatever_they_show(db):
    from fastapi.testclient import TestClient

    from storyweave.app import create_app
    from storyweave.queries.articles import list_articles
    from storyweave.queries.reads import list_entities
    from storyweave.store.database import Store

    with Store(db) as store:
        articles = [a.id for a in list_articles(store)]
        entities = list_entities(store, limit=1000)
        assert len(articles) >= 3 and len({e["articles"] for e in entities}) >= 2  # pages of different sizes
        pages = {
            "article page": [f"/articles/{a}" for a in articles],
            "article API": [f"/api/articles/{a}" for a in articles],
            "entity page": [f"/entities/{e['id']}" for e in entities],
            "entity API": [f"/api/entities/{e['id']}" for e in entities],
        }
        with TestClient(create_app(store)) as client:
            counts = {}
            for kind, paths in pages.items():
                for path in paths:
                    with StepCounter(store) as counter:
                        assert client.get(path).status_code == 200, path
                    counts.setdefault(kind, set()).add(counter.statements)
    over = {kind: sorted(found) for kind, found in counts.items() if max(found) > STATEMENTS[kind]}
    assert not over, f"more statements per page than {STATEMENTS}: {over}"
    varying = {kind: sorted(found) for kind, found in counts.items() if len(found) > 1}
    assert not varying, f"statements per page vary with what the page shows (a query per row?): {varying}"


def test_dossier_and_story_list_are_kept_until_a_commit(db):
    from fastapi.testclient import TestClient

    from storyweave.app import create_app
    from storyweave.queries.stories import list_stories
    from storyweave.store.database import Store
    from storyweave.store.schema import stories

    with Store(db) as store:
        story = list_stories(store)[0]
        with TestClient(create_app(store)) as client:
            first = client.get(f"/stories/{story['id']}").text
            listed = client.get("/").text
            api = client.get(f"/api/stories/{story['id']}").json()
            with StepCounter(store) as counter:  # the same pages again: kept, so no query at all
                assert client.get(f"/stories/{story['id']}").text == first
                assert client.get("/").text == listed and story["id"] in listed
                assert client.get(f"/api/stories/{story['id']}").json() == api
            assert counter.statements == 0
            with StepCounter(store) as counter:  # a filtered dossier is another page
                client.get(f"/stories/{story['id']}", params={"status": "contested"}).raise_for_status()
            assert counter.statements > 0

            # another connection commits: every kept page is dropped
            with Store(db) as writer, writer.write() as conn:
                conn.execute(update(stories).where(stories.c.id == story["id"])
                             .values(title="Retitled <b>by</b> a commit"))
            page = client.get(f"/stories/{story['id']}").text
            assert "Retitled &lt;b&gt;by&lt;/b&gt; a commit" in page and "<b>by</b>" not in page
            assert "Retitled &lt;b&gt;by&lt;/b&gt; a commit" in client.get("/").text
            assert client.get(f"/api/stories/{story['id']}").json()["story"]["title"] == "Retitled <b>by</b> a commit"
            assert client.get("/stories/no-such-story").status_code == 404
        with Store(db) as writer, writer.write() as conn:
            conn.execute(update(stories).where(stories.c.id == story["id"]).values(title=story["title"]))


def test_the_cached_api_dossier_is_what_the_response_model_gives(db):
    from fastapi.testclient import TestClient

    from storyweave.app import create_app
    from storyweave.api.models import DossierPublic
    from storyweave.queries.reads import event_markers
    from storyweave.queries.stories import list_stories, story_dossier
    from storyweave.store.database import Store

    with Store(db) as store, TestClient(create_app(store)) as client:
        for story in list_stories(store):
            expected = DossierPublic.model_validate(
                {**story_dossier(store, story["id"]), "markers": event_markers(store, story["id"])}).model_dump(mode="json")
            for _ in range(2):
                response = client.get(f"/api/stories/{story['id']}")
                assert response.headers["content-type"] == "application/json"
                assert response.json() == expected


def test_bench_serve_load_reports_every_page_kind_without_errors(db):
    from storyweave.bench.serve import PAGE_KINDS, bench_serve_load

    report = bench_serve_load(db=db, clients=4, requests=60, warmup=6)
    assert [row[0] for row in report.rows] == [*PAGE_KINDS, "all"]
    assert all(row[1] == 10 for row in report.rows[:-1]) and report.rows[-1][1] == 60
    assert report.metrics["errors"] == 0 and all(row[2] == 0 for row in report.rows)
    assert all(0 < row[3] <= row[4] <= row[5] for row in report.rows)
    assert report.metrics["requests_per_s"] > 0
    assert "4 keep-alive HTTP clients" in report.notes[0]
