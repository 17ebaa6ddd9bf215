"""What kind of statement a claim unit makes: event, number, state, announcement,
prediction or opinion (word lists in ``rules/claims/kinds.toml``).

The decision reads the unit's *main predicate*: the head verb, or, when the head is a
speech verb ("the army said it would redeploy"), the verb of what it reports. In that
order: opinions (first-person cognition, evaluative complements), announcements and
plans (a plan phrase, or a future act with an agent), predictions (future states, modals,
conditionals), numbers, states, and events for the rest.
"""

from __future__ import annotations

from spacy.tokens import Span, Token

from storyweave.nlp.claims.parts import ClaimRules, find_phrases, low

KINDS = ("event", "number", "state", "announcement", "prediction", "opinion")
AGENT_TYPES = frozenset(["PERSON", "ORG", "GPE", "NORP"])
FIRST_PERSON = frozenset(["we", "i"])
COMPLEMENT_DEPS = ("acomp", "attr", "oprd")
#: contractions the lemmatiser leaves as written ("’s", "’re")
CONTRACTIONS = {"'s": "be", "'re": "be", "'m": "be", "'ve": "have", "'d": "have", "ai": "be"}


def lemma_of(token: Token) -> str:
    """The token's lemma, with contracted verbs read as the verbs they are."""
    return CONTRACTIONS.get(low(token), token.lemma_.lower())


def main_predicate(tokens: Span, verb: Token, rules: ClaimRules) -> Token:
    """The verb whose content the unit states: the reported clause of a speech verb."""
    if verb.lemma_.lower() in rules.reporting:
        inside = [c for c in verb.children if c.dep_ in ("ccomp", "xcomp") and tokens.start <= c.i < tokens.end]
        if inside:
            return inside[0]
        # "X took the airport, Serdar said": the cue is a parataxis under the content
    return verb


def subject_of(verb: Token) -> Token | None:
    for _ in range(3):
        subject = next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass", "expl")), None)
        if subject is not None or verb.dep_ not in ("xcomp", "conj") or verb.head is verb:
            return subject
        verb = verb.head
    return None


def _is_agent(subject: Token | None, entities, quoted: bool) -> bool:
    """An agent that can announce its own acts: a named person, organisation or country,
    or a speaker's own "we"/"I" ("we will send aid"); "they will retake it" in an analyst's
    mouth is a prediction about others."""
    if subject is None:
        return False
    if low(subject) in FIRST_PERSON:
        return quoted
    entity = entities.at(subject)
    return entity is not None and entity.type in AGENT_TYPES


def _conditional(verb: Token, rules: ClaimRules) -> bool:
    heads = [verb]
    while heads[-1].dep_ == "xcomp" and heads[-1].head is not heads[-1] and len(heads) < 4:
        heads.append(heads[-1].head)
    for head in heads:
        if any(c.dep_ == "mark" and low(c) in rules.conditional for c in head.children):
            return True
        if any(
            c.dep_ == "advcl" and any(m.dep_ == "mark" and low(m) in rules.conditional for m in c.children)
            for c in head.children
        ):
            return True
    return False


def _opinion(tokens: Span, verb: Token, rules: ClaimRules) -> bool:
    for token in tokens:
        if token.lemma_.lower() in rules.cognition and token.pos_ == "VERB":
            subject = subject_of(token)
            if subject is not None and low(subject) in rules.first_person:
                return True
    if lemma_of(verb) in ("be", "seem", "look", "feel", "sound", "become", "remain"):
        for child in verb.children:
            if child.dep_ in COMPLEMENT_DEPS:
                words = {child.lemma_.lower(), low(child)} | {
                    low(c) for c in child.children if c.dep_ in ("amod", "advmod", "compound")
                }
                if words & rules.evaluative:
                    return True
    return False


def claim_kind(tokens: Span, verb: Token, rules: ClaimRules, entities, has_numbers: bool, quoted: bool) -> str:
    """The kind of the unit ``tokens`` headed by ``verb`` (``quoted``: a source's words)."""
    predicate = main_predicate(tokens, verb, rules)
    if _opinion(tokens, predicate, rules):
        return "opinion"
    words = [low(t) for t in tokens]
    if find_phrases(words, rules.plan_phrases):
        return "announcement"
    chain = [predicate]
    while chain[-1].dep_ == "xcomp" and chain[-1].head is not chain[-1] and len(chain) < 4:
        chain.append(chain[-1].head)  # "is going to launch": the auxiliaries hang on "going"
    auxes = [c for v in chain for c in v.children if c.dep_ in ("aux", "auxpass")]
    aux_words = {low(a) for a in auxes}
    reported = predicate is not verb  # "said it would": a future seen from the past
    future = bool(aux_words & rules.future) or (reported and "would" in aux_words) or any(
        v.lemma_ == "go" and v.tag_ == "VBG" for v in chain[1:]
    )
    if _conditional(predicate, rules):
        return "prediction"
    if future:
        agentive = lemma_of(predicate) not in rules.prediction_verbs
        return "announcement" if agentive and _is_agent(subject_of(predicate), entities, quoted) else "prediction"
    perfect = any(a.lemma_ == "have" for a in auxes)
    if (aux_words & rules.modal and not perfect) or find_phrases(words, rules.prediction_phrases):
        return "prediction"
    if has_numbers:
        return "number"
    if lemma_of(predicate) in rules.state_verbs:
        return "state"
    return "event"
