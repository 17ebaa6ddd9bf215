"""Exact shortcuts for running many regexes over an article: where they can match.

Running the 33 detection regexes of ``rules/dates/rules.toml`` over every article was most
of ``storyweave_dates``'s time, though most rules match in few articles, and then in one
short stretch of text. Two facts, read off each compiled pattern by ``re``'s own parser,
let a scan skip text that cannot hold a match, and find the very same matches:

1. required words (``required_words``): every match contains one string of each set; a
   text without them cannot match, and neither can a piece of it;
2. cut characters (``cut_characters``): punctuation that no part of a match can consume
   and no look-ahead can see through. A match never spans one, so the article is cut at
   them into pieces, and only the pieces holding the required words are scanned
   (``ArticleScan.matches``); ``re`` scanning a piece (``pos``/``endpos``) sees what it
   would see in the whole text.

When a pattern holds something this reading does not know, it is scanned whole.
"""

from __future__ import annotations

import logging
import re
from bisect import bisect_right
from collections.abc import Iterator

logger = logging.getLogger(__name__)

#: where an article may be cut: punctuation that delimits clauses, quotations and asides
CUT_CANDIDATES = ',;!?()[]{}"“”«»'
#: the characters other than A-Z that ``re.IGNORECASE`` matches to an ASCII letter, and
#: which ``str.lower`` does not turn into that letter (a unit test checks this against ``re``)
_CASE_TWINS = str.maketrans({"\u0130": "i", "\u0131": "i", "\u017f": "s", "\u212a": "k"})
_CATEGORIES = {
    "CATEGORY_DIGIT": r"\d", "CATEGORY_NOT_DIGIT": r"\D", "CATEGORY_SPACE": r"\s",
    "CATEGORY_NOT_SPACE": r"\S", "CATEGORY_WORD": r"\w", "CATEGORY_NOT_WORD": r"\W",
}


def fold_case(text: str) -> str:
    """``text`` lower-cased so that an ASCII word ``re.IGNORECASE`` finds in it is a substring."""
    return (text if text.isascii() else text.translate(_CASE_TWINS)).lower()


def required_words(pattern: re.Pattern) -> tuple[frozenset[str], ...]:
    """Sets of lower-case ASCII strings such that every match of ``pattern`` contains one
    string of each set (an empty tuple when nothing is known).

    A run of literal characters is required, so is what a group or a repeat of at least
    one must match, and a branch requires one of what its alternatives require.
    """
    parsed = _parse(pattern)
    return tuple(_required(parsed[0], parsed[1])) if parsed else ()


def cut_characters(pattern: re.Pattern) -> str:
    """The characters of ``CUT_CANDIDATES`` that no match of ``pattern`` can span.

    Such a character is consumed by no part of the pattern and by no look-ahead (what a
    look-behind reads lies before the match), and the pattern has no end anchor, which
    would tell the end of a piece from the end of the text.
    """
    parsed = _parse(pattern)
    if not parsed:
        return ""
    return "".join(c for c in CUT_CANDIDATES if not _reads(parsed[0], c, parsed[1]))


class ArticleScan:
    """One article, prepared for the rules: its folded text, its pieces, where words occur."""

    def __init__(self, text: str):
        self.text = text
        self.folded = fold_case(text)
        self._pieces: dict[str, tuple[list[int], list[int]]] = {}
        self._found: dict[str, list[int]] = {}

    def may_match(self, needs: tuple[frozenset[str], ...]) -> bool:
        """False when the article lacks a word every match needs."""
        return all(any(word in self.folded for word in words) for words in needs)

    def matches(self, pattern: re.Pattern, needs: tuple[frozenset[str], ...], cuts: str) -> Iterator[re.Match]:
        """What ``pattern.finditer(text)`` yields, in its order; ``needs`` and ``cuts`` as
        ``required_words(pattern)`` and ``cut_characters(pattern)`` give them."""
        if not self.may_match(needs):
            return
        if not needs or not cuts or len(self.folded) != len(self.text):
            yield from pattern.finditer(self.text)
            return
        starts, ends = self._cut(cuts)
        words = min(needs, key=lambda ws: sum(len(self._where(w)) for w in ws))
        for k in sorted({bisect_right(starts, at) - 1 for w in words for at in self._where(w)}):
            start, end = starts[k], ends[k]
            piece = self.folded[start:end]
            if all(any(word in piece for word in ws) for ws in needs):
                yield from pattern.finditer(self.text, start, end)

    def _cut(self, cuts: str) -> tuple[list[int], list[int]]:
        pieces = self._pieces.get(cuts)
        if pieces is None:
            at = [m.start() for m in re.finditer("[" + re.escape(cuts) + "]", self.text)]
            pieces = self._pieces[cuts] = ([0] + [i + 1 for i in at], at + [len(self.text)])
        return pieces

    def _where(self, word: str) -> list[int]:
        found = self._found.get(word)
        if found is None:
            found, at = [], self.folded.find(word)
            while at != -1:
                found.append(at)
                at = self.folded.find(word, at + 1)
            self._found[word] = found
        return found


def _parse(pattern: re.Pattern):
    try:
        from re import _constants as sre, _parser as parser  # the parser behind re.compile

        return parser.parse(pattern.pattern, pattern.flags).data, sre
    except Exception:  # noqa: BLE001 - a parser we do not know: no shortcut, the same results
        logger.debug("cannot read %r: scanned whole", pattern.pattern, exc_info=True)
        return None


def _required(items, sre) -> list[frozenset[str]]:
    needs: list[frozenset[str]] = []
    run = ""
    for op, arg in list(items) + [(None, None)]:
        if op is sre.LITERAL:
            run += chr(arg)
            continue
        if run:
            needs.append(frozenset({run.lower()}))
            run = ""
        if op is sre.SUBPATTERN:
            needs += _required(arg[-1].data, sre)
        elif op in (sre.MAX_REPEAT, sre.MIN_REPEAT) and arg[0] >= 1:
            needs += _required(arg[2].data, sre)
        elif op is sre.BRANCH:
            choices = [_required(branch.data, sre) for branch in arg[1]]
            if all(choices):  # each alternative by its most selective set
                needs.append(frozenset().union(*(max(c, key=lambda w: min(map(len, w))) for c in choices)))
    return [words for words in needs if all(w and w.isascii() for w in words)]


def _reads(items, char: str, sre) -> bool:
    """Whether any part of ``items`` outside look-behinds may consume ``char`` (a caseless
    character), or is an end anchor; True for anything not known."""
    for op, arg in items:
        if op is sre.LITERAL:
            hit = char in (chr(arg), chr(arg).lower(), chr(arg).upper())
        elif op is sre.NOT_LITERAL or op is sre.ANY:
            hit = not (op is sre.NOT_LITERAL and chr(arg) == char)
        elif op is sre.IN:
            hit = _in_set(arg, char, sre)
        elif op is sre.AT:
            hit = arg in (sre.AT_END, sre.AT_END_LINE, sre.AT_END_STRING)
        elif op is sre.SUBPATTERN:
            hit = _reads(arg[-1].data, char, sre)
        elif op in (sre.MAX_REPEAT, sre.MIN_REPEAT):
            hit = _reads(arg[2].data, char, sre)
        elif op is sre.BRANCH:
            hit = any(_reads(branch.data, char, sre) for branch in arg[1])
        elif op in (sre.ASSERT, sre.ASSERT_NOT):
            # a look-behind reads before the match: the text there is the whole text's
            hit = arg[0] >= 0 and _reads(arg[1].data, char, sre)
        else:  # back-references, conditionals, atomic groups...: not read here
            hit = True
        if hit:
            return True
    return False


def _in_set(items, char: str, sre) -> bool:
    hit, negate = False, False
    for op, arg in items:
        if op is sre.NEGATE:
            negate = True
        elif op is sre.LITERAL:
            hit = hit or char in (chr(arg), chr(arg).lower(), chr(arg).upper())
        elif op is sre.RANGE:
            hit = hit or arg[0] <= ord(char) <= arg[1]
        elif op is sre.CATEGORY and str(arg) in _CATEGORIES:
            hit = hit or re.match(_CATEGORIES[str(arg)], char) is not None
        else:
            return True
    return hit != negate
