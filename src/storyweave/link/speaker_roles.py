"""One source named by role in one outlet and by name in another.

Wire copy says "the coroner said"; another outlet writes "Coroner Gary Hargrove said". Counted
as written, one man's statement is two independent origins. Within one story a role that
exactly one named speaker carries ("Coroner Gary Hargrove", "prison spokesman Al Quintero")
is that speaker wherever an outlet names only the role ("the coroner", "a prison
spokesman"). Two people with one role in the story ("spokesman Al Quintero", "spokesman
Mike Truman") leave the bare role to no one: which one an outlet meant is unknown.

Written here: cross-document coreference libraries resolve names, not a role an article
gives as its whole description of a speaker.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

_WORD = re.compile(r"[\w'’.-]+")
ARTICLES = frozenset(["the", "a", "an"])
#: a bare role is a short lower-case phrase: "the coroner", "a prison spokesman"
MAX_ROLE_WORDS = 4


def role_of(speaker: str) -> str | None:
    """The role noun of a speaker described by role alone ("the coroner" → "coroner"), else None
    (a name, a phrase with a capital or a preposition in it, a long description)."""
    words = _WORD.findall(speaker)
    if words and words[0].lower() in ARTICLES:
        words = words[1:]
    if not words or len(words) > MAX_ROLE_WORDS:
        return None
    if any(not w.isalpha() or not w.islower() for w in words):
        return None
    return words[-1]


def named_roles(articles: Iterable[Any]) -> dict[str, set[tuple[str, str]]]:
    """Role noun → (article id, canonical name) of every speaker a story's articles name with
    that role written before the name ("Coroner Gary Hargrove", "prison spokesman Al Quintero").

    ``articles`` are ``link.claims.ArticleClaims``: their quotes carry the speaker as written
    (``speaker``) and its canonical name (``speaker_entity``).
    """
    roles: dict[str, set[tuple[str, str]]] = {}
    for article in articles:
        for quote in article.quotes:
            surface, name = quote.speaker, quote.speaker_entity
            if not surface or not name or not any(w[:1].isupper() for w in _WORD.findall(name)):
                continue
            at = surface.lower().find(name.lower())
            if at <= 0:
                continue
            before = [w for w in _WORD.findall(surface[:at]) if w.lower() not in ARTICLES]
            if before and before[-1].isalpha():  # not a possessive ("Al Jazeera's Resul Serdar")
                roles.setdefault(before[-1].lower(), set()).add((article.article_id, name))
    return roles


def one_named(roles: dict[str, set[tuple[str, str]]], speaker: str) -> tuple[str, str] | None:
    """(article id, name) of the one speaker of the story who carries the role a bare-role
    speaker names, or None."""
    role = role_of(speaker)
    if role is None:
        return None
    named = roles.get(role, set())
    if len({name.lower() for _, name in named}) != 1:
        return None
    return min(named)
