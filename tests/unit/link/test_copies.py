"""Copied text across outlets (``link.copies``): versions of one wire story are one origin,
a single copied sentence is one origin for its fact, and independent wording stays two;
on short written articles run through the real analysis and alignment."""

from __future__ import annotations

from storyweave.link.claims import align_claims
from storyweave.link.copies import copied_pairs


WIRE = [
    "The mayor of Springfield resigned on Tuesday, a week after the release of an audit of the city's travel budget.",
    "More than $2 million had been spent on travel, dinners and a private car service over five years.",
    "The city council will choose an interim mayor at a special meeting next week.",
]


def test_two_versions_of_one_wire_story_are_one_origin_even_where_one_was_rewritten(story, group_with):
    edited = WIRE[:2] + ["Springfield's council is to pick a stand-in mayor at a special session next week."]
    independent = (
        "Springfield's mayor stepped down on Tuesday. Millions of dollars of city money went on his travel. "
        "The council is to pick a stand-in mayor at a special session next week."
    )
    groups = align_claims(story(
        ("Daily Courier", " ".join(WIRE)),
        ("Evening Post", " ".join(edited)),
        ("Metro Times", independent),
    ))
    resigned = group_with(groups, "resigned")
    assert {m.outlet for m in resigned.mentions} >= {"Daily Courier", "Evening Post"}
    wire = [o for o in resigned.origins if o.key.startswith("copy:")]
    assert len(wire) == 1 and "Daily Courier" in wire[0].label and "Evening Post" in wire[0].label
    # the wire's two versions never count as two origins, whatever else the group holds
    assert not {o.label for o in resigned.origins} & {"Daily Courier", "Evening Post"}
    # and the sentence the second version rewrote is still the wire's, not a second origin
    interim = group_with(groups, "stand-in mayor")
    assert "Evening Post" not in {o.label for o in interim.origins}


def test_one_copied_sentence_is_one_origin_for_its_fact_only(story, group_with):
    a = WIRE[1] + " Residents told reporters they were angry."
    b = WIRE[1] + " The mayor has not commented on the findings."
    groups = align_claims(story(("Daily Courier", a), ("Evening Post", b)))
    spent = group_with(groups, "private car service")
    assert {m.outlet for m in spent.mentions} == {"Daily Courier", "Evening Post"}
    assert spent.independent_origins == 1 and spent.status == "single-source"


def test_the_same_fact_in_each_outlets_own_words_stays_two_origins(story, group_with):
    groups = align_claims(story(
        ("Daily Courier", "The mayor of Springfield resigned on Tuesday, a week after the release of a damning audit."),
        ("Evening Post", "Springfield's mayor quit his post on Tuesday, days after investigators said he had spent public money on himself."),
    ))
    group = group_with(groups, "resigned")
    assert {m.outlet for m in group.mentions} == {"Daily Courier", "Evening Post"}
    assert group.independent_origins == 2 and group.status == "corroborated"


def test_quotes_and_short_sentences_are_never_copies_of_each_other(story):
    articles = story(
        ("Daily Courier", '"We will rebuild this city together, street by street and house by house," the mayor said. He was 61.'),
        ("Evening Post", '"We will rebuild this city together, street by street and house by house," the mayor said. He was 61.'),
    )
    from storyweave.link.claims.scoring import story_units

    assert copied_pairs(story_units(articles)) == set()
