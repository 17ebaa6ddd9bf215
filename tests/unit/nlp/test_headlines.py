"""The storyweave_headlines component: title-case lines read again from a truecased copy."""

from __future__ import annotations

import pytest

from storyweave.nlp.headlines import _is_title
from storyweave.nlp.pipeline import build_pipeline

ARTICLE = (
    "Obama Nominates Regina Benjamin as Surgeon General\n\n"
    "President Barack Obama on Monday nominated Regina Benjamin, a family doctor from Alabama, "
    "to be the next surgeon general. Benjamin runs a rural health clinic.\n"
)


@pytest.fixture(scope="module")
def nlp():
    # a fresh pipeline of its own, not one of the cached ones other tests share
    return build_pipeline()


def _ents(doc, line_end: int) -> set[tuple[str, str]]:
    return {(e.text, e.label_) for e in doc.ents if e.end_char <= line_end}


def test_a_title_case_headline_keeps_names_and_loses_its_verbs(nlp):
    doc = nlp(ARTICLE)
    headline = _ents(doc, ARTICLE.index("\n"))
    assert ("Regina Benjamin", "PERSON") in headline
    assert not any("Nominates" in text for text, _ in headline)


def test_without_the_component_the_model_reads_the_verb_as_part_of_a_name():
    """The case the component exists for: if the model stops making this mistake, drop it."""
    bare = build_pipeline()
    bare.remove_pipe("storyweave_headlines")
    headline = _ents(bare(ARTICLE), ARTICLE.index("\n"))
    assert any("Nominates" in text for text, _ in headline)


def test_body_lines_and_sentence_case_headlines_are_left_alone(nlp):
    text = "Rebels enter the Syrian city of Hama\n\nRebels entered Hama on Thursday, the army said.\n"
    bare = build_pipeline()
    bare.remove_pipe("storyweave_headlines")
    assert [(e.text, e.label_, e.start_char) for e in nlp(text).ents] == [
        (e.text, e.label_, e.start_char) for e in bare(text).ents
    ]


def test_title_lines_are_told_from_names_and_from_paragraphs():
    assert _is_title("Lindsay Lohan Checks Into Betty Ford After Fleeing Other Rehab Facility")
    assert not _is_title("Barack Obama")  # a name alone
    assert not _is_title("Rebels enter the Syrian city of Hama")
