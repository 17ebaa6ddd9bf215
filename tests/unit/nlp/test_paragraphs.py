"""Paragraph breaks start sentences before the parser runs (storyweave.nlp.paragraphs)."""

from __future__ import annotations

from storyweave.nlp.loader import load_base


def _sentences(text: str) -> list[str]:
    return [s.text.strip() for s in load_base()(text).sents if s.text.strip()]


def test_headline_dateline_and_lead_are_three_sentences():
    text = ("Apple executive leaves company after iPhone 4 antenna issues\nAugust 9, 2010\n"
            "Mark Papermaster, formerly an Apple executive, has left the company.")
    assert _sentences(text) == [
        "Apple executive leaves company after iPhone 4 antenna issues",
        "August 9, 2010",
        "Mark Papermaster, formerly an Apple executive, has left the company.",
    ]


def test_paragraphs_and_quoted_paragraphs_open_sentences():
    text = ("Rebels have full control of Hama\n\n“We will not stop,” the commander said\n\n"
            "The army withdrew.")
    assert _sentences(text) == [
        "Rebels have full control of Hama", "“We will not stop,” the commander said", "The army withdrew.",
    ]


def test_a_line_opening_in_lower_case_continues_a_hard_wrapped_sentence():
    text = "The Syrian army said it was redeploying its forces outside the city\nto preserve civilian lives."
    assert len(list(load_base()(text).sents)) == 1


def test_the_analysis_pipeline_marks_paragraphs_before_parsing():
    from storyweave.nlp.analysis import load_analyzer

    names = load_analyzer().pipe_names
    assert names.index("storyweave_paragraphs") < names.index("parser")
