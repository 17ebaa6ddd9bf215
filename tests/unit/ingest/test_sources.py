"""iter_input_documents on real folder trees, gzip files, oversized files and stdin."""

from __future__ import annotations

import gzip
import io
import itertools
import json
import logging
import os
from pathlib import Path

import pytest

from storyweave.config import IngestOptions
from storyweave.ingest.base import InputDocument
from storyweave.ingest.sources import CONTAINER_SIZE_FACTOR, iter_input_documents, walk_files
from storyweave.records import DocumentError, DocumentMetadata

DEFAULTS = IngestOptions()


def collect(paths, options: IngestOptions = DEFAULTS, **kwargs):
    return list(iter_input_documents([str(p) for p in paths], options, **kwargs))


@pytest.fixture()
def tree(tmp_path: Path) -> Path:
    root = tmp_path / "corpus"
    (root / "sub").mkdir(parents=True)
    (root / ".git").mkdir()
    (root / "b.txt").write_text("Second article.")
    (root / "a.txt").write_text("First article.")
    (root / ".hidden.txt").write_text("hidden")
    (root / ".git" / "config").write_text("x")
    (root / "sub" / "c.html").write_text("<html><body><p>Third.</p></body></html>")
    (root / "metadata.json").write_text(
        json.dumps(
            {"a.txt": {"outlet": "Al Jazeera", "published": "2024-12-05", "language": "en", "note": "x"}}
        )
    )
    (root / "sub" / "metadata.json").write_text(
        json.dumps({"c.html": {"outlet": "NBC News", "url": "https://nbc.example/c"}})
    )
    return root


def test_folder_is_read_recursively_sorted_without_hidden_files_or_sidecars(tree):
    documents = collect([tree])

    assert all(isinstance(d, InputDocument) for d in documents)
    assert [d.source for d in documents] == [
        str(tree / "a.txt"),
        str(tree / "b.txt"),
        str(tree / "sub" / "c.html"),
    ]
    a, b, c = documents
    assert a.data == b"First article."
    assert a.metadata == DocumentMetadata(outlet="Al Jazeera", published="2024-12-05", language="en")
    assert b.metadata == DocumentMetadata()
    assert c.metadata.outlet == "NBC News" and c.metadata.url == "https://nbc.example/c"


def test_overrides_win_over_the_sidecar(tree):
    a = collect([tree / "a.txt"], overrides=DocumentMetadata(outlet="Reuters"))[0]
    assert a.metadata.outlet == "Reuters"
    assert a.metadata.published == "2024-12-05"


def test_malformed_sidecar_is_ignored_with_a_warning(tmp_path, caplog):
    (tmp_path / "x.txt").write_text("Text.")
    (tmp_path / "metadata.json").write_text('{"x.txt": {"outlet": "A",}}')
    with caplog.at_level(logging.WARNING):
        (document,) = collect([tmp_path])
    assert document.metadata == DocumentMetadata()
    assert "not valid JSON" in caplog.text and "metadata.json" in caplog.text


def test_gz_files_are_decompressed_but_warc_gz_is_kept(tmp_path):
    jsonl = tmp_path / "dump.jsonl.gz"
    jsonl.write_bytes(gzip.compress(b'{"text": "x"}\n'))
    warc = tmp_path / "crawl.warc.gz"
    warc.write_bytes(gzip.compress(b"WARC/1.0\r\n"))
    (tmp_path / "metadata.json").write_text(json.dumps({"dump.jsonl": {"outlet": "Wire"}}))

    crawl, dump = collect([tmp_path])

    assert dump.source == str(jsonl)
    assert dump.data == b'{"text": "x"}\n'
    assert dump.suffixes == ".jsonl"
    assert dump.metadata.outlet == "Wire"
    assert crawl.data[:2] == b"\x1f\x8b"
    assert crawl.suffixes == ".warc.gz"


def test_broken_gzip_is_an_error(tmp_path):
    bad = tmp_path / "page.html.gz"
    bad.write_bytes(gzip.compress(b"<html>" * 100)[:30])
    (error,) = collect([bad])
    assert isinstance(error, DocumentError)
    assert "broken gzip" in error.reason


def test_oversized_file_is_refused_with_size_limit_and_hint(tmp_path):
    big = tmp_path / "big.txt"
    big.write_bytes(b"word " * 300_000)  # 1.5 MB
    (error,) = collect([big], IngestOptions(max_document_bytes=1_000_000))
    assert isinstance(error, DocumentError)
    assert "1.5 MB" in error.reason and "1.0 MB limit" in error.reason and "--max-bytes" in error.reason


def test_container_files_get_a_larger_limit(tmp_path):
    options = IngestOptions(max_document_bytes=1000)
    dump = tmp_path / "dump.jsonl"
    dump.write_bytes(b'{"text": "x"}\n' * 200)  # 2,800 bytes: over one document, under a container
    (document,) = collect([dump], options)
    assert isinstance(document, InputDocument)

    dump.write_bytes(b'{"text": "x"}\n' * (1000 * CONTAINER_SIZE_FACTOR // 10))
    (error,) = collect([dump], options)
    assert isinstance(error, DocumentError) and "container" in error.reason


def test_decompressed_size_is_limited_too(tmp_path):
    bomb = tmp_path / "page.html.gz"
    bomb.write_bytes(gzip.compress(b" " * 50_000))
    (error,) = collect([bomb], IngestOptions(max_document_bytes=10_000))
    assert isinstance(error, DocumentError)
    assert "decompressed file is more than" in error.reason


def test_missing_path_and_dangling_link_are_errors(tmp_path):
    (tmp_path / "link.txt").symlink_to(tmp_path / "nowhere.txt")
    missing, dangling = collect([tmp_path / "missing.txt", tmp_path / "link.txt"])
    assert isinstance(missing, DocumentError) and "no such file or folder" in missing.reason
    assert isinstance(dangling, DocumentError)


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their permissions")
def test_unreadable_file_is_an_error(tmp_path):
    locked = tmp_path / "locked.txt"
    locked.write_text("secret")
    locked.chmod(0)
    (error,) = collect([locked])
    assert isinstance(error, DocumentError) and "permission denied" in error.reason


def test_a_folder_that_is_a_file_path_error_does_not_stop_the_rest(tmp_path):
    good = tmp_path / "good.txt"
    good.write_text("Fine.")
    results = collect([tmp_path / "missing", good])
    assert [type(r) for r in results] == [DocumentError, InputDocument]


def test_stdin_with_overrides_and_gzip():
    (document,) = collect(
        ["-"], stdin=io.BytesIO(b"Text from a pipe."), overrides=DocumentMetadata(outlet="CNN")
    )
    assert document.source == "<stdin>"
    assert document.data == b"Text from a pipe."
    assert document.path is None
    assert document.metadata.outlet == "CNN"

    (unpacked,) = collect(["-"], stdin=io.BytesIO(gzip.compress(b"<html></html>")))
    assert unpacked.data == b"<html></html>"


def test_stdin_over_the_container_limit_is_refused():
    options = IngestOptions(max_document_bytes=10)
    (error,) = collect(["-"], options, stdin=io.BytesIO(b"x" * (10 * CONTAINER_SIZE_FACTOR + 1)))
    assert isinstance(error, DocumentError)
    assert error.source == "<stdin>" and "stdin is more than" in error.reason


# -- symlinks: each real folder and file once -------------------------------------


@pytest.fixture()
def looped(tmp_path: Path) -> Path:
    """A folder with two symlink loops (``self -> .``, ``sub/up -> ..``) and a second name for one file."""
    root = tmp_path / "corpus"
    (root / "sub").mkdir(parents=True)
    (root / "a.txt").write_text("First article.")
    (root / "sub" / "b.txt").write_text("Second article.")
    (root / "self").symlink_to(".")
    (root / "sub" / "up").symlink_to("..")
    (root / "alias.txt").symlink_to("a.txt")
    return root


def test_symlink_loops_are_walked_once(looped):
    # Bounded with islice: before the fix this walk did not end (each loop is
    # followed until the OS refuses the path, and two loops multiply).
    found = list(itertools.islice(walk_files(looped), 100))

    assert found == [looped / "a.txt", looped / "sub" / "b.txt"]


def test_symlink_loops_give_each_document_once(looped):
    documents = list(itertools.islice(iter_input_documents([str(looped)], DEFAULTS), 100))

    assert [d.source for d in documents] == [str(looped / "a.txt"), str(looped / "sub" / "b.txt")]
    assert all(isinstance(d, InputDocument) for d in documents)


def test_symlinked_folder_outside_the_tree_is_still_read(tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "c.txt").write_text("Third article.")
    root = tmp_path / "corpus"
    root.mkdir()
    (root / "linked").symlink_to(elsewhere)
    (root / "again").symlink_to(elsewhere)  # the same real folder under a second name

    assert list(walk_files(root)) == [root / "again" / "c.txt"]


# -- gzip bombs stop early ----------------------------------------------------------


def _bomb(size: int) -> bytes:
    """``size`` bytes of one repeated JSON line, gzipped: about 1,000 to 1."""
    line = b'{"text": "' + b"a" * 1000 + b'"}\n'
    return gzip.compress(line * (size // len(line)), compresslevel=9)


def test_jsonl_gz_bomb_is_refused_while_decompressing(tmp_path, monkeypatch):
    bomb = tmp_path / "dump.jsonl.gz"
    bomb.write_bytes(_bomb(200_000_000))  # 200 MB unpacked from a few hundred KB
    options = IngestOptions(max_document_bytes=1_000_000)  # container limit: 50 MB
    unpacked: list[int] = []
    real_read = gzip.GzipFile.read

    def counting_read(self, size=-1):
        data = real_read(self, size)
        unpacked.append(len(data))
        return data

    monkeypatch.setattr(gzip.GzipFile, "read", counting_read)

    (error,) = collect([bomb], options)

    assert isinstance(error, DocumentError) and error.source == str(bomb)
    assert "gzip bomb" in error.reason and "times" in error.reason
    # Stopped soon after the per-document limit, not at the 50 MB container limit.
    assert sum(unpacked) < 5 * options.max_document_bytes


def test_genuine_jsonl_gz_over_the_document_limit_is_read(tmp_path):
    # Real article text compresses about 3 to 1; such a file may be much larger
    # than one document once unpacked, up to the container limit.
    import random

    words = ("rebels", "army", "city", "Hama", "said", "Thursday", "fighting", "civilians", "statement")
    rng = random.Random(7)
    lines = [
        json.dumps({"text": " ".join(rng.choice(words) + str(rng.randrange(1000)) for _ in range(150))})
        for _ in range(2000)
    ]
    raw = ("\n".join(lines) + "\n").encode()
    dump = tmp_path / "dump.jsonl.gz"
    dump.write_bytes(gzip.compress(raw))
    options = IngestOptions(max_document_bytes=100_000)
    assert len(raw) > 10 * options.max_document_bytes

    (document,) = collect([dump], options)

    assert isinstance(document, InputDocument) and document.data == raw
