"""The web UI in a real headless Chromium (Debian's /usr/bin/chromium) against a live server.

The server runs in-process with uvicorn on a free localhost port; the store is
the seeds plus one hostile article (built by ``test_api.fill_seeded_store``,
once per backend). Screenshots go to ``test-artifacts/screenshots/``.
"""

from __future__ import annotations

import gzip
import importlib.util
import json
import os
import socket
import threading
import time
from pathlib import Path
from urllib.parse import urljoin, urlparse

import pytest
from playwright.sync_api import expect

CHROMIUM = os.environ.get("STORYWEAVE_CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--no-first-run", "--disable-sync"]

DEMO = Path(__file__).resolve().parents[2] / "src" / "storyweave" / "data" / "demo" / "news-events-demo.jsonl.gz"
#: the demo corpus's topic with the most outlets: 13 articles from 13 sites
WIDE_TOPIC = "21-ecbplus"

pytestmark = pytest.mark.slow


def _api_module():
    """``test_api`` holds the seeded store builder (tests are not a package here)."""
    spec = importlib.util.spec_from_file_location("_sw_test_api", Path(__file__).with_name("test_api.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def store_url(module_db_url, tmp_path_factory, seeds_dir):
    """The seeded store on each backend: the same pages must work on SQLite and PostgreSQL."""
    _api_module().fill_seeded_store(module_db_url, tmp_path_factory.mktemp("browser-seeded"), seeds_dir)
    return module_db_url


def _serve(store_url: str):
    """Serve the app over ``store_url`` on a free port until the generator is closed."""
    import uvicorn

    from storyweave.app import create_app

    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(store_url), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(200):
        if server.started:
            break
        time.sleep(0.05)
    assert server.started, "uvicorn did not start"
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def base_url(store_url):
    yield from _serve(store_url)


@pytest.fixture(scope="module")
def wide_base_url(tmp_path_factory):
    """A story told by 13 outlets: ECB+ topic 21 of the bundled demo corpus (a hit-and-run in Queens).

    SQLite only: how the page lays out many outlets does not depend on the backend.
    """
    from storyweave.pipeline.analyze import analyze_pending
    from storyweave.pipeline.ingest import ingest
    from storyweave.pipeline.link import link_pending
    from storyweave.store.database import Store

    folder = tmp_path_factory.mktemp("wide")
    with gzip.open(DEMO, "rt", encoding="utf-8") as handle:
        lines = [line for line in handle if json.loads(line)["story"] == WIDE_TOPIC]
    (folder / "queens.jsonl").write_text("".join(lines), encoding="utf-8")
    db = str(folder / "wide.db")
    with Store(db) as store:
        ingest([str(folder / "queens.jsonl")], store)
        analyze_pending(store)
        link_pending(store)
    yield from _serve(db)


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install -y chromium (or set STORYWEAVE_CHROMIUM)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser):
    """A page that records every request and every dialog it opens."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    opened = context.new_page()
    opened.requests, opened.dialogs = [], []
    opened.on("request", lambda request: opened.requests.append(request.url))
    opened.on("dialog", lambda dialog: (opened.dialogs.append(dialog.message), dialog.dismiss()))
    yield opened
    hosts = {urlparse(u).hostname for u in opened.requests if not u.startswith(("data:", "about:"))}
    assert hosts <= {"127.0.0.1"}, f"requests left localhost: {sorted(hosts)}"
    context.close()


def _shot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def _hama_story(page, base_url) -> str:
    page.goto(base_url + "/")
    link = page.locator("#stories a", has_text="Hama").first
    href = link.get_attribute("href")
    _shot(page, "stories")
    return href


def test_dossier_shows_both_outlets_map_and_claim_sentences(page, base_url):
    page.goto(urljoin(base_url, _hama_story(page, base_url)))
    names = page.locator("#outlet-names .outlet").all_inner_texts()
    assert names == ["Al Jazeera", "NBC News"]
    # "All claims" is behind its filter: closed until asked for.
    assert not page.locator("#claims-matrix").is_visible()
    page.locator("#all-claims-box > summary").click()
    headers = page.locator("#claims-matrix thead th").all_inner_texts()
    assert "Al Jazeera" in headers and "NBC News" in headers

    page.wait_for_selector("#map[data-ready]")
    places = page.locator("path.map-place")
    by_name = {places.nth(i).get_attribute("data-name"): places.nth(i) for i in range(places.count())}
    assert {"Hama", "Homs"} <= set(by_name)
    assert float(by_name["Hama"].get_attribute("data-lat")) == pytest.approx(35.13, abs=0.1)
    assert float(by_name["Homs"].get_attribute("data-lon")) == pytest.approx(36.73, abs=0.1)
    assert by_name["Hama"].is_visible() and by_name["Homs"].is_visible()
    # The countries layer is drawn from the vendored TopoJSON, not from tiles.
    assert page.locator("#map path.leaflet-interactive").count() >= 2
    assert page.locator("#map svg path").count() > 50

    rows = page.locator("#claims-matrix tbody tr")
    both = rows.evaluate_all("rs => rs.map((r, i) => [i, r.querySelectorAll('td.yes').length]).filter(x => x[1] === 2)")
    assert both, "some claim is reported by both outlets"
    row = rows.nth(both[0][0])
    claim_text = row.locator("button.claim").inner_text()
    row.locator("button.claim").click()
    detail = page.locator("#claim-detail .claim-detail")
    detail.wait_for()
    assert claim_text in detail.inner_text()
    outlets = detail.locator(".claim-outlet").evaluate_all("els => els.map(e => e.dataset.outlet)")
    assert sorted(outlets) == ["Al Jazeera", "NBC News"]
    assert detail.locator(".claim-sentence").count() >= 2
    _shot(page, "dossier")
    assert page.dialogs == []


def _card(page, words: str):
    return page.locator("#key-claim-cards .card", has_text=words).first


def test_dossier_leads_with_key_claims_then_what_only_each_outlet_reports(page, base_url):
    page.goto(urljoin(base_url, _hama_story(page, base_url)))
    statuses = page.locator("#key-claim-cards .card").evaluate_all("cs => cs.map(c => c.dataset.status)")
    assert statuses[0] == "corroborated" and "contested" in statuses
    # corroborated and contested lead, then what several outlets relay from one origin
    assert statuses == sorted(statuses, key=["corroborated", "contested", "single-source"].index)

    # Rebels took Hama: corroborated, stated by both outlets (NBC: "Rebel forces entered the Syrian
    # city of Hama"; Al Jazeera: "opposition forces entered Hama").
    hama = page.locator("#key-claim-cards .card[data-status=corroborated]").filter(
        has=page.locator(".claim-sentence", has_text="Rebel forces entered the Syrian city of Hama")).first
    assert sorted(hama.locator(".chip").all_inner_texts()) == ["Al Jazeera", "NBC News"]
    assert hama.locator(".sourcing").inner_text().startswith("2 outlets · ")

    # Aleppo's rank is contested: the two versions side by side, each with its outlet and sentence.
    aleppo = page.locator("#key-claim-cards .card[data-status=contested]", has_text="Aleppo").first
    versions = aleppo.locator(".version")
    assert versions.count() == 2
    first, second = versions.nth(0).bounding_box(), versions.nth(1).bounding_box()
    assert abs(first["y"] - second["y"]) < 2 and second["x"] > first["x"] + first["width"] - 1
    by_outlet = {versions.nth(i).locator(".chip").inner_text(): versions.nth(i) for i in range(2)}
    assert "second-largest" in by_outlet["Al Jazeera"].locator("h4").inner_text()
    assert "most-populous" in by_outlet["NBC News"].locator("h4").inner_text()
    assert "second-largest city" in by_outlet["Al Jazeera"].locator(".claim-sentence").inner_text()
    assert "most-populous city" in by_outlet["NBC News"].locator(".claim-sentence").inner_text()

    # The army's redeployment: both outlets report it, from one origin, the army's statement.
    army = _card(page, "redeploy")
    assert army.get_attribute("data-status") == "single-source"
    assert army.locator(".sourcing").inner_text().startswith("2 outlets · 1 origin")

    # What only NBC News reports: the freed prisoners, from an HTS commander.
    nbc = page.locator("#outlet-comparison section[data-outlet='NBC News']")
    assert "What only NBC News reports" in nbc.locator("h3").inner_text()
    prisoners = nbc.locator(".only-claim", has_text="Hama Central Prison")
    assert "1 origin: Hassan Abdul-Ghani" in prisoners.locator(".sourcing").inner_text()

    # Tens of rows, not every claim: the rest is behind the filter, counted.
    shown = page.locator("#key-claim-cards .card, #outlet-comparison .only-claim").count()
    total = int(page.locator("#all-claims-box > summary").inner_text().split()[2])
    assert 10 <= shown <= 40 and shown < total
    _shot(page, "dossier-key-claims")
    assert page.dialogs == []


def test_filter_finds_what_only_one_outlet_reports(page, base_url):
    page.goto(urljoin(base_url, _hama_story(page, base_url)))
    # The "all N claims only Al Jazeera reports" link opens the filter on that outlet's single-source claims.
    link = page.locator("#outlet-comparison section[data-outlet='Al Jazeera'] a", has_text="all ")
    total = int(link.inner_text().split()[1])  # "all 25 claims only Al Jazeera reports"
    link.click()
    page.wait_for_selector("#claims-matrix")
    assert page.locator("#all-claims-box").get_attribute("open") is not None
    rows = page.locator("#claims-matrix tbody tr[data-claim]")
    assert rows.count() == total > 8
    assert set(rows.locator("td.yes").evaluate_all("cs => cs.map(c => c.cellIndex)")) == {3}  # Al Jazeera's column
    assert set(rows.locator("td .badge").all_inner_texts()) == {"single-source"}
    assert page.locator("#claims-matrix tbody tr", has_text="military airport").count() == 1
    # The form filters in place (htmx): contested claims only.
    page.select_option("#claim-filter select[name=status]", "contested")
    page.select_option("#claim-filter select[name=outlet]", "")
    page.uncheck("#claim-filter input[name=alone]")
    page.click("#claim-filter button[type=submit]")
    expect(page.locator("#claims-matrix tbody tr[data-claim]")).to_have_count(1)
    assert "Aleppo" in page.locator("#claims-matrix tbody tr[data-claim]").inner_text()
    assert page.dialogs == []


def test_timeline_and_who_said_what_read_as_a_person_would(page, base_url):
    page.goto(urljoin(base_url, _hama_story(page, base_url)))
    when = page.locator("#timeline tbody td.when").all_inner_texts()
    assert "the weekend of 30 Nov–1 Dec 2024" in when and "5 Dec 2024" in when
    assert not any("-W" in w or w.startswith("20") for w in when), when
    # in calendar order: the weekend of Aleppo's fall before Thursday's fall of Hama
    assert when.index("the weekend of 30 Nov–1 Dec 2024") < when.index("5 Dec 2024")
    assert "undated" not in when  # events without a date wait behind a count, not in the timeline
    undated = page.locator("#undated-events")
    if undated.count():
        assert "without a date" in undated.locator("summary").inner_text()
        # folded away, so read as text content rather than as rendered text
        rows = undated.locator("tbody tr").evaluate_all(
            "rs => rs.map(r => [r.cells[0].textContent.trim(), r.cells[2].textContent.trim()])")
        assert rows and all(actor for when, actor in rows if when == "undated"), \
            "an event with neither date nor actor is shown"

    said = page.locator("#who-said-what").inner_text()
    assert "Hassan Abdul-Ghani" in said and "Syrian Defense Ministry" in said
    assert "its war in Ukraine since 2022" not in said  # "focused": an attitude, not a statement
    assert "claims by either side" not in said  # "NBC News could not confirm": the outlet reporting
    assert page.dialogs == []


def test_hostile_article_renders_inert(page, base_url):
    page.goto(base_url + "/search?q=harbour+pier")
    page.locator("#results .hit a").first.click()
    page.wait_for_selector("#article-text")
    assert page.dialogs == []
    assert page.evaluate("window.__pwned") is None
    assert page.locator("main script").count() == 0
    assert page.locator("img").count() == 0
    assert "<script>window.__pwned = 1" in page.locator("#article-title").inner_text()
    assert 'onerror="window.__pwned = 2' in page.locator("#article-text").inner_text()
    assert page.locator("a[href^='javascript']").count() == 0
    _shot(page, "article-hostile")


def test_article_highlights_and_search_and_entity_pages(page, base_url):
    page.goto(base_url + "/search")
    page.fill("input[name=q]", "Hama")
    page.select_option("select[name=outlet]", "NBC News")
    page.click("form.search button[type=submit]")
    # Playwright's own polling (no string evaluated in the page: the CSP forbids eval).
    expect(page.locator("#results .hit")).to_have_count(1)
    _shot(page, "search")
    page.locator("#results .hit a").first.click()
    page.wait_for_selector("#article-text")
    assert page.locator("#article-text .ann-place a", has_text="Hama").count() >= 1
    assert page.locator("#article-text .ann-date").count() >= 1
    assert page.locator("#article-text .ann-quote").count() >= 1
    assert page.locator("#article-text .ann-claim").count() >= 1
    _shot(page, "article")
    page.locator("#article-text .ann-place a", has_text="Hama").first.click()
    page.wait_for_selector("h1")
    assert page.locator("h1").inner_text().startswith("Hama")
    assert "SY" in page.locator("main").inner_text()
    _shot(page, "entity")
    assert page.dialogs == []


def test_dossier_of_a_story_with_many_outlets_fits_the_page(page, wide_base_url):
    page.goto(wide_base_url + "/")
    page.goto(urljoin(wide_base_url, page.locator("#stories a").first.get_attribute("href")))  # largest first
    outlets = page.locator("#outlet-names .outlet").count()
    assert outlets >= 12
    # Tens of rows: the key claims, then a few claims per outlet; the rest behind the filter.
    shown = page.locator("#key-claim-cards .card, #outlet-comparison .only-claim").count()
    total = int(page.locator("#all-claims-box > summary").inner_text().split()[2])
    assert 10 <= shown <= 50 and shown < total
    assert page.locator("#outlet-comparison section").count() == outlets

    page.locator("#all-claims-box > summary").click()
    # One "reported by" cell of outlet chips instead of a column per outlet.
    assert page.locator("#claims-matrix thead th").all_inner_texts() == ["Claim", "Status", "Sourcing", "Reported by"]
    widest = page.locator("#claims-matrix tbody tr[data-claim]").first
    assert widest.locator(".reported-by .chip").count() >= 2
    for width in (1280, 1024):
        page.set_viewport_size({"width": width, "height": 900})
        scroll, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        assert scroll <= inner, f"the page scrolls sideways at {width}px: {scroll} > {inner}"
    _shot(page, "dossier-many-outlets")
    assert page.dialogs == []


def test_openapi_docs_load_offline_and_list_the_api(page, base_url):
    """/docs is Swagger UI from the vendored copy: nothing is fetched from a CDN (it used to be 3 requests)."""
    refused = []
    page.on("console", lambda message: refused.append(message.text)
            if message.type == "error" and "Content Security Policy" in message.text else None)
    page.goto(base_url + "/docs")
    page.wait_for_selector(".swagger-ui .opblock-summary-path", timeout=30_000)
    paths = page.locator(".swagger-ui .opblock-summary-path").all_inner_texts()
    assert any("/api/stories" in p for p in paths) and any("/api/search" in p for p in paths)
    assert "storyweave" in page.locator(".swagger-ui .info .title").inner_text()
    # try one call from the page: it goes to this server and comes back
    page.locator(".opblock-summary-path", has_text="/api/stories").first.click()
    page.locator(".try-out__btn").first.click()
    page.locator(".execute").first.click()
    status = page.locator(".live-responses-table tbody .response-col_status").first
    status.wait_for(timeout=30_000)
    assert status.inner_text().strip().startswith("200")
    _shot(page, "openapi-docs")
    hosts = {urlparse(u).hostname for u in page.requests if not u.startswith(("data:", "about:", "blob:"))}
    assert hosts == {"127.0.0.1"}, f"requests left localhost: {sorted(hosts)}"
    assert any(u.endswith("/openapi.json") for u in page.requests)
    assert refused == []
