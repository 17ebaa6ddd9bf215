"""Claim units: the sentences, or main clauses of compound sentences, that state something.

A reader must understand a claim without the article, so a unit is never a relative
clause, an infinitive or a participle phrase on its own: it is a whole sentence, or one
of the independent clauses of a compound sentence ("Rebels entered Hama on Thursday, and the army
withdrew" is two units, each with its own subject and finite verb). Stages, numbered
as in the code:

1. skip lines that are no statement: furniture and boilerplate (``units.toml``),
   questions, datelines and lines without a finite verb of their own;
2. split a sentence at its top-level coordinated or paratactic clauses that have their
   own subject (never inside reported speech, which stays with its cue);
3. keep the pieces with a finite verb and at least ``min_words`` words; a piece too short
   to stand alone ("His wife survived, but ...") stays with the clause after it, or before
   it when it is the last; a short sentence whose subject is a pronoun ("He was 75.") is
   kept only if its display text names who it is about (``Unit.short``);
4. a statement sentence the parser gave no finite verb at all, where a noun comes before a
   past-tense form it tagged as a participle ("The actress re-hired attorney Shawn Holley";
   the small English model often reads the "-ed" form so), is one unit as it stands.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.tokens import Span, Token

from storyweave.nlp.claims.parts import ClaimRules

SUBJECT_DEPS = ("nsubj", "nsubjpass", "expl", "csubj")
#: a clause opened by a wh-word, a subordinator or an infinitive marker ("to beat raps") depends
#: on another: it is never a unit
SUBORDINATE_TAGS = frozenset(["WRB", "WP", "WDT", "WP$", "IN", "TO"])
#: dependencies of a top-level verb that may head an independent clause of their own
CLAUSE_DEPS = ("conj", "parataxis")
TRAILING = frozenset([",", ";", ":", "—", "–", "-", "and", "but", "or", "so", "yet", "while", "whereas"])
_END_MARKS = (".", "!", "?", "\"", "”", "’", "'", ")", "…")


@dataclass(frozen=True)
class Unit:
    """One claim unit: tokens ``[first, last]`` of the doc, the verb heading it, its line."""

    first: int
    last: int
    verb: Token
    headline: bool
    #: a whole sentence too short to stand alone unless its pronoun names someone ("He was
    #: 75." reads alone as "[Fred LaRue] was 75."): the caller keeps it only then
    short: bool = False


def is_question(text: str) -> bool:
    return text.strip().rstrip("”\"’' )").endswith("?")


def is_title_line(text: str) -> bool:
    """A line that does not end like a sentence: a headline, a standfirst or a subheading."""
    line = text.strip()
    return bool(line) and not line.endswith(_END_MARKS)


_WORDS = re.compile(r"[^\W\d_]+")


def is_dateline(line: str, rules: ClaimRules) -> bool:
    """A line of dates and times only ("December 22nd, 2008 8:55 am")."""
    words = [w.lower() for w in _WORDS.findall(line)]
    return bool(re.search(r"\d", line)) and all(w in rules.dateline_words for w in words)


def skipped_line(line: str, rules: ClaimRules) -> bool:
    """Furniture, boilerplate lines (``units.toml``) and datelines."""
    line = line.strip()
    return not line or any(p.search(line) for p in rules.skip) or is_dateline(line, rules)


def claim_sentences(doc, text: str):
    """The parser's sentences, with the ones it broke off mid-sentence put back.

    A piece that starts on the line of the previous sentence, in lower case or with a
    bracket ("and that “to safeguard ...”", "[Iraq’s prime minister] again ...") continues
    it; it is yielded as part of the previous sentence, with ``merged`` True. So does any
    piece after one with no verb and no closing mark on the same line: the parser ends a
    sentence before a quote mark now and then ("Mob boss Vincent" | "\"The Chin\" Gigante
    ... died Monday"). So does an elliptical sentence ("Nor is Windows Server 2012."), even
    where it opens a paragraph: its predicate is the sentence's before it.
    """
    pending = None
    for sent in doc.sents:
        first = next((t for t in sent if not (t.is_space or t.is_quote or t.text in "“\"'‘")), None)
        same_line = pending is not None and "\n" not in text[_text_end(pending[0]) : sent.start_char]
        continues = pending is not None and first is not None and (
            (
                same_line
                and (first.text[:1].islower() or first.text[:1] in "[(" or _verbless(pending[0]))
                and not _ends_sentence(pending[0])
            )
            or _elliptical(sent, first)  # a paragraph of its own too: "...are not affected.\n\nNor is ..."
        )
        if continues:
            pending = (doc[pending[0].start : sent.end], True)
            continue
        if pending is not None:
            yield pending
        pending = (sent, False)
    if pending is not None:
        yield pending


#: the words that open an elliptical sentence or clause before an auxiliary and its subject
#: ("Nor is Windows Server 2012.", "and so were the two women", "Neither did the police.")
ELLIPSIS_OPENERS = frozenset(["nor", "so", "neither"])
AUXILIARY_LEMMAS = frozenset(["be", "do", "have", "will", "would", "can", "could", "shall", "should", "may",
                              "might", "must"])


def _elliptical(sent: Span, first: Token) -> bool:
    """Whether a sentence is an elliptical inversion whose predicate is the sentence before
    ("Nor is Windows Server 2012."). "Neither was charged" and "So is it?" are no such
    sentence: a verb, an adjective or a question follows."""
    return first.text[:1].isupper() and _inverted_ellipsis(first) and sent.root.i == first.i + 1 \
        and not sent.text.rstrip().endswith("?")


def _inverted_ellipsis(opener: Token) -> bool:
    """Whether ``opener`` opens an elliptical inversion: "nor", "so" or "neither", then an
    auxiliary, then its subject ("so were the two women", not "so was charged")."""
    doc = opener.doc
    i = opener.i
    if opener.lower_ not in ELLIPSIS_OPENERS or i + 2 >= len(doc):
        return False
    aux = doc[i + 1]
    if aux.lemma_.lower() not in AUXILIARY_LEMMAS and aux.tag_ != "MD":
        return False
    return doc[i + 2].pos_ in ("DET", "PROPN", "NOUN", "PRON", "NUM")


def _text_end(span: Span) -> int:
    """Where the span's last word ends (a sentence may hold the line break after it)."""
    last = next((t for t in reversed(span) if not t.is_space), None)
    return last.idx + len(last.text) if last is not None else span.end_char


def _verbless(span: Span) -> bool:
    return not any(t.pos_ in ("VERB", "AUX") for t in span)


def _ends_sentence(span: Span) -> bool:
    last = next((t for t in reversed(span) if not t.is_space), None)
    return last is not None and last.text.endswith((".", "!", "?"))


def _has_subject(verb: Token) -> bool:
    return any(c.dep_ in SUBJECT_DEPS for c in verb.children)


def _finite(tokens, rules: ClaimRules) -> bool:
    return any(t.tag_ in rules.finite_tags for t in tokens)


#: the tags of an "-ed" form the small model may give a finite past-tense verb
PAST_FORMS = frozenset(["VBN", "VBD"])
#: a past form with one of these children is a real participle ("had checked", "was killed")
PARTICIPLE_CHILDREN = frozenset(["aux", "auxpass"])


def _misread_past(sent: Span, rules: ClaimRules) -> Token | None:
    """The verb of a statement sentence that the parser left without a finite verb although
    a past-tense form follows a noun ("The 26-year troubled starlet narrowly avoided jail
    time by ...", "At the end of July, an armed man carried out a robbery ..."): the first
    such form, or None."""
    words = [t for t in sent if not (t.is_punct or t.is_space)]
    if len(words) < rules.min_words + 2:
        return None
    seen_noun = False
    for token in words:
        if token.pos_ in ("NOUN", "PROPN", "PRON"):
            seen_noun = True
        elif (seen_noun and token.pos_ == "VERB" and token.tag_ in PAST_FORMS
              and not any(c.dep_ in PARTICIPLE_CHILDREN for c in token.children)):
            return token
    return None


def _in_number_list(token: Token) -> bool:
    """Whether a token is the last item of a list of numbers ("IE6, 7, 8, 9, 10, and 11 on
    Windows XP"): the parser may make it a clause of its own, which would start mid-list."""
    doc, i = token.doc, token.i
    return (token.like_num and i >= 3 and doc[i - 1].lower_ in ("and", "or") and doc[i - 2].text == ","
            and doc[i - 3].like_num)


def _clause_heads(sent: Span, rules: ClaimRules) -> list[Token]:
    """The root and the top-level clauses coordinated with it that have their own subject.

    Reported speech is one unit with its cue ("X said rebels took Hama and the army
    withdrew"): only the root's own coordination is split, and a paratactic speech verb
    ("…, Serdar said") is the cue of what precedes it, not a clause of its own.
    """
    heads = [sent.root]
    queue = [sent.root]
    while queue:
        verb = queue.pop()
        for child in verb.children:
            if (
                child.dep_ in CLAUSE_DEPS
                and child.pos_ in ("VERB", "AUX")
                and _has_subject(child)
                and child.lemma_.lower() not in rules.reporting
                and child.left_edge.tag_ not in SUBORDINATE_TAGS  # "... and how they turn the tide"
                and not _in_number_list(child.left_edge)
                and not _inverted_ellipsis(child.left_edge)  # "..., and so were the two women"
                and _finite(child.subtree, rules)
            ):
                heads.append(child)
                queue.append(child)
    return sorted(heads, key=lambda t: t.left_edge.i)


def _opens_quote_closed_in(doc, first: int, last: int) -> bool:
    """Whether ``doc[first]`` opens a quotation that closes within the unit: cut off, the
    unit would show a reader a closing mark with no opening one."""
    mark = doc[first].text
    if mark == "“":
        return any(doc[i].text == "”" for i in range(first + 1, last + 1))
    if mark == '"':
        return sum(doc[i].text == '"' for i in range(first, last + 1)) % 2 == 0
    return False


def _trim(doc, first: int, last: int) -> tuple[int, int]:
    while first <= last and (doc[first].is_space or doc[first].is_punct or doc[first].lower_ in TRAILING):
        if _opens_quote_closed_in(doc, first, last):
            break  # '"We will rebuild," the mayor said.' keeps its opening mark
        if doc[first].is_alpha and first < last and doc[first].head.i == first + 1 and doc[first + 1].is_alpha:
            break  # "So far, ...", "Yet another ...": the word modifies the next, it joins nothing
        first += 1
    while last >= first and (doc[last].is_space or doc[last].lower_ in TRAILING or (
        doc[last].is_punct and doc[last].text not in _END_MARKS
    )):
        last -= 1
    return first, last


def sentence_units(sent: Span, text: str, rules: ClaimRules, merged: bool = False) -> list[Unit]:
    """The claim units of one sentence (``text`` is the article text); a ``merged`` sentence
    (see :func:`claim_sentences`) is one unit, since its parse has two roots."""
    sent_text = text[sent.start_char : sent.end_char]
    if is_question(sent_text):
        return []
    headline = is_title_line(sent_text)
    if not _finite(sent, rules):
        verb = None if headline else _misread_past(sent, rules)
        if verb is None:
            return []
        first, last = _trim(sent.doc, sent.start, sent.end - 1)
        return [Unit(first, last, verb, headline)] if first <= last else []
    heads = [sent.root] if merged else _clause_heads(sent, rules)
    # each head's clause runs from its left edge to the next head's left edge: the root
    # clause first, then each coordinated clause (which the parser puts to its right)
    bounds = [sent.start] + [h.left_edge.i for h in heads[1:]] + [sent.end]
    pieces = []
    for n, head in enumerate(heads):
        first, last = _trim(sent.doc, bounds[n], bounds[n + 1] - 1)
        if first <= last:
            pieces.append([first, last, head])
    pieces = _short_pieces_joined(sent.doc, pieces, rules)
    units = []
    for first, last, head in pieces:
        tokens = sent.doc[first : last + 1]
        if not _finite(tokens, rules):
            continue
        if _words(tokens) < rules.min_words:
            if len(pieces) == 1 and not headline and any(t.pos_ == "PRON" and t.dep_ in ("nsubj", "nsubjpass")
                                                         for t in tokens):
                units.append(Unit(first, last, tokens.root, headline, short=True))
            continue
        verb = head if first <= head.i <= last else tokens.root
        units.append(Unit(first, last, verb, headline))
    return units


def _words(tokens) -> int:
    return sum(1 for t in tokens if not (t.is_punct or t.is_space))


def _short_pieces_joined(doc, pieces: list[list], rules: ClaimRules) -> list[list]:
    """A clause with a finite verb but too few words to stand alone ("His wife survived")
    joins the clause after it (the last one joins the one before), keeping the head of the
    other: dropped, it would lose a fact; alone, it would be a fragment."""
    out: list[list] = []
    carry = None
    for first, last, head in pieces:
        if carry is not None:
            first, carry = carry[0], None
        short = _words(doc[first : last + 1]) < rules.min_words and _finite(doc[first : last + 1], rules)
        if short and len(pieces) > 1:
            carry = [first, last, head]
            continue
        out.append([first, last, head])
    if carry is not None:
        if out:
            out[-1][1] = carry[1]
        else:
            out.append(carry)
    return out
