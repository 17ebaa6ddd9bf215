"""Search query limits: a long or repetitive query costs a bounded amount of work.

A query of "the" repeated 1,000 times used to send 1,000 phrases to FTS5, whose
``bm25()`` ranking costs grow with the square of the phrase count (30 s of CPU on a
500-article store). The tests count what reaches the full-text index (the MATCH
expression sent to SQLite) instead of timing it; one generous CPU budget is a
secondary check.
"""

from __future__ import annotations

import json
import re
import time

import pytest
from sqlalchemy import event

from storyweave.pipeline.ingest import ingest
from storyweave.queries.search import SearchFilters, search_articles
from storyweave.store.database import Store

WORDS = ("harbour council pier repair vote spring councillor quint ellery port friday seven two old "
         "budget mayor ferry storm tide crane dock").split()


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    folder = tmp_path_factory.mktemp("search-limits")
    source = folder / "articles.jsonl"
    with source.open("w", encoding="utf-8") as out:
        for n in range(40):
            words = [WORDS[(n + i) % len(WORDS)] for i in range(60)]
            text = f"The {' the '.join(words)} report number {n}. The harbour council met again."
            out.write(json.dumps({"title": f"Harbour report {n}", "text": text, "outlet": f"Outlet {n % 4}",
                                  "published": f"2024-12-{1 + n % 28:02d}"}) + "\n")
    with Store(str(folder / "store.db")) as opened:
        ingest([str(source)], opened)
        yield opened


@pytest.fixture
def matches(store):
    """The MATCH expressions the searches below send to SQLite's FTS5 table."""
    sent: list[str] = []

    def capture(_conn, _cursor, statement, parameters, _context, _many):
        if "MATCH" in statement:
            values = parameters.values() if isinstance(parameters, dict) else parameters
            sent.extend(v for v in values if isinstance(v, str) and '"' in v)

    event.listen(store.engine, "before_cursor_execute", capture)
    yield sent
    event.remove(store.engine, "before_cursor_execute", capture)


def _phrases(match: str) -> list[str]:
    return re.findall(r'"([^"]*)"', match)


def test_a_repeated_word_reaches_the_index_once(store, matches):
    hits = search_articles(store, SearchFilters(query=" ".join(["the"] * 1000)))
    assert hits, "every article has 'the'"
    assert len(matches) == 1
    assert _phrases(matches[0]) == ["the"]


def test_repeats_are_found_case_insensitively_and_keep_their_order():
    from storyweave.queries.search import parse_query

    parsed = parse_query("Harbour harbour COUNCIL the Harbour council")
    assert parsed.terms == ["Harbour", "COUNCIL", "the"]
    assert parsed.notice is None


def test_a_long_query_is_cut_to_the_term_limit_with_a_notice(store, matches):
    from storyweave.queries.search import MAX_QUERY_TERMS, search

    words = [f"w{n}" for n in range(1000)]
    result = search(store, SearchFilters(query=" ".join(["harbour"] + words)))
    assert len(matches) == 1
    phrases = _phrases(matches[0])
    assert len(phrases) == MAX_QUERY_TERMS and phrases[0] == "harbour"
    assert result.hits == []  # w0 ... are in no article, and every word must match
    assert result.notice is not None
    assert f"first {MAX_QUERY_TERMS} " in result.notice


def test_a_query_longer_than_the_character_limit_is_cut_at_a_word():
    from storyweave.queries.search import MAX_QUERY_CHARS, parse_query

    long_word = "x" * (MAX_QUERY_CHARS * 4)
    parsed = parse_query("harbour " + long_word)
    assert parsed.terms == ["harbour"]
    assert parsed.notice and f"{MAX_QUERY_CHARS} characters" in parsed.notice
    # four 4 KB queries held both cores for a minute: each is now a bounded search
    parsed = parse_query(" ".join(WORDS * 40)[:4096])
    assert len(parsed.terms) == len(set(WORDS))
    assert sum(len(t) for t in parsed.terms) <= MAX_QUERY_CHARS


def test_a_short_query_is_unchanged_and_still_finds_its_articles(store, matches):
    from storyweave.queries.search import search

    result = search(store, SearchFilters(query="Harbour report 7"))
    assert result.notice is None
    assert _phrases(matches[0]) == ["Harbour", "report", "7"]
    assert [h["title"] for h in result.hits] == ["Harbour report 7"]


def test_pathological_queries_stay_within_a_generous_cpu_budget(store):
    # Secondary check only (the term counts above are the real assertions): before the
    # limit, the first query alone cost tens of seconds of CPU on a few hundred articles.
    start = time.process_time()
    for query in (" ".join(["the"] * 1000), " ".join(f"the{n}" for n in range(1000)), "the " * 1024):
        search_articles(store, SearchFilters(query=query))
    assert time.process_time() - start < 5.0


def test_the_api_and_the_search_page_say_when_a_query_was_cut(store):
    from fastapi.testclient import TestClient

    from storyweave.app import create_app
    from storyweave.queries.search import MAX_QUERY_TERMS

    long_query = "harbour " + " ".join(f"w{n}" for n in range(100))
    with TestClient(create_app(store)) as client:
        cut = client.get("/api/search", params={"q": long_query})
        assert cut.status_code == 200 and cut.json() == []
        assert f"first {MAX_QUERY_TERMS} " in cut.headers["x-search-notice"]
        whole = client.get("/api/search", params={"q": "harbour harbour report"})
        assert "x-search-notice" not in whole.headers and len(whole.json()) == 40
        page = client.get("/search", params={"q": long_query}).text
        assert 'id="search-notice"' in page and f"first {MAX_QUERY_TERMS} different words" in page
        assert 'id="search-notice"' not in client.get("/search", params={"q": "harbour"}).text
