"""Shared fixtures of the places tests: the pipeline up to places, and two lookups."""

from __future__ import annotations

import pytest

from storyweave.nlp.pipeline import load_places_pipeline
from storyweave.nlp.places import Place


def _places_in(nlp, text: str) -> list[Place]:
    """The places ``nlp`` finds in ``text``, demonyms left out."""
    return [p for p in nlp(text)._.places if p.source != "demonym"]


def _place_at(places: list[Place], text: str, word: str, nth: int = 0) -> Place | None:
    """The place at the ``nth`` occurrence of ``word`` in ``text``, or None."""
    start = -1
    for _ in range(nth + 1):
        start = text.index(word, start + 1)
    return next((p for p in places if p.start_char <= start < p.end_char), None)


@pytest.fixture(scope="session")
def places_nlp():
    return load_places_pipeline()


@pytest.fixture(scope="session")
def places_in():
    return _places_in


@pytest.fixture(scope="session")
def place_at():
    return _place_at
