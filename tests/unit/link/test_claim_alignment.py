"""Claim alignment across outlets: grouping without chaining, statuses, contested versions,
independent origins; on short written articles run through the real analysis, and the seeds."""

from __future__ import annotations

import json

import numpy as np
import pytest

from storyweave.link.claims import align_claims
from storyweave.link.claims.grouping import group_units
from storyweave.link.claims.scoring import Scored
from storyweave.link.claims.features import UnitTable
from storyweave.link.claims.inputs import articles_from_texts
from storyweave.link.claims.matcher import load_matcher



def test_two_outlets_stating_one_fact_in_other_words_corroborate_it(story, group_with, outlets_of):
    groups = align_claims(story(
        ("Outlet A", "A convicted sex offender pulled a gun on two prison guards on Monday and fled on foot."),
        ("Outlet B", "The convicted child molester overpowered two prison guards on Monday and escaped on foot."),
    ))
    group = group_with(groups, "pulled a gun")
    assert outlets_of(group) == {"Outlet A", "Outlet B"}
    assert group.status == "corroborated" and group.independent_origins == 2


def test_two_units_are_compared_through_their_bare_main_clauses_too(story):
    # what both sentences assert, that the mayor resigned on Friday, is a small part of each:
    # compared without their relative clauses, they are surely one fact
    from storyweave.link.claims.matcher import load_matcher
    from storyweave.link.claims.scoring import score_pairs, story_table, story_units
    from storyweave.link.claims.views import view_scores

    articles = story(
        ("Outlet A", "The mayor, whose handling of the flood relief fund had been criticised by auditors, opposition "
                     "councillors and two local newspapers for months, resigned on Friday."),
        ("Outlet B", "The mayor, who was first elected in 2015 on a promise to rebuild the harbour and cut business "
                     "rates, resigned on Friday."),
    )
    matcher = load_matcher()
    units = story_units(articles)
    assert [v.text for u in units for v in u.claim.views] == ["The mayor resigned on Friday"] * 2
    table = story_table(units, matcher.encoder)
    whole = score_pairs(table, matcher).get(0, 1)
    through_main_clauses = view_scores(units, table, matcher, matcher.encoder).get((0, 1), 0.0)
    assert through_main_clauses > whole + 0.2, (whole, through_main_clauses)


def test_two_clauses_of_two_sentences_about_other_things_make_no_fact_of_them(story, outlets_of):
    # the relative clauses share their words, but neither sentence is about who was elected when
    groups = align_claims(story(
        ("Outlet A", "The mayor, who was elected in 2015, resigned on Monday after a long row over the budget."),
        ("Outlet B", "The governor, who was elected in 2015, signed the new budget into law on Friday."),
    ))
    assert all(len(outlets_of(g)) == 1 for g in groups), [(g.status, g.text) for g in groups]


def test_unrelated_statements_of_one_story_stay_apart(story, outlets_of):
    groups = align_claims(story(
        ("Outlet A", "Fire crews from three towns fought the blaze at the supermarket for six hours."),
        ("Outlet B", "The supermarket had opened in the town in 1995 and employed eighty people."),
    ))
    assert all(len(outlets_of(g)) == 1 for g in groups)
    assert all(g.status == "single-source" for g in groups)


def test_one_statement_relayed_by_two_outlets_is_one_origin(story, group_with, outlets_of):
    groups = align_claims(story(
        ("Al Jazeera", "The Syrian army said in a statement that its units had redeployed outside the city of Hama."),
        ("NBC News", "The Syrian Defense Ministry said its military units had redeployed and repositioned outside Hama."),
    ))
    group = group_with(groups, "redeployed")
    assert outlets_of(group) == {"Al Jazeera", "NBC News"}
    assert group.independent_origins == 1 and group.status == "single-source"
    assert "military" in group.origins[0].label.lower()


def test_another_outlets_scoop_relayed_counts_once(story, group_with, outlets_of):
    groups = align_claims(story(
        ("The New York Times", "The president met the Russian envoy in secret on Tuesday in Geneva."),
        ("CNN", "The president met the Russian envoy in secret on Tuesday in Geneva, according to The New York Times."),
    ))
    group = group_with(groups, "Russian envoy")
    assert outlets_of(group) == {"The New York Times", "CNN"}
    assert group.independent_origins == 1


def test_an_outlet_that_names_its_source_in_one_article_relays_it_in_the_next(story, group_with, outlets_of):
    # a live blog's two posts: the first names the Herald's reporter, the second repeats it in
    # the blog's own voice; the blog adds no origin of its own
    groups = align_claims(story(
        ("Trade Rumors", "According to Michael Silverman of the Boston Herald, the Red Sox made an eight-year "
                         "offer to Mark Teixeira."),
        ("Trade Rumors", "The Red Sox made an eight-year offer to Mark Teixeira on Thursday."),
        ("Sports Daily", "Michael Silverman reports that the Red Sox made an eight-year offer to Mark Teixeira."),
    ))
    group = group_with(groups, "on Thursday")
    assert outlets_of(group) == {"Trade Rumors", "Sports Daily"}
    assert [o.label for o in group.origins] == ["Michael Silverman"]


def test_units_naming_two_hospitals_are_two_facts(story, group_with, outlets_of):
    # a roundup's other accident: another woman, another hospital
    groups = align_claims(story(
        ("Outlet A", "Raj Chohan was pronounced dead at Jamaica Hospital on Friday night."),
        ("Outlet B", "The unidentified woman was pronounced dead at Mount Sinai Hospital on Friday night."),
        ("Outlet C", "Chohan was pronounced dead at Jamaica Hospital Medical Center on Friday night."),
    ))
    group = group_with(groups, "Jamaica Hospital on Friday")
    assert outlets_of(group) == {"Outlet A", "Outlet C"}  # a longer form of the name is the same hospital


def test_an_organisation_and_the_company_it_is_are_one_source(story, group_with, outlets_of):
    groups = align_claims(story(
        ("Security Blog", "Microsoft said it is working on an official patch for the flaw in Internet Explorer. "
                          "Attacks have hit users in Japan. The company said it is working on an official patch "
                          "for Internet Explorer to plug the hole."),
        ("Tech News", "Microsoft is working on an official patch for the flaw in Internet Explorer."),
    ))
    group = group_with(groups, "official patch for the flaw")
    assert outlets_of(group) == {"Security Blog", "Tech News"}
    assert "company" not in {o.label for o in group.origins} and group.independent_origins == 2


def test_a_joint_statement_is_one_source(story, group_with):
    text = "Britain and France said in a joint statement that the talks in Geneva would resume on Monday."
    groups = align_claims(story(("Outlet A", text), ("Outlet B", text.replace("would resume", "will resume"))))
    group = group_with(groups, "joint statement")
    assert group.independent_origins == 1


def test_two_sources_in_one_outlet_do_not_corroborate(story):
    groups = align_claims(story((
        "Outlet A",
        "Police said the gunman fired at least ten shots outside the school on Friday.\n"
        "A witness told reporters that the gunman fired at least ten shots outside the school on Friday.",
    )))
    assert all(g.status == "single-source" for g in groups)


def test_a_hedged_guess_adds_no_origin(story, group_with, outlets_of):
    groups = align_claims(story(
        ("Outlet A", "The army said its units had redeployed outside the city of Hama on Thursday."),
        ("Outlet B", "An analyst said the army had likely redeployed its units outside the city of Hama on Thursday."),
    ))
    group = group_with(groups, "redeployed")
    if len(outlets_of(group)) == 2:  # grouped: the guess is shown, but confirms nothing
        assert group.independent_origins == 1 and group.status == "single-source"


def test_counts_of_one_thing_beyond_tolerance_are_contested_with_both_versions(story):
    groups = align_claims(story(
        ("Outlet A", "The earthquake in southern Iran on Sunday killed at least 10 people in the village of Tiz."),
        ("Outlet B", "The earthquake in southern Iran on Sunday killed 612 people in the village of Tiz."),
    ))
    contested = [g for g in groups if g.status == "contested"]
    assert contested, [g.text for g in groups]
    group = contested[0]
    assert len(group.versions) == 2 and {v.outlets for v in group.versions} == {("Outlet A",), ("Outlet B",)}
    assert {m.version for m in group.mentions} == {0, 1}
    assert "numbers" in group.conflicts[0]


def test_offers_of_different_lengths_are_two_facts(story, outlets_of):
    # The matcher finds the two offers one fact (same player, same kind of deal); a seven-year
    # and an eight-year offer are two, and two clubs make them, so neither is contested
    groups = align_claims(story(
        ("Outlet A", "The Orioles, according to reports, have offered Teixeira a seven-year deal worth between "
                     "$140 million and $150 million."),
        ("Outlet B", "The Red Sox have made an eight-year offer to Teixeira in excess of $160 million, sources said."),
    ))
    assert all(len(outlets_of(g)) == 1 for g in groups), [(g.status, g.text) for g in groups]


def test_two_clubs_doing_one_kind_of_thing_to_one_player_are_two_facts(story, outlets_of):
    # one player, one kind of act, two actors: the matcher finds the sentences one fact
    groups = align_claims(story(
        ("Outlet A", "The Angels have withdrawn their offer to free-agent first baseman Mark Teixeira, reports FoxSports."),
        ("Outlet B", "According to Michael Silverman of the Boston Herald, the Red Sox made an offer to Mark Teixeira."),
    ))
    assert all(len(outlets_of(g)) == 1 for g in groups), [(g.status, g.text) for g in groups]
    # one actor named two ways is still one: "Jenkin" / "Mr Jenkin"
    groups = align_claims(story(
        ("Outlet A", "Michael Jenkin, who was arrested at Millom Pier, has been charged with the murder of his wife."),
        ("Outlet B", "Mr Jenkin, of Newton Street, Millom, has been charged with the murder of his wife Alice."),
    ))
    assert any(len(outlets_of(g)) == 2 for g in groups), [(g.status, g.text) for g in groups]


def test_different_lengths_of_one_stay_are_contested(story):
    groups = align_claims(story(
        ("Outlet A", "Fred LaRue served four and a half months in prison for his role in the Watergate conspiracy."),
        ("Outlet B", "Fred LaRue served four months in federal prison for his role in the Watergate conspiracy."),
    ))
    contested = [g for g in groups if g.status == "contested"]
    assert contested and "how long" in contested[0].conflicts[0], [(g.status, g.text) for g in groups]
    # the same length in other words agrees
    groups = align_claims(story(
        ("Outlet A", "Fred LaRue served four months in prison for his role in the Watergate conspiracy."),
        ("Outlet B", "Fred LaRue served 4 months in federal prison for his role in the Watergate conspiracy."),
    ))
    assert not any(g.status == "contested" for g in groups)


def test_different_rankings_of_one_place_are_contested(story):
    groups = align_claims(story(
        ("Al Jazeera", "Rebels took full control of Syria\u2019s second-largest city, Aleppo, last week."),
        ("NBC News", "Last week HTS seized the country\u2019s most-populous city of Aleppo in a surprise offensive."),
    ))
    ranking = [g for g in groups if g.status == "contested" and "Aleppo" in g.text]
    assert ranking, [g.text for g in groups]
    assert {v.text for v in ranking[0].versions} == {"Syria\u2019s second-largest city",
                                                       "the country\u2019s most-populous city"}


def test_an_outlet_denying_a_claim_contests_it(story):
    groups = align_claims(story(
        ("Outlet A", "Rebel fighters entered the central city of Hama on Thursday."),
        ("Outlet B", "The army denied that rebel fighters had entered the central city of Hama on Thursday."),
    ))
    assert any(g.status == "contested" for g in groups), [(g.status, g.text) for g in groups]


def contests(story, first: str, second: str) -> list:
    """What two outlets' articles make contested (status and reasons of each such group)."""
    groups = align_claims(story(("Outlet A", first), ("Outlet B", second)))
    return [(g.status, g.conflicts) for g in groups if g.status == "contested"]


def test_a_negation_of_another_predicate_or_a_denial_in_a_modifier_contests_nothing(story):
    assert not contests(
        story,
        "Klitschko put Thompson on the canvas with a big right hand near the end of the fifth round.",
        "Thompson never recovered from a big right hand from Klitschko near the end of the fifth round.")
    assert not contests(
        story,
        "Denying he was a gangster, Gigante would wander the streets of Greenwich Village in a bathrobe.",
        "Gigante would wander around Greenwich Village in his bathrobe, mumbling to himself.")


def test_a_denial_contests_only_what_the_other_outlet_states_as_fact(story):
    # a suspicion the outlet itself hedges is no version a denial contradicts
    assert not contests(
        story,
        "The fire at the Waitrose supermarket in Wellington on Sunday may have been arson.",
        "A man has denied arson after the fire at the Waitrose supermarket in Wellington on Sunday.")
    # nor is the fire itself: the man denies arson, not that there was a fire
    assert not contests(
        story,
        "The Waitrose supermarket in Wellington caught fire early on Sunday.",
        "Waitrose Wellington fire: man denies arson")
    # nor what a clause about a noun says: the first outlet states that LaRue died
    assert not contests(
        story,
        "Fred LaRue, a Watergate figure who once was rumored to be Deep Throat, has died of natural causes.",
        "Mr. LaRue denied that he was Deep Throat, and Woodward said he would not reveal the source's "
        "name until after Deep Throat dies.")


def test_values_of_a_part_and_of_the_whole_contest_nothing(story):
    # points in one half against the game's; arrests since October against all of them
    assert not contests(
        story,
        "Will Artino scored 14 points off the bench for Creighton against Drake on Sunday.",
        "Will Artino scored seven points for Creighton in the first half against Drake on Sunday.")
    assert not contests(
        story,
        "Kimani Gray had been arrested four times on charges of grand larceny and riot.",
        "Kimani Gray had been arrested three times since October on charges of grand larceny and riot.")


def test_values_of_two_parts_of_a_population_contest_nothing(story):
    # a margin of error among likely voters against one of the whole sample: two figures
    assert not contests(
        story,
        "The margin of sampling error among likely voters was plus or minus four percentage points, "
        "the Public Policy Institute of California said.",
        "The margin of sampling error was plus or minus 5.7 percentage points, "
        "the Public Policy Institute of California said.")


def test_two_people_quoted_in_their_own_words_state_two_things(story, outlets_of):
    # alike in words, but one man's quote is no report of what another said
    groups = align_claims(story(
        ("Outlet A", '"We are going to protect and defend every American family," Donald Trump said on Sunday.'),
        ("Outlet B", '"We are going to defend and protect all American families," Hillary Clinton said on Sunday.'),
    ))
    assert all(len(outlets_of(g)) == 1 for g in groups)
    # two people's words about the world may tell one fact
    groups = align_claims(story(
        ("Outlet A", '"The tremor lasted around 30 seconds and the whole building shook," resident Bina Mathews said.'),
        ("Outlet B", '"The tremor lasted about 30 seconds and the building shook," shopkeeper Ali Karimi said.'),
    ))
    assert any(len(outlets_of(g)) == 2 for g in groups)
    # the same words under two outlets are one quote, one statement
    groups = align_claims(story(
        ("Outlet A", '"We are going to protect and defend every American family," Donald Trump said on Sunday.'),
        ("Outlet B", 'Donald Trump said: "We are going to protect and defend every American family."'),
    ))
    assert any(len(outlets_of(g)) == 2 for g in groups)


def test_a_poll_each_outlet_describes_its_own_way_is_one_origin(story, group_with, outlets_of):
    groups = align_claims(story(
        ("Outlet A", "The Democratic race in California is a dead heat between Hillary Clinton and Bernie "
                     "Sanders, according to a new poll released on Wednesday."),
        ("Outlet B", "Hillary Clinton and Bernie Sanders are virtually deadlocked in the California primary, "
                     "a new statewide survey found."),
    ))
    group = group_with(groups, "California")
    assert outlets_of(group) == {"Outlet A", "Outlet B"}
    assert group.independent_origins == 1 and group.origins[0].label == "the poll"


def test_a_person_an_article_names_and_then_describes_is_one_origin(story, group_with, outlets_of):
    groups = align_claims(story(
        ("Outlet A", "Hillary Clinton said on Tuesday that a police officer shot Terence Crutcher in Tulsa as he "
                     "stood by his car. The Democratic presidential nominee said a police officer shot Terence "
                     "Crutcher in Tulsa while his hands were raised."),
        ("Outlet B", "Clinton said on Tuesday that a police officer in Tulsa shot Terence Crutcher as he stood by "
                     "his car."),
    ))
    group = group_with(groups, "Crutcher")
    assert outlets_of(group) == {"Outlet A", "Outlet B"}
    assert any(m.attributed_to == "nominee" for m in group.mentions)
    assert len(group.origins) == 1 and "Clinton" in group.origins[0].label
    assert group.status == "single-source"


def test_two_facts_of_one_topic_with_different_dates_are_not_one_contested_fact(story):
    assert not contests(
        story,
        "Gigante's string of victories over prosecutors ended with a July 1997 racketeering conviction.",
        "Gigante was serving a 12-year sentence for a racketeering conviction in Brooklyn in 1997 "
        "and was due to be released in June 2010.")


def test_values_of_different_actors_and_one_polarity_contest_nothing(story):
    # two teams' offers: each unit names a team the other does not
    assert not contests(
        story,
        "The Baltimore Orioles have offered Mark Teixeira a seven-year deal worth $140 million.",
        "Mark Teixeira has an eight-year offer worth $160 million from the Boston Red Sox.")
    # the same statement, negated in both, whatever verb the parser takes for the main one
    assert not contests(
        story,
        "Police Inspector Dave Gaskin said the two incidents on consecutive days in the Aoraki-Mt. "
        "Cook National Park were not related and were not due to bad weather.",
        "Police Inspector Dave Gaskin said Monday the two incidents on consecutive days in the "
        "Aoraki-Mt. Cook National Park were not related and were not due to bad weather.")


def _table(articles: list[int]) -> UnitTable:
    n = len(articles)
    empty = [frozenset()] * n
    return UnitTable(article=np.asarray(articles), vectors=np.zeros((n, 2), np.float32), words=[np.zeros(0, int)] * n,
                     word_sets=empty, word_vectors=np.zeros((0, 2), np.float32), entities=empty, numbers=empty,
                     dates=empty, negated=np.zeros(n, bool), denied=np.zeros(n, bool), headline=np.zeros(n, bool),
                     word_idf=[np.zeros(0, np.float32)] * n, rare=[np.zeros(0, bool)] * n,
                     atoms=[np.zeros((0, 0), np.float32)] * n, verbs=[np.zeros(0, int)] * n, numerals=empty)


def _scored(pairs: dict[tuple[int, int], float]) -> Scored:
    keys = sorted(pairs)
    i = np.asarray([k[0] for k in keys])
    j = np.asarray([k[1] for k in keys])
    p = np.asarray([pairs[k] for k in keys], np.float32)
    return Scored(i, j, p, p, np.zeros((len(keys), 1)), np.zeros(len(keys), bool), dict(zip(keys, map(float, p))))


def test_grouping_never_chains_through_one_member():
    # units 0, 1, 2 of three articles: 0~1 and 1~2 are one fact each, 0 and 2 are not
    matcher = load_matcher()
    groups, extra = group_units(_table([0, 1, 2]), _scored({(0, 1): 0.95, (1, 2): 0.9, (0, 2): 0.05}), matcher)
    assert sorted(map(sorted, groups)) in ([[0, 1], [2]], [[0], [1, 2]])
    members = {frozenset(g) for g in groups}
    assert frozenset({0, 1, 2}) not in members


def test_a_unit_stating_two_facts_joins_each_group_as_an_extra_mention():
    # unit 0 (article 0) states fact X with unit 1 and fact Y with unit 2; 1 and 2 (article 1) differ
    matcher = load_matcher()
    groups, extra = group_units(_table([0, 1, 1]), _scored({(0, 1): 0.95, (0, 2): 0.9, (1, 2): 0.02}), matcher)
    alone = next(n for n, g in enumerate(groups) if 0 not in g and 2 in g or g == [2])
    assert 0 in extra.get(alone, []), (groups, dict(extra))


def test_two_groups_of_mostly_the_same_sentences_are_one_fact():
    # units 0-4 of five articles: two first pairs (0, 1) and (2, 3) made two groups, and the same
    # sentences joined both as extra mentions; unit 5 and 6 are another fact
    from storyweave.link.claims.grouping import merge_restated

    groups, extra = merge_restated([[0, 1], [2, 3], [5, 6]], {0: [2, 3, 4], 1: [0, 1, 4]})
    assert len(groups) == 2 and sorted(groups[0] + extra.get(0, [])) == [0, 1, 2, 3, 4], (groups, dict(extra))
    assert sorted(map(sorted, groups))[1] == [5, 6]
    assert sorted(u for g in groups for u in g) == [0, 1, 2, 3, 5, 6]  # each unit still a member of one group
    # groups sharing one sentence of three stay apart
    groups, extra = merge_restated([[0, 1, 2], [2, 3, 4]], {})
    assert len(groups) == 2


def test_a_statement_of_what_happens_again_and_again_is_no_report_of_one_occasion():
    # "Iran is regularly struck by damaging quakes" (0) and "Strong earthquake jolts southern
    # Iran" (1) share words the matcher weighs; a pair that sure would be one fact between two
    # reports of one occasion, but a habit and an event are two facts unless all but certain
    from storyweave.link.claims.features import tells_no_occasion
    from storyweave.link.claims.grouping import OCCASION_MATCH

    assert tells_no_occasion("Iran sits in a volatile earthquake region and is regularly struck by damaging quakes.")
    assert tells_no_occasion("In recent years, the country has lost Internet service after cables were cut.")
    assert not tells_no_occasion("Strong earthquake jolts southern Iran, felt in Oman")
    assert not tells_no_occasion("He was stabbed repeatedly in the chest.")  # one occasion
    matcher = load_matcher()
    p = (matcher.threshold + OCCASION_MATCH) / 2
    table = _table([0, 1])
    table.generic = np.asarray([True, False])
    groups, _ = group_units(table, _scored({(0, 1): p}), matcher)
    assert sorted(map(sorted, groups)) == [[0], [1]]
    table.generic = np.asarray([True, True])  # two outlets telling the same habit: one fact
    groups, _ = group_units(table, _scored({(0, 1): p}), matcher)
    assert sorted(map(sorted, groups)) == [[0, 1]]


def _mentions(groups, extra) -> list[set[int]]:
    return [set(g) | set(extra.get(n, [])) for n, g in enumerate(groups)]


def test_a_second_sentence_of_an_article_in_the_group_joins_it_as_an_extra_mention():
    # article 0 states the fact in its headline (unit 0) and again in a long body sentence (1)
    # that says more; article 1 states it once (2); the headline and the body sentence are
    # no restatement of each other
    matcher = load_matcher()
    groups, extra = group_units(_table([0, 0, 1]), _scored({(0, 2): 0.95, (1, 2): 0.9, (0, 1): 0.3}), matcher)
    assert {0, 1, 2} in _mentions(groups, extra), (groups, dict(extra))


def test_one_pair_of_units_makes_one_group_not_two():
    # 0 (article 0) and 2 (article 1) are one group with 1 (article 1, a restatement of 2);
    # unit 3 (article 0) states a fact with 2 and 1 but is no restatement of 0: 2 joins 3's
    # group as an extra mention, and 3 then joins no other group with 2 in it
    matcher = load_matcher()
    pairs = {(0, 2): 0.95, (1, 2): 0.9, (0, 1): 0.9, (2, 3): 0.9, (0, 3): 0.1, (1, 3): 0.9}
    groups, extra = group_units(_table([0, 1, 1, 0]), _scored(pairs), matcher)
    together = [m for m in _mentions(groups, extra) if {2, 3} <= m]
    assert len(together) == 1, (groups, dict(extra))


@pytest.mark.evaldata
def test_seed_articles(seeds_dir, group_with, outlets_of):
    meta = json.loads((seeds_dir / "metadata.json").read_text(encoding="utf-8"))
    articles = articles_from_texts(
        [(name, (seeds_dir / name).read_text(encoding="utf-8"), info["outlet"], info.get("published"))
         for name, info in meta.items()])
    groups = align_claims(articles)
    taken = group_with(groups, "Rebel forces entered the Syrian city of Hama")
    assert taken.status == "corroborated" and outlets_of(taken) == {"Al Jazeera", "NBC News"}
    redeployed = group_with(groups, "redeployed and repositioned")
    assert outlets_of(redeployed) == {"Al Jazeera", "NBC News"}
    assert redeployed.independent_origins == 1 and redeployed.status == "single-source"
    aleppo = [g for g in groups if g.status == "contested" and g.text.startswith("Aleppo")]
    assert aleppo and len(aleppo[0].versions) == 2
    airport = group_with(groups, "military airport")
    assert airport.status == "single-source" and outlets_of(airport) == {"Al Jazeera"}
    prison = group_with(groups, "Hama Central Prison")
    assert prison.status == "single-source" and outlets_of(prison) == {"NBC News"}



def test_a_group_of_many_outlets_holds_one_fact():
    # the demo's Kimani Gray story (11 articles, 9 outlets): long summary sentences share one
    # fact each with the next, and chained the shooting's details into the riot's group
    import gzip
    from importlib.resources import files

    demo = files("storyweave.data.demo").joinpath("news-events-demo.jsonl.gz")
    with gzip.open(demo.open("rb"), "rt", encoding="utf-8") as handle:
        rows = [r for r in map(json.loads, handle) if r["story"] == "19-ecbplus"]
    groups = align_claims(articles_from_texts([(r["id"], r["text"], r["url"].split("/")[2], None) for r in rows]))

    def together(first: str, second: str) -> bool:
        return any(any(first in m.text for m in g.mentions) and any(second in m.text for m in g.mentions)
                   for g in groups)

    assert together("Chaos in Brooklyn as 100 teenagers", "Riot breaks out in Brooklyn")  # one riot
    # the vigil, the crowd, the shooting's details and an eyewitness are four facts
    assert not together("Dozens gathered to remember", "was shot eleven times")
    assert not together("Police struggled to control a hostile crowd", "was shot eleven times")
    assert not together("Police struggled to control a hostile crowd", "bird’s-eye view")


def test_a_group_is_told_by_its_most_typical_member_and_no_text_tells_two_groups():
    from types import SimpleNamespace

    from storyweave.link.claims.align import _representative

    def unit(text: str):
        claim = SimpleNamespace(text=text, display=text, headline=False, hedged=False, negated=False)
        return SimpleNamespace(claim=claim)

    # the shortest member, less like the others (0.76 on average against 0.84), does not tell
    # the group: the shortest of the most typical does
    units = [unit("Neighbours complained of speeding cars."),
             unit("Raj Chohan was hit by a car on 117th Street near 97th Avenue."),
             unit("Chohan was walking on 117th Street when a car hit her and drove off."),
             unit("A car hit a woman walking on 117th Street.")]
    table = _table([0, 1, 2, 3])
    scored = _scored({(0, 1): 0.76, (0, 2): 0.76, (0, 3): 0.76, (1, 2): 0.88, (1, 3): 0.88, (2, 3): 0.88})
    members = [0, 1, 2, 3]
    assert _representative(members, units, table, scored) is units[3]
    # once its text tells one group, another group it joined is told by another member
    told = {units[3].claim.display}
    assert _representative(members, units, table, scored, told) is units[1]
    # a member in fewer groups states fewer other facts: it tells the group before a shorter
    # one that is also in two other groups
    facts = {0: 1, 1: 2, 2: 1, 3: 3}
    assert _representative(members, units, table, scored, set(), facts) is units[2]
    # a member that opens on a pronoun it does not resolve reads alone only after one that names
    units[3] = unit("She was hit by a car on 117th Street.")
    assert _representative(members, units, table, scored) is units[1]
