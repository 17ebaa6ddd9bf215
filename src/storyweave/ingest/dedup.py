"""Fingerprints for exact and near-duplicate detection.

Exact copies share the hash of their normalised text. Near copies (wire
stories with a changed headline, a trimmed paragraph, a different footer) are
found with MinHash over word shingles (datasketch) and locality-sensitive
hashing bands. datasketch's own LSH index lives in memory or Redis/Cassandra;
ours keeps the bands as rows in the store, so the index persists with the
articles, grows without loading everything, and works the same on SQLite and
PostgreSQL.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass

import numpy as np
from datasketch import MinHash

NUM_PERM = 128
BANDS = 32  # 32 bands x 4 rows: pairs above ~0.5 Jaccard become candidates
ROWS = NUM_PERM // BANDS
SHINGLE_WORDS = 5
_SEED = 7
_WORD = re.compile(r"\w+", re.UNICODE)


def normalise(text: str) -> str:
    """Case-folded words of ``text`` joined by single spaces, punctuation dropped.

    Two copies that differ only in quotes, dashes, spacing or case normalise
    to the same string.
    """
    folded = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(_WORD.findall(folded))


def content_hash(text: str) -> str:
    """sha256 of the normalised text: equal for exact copies."""
    return hashlib.sha256(normalise(text).encode("utf-8")).hexdigest()


def document_key(text: str, origin: str | None) -> str:
    """The identity of an article: its normalised text plus where it was published.

    Re-ingesting the same article maps to the same key; the same text from a
    different URL or outlet is a different article (a syndicated copy).
    """
    payload = content_hash(text) + "\x00" + (origin or "").strip().casefold()
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Fingerprint:
    """Everything dedup needs to know about one text."""

    content_hash: str
    signature: np.ndarray  # NUM_PERM uint64 MinHash values

    def bands(self) -> list[tuple[int, int]]:
        """(band index, band hash) pairs for the LSH index; hashes fit a signed 64-bit column."""
        out = []
        for band in range(BANDS):
            chunk = self.signature[band * ROWS : (band + 1) * ROWS].tobytes()
            digest = hashlib.blake2b(chunk, digest_size=8).digest()
            out.append((band, int.from_bytes(digest, "big", signed=True)))
        return out

    def signature_bytes(self) -> bytes:
        return self.signature.astype("<u8").tobytes()


def fingerprint(text: str) -> Fingerprint:
    """Hash and MinHash signature of ``text``."""
    words = normalise(text).split()
    shingles = {
        " ".join(words[i : i + SHINGLE_WORDS]).encode("utf-8")
        for i in range(max(1, len(words) - SHINGLE_WORDS + 1))
    }
    minhash = MinHash(num_perm=NUM_PERM, seed=_SEED)
    minhash.update_batch(list(shingles))
    return Fingerprint(content_hash(text), np.asarray(minhash.hashvalues, dtype=np.uint64))


def signature_from_bytes(data: bytes) -> np.ndarray:
    return np.frombuffer(data, dtype="<u8").astype(np.uint64)


def estimated_jaccard(a: np.ndarray, b: np.ndarray) -> float:
    """Share of equal MinHash values: an unbiased estimate of shingle Jaccard similarity."""
    return float(np.count_nonzero(a == b)) / float(len(a))
