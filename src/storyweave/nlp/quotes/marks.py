"""Quotation marks paired into quoted spans, straight from the text.

Written by hand because no library pairs news-style marks: curly “…”, straight
"…" (which toggle), single ‘…’ only where they open at a word start and close
before a non-letter (so apostrophes in "it’s" and "’90s" are not quotes), and a
quote left open at a paragraph's end that continues in the next paragraph when
that one opens with a mark (the news convention for multi-paragraph quotes), and a double
quote (curly or straight) left open that closes a paragraph or two later with no mark opening in between
(“She was so nice. / She always takes care of everybody.”: text laid out one sentence per
line, or a writer who closed only the last paragraph).
"""

from __future__ import annotations

from dataclasses import dataclass

OPEN_DOUBLE = "“"
CLOSE_DOUBLE = "”"
STRAIGHT = '"'
OPEN_SINGLE = "‘"
CLOSE_SINGLE = "’"
MIN_SINGLE_WORDS = 3  # shorter ‘…’ spans are scare quotes or titles, not quotations
MAX_RUN_ON = 2  # paragraphs after its own that a curly quote with no marks between may close in


@dataclass(frozen=True)
class MarkSpan:
    """A quoted span: ``start``/``end`` are the characters inside the marks."""

    start: int
    end: int
    single: bool = False


def _paragraphs(text: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for index, char in enumerate(text):
        if char == "\n":
            if index > start:
                spans.append((start, index))
            start = index + 1
    if start < len(text):
        spans.append((start, len(text)))
    return spans


def _opens(text: str, index: int) -> bool:
    """A straight or single mark opens when it follows space/start and precedes a non-space."""
    before = text[index - 1] if index > 0 else " "
    after = text[index + 1] if index + 1 < len(text) else " "
    if after == "\x00":
        after = text[index + 2] if index + 2 < len(text) else " "
    return (before.isspace() or before in "([—–-:") and not after.isspace()


def find_quote_marks(text: str) -> list[MarkSpan]:
    """The quoted spans of ``text`` in order; nested marks stay inside the outer quote."""
    original = text
    # NYT-style doubled apostrophes ''...'' are straight double quotes; the second
    # apostrophe becomes an inert placeholder so offsets stay those of the text
    text = text.replace("''", '"\x00')
    spans: list[MarkSpan] = []
    open_at: int | None = None  # index of the first character inside the open quote
    open_kind = ""
    paragraphs = _paragraphs(text)
    run_on = False  # the open quote runs on into this paragraph without a mark opening it
    for number, (p_start, p_end) in enumerate(paragraphs):
        continuing = open_at is not None and not run_on
        run_on = False
        index = p_start
        if continuing:
            # the quote runs on only if this paragraph opens with the same kind of mark
            first = text[p_start]
            if (open_kind == "double" and first in (OPEN_DOUBLE, STRAIGHT)) or (
                open_kind == "single" and first == OPEN_SINGLE
            ):
                index = p_start + 1
            else:
                open_at = None
        while index < p_end:
            char = text[index]
            if open_at is None:
                if char == OPEN_DOUBLE or (char == STRAIGHT and _opens(text, index)):
                    open_at, open_kind = index + 1, "double"
                elif char == OPEN_SINGLE and _opens(text, index):
                    open_at, open_kind = index + 1, "single"
            elif open_kind == "double":
                if char in (CLOSE_DOUBLE, STRAIGHT):
                    spans.append(MarkSpan(open_at, index))
                    open_at = None
                elif char == OPEN_DOUBLE:  # an unclosed quote: start again here
                    open_at = index + 1
            elif open_kind == "single":
                after = text[index + 1] if index + 1 < len(text) else " "
                if char == CLOSE_SINGLE and not after.isalpha():
                    if len(text[open_at:index].split()) >= MIN_SINGLE_WORDS:
                        spans.append(MarkSpan(open_at, index, single=True))
                    open_at = None
                elif char in (OPEN_DOUBLE, CLOSE_DOUBLE):
                    open_at = None  # single marks do not span double ones here
            index += 1
        if open_at is not None:
            following = paragraphs[number + 1] if number + 1 < len(paragraphs) else None
            if following is not None and text[following[0]] in (OPEN_DOUBLE, STRAIGHT, OPEN_SINGLE):
                continue
            if open_kind == "double" and text[open_at - 1] in (OPEN_DOUBLE, STRAIGHT) \
                    and _closes_later(text, paragraphs[number + 1 : number + 1 + MAX_RUN_ON]):
                run_on = True
            else:
                open_at = None  # a stray mark, not a quote
    spans = [MarkSpan(s.start + 1, s.end, s.single) if text[s.start] == "\x00" else s for s in spans]
    return [s for s in spans if s.end > s.start and original[s.start : s.end].strip()]


def _closes_later(text: str, paragraphs: list[tuple[int, int]]) -> bool:
    """Whether a closing double mark (curly, or straight where it cannot open) comes in
    ``paragraphs`` before any opening mark."""
    for start, end in paragraphs:
        for index in range(start, end):
            char = text[index]
            if char == OPEN_DOUBLE or (char == STRAIGHT and _opens(text, index)):
                return False
            if char in (CLOSE_DOUBLE, STRAIGHT):
                return True
    return False
