"""HTML pages to article text and metadata.

trafilatura does the work; this module adds a short cascade around it
(written as numbered stages, in trafilatura's own style) and the decisions
storyweave needs: caller metadata wins over the page's, the headline stays out
of the body, and paragraphs are separated by a blank line so later stages
(spaCy, quote and claim spans) see real paragraph boundaries.

The cascade was measured on the Zyte article-extraction benchmark
(``storyweave eval extraction``; figures in docs/BENCHMARKS.md).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator

import lxml.etree
import lxml.html
import trafilatura
from lxml.html import HtmlElement
from trafilatura.utils import repair_faulty_html

from storyweave.config import IngestOptions
from storyweave.errors import BadDocument
from storyweave.ingest.base import InputDocument, ReadResult
from storyweave.ingest.decoding import decode_text
from storyweave.records import ArticleDraft, DocumentMetadata

LOGGER = logging.getLogger(__name__)

_SUFFIXES = (".html", ".htm", ".xhtml", ".shtml")

#: A document "looks like HTML" when, after an optional BOM, whitespace and
#: comments, it opens with a doctype or an <html>, <head> or <body> tag.
_HTML_START = re.compile(
    rb"^(?:\xef\xbb\xbf)?\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body)\b",
    re.IGNORECASE | re.DOTALL,
)
#: <meta charset="x"> and <meta http-equiv="Content-Type" content="text/html; charset=x">.
_META_CHARSET = re.compile(rb"""<meta[^>]+?charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.IGNORECASE)
#: How far into the page a charset declaration may appear (HTML5 says 1024 bytes;
#: real pages put long <head>s in front of it, so look further).
_CHARSET_WINDOW = 8192

#: Options shared by both trafilatura passes. Comments are never article text;
#: tables often are (sports results, figures in business news).
_TRAFILATURA_COMMON = {"include_comments": False, "include_tables": True, "with_metadata": True}

#: Stage 3 threshold: when the precision pass keeps less than this share of
#: what the balanced pass found, it has cut into the article rather than its
#: furniture, and the balanced result is taken instead.
_PRECISION_MIN_SHARE = 0.5

#: The default for ``extract_html``: nothing known (the record is frozen, so sharing is safe).
_NO_METADATA = DocumentMetadata()

#: How deep libxml2 builds a tree when huge trees are allowed (256 otherwise).
_MAX_PARSER_DEPTH = 2048
_INVISIBLE = ("script", "style", "template", "noscript")
#: A page with scripts and less visible text than this is taken to be built by JavaScript.
_SCRIPTED_PAGE_CHARS = 200

_WORD = re.compile(r"\w+", re.UNICODE)
_SPACES = re.compile(r"[ \t\u00a0\u2009\u200a\u202f]+")


class HtmlReader:
    """Reads one HTML page as one article (``Reader`` protocol)."""

    name = "html"

    def sniff(self, document: InputDocument) -> bool:
        """HTML by suffix, or by a doctype/<html>/<head>/<body> at the start of the bytes."""
        if document.suffixes.endswith(_SUFFIXES):
            return True
        return looks_like_html(document.data[:2048])

    def read(self, document: InputDocument, options: IngestOptions) -> Iterator[ReadResult]:
        """Yield the page's article; raise ``BadDocument`` when it has none."""
        if len(document.data) > options.max_document_bytes:
            raise BadDocument(
                document.source,
                f"file is {len(document.data):,} bytes, over the {options.max_document_bytes:,}-byte "
                "limit; raise --max-bytes to accept it",
            )
        yield extract_html(
            document.data,
            document.source,
            document.metadata,
            reader=self.name,
            min_chars=options.min_text_chars,
        )


def looks_like_html(head: bytes) -> bool:
    """Return True if these first bytes open an HTML document."""
    return bool(_HTML_START.match(head))


def extract_html(
    html: bytes | str,
    source: str,
    metadata: DocumentMetadata = _NO_METADATA,
    reader: str = "html",
    min_chars: int = 1,
) -> ArticleDraft:
    """Extract the article text and metadata of one HTML page.

    ``metadata`` given by the caller (sidecar file, JSON record, WARC headers)
    wins field by field over what the page itself says. Paragraphs are
    separated by ``"\\n\\n"``; the headline is kept in ``metadata.title``, not
    in the text. Raises ``BadDocument`` when the bytes are not text or the page
    holds no article text of at least ``min_chars`` characters, with the likely
    reason (too short, nested too deep, built by JavaScript, no running text).
    """
    text = _to_text(html, source)
    tree, too_deep = _parse_html(text)
    if tree is None:
        raise BadDocument(source, "not HTML: the document could not be parsed as a web page")

    # Stage 1: precision pass. trafilatura's favor_precision drops the related
    # links, teasers and sign-up boxes that sit inside article containers.
    # Both passes get the tree parsed above (trafilatura works on a copy of it).
    precise = _run_trafilatura(tree, favor_precision=True)
    # Stage 2: balanced pass, trafilatura's default trade-off (its own
    # readability/jusText fallbacks included), as a yardstick for stage 1.
    balanced = _run_trafilatura(tree, favor_precision=False)

    # Stage 3: choose. The precision pass sometimes discards the whole body
    # (a reprint notice survives instead); measured on the benchmark, a pass
    # that keeps under half of the balanced text has lost article text.
    chosen = precise
    if _length(precise) < _PRECISION_MIN_SHARE * _length(balanced):
        LOGGER.debug("%s: precision pass kept %d of %d chars; using balanced pass",
                     source, _length(precise), _length(balanced))
        chosen = balanced
    body = chosen.text if chosen is not None and chosen.text else ""

    # No further fallback on purpose: trafilatura.baseline() was tried here and
    # returned menus and form labels for pages without an article (it was never
    # needed on the benchmark, where stage 2's own fallbacks always found text).

    # Stage 4: clean up. One paragraph per block, blank line between blocks,
    # and the headline out of the body (the benchmark's gold bodies never
    # contain it; storyweave keeps it in metadata.title).
    page_meta = _page_metadata(chosen or precise or balanced, tree)
    body = _paragraphs(body, page_meta.title)
    if len(body) < max(min_chars, 1):
        why = _why_no_text(tree, too_deep, len(body), min_chars)
        raise BadDocument(source, f"no article text found: {why}")
    if too_deep:
        LOGGER.warning("%s: the page is nested more than %d elements deep; any text below that is lost",
                       source, _MAX_PARSER_DEPTH)
    return ArticleDraft(source=source, text=body, metadata=metadata.merged_over(page_meta), reader=reader)


def _to_text(html: bytes | str, source: str) -> str:
    """Decode bytes, honouring a declared charset; refuse binary data either way."""
    if isinstance(html, str):
        # Same binary check as for bytes: a JSON field can hold junk too.
        return decode_text(html.encode("utf-8", errors="surrogatepass"), source)
    found = _META_CHARSET.search(html[:_CHARSET_WINDOW])
    declared = found.group(1).decode("ascii", errors="ignore") if found else None
    return decode_text(html, source, declared=declared)


def _parse_html(text: str) -> tuple[HtmlElement | None, bool]:
    """The page's tree as trafilatura would parse it, but deeper, and whether it was still cut.

    libxml2 stops building the tree 256 elements deep unless the parser allows
    huge trees (then 2,048): a page nested 255 ``<div>``s deep lost its article,
    and the reason given was "built by JavaScript?". trafilatura's own parser
    (``trafilatura.utils.HTML_PARSER``) leaves ``huge_tree`` off, so we parse
    with its settings plus ``huge_tree`` and hand it the tree. A fresh parser
    per page keeps its error log (the depth check) to this page and thread.
    Returns (None, False) for what is not HTML, as ``trafilatura.load_html`` does.
    """
    parser = lxml.html.HTMLParser(
        collect_ids=False,
        default_doctype=False,
        encoding="utf-8",
        remove_comments=True,
        remove_pis=True,
        huge_tree=True,
    )
    beginning = text[:50].lower()
    repaired = repair_faulty_html(text, beginning)
    try:
        tree = lxml.html.fromstring(repaired.encode("utf-8", "surrogatepass"), parser=parser)
    except (lxml.etree.LxmlError, ValueError) as err:  # an empty or unparseable document
        LOGGER.debug("lxml could not parse the page: %s", err)
        return None, False
    too_deep = any(
        error.type_name == "ERR_RESOURCE_LIMIT" and "depth" in error.message.lower()
        for error in parser.error_log
    )
    # trafilatura's sanity check: without "html" near the start, a tree of fewer
    # than two elements is a text fragment, not a page.
    if tree is not None and "html" not in beginning and len(tree) < 2:
        return None, False
    return tree, too_deep


def _why_no_text(tree: HtmlElement, too_deep: bool, found: int, min_chars: int) -> str:
    """The likeliest reason a page gave no article, for the person reading the quarantine."""
    if too_deep:
        return (
            f"the page is nested more than {_MAX_PARSER_DEPTH:,} elements deep, where the HTML parser "
            "(libxml2) stops reading; the article is below that depth"
        )
    visible = _visible_text(tree)
    if tree.find(".//script") is not None and len(visible) < _SCRIPTED_PAGE_CHARS:
        return (
            f"the page shows only {len(visible)} characters of text and runs scripts: it is probably "
            "built by JavaScript, which storyweave does not run; save the page as the browser shows it"
        )
    if len(visible) < min_chars:
        return (
            f"the page holds only {len(visible)} characters of text (at least {min_chars} needed), "
            "too short to be an article"
        )
    if found:
        return (
            f"only {found} characters of running text (at least {min_chars} needed); "
            "an index page, or a login or cookie wall?"
        )
    return "the page has no block of running text (an index page, or a login or cookie wall?)"


def _visible_text(tree: HtmlElement) -> str:
    """The page's text outside <script>, <style>, <template> and <noscript>, spaces collapsed."""
    parts = [
        node
        for node in tree.xpath("//body//text()")
        if node.getparent() is not None and node.getparent().tag not in _INVISIBLE
    ]
    return " ".join(" ".join(parts).split())


def _run_trafilatura(tree: HtmlElement, favor_precision: bool) -> trafilatura.settings.Document | None:
    try:
        return trafilatura.bare_extraction(tree, favor_precision=favor_precision, **_TRAFILATURA_COMMON)
    except (ValueError, TypeError) as err:  # lxml raises these on pathological markup
        LOGGER.debug("trafilatura failed (favor_precision=%s): %s", favor_precision, err)
        return None


def _length(document: trafilatura.settings.Document | None) -> int:
    return len(document.text or "") if document is not None else 0


def _page_metadata(document: trafilatura.settings.Document | None, tree: HtmlElement) -> DocumentMetadata:
    """What the page says about itself (trafilatura's metadata, <html lang>)."""
    language = _language(tree)
    if document is None:
        return DocumentMetadata(language=language)
    return DocumentMetadata(
        url=document.url or None,
        title=document.title or None,
        author=document.author or None,
        published=document.date or None,
        site_name=document.sitename or None,
        language=document.language or language,
    )


def _language(tree: HtmlElement) -> str | None:
    """Primary language subtag from <html lang> or og:locale ("en-US" -> "en")."""
    root = tree.getroottree().getroot()
    value = root.get("lang") or root.get("{http://www.w3.org/XML/1998/namespace}lang")
    if not value:
        locales = root.xpath('//meta[@property="og:locale"]/@content')
        value = locales[0] if locales else None
    if not value:
        return None
    primary = re.split(r"[-_]", value.strip())[0].lower()
    return primary if primary.isalpha() and 2 <= len(primary) <= 3 else None


def _paragraphs(body: str, title: str | None) -> str:
    """One block per line in, blank-line-separated paragraphs out, headline lines dropped."""
    title_words = _words(title) if title else None
    blocks = []
    for line in body.split("\n"):
        line = _SPACES.sub(" ", line).strip()
        if not line:
            continue
        if title_words and _words(line) == title_words:
            continue
        blocks.append(line)
    return "\n\n".join(blocks)


def _words(text: str) -> list[str]:
    return [w.casefold() for w in _WORD.findall(text)]
