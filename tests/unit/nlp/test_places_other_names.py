"""The places component on words that a town shares with a person, a team, an institution or a
road: found on real news, where the small model and the gazetteer both said "town" and the map
showed Nixon, Texas, Saints in France and the Mafia in Côte d'Ivoire (hand-written texts)."""

from __future__ import annotations

from storyweave.nlp.places import distance_km


def test_a_team_or_an_institution_after_the_is_no_town(places_nlp, places_in, place_at):
    # Saints (France), Angels Camp (California) and Little River-Academy (Texas) are towns
    text = (
        "New Orleans lost again on Sunday. Pierre Thomas missed 10 of the Saints' 16 games, "
        "and the Angels withdrew their offer. The Academy has asked her to host again."
    )
    places = places_in(places_nlp, text)
    assert place_at(places, text, "New Orleans").country_code == "US"
    for word in ("Saints", "Angels", "Academy"):
        assert place_at(places, text, word) is None, word


def test_the_article_before_a_town_still_names_a_borough_after_a_locative(places_nlp, places_in, place_at):
    text = "He grew up in the Bronx and moved to Queens."
    assert place_at(places_in(places_nlp, text), text, "Bronx").country_code == "US"


def test_a_word_of_a_persons_full_name_is_that_person(places_nlp, places_in, place_at):
    text = (
        "Zurana Horton was shot from a Brownsville rooftop in 2011. Horton, 34, was walking with "
        "one of her children when the shots rang out."
    )
    places = places_in(places_nlp, text)
    assert place_at(places, text, "Horton", 1) is None  # not Horton, Alabama
    text = "Gunman Paul Riva fired twice. LaCalamita then fired at Riva's door and fled."
    assert place_at(places_in(places_nlp, text), text, "Riva", 1) is None  # not Riva, Maryland


def test_the_town_a_name_runs_on_from_is_no_town_of_its_own(places_nlp, places_in, place_at):
    text = "Pupils at Matthew Arnold School in Botley won a share of the prize."
    assert place_at(places_in(places_nlp, text), text, "Arnold") is None  # not Arnold, Nottinghamshire
    # but a town that names an institution after it is named whatever words follow it
    text = "The Zionsville Education Foundation gave $40,000 to schools in Boone County, Indiana."
    zionsville = place_at(places_in(places_nlp, text), text, "Zionsville")
    assert zionsville is not None and zionsville.country_code == "US"


def test_a_locative_governs_the_noun_a_name_modifies(places_nlp, places_in, place_at):
    text = (
        "Vincent Gigante, who oversaw a group of Mafia gangsters, died in prison. Law-enforcement "
        "agents and Mafia defectors described his behaviour as a sham."
    )
    places = places_in(places_nlp, text)
    assert place_at(places, text, "Mafia", 0) is None and place_at(places, text, "Mafia", 1) is None


def test_a_road_is_placed_in_its_town_not_at_the_town_it_is_named_after(places_nlp, places_in, place_at):
    text = "Police found shell casings on the roof of a Pitkin Avenue apartment in Brooklyn on Friday."
    street = place_at(places_in(places_nlp, text), text, "Pitkin")
    assert street is None or (
        street.level == "facility-in-town" and distance_km(street.lat, street.lon, 40.65, -73.95) < 30
    )  # never Pitkin, Louisiana


def test_a_river_a_lake_or_a_park_is_placed_in_its_town_not_at_the_town_it_is_named_after(
    places_nlp, places_in, place_at
):
    # the model tags the whole feature LOC; the gazetteer knows only the name before its word
    text = "Volunteers pulled tyres from the James River in Richmond on Saturday."
    river = place_at(places_in(places_nlp, text), text, "James")
    assert river.level == "facility-in-town" and distance_km(river.lat, river.lon, 37.54, -77.44) < 30  # not Gray, Georgia
    text = "Two anglers drowned at Kiser Lake near Urbana, Ohio, on Sunday."
    lake = place_at(places_in(places_nlp, text), text, "Kiser")
    assert lake.level == "facility-in-town" and distance_km(lake.lat, lake.lon, 40.11, -83.75) < 30  # not Keyser, W.Va.
    text = "The man was found in the Roanoke Park area of Kansas City."
    park = place_at(places_in(places_nlp, text), text, "Roanoke")
    assert park.level == "facility-in-town" and distance_km(park.lat, park.lon, 39.1, -94.58) < 30  # not Roanoke, Va.


def test_a_name_after_lake_or_mount_is_the_features_not_the_state(places_nlp, places_in, place_at):
    text = "The county road near Lake Vermont is closed because of high water."
    assert place_at(places_in(places_nlp, text), text, "Vermont") is None  # no lake in the state of Vermont


def test_a_title_a_common_word_and_an_event_are_no_towns(places_nlp, places_in, place_at):
    text = (
        "Officer Jovaniel Cordova opened fire in Los Angeles. Charles fumbled in the red zone. "
        "She hosted three weeks after Hurricane Katrina, in Hollywood."
    )
    places = places_in(places_nlp, text)
    assert place_at(places, text, "Officer") is None  # Officer, Victoria
    assert place_at(places, text, "red") is None  # Red, India
    assert place_at(places, text, "Hurricane") is None  # Hurricane, Utah
    assert place_at(places, text, "Los Angeles").country_code == "US"


def test_a_facility_after_a_persons_title_is_that_person(places_nlp, places_in, place_at):
    text = "Qeshm island governor Heydar Alishbandi told AFP that ten people died in Qeshm."
    places = places_in(places_nlp, text)
    assert place_at(places, text, "Heydar") is None


def test_an_office_named_after_a_county_is_no_place_but_the_county_is():
    # the whole analysis: the entity "Genesee County Undersheriff" is an office; the map shows
    # Genesee County under its own name, not the office at the county's point
    from storyweave.nlp.analysis import AnalysisInput, analyze_texts

    text = "Deputies chased him for 15 minutes, Genesee County Undersheriff James Gage said."
    (analysis,) = analyze_texts([AnalysisInput("gage", text, None)])
    placed = {e.name: e for e in analysis.entities if e.lat is not None}
    assert "Genesee County Undersheriff" not in placed
    assert placed["Genesee County"].level == "admin2"
