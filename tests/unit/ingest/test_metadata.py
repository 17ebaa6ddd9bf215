"""Metadata completion: sidecars, outlets from URLs and from self-references, on the seeds too."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from storyweave.config import IngestOptions
from storyweave.ingest.base import InputDocument
from storyweave.ingest.jsonl import JsonReader
from storyweave.ingest.metadata import (
    complete_metadata,
    load_sidecar,
    outlet_from_text,
    outlet_from_url,
)
from storyweave.records import ArticleDraft, DocumentMetadata

SEED_OUTLETS = {"000_186d926eac2fcf62.txt": "Al Jazeera", "002_7868c019a8f5e8bf.txt": "NBC News"}


@pytest.mark.parametrize(
    "url,outlet",
    [
        ("https://www.aljazeera.com/news/2024/12/5/hama", "Al Jazeera"),
        ("https://www.nbcnews.com/news/world/syria-hama", "NBC News"),
        ("https://www.bbc.co.uk/news/world-middle-east-1", "BBC News"),
        ("https://edition.cnn.com/2024/12/05/middleeast/x", "CNN"),
        ("https://abcnews.go.com/International/x", "ABC News"),
        ("https://apnews.com/article/syria", "The Associated Press"),
        ("www.reuters.com/world/middle-east/", "Reuters"),
        ("https://news.example.co.uk/story", "example.co.uk"),
        ("https://blog.someone.net/post", "someone.net"),
        ("not a url", None),
        ("", None),
        (None, None),
    ],
)
def test_outlet_from_url(url, outlet):
    assert outlet_from_url(url) == outlet


@pytest.mark.parametrize(
    "text,outlet",
    [
        ("\u201cIt is over,\u201d Ramani told Al Jazeera.", "Al Jazeera"),
        ("Al Jazeera\u2019s Resul Serdar said the taking of Hama was major.", "Al Jazeera"),
        ("NBC News was unable to independently confirm the claims.", "NBC News"),
        ("The minister said in an interview with CNN that talks would go on.", "CNN"),
        ("BEIRUT (Reuters) - Syrian rebels said on Thursday they had entered Hama.", "Reuters"),
        ("Rebels entered Hama.\n\n\u2014 The Associated Press", "The Associated Press"),
        ("DAMASCUS, Syria (AP) \u2014 Rebels entered Hama.", "The Associated Press"),
        ("The rebels said they had entered the city on Thursday.", None),
        ("He told Time that it was over.", None),  # a common word is not taken for an outlet
        ("He told The Local Times Herald Gazette of Nowhere.", None),
    ],
)
def test_outlet_from_text(text, outlet):
    assert outlet_from_text(text) == outlet


def test_most_frequent_self_reference_wins():
    text = (
        "A commander told Reuters the city had fallen. Samuel Ramani told Al Jazeera it was a blow. "
        "Al Jazeera's Resul Serdar said fighting continued. A resident told Al Jazeera she fled."
    )
    assert outlet_from_text(text) == "Al Jazeera"


def test_complete_metadata_order():
    text = "A resident told Al Jazeera she fled."

    def outlet(**fields):
        return complete_metadata(
            ArticleDraft(source="s", text=text, metadata=DocumentMetadata(**fields))
        ).metadata.outlet

    assert outlet(outlet="Given Outlet", url="https://www.bbc.co.uk/x") == "Given Outlet"
    assert outlet(outlet="BBC") == "BBC News"  # a known alias is written the canonical way
    assert outlet(site_name="The Guardian", url="https://www.bbc.co.uk/x") == "The Guardian"
    assert outlet(site_name="Some Blog", url="https://www.bbc.co.uk/x") == "BBC News"
    assert outlet(site_name="Some Blog", url="https://someblog.example.com/x") == "Some Blog"
    assert outlet(url="https://someblog.example.com/x") == "example.com"
    assert outlet() == "Al Jazeera"
    untouched = ArticleDraft(source="s", text="No outlet named here.")
    assert complete_metadata(untouched) is untouched


def test_load_sidecar_on_the_seeds(seeds_dir: Path):
    sidecar = load_sidecar(seeds_dir)
    assert {name: meta.outlet for name, meta in sidecar.items()} == SEED_OUTLETS
    assert all(meta.published == "2024-12-05" and meta.language == "en" for meta in sidecar.values())


@pytest.mark.parametrize(
    "content,message",
    [
        ("{not json", "not valid JSON"),
        ("[1, 2]", "expected a JSON object"),
        ('{"a.txt": "Al Jazeera"}', "is not an object"),
    ],
)
def test_malformed_sidecar_warns_and_is_ignored(tmp_path, caplog, content, message):
    (tmp_path / "metadata.json").write_text(content)
    with caplog.at_level(logging.WARNING):
        assert load_sidecar(tmp_path) == {}
    assert message in caplog.text


def test_sidecar_lists_and_numbers_become_strings(tmp_path):
    (tmp_path / "metadata.json").write_text(json.dumps({"a.txt": {"author": ["A", "B"], "published": 2024}}))
    assert load_sidecar(tmp_path)["a.txt"] == DocumentMetadata(author="A, B", published="2024")


def test_seed_texts_without_sidecar_get_their_outlet_from_self_references(seeds_dir: Path):
    for name, outlet in SEED_OUTLETS.items():
        assert outlet_from_text((seeds_dir / name).read_text(encoding="utf-8")) == outlet


def test_seed_texts_through_the_json_reader_get_their_outlets(seeds_dir: Path):
    lines = [json.dumps({"text": (seeds_dir / name).read_text(encoding="utf-8")}) for name in SEED_OUTLETS]
    document = InputDocument(source="seeds.jsonl", data="\n".join(lines).encode(), path=Path("seeds.jsonl"))
    drafts = [complete_metadata(d) for d in JsonReader().read(document, IngestOptions())]
    assert [d.metadata.outlet for d in drafts] == list(SEED_OUTLETS.values())
