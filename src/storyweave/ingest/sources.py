"""Input expansion: command-line paths, folders and stdin into ``InputDocument``s.

Each path becomes zero or more documents; a path that cannot be read becomes a
``DocumentError`` in the same stream, so one bad file never stops a batch.

Size limits. ``IngestOptions.max_document_bytes`` bounds one article. Container
files (WARC, JSON/JSONL, feeds) hold many articles, so the file may be
``CONTAINER_SIZE_FACTOR`` times larger; their readers apply the per-article
limit to each record, and ``registry.read_document`` applies it to the whole
file when a single-article reader (HTML, text) ends up reading a container-sized
input. Stdin has no name to tell its kind by, so it gets the container limit.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import logging
import os
import sys
import zlib
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import BinaryIO

from storyweave.config import IngestOptions
from storyweave.ingest.base import InputDocument
from storyweave.ingest.metadata import SIDECAR_NAME, load_sidecar
from storyweave.records import DocumentError, DocumentMetadata

logger = logging.getLogger(__name__)

#: How many times ``max_document_bytes`` a container file (one holding many
#: articles) may be: 20 MB per article gives 1 GB, the size of a Common Crawl
#: News WARC file.
CONTAINER_SIZE_FACTOR = 50

#: Suffixes of formats that hold many articles (after a ``.gz`` is taken off,
#: except for WARC, whose reader reads ``.warc.gz`` itself).
CONTAINER_SUFFIXES = (".warc", ".warc.gz", ".parquet", ".json", ".jsonl", ".ndjson", ".rss", ".atom", ".xml", ".rdf")

STDIN_NAME = "<stdin>"

_NO_OVERRIDES = DocumentMetadata()


def iter_input_documents(
    paths: Sequence[str],
    options: IngestOptions,
    overrides: DocumentMetadata = _NO_OVERRIDES,
    stdin: BinaryIO | None = None,
) -> Iterator[InputDocument | DocumentError]:
    """Yield one ``InputDocument`` per input file, or a ``DocumentError`` for each that cannot be read.

    ``paths`` holds files, folders (read recursively in sorted order, skipping
    hidden files and ``metadata.json`` sidecars) and ``"-"`` for ``stdin``
    (default ``sys.stdin.buffer``). ``.gz`` files other than WARC are
    decompressed. A sidecar ``metadata.json`` in a file's folder gives its
    metadata; ``overrides`` (CLI flags) win over the sidecar.
    """
    sidecars: dict[Path, dict[str, DocumentMetadata]] = {}
    for raw in paths:
        if raw == "-":
            yield _read_stdin(stdin if stdin is not None else sys.stdin.buffer, options, overrides)
            continue
        path = Path(raw)
        try:
            if path.is_dir():
                for file_path in walk_files(path):
                    if isinstance(file_path, DocumentError):
                        yield file_path
                    else:
                        yield _read_file(file_path, options, overrides, sidecars)
            elif path.exists():
                yield _read_file(path, options, overrides, sidecars)
            else:
                yield DocumentError(source=str(path), reason="no such file or folder; check the path")
        except OSError as error:  # e.g. a permission error on stat()
            yield DocumentError(source=str(path), reason=f"cannot read: {error.strerror or error}")


def container_limit(options: IngestOptions) -> int:
    """The size limit for a file that holds many articles."""
    return options.max_document_bytes * CONTAINER_SIZE_FACTOR


def is_container_name(name: str) -> bool:
    """Whether a file name (without a non-WARC ``.gz``) names a many-article format."""
    return name.lower().endswith(CONTAINER_SUFFIXES)


def walk_files(folder: Path) -> Iterator[Path | DocumentError]:
    """Files under ``folder``, depth first in sorted order, hidden entries skipped."""
    try:
        entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
    except OSError as error:
        yield DocumentError(source=str(folder), reason=f"cannot list folder: {error.strerror or error}")
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        path = Path(entry.path)
        try:
            is_dir = entry.is_dir()
        except OSError as error:
            yield DocumentError(source=str(path), reason=f"cannot read: {error.strerror or error}")
            continue
        if is_dir:
            yield from walk_files(path)
        elif entry.name != SIDECAR_NAME:
            yield path


def _read_file(
    path: Path,
    options: IngestOptions,
    overrides: DocumentMetadata,
    sidecars: dict[Path, dict[str, DocumentMetadata]],
) -> InputDocument | DocumentError:
    source = str(path)
    name = path.name
    gzipped = name.lower().endswith(".gz") and not name.lower().endswith(".warc.gz")
    inner_name = name[:-3] if gzipped else name
    limit = container_limit(options) if is_container_name(inner_name) else options.max_document_bytes
    try:
        size = path.stat().st_size
        if size > limit:
            return DocumentError(source=source, reason=_too_big(size, limit, options))
        with path.open("rb") as handle:
            if gzipped:
                data = _gunzip(handle, limit)
            else:
                data = handle.read()
    except PermissionError:
        return DocumentError(source=source, reason="permission denied: cannot open the file for reading")
    except OSError as error:
        return DocumentError(source=source, reason=f"cannot read: {error.strerror or error}")
    except _GzipError as error:
        return DocumentError(source=source, reason=str(error))
    if len(data) > limit:
        return DocumentError(
            source=source,
            reason=_too_big(len(data), limit, options, "the decompressed file", at_least=True),
        )
    folder = path.parent
    if folder not in sidecars:
        sidecars[folder] = load_sidecar(folder)
    sidecar = sidecars[folder].get(name) or sidecars[folder].get(inner_name) or DocumentMetadata()
    metadata = overrides.merged_over(sidecar)
    # ``path`` names the file as it reads after decompression ("x.jsonl" for
    # "x.jsonl.gz") so readers can sniff the format from its suffix; ``source``
    # keeps the real name for people.
    doc_path = path.with_name(inner_name) if gzipped else path
    return InputDocument(source=source, data=data, path=doc_path, metadata=metadata)


def _read_stdin(
    stream: BinaryIO, options: IngestOptions, overrides: DocumentMetadata
) -> InputDocument | DocumentError:
    limit = container_limit(options)
    try:
        data = stream.read(limit + 1)
    except OSError as error:
        return DocumentError(source=STDIN_NAME, reason=f"cannot read stdin: {error.strerror or error}")
    if len(data) > limit:
        return DocumentError(
            source=STDIN_NAME, reason=_too_big(len(data), limit, options, "stdin", at_least=True)
        )
    if data[:2] == b"\x1f\x8b" and not _looks_like_warc_gz(data):
        try:
            data = _gunzip(io.BytesIO(data), limit)
        except _GzipError as error:
            return DocumentError(
                source=STDIN_NAME, reason=str(error), content_sha256=hashlib.sha256(data).hexdigest()
            )
    return InputDocument(source=STDIN_NAME, data=data, path=None, metadata=overrides)


class _GzipError(Exception):
    pass


def _gunzip(handle, limit: int) -> bytes:
    """Decompress a gzip stream, reading at most ``limit + 1`` bytes so a gzip bomb stops early."""
    try:
        with gzip.GzipFile(fileobj=handle) as unpacked:
            return unpacked.read(limit + 1)
    except (gzip.BadGzipFile, EOFError, zlib.error) as error:
        raise _GzipError(f"broken gzip file: {error}; is it complete?") from error


def _looks_like_warc_gz(data: bytes) -> bool:
    try:
        head = zlib.decompressobj(31).decompress(data[:4096], 16)
    except zlib.error:
        return False
    return head.startswith(b"WARC/")


def _too_big(
    size: int, limit: int, options: IngestOptions, what: str = "the file", at_least: bool = False
) -> str:
    kind = "container file (WARC, JSON, feed)" if limit > options.max_document_bytes else "document"
    raise_hint = f"--max-bytes (now {_megabytes(options.max_document_bytes)} per document"
    if limit > options.max_document_bytes:
        raise_hint += f", {CONTAINER_SIZE_FACTOR} times that per container file"
    return (
        f"{what} is {'more than ' if at_least else ''}{_megabytes(limit if at_least else size)}, "
        f"over the {_megabytes(limit)} limit for one {kind}; raise {raise_hint}) to accept it"
    )


def _megabytes(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB" if size >= 100_000 else f"{size:,} bytes"
