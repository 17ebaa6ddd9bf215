"""storyweave_events on hand-written sentences and on the seed articles."""

from __future__ import annotations

import json

import pytest

from storyweave.nlp.events import COMPONENT
from storyweave.nlp.events.coding import load_event_rules
from storyweave.nlp.pipeline import load_analyzer, make_doc

PUBLISHED = "2024-12-05"


@pytest.fixture(scope="module")
def nlp():
    pipeline = load_analyzer()
    assert COMPONENT in pipeline.pipe_names
    return pipeline


def events(nlp, text, published=PUBLISHED):
    return nlp(make_doc(nlp, text, published))._.events


def only(found, lemma):
    matches = [e for e in found if e.lemma == lemma]
    assert len(matches) == 1, found
    return matches[0]


def test_lexicon_has_plover_types_and_modes():
    rules = load_event_rules()
    assert rules.verbs["capture"] == ("ASSAULT", None)
    assert rules.nouns["airstrike"] == ("ASSAULT", "aerial")
    assert rules.verbs["withdraw"] == ("RETREAT", "withdraw")
    assert "say" not in rules.lemmas()  # not every verb is an event


def test_active_voice_actor_target_place_date(nlp):
    event = only(events(nlp, "Rebels captured the city of Hama on Thursday."), "capture")
    assert (event.type, event.code, event.action) == ("ASSAULT", "ASSAULT", "captured")
    assert event.actor == "Rebels"
    assert event.target == "the city of Hama"
    assert event.place == "Hama" and event.place_entity
    assert (event.date, event.date_text) == ("2024-12-05", "Thursday")
    assert not event.background and event.attributed_to is None
    text = "Rebels captured the city of Hama on Thursday."
    assert text[event.trigger_start : event.trigger_end] == "captured"
    assert text[event.actor_start : event.actor_end] == "Rebels"


def test_passive_voice_agent_is_actor(nlp):
    event = only(events(nlp, "The city was captured by rebels on Tuesday."), "capture")
    assert event.actor == "rebels"
    assert event.target == "The city"
    assert event.date == "2024-12-03"


def test_eventive_noun_with_mode_and_possessor(nlp):
    found = events(nlp, "Israel's airstrikes on Gaza killed dozens of people.")
    strike = only(found, "airstrike")
    assert strike.code == "ASSAULT.aerial"
    assert strike.actor == "Israel"
    assert strike.target == "Gaza"
    assert only(found, "kill").type == "ASSAULT"


def test_object_control_and_date_from_governing_clause(nlp):
    text = "Opposition forces entered Hama on Thursday after intense fighting, prompting its units to withdraw from the city."
    withdraw = only(events(nlp, text), "withdraw")
    assert withdraw.code == "RETREAT.withdraw"
    assert withdraw.actor == "its units"
    assert withdraw.place == "Hama"  # "the city" refers back to Hama
    assert withdraw.date == "2024-12-05"


def test_infinitive_of_an_object_noun_is_done_by_the_clause_subject(nlp):
    supply = only(events(nlp, "Lockheed Martin signed a deal to supply Poland with fighter jets."), "supply")
    assert supply.actor == "Lockheed Martin"
    ban = only(events(nlp, "The city council took the decision to ban the march."), "ban")
    assert ban.actor == "The city council"


def test_a_time_after_a_preposition_is_not_the_target(nlp):
    attack = only(events(nlp, "The rebels attacked on Monday, officials said."), "attack")
    assert attack.target is None and attack.actor == "The rebels"


def test_date_from_coordinated_clause(nlp):
    text = "Rebel forces entered the Syrian city of Hama and forced out government troops Thursday."
    found = events(nlp, text)
    forced = only(found, "force out")
    assert (forced.action, forced.actor, forced.target) == ("forced out", "Rebel forces", "government troops")
    entered = only(found, "enter")
    assert entered.place == "Hama" and entered.date == "2024-12-05"


def test_no_date_is_invented(nlp):
    event = only(events(nlp, "Government troops withdrew from Aleppo."), "withdraw")
    assert event.date is None and event.date_text is None
    assert event.place == "Aleppo"


def test_background_old_date_and_pluperfect(nlp):
    old = only(events(nlp, "The army attacked the town in 2011."), "attack")
    assert old.date == "2011" and old.background
    pluperfect = only(events(nlp, "By then the rebels had captured the airport."), "capture")
    assert pluperfect.background
    fresh = only(events(nlp, "The rebels captured the airport on Wednesday."), "capture")
    assert not fresh.background


def test_background_perfect_with_never_and_throughout(nlp):
    never = only(events(nlp, "Rebels have never before captured the city."), "capture")
    assert never.background
    throughout = only(events(nlp, "Hama stayed in government hands throughout the war."), "war")
    assert throughout.background


def test_attributed_events_in_quotes_and_reported_speech(nlp):
    text = 'The Syrian army said rebels attacked the base. "We freed the prisoners," Serdar said.'
    found = events(nlp, text)
    attack = only(found, "attack")
    assert attack.attributed_to == "Syrian army"
    freed = only(found, "free")
    assert freed.code == "RETREAT.release" and freed.attributed_to == "Serdar"


def test_reported_pluperfect_is_not_background(nlp):
    text = "The commander told reporters that fighters had freed hundreds of prisoners."
    freed = only(events(nlp, text), "free")
    assert freed.attributed_to and not freed.background


def test_descriptors_and_ordinary_verbs_are_not_events(nlp):
    found = events(nlp, "Opposition forces said the imprisoned men ate lunch.")
    assert found == ()


@pytest.fixture(scope="module")
def seed_events(nlp, seeds_dir):
    meta = json.loads((seeds_dir / "metadata.json").read_text(encoding="utf-8"))
    out = {}
    for name, info in meta.items():
        text = (seeds_dir / name).read_text(encoding="utf-8")
        out[info["outlet"]] = events(nlp, text, info["published"])
    return out


def test_seed_capture_of_hama(seed_events):
    aj = seed_events["Al Jazeera"]
    capture = next(e for e in aj if e.lemma == "capture" and e.place == "Hama" and e.actor)
    assert capture.actor == "Opposition forces" and capture.type == "ASSAULT"
    assert capture.date == "2024-12-05" and not capture.background
    nbc = seed_events["NBC News"]
    entered = next(e for e in nbc if e.lemma == "enter" and e.place == "Hama")
    assert entered.actor == "Rebel forces" and entered.date == "2024-12-05"
    forced = next(e for e in nbc if e.lemma == "force out")
    assert forced.target == "government troops" and forced.date == "2024-12-05"


def test_seed_withdrawal_is_retreat_with_place_and_date(seed_events):
    withdraw = next(e for e in seed_events["Al Jazeera"] if e.lemma == "withdraw")
    assert withdraw.type == "RETREAT" and withdraw.actor == "its units"
    assert withdraw.place == "Hama" and withdraw.date == "2024-12-05"
    assert withdraw.attributed_to == "Syrian army"
    redeployed = [e for e in seed_events["NBC News"] if e.lemma == "redeploy"]
    assert any(e.actor == "the military units" and e.type == "RETREAT" for e in redeployed)


def test_seed_war_that_erupted_in_2011_is_background(seed_events):
    war = next(e for e in seed_events["Al Jazeera"] if e.lemma == "war" and e.date == "2011")
    assert war.background
    assert all(not e.background for e in seed_events["Al Jazeera"] if e.date == "2024-12-05")


def test_entity_at_is_the_most_overlapping_mention_first_in_text_order():
    # _Article.entity_at skips the mentions that end before the span: the same answer as
    # looking at every mention
    from spacy.tokens import Doc
    from spacy.vocab import Vocab

    from storyweave.nlp.events.component import _Article

    article = _Article(Doc(Vocab(), words=["x"]))
    article.mentions = sorted([(0, 40, "a", "A", "ORG"), (5, 9, "b", "B", "GPE"), (12, 20, "c", "C", "GPE"),
                               (12, 16, "d", "D", "GPE"), (30, 33, "e", "E", "PERSON"), (50, 52, "f", "F", "ORG")])
    article._mention_starts = [m[0] for m in article.mentions]
    article._longest_mention = max(m[1] - m[0] for m in article.mentions)

    def every_mention(start, end):
        best, best_overlap = None, 0
        for m in article.mentions:
            overlap = min(end, m[1]) - max(start, m[0])
            if m[0] < end and overlap > best_overlap:
                best, best_overlap = m, overlap
        return best

    for start in range(0, 55):
        for end in range(start, 56):
            assert article.entity_at(start, end) == every_mention(start, end)
