"""``storyweave gazetteer import``: a GeoNames dump replaces the bundled gazetteer until reset.

The rows below are GeoNames rows in the layout of allCountries.txt, entered by hand from
GeoNames' records (Ireland's row as the bundled extract has it): an airport, a stadium, a
township, a hamlet too small for cities500, a river and a country.
"""

from __future__ import annotations

import zipfile

import pytest
from typer.testing import CliRunner

from storyweave.cli import app
from storyweave.nlp.gazetteer import CACHE_ENV, cache_path, imported_path, load_gazetteer
from storyweave.nlp.gazetteer.geonames_import import (
    GazetteerImportError,
    feature_rules,
    import_geonames,
    import_status,
    reset_import,
)

ROWS = [
    "\t".join(row)
    for row in [
        ["4756178", "Washington Dulles International Airport", "Washington Dulles International Airport",
         "Aeroport de Washington-Dulles,Dulles Airport,Dulles International Airport,IAD,KIAD",
         "38.94453", "-77.45581", "S", "AIRP", "US", "", "VA", "107", "", "", "0", "95", "92",
         "America/New_York", "2019-06-05"],
        ["6615386", "Anfield", "Anfield", "Anfield Stadium,Estadio Anfield", "53.43083", "-2.96083", "S",
         "STDM", "GB", "", "ENG", "H8", "", "", "0", "", "34", "Europe/London", "2019-09-05"],
        ["3365029", "Khayelitsha", "Khayelitsha", "Khayalitsha", "-34.04047", "18.67698", "P", "PPL", "ZA",
         "", "11", "CPT", "", "", "391749", "", "36", "Africa/Johannesburg", "2020-06-10"],
        ["2961013", "Toomevara", "Toomevara", "Tuaim Ui Mheara,Tuaim Uí Mheára", "52.85", "-8.03333", "P",
         "PPL", "IE", "", "M", "26", "", "", "0", "", "108", "Europe/Dublin", "2014-07-21"],
        ["2961175", "River Shannon", "River Shannon", "Abhainn na Sionainne,Shannon,Shannon River,Sionainn",
         "52.58333", "-9.5", "H", "STM", "IE", "", "", "", "", "", "0", "", "-9999", "Europe/Dublin",
         "2012-01-16"],
        ["2963597", "Ireland", "Ireland", "Eire,Irland,Irlanda,Republic of Ireland", "53.0", "-8.0", "A",
         "PCLI", "IE", "", "00", "", "", "", "4853506", "", "118", "Europe/Dublin", "2019-09-05"],
    ]
]


@pytest.fixture()
def cache_dir(tmp_path, monkeypatch):
    """A cache folder of the test's own, holding (a link to) the bundled table the import carries."""
    bundled = cache_path()
    if not bundled.is_file():
        load_gazetteer.cache_clear()
        load_gazetteer()
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "cache"))
    (tmp_path / "cache").mkdir()
    (tmp_path / "cache" / bundled.name).symlink_to(bundled)
    load_gazetteer.cache_clear()
    yield tmp_path / "cache"
    load_gazetteer.cache_clear()


@pytest.fixture()
def dump(tmp_path):
    path = tmp_path / "sample.txt"
    path.write_text("\n".join(ROWS) + "\n", encoding="utf-8")
    return path


def kinds(gaz, name: str) -> set[tuple[str, str]]:
    return {(e.kind, e.country_code) for e in gaz.lookup(name)}


def test_import_replaces_the_bundled_gazetteer(cache_dir, dump):
    bundled = load_gazetteer()
    assert bundled.origin["source"] == "bundled" and not bundled.has_name("Anfield")
    summary = import_geonames(dump)
    assert summary.rows == len(ROWS) and summary.kinds["facility"] == 2
    gaz = load_gazetteer()
    assert gaz.origin["source"] == "imported" and gaz.origin["file"] == str(dump)
    anfield = gaz.lookup("Anfield")[0]
    assert (anfield.kind, anfield.country_code) == ("facility", "GB")
    assert (anfield.admin1, anfield.admin2) == ("ENG", "H8")
    assert kinds(gaz, "Dulles Airport") == {("facility", "US")}  # an alternate name
    assert ("city", "ZA") in kinds(gaz, "Khayelitsha")
    assert ("city", "IE") in kinds(gaz, "Toomevara")
    assert ("water", "IE") in kinds(gaz, "River Shannon")
    ireland = gaz.country("IE")
    assert (ireland.name, ireland.geonameid) == ("Ireland", 2963597)
    assert ("country", "IE") in kinds(gaz, "Ireland")
    # what the file lacks comes from the bundled gazetteer: countries, towns, divisions, seas
    assert gaz.country("IN").lat == 22.0
    assert ("city", "SY") in kinds(gaz, "Hama") and ("water", "") in kinds(gaz, "Indian Ocean")
    assert summary.carried["city"] == bundled.kind_counts()["city"]
    assert summary.carried["country"] == bundled.kind_counts()["country"] - 1  # Ireland is the file's
    assert gaz.demonym("Syrians") == "SY"  # the rules apply on top
    assert len(gaz) == len(bundled) + 5


def test_reset_goes_back_to_the_bundled_gazetteer(cache_dir, dump):
    import_geonames(dump)
    assert import_status().file == str(dump)
    assert reset_import() is True
    gaz = load_gazetteer()
    assert gaz.origin["source"] == "bundled" and not gaz.has_name("Anfield")
    assert import_status() is None and not imported_path().exists()
    assert reset_import() is False


def test_a_zip_dump_is_read_from_its_text_file(cache_dir, dump, tmp_path):
    archive = tmp_path / "IE.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.write(dump, "IE.txt")
        zf.writestr("readme.txt", "GeoNames extract\n")
    seen = []
    import_geonames(archive, progress=lambda done, total: seen.append((done, total)))
    assert load_gazetteer().has_name("Toomevara")
    assert seen and seen[-1][0] == seen[-1][1] == dump.stat().st_size


def test_a_file_not_in_geonames_format_is_refused_with_its_line(cache_dir, tmp_path):
    bad = tmp_path / "places.csv"
    bad.write_text(ROWS[0] + "\n" + ROWS[1] + "\nname,lat,lon\nParis,48.85,2.35\n", encoding="utf-8")
    with pytest.raises(GazetteerImportError, match=r"places\.csv, line 3: not a GeoNames row \(1 columns\)"):
        import_geonames(bad)
    bad.write_text(ROWS[1].replace("53.43083", "north"), encoding="utf-8")
    with pytest.raises(GazetteerImportError, match=r"line 1: .*latitude/longitude 'north'"):
        import_geonames(bad)
    assert not imported_path().exists()  # nothing written
    with pytest.raises(GazetteerImportError, match=r"no such file; download a GeoNames dump"):
        import_geonames(tmp_path / "allCountries.zip")


def test_a_malformed_codes_file_is_refused_with_its_line(cache_dir, dump, tmp_path):
    codes = tmp_path / "admin2Codes.txt"
    codes.write_text("IE.M.TA\tTipperary\tTipperary\t7288565\nTipperary\n", encoding="utf-8")
    with pytest.raises(GazetteerImportError, match=r"admin2Codes\.txt, line 2: not a GeoNames admin2Codes"):
        import_geonames(dump, admin2=codes)


def test_feature_rules_keep_what_news_names():
    rules = feature_rules()
    assert rules["S.AIRP"].keeps(0, 0) and rules["A.ADM2"].keeps(0, 0) and rules["H.OCN"].keeps(0, 0)
    # a hamlet is kept when it has people or other names; a stream only when it is known by
    # several names (most of allCountries' million streams have none)
    assert rules["P.*"].keeps(300, 0) and rules["P.*"].keeps(0, 2) and not rules["P.*"].keeps(0, 1)
    assert not rules["H.STM"].keeps(0, 2) and rules["H.STM"].keeps(0, 3)
    assert not rules["P.PPLQ"].keeps(10_000, 10)  # abandoned places
    assert rules["T.ISL"].kind == "region" and rules["L.CONT"].kind == "continent"


def test_cli_import_status_reset(cache_dir, dump, tmp_path):
    runner = CliRunner()
    result = runner.invoke(app, ["gazetteer", "import", str(dump)])
    assert result.exit_code == 0, result.output
    assert "imported" in result.output and "facility" in result.output
    status = runner.invoke(app, ["gazetteer", "status"])
    assert status.exit_code == 0 and "in use: imported" in status.output and dump.name in status.output
    assert runner.invoke(app, ["gazetteer", "reset"]).exit_code == 0
    assert "in use: bundled" in runner.invoke(app, ["gazetteer", "status"]).output
    bad = tmp_path / "bad.txt"
    bad.write_text("not\ta\tgeonames\trow\n", encoding="utf-8")
    failed = runner.invoke(app, ["gazetteer", "import", str(bad)])
    assert failed.exit_code == 1 and "line 1" in failed.output
