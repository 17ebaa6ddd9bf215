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
