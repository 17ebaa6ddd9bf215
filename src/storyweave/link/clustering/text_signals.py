"""What story clustering reads from an article's text besides its vector: specifics, years, a title.

Specifics are read with two regular expressions rather than NER: they must come from the whole
text at the cost of a scan (NER runs on the lead only, and may not have run at all), and
numbers are what NER labels least reliably.
"""

from __future__ import annotations

import re

_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_CAPITAL = re.compile(r"[A-Z][A-Za-z'-]+")
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
_SENTENCE_START = ".!?\"'(:;-\u201c"


def mentioned_years(text: str) -> set[str]:
    """Every year (1900-2099) the text mentions."""
    return set(_YEAR.findall(text))


def latest_year(text: str) -> str | None:
    """The latest year (1900-2099) the text mentions: usually the year of its own dateline."""
    years = _YEAR.findall(text)
    return max(years) if years else None


#: an untitled article's first line stands for the title up to this length, cut at a word
TITLE_CHARS = 100


def story_title(title: str | None, text: str) -> str:
    """The article's title, or its first line (the headline of a text without metadata), cut
    at a word boundary with an ellipsis rather than mid-word ("…the fourth-la")."""
    if title and title.strip():
        return title.strip()
    line = next((ln.strip() for ln in text.splitlines() if ln.strip()), "")
    if len(line) <= TITLE_CHARS:
        return line
    cut = line[:TITLE_CHARS].rsplit(" ", 1)[0].rstrip(" ,;:–—-")
    return cut + "…"


def specifics(title: str | None, text: str) -> frozenset[str]:
    """An article's specific details: numbers (``#7.6``, ``#2013``) and lower-cased capitalised words.

    Capitalised words at the start of a sentence or line are skipped: they are
    capitalised by position, not because they name something.
    """
    out: set[str] = set()
    for part in (title or "", text):
        out.update("#" + m.group().replace(",", "") for m in _NUMBER.finditer(part))
        for m in _CAPITAL.finditer(part):
            before = part[max(m.start() - 2, 0) : m.start()].strip()
            if before and before[-1] not in _SENTENCE_START:
                out.add(m.group().lower())
    return frozenset(out)
