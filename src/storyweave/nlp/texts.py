"""The text of a spaCy ``Doc``, joined once and kept with it.

Apart from ``storyweave.nlp.pipeline``, so a component the pipeline adds
(``storyweave.nlp.headlines``) can read it without importing the pipeline back.
"""

from __future__ import annotations

_TEXT_KEY = "storyweave.text"


def doc_text(doc) -> str:
    """``doc.text``, joined once per ``Doc``.

    spaCy rebuilds ``Doc.text`` from the tokens on every access (0.4 ms for a news
    article), and several components need it; the string is kept in ``doc.user_data``.
    Merging or splitting tokens leaves the text as it is, so the copy stays right.
    """
    text = doc.user_data.get(_TEXT_KEY)
    if text is None:
        text = doc.user_data[_TEXT_KEY] = doc.text
    return text


def keep_text(doc, text: str) -> None:
    """Record ``text`` as the ``Doc``'s text: a ``Doc`` the tokenizer made from ``text`` has
    exactly that text (spaCy keeps every character in tokens and their trailing spaces), so
    ``doc_text`` need not join the tokens at all."""
    doc.user_data[_TEXT_KEY] = text
