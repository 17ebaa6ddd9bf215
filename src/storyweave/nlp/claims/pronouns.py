"""Which named person a "he", "she", "his" or "her" stands for, when the article makes it clear.

A wrong name in a claim's display text misleads a reader more than a pronoun left alone
("[Terry White] has also decided to rehire her former attorney", where "she" is Lohan), so
a pronoun is resolved only when one person fits:

- the person is named in the pronoun's sentence or the one or two before it
  (``WINDOW_SENTENCES``); further back, the article's main person may still be meant, but
  only when the article shows that person's gender and they dominate its mentions;
- the person's gender, where the article shows it, agrees with the pronoun: a title
  ("Mr", "Mrs"), a gendered noun beside the name ("the actress, 26", "his wife Alice"), or
  the pronouns the article uses right after naming that person alone;
- no unnamed person comes between the name and the pronoun ("Eyewitness News spoke to one
  man who says he called 911": "he" is the man, not the driver named before);
- a person named earlier in the pronoun's own sentence comes before those named in the
  sentences before, and there someone who only reports ("..., Lyons said.") does not count;
  of several who fit, the subject of a clause the pronoun sits in, else the article's main
  person when only their gender is shown; otherwise none is picked.

Hand-written because spaCy's small English pipeline has no coreference component, and the
coreference models that exist (coreferee, fastcoref) need other pipelines or downloads.
"""

from __future__ import annotations

import bisect
import functools
from collections import Counter

from spacy.tokens import Doc, Token

from storyweave.nlp.claims.parts import EntityIndex, low
from storyweave.rulefiles import read_toml, rule_path

MASCULINE = frozenset(["he", "him", "his", "himself"])
FEMININE = frozenset(["she", "her", "hers", "herself"])
#: the antecedent is named in the pronoun's sentence or in this many sentences before it
WINDOW_SENTENCES = 2
#: dependents that open a clause of their own, outside a pronoun's clause
CLAUSE_DEPS = frozenset(["relcl", "advcl", "ccomp", "acl", "xcomp", "conj", "parataxis", "csubj"])
#: the article's main person is the one meant further back only when at least this share of
#: the article's person mentions name them
MAIN_PERSON_SHARE = 0.6


@functools.lru_cache(maxsize=1)
def _words() -> dict[str, frozenset[str]]:
    data = read_toml(rule_path("storyweave.nlp", "rules", "claims", "pronouns.toml"))
    return {name: frozenset(w.lower() for w in words) for name, words in data.items()}


def gender_of_pronoun(word: str) -> str | None:
    return "m" if word in MASCULINE else "f" if word in FEMININE else None


class PersonResolver:
    """Resolves person pronouns of one article (``doc``) against its entities."""

    def __init__(self, doc: Doc, entities: EntityIndex):
        self.doc = doc
        self.entities = entities
        self.words = _words()
        self.sents = list(doc.sents)
        self.sent_starts = [s.start for s in self.sents]
        self.persons = [e for e in entities.by_key.values() if e.type == "PERSON"]
        self.gender = self._genders()
        mentions = Counter()
        for i, entity in entities.by_token.items():
            if entity.type == "PERSON" and (i == 0 or entities.by_token.get(i - 1) is not entity):
                mentions[entity.key] += 1
        self.mentions = mentions
        self._resolved: dict[int, object] = {}  # token index -> person (a pronoun is asked about by each unit holding it)

    def sent_of(self, i: int) -> int:
        """The index of the sentence that holds token ``i``."""
        return max(0, bisect.bisect_right(self.sent_starts, i) - 1)

    # -- what the article shows of each person's gender -------------------------------------
    def _genders(self) -> dict[str, str]:
        votes: dict[str, Counter] = {}
        for i, entity in self.entities.by_token.items():
            if entity.type != "PERSON" or (i > 0 and self.entities.by_token.get(i - 1) is entity):
                continue  # one vote per mention, cast at its first token
            for g in self._mention_evidence(i, entity):
                votes.setdefault(entity.key, Counter())[g] += 1
        # pronouns after a sentence that names one person only, as its subject (only the
        # sentences that name someone are walked: walking every token is most of the cost)
        named_in: dict[int, set[str]] = {}
        for i, entity in self.entities.by_token.items():
            if entity.type == "PERSON":
                named_in.setdefault(self.sent_of(i), set()).add(entity.key)
        for n, named in sorted(named_in.items()):
            if len(named) != 1:
                continue
            sent = self.sents[n]
            key = next(iter(named))
            subject = any(t.dep_ in ("nsubj", "nsubjpass") and self.entities.by_token.get(t.i) is not None
                          and self.entities.by_token[t.i].key == key for t in sent)
            if not subject:
                continue
            named_at = min(i for i in range(sent.start, sent.end)
                           if i in self.entities.by_token and self.entities.by_token[i].key == key)
            for t in sent[named_at - sent.start + 1 :]:
                g = gender_of_pronoun(low(t))
                if g:
                    votes.setdefault(key, Counter())[g] += 1
        out = {}
        for key, counts in votes.items():
            (top, n), *rest = counts.most_common()
            if not rest or n >= 2 * rest[0][1]:
                out[key] = top
        return out

    def _mention_evidence(self, i: int, entity) -> list[str]:
        """Gender cues right at one mention: a title before it, a gendered noun beside it."""
        found = []
        doc = self.doc
        before = [low(doc[k]).rstrip(".") for k in range(max(0, i - 2), i)]
        for word in before:
            if word in self.words["masculine_titles"]:
                found.append("m")
            elif word in self.words["feminine_titles"]:
                found.append("f")
        token = doc[i]
        head = token
        while head.head.i != head.i and self.entities.by_token.get(head.head.i) is entity:
            head = head.head
        near = [c for c in head.children if c.dep_ in ("appos", "compound", "amod")]
        if head.dep_ in ("appos", "compound"):
            near.append(head.head)
        for t in near:
            lemma = t.lemma_.lower()
            if lemma in self.words["masculine_nouns"]:
                found.append("m")
            elif lemma in self.words["feminine_nouns"]:
                found.append("f")
        return found

    # -- resolution --------------------------------------------------------------------------
    def resolve(self, token: Token):
        """The person entity ``token`` ("he", "her", ...) stands for, or None when unclear."""
        if token.i not in self._resolved:
            self._resolved[token.i] = self._resolve(token)
        return self._resolved[token.i]

    def _resolve(self, token: Token):
        gender = gender_of_pronoun(low(token))
        if gender is None:
            return None
        sent = self.sent_of(token.i)
        topic = self._sentence_topic(token, sent, gender)
        if topic is not None:
            return self.resolve(topic)
        first = self.sent_starts[max(0, sent - WINDOW_SENTENCES)]
        candidates: list = []  # nearest first
        same_sentence: list = []
        last_named = None
        for i in range(token.i - 1, first - 1, -1):
            entity = self.entities.by_token.get(i)
            if entity is None or entity.type != "PERSON" or self._modifies_a_thing(i, entity):
                continue
            if last_named is None:
                last_named = i
            if entity not in candidates:
                candidates.append(entity)
            if self.sent_of(i) == sent and entity not in same_sentence:
                same_sentence.append(entity)
        if last_named is not None and self._unnamed_person_between(last_named, token.i):
            return None
        bound = self._named_in_own_clause(token) | self._modified_by_its_clause(token)
        named_before = bool(candidates)
        candidates = [e for e in candidates if e not in bound]
        same_sentence = [e for e in same_sentence if e not in bound]
        # a person named earlier in the pronoun's own sentence comes first ("When Boras spoke
        # at the Winter Meetings, he ..."), then the sentences before it
        for pool in (same_sentence, candidates):
            fitting = [e for e in pool if self.gender.get(e.key, gender) == gender]
            if len(fitting) > 1 and pool is candidates:
                # "Comeaux took the officers' weapons ..., Lyons said. He was serving a life
                # sentence": who only reports the sentence before is not who it is about
                fitting = [e for e in fitting if not self._only_reports(e, first, token.i)]
            if len(fitting) == 1:
                return fitting[0]
            if fitting:
                return self._most_salient(fitting, token, gender)
        main = self._main_person(gender) if not named_before else None
        return main if main not in bound else None

    def _most_salient(self, fitting: list, token: Token, gender: str):
        """Of several people who fit, the one the pronoun most plainly means, or None.

        The subject of a clause the pronoun sits in ("Teixeira's agent, Scott Boras, entered
        ... hoping his client"), else the article's main person when the article shows their
        gender and not the others' ("DeGeneres ... MacFarlane ... she"). Otherwise a guess:
        the reader is better served by "he" than by a wrong name.
        """
        ancestors = {a.i for a in token.ancestors}
        governing = [e for e in fitting if any(
            self.entities.by_token.get(c.i) is e and c.dep_ in ("nsubj", "nsubjpass")
            or self.entities.by_token.get(c.i) is None and c.dep_ in ("nsubj", "nsubjpass")
            and any(self.entities.by_token.get(g.i) is e and g.dep_ == "appos" for g in c.children)
            for a in ancestors for c in self.doc[a].children)]
        if len(governing) == 1:
            return governing[0]
        known = [e for e in fitting if self.gender.get(e.key) == gender]
        if len(known) == 1 and self.mentions and self.mentions.most_common(1)[0][0] == known[0].key:
            return known[0]
        return None

    def _modifies_a_thing(self, i: int, entity) -> bool:
        """Whether the name at token ``i`` only qualifies a noun outside it ("a Sikh tradition",
        which the small model tags a person): no one is named there for a pronoun to mean."""
        token = self.doc[i]
        head = token.head
        return (token.dep_ in ("compound", "amod") and head.pos_ == "NOUN"
                and self.entities.by_token.get(head.i) is not entity)

    def _sentence_topic(self, token: Token, sent: int, gender: str):
        """An earlier pronoun of the same gender that is the subject of the sentence's main
        verb: "She returned with a .357 Magnum that she legally owned" is one woman twice, even
        where the parser reads the Magnum as a person and hangs "owned" elsewhere."""
        for t in self.doc[self.sent_starts[sent] : token.i]:
            if (t.dep_ in ("nsubj", "nsubjpass") and t.head.dep_ == "ROOT"
                    and gender_of_pronoun(low(t)) == gender and t.pos_ == "PRON"):
                return t
        return None

    def _modified_by_its_clause(self, token: Token) -> set:
        """The person a relative clause whose subject is the pronoun describes: in "a .357
        Magnum that she owned" she is not the Magnum (the small model tags it a person); the
        noun fills another role of that clause. ("Smith, who said he was tired" is another
        case: the pronoun is no subject of the relative clause, and may well be Smith.)"""
        verb = token.head
        if token.dep_ not in ("nsubj", "nsubjpass") or verb.dep_ not in ("relcl", "acl"):
            return set()
        entity = self.entities.by_token.get(verb.head.i)
        return {entity} if entity is not None else set()

    def _named_in_own_clause(self, token: Token) -> set:
        """The people named after the pronoun in the clause whose subject it is: "he has not
        spoken with Kim" is not Kim (a subject pronoun never means a name its own clause holds
        below it). Names before it are left alone: the parser often hangs a preceding clause
        on the pronoun's verb ("O'Brien avoided spats with Iverson, he did not ...")."""
        if token.dep_ not in ("nsubj", "nsubjpass"):
            return set()
        found, stack = set(), list(token.head.children)
        while stack:
            t = stack.pop()
            if t.dep_ in CLAUSE_DEPS:
                continue  # a clause of its own ("... than anything Thompson was throwing") binds nothing
            if t.i > token.i and t.i in self.entities.by_token:
                found.add(self.entities.by_token[t.i])
            stack.extend(t.children)
        return found

    def _only_reports(self, entity, start: int, end: int) -> bool:
        """Whether every mention of ``entity`` in ``doc[start:end]`` is the subject of a
        reporting verb ("..., Lyons said")."""
        roles = []
        for i in range(start, end):
            if self.entities.by_token.get(i) is not entity:
                continue
            t = self.doc[i]
            if t.dep_ in ("nsubj", "nsubjpass"):
                verb = t.head
                trailing = any(c.dep_ in ("ccomp", "parataxis") and c.i < verb.i for c in verb.children)
                # "..., Lyons said": the report trails what it reports ("Lyons said he ..."
                # or "DeGeneres announced that she ..." put the speaker first, as the subject)
                roles.append(trailing and verb.lemma_.lower() in self.words["reporting_verbs"])
            elif t.dep_ in ("compound", "flat", "appos") or t.head.i != t.i and self.entities.by_token.get(t.head.i) is entity:
                continue  # a part of the name: its head token decides
            else:
                roles.append(False)
        return bool(roles) and all(roles)

    def _main_person(self, gender: str):
        """The article's main person, if the article shows they are of ``gender``."""
        if not self.mentions:
            return None
        key, n = self.mentions.most_common(1)[0]
        if n < MAIN_PERSON_SHARE * sum(self.mentions.values()) or self.gender.get(key) != gender:
            return None
        return self.entities.by_key[key]

    def _unnamed_person_between(self, start: int, end: int) -> bool:
        """Whether a person the article does not name ("one man", "a witness", "the driver")
        stands between a name and a pronoun, as a subject or object."""
        for t in self.doc[start + 1 : end]:
            if (t.pos_ == "NOUN" and t.lemma_.lower() in self.words["person_nouns"]
                    and t.dep_ in ("nsubj", "nsubjpass", "dobj", "pobj", "conj")
                    and self.entities.by_token.get(t.head.i) is None
                    and not any(c.dep_ == "appos" and c.i in self.entities.by_token for c in t.children)):
                return True  # "Lohan's attorney, Shawn Holley," names the attorney: no stranger
        return False
