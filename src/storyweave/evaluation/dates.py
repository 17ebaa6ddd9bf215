"""Evaluation of time-expression detection and normalisation (TempEval-3 style).

Corpora under ``<evaldata>/temporal`` (see its SOURCE.md): TimeBank and AQUAINT (TimeML
``.tml`` with the document creation time in ``<DCT>``), and MEANTIME English (CAT XML,
tokens plus ``TIMEX3`` markables; the CREATION_TIME markable is the dateline).

The document creation time is passed as the publication date and is not an expression
to find: in MEANTIME, where the dateline sits in the text, its span is left out of the
scoring on both sides. Metrics: strict (same span) and relaxed (overlapping span)
precision/recall/F1, value accuracy on relaxed matches, TempEval-3's value F1 (matches
whose value is right), and kind (TimeML type) accuracy.
"""

from __future__ import annotations

import html
import logging
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

from storyweave.errors import EvalDataMissing
from storyweave.evaluation.pipelines import analysis_through
from storyweave.evaluation.report import Report

logger = logging.getLogger(__name__)

CORPORA = {
    "timebank": ("TBAQ-cleaned/TimeBank", "*.tml"),
    "aquaint": ("TBAQ-cleaned/AQUAINT", "*.tml"),
    "meantime": ("meantime_en/intra_cross-doc_annotation", "*/*.xml"),
}
# MEANTIME annotates time expressions in the title, the dateline and the first four sentences
# only (sentence ids 0-5; entities and events go further), so the text is cut there.
MEANTIME_SENTENCES = 6
NO_SPACE_BEFORE = {",", ".", ":", ";", "!", "?", ")", "]", "}", "%", "'s", "n't", "'re", "'ve", "'ll", "'d", "'m", "'"}
NO_SPACE_AFTER = {"(", "[", "{", "$", "``"}


@dataclass(frozen=True)
class GoldTimex:
    start: int
    end: int
    text: str
    value: str
    kind: str


@dataclass(frozen=True)
class GoldDocument:
    name: str
    text: str
    published: str | None
    timexes: tuple[GoldTimex, ...]
    ignore: tuple[tuple[int, int], ...] = ()  # spans scored on neither side (an in-text DCT)


def read_timeml(path: Path) -> GoldDocument:
    """A TimeML file: the text of ``<TEXT>``, its TIMEX3 spans and the DCT value."""
    root = ET.parse(path).getroot()
    dct = root.find("DCT/TIMEX3")
    text_el = root.find("TEXT")
    if text_el is None:
        raise EvalDataMissing(f"{path}: no <TEXT> element; is this a TimeML file?")
    parts: list[str] = []
    timexes: list[GoldTimex] = []
    length = 0

    def walk(el: ET.Element) -> None:
        nonlocal length
        start = length
        if el.text:
            parts.append(el.text)
            length += len(el.text)
        for child in el:
            walk(child)
            if child.tail:
                parts.append(child.tail)
                length += len(child.tail)
        if el.tag == "TIMEX3":
            chunk = "".join(parts)[start:length]
            timexes.append(GoldTimex(start, length, chunk, el.get("value", ""), el.get("type", "DATE")))

    walk(text_el)
    return GoldDocument(path.stem, "".join(parts), dct.get("value") if dct is not None else None, tuple(timexes))


def meantime_text(root: ET.Element) -> tuple[str, dict[str, tuple[int, int]]]:
    """A MEANTIME file's text rebuilt from its tokens (one sentence a line, cut to the fully
    annotated sentences), and each token id's character span in it."""
    pieces: list[str] = []
    offsets: dict[str, tuple[int, int]] = {}
    length, sentence, previous = 0, None, None
    for tok in root.iter("token"):
        if int(tok.get("sentence", 0)) >= MEANTIME_SENTENCES:
            break
        word = html.unescape(tok.text or "")
        sep = ""
        if sentence is not None and tok.get("sentence") != sentence:
            sep = "\n"
        elif previous is not None and word not in NO_SPACE_BEFORE and previous not in NO_SPACE_AFTER:
            sep = " "
        pieces.append(sep + word)
        length += len(sep)
        offsets[tok.get("t_id")] = (length, length + len(word))
        length += len(word)
        sentence, previous = tok.get("sentence"), word
    return "".join(pieces), offsets


def read_meantime(path: Path) -> GoldDocument:
    """A MEANTIME CAT file: text rebuilt from tokens (one sentence a line), TIMEX3 markables."""
    root = ET.parse(path).getroot()
    text, offsets = meantime_text(root)
    published, timexes, ignore = None, [], []
    for tx in root.iter("TIMEX3"):
        anchors = [offsets[a.get("t_id")] for a in tx.findall("token_anchor") if a.get("t_id") in offsets]
        if tx.get("functionInDocument") == "CREATION_TIME":
            published = _iso(tx.get("value") or None)
            if anchors:
                ignore.append((min(a[0] for a in anchors), max(a[1] for a in anchors)))
            continue
        if not anchors:
            continue
        start, end = min(a[0] for a in anchors), max(a[1] for a in anchors)
        timexes.append(GoldTimex(start, end, text[start:end], tx.get("value", ""), tx.get("type", "DATE")))
    return GoldDocument(path.stem, text, published, tuple(sorted(timexes, key=lambda t: t.start)), tuple(ignore))


def _iso(value: str | None) -> str | None:
    # One MEANTIME creation time is written day first ("03-02-2009" for February 3rd).
    m = re.fullmatch(r"(\d{2})-(\d{2})-(\d{4})", value or "")
    return f"{m.group(3)}-{m.group(2)}-{m.group(1)}" if m else value


def load_corpus(evaldata_dir: Path, corpus: str, limit: int | None = None) -> list[GoldDocument]:
    """The gold documents of ``corpus`` ("timebank", "aquaint" or "meantime"), sorted by name."""
    if corpus not in CORPORA:
        raise ValueError(f"unknown corpus {corpus!r}: choose one of {', '.join(CORPORA)}")
    folder, pattern = CORPORA[corpus]
    base = Path(evaldata_dir) / "temporal" / folder
    files = sorted(base.glob(pattern))
    if not files:
        raise EvalDataMissing(f"no {corpus} files under {base}: see ../shared/evaldata/temporal/SOURCE.md")
    reader = read_meantime if corpus == "meantime" else read_timeml
    return [reader(p) for p in files[:limit]]


@dataclass
class Counts:
    gold: int = 0
    predicted: int = 0
    strict: int = 0
    relaxed: int = 0
    value: int = 0
    kind: int = 0

    def add(self, other: Counts) -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))


def score_document(gold: GoldDocument, mentions) -> tuple[Counts, list[tuple[str, str, str | None]]]:
    """Counts for one document, and the (text, gold value, predicted value) of wrong values."""

    def ignored(start: int, end: int) -> bool:
        return any(start < e and s < end for s, e in gold.ignore)

    predicted = [m for m in mentions if not ignored(m.start_char, m.end_char)]
    timexes = [t for t in gold.timexes if not ignored(t.start, t.end)]
    counts = Counts(gold=len(timexes), predicted=len(predicted))
    errors = []
    used: set[int] = set()
    for t in timexes:
        # Prefer the exact span, then the largest overlap; each prediction matches once.
        best, best_overlap = None, 0
        for i, m in enumerate(predicted):
            if i in used:
                continue
            overlap = min(t.end, m.end_char) - max(t.start, m.start_char)
            if (m.start_char, m.end_char) == (t.start, t.end):
                overlap = 10**9
            if overlap > best_overlap:
                best, best_overlap = i, overlap
        if best is None:
            continue
        used.add(best)
        m = predicted[best]
        counts.relaxed += 1
        counts.strict += (m.start_char, m.end_char) == (t.start, t.end)
        counts.kind += m.kind == t.kind.lower()
        if m.value == t.value:
            counts.value += 1
        else:
            errors.append((t.text, t.value, m.value))
    return counts, errors


def _prf(hits: int, predicted: int, gold: int) -> tuple[float, float, float]:
    p = hits / predicted if predicted else 0.0
    r = hits / gold if gold else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def evaluate_dates(
    evaldata_dir: Path, corpus: str, limit: int | None = None, progress: bool = False
) -> Report:
    """Score ``storyweave_dates`` on ``corpus`` ("timebank", "aquaint", "meantime"), in the
    product's analysis pipeline (the components before it included: they set ``doc.ents``)."""
    from storyweave.nlp.dates import COMPONENT
    from storyweave.nlp.pipeline import pipe_texts

    docs = load_corpus(evaldata_dir, corpus, limit)
    total = Counts()
    errors: list[tuple[str, str, str | None]] = []
    items = ((d.text, d.published) for d in docs)
    with analysis_through(COMPONENT) as nlp:
        for i, (gold, doc) in enumerate(zip(docs, pipe_texts(nlp, items)), 1):
            counts, wrong = score_document(gold, doc._.dates)
            total.add(counts)
            errors += wrong
            if progress and i % 20 == 0:
                logger.info("%s: %d/%d documents", corpus, i, len(docs))
    sp, sr, sf = _prf(total.strict, total.predicted, total.gold)
    rp, rr, rf = _prf(total.relaxed, total.predicted, total.gold)
    _, _, vf = _prf(total.value, total.predicted, total.gold)
    accuracy = total.value / total.relaxed if total.relaxed else 0.0
    kind_accuracy = total.kind / total.relaxed if total.relaxed else 0.0
    metrics = {
        "strict_p": sp, "strict_r": sr, "strict_f1": sf,
        "relaxed_p": rp, "relaxed_r": rr, "relaxed_f1": rf,
        "value_accuracy": accuracy, "value_f1": vf, "kind_accuracy": kind_accuracy,
    }
    suffix = f" --limit {limit}" if limit else ""
    report = Report(
        key=f"eval-dates-{corpus}",
        title=f"Time expressions: {corpus}" + (f" (first {limit} documents)" if limit else ""),
        command=f"storyweave eval dates --corpus {corpus}{suffix}",
        columns=["documents", "gold", "found", "strict P", "strict R", "strict F1", "relaxed P", "relaxed R",
                 "relaxed F1", "value accuracy", "value F1", "type accuracy"],
        rows=[[len(docs), total.gold, total.predicted, sp, sr, sf, rp, rr, rf, accuracy, vf, kind_accuracy]],
        notes=[
            (
                "Relaxed: spans overlap; strict: same span. Value accuracy is over relaxed matches; value F1 "
                "counts a match only with the gold TimeML value (TempEval-3). The document creation time is "
                "the publication date and is not scored."
            ),
        ],
        metrics=metrics,
    )
    logger.debug("%s: %d wrong values, e.g. %s", corpus, len(errors), errors[:10])
    return report
