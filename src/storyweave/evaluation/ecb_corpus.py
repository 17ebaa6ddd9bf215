"""Reader for the ECB+ corpus (Cybulska & Vossen, LREC 2014; CC BY 3.0).

ECB+ ships 982 news articles as tokenised CAT/CROMER XML: ``<token t_id sentence
number>`` elements, then ``<Markables>`` (mentions anchored on token ids, plus
token-less "instance" descriptors) and ``<Relations>`` (``CROSS_DOC_COREF`` whose
``note`` is the cross-document instance id, ``INTRA_DOC_COREF``). File names say
the gold story: ``<topic>_<n>ecb.xml`` and ``<topic>_<n>ecbplus.xml`` are two
different seminal events of one topic. Sentence 0 of every ``ecbplus`` file is
the URL the text was found at.

This module turns each file into an :class:`EcbDocument`: readable text rebuilt
from the tokens (one paragraph per sentence), a token id -> character offset map
and the gold mentions with their character spans, so an evaluation can compare
our output on ``text`` with the gold annotation.
"""

from __future__ import annotations

import calendar
import csv
import logging
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from types import MappingProxyType

from storyweave.errors import BadDocument, EvalDataMissing

log = logging.getLogger(__name__)

FILE_NAME = re.compile(r"^(?P<topic>\d+)_(?P<n>\d+)(?P<sub>ecbplus|ecb)\.xml$")
SENTENCES_CSV = "ECBplus_coreference_sentences.csv"

# The spacing conventions below describe the ECB+ tokeniser's output (PTB-style
# quotes, split clitics), i.e. the file format, not tunable rules. Library
# detokenisers (sacremoses, nltk's Treebank detokeniser) return only a string,
# and we need each token's character span to place the gold mentions, so the
# spacing decision is made here token by token.
_NO_SPACE_BEFORE = frozenset({".", ",", ":", ";", "?", "!", ")", "]", "}", "%", "...", "…", "'", "’"})
_NO_SPACE_AFTER = frozenset({"(", "[", "{", "‘", "$", "#", "£", "€"})
_OPENING_QUOTES = frozenset({"``", "“"})
_CLOSING_QUOTES = frozenset({"''", "”"})
_CLITICS = frozenset({"n't", "'s", "'re", "'m", "'ve", "'d", "'ll", "'", "s'"})
_CLITIC_TAILS = frozenset({"s", "t", "re", "ve", "ll", "d", "m"})
# A spaced " - " before these words is a dash opening a clause ("Columbus - which
# ..."), not a hyphen inside a compound ("free - agent").
_DASH_CLAUSE_WORDS = frozenset(
    {"the", "a", "an", "which", "who", "that", "and", "but", "or", "we", "he", "she", "it", "they",
     "i", "you", "his", "her", "their", "this", "these", "those", "many", "some", "not", "was", "is"}
)
# PTB quote tokens are written back as the plain quote the source most likely had.
_SURFACE = {"``": '"', "''": '"', "-LRB-": "(", "-RRB-": ")", "-LSB-": "[", "-RSB-": "]"}
# Words a page's date/time line is made of, besides numbers (the vocabulary of
# the datelines found above ECB+ headlines).
_DATELINE_WORDS = frozenset(
    [name.lower() for names in (calendar.month_name, calendar.month_abbr) for name in names]
    + [name.lower() for names in (calendar.day_name, calendar.day_abbr) for name in names]
    + ["sept", "st", "nd", "rd", "th", "am", "pm", "a", "p", "m", "at", "on", "by", "article", "posted",
       "published", "updated", "last", "date", "gmt", "utc", "bst", "cet", "et", "est", "edt", "pt", "pst",
       "pdt", "ct", "cst", "cdt", "ist"]
)
_END_PUNCT = (".", "!", "?", '"', "”", "'", "’", ")", "…")


@dataclass(frozen=True)
class EcbMention:
    """One gold mention: a markable anchored on tokens, placed in ``EcbDocument.text``.

    ``start``/``end`` run from the first anchor token's start to the last one's end
    (a few mentions are discontinuous; ``token_ids`` has the exact tokens).
    ``instance_id`` is the CROSS_DOC_COREF instance (same id = same real-world
    event or entity across documents); ``instance_name`` the coder's label for it
    (e.g. ``t1_lindsay_lohan``). ``chain_id`` names a within-document chain for
    mentions linked only by INTRA_DOC_COREF.
    """

    m_id: int
    tag: str
    token_ids: tuple[int, ...]
    sentence: int
    start: int
    end: int
    text: str
    instance_id: str | None = None
    instance_name: str | None = None
    chain_id: str | None = None

    @property
    def kind(self) -> str:
        """The event component: ACTION, NEG, HUMAN, NON_HUMAN, LOC, TIME or UNKNOWN."""
        if self.tag.startswith("NON_HUMAN"):
            return "NON_HUMAN"
        return self.tag.split("_", 1)[0]


@dataclass(frozen=True)
class EcbSentence:
    """A sentence's number in the XML and its character span in ``EcbDocument.text``."""

    number: int
    start: int
    end: int


@dataclass(frozen=True)
class EcbDocument:
    """One ECB+ article as readable text with its gold annotation.

    ``doc_id`` is the file stem (``1_1ecbplus``); ``subtopic`` is ``"ecb"`` or
    ``"ecbplus"``; ``url`` is sentence 0 of ``ecbplus`` files (not part of
    ``text``; None for ``ecb`` files). ``token_offsets`` maps every token id in
    ``text`` to its ``(start, end)``. ``annotated_sentences`` lists the sentence
    numbers the corpus authors fully annotated (None when the index is unknown).
    """

    doc_id: str
    topic: int
    subtopic: str
    url: str | None
    title: str | None
    text: str
    token_offsets: Mapping[int, tuple[int, int]]
    sentences: tuple[EcbSentence, ...]
    mentions: tuple[EcbMention, ...]
    annotated_sentences: frozenset[int] | None = None

    @property
    def story(self) -> str:
        """The gold story label, ``<topic>-<subtopic>`` (e.g. ``1-ecbplus``)."""
        return f"{self.topic}-{self.subtopic}"


def detokenize(tokens: Sequence[str], quote_open: bool = False) -> tuple[str, list[tuple[int, int]]]:
    """Join one sentence's tokens into text; return it and each token's ``(start, end)``.

    Handles the spacing of punctuation, brackets, straight/PTB/curly quotes,
    split clitics ("do n't" -> "don't", "Lohan 's" -> "Lohan's") and hyphens.
    PTB quotes (`` '') become ``"``; every other token is kept as written.
    ``quote_open``: a double quote opened in an earlier sentence is still open (a
    quotation of several sentences), so the first straight quote of this one that does
    not open it closes it.
    """
    text, offsets, _ = _detokenize(tokens, quote_open)
    return text, offsets


def _detokenize(tokens: Sequence[str], quote_open: bool) -> tuple[str, list[tuple[int, int]], bool]:
    """``detokenize``, and whether a double quote is still open after the sentence."""
    surfaces = [_SURFACE.get(tok, tok) for tok in tokens]
    gaps, open_after = _gaps(tokens, quote_open)
    parts: list[str] = []
    offsets: list[tuple[int, int]] = []
    pos = 0
    for i, surface in enumerate(surfaces):
        if surface and parts and gaps[i]:  # an empty token (stray whitespace) adds nothing
            parts.append(" ")
            pos += 1
        if surface:
            parts.append(surface)
        offsets.append((pos, pos + len(surface)))
        pos += len(surface)
    return "".join(parts), offsets, open_after


def quote_left_open(tokens: Sequence[str], quote_open: bool = False) -> bool:
    """Whether a double quote is still open after this sentence (see ``detokenize``)."""
    return _gaps(tokens, quote_open)[1]


def _gaps(tokens: Sequence[str], quote_open: bool = False) -> tuple[list[bool], bool]:
    """``gaps[i]`` says whether a space goes between token i-1 and token i; and whether a
    double quote is open after the last token."""
    n = len(tokens)
    gaps = [True] * (n + 1)  # gaps[n] is a sentinel for "after the last token"
    double_quote_open, single_quote_open = quote_open, False
    for i, tok in enumerate(tokens):
        prev = tokens[i - 1] if i else ""
        nxt = tokens[i + 1] if i + 1 < n else ""
        low = tok.lower().replace("’", "'")
        if tok in _NO_SPACE_BEFORE or low in _CLITICS:
            gaps[i] = False
        if tok in _NO_SPACE_AFTER:
            gaps[i + 1] = False
        if tok == '"' or tok in _OPENING_QUOTES or tok in _CLOSING_QUOTES:
            # Straight quotes alternate; at the end of a sentence any quote closes
            # (the tokeniser now and then wrote a closing quote as ``), and at its start
            # any quote opens (a new paragraph of a long quotation opens it again).
            closing = tok in _CLOSING_QUOTES or (tok == '"' and double_quote_open and i > 0)
            if closing or (i == n - 1 and i > 0):
                gaps[i] = False
                double_quote_open = single_quote_open = False
            else:
                gaps[i + 1] = False
                double_quote_open = True
        elif tok in ("'", "’"):
            single_quote_open = _single_quote(tokens, i, gaps, single_quote_open)
        elif len(tok) > 1 and tok.count('"') == 1 and tok[0] in '"“' and not double_quote_open:
            double_quote_open = True  # a quote the tokeniser left on its word ('"As')
        elif len(tok) > 1 and tok.count('"') == 1 and tok[-1] in '"”' and double_quote_open:
            double_quote_open = False
        elif tok in ("/", "_") or (tok in (":", "–", ".") and _digit_pair(prev, nxt)):
            gaps[i] = gaps[i + 1] = False  # 02/07, 4:59, 10–5, $2.6
        elif tok == "." and _letter_pair(prev, nxt):
            gaps[i] = gaps[i + 1] = False  # "U . S ." -> U.S., "p . m ." -> p.m.
        elif tok == "-":
            _hyphen(tokens, i, gaps)
    return gaps[:n], double_quote_open


def _single_quote(tokens: Sequence[str], i: int, gaps: list[bool], is_open: bool) -> bool:
    """Place a lone ' or ’: clitic apostrophe, possessive, or opening/closing quote.

    Returns whether a single quote is open after this token.
    """
    prev = tokens[i - 1] if i else ""
    nxt = tokens[i + 1] if i + 1 < len(tokens) else ""
    after_word = bool(prev) and prev[-1].isalnum()
    if after_word and nxt.lower() in _CLITIC_TAILS:
        gaps[i] = gaps[i + 1] = False  # "don ’ t", "Lohan ’ s"
        return is_open
    if is_open and prev and (after_word or prev in _NO_SPACE_BEFORE):
        gaps[i] = False  # closes the open quote
        return False
    if (after_word and prev[-1] in "sS") or (prev in _NO_SPACE_BEFORE and prev not in ("'", "’")):
        gaps[i] = False  # possessive ("Saints ' coach") or a quote closed after punctuation
        return is_open
    # opening quote: spaced before unless it follows an opener itself
    gaps[i] = bool(prev) and prev not in _NO_SPACE_AFTER and prev not in _OPENING_QUOTES
    gaps[i + 1] = False
    return True


def _digit_pair(prev: str, nxt: str) -> bool:
    return bool(prev) and bool(nxt) and prev[-1].isdigit() and nxt[0].isdigit()


def _letter_pair(prev: str, nxt: str) -> bool:
    return len(prev) == 1 and len(nxt) == 1 and prev.isalpha() and nxt.isalpha()


def _hyphen(tokens: Sequence[str], i: int, gaps: list[bool]) -> None:
    """Glue a "-" token into a compound, or leave it spaced as a dash."""
    prev = tokens[i - 1] if i else ""
    nxt = tokens[i + 1] if i + 1 < len(tokens) else ""
    if nxt == "-":
        gaps[i + 1] = False  # "- -" is a split "--": keep the pair together, spaced as a dash
    elif prev == "-":
        pass
    elif prev and nxt and prev[-1].isalnum() and nxt[0].isalnum() and (
        nxt.lower() not in _DASH_CLAUSE_WORDS or "-" in nxt  # "hit - and-run"
    ):
        gaps[i] = gaps[i + 1] = False


def read_document(path: Path, annotated_sentences: frozenset[int] | None = None) -> EcbDocument:
    """Parse one ECB+ XML file. Raises :class:`BadDocument` when it cannot be read."""
    match = FILE_NAME.match(path.name)
    if not match:
        raise BadDocument(str(path), "not an ECB+ file name (<topic>_<n>ecb.xml or <topic>_<n>ecbplus.xml)")
    topic, subtopic = int(match["topic"]), match["sub"]
    try:
        root = ET.parse(path).getroot()
    except (ET.ParseError, OSError) as exc:
        reason = f"not readable XML ({exc}); restore the file from the ECB+ release"
        raise BadDocument(str(path), reason) from exc

    sentences: dict[int, list[tuple[int, str]]] = {}
    for token in root.iter("token"):
        try:
            t_id, sentence = int(token.get("t_id", "")), int(token.get("sentence", ""))
        except ValueError:
            log.warning("%s: token without numeric t_id/sentence skipped: %r", path.name, token.attrib)
            continue
        # A handful of tokens carry stray tabs or are only whitespace; the words are what matter.
        sentences.setdefault(sentence, []).append((t_id, (token.text or "").strip()))
    if not sentences:
        raise BadDocument(str(path), "no <token> elements; the file holds no text")

    url = None
    if subtopic == "ecbplus" and 0 in sentences:
        # The URL was tokenised like prose ("http : / / www . bbc . co . uk"); its
        # pieces were never separated by spaces, so they are simply joined.
        url = "".join(text for _, text in sentences.pop(0)).strip() or None
    text, token_offsets, spans = _assemble(sentences)
    if not text.strip():
        raise BadDocument(str(path), "no text apart from the URL line")

    title = _guess_title(text, spans, subtopic)
    mentions = _mentions(root, path.stem, text, token_offsets, sentences)
    if annotated_sentences is not None:
        annotated_sentences = frozenset(annotated_sentences)
    return EcbDocument(
        doc_id=path.stem,
        topic=topic,
        subtopic=subtopic,
        url=url,
        title=title,
        text=text,
        token_offsets=MappingProxyType(token_offsets),
        sentences=spans,
        mentions=mentions,
        annotated_sentences=annotated_sentences,
    )


def _assemble(
    sentences: Mapping[int, list[tuple[int, str]]],
) -> tuple[str, dict[int, tuple[int, int]], tuple[EcbSentence, ...]]:
    """Detokenise sentence by sentence and lay the sentences out as paragraphs."""
    parts: list[str] = []
    offsets: dict[int, tuple[int, int]] = {}
    spans: list[EcbSentence] = []
    pos = 0
    previous = ""
    quote_open = False
    for number in sorted(sentences):
        tokens = sorted(sentences[number])
        words = [text for _, text in tokens]
        sentence_text, token_spans, quote_open = _detokenize(words, quote_open)
        if not sentence_text.strip():
            continue
        if parts:
            # The tokeniser sometimes cut a sentence at a comma or before a
            # lower-case word; such pieces continue the paragraph.
            glue = " " if previous.endswith((",", ";", ":")) or sentence_text[0].islower() else "\n\n"
            parts.append(glue)
            pos += len(glue)
        for (t_id, _), (start, end) in zip(tokens, token_spans):
            offsets[t_id] = (pos + start, pos + end)
        spans.append(EcbSentence(number, pos, pos + len(sentence_text)))
        parts.append(sentence_text)
        pos += len(sentence_text)
        previous = sentence_text
    return "".join(parts), offsets, tuple(spans)


def _guess_title(text: str, spans: Sequence[EcbSentence], subtopic: str) -> str | None:
    """The headline: the first sentence after the URL of ``ecbplus`` files.

    Some pages put a dateline ("Friday, June 7, 2013") above the headline; such
    lines are passed over. ``ecb`` files have no headline line as such; their
    first sentence is taken only when it looks like one (short, no closing
    punctuation).
    """
    sentences = [text[span.start : span.end].strip() for span in spans]
    sentences = [sentence for sentence in sentences if sentence]
    if not sentences:
        return None
    if subtopic == "ecbplus":
        return next((s for s in sentences[:3] if not looks_like_dateline(s)), sentences[0])
    first = sentences[0]
    headline_like = len(first.split()) <= 20 and not first.endswith(_END_PUNCT + (",",))
    if headline_like and not looks_like_dateline(first):
        return first
    return None


def looks_like_dateline(line: str) -> bool:
    """True for a line that only gives a date or time ("Posted 11/27/2005 7:21 AM")."""
    if not any(ch.isdigit() for ch in line):
        return False
    words = (w.lower() for w in re.findall(r"[A-Za-z]+", line))
    return all(w in _DATELINE_WORDS for w in words)


def _mentions(
    root: ET.Element,
    doc_id: str,
    text: str,
    offsets: Mapping[int, tuple[int, int]],
    sentences: Mapping[int, list[tuple[int, str]]],
) -> tuple[EcbMention, ...]:
    """Gold mentions with their spans and coreference ids."""
    sentence_of = {t_id: number for number, tokens in sentences.items() for t_id, _ in tokens}
    markables = root.find("Markables")
    if markables is None:
        return ()
    descriptors: dict[str, ET.Element] = {}
    anchored: list[tuple[int, str, tuple[int, ...]]] = []
    for markable in markables:
        m_id = markable.get("m_id")
        if m_id is None or not m_id.strip().isdigit():
            continue
        anchors = (a.get("t_id", "") for a in markable.iter("token_anchor"))
        token_ids = tuple(sorted(int(t_id) for t_id in anchors if t_id.isdigit()))
        if token_ids:
            anchored.append((int(m_id), markable.tag, token_ids))
        else:
            descriptors[m_id.strip()] = markable  # an instance: TAG_DESCRIPTOR, instance_id

    instance_of, chain_of = _coreference(root, doc_id, descriptors)
    mentions = []
    for m_id, tag, token_ids in anchored:
        spans = [offsets[t] for t in token_ids if t in offsets]
        if len(spans) != len(token_ids):
            # Anchors on the URL line or on missing tokens cannot be placed in the text.
            log.debug("%s: mention %s anchored outside the text, skipped", doc_id, m_id)
            continue
        start, end = spans[0][0], spans[-1][1]
        instance = instance_of.get(m_id)
        mentions.append(
            EcbMention(
                m_id=m_id,
                tag=tag,
                token_ids=token_ids,
                sentence=sentence_of[token_ids[0]],
                start=start,
                end=end,
                text=text[start:end],
                instance_id=instance[0] if instance else None,
                instance_name=instance[1] if instance else None,
                chain_id=chain_of.get(m_id),
            )
        )
    mentions.sort(key=lambda m: (m.start, m.end, m.m_id))
    return tuple(mentions)


def _coreference(
    root: ET.Element, doc_id: str, descriptors: Mapping[str, ET.Element]
) -> tuple[dict[int, tuple[str, str | None]], dict[int, str]]:
    """Map mention ids to their cross-document instance and intra-document chain."""
    instance_of: dict[int, tuple[str, str | None]] = {}
    chain_of: dict[int, str] = {}
    relations = root.find("Relations")
    if relations is None:
        return instance_of, chain_of
    for relation in relations:
        target = relation.find("target")
        target_id = target.get("m_id", "").strip() if target is not None else ""
        sources = [int(s.get("m_id", "")) for s in relation.iter("source") if s.get("m_id", "").isdigit()]
        if relation.tag == "CROSS_DOC_COREF":
            descriptor = descriptors.get(target_id)
            if descriptor is None:
                descriptor = ET.Element("missing")  # an unknown target: the note alone names the instance
            instance_id = relation.get("note") or descriptor.get("instance_id")
            if not instance_id:
                continue
            name = descriptor.get("TAG_DESCRIPTOR") or None
            for m_id in sources:
                instance_of.setdefault(m_id, (instance_id, name))
        elif relation.tag == "INTRA_DOC_COREF" and target_id:
            for m_id in sources:
                chain_of.setdefault(m_id, f"{doc_id}#{target_id}")
    return instance_of, chain_of


def corpus_dir(ecbplus_dir: Path) -> Path:
    """The folder holding the topic folders: ``ecbplus_dir/ECB+`` or ``ecbplus_dir`` itself."""
    inner = ecbplus_dir / "ECB+"
    if inner.is_dir():
        return inner
    if ecbplus_dir.is_dir() and any(p.name.isdigit() for p in ecbplus_dir.iterdir() if p.is_dir()):
        return ecbplus_dir
    raise EvalDataMissing(
        f"no ECB+ topic folders under {ecbplus_dir}; point it at evaldata/ecbplus (see its SOURCE.md)"
    )


def load_annotated_sentences(ecbplus_dir: Path) -> dict[str, frozenset[int]]:
    """The fully annotated sentences per document id, from ``ECBplus_coreference_sentences.csv``."""
    path = ecbplus_dir / SENTENCES_CSV
    if not path.is_file():
        raise EvalDataMissing(f"{path} is missing; it ships with the ECB+ release (see SOURCE.md)")
    found: dict[str, set[int]] = {}
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            try:
                doc_id = f"{int(row['Topic'])}_{row['File'].strip()}"
                found.setdefault(doc_id, set()).add(int(row["Sentence Number"]))
            except (KeyError, ValueError, AttributeError):
                log.warning("%s: row not understood, skipped: %r", path.name, row)
    return {doc_id: frozenset(numbers) for doc_id, numbers in found.items()}


def document_paths(ecbplus_dir: Path, topics: Iterable[int] | None = None) -> list[Path]:
    """The ECB+ XML files, sorted by topic, sub-topic (ecb first) and number."""
    wanted = None if topics is None else {int(t) for t in topics}
    paths = []
    for path in corpus_dir(ecbplus_dir).glob("*/*.xml"):
        match = FILE_NAME.match(path.name)
        if not match:
            log.debug("not an ECB+ document, ignored: %s", path)
            continue
        if wanted is None or int(match["topic"]) in wanted:
            paths.append(((int(match["topic"]), match["sub"], int(match["n"])), path))
    return [path for _, path in sorted(paths)]


def iter_documents(
    ecbplus_dir: Path,
    topics: Iterable[int] | None = None,
    annotated_sentences_only: bool = False,
) -> Iterator[EcbDocument]:
    """Yield the ECB+ documents under ``ecbplus_dir`` (the evaldata ``ecbplus`` folder).

    ``topics`` limits the topics read. With ``annotated_sentences_only`` the
    mentions are restricted to the sentences the authors fully annotated (the
    text stays whole, so offsets do not change); otherwise every mention is
    kept. A file that cannot be read is logged and skipped.
    """
    csv_path = ecbplus_dir / SENTENCES_CSV
    annotated: dict[str, frozenset[int]] = {}
    if annotated_sentences_only or csv_path.is_file():
        annotated = load_annotated_sentences(ecbplus_dir)
    for path in document_paths(ecbplus_dir, topics):
        selected = annotated.get(path.stem, frozenset()) if annotated else None
        try:
            document = read_document(path, selected)
        except BadDocument as exc:
            log.warning("ECB+ document skipped: %s", exc)
            continue
        if annotated_sentences_only:
            keep = document.annotated_sentences or frozenset()
            document = replace(document, mentions=tuple(m for m in document.mentions if m.sentence in keep))
        yield document

