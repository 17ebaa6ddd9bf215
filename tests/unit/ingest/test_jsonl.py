"""JsonReader on JSON objects, arrays, wrappers and JSON Lines files written here."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from storyweave.config import IngestOptions
from storyweave.errors import BadDocument
from storyweave.ingest.base import InputDocument
from storyweave.ingest.jsonl import JsonReader
from storyweave.records import ArticleDraft, DocumentError, DocumentMetadata

DEFAULTS = IngestOptions()
NO_METADATA = DocumentMetadata()
BODY = "Rebels entered Hama on Thursday.\n\nThe army said it had redeployed outside the city."


def read_all(
    data: bytes | str, name: str, options: IngestOptions = DEFAULTS, metadata: DocumentMetadata = NO_METADATA
):
    raw = data.encode("utf-8") if isinstance(data, str) else data
    return list(
        JsonReader().read(InputDocument(source=name, data=raw, path=Path(name), metadata=metadata), options)
    )


def test_jsonl_broken_line_is_an_error_and_the_rest_go_on():
    lines = [
        json.dumps({"title": "One", "text": BODY, "url": "https://a.example/1", "date": "2024-12-05"}),
        '{"title": "Two", "text": ',
        "",
        json.dumps({"headline": "Three", "body": BODY, "authors": ["Ann Lee", "Bo Chen"]}),
        json.dumps(["not", "an", "object"]),
    ]
    results = read_all("\n".join(lines), "dump.jsonl")

    assert [type(r) for r in results] == [ArticleDraft, DocumentError, ArticleDraft, DocumentError]
    one, broken, three, not_object = results
    assert one.source == "dump.jsonl:1"
    assert one.text == BODY
    assert one.metadata == DocumentMetadata(title="One", url="https://a.example/1", published="2024-12-05")
    assert broken.source == "dump.jsonl:2"
    assert "line 2 is not valid JSON" in broken.reason
    assert three.source == "dump.jsonl:4"
    assert three.metadata.title == "Three"
    assert three.metadata.author == "Ann Lee, Bo Chen"
    assert not_object.source == "dump.jsonl:5"
    assert "expected a JSON object, got an array" in not_object.reason


def test_json_array_sources_are_indexed():
    records = [{"text": BODY, "id": 1}, {"title": "no text here", "id": 2}]
    first, second = read_all(json.dumps(records), "dump.json")

    assert first.source == "dump.json[0]"
    assert isinstance(second, DocumentError)
    assert second.source == "dump.json[1]"
    assert "--field text=KEY" in second.reason and "title" in second.reason


def test_wrapper_object_like_newsapi():
    doc = {
        "status": "ok",
        "totalResults": 1,
        "articles": [
            {
                "source": {"id": "bbc-news", "name": "BBC News"},
                "author": [{"name": "Lyse Doucet"}],
                "title": "Hama falls",
                "url": "https://www.bbc.co.uk/news/1",
                "publishedAt": "2024-12-05T10:00:00Z",
                "content": BODY,
            }
        ],
    }
    (draft,) = read_all(json.dumps(doc), "news.json")
    assert draft.source == "news.json[0]"
    assert draft.metadata.outlet == "BBC News"
    assert draft.metadata.author == "Lyse Doucet"


def test_nested_wrapper_and_single_object():
    nested = {"response": {"docs": [{"story": BODY}]}}
    (draft,) = read_all(json.dumps(nested), "nested.json")
    assert draft.text == BODY

    (single,) = read_all(json.dumps({"text": BODY, "published": 1733392800}), "one.json")
    assert single.source == "one.json"
    assert single.metadata.published == "2024-12-05T10:00:00+00:00"


def test_custom_field_mapping():
    options = IngestOptions().with_json_fields({"text": "story_body", "title": "hed"})
    line = json.dumps({"story_body": BODY, "hed": "Custom", "text": "ignored, not the mapped key"})
    (draft,) = read_all(line, "custom.jsonl", options)
    assert draft.text == BODY
    assert draft.metadata.title == "Custom"


def test_html_only_record_goes_through_the_html_extractor():
    paragraph = (
        "<p>Opposition fighters entered the central city of Hama on Thursday after days of heavy fighting, "
        "and the army said its units had redeployed outside the city to spare civilians.</p>"
    )
    html = f"<html><head><title>Hama</title></head><body><article>{paragraph * 3}</article></body></html>"
    (draft,) = read_all(json.dumps({"html": html, "url": "https://x.example/a"}), "pages.jsonl")
    assert "redeployed outside the city" in draft.text
    assert "<p>" not in draft.text
    assert draft.reader == "json"
    assert draft.metadata.url == "https://x.example/a"


def test_given_metadata_wins_over_the_record():
    line = json.dumps({"text": BODY, "outlet": "Record Outlet", "title": "T"})
    (draft,) = read_all(line, "a.jsonl", metadata=DocumentMetadata(outlet="CLI Outlet"))
    assert draft.metadata.outlet == "CLI Outlet"
    assert draft.metadata.title == "T"


def test_invalid_json_document_is_a_bad_document_with_position():
    with pytest.raises(BadDocument, match=r"not valid JSON: .* line 2, column"):
        read_all('{"text": "a",\n oops}', "bad.json")


def test_json_without_records_is_a_bad_document():
    with pytest.raises(BadDocument, match="no article records"):
        read_all('{"status": "ok", "count": 3}', "empty.json")


def test_concatenated_objects_without_jsonl_suffix_are_read_as_lines():
    data = json.dumps({"text": BODY}) + "\n" + json.dumps({"text": BODY + " Again."})
    results = read_all(data, "dump.json")
    assert [r.source for r in results] == ["dump.json:1", "dump.json:2"]


def test_oversized_record_is_refused():
    options = IngestOptions(max_document_bytes=50)
    good, big = read_all(
        json.dumps({"text": "short text"}) + "\n" + json.dumps({"text": BODY}), "a.jsonl", options
    )
    assert isinstance(good, ArticleDraft)
    assert isinstance(big, DocumentError) and "50-byte limit" in big.reason


def test_sniff():
    reader = JsonReader()
    assert reader.sniff(InputDocument(source="<stdin>", data=b' \n{"text": "x"}'))
    assert reader.sniff(InputDocument(source="<stdin>", data=b'[{"text": "x"}]'))
    assert reader.sniff(InputDocument(source="a", data=b"", path=Path("a.ndjson")))
    assert not reader.sniff(InputDocument(source="<stdin>", data=b"[Reuters] Rebels took Hama."))
    assert not reader.sniff(InputDocument(source="<stdin>", data=b"{{ template }}"))


def test_an_empty_json_array_is_a_document_without_articles(tmp_path):
    from storyweave.errors import BadDocument
    from storyweave.ingest.jsonl import JsonReader
    from storyweave.ingest.sources import iter_input_documents

    path = tmp_path / "empty.json"
    path.write_text("[]", encoding="utf-8")
    [document] = list(iter_input_documents([str(path)], IngestOptions()))
    with pytest.raises(BadDocument, match="empty JSON array"):
        list(JsonReader().read(document, IngestOptions()))


def test_a_lone_surrogate_escape_is_replaced_not_an_internal_error(tmp_path):
    from storyweave.ingest.jsonl import JsonReader
    from storyweave.ingest.sources import iter_input_documents

    path = tmp_path / "one.json"
    text = "Rebels entered the city of Hama on Thursday, the army said. " * 3
    path.write_text('{"title": "Hama \\ud800 falls", "text": "' + text + '\\udc00"}', encoding="utf-8")
    [document] = list(iter_input_documents([str(path)], IngestOptions()))
    [draft] = list(JsonReader().read(document, IngestOptions()))
    assert draft.text.endswith("\ufffd") and draft.metadata.title == "Hama \ufffd falls"
    draft.text.encode("utf-8")  # storable
