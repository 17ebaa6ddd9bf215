"""An article whose analysis fails is recorded with the reason, shown, counted, kept out of
stories, and retried once the analyser changes (or on ``analyze --retry-failed``).

No input of ours breaks the analysis any more (the last one, a StopIteration in
places.py, is fixed), so the failure comes from a tiny real spaCy component added
to the analysis pipeline for the test: it raises on a marker word, as a component
with a bug would on the input that triggers it. Nothing of storyweave is patched.
"""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path

import pytest
from spacy.language import Language
from sqlalchemy import select, update
from typer.testing import CliRunner

from storyweave.cli import app
from storyweave.nlp.analysis import ANALYZER
from storyweave.nlp.pipeline import load_analyzer
from storyweave.pipeline.analyze import analyze_pending, count_pending
from storyweave.pipeline.ingest import ingest
from storyweave.pipeline.link import link_pending
from storyweave.store import analysis as analysis_store
from storyweave.store.schema import analyses, analysis_failures, articles, claims, story_articles

REPO = Path(__file__).resolve().parents[2]
DEMO = REPO / "src" / "storyweave" / "data" / "demo" / "news-events-demo.jsonl.gz"
MARKER = "Zyxwvutsrqp"
COMPONENT = "storyweave_test_fails_on_marker"
OLD_ANALYZER = "storyweave-analysis/0"
runner = CliRunner()


class MarkerError(RuntimeError):
    pass


@Language.component(COMPONENT)
def _fails_on_marker(doc):
    if MARKER in doc.text:
        raise MarkerError(f"the test component refuses the word {MARKER}")
    return doc


@pytest.fixture
def failing_analysis():
    """The real analysis pipeline with the failing component last; ``remove()`` takes it out again."""
    nlp = load_analyzer()
    nlp.add_pipe(COMPONENT, last=True)

    def remove() -> None:
        if COMPONENT in nlp.pipe_names:
            nlp.remove_pipe(COMPONENT)

    yield remove
    remove()


@pytest.fixture
def corpus(tmp_path, seeds_dir) -> Path:
    """The two seeds and one demo record whose text carries the marker word."""
    folder = tmp_path / "corpus"
    folder.mkdir()
    for path in seeds_dir.iterdir():
        (folder / path.name).write_bytes(path.read_bytes())
    with gzip.open(DEMO, "rt", encoding="utf-8") as handle:
        record = json.loads(next(handle))
    record["text"] += f"\n\nA spokesman for {MARKER} said the clinic would not comment."
    (folder / "marked.json").write_text(json.dumps(record), encoding="utf-8")
    return folder


def run(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False)


def _marked_id(store) -> str:
    with store.read() as conn:
        return conn.execute(select(articles.c.id).where(articles.c.source.like("%marked.json"))).scalar_one()


def _in_story(store, article_id: str) -> bool:
    with store.read() as conn:
        return conn.execute(select(story_articles).where(story_articles.c.article_id == article_id)).first() is not None


def test_a_failed_analysis_is_recorded_shown_counted_and_retried(corpus, db_url, failing_analysis):
    from storyweave.store.database import Store

    result = run("ingest", str(corpus), "--db", db_url, "--quiet")
    assert result.exit_code == 0, result.output
    assert re.search(r"2 analysed · .* · 1 failed", result.output), result.output

    with Store(db_url) as store:
        marked = _marked_id(store)
        assert not _in_story(store, marked), "an article whose analysis failed joined a story"
        with store.read() as conn:
            assert conn.execute(select(analyses).where(analyses.c.article_id == marked)).first() is None

    shown = run("failures", "--db", db_url, "--json")
    assert shown.exit_code == 0, shown.output
    records = [json.loads(line) for line in shown.output.strip().splitlines()]
    assert [r["article_id"] for r in records] == [marked]
    assert records[0]["analyzer"] == ANALYZER
    assert "MarkerError" in records[0]["reason"] and MARKER in records[0]["reason"]
    table = run("failures", "--db", db_url)
    assert table.exit_code == 0 and "1 article whose analysis failed" in table.output and marked in table.output

    # The same analyser version does not retry it by itself, and says so.
    again = run("analyze", "--db", db_url, "--quiet")
    assert again.exit_code == 0, again.output
    assert "1 article failed" in again.output and "storyweave failures" in again.output
    assert run("link", "--db", db_url, "--quiet").exit_code == 0
    with Store(db_url) as store:
        assert not _in_story(store, marked)

    # Once the fault is gone, --retry-failed analyses it, and the link stage puts it in a story.
    failing_analysis()
    retried = run("analyze", "--db", db_url, "--quiet", "--retry-failed")
    assert retried.exit_code == 0, retried.output
    assert re.search(r"1 analysed · .* · 0 failed", retried.output), retried.output
    assert run("failures", "--db", db_url, "--json").output.strip() == ""
    assert run("link", "--db", db_url, "--quiet").exit_code == 0
    with Store(db_url) as store:
        assert _in_story(store, marked)


def test_a_failed_article_is_retried_when_the_analyser_changes(store, corpus, failing_analysis):
    ingest([str(corpus)], store)
    report = analyze_pending(store)
    assert (report.analyzed, report.failed) == (2, 1)
    marked = _marked_id(store)
    with store.read() as conn:
        (failure,) = analysis_store.list_failures(conn)
    assert failure.article_id == marked and failure.analyzer == ANALYZER and MARKER in failure.reason
    link_pending(store)
    assert not _in_story(store, marked)

    failing_analysis()
    assert count_pending(store) == 0, "the same analyser version retried a failed article by itself"
    assert analyze_pending(store).analyzed == 0

    with store.write() as conn:  # the failure was recorded by an older analyser version
        conn.execute(update(analysis_failures).values(analyzer=OLD_ANALYZER))
    assert count_pending(store) == 1
    report = analyze_pending(store)
    assert (report.analyzed, report.failed) == (1, 0)
    with store.read() as conn:
        assert analysis_store.list_failures(conn) == []
        assert conn.execute(select(analyses.c.analyzer).where(analyses.c.article_id == marked)).scalar_one() == ANALYZER
        assert conn.execute(select(claims).where(claims.c.article_id == marked)).first() is not None
    link_pending(store)
    assert _in_story(store, marked)
    # Re-running changes nothing.
    assert analyze_pending(store).analyzed == 0 and link_pending(store).linked == 0


def test_a_failed_reanalysis_of_a_linked_article_is_recorded_and_refreshed_later(store, corpus, failing_analysis):
    """A linked article whose re-analysis by a new analyser fails leaves its links (its results are
    gone); re-analysed later, it is refreshed in its story like any re-analysed article."""
    ingest([str(corpus)], store)
    failing_analysis()
    analyze_pending(store)
    link_pending(store)
    marked = _marked_id(store)
    assert _in_story(store, marked)

    nlp = load_analyzer()
    nlp.add_pipe(COMPONENT, last=True)
    with store.write() as conn:
        conn.execute(update(analyses).where(analyses.c.article_id == marked).values(analyzer=OLD_ANALYZER))
    report = analyze_pending(store)
    assert (report.analyzed, report.failed) == (0, 1)
    assert link_pending(store).relinked == 1
    with store.read() as conn:
        assert [f.article_id for f in analysis_store.list_failures(conn)] == [marked]

    failing_analysis()
    with store.write() as conn:
        conn.execute(update(analysis_failures).values(analyzer=OLD_ANALYZER))
    assert analyze_pending(store).analyzed == 1
    assert link_pending(store).relinked == 1, "the re-analysed article's links and story were not refreshed"
    with store.read() as conn:
        assert analysis_store.list_failures(conn) == []


def test_migration_0010_moves_old_failure_markers_into_the_failure_table(db_url, seeds_dir):
    """Stores from before 0010 marked a failed article with an ``analyses`` row '<analyzer>!failed',
    which made the link stage take it for analysed; the migration records it as a failure instead."""
    from alembic import command
    from sqlalchemy import insert

    from storyweave.store.database import Store, _alembic_config

    with Store(db_url, migrate=False) as old:
        config = _alembic_config()
        with old.write() as conn:
            config.attributes["connection"] = conn
            command.upgrade(config, "0009")
        ingest([str(seeds_dir)], old)  # ingest writes nothing 0010 changes
        with old.read() as conn:
            first, second = [row.id for row in conn.execute(select(articles.c.id).order_by(articles.c.seq))]
        with old.write() as conn:
            conn.execute(insert(analyses).values(article_id=first, analyzer="storyweave-analysis/12!failed",
                                                 analyzed_at="2025-01-01T00:00:00+00:00"))
            conn.execute(insert(analyses).values(article_id=second, analyzer="storyweave-analysis/12",
                                                 analyzed_at="2025-01-01T00:00:00+00:00"))

    with Store(db_url) as store:
        assert store.schema_version() >= "0010"  # migrated through 0010 (and any later revision)
        with store.read() as conn:
            assert {row.article_id: row.analyzer for row in conn.execute(select(analyses))} == {
                second: "storyweave-analysis/12"}
            (failure,) = analysis_store.list_failures(conn)
        assert failure.article_id == first and failure.analyzer == "storyweave-analysis/12"
        assert "before failure reasons were recorded" in failure.reason
        # an older analyser's failure: the current one retries it
        assert count_pending(store) == 2


def test_watch_prints_each_failed_article_with_its_reason(corpus, db_url, failing_analysis):
    # ``ingest`` prints them; ``watch`` printed only the documents it could not read
    result = run("watch", str(corpus), "--db", db_url, "--once")
    assert result.exit_code == 0, result.output
    from storyweave.store.database import Store

    with Store(db_url) as store:
        marked = _marked_id(store)
    assert re.search(rf"analysis failed: article {marked}: .*MarkerError.*{MARKER}", result.output), result.output
    assert "2 analysed" in result.output


def test_the_batch_engine_records_why_an_analysis_failed(store, corpus, tmp_path, failing_analysis):
    from storyweave.batch.runner import run_batch

    report = run_batch([str(corpus)], store, tmp_path / "out", engine="local", progress=False)
    assert report.load.analysis_failed == 1
    with store.read() as conn:
        (failure,) = analysis_store.list_failures(conn)
    assert failure.article_id == _marked_id(store)
    assert "MarkerError" in failure.reason and MARKER in failure.reason, failure.reason
