"""Rankings a claim unit states: "Aleppo, Syria's second-largest city" → Aleppo, size, 2nd.

Outlets that rank one place on one dimension differently ("second-largest" vs
"most-populous" city) contradict each other; alignment compares the ranks these records
carry (``rules/claims/ranking.toml``: ordinals, the superlatives of each dimension).
"""

from __future__ import annotations

from spacy.tokens import Span, Token

from storyweave.nlp.claims.parts import ClaimRules, EntityIndex, low
from storyweave.records import ClaimRank

CITY_WORDS = ("city", "town", "village", "capital", "province", "port")


def _superlative(token: Token, rules: ClaimRules) -> str | None:
    """The superlative a ranking adjective states ("largest", "most-populous"), or None."""
    if token.pos_ != "ADJ" or token.dep_ != "amod":
        return None
    word = low(token)
    if word in rules.not_ranking:
        return None
    most = any(c.lower_ in ("most", "least") for c in token.children)
    if "-" in word:  # "second-largest" kept as one token by some tokenisations
        head, _, tail = word.partition("-")
        if head in rules.ordinals:
            word = tail
    if most and word in rules.most_adjectives:
        word = f"most-{word}"
    elif token.tag_ != "JJS" and not word.startswith("most-"):
        return None
    return rules.superlative_synonyms.get(word, word)


def _ranked(noun: Token, entities: EntityIndex, sent: Span, is_country, ordinal: bool):
    """What a ranking noun ranks: "city, Aleppo", "city of Aleppo", "Hama, the ... city",
    "X is the ... city", or for a definite, singular, ordinal "the country's fourth-biggest
    city" that names no place, the city the article named last before the sentence."""
    for child in noun.children:
        if child.dep_ == "appos" and entities.at(child) is not None:
            return entities.at(child)
        if child.dep_ == "prep" and child.lower_ == "of":
            for pobj in child.children:
                entity = entities.at(pobj)
                if pobj.dep_ == "pobj" and entity is not None and not is_country(entity, pobj.i):
                    return entity
    if noun.dep_ == "appos" and entities.at(noun.head) is not None:
        return entities.at(noun.head)
    if noun.dep_ == "attr":
        subject = next((c for c in noun.head.children if c.dep_ in ("nsubj", "nsubjpass")), None)
        return entities.at(subject) if subject is not None else None
    if noun.lemma_.lower() in CITY_WORDS and noun.tag_ == "NN" and any(
        c.dep_ == "poss" or (c.dep_ == "det" and c.lower_ == "the") for c in noun.children
    ) and ordinal:
        # only before the sentence: in "Aleppo, and now the fourth-largest city" the
        # nearest city is another ranked one, not the antecedent
        return entities.latest_before(sent[0], ("GPE",), accept=lambda e, i: not is_country(e, i))
    return None


def ranks_in(tokens: Span, entities: EntityIndex, rules: ClaimRules, is_country) -> tuple[ClaimRank, ...]:
    """The rankings among ``tokens`` whose subject the article names."""
    found = []
    sent = tokens.sent
    for token in tokens:
        word = _superlative(token, rules)
        if word is None:
            continue
        dimension = rules.rank_dimensions.get(word)
        noun = token.head
        if dimension is None or noun.pos_ not in ("NOUN", "PROPN"):
            continue
        ordinal_word = next((low(c) for c in token.children if low(c) in rules.ordinals), None)
        if ordinal_word is None and "-" in low(token):
            head = low(token).split("-")[0]
            ordinal_word = head if head in rules.ordinals else None
        subject = _ranked(noun, entities, sent, is_country, ordinal_word is not None)
        if subject is None:
            continue
        ordinal = rules.ordinal_values.get(ordinal_word, 1) if ordinal_word else 1
        left = min(t.i for t in noun.subtree if t.i <= noun.i)
        phrase = tokens.doc[left : noun.i + 1].text
        found.append(ClaimRank(subject.key, subject.name, phrase, dimension, ordinal, noun.lemma_.lower()))
    return tuple(found)
