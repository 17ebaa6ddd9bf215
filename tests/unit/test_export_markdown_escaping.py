"""The Markdown dossier shows every stored value as the text it is, in a real CommonMark renderer.

Each field the dossier prints carries markup: raw HTML, Markdown links and images to
``javascript:`` URLs, an autolink, entities, emphasis, and text that starts like a heading or
a list. Rendered with markdown-it-py (raw HTML on, every link scheme allowed: the export must
not rely on a renderer's own filter), the result has table and heading structure only, and
every payload reads back as written.
"""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from storyweave.export import formats
from storyweave.queries.sections import claim_sections

PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(2)>",
    "[click](javascript:alert(3))",
    "![pic](javascript:alert(4))",
    "<javascript:alert(5)>",
    '<a href="javascript:alert(6)">six</a>',
    "[ref] [ref]: javascript:alert(7)",
    "&lt;script&gt; &#60;b&#62; AT&amp;T",
    "*stars* _under_ `tick` ~~strike~~ \\back",
    "| a | b |",
]
#: Text that would start a block if it opened a line.
LINE_STARTS = ["# not a heading", "1. not a list", "- not a bullet", "+ nor this", "> not a quote", "---", "=== x"]

STRUCTURE = {"h1", "h2", "h3", "p", "ul", "li", "table", "thead", "tbody", "tr", "th", "td", "code"}


def _hostile(i: int) -> str:
    return f"{LINE_STARTS[i % len(LINE_STARTS)]} {PAYLOADS[i % len(PAYLOADS)]} tail{i}"


def _dossier() -> dict:
    n = iter(range(1000))

    def h() -> str:
        return _hostile(next(n))

    outlets = [h(), h()]
    claims = [
        {"id": "c1", "story": "s1", "text": h(), "status": "corroborated", "independent_origins": 2, "kind": "event",
         "outlets": 2, "score": 0.9, "versions": [], "origin_summary": h(),
         "mentions": [{"article": "a1", "outlet": outlets[0], "start": 0, "end": 5, "version": 0, "text": h(),
                       "attributed_to": h()},
                      {"article": "a2", "outlet": outlets[1], "start": 0, "end": 5, "version": 0, "text": h(),
                       "attributed_to": None}]},
        {"id": "c2", "story": "s1", "text": h(), "status": "contested", "independent_origins": 2, "kind": "state",
         "outlets": 2, "score": 0.8, "origin_summary": h(),
         "versions": [{"text": h(), "outlets": [outlets[0]]}, {"text": h(), "outlets": [outlets[1]]}],
         "mentions": [{"article": "a1", "outlet": outlets[0], "start": 9, "end": 20, "version": 0, "text": h(),
                       "attributed_to": None},
                      {"article": "a2", "outlet": outlets[1], "start": 9, "end": 20, "version": 1, "text": h(),
                       "attributed_to": None}]},
    ] + [
        {"id": f"c{i}", "story": "s1", "text": h(), "status": "single-source", "independent_origins": 1,
         "kind": "event", "outlets": 1, "score": 0.1 * (i % 3), "versions": [], "origin_summary": h(),
         "mentions": [{"article": "a1", "outlet": outlets[i % 2], "start": 30 + i, "end": 31 + i, "version": 0,
                       "text": h(), "attributed_to": None}]}
        for i in range(3, 25)
    ]
    return {
        "story": {"id": "s`1", "title": h(), "first_seen": "2024-12-05", "last_seen": "2024-12-06", "seen": h(),
                  "summary": h()},
        "articles": [{"id": "a1", "outlet": outlets[0]}, {"id": "a2", "outlet": outlets[1]}],
        "claims": claims,
        "sections": claim_sections(claims, {outlets[0]: 1, outlets[1]: 1}),
        "timeline": [{"date": "2024-12-05", "when": h(), "type": h(), "action": h(), "actor": h(), "target": h(),
                      "place": h(), "sources": [{"article": "a1", "outlet": outlets[0]}]}],
        "quotes": [{"speaker": h(), "quotes": [{"article": "a2", "outlet": outlets[1], "text": h()}]}],
        "places": [],
    }


class _Elements(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags, self.attributes, self.text = [], [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attributes += [(tag, name, value) for name, value in attrs]

    def handle_data(self, data):
        self.text.append(data)


@pytest.fixture(scope="module")
def rendered() -> tuple[str, _Elements]:
    from markdown_it import MarkdownIt

    markdown = formats.markdown_dossier([_dossier()])
    renderer = MarkdownIt("commonmark", {"html": True}).enable("table")
    renderer.validateLink = lambda url: True  # a renderer without markdown-it's javascript: filter
    elements = _Elements()
    elements.feed(renderer.render(markdown))
    return markdown, elements


def test_no_markup_from_the_data_comes_alive(rendered):
    _, elements = rendered
    assert set(elements.tags) <= STRUCTURE, f"live markup: {set(elements.tags) - STRUCTURE}"
    assert elements.attributes == []
    # the document's own structure is still there
    assert elements.tags.count("h1") == 1 and "table" in elements.tags and "li" in elements.tags


def test_every_payload_reads_back_as_written(rendered):
    _, elements = rendered
    text = "".join(elements.text)
    for payload in PAYLOADS:
        assert payload in text, payload
    for start in LINE_STARTS:
        assert start in text, start


def test_the_story_id_stays_one_code_span(rendered):
    markdown, elements = rendered
    assert "Story `s'1`" in markdown and elements.tags.count("code") == 1
