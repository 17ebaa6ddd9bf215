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


def test_a_part_named_after_a_towns_possessive_lies_in_that_town(nlp):
    from storyweave.nlp.places import distance_km

    text = (
        "Flights were cancelled at Toronto's Pearson International Airport, while Ottawa's "
        "Macdonald-Cartier International Airport had 41 delays."
    )
    places = _places(nlp, text)
    pearson = _at(places, text, "Pearson")  # not Pearson, Georgia
    assert pearson.level == "facility-in-town" and distance_km(pearson.lat, pearson.lon, 43.7, -79.4) < 30
    assert _at(places, text, "Macdonald").country_code == "CA"
    # a namesake far from the owner is not the part, here and at the part's other mentions
    text = "Crews work out of London's Heathrow, one of the busiest hubs. Delays hit Heathrow again."
    for nth in (0, 1):
        heathrow = _at(_places(nlp, text), text, "Heathrow", nth)
        assert heathrow.country_code == "GB"  # not Heathrow, Florida
    text = "The blast hit a church in Cairo's Abbasiya neighbourhood."
    assert _at(_places(nlp, text), text, "Abbasiya").country_code == "EG"


def test_a_wider_or_bigger_place_after_a_possessive_is_no_part(nlp):
    text = "Just 21 per cent of Toronto's Ontario health-card holders are organ donors."
    assert _at(_places(nlp, text), text, "Ontario").kind == "admin1"


def test_the_named_state_or_country_is_the_one_that_holds_the_town(nlp):
    # "Georgia" is a country and a US state: after "Atlanta" it is the state, after "Tbilisi" the country
    text = "The properties are in Indianapolis, Indiana and Atlanta, Georgia."
    atlanta = _at(_places(nlp, text), text, "Atlanta")
    assert (atlanta.country_code, atlanta.name) == ("US", "Atlanta") and atlanta.population > 400_000
    text = "He flew to Tbilisi, Georgia."
    assert _at(_places(nlp, text), text, "Georgia").country_code == "GE"


def test_a_name_the_model_cut_short_is_read_whole(nlp):
    text = "About 30 homes in the Peace River Valley area near Fort St. John will be affected."
    place = _at(_places(nlp, text), text, "Fort")
    assert (place.name, place.country_code) == ("Fort St. John", "CA")  # not "Fort", an alternate name of Augusta
    text = "The defendant, 52, of Gun Barrel City, was found guilty."
    assert _at(_places(nlp, text), text, "Gun").name == "Gun Barrel City"
    # but not into an alternate name: "St. James" is one of Vung Tau's
    text = "Cleaver is a co-pastor of St. James United Methodist Church, where the service was held."
    place = _at(_places(nlp, text), text, "James")
    assert place is None or place.country_code != "VN"


def test_breakaway_territories_are_places(nlp):
    text = "Tensions escalated in breakaway South Ossetia, and talks on Kashmir stalled."
    places = _places(nlp, text)
    assert _at(places, text, "South Ossetia").country_code == "GE"
    assert _at(places, text, "Kashmir").kind == "region"  # not Cashmere, Washington


def test_a_towns_short_form_is_its_name(nlp):
    # GeoNames lists "Newcastle" as an alternate name of Newcastle upon Tyne; a village of
    # Northern Ireland has it as its own
    text = "Doctors in Newcastle developed the treatment, the NHS in England said."
    place = _at(_places(nlp, text), text, "Newcastle")
    assert (place.name, place.country_code) == ("Newcastle upon Tyne", "GB")
    # but a state's own name is no short form of its city's (New York City)
    text = "The former New York Gov. Mario Cuomo died on Thursday."
    assert _at(_places(nlp, text), text, "New York").kind == "admin1"


def test_a_states_dotted_initials_opening_an_organisation_name_the_state(nlp):
    text = "said John Nichols, past president of the S.C. Trial Lawyers Association."
    assert _at(_places(nlp, text), text, "S.C.").name == "South Carolina"
    text = "Agencies such as the N.J. Division of Alcoholic Beverage Control disagreed."
    assert _at(_places(nlp, text), text, "N.J.").name == "New Jersey"
