"""TextReader on real files in several encodings, and on files it must refuse."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from storyweave.config import IngestOptions
from storyweave.errors import BadDocument
from storyweave.ingest.base import InputDocument
from storyweave.ingest.text import TextReader
from storyweave.records import DocumentMetadata

ARTICLE = (
    "Café owners protest new rules\n\n"
    "Owners of cafés across the city said on Monday that the new rules on terraces would cost them "
    "their summer trade, and they asked the council to delay them until next year.\n\n"
    "Advertisement\n\n"
    "The council said that it had consulted every owner before the rules were written, and that the "
    "changes would make the pavements safer for people who walk and for people in wheelchairs.\n"
)


def _read(path: Path, metadata: DocumentMetadata | None = None):
    document = InputDocument(str(path), path.read_bytes(), path, metadata or DocumentMetadata())
    reader = TextReader()
    assert reader.sniff(document)
    return list(reader.read(document, IngestOptions()))


@pytest.mark.parametrize(
    "encoding, prefix",
    [("utf-8", b""), ("utf-16-le", codecs.BOM_UTF16_LE), ("latin-1", b""), ("windows-1252", b"")],
)
def test_reads_encodings_and_removes_furniture(tmp_path, encoding, prefix):
    path = tmp_path / "article.txt"
    path.write_bytes(prefix + ARTICLE.encode(encoding))
    [draft] = _read(path)
    assert draft.reader == "text"
    assert "Owners of cafés across the city" in draft.text
    assert "Advertisement" not in draft.text
    assert [span.kind for span in draft.removed] == ["advertisement"]
    assert draft.metadata.title == "Café owners protest new rules"


def test_windows_1252_curly_quotes(tmp_path):
    text = ARTICLE.replace("said on Monday", "said “no” on Monday")
    path = tmp_path / "quotes.txt"
    path.write_bytes(text.encode("windows-1252"))
    [draft] = _read(path)
    assert "said “no” on Monday" in draft.text


def test_caller_metadata_wins_over_found_title(tmp_path):
    path = tmp_path / "article.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    [draft] = _read(path, DocumentMetadata(title="Given title", outlet="Example News"))
    assert draft.metadata.title == "Given title"
    assert draft.metadata.outlet == "Example News"


def test_no_title_when_first_line_is_a_sentence(tmp_path):
    path = tmp_path / "article.txt"
    path.write_text(ARTICLE.split("\n\n", 1)[1], encoding="utf-8")
    [draft] = _read(path)
    assert draft.metadata.title is None


def test_empty_file_is_a_bad_document(tmp_path):
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    with pytest.raises(BadDocument, match="empty"):
        list(TextReader().read(InputDocument(str(path), b"", path), IngestOptions()))


def test_binary_junk_is_a_bad_document(tmp_path):
    path = tmp_path / "junk.txt"
    path.write_bytes(bytes(range(256)) * 40)
    with pytest.raises(BadDocument, match="not text"):
        _read(path)


def test_only_furniture_is_a_bad_document(tmp_path):
    path = tmp_path / "menu.txt"
    path.write_text("Advertisement\n\nShare\nFacebook\nTwitter\n\nLog in\n", encoding="utf-8")
    with pytest.raises(BadDocument, match="furniture"):
        _read(path)


def test_sniff_by_suffix_and_content(tmp_path):
    reader = TextReader()
    prose = ARTICLE.encode("utf-8")
    assert reader.sniff(InputDocument("notes.md", prose, Path("notes.md")))
    assert reader.sniff(InputDocument("<stdin>", prose))
    assert reader.sniff(InputDocument("README", prose, Path("README")))
    assert not reader.sniff(
        InputDocument("page", b"<!DOCTYPE html><html><body>x</body></html>", Path("page"))
    )
    assert not reader.sniff(InputDocument("<stdin>", b'{"text": "hello"}'))
    assert not reader.sniff(InputDocument("page.html", prose, Path("page.html")))
    assert not reader.sniff(InputDocument("blob", bytes(range(256)) * 4, Path("blob")))


def test_one_word_document_is_too_short_not_furniture(tmp_path):
    path = tmp_path / "word.txt"
    path.write_text("Hama\n", encoding="utf-8")
    with pytest.raises(BadDocument) as err:
        _read(path)
    assert "too short to be an article" in err.value.reason
    assert "4 characters" in err.value.reason
    assert "furniture" not in err.value.reason


def test_text_longer_than_the_analysis_takes_is_refused_before_filtering(tmp_path, monkeypatch):
    from storyweave.config import MAX_TEXT_CHARS
    from storyweave.ingest import text as text_module

    sentence = "Rebels entered the city of Hama on Thursday after days of fighting, the army said. "
    body = (sentence * (MAX_TEXT_CHARS // len(sentence) + 2))[: MAX_TEXT_CHARS + 1]
    path = tmp_path / "long.txt"
    path.write_text(body, encoding="utf-8")  # one line, as in the report

    def never(text):  # the furniture filter must not run on a text that is refused anyway
        raise AssertionError("filtered a text that is too long")

    monkeypatch.setattr(text_module, "filter_furniture", never)
    with pytest.raises(BadDocument) as err:
        _read(path)
    assert f"{MAX_TEXT_CHARS + 1:,} characters" in err.value.reason
    assert f"{MAX_TEXT_CHARS:,}" in err.value.reason and "split it" in err.value.reason
