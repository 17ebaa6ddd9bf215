"""An approximate-nearest-neighbour index over unit vectors, persisted to one file.

A thin wrapper around ``usearch`` (HNSW graph, cosine metric). We chose usearch
because it installs as a small self-contained wheel (no BLAS, no compiler;
hnswlib ships no wheel for this platform), adds vectors one at a time without a
rebuild (new articles arrive one by one), removes keys, returns stored vectors by
key, and saves/loads (or memory-maps) the whole index as one file. faiss-cpu
would do too, but is ~8x larger and its HNSW index cannot remove entries.

Keys are non-negative integers; the caller maps them to its own ids.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from storyweave.errors import StoreError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Neighbour:
    """One search hit: the stored key and its cosine similarity to the query."""

    key: int
    similarity: float


class AnnIndex:
    """Cosine HNSW index: ``add``, ``query``, ``get``, ``remove``, ``save``, ``load``.

    ``connectivity`` and the expansion factors are HNSW's M, efConstruction and
    efSearch; the defaults keep recall near 1.0 at 100k 384-d vectors while a
    query stays well under a millisecond.
    """

    def __init__(
        self,
        dim: int,
        connectivity: int = 16,
        expansion_add: int = 128,
        expansion_search: int = 64,
        _index=None,
    ):
        from usearch.index import Index

        self.dim = int(dim)
        self._index = _index or Index(
            ndim=self.dim,
            metric="cos",
            dtype="f32",
            connectivity=connectivity,
            expansion_add=expansion_add,
            expansion_search=expansion_search,
        )

    def __len__(self) -> int:
        return len(self._index)

    def __contains__(self, key: int) -> bool:
        return bool(self._index.contains(int(key)))

    def add(self, keys: Sequence[int] | int, vectors: np.ndarray) -> None:
        """Store ``vectors`` (one row per key, or one vector for one key) under ``keys``."""
        vectors = np.asarray(vectors, dtype=np.float32)
        if vectors.ndim == 1:
            vectors = vectors[None, :]
        key_array = np.atleast_1d(np.asarray(keys, dtype=np.uint64))
        if vectors.shape != (len(key_array), self.dim):
            raise ValueError(f"expected {len(key_array)} vectors of {self.dim} dims, got {vectors.shape}")
        # usearch runs one thread per core by default; a single row needs none.
        self._index.add(key_array, vectors, threads=1 if len(key_array) == 1 else 0)

    def query(self, vector: np.ndarray, k: int = 10) -> list[Neighbour]:
        """The up to ``k`` stored keys nearest ``vector``, most similar first."""
        if len(self._index) == 0:
            return []
        matches = self._index.search(np.asarray(vector, dtype=np.float32), count=min(k, len(self._index)))
        # usearch's cosine "distance" is 1 - cosine similarity.
        return [Neighbour(int(key), 1.0 - float(dist)) for key, dist in zip(matches.keys, matches.distances)]

    def get(self, keys: Sequence[int]) -> np.ndarray:
        """The stored vectors for ``keys`` as rows (float32)."""
        if not len(keys):
            return np.zeros((0, self.dim), dtype=np.float32)
        found = self._index.get(np.asarray(keys, dtype=np.uint64), dtype=np.float32)
        return np.asarray(found, dtype=np.float32).reshape(len(keys), self.dim)

    def remove(self, key: int) -> None:
        """Forget ``key`` (no error when it is not stored)."""
        self._index.remove(int(key))

    def save(self, path: Path) -> None:
        """Write the whole index to ``path`` (written aside, then moved into place)."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(path.name + ".partial")
        self._index.save(str(partial))
        partial.replace(path)

    @classmethod
    def load(cls, path: Path, view: bool = False) -> AnnIndex:
        """Open an index written by :meth:`save`; ``view`` memory-maps it read-only."""
        from usearch.index import Index

        path = Path(path)
        if not path.is_file():
            raise StoreError(f"no ANN index at {path}: rebuild it from the stored embeddings")
        index = Index.restore(str(path), view=view)
        if index is None:
            raise StoreError(f"{path} is not a usearch index file: delete it and rebuild the index")
        return cls(index.ndim, _index=index)
