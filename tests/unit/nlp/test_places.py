"""The storyweave_places component on hand-written texts and on the seed articles."""

from __future__ import annotations

from pathlib import Path

import pytest
from spacy.tokens import Doc

from storyweave.nlp.places import Place, distance_km


def test_place_records_are_geocoded(places_nlp, places_in, place_at):
    text = "Rebels entered Aleppo on Friday."
    place = place_at(places_in(places_nlp, text), text, "Aleppo")
    assert place is not None and place.country_code == "SY" and place.kind == "city"
    assert text[place.start_char : place.end_char] == "Aleppo"
    assert distance_km(place.lat, place.lon, 36.20, 37.16) < 20


def test_person_named_paris_is_not_a_place(places_nlp, places_in, place_at):
    text = "Paris Hilton said she loves Paris. Paris said so again on Monday."
    places = places_in(places_nlp, text)
    assert place_at(places, text, "Paris", 0) is None  # Paris Hilton
    assert place_at(places, text, "Paris", 2) is None  # "Paris said", after Paris Hilton


def test_titles_make_a_person(places_nlp, places_in, place_at):
    text = "Mr. Jordan met officials in Amman."
    places = places_in(places_nlp, text)
    assert place_at(places, text, "Jordan") is None
    assert place_at(places, text, "Amman").country_code == "JO"


def test_admin_context_paris_texas(places_nlp, places_in, place_at):
    text = "She moved to Paris, Texas, last year."
    places = places_in(places_nlp, text)
    paris = place_at(places, text, "Paris")
    assert (paris.country_code, paris.kind) == ("US", "city")
    assert distance_km(paris.lat, paris.lon, 33.66, -95.56) < 30
    assert place_at(places, text, "Texas").kind == "admin1"


def test_state_abbreviations(places_nlp, places_in, place_at):
    text = "He lives in Charleston, W.Va., and works in Columbia, S.C. today."
    places = places_in(places_nlp, text)
    assert place_at(places, text, "W.Va").name == "West Virginia"
    assert place_at(places, text, "Charleston").country_code == "US"
    assert place_at(places, text, "S.C.").name == "South Carolina"


def test_georgia_the_state_by_context(places_nlp, places_in, place_at):
    text = "Protesters in Georgia marched in Atlanta and Savannah."
    georgia = place_at(places_in(places_nlp, text), text, "Georgia")
    assert (georgia.country_code, georgia.kind) == ("US", "admin1")


def test_georgia_the_country_by_context(places_nlp, places_in, place_at):
    text = "Georgia and Russia fought over South Ossetia near Tbilisi."
    georgia = place_at(places_in(places_nlp, text), text, "Georgia")
    assert (georgia.country_code, georgia.kind) == ("GE", "country")


def test_demonyms_link_to_country_but_are_marked(places_nlp):
    doc = places_nlp("Syrian troops and Iraqi militias withdrew.")
    demonyms = {p.text: p.country_code for p in doc._.places if p.source == "demonym"}
    assert demonyms == {"Syrian": "SY", "Iraqi": "IQ"}


def test_acronym_org_is_relabelled_and_not_a_place(places_nlp):
    doc = places_nlp("HTS fighters entered Hama after a short battle.")
    labels = {e.text: e.label_ for e in doc.ents}
    assert labels.get("HTS", "ORG") == "ORG"
    assert labels.get("Hama") == "GPE"
    assert [p.text for p in doc._.places if p.source != "demonym"] == ["Hama"]


def test_the_eu_is_the_european_union_whatever_the_model_tags_it(places_nlp, places_in, place_at):
    # the model tags "EU" an organisation; GeoNames has the union as a region (at Brussels),
    # and geoparsing corpora count it as a toponym (its role says when it stands for the bloc)
    text = "The EU and Syria are engaged in a tug-of-war over an arms ship."
    union = place_at(places_in(places_nlp, text), text, "EU")
    assert union is not None and (union.name, union.kind) == ("European Union", "region")


def test_organisation_holding_a_toponym_stays_an_organisation(places_nlp, places_in, place_at):
    text = "The U.S. Fish and Wildlife Service said on Monday that Congress must act."
    doc = places_nlp(text)
    labels = {e.text: e.label_ for e in doc.ents}
    assert labels.get("The U.S. Fish and Wildlife Service") == "ORG"
    assert [p.text for p in doc._.places if p.source != "demonym"] == ["U.S."]
    assert place_at(doc._.places, text, "Congress") is None  # a town in Arizona, but here the legislature
    text = "The rules were weakened in the final days of the Bush administration."
    assert places_in(places_nlp, text) == []  # Būsh, Egypt (136,000 people) only with "Bush, Egypt"


def test_town_named_like_a_common_word_needs_its_state_or_a_bare_locative(places_nlp, places_in, place_at):
    text = "He moved to Commerce, Texas, then sailed into the Pacific and on to Mobile."
    places = places_in(places_nlp, text)
    assert place_at(places, text, "Commerce").country_code == "US"
    assert place_at(places, text, "Pacific") is None  # the ocean, not Pacific, Washington
    assert place_at(places, text, "Mobile").population >= 100_000



def test_word_for_a_faith_a_party_or_the_games_is_not_a_place(places_nlp, places_in, place_at):
    # the small model tags these GPE; each is a town or a division somewhere (Arab, Alabama;
    # Sumiton, Alabama, once "Democrat"; the Jewish Autonomous Oblast)
    text = (
        "Nazarian was born into a Jewish family. The third Democrat to enter the race spoke "
        "about the Arab-Israeli conflict and the Olympic venues."
    )
    places = places_in(places_nlp, text)
    for word in ("Jewish", "Democrat", "Arab", "Olympic"):
        assert place_at(places, text, word) is None, word


def test_common_word_inside_an_organisation_is_not_a_place(places_nlp, places_in, place_at):
    text = (
        "The Old Town Civic Association met at Handley Middle School. Metro officials said the "
        "Superior Court would hear the case near Northwest Eighth Avenue."
    )
    places = places_in(places_nlp, text)
    for word in ("Town", "Middle", "Superior", "Northwest"):
        place = place_at(places, text, word)
        # a street may still be placed at a town of its article, as a facility; never as a town
        assert place is None or place.kind == "facility", word


def test_division_named_like_a_common_word_still_found_with_its_country(places_nlp, places_in, place_at):
    text = "Floods hit Birobidzhan, the capital of the Jewish Autonomous Oblast, and Green, Ohio."
    places = places_in(places_nlp, text)
    assert place_at(places, text, "Green").country_code == "US"  # its state named: the town


SEED_PLACES = {
    "Hama": "SY", "Homs": "SY", "Aleppo": "SY", "Damascus": "SY", "Idlib": "SY",
    "Latakia": "SY", "Kilis": "TR", "Salamiya": "SY", "Muhrada": "SY",
}
SEED_NON_PLACES = ["Julani", "Assad", "Ramani", "Serdar", "Peskov", "HTS", "Lister", "RUSI", "Hezbollah"]


@pytest.fixture(scope="module")
def seed_places(places_nlp, seeds_dir: Path) -> list[Place]:
    places = []
    for path in sorted(seeds_dir.glob("*.txt")):
        places.extend(places_nlp(path.read_text(encoding="utf-8"))._.places)
    return places


@pytest.mark.parametrize(("name", "country"), sorted(SEED_PLACES.items()))
def test_seed_places_are_on_the_map_in_the_right_country(seed_places, name, country):
    found = [p for p in seed_places if p.text == name and p.source != "demonym"]
    assert found, f"{name} not found"
    assert {p.country_code for p in found} == {country}
    assert all(p.lat and p.lon for p in found)


def test_seed_non_places_are_not_on_the_map(seed_places):
    texts = {p.text for p in seed_places}
    assert not texts & set(SEED_NON_PLACES)


def test_seed_type_corrections(places_nlp, seeds_dir: Path):
    doc = places_nlp((seeds_dir / "000_186d926eac2fcf62.txt").read_text(encoding="utf-8"))
    labels = {}
    for ent in doc.ents:
        labels.setdefault(ent.text, set()).add(ent.label_)
    for name in ("Hama", "Aleppo", "Salamiya"):
        assert labels[name] <= {"GPE", "LOC"}, (name, labels[name])


def test_town_and_county_settle_on_the_state_the_article_supports(places_nlp, places_in, place_at):
    text = (
        "The Walker County Fair opened in Huntsville on Friday. "
        "Visitors drove up from Houston and Conroe for the rodeo."
    )
    places = places_in(places_nlp, text)
    huntsville = place_at(places, text, "Huntsville")
    assert (huntsville.country_code, huntsville.kind) == ("US", "city")
    assert distance_km(huntsville.lat, huntsville.lon, 30.72, -95.55) < 30  # Huntsville, Texas


def test_one_sense_per_discourse_carries_the_dateline_state(places_nlp, places_in, place_at):
    text = "MANSFIELD, Ohio -- The city council met on Monday. Mansfield police said the road was closed."
    places = places_in(places_nlp, text)
    later = place_at(places, text, "Mansfield")
    assert later is not None and later.country_code == "US"
    assert distance_km(later.lat, later.lon, 40.76, -82.52) < 30  # Mansfield, Ohio


def test_province_without_population_is_not_outweighed_by_a_small_town(places_nlp, places_in, place_at):
    text = "Wildfires spread across northern Ontario this week."
    ontario = place_at(places_in(places_nlp, text), text, "Ontario")
    assert (ontario.country_code, ontario.kind) == ("CA", "admin1")


def test_name_matcher_keeps_a_leading_the_and_does_not_fold_small_names(places_nlp):
    matcher = places_nlp.get_pipe("storyweave_places").matcher
    doc = Doc(places_nlp.vocab, words=["The", "Colony", "and", "Colony", "Bank", "and", "Sao", "Paulo"])
    found = {(s.text, s.label_) for s in matcher(doc)}
    assert ("The Colony", "PLACE") in found
    assert not {"Colony", "Bank"} & {text for text, _ in found}  # "Bank": Bānk, India, is small
    assert ("Sao Paulo", "PLACE") in found  # São Paulo: a big city, accents folded


def test_a_word_tagged_a_place_elsewhere_is_not_a_person_for_being_in_an_org_name(places_nlp):
    # a hand-built doc, tagged as the small model tags local news: "Fargo" ORG after "Wells Fargo"
    words = ["Wells", "Fargo", "cut", "jobs", "in", "Fargo", ".", "Fargo", "officials", "met", "."]
    pos = ["PROPN", "PROPN", "VERB", "NOUN", "ADP", "PROPN", "PUNCT", "PROPN", "NOUN", "VERB", "PUNCT"]
    ents = ["B-ORG", "I-ORG", "O", "O", "O", "B-GPE", "O", "B-ORG", "O", "O", "O"]
    doc = places_nlp.get_pipe("storyweave_places")(Doc(places_nlp.vocab, words=words, pos=pos, ents=ents))
    found = {p.start_char: p.country_code for p in doc._.places}
    assert found == {doc[5].idx: "US", doc[7].idx: "US"}  # both Fargos, not Wells Fargo


def test_name_matcher_reads_the_same_spans_as_joining_tokens(places_nlp):
    # the matcher slices n-grams out of the text (and caches their keys) instead of joining
    # Span texts: the same spans, with curly quotes, hyphens, line breaks and long names
    from spacy.tokens import Span

    from storyweave.nlp.places.matcher import _match_key

    matcher = places_nlp.get_pipe("storyweave_places").matcher
    text = (
        "Rebels in Hama’s north and São Paulo’s mayor met in New York City.\n\nWashington-based "
        "groups said South Georgia and the South Sandwich Islands, The Colony and Salt Lake City "
        "were named. The Syrians left Des Moines, Iowa."
    )
    doc = places_nlp.make_doc(text)
    expected = []
    for i, token in enumerate(doc):
        if not token.text[:1].isupper():
            continue
        for end in range(i + 1, min(len(doc), i + matcher.width) + 1):
            if doc[end - 1].is_space:
                break
            key = _match_key(doc[i:end].text)
            if key in matcher.names:
                expected.append((i, end, "PLACE"))
            elif key in matcher.demonyms:
                expected.append((i, end, "DEMONYM"))
    for _ in range(2):  # the second time from the key cache
        assert [(s.start, s.end, s.label_) for s in matcher(doc)] == expected
    assert all(isinstance(s, Span) for s in matcher(doc)) and expected


def test_context_distances_are_the_haversine_formula_bit_for_bit():
    import math
    from collections import Counter

    import numpy as np

    from storyweave.nlp.gazetteer import GazEntry
    from storyweave.nlp.places.context import _Context, _Name

    towns = [GazEntry(i, f"t{i}", lat, lon, "SY", "city", 10000, "01") for i, (lat, lon) in
             enumerate([(35.13, 36.75), (36.20, 37.16), (33.51, 36.29), (-33.9, 151.2)])]
    names = [_Name([(t, False)], None, None, probs=[1.0]) for t in towns]
    context = _Context(names, Counter())
    lats, lons = context.points[:, 0], context.points[:, 1]
    for lat, lon in [(35.0, 36.0), (0.0, 0.0), (-33.9, 151.2)]:
        # the formula as it stood before the points' terms were computed once per context
        p1, p2 = math.radians(lat), np.radians(lats)
        a = np.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * np.cos(p2) * np.sin((np.radians(lons) - math.radians(lon)) / 2) ** 2
        expected = 2 * 6371.0 * np.arcsin(np.minimum(1.0, np.sqrt(a)))
        assert np.array_equal(context._km_to_points(lat, lon), expected)


def test_an_entity_whose_comma_is_inside_a_token_is_looked_up_whole(places_nlp, places_in):
    # The NER tags "8,588.36" as one entity: the comma is inside a number token, so there is
    # no ", " to split the name at. The lookup raised StopIteration here, and analysis died.
    text = "The Dow Jones industrial average ended up 56.79 points, or 0.67 percent, at 8,588.36 -- its highest level."
    assert all(p.name for p in places_in(places_nlp, text))


def _all(places_nlp, text: str) -> list[Place]:
    return list(places_nlp(text)._.places)


def test_x_based_is_the_town_whatever_the_story(places_nlp, places_in, place_at):
    # the UK-based monitor pulls the article towards Britain; an organisation's base does not
    text = ("The UK-based Syrian Observatory for Human Rights said fighting continued in London and Manchester. "
            "A Washington-based think tank disagreed.")
    washington = place_at(places_in(places_nlp, text), text, "Washington")
    assert washington is not None and washington.country_code == "US" and washington.level == "town"
    assert distance_km(washington.lat, washington.lon, 38.90, -77.04) < 30


def test_levels_follow_the_gazetteer_kind(places_nlp, places_in, place_at):
    text = "Rebels entered Aleppo in Syria, and protesters marched in Texas."
    places = places_in(places_nlp, text)
    assert place_at(places, text, "Aleppo").level == "town"
    assert place_at(places, text, "Syria").level == "country"
    assert place_at(places, text, "Texas").level == "admin1"


def test_metonymic_and_literal_roles(places_nlp, place_at):
    text = ("Washington said on Monday that it would respond. Moscow's depleted presence in Syria worried Iran. "
            "Thousands marched in Moscow.")
    places = _all(places_nlp, text)
    assert place_at(places, text, "Washington").role == "metonymic"
    assert place_at(places, text, "Moscow", 0).role == "metonymic"
    assert place_at(places, text, "Syria").role == "literal"
    assert place_at(places, text, "Moscow", 1).role == "literal"


def test_demonyms_have_the_demonym_role(places_nlp, place_at):
    text = "Syrian troops withdrew from Hama."
    syrian = place_at(_all(places_nlp, text), text, "Syrian")
    assert syrian is not None and syrian.role == "demonym" and syrian.country_code == "SY"


def test_a_street_is_placed_at_its_town(places_nlp, places_in, place_at):
    text = "A brass band played on Frenchmen Street in New Orleans on Saturday night."
    street = place_at(places_in(places_nlp, text), text, "Frenchmen")
    if street is None:
        pytest.skip("the small model does not tag this street an entity")
    assert street.level == "facility-in-town"
    assert distance_km(street.lat, street.lon, 29.95, -90.07) < 30


def test_a_facility_named_like_a_person_of_the_article_is_that_person(places_nlp, places_in, place_at):
    # the small model tags the second "Zurana Horton" a facility
    text = "Zurana Horton, 34, was killed in Brooklyn. Mourners gathered at Zurana Horton on Friday."
    places = places_in(places_nlp, text)
    assert place_at(places, text, "Zurana", nth=1) is None
    assert place_at(places, text, "Brooklyn") is not None


def test_a_road_named_after_someone_is_no_road_of_a_town_so_named(places_nlp, places_in, place_at):
    text = "The driver fled down 117th Street in Queens toward the Van Wyck Expressway."
    road = place_at(places_in(places_nlp, text), text, "Van")
    # no town called Van: at most the road, placed in the article's town
    assert road is None or (road.kind == "facility" and distance_km(road.lat, road.lon, 40.7, -73.8) < 30)


def test_geocode_spans_resolves_given_toponyms_with_the_article_as_context(places_nlp):
    text = "Officials in Paris, Texas, said the storm hit Lamar County. Paris schools closed."
    doc = places_nlp(text)
    second = text.index("Paris", 10)
    placed = places_nlp.get_pipe("storyweave_places").geocode_spans(doc, [(second, second + 5), (0, 9)])
    assert placed[0] is not None and placed[0].country_code == "US"  # one sense per article
    assert placed[1] is None  # "Officials" is no toponym the gazetteer knows


def test_the_outlet_country_is_a_weak_prior(places_nlp, place_at):
    from storyweave.nlp.pipeline import make_doc
    from storyweave.nlp.places import outlet_country, with_outlet_country

    assert outlet_country("https://www.bbc.co.uk/news/uk-1") == "GB"
    assert outlet_country("https://www.abc.net.au/news/x") == "AU"
    assert outlet_country("https://example.com/a") is None

    def durham(text, url):
        doc = places_nlp(with_outlet_country(make_doc(places_nlp, text, None), outlet_country(url)))
        return place_at([p for p in doc._.places if p.source != "demonym"], text, "Durham")

    # Durham, North Carolina is the bigger town; a British paper's bare Durham is the English one
    text = "Residents of Durham were told to boil their water on Tuesday."
    assert durham(text, "https://www.theguardian.com/uk-news/x").country_code == "GB"
    assert durham(text, "https://www.washingtonpost.com/local/x").country_code == "US"
    # the article's own context outweighs the outlet
    text = "Residents of Durham, North Carolina, were told to boil their water on Tuesday."
    assert durham(text, "https://www.theguardian.com/us-news/x").country_code == "US"


def test_an_outlet_shows_its_home_area_when_most_of_its_articles_place_towns_around_one_point():
    from storyweave.nlp.places import outlet_home

    alexandria, pineville, lafayette = (31.31, -92.45, 1), (31.32, -92.43, 2), (30.22, -92.02, 3)
    paris, moscow = (48.85, 2.35, 4), (55.75, 37.62, 5)
    # a local paper: three of four articles place a town within 150 km of Alexandria, Louisiana
    home = outlet_home([[alexandria, pineville], [lafayette], [paris], [pineville, moscow]])
    assert home is not None and distance_km(*home, *alexandria[:2]) < 30
    # a national paper's towns are spread out; one article shows nothing
    assert outlet_home([[paris], [moscow], [alexandria], [(35.68, 139.69, 6)]]) is None
    assert outlet_home([[alexandria, pineville]]) is None
    assert outlet_home([[], [alexandria], []]) is None
    # one name read the same way again and again is the resolver's guess, not the outlet's area
    london = (51.51, -0.13, 7)
    assert outlet_home([[london], [london], [london, moscow], [(42.98, -81.23, 8)]]) is None


def test_the_outlet_home_area_decides_a_bare_town_name(places_nlp, place_at):
    from storyweave.nlp.pipeline import make_doc
    from storyweave.nlp.places import with_outlet_country, with_outlet_home

    text = "Police in Columbia arrested a man after a chase on Tuesday."

    def columbia(home):
        doc = places_nlp(with_outlet_home(with_outlet_country(make_doc(places_nlp, text, None), "US"), home))
        return place_at(list(doc._.places), text, "Columbia")

    # Columbia, Missouri and Columbia, South Carolina are towns of about one size
    assert columbia((38.95, -92.33)).country_code == "US"
    assert distance_km(columbia((38.95, -92.33)).lat, columbia((38.95, -92.33)).lon, 38.95, -92.33) < 30
    assert distance_km(columbia((34.00, -81.03)).lat, columbia((34.00, -81.03)).lon, 34.00, -81.03) < 30
    # the article's own context outweighs the outlet's home
    text = "Police in Columbia, S.C., arrested a man after a chase on Tuesday."
    assert distance_km(columbia((38.95, -92.33)).lat, columbia((38.95, -92.33)).lon, 34.00, -81.03) < 30


def test_an_outlet_named_after_a_town_near_its_home_area_has_that_town_as_its_own():
    from storyweave.nlp.places.outlets import home_area, home_towns, named_town, outlet_home

    athens_tx = (32.2049, -95.8555)
    assert named_town("www.athensreview.com", athens_tx).admin1 == "TX"
    assert named_town("The Paris News", (33.55, -95.73)).admin1 == "TX"
    # the town may lie beyond the home area its articles centre on (state news from Atlanta)
    augusta = named_town("chronicle.augusta.com", (33.56, -83.85))
    assert augusta is not None and (augusta.name, augusta.admin1) == ("Augusta", "GA")
    # a newspaper's word is no town (Post, Texas); nor is a town far from the home area
    assert named_town("www.post-gazette.com", (40.44, -80.0)) is None
    assert named_town("www.athensreview.com", (47.61, -122.33)) is None
    corsicana = (32.10, -96.47, 10)
    home = outlet_home([[athens_tx + (1,), corsicana], [athens_tx + (1,)], [corsicana]], "www.athensreview.com")
    assert home is not None and len(home) == 4
    assert distance_km(*home_towns(home)[-1], *athens_tx) < 1 and distance_km(*home_area(home), *athens_tx) < 80
    assert len(outlet_home([[athens_tx + (1,), corsicana], [athens_tx + (1,)]], "www.startribune.com")) == 2


def test_an_outlets_own_town_outweighs_a_world_city_of_its_name(places_nlp, place_at):
    from storyweave.nlp.pipeline import make_doc
    from storyweave.nlp.places import with_outlet_country, with_outlet_home

    text = "The Athens City Council was given a budget update on Wednesday. Athens Mayor Randy Daniel spoke."

    def athens(home):
        doc = places_nlp(with_outlet_home(with_outlet_country(make_doc(places_nlp, text, None), "US"), home))
        return place_at(list(doc._.places), text, "Athens", 1)

    def in_texas(place):
        return distance_km(place.lat, place.lon, 32.2049, -95.8555) < 5

    assert athens(None).country_code == "GR"
    # the town at the centre of a local paper's home area, and the town it is named after
    assert in_texas(athens((32.2049, -95.8555)))
    assert in_texas(athens((32.35, -95.30, 32.2049, -95.8555)))
    # a home area merely near it only lends it the area's lead, which a world capital outweighs
    assert athens((32.35, -95.30)).country_code == "GR"


def test_a_local_papers_own_town_is_found_where_it_is_also_a_first_name(places_nlp, place_at):
    from storyweave.nlp.pipeline import make_doc
    from storyweave.nlp.places import with_outlet_country, with_outlet_home

    text = "The threat was passed to the Paris Walmart store. Four Paris Policemen stood by."

    def places(home):
        doc = places_nlp(with_outlet_home(with_outlet_country(make_doc(places_nlp, text, None), "US"), home))
        return list(doc._.places)

    # "Paris" is a first name, so a bare one with no locative is no place for any paper
    assert place_at(places(None), text, "Paris") is None
    paris_tx = (33.6609, -95.5555)
    for nth in (0, 1):
        town = place_at(places(paris_tx), text, "Paris", nth)
        assert town is not None and distance_km(town.lat, town.lon, *paris_tx) < 5


def test_a_river_is_not_the_county_named_after_it(places_nlp, places_in, place_at):
    text = "The Red River will crest at 39 feet in Fargo on Saturday, the weather service said."
    river = place_at(places_in(places_nlp, text), text, "Red River")
    assert river is None or river.kind != "admin2"  # not Red River County, Texas
    text = "Deputies in Red River County, Texas, arrested two men."
    assert place_at(places_in(places_nlp, text), text, "Red River").kind == "admin2"


def test_a_small_countrys_division_needs_its_country_named(places_nlp, places_in, place_at):
    text = "Residents of the North Side complained that the board sided with the developers."
    assert place_at(places_in(places_nlp, text), text, "North Side") is None  # not Anguilla's
    text = "Hurricane Irma flattened homes in North Side, Anguilla, on Wednesday."
    assert place_at(places_in(places_nlp, text), text, "North Side").country_code == "AI"


def test_a_name_with_an_age_after_it_is_a_person_not_a_street(places_nlp, places_in, place_at):
    # the model tags the first "Chohan" a GPE and the second a FAC
    text = ("A 59-year-old mother of two died when a drunken driver struck her with his car and then drove off, "
            "police said.\n\nRaj Chohan, 59, of Queens, had just parked her car around 7 p.m. Friday at 97th Avenue "
            "and 117th Street in Richmond Hill when she was hit by a 2013 Toyota Camry, which then fled, police said."
            "\n\nChohan was pronounced dead at Jamaica Hospital.")
    places = places_in(places_nlp, text)
    assert place_at(places, text, "Chohan") is None and place_at(places, text, "Chohan", 1) is None
    assert place_at(places, text, "117th Street").level == "facility-in-town"
    # and the entity stages see her as the person she is, at each mention
    doc = places_nlp(text)
    assert [e.label_ for e in doc.ents if e.text == "Chohan"] == ["PERSON", "PERSON"]


def test_a_street_is_not_placed_at_a_persons_home_town(places_nlp, places_in, place_at):
    text = ("Raj Chohan, 59, of Queens, had just parked her car at 97th Avenue and 117th Street in Richmond Hill "
            "when she was hit, police said.\n\nAn officer arrested Vishwanand Subryan, 23, of Schenectady, at "
            "115th Street and 101st Avenue.")
    places = places_in(places_nlp, text)
    assert place_at(places, text, "Schenectady").name == "Schenectady"  # still on the map, as his home
    street = place_at(places, text, "115th Street")
    assert street.level == "facility-in-town" and distance_km(street.lat, street.lon, 40.70, -73.83) < 10


def test_division_abbreviations_outside_the_us(places_nlp, places_in, place_at):
    text = "Protests in London, Ont., spread to Winnipeg, Man., and to Vancouver, B.C., on Sunday."
    places = places_in(places_nlp, text)
    london = place_at(places, text, "London")
    assert london.country_code == "CA" and distance_km(london.lat, london.lon, 42.98, -81.23) < 30
    assert place_at(places, text, "Ont.").name == "Ontario"
    assert place_at(places, text, "B.C.").name == "British Columbia"


def test_a_division_named_after_its_chief_town_is_the_town(places_nlp, places_in, place_at):
    text = "Shelling hit Gaza overnight, and fighting reached Aleppo."
    places = places_in(places_nlp, text)
    assert (place_at(places, text, "Gaza").country_code, place_at(places, text, "Gaza").kind) == ("PS", "city")
    assert place_at(places, text, "Aleppo").kind == "city"


def test_an_institution_names_its_town_and_only_a_national_one_its_country(places_nlp, places_in, place_at):
    text = "She was taken to Jamaica Hospital, police told Gainesville Police, citing U.S. Census data."
    places = places_in(places_nlp, text)
    assert place_at(places, text, "Jamaica").kind != "country"  # a hospital in Queens, not the island
    assert place_at(places, text, "Gainesville").country_code == "US"
    assert place_at(places, text, "U.S.").kind == "country"


def test_a_town_and_the_county_that_holds_it_choose_each_other(places_nlp, places_in, place_at):
    # Paris, France would win on size alone; Henry County, Tennessee, holds Paris, Tennessee
    text = "A Paris man was arrested on Sunday, deputies in Henry County said."
    places = places_in(places_nlp, text)
    paris, county = place_at(places, text, "Paris"), place_at(places, text, "Henry County")
    assert distance_km(paris.lat, paris.lon, 36.30, -88.33) < 30  # Paris, Tennessee
    assert county.kind == "admin2" and distance_km(county.lat, county.lon, 36.33, -88.30) < 30


def test_a_county_with_its_own_point_keeps_it(places_nlp, places_in, place_at):
    text = "Commissioners in Lamar County met on Monday. The judge came from Graham to speak."
    county = place_at(places_in(places_nlp, text), text, "Lamar County")
    # Lamar County, Texas, at its own point, not moved to Graham, 290 km away in the same state
    assert distance_km(county.lat, county.lon, 33.67, -95.57) < 30


def test_a_word_the_article_mostly_tags_a_place_is_no_surname(places_nlp, places_in, place_at):
    # the model reads the headline "Rethinking Egypt" as a person; the article's Egypt is the country
    text = (
        "Rethinking Egypt-US relations. Since Obama took office, hopes for better times spread over "
        "the Middle East. Egypt, which often had trouble with Washington, cooperated. Egypt needs "
        "also to embrace democracy."
    )
    places = places_in(places_nlp, text)
    assert place_at(places, text, "Egypt", 1).kind == "country"
    assert place_at(places, text, "Egypt", 2).kind == "country"
    # a family name the model tags a place no more often than it ends a name stays a person
    text = "Raj Chohan met the mayor. Chohan, 59, of Queens, said she was pleased."
    assert place_at(places_in(places_nlp, text), text, "Chohan", 1) is None


def test_a_dateline_after_a_headline_names_a_small_town(places_nlp, places_in, place_at):
    # a headline run into the text ends in a full stop; the dateline's towns are too small for
    # the name matcher, "XENIA" is five capitals like an acronym, and "ST. PARIS" splits its dot
    for text, word, point in (
        ("Officials hold vigil. XENIA — The girlfriend of the suspect was held.", "XENIA", (39.68, -83.93)),
        ("Family mourns four children. ST. PARIS — Scott Randall threw up.", "ST. PARIS", (40.13, -83.96)),
        ("Home hit by fire a second time. BYESVILLE -- Firefighters are searching.", "BYESVILLE", (39.97, -81.54)),
    ):
        doc = places_nlp(text)
        place = place_at(places_in(places_nlp, text), text, word)
        assert place is not None and distance_km(place.lat, place.lon, *point) < 30, (word, place)
        assert text[place.start_char : place.end_char] == word
        assert any(e.text == word and e.label_ == "GPE" for e in doc.ents)


def test_capitals_inside_a_sentence_are_no_dateline(places_nlp, places_in, place_at):
    text = "The report from NATO: troops will stay."
    assert place_at(places_in(places_nlp, text), text, "NATO") is None


def test_a_legislators_party_affiliation_names_a_us_state_town_or_county(places_nlp, places_in, place_at):
    text = (
        "Sen. Byron Dorgan, D-N.D., questioned it. State Rep. Jay Roberts (R-Ocilla), chairman, "
        "agreed, and Delegate Brent Boggs, D-Braxton, of West Virginia, did too."
    )
    places = places_in(places_nlp, text)
    assert place_at(places, text, "N.D.").name == "North Dakota"
    ocilla = place_at(places, text, "Ocilla")
    assert ocilla.country_code == "US" and distance_km(ocilla.lat, ocilla.lon, 31.59, -83.25) < 30
    braxton = place_at(places, text, "Braxton")
    assert braxton.kind == "admin2" and distance_km(braxton.lat, braxton.lon, 38.67, -80.74) < 30


def test_a_list_of_counties_names_each_county(places_nlp, places_in, place_at):
    text = "The warning covers Becker, Clay, Mahnomen, Otter Tail and Wilkin counties in Minnesota."
    places = places_in(places_nlp, text)
    for name in ("Becker", "Clay", "Mahnomen", "Otter Tail", "Wilkin"):
        place = place_at(places, text, name)
        assert place is not None and place.kind == "admin2" and place.country_code == "US", name
        assert distance_km(place.lat, place.lon, 46.5, -96.0) < 161, name  # north-west Minnesota


def test_an_institution_named_after_its_county_names_the_county(places_nlp, places_in, place_at):
    text = "He was booked by the Anderson County Sheriff and held by the Clarke County Superior Court."
    places = places_in(places_nlp, text)
    assert place_at(places, text, "Anderson County").name == "Anderson County"
    assert place_at(places, text, "Clarke County").name == "Clarke County"


def test_the_named_state_decides_among_the_countrys_namesakes(places_nlp, places_in, place_at):
    # "Springfield, Ohio" once: every Springfield of the article is in Ohio, even where another
    # name of the article ("Springfield City", an alternate name of Springfield, Massachusetts)
    # would pull it elsewhere
    text = (
        "Springfield, Ohio — The Springfield City schools met on Monday. Springfield residents "
        "asked about Springfield's budget."
    )
    places = places_in(places_nlp, text)
    for nth in (2, 3):
        place = place_at(places, text, "Springfield", nth)
        assert distance_km(place.lat, place.lon, 39.92, -83.81) < 30


def test_a_demonym_spelled_like_a_small_town_is_the_demonym(places_nlp):
    from storyweave.nlp.gazetteer import load_gazetteer
    from storyweave.nlp.places import reads_as_demonym

    text = "Xavier Dolan's Canadian drama won the prize, and Canadian companies cheered."
    doc = places_nlp(text)
    canadian = [p for p in doc._.places if text[p.start_char : p.end_char] == "Canadian"]
    assert canadian and all(p.role == "demonym" and p.country_code == "CA" for p in canadian)
    gaz = load_gazetteer()
    assert reads_as_demonym(gaz, "Canadian")  # not Canadian, Texas (3,000 people)
    assert not reads_as_demonym(gaz, "Abkhaz")  # GeoNames names Abkhazia so: the division, not Georgia


def test_continental_adjectives_and_the_european_union(places_nlp):
    text = "European leaders met in the European Union's capital after the U.S-led talks; Asian markets fell."
    doc = places_nlp(text)
    by_text = {text[p.start_char : p.end_char]: p for p in doc._.places}
    assert (by_text["European"].kind, by_text["European"].role) == ("continent", "demonym")
    assert by_text["Asian"].name == "Asia"
    eu = by_text["European Union"]
    assert eu.kind == "region" and distance_km(eu.lat, eu.lon, 50.84, 4.38) < 30


def test_a_region_an_institution_is_named_after_is_not_where_it_sits(places_nlp, places_in):
    text = ("Charles Lister, the director of the Syria program at the Middle East Institute, a "
            "Washington-based think tank, spoke to the Asia Society. He works near the Texas Medical Center.")
    names = {p.name for p in places_in(places_nlp, text)}
    assert "Middle East" not in names and "Asia" not in names
    assert {"Syria", "Washington", "Texas"} <= names


def test_a_name_the_article_places_is_that_place_at_every_mention(places_nlp, places_in, place_at):
    # the model tags the second "Grovetown" nothing and the second "Hopkinton" a person: one
    # sense per discourse makes each the town the article placed at its first mention
    text = (
        "A fire broke out in Grovetown, Georgia, on Sunday. Grovetown police then questioned the owner, "
        "and Grovetown officials closed the road."
    )
    places = places_in(places_nlp, text)
    assert all(place_at(places, text, "Grovetown", n) is not None for n in range(3))
    assert place_at(places, text, "Grovetown", 1).name == "Grovetown"
    text = "Burglars hit four homes in Hopkinton, New Hampshire, this week. Hopkinton is the latest town hit."
    hopkinton = place_at(places_in(places_nlp, text), text, "Hopkinton", 1)
    assert hopkinton is not None and hopkinton.country_code == "US"


def test_a_repeated_name_inside_a_longer_name_is_not_repeated(places_nlp, places_in, place_at):
    text = (
        "Paris Hilton flew to Paris on Monday. A New Paris trucker drove to the Paris Review's office. "
        "Mr. Paris declined to comment."
    )
    places = places_in(places_nlp, text)
    assert place_at(places, text, "Paris", 1) is not None
    for nth in (0, 2, 3, 4):  # Paris Hilton, New Paris (a town of its own), the Paris Review, Mr. Paris
        place = place_at(places, text, "Paris", nth)
        assert place is None or place.text != "Paris"


def test_an_institution_the_model_tags_a_person_names_its_town(places_nlp, places_in, place_at):
    # "The Tega Cay Volunteer Fire Department" is tagged PERSON
    text = (
        "The council met in Tega Cay, South Carolina. The Tega Cay Volunteer Fire Department and Flint Hill "
        "Fire Department responded."
    )
    place = place_at(places_in(places_nlp, text), text, "Tega Cay", 1)
    assert place is not None and place.name == "Tega Cay"


def test_a_town_named_like_a_state_of_its_country_is_the_state(places_nlp, places_in, place_at):
    # Kansas, Illinois, and Oregon, Illinois, are small towns of the state the article is about
    text = "Farmers near Peoria and Springfield, Illinois, sold their corn to buyers in Kansas and Oregon last year."
    places = places_in(places_nlp, text)
    assert place_at(places, text, "Kansas").kind == "admin1"
    assert place_at(places, text, "Oregon").kind == "admin1"
    # a province named like its capital is the province when the capital is a small part of it
    text = "Montreal and Laval will get new buses next year, Quebec announced, as other cities in Quebec wait."
    assert place_at(places_in(places_nlp, text), text, "Quebec").kind == "admin1"
    # but the town keeps its name when its state is given, and Washington stays the capital
    text = "She grew up in Kansas, Ill., and now works in Washington."
    places = places_in(places_nlp, text)
    assert place_at(places, text, "Kansas").kind == "city"
    assert place_at(places, text, "Washington").country_code == "US" and place_at(places, text, "Washington").kind == "city"


def test_a_name_a_list_of_counties_reads_as_a_county_is_that_county_at_every_mention(places_nlp, places_in, place_at):
    text = "The county fair in Preble drew big crowds this summer. Storms later hit Clark, Preble and Warren counties."
    places = places_in(places_nlp, text)
    first = place_at(places, text, "Preble")
    assert first is not None and first.kind == "admin2" and first.name == "Preble County"


def test_a_state_before_counties_is_the_state_not_a_county(places_nlp, places_in, place_at):
    text = "Boone County's rate is near the middle of Indiana counties, the Indiana Department of Workforce said."
    assert place_at(places_in(places_nlp, text), text, "Indiana").kind == "admin1"  # not Indiana County, Pennsylvania


def test_a_states_people_name_the_state(places_nlp, place_at):
    text = "Ohioans are bracing for tornado season, and many Ontarians agree."
    demonyms = [p for p in places_nlp(text)._.places if p.source == "demonym"]
    ohio = place_at(demonyms, text, "Ohioans")
    assert (ohio.name, ohio.kind, ohio.role) == ("Ohio", "admin1", "demonym")
    assert place_at(demonyms, text, "Ontarians").name == "Ontario"
