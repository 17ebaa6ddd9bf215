"""A source named by role in one outlet and by name in another is one origin
(``link.speaker_roles``), on short written articles through the real analysis and alignment."""

from __future__ import annotations

from storyweave.link.claims import align_claims
from storyweave.link.speaker_roles import role_of



def test_a_role_one_named_speaker_carries_is_that_speaker_in_other_outlets(story, group_with):
    groups = align_claims(story(
        ("Daily Courier", "The coroner said he believes LaRue died on Saturday of natural causes at the hotel in Biloxi."),
        ("Evening Post", "Coroner Gary Hargrove said he believes that Mr. LaRue died on Saturday at a Biloxi hotel."),
        published="2004-07-28",
    ))
    group = group_with(groups, "died on Saturday")
    assert {m.outlet for m in group.mentions} == {"Daily Courier", "Evening Post"}
    assert [o.label for o in group.origins] == ["Gary Hargrove"] and group.status == "single-source"


def test_a_role_two_named_speakers_carry_names_neither(story, group_with):
    groups = align_claims(story(
        ("Daily Courier", "The spokesman said visitors would not be let into the prison before Monday."),
        ("Evening Post", "Spokesman Al Quintero said the prison would stay closed to visitors until Monday. "
                         "Spokesman Mike Truman said the inmates were calm."),
        published="2004-07-28",
    ))
    group = group_with(groups, "closed to visitors")
    assert {m.outlet for m in group.mentions} == {"Daily Courier", "Evening Post"}, [g.text for g in groups]
    assert {o.label for o in group.origins} == {"spokesman", "Al Quintero"}


def test_role_of_reads_only_a_bare_role():
    assert role_of("the coroner") == "coroner"
    assert role_of("a prison spokesman") == "spokesman"
    assert role_of("Coroner Gary Hargrove") is None
    assert role_of("a spokesman for the Texas prison system") is None
    assert role_of("officials") == "officials"
