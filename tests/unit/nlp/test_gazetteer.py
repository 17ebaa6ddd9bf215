"""The offline GeoNames gazetteer: lookups, name folding, demonyms."""

from __future__ import annotations

import pytest

from storyweave.nlp.gazetteer.cache import (
    CACHE_ENV,
    Gazetteer,
    _read_cache,
    _write_cache,
    cache_path,
    load_gazetteer,
    name_variants,
    normalise,
)


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
    aleppo = max((e for e in gaz.lookup("Aleppo") if e.kind == "city"), key=lambda e: e.population)
    assert aleppo.population > 1_000_000
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
    ranked = {e.name: alt for e, alt in gaz.lookup_ranked("Muhrada")}
    assert ranked == {"Maharda": True}


def test_demonyms_link_to_countries(gaz):
    assert gaz.demonym("Syrian") == "SY"
    assert gaz.demonym("Syrians") == "SY"
    assert gaz.demonym("Turkish") == "TR"
    assert gaz.demonym("Table") is None


def test_unknown_name(gaz):
    assert gaz.lookup("Qwxzplk") == []


def test_alternate_name_count_is_kept_as_prominence(gaz):
    paris = {e.country_code: e for e in gaz.lookup("Paris") if e.kind == "city"}
    assert paris["FR"].alternates > 50 > paris["US"].alternates > 0


def test_loaded_gazetteer_comes_from_its_cache_file(gaz):
    path = cache_path()
    assert path.is_file() and path.parent.name == "storyweave"
    table = _read_cache(path)
    again = Gazetteer(table)
    assert len(again) == len(gaz)
    assert again.lookup_ranked("Muhrada") == gaz.lookup_ranked("Muhrada")
    assert again.country("SY") == gaz.country("SY")


def test_cache_is_written_atomically_and_torn_files_are_rebuilt(tmp_path, gaz):
    target = tmp_path / "gazetteer-test.pickle"
    table = _read_cache(cache_path())
    _write_cache(target, table)
    assert [p.name for p in tmp_path.iterdir()] == ["gazetteer-test.pickle"]  # no temporary left
    assert Gazetteer(_read_cache(target)).lookup("Aleppo") == gaz.lookup("Aleppo")
    target.write_bytes(target.read_bytes()[:1000])  # a torn write
    assert _read_cache(target) is None
    assert _read_cache(tmp_path / "missing.pickle") is None


def test_cache_path_follows_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv(CACHE_ENV, str(tmp_path))
    assert cache_path().parent == tmp_path
    monkeypatch.delenv(CACHE_ENV)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_path().parent == tmp_path / "xdg" / "storyweave"
    assert cache_path().name.startswith("gazetteer-")


def test_a_state_point_is_not_its_largest_city(gaz):
    # countrystatecity puts New York state on New York City; admin1_points.tsv corrects it
    state = gaz.admin1("US", "NY")
    city = max((e for e in gaz.lookup("New York City") if e.kind == "city"), key=lambda e: e.population)
    assert abs(state.lat - city.lat) + abs(state.lon - city.lon) > 2.0
    assert 42 < state.lat < 44 and -77 < state.lon < -74


def test_england_is_a_division_not_an_alias_of_the_united_kingdom(gaz):
    assert {(e.kind, e.country_code) for e in gaz.lookup("England")} >= {("admin1", "GB")}
    assert "country" not in {e.kind for e in gaz.lookup("England")}
