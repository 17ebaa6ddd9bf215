"""Building blocks of claim extraction: the rule files and token-level helpers.

Everything here walks tokens that the parser and the earlier components already
produced (no second model): which entity a token belongs to, how a noun phrase
normalises for a signature, which hedge and negation cues a clause holds, and
which numbers it states. The word lists live in ``rules/claims/``.
"""

from __future__ import annotations

import functools
import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources

from spacy.tokens import Doc, Token

from storyweave.errors import ConfigError

RULES_DIR = "rules/claims"
NUMBER_LABELS = ("CARDINAL", "QUANTITY", "MONEY", "PERCENT")
#: tokens dropped from normalised phrases: they do not identify what is talked about
PHRASE_DROP_DEPS = ("det", "punct", "case", "predet", "advmod", "nummod", "quantmod", "cc")
APOSTROPHES = str.maketrans({"’": "'", "‘": "'"})


@dataclass(frozen=True)
class ClaimNumber:
    """A number a claim states: ``"hundreds"`` → ``value=100.0`` (its lower bound), ``unit="individual"``."""

    text: str
    value: float | None
    unit: str | None


@dataclass(frozen=True)
class ClaimRules:
    """The word lists from ``rules/claims`` (see the comments in each file)."""

    hedge_words: frozenset[str]
    hedge_phrases: tuple[tuple[str, ...], ...]
    scoped_hedges: tuple[tuple[str, ...], ...]
    approximators: frozenset[str]
    cognition: frozenset[str]
    first_person: frozenset[str]
    evaluative: frozenset[str]
    feelings: frozenset[str]
    future: frozenset[str]
    modal: frozenset[str]
    prediction_verbs: frozenset[str]
    prediction_phrases: tuple[tuple[str, ...], ...]
    conditional: frozenset[str]
    ordinals: frozenset[str]
    most_adjectives: frozenset[str]
    superlative_synonyms: dict[str, str]
    negation: frozenset[str]
    classes: dict[str, str]  # "take over" -> "capture"
    light: frozenset[str]
    undergoer: dict[str, str]  # "fall" -> "to": "Hama fell to the rebels"
    reporting: frozenset[str]
    control_verbs: frozenset[str]
    control_losing: frozenset[str]
    hands: frozenset[str]
    control_nouns: frozenset[str]
    actors: dict[str, str]  # word -> group
    actor_heads: frozenset[str]
    reflexive_actions: frozenset[str]
    not_ranking: frozenset[str]
    skip: tuple[re.Pattern, ...]
    number_words: dict[str, float]


def _read(name: str) -> str:
    try:
        return resources.files("storyweave.nlp").joinpath(f"{RULES_DIR}/{name}").read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise ConfigError(f"claim rules file {RULES_DIR}/{name} is missing: reinstall storyweave") from exc


def _phrases(items: Iterable[str]) -> tuple[tuple[str, ...], ...]:
    # longest first, so "unable to independently confirm" wins over "unable to confirm"
    return tuple(sorted((tuple(p.translate(APOSTROPHES).split()) for p in items), key=len, reverse=True))


@functools.lru_cache(maxsize=1)
def load_claim_rules() -> ClaimRules:
    """Read the claim word lists once per process."""
    hedges = tomllib.loads(_read("hedges.toml"))
    stance = tomllib.loads(_read("stance.toml"))
    ranking = tomllib.loads(_read("ranking.toml"))
    preds = tomllib.loads(_read("predicates.toml"))
    negation = [w.strip() for w in _read("negation.txt").splitlines() if w.strip() and not w.startswith("#")]
    classes: dict[str, str] = {}
    for name, verbs in preds["classes"].items():
        for verb in verbs:
            classes.setdefault(verb, name)  # first class listed wins
    actors = {word: group for group, words in preds["actors"].items() for word in words}
    op, pr = stance["opinion"], stance["prediction"]
    return ClaimRules(
        hedge_words=frozenset(hedges["words"]),
        hedge_phrases=_phrases(hedges["phrases"]),
        scoped_hedges=_phrases(hedges["scoped"]),
        approximators=frozenset(hedges["approximators"]),
        cognition=frozenset(op["cognition"]),
        first_person=frozenset(op["first_person"]),
        evaluative=frozenset(op["evaluative"]),
        feelings=frozenset(op["feelings"]),
        future=frozenset(w.translate(APOSTROPHES) for w in pr["future"]),
        modal=frozenset(pr["modal"]),
        prediction_verbs=frozenset(pr["verbs"]),
        prediction_phrases=_phrases(pr["phrases"]),
        conditional=frozenset(pr["conditional"]),
        ordinals=frozenset(ranking["ordinals"]),
        most_adjectives=frozenset(ranking["most_adjectives"]),
        superlative_synonyms=dict(ranking["synonyms"]),
        negation=frozenset(n.translate(APOSTROPHES) for n in negation),
        classes=classes,
        light=frozenset(preds["light"]["verbs"]),
        undergoer=dict(preds.get("undergoer", {})),
        reporting=frozenset(preds["reporting"]["verbs"]),
        control_verbs=frozenset(preds["control"]["verbs"]),
        control_losing=frozenset(preds["control"]["losing"]),
        hands=frozenset(preds["control"]["hands"]),
        control_nouns=frozenset(preds["control"]["nouns"]),
        actors=actors,
        actor_heads=frozenset(preds["actor_heads"]["words"]),
        reflexive_actions=frozenset(preds["actor_heads"]["reflexive_actions"]),
        not_ranking=frozenset(ranking["not_ranking"]),
        skip=tuple(re.compile(p, re.IGNORECASE) for p in preds["skip"]["patterns"]),
        number_words={k: float(v) for k, v in preds["numbers"].items()},
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

    def is_actor(self, key: str | None, event: bool = False) -> bool:
        """Whether an entity can be the "they"/"he" of later sentences (places only as event actors)."""
        entity = self.by_key.get(key) if key else None
        if entity is None:
            return False
        return entity.type in ("ORG", "PERSON", "NORP") or (event and entity.type == "GPE")

    def first(self, tokens: Iterable[Token], types: tuple[str, ...] | None = None):
        """The first entity among ``tokens`` (optionally of the given types)."""
        for token in tokens:
            entity = self.by_token.get(token.i)
            if entity is not None and (types is None or entity.type in types):
                return entity
        return None


def phrase_text(token: Token) -> str:
    """A noun phrase normalised for signatures: modifiers left of the head and the head, lower case.

    "the Syrian city of Hama" → "syrian city"; "its forces" → "forces".
    """
    words = [
        t
        for t in token.subtree
        if t.i <= token.i
        and (t.i == token.i or (t.dep_ in ("compound", "amod", "nmod", "npadvmod") and t.head.i >= t.i))
        and t.dep_ not in PHRASE_DROP_DEPS
        and (not t.is_punct or t.text in ("-", "–"))
        and low(t) != "'s"
    ]
    # hyphenated words stay whole ("anti-regime"), so joined by the text's own spacing
    out = "".join(
        low(t) + ("" if i + 1 < len(words) and words[i + 1].i == t.i + 1 and not t.whitespace_ else " ")
        for i, t in enumerate(words)
    )
    return " ".join(out.split())


def actor_group(phrase: str, rules: ClaimRules) -> str | None:
    """The actor group ("rebels", "government forces") a phrase names, if any.

    The head word decides ("military units" → government forces, but "military
    airport" is no actor); a generic head ("forces", "groups", "hands") takes the
    group of its modifiers ("opposition forces" → rebels, "government hands").
    """
    words = phrase.lower().split()
    if not words:
        return None
    if words[-1] in rules.actors:
        return rules.actors[words[-1]]
    if len(words) == 1 or words[-1] in rules.actor_heads:
        for word in words[:-1] or words:
            for part in (word, *word.split("-")):  # "anti-regime", "HTS-led"
                if part in rules.actors:
                    return rules.actors[part]
    return None


def actor_head(token: Token, rules: ClaimRules) -> bool:
    """Whether a noun is a generic actor noun ("forces", "troops"), not a thing or place."""
    word = low(token)
    return word in rules.actor_heads or word in rules.actors


def hedges_in(tokens: list[Token], rules: ClaimRules) -> list[str]:
    """Hedge cues among ``tokens`` (in order, as lower-case strings)."""
    words = [low(t) for t in tokens]
    found = [" ".join(p) for _, p in find_phrases(words, rules.hedge_phrases)]
    for i, token in enumerate(tokens):
        word = words[i]
        if (
            word in rules.hedge_words
            or word in rules.approximators
            and i + 1 < len(tokens)
            and tokens[i + 1].like_num
        ):
            found.append(word)
    return list(dict.fromkeys(found))


def is_negated(verb: Token, rules: ClaimRules) -> bool:
    """Whether a predicate is negated: a ``neg`` child, a negative determiner or preconjunction."""
    heads = [verb] + [c for c in verb.children if c.dep_ in ("aux", "auxpass")]
    if any(c.dep_ == "neg" and low(c) in rules.negation for h in heads for c in h.children):
        return True
    if verb.dep_ == "xcomp" and any(c.dep_ == "neg" for c in verb.head.children):
        return True  # "did not manage to take"
    return any(
        arg.dep_ in ("nsubj", "nsubjpass", "dobj", "attr")
        and any(c.dep_ in ("det", "preconj") and low(c) in rules.negation for c in arg.children)
        for arg in verb.children
    )


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
        if word == "one" and token.i + 1 < len(token.doc) and token.doc[token.i + 1].lower_ == "of":
            continue  # "one of the largest": a ranking, not a count
        group = [token]
        if not plural_count:  # "two hundred", "1.2 million": neighbouring number words
            j = token.i + 1
            while j < len(token.doc) and token.doc[j].like_num and token.doc[j].pos_ == "NUM":
                group.append(token.doc[j])
                j += 1
        used.update(t.i for t in group)
        text = token.doc[group[0].i : group[-1].i + 1].text
        value = number_value(text, rules)
        if value is None:
            continue
        unit = _unit(group[-1], plural_count)
        found.append(ClaimNumber(text=text, value=value, unit=unit))
    return found


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
