"""Paragraph breaks start sentences before the parser runs (storyweave.nlp.paragraphs)."""

from __future__ import annotations

from storyweave.nlp.pipeline import load_base


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
    from storyweave.nlp.pipeline import load_analyzer

    names = load_analyzer().pipe_names
    assert names.index("storyweave_paragraphs") < names.index("parser")


def test_an_endless_line_is_cut_into_sentences_a_parse_can_walk():
    # one line of 3,000 words and no full stop: the parser would make it one sentence, and the
    # components that walk a sentence's tree would take time growing with its square
    from storyweave.nlp.paragraphs import MAX_SENTENCE_TOKENS
    from storyweave.nlp.pipeline import load_analyzer

    nlp = load_analyzer()
    doc = nlp(" ".join(["rebels entered the city, and the army withdrew"] * 375))
    assert max(len(s) for s in doc.sents) <= MAX_SENTENCE_TOKENS + 50


def test_the_analysis_takes_the_texts_ingest_takes():
    from storyweave.config import MAX_TEXT_CHARS
    from storyweave.nlp.pipeline import load_analyzer

    assert load_analyzer().max_length == MAX_TEXT_CHARS


def test_a_short_title_before_a_name_ends_no_sentence():
    # the small parser ends a sentence at "Lt." and at "Sgt." ("Lt" and "." are two tokens)
    text = ("Officers found a gun in the vehicle, Troy police Lt. Robert J. Pickell said. "
            "The suspect fled, said Sgt. Mourad Mourad of the 67th Precinct.")
    assert _sentences(text) == [
        "Officers found a gun in the vehicle, Troy police Lt. Robert J. Pickell said.",
        "The suspect fled, said Sgt. Mourad Mourad of the 67th Precinct.",
    ]
