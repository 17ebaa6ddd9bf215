"""WarcReader on real WARC files written here with warcio's writer (HTTP headers, HTML payloads)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from storyweave.config import IngestOptions
from storyweave.errors import BadDocument
from storyweave.ingest.base import InputDocument
from storyweave.ingest.warc import WarcReader
from storyweave.records import ArticleDraft, DocumentError

DEFAULTS = IngestOptions()

PARAGRAPH = (
    "Opposition fighters entered the central city of Hama on Thursday after days of heavy fighting, "
    "and the army said its units had redeployed outside the city to spare the lives of civilians."
)


def page(title: str, extra: str = "") -> str:
    body = "".join(f"<p>{PARAGRAPH} {extra} Paragraph {n}.</p>" for n in range(4))
    return (
        f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>{title}</title></head>"
        f"<body><article><h1>{title}</h1>{body}</article></body></html>"
    )


def build_warc(gzip: bool) -> bytes:
    """A small Common Crawl News-like archive: warcinfo, a request, two HTML pages, an image, a 404."""
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=gzip)
    writer.write_record(writer.create_warcinfo_record("news.warc", {"software": "storyweave tests"}))
    records = [
        (
            "https://www.aljazeera.com/news/hama",
            "200 OK",
            "text/html; charset=utf-8",
            page("Hama falls").encode(),
        ),
        ("https://example.org/logo.png", "200 OK", "image/png", b"\x89PNG\r\n\x1a\n\x00\x00"),
        ("https://example.org/gone", "404 Not Found", "text/html", b"<html><body>Not found</body></html>"),
        # Charset only in the HTTP header, bytes in Latin-1: the header must be honoured.
        (
            "https://www.nbcnews.com/world/hama",
            "200 OK",
            "text/html; charset=iso-8859-1",
            page("Caf\u00e9 owners flee Hama", "The caf\u00e9 closed.")
            .replace("<meta charset='utf-8'>", "")
            .encode("latin-1"),
        ),
    ]
    for uri, status, content_type, payload in records:
        if uri.endswith("gone"):
            request = writer.create_warc_record(
                uri, "request", payload=io.BytesIO(b"GET /gone HTTP/1.1\r\nHost: example.org\r\n\r\n")
            )
            writer.write_record(request)
        headers = StatusAndHeaders(status, [("Content-Type", content_type)], protocol="HTTP/1.1")
        writer.write_record(
            writer.create_warc_record(uri, "response", payload=io.BytesIO(payload), http_headers=headers)
        )
    return buffer.getvalue()


def read_all(data: bytes, name: str = "crawl.warc", options: IngestOptions = DEFAULTS):
    return list(WarcReader().read(InputDocument(source=name, data=data, path=Path(name)), options))


@pytest.mark.parametrize("gzip,name", [(False, "crawl.warc"), (True, "crawl.warc.gz")])
def test_reads_html_responses_and_skips_the_rest(gzip, name):
    results = read_all(build_warc(gzip), name)

    assert [type(r) for r in results] == [ArticleDraft, ArticleDraft]
    first, second = results
    assert first.metadata.url == "https://www.aljazeera.com/news/hama"
    assert second.metadata.url == "https://www.nbcnews.com/world/hama"
    assert first.source.startswith(f"{name}#<urn:uuid:")
    assert first.reader == second.reader == "warc"
    assert "redeployed outside the city" in first.text
    # The crawl time is not the publication date.
    assert first.metadata.published is None


def test_http_charset_decodes_latin1_payload():
    second = read_all(build_warc(False))[1]
    assert "caf\u00e9 closed" in second.text
    assert "\ufffd" not in second.text


@pytest.mark.parametrize("gzip", [False, True])
def test_truncated_archive_gives_the_records_before_it_then_one_error(gzip):
    data = build_warc(gzip)
    results = read_all(data[: len(data) - 200])

    drafts = [r for r in results if isinstance(r, ArticleDraft)]
    errors = [r for r in results if isinstance(r, DocumentError)]
    assert [d.metadata.url for d in drafts] == ["https://www.aljazeera.com/news/hama"]
    assert len(errors) == 1 and results[-1] is errors[0]
    assert "truncated" in errors[0].reason


@pytest.mark.parametrize("gzip", [False, True])
def test_archive_cut_inside_a_record_header_is_reported(gzip):
    data = build_warc(gzip)
    last = data.rfind(b"WARC/1") if not gzip else data.rfind(b"\x1f\x8b\x08")
    results = read_all(data[: last + 12])

    assert [type(r) for r in results] == [ArticleDraft, DocumentError]
    assert "truncated" in results[-1].reason


def test_oversized_record_is_refused_with_the_limit():
    results = read_all(build_warc(False), options=IngestOptions(max_document_bytes=500))
    assert len(results) == 2 and all(isinstance(r, DocumentError) for r in results)
    assert "500-byte limit" in results[0].reason and "--max-bytes" in results[0].reason


def test_not_a_warc_file_is_a_bad_document():
    with pytest.raises(BadDocument, match="not a WARC file"):
        read_all(b"hello, this is not an archive")


def test_sniff_by_suffix_and_by_content():
    reader = WarcReader()
    archive = build_warc(True)
    assert reader.sniff(InputDocument(source="<stdin>", data=archive))
    assert reader.sniff(InputDocument(source="x", data=build_warc(False), path=Path("dump.bin")))
    assert reader.sniff(InputDocument(source="x", data=b"", path=Path("a.warc.gz")))
    assert not reader.sniff(InputDocument(source="x", data=b"<html></html>", path=Path("a.html")))


def test_records_keep_going_after_a_page_without_text():
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=True)
    for uri, html in [
        ("https://a.example/1", b"<html><body></body></html>"),
        ("https://a.example/2", page("Ok").encode()),
    ]:
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
        writer.write_record(
            writer.create_warc_record(uri, "response", payload=io.BytesIO(html), http_headers=headers)
        )

    results = read_all(buffer.getvalue())

    assert [type(r) for r in results] == [DocumentError, ArticleDraft]
    assert results[0].source.startswith("crawl.warc#<urn:uuid:")
    assert results[1].metadata.url == "https://a.example/2"


# -- damaged archives: skip the broken record or gzip member, read on ---------------


def build_pages(gzip: bool, count: int = 5) -> tuple[bytes, list[int]]:
    """``count`` HTML responses and where each record starts (one gzip member each when gzipped)."""
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=gzip)
    starts = []
    for n in range(count):
        starts.append(buffer.tell())
        headers = StatusAndHeaders(
            "200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1"
        )
        payload = io.BytesIO(page(f"Report {n} from Hama", f"Report number {n}.").encode())
        record = writer.create_warc_record(
            f"https://news.example/{n}", "response", payload=payload, http_headers=headers
        )
        writer.write_record(record)
    return buffer.getvalue(), starts


def _urls(results) -> list[str]:
    return [r.metadata.url for r in results if isinstance(r, ArticleDraft)]


def _errors(results) -> list[DocumentError]:
    return [r for r in results if isinstance(r, DocumentError)]


def test_corrupt_record_header_loses_only_that_record():
    data, starts = build_pages(gzip=False)
    broken = bytearray(data)
    broken[starts[2] : starts[2] + 8] = b"WXRC/9.9"  # not a WARC record header any more

    results = read_all(bytes(broken))

    assert _urls(results) == [f"https://news.example/{n}" for n in (0, 1, 3, 4)]
    (error,) = _errors(results)
    assert error.source == f"crawl.warc@{starts[2]}"
    assert "broken record" in error.reason and "read on from the next record" in error.reason


@pytest.mark.parametrize("delta", [-40, +40])
def test_record_with_a_wrong_content_length_is_quarantined_alone(delta):
    data, starts = build_pages(gzip=False)
    header_end = data.index(b"\r\n\r\n", starts[2])
    at = data.rindex(b"Content-Length: ", starts[2], header_end) + len(b"Content-Length: ")
    end = data.index(b"\r\n", at)
    broken = data[:at] + str(int(data[at:end]) + delta).encode() + data[end:]

    results = read_all(broken)

    assert _urls(results) == [f"https://news.example/{n}" for n in (0, 1, 3, 4)]
    (error,) = _errors(results)
    assert error.source.startswith("crawl.warc#<urn:uuid:")
    assert "Content-Length" in error.reason


def test_garbage_between_records_is_skipped():
    data, starts = build_pages(gzip=False)
    broken = data[: starts[3]] + b"\x00\x01 not a record \r\n\r\n" * 3 + data[starts[3] :]

    results = read_all(broken)

    assert _urls(results) == [f"https://news.example/{n}" for n in range(5)]
    (error,) = _errors(results)
    assert error.source == f"crawl.warc@{starts[3]}"


def test_corrupt_gzip_member_loses_only_its_record():
    data, starts = build_pages(gzip=True)
    broken = bytearray(data)
    middle = (starts[2] + starts[3]) // 2
    broken[middle : middle + 4] = bytes(b ^ 0xFF for b in broken[middle : middle + 4])

    results = read_all(bytes(broken), "crawl.warc.gz")

    assert _urls(results) == [f"https://news.example/{n}" for n in (0, 1, 3, 4)]
    (error,) = _errors(results)
    assert error.source == f"crawl.warc.gz@{starts[2]}"
    assert "broken gzip member" in error.reason and "read on from the next" in error.reason


def test_gzip_member_with_a_broken_header_and_one_cut_short():
    data, starts = build_pages(gzip=True, count=6)
    broken = bytearray(data)
    broken[starts[1]] = 0x00  # member 1 no longer starts with the gzip magic
    # member 3 cut short at its middle: its record id and date are random, so a cut in the last
    # bytes sometimes took only the gzip trailer and left the record readable
    middle = (starts[3] + starts[4]) // 2
    broken = bytes(broken[:middle]) + bytes(broken[starts[4] :])

    results = read_all(broken, "crawl.warc.gz")

    assert _urls(results) == [f"https://news.example/{n}" for n in (0, 2, 4, 5)]
    sources = [e.source for e in _errors(results)]
    assert sources == [f"crawl.warc.gz@{starts[1]}", f"crawl.warc.gz@{starts[3]}"]


def test_reading_a_damaged_archive_twice_gives_the_same_results():
    data, starts = build_pages(gzip=True)
    broken = bytearray(data)
    broken[starts[1] + 40 : starts[1] + 44] = b"\xff\xff\xff\xff"
    first, second = read_all(bytes(broken), "crawl.warc.gz"), read_all(bytes(broken), "crawl.warc.gz")
    assert [(type(r), r.source) for r in first] == [(type(r), r.source) for r in second]
    assert _errors(first) == _errors(second)
