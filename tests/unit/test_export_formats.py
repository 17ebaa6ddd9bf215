"""CSV, GeoJSON, Markdown and HTML exports, on a hand-built export document and dossier."""

from __future__ import annotations

import csv
import io

from storyweave.export import formats
from storyweave.queries.sections import claim_sections

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


CLAIMS = [
    {**DOCUMENT["claims"][0], "kind": "event", "outlets": 2, "score": 0.8, "versions": [],
     "origin_summary": "2 outlets · 2 origins: Al Jazeera, NBC News"},
    {"id": "c2", "story": "s1", "text": "Aleppo is the second-largest city | <b>", "status": "contested",
     "independent_origins": 2, "kind": "state", "outlets": 2, "score": 0.85,
     "origin_summary": "2 outlets · 2 origins: Al Jazeera, NBC News",
     "versions": [{"text": "second-largest <i>city</i>", "outlets": ["Al Jazeera"]},
                  {"text": "most-populous city", "outlets": ["NBC News"]}],
     "mentions": [{"article": "a1", "outlet": "Al Jazeera", "start": 0, "end": 5, "version": 0,
                   "text": "Aleppo <script>x()</script>", "attributed_to": None},
                  {"article": "a2", "outlet": "NBC News", "start": 0, "end": 5, "version": 1,
                   "text": "the most-populous city of Aleppo", "attributed_to": None}]},
    {"id": "c3", "story": "s1", "text": "Fighters freed hundreds of prisoners.", "status": "single-source",
     "independent_origins": 1, "kind": "event", "outlets": 1, "score": 0.9, "versions": [],
     "origin_summary": "1 outlet · 1 origin: Hassan Abdul-Ghani",
     "mentions": [{"article": "a2", "outlet": "NBC News", "start": 30, "end": 60, "version": 0,
                   "text": "fighters had freed hundreds", "attributed_to": "Hassan Abdul-Ghani"}]},
] + [
    {"id": f"c{i}", "story": "s1", "text": f"Minor claim {i}.", "status": "single-source", "independent_origins": 1,
     "kind": "event", "outlets": 1, "score": 0.1, "versions": [], "origin_summary": "1 outlet · 1 origin: Al Jazeera",
     "mentions": [{"article": "a1", "outlet": "Al Jazeera", "start": i, "end": i + 1, "version": 0,
                   "text": f"Minor claim {i}.", "attributed_to": None}]}
    for i in range(4, 14)
]

DOSSIER = {
    "story": {"id": "s1", "title": "Rebels take <Hama>", "first_seen": "2024-12-05", "last_seen": "2024-12-05",
              "seen": "5 Dec 2024", "summary": "Rebels took Hama."},
    "articles": [{"id": "a1", "outlet": "Al Jazeera"}, {"id": "a2", "outlet": "NBC News"}],
    "claims": CLAIMS,
    "sections": claim_sections(CLAIMS, {"Al Jazeera": 1, "NBC News": 1}),
    "timeline": [{"date": "2024-W48-WE", "when": "the weekend of 30 Nov–1 Dec 2024", "type": "ASSAULT",
                  "action": "took", "actor": "Rebels", "target": None, "place": "Aleppo", "dated": True,
                  "sources": [{"article": "a1", "outlet": "Al Jazeera"}]}],
    "quotes": [{"speaker": "Samuel Ramani", "quotes": [{"article": "a2", "outlet": "NBC News", "text": "A blow."}]}],
    "places": [{"name": "Hama", "lat": 35.13, "lon": 36.76, "country": "SY", "articles": ["a1", "a2"]}],
}


def test_markdown_dossier_leads_with_key_claims_then_each_outlet():
    text = formats.markdown_dossier([DOSSIER])
    key = text.index("## Key claims")
    assert "| corroborated | 2 outlets · 2 origins: Al Jazeera, NBC News | rebels took Hama | Al Jazeera, NBC News |" in text
    assert "Aleppo is the second-largest city \\| \\<b\\>" in text  # markup escaped, shown as written
    # the contested claim's versions side by side: one column each, with outlets and sentences
    assert "| “second-largest \\<i\\>city\\</i\\>” | “most-populous city” |" in text
    assert "| Al Jazeera | NBC News |" in text
    assert "NBC News: the most-populous city of Aleppo" in text
    only = text.index("## What only one outlet reports")
    nbc = text.index("### What only NBC News reports (1 article · 1 claim only here)")
    assert key < only < nbc
    assert "- Fighters freed hundreds of prisoners. — 1 outlet · 1 origin: Hassan Abdul-Ghani" in text
    # Al Jazeera alone reports ten minor claims: eight shown, the other two listed last
    assert "### What only Al Jazeera reports (1 article · 10 claims only here, 8 shown)" in text
    assert "## Other claims (2)" in text and text.index("## Other claims") > text.index("## Who said what")
    assert "| the weekend of 30 Nov–1 Dec 2024 | ASSAULT took |" in text
    assert "### Samuel Ramani" in text and "A blow." in text


def test_html_dossier_is_self_contained_and_escaped():
    html = formats.html_dossier([DOSSIER])
    assert "<style>" in html and "<script" not in html and "<link" not in html
    assert "rebels took Hama" in html and "badge contested" in html
    assert "Rebels take &lt;Hama&gt;" in html
    assert "Aleppo &lt;script&gt;x()&lt;/script&gt;" in html
    assert "“second-largest &lt;i&gt;city&lt;/i&gt;”" in html and html.count('class="version"') == 2
    assert "What only NBC News reports" in html and "1 origin: Hassan Abdul-Ghani" in html
    assert "2 more claims, not shown above" in html
    assert "the weekend of 30 Nov–1 Dec 2024" in html
