"""The offline GeoNames gazetteer: lookups, name folding, demonyms."""

from __future__ import annotations

import pytest

from storyweave.nlp.gazetteer import load_gazetteer, name_variants, normalise


@pytest.fixture(scope="module")
def gaz():
    return load_gazetteer()


def test_normalise_folds_case_accents_and_article():
    assert normalise("Ḩamāh") == "hamah"
    assert normalise("  The  Netherlands ") == "netherlands"
    assert normalise("Mu\u2019radah") == "mu'radah"


def test_name_variants_strip_arabic_article_and_final_h():
    assert "raqqa" in name_variants("al-Raqqa")
    assert "salamiya" in name_variants("As Salamiyah")


@pytest.mark.parametrize(
    ("name", "country"),
    [("Hama", "SY"), ("Aleppo", "SY"), ("Kilis", "TR"), ("Salamiya", "SY"), ("Muhrada", "SY"), ("Raqqa", "SY")],
)
def test_syrian_and_turkish_towns_are_found(gaz, name, country):
    assert country in {e.country_code for e in gaz.lookup(name)}


def test_entry_has_coordinates_kind_and_population(gaz):
    aleppo = max(gaz.lookup("Aleppo"), key=lambda e: e.population)
    assert aleppo.kind == "city" and aleppo.population > 1_000_000
    assert 36 < aleppo.lat < 36.5 and 37 < aleppo.lon < 37.3
    assert aleppo.geonameid == 170063


def test_georgia_is_both_a_country_and_a_us_state(gaz):
    kinds = {(e.kind, e.country_code) for e in gaz.lookup("Georgia")}
    assert {("country", "GE"), ("admin1", "US")} <= kinds


def test_country_aliases_and_us_state_codes(gaz):
    assert [e.country_code for e in gaz.lookup("U.S.")] == ["US"]
    assert gaz.admin1("US", "TX").name == "Texas"
    assert gaz.country("SY").name == "Syria"


def test_alternate_names_are_marked(gaz):
    ranked = dict((e.name, alt) for e, alt in gaz.lookup_ranked("Muhrada"))
    assert ranked == {"Maharda": True}


def test_demonyms_link_to_countries(gaz):
    assert gaz.demonym("Syrian") == "SY"
    assert gaz.demonym("Syrians") == "SY"
    assert gaz.demonym("Turkish") == "TR"
    assert gaz.demonym("Table") is None


def test_unknown_name(gaz):
    assert gaz.lookup("Qwxzplk") == []
