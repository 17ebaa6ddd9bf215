"""A short extractive story summary from the best-corroborated claims.

Extractive on purpose: every sentence of the summary is a sentence an outlet
published, so it stays traceable, and no model is needed. A claim's own text is
a clause ("taking actions using sound science"), so the summary quotes the whole
sentence that holds it when the caller can read it.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from typing import Callable, Iterable, Optional, Sequence

_STATUS_RANK = {"corroborated": 0, "contested": 1, "single-source": 2}
_FACTUAL = {"event", "number", "ranking", "control", "statement"}
#: sentences outside these lengths (in words) are headlines, datelines or run-ons: the
#: claim's own text stands in for them
MIN_WORDS, MAX_WORDS = 6, 60
#: a summary sentence that opens on one of these says whom it means only in its display
OPENING_PRONOUNS = frozenset(["he", "she", "they", "it", "his", "her", "their", "its"])
#: the marks a written sentence ends on (a headline has none)
STOPS = ".!?\"'”’"

#: the sentence an outlet wrote around a claim mention, or None when it cannot be read
SentenceOf = Callable[[object], Optional[str]]
#: a claim every date of which ended this long before its article was published tells the
#: story's past ("In February, a quake hit Zarand" in a report of November)
BACKGROUND_DAYS = 60
#: a calendar date as TimeML writes it: a year, a month or a day ("2003", "2005-02", "2005-11-27")
_CALENDAR = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?$")


def _last_day(value: str) -> dt.date | None:
    """The last day of a calendar date ("2005-02" → 28 February 2005), or None for other values."""
    m = _CALENDAR.match(value)
    if not m:
        return None
    year, month, day = int(m.group(1)), m.group(2), m.group(3)
    try:
        if day:
            return dt.date(year, int(month), int(day))
        if month:
            return dt.date(year, int(month), calendar.monthrange(year, int(month))[1])
        return dt.date(year, 12, 31)
    except ValueError:
        return None


def background_claims(articles: Iterable) -> set[tuple[str, int]]:
    """(article id, start) of the claims that tell of a time well before their article: every
    calendar date they give ended ``BACKGROUND_DAYS`` or more before it was published.
    ``articles`` are ``link.claims.ArticleClaims``; an article with no date has none."""
    out = set()
    for article in articles:
        try:
            published = dt.date.fromisoformat(str(article.published)[:10]) if article.published else None
        except ValueError:
            published = None
        if published is None:
            continue
        for claim in article.claims:
            ends = [_last_day(str(d)) for d in claim.dates if d]
            ends = [e for e in ends if e is not None]
            if ends and all((published - e).days >= BACKGROUND_DAYS for e in ends):
                out.add((article.article_id, claim.start))
    return out


def summarise(groups: Sequence, sentence_of: SentenceOf | None = None, sentences: int = 3,
              background: Callable[[object], bool] | None = None) -> str:
    """The sentences of the best-attested claims, most corroborated first, one per claim.

    Among equally attested claims the one an outlet states earliest in its article leads:
    news is written lead first, so that is the news, and background comes later.
    ``background`` says whether a mention tells of an earlier time (a quake "in December
    2003" in a story of 2005): a claim all of whose mentions do is the story's past, however
    many outlets repeat it, and leads only when nothing else is left. A claim one of whose
    sentences the summary already quotes adds nothing new."""
    def past(g) -> bool:
        return background is not None and bool(g.mentions) and all(background(m) for m in g.mentions)

    ranked = sorted(
        (g for g in groups if g.kind in _FACTUAL),
        key=lambda g: (past(g), _STATUS_RANK.get(g.status, 3), -g.independent_origins, -(g.outlets or 0),
                       min((m.start for m in g.mentions), default=0), -len(g.mentions), g.text),
    )
    readable = [(g, _readable(g, sentence_of)) for g in ranked]
    chosen: list[str] = []
    quoted: set[tuple] = set()  # the mentions whose sentence is already chosen
    # sentences as written first; headlines (no closing stop: "Riots Erupt Following Death of
    # Brooklyn Teen") only where too few sentences are left
    for prose in (True, False):
        for group, (text, written) in readable:
            if len(chosen) == sentences:
                break
            if not text or written != prose or any(text in other or other in text for other in chosen):
                continue
            if any((m.article_id, m.start) in quoted for m in group.mentions):
                continue
            chosen.append(text)
            quoted.update(_mentions_in(groups, group, text, sentence_of))
    return " ".join(chosen)


def _mentions_in(groups: Sequence, chosen, sentence: str, sentence_of: SentenceOf | None) -> set[tuple]:
    """The mentions of any group whose sentence is ``sentence`` (the chosen group's own)."""
    if sentence_of is None:
        return set()
    shown = next((m for m in chosen.mentions if chosen.text in (m.display, m.text)), None)
    if shown is None:
        return set()
    found = set()
    for g in groups:
        for m in g.mentions:
            if m.article_id == shown.article_id:
                written = " ".join((sentence_of(m) or "").split())
                if written and written in sentence:
                    found.add((m.article_id, m.start))
    return found


def _readable(group, sentence_of: SentenceOf | None) -> tuple[str, bool]:
    """The sentence of the mention the claim's text comes from (the group's representative:
    its other mentions may state more, or less, than the claim) if it reads as one, else the
    claim text as a sentence; and whether it was written as a sentence (closing stop)."""
    if sentence_of is not None and group.mentions:
        shown = next((m for m in group.mentions if group.text in (m.display, m.text)), group.mentions[0])
        sentence = " ".join((sentence_of(shown) or "").split())
        if (shown.display and shown.display != shown.text and sentence == " ".join(shown.text.split())
                and sentence.split(" ", 1)[0].lower() in OPENING_PRONOUNS):
            # a sentence that opens on "he" is the mention itself: its display says who he is
            # ("[Gigante] was sentenced ..."); pronouns further in are left as written
            sentence = " ".join(shown.display.split())
        if MIN_WORDS <= len(sentence.split()) <= MAX_WORDS:
            written = sentence[-1] in STOPS
            return (sentence if written else sentence + "."), written
    text = " ".join(group.text.split())
    if not text:
        return "", False
    written = text[-1] in STOPS
    return text[0].upper() + text[1:] + ("" if text[-1] in ".!?" else "."), written
