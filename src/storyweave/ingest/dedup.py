"""Fingerprints for exact and near-duplicate detection.

Exact copies share the hash of their normalised text. Near copies (wire
stories with a changed headline, a trimmed paragraph, a different footer) are
found with MinHash over word shingles (datasketch) and locality-sensitive
hashing bands. datasketch's own LSH index lives in memory or Redis/Cassandra;
ours keeps the bands as rows in the store, so the index persists with the
articles, grows without loading everything, and works the same on SQLite and
PostgreSQL. The ``Fingerprint`` record and the arithmetic on signatures live in
``storyweave.fingerprints``, where the store reads them too.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

import numpy as np
from datasketch import MinHash

from storyweave.fingerprints import (  # noqa: F401  (re-exported: their old home)
    BANDS,
    NUM_PERM,
    ROWS,
    Fingerprint,
    estimated_jaccard,
    signature_from_bytes,
)

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
