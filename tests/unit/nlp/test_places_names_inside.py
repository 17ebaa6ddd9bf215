"""The places component on names inside other names and on a place's parts (hand-written texts)."""

from __future__ import annotations




def test_a_two_word_organisation_with_a_country_or_state_names_it(places_nlp, places_in, place_at):
    # the small model tags these ORG; two capitalised words read like a person's name, but no
    # person is called "Environment Canada" or "Education Minnesota"
    text = "Snow will descend on Toronto Saturday night, Environment Canada warns."
    assert place_at(places_in(places_nlp, text), text, "Canada").kind == "country"
    text = "Tom Dooher, president of Education Minnesota, was not happy with the Senate."
    assert place_at(places_in(places_nlp, text), text, "Minnesota").name == "Minnesota"
    # but not a town named like a family name, nor a common word that is a division somewhere
    text = "Wells Fargo said so. LE Central formed Lakes Edge Apartments, LLC."
    places = places_in(places_nlp, text)
    assert place_at(places, text, "Fargo") is None and place_at(places, text, "Lakes") is None


def test_a_part_named_after_a_towns_possessive_lies_in_that_town(places_nlp, places_in, place_at):
    from storyweave.nlp.places import distance_km

    text = (
        "Flights were cancelled at Toronto's Pearson International Airport, while Ottawa's "
        "Macdonald-Cartier International Airport had 41 delays."
    )
    places = places_in(places_nlp, text)
    pearson = place_at(places, text, "Pearson")  # not Pearson, Georgia
    assert pearson.level == "facility-in-town" and distance_km(pearson.lat, pearson.lon, 43.7, -79.4) < 30
    assert place_at(places, text, "Macdonald").country_code == "CA"
    # a namesake far from the owner is not the part, here and at the part's other mentions
    text = "Crews work out of London's Heathrow, one of the busiest hubs. Delays hit Heathrow again."
    for nth in (0, 1):
        heathrow = place_at(places_in(places_nlp, text), text, "Heathrow", nth)
        assert heathrow.country_code == "GB"  # not Heathrow, Florida
    text = "The blast hit a church in Cairo's Abbasiya neighbourhood."
    assert place_at(places_in(places_nlp, text), text, "Abbasiya").country_code == "EG"


def test_a_wider_or_bigger_place_after_a_possessive_is_no_part(places_nlp, places_in, place_at):
    text = "Just 21 per cent of Toronto's Ontario health-card holders are organ donors."
    assert place_at(places_in(places_nlp, text), text, "Ontario").kind == "admin1"


def test_the_named_state_or_country_is_the_one_that_holds_the_town(places_nlp, places_in, place_at):
    # "Georgia" is a country and a US state: after "Atlanta" it is the state, after "Tbilisi" the country
    text = "The properties are in Indianapolis, Indiana and Atlanta, Georgia."
    atlanta = place_at(places_in(places_nlp, text), text, "Atlanta")
    assert (atlanta.country_code, atlanta.name) == ("US", "Atlanta") and atlanta.population > 400_000
    text = "He flew to Tbilisi, Georgia."
    assert place_at(places_in(places_nlp, text), text, "Georgia").country_code == "GE"


def test_a_name_the_model_cut_short_is_read_whole(places_nlp, places_in, place_at):
    text = "About 30 homes in the Peace River Valley area near Fort St. John will be affected."
    place = place_at(places_in(places_nlp, text), text, "Fort")
    assert (place.name, place.country_code) == ("Fort St. John", "CA")  # not "Fort", an alternate name of Augusta
    text = "The defendant, 52, of Gun Barrel City, was found guilty."
    assert place_at(places_in(places_nlp, text), text, "Gun").name == "Gun Barrel City"
    # but not into an alternate name: "St. James" is one of Vung Tau's
    text = "Cleaver is a co-pastor of St. James United Methodist Church, where the service was held."
    place = place_at(places_in(places_nlp, text), text, "James")
    assert place is None or place.country_code != "VN"


def test_breakaway_territories_are_places(places_nlp, places_in, place_at):
    text = "Tensions escalated in breakaway South Ossetia, and talks on Kashmir stalled."
    places = places_in(places_nlp, text)
    assert place_at(places, text, "South Ossetia").country_code == "GE"
    assert place_at(places, text, "Kashmir").kind == "region"  # not Cashmere, Washington


def test_a_towns_short_form_is_its_name(places_nlp, places_in, place_at):
    # GeoNames lists "Newcastle" as an alternate name of Newcastle upon Tyne; a village of
    # Northern Ireland has it as its own
    text = "Doctors in Newcastle developed the treatment, the NHS in England said."
    place = place_at(places_in(places_nlp, text), text, "Newcastle")
    assert (place.name, place.country_code) == ("Newcastle upon Tyne", "GB")
    # but a state's own name is no short form of its city's (New York City)
    text = "The former New York Gov. Mario Cuomo died on Thursday."
    assert place_at(places_in(places_nlp, text), text, "New York").kind == "admin1"


def test_a_states_dotted_initials_opening_an_organisation_name_the_state(places_nlp, places_in, place_at):
    text = "said John Nichols, past president of the S.C. Trial Lawyers Association."
    assert place_at(places_in(places_nlp, text), text, "S.C.").name == "South Carolina"
    text = "Agencies such as the N.J. Division of Alcoholic Beverage Control disagreed."
    assert place_at(places_in(places_nlp, text), text, "N.J.").name == "New Jersey"


def test_a_compass_word_and_a_state_open_an_organisations_name(places_nlp, places_in, place_at):
    text = "Northern Illinois University students will clean up the park on Saturday."
    assert place_at(places_in(places_nlp, text), text, "Illinois").kind == "admin1"
    text = "Metro Vancouver already banned the disposal of pharmaceuticals in landfills."
    assert place_at(places_in(places_nlp, text), text, "Vancouver").country_code == "CA"
    # a state named with its compass word is that state; a firm named after a town is no place
    text = "The grant came from the West Virginia Division of Highways. Shares of Western Union fell."
    places = places_in(places_nlp, text)
    assert place_at(places, text, "West Virginia").name == "West Virginia"
    assert place_at(places, text, "Union") is None


def test_an_emergency_service_or_a_committee_is_named_after_its_town(places_nlp, places_in, place_at):
    from storyweave.nlp.places import distance_km

    text = "Casey Godlewski, chief of Grand Ledge Emergency Services, said the woman had fallen 20 feet."
    town = place_at(places_in(places_nlp, text), text, "Grand Ledge")
    assert distance_km(town.lat, town.lon, 42.75, -84.75) < 10  # Grand Ledge, Michigan
