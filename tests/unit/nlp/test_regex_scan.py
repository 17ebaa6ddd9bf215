"""The regex scan shortcuts (used by the date rules) find exactly what a plain scan finds."""

from __future__ import annotations

import re
import string

import pytest

from storyweave.nlp.dates.grammar import load_grammar
from storyweave.nlp.dates.regex_scan import ArticleScan, cut_characters, fold_case, required_words


def _plain_find(grammar, text: str) -> list[tuple[int, int, str]]:
    """Grammar.find without shortcuts: every detection rule over the whole text."""
    out = []
    for rule in grammar.rules:
        if rule.detect:
            for m in rule.pattern.finditer(text):
                start, end = m.span("t") if "t" in rule.pattern.groupindex else m.span()
                if end > start:
                    out.append((start, end, rule.name))
    return out


def test_fold_case_maps_what_ignorecase_matches_to_a_letter_onto_that_letter():
    # every character re.IGNORECASE matches to an ASCII letter must fold to that letter,
    # or a required word would be missed in "MIDNİGHT"
    every = "".join(chr(c) for c in range(0x80, 0x110000) if not 0xD800 <= c < 0xE000)
    twins = {m.group() for m in re.finditer("[a-z]", every, re.IGNORECASE)}
    assert twins  # İ, ı, ſ, K (Kelvin) in today's Unicode
    for char in twins:
        folded = fold_case(char)
        assert len(folded) == 1 and folded in string.ascii_lowercase
        assert re.fullmatch(folded, char, re.IGNORECASE)


def test_required_words_of_a_pattern():
    pattern = re.compile(r"(?<!\w)(?:last|next)\s+(?P<u>week|month)s?(?!\w)", re.IGNORECASE)
    assert required_words(pattern) == (frozenset({"last", "next"}), frozenset({"week", "month"}))
    # an optional part requires nothing; a branch with a free alternative neither
    assert required_words(re.compile(r"(?:early\s+)?(?:spring|\d+)")) == ()


def test_cut_characters_leave_out_what_a_pattern_or_its_look_ahead_reads():
    assert cut_characters(re.compile(r"(?<!\w)noon(?!\w)")) == ',;!?()[]{}"“”«»'
    assert "," not in cut_characters(re.compile(r"May,?\s+\d{4}"))
    assert "," not in cut_characters(re.compile(r"\d{4}(?![\w,.]?\d)"))  # the look-ahead reads ","
    assert cut_characters(re.compile(r"(?<![\w,])\d{4}")).startswith(",")  # a look-behind may
    assert cut_characters(re.compile(r"year$")) == ""  # an end anchor tells a piece from the text
    assert cut_characters(re.compile(r"year.")) == ""


@pytest.mark.parametrize(
    "text",
    [
        'In 2015, 2016 and (March 3) "three days ago", last week; noon!',
        "about ten minutes ago, the army said (five years ago).",
        "“Two weeks” ago, on Friday(the 13th), in the 1990s, the ’90s, at 10:30 a.m., Tuesday.",
        "fiscal 2016; Q3 2015, the third quarter of last year, year-earlier, year,2",
        "MIDNİGHT on Christmas Eve; weekEND; the 21st century; for years, decades-long",
        "",
        ",,,",
    ],
)
def test_find_equals_scanning_every_rule_over_the_whole_text(text):
    grammar = load_grammar()
    assert list(grammar.find(text)) == _plain_find(grammar, text)


def test_find_equals_plain_scan_on_the_seed_articles(seeds_dir):
    grammar = load_grammar()
    for path in sorted(seeds_dir.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        assert list(grammar.find(text)) == _plain_find(grammar, text)


def test_pieces_without_the_required_words_are_not_scanned():
    pattern = re.compile(r"(?<!\w)(?P<n>\d+)\s+days\s+ago(?!\w)", re.IGNORECASE)
    text = "Three days passed, 12 DAYS AGO (it was said), and 4 days ago."
    scan = ArticleScan(text)
    found = [m.group() for m in scan.matches(pattern, required_words(pattern), cut_characters(pattern))]
    assert found == [m.group() for m in pattern.finditer(text)] == ["12 DAYS AGO", "4 days ago"]
