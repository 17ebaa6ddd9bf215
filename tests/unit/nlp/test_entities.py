"""Within-article entity canonicalisation (storyweave.nlp.entities).

The rules are tested on hand-built Docs (a blank English tokenizer, entities placed by hand, the
way the small model tags them, mistakes included), the seeds through the real model.
"""

from __future__ import annotations

import json
import re
import shutil

import pytest
import spacy
from spacy.tokens import Doc

from storyweave.errors import ConfigError
from storyweave.names import RULES
from storyweave.nlp.entities import (
    COMPONENT,
    ArticleEntity,
    EntityCanonicaliser,
    load_name_rules,
    long_form_start,
)

MARKUP = re.compile(r"\[([^\]]+)\]\(([A-Z_]+)\)")


@pytest.fixture(scope="module")
def blank():
    return spacy.blank("en")


@pytest.fixture(scope="module")
def component():
    return EntityCanonicaliser()


def make_doc(nlp, markup: str) -> Doc:
    """A Doc from "text with [an entity](LABEL)": the brackets go, the entities stay."""
    text, spans, last = "", [], 0
    for match in MARKUP.finditer(markup):
        text += markup[last : match.start()]
        spans.append((len(text), len(text) + len(match.group(1)), match.group(2)))
        text += match.group(1)
        last = match.end()
    text += markup[last:]
    doc = nlp.make_doc(text)
    doc.ents = [doc.char_span(s, e, label=label, alignment_mode="expand") for s, e, label in spans]
    return doc


def run(component, nlp, markup: str) -> tuple[Doc, tuple[ArticleEntity, ...]]:
    doc = component(make_doc(nlp, markup))
    for entity in doc._.entities:
        for mention in entity.mentions:
            assert doc.text[mention.start_char : mention.end_char] == mention.text
            assert mention.label == entity.type
    return doc, doc._.entities


def owner(entities, text: str) -> ArticleEntity:
    """The one entity that has a mention with exactly this text."""
    found = {e.key: e for e in entities for m in e.mentions if m.text == text}
    assert len(found) == 1, f"{text!r} belongs to {sorted(found)}"
    return next(iter(found.values()))


# 1. titles, roles, possessives, trimming ------------------------------------------------------
def test_title_stripped_and_surname_joins_full_name(component, blank):
    doc, entities = run(component, blank, "[President Bashar al-Assad](PERSON) spoke. [Assad](PERSON) left.")
    assert len(entities) == 1
    assad = entities[0]
    assert (assad.key, assad.name, assad.type, assad.aliases) == (
        "person:bashar-al-assad",
        "Bashar al-Assad",
        "PERSON",
        ("Assad",),
    )
    assert assad.mentions[0].start_char == doc.text.index("Bashar")


def test_role_with_organisation_stripped(component, blank):
    _, entities = run(
        component,
        blank,
        "[Kremlin spokesperson Dmitry Peskov](PERSON) said so. [Peskov](PERSON) told reporters.",
    )
    assert [(e.name, len(e.mentions)) for e in entities] == [("Dmitry Peskov", 2)]


@pytest.mark.parametrize("title", ["Mr.", "Dr.", "Gen.", "Sen.", "Prime Minister", "Foreign Minister"])
def test_honorifics_from_the_data_file(component, blank, title):
    _, entities = run(component, blank, f"[{title} Jane Okafor](PERSON) arrived. [Okafor](PERSON) spoke.")
    assert [(e.name, e.aliases) for e in entities] == [("Jane Okafor", ("Okafor",))]


def test_a_name_that_is_a_title_word_keeps_its_last_word(component, blank):
    _, entities = run(component, blank, "Former prime minister [John Major](PERSON) spoke.")
    assert entities[0].name == "John Major"


def test_possessive_mention_tagged_org_goes_to_the_person(component, blank):
    doc, entities = run(
        component,
        blank,
        "[Bashar al-Assad](PERSON) ruled. [Assad’s](ORG) forces and [al-Assad's](ORG) allies.",
    )
    assert len(entities) == 1
    texts = [m.text for m in entities[0].mentions]
    assert texts == ["Bashar al-Assad", "Assad", "al-Assad"]
    assert doc.text[entities[0].mentions[1].end_char] == "’"


def test_full_stop_line_break_and_the_are_trimmed(component, blank):
    _, entities = run(
        component,
        blank,
        "Rebels took [Hama.](GPE) Then\n[Hama\nArmed](ORG) groups left [the Hama](GPE) area.",
    )
    assert [(e.name, [m.text for m in e.mentions]) for e in entities] == [("Hama", ["Hama", "Hama", "Hama"])]


def test_a_place_cut_before_its_lowercase_words_loses_the_punctuation_left_at_its_end(component, blank):
    doc = blank.make_doc("She checked into [Morningside Recovery] in Newport Beach.")
    doc.ents = [doc.char_span(18, 41, label="GPE", alignment_mode="expand")]  # "Morningside Recovery] in"
    entities = component(doc)._.entities
    assert [(e.name, [m.text for m in e.mentions]) for e in entities] == [
        ("Morningside Recovery", ["Morningside Recovery"])
    ]
    _, entities = run(component, blank, "Fighting reached [Ras al-Ain](GPE) on Monday.")
    assert [e.name for e in entities] == ["Ras al-Ain"]


# 2. people: surnames, particles, people who share a surname -------------------------------------
def test_surname_variants_with_particles(component, blank):
    _, entities = run(
        component,
        blank,
        "[Abu Mohammed al-Julani](PERSON) spoke. [al-Julani](PERSON) warned. [Julani](PERSON) said. "
        "[Al-Julani](ORG) left.",
    )
    assert [(e.name, len(e.mentions)) for e in entities] == [("Abu Mohammed al-Julani", 4)]


def test_bare_surname_goes_to_the_salient_person_not_the_father(component, blank):
    # the NBC order: Bashar introduced and named often, then "his father, Hafez al-Assad"
    _, entities = run(
        component,
        blank,
        "[Bashar al-Assad](PERSON) fled. [Assad](PERSON) ruled. It echoed his father, [Hafez al-Assad](PERSON). "
        "It humiliated [Assad](PERSON).",
    )
    bashar, hafez = owner(entities, "Bashar al-Assad"), owner(entities, "Hafez al-Assad")
    assert bashar.key != hafez.key
    assert [m.text for m in bashar.mentions] == ["Bashar al-Assad", "Assad", "Assad"]
    assert [m.text for m in hafez.mentions] == ["Hafez al-Assad"]


def test_bare_surname_after_the_son_is_introduced_goes_to_the_son(component, blank):
    # the other order: Hafez first, then Bashar; "Assad" now means the newest person introduced
    _, entities = run(
        component,
        blank,
        "[Hafez al-Assad](PERSON) ruled for decades. His son [Bashar al-Assad](PERSON) took over. "
        "[Assad](PERSON) then fled.",
    )
    bashar, hafez = owner(entities, "Bashar al-Assad"), owner(entities, "Hafez al-Assad")
    assert [m.text for m in bashar.mentions] == ["Bashar al-Assad", "Assad"]
    assert len(hafez.mentions) == 1


def test_bare_surname_goes_to_the_person_whose_relative_the_sentence_introduces(component, blank):
    # "his mother ... and sister Katie Jenkin": Katie is introduced as John's relative, so
    # "Jenkin" is John, though Katie is the newest Jenkin
    _, entities = run(
        component,
        blank,
        "A hearing for [John Jenkin](PERSON), 23, charged with the murder of his sister [Katie Jenkin](PERSON), "
        "was held. [Jenkin](PERSON) did not appear.",
    )
    john, katie = owner(entities, "John Jenkin"), owner(entities, "Katie Jenkin")
    assert [m.text for m in john.mentions] == ["John Jenkin", "Jenkin"]
    assert [m.text for m in katie.mentions] == ["Katie Jenkin"]


def test_headline_surname_before_the_full_name(component, blank):
    _, entities = run(component, blank, "[Serdar](PERSON) reports. Al Jazeera’s [Resul Serdar](PERSON) said.")
    assert [(e.name, e.aliases) for e in entities] == [("Resul Serdar", ("Serdar",))]


def test_shorter_full_name_joins_longer(component, blank):
    _, entities = run(component, blank, "[Mohammed al-Julani](PERSON) and [Abu Mohammed al-Julani](PERSON).")
    assert [e.name for e in entities] == ["Abu Mohammed al-Julani"]


def test_surname_tagged_norp_joins_the_person_but_a_place_does_not(component, blank):
    _, entities = run(
        component,
        blank,
        "[Samuel Ramani](PERSON) spoke. [Ramani](NORP) added. [George Washington](PERSON) "
        "never saw [Washington](GPE).",
    )
    assert owner(entities, "Ramani").name == "Samuel Ramani"
    assert owner(entities, "Washington").type == "GPE"


def test_different_first_names_stay_apart(component, blank):
    _, entities = run(component, blank, "[John Smith](PERSON) met [Jane Smith](PERSON).")
    assert sorted(e.name for e in entities) == ["Jane Smith", "John Smith"]


# 3. acronyms ---------------------------------------------------------------------------------
def test_acronym_in_parentheses_retypes_a_person_tagged_group(component, blank):
    doc, entities = run(
        component,
        blank,
        "[Hayat Tahrir al-Sham](PERSON) (HTS), a former affiliate, advanced. Groups led by HTS and "
        "HTS-led forces pushed south.",
    )
    hts = owner(entities, "Hayat Tahrir al-Sham")
    assert (hts.key, hts.type, hts.aliases) == ("org:hayat-tahrir-al-sham", "ORG", ("HTS",))
    assert [m.start_char for m in hts.mentions if m.text == "HTS"] == [
        m.start() for m in re.finditer(r"\bHTS\b", doc.text)
    ]
    assert len(entities) == 1


def test_acronym_known_as_and_tagged_otherwise(component, blank):
    _, entities = run(
        component,
        blank,
        "[Hayat Tahrir al-Sham](PERSON), known as HTS, said so. The taking of [Hama by HTS](LOC)-led forces. "
        "Later [HTS](GPE) spoke.",
    )
    hts = owner(entities, "Hayat Tahrir al-Sham")
    assert [m.text for m in hts.mentions].count("HTS") == 3
    assert owner(entities, "Hama").type == "LOC"


def test_acronym_before_its_expansion(component, blank):
    _, entities = run(component, blank, "HTS ([Hayat Tahrir al-Sham](ORG)) advanced; HTS took Hama.")
    assert [(e.name, e.aliases, len(e.mentions)) for e in entities] == [("Hayat Tahrir al-Sham", ("HTS",), 3)]


def test_acronym_from_initials_of_a_name_used_in_the_article(component, blank):
    _, entities = run(
        component,
        blank,
        "[Samuel Ramani](PERSON) of [the Royal United Services Institute](ORG) spoke on CNN. "
        "[Ramani](NORP) from [RUSI](GPE) agreed.",
    )
    rusi = owner(entities, "RUSI")
    assert (rusi.name, rusi.type, rusi.aliases) == ("Royal United Services Institute", "ORG", ("RUSI",))
    assert not any(m.text == "CNN" for e in entities for m in e.mentions)


def test_acronym_defined_for_a_name_the_model_missed(component, blank):
    _, entities = run(
        component, blank, "according to the Syrian Observatory for Human Rights (SOHR). SOHR counted 20 dead."
    )
    assert [(e.name, e.type, e.aliases, len(e.mentions)) for e in entities] == [
        ("Syrian Observatory for Human Rights", "ORG", ("SOHR",), 3)
    ]


def test_ambiguous_initials_are_left_alone(component, blank):
    _, entities = run(
        component,
        blank,
        "[Middle East Institute](ORG) and [Maritime Energy Initiative](ORG) differ; MEI said.",
    )
    assert len(entities) == 2 and not any("MEI" in e.aliases for e in entities)


def test_parenthesised_word_that_is_no_acronym_of_the_name(component, blank):
    _, entities = run(component, blank, "[Reuters](ORG) (AFP) reported it.")
    assert [(e.name, e.aliases) for e in entities] == [("Reuters", ())]


def test_long_form_matcher():
    assert long_form_start("HTS", "Hayat Tahrir al-Sham") == 0
    assert long_form_start("SOHR", "the Syrian Observatory for Human Rights") == 4
    assert long_form_start("XYZ", "Hayat Tahrir al-Sham") is None


# 4. organisations and countries ---------------------------------------------------------------
def test_country_abbreviations_from_the_alias_table(component, blank):
    _, entities = run(
        component,
        blank,
        "Designated by [the United States](GPE), the [US](GPE) and the [U.S.](GPE) government.",
    )
    assert [(e.key, e.name, e.aliases) for e in entities] == [
        ("gpe:united-states", "United States", ("US", "U.S."))
    ]


def test_nationality_and_army_is_one_organisation(component, blank):
    _, entities = run(
        component,
        blank,
        "The [Syrian](NORP) army said it withdrew. Later the [Syrian](NORP) Army redeployed.",
    )
    assert [(e.name, e.type, len(e.mentions)) for e in entities] == [("Syrian army", "ORG", 2)]


def test_company_suffix_and_case_variants(component, blank):
    _, entities = run(
        component, blank, "[Apple Inc.](ORG) and [Apple](ORG) and [al-Qaeda](ORG) or [Al Qaeda](ORG)."
    )
    assert [(e.name, len(e.mentions)) for e in entities] == [("Apple Inc.", 2), ("al-Qaeda", 2)]


def test_numeric_entities_are_not_entities(component, blank):
    _, entities = run(component, blank, "On [Thursday](DATE) [20](CARDINAL) villages fell.")
    assert entities == ()


# 5. the component ----------------------------------------------------------------------------
def test_registered_factory_declares_what_it_needs(blank):
    nlp = spacy.blank("en")
    nlp.add_pipe(COMPONENT)
    meta = nlp.get_pipe_meta(COMPONENT)
    assert meta.requires == ["doc.ents"] and meta.assigns == ["doc._.entities"]
    doc = nlp.get_pipe(COMPONENT)(make_doc(blank, "[Resul Serdar](PERSON) and [Serdar](PERSON)."))
    assert [e.name for e in doc._.entities] == ["Resul Serdar"]


def test_missing_rules_raise_config_error(tmp_path):
    with pytest.raises(ConfigError, match="cannot be read"):
        load_name_rules(tmp_path)


def test_malformed_alias_table_says_which_file(tmp_path):
    shutil.copytree(RULES, tmp_path, dirs_exist_ok=True)
    (tmp_path / "aliases.tsv").write_text("US\tUnited States\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="aliases.tsv"):
        load_name_rules(tmp_path)


# 6. the seeds, through the real model ---------------------------------------------------------
@pytest.fixture(scope="module")
def seeds(seeds_dir):
    from storyweave.nlp.pipeline import load_base

    nlp, component = load_base(), EntityCanonicaliser()
    metadata = json.loads((seeds_dir / "metadata.json").read_text(encoding="utf-8"))
    docs = {}
    for name, meta in metadata.items():
        docs[meta["outlet"]] = component(nlp((seeds_dir / name).read_text(encoding="utf-8")))
    return docs


@pytest.mark.parametrize("outlet", ["Al Jazeera", "NBC News"])
def test_seed_entities(seeds, outlet):
    doc = seeds[outlet]
    entities = doc._.entities
    hts = owner(entities, "Hayat Tahrir al-Sham")
    assert hts.type == "ORG" and owner(entities, "HTS") is hts
    assert sum(m.text == "HTS" for m in hts.mentions) == len(re.findall(r"\bHTS\b", doc.text))
    bashar = owner(entities, "Bashar al-Assad")
    assert bashar.name == "Bashar al-Assad" and bashar.type == "PERSON"
    assert owner(entities, "Assad") is bashar
    assert owner(entities, "Ramani") is owner(entities, "Samuel Ramani")
    spans = [(m.start_char, m.end_char) for e in entities for m in e.mentions]
    assert len(spans) == len(set(spans))


def test_al_jazeera_seed(seeds):
    entities = seeds["Al Jazeera"]._.entities
    julani = owner(entities, "Abu Mohammed al-Julani")
    assert owner(entities, "al-Julani") is julani and owner(entities, "Julani") is julani
    bashar = owner(entities, "Bashar al-Assad")
    assert owner(entities, "al-Assad") is bashar and owner(entities, "Al-Assad") is bashar
    assert owner(entities, "Serdar") is owner(entities, "Resul Serdar")
    assert owner(entities, "Peskov").name == "Dmitry Peskov"


def test_nbc_seed(seeds):
    entities = seeds["NBC News"]._.entities
    hafez = owner(entities, "Hafez al-Assad")
    assert hafez is not owner(entities, "Bashar al-Assad") and len(hafez.mentions) == 1
    assert owner(entities, "RUSI") is owner(entities, "Royal United Services Institute")
    assert owner(entities, "US") is owner(entities, "United States")


def test_titled_surname_never_named_in_full_is_not_the_wife(component, blank):
    _, entities = run(
        component,
        blank,
        "President [Obama](PERSON) spoke. Mr. [Obama](PERSON) said it. He and the first lady, "
        "[Michelle Obama](PERSON), travel. [Obama](PERSON) left.",
    )
    assert [(e.name, len(e.mentions)) for e in entities] == [("Obama", 3), ("Michelle Obama", 1)]


def test_titled_surname_in_the_lead_joins_the_full_name_that_follows(component, blank):
    _, entities = run(
        component,
        blank,
        "Mr. [Trump](PERSON), release them. Rivals say [Donald Trump](PERSON) hides them. [Trump](PERSON) declined.",
    )
    assert [(e.name, len(e.mentions)) for e in entities] == [("Donald Trump", 3)]


def test_canonical_name_prefers_a_repeated_full_form(component, blank):
    _, entities = run(
        component,
        blank,
        "Black Lawmakers [Rip Donald Trump](PERSON). [Donald Trump](PERSON) spoke; [Donald Trump](PERSON) left.",
    )
    assert [(e.name, e.aliases) for e in entities] == [("Donald Trump", ("Rip Donald Trump",))]
