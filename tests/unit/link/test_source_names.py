"""One person whose name outlets write differently is one origin (``link.source_names``)."""

from __future__ import annotations

from storyweave.link.claims import align_claims
from storyweave.link.origins import OriginKey
from storyweave.link.source_names import name_variants


def _key(key: str, label: str) -> OriginKey:
    return OriginKey(key, label, "source")


def test_transliterations_and_a_bare_surname_are_one_person():
    keys = [
        _key("entity:person:heidar-alishvandi", "Heidar Alishvandi"),
        _key("source:heydar-alishbandi", "Heydar Alishbandi"),
        _key("entity:place:heydar-alishbandi", "Heydar Alishbandi"),  # the recogniser took him for a place
        _key("source:mr-alishbandi", "Mr Alishbandi"),
    ]
    variants = name_variants(keys)
    assert {k: v.key for k, v in variants.items()} == {
        "entity:person:heidar-alishvandi": "entity:person:heidar-alishvandi",
        "source:heydar-alishbandi": "entity:person:heidar-alishvandi",
        "entity:place:heydar-alishbandi": "entity:person:heidar-alishvandi",
        "source:mr-alishbandi": "entity:person:heidar-alishvandi",
    }
    assert {v.label for v in variants.values()} == {"Heidar Alishvandi"}


def test_two_people_of_one_surname_stay_two_and_leave_the_bare_surname_alone():
    keys = [
        _key("entity:person:bill-clinton", "Bill Clinton"),
        _key("entity:person:hillary-clinton", "Hillary Clinton"),
        _key("source:clinton", "Clinton"),
    ]
    assert name_variants(keys) == {}


def test_descriptions_places_and_short_surnames_are_not_names_to_merge():
    keys = [
        _key("source:officials", "officials"),
        _key("source:an-official-in-dubai", "an official in Dubai"),
        _key("entity:place:washington", "Washington"),
        _key("entity:person:george-washington", "George Washington"),
        _key("entity:person:george-bush", "George Bush"),
        _key("entity:person:george-rush", "George Rush"),  # one letter apart, but a short surname
    ]
    assert name_variants(keys) == {}


def test_a_governor_the_recogniser_took_for_a_place_is_one_origin_with_his_surname(story, group_with, outlets_of):
    # the recogniser tags "Heydar Alishbandi" a place and "Mr Alishbandi" nothing: without the
    # variants the fact read "2 outlets · 2 origins"
    groups = align_claims(story(
        ("Outlet A", "Qeshm island governor Heydar Alishbandi told AFP that a total of 10 people had been killed "
                     "and that the toll was not expected to rise."),
        ("Outlet B", "A powerful earthquake has hit southern Iran. Mr Alishbandi told the AFP news agency he was "
                     "not expecting the death toll to rise."),
    ))
    group = group_with(groups, "Mr Alishbandi")
    assert outlets_of(group) == {"Outlet A", "Outlet B"}
    assert group.independent_origins == 1 and group.status == "single-source"
    assert group.origins[0].label == "Heydar Alishbandi"
