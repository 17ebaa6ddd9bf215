"""The JSON API, the HTML pages and the exports over a store built from the two seed articles.

The store is built once per backend (ingest, analysis, linking of the real seeds
plus one hostile article); the browser tests build theirs with ``fill_seeded_store``.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

HOSTILE_TITLE = "<script>window.__pwned = 1; alert('title')</script> Harbour council vote"
HOSTILE_TEXT = (
    "The harbour council of Port Ellery voted on Friday to repair the old pier. "
    "<img src=x onerror=\"window.__pwned = 2; alert('body')\"> "
    "Councillor Mara Quint said the repairs would start in spring. "
    "<script>window.__pwned = 3</script> The vote passed seven to two."
)


def fill_seeded_store(db: str, folder: Path, seeds_dir: Path) -> None:
    """Ingest, analyse and link the seeds plus one hostile article into the store ``db``."""
    from storyweave.pipeline.analyze import analyze_pending
    from storyweave.pipeline.ingest import ingest
    from storyweave.pipeline.link import link_pending
    from storyweave.store.database import Store

    hostile = folder / "hostile.jsonl"
    hostile.write_text(json.dumps({
        "title": HOSTILE_TITLE, "text": HOSTILE_TEXT, "outlet": "Ellery <b>Gazette</b>",
        "published": "2024-12-06", "url": "javascript:alert('url')",
    }) + "\n", encoding="utf-8")
    with Store(db) as store:
        ingest([str(seeds_dir)], store)
        ingest([str(hostile)], store)
        analyze_pending(store)
        link_pending(store)


@pytest.fixture(scope="module")
def seeded_db(module_db_url, tmp_path_factory, seeds_dir):
    """The seeded store, built once per backend."""
    fill_seeded_store(module_db_url, tmp_path_factory.mktemp("seeded"), seeds_dir)
    return module_db_url


@pytest.fixture(scope="module")
def client(seeded_db):
    from fastapi.testclient import TestClient

    from storyweave.app import create_app

    with TestClient(create_app(seeded_db)) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def hama(client) -> dict:
    stories = client.get("/api/stories").json()
    return next(s for s in stories if "Hama" in s["title"] or s["outlets"] == 2)


def test_story_list_counts_outlets_and_claims(client, hama):
    assert hama["outlets"] == 2
    assert hama["size"] == 2
    assert set(hama["claims"]) == {"corroborated", "contested", "single-source"}
    assert hama["claims"]["corroborated"] >= 1
    assert hama["first_seen"].startswith("2024-12-05")


def test_dossier_has_both_outlets_places_and_aligned_claims(client, hama):
    dossier = client.get(f"/api/stories/{hama['id']}").json()
    assert {a["outlet"] for a in dossier["articles"]} == {"Al Jazeera", "NBC News"}
    places = {p["name"]: p for p in dossier["places"]}
    assert {"Hama", "Homs"} <= set(places)
    assert places["Hama"]["lat"] == pytest.approx(35.13, abs=0.1)
    corroborated = [c for c in dossier["claims"] if c["status"] == "corroborated"]
    assert any({m["outlet"] for m in c["mentions"]} == {"Al Jazeera", "NBC News"} for c in corroborated)
    assert {o["outlet"] for o in dossier["outlets"]} == {"Al Jazeera", "NBC News"}
    assert dossier["markers"], "events at geocoded places become map markers"


def test_dossier_sections_lead_with_key_claims_then_each_outlet(client, hama):
    dossier = client.get(f"/api/stories/{hama['id']}").json()
    sections = dossier["sections"]
    assert sections["total"] == len(dossier["claims"]) and sections["shown"] + sections["hidden"] == sections["total"]
    assert 10 <= sections["shown"] <= 40, "a two-article story shows tens of rows, not all"
    key = sections["key"]
    assert key and all(c["status"] != "single-source" or c["outlets"] > 1 for c in key)
    # Rebels took Hama: corroborated by both outlets (NBC: "Rebel forces entered the Syrian city of
    # Hama"; Al Jazeera: opposition forces captured or entered Hama).
    assert any(c["status"] == "corroborated" and {m["outlet"] for m in c["mentions"]} == {"Al Jazeera", "NBC News"}
               and any("Rebel forces entered the Syrian city of Hama" in m["text"] for m in c["mentions"])
               and any(m["outlet"] == "Al Jazeera" and "Hama" in m["text"]
                       and ("captured" in m["text"] or "entered" in m["text"]) for m in c["mentions"])
               for c in key)
    # Aleppo's rank is contested: each version with its outlet, each sentence pointing at its version.
    aleppo = next(c for c in key if c["status"] == "contested" and "Aleppo" in c["text"])
    sides = {v["outlets"][0]: v["text"] for v in aleppo["versions"]}
    assert "second-largest" in sides["Al Jazeera"] and "most-populous" in sides["NBC News"]
    for m in aleppo["mentions"]:
        assert aleppo["versions"][m["version"]]["outlets"] == [m["outlet"]]
    # The army's redeployment: two outlets, one origin (the Syrian military's statement).
    army = next(c for c in key if "redeploy" in c["text"])
    assert army["status"] == "single-source" and army["origin_summary"].startswith("2 outlets · 1 origin")
    # What only NBC News reports: the freed prisoners, from an HTS commander; most check-worthy first.
    nbc = next(o for o in sections["outlets"] if o["outlet"] == "NBC News")
    assert any("Hama Central Prison" in c["text"] for c in nbc["claims"])
    assert [c["score"] for c in nbc["claims"]] == sorted((c["score"] for c in nbc["claims"]), reverse=True)
    assert nbc["total"] >= len(nbc["claims"]) and all(c["outlets"] == 1 for c in nbc["claims"])


def test_dossier_timeline_and_who_said_what_are_readable(client, hama):
    dossier = client.get(f"/api/stories/{hama['id']}").json()
    assert dossier["story"]["seen"] == "5 Dec 2024"
    timeline = dossier["timeline"]
    assert all(t["date"] or t["actor"] for t in timeline), "an event with neither date nor actor is left out"
    weekend = next(t for t in timeline if t["date"] == "2024-W48-WE")
    assert weekend["when"] == "the weekend of 30 Nov–1 Dec 2024"
    dated = [t["when"] for t in timeline if t["date"]]
    assert dated.index(weekend["when"]) < dated.index("5 Dec 2024")
    assert weekend["dated"] and all(not t["dated"] for t in timeline if not t["date"])
    speakers = {g["speaker"]: g["quotes"] for g in dossier["quotes"]}
    kinds = {q["kind"] for qs in speakers.values() for q in qs}
    assert kinds <= {"speech", "according", "cognition", "nominal", "passive_agent"}
    assert "Russia" not in speakers and "NBC News" not in speakers  # "focused", "could not confirm"
    assert "Hassan Abdul-Ghani" in speakers and "Samuel Ramani" in speakers


def test_dossier_by_article_id_and_unknown_story(client, hama):
    article = client.get(f"/api/stories/{hama['id']}").json()["articles"][0]["id"]
    assert client.get(f"/api/stories/{article}").json()["story"]["id"] == hama["id"]
    assert client.get("/api/stories/no-such-story").status_code == 404
    assert client.get("/api/articles/no-such-article").status_code == 404


def test_claims_filter_by_status_and_one_claim(client, hama):
    contested = client.get("/api/claims", params={"story": hama["id"], "status": "contested"}).json()
    assert contested and all(c["status"] == "contested" for c in contested)
    one = client.get(f"/api/claims/{contested[0]['id']}").json()
    assert one["mentions"] and one["story"] == hama["id"]
    assert len(one["versions"]) >= 2 and one["outlets"] == 2 and one["origin_summary"].startswith("2 outlets")
    assert all(m["display"] for m in one["mentions"])
    assert client.get("/api/claims", params={"status": "maybe"}).status_code == 422


def test_entity_place_and_quotes_by_speaker(client):
    places = client.get("/api/entities", params={"name": "Hama", "type": "GPE"}).json()
    hama_entity = next(e for e in places if e["name"] == "Hama")
    detail = client.get(f"/api/entities/{hama_entity['id']}").json()
    assert detail["geo"]["country"] == "SY"
    assert {m["outlet"] for m in detail["mentions"]} == {"Al Jazeera", "NBC News"}
    # Hama is named inside other people's quotes ("Hama is the birthplace of ...", Pinfold).
    assert detail["quotes_about"] and all(m["text"] for m in detail["quotes_about"])
    assert all("Hama" in q["text"] for q in detail["quotes_about"])
    ramani = client.get("/api/quotes", params={"speaker": "Ramani"}).json()
    assert ramani and all("Ramani" in (q["speaker_entity"] or q["speaker"]) for q in ramani)


def test_events_and_search_filters(client, hama):
    events = client.get("/api/events", params={"story": hama["id"]}).json()
    assert events and all(e["sentence"] for e in events)
    hits = client.get("/api/search", params={"q": "Hama"}).json()
    assert {h["outlet"] for h in hits} == {"Al Jazeera", "NBC News"}
    nbc = client.get("/api/search", params={"q": "Hama", "outlet": "NBC News"}).json()
    assert [h["outlet"] for h in nbc] == ["NBC News"]
    assert "Hama" in nbc[0]["snippet"]
    later = client.get("/api/search", params={"q": "Hama", "date_from": "2024-12-06"}).json()
    assert later == []
    by_place = client.get("/api/search", params={"place": "Homs"}).json()
    assert {h["outlet"] for h in by_place} == {"Al Jazeera", "NBC News"}
    pier = client.get("/api/search", params={"q": "pier council"}).json()
    assert [h["title"] for h in pier] == [HOSTILE_TITLE]


def test_exports_over_http(client, hama):
    claims_csv = client.get("/api/export", params={"format": "csv", "table": "claims", "story": hama["id"]})
    rows = list(csv.DictReader(io.StringIO(claims_csv.text)))
    assert rows and {"Al Jazeera", "NBC News"} == {r["outlet"] for r in rows}
    geo = client.get("/api/export", params={"format": "geojson", "story": hama["id"]}).json()
    names = {f["properties"].get("name") for f in geo["features"] if f["properties"]["kind"] == "place"}
    assert {"Hama", "Homs"} <= names
    document = client.get("/api/export", params={"format": "json", "story": hama["id"]}).json()
    from storyweave.export.document import validate_export

    validate_export(document)
    assert len(document["articles"]) == 2
    assert any(c["origin_summary"] and "versions" in c for c in document["claims"])
    markdown = client.get("/api/export", params={"format": "md", "story": hama["id"]}).text
    assert markdown.index("## Key claims") < markdown.index("## What only one outlet reports")
    assert "| corroborated | 2 outlets · " in markdown
    assert "### Contested: Aleppo" in markdown and "“Syria’s second-largest city”" in markdown
    assert "### What only NBC News reports" in markdown and "Hama Central Prison" in markdown
    assert client.get("/api/export", params={"format": "md", "story": "nope"}).status_code == 404


def test_pages_render_and_escape_hostile_text(client, hama):
    assert "Hama" in client.get("/").text
    dossier = client.get(f"/stories/{hama['id']}")
    assert dossier.status_code == 200 and "NBC News" in dossier.text
    assert "script-src 'self'" in dossier.headers["content-security-policy"]
    hostile = next(h for h in client.get("/api/search", params={"q": "pier"}).json())
    page = client.get(f"/articles/{hostile['id']}").text
    assert "&lt;script&gt;window.__pwned" in page
    assert "<script>window.__pwned" not in page
    assert "<img src=x" not in page
    assert "javascript:" not in page
    assert "Ellery &lt;b&gt;Gazette&lt;/b&gt;" in page
    assert client.get("/search", params={"q": "Hama", "outlet": "NBC News"}).status_code == 200


def test_openapi_lists_every_resource(client):
    paths = client.get("/openapi.json").json()["paths"]
    for path in ("/api/articles", "/api/stories", "/api/entities", "/api/quotes", "/api/events", "/api/claims",
                 "/api/search", "/api/export"):
        assert path in paths


def test_claims_matrix_pages_in_more_rows(client, hama):
    total = len(client.get("/api/claims", params={"story": hama["id"]}).json())
    rest = client.get(f"/stories/{hama['id']}/matrix", params={"offset": total - 2}).text
    assert rest.count("<tr data-claim=") == 2
    assert "more-claims" not in rest


def test_claims_matrix_filters_by_status_outlet_and_words(client, hama):
    def rows(**params) -> str:
        return client.get(f"/stories/{hama['id']}/matrix", params=params).text

    contested = rows(status="contested")
    assert contested.count("<tr data-claim=") == 1 and "Aleppo" in contested
    claims = client.get("/api/claims", params={"story": hama["id"]}).json()
    nbc_alone = [c for c in claims if {m["outlet"] for m in c["mentions"]} == {"NBC News"}
                 and c["status"] == "single-source"]
    assert rows(outlet="NBC News", status="single-source", alone=1).count("<tr data-claim=") == len(nbc_alone)
    # without "alone": also what NBC News relays beside another outlet
    relayed = [c for c in claims if "NBC News" in {m["outlet"] for m in c["mentions"]} and c["status"] == "single-source"]
    assert rows(outlet="NBC News", status="single-source").count("<tr data-claim=") == len(relayed) > len(nbc_alone)
    key = client.get(f"/api/stories/{hama['id']}").json()["sections"]["key_total"]
    assert rows(status="key").count("<tr data-claim=") == key
    assert rows(q="military airport").count("<tr data-claim=") >= 1
    assert "No claim matches" in rows(q="no such words anywhere")
    # an unknown status filters nothing out rather than failing
    assert rows(status="maybe").count("<tr data-claim=") == min(len(claims), 50)


def test_dossier_of_the_hostile_story_stays_escaped(client):
    story = next(s for s in client.get("/api/stories").json() if "Harbour" in s["title"])
    page = client.get(f"/stories/{story['id']}").text
    assert "<script>window.__pwned" not in page and "&lt;script&gt;window.__pwned" in page
    assert "<b>Gazette</b>" not in page and "Ellery &lt;b&gt;Gazette&lt;/b&gt;" in page
    filtered = client.get(f"/stories/{story['id']}", params={"outlet": "Ellery <b>Gazette</b>", "q": "<i>x"}).text
    assert "<b>Gazette</b>" not in filtered and "<i>x" not in filtered
    rows = client.get(f"/stories/{story['id']}/matrix", params={"outlet": "Ellery <b>Gazette</b>"}).text
    assert "<b>" not in rows


def test_quotes_and_claim_fragments_and_map_data(client, hama):
    import re

    page = client.get(f"/stories/{hama['id']}").text
    data = json.loads(re.search(r'<script type="application/json" id="map-data">(.*?)</script>', page, re.DOTALL)[1])
    places = {p["name"]: p for p in data["places"]}
    assert places["Hama"]["n"] == 2 and data["events"]
    quotes = client.get("/api/quotes", params={"story": hama["id"]}).json()
    first = client.get(f"/stories/{hama['id']}/quotes", params={"offset": 0}).text
    assert 0 < first.count("<tr>") <= len(quotes)
    assert client.get(f"/stories/{hama['id']}/quotes", params={"offset": 10_000}).text.count("<tr") == 0
    assert client.get("/stories/no-such-story/quotes").status_code == 404
    claim = client.get("/api/claims", params={"story": hama["id"]}).json()[0]
    detail = client.get(f"/stories/{hama['id']}/claims/{claim['id']}").text
    assert f'data-claim="{claim["id"]}"' in detail and detail.count("claim-sentence") == len(claim["mentions"])
    assert client.get(f"/stories/no-such-story/claims/{claim['id']}").status_code == 404


def test_write_export_files_for_the_cli(client, hama, tmp_path):
    from storyweave.errors import StoryweaveError
    from storyweave.export.formats import write_export

    store = client.app.state.store
    write_export(store, "csv", None, hama["id"], folder=tmp_path / "csv")
    assert sorted(p.name for p in (tmp_path / "csv").iterdir()) == ["claims.csv", "events.csv", "quotes.csv"]
    html = io.StringIO()
    write_export(store, "html", html, hama["id"])
    assert "badge corroborated" in html.getvalue() and "<script" not in html.getvalue()
    with pytest.raises(StoryweaveError, match="available"):
        write_export(store, "xml", io.StringIO())
    with pytest.raises(StoryweaveError, match="-o FOLDER"):
        write_export(store, "csv", None)
