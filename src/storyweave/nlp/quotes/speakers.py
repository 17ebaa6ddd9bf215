"""Speakers of quotes: the noun phrase that says something, and who it is in the article.

``speaker_phrase`` finds the speaker's full noun phrase from a cue verb's subject;
``SpeakerResolver`` turns it into a canonical name resolved inside one article:
surnames to the full name introduced earlier ("Serdar" -> "Resul Serdar"),
pronouns to the most recent compatible speaker, titles stripped ("President
Bashar al-Assad" -> "Bashar al-Assad"), organisations and descriptions by their
noun phrase ("the Syrian Defense Ministry" -> "Syrian Defense Ministry").

No coreference model is involved on purpose: the pipeline must stay close to the
bare parse's speed, and in news prose the speaker chain is short and local.
"""

from __future__ import annotations

import functools
import logging
from collections import Counter
from dataclasses import dataclass

from spacy.tokens import Doc, Span, Token

from storyweave.names import load_name_rules
from storyweave.nlp.quotes.marks import CLOSE_DOUBLE, OPEN_DOUBLE, STRAIGHT, MarkSpan, find_quote_marks
from storyweave.rulefiles import read_toml, rule_path

LOGGER = logging.getLogger(__name__)

SUBJECT_DEPS = ("nsubj", "nsubjpass", "csubj")
PERSON_LABELS = ("PERSON",)
GROUP_LABELS = ("ORG", "NORP", "GPE", "FAC")


@dataclass(frozen=True)
class SpeakerRules:
    """Word lists from ``rules/quotes/speakers.toml``."""

    titles: frozenset[str]
    name_prefixes: tuple[str, ...]
    pronouns: dict[str, str]
    leading: frozenset[str]
    vehicles: frozenset[str]
    honorifics: dict[str, str]  # "mr" → "m", "mrs" → "f"
    gendered: dict[str, str]  # "he" → "m", "her" → "f"


@functools.lru_cache(maxsize=1)
def load_speaker_rules() -> SpeakerRules:
    """Read the speaker word lists once per process."""
    raw = read_toml(rule_path("storyweave.nlp", "rules", "quotes", "speakers.toml"))
    return SpeakerRules(
        titles=frozenset(raw["titles"]),
        name_prefixes=tuple(raw["name_prefixes"]),
        pronouns=dict(raw["pronouns"]),
        leading=frozenset(raw["strip"]["leading"]),
        vehicles=frozenset(raw["vehicles"]),
        honorifics={w: sex for sex, words in raw["sex"]["honorifics"].items() for w in words},
        gendered={w: sex for sex, words in raw["sex"]["pronouns"].items() for w in words},
    )


def speaker_phrase(subject: Token, cue: Token) -> Span:
    """The speaker's full noun phrase: the subject's subtree, cut before the cue.

    Appositions and relative clauses stay in ("Steve Elmendorf, deputy campaign
    manager for ..."), as PolNeAR and GGT annotate sources; trailing commas go.
    """
    doc = subject.doc
    start, end = subject.left_edge.i, subject.right_edge.i + 1
    # a name the parser split into several subjects ("al", "-", "Assad"): take them all
    while start > 0 and doc[start - 1].head.i == subject.head.i and doc[start - 1].dep_ == subject.dep_:
        start = doc[start - 1].left_edge.i
    if start <= cue.i < end:  # inverted order never includes the cue itself
        if cue.i < subject.i:
            start = cue.i + 1
        else:
            end = cue.i
    while end - 1 > start and (doc[end - 1].is_punct or doc[end - 1].is_space):
        end -= 1
    while start < end - 1 and (doc[start].is_punct or doc[start].is_space):
        start += 1
    return doc[_title_start(doc, start, cue) : _name_end(doc, end, cue)]


def _name_end(doc, end: int, cue: Token) -> int:
    """Where a speaker's phrase that ends on a title ends once the name after it is taken in:
    "said Troy police Lt. [Gerry Scherlinck]", the parser's subject being the title."""
    last = end - 1
    if last < 0 or not _short_title(doc[last].lower_):
        return end
    after = end + 1 if end < len(doc) and doc[end].text == "." and not doc[last].whitespace_ else end
    if after >= len(doc) or after == cue.i or doc[after].ent_iob_ != "B" or doc[after].ent_type_ != "PERSON":
        return end
    while after + 1 < len(doc) and doc[after + 1].ent_iob_ == "I":
        after += 1
    return after + 1


def _title_start(doc, start: int, cue: Token) -> int:
    """Where a speaker's phrase starts once the title the parser left outside it is taken in:
    "[Troy police Lt.] Gerry Scherlinck said", the title hung on the content's verb. The title
    is one written short ("Lt.", "Sgt.", "Gov."), and the words before it back to a comma are
    its description."""
    i = start - 1
    if i >= 1 and doc[i].text == "." and not doc[i - 1].whitespace_:
        i -= 1  # "Lt" and its dot split off
    if i < 0 or i == cue.i or not doc[i].text[:1].isupper() or not _short_title(doc[i].lower_):
        return start
    while i - 1 >= 0 and i - 1 != cue.i and not doc[i - 1].is_punct and not doc[i - 1].is_space \
            and doc[i - 1].pos_ in ("PROPN", "NOUN", "ADJ"):
        i -= 1
    return i


def _short_title(word: str) -> bool:
    # the names rules' titles written short ("lt", "sgt"), as the paragraphs component reads them
    return word.removesuffix(".") in load_name_rules().abbreviated_titles


#: subjects a climbed-to verb lends no cue: they name no one who could speak
NO_ONE = frozenset(["it", "there", "this", "that", "which", "what"])


def find_subject(cue: Token) -> Token | None:
    """The subject of a cue verb, inherited through "saying"/"adding"/conjoined verbs."""
    misparsed = _subject_taken_for_an_object(cue)
    if misparsed is not None:
        return misparsed
    verb = cue
    no_one = None  # "it" of a verb climbed to: the speaker only when no verb above has one
    for _ in range(4):  # a short climb: "X said ..., adding that ..." / "X went on to say"
        # the cue's own subject of any kind; a verb climbed to lends only an active subject
        # ("the wall would be built and told reporters": the wall tells nothing)
        subjects = [c for c in verb.children if c.dep_ in (SUBJECT_DEPS if verb is cue else ("nsubj",))]
        if verb is not cue and subjects and all(c.lower_ in NO_ONE for c in subjects):
            # "Pence said in politics it takes time ... but added, '...'": the parser hangs
            # "added" on "takes", whose "it" is no one; the climb goes on to "said"
            no_one = no_one or subjects[0]
            subjects = []
        if subjects:
            before = [c for c in subjects if c.i < cue.i]
            return before[-1] if before else subjects[0]  # the subject nearest the cue
        if no_one is None:
            for child in verb.children:
                if child.dep_ == "agent":  # "was praised by X"
                    for grand in child.children:
                        if grand.dep_ == "pobj":
                            return grand
        head = verb.head
        if verb.dep_ == "pcomp" and head.pos_ == "ADP":  # "began by saying", "before adding"
            head = head.head
        # past a conjunct, a subject-less clause leads up to the reporting verb it depends on
        climbs = ("advcl", "xcomp", "conj", "pcomp") + (("ccomp",) if verb is not cue else ())
        if verb.dep_ in climbs and head is not verb and head.pos_ in ("VERB", "AUX"):
            verb = head
            continue
        if no_one is not None:
            break
        if verb.dep_ == "xcomp" and head.dep_ == "acomp" and head.head.pos_ in ("VERB", "AUX"):
            # "voters are more likely to say ...", "he is right to note ...": the adjective's
            # copula holds the subject
            verb = head.head
            continue
        if verb.dep_ == "relcl" or (verb.dep_ == "acl" and verb.tag_ == "VBG"):
            # "Ramani, who said ..." has "who" as nsubj; no subject: the head noun
            # ("a tweet saying ...", "lawmakers condemning ...")
            return verb.head
        break
    return no_one if no_one is not None else _left_noun_phrase(cue)


def _subject_taken_for_an_object(cue: Token) -> Token | None:
    """The noun right before a subject-less conjoined cue, which the parser made one more
    conjunct of the previous clause's object: in "The main town still has power, water and
    electricity connections and officials say they are sending tents", "officials" is one more
    thing the town has and "say" the town's verb. A noun followed at once by a verb is that
    verb's subject, not an object of another clause's."""
    if cue.dep_ != "conj" or cue.i == 0 or any(c.dep_ in SUBJECT_DEPS for c in cue.children):
        return None
    before = cue.doc[cue.i - 1]
    if before.pos_ in ("NOUN", "PROPN") and before.dep_ == "conj" and before.head.i < before.i:
        return before
    return None


def _left_noun_phrase(cue: Token) -> Token | None:
    """The noun phrase just before a cue the parser left without a subject.

    "Jay DiPietro, the club's president, suggested that ...": the parser sometimes
    hangs such a subject elsewhere; the nearest noun to the left, climbed to the
    top of its phrase, is the speaker.
    """
    doc = cue.doc
    i = cue.i - 1
    while i >= 0 and doc[i].dep_ in ("aux", "auxpass", "neg", "advmod", "punct") and doc[i].text != ".":
        i -= 1
    if i < 0 or doc[i].pos_ not in ("NOUN", "PROPN", "PRON") or doc[i].dep_ in ("pobj", "dobj", "poss"):
        return None
    token = doc[i]
    while (
        token.head.i < cue.i
        and token.head is not token
        and token.dep_ in ("appos", "compound", "conj", "punct")
    ):
        token = token.head
    if any(doc[j].is_sent_start for j in range(token.left_edge.i + 1, cue.i + 1)):
        return None  # the noun belongs to an earlier sentence
    return token


#: tokens that open or close a double quotation (PTB-style ``/'' as some texts write them)
DOUBLE_MARKS = frozenset([OPEN_DOUBLE, CLOSE_DOUBLE, STRAIGHT, "``", "''"])


class SpeakerResolver:
    """Resolves speaker phrases to canonical names, in article order.

    Feed speakers in the order their quotes appear (``resolve``); the resolver
    remembers the most recent person and group speakers for pronouns.
    """

    def __init__(self, doc: Doc, rules: SpeakerRules | None = None, text: str | None = None,
                 speech_verbs: frozenset[str] = frozenset(), marks: list[MarkSpan] | None = None):
        self.rules = rules or load_speaker_rules()
        # the cue lexicon's verbs (``quotes.cues``): whose subject a reported "he" or "she" is
        self.speech_verbs = speech_verbs
        self.doc = doc
        self.text = doc.text if text is None else text  # Doc.text joins every token on each access
        self.last_person: str | None = None
        self.last_group: str | None = None
        # the quoted spans (``marks.find_quote_marks``): the quotes component's own, else found here
        self._marks = [(m.start, m.end) for m in (find_quote_marks(self.text) if marks is None else marks)]
        # every full name of a surname, in order ("Ramarley Graham", later "Frank Graham")
        self._named_at: dict[str, list[tuple[int, str]]] = {}
        self._heads: dict[str, str] = {}
        # Span.ents re-reads every entity of the doc on each call: keep the list once
        self._ents = [e for e in doc.ents if e.label_ in PERSON_LABELS + GROUP_LABELS]
        for ent in self._ents:
            if ent.label_ in PERSON_LABELS:
                name = self.strip_title(ent)
                words = name.split()
                if len(words) >= 2:
                    self._named_at.setdefault(self._key(words[-1]), []).append((ent.start, name))
        self._gender = self._genders()

    # -- he or she ----------------------------------------------------------
    def _genders(self) -> dict[str, str]:
        """Each person the article names → "m" or "f", where the article itself says: an
        honorific ("Mr. Sanders", "Mrs. Clinton"), or the pronoun that reports them
        (``_pronoun_of``: "Sanders said he would ..."), by majority over their mentions. Names
        the article gives no evidence for have none: a pronoun may then be anyone's."""
        votes: dict[str, list[str]] = {}
        persons = [e for e in self._ents if e.label_ in PERSON_LABELS]
        for n, ent in enumerate(persons):
            name = self.full_name(self.strip_title(ent), ent.end - 1)
            before = self.doc[ent.start - 1].lower_.rstrip(".") if ent.start > 0 else ""
            found = self.rules.honorifics.get(before) or self.rules.honorifics.get(ent[0].lower_.rstrip("."))
            if found is None and ent.root.dep_ in SUBJECT_DEPS:
                found = self._pronoun_of(ent, persons[n + 1].start if n + 1 < len(persons) else len(self.doc))
            if found:
                votes.setdefault(name, []).append(found)
        genders = {}
        for name, said in votes.items():
            sex, count = Counter(said).most_common(1)[0]
            if count > len(said) / 2:  # a clear majority: a stray pronoun of someone else is outvoted
                genders[name] = sex
        return genders

    def _pronoun_of(self, ent: Span, stop: int) -> str | None:
        """The sex a subject pronoun gives the subject ``ent`` of a speech or thought verb in the
        clause that verb reports, before the next person named and outside quotation marks
        ("Sanders said he would fight on"; not "Melania Trump tells supporters that "he loves
        you"", nor "Mukasey said the scandal is the latest issue in her career"), or None."""
        verb = ent.root.head
        if verb.lemma_.lower() not in self.speech_verbs:
            return None  # "Sanders prevailed in Vermont, allowing her to build a lead": another's
        for token in self.doc[ent.end : min(stop, ent.sent.end)]:
            if token.text in DOUBLE_MARKS:
                return None
            if (token.pos_ == "PRON" and token.dep_ in SUBJECT_DEPS and token.lower_ in self.rules.gendered
                    and verb in token.ancestors):
                return self.rules.gendered[token.lower_]
        return None

    def _person_for(self, pronoun: Token) -> str | None:
        """The person a "he" or "she" speaker is: the person the text continues with
        (``_subject_before``) where the article gives one who may be of the pronoun's gender;
        else the last person speaker, unless the article says that person is of the other sex;
        then the person named last before the pronoun whom the article says is of the
        pronoun's ("Clinton was booed when she said Sanders' attack ..." after a quote of
        Sanders is Clinton's, not his). None when no one fits."""
        wanted = self.rules.gendered.get(pronoun.lower_)
        subject = self._subject_before(pronoun)
        if subject is not None and subject != self.last_person and wanted is not None \
                and self._gender.get(subject, wanted) == wanted:
            # "Obama also helped celebrate the anniversary. "…," he told employees": the person
            # the last sentence is about, not the speaker of the quote before it
            self.last_person = subject
            return subject
        if wanted is None or self.last_person is None or self._gender.get(self.last_person, wanted) == wanted:
            return self.last_person
        for ent in reversed([e for e in self._ents if e.label_ in PERSON_LABELS and e.end <= pronoun.i]):
            name = self.full_name(self.strip_title(ent), ent.end - 1)
            if self._gender.get(name) == wanted:  # known: a guess would stick to later pronouns
                self.last_person = name
                return name
        return None

    def _subject_before(self, pronoun: Token) -> str | None:
        """The person a reader takes "he" or "she" to continue with, outside quotation marks:
        the one person named earlier in the pronoun's own sentence ("Before former President
        George W. Bush left office, he passed ..."), else the person who is the main-clause
        subject of the sentence before. None when the own sentence names several people or
        neither sentence gives one."""
        sentence = pronoun.sent
        previous = None
        at = sentence.start - 1
        while at >= 0 and previous is None:
            candidate = self.doc[at].sent
            if any(not t.is_space for t in candidate):
                previous = candidate
            at = candidate.start - 1
        own = {name for _, name in self._unquoted_persons(sentence.start, pronoun.i)}
        if own:
            return next(iter(own)) if len(own) == 1 else None
        if previous is None:
            return None
        subjects = [name for ent, name in self._unquoted_persons(previous.start, previous.end)
                    if ent.root.dep_ in SUBJECT_DEPS and ent.root.head.dep_ == "ROOT"]
        return subjects[-1] if subjects else None

    def _quoted(self, char: int) -> bool:
        """Whether a character of the text lies inside a quotation."""
        return any(start <= char < end for start, end in self._marks)

    def _unquoted_persons(self, start: int, end: int) -> list[tuple[Span, str]]:
        """(entity, full name) of the people named in ``doc[start:end]`` outside quotation
        marks (a name inside a quotation is what the quote is about, not who speaks)."""
        found = []
        for ent in self._ents:
            if ent.label_ not in PERSON_LABELS or not (start <= ent.start and ent.end <= end):
                continue
            if self._quoted(ent.start_char):
                continue
            found.append((ent, self.full_name(self.strip_title(ent), ent.end - 1)))
        return found

    # -- names -------------------------------------------------------------
    def _key(self, word: str) -> str:
        word = word.lower().removesuffix("’s").removesuffix("'s")
        for prefix in self.rules.name_prefixes:
            if word.startswith(prefix) and len(word) > len(prefix) + 1:
                return word[len(prefix) :]
        return word

    def strip_title(self, span: Span) -> str:
        """The span's text without leading titles, determiners and a trailing possessive."""
        tokens = [t for t in span if not t.is_punct or t.text in ("-", ".")]
        while len(tokens) > 1 and (
            tokens[0].lower_ in self.rules.titles or tokens[0].lower_ in self.rules.leading
        ):
            tokens = tokens[1:]
        while tokens and tokens[-1].tag_ == "POS":
            tokens = tokens[:-1]
        if not tokens:
            return span.text
        return self.text[tokens[0].idx : tokens[-1].idx + len(tokens[-1].text)]

    def full_name(self, name: str, at: int | None = None) -> str:
        """A one-word name expanded to the full name introduced earlier in the article: the
        latest before token ``at`` ("Graham said" after "Frank Graham" is Frank Graham, though
        the article named Ramarley Graham first), else the first."""
        words = name.split()
        if len(words) == 1:
            return self._surname_at(self._key(words[0]), at) or name
        return name

    def _surname_at(self, key: str, at: int | None) -> str | None:
        named = self._named_at.get(key)
        if not named:
            return None
        before = [name for start, name in named if at is not None and start < at]
        return before[-1] if before else named[0][1]

    # -- speakers ------------------------------------------------------------
    def resolve(self, phrase: Span | None, head: Token | None = None) -> str | None:
        """The canonical speaker for ``phrase`` (with ``head`` its syntactic head), or None."""
        if phrase is None or len(phrase) == 0:
            return None
        head = head if head is not None and phrase.start <= head.i < phrase.end else phrase.root
        kind = self.rules.pronouns.get(head.lower_)
        if kind is not None and head.pos_ in ("PRON", "DET"):
            if kind == "relative":
                antecedent = head.head.head if head.head.dep_ == "relcl" else None
                if antecedent is not None and antecedent.i != head.i:
                    return self.resolve(self.doc[antecedent.left_edge.i : antecedent.i + 1], antecedent)
                return None
            if kind == "person":
                return self._person_for(head)
            return self.last_group or self.last_person
        if head.pos_ == "PRON":  # "I", "we", "you", "someone": nobody resolvable
            return None
        if head.pos_ in ("DET", "ADP", "CCONJ", "PART", "PUNCT"):
            return None  # "The also said …" (a name lost from the text): no one to name
        owners = (
            [c for c in head.children if c.dep_ == "poss"]
            if head.lemma_.lower() in self.rules.vehicles
            else []
        )
        if owners:  # "the ministry's statement said": the ministry speaks
            owner = owners[0]
            return self.resolve(self.doc[owner.left_edge.i : owner.i + 1], owner)
        name, is_person = self._named(phrase, head)
        if is_person:
            self.last_person = name
        elif head.lemma_.lower() not in self.rules.vehicles:
            self.last_group = name  # "they said" may be a group, never a document ("the petitions")
        return name

    def _named(self, phrase: Span, head: Token) -> tuple[str, bool]:
        titled = self._name_after_title(head)
        if titled is not None:  # "said Sgt. Mourad Mourad": the parser made the title the subject
            return self.full_name(self.strip_title(titled), titled.end - 1), True
        ents = [e for e in self._ents if e.start >= phrase.start and e.end <= phrase.end]
        if head.pos_ == "PROPN" and self._key(head.text) in self._named_at:
            # a surname seen before in a full name, whatever label the NER gave it here;
            # unless the phrase names someone in full ("Frank Graham" after "Ramarley Graham")
            full = [e for e in ents if e.label_ in PERSON_LABELS and e.start < head.i < e.end]
            if not full:
                return self._surname_at(self._key(head.text), head.i), True
        # the entity holding the head word wins ("Dmitry Peskov" in "Kremlin spokesperson
        # Dmitry Peskov"); then the first person ("Ramani" in "Ramani from RUSI").
        holding = [e for e in ents if e.start <= head.i < e.end]
        persons = [e for e in ents if e.label_ in PERSON_LABELS]
        ent = holding[0] if holding else (persons[0] if persons and head.pos_ == "PROPN" else None)
        if ent is None and head.pos_ == "NOUN":
            # "his sister Mahnefah Gray", "Gray's sister Mahnefah Gray": the name the
            # description introduces (the parser makes the name depend on the noun)
            ent = next((e for e in persons if e.start == head.i + 1 or e.root.head.i == head.i), None)
        if ent is not None and ent.label_ in PERSON_LABELS:
            if ent.end <= head.i and all(
                t.pos_ == "PROPN" or t.text == "-" for t in self.doc[ent.end : head.i + 1]
            ):
                ent = self.doc[ent.start : head.i + 1]  # the NER stopped short: "Bashar al" + "-Assad"
            return self.full_name(self.strip_title(ent), head.i), True
        if head.pos_ == "PROPN" and not holding and not ents:
            # a name the NER missed: the proper-noun run around the head
            start = head.i
            while start > phrase.start and self.doc[start - 1].pos_ == "PROPN":
                start -= 1
            name = self.full_name(self.strip_title(self.doc[start : head.i + 1]), head.i)
            full_names = {n for named in self._named_at.values() for _, n in named}
            return name, name in full_names or len(name.split()) == 1
        coordinated = head.dep_ == "conj" or any(c.dep_ == "cc" for c in head.children)
        if ent is not None and not coordinated and (ent.end >= head.i + 1 or ent.end == phrase.end):
            name = self.strip_title(self.doc[ent.start : max(ent.end, head.i + 1)])
            return self._remember_head(name, head), False
        # a description: the noun phrase up to its head, or the whole phrase when coordinated
        if any(c.dep_ in ("cc", "conj") for c in head.children) or head.dep_ == "preconj":
            span = phrase
        else:
            span = self.doc[max(head.left_edge.i, phrase.start) : head.i + 1]
        name = self.strip_title(span)
        known = self._heads.get(head.lemma_.lower())
        if known is not None and len(name.split()) <= 1:  # "the army" after "the Syrian army"
            return known, False
        return self._remember_head(name, head), False

    def _name_after_title(self, head: Token) -> Span | None:
        """The person entity right after ``head`` when ``head`` is a title ("Sgt", "Lt."), with
        the title's dot split off or not."""
        if head.lower_ not in self.rules.titles and head.lower_ + "." not in self.rules.titles:
            return None
        after = head.i + 1
        if after < len(self.doc) and self.doc[after].text == "." and not head.whitespace_:
            after += 1
        return next((e for e in self._ents if e.start == after and e.label_ in PERSON_LABELS), None)

    def _remember_head(self, name: str, head: Token) -> str:
        self._heads.setdefault(head.lemma_.lower(), name)
        return name
