"""Cues from the parse: stage 2 of ``storyweave.nlp.quotes``.

A cue verb from ``rules/quotes/cues.toml`` with its content complement and its
subject ("Peskov said that ...", "X wants to ...", "polls show ..."), "according
to X" and fronted "in a new poll, ..." phrases, and "Name: ..." lines (headlines
and transcript turns). Each becomes a ``Draft``: character ranges that
``storyweave.nlp.quotes`` joins with quote marks and turns into ``Quote``s. A
speech cue without a complement ("he told reporters") stays bare, to own a
direct quote nearby, and keeps its next reading ("questioned [the plan]") as a
fallback for when no quote attaches to it.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass

import numpy
from spacy.strings import hash_string
from spacy.tokens import Doc, Span, Token

from storyweave.nlp.quotes.marks import CLOSE_DOUBLE, CLOSE_SINGLE, STRAIGHT
from storyweave.nlp.quotes.speakers import SUBJECT_DEPS, find_subject, speaker_phrase
from storyweave.nlp.texts import doc_text
from storyweave.rulefiles import read_toml, rule_path

#: participles modifying a noun ("a statement posted on Facebook", "groups opposing
#: the regime") describe the noun; they do not report anything
NOT_CUE_DEPS = ("acl", "amod", "compound")
#: closing quote marks, as tokens (and the doubled apostrophe some archives use for one)
CLOSING_MARKS = (CLOSE_DOUBLE, STRAIGHT, CLOSE_SINGLE, "''")
#: the longest name before a line-opening colon ("Sen. Bernie Sanders:") taken as a speaker
MAX_COLON_SPEAKER = 6
#: cue groups whose cue needs a speaker: without one, "stance" verbs describe rather than attribute
SOURCED_GROUPS = ("stance",)
#: cue groups an active participle modifying its speaker may belong to ("a tweet saying ...")
PARTICIPLE_GROUPS = ("speech", "cognition", "intention", "evidence")
#: right-hand dependents that continue a nominal content ("show Clinton up by ten points")
TAIL_DEPS = ("prt", "prep", "oprd", "advmod", "xcomp", "ccomp", "dobj", "npadvmod", "acomp")
#: tags of a relative or interrogative pronoun fronted as the cue's object ("what he called ...")
WH_TAGS = ("WP", "WDT")


@dataclass(frozen=True)
class CueGroup:
    """One ``[groups.NAME]`` of the cue rules: where content and speaker are found."""

    name: str
    deps: tuple[str, ...]  # dependency labels of the content's subtrees
    speaker: str = "subject"  # "subject", "agent" ("is expected by X") or "none" ("X seems to ...")
    requires: str | None = None  # a child label the verb must have ("nsubjpass" for passives)
    kind: str = ""  # the quotes' kind when not the group's name


@dataclass(frozen=True)
class CueRules:
    """Cue lexicon from ``rules/quotes/cues.toml``."""

    verbs: dict[str, tuple[CueGroup, ...]]  # lemma -> groups, tried in file order
    phrasal: dict[str, frozenset[str]]
    according: tuple[tuple[str, ...], ...]
    colon_labels: frozenset[str] = frozenset()  # "Update:", "Note:": not speakers before a colon
    colon_topics: frozenset[str] = frozenset()  # "Kraft Shooting:": what the line is about, not who
    any_phrasal: frozenset[str] = frozenset()  # prepositions that follow any cue verb ("warned about")
    source_preps: tuple[str, ...] = ()
    source_nouns: frozenset[str] = frozenset()
    nouns: NominalCues | None = None
    adjectives: NominalCues | None = None


@dataclass(frozen=True)
class NominalCues:
    """``[nouns]`` or ``[adjectives]`` of the cue rules: cue words that are not verbs."""

    words: frozenset[str]
    deps: tuple[str, ...]  # clausal dependents that hold the content
    preps: frozenset[str]  # prepositions whose object is the content ("criticism of ...")


@functools.lru_cache(maxsize=1)
def load_cue_rules() -> CueRules:
    """Read the cue lexicon once per process."""
    raw = read_toml(rule_path("storyweave.nlp", "rules", "quotes", "cues.toml"))
    verbs: dict[str, list[CueGroup]] = {}
    for name, spec in raw["groups"].items():
        group = CueGroup(
            name,
            tuple(spec["deps"]),
            spec.get("speaker", "subject"),
            spec.get("requires"),
            spec.get("kind", ""),
        )
        # `verbs_of`: the group also reads every verb of the groups it names
        members = list(spec.get("verbs", ()))
        members += [v for other in spec.get("verbs_of", ()) for v in raw["groups"][other]["verbs"]]
        for verb in dict.fromkeys(members):
            verbs.setdefault(verb, []).append(group)
    return CueRules(
        # groups with a requirement (passives) first: they are the more specific reading
        verbs={
            verb: tuple(sorted(groups, key=lambda g: g.requires is None)) for verb, groups in verbs.items()
        },
        phrasal={verb: frozenset(preps) for verb, preps in raw["phrasal"].items() if verb != "any"},
        any_phrasal=frozenset(raw["phrasal"].get("any", ())),
        colon_labels=frozenset(raw.get("colon", {}).get("labels", ())),
        colon_topics=frozenset(raw.get("colon", {}).get("topics", ())),
        according=tuple(tuple(p.split()) for p in raw["according"]["phrases"]),
        source_preps=tuple(raw["according"].get("source_preps", ())),
        source_nouns=frozenset(raw["according"].get("source_nouns", ())),
        nouns=_nominal(raw.get("nouns")),
        adjectives=_nominal(raw.get("adjectives")),
    )


def _nominal(spec: dict | None) -> NominalCues | None:
    if not spec:
        return None
    return NominalCues(frozenset(spec["words"]), tuple(spec["deps"]), frozenset(spec.get("preps", ())))


@dataclass
class Draft:
    """A quote being assembled: token ranges before they become a ``Quote``."""

    cue: Span | None
    speaker: Span | None
    speaker_head: Token | None
    parts: list[tuple[int, int]]  # character ranges
    kind: str
    direct: bool = False
    quoted: bool = False  # holds quoted words, as all or part of its content
    #: a bare speech cue's next reading ("questioned [the health of X]"): used when no
    #: quote mark attaches to the bare cue
    fallback: Draft | None = None

    @property
    def start(self) -> int:
        return min(s for s, _ in self.parts)

    @property
    def end(self) -> int:
        return max(e for _, e in self.parts)


def trimmed(doc: Doc, start: int, end: int) -> tuple[int, int] | None:
    """Token range without edge punctuation and conjunctions, as characters."""
    while start < end and (doc[start].is_punct or doc[start].is_space or doc[start].dep_ == "cc"):
        if doc[start].text in '“"‘':
            break
        start += 1
    while end > start and (doc[end - 1].is_punct or doc[end - 1].is_space or doc[end - 1].dep_ == "cc"):
        if doc[end - 1].text in '”"’':
            break
        end -= 1
    if end <= start:
        return None
    return doc[start].idx, doc[end - 1].idx + len(doc[end - 1].text)


def _subtree_range(token: Token, exclude: Token) -> tuple[int, int]:
    """The token range of ``token``'s subtree, stopping short of ``exclude``."""
    start, end = token.left_edge.i, token.right_edge.i + 1
    if start <= exclude.i < end:
        if token.i < exclude.i:
            end = exclude.i
        else:
            start = exclude.i + 1
    return start, end


def _content_children(verb: Token, deps: tuple[str, ...], rules: CueRules) -> list[Token]:
    children = [c for c in verb.children if c.dep_ in deps]
    if "ccomp" in deps:  # "said that X, and that Y": the parser hangs Y off the cue as a conjunct
        children.extend(
            c
            for c in verb.children
            if c.dep_ == "conj" and any(g.dep_ == "mark" and g.lower_ == "that" for g in c.children)
        )
    preps = rules.phrasal.get(verb.lemma_.lower(), rules.any_phrasal)
    for child in verb.children:  # "called for ...", "pointed to ..."
        if child.dep_ in ("prep", "prt") and child.lower_ in preps:
            children.extend(g for g in child.children if g.dep_ in ("pobj", "pcomp"))
            if child.dep_ == "prt":
                children.extend(c for c in verb.children if c.dep_ in ("dobj", "ccomp"))
        elif child.dep_ == "advcl" and any(g.dep_ == "mark" and g.lower_ in preps for g in child.children):
            children.append(child)  # "calling for the US to step up ...", parsed as "for" + a clause
    return children


def find_cues(doc: Doc, rules: CueRules, text: str | None = None) -> list[Draft]:
    """Cue verbs with their content complement and subject, in text order."""
    text = doc.text if text is None else text
    drafts = []
    # Token objects are costly to create: find candidate positions on the attribute arrays
    # first and build tokens only there (this keeps the component a few % of the parse)
    lemma_hashes = numpy.fromiter((hash_string(v) for v in rules.verbs), dtype=numpy.uint64)
    for i in numpy.flatnonzero(numpy.isin(doc.to_array("LEMMA"), lemma_hashes)):
        token = doc[int(i)]
        groups = rules.verbs.get(token.lemma_.lower())
        if groups is None or token.pos_ not in ("VERB", "AUX") or not _may_cue(token):
            continue
        bare = None
        for group in groups:
            if group.requires and not any(c.dep_ == group.requires for c in token.children):
                continue
            if token.dep_ == "acl" and group.name not in PARTICIPLE_GROUPS:
                continue
            draft = _draft_for(doc, text, token, group, rules)
            if draft is None:
                continue
            if draft.parts:
                if bare is not None:  # the bare speech cue keeps its claim on quote marks
                    bare.fallback = draft
                    draft = bare
                drafts.append(draft)
                break
            if bare is None:
                bare = draft
        else:
            if bare is not None:
                drafts.append(bare)
    drafts.extend(_according(doc, rules))
    drafts.extend(_source_phrases(doc, rules))
    drafts.extend(_colon_headlines(doc, text, rules))
    return drafts


def _may_cue(token: Token) -> bool:
    """Not a participle describing a noun ("a statement posted on Facebook", "groups opposing
    the regime"), unless it is an active participle of speech or thought whose noun is the one
    speaking ("a tweet saying that ...", "a letter warning that ...")."""
    if _headline_passive(token):
        return False
    if token.dep_ not in NOT_CUE_DEPS or (token.dep_ == "acl" and token.tag_ == "VBG"):
        return True
    # "“...,” Ash wrote in the email": a verb right after a closing mark, with its own subject
    # there, reports the quote even when the parser hangs it off a noun inside it
    doc = token.doc
    return any(
        c.dep_ == "nsubj"
        and c.i < token.i
        and c.left_edge.i > 0
        and doc[c.left_edge.i - 1].text in CLOSING_MARKS
        for c in token.children
    )


def _headline_passive(token: Token) -> bool:
    """A past form that ends a headline: headlines drop the passive's "is" ("Woman Killed in
    Hit-Run, Driver Charged" is no driver charging anything). A headline's attribution is
    in the present ("..., Army Says"), and a line ending in a full stop is a sentence."""
    if token.tag_ not in ("VBD", "VBN") or not token.text[:1].isupper():
        return False
    text = doc_text(token.doc)
    end = text.find("\n", token.idx)
    rest = text[token.idx + len(token.text) : end if end != -1 else len(text)]
    return not rest.strip(" \t\u00a0")


def _colon_headlines(doc: Doc, text: str, rules: CueRules) -> Iterable[Draft]:
    """ "Trump: I'm not interested in being vice president": a name and a colon open a line."""
    for i in numpy.flatnonzero(doc.to_array("ORTH") == hash_string(":")):
        token = doc[int(i)]
        line_start = text.rfind("\n", 0, token.idx) + 1
        while line_start < token.idx and text[line_start] in '"“‘ ':  # a transcript turn: “PENCE: ...
            line_start += 1
        first = doc.char_span(line_start, token.idx, alignment_mode="expand")
        if first is None or not 0 < len(first) <= MAX_COLON_SPEAKER or first.start >= token.i:
            continue
        # a name, or a transcript's capitalised label ("SMITH:", which the tagger may read as a noun)
        if not any(
            t.pos_ == "PROPN"
            or t.ent_type_ in ("PERSON", "ORG")
            or (t.is_upper and t.is_alpha and len(t) > 1)
            or (t.is_title and t.pos_ == "NOUN")  # "Trump: ..." read as a noun, "Poll: ..."
            for t in first
        ) or any(t.pos_ in ("VERB", "AUX") for t in first):
            continue
        if first.text.lower() in rules.colon_labels:
            continue  # "Update: ...", "Editor's note: ...": page labels, not speakers
        if first[-1].lower_ in rules.colon_topics:
            continue  # "Kraft Shooting: ...", "Hama Offensive: ...": the topic, not a speaker
        if _only_places(first):
            continue  # "War-Zone Athens: ...", "GAZA CITY: ...": where, not who
        line_end = text.find("\n", token.idx)
        piece = (token.idx + 1, len(text) if line_end < 0 else line_end)
        if len(text[piece[0] : piece[1]].split()) < 3:
            continue
        speaker = doc[first.start : token.i]
        yield Draft(doc[token.i : token.i + 1], speaker, speaker.root, [piece], "speech")


def _only_places(span) -> bool:
    """Whether the named words of ``span`` are all places (a dateline before a colon)."""
    named = [t for t in span if t.ent_type_]
    return bool(named) and all(t.ent_type_ in ("GPE", "LOC", "FAC") for t in named)


def in_paragraph(text: str, ranges: list[tuple[int, int]], anchor: int) -> list[tuple[int, int]]:
    """Ranges cut to the cue's paragraph: the parser runs sentences across page furniture."""
    start = text.rfind("\n", 0, anchor) + 1
    end = text.find("\n", anchor)
    end = len(text) if end < 0 else end
    clipped = [(max(s, start), min(e, end)) for s, e in ranges]
    return [(s, e) for s, e in clipped if e - s > 1 and text[s:e].strip()]


def _continues_content(child: Token) -> bool:
    """A right-hand dependent of the cue that goes on with a nominal content: a tail
    dependent, or an infinitive the parser hung off the verb with no comma before it
    ("defended his call [to raise the wage]")."""
    if child.dep_ in TAIL_DEPS:
        return True
    return (
        child.dep_ == "advcl"
        and child.doc[child.left_edge.i - 1].dep_ != "punct"
        and any(c.dep_ == "aux" and c.tag_ == "TO" for c in child.children)
    )


#: tags of a verb or auxiliary that make a clause finite
FINITE_TAGS = frozenset(["VBD", "VBZ", "VBP", "MD"])


def _small_clause(verb: Token) -> bool:
    """Whether a complement clause has no finite verb: an object with an infinitive or a
    participle ("allowed [him to escape]", "found [Gigante standing naked]"), which tells what
    someone perceived or permitted, not a proposition someone believes ("found [that the
    brakes had failed]")."""
    return verb.tag_ not in FINITE_TAGS and not any(
        c.dep_ in ("aux", "auxpass") and c.tag_ in FINITE_TAGS for c in verb.children
    )


def _draft_for(doc: Doc, text: str, token: Token, group: CueGroup, rules: CueRules) -> Draft | None:
    """The attribution ``token`` cues when read as ``group``, or None when it has no content."""
    ranges = []
    for child in _content_children(token, group.deps, rules):
        if group.name == "cognition" and child.dep_ == "ccomp" and _small_clause(child):
            continue  # "found Gigante standing naked", "allowed him to escape": no belief stated
        start, end = _subtree_range(child, token)
        if child.dep_ == "xcomp":  # "urged [voters] to ...": the one asked belongs to the content
            objects = [c.left_edge.i for c in token.children if c.dep_ == "dobj" and token.i < c.i < child.i]
            start = min([start] + objects)
        if child.dep_ in ("dobj", "xcomp", "pobj") and child.i > token.i:
            # "polls show [Clinton] [up] [by ten points]": a nominal content goes on
            # through the verb's other right-hand dependents
            end = max([end] + [c.right_edge.i + 1 for c in token.rights if _continues_content(c)])
        elif child.dep_ == "dobj" and end - start == 1 and child.tag_ in WH_TAGS:
            # "who he dubbed [“the little senator”]": a fronted relative pronoun says nothing
            # alone; the content is the pronoun with what follows the verb, or no content
            tails = [c for c in token.rights if c.dep_ in TAIL_DEPS]
            if not tails:
                continue
            ranges.extend(p for p in [trimmed(doc, tails[0].left_edge.i, tails[-1].right_edge.i + 1)] if p)
        piece = trimmed(doc, start, end)
        if piece:
            ranges.append(piece)
    ranges = in_paragraph(text, ranges, token.idx)
    if (
        ranges
        and group.speaker != "subject"
        and not (group.speaker == "agent" and any(c.dep_ == "agent" for c in token.children))
        and not any(c.dep_ not in SUBJECT_DEPS for c in _content_children(token, group.deps, rules))
    ):
        return None  # "X seems" alone: only the subject, no complement (but "X was praised by Y")
    if (
        not ranges
        and group.name == "speech"
        and token.dep_ in ("parataxis", "ccomp")
        and not any(c.dep_ == "mark" for c in token.children)
    ):
        # "Russia is assessing ..., Peskov said" and "Like X, Graham said, Y was ...": the
        # cue hangs off the content's verb; the content is that clause around the cue. The
        # parser may hang it on a noun of that clause instead ("X took over the airport,
        # Serdar said, “one of the largest in Syria”"): the clause is the noun's verb's.
        # A cue its own clause subordinates ("it was not until 1997 that a jury agreed")
        # comments on nothing around it.
        head = token.head
        while head.pos_ not in ("VERB", "AUX") and head.head.i != head.i:
            head = head.head
        for start, end in (
            (head.left_edge.i, token.left_edge.i),
            (token.right_edge.i + 1, head.right_edge.i + 1),
        ):
            piece = trimmed(doc, start, end) if end - start > 1 else None
            if piece:
                ranges.append(piece)
        ranges = in_paragraph(text, ranges, token.idx)
    if not ranges and group.name != "speech":  # a bare speech cue may still own a direct quote
        return None
    subject = None
    if group.speaker == "subject":
        subject = find_subject(token)
        if subject is not None and group.name == "speech" and subject.dep_ == "nsubjpass" and subject.head.i == token.i:
            # "Subryan was charged with DWI, the DA said", "he was told that ...": the passive
            # subject of a speech verb is who it is about or to, never who speaks
            return None
        if subject is not None and _expletive(subject, token):
            subject = None  # "it was reported that ...": no one is named as the source
        if subject is None and token.i + 1 < len(doc) and doc[token.i + 1].pos_ in ("PRON", "PROPN"):
            subject = doc[token.i + 1]  # inverted "..., said he" that the parser misreads
    elif group.speaker == "agent":
        agents = [g for c in token.children if c.dep_ == "agent" for g in c.children if g.dep_ == "pobj"]
        subject = agents[0] if agents else None
    speaker = speaker_phrase(subject, token) if subject is not None else None
    if speaker is None and group.name in SOURCED_GROUPS:
        return None  # "endorsing the plan" with nobody endorsing: a description, not an attribution
    ranges = merge_ranges(ranges)
    if speaker is not None:
        ranges = _cut_at(ranges, speaker, text)
    return Draft(doc[token.i : token.i + 1], speaker, subject, ranges, group.kind or group.name)


def _cut_at(ranges: list[tuple[int, int]], speaker, text: str) -> list[tuple[int, int]]:
    """Content ranges cut where the speaker's phrase begins: the parser may hang a title of
    the speaker on the content ("..., Troy police Lt. Gerry Scherlinck said")."""
    out = []
    for start, end in ranges:
        if start < speaker.start_char < end:
            end = start + len(text[start : speaker.start_char].rstrip(" ,;:\n\t—–-"))
        if end > start:
            out.append((start, end))
    return out


def _expletive(subject: Token, cue: Token) -> bool:
    """Whether ``subject`` is the empty "it" of a passive cue with a clause ("it was reported
    that ...", "it is believed that ..."), which the pronoun resolver would otherwise name."""
    return (
        subject.lower_ == "it"
        and subject.dep_ in ("nsubjpass", "expl")
        and subject.head.i == cue.i
        and any(c.dep_ == "ccomp" for c in cue.children)
    )


def _according(doc: Doc, rules: CueRules) -> Iterable[Draft]:
    """ "..., according to X": X is the speaker, the rest of the clause the content."""
    lowers = doc.to_array("LOWER")
    for phrase in rules.according:
        n = len(phrase)
        for i in numpy.flatnonzero(lowers == hash_string(phrase[0])):
            token = doc[int(i)]
            if token.i + n > len(doc):
                continue
            if tuple(t.lower_ for t in doc[token.i : token.i + n]) != phrase:
                continue
            cue = doc[token.i : token.i + n]
            objects = [t for t in cue[-1].children if t.dep_ == "pobj"] or [
                t for t in cue[0].children if t.dep_ == "pobj"
            ]
            speaker = speaker_phrase(objects[0], cue[-1]) if objects else None
            sent_start, sent_end = _sentence_bounds(doc, token.i)
            skip_end = max(cue.end, speaker.end if speaker is not None else cue.end)
            pieces = [trimmed(doc, sent_start, cue.start), trimmed(doc, skip_end, sent_end)]
            pieces = [p for p in pieces if p and p[1] - p[0] > 1]
            if pieces:
                yield Draft(cue, speaker, objects[0] if objects else None, pieces, "according")


def _source_phrases(doc: Doc, rules: CueRules) -> Iterable[Draft]:
    """ "In a CNN poll, Clinton led by five points", "in his view, the deal ...": a phrase
    whose object names a source heads a clause that is not otherwise attributed."""
    if not rules.source_nouns:
        return
    lowers = doc.to_array("LOWER")
    preps = numpy.fromiter((hash_string(p) for p in rules.source_preps), dtype=numpy.uint64)
    for i in numpy.flatnonzero(numpy.isin(lowers, preps)):
        prep = doc[int(i)]
        verb = prep.head
        if prep.dep_ != "prep" or verb.pos_ not in ("VERB", "AUX") or verb.lemma_.lower() in rules.verbs:
            continue  # "said in a statement": the verb is the cue
        if prep.i > verb.i:
            continue  # only a fronted phrase frames the clause ("surging in the polls" does not)
        objects = [c for c in prep.children if c.dep_ == "pobj" and c.lemma_.lower() in rules.source_nouns]
        if not objects:
            continue
        sent_start, sent_end = _sentence_bounds(doc, prep.i)
        start, end = max(verb.left_edge.i, sent_start), min(verb.right_edge.i + 1, sent_end)
        pieces = [trimmed(doc, start, prep.left_edge.i), trimmed(doc, prep.right_edge.i + 1, end)]
        pieces = [p for p in pieces if p and p[1] - p[0] > 1]
        if pieces:
            speaker = doc[objects[0].left_edge.i : prep.right_edge.i + 1]
            yield Draft(doc[prep.i : prep.i + 1], speaker, objects[0], pieces, "according")


def _sentence_bounds(doc: Doc, i: int) -> tuple[int, int]:
    """The token range of the sentence holding token ``i`` (``Token.sent`` scans the whole doc)."""
    start = i
    while start > 0 and not doc[start].is_sent_start:
        start -= 1
    end = i + 1
    while end < len(doc) and not doc[end].is_sent_start:
        end += 1
    return start, end


def merge_ranges(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sorted character ranges with overlapping or touching ones (a space apart) joined."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(ranges):
        if merged and start <= merged[-1][1] + 2:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged
