"""Incremental clustering on hand-made article streams.

The encoder here is a real, tiny bag-of-words embedder (hashing words into a
fixed vector), not a mock: it makes the similarity of the hand-written texts
predictable, so the tests check the clustering logic rather than MiniLM.
"""

from __future__ import annotations

import datetime as dt
import re
import zlib

import numpy as np
import pytest

from storyweave.link.clustering import ClusterInput, ClusterParams, StoryClusterer, cluster_stream
from storyweave.link.embeddings import Embedder, lead_text

DIM = 512


def _bag_of_words(texts: list[str]) -> np.ndarray:
    rows = np.zeros((len(texts), DIM), dtype=np.float32)
    for i, text in enumerate(texts):
        for word in re.findall(r"[a-z]{4,}", text.lower()):
            rows[i, zlib.crc32(word.encode()) % DIM] += 1.0
    return rows


EMBEDDER = Embedder("bag-of-words", DIM, _bag_of_words)
PARAMS = ClusterParams(threshold=0.75, threshold_plain=0.5)

QUAKE = "Earthquake strikes northern Chile coast, buildings collapse in Iquique, tsunami warning issued."
QUAKE_2 = "Tsunami warning after earthquake strikes Chile coast near Iquique; buildings collapse."
QUAKE_3 = "Chile earthquake: buildings collapse in Iquique as tsunami warning is issued for the coast."
TRADE = "Footballer transfer agreed: striker signs five-year contract with Madrid club for record fee."
TRADE_2 = "Madrid club signs striker on five-year contract after record transfer fee agreed."


def _article(aid: str, text: str, published: dt.datetime | None = None, entities=()) -> ClusterInput:
    return ClusterInput(aid, None, text, published, "outlet", frozenset(entities))


def test_same_event_joins_and_other_event_starts_a_story():
    clusterer = StoryClusterer(EMBEDDER, PARAMS)
    got = cluster_stream(clusterer, [
        _article("q1", QUAKE), _article("t1", TRADE), _article("q2", QUAKE_2),
        _article("t2", TRADE_2), _article("q3", QUAKE_3),
    ])
    story = {a.article_id: a.story_id for a in got}
    assert story["q1"] == story["q2"] == story["q3"]
    assert story["t1"] == story["t2"]
    assert story["q1"] != story["t1"]
    assert [a.new_story for a in got] == [True, True, False, False, False]
    assert len(clusterer.stories()) == 2


def test_no_dates_no_penalty_and_dates_give_first_last_seen():
    undated = StoryClusterer(EMBEDDER, PARAMS)
    assert undated.add(_article("a", QUAKE)).story_id == undated.add(_article("b", QUAKE_2)).story_id
    story = undated.stories()[0]
    assert story.first_seen is None and story.last_seen is None

    dated = StoryClusterer(EMBEDDER, PARAMS)
    day = dt.datetime(2024, 12, 5, 9, tzinfo=dt.UTC)
    dated.add(_article("a", QUAKE, day))
    dated.add(_article("b", QUAKE_2, day + dt.timedelta(hours=5)))
    dated.add(_article("c", QUAKE_3, None))  # an undated member does not move the span
    story = dated.stories()[0]
    assert story.size == 3
    assert story.first_seen == "2024-12-05T09:00:00" and story.last_seen == "2024-12-05T14:00:00"


def test_time_decay_separates_the_same_words_months_apart():
    day = dt.datetime(2024, 1, 10)
    near, far = StoryClusterer(EMBEDDER, PARAMS), StoryClusterer(EMBEDDER, PARAMS)
    for clusterer in (near, far):
        clusterer.add(_article("a", QUAKE, day))
    later = near.add(_article("b", QUAKE_2, day + dt.timedelta(days=1)))
    months = far.add(_article("b", QUAKE_2, day + dt.timedelta(days=120)))
    assert not later.new_story
    assert months.new_story
    story = far.state.stories[far.state.article_story["a"]]
    vector = EMBEDDER.encode([QUAKE_2])[0]
    one_day = far.score(story, _article("x", QUAKE_2, day + dt.timedelta(days=1)), vector, 0.9)
    same_day = far.score(story, _article("x", QUAKE_2, day), vector, 0.9)
    ten_days = far.score(story, _article("x", QUAKE_2, day + dt.timedelta(days=10)), vector, 0.9)
    assert same_day > one_day > ten_days


def test_shared_rare_entities_raise_the_score():
    clusterer = StoryClusterer(EMBEDDER, PARAMS)
    clusterer.add(_article("a", QUAKE, entities={"iquique", "chile"}))
    clusterer.add(_article("b", TRADE, entities={"madrid", "chile"}))
    story = clusterer.state.stories[clusterer.state.article_story["a"]]
    vector = EMBEDDER.encode([QUAKE_2])[0]
    # "iquique" is in one article so far, "chile" in both, "santiago" in none.
    shared = clusterer.score(story, _article("x", QUAKE_2, entities={"iquique", "santiago"}), vector, 0.5)
    common = clusterer.score(story, _article("x", QUAKE_2, entities={"chile", "santiago"}), vector, 0.5)
    other = clusterer.score(story, _article("x", QUAKE_2, entities={"santiago"}), vector, 0.5)
    assert shared > common > other


def test_replaced_names_count_as_if_the_article_had_joined_with_them():
    def clustered(entities_of_b):
        clusterer = StoryClusterer(EMBEDDER, PARAMS)
        clusterer.add(_article("a", QUAKE, entities={"iquique", "chile"}))
        clusterer.add(_article("b", QUAKE_2, entities=entities_of_b))
        clusterer.take_delta()
        return clusterer

    reanalysed = clustered({"chile", "old-artifact"})
    reanalysed.replace_names(_article("b", "", entities={"chile", "old-artifact"}),
                             _article("b", "", entities={"chile", "iquique"}))
    expected = clustered({"chile", "iquique"}).state
    assert reanalysed.state.stories == expected.stories
    assert {k: v for k, v in reanalysed.state.doc_freq.items() if v} == expected.doc_freq
    delta = reanalysed.take_delta()
    assert delta["doc_freq"] == {"e:iquique": 2, "e:old-artifact": 0}
    assert set(delta["stories"]) == set(expected.stories)
    reanalysed.replace_names(_article("unknown", ""), _article("unknown", "", entities={"x"}))  # not clustered here
    assert reanalysed.take_delta()["doc_freq"] == {}


def test_reingesting_an_article_keeps_its_story():
    clusterer = StoryClusterer(EMBEDDER, PARAMS)
    first = clusterer.add(_article("a", QUAKE))
    again = clusterer.add(_article("a", QUAKE))
    assert again.story_id == first.story_id and clusterer.stories()[0].size == 1


def test_story_title_is_a_central_member_title():
    clusterer = StoryClusterer(EMBEDDER, PARAMS)
    for aid, title in (("a", "Quake hits Chile"), ("b", "Chile earthquake"), ("c", "Tsunami warning for Chile")):
        clusterer.add(ClusterInput(aid, title, QUAKE if aid != "c" else QUAKE_3))
    story = clusterer.stories()[0]
    assert story.size == 3
    assert story.title in {"Quake hits Chile", "Chile earthquake", "Tsunami warning for Chile"}
    assert clusterer.state.titles[story.title_article] == story.title


def test_save_and_load_continue_the_same_clustering(tmp_path):
    clusterer = StoryClusterer(EMBEDDER, PARAMS)
    cluster_stream(clusterer, [_article("q1", QUAKE), _article("t1", TRADE)])
    clusterer.save(tmp_path / "stories")
    reopened = StoryClusterer.load(tmp_path / "stories", EMBEDDER, PARAMS)
    assert reopened.state == clusterer.state
    joined = reopened.add(_article("q2", QUAKE_2))
    assert joined.story_id == clusterer.state.article_story["q1"] and not joined.new_story


def test_lead_text_takes_title_and_first_sentences():
    text = "Rebels took Hama. The army left. Residents fled north. A fourth sentence."
    assert lead_text("Hama falls", text, sentences=3) == "Hama falls. Rebels took Hama. The army left. Residents fled north."
    assert lead_text("Rebels took Hama", text, sentences=1) == "Rebels took Hama. The army left."


def test_unknown_encoder_is_refused():
    from storyweave.errors import ConfigError
    from storyweave.link.embeddings import load_embedder

    with pytest.raises(ConfigError, match="minilm"):
        load_embedder("word2vec")


PERU = "Earthquake strikes southern Peru coast, buildings collapse in Arequipa, tsunami warning issued in 2007."


def test_specifics_are_numbers_and_names_not_sentence_starts():
    from storyweave.link.clustering import latest_year, specifics

    got = specifics("Quake hits Chile", "Officials said a 7.6 quake hit Iquique. Rescuers reached 1,200 homes in March 2014.")
    assert {"chile", "iquique", "march", "#7.6", "#1200", "#2014"} <= got
    assert "officials" not in got and "rescuers" not in got and "quake" not in got
    assert latest_year("Built in 1998, rebuilt in 2010 after the 2010 quake.") == "2010"
    assert latest_year("No year here.") is None


def test_conflicting_specifics_lower_the_score_of_the_same_kind_of_event():
    clusterer = StoryClusterer(EMBEDDER, PARAMS)
    clusterer.add(_article("c1", QUAKE + " It struck in 2014."))
    clusterer.add(_article("p1", PERU))
    story = clusterer.state.stories[clusterer.state.article_story["c1"]]
    # the same generic wording, but only one of them shares the story's place and year
    same = _article("c2", QUAKE_2 + " It struck in 2014.")
    other = _article("p2", "Tsunami warning after earthquake strikes coast near Arequipa; buildings collapse in 2007.")
    vectors = EMBEDDER.encode([same.text, other.text])
    members = ["c1"]
    assert clusterer.score(story, same, vectors[0], 0.8, members) > clusterer.score(story, other, vectors[1], 0.8, members)
    # the year conflict alone: the article never mentions the story's 2014
    assert clusterer._year_conflict(story, other) == 1.0 and clusterer._year_conflict(story, same) == 0.0


def test_state_written_before_specifics_still_loads(tmp_path):
    import json

    clusterer = StoryClusterer(EMBEDDER, PARAMS)
    cluster_stream(clusterer, [_article("q1", QUAKE), _article("t1", TRADE)])
    data = clusterer.state.to_json()
    del data["article_specifics"]
    for story in data["stories"].values():
        del story["years"]
    folder = tmp_path / "stories"
    clusterer.save(folder)
    (folder / "stories.json").write_text(json.dumps(data), encoding="utf-8")
    reopened = StoryClusterer.load(folder, EMBEDDER, PARAMS)
    assert reopened.state.article_specifics == {}
    assert reopened.add(_article("q2", QUAKE_2)).story_id == clusterer.state.article_story["q1"]


def test_an_untitled_article_titles_its_story_with_its_first_line_cut_at_a_word():
    from storyweave.link.clustering import TITLE_CHARS, story_title

    line = "Main opposition armed group says rebels have full control of Hama, the fourth-largest city in the country"
    title = story_title(None, line + "\nOpposition forces have captured the city of Hama.")
    assert title.endswith("…") and len(title) <= TITLE_CHARS + 1 and "fourth-la…" not in title
    assert title[:-1] == line[: len(title) - 1]
    assert story_title("Rebels take Hama", line) == "Rebels take Hama"
    assert story_title(None, "\n\nShort headline\nBody.") == "Short headline"
