"""The bundled demo corpus (ECB+ derived, CC BY 3.0) is well formed and reproducible."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

import pytest

REPO = Path(__file__).resolve().parents[2]
DEMO = REPO / "src" / "storyweave" / "data" / "demo"
CORPUS = DEMO / "news-events-demo.jsonl.gz"
FIELDS = {"id", "url", "outlet", "title", "text", "published", "story", "licence", "attribution"}


@pytest.fixture(scope="module")
def records() -> list[dict]:
    with gzip.open(CORPUS, "rt", encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]


def test_valid_jsonl_with_a_few_hundred_articles(records):
    assert 300 <= len(records) <= 500
    assert CORPUS.stat().st_size < 1_000_000
    for record in records:
        assert set(record) == FIELDS
    ids = [r["id"] for r in records]
    assert len(set(ids)) == len(ids)
    assert all(i.startswith("ecbplus-") for i in ids)


def test_many_outlets_about_the_same_events(records):
    domains = {urlsplit(r["url"]).hostname.removeprefix("www.") for r in records}
    assert len(domains) > 50
    stories = Counter(r["story"] for r in records)
    assert len(stories) >= 20
    assert all(label.endswith("-ecbplus") for label in stories)
    assert min(stories.values()) >= 3


def test_texts_and_metadata(records):
    for r in records:
        assert r["text"].strip() and not r["text"].startswith("http"), r["id"]
        assert r["url"].startswith(("http://", "https://")) and r["url"] not in r["text"]
        assert r["title"] and r["title"] in r["text"]
        assert r["outlet"] is None and r["published"] is None
        assert r["licence"] == "CC BY 3.0" and "Cybulska" in r["attribution"]
    first = next(r for r in records if r["id"] == "ecbplus-1_1")
    assert first["story"] == "1-ecbplus"
    assert first["title"] == "Lindsay Lohan Leaves Betty Ford, Checks Into Malibu Rehab"
    assert "Lohan’s attorney, Shawn Holley, spoke out about the move." in first["text"]


def test_licence_and_attribution_are_bundled():
    attribution = (DEMO / "ATTRIBUTION.md").read_text(encoding="utf-8")
    assert "Cybulska" in attribution and "LREC 2014" in attribution and "CC BY 3.0" in attribution
    licence = (DEMO / "LICENSE-CC-BY-3.0.txt").read_text(encoding="utf-8")
    assert licence.startswith("CREATIVE COMMONS Attribution 3.0 Unported")


@pytest.mark.evaldata
def test_rebuilding_from_ecbplus_gives_the_same_bytes(evaldata_dir, tmp_path):
    output = tmp_path / "demo.jsonl.gz"
    subprocess.run(
        [sys.executable, str(REPO / "scripts" / "build_demo_corpus.py"),
         "--ecbplus", str(evaldata_dir / "ecbplus"), "--output", str(output)],
        check=True, capture_output=True, text=True,
    )
    assert output.read_bytes() == CORPUS.read_bytes()
