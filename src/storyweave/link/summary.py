"""A short extractive story summary from the best-corroborated claims.

Extractive on purpose: every sentence of the summary is a sentence an outlet
published, so it stays traceable, and no model is needed. A claim's own text is
a clause ("taking actions using sound science"), so the summary quotes the whole
sentence that holds it when the caller can read it.
"""

from __future__ import annotations

from typing import Callable, Optional, Sequence

_STATUS_RANK = {"corroborated": 0, "contested": 1, "single-source": 2}
_FACTUAL = {"event", "number", "ranking", "control", "statement"}
#: sentences outside these lengths (in words) are headlines, datelines or run-ons: the
#: claim's own text stands in for them
MIN_WORDS, MAX_WORDS = 6, 60
#: the marks a written sentence ends on (a headline has none)
STOPS = ".!?\"'”’"

#: the sentence an outlet wrote around a claim mention, or None when it cannot be read
SentenceOf = Callable[[object], Optional[str]]


def summarise(groups: Sequence, sentence_of: SentenceOf | None = None, sentences: int = 3) -> str:
    """The sentences of the best-attested claims, most corroborated first, one per claim.

    Among equally attested claims the one an outlet states earliest in its article leads:
    news is written lead first, so that is the news, and background comes later."""
    ranked = sorted(
        (g for g in groups if g.kind in _FACTUAL),
        key=lambda g: (_STATUS_RANK.get(g.status, 3), -g.independent_origins, -(g.outlets or 0),
                       min((m.start for m in g.mentions), default=0), -len(g.mentions), g.text),
    )
    readable = [(g, _readable(g, sentence_of)) for g in ranked]
    chosen: list[str] = []
    # sentences as written first; headlines (no closing stop: "Riots Erupt Following Death of
    # Brooklyn Teen") only where too few sentences are left
    for prose in (True, False):
        for group, (text, written) in readable:
            if len(chosen) == sentences:
                break
            if text and written == prose and not any(text in other or other in text for other in chosen):
                chosen.append(text)
    return " ".join(chosen)


def _readable(group, sentence_of: SentenceOf | None) -> tuple[str, bool]:
    """The sentence of the mention the claim's text comes from (the group's representative:
    its other mentions may state more, or less, than the claim) if it reads as one, else the
    claim text as a sentence; and whether it was written as a sentence (closing stop)."""
    if sentence_of is not None and group.mentions:
        shown = next((m for m in group.mentions if group.text in (m.display, m.text)), group.mentions[0])
        sentence = " ".join((sentence_of(shown) or "").split())
        if MIN_WORDS <= len(sentence.split()) <= MAX_WORDS:
            written = sentence[-1] in STOPS
            return (sentence if written else sentence + "."), written
    text = " ".join(group.text.split())
    if not text:
        return "", False
    written = text[-1] in STOPS
    return text[0].upper() + text[1:] + ("" if text[-1] in ".!?" else "."), written
