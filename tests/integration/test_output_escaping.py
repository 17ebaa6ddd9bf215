"""Stored text is data wherever it is shown: the Markdown export rendered by a real CommonMark
renderer, and the terminal through the CLI.

The store holds two reports of one council vote whose titles, outlets and sentences carry
HTML, Markdown links to ``javascript:`` URLs and terminal escape sequences. Before the fix the
Markdown export passed five of the payloads through as live HTML, and ``storyweave articles``
cleared the screen (``ESC [2J``) when it printed a title.
"""

from __future__ import annotations

import json
from html.parser import HTMLParser

import pytest
from typer.testing import CliRunner

from storyweave.cli import app

pytestmark = pytest.mark.slow

#: wide enough that tables do not fold the titles the tests look for
runner = CliRunner(env={"COLUMNS": "400"})

#: Escape sequences and control characters a terminal would act on (ESC, CSI in C1 form, BEL,
#: backspace, carriage return, a right-to-left override).
CONTROLS = ["\x1b", "\x9b", "\x07", "\x08", "\r", "\u202e"]
CLEAR = "\x1b[2J\x1b[H"

ARTICLES = [
    {
        "title": f"Harbour vote{CLEAR} <script>alert('title')</script> [details](javascript:alert('link'))",
        "outlet": "Ellery <img src=x onerror=alert('outlet')> Gazette\x9b31m",
        "author": "Mara\x1b]0;owned\x07 [/][blink]Quint",
        "published": "2024-12-06",
        "url": "https://gazette.example/harbour",
        "text": (
            "The harbour council of Port Ellery voted on Friday to repair the old pier <img src=x "
            "onerror=alert('body')>. Councillor Mara Quint said the repairs would start in spring "
            "<a href=\"javascript:alert('anchor')\">now</a>. The vote passed seven to two "
            "[read more](javascript:alert('md')) and ![pic](javascript:alert('img')). "
            f"Harbour master Tom Reed said the pier had been closed since March <javascript:alert('auto')>.{CLEAR} "
            "The council said the work would cost 2 million pounds.\u202e"
        ),
    },
    {
        "title": "Port Ellery council backs pier repairs <iframe src=javascript:alert('frame')>",
        "outlet": "Ellery **Times** <b onclick=alert('bold')>",
        "published": "2024-12-06",
        "url": "https://times.example/pier",
        "text": (
            "The harbour council of Port Ellery voted on Friday to repair the old pier. "
            "Councillor Mara Quint said the repairs would start in spring <svg onload=alert('svg')>. "
            "The vote passed seven to two. Harbour master Tom Reed said the pier had been closed since March. "
            "The council said the work would cost 2 million pounds <details open ontoggle=alert('toggle')>."
        ),
    },
]


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> str:
    from storyweave.pipeline.analyze import analyze_pending
    from storyweave.pipeline.ingest import ingest
    from storyweave.pipeline.link import link_pending
    from storyweave.store.database import Store

    folder = tmp_path_factory.mktemp("escaping")
    source = folder / "hostile.jsonl"
    source.write_text("".join(json.dumps(a) + "\n" for a in ARTICLES), encoding="utf-8")
    path = str(folder / "store.db")
    with Store(path) as store:
        ingest([str(source)], store)
        analyze_pending(store)
        link_pending(store)
    return path


def run(*args: str) -> str:
    result = runner.invoke(app, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


class _Elements(HTMLParser):
    """Every element and attribute of an HTML fragment, and its text."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attributes: list[tuple[str, str, str]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attributes += [(tag, name, value or "") for name, value in attrs]

    def handle_data(self, data):
        self.text.append(data)


#: What the dossier's Markdown may become: structure, never links, images, scripts or attributes.
STRUCTURE = {"h1", "h2", "h3", "p", "ul", "li", "table", "thead", "tbody", "tr", "th", "td", "code", "em", "strong"}


def _render(markdown: str) -> _Elements:
    """The Markdown as a CommonMark renderer with raw HTML on and every link scheme allowed renders it
    (markdown-it's own javascript: filter switched off: the export must be safe without it)."""
    from markdown_it import MarkdownIt

    renderer = MarkdownIt("commonmark", {"html": True}).enable("table")
    renderer.validateLink = lambda url: True
    elements = _Elements()
    elements.feed(renderer.render(markdown))
    return elements


def test_markdown_export_renders_no_markup_from_the_articles(db, tmp_path):
    out = tmp_path / "dossier.md"
    run("export", "--db", db, "--format", "md", "-o", str(out))
    markdown = out.read_text(encoding="utf-8")
    assert "Harbour" in markdown and "Mara Quint" in markdown
    elements = _render(markdown)
    assert set(elements.tags) <= STRUCTURE, f"live markup in the export: {set(elements.tags) - STRUCTURE}"
    assert elements.attributes == []
    text = "".join(elements.text)
    # the payloads are still there, as the words they are
    assert "<script>alert('title')</script>" in text
    assert "[details](javascript:alert('link'))" in text
    assert "Ellery <img src=x onerror=alert('outlet')> Gazette" in text
    assert "Ellery **Times** <b onclick=alert('bold')>" in text
    assert not any(c in markdown for c in CONTROLS), "control characters in the export"


def test_articles_and_article_print_no_terminal_control_sequences(db):
    listed = run("articles", "--db", db)
    assert not any(c in listed for c in CONTROLS)
    # the table wraps titles to the terminal's width (80 columns under xdist, a few letters a
    # line): `article` below checks the whole title
    shown = {}
    for record in map(json.loads, run("articles", "--db", db, "--json").splitlines()):
        shown[record["outlet"]] = run("article", record["id"], "--db", db)
        assert "Port Ellery" in shown[record["outlet"]]
        assert not any(c in shown[record["outlet"]] for c in CONTROLS), f"control characters in `article {record['id']}`"
    gazette, times = (shown[a["outlet"]] for a in ARTICLES)
    assert "Ellery <img src=x onerror=alert('outlet')> Gazette31m" in gazette
    assert "Mara]0;owned [/][blink]Quint" in gazette  # rich markup in stored text is printed, not applied
    assert "Ellery **Times** <b onclick=alert('bold')>" in times


def test_json_lines_keep_the_text_exactly_but_print_no_raw_controls(db):
    output = run("articles", "--db", db, "--json")
    assert not any(c in output for c in CONTROLS)
    records = [json.loads(line) for line in output.splitlines()]
    assert {r["title"] for r in records} == {a["title"] for a in ARTICLES}  # lossless: escaped, not dropped
    assert {r["outlet"] for r in records} == {a["outlet"] for a in ARTICLES}
    shown = run("article", records[0]["id"], "--db", db, "--json")
    assert not any(c in shown for c in CONTROLS)
    assert json.loads(shown)["text"] in {a["text"] for a in ARTICLES}


def test_stories_and_show_print_no_terminal_control_sequences(db):
    listed = run("stories", "--db", db)
    assert not any(c in listed for c in CONTROLS)
    stories = [json.loads(line) for line in run("stories", "--db", db, "--json").splitlines()]
    assert stories
    for story in stories:
        shown = run("show", story["id"], "--db", db)
        assert "Ellery" in shown
        assert not any(c in shown for c in CONTROLS), f"control characters in `storyweave show {story['id']}`"
        as_json = run("show", story["id"], "--db", db, "--json")
        assert not any(c in as_json for c in CONTROLS)
        assert json.loads(as_json)["story"]["id"] == story["id"]


def test_errors_and_failed_documents_print_no_terminal_control_sequences(db, tmp_path):
    # an error quotes what the user typed, a failure line the document's name: both are shown, not acted on
    error = runner.invoke(app, ["article", f"nope{CLEAR}", "--db", f"{db}{CLEAR}"], catch_exceptions=False)
    assert error.exit_code == 1 and "nope" in error.output
    assert not any(c in error.output for c in CONTROLS)
    folder = tmp_path / "inbox"
    folder.mkdir()
    (folder / f"empty{CLEAR}.txt").write_text("", encoding="utf-8")
    for command in (["ingest", str(folder), "--no-analyze", "--quiet"], ["watch", str(folder), "--once"]):
        output = run(*command, "--db", str(tmp_path / f"{command[0]}.db"))
        assert "failed" in output and "empty[2J[H.txt" in output, output
        assert not any(c in output for c in CONTROLS), f"control characters in `storyweave {command[0]}`"
