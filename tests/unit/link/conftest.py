"""Shared helpers of the claim-alignment tests, as fixtures: short written articles as one
story, run through the real analysis and entity resolution, and lookups in the aligned groups."""

from __future__ import annotations

import pytest

from storyweave.link.claims.inputs import articles_from_texts


def _story(*articles, published: str = "2024-12-05"):
    """``(outlet, text)`` pairs as one story's articles, analysed and entity-resolved."""
    return articles_from_texts([(f"a{n}", text, outlet, published) for n, (outlet, text) in enumerate(articles)])


def _group_with(groups, words):
    """The first group one of whose mentions contains ``words``."""
    found = [g for g in groups if any(words in m.text for m in g.mentions)]
    assert found, f"no group mentions {words!r}: {[g.text for g in groups]}"
    return found[0]


def _outlets_of(group):
    return {m.outlet for m in group.mentions}


@pytest.fixture(scope="session")
def story():
    return _story


@pytest.fixture(scope="session")
def group_with():
    return _group_with


@pytest.fixture(scope="session")
def outlets_of():
    return _outlets_of
