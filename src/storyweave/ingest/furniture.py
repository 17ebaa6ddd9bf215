"""Line-level removal of page furniture from plain text copied from a web page.

HTML gets trafilatura, which sees the DOM; plain text has only lines. No library
cleans plain text this way (jusText needs HTML blocks and their links), so this
module re-applies jusText's ideas to lines: explicit rules from
``rules/furniture.toml`` first, then a classifier of each line by length,
stopword density and sentence punctuation, then context (neighbours, the
densest region of body text). Stopword lists come from jusText itself.

The cascade, in ``filter_furniture``:

1. split into lines, remembering paragraph breaks;
2. explicit rules: exact furniture lines and patterns (ads, credits, share ...);
3. captions: a short line just before a photo credit belongs to the picture;
4. openers: "You may also like", "CONTACT US" take the short lines after them;
5. repetition: short lines that occur more than once are menus or teasers;
6. jusText classes for the rest: good / neargood / short / bad;
7. context smoothing: short and neargood lines take the class of their
   neighbours, so headings between body paragraphs stay;
   7b. lists announced by a body line ending in ":" (results, dates) join the body;
8. the main body is the densest contiguous region; lines outside it go,
   except a headline and standfirst right at the top of a clean text. A
   comment heading below the body closes it; a text with no prose at all
   keeps every line that no explicit rule removed.

Lengths are measured in Latin-character equivalents, so that Chinese,
Japanese and Korean lines (a word in one or two characters) are not all "short".
"""

from __future__ import annotations

import functools
import logging
import re
from collections import Counter
from dataclasses import dataclass

from storyweave.records import RemovedSpan
from storyweave.rulefiles import read_toml, rule_path

logger = logging.getLogger(__name__)

_WORD = re.compile(r"\w+", re.UNICODE)
# Stripped before exact matching so "› Menu", "Share:" and "• Home" match their entries.
_EDGE = re.compile(r"^[\s\W_]+|[\s:|•·›»«‹→←>\-–—]+$", re.UNICODE)
_SENTENCE_END = re.compile(r"[.!?…:;\"”’»)\]。！？」』）]\s*$")
# Chinese and Japanese write a word in one or two characters without spaces, Korean
# in a few syllable blocks: their lines count as this many Latin characters each,
# so that the length thresholds (tuned on alphabetic text) mean the same there.
_DENSE_SCRIPT = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f]")
_DENSE_WEIGHT = 3
_HANGUL = re.compile(r"[\uac00-\ud7af]")
_HANGUL_WEIGHT = 2

# jusText's defaults for length (characters); stopword thresholds a little below its
# 0.30/0.32, because plain text has no link density to reject teasers and the
# body-region search (stage 8) does that work instead.
_LENGTH_LOW = 70
_LENGTH_HIGH = 200
_STOPWORDS_LOW = 0.25
_STOPWORDS_HIGH = 0.28
# A text whose best stoplist covers less than this share of its words is in a
# language jusText has no list for (or not prose): stopwords then say nothing.
_MIN_LANGUAGE_DENSITY = 0.08
# Body lines count fully in the densest-region search; a short line costs a
# little (menus are runs of them), a bad line costs its length.
_SHORT_COST = 40
_FURNITURE_COST = 40
# Each body line pays this, so that a run of short comments or teaser snippets
# weighs less than the same characters in real paragraphs.
_GOOD_COST = 40
# One bad line (a teaser, an embed) costs at most this, so that a single junk
# line inside the article does not split the body in two.
_BAD_COST_CAP = 150
# Body lines after a comment-section heading count this share of their length.
_AFTER_BARRIER_WEIGHT = 0.1
# A comment heading closes the body only once this much prose (one long paragraph,
# jusText's length_high) came before it.
_BODY_BEFORE_COMMENTS = _LENGTH_HIGH
# An item of an announced list (stage 7b) counts this share of its length: it is
# part of the article, but weaker evidence of one than a paragraph of prose.
_LIST_WEIGHT = 0.5
# Lines before the body region that are kept as headline and standfirst when
# the text starts with them (a clean copy of an article, like the seeds).
_MAX_LEAD_LINES = 3


@dataclass(frozen=True)
class FilteredText:
    """The article text left after removing page furniture, and what was removed."""

    text: str
    removed: tuple[RemovedSpan, ...]


@dataclass
class _Line:
    text: str
    paragraph: int  # index of the blank-line separated paragraph it belongs to
    words: int
    stop_density: float
    sentence: bool  # ends like a sentence
    length: int = 0  # in Latin-character equivalents (see _DENSE_SCRIPT)
    cls: str = ""  # good, neargood, short, bad, furniture
    kind: str = ""  # furniture kind, set when cls is "furniture" or the line is dropped
    barrier: bool = False  # opens a comment section: the body region stops here
    listed: bool = False  # an item of a list announced by a body line ending in ":"


@dataclass(frozen=True)
class _Rules:
    exact: dict[str, str]  # normalised line -> kind
    patterns: tuple[tuple[str, re.Pattern[str]], ...]
    openers: dict[str, str]
    max_chars: int
    body_chars: int
    any_length: frozenset[str]
    barriers: tuple[re.Pattern[str], ...]


@functools.lru_cache(maxsize=1)
def _rules() -> _Rules:
    raw = read_toml(rule_path("storyweave.ingest", "rules", "furniture.toml"))
    exact = {_normalise(item): kind for kind, items in raw["exact"].items() for item in items}
    patterns = tuple((kind, re.compile(p)) for kind, items in raw["patterns"].items() for p in items)
    openers = {_normalise(item): kind for kind, items in raw["openers"].items() for item in items}
    limits = raw["limits"]
    return _Rules(
        exact,
        patterns,
        openers,
        limits["max_chars"],
        limits["body_chars"],
        frozenset(limits["any_length"]),
        tuple(re.compile(p) for items in raw["barriers"].values() for p in items),
    )


@functools.lru_cache(maxsize=1)
def _stoplists() -> dict[str, frozenset[str]]:
    # jusText ships stoplists for 100 languages; imported lazily (it pulls lxml).
    import justext

    return {lang: frozenset(justext.get_stoplist(lang)) for lang in justext.get_stoplists()}


def _normalise(line: str) -> str:
    return " ".join(_EDGE.sub("", line).lower().split())


def _pick_stoplist(lines: list[str]) -> frozenset[str]:
    """The stoplist that covers most words of the text: a cheap language guess."""
    words = [w.lower() for line in lines for w in _WORD.findall(line)][:3000]
    if not words:
        return frozenset()
    best, best_hits = frozenset(), 0
    for stoplist in _stoplists().values():
        hits = sum(1 for w in words if w in stoplist)
        if hits > best_hits:
            best, best_hits = stoplist, hits
    return best if best_hits >= _MIN_LANGUAGE_DENSITY * len(words) else frozenset()


def filter_furniture(text: str) -> FilteredText:
    """Remove ads, captions, credits, menus, share/subscribe/login/contact blocks from ``text``.

    Headlines, standfirsts and subheadings stay. Kept lines keep their paragraph
    breaks ("\\n\\n" between paragraphs); each removed run of lines becomes a
    ``RemovedSpan`` with its kind.
    """
    lines = _split(text)
    if not lines:
        return FilteredText("", ())
    rules = _rules()
    stoplist = _pick_stoplist([line.text for line in lines])
    for line in lines:
        words = _WORD.findall(line.text)
        line.words = len(words)
        if stoplist:
            line.stop_density = sum(1 for w in words if w.lower() in stoplist) / max(1, len(words))
        else:
            # No known language: treat every line as prose-like so that length alone decides.
            line.stop_density = 1.0
    _apply_rules(lines, rules)
    _mark_barriers(lines, rules)
    _mark_captions(lines)
    _apply_openers(lines, rules)
    _mark_repeats(lines)
    _classify(lines)
    _smooth(lines)
    _mark_lists(lines)
    keep = _body_region(lines)
    if keep[1] < keep[0]:
        # No line reads as prose (a results table, a list of dates): the region
        # search has nothing to hold on to, and an empty text loses the article
        # for certain. Keep everything that no explicit rule removed.
        keep = (0, len(lines) - 1)
    return _assemble(lines, keep)


# 1. Lines, with the paragraph (blank-line separated block) each belongs to.
def _split(text: str) -> list[_Line]:
    lines: list[_Line] = []
    paragraph = 0
    for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        stripped = " ".join(raw.split())
        if not stripped:
            paragraph += 1
            continue
        line = _Line(stripped, paragraph, 0, 0.0, bool(_SENTENCE_END.search(stripped)))
        line.length = (
            len(stripped)
            + (_DENSE_WEIGHT - 1) * len(_DENSE_SCRIPT.findall(stripped))
            + (_HANGUL_WEIGHT - 1) * len(_HANGUL.findall(stripped))
        )
        lines.append(line)
    return lines


# 2. Explicit rules. A long line that reads as a sentence is body text even if a
# pattern matches part of it ("... asked readers to subscribe to the newsletter.").
def _apply_rules(lines: list[_Line], rules: _Rules) -> None:
    for line in lines:
        kind = rules.exact.get(_normalise(line.text))
        if kind is None:
            short = len(line.text) <= rules.max_chars and not (
                line.sentence and len(line.text) >= rules.body_chars
            )
            kind = next(
                (k for k, p in rules.patterns if (short or k in rules.any_length) and p.search(line.text)),
                None,
            )
        if kind is not None:
            line.cls, line.kind = "furniture", kind


# 2b. Comment sections: the line that opens one becomes a barrier for stage 8.
def _mark_barriers(lines: list[_Line], rules: _Rules) -> None:
    for line in lines:
        if len(line.text) <= rules.max_chars and any(p.search(line.text) for p in rules.barriers):
            line.cls, line.kind, line.barrier = "furniture", "comments", True


# 3. A picture's caption is a short line (or two) just before its credit, and a
# caption glued to its credit ("... on Thursday.Ibrahim Hatib / Anadolu via Getty
# Images") is all one line already caught in stage 2.
def _mark_captions(lines: list[_Line]) -> None:
    for i, line in enumerate(lines):
        if line.kind != "credit":
            continue
        # A long credit line carries its caption; a short line before it is then
        # the headline of a linked story shown with the picture.
        before = "caption"
        if line.words > 12:
            line.kind, before = "caption", "related"
        j = i - 1
        while j >= 0 and i - j <= 2 and not lines[j].cls and lines[j].paragraph == line.paragraph:
            if lines[j].sentence and lines[j].length > _LENGTH_HIGH:
                break
            lines[j].cls, lines[j].kind = "furniture", before
            j -= 1
        # A credit line may also come before its caption: take a short line right after it.
        k = i + 1
        if (
            k < len(lines)
            and not lines[k].cls
            and lines[k].paragraph == line.paragraph
            and lines[k].length < _LENGTH_HIGH
        ):
            lines[k].cls, lines[k].kind = "furniture", "caption"


# 4. Block openers: the lines after "You may also like..." or "CONTACT US" are
# teasers or form labels until a line of prose comes back.
def _apply_openers(lines: list[_Line], rules: _Rules) -> None:
    kind = None
    for line in lines:
        opener = rules.openers.get(_normalise(line.text))
        if opener is not None and line.words <= 6:
            kind = opener
            continue
        if kind is None:
            continue
        if line.length >= _LENGTH_LOW and line.sentence and line.stop_density >= _STOPWORDS_HIGH:
            kind = None
        elif not line.cls:
            line.cls, line.kind = "furniture", kind


# 5. Menus and teaser lists repeat across a page (top and bottom navigation, the
# same related headline twice); a body paragraph almost never does.
def _mark_repeats(lines: list[_Line]) -> None:
    counts = Counter(line.text.lower() for line in lines)
    for line in lines:
        if line.cls or counts[line.text.lower()] < 2:
            continue
        if line.length < _LENGTH_HIGH and not (line.sentence and line.stop_density >= _STOPWORDS_LOW):
            line.cls, line.kind = "furniture", "navigation"


# 6. jusText's classification, on lines instead of HTML blocks.
def _classify(lines: list[_Line]) -> None:
    for line in lines:
        if line.cls:
            continue
        length = line.length
        if length < _LENGTH_LOW:
            line.cls = "short"
        elif line.stop_density >= _STOPWORDS_HIGH:
            line.cls = "good" if length >= _LENGTH_HIGH or line.sentence else "neargood"
        elif line.stop_density >= _STOPWORDS_LOW:
            line.cls = "neargood"
        else:
            line.cls = "bad"


# 7. Context. jusText: a short line takes "good" only when both neighbours
# are good (a subheading inside the body), a neargood line is good when a
# neighbour is good. Furniture lines are skipped when looking for neighbours so
# that an "Advertisement" between two paragraphs does not cut the body.
def _neighbour(lines: list[_Line], i: int, step: int, classes: tuple[str, ...]) -> str:
    j = i + step
    while 0 <= j < len(lines):
        if lines[j].cls in classes:
            return lines[j].cls
        j += step
    return "bad"


def _smooth(lines: list[_Line]) -> None:
    for i, line in enumerate(lines):
        if line.cls == "neargood":
            before = _neighbour(lines, i, -1, ("good", "bad"))
            after = _neighbour(lines, i, 1, ("good", "bad"))
            line.cls = "good_n" if "good" in (before, after) else "bad_n"
    for i, line in enumerate(lines):
        if line.cls == "short":
            before = _neighbour(lines, i, -1, ("good", "bad", "good_n", "bad_n"))
            after = _neighbour(lines, i, 1, ("good", "bad", "good_n", "bad_n"))
            both_good = before.startswith("good") and after.startswith("good")
            line.cls = "good_s" if both_good else "bad_s"
    for line in lines:
        line.cls = {"good_n": "good", "bad_n": "bad", "good_s": "heading", "bad_s": "bad"}.get(
            line.cls, line.cls
        )


# 7b. A body line ending in ":" announces what follows: a table of results, a
# list of dates or ingredients. Its items are short or lack stopwords, so
# jusText calls them bad; they belong to the body up to the next paragraph of prose.
def _mark_lists(lines: list[_Line]) -> None:
    announced = False
    for line in lines:
        if line.cls in ("good", "heading") and line.text.endswith(":"):
            announced = True
            continue
        if line.cls == "good" or line.barrier:
            announced = False
        elif announced and line.cls != "furniture":
            line.listed = True


# 8. The main body is the densest contiguous region: the run of lines with the
# largest sum of (good characters - bad characters), found by Kadane's maximum
# subarray. Furniture already removed counts zero, so an ad between two
# paragraphs does not split the body.
def _body_region(lines: list[_Line]) -> tuple[int, int]:
    best, best_span = 0.0, (0, -1)
    running, start = 0.0, 0
    weight = 1.0
    for i, line in enumerate(lines):
        if line.barrier:
            running, start = float("-inf"), i + 1
            # A comment heading below a body of prose closes it: the prose after
            # it is readers' comments and must be much longer to win. One near the
            # top (a "Comments" button in the share bar) says nothing yet.
            if best >= _BODY_BEFORE_COMMENTS:
                weight = _AFTER_BARRIER_WEIGHT
            continue
        if line.cls == "good":
            score = (float(line.length) - _GOOD_COST) * weight
        elif line.listed:
            score = float(line.length) * _LIST_WEIGHT * weight
        elif line.cls == "furniture":
            score = -_FURNITURE_COST
        elif line.cls == "heading":
            score = -_SHORT_COST
        else:
            score = -min(_BAD_COST_CAP, max(_SHORT_COST, line.length))
        if running <= 0:
            running, start = 0.0, i
        running += score
        if running > best:
            best, best_span = running, (start, i)
    first, last = best_span
    # A list announced by the region's last line ("Tour dates:") belongs to it.
    while last + 1 < len(lines) and lines[last + 1].listed and last >= first:
        last += 1
    return first, last


def _assemble(lines: list[_Line], span: tuple[int, int]) -> FilteredText:
    first, last = span
    # A clean copy of an article starts with its headline and standfirst; they
    # are short or lack stopwords, so the region search leaves them out. Keep
    # them when the body starts within the first few lines and nothing before
    # it is known furniture.
    lead = first if 0 < first <= _MAX_LEAD_LINES and all(not l.kind for l in lines[:first]) else None
    kept: list[_Line] = []
    removed: list[RemovedSpan] = []
    previous_removed = -2
    for i, line in enumerate(lines):
        if lead is not None and i < lead:
            kept.append(line)
            continue
        inside = first <= i <= last
        # Inside the body region only explicit furniture goes: a list, a table row or a
        # short line there is part of the article more often than not.
        if inside and line.cls != "furniture":
            kept.append(line)
            continue
        kind = line.kind or ("boilerplate" if inside else "navigation" if i < first else "footer")
        # Consecutive removed lines of one kind are one span (a whole menu, a whole footer).
        if removed and removed[-1].kind == kind and previous_removed == i - 1:
            removed[-1] = RemovedSpan(removed[-1].text + "\n" + line.text, kind)
        else:
            removed.append(RemovedSpan(line.text, kind))
        previous_removed = i
    paragraphs: list[list[str]] = []
    last_paragraph = None
    for line in kept:
        if line.paragraph != last_paragraph:
            paragraphs.append([])
            last_paragraph = line.paragraph
        paragraphs[-1].append(line.text)
    text = "\n\n".join("\n".join(p) for p in paragraphs)
    logger.debug("furniture filter kept %d of %d lines", len(kept), len(lines))
    return FilteredText(text, tuple(removed))
