"""Cross-document entity resolution (storyweave.link.entities) on hand-made records and the seeds."""

from __future__ import annotations

import importlib.util
import json
import random
import shutil
from pathlib import Path

import pytest

from storyweave.errors import ConfigError
from storyweave.link.entities import (
    EntityIndex,
    EntityRecord,
    EntityStateError,
    records_from_entities,
    resolve_entities,
)
from storyweave.names import RULES, initials, is_acronym, load_name_rules, name_key, person_key

AJ, NBC = "aljazeera", "nbc"


def rec(article, name, type_="PERSON", aliases=(), geonameid=None, mentions=1, context=(), key=None):
    return EntityRecord(
        article,
        key or f"{type_.lower()}:{name.lower()}",
        name,
        type_,
        tuple(aliases),
        geonameid,
        mentions,
        frozenset(context),
    )


def seed_records() -> list[EntityRecord]:
    """The seeds' entities as storyweave.nlp.entities gives them, plus three more outlets."""
    return [
        rec(AJ, "Bashar al-Assad", aliases=("al-Assad", "Al-Assad", "Assad"), mentions=7),
        rec(AJ, "Abu Mohammed al-Julani", aliases=("al-Julani", "Julani"), mentions=3),
        rec(AJ, "Hayat Tahrir al-Sham", "ORG", aliases=("HTS",), mentions=3),
        rec(AJ, "Samuel Ramani", aliases=("Ramani",), mentions=2),
        rec(AJ, "Royal United Services Institute", "ORG"),
        rec(AJ, "Hama", "GPE", geonameid=170017, mentions=14),
        rec(NBC, "Bashar al-Assad", aliases=("Assad",), mentions=9),
        rec(NBC, "Hafez al-Assad"),
        rec(NBC, "Hayat Tahrir al-Sham", "ORG", aliases=("HTS",), mentions=5),
        rec(NBC, "Samuel Ramani", aliases=("Ramani",), mentions=3),
        rec(NBC, "Royal United Services Institute", "ORG", aliases=("RUSI",), mentions=2),
        rec(NBC, "Hama", "GPE", geonameid=170017, mentions=12),
        rec("other-1", "Jolani", context=("HTS", "Idlib")),
        rec("other-2", "Golani", mentions=2),
        rec("other-3", "HTS", "ORG", mentions=4),
        rec("other-3", "Muhammad al-Jawlani", mentions=2),
    ]


def test_seed_entities_are_one_across_outlets_and_hafez_stays_apart():
    resolution = resolve_entities(seed_records())
    of = resolution.assignments
    assert of[(AJ, "person:samuel ramani")] == of[(NBC, "person:samuel ramani")] == "person:samuel-ramani"
    assert (
        of[(AJ, "org:hayat tahrir al-sham")]
        == of[(NBC, "org:hayat tahrir al-sham")]
        == of[("other-3", "org:hts")]
    )
    assert (
        of[(AJ, "person:bashar al-assad")] == of[(NBC, "person:bashar al-assad")] == "person:bashar-al-assad"
    )
    assert of[(NBC, "person:hafez al-assad")] == "person:hafez-al-assad"
    julani = {
        of[(AJ, "person:abu mohammed al-julani")],
        of[("other-1", "person:jolani")],
        of[("other-2", "person:golani")],
        of[("other-3", "person:muhammad al-jawlani")],
    }
    assert julani == {"person:abu-mohammed-al-julani"}
    entity = resolution.entities["person:abu-mohammed-al-julani"]
    assert entity.name == "Abu Mohammed al-Julani"
    assert {"Julani", "al-Julani", "Jolani", "Golani", "Muhammad al-Jawlani"} <= set(entity.aliases)
    hts = resolution.entity_of("other-3", "org:hts")
    assert (hts.id, hts.name, hts.type, hts.records) == (
        "org:hayat-tahrir-al-sham",
        "Hayat Tahrir al-Sham",
        "ORG",
        3,
    )
    assert resolution.entity_of(AJ, "org:royal united services institute").aliases == ("RUSI",)
    assert of[(AJ, "gpe:hama")] == of[(NBC, "gpe:hama")] == "place:hama-170017"


def test_mohammed_and_muhammad_spellings_are_one_person():
    resolution = resolve_entities(
        [
            rec("a", "Mohammed bin Salman", mentions=3),
            rec("b", "Muhammad bin Salman"),
            rec("c", "Mohamed Bin Salman"),
        ]
    )
    assert set(resolution.assignments.values()) == {"person:mohammed-bin-salman"}


def test_a_given_name_spelled_two_ways_is_one_person_but_two_given_names_are_two():
    resolution = resolve_entities(
        [rec("a", "Carolos Papoulias", mentions=2), rec("b", "Karolos Papoulias"),
         rec("c", "Daniel Smith"), rec("d", "Danielle Smith"),  # two edits apart: two people
         rec("e", "Jane Smith"), rec("f", "June Smith")]  # short given names: two people
    )
    of = resolution.assignments
    assert of[("a", "person:carolos papoulias")] == of[("b", "person:karolos papoulias")]
    assert of[("c", "person:daniel smith")] != of[("d", "person:danielle smith")]
    assert of[("e", "person:jane smith")] != of[("f", "person:june smith")]


def test_bare_surname_follows_context_then_dominance():
    people = [rec("a", "Bashar al-Assad", mentions=10), rec("b", "Hafez al-Assad", mentions=2)]
    resolution = resolve_entities(
        people
        + [
            rec("c", "Assad", context=("Hafez", "Syria")),
            rec("d", "Assad", context=("Syria", "Damascus")),
            rec("e", "al-Assad", context=("Hafez al-Assad International Airport",)),
        ]
    )
    assert resolution.assignments[("c", "person:assad")] == "person:hafez-al-assad"
    assert resolution.assignments[("d", "person:assad")] == "person:bashar-al-assad"
    assert resolution.assignments[("e", "person:al-assad")] == "person:hafez-al-assad"


def test_bare_surname_without_a_dominant_person_stays_apart():
    resolution = resolve_entities(
        [
            rec("a", "Bashar al-Assad", mentions=3),
            rec("b", "Hafez al-Assad", mentions=2),
            rec("c", "Assad"),
        ]
    )
    assert resolution.assignments[("c", "person:assad")] == "person:assad"
    assert len(resolution.entities) == 3


def test_bare_surname_of_one_person_joins_and_unknown_surname_does_not():
    resolution = resolve_entities([rec("a", "Samuel Ramani"), rec("b", "Ramani"), rec("c", "Romano")])
    assert resolution.assignments[("b", "person:ramani")] == "person:samuel-ramani"
    assert resolution.assignments[("c", "person:romano")] == "person:romano"


def test_bare_surname_prefers_the_person_spelled_the_same_over_a_transliteration():
    resolution = resolve_entities(
        [rec("a", "Yvonne Hiller", mentions=12), rec("b", "Mark Heller", mentions=2), rec("c", "Heller")]
    )
    assert resolution.assignments[("c", "person:heller")] == "person:mark-heller"
    # one person in the block: a variant spelling still finds them ("Golani" is al-Julani)
    alone = resolve_entities([rec("a", "Yvonne Hiller"), rec("c", "Heller")])
    assert alone.assignments[("c", "person:heller")] == "person:yvonne-hiller"


def test_different_given_names_are_never_merged_even_through_a_short_form():
    resolution = resolve_entities(
        [
            rec("a", "George W. Bush", mentions=5),
            rec("b", "George Bush", mentions=2),
            rec("c", "Jeb Bush"),
        ]
    )
    of = resolution.assignments
    assert (
        of[("b", "person:george bush")] == of[("a", "person:george w. bush")] != of[("c", "person:jeb bush")]
    )


def test_places_merge_by_geonameid_only():
    resolution = resolve_entities(
        [
            rec("a", "Damascus", "GPE", geonameid=170654),
            rec("b", "Dimashq", "GPE", geonameid=170654),
            rec("c", "Damascus", "GPE", geonameid=4352539),
            rec("d", "Damascus", "GPE"),  # no id and two geocoded Damascuses: ambiguous, kept apart
            rec("e", "Homs", "GPE", geonameid=169577),
            rec("f", "Homs", "LOC"),  # no id, one Homs: joins it
        ]
    )
    of = resolution.assignments
    assert of[("a", "gpe:damascus")] == of[("b", "gpe:dimashq")] == "place:damascus-170654"
    assert of[("c", "gpe:damascus")] == "place:damascus-4352539"
    assert of[("d", "gpe:damascus")] not in {"place:damascus-170654", "place:damascus-4352539"}
    assert of[("f", "loc:homs")] == "place:homs-169577"


def test_types_are_never_mixed_and_org_meets_norp_only_through_an_alias():
    resolution = resolve_entities(
        [
            rec("a", "Hama", "PERSON"),
            rec("b", "Hama", "GPE", geonameid=170017),
            rec("c", "Hezbollah", "ORG"),
            rec("d", "Hezbollah", "NORP"),
        ]
    )
    assert len(set(resolution.assignments.values())) == 4
    linked = resolve_entities(
        [rec("c", "Hezbollah", "ORG", aliases=("Hizbullah",)), rec("d", "Hizbullah", "NORP")]
    )
    assert len(set(linked.assignments.values())) == 1
    assert next(iter(linked.entities.values())).type == "ORG"


def test_organisation_variants_and_acronyms():
    resolution = resolve_entities(
        [
            rec("a", "al-Qaeda", "ORG", mentions=2),
            rec("b", "Al Qaida", "ORG"),
            rec("c", "the Kremlin", "ORG"),
            rec("d", "Kremlin", "ORG"),
            rec("e", "RUSI", "ORG"),
            rec("f", "Royal United Services Institute", "ORG"),
            rec("g", "Kurdistan Workers' Party", "ORG", aliases=("PKK",)),
            rec("h", "PKK", "ORG"),
        ]
    )
    of = resolution.assignments
    assert of[("a", "org:al-qaeda")] == of[("b", "org:al qaida")] == "org:al-qaeda"
    assert of[("c", "org:the kremlin")] == of[("d", "org:kremlin")]
    assert of[("e", "org:rusi")] == of[("f", "org:royal united services institute")]
    assert of[("h", "org:pkk")] == of[("g", "org:kurdistan workers' party")] == "org:kurdistan-workers-party"


def test_acronym_that_two_expansions_declare_stays_apart():
    resolution = resolve_entities(
        [
            rec("a", "Palestinian Authority", "ORG", aliases=("PA",), mentions=2),
            rec("b", "Press Association", "ORG", aliases=("PA",), mentions=2),
            rec("c", "PA", "ORG"),
        ]
    )
    assert len(set(resolution.assignments.values())) == 3
    assert resolution.assignments[("c", "org:pa")] == "org:pa"


def test_result_does_not_depend_on_input_order():
    records = seed_records() + [
        rec("x", "Assad", context=("Hafez",)),
        rec("y", "Dimashq", "GPE", geonameid=170654),
    ]
    expected = resolve_entities(records)
    for seed in range(5):
        shuffled = records[:]
        random.Random(seed).shuffle(shuffled)
        assert resolve_entities(shuffled) == expected


def test_incremental_index_matches_batch_and_survives_save_and_load():
    records = seed_records()
    index = EntityIndex()
    first = index.add([r for r in records if r.article_id == AJ])
    assert first.assignments[(AJ, "person:bashar al-assad")] == "person:bashar-al-assad"
    restored = EntityIndex.from_dict(json.loads(json.dumps(index.to_dict())))
    second = restored.add([r for r in records if r.article_id != AJ])
    assert second.assignments[(NBC, "person:bashar al-assad")] == "person:bashar-al-assad"
    assert second.assignments[(NBC, "person:hafez al-assad")] == "person:hafez-al-assad"
    assert second.assignments[("other-2", "person:golani")] == "person:abu-mohammed-al-julani"
    assert second.assignments[("other-3", "org:hts")] == "org:hayat-tahrir-al-sham"
    batch = resolve_entities(records)
    combined = {**first.assignments, **second.assignments}
    assert combined == batch.assignments
    assert restored.entities() == batch.entities


def test_incremental_bridge_reports_merged_ids():
    index = EntityIndex()
    assert index.add([rec("a", "PKK", "ORG")]).assignments[("a", "org:pkk")] == "org:pkk"
    later = index.add([rec("b", "Kurdistan Workers' Party", "ORG", aliases=("PKK",))])
    assert later.merged == {"org:pkk": "org:kurdistan-workers-party"}
    assert set(index.entities()) == {"org:kurdistan-workers-party"}
    assert index.entities()["org:kurdistan-workers-party"].records == 2


def test_bare_surname_met_first_joins_the_one_full_name_that_comes_later():
    """One article at a time, as ``watch`` links, gives what one batch gives."""
    records = [rec("a", "Ramani", mentions=2), rec("b", "Samuel Ramani"), rec("c", "Ramani")]
    index = EntityIndex()
    first = index.add(records[:1])
    assert first.assignments[("a", "person:ramani")] == "person:ramani"
    later = index.add(records[1:2])
    assert later.merged == {"person:ramani": "person:samuel-ramani"}
    index.add(records[2:])
    assert index.entities() == resolve_entities(records).entities


def test_bare_surname_met_first_stays_apart_when_two_full_names_share_it():
    index = EntityIndex()
    index.add([rec("a", "Bush")])
    index.add([rec("b", "George W. Bush"), rec("b", "Jeb Bush")])
    assert index.add([rec("c", "Laura Bush")]).merged == {}
    assert "person:bush" in index.entities()


def _added_then_withdrawn(kept: list[EntityRecord], taken_back: list[EntityRecord]) -> EntityIndex:
    index = EntityIndex()
    index.add(kept)
    went_to = index.add(taken_back).assignments
    restored = EntityIndex.from_dict(json.loads(json.dumps(index.to_dict())))
    withdrawal = restored.withdraw((r, went_to[(r.article_id, r.key)]) for r in taken_back)
    assert set(withdrawal.changed).isdisjoint(withdrawal.removed)
    return restored


def test_withdrawn_articles_leave_the_entities_as_if_never_added():
    records = seed_records()
    late = [r for r in records if r.article_id in (NBC, "other-2")]
    index = _added_then_withdrawn([r for r in records if r not in late], late)
    assert index.entities() == resolve_entities([r for r in records if r not in late]).entities
    assert "person:hafez-al-assad" not in index.entities()  # only NBC named him
    assert index.entities()["person:bashar-al-assad"].mentions == 7


def test_withdrawn_entity_leaves_its_keys_and_a_new_analysis_takes_its_place():
    index = EntityIndex()
    index.add([rec("a", "Hama", "GPE", geonameid=170017), rec("a", "PKK", "ORG")])
    first = index.add([rec("b", "Kurdistan Workers' Party", "ORG", aliases=("PKK",), mentions=3),
                       rec("b", "Samuel Ramani", aliases=("Ramani",))])
    old = [rec("b", "Kurdistan Workers' Party", "ORG", aliases=("PKK",), mentions=3),
           rec("b", "Samuel Ramani", aliases=("Ramani",))]
    index.take_delta()
    withdrawal = index.withdraw((r, first.assignments[("b", r.key)]) for r in old)
    assert withdrawal.removed == {"person:samuel-ramani"}
    assert index.entities()["org:kurdistan-workers-party"].records == 1  # "a"'s PKK, merged in earlier
    delta = index.take_delta()
    assert delta["removed"] == ["person:samuel-ramani"]
    # the re-analysis reads "Ramani" alone: no full-name person is left for it to join
    again = index.add([rec("b", "Ramani")])
    assert again.assignments[("b", "person:ramani")] == "person:ramani"
    assert EntityIndex.fold(None, [delta, index.take_delta()])["entities"][-1]["id"] == "person:ramani"


def test_state_with_another_version_is_refused():
    with pytest.raises(EntityStateError, match="rebuild"):
        EntityIndex.from_dict({"version": 99, "entities": []})


def test_names_fold_transliterations_and_form_acronyms():
    rules = load_name_rules()
    assert {
        person_key(n, rules)[-1] for n in ("Julani", "al-Julani", "Jolani", "Golani", "Jawlani", "el-Joulani")
    } == {"julani"}
    assert person_key("President Bashar al-Assad", rules) == person_key("Bashar Assad", rules)
    assert person_key("Romano", rules) != person_key("Ramani", rules)
    assert name_key("Hay'at Tahrir ash-Sham", "org", rules) == name_key("Hayat Tahrir al-Sham", "org", rules)
    assert initials("Hayat Tahrir al-Sham", rules) == "HTS"
    assert initials("the Syrian Observatory for Human Rights", rules) == "SOHR"
    assert [is_acronym(t) for t in ("HTS", "U.S.", "S&P", "Hama", "A")] == [True, True, True, False, False]


def test_broken_rule_file_gives_an_actionable_error(tmp_path: Path):
    broken = tmp_path / "rules"
    shutil.copytree(RULES, broken)
    (broken / "given_names.tsv").write_text("mohammed muhammad\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="given_names.tsv, line 1"):
        load_name_rules(broken)


@pytest.mark.slow
@pytest.mark.skipif(
    importlib.util.find_spec("storyweave.nlp.entities") is None,
    reason="storyweave.nlp.entities is not there yet",
)
def test_seed_articles_end_to_end(seeds_dir: Path):
    from storyweave.nlp.analysis import AnalysisInput, analyze_texts

    metadata = json.loads((seeds_dir / "metadata.json").read_text(encoding="utf-8"))
    inputs = [
        AnalysisInput(name, (seeds_dir / name).read_text(encoding="utf-8"), "2024-12-05")
        for name in sorted(metadata)
    ]
    records = [r for a in analyze_texts(inputs) for r in records_from_entities(a.article_id, a.entities)]
    resolution = resolve_entities(records)

    def articles_of(entity_id: str) -> set[str]:
        return {article for (article, _), target in resolution.assignments.items() if target == entity_id}

    both = set(metadata)
    assert articles_of("person:samuel-ramani") == both
    assert articles_of("org:hayat-tahrir-al-sham") == both
    assert articles_of("person:bashar-al-assad") == both
    assert articles_of("org:royal-united-services-institute") == both
    assert "person:hafez-al-assad" in resolution.entities
    assert {"Julani", "al-Julani"} <= set(resolution.entities["person:abu-mohammed-al-julani"].aliases)
    assert resolution.entities["person:bashar-al-assad"].name == "Bashar al-Assad"


@pytest.mark.evaldata
def test_meantime_documents_withdrawn_leave_the_index_of_the_rest(evaldata_dir: Path):
    """Withdrawing a third of MEANTIME's documents gives the entities of the other two thirds."""
    # the records ``storyweave eval entities`` scores (its B-cubed gate: tests/eval/test_entities_gate.py)
    from storyweave.evaluation.entities import meantime_folder, meantime_records

    records, _ = meantime_records(meantime_folder(evaldata_dir))
    documents = sorted({r.article_id for r in records})
    taken = set(random.Random(7).sample(documents, len(documents) // 3))
    kept = [r for r in records if r.article_id not in taken]
    index = _added_then_withdrawn(kept, [r for r in records if r.article_id in taken])
    assert index.entities() == resolve_entities(kept).entities
