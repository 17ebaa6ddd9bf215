"""Pairwise evidence that two claim units state the same fact.

A story's claim units are laid out once in a :class:`UnitTable` (vectors, content words,
global entity ids, numbers, dates), then every candidate pair gets the same feature row
the matcher was trained on (``scripts/train_claim_matcher.py``):

- ``cos``: cosine of the units' sentence vectors (the static model distilled from
  all-MiniLM-L6-v2, ``link.embeddings``);
- ``soft_min``/``soft_max``: how well each unit's content words are covered by the
  other's, word vectors matched greedily (a bag-of-words BERTScore, in both directions);
- ``lemma_jaccard``/``lemma_overlap``: the same with exact lemmas;
- ``entity_jaccard``/``entity_shared``: global entities both name;
- ``number_shared``/``date_shared``: a value both state;
- ``number_conflict``/``date_conflict``/``negation_mismatch``: incompatible values for
  what may be one proposition (also what makes a claim *contested*);
- ``number_differ``/``date_differ``: both state numbers (dates) and share none: more often
  another occasion ("In July, a thief stole £88m" / "In May, thieves stole £910,000");
- ``matched_words``: how many content words of the shorter unit have a close match in the
  other (a long sentence shares one fact with another through a few words, which the
  averages above dilute);
- ``idf_soft_min``/``idf_soft_max``/``idf_matched``: the same coverage with each word
  weighted by how rare it is in the story (every sentence of a story about Lohan names
  Lohan; few say "handcuffed");
- ``atom_max``: the best match between one predication of each ("take weapon" /
  "steal weapon"), each predication the mean of its words' vectors;
- ``best_both``/``best_one``: whether each unit is the other's most similar unit in the
  other article (a fact is usually stated once per article; never for two units of one
  article, which are compared so that a group's members all state its fact);
- ``headline``, ``length_min``, ``length_ratio``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

FEATURES = (
    "cos",
    "soft_min",
    "soft_max",
    "lemma_jaccard",
    "lemma_overlap",
    "entity_jaccard",
    "entity_shared",
    "number_shared",
    "number_conflict",
    "date_shared",
    "date_conflict",
    "number_differ",
    "date_differ",
    "negation_mismatch",
    "matched_words",
    "idf_soft_min",
    "idf_soft_max",
    "idf_matched",
    "atom_max",
    "best_both",
    "best_one",
    "headline",
    "length_min",
    "length_ratio",
)
#: the features that say two units disagree; zeroed, they say whether the units would be
#: one fact if they agreed (how a contested pair is found)
CONFLICT_FEATURES = ("number_conflict", "date_conflict", "number_differ", "date_differ", "negation_mismatch")
#: absolute dates down to the month or day ("1998-06", "2024-12-05"); years, weeks and
#: durations are too coarse to contradict each other
_SPECIFIC_DATE = re.compile(r"^\d{4}-\d{2}(-\d{2})?$")
#: the smallest story size rarity weights are computed for
MIN_STORY_UNITS = 20
#: two counts of one unit agree within this ratio ("40" and "50" people do not contradict)
NUMBER_RATIO = 1.6


@dataclass
class UnitTable:
    """One story's claim units, column by column, in article order.

    ``article`` is the index of each unit's article; ``vectors`` unit-length rows;
    ``words`` each unit's content lemmas as indices into ``word_vectors``.
    """

    article: np.ndarray
    vectors: np.ndarray
    words: list[np.ndarray]
    word_sets: list[frozenset[str]]
    atoms: list[np.ndarray]
    word_vectors: np.ndarray
    idf: np.ndarray
    entities: list[frozenset[str]]
    numbers: list[frozenset[tuple[str, float]]]
    dates: list[frozenset[str]]
    negated: np.ndarray
    denied: np.ndarray
    headline: np.ndarray

    def __len__(self) -> int:
        return len(self.article)


def unit_numbers(claim) -> frozenset[tuple[str, float]]:
    """(what is counted, value) of each count a claim states: the unit noun and the word it
    depends on ("kill people"; "" when the count has no unit noun)."""
    return frozenset(
        (f"{n.governor or ''} {n.unit}" if n.unit else "", float(n.value)) for n in claim.numbers if n.value is not None
    )


def build_table(units: Sequence[tuple[int, object, frozenset[str]]], encode, encode_words) -> UnitTable:
    """The table of ``units``: (article index, Claim, global entity ids) each.

    ``encode`` maps texts to unit-length vectors, ``encode_words`` words to vectors.
    """
    claims = [c for _, c, _ in units]
    vectors = encode([c.content or c.text for c in claims]) if claims else np.zeros((0, 1), dtype=np.float32)
    vocab: dict[str, int] = {}
    words, atom_words = [], []
    for claim in claims:
        ids = [vocab.setdefault(w, len(vocab)) for w in dict.fromkeys(claim.lemmas.split())]
        words.append(np.asarray(ids, dtype=np.int64))
        atom_words.append([[vocab.setdefault(w, len(vocab)) for w in dict.fromkeys(atom.split())]
                           for atom in claim.atoms if len(atom.split()) >= 2])
    word_vectors = encode_words(list(vocab)) if vocab else np.zeros((0, vectors.shape[1]), dtype=np.float32)
    atoms = [_atom_vectors(word_vectors, ids, vectors.shape[1]) for ids in atom_words]
    df = np.zeros(len(vocab), dtype=np.float32)
    for ids in words:
        df[ids] += 1
    # a story of a handful of units has no rarity to speak of: counted as if it had
    # ``MIN_STORY_UNITS``, a word in all of them still weighs something
    idf = np.log((max(len(claims), MIN_STORY_UNITS) + 1) / (df + 1)).astype(np.float32)
    return UnitTable(
        article=np.asarray([a for a, _, _ in units], dtype=np.int64),
        vectors=np.asarray(vectors, dtype=np.float32),
        words=words,
        word_sets=[frozenset(c.lemmas.split()) for c in claims],
        atoms=atoms,
        word_vectors=np.asarray(word_vectors, dtype=np.float32),
        idf=idf,
        entities=[e for _, _, e in units],
        numbers=[unit_numbers(c) for c in claims],
        dates=[frozenset(d for d in c.dates if d) for c in claims],
        negated=np.asarray([bool(c.negated) != bool(c.denied) for c in claims]),
        denied=np.asarray([bool(c.denied) for c in claims]),
        headline=np.asarray([bool(c.headline) for c in claims]),
    )


# -- candidates ----------------------------------------------------------------------------------
def candidate_pairs(table: UnitTable, min_cos: float, per_article: int, block: int = 512,
                    same_article: bool = True, per_unit: int | None = None):
    """Pairs of units worth scoring: each unit with the ``per_article`` most similar units of
    every article (its own too, when ``same_article``: a headline and the sentence it sums
    up must be one group), if at least ``min_cos`` similar.

    Returns (i, j, cos, best_i, best_j): index arrays with i < j, their cosine, whether j is
    i's best match in j's article, and whether i is j's best match in i's (both False for a
    pair from one article). ``per_unit`` keeps only a unit's most similar candidates in a
    story of many articles (the pairs a merge of two groups needs besides are scored when it
    is tried: ``align.Scored``). Rows are taken in blocks, so a story of thousands of units
    never holds its whole similarity matrix.
    """
    n = len(table)
    art = table.article
    found: dict[tuple[int, int], list] = {}
    for lo in range(0, n, block):
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
def _jaccard(a: frozenset, b: frozenset) -> float:
    union = len(a | b)
    return len(a & b) / union if union else 0.0


def _overlap(a: frozenset, b: frozenset) -> float:
    small = min(len(a), len(b))
    return len(a & b) / small if small else 0.0


def numbers_agree(a: frozenset, b: frozenset) -> tuple[bool, bool]:
    """(shared, conflicting): a count both state, and counts of one unit none of which agree."""
    shared = any(_close(x, y) for _, x in a for _, y in b)
    units = {u for u, _ in a if u} & {u for u, _ in b if u}
    conflict = False
    for unit in units:
        xs = [v for u, v in a if u == unit]
        ys = [v for u, v in b if u == unit]
        if not any(_close(x, y) for x in xs for y in ys):
            conflict = True
    return shared, conflict and not shared


def _close(x: float, y: float) -> bool:
    """Small counts agree only when equal (four and six engines); large ones within a ratio
    ("about 400" and "nearly 500" people are one estimate, "150" and "400" are not)."""
    if x == y:
        return True
    low, high = sorted((abs(x), abs(y)))
    return low >= 20 and high / low <= NUMBER_RATIO


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


def _atom_vectors(word_vectors: np.ndarray, atoms: list[list[int]], dim: int) -> np.ndarray:
    """One unit-length vector per predication of a unit: the mean of its words' vectors."""
    if not atoms:
        return np.zeros((0, dim), dtype=np.float32)
    rows = np.stack([word_vectors[ids].mean(axis=0) for ids in atoms])
    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return (rows / norms).astype(np.float32)


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


#: two words match when their vectors are at least this similar
WORD_MATCH = 0.8
MATCHED_CAP = 6


#: story-rarity weight of matched words that counts as "several specific words shared"
IDF_MATCHED_CAP = 8.0


def _soft(table: UnitTable, sims: np.ndarray, i: int, j: int) -> tuple[float, ...]:
    """Coverage of i's words by j's and of j's by i's (plain, then weighted by story
    rarity), matched words of the shorter / cap, and their rarity / cap."""
    wi, wj = table.words[i], table.words[j]
    if not len(wi) or not len(wj):
        return 0.0, 0.0, 0.0, 0.0, 0.0, 0.0
    block = sims[wi][:, wj]
    best_i, best_j = block.max(axis=1), block.max(axis=0)
    idf_i, idf_j = table.idf[wi], table.idf[wj]
    shorter, weights = (best_i, idf_i) if len(wi) <= len(wj) else (best_j, idf_j)
    hit = shorter >= WORD_MATCH
    matched = min(int(np.count_nonzero(hit)), MATCHED_CAP) / MATCHED_CAP
    rare = min(float(weights @ hit), IDF_MATCHED_CAP) / IDF_MATCHED_CAP
    w_i = float(best_i @ idf_i) / max(float(idf_i.sum()), 1e-6)
    w_j = float(best_j @ idf_j) / max(float(idf_j.sum()), 1e-6)
    return float(best_i.sum()) / len(wi), float(best_j.sum()) / len(wj), matched, w_i, w_j, rare


def _atom_max(table: UnitTable, i: int, j: int) -> float:
    a, b = table.atoms[i], table.atoms[j]
    return float((a @ b.T).max()) if len(a) and len(b) else 0.0


def word_similarities(table: UnitTable) -> np.ndarray:
    """Cosines between every two content words of the story (a few thousand words at most)."""
    wv = table.word_vectors
    return wv @ wv.T if len(wv) else np.zeros((0, 0), dtype=np.float32)


def pair_features(table: UnitTable, i, j, cos, best_i, best_j, sims: np.ndarray | None = None) -> np.ndarray:
    """The feature rows (in ``FEATURES`` order) of the pairs ``(i[k], j[k])``."""
    sims = word_similarities(table) if sims is None else sims
    rows = np.zeros((len(i), len(FEATURES)), dtype=np.float32)
    for k in range(len(i)):
        a, b = int(i[k]), int(j[k])
        soft_ab, soft_ba, matched, idf_ab, idf_ba, idf_matched = _soft(table, sims, a, b)
        wa, wb = table.word_sets[a], table.word_sets[b]
        ea, eb = table.entities[a], table.entities[b]
        num_shared, num_conflict = numbers_agree(table.numbers[a], table.numbers[b])
        date_shared, date_conflict = dates_agree(table.dates[a], table.dates[b])
        na, nb, da, db = table.numbers[a], table.numbers[b], _absolute(table.dates[a]), _absolute(table.dates[b])
        la, lb = len(table.words[a]), len(table.words[b])
        rows[k] = (
            cos[k],
            min(soft_ab, soft_ba),
            max(soft_ab, soft_ba),
            _jaccard(wa, wb),
            _overlap(wa, wb),
            _jaccard(ea, eb),
            min(len(ea & eb), 3) / 3,
            num_shared,
            num_conflict,
            date_shared,
            date_conflict,
            bool(na and nb and not num_shared),
            bool(da and db and not date_shared),
            table.negated[a] != table.negated[b],
            matched,
            min(idf_ab, idf_ba),
            max(idf_ab, idf_ba),
            idf_matched,
            _atom_max(table, a, b),
            best_i[k] and best_j[k],
            best_i[k] != best_j[k],
            table.headline[a] or table.headline[b],
            math.log1p(min(la, lb)),
            min(la, lb) / max(la, lb, 1),
        )
    return rows
