"""Claim shapes for rankings and states of control (stages 2 and 3 of ``claims.py``).

"Syria's second-largest city, Aleppo" → Aleppo "be second-largest city of" Syria;
"rebels have full control of Hama" and "Hama had stayed in government hands" →
``control`` claims with the holder as subject and the place as object.
"""

from __future__ import annotations

from spacy.tokens import Span, Token

from storyweave.nlp.claim_parts import actor_group, hedges_in, is_negated, low
from storyweave.nlp.claim_shapes import (
    CITY_WORDS,
    COUNTRY_WORDS,
    ArticleContext,
    Shape,
    argument,
    clause_tokens,
    span_of,
    subject_of,
)


# -- stage 2: rankings ---------------------------------------------------------------------------
def ranking_shapes(ctx: ArticleContext, sent: Span) -> list[Shape]:
    """Superlative rankings with a named subject: "Syria's second-largest city, Aleppo"."""
    rules, shapes = ctx.rules, []
    for token in sent:
        if token.dep_ != "amod" or token.pos_ != "ADJ":
            continue
        most = any(c.lower_ in ("most", "least") for c in token.children)
        if not (token.tag_ == "JJS" or (most and low(token) in rules.most_adjectives)):
            continue
        noun = token.head
        if noun.pos_ not in ("NOUN", "PROPN"):
            continue
        ordinal = next((low(c) for c in token.children if low(c) in rules.ordinals), None)
        if low(token) in rules.not_ranking:
            continue
        word = f"most-{low(token)}" if most else low(token)
        word = rules.superlative_synonyms.get(word, word)
        rank = "-".join(w for w in (ordinal, word) if w)
        subject = _ranked(ctx, noun, sent)
        if subject is None:
            continue
        domain_text, domain_key = _domain(ctx, noun, subject)
        predicate = f"be {rank} {noun.lemma_.lower()}" + (" of" if domain_text else "")
        tokens = [t for t in noun.subtree] + [t for m in subject.mentions for t in _tokens_in(sent, m)]
        start, end = span_of([t for t in tokens if sent.start <= t.i < sent.end])
        shapes.append(
            Shape(
                kind="ranking",
                start=start,
                end=end,
                anchor=noun.idx,
                predicate=predicate,
                action="rank",
                subject=subject.name,
                subject_entity=subject.key,
                object=domain_text,
                object_entity=domain_key,
                hedges=tuple(hedges_in(list(noun.subtree), rules)),
                numbers=[],
                signature_subject=subject.name,
                signature_object=domain_text,
            )
        )
    return shapes


def _tokens_in(sent: Span, mention) -> list[Token]:
    if not (sent.start_char <= mention.start_char < sent.end_char):
        return []
    span = sent.doc.char_span(mention.start_char, mention.end_char, alignment_mode="expand")
    return list(span) if span is not None else []


def _ranked(ctx: ArticleContext, noun: Token, sent: Span):
    """What a ranking noun ranks: "city, Aleppo", "city of Aleppo", "Hama, the ... city", "X is the ... city",
    or, for a definite "the country's fourth-biggest city" that names no place, the city the
    article named last before the sentence (the description refers back to it)."""
    for child in noun.children:
        if child.dep_ == "appos" and ctx.entities.at(child) is not None:
            return ctx.entities.at(child)
        if child.dep_ == "prep" and child.lower_ == "of":
            for pobj in child.children:
                entity = ctx.entities.at(pobj)
                if pobj.dep_ == "pobj" and entity is not None and not ctx._is_country(entity, pobj.i):
                    return entity
    if noun.dep_ == "appos" and ctx.entities.at(noun.head) is not None:
        return ctx.entities.at(noun.head)
    if noun.dep_ == "attr":
        subject, _ = subject_of(noun.head)
        if subject is not None and ctx.entities.at(subject) is not None:
            return ctx.entities.at(subject)
        return None
    if noun.lemma_.lower() in CITY_WORDS and any(
        c.dep_ == "poss" or (c.dep_ == "det" and c.lower_ == "the") for c in noun.children
    ):
        # only before the sentence: in "Aleppo, and now the fourth-largest city" the
        # nearest city is another ranked one, not the antecedent
        return ctx.city_before(sent[0])
    return None


def _domain(ctx: ArticleContext, noun: Token, subject) -> tuple[str | None, str | None]:
    """The domain of a ranking: "Syria's", "the country's", "in the country", "of Syria"."""
    candidates = [c for c in noun.children if c.dep_ == "poss"]
    left = noun.left_edge.i
    if left >= 2 and low(noun.doc[left - 1]) == "'s":  # a possessor the parser hung elsewhere
        candidates.append(noun.doc[left - 2])
    for prep in noun.children:
        if prep.dep_ == "prep" and prep.lower_ in ("in", "of"):
            candidates += [c for c in prep.children if c.dep_ == "pobj"]
    for token in candidates:
        entity = ctx.entities.at(token)
        if entity is not None and entity is not subject:
            return entity.name, entity.key
        if token.lemma_.lower() in COUNTRY_WORDS:
            country = ctx.country_of(subject)
            return country if country is not None else ("the country", None)
    return None, None


# -- stage 3: states of control ------------------------------------------------------------------
def control_shapes(ctx: ArticleContext, sent: Span, consumed: set[int]) -> list[Shape]:
    """ "X has/took control of Y", "Y stayed in X hands", "areas under X control"."""
    rules, shapes = ctx.rules, []
    for token in sent:
        verb, holder, held, negated = None, None, None, False
        if (
            token.lemma_.lower() in rules.control_nouns
            and token.dep_ == "dobj"
            and token.head.lemma_.lower() in rules.control_verbs
        ):
            verb = token.head
            holder, _ = subject_of(verb)
            preps = [
                c
                for c in list(token.children) + list(verb.children)
                if c.dep_ == "prep" and c.lower_ in ("of", "over")
            ]
            held = next((p for c in preps for p in c.children if p.dep_ == "pobj"), None)
            negated = verb.lemma_.lower() in rules.control_losing
        elif low(token) in rules.hands and token.dep_ == "pobj" and token.head.lower_ == "in":
            mods = [c for c in token.children if c.dep_ in ("amod", "compound", "poss")]
            verb = token.head.head
            if not mods or verb.pos_ not in ("VERB", "AUX"):
                continue
            holder = mods[0]
            held, _ = subject_of(verb)
        if verb is None or held is None or holder is None:
            continue
        consumed.add(verb.i)
        h_text, h_key, h_sig = argument(ctx, holder)
        if holder.pos_ != "PRON" and h_sig and (actor_group(h_sig, rules) or ctx.entities.is_actor(h_key)):
            ctx.control_actors[verb.i] = (h_text, h_key, h_sig)  # becomes "they" in text order
        o_text, o_key, o_sig = argument(ctx, held)
        if h_sig in rules.actors:  # "government hands": the adjective alone names the group
            h_sig = rules.actors[h_sig]
        tokens = clause_tokens(verb)
        start, end = span_of(tokens)
        shapes.append(
            Shape(
                kind="control",
                start=start,
                end=end,
                anchor=verb.idx,
                predicate="control",
                action="control",
                subject=h_text,
                subject_entity=h_key,
                object=o_text,
                object_entity=o_key,
                negated=negated != is_negated(verb, rules),
                hedges=tuple(hedges_in(tokens, rules)),
                signature_subject=h_sig,
                signature_object=o_sig,
            )
        )
    return shapes
