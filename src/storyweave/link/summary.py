"""A short extractive story summary from the best-corroborated claims.

Extractive on purpose: every sentence of the summary is a sentence an outlet
published, so it stays traceable, and no model is needed.
"""

from __future__ import annotations

from typing import Sequence

_STATUS_RANK = {"corroborated": 0, "contested": 1, "single-source": 2}
_FACTUAL = {"event", "number", "ranking", "control", "statement"}


def summarise(groups: Sequence, sentences: int = 3) -> str:
    """The representative sentences of the best-attested claims, most corroborated first."""
    ranked = sorted(
        (g for g in groups if g.kind in _FACTUAL),
        key=lambda g: (_STATUS_RANK.get(g.status, 3), -g.independent_origins, -len(g.mentions), g.text),
    )
    chosen: list[str] = []
    for group in ranked:
        text = " ".join(group.text.split())
        if text and not any(text in other or other in text for other in chosen):
            chosen.append(text)
        if len(chosen) == sentences:
            break
    return " ".join(chosen)
