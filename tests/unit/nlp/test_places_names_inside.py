"""The places component on names inside other names and on a place's parts (hand-written texts)."""

from __future__ import annotations

import pytest

from storyweave.nlp.pipeline import load_places_pipeline
from storyweave.nlp.places import Place


@pytest.fixture(scope="module")
def nlp():
    return load_places_pipeline()


def _places(nlp, text: str) -> list[Place]:
    return [p for p in nlp(text)._.places if p.source != "demonym"]


def _at(places: list[Place], text: str, word: str, nth: int = 0) -> Place | None:
    start = -1
    for _ in range(nth + 1):
        start = text.index(word, start + 1)
    return next((p for p in places if p.start_char <= start < p.end_char), None)


def test_a_two_word_organisation_with_a_country_or_state_names_it(nlp):
    # the small model tags these ORG; two capitalised words read like a person's name, but no
    # person is called "Environment Canada" or "Education Minnesota"
    text = "Snow will descend on Toronto Saturday night, Environment Canada warns."
    assert _at(_places(nlp, text), text, "Canada").kind == "country"
    text = "Tom Dooher, president of Education Minnesota, was not happy with the Senate."
    assert _at(_places(nlp, text), text, "Minnesota").name == "Minnesota"
    # but not a town named like a family name, nor a common word that is a division somewhere
    text = "Wells Fargo said so. LE Central formed Lakes Edge Apartments, LLC."
    places = _places(nlp, text)
    assert _at(places, text, "Fargo") is None and _at(places, text, "Lakes") is None
