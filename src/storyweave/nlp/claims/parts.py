"""Building blocks of claim extraction: the rule files and token-level helpers.

Everything here walks tokens that the parser and the earlier components already
produced (no second model): which entity a token belongs to, which hedge and negation
cues a clause holds, which numbers and rankings it states. The word lists live in
``rules/claims/`` (one reader, :func:`load_claim_rules`).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass

from spacy.tokens import Doc, Token

from storyweave.records import ClaimNumber
from storyweave.rulefiles import read_lines, read_toml, rule_path

RULES_DIR = "rules/claims"
APOSTROPHES = str.maketrans({"’": "'", "‘": "'"})


@dataclass(frozen=True)
class ClaimRules:
    """The word lists from ``rules/claims`` (see the comments in each file)."""

    # hedges.toml
    hedge_words: frozenset[str]
    hedge_phrases: tuple[tuple[str, ...], ...]
    scoped_hedges: tuple[tuple[str, ...], ...]
    # kinds.toml
    cognition: frozenset[str]
    first_person: frozenset[str]
    evaluative: frozenset[str]
    future: frozenset[str]
    modal: frozenset[str]
    prediction_phrases: tuple[tuple[str, ...], ...]
    prediction_verbs: frozenset[str]
    plan_phrases: tuple[tuple[str, ...], ...]
    conditional: frozenset[str]
    state_verbs: frozenset[str]
    # ranking.toml
    ordinals: frozenset[str]
    most_adjectives: frozenset[str]
    not_ranking: frozenset[str]
    superlative_synonyms: dict[str, str]
    rank_dimensions: dict[str, str]  # superlative form -> dimension
    ordinal_values: dict[str, int]
    # negation.txt, units.toml
    negation: frozenset[str]
    skip: tuple[re.Pattern, ...]
    min_words: int
    finite_tags: frozenset[str]
    dateline_words: frozenset[str]
    reporting: frozenset[str]
    denial_verbs: frozenset[str]
    denial_words: frozenset[str]
    number_words: dict[str, float]


def _phrases(items: Iterable[str]) -> tuple[tuple[str, ...], ...]:
    # longest first, so "unable to independently confirm" wins over "unable to confirm"
    return tuple(sorted((tuple(p.translate(APOSTROPHES).split()) for p in items), key=len, reverse=True))


@functools.lru_cache(maxsize=1)
def load_claim_rules() -> ClaimRules:
    """Read the claim word lists once per process."""
    hedges, kinds, ranking, units = (
        read_toml(rule_path("storyweave.nlp", *RULES_DIR.split("/"), name))
        for name in ("hedges.toml", "kinds.toml", "ranking.toml", "units.toml")
    )
    negation = read_lines(rule_path("storyweave.nlp", *RULES_DIR.split("/"), "negation.txt"))
    opinion, future = kinds["opinion"], kinds["future"]
    return ClaimRules(
        hedge_words=frozenset(hedges["words"]),
        hedge_phrases=_phrases(hedges["phrases"]),
        scoped_hedges=_phrases(hedges["scoped"]),
        cognition=frozenset(opinion["cognition"]),
        first_person=frozenset(opinion["first_person"]),
        evaluative=frozenset(opinion["evaluative"]),
        future=frozenset(w.translate(APOSTROPHES) for w in future["auxiliaries"]),
        modal=frozenset(future["modals"]),
        prediction_phrases=_phrases(future["prediction_phrases"]),
        prediction_verbs=frozenset(future["prediction_verbs"]),
        plan_phrases=_phrases(future["plan_phrases"]),
        conditional=frozenset(future["conditional"]),
        state_verbs=frozenset(kinds["state"]["verbs"]),
        ordinals=frozenset(ranking["ordinals"]),
        most_adjectives=frozenset(ranking["most_adjectives"]),
        not_ranking=frozenset(ranking["not_ranking"]),
        superlative_synonyms=dict(ranking["synonyms"]),
        rank_dimensions={w: dim for dim, words in ranking["dimensions"].items() for w in words},
        ordinal_values={k: int(v) for k, v in ranking["ordinal_values"].items()},
        negation=frozenset(n.translate(APOSTROPHES) for n in negation),
        skip=tuple(re.compile(p, re.IGNORECASE) for p in units["skip"]["patterns"]),
        min_words=int(units["unit"]["min_words"]),
        finite_tags=frozenset(units["unit"]["finite_tags"]),
        dateline_words=frozenset(units["dateline"]["words"]),
        reporting=frozenset(units["reporting"]["verbs"]),
        denial_verbs=frozenset(units["denial"]["verbs"]),
        denial_words=frozenset(units["denial"]["words"]),
        number_words={k: float(v) for k, v in units["numbers"].items()},
    )


def low(token: Token) -> str:
    """The token's lower-case text with curly apostrophes folded ("’s" → "'s")."""
    text = token.lower_
    return text.replace("’", "'").replace("‘", "'") if "’" in text or "‘" in text else text


def find_phrases(words: list[str], phrases: Iterable[tuple[str, ...]]) -> list[tuple[int, tuple[str, ...]]]:
    """Where each phrase occurs in ``words`` (positions, phrases), longest match first, no overlaps."""
    taken: set[int] = set()
    found = []
    present = set(words)
    for phrase in phrases:
        if phrase[0] not in present:  # most phrases are ruled out by their first word
            continue
        n = len(phrase)
        for i in range(len(words) - n + 1):
            if tuple(words[i : i + n]) == phrase and not taken.intersection(range(i, i + n)):
                taken.update(range(i, i + n))
                found.append((i, phrase))
    return sorted(found)


class EntityIndex:
    """Which article entity (``doc._.entities``) each token belongs to."""

    def __init__(self, doc: Doc):
        self.by_token: dict[int, object] = {}
        entities = doc._.entities if Doc.has_extension("entities") else None
        self.by_key = {e.key: e for e in entities or ()}
        for entity in entities or ():
            for mention in entity.mentions:
                span = doc.char_span(mention.start_char, mention.end_char, alignment_mode="expand")
                if span is None:
                    continue
                for token in span:
                    self.by_token.setdefault(token.i, entity)

    def at(self, token: Token | None):
        """The entity a token is part of, or None."""
        return None if token is None else self.by_token.get(token.i)

    def latest_before(self, token: Token, types: tuple[str, ...], accept=None):
        """The entity of the given types named last before ``token`` (for "he", "the city")."""
        for i in range(token.i - 1, -1, -1):
            entity = self.by_token.get(i)
            if entity is not None and entity.type in types and (accept is None or accept(entity, i)):
                return entity
        return None


def hedges_in(tokens: list[Token], rules: ClaimRules) -> list[str]:
    """Hedge cues among ``tokens`` (in order, as lower-case strings)."""
    words = [low(t) for t in tokens]
    found = [" ".join(p) for _, p in find_phrases(words, rules.hedge_phrases)]
    # approximators ("about 30 miles", "almost 14 years") round a number, they do not doubt
    # the claim: they are no hedges here
    found += [word for word in words if word in rules.hedge_words]
    return list(dict.fromkeys(found))


def is_negated(verb: Token, rules: ClaimRules) -> bool:
    """Whether a predicate is negated: a ``neg`` child, a negative determiner or preconjunction."""
    heads = [verb] + [c for c in verb.children if c.dep_ in ("aux", "auxpass")]
    if any(c.dep_ == "neg" and low(c) in rules.negation for h in heads for c in h.children):
        return True
    if any(low(h) in rules.negation for h in heads[1:]):  # "cant", "dont": negation typed without an apostrophe
        return True
    if verb.dep_ == "xcomp" and any(c.dep_ == "neg" for c in verb.head.children):
        return True  # "did not manage to take"
    return any(
        arg.dep_ in ("nsubj", "nsubjpass", "dobj", "attr")
        and any(c.dep_ in ("det", "preconj") and low(c) in rules.negation for c in arg.children)
        for arg in verb.children
    )


#: clauses that hang off a noun or a verb as a modifier: a denial inside one ("Denying he
#: was a gangster, Gigante would wander ...", "an accusation long denied by him") is not what
#: the unit asserts
MODIFIER_DEPS = frozenset(["relcl", "acl", "advcl", "appos"])


def denies(tokens, rules: ClaimRules, headline: bool = False) -> bool:
    """Whether a unit calls what it reports false: a denial verb ("X denied that ...") or a
    falsity word ("... is a hoax") in its main clause. In a headline anywhere: the small
    parser reads headlines' clauses poorly ("Egypt, PA deny report that ..." comes out as
    an apposition)."""
    found = [
        t for t in tokens
        if (t.lemma_.lower() in rules.denial_verbs and not _passive(t))
        or (low(t) in rules.denial_words and t.pos_ != "VERB")  # "by misleading doctors" judges nothing
    ]
    if not found or headline:
        return bool(found)
    first, last = tokens[0].i, tokens[-1].i
    return any(not _in_modifier(t, first, last) for t in found)


def _in_modifier(token: Token, first: int, last: int) -> bool:
    """Whether ``token`` lies in a clause that modifies something of the unit (``first`` to
    ``last``): its own or an ancestor's dependency, below the unit's top, is a modifier's."""
    while True:
        if token.dep_ in MODIFIER_DEPS and first <= token.head.i <= last:
            return True
        if token.head.i == token.i or not first <= token.head.i <= last:
            return False
        token = token.head


def _passive(verb: Token) -> bool:
    # "had been dismissed last week", "his application was rejected": what befell someone,
    # not a claim called false
    return any(c.dep_ in ("auxpass", "nsubjpass") for c in verb.children)


def number_value(text: str, rules: ClaimRules) -> float | None:
    """The value of a number as written: "20" → 20.0, "1,200" → 1200.0, "hundreds" → 100.0."""
    words = text.lower().replace(",", "").replace("-", " ").split()
    value: float | None = None
    for word in words:
        try:
            number = float(word)
        except ValueError:
            number = rules.number_words.get(word)
        if number is None:
            continue
        if value is not None and number >= 100 and value < number:
            value *= number  # "two hundred", "3 million"
        else:
            value = (value or 0.0) + number if value is not None and number < 100 else number
    return value


def numbers_in(
    tokens: list[Token], skip_chars: list[tuple[int, int]], rules: ClaimRules
) -> list[ClaimNumber]:
    """Counts and quantities among ``tokens``; spans in ``skip_chars`` (dates) are not numbers."""
    found: list[ClaimNumber] = []
    used: set[int] = set()
    for token in tokens:
        if token.i in used:
            continue
        word = low(token)
        plural_count = (
            token.tag_ == "NNS"
            and word in rules.number_words
            and any(c.dep_ == "prep" and c.lower_ == "of" for c in token.children)
        )
        if not (token.like_num and token.pos_ == "NUM") and not plural_count:
            continue
        if any(s <= token.idx < e for s, e in skip_chars):
            continue
        if token.ent_type_ in ("DATE", "TIME", "ORDINAL"):
            continue
        if word == "one":
            continue  # "one of the largest", "one feature of": a determiner more often than a count
        group = [token]
        if not plural_count:  # "two hundred", "1.2 million": neighbouring number words
            j = token.i + 1
            while j < len(token.doc) and token.doc[j].like_num and token.doc[j].pos_ == "NUM":
                group.append(token.doc[j])
                j += 1
        used.update(t.i for t in group)
        if _difference(group[-1]):
            continue
        text = token.doc[group[0].i : group[-1].i + 1].text
        value = number_value(text, rules)
        if value is None:
            continue
        found.append(ClaimNumber(text=text, value=value, unit=_unit(group[-1], plural_count),
                                 governor=_governor(group[-1])))
    return found


COMPARATIVE_TAGS = frozenset(["JJR", "RBR"])


def _difference(token: Token) -> bool:
    """Whether a number measures a difference rather than counting something: "finished five
    rounds sooner", "closed 10 points higher", "scored 12 more points". Two outlets' counts
    of one thing disagree; a difference and a count ("the bout went 11 rounds") are two
    quantities."""
    noun = token
    while noun.dep_ in ("nummod", "compound", "quantmod") and noun.head is not noun:
        noun = noun.head
    if noun is token:
        return False
    if noun.dep_ == "npadvmod" and noun.head.tag_ in COMPARATIVE_TAGS:
        return True
    return any(c.tag_ in COMPARATIVE_TAGS and token.i < c.i < noun.i for c in noun.children)


def _governor(token: Token) -> str | None:
    """The lemma the counted noun phrase depends on: its verb, or the noun it is "of"."""
    head = token
    while head.dep_ in ("nummod", "compound", "quantmod", "amod", "pobj") and head.head is not head:
        if head.dep_ == "pobj" and head.head.dep_ == "prep":
            head = head.head.head
            return head.lemma_.lower()
        head = head.head
    if head.head is head:
        return head.lemma_.lower()
    if head.dep_ in ("dobj", "nsubj", "nsubjpass", "attr", "appos", "conj"):
        return head.head.lemma_.lower()
    return head.lemma_.lower()


def _unit(token: Token, plural_count: bool) -> str | None:
    if plural_count:  # "hundreds of unjustly imprisoned individuals": the unit is the of-object
        for prep in token.children:
            if prep.dep_ == "prep" and prep.lower_ == "of":
                objects = [c for c in prep.children if c.dep_ == "pobj"]
                if objects:
                    return objects[0].lemma_.lower()
        return None
    head = token
    while head.dep_ in ("nummod", "compound", "quantmod") and head.head is not head:
        head = head.head
        if head.pos_ in ("NOUN", "PROPN"):
            return head.lemma_.lower()
    return None
