"""The usearch wrapper: add, query, get, remove, and a save/load round trip."""

from __future__ import annotations

import numpy as np
import pytest

from storyweave.errors import StoreError
from storyweave.link.ann import AnnIndex


def _unit(rows: np.ndarray) -> np.ndarray:
    return (rows / np.linalg.norm(rows, axis=1, keepdims=True)).astype(np.float32)


@pytest.fixture
def vectors() -> np.ndarray:
    return _unit(np.random.default_rng(7).normal(size=(200, 32)))


def test_query_finds_the_stored_vector_first(vectors):
    index = AnnIndex(32)
    index.add(list(range(200)), vectors)
    hits = index.query(vectors[42], k=5)
    assert hits[0].key == 42
    assert hits[0].similarity == pytest.approx(1.0, abs=1e-4)
    assert [h.similarity for h in hits] == sorted((h.similarity for h in hits), reverse=True)
    assert len(index) == 200 and 42 in index and 999 not in index


def test_one_vector_at_a_time_and_get(vectors):
    index = AnnIndex(32)
    for key in range(10):
        index.add(key, vectors[key])
    np.testing.assert_allclose(index.get([3, 7]), vectors[[3, 7]], atol=1e-6)
    assert index.query(vectors[9], k=1)[0].key == 9


def test_empty_index_answers_nothing(vectors):
    assert AnnIndex(32).query(vectors[0], k=3) == []


def test_remove_forgets_a_key(vectors):
    index = AnnIndex(32)
    index.add(list(range(20)), vectors[:20])
    index.remove(5)
    assert 5 not in index
    assert all(hit.key != 5 for hit in index.query(vectors[5], k=20))


def test_wrong_shape_is_refused(vectors):
    with pytest.raises(ValueError):
        AnnIndex(16).add([1], vectors[:1])


def test_save_load_round_trip(tmp_path, vectors):
    index = AnnIndex(32)
    index.add(list(range(200)), vectors)
    path = tmp_path / "sub" / "articles.usearch"
    index.save(path)
    loaded = AnnIndex.load(path)
    assert loaded.dim == 32 and len(loaded) == 200
    assert [h.key for h in loaded.query(vectors[17], k=3)] == [h.key for h in index.query(vectors[17], k=3)]
    loaded.add(500, vectors[0])  # a loaded index keeps growing
    assert 500 in loaded


def test_missing_file_says_what_to_do(tmp_path):
    with pytest.raises(StoreError, match="rebuild"):
        AnnIndex.load(tmp_path / "nothing.usearch")
