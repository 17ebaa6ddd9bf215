"""The analysis stage end to end on the seeds: stored, resumable, exported."""

from __future__ import annotations

import pytest

from storyweave.export.document import build_export, validate_export
from storyweave.pipeline.analyze import analyze_pending, count_pending
from storyweave.pipeline.ingest import ingest
from storyweave.store import analysis as analysis_store

#: PRODUCT.md: places the system must put on the map, with their country.
SEED_PLACES = {
    "Hama": "SY", "Homs": "SY", "Aleppo": "SY", "Damascus": "SY", "Idlib": "SY", "Latakia": "SY",
    "Kilis": "TR", "Salamiya": "SY", "Muhrada": "SY",
}


@pytest.fixture
def analysed(store, seeds_dir):
    report = ingest([str(seeds_dir)], store)
    assert report.ingested == 2
    return store


def test_analysis_resumes_and_then_changes_nothing(analysed):
    assert count_pending(analysed) == 2
    first = analyze_pending(analysed, limit=1)
    assert first.analyzed == 1 and count_pending(analysed) == 1
    rest = analyze_pending(analysed)
    assert rest.analyzed == 1 and count_pending(analysed) == 0
    with analysed.read() as conn:
        before = analysis_store.article_results(conn)
    assert analyze_pending(analysed).analyzed == 0
    with analysed.read() as conn:
        assert analysis_store.article_results(conn) == before


def test_seed_places_dates_and_quotes_are_stored_and_exported(analysed):
    analyze_pending(analysed)
    document = build_export(analysed)
    validate_export(document)
    texts = {a["id"]: a["text"] for a in document["articles"]}

    geo = {e["name"]: e["geo"]["country"] for e in document["entities"] if e["geo"]}
    for place, country in SEED_PLACES.items():
        assert geo.get(place) == country, f"{place} not on the map in {country}: {geo.get(place)}"

    values = {(texts[d["article"]][d["start"] : d["end"]], d["value"]) for d in document["dates"]}
    assert ("eight days ago", "2024-11-27") in values
    assert any(text.endswith("Tuesday") and value == "2024-12-03" for text, value in values)
    assert any(text.endswith("Thursday") and value == "2024-12-05" for text, value in values)

    capture = [e for e in document["events"] if e["place"] and "Hama" in e["place"] and e["date"] == "2024-12-05"]
    assert capture, "the capture of Hama is not an event dated 2024-12-05"
    for event in document["events"]:
        assert event["sentence"] and event["start"] < event["end"]

    speakers = {q["speaker_entity"] for q in document["quotes"]}
    assert {"Resul Serdar", "Samuel Ramani"} <= speakers
    for quote in document["quotes"]:
        assert texts[quote["article"]][quote["start"] : quote["end"]]


def test_seed_places_carry_level_and_role_through_store_and_export(analysed):
    analyze_pending(analysed)
    document = build_export(analysed)
    validate_export(document)
    by_name = {e["name"]: e for e in document["entities"]}
    assert by_name["Hama"]["level"] == "town" and by_name["Hama"]["role"] == "literal"
    assert by_name["Syria"]["level"] == "country"
    # "a Washington-based think tank" (NBC) is in Washington, D.C., not Washington, England
    washington = by_name["Washington"]
    assert washington["geo"]["country"] == "US" and washington["level"] == "town"
    demonyms = [e for e in document["entities"] if e.get("role") == "demonym"]
    assert any(e.get("country") == "SY" and e["geo"] is None for e in demonyms), "no Syrian demonym entity"
    roles = {m.get("role") for e in document["entities"] for m in e["mentions"]}
    assert {"literal", "demonym"} <= roles
