"""CSV, GeoJSON, Markdown and HTML exports, on a hand-built export document and dossier."""

from __future__ import annotations

import csv
import io

from storyweave.export import formats

DOCUMENT = {
    "articles": [
        {"id": "a1", "outlet": "Al Jazeera", "url": "https://example.org/a1", "title": "Rebels take Hama",
         "published": "2024-12-05", "text": "Rebels took Hama on Thursday.", "removed": []},
        {"id": "a2", "outlet": "NBC News", "url": None, "title": "Hama falls", "published": "2024-12-05",
         "text": "Rebel forces entered Hama.", "removed": []},
    ],
    "entities": [
        {"id": "place:hama-170017", "name": "Hama", "type": "GPE", "aliases": ["Hamah"],
         "geo": {"lat": 35.13, "lon": 36.76, "country": "SY", "geonameid": 170017},
         "mentions": [{"article": "a1", "start": 12, "end": 16, "text": "Hama"},
                      {"article": "a2", "start": 21, "end": 25, "text": "Hama"}]},
        {"id": "org:hts", "name": "Hayat Tahrir al-Sham", "type": "ORG", "aliases": ["HTS"], "geo": None,
         "mentions": [{"article": "a1", "start": 0, "end": 6, "text": "Rebels"}]},
    ],
    "dates": [],
    "quotes": [
        {"id": "a2:q0", "article": "a2", "speaker": "Ramani", "speaker_entity": "Samuel Ramani", "cue": "said",
         "text": "It is a huge humiliation, | really", "direct": True, "start": 0, "end": 10},
    ],
    "events": [
        {"id": "a1:e0", "article": "a1", "type": "ASSAULT", "code": "ASSAULT", "action": "took",
         "actor": "Rebels", "target": "Hama", "place": "Hama", "date": "2024-12-05", "date_text": "Thursday",
         "sentence": "Rebels took Hama\n on Thursday.", "start": 0, "end": 29, "background": False,
         "attributed_to": None},
        {"id": "a2:e0", "article": "a2", "type": "MOBILIZE", "code": "MOBILIZE.troops", "action": "entered",
         "actor": "Rebel forces", "target": None, "place": "Nowhere", "date": None, "date_text": None,
         "sentence": "Rebel forces entered Hama.", "start": 0, "end": 26, "background": False,
         "attributed_to": None},
    ],
    "claims": [
        {"id": "c1", "story": "s1", "text": "rebels took Hama", "status": "corroborated", "independent_origins": 2,
         "mentions": [
             {"article": "a1", "outlet": "Al Jazeera", "start": 0, "end": 16, "text": "Rebels took Hama",
              "attributed_to": None, "hedged": False},
             {"article": "a2", "outlet": "NBC News", "start": 0, "end": 25, "text": "Rebel forces entered Hama",
              "attributed_to": None, "hedged": False}]},
    ],
    "stories": [{"id": "s1", "title": "Hama", "articles": ["a1", "a2"], "first_seen": "2024-12-05",
                 "last_seen": "2024-12-05"}],
}


def _rows(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text)))


def test_events_csv_has_acled_like_columns_and_places_events():
    tables = formats.csv_tables(DOCUMENT)
    assert tables["events.csv"].splitlines()[0].split(",") == list(formats.EVENT_COLUMNS)
    took, entered = _rows(tables["events.csv"])
    assert (took["event_date"], took["year"], took["event_type"], took["actor1"], took["actor2"]) == (
        "2024-12-05", "2024", "ASSAULT", "Rebels", "Hama")
    assert (took["location"], took["country"], float(took["latitude"])) == ("Hama", "SY", 35.13)
    assert took["source"] == "Al Jazeera" and took["notes"] == "Rebels took Hama on Thursday."
    assert entered["latitude"] == "" and entered["event_date"] == "" and entered["time_precision"] == ""


def test_quotes_and_claims_csv_round_trip_awkward_text():
    tables = formats.csv_tables(DOCUMENT)
    (quote,) = _rows(tables["quotes.csv"])
    assert quote["text"] == "It is a huge humiliation, | really" and quote["outlet"] == "NBC News"
    claims = _rows(tables["claims.csv"])
    assert [c["outlet"] for c in claims] == ["Al Jazeera", "NBC News"]
    assert {c["status"] for c in claims} == {"corroborated"}
    assert claims[0]["outlets"] == "Al Jazeera; NBC News"


def test_geojson_has_places_and_placed_events_only():
    collection = formats.geojson(DOCUMENT)
    assert collection["type"] == "FeatureCollection"
    kinds = [(f["properties"]["kind"], f["properties"]["id"]) for f in collection["features"]]
    assert kinds == [("place", "place:hama-170017"), ("event", "a1:e0")]
    place = collection["features"][0]
    assert place["geometry"] == {"type": "Point", "coordinates": [36.76, 35.13]}  # lon, lat order
    assert place["properties"]["articles"] == ["a1", "a2"]


DOSSIER = {
    "story": {"id": "s1", "title": "Rebels take <Hama>", "first_seen": "2024-12-05", "last_seen": "2024-12-05",
              "summary": "Rebels took Hama."},
    "articles": [{"id": "a1", "outlet": "Al Jazeera"}, {"id": "a2", "outlet": "NBC News"}],
    "claims": DOCUMENT["claims"] + [
        {"id": "c2", "story": "s1", "text": "Aleppo is the second-largest city | <b>", "status": "contested",
         "independent_origins": 1, "mentions": [{"article": "a1", "outlet": "Al Jazeera", "start": 0, "end": 5,
                                                 "text": "Aleppo <script>x()</script>", "attributed_to": None}]},
    ],
    "timeline": [{"date": "2024-12-05", "type": "ASSAULT", "action": "took", "actor": "Rebels", "target": None,
                  "place": "Hama", "sources": [{"article": "a1", "outlet": "Al Jazeera"}]}],
    "quotes": [{"speaker": "Samuel Ramani", "quotes": [{"article": "a2", "outlet": "NBC News", "text": "A blow."}]}],
    "places": [{"name": "Hama", "lat": 35.13, "lon": 36.76, "country": "SY", "articles": ["a1", "a2"]}],
    "outlets": [{"outlet": "Al Jazeera", "articles": 1, "only_here": []},
                {"outlet": "NBC News", "articles": 1, "only_here": []}],
}


def test_markdown_dossier_lists_claims_with_status_and_escapes_pipes():
    text = formats.markdown_dossier([DOSSIER])
    assert "| corroborated | 2 | rebels took Hama | Al Jazeera, NBC News |" in text
    assert "Aleppo is the second-largest city \\| <b>" in text
    assert "### Samuel Ramani" in text and "A blow." in text


def test_html_dossier_is_self_contained_and_escaped():
    html = formats.html_dossier([DOSSIER])
    assert "<style>" in html and "<script" not in html and "<link" not in html
    assert "rebels took Hama" in html and "badge contested" in html
    assert "Rebels take &lt;Hama&gt;" in html
    assert "Aleppo &lt;script&gt;x()&lt;/script&gt;" in html
    assert "NBC News" in html
