"""The fingerprint of a text, as ingest computes it and the store keeps and compares it.

A record and pure arithmetic on MinHash signatures, with no reader or hashing library
behind them, so the store can match near copies without importing ingest
(``storyweave.ingest.dedup`` computes fingerprints and re-exports these names).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np

NUM_PERM = 128
BANDS = 32  # 32 bands x 4 rows: pairs above ~0.5 Jaccard become candidates
ROWS = NUM_PERM // BANDS


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


def signature_from_bytes(data: bytes) -> np.ndarray:
    return np.frombuffer(data, dtype="<u8").astype(np.uint64)


def estimated_jaccard(a: np.ndarray, b: np.ndarray) -> float:
    """Share of equal MinHash values: an unbiased estimate of shingle Jaccard similarity."""
    return float(np.count_nonzero(a == b)) / float(len(a))
