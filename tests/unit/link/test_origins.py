"""Independent origins: syndication, outlets, shared quotes, institution families, staff."""

from __future__ import annotations

from types import MappingProxyType

from storyweave.link.claims import ArticleClaims
from storyweave.link.origins import (
    OriginIndex,
    OriginKey,
    build_origins,
    family_of,
    merge_shared_quotes,
    quotes_shared,
)
from storyweave.records import Claim
from storyweave.nlp.quotes import Quote


def claim(text, attributed_to=None, attribution_text=None, quote_start=None):
    return Claim(
        text=text,
        display=text,
        content=text,
        start=0,
        end=len(text),
        sentence_start=0,
        sentence_end=len(text),
        kind="event",
        headline=False,
        negated=False,
        entities=(),
        places=(),
        numbers=(),
        dates=(),
        ranks=(),
        lemmas="",
        atoms=(),
        attributed_to=attributed_to,
        attribution_text=attribution_text,
        quote_start=quote_start,
        quote_end=None,
        direct=False,
        hedges=(),
        hedged=False,
        check_worthy=0.7,
    )


def quote(text, speaker, entity):
    return Quote(text, 0, len(text), speaker, 0, len(speaker), entity, "said", 0, 4, True)


def article(article_id, outlet, claims=(), quotes=(), duplicate_of=None, names=None):
    return ArticleClaims(
        article_id,
        outlet,
        "2024-12-05",
        duplicate_of,
        tuple(claims),
        tuple(quotes),
        MappingProxyType({}),
        MappingProxyType(names or {}),
    )


def test_army_ministry_and_military_of_one_country_are_one_primary_source():
    a = article(
        "a",
        "Al Jazeera",
        [claim("x", "Syrian army", "The Syrian army said"), claim("y", "Syrian army", "The army said")],
    )
    b = article("b", "NBC News", [claim("z", "Syrian Defense Ministry", "the Syrian Defense Ministry said")])
    index = OriginIndex([a, b])
    keys = {
        index.keys_for("a", "Syrian army", "The army said"),
        index.keys_for("b", "Syrian Defense Ministry"),
    }
    assert keys == {(OriginKey("family:military:sy", "Syrian military (statement)", "source"),)}
    # another country's army is another source
    assert index.keys_for("b", "Russian Defence Ministry")[0].key == "family:military:ru"


def test_bare_army_takes_the_country_the_article_gives_its_family():
    a = article(
        "a",
        "X",
        [claim("x", "Syrian army", "The Syrian army said"), claim("y", "the military", "the military said")],
    )
    assert OriginIndex([a]).keys_for("a", "the military")[0].key == "family:military:sy"
    # the story's other outlets name the country: that is the army meant
    b = article("b", "Y", [claim("y", "the military", "the military said")])
    assert OriginIndex([a, b]).keys_for("b", "the military")[0].key == "family:military:sy"
    # no outlet names a country: the story's military is one source, however many outlets quote it
    c = article("c", "Z", [claim("w", "police", "police said")])
    alone = OriginIndex([b, c])
    assert alone.keys_for("b", "the military")[0].key == "family:military:story"
    assert alone.keys_for("c", "police") == alone.keys_for("b", "the police")
    # outlets name two countries' armies: a bare "the military" is only its article's source
    d = article("d", "W", [claim("v", "Russian army", "the Russian army said")])
    assert OriginIndex([a, b, d]).keys_for("b", "the military")[0].key == "family:military:@b"


def test_a_city_police_department_and_cops_are_the_police():
    assert family_of("NYPD") == family_of("cops and family") == family_of("the LAPD") == "police"
    assert family_of("the Sheriff's Office") == "police"
    assert family_of("Spd leader") is None  # initials only as the department's own capitals


def test_family_of_reads_the_data_file():
    assert family_of("the general command of the armed forces") == "military"
    assert family_of("Samuel Ramani") is None


def test_outlet_asserted_claims_are_the_outlet_and_copies_speak_with_the_original():
    original = article("a", "Reuters")
    copy = article("b", "Yahoo News", duplicate_of="a")
    same_outlet = article("c", "Reuters")
    index = OriginIndex([original, copy, same_outlet])
    assert index.keys_for("b", None)[0].key == "outlet:reuters"
    assert index.keys_for("c", None)[0].key == "outlet:reuters"
    unknown = article("d", None)
    assert OriginIndex([unknown]).keys_for("d", None)[0].key == "article:d"


def test_outlets_own_reporter_is_the_outlet():
    a = article(
        "a", "Al Jazeera", quotes=[quote("the taking of Hama", "Al Jazeera’s Resul Serdar", "Resul Serdar")]
    )
    index = OriginIndex([a])
    assert index.keys_for("a", "Resul Serdar", "Serdar said")[0].key == "outlet:al-jazeera"
    # someone who only talks *to* the outlet is not its staff
    b = article("b", "Al Jazeera", quotes=[quote("it is over", "Ramani told Al Jazeera", "Samuel Ramani")])
    assert OriginIndex([b]).keys_for("b", "Samuel Ramani")[0].key == "source:samuel-ramani"


def test_joint_attribution_gives_each_speaker_and_entities_inside_a_phrase():
    names = {"hayat tahrir al-sham": "org:hts"}
    a = article("a", "NBC News", names=names)
    keys = OriginIndex([a]).keys_for(
        "a", "Syrian Defense Ministry and an official from the militant group Hayat Tahrir al-Sham"
    )
    assert [k.key for k in keys] == ["family:military:sy", "entity:org:hts"]
    assert keys[1].label == "Hayat Tahrir al-Sham"
    # a pair of adjectives is one speaker
    assert len(OriginIndex([a]).keys_for("a", "Iraqi and Syrian sources")) == 1


def test_shared_quotes_are_one_origin_across_articles_only():
    said = "to preserve civilian lives and prevent urban combat inside the city"
    assert quotes_shared(said, "the army said it acted to preserve civilian lives and prevent urban combat")
    assert not quotes_shared(said, "rebels have full control of the city and its airport")
    # two common trigrams are not a shared quote ("there's a lot of …")
    assert not quotes_shared("There's a lot of anger here,", "there's a lot of crime in the neighborhood")
    x, y = OriginKey("source:army", "army", "source"), OriginKey("outlet:nbc", "NBC", "outlet")
    rep, adopted = merge_shared_quotes([("a", (x,), said), ("b", (y,), said)])
    # the outlet's quote of the army's words is the army's; the rest of what NBC reports is not
    assert adopted == {1: x} and "outlet:nbc" not in rep
    assert merge_shared_quotes([("a", (x,), said), ("a", (y,), said)]) == ({}, {})
    # found through shared word trigrams: a chain across three articles is one origin, and
    # a passage too short to compare joins nothing
    z, w = OriginKey("outlet:aj", "AJ", "outlet"), OriginKey("outlet:bbc", "BBC", "outlet")
    rep, adopted = merge_shared_quotes([("b", (y,), said), ("c", (z,), "acted to preserve civilian lives and "
                                        "prevent urban combat inside the city"), ("a", (x,), said), ("d", (w,), "the city")])
    assert adopted == {0: x, 1: x} and rep == {"source:army": "source:army"}
    origins = build_origins([("a", (x,)), ("b", (x,))], rep)
    assert [(o.key, o.label, o.articles) for o in origins] == [("source:army", "army", ("a", "b"))]


def test_two_people_said_to_say_the_same_words_stay_two():
    # one outlet gives the words to the councilman, another to a barber (one is wrong): neither
    # becomes the other, and a description joins the one person it shares words with
    said = "they have a hard time because there is a lot of crime in the neighborhood"
    williams = OriginKey("entity:person:williams", "Jumaane Williams", "source")
    thomas = OriginKey("entity:person:thomas", "Elverton Thomas", "source")
    barber = OriginKey("source:local-barber", "a local barber", "source")
    rep, _ = merge_shared_quotes([("a", (williams,), said), ("b", (thomas,), said)])
    assert rep == {}
    rep, _ = merge_shared_quotes([("b", (thomas,), said), ("c", (barber,), said)])
    assert rep == {"entity:person:thomas": "entity:person:thomas", "source:local-barber": "entity:person:thomas"}


def test_another_outlet_named_as_source_is_that_outlets_origin():
    times = article("t", "The New York Times", [claim("x")])
    relay = article("r", "CNN", [claim("x", "The New York Times", "according to The New York Times")])
    index = OriginIndex([times, relay])
    assert index.keys_for("r", "The New York Times")[0].key == index.keys_for("t", None)[0].key


def test_a_joint_statement_is_one_source_and_a_joint_attribution_two():
    a = article("a", "X", [claim("x", "the British government and the French government")])
    index = OriginIndex([a])
    joint = index.keys_for("a", "the British government and the French government", None,
                           "The British government and the French government said in a joint statement "
                           "that talks resume")
    assert len(joint) == 1 and "joint statement" in joint[0].label
    two = index.keys_for("a", "the Syrian Defense Ministry and an official from HTS", None,
                         "the Syrian Defense Ministry and an official from HTS said rebels entered")
    assert len(two) == 2


def test_one_persons_two_roles_are_one_speaker():
    a = article("a", "X")
    keys = OriginIndex([a]).keys_for("a", "of state and current Democratic presidential nominee")
    assert len(keys) == 1


def test_sources_that_name_no_one_are_the_outlets_own():
    a = article("a", "Outlet A", [claim("x")])
    index = OriginIndex([a])
    outlet = index.keys_for("a", None)[0].key
    for vague in ("sources", "Sources", "two major-league sources", "One report", "reports"):
        assert index.keys_for("a", vague)[0].key == outlet, vague
    assert index.keys_for("a", "Iraqi and Syrian sources")[0].key != outlet
    assert index.keys_for("a", "Samuel Ramani")[0].key != outlet
