"""Property tests: no input makes a reader, or read_document, fail with anything but our own records.

Every reader in READERS gets arbitrary bytes, arbitrary text and mutated valid
documents of every format; each must yield ArticleDraft / DocumentError records
or raise BadDocument. ``read_document`` must never raise at all.
"""

from __future__ import annotations

import gzip
import io
import json
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from storyweave.config import IngestOptions
from storyweave.errors import BadDocument
from storyweave.ingest.base import InputDocument
from storyweave.ingest.registry import READERS, read_document
from storyweave.records import ArticleDraft, DocumentError

OPTIONS = IngestOptions()
FUZZ = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])

PARAGRAPH = "Rebels entered Hama on Thursday, and the army said it had redeployed outside the city."
HTML = f"<!DOCTYPE html><html><head><title>Hama</title></head><body><article><p>{PARAGRAPH}</p><p>{PARAGRAPH}</p></article></body></html>"


def _warc(gzip_records: bool) -> bytes:
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=gzip_records)
    for uri, content_type in [
        ("https://www.aljazeera.com/a", "text/html; charset=utf-8"),
        ("https://x.example/i", "image/png"),
    ]:
        headers = StatusAndHeaders("200 OK", [("Content-Type", content_type)], protocol="HTTP/1.1")
        writer.write_record(
            writer.create_warc_record(
                uri, "response", payload=io.BytesIO(HTML.encode()), http_headers=headers
            )
        )
    return buffer.getvalue()


#: One valid document per format, with the file name that routes it.
VALID = [
    ("crawl.warc", _warc(False)),
    ("crawl.warc.gz", _warc(True)),
    (
        "feed.rss",
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>F</title><item><title>T</title>'
        f"<link>https://www.cnn.com/a</link><description>&lt;p&gt;{PARAGRAPH}&lt;/p&gt;</description>"
        "<pubDate>Thu, 05 Dec 2024 10:00:00 GMT</pubDate></item></channel></rss>".encode(),
    ),
    (
        "feed.atom",
        f'<feed xmlns="http://www.w3.org/2005/Atom"><title>A</title><entry><title>T</title>'
        f'<link href="https://x.example/1"/><content type="html">&lt;p&gt;{PARAGRAPH}&lt;/p&gt;</content></entry></feed>'.encode(),
    ),
    ("dump.json", json.dumps({"articles": [{"text": PARAGRAPH, "title": "T"}, {"html": HTML}]}).encode()),
    (
        "dump.jsonl",
        (json.dumps({"text": PARAGRAPH}) + "\n" + json.dumps({"body": PARAGRAPH, "authors": ["A"]})).encode(),
    ),
    ("page.html", HTML.encode()),
    (
        "story.txt",
        f"Hama falls\n\n{PARAGRAPH}\n\nAdvertisement\n\n{PARAGRAPH} Serdar told Al Jazeera.".encode(),
    ),
]

NAMES = st.sampled_from([None] + [name for name, _ in VALID] + ["x.gz", "a.xml"])


@st.composite
def mutated(draw) -> tuple[str, bytes]:
    """A valid document with a few cuts, flips, insertions or deletions."""
    name, data = draw(st.sampled_from(VALID))
    data = bytearray(data)
    for _ in range(draw(st.integers(1, 4))):
        if not data:
            break
        at = draw(st.integers(0, len(data) - 1))
        kind = draw(st.sampled_from(["cut", "flip", "insert", "delete"]))
        if kind == "cut":
            del data[at:]
        elif kind == "flip":
            data[at] = draw(st.integers(0, 255))
        elif kind == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=16))
        else:
            del data[at : at + draw(st.integers(1, 64))]
    return draw(st.sampled_from([name, None])), bytes(data)


def _document(name: str | None, data: bytes) -> InputDocument:
    return InputDocument(source=name or "<stdin>", data=data, path=Path(name) if name else None)


def _check_every_reader(document: InputDocument) -> None:
    for reader in READERS:
        assert isinstance(reader.sniff(document), bool)
        try:
            results = list(reader.read(document, OPTIONS))
        except BadDocument as error:
            assert error.reason
            continue
        for result in results:
            assert isinstance(result, (ArticleDraft, DocumentError)), (reader.name, result)
            if isinstance(result, DocumentError):
                assert result.reason and result.source
            else:
                assert isinstance(result.text, str) and result.text


def _check_read_document(document: InputDocument) -> None:
    for result in read_document(document, OPTIONS):
        assert isinstance(result, (ArticleDraft, DocumentError))
        if isinstance(result, DocumentError):
            # An internal error is a bug in a reader, not a property of the input.
            assert not result.reason.startswith("internal error"), result.reason


@FUZZ
@given(name=NAMES, data=st.binary(max_size=2048))
def test_arbitrary_bytes(name, data):
    document = _document(name, data)
    _check_every_reader(document)
    _check_read_document(document)


@FUZZ
@given(name=NAMES, text=st.text(max_size=1024))
def test_arbitrary_text(name, text):
    document = _document(name, text.encode("utf-8", "surrogatepass"))
    _check_every_reader(document)
    _check_read_document(document)


@FUZZ
@given(case=mutated())
def test_mutated_valid_documents(case):
    document = _document(*case)
    _check_every_reader(document)
    _check_read_document(document)


@FUZZ
@given(name=st.sampled_from(["page.html.gz", None]), data=st.binary(max_size=512))
def test_gzip_wrapped_junk(name, data):
    _check_read_document(_document(name, gzip.compress(data)))


def test_valid_documents_give_articles():
    for name, data in VALID:
        results = list(read_document(_document(name, data), OPTIONS))
        assert any(isinstance(r, ArticleDraft) for r in results), (name, results)
