"""The places component on what the article around a name says of it (hand-written texts)."""

from __future__ import annotations

from storyweave.nlp.places import distance_km


def test_a_small_town_beside_a_placed_town_is_that_town(places_nlp, places_in, place_at):
    # the model tags "Byesville" nothing and the matcher does not look for towns that small;
    # Byesville, Ohio, lies 8 km from the Cambridge the article places
    text = (
        "A house in Cambridge, Ohio, burned on Sunday. A spokesperson for the Byesville "
        "Volunteer Fire Department said the cause may be electrical."
    )
    town = place_at(places_in(places_nlp, text), text, "Byesville")
    assert town.country_code == "US" and distance_km(town.lat, town.lon, 39.97, -81.54) < 10
    text = "Brentford ward councillor Ruth Cadbury said complaints had rocketed in Hounslow."
    places = places_in(places_nlp, text)
    assert place_at(places, text, "Brentford").country_code == "GB"
    assert place_at(places, text, "Cadbury") is None  # a word of a person's full name


def test_a_name_in_two_forms_is_no_context_for_itself(places_nlp, places_in, place_at):
    # "Dublin City" (Council) and "Dublin" both read Dublin, Ireland, first: each must not
    # lift the other's Irish reading over what the rest of the article says (Ohio)
    text = (
        "The Dublin City Council voted on Monday to repave Darby Street. Dublin officials said "
        "Hilliard and Worthington would share the cost."
    )
    dublin = place_at(places_in(places_nlp, text), text, "Dublin", 1)
    assert (dublin.country_code, dublin.name) == ("US", "Dublin")
    # Ireland's county "Dublin City" is no town called so: the council is Dublin's
    places = places_in(places_nlp, text)
    assert [p.text for p in places if p.start_char < 20] == ["Dublin"]


def test_a_state_named_after_a_town_and_its_state_has_its_own_country(places_nlp, places_in, place_at):
    text = "Officials in Dublin, Hilliard and Cuyahoga Falls hired a design firm of Toronto, Ontario, Canada."
    ontario = place_at(places_in(places_nlp, text), text, "Ontario")
    assert (ontario.country_code, ontario.kind) == ("CA", "admin1")  # not Ontario, Ohio


def test_city_before_an_institutions_word_is_the_institutions(places_nlp, places_in, place_at):
    text = "San Fernando City Councilwoman Nury Martinez defeated Louis Pugliese in the Los Angeles race."
    places = places_in(places_nlp, text)
    assert place_at(places, text, "San Fernando").country_code == "US"  # not San Fernando City, Philippines
    assert place_at(places, text, "Los Angeles").country_code == "US"
    text = "Hotels in Quebec City and Montreal were full."
    assert place_at(places_in(places_nlp, text), text, "Quebec").name == "Québec"  # the city's own short name


def test_an_institution_named_after_a_city_called_x_city_names_the_city(places_nlp, places_in, place_at):
    # "City" is an institution's word ("Paris City Council"), but Kansas City has the longer
    # name as its own: the utility is named after the city, not the state
    text = "Kansas City Power & Light was reporting 2,300 customers without power on Monday."
    city = place_at(places_in(places_nlp, text), text, "Kansas")
    assert city is not None and (city.kind, city.name) == ("city", "Kansas City")


def _two_names(mute: bool):
    from collections import Counter

    from storyweave.nlp.gazetteer import GazEntry
    from storyweave.nlp.places.context import _Context, _Name

    torrington = [(GazEntry(1, "Torrington", 41.8, -73.1, "US", "city", 35000, "CT"), False),
                  (GazEntry(2, "Great Torrington", 50.95, -4.14, "GB", "city", 5000, "ENG"), True)]
    bingham = [(GazEntry(3, "Bingham", 52.95, -0.95, "GB", "city", 9000, "ENG"), False)]
    names = [_Name(torrington, None, None, probs=[0.5, 0.5], fixed=[5.0, 1.6]),
             _Name(bingham, None, None, probs=[1.0], fixed=[4.0], mute=mute)]
    return names, _Context(names, Counter())


def test_a_word_of_a_persons_name_takes_context_but_gives_none():
    # "Bingham" after "Mayor Ryan Bingham" may be the mayor: it must not carry the article to
    # England, where its only reading lies, and Torrington with it (Great Torrington, Devon)
    names, context = _two_names(mute=True)
    assert context.country_mass(names[0], "GB") == 0.0
    assert context.support(names[0], names[0].entries[1][0]) == 0.0
    assert context.support(names[1], names[1].entries[0][0]) > 0.0  # it still takes context
    names, context = _two_names(mute=False)
    assert context.country_mass(names[0], "GB") == 1.0


def test_a_nation_of_the_uk_lends_no_state_support_on_top_of_its_country():
    # England is GB's first-level division: the mass on it is the mass on the country, which
    # the country term already counts (a WASHINGTON dateline on a story about Britain)
    from collections import Counter

    from storyweave.nlp.gazetteer import GazEntry
    from storyweave.nlp.places.context import COUNTRY_WEIGHT, STATE_WEIGHT, _Context, _Name

    washington = [(GazEntry(1, "Washington", 38.9, -77.0, "US", "city", 600000, "DC"), False),
                  (GazEntry(2, "Washington", 54.9, -1.5, "GB", "city", 53000, "ENG"), False)]
    england = [(GazEntry(3, "England", 52.2, -0.7, "GB", "admin1", 0, "ENG"), False)]
    texas = [(GazEntry(4, "Texas", 31.3, -99.3, "US", "admin1", 0, "TX"), False)]
    austin = [(GazEntry(5, "Austin", 30.3, -97.7, "US", "city", 900000, "TX"), False),
              (GazEntry(6, "Austin", 43.7, -93.0, "US", "city", 25000, "MN"), False)]
    names = [_Name(washington, None, None, probs=[0.5, 0.5], fixed=[9.0, 5.0]),
             _Name(england, None, None, probs=[1.0], fixed=[8.0])]
    context = _Context(names, Counter())
    assert context.support(names[0], washington[1][0]) == COUNTRY_WEIGHT  # no state term
    # a state of a federation still lends it
    names = [_Name(austin, None, None, probs=[0.5, 0.5], fixed=[6.0, 4.4]),
             _Name(texas, None, None, probs=[1.0], fixed=[8.0])]
    context = _Context(names, Counter())
    assert context.support(names[0], austin[0][0]) == COUNTRY_WEIGHT + STATE_WEIGHT


def test_a_town_before_a_word_for_its_residents_is_where_they_live(places_nlp, places_in, place_at):
    # the model tags "Hamilton" an organisation here; "the two Hamilton women" are from a town
    text = "Police said the two Hamilton women found dead on Sunday had died hours apart."
    town = place_at(places_in(places_nlp, text), text, "Hamilton")
    assert town is not None and town.kind == "city"


def test_a_headline_opening_with_a_town_before_its_residents_names_the_town(places_nlp, places_in, place_at):
    # no determiner before the name: it opens the headline, or follows the headline's colon
    for text, name in (
        ("Clinton couple faces multiple drug counts. A town couple was arrested on Friday.", "Clinton"),
        ("Coroner: Hamilton women died hours apart; causes still unknown.", "Hamilton"),
    ):
        town = place_at(places_in(places_nlp, text), text, name)
        assert town is not None and town.kind == "city", text
