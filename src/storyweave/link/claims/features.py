"""Pairwise evidence that two claim units state the same fact.

A story's claim units are laid out once in a :class:`UnitTable` (vectors, content words,
their predications, global entity ids, numbers, dates), then every candidate pair gets the
same feature row the matcher was trained on (``scripts/train_claim_matcher.py``). Two
units often share one fact among several that a long sentence states ("Raj Chohan, 59,
was killed by a drunk hit-and-run driver as she was on her way to ..." / "A 59-year-old
mother of two died when a drunken driver struck her ..."), so besides the symmetric
similarities most features ask how much of the *shorter* unit, or of one predication of
either, the other states:

- ``cos``: cosine of the units' sentence vectors (the static model distilled from
  all-MiniLM-L6-v2, ``link.embeddings``);
- ``soft_min``: how well each unit's content words are covered by the other's, word
  vectors matched greedily (a bag-of-words BERTScore), the lower of the two directions;
- ``idf_cover_short``: the shorter unit's words covered by the longer's, each weighted by
  how rare it is in the story (every sentence of a story about Lohan names Lohan; few say
  "wheelchair");
- ``atom_cover``: the best-covered predication of either unit (a verb and the heads of
  its arguments: "kill raj chohan", "strike driver car"), its words matched in the other
  unit;
- ``verb_max``: the closest two main verbs ("stop" / "beat");
- ``matched_rare``: how many rare words of the shorter unit have a close match in the
  other (a long sentence shares one fact through a few specific words, which averages
  dilute);
- ``number_shared``/``number_contain``: a count both state, and the share of the shorter
  unit's counts the other states; ``numeral_shared``: a numeral both write, other than a
  small count ("59" of "Raj Chohan, 59" and "a 59-year-old");
- ``number_conflict``/``date_conflict``/``negation_mismatch``: incompatible values for
  what may be one proposition (also what makes a claim *contested*);
- ``number_differ``/``date_differ``: both state numbers (dates) and share none: more often
  another occasion ("In July, a thief stole £88m" / "In May, thieves stole £910,000");
- ``best_both``: whether each unit is the other's most similar unit in the other article (a
  fact is usually stated once per article; never for two units of one article, which are
  compared so that a group's members all state its fact, nor for an article of one unit,
  such as a lone headline, where the only unit is trivially the best);
- ``headline``.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from storyweave.rulefiles import read_toml, rule_path

FEATURES = (
    "cos",
    "soft_min",
    "idf_cover_short",
    "atom_cover",
    "verb_max",
    "matched_rare",
    "number_shared",
    "number_contain",
    "numeral_shared",
    "number_conflict",
    "date_conflict",
    "number_differ",
    "date_differ",
    "negation_mismatch",
    "best_both",
    "headline",
)
#: the features that say two units disagree; zeroed, they say whether the units would be
#: one fact if they agreed (how a contested pair is found)
CONFLICT_FEATURES = ("number_conflict", "date_conflict", "number_differ", "date_differ", "negation_mismatch")
#: absolute dates down to the month or day ("1998-06", "2024-12-05"); years, weeks and
#: durations are too coarse to contradict each other
_SPECIFIC_DATE = re.compile(r"^\d{4}-\d{2}(-\d{2})?$")
#: claim kinds that state no fact of their own ("could prove pivotal", "a disgrace")
SPECULATIVE_KINDS = frozenset(["prediction", "opinion"])
#: the smallest story size rarity weights are computed for
MIN_STORY_UNITS = 20
#: two counts of one unit agree within this ratio ("40" and "50" people do not contradict)
NUMBER_RATIO = 1.6
#: a count written as a plural number word ("hundreds") runs up to this many times its value
VAGUE_RANGE = 10.0
#: numerals up to this are small counts ("two guards"), too common to tie two units
SMALL_NUMERAL = 12
#: units of shares, reported exactly: two agree only when equal ("49 percent" and "46 percent"
#: are two poll results, where "about 400" and "nearly 500" people are one estimate), and never
#: with a count of something else ("49 percent" / "49 delegates"). Points are left out: taken
#: exactly too, they cost the matcher on held-out topics (AUC 0.944 → 0.943, the threshold's
#: precision reached only at 0.55), as "2,290 career points" and "2,302 for his career" differ
EXACT_UNITS = frozenset(["percent", "%", "percentage", "pct"])
#: two words match when their vectors are at least this similar
WORD_MATCH = 0.8
#: a word is rare in a story when its rarity weight is at least this share of the highest
RARE_SHARE = 0.5
#: rare matched words that count as "several specific words shared"
RARE_CAP = 4


@dataclass
class UnitTable:
    """One story's claim units, column by column, in article order.

    ``article`` is the index of each unit's article; ``vectors`` unit-length rows;
    ``words`` each unit's content lemmas as indices into ``word_vectors``, ``word_idf``
    their rarity weights in the story and ``rare`` which of them are rare; ``atoms`` one row
    per predication of a unit averaging its words (a matrix over the unit's ``words``) and
    ``verbs`` their verbs, as positions in its ``words``; ``numerals`` the numerals it
    writes, small counts left out; ``speculative`` whether it is a prediction or an opinion.
    """

    article: np.ndarray
    vectors: np.ndarray
    words: list[np.ndarray]
    word_sets: list[frozenset[str]]
    word_vectors: np.ndarray
    entities: list[frozenset[str]]
    numbers: list[frozenset[tuple[str, float]]]
    dates: list[frozenset[str]]
    negated: np.ndarray
    denied: np.ndarray
    headline: np.ndarray
    word_idf: list[np.ndarray]
    rare: list[np.ndarray]
    atoms: list[np.ndarray]
    verbs: list[np.ndarray]
    numerals: list[frozenset[str]]
    speculative: np.ndarray | None = None  # a prediction or an opinion: it states no fact of its own
    generic: np.ndarray | None = None  # it tells what happens again and again, not one occasion

    def __len__(self) -> int:
        return len(self.article)


@functools.lru_cache(maxsize=1)
def _occasion_rules() -> re.Pattern:
    rules = read_toml(rule_path("storyweave.link", "rules", "claims", "occasions.toml"))
    words = sorted(rules["words"] + rules["phrases"], key=len, reverse=True)
    return re.compile(r"\b(?:" + "|".join(re.escape(w) for w in words) + r")\b")


def tells_no_occasion(text: str) -> bool:
    """Whether a unit tells what happens again and again or over years ("is regularly struck
    by damaging quakes", "in recent years") rather than one occasion
    (``rules/claims/occasions.toml``)."""
    return _occasion_rules().search(text.lower()) is not None


def unit_numbers(claim) -> frozenset[tuple[str, float, float]]:
    """(what is counted, lowest value, highest value) of each count a claim states: the unit
    noun and the word it depends on ("kill people"; "" when the count has no unit noun). A
    count written as a plural number word is a range of one order of magnitude ("hundreds"
    100 to 1,000), so "killing hundreds of people" and "killed 612 people" agree."""
    return frozenset(
        (f"{n.governor or ''} {n.unit}" if n.unit else "", float(n.value),
         float(n.value) * VAGUE_RANGE if _vague(n.text) else float(n.value))
        for n in claim.numbers if n.value is not None
    )


def _vague(text: str) -> bool:
    """Whether a count is written as a plural number word ("hundreds", "dozens", "thousands")."""
    return text.isalpha() and text.lower().endswith("s")


def unit_numerals(lemmas: Sequence[str]) -> frozenset[str]:
    """The numerals among a unit's content words, small counts left out ("59", "2,000",
    "1353"; not "two" or "3")."""
    return frozenset(
        w for w in lemmas if any(ch.isdigit() for ch in w) and not (w.isdigit() and int(w) <= SMALL_NUMERAL)
    )


def _predications(claim, position: dict[str, int]) -> tuple[np.ndarray, np.ndarray]:
    """A claim's predications of two words or more, as rows that average their words over
    the claim's content words, and their verbs (an atom's first word) as positions among
    them; words that are not content words are left out."""
    rows, verbs = [], set()
    for atom in claim.atoms:
        words = atom.split()
        if len(words) >= 2 and words[0] in position:
            verbs.add(position[words[0]])
        found = {position[w] for w in words if w in position}
        if len(found) >= 2:
            row = np.zeros(len(position), dtype=np.float32)
            row[sorted(found)] = 1.0 / len(found)
            rows.append(row)
    matrix = np.stack(rows) if rows else np.zeros((0, len(position)), dtype=np.float32)
    return matrix, np.asarray(sorted(verbs), dtype=np.int64)


def build_table(units: Sequence[tuple[int, object, frozenset[str]]], encode, encode_words) -> UnitTable:
    """The table of ``units``: (article index, Claim, global entity ids) each.

    ``encode`` maps texts to unit-length vectors, ``encode_words`` words to vectors.
    """
    claims = [c for _, c, _ in units]
    vectors = encode([c.content or c.text for c in claims]) if claims else np.zeros((0, 1), dtype=np.float32)
    vocab: dict[str, int] = {}
    words, atoms, verbs, numerals = [], [], [], []
    for claim in claims:
        lemmas = list(dict.fromkeys(claim.lemmas.split()))
        words.append(np.asarray([vocab.setdefault(w, len(vocab)) for w in lemmas], dtype=np.int64))
        unit_atoms, unit_verbs = _predications(claim, {w: n for n, w in enumerate(lemmas)})
        atoms.append(unit_atoms)
        verbs.append(unit_verbs)
        numerals.append(unit_numerals(lemmas))
    word_vectors = encode_words(list(vocab)) if vocab else np.zeros((0, vectors.shape[1]), dtype=np.float32)
    df = np.zeros(len(vocab), dtype=np.float32)
    for ids in words:
        df[ids] += 1
    # a story of a handful of units has no rarity to speak of: counted as if it had
    # ``MIN_STORY_UNITS``, a word in all of them still weighs something
    size = max(len(claims), MIN_STORY_UNITS) + 1
    idf = np.log(size / (df + 1)).astype(np.float32)
    word_idf = [idf[ids] for ids in words]
    return UnitTable(
        article=np.asarray([a for a, _, _ in units], dtype=np.int64),
        vectors=np.asarray(vectors, dtype=np.float32),
        words=words,
        word_sets=[frozenset(c.lemmas.split()) for c in claims],
        word_vectors=np.asarray(word_vectors, dtype=np.float32),
        entities=[e for _, _, e in units],
        numbers=[unit_numbers(c) for c in claims],
        dates=[frozenset(d for d in c.dates if d) for c in claims],
        negated=np.asarray([bool(c.negated) != bool(c.denied) for c in claims]),
        denied=np.asarray([bool(c.denied) for c in claims]),
        headline=np.asarray([bool(c.headline) for c in claims]),
        speculative=np.asarray([c.kind in SPECULATIVE_KINDS for c in claims], dtype=bool),
        generic=np.asarray([tells_no_occasion(c.text) for c in claims], dtype=bool),
        word_idf=word_idf,
        rare=[w >= RARE_SHARE * math.log(size) for w in word_idf],
        atoms=atoms,
        verbs=verbs,
        numerals=numerals,
    )


# -- candidates ----------------------------------------------------------------------------------
def candidate_pairs(table: UnitTable, min_cos: float, per_article: int, block: int = 512,
                    same_article: bool = True, per_unit: int | None = None, first_row: int = 0):
    """Pairs of units worth scoring: each unit with the ``per_article`` most similar units of
    every article (its own too, when ``same_article``: a headline and the sentence it sums
    up must be one group), if at least ``min_cos`` similar.

    Returns (i, j, cos, best_i, best_j): index arrays with i < j, their cosine, whether j is
    i's best match in j's article, and whether i is j's best match in i's (both False for a
    pair from one article). ``per_unit`` keeps only a unit's most similar candidates in a
    story of many articles (the pairs a merge of two groups needs besides are scored when it
    is tried: ``align.Scored``). Rows are taken in blocks, so a story of thousands of units
    never holds its whole similarity matrix. Only rows from ``first_row`` on look for their
    candidates (the rows before are found only as theirs).
    """
    n = len(table)
    art = table.article
    found: dict[tuple[int, int], list] = {}
    for lo in range(first_row, n, block):
        sims = table.vectors[lo : lo + block] @ table.vectors.T
        for r in range(sims.shape[0]):
            i = lo + r
            row = sims[r]
            allowed = (np.arange(n) != i) if same_article else (art != art[i])
            cands = np.flatnonzero((row >= min_cos) & allowed)
            if not len(cands):
                continue
            order = cands[np.lexsort((-row[cands], art[cands]))]  # by article, most similar first
            first = np.r_[True, art[order][1:] != art[order][:-1]]
            rank = np.arange(len(order)) - np.maximum.accumulate(np.where(first, np.arange(len(order)), 0))
            keep = np.flatnonzero(rank < per_article)
            if per_unit is not None and len(keep) > per_unit:
                keep = keep[np.argsort(-row[order[keep]], kind="stable")[:per_unit]]
            for j, k in zip(order[keep], rank[keep]):
                j = int(j)
                key = (min(i, j), max(i, j))
                entry = found.setdefault(key, [float(row[j]), False, False])
                if k == 0 and art[j] != art[i]:
                    entry[1 if i < j else 2] = True  # j is i's best in j's article (or i is j's)
    keys = sorted(found)
    values = [found[k] for k in keys]
    return (
        np.asarray([k[0] for k in keys], dtype=np.int64),
        np.asarray([k[1] for k in keys], dtype=np.int64),
        np.asarray([v[0] for v in values], dtype=np.float32),
        np.asarray([v[1] for v in values], dtype=bool),
        np.asarray([v[2] for v in values], dtype=bool),
    )


# -- features ------------------------------------------------------------------------------------
def numbers_agree(a: frozenset, b: frozenset) -> tuple[bool, bool]:
    """(shared, conflicting): a count both state, and counts of one unit none of which agree."""
    shared = any(_same_count(x, y) for x in a for y in b)
    units = {x[0] for x in a if x[0]} & {y[0] for y in b if y[0]}
    conflict = False
    for unit in units:
        xs = [x for x in a if x[0] == unit]
        ys = [y for y in b if y[0] == unit]
        if not any(_same_count(x, y) for x in xs for y in ys):
            conflict = True
    return shared, conflict and not shared


def _close(x: tuple[str, float, float], y: tuple[str, float, float]) -> bool:
    """Small counts agree only when equal (four and six engines); large ones within a ratio
    ("about 400" and "nearly 500" people are one estimate, "150" and "400" are not); a range
    ("hundreds") agrees with any count in it."""
    if x[1] != x[2] or y[1] != y[2]:
        return x[1] <= y[2] and y[1] <= x[2]
    if x[1] == y[1]:
        return True
    low, high = sorted((abs(x[1]), abs(y[1])))
    return low >= 20 and high / low <= NUMBER_RATIO


def _exact(key: str) -> bool:
    """Whether a count's key (``unit_numbers``: "lead percent") is of a unit reported exactly."""
    return key.rsplit(" ", 1)[-1] in EXACT_UNITS if key else False


def _same_count(x: tuple[str, float, float], y: tuple[str, float, float]) -> bool:
    """Whether two (what, value) counts may be one value: a share (``EXACT_UNITS``) only an
    equal value of a share or of nothing named ("49" of "49 to 41"), other counts any close one
    (``_close``)."""
    exact_x, exact_y = _exact(x[0]), _exact(y[0])
    if exact_x or exact_y:
        return (exact_x or not x[0]) and (exact_y or not y[0]) and x[1] == y[1]
    return _close(x, y)


def _number_contain(a: frozenset, b: frozenset) -> float:
    """The share of the counts of the unit stating fewer that the other states too."""
    if not a or not b:
        return 0.0
    small, large = (a, b) if len(a) <= len(b) else (b, a)
    return sum(any(_same_count(x, y) for y in large) for x in small) / len(small)


def dates_agree(a: frozenset, b: frozenset) -> tuple[bool, bool]:
    """(shared, conflicting): a date both state (one may be the other's year or month), and
    specific dates of the same precision none of which agree."""
    shared = any(x == y or x.startswith(y) or y.startswith(x) for x in a for y in b if x[:4].isdigit())
    sa = {d for d in a if _SPECIFIC_DATE.match(d)}
    sb = {d for d in b if _SPECIFIC_DATE.match(d)}
    conflict = False
    for x in sa:
        same = [y for y in sb if len(y) == len(x)]
        if same and x not in same:
            conflict = True
    return shared, conflict and not (sa & sb)


def _absolute(dates: frozenset[str]) -> frozenset[str]:
    return frozenset(d for d in dates if d[:4].isdigit())


def pair_context(table: UnitTable, i: np.ndarray, j: np.ndarray):
    """(cos, best_i, best_j) of arbitrary pairs, as ``candidate_pairs`` gives them for its own."""
    cos = np.einsum("ij,ij->i", table.vectors[i], table.vectors[j]).astype(np.float32)
    best_i = np.zeros(len(i), dtype=bool)
    best_j = np.zeros(len(i), dtype=bool)
    for k, (a, b) in enumerate(zip(i, j)):
        if table.article[a] == table.article[b]:
            continue
        in_b = np.flatnonzero(table.article == table.article[b])
        in_a = np.flatnonzero(table.article == table.article[a])
        best_i[k] = in_b[np.argmax(table.vectors[in_b] @ table.vectors[a])] == b
        best_j[k] = in_a[np.argmax(table.vectors[in_a] @ table.vectors[b])] == a
    return cos, best_i, best_j


def _coverage(table: UnitTable, sims: np.ndarray, a: int, b: int) -> tuple[float, ...]:
    """(soft_min, idf_cover_short, atom_cover, verb_max, matched_rare) of one pair, all
    from the similarities between the two units' content words."""
    wa, wb = table.words[a], table.words[b]
    if not len(wa) or not len(wb):
        return 0.0, 0.0, 0.0, 0.0, 0.0
    block = sims[wa[:, None], wb]
    best_a, best_b = block.max(axis=1), block.max(axis=0)
    short, unit = (best_a, a) if len(wa) <= len(wb) else (best_b, b)
    weights = table.word_idf[unit]
    idf_cover = float(short @ weights) / max(float(weights.sum()), 1e-6)
    rare = int(np.count_nonzero((short >= WORD_MATCH) & table.rare[unit]))
    atom = 0.0
    if len(table.atoms[a]):
        atom = float((table.atoms[a] @ best_a).max())
    if len(table.atoms[b]):
        atom = max(atom, float((table.atoms[b] @ best_b).max()))
    va, vb = table.verbs[a], table.verbs[b]
    verb = float(block[va[:, None], vb].max()) if len(va) and len(vb) else 0.0
    soft = min(float(best_a.sum()) / len(wa), float(best_b.sum()) / len(wb))
    return soft, idf_cover, atom, verb, min(rare, RARE_CAP) / RARE_CAP


def word_similarities(table: UnitTable) -> np.ndarray:
    """Cosines between every two content words of the story (a few thousand words at most)."""
    wv = table.word_vectors
    return wv @ wv.T if len(wv) else np.zeros((0, 0), dtype=np.float32)


def pair_features(table: UnitTable, i, j, cos, best_i, best_j, sims: np.ndarray | None = None) -> np.ndarray:
    """The feature rows (in ``FEATURES`` order) of the pairs ``(i[k], j[k])``."""
    sims = word_similarities(table) if sims is None else sims
    rows = np.zeros((len(i), len(FEATURES)), dtype=np.float32)
    # the only unit of an article (a lone headline, a one-sentence text) is trivially the
    # best match there: that says nothing about the pair
    several = np.bincount(table.article, minlength=1) >= 2 if len(table) else np.zeros(0, bool)
    for k in range(len(i)):
        a, b = int(i[k]), int(j[k])
        soft, idf_cover, atom, verb, rare = _coverage(table, sims, a, b)
        na, nb = table.numbers[a], table.numbers[b]
        num_shared, num_conflict = numbers_agree(na, nb)
        date_shared, date_conflict = dates_agree(table.dates[a], table.dates[b])
        da, db = _absolute(table.dates[a]), _absolute(table.dates[b])
        rows[k] = (
            cos[k],
            soft,
            idf_cover,
            atom,
            verb,
            rare,
            num_shared,
            _number_contain(na, nb),
            bool(table.numerals[a] & table.numerals[b]),
            num_conflict,
            date_conflict,
            bool(na and nb and not num_shared),
            bool(da and db and not date_shared),
            table.negated[a] != table.negated[b],
            best_i[k] and best_j[k] and several[table.article[a]] and several[table.article[b]],
            table.headline[a] or table.headline[b],
        )
    return rows
