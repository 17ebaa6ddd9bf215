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
    """Files under ``folder``, depth first in sorted order, hidden entries and sidecars skipped.

    Symbolic links are followed (a corpus folder may link in others), but each
    real folder and each real file is visited once, however many names lead to
    it. A link back up the tree (``self -> .``, ``sub/up -> ..``) would
    otherwise be followed until the OS refuses the path (40 links deep on
    Linux), reading the same files on every lap, and two such loops multiply
    into millions of paths that never finish. Real means (device, inode), what
    ``os.stat`` says after following the links, so hard links count once too.
    The walk keeps its own stack rather than recursing, so depth is no limit.
    """
    try:
        root = os.stat(folder)
    except OSError as error:
        yield DocumentError(source=str(folder), reason=f"cannot list folder: {error.strerror or error}")
        return
    seen_folders = {(root.st_dev, root.st_ino)}
    seen_files: set[tuple[int, int]] = set()
    stack: list[Iterator[os.DirEntry]] = []
    listed = _list_folder(folder)
    if isinstance(listed, DocumentError):
        yield listed
        return
    stack.append(iter(listed))
    while stack:
        entry = next(stack[-1], None)
        if entry is None:
            stack.pop()
            continue
        if entry.name.startswith("."):
            continue
        path = Path(entry.path)
        is_dir = False
        try:
            is_dir = entry.is_dir()
            if not is_dir and entry.name == SIDECAR_NAME:
                continue
            identity = _identity(entry)
        except FileNotFoundError:
            if not is_dir:  # a dangling link: reading it reports the error under the file's name
                yield path
            continue
        except OSError as error:  # e.g. a link to itself (too many levels of symbolic links)
            yield DocumentError(source=str(path), reason=f"cannot read: {error.strerror or error}")
            continue
        if is_dir:
            if identity in seen_folders:
                logger.info("%s: skipped, it leads to a folder read already (a symlink loop?)", path)
                continue
            seen_folders.add(identity)
            listed = _list_folder(path)
            if isinstance(listed, DocumentError):
                yield listed
            else:
                stack.append(iter(listed))
        elif identity in seen_files:
            logger.info("%s: skipped, it is a second name for a file read already", path)
        else:
            seen_files.add(identity)
            yield path


def _list_folder(folder: Path) -> list[os.DirEntry] | DocumentError:
    try:
        with os.scandir(folder) as entries:
            return sorted(entries, key=lambda entry: entry.name)
    except OSError as error:
        return DocumentError(source=str(folder), reason=f"cannot list folder: {error.strerror or error}")


def _identity(entry: os.DirEntry) -> tuple[int, int]:
    """The real file or folder an entry names, links followed: (device, inode)."""
    stat = entry.stat()  # follows symlinks
    return stat.st_dev, stat.st_ino


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
                data = _gunzip(handle, limit, options.max_document_bytes)
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
            data = _gunzip(io.BytesIO(data), limit, options.max_document_bytes)
        except _GzipError as error:
            return DocumentError(
                source=STDIN_NAME, reason=str(error), content_sha256=hashlib.sha256(data).hexdigest()
            )
    return InputDocument(source=STDIN_NAME, data=data, path=None, metadata=overrides)


class _GzipError(Exception):
    pass


#: Once a decompressed file is past one document's limit, it may be at most this
#: many times its compressed size. Article text, HTML and JSON dumps of news
#: compress 3 to 10 times; a gzip bomb, about 1,000 times. Without this check a
#: 1.2 MB ``.jsonl.gz`` bomb was unpacked to the 1 GB container limit before it
#: was refused (the same rule as Apache POI's "zip bomb" inflate-ratio check).
MAX_COMPRESSION_RATIO = 100
#: Bytes of compressed input handed to the decompressor at a time, so the ratio
#: above is measured on what was actually consumed (``GzipFile`` reads ahead
#: 128 KiB, enough for 128 MB of bomb).
_COMPRESSED_PIECE = 4096
_UNPACKED_PIECE = 1024 * 1024


def _gunzip(handle, limit: int, document_limit: int) -> bytes:
    """Decompress a gzip stream, stopping early at ``limit + 1`` bytes or at a gzip bomb.

    Returns at most ``limit + 1`` bytes (the caller refuses more). Past
    ``document_limit`` bytes, output over ``MAX_COMPRESSION_RATIO`` times the
    compressed input read so far raises ``_GzipError``.
    """
    metered = _MeteredReader(handle)
    unpacked = bytearray()
    try:
        with gzip.GzipFile(fileobj=metered) as stream:
            while len(unpacked) <= limit:
                piece = stream.read(min(_UNPACKED_PIECE, limit + 1 - len(unpacked)))
                if not piece:
                    break
                unpacked += piece
                # Past ``limit`` the caller refuses the file by its size, a reason that says more.
                over_one_document = document_limit < len(unpacked) <= limit
                if over_one_document and len(unpacked) > MAX_COMPRESSION_RATIO * metered.count:
                    raise _GzipError(
                        f"refused: the file unpacks to more than {MAX_COMPRESSION_RATIO} times its "
                        f"compressed size ({_megabytes(len(unpacked))} from the first "
                        f"{_megabytes(metered.count)}), the mark of a gzip bomb; if it is genuine, "
                        "decompress it and ingest the result"
                    )
    except (gzip.BadGzipFile, EOFError, zlib.error) as error:
        raise _GzipError(f"broken gzip file: {error}; is it complete?") from error
    return bytes(unpacked)


class _MeteredReader(io.RawIOBase):
    """A read-only stream over ``raw`` that hands out small pieces and counts them."""

    def __init__(self, raw) -> None:
        super().__init__()
        self._raw = raw
        self.count = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self._raw.read(min(len(buffer), _COMPRESSED_PIECE))
        buffer[: len(data)] = data
        self.count += len(data)
        return len(data)


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
