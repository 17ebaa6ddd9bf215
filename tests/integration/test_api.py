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

    from storyweave.api import create_app

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
    markdown = client.get("/api/export", params={"format": "md", "story": hama["id"]}).text
    assert "## Claims" in markdown and "corroborated" in markdown
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
