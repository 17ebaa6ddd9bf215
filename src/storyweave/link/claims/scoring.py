"""A story's claim units laid out for comparison, and the matcher's verdict on their pairs.

Stage 1 lays the units out in one table (``features.UnitTable``: sentence vectors from the
static encoder, content words, global entity ids, numbers, dates); stage 2 scores the
candidate pairs with the learned matcher (``matcher.py``) and answers for any other pair
on demand.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from storyweave.link.claims.features import (
    UnitTable,
    build_table,
    candidate_pairs,
    pair_context,
    pair_features,
    word_similarities,
)
from storyweave.link.claims.matcher import ClaimMatcher
from storyweave.link.claims.records import ArticleClaims
from storyweave.link.origins import PERSON_PREFIX, OriginKey, quotes_shared
from storyweave.rulefiles import read_toml, rule_path


@dataclass
class Unit:
    """One claim unit of the story with what alignment knows about its article."""

    article: ArticleClaims
    position: int  # the article's index in the story
    claim: object  # storyweave.records.Claim
    entities: frozenset[str]
    keys: tuple[OriginKey, ...] = ()
    quote: str | None = None

    @property
    def key(self) -> str:
        return f"{self.article.article_id}:{self.claim.start}:{self.claim.end}"

    @property
    def outlet(self) -> str:
        return self.article.outlet or self.article.article_id


@dataclass
class Scored:
    """The story's candidate pairs and what the matcher made of them.

    ``get`` answers for any pair: a pair that was no candidate is scored when first asked
    (``score_missing``; a merge of two large groups asks about pairs no unit ranked among its
    few most similar), or is 0 when the ``Scored`` has no way to score it.
    """

    i: np.ndarray
    j: np.ndarray
    p: np.ndarray
    p_agree: np.ndarray
    rows: np.ndarray
    best_both: np.ndarray
    prob: dict[tuple[int, int], float] = field(default_factory=dict)
    score_missing: Callable[[int, int], float] | None = None
    sims: np.ndarray | None = None  # cosines between the story's content words (``UnitTable.word_vectors``)

    def get(self, a: int, b: int) -> float:
        key = (a, b) if a < b else (b, a)
        found = self.prob.get(key)
        if found is None:
            found = self.prob[key] = self.score_missing(*key) if self.score_missing else 0.0
        return found

    def raise_to(self, found: dict[tuple[int, int], float]) -> None:
        """Raise the pairs of ``found`` ((a, b) with a < b → P) to at least their P there;
        pairs that were no candidates become candidates (their features unknown: zeros, and
        no P of being one proposition had they agreed)."""
        position = {(int(a), int(b)): k for k, (a, b) in enumerate(zip(self.i, self.j))}
        new = []
        for key, p in found.items():
            k = position.get(key)
            if k is None:
                if p > self.prob.get(key, 0.0):  # unscored: not worth scoring only to compare
                    new.append((key, p))
            elif p > self.p[k]:
                self.p[k] = p
            else:
                continue
            self.prob[key] = max(p, self.prob.get(key, 0.0))
        if new:
            self.i = np.concatenate([self.i, np.asarray([k[0] for k, _ in new], dtype=self.i.dtype)])
            self.j = np.concatenate([self.j, np.asarray([k[1] for k, _ in new], dtype=self.j.dtype)])
            self.p = np.concatenate([self.p, np.asarray([p for _, p in new], dtype=self.p.dtype)])
            self.p_agree = np.concatenate([self.p_agree, np.zeros(len(new), dtype=self.p_agree.dtype)])
            self.rows = np.concatenate([self.rows, np.zeros((len(new), self.rows.shape[1]), dtype=self.rows.dtype)])
            self.best_both = np.concatenate([self.best_both, np.zeros(len(new), dtype=bool)])

    def rule_out(self, apart: Callable[[int, int], bool], *, contestable: bool = False) -> None:
        """Make every pair ``apart`` names no fact (P 0), candidates now and pairs asked later.

        ``contestable`` keeps what the pairs would be had they agreed (``p_agree``): two units
        that disagree over a value are never one fact, yet may be two versions of one.
        """
        for k in range(len(self.i)):
            if apart(int(self.i[k]), int(self.j[k])):
                self.p[k] = 0.0
                if not contestable:
                    self.p_agree[k] = 0.0
                self.prob[(int(self.i[k]), int(self.j[k]))] = 0.0
        missing = self.score_missing
        if missing is not None:
            self.score_missing = lambda a, b: 0.0 if apart(a, b) else missing(a, b)


# -- stage 1: the table --------------------------------------------------------------------------
def story_units(articles: Sequence[ArticleClaims]) -> list[Unit]:
    """Every claim unit of the story, in article order."""
    units = []
    for position, article in enumerate(articles):
        for claim in article.claims:
            entities = frozenset(article.entity_ids.get(k, f"{article.article_id}:{k}") for k in claim.entities)
            units.append(Unit(article, position, claim, entities))
    return units


def encoders(name: str) -> tuple[Callable, Callable]:
    """(texts → unit vectors, words → unit vectors) of the encoder called ``name``."""
    from storyweave.link.embeddings import load_embedder

    embedder = load_embedder(name)
    cache: dict[str, np.ndarray] = {}

    def encode_words(words: list[str]) -> np.ndarray:
        missing = [w for w in words if w not in cache]
        if missing:
            for word, vector in zip(missing, embedder.encode(missing)):
                cache[word] = vector
        return np.stack([cache[w] for w in words]) if words else np.zeros((0, embedder.dim), np.float32)

    return embedder.encode, encode_words


def story_table(units: Sequence[Unit], encoder: str) -> UnitTable:
    encode, encode_words = encoders(encoder)
    return build_table([(u.position, u.claim, u.entities) for u in units], encode, encode_words)


# -- stage 2: scored pairs -----------------------------------------------------------------------
def score_pairs(table: UnitTable, matcher: ClaimMatcher) -> Scored:
    """Candidate pairs of ``table`` with P(same fact) and P(same fact had they agreed)."""
    i, j, cos, best_i, best_j = candidate_pairs(table, matcher.min_cos, matcher.per_article,
                                                per_unit=matcher.per_unit)
    sims = word_similarities(table)
    rows = pair_features(table, i, j, cos, best_i, best_j, sims)
    p = matcher.probability(rows)

    def score_missing(a: int, b: int) -> float:
        pair_i, pair_j = np.asarray([a]), np.asarray([b])
        cos_ab, bi, bj = pair_context(table, pair_i, pair_j)
        return float(matcher.probability(pair_features(table, pair_i, pair_j, cos_ab, bi, bj, sims))[0])

    scored = Scored(i, j, p, matcher.agreeing_probability(rows), rows, best_i & best_j, score_missing=score_missing,
                    sims=sims)
    scored.prob = {(int(a), int(b)): float(x) for a, b, x in zip(i, j, p)}
    return scored


def _people(unit: Unit) -> frozenset[str]:
    """The named people a unit is the statement of."""
    return frozenset(k.key for k in unit.keys if k.key.startswith(PERSON_PREFIX))


#: words of a quote in which its speaker speaks of themselves ("I am going to ...", "We can't ...")
FIRST_PERSON = frozenset(["i", "i'm", "i've", "i'll", "i'd", "me", "my", "mine", "myself", "we", "we're", "we've",
                          "we'll", "we'd", "us", "our", "ours", "ourselves"])
_WORDS = re.compile(r"[\w'’]+")


def _first_person(quote: str | None) -> bool:
    return bool(quote) and any(w.lower().replace("’", "'") in FIRST_PERSON for w in _WORDS.findall(quote))


def different_speakers(units: Sequence[Unit]) -> Callable[[int, int], bool]:
    """Whether two units are statements of two different people, one of them quoted speaking
    of themselves: "I am going to protect and defend all Americans," Trump said / Clinton
    called "to redouble our efforts to defend our country"; "It's time to stand behind our
    presumptive candidate," Brown declared / "We'll stand up and make it clear ...," Sanders
    said. A quote in the first person is its speaker's statement about themselves or their
    side, which no one else's words report, however alike the wording; the same quoted words
    under two names are one quote (``origins.merge_shared_quotes``). Two witnesses' quotes
    about the world ("It lasted around 30 seconds") may state, or contest, one fact.
    Statements two people make in the reporter's words ("Alishbandi said he was not
    expecting the toll to rise" / "Karami said high casualties were not expected") stay for
    the matcher to judge: that is how two officials corroborate a fact."""

    def apart(a: int, b: int) -> bool:
        ua, ub = units[a], units[b]
        if ua.article is ub.article:
            return False
        pa, pb = _people(ua), _people(ub)
        if not pa or not pb or pa & pb:
            return False
        if not (_first_person(ua.quote) or _first_person(ub.quote)):
            return False  # two people's words about the world ("it lasted 30 seconds") may tell one fact
        return not quotes_shared(ua.quote or ua.claim.text, ub.quote or ub.claim.text)

    return apart


def _capitalised(text: str) -> frozenset[str]:
    """The words a text writes with a capital, its first word aside, lower-cased: its names."""
    words = _WORDS.findall(text)[1:]
    # "Gigante's patron" names Gigante
    return frozenset(re.sub(r"['’]s$", "", w).lower() for w in words if w[:1].isupper() and len(w) > 2)


def different_subjects(units: Sequence[Unit]) -> Callable[[int, int], bool]:
    """Whether two units of different articles tell what two different named actors did to
    one named thing: each unit's subject is a person or organisation the other never names,
    the two names share no word, and the units name something else in common ("The Orioles
    have offered Teixeira a seven-year deal" / "The Red Sox have made an eight-year offer to
    Teixeira"). On a beat, sentences of one topic share the object and the kind of act; who
    acts tells the facts apart, and the matcher, which weighs shared words, does not see it.
    A shared surname ("Jenkin" / "Mr Jenkin") may be one person the resolver left apart."""

    def actors(unit: Unit) -> tuple[frozenset[str], frozenset[str]]:
        ids = unit.article.entity_ids
        keys = unit.claim.actors
        words = frozenset(w for k in keys for w in k.split(":", 1)[-1].split("-") if len(w) > 2)
        return frozenset(ids.get(k, f"{unit.article.article_id}:{k}") for k in keys), words

    found = [actors(u) for u in units]
    names = [_capitalised(u.claim.text) for u in units]

    def apart(a: int, b: int) -> bool:
        if units[a].article is units[b].article:
            return False
        (first, first_words), (second, second_words) = found[a], found[b]
        if not first or not second or first_words & second_words:
            return False  # "Jenkin" / "Mr Jenkin": a shared surname may be one person the resolver left apart
        if first & units[b].entities or first_words & names[b] or second & units[a].entities or second_words & names[a]:
            # the other unit names the actor: it may tell one act from another side ("Judge
            # Weinstein imposed a sentence of 12 years" / "Gigante was serving a 12-year sentence")
            return False
        # one named thing in common besides the actors: an entity, or a name both write (the
        # recogniser may type one name two ways in two articles)
        if (units[a].entities - first) & (units[b].entities - second):
            return True
        return bool((names[a] & names[b]) - first_words - second_words)

    return apart


@functools.lru_cache(maxsize=1)
def _facility_heads() -> frozenset[str]:
    return frozenset(read_toml(rule_path("storyweave.link", "rules", "claims", "facilities.toml"))["heads"])


def _facilities(unit: Unit) -> dict[str, frozenset[str]]:
    """The named facilities a unit names, by kind: {"hospital": {"jamaica-hospital"}}."""
    heads = _facility_heads()
    found: dict[str, set[str]] = {}
    for key in unit.entities:
        slug = key.split(":", 1)[-1]
        words = slug.split("-")
        if len(words) >= 2 and words[-1] in heads:
            found.setdefault(words[-1], set()).add(slug)
    return {head: frozenset(slugs) for head, slugs in found.items()}


def different_facilities(units: Sequence[Unit]) -> Callable[[int, int], bool]:
    """Whether two units of different articles each name a facility of one kind that the
    other does not ("The woman was pronounced dead at Jamaica Hospital" / "The unidentified
    woman was pronounced dead at Mount Sinai Hospital", a roundup's other accident): two
    occasions or two places, never one fact (``rules/claims/facilities.toml``). A longer form
    of the same name ("Jamaica Hospital Medical Center") ends in another word and is no
    other facility of the kind."""
    found = [_facilities(u) for u in units]
    texts = [u.claim.text.lower() for u in units]

    def named_in(slug: str, text: str) -> bool:
        return slug.replace("-", " ") in text

    def apart(a: int, b: int) -> bool:
        if units[a].article is units[b].article:
            return False
        for head in found[a].keys() & found[b].keys():
            only_a = {s for s in found[a][head] - found[b][head] if not named_in(s, texts[b])}
            only_b = {s for s in found[b][head] - found[a][head] if not named_in(s, texts[a])}
            if only_a and only_b:
                return True
        return False

    return apart
