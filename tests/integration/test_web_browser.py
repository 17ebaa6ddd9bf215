"""The web UI in a real headless Chromium (Debian's /usr/bin/chromium) against a live server.

The server runs in-process with uvicorn on a free localhost port; the store is
the seeds plus one hostile article (built by ``test_api.fill_seeded_store``,
once per backend). Screenshots go to ``test-artifacts/screenshots/``.
"""

from __future__ import annotations

import importlib.util
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


@pytest.fixture(scope="module")
def base_url(store_url):
    import uvicorn

    from storyweave.api import create_app

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
