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
