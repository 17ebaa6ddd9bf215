"""HtmlReader and extract_html on small real HTML files written here."""

from __future__ import annotations

from pathlib import Path

import pytest

from storyweave.config import IngestOptions
from storyweave.errors import BadDocument
from storyweave.ingest.base import InputDocument
from storyweave.ingest.html import HtmlReader, extract_html
from storyweave.records import ArticleDraft, DocumentMetadata

PARAGRAPHS = [
    ("Rebel fighters entered the central Syrian city of Hama on Thursday after days of fighting with "
    "government forces, according to residents and a war monitor based in Britain."),
    ("The Syrian army said in a statement posted on Facebook that its units had redeployed outside the "
    "city to preserve the lives of civilians and to avoid fighting inside populated neighbourhoods."),
    ("\u201cWe are inside the city and the people are coming out to greet us,\u201d a commander told reporters "
    "by telephone, adding that prisoners had been freed from the central jail overnight."),
    ("Hama, the fourth-largest city in the country, lies on the main highway between Aleppo and the "
    "capital, Damascus, and its loss is the heaviest blow to the government in years."),
]

NEWS_PAGE = """<!DOCTYPE html>
<html lang="en-GB">
<head>
  <meta charset="utf-8">
  <title>Rebels enter Hama as army pulls back | The Daily Example</title>
  <meta property="og:title" content="Rebels enter Hama as army pulls back">
  <meta property="og:site_name" content="The Daily Example">
  <meta property="og:url" content="https://news.example.com/world/2024/12/05/rebels-enter-hama">
  <meta property="og:type" content="article">
  <meta name="author" content="Jane Reporter">
  <meta property="article:published_time" content="2024-12-05T14:30:00Z">
</head>
<body>
  <header>
    <nav><ul>
      <li><a href="/">Home</a></li><li><a href="/world">World</a></li>
      <li><a href="/business">Business</a></li><li><a href="/sport">Sport</a></li>
      <li><a href="/subscribe">Subscribe now for unlimited access</a></li>
    </ul></nav>
  </header>
  <main>
    <article>
      <h1>Rebels enter Hama as army pulls back</h1>
      <p class="byline">By <a rel="author" href="/staff/jane">Jane Reporter</a></p>
      <time datetime="2024-12-05T14:30:00Z">5 December 2024</time>
      <div class="article-body">
        <p>{}</p>
        <p>{}</p>
        <p>{}</p>
        <p>{}</p>
      </div>
    </article>
    <aside class="related-links">
      <h2>Related stories</h2>
      <ul>
        <li><a href="/a">Ten things to know about the weekend weather forecast</a></li>
        <li><a href="/b">Celebrity chef opens a restaurant in a disused railway station</a></li>
      </ul>
    </aside>
  </main>
  <footer>
    <p>Copyright 2024 The Daily Example. All rights reserved.</p>
    <a href="/privacy">Privacy policy</a> <a href="/contact">Contact us</a>
  </footer>
</body>
</html>
""".format(*PARAGRAPHS)


def _write(tmp_path: Path, name: str, data: bytes) -> InputDocument:
    path = tmp_path / name
    path.write_bytes(data)
    return InputDocument(source=str(path), data=path.read_bytes(), path=path)


def _read_one(document: InputDocument) -> ArticleDraft:
    results = list(HtmlReader().read(document, IngestOptions()))
    assert len(results) == 1
    assert isinstance(results[0], ArticleDraft)
    return results[0]


def test_news_page_keeps_body_and_drops_furniture(tmp_path):
    draft = _read_one(_write(tmp_path, "hama.html", NEWS_PAGE.encode("utf-8")))

    assert draft.reader == "html"
    assert draft.text.split("\n\n") == PARAGRAPHS
    for furniture in ("Subscribe now", "Related stories", "Celebrity chef", "Copyright 2024", "Privacy policy"):
        assert furniture not in draft.text
    # The headline is metadata, not body text.
    assert "Rebels enter Hama as army pulls back" not in draft.text


def test_news_page_metadata_from_the_page(tmp_path):
    meta = _read_one(_write(tmp_path, "hama.html", NEWS_PAGE.encode("utf-8"))).metadata

    assert meta.title == "Rebels enter Hama as army pulls back"
    assert meta.author == "Jane Reporter"
    assert meta.published == "2024-12-05"
    assert meta.site_name == "The Daily Example"
    assert meta.url == "https://news.example.com/world/2024/12/05/rebels-enter-hama"
    assert meta.language == "en"


def test_caller_metadata_wins_over_the_page():
    given = DocumentMetadata(outlet="Example News", title="Given title", published="2024-12-06")
    meta = extract_html(NEWS_PAGE, "hama.html", metadata=given).metadata

    assert meta.title == "Given title"
    assert meta.published == "2024-12-06"
    assert meta.outlet == "Example News"
    assert meta.author == "Jane Reporter"  # not given, so the page's value fills it


def test_windows_1252_page_decoded_by_its_meta_charset(tmp_path):
    body = (
        "Le caf\u00e9 du coin a rouvert ses portes apr\u00e8s trois mois de travaux, et le patron "
        "affirme que le prix de l\u2019espresso restera \u00e0 deux euros \u2014 soit 2 \u20ac \u2014 "
        "malgr\u00e9 la hausse des co\u00fbts de l\u2019\u00e9nergie et des mati\u00e8res premi\u00e8res."
    )
    page = (
        '<html lang="fr"><head><meta charset="windows-1252"><title>Caf\u00e9</title></head>'
        f"<body><article><p>{body}</p><p>{body}</p></article></body></html>"
    )
    draft = _read_one(_write(tmp_path, "cafe.htm", page.encode("cp1252")))

    assert body in draft.text
    assert "\u20ac" in draft.text and "\u2019" in draft.text
    assert draft.metadata.language == "fr"


def test_broken_html_with_unclosed_tags(tmp_path):
    page = "<html><body><div class='story'><p>{}<p>{}<p><b>{}<p>{}</div".format(*PARAGRAPHS)
    draft = _read_one(_write(tmp_path, "broken.html", page.encode("utf-8")))

    for paragraph in PARAGRAPHS:
        assert paragraph in draft.text


def test_page_without_article_text_is_a_bad_document(tmp_path):
    page = (
        "<!doctype html><html><head><title>Log in</title></head><body>"
        "<nav><a href='/'>Home</a> <a href='/login'>Log in</a></nav>"
        "<form><input name='user'><input type='password' name='pw'><button>Sign in</button></form>"
        "<footer>\u00a9 2024 Example</footer></body></html>"
    )
    document = _write(tmp_path, "login.html", page.encode("utf-8"))
    with pytest.raises(BadDocument) as err:
        _read_one(document)
    assert err.value.source == document.source
    assert "no article text found" in err.value.reason


def test_extract_html_refuses_a_page_with_no_text():
    # The WARC and JSON readers call extract_html directly: it refuses too.
    page = (
        "<html><head><title>Gallery</title><script>var x = 1;</script></head>"
        "<body><img src='a.jpg'><img src='b.jpg'><script>render()</script></body></html>"
    )
    with pytest.raises(BadDocument) as err:
        extract_html(page, "record-7")
    assert err.value.source == "record-7"
    assert "no article text found" in err.value.reason


def test_paragraph_breaks_are_blank_lines_for_string_input():
    text = extract_html(NEWS_PAGE, "hama.html").text
    assert text.count("\n\n") == len(PARAGRAPHS) - 1
    assert "\n\n\n" not in text


def test_binary_junk_is_a_bad_document(tmp_path):
    junk = bytes(range(256)) * 64
    with pytest.raises(BadDocument) as err:
        _read_one(_write(tmp_path, "junk.html", junk))
    assert "not text" in err.value.reason


def test_oversized_document_names_the_limit(tmp_path):
    document = _write(tmp_path, "hama.html", NEWS_PAGE.encode("utf-8"))
    options = IngestOptions(max_document_bytes=1000)
    with pytest.raises(BadDocument) as err:
        list(HtmlReader().read(document, options))
    assert "--max-bytes" in err.value.reason


@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        ("page.html", b"anything", True),
        ("page.HTM", b"anything", True),
        ("page.xhtml", b"anything", True),
        ("page.txt", b"\xef\xbb\xbf  \n<!DOCTYPE html><html><body>x</body></html>", True),
        ("page", b"<!-- saved --> <html lang='en'><body>x</body></html>", True),
        ("<stdin>", b"\n\n<HEAD><title>x</title></HEAD>", True),
        ("notes.txt", b"Plain text that mentions <html> later on.", False),
        ("page.html.gz", b"\x1f\x8b\x08\x00", False),
        ("data.json", b'{"html": "<html></html>"}', False),
    ],
)
def test_sniff(name, data, expected):
    path = Path(name) if name != "<stdin>" else None
    assert HtmlReader().sniff(InputDocument(source=name, data=data, path=path)) is expected


def _nested(depth: int) -> bytes:
    body = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    return (
        "<!DOCTYPE html><html lang='en'><head><title>Rebels enter Hama</title></head><body>"
        + "<div>" * depth
        + f"<article><h1>Rebels enter Hama</h1>{body}</article>"
        + "</div>" * depth
        + "</body></html>"
    ).encode("utf-8")


@pytest.mark.parametrize("depth", [255, 1000])
def test_deeply_nested_article_is_extracted(tmp_path, depth):
    # libxml2 stops at 256 levels unless told the tree may be huge; the page
    # then seemed to have no text at all ("built by JavaScript?").
    draft = _read_one(_write(tmp_path, "deep.html", _nested(depth)))
    assert draft.text.split("\n\n") == PARAGRAPHS
    assert draft.metadata.language == "en"


def test_page_nested_beyond_the_parser_limit_says_so(tmp_path):
    document = _write(tmp_path, "deeper.html", _nested(2100))
    with pytest.raises(BadDocument) as err:
        _read_one(document)
    assert "nested" in err.value.reason and "2,048" in err.value.reason
    assert "JavaScript" not in err.value.reason


def test_one_word_page_is_too_short_not_javascript(tmp_path):
    page = b"<!DOCTYPE html><html><head><title>x</title></head><body><p>Hama</p></body></html>"
    with pytest.raises(BadDocument) as err:
        _read_one(_write(tmp_path, "word.html", page))
    assert "too short to be an article" in err.value.reason
    assert "JavaScript" not in err.value.reason
