"""Pair features of claim alignment on hand-built units, without a model: every word is its
own direction (two words match only when they are the same word), so each feature's value
can be worked out by hand."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from storyweave.link.claims.features import (
    FEATURES,
    MIN_STORY_UNITS,
    build_table,
    candidate_pairs,
    pair_context,
    pair_features,
    unit_numerals,
)


def claim(lemmas: str, atoms: tuple[str, ...] = (), numbers=(), headline: bool = False):
    """A claim unit as alignment reads it; ``lemmas`` are its content words."""
    return SimpleNamespace(text=lemmas, content=lemmas, lemmas=lemmas, atoms=atoms, numbers=tuple(numbers), dates=(),
                           negated=False, denied=False, headline=headline, kind="event")


def number(value: float, unit: str | None = None, governor: str | None = None, text: str | None = None):
    return SimpleNamespace(text=text or str(value), value=value, unit=unit, governor=governor)


class OneHot:
    """Texts as the normalised sum of their words' directions; words as one direction each."""

    def __init__(self):
        self.index: dict[str, int] = {}
        self.dim = 64

    def _words(self, words: list[str]) -> np.ndarray:
        out = np.zeros((len(words), self.dim), np.float32)
        for n, w in enumerate(words):
            out[n, self.index.setdefault(w, len(self.index))] = 1.0
        return out

    def encode(self, texts: list[str]) -> np.ndarray:
        rows = np.stack([self._words(t.split()).sum(axis=0) for t in texts])
        return rows / np.maximum(np.linalg.norm(rows, axis=1, keepdims=True), 1e-9)

    def encode_words(self, words: list[str]) -> np.ndarray:
        return self._words(words)


def table_of(*units):
    """A story of ``(article, claim)`` units."""
    model = OneHot()
    return build_table([(a, c, frozenset()) for a, c in units], model.encode, model.encode_words)


def features(table, a: int, b: int) -> dict[str, float]:
    i, j = np.asarray([a]), np.asarray([b])
    cos, best_i, best_j = pair_context(table, i, j)
    return dict(zip(FEATURES, pair_features(table, i, j, cos, best_i, best_j)[0].tolist()))


def test_a_short_unit_stated_inside_a_long_one_is_covered_whole():
    long_unit = claim("chohan kill drunk driver way attend religious service friday",
                      atoms=("kill chohan driver", "attend service friday"))
    short_unit = claim("drunk driver kill chohan", atoms=("kill chohan driver",))
    f = features(table_of((0, long_unit), (1, short_unit)), 0, 1)
    assert f["idf_cover_short"] == pytest.approx(1.0)
    assert f["soft_min"] == pytest.approx(4 / 9)  # the long unit's words, mostly unmatched
    assert f["atom_cover"] == pytest.approx(1.0)
    assert f["verb_max"] == pytest.approx(1.0)


def test_only_the_predication_matched_word_for_word_covers_fully():
    a = claim("guard overpower flee foot", atoms=("overpower guard", "flee foot"))
    b = claim("guard handcuff weapon take", atoms=("handcuff guard", "take weapon"))
    f = features(table_of((0, a), (1, b)), 0, 1)
    assert f["atom_cover"] == pytest.approx(0.5)  # "overpower guard" / "handcuff guard": one word of two
    assert f["verb_max"] == pytest.approx(0.0)


def test_rare_words_matched_count_and_story_wide_words_do_not():
    # "lohan" is in every unit of the story; "wheelchair" and "mobility" in two
    filler = [(n % 2, claim(f"lohan filler{n}")) for n in range(MIN_STORY_UNITS)]
    table = table_of((0, claim("lohan wheelchair mobility")), (1, claim("lohan wheelchair mobility prison")), *filler)
    assert features(table, 0, 1)["matched_rare"] == pytest.approx(2 / 4)


def test_numerals_both_units_write_tie_them_unless_small_counts():
    assert unit_numerals(["raj", "chohan", "59"]) == {"59"}
    assert unit_numerals(["59", "year", "old", "2"]) == {"59"}
    assert unit_numerals(["1,400", "injure", "3"]) == {"1,400"}
    table = table_of((0, claim("chohan 59 kill")), (1, claim("59 year old mother die")),
                     (0, claim("two 2 guard")), (1, claim("2 guard hostage")))
    assert features(table, 0, 1)["numeral_shared"] == 1.0
    assert features(table, 2, 3)["numeral_shared"] == 0.0


def test_the_counts_of_the_unit_stating_fewer_found_in_the_other():
    a = claim("kill people injure", numbers=[number(10, "people", "kill")])
    b = claim("kill people injure village", numbers=[number(10, "people", "kill"), number(5, "village")])
    c = claim("kill people", numbers=[number(40, "people", "kill")])
    table = table_of((0, a), (1, b), (1, c))
    assert features(table, 0, 1)["number_contain"] == 1.0
    assert features(table, 0, 1)["number_shared"] == 1.0
    assert features(table, 0, 2)["number_contain"] == 0.0
    assert features(table, 0, 2)["number_conflict"] == 1.0  # 10 and 40 people killed


def test_shares_and_margins_agree_only_when_equal_and_only_with_each_other():
    # two poll results are two facts: 49 and 46 percent are no rounding of one estimate, as
    # "about 400" and "nearly 500" people are; nor is "49 percent" a count of 49 delegates
    lead = claim("clinton lead percent", numbers=[number(49, "percent", "lead")])
    other = claim("clinton lead percent", numbers=[number(46, "percent", "lead")])
    delegates = claim("clinton win delegate", numbers=[number(49, "delegate", "win")])
    bare = claim("clinton 49", numbers=[number(49)])
    table = table_of((0, lead), (1, other), (1, delegates), (1, bare),
                     (0, claim("kill people", numbers=[number(400, "people", "kill")])),
                     (1, claim("kill people", numbers=[number(480, "people", "kill")])))
    assert features(table, 0, 1)["number_shared"] == 0.0
    assert features(table, 0, 1)["number_conflict"] == 1.0
    assert features(table, 0, 2)["number_shared"] == 0.0
    assert features(table, 0, 3)["number_shared"] == 1.0  # a value of nothing named may be the share
    assert features(table, 4, 5)["number_shared"] == 1.0  # estimates of a large count agree within a ratio


def test_a_plural_number_word_is_a_range_that_agrees_with_a_count_in_it():
    # "killing hundreds of people" / "It killed 612 people": one toll, not two
    hundreds = claim("quake kill people", numbers=[number(100, "people", "kill", text="hundreds")])
    table = table_of((0, hundreds),
                     (1, claim("quake kill people", numbers=[number(612, "people", "kill")])),
                     (1, claim("quake kill people", numbers=[number(40, "people", "kill")])),
                     (1, claim("quake kill people", numbers=[number(5000, "people", "kill")])))
    assert features(table, 0, 1)["number_shared"] == 1.0 and features(table, 0, 1)["number_conflict"] == 0.0
    assert features(table, 0, 2)["number_conflict"] == 1.0  # 40 is not hundreds
    assert features(table, 0, 3)["number_conflict"] == 1.0  # nor is 5,000


def test_the_only_unit_of_an_article_is_no_evidence_as_a_best_match():
    # a lone headline against a two-sentence article: they are each other's best match, as
    # contested claims need to know, but being the best of one says nothing about the pair
    table = table_of((0, claim("quake hit iran")), (1, claim("quake hit iran village")), (1, claim("rescue team")))
    i, j, _, best_i, best_j = candidate_pairs(table, -1.0, 3)
    k = next(n for n, (a, b) in enumerate(zip(i, j)) if (a, b) == (0, 1))
    assert best_i[k] and best_j[k]
    assert features(table, 0, 1)["best_both"] == 0.0
    two = table_of((0, claim("quake hit iran")), (0, claim("oman felt")), (1, claim("quake hit iran village")),
                   (1, claim("rescue team")))
    assert features(two, 0, 2)["best_both"] == 1.0
