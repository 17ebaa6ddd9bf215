"""Reading events off the dependency parse: triggers, arguments, clause, date cues.

The rules (``rules/events/triggers.toml`` and ``context.toml``) say which words are
events and what the parse means; this module only walks tokens. It knows nothing of
the other components' records: ``storyweave.nlp.events.component`` joins its findings with
places, entities, dates and quotes.

Why by hand: spaCy gives the parse but no semantic roles, and the libraries that do
(AllenNLP SRL, PETRARCH2) need a second model or a Java/ancient Python stack. A
few walks over the parse cover the news patterns that matter here (active and
passive voice, coordination, control verbs, eventive nouns, light verbs).
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from dataclasses import dataclass

from spacy.tokens import Span, Token

from storyweave.rulefiles import read_toml, rule_path

#: dependency labels that start a clause of their own: a walk over "this clause" stops there
CLAUSE_DEPS = frozenset({"advcl", "relcl", "ccomp", "xcomp", "conj", "acl", "parataxis", "csubj", "pcomp"})
#: labels whose heads pass their subject (or object) down to the dependent clause
SUBJECT_SHARING = frozenset({"conj", "xcomp", "advcl"})
NP_LEFT_DEPS = frozenset(
    {"det", "amod", "compound", "poss", "nummod", "nmod", "quantmod", "advmod", "case", "punct"}
)
SUBJECTS = ("nsubj", "csubj")
OBJECTS = ("dobj", "obj", "attr", "oprd")
#: a word in these roles describes a noun ("opposition forces", "imprisoned people")
DESCRIPTOR_DEPS = frozenset({"compound", "amod", "nmod"})
#: subordinators that put a clause at another time: its date is not the main clause's
TEMPORAL_MARKS = frozenset({"since", "after", "before", "until", "once"})
WH_WORDS = frozenset({"which", "that", "who", "whom", "whose"})


@dataclass(frozen=True)
class Trigger:
    """A lexicon entry matched in the text."""

    lemma: str
    type: str
    mode: str | None
    noun: bool
    particle: Token | None = None

    @property
    def code(self) -> str:
        return f"{self.type}.{self.mode}" if self.mode else self.type


@dataclass(frozen=True)
class EventRules:
    """Both rule files, read once."""

    verbs: dict[str, tuple[str, str | None]]
    nouns: dict[str, tuple[str, str | None]]
    place_object: dict[str, tuple[str, str | None]]
    capture: frozenset[str]
    phrasal: dict[str, tuple[str, str | None] | None]
    not_alone: frozenset[str]
    light_verbs: frozenset[str]
    occurrence_verbs: frozenset[str]
    object_control: frozenset[str]
    place_nouns: frozenset[str]
    place_preps: frozenset[str]
    target_preps: frozenset[str]
    min_age_days: int
    background_adverbs: frozenset[str]
    background_preps: frozenset[str]
    ongoing_nouns: frozenset[str]

    def lemmas(self) -> frozenset[str]:
        """Every lemma that can trigger an event (for the evaluation's in-lexicon recall)."""
        words = set(self.verbs) | set(self.nouns) | set(self.place_object)
        words |= {p.split()[0] for p, code in self.phrasal.items() if code}
        return frozenset(w for w in words if " " not in w)


def _split_code(code: str) -> tuple[str, str | None]:
    type_, _, mode = code.partition(".")
    return type_, mode or None


@functools.lru_cache(maxsize=1)
def load_event_rules() -> EventRules:
    """Read ``rules/events/*.toml`` once per process."""
    triggers = read_toml(rule_path("storyweave.nlp", "rules", "events", "triggers.toml"))
    context = read_toml(rule_path("storyweave.nlp", "rules", "events", "context.toml"))
    verbs: dict[str, tuple[str, str | None]] = {}
    nouns: dict[str, tuple[str, str | None]] = {}
    for type_, spec in triggers["types"].items():
        for table, entries in ((verbs, spec.get("verbs", ())), (nouns, spec.get("nouns", ()))):
            for entry in entries:
                lemma, _, mode = entry.partition(":")
                # the first listing wins, so a word's main sense is listed first
                table.setdefault(lemma, (type_, mode or None))
    background = context["background"]
    return EventRules(
        verbs=verbs,
        nouns=nouns,
        place_object={k: _split_code(v) for k, v in triggers["place_object"].items()},
        capture=frozenset(triggers["capture"]["lemmas"]),
        phrasal={k: (_split_code(v) if v else None) for k, v in triggers["phrasal"].items()},
        not_alone=frozenset(triggers["not_alone"]["lemmas"]),
        light_verbs=frozenset(context["light_verbs"]["lemmas"]),
        occurrence_verbs=frozenset(context["occurrence_verbs"]["lemmas"]),
        object_control=frozenset(context["object_control"]["lemmas"]),
        place_nouns=frozenset(context["place_nouns"]["nouns"]),
        place_preps=frozenset(context["place_preps"]["preps"]),
        target_preps=frozenset(context["target_preps"]["preps"]),
        min_age_days=int(background["min_age_days"]),
        background_adverbs=frozenset(background["adverbs"]),
        background_preps=frozenset(background["preps"]),
        ongoing_nouns=frozenset(background["ongoing_nouns"]),
    )


# -- 1. triggers -----------------------------------------------------------------------


def match_trigger(token: Token, rules: EventRules, is_place) -> Trigger | None:
    """The lexicon entry ``token`` triggers, or None.

    ``is_place(token)`` says whether a token lies in a place mention; verbs in
    ``place_object`` are events only when their object is a place.
    """
    pos = token.pos_
    if pos != "VERB" and pos != "NOUN" and token.tag_ != "VBG":
        return None  # only verbs, nouns and gerunds trigger (most words: no lemma to look up)
    lemma = token.lemma_.lower()
    if token.dep_ in DESCRIPTOR_DEPS or (token.dep_ == "acl" and token.tag_ == "VBN"):
        return None  # "opposition forces", "imprisoned individuals", "units stationed there"
    if pos == "VERB":
        particle = next((c for c in token.children if c.dep_ == "prt"), None)
        if particle is not None:
            key = f"{lemma} {particle.lower_}"
            if key in rules.phrasal:
                code = rules.phrasal[key]
                return Trigger(lemma, code[0], code[1], False, particle) if code else None
        if lemma in rules.not_alone:
            return None
        if lemma in rules.verbs:
            type_, mode = rules.verbs[lemma]
            return Trigger(lemma, type_, mode, False)
        if lemma in rules.place_object:
            obj = direct_object(token)
            if obj is not None and (is_place(obj) or _names_place(obj, is_place)):
                type_, mode = rules.place_object[lemma]
                return Trigger(lemma, type_, mode, False)
        return None
    if pos == "NOUN" or (token.tag_ == "VBG" and token.dep_ in ("nsubj", "pobj", "dobj")):
        for compound in (c for c in token.children if c.dep_ == "compound"):
            key = f"{compound.lower_} {lemma}"
            if key in rules.nouns:
                type_, mode = rules.nouns[key]
                return Trigger(lemma, type_, mode, True)
        if lemma in rules.nouns:
            type_, mode = rules.nouns[lemma]
            return Trigger(lemma, type_, mode, True)
        if token.tag_ == "VBG" and lemma in rules.capture:
            type_, mode = rules.verbs.get(lemma) or rules.place_object.get(lemma) or (None, None)
            obj = _of_object(token)
            if type_ and obj is not None and _names_place(obj, is_place):
                return Trigger(lemma, type_, mode, True)
    return None


def _names_place(token: Token, is_place) -> bool:
    """``token`` is a place, or a place noun with an "of" place ("the city of Hama")."""
    if is_place(token):
        return True
    inner = _of_object(token)
    return inner is not None and is_place(inner)


def _of_object(token: Token) -> Token | None:
    for child in token.children:
        if child.dep_ == "prep" and child.lower_ == "of":
            return next((g for g in child.children if g.dep_ == "pobj"), None)
        if child.dep_ in ("dobj", "appos"):
            return child
    return None


def direct_object(verb: Token) -> Token | None:
    """The verb's direct object, if it has one."""
    return next((c for c in verb.children if c.dep_ in OBJECTS), None)


# -- 2. arguments ----------------------------------------------------------------------


def noun_phrase(head: Token) -> Span:
    """The noun phrase headed by ``head``: left modifiers, and "of" phrases and names on the right.

    Relative clauses, appositions and other prepositional phrases are left out, so
    "the city of Hama in central Syria, the latest victory ..." gives "the city of Hama".
    """
    doc = head.doc
    start, end = head.i, head.i + 1
    for child in head.lefts:
        if child.dep_ in NP_LEFT_DEPS:
            start = min(start, child.left_edge.i)
    for child in head.rights:
        if child.dep_ in ("compound", "flat", "nummod") or (child.dep_ == "prep" and child.lower_ == "of"):
            end = max(end, child.right_edge.i + 1)
        elif child.dep_ == "cc" or (child.dep_ == "conj" and child.pos_ in ("NOUN", "PROPN")):
            end = max(end, child.right_edge.i + 1 if child.dep_ == "conj" else end)
    for i in range(start, head.i):
        if "\n" in doc[i].whitespace_ or "\n" in doc[i].text:
            start = i + 1
    for i in range(head.i, end - 1):
        if "\n" in doc[i].whitespace_:
            end = i + 1
            break
    while start < end and doc[start].is_punct:
        start += 1
    while end > start and doc[end - 1].is_punct:
        end -= 1
    return doc[start:end]


def _subject(verb: Token) -> tuple[Token | None, Token | None]:
    """(agent, patient) from the verb's own subject: nsubj is an agent, nsubjpass a patient."""
    for child in verb.children:
        if child.dep_ in SUBJECTS:
            return child, None
        if child.dep_ == "nsubjpass":
            agent = next(
                (g for c in verb.children if c.dep_ == "agent" for g in c.children if g.dep_ == "pobj"), None
            )
            return agent, child
    agent = next(
        (g for c in verb.children if c.dep_ == "agent" for g in c.children if g.dep_ == "pobj"), None
    )
    return agent, None


#: where a noun with an infinitive ("a contract to supply", "the first airline to fly") sits
#: when its clause's subject is the infinitive's actor
NOUN_COMPLEMENT_SLOTS = frozenset({"dobj", "attr", "oprd"})


def _infinitive(verb: Token) -> bool:
    return any(c.dep_ == "aux" and c.lower_ == "to" for c in verb.children)


def verb_arguments(verb: Token, rules: EventRules) -> tuple[Token | None, Token | None]:
    """(actor head, target head) of a verb trigger, borrowing from governing clauses."""
    actor, target = _subject(verb)
    if target is None:
        target = direct_object(verb)
    if target is None:
        target = _prep_object(verb, rules.target_preps)
    current = verb
    # A subjectless clause shares its subject: "entered and forced out", "prompting
    # its units to withdraw" (object control), "pushed south, capturing Aleppo".
    while (
        actor is None and current.dep_ in SUBJECT_SHARING | {"relcl", "acl"} and current.head.i != current.i
    ):
        head = current.head
        if current.dep_ in ("relcl", "acl"):
            if current.tag_ == "VBN" and current.dep_ == "acl":
                target = target or head  # "forces stationed there": the noun underwent it
            elif _infinitive(current) and head.dep_ in NOUN_COMPLEMENT_SLOTS:
                # "EADS won a contract to supply ...", "the EU made the decision to ban ...":
                # the one who holds the contract or made the decision acts, not the noun
                actor, _ = verb_arguments(head.head, rules)
                actor = actor or head
            else:
                actor = head
            break
        if current.dep_ == "xcomp" and head.lemma_.lower() in rules.object_control:
            actor = direct_object(head)
            break
        actor, head_target = _subject(head)
        if actor is None and head_target is not None and current.dep_ == "conj":
            target = target or head_target
        current = head
    if actor is not None and actor.lower_ in WH_WORDS and actor.head.dep_ == "relcl":
        actor = actor.head.head
    return actor, target


def noun_arguments(noun: Token, rules: EventRules) -> tuple[Token | None, Token | None]:
    """(actor head, target head) of an eventive noun: possessor / "by" phrase / light verb's subject."""
    actor = target = None
    for child in noun.children:
        if child.dep_ == "poss" and child.pos_ != "PRON":
            actor = child
        elif child.dep_ == "prep" and child.lower_ == "by":
            actor = next((g for g in child.children if g.dep_ == "pobj"), actor)
        elif child.dep_ == "prep" and (child.lower_ == "of" or child.lower_ in rules.target_preps):
            target = target or next((g for g in child.children if g.dep_ == "pobj"), None)
        elif child.dep_ == "dobj":
            target = target or child
    if actor is None:
        actor = next(
            (
                c
                for c in noun.children
                if c.dep_ in ("amod", "compound") and c.ent_type_ in ("NORP", "ORG", "GPE")
            ),
            None,
        )
    head = noun.head
    if actor is None and noun.dep_ == "dobj" and head.lemma_.lower() in rules.light_verbs:
        actor, _ = verb_arguments(head, rules)
    return actor, target


def _prep_object(token: Token, preps: frozenset[str]) -> Token | None:
    for child in token.children:
        if child.dep_ == "prep" and child.lower_ in preps:
            pobj = next((g for g in child.children if g.dep_ == "pobj"), None)
            # "on August 24", "at noon": a time, never the one acted on
            if pobj is not None and pobj.ent_type_ not in ("DATE", "TIME"):
                return pobj
    return None


def place_candidates(
    trigger: Token, target: Token | None, rules: EventRules, capture: bool
) -> Iterator[Token]:
    """Tokens that may name the event's place, best first.

    The object of a capture-like verb comes first ("captured the city of Hama"),
    then objects of locative prepositions on the trigger ("withdraw from the city"),
    then those on a noun trigger's occurrence verb.
    """
    if capture and target is not None:
        yield target
        inner = _of_object(target)
        if inner is not None:
            yield inner
    holders = [trigger]
    if trigger.dep_ == "conj":
        holders.append(trigger.head)
    if trigger.pos_ == "NOUN":
        holders += [c for c in trigger.children if c.dep_ == "relcl"]
    for holder in holders:
        for child in holder.children:
            if child.dep_ == "prep" and child.lower_ in rules.place_preps:
                for pobj in (g for g in child.children if g.dep_ == "pobj"):
                    yield pobj
                    inner = _of_object(pobj)
                    if inner is not None:
                        yield inner
            elif child.dep_ == "advmod" and child.lower_ in ("there", "here"):
                yield child


# -- 3. clauses and time ---------------------------------------------------------------


def clause_tokens(trigger: Token, rules: EventRules) -> list[Token]:
    """The trigger's own clause: its subtree without the clauses embedded in it.

    A noun trigger keeps relative clauses with an occurrence verb ("the war, which
    erupted in 2011"): they only say when or where the noun's event happened.
    """
    out: list[Token] = []
    stack = [trigger]
    while stack:
        token = stack.pop()
        out.append(token)
        for child in token.children:
            if child.dep_ in CLAUSE_DEPS and not (
                token.i == trigger.i
                and trigger.pos_ == "NOUN"
                and child.dep_ == "relcl"
                and child.lemma_.lower() in rules.occurrence_verbs
            ):
                continue
            stack.append(child)
    return sorted(out, key=lambda t: t.i)


def governing_clauses(trigger: Token) -> Iterator[Token]:
    """Heads of the clauses that govern the trigger, nearest first.

    Stops at reported speech (a ``ccomp`` head is the cue verb, whose date is when
    something was said, not when it happened) and at a sentence root.
    """
    current = trigger
    while current.head.i != current.i:
        if current.dep_ in ("ccomp", "parataxis", "relcl", "acl", "csubj") or _temporal_mark(current):
            return
        if current.pos_ == "NOUN" and current.dep_ not in ("dobj", "nsubj", "nsubjpass", "pobj"):
            return
        current = current.head
        if current.dep_ == "prep":
            current = current.head
        if current.pos_ in ("VERB", "AUX"):
            yield current


def _temporal_mark(verb: Token) -> bool:
    return any(c.dep_ == "mark" and c.lower_ in TEMPORAL_MARKS for c in verb.children)


def coordinated_clauses(trigger: Token, heads: list[Token]) -> Iterator[Token]:
    """Verbs of neighbouring clauses in the same sentence that share the event's time.

    From the top of the governing chain, follow coordination and adverbial or
    infinitive complements ("entered Hama and forced out troops Thursday"), never
    into reported speech, relative clauses or clauses at another time ("since ...").
    """
    top = heads[-1] if heads else trigger
    seen = {trigger.i} | {h.i for h in heads}
    stack = [top]
    while stack:
        verb = stack.pop()
        for child in verb.children:
            if child.i in seen or child.dep_ not in SUBJECT_SHARING or child.pos_ not in ("VERB", "AUX"):
                continue
            if _temporal_mark(child):
                continue
            seen.add(child.i)
            yield child
            stack.append(child)


def is_reported_past(verb: Token) -> bool:
    """Simple past or present perfect, without a modal: a reported fact rather than a possibility."""
    auxes = [c for c in verb.children if c.dep_ in ("aux", "auxpass")]
    if any(a.tag_ == "MD" or a.lower_ in ("to",) for a in auxes) or verb.tag_ in ("VB", "VBG"):
        return False
    return verb.tag_ == "VBD" or (verb.tag_ == "VBN" and has_perfect(verb))


def has_pluperfect(verb: Token) -> bool:
    """ "had captured", "had been used": the past before the past."""
    auxes = [c for c in verb.children if c.dep_ in ("aux", "auxpass")]
    return any(a.lower_ in ("had", "'d") for a in auxes) and verb.tag_ == "VBN"


def has_perfect(verb: Token) -> bool:
    return any(c.dep_ == "aux" and c.lemma_.lower() == "have" and c.lower_ != "had" for c in verb.children)


def copular_perfect(noun: Token) -> bool:
    """The noun is predicated by "has been" ("has been the site of ... crackdowns")."""
    current = noun
    for _ in range(4):
        if current.head.i == current.i:
            return False
        current = current.head
        if current.lemma_.lower() == "be" and current.dep_ in ("ROOT", "conj", "relcl", "ccomp"):
            return has_perfect(current)
    return False
