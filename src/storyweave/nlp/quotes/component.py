"""Quotes and reported speech with their speakers: the ``storyweave_quotes`` component.

Works on a parsed ``Doc`` (parser and NER) in four numbered stages, in the spirit
of textacy's ``direct_quotations`` and the Gender Gap Tracker's rule-based
quote extractor, extended to reported speech and the cue kinds PolNeAR annotates:

1. quote marks: straight, curly and single marks paired per paragraph, with
   quotes that run on into the next paragraph;
2. cues from the parse: a cue verb (``rules/quotes/cues.toml``) with a subject
   and a content complement ("Peskov said that ...", "X wants to ...", "polls show
   ..."), "according to X" and "in a new poll, ..." phrases (``storyweave.nlp.quotes.cues``),
   and cue nouns and adjectives ("Trump's claim that ...", "X is confident that ...",
   ``storyweave.nlp.quotes.nominal_cues``);
3. direct quotes attached to their cue: inside its content, around it ("“...,”
   Serdar said, “...”"), after a colon (with a cue verb before it, or the colon alone
   ending the clause that introduces the quote: "Trump went even further: “...”"), or
   signed by a dash and a name ("“...” ― Krystal Correa"); a quote that follows a quote
   in the same or the next paragraph with no cue continues that quote, past the cue's
   own sentence ("“...,” said Paul H. Chipok, a lawyer. “...”"); a speech cue no
   quote attached to takes its next reading ("questioned the plan"), and a quote inside
   that reading makes it the content ("promised to “end” the program");
4. speakers resolved inside the article (``storyweave.nlp.quotes.speakers``).

A partial quote inside reported speech ("the army said it was redeploying “to
preserve civilian lives”") is one quote with the whole reported content and
``direct=False``: the quoted words are part of what was reported.
"""

from __future__ import annotations

import bisect
import logging
import re
from collections.abc import Callable

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from storyweave.nlp.extensions import register_extensions
from storyweave.nlp.quotes.cues import CueRules, Draft, find_cues, load_cue_rules, merge_ranges
from storyweave.nlp.quotes.marks import MarkSpan, find_quote_marks
from storyweave.nlp.quotes.nominal_cues import find_nominal_cues
from storyweave.nlp.quotes.speakers import SpeakerResolver, find_subject, speaker_phrase
from storyweave.records import Quote

LOGGER = logging.getLogger(__name__)

#: a dash after a closing mark that signs the quote with a name ("“...” ― Krystal Correa")
SIGN_OFF = re.compile(r"[”\"’]?[ \t\u00a0]*(―|—|–|--)[ \t\u00a0]*(?=[A-Z])")
MAX_SIGNATURE = 5  # words in a signing name
MAX_CUE_OPENING = 4  # tokens before a cue that opens the sentence after a quote ("Trump said")
MAX_COLON_GAP = 400  # characters searched back from a quote for the colon that introduces it
SPEAKER_ENTS = ("PERSON", "ORG", "NORP")
PERSONAL_PRONOUNS = ("i", "we", "you", "he", "she", "they")


# -- stage 3: direct quotes to cues ------------------------------------------------------
def _attach_marks(doc: Doc, text: str, drafts: list[Draft], marks: list[MarkSpan]) -> list[Draft]:
    """Give each quoted span to a cue: the one whose content it overlaps, a speech cue
    in or right after its sentence, the cue before a colon, or the quote it continues.
    A quote with none of these is dropped (a pull quote, a title, scare quotes)."""
    sentences = list(doc.sents)
    sent_starts = [s.start_char for s in sentences]

    def sentence_index(char: int) -> int:
        return max(bisect.bisect_right(sent_starts, char) - 1, 0)

    def sentence_end(char: int) -> int:
        return sentences[sentence_index(char)].end_char if sentences else len(text)

    cue_sents: dict[int, list[Draft]] = {}
    for draft in drafts:
        if draft.cue is not None:
            cue_sents.setdefault(sentence_index(draft.cue.start_char), []).append(draft)
    previous: Draft | None = None
    for mark in marks:
        inner = (mark.start, mark.end)
        owners = [d for d in drafts if d.parts and _overlaps(d.parts, inner)]
        if sum(_overlaps([inner], (d.cue.start_char, d.cue.end_char)) for d in owners) > 1:
            # one mark around several turns ("“WALLACE: ... “PENCE: ..." in a transcript whose
            # paragraphs all open with a mark): each turn keeps its own content
            previous = None
            continue
        owner = owners[0] if owners else None
        if owner is None:
            owner = _nearby_cue(text, mark, cue_sents, sentence_index, sentences)
        if (
            owner is not None
            and owner.cue is not None
            and _overlaps([inner], (owner.cue.start_char, owner.cue.end_char))
        ):
            owner = None  # the cue sits inside the quote: a quote about a quote, not its cue
        if owner is None and previous is not None and _continues(text, previous, mark, sentence_end):
            owner = previous
        if owner is None:
            owner = _colon_introduced(doc, text, mark)
            if owner is not None:
                drafts.append(owner)
        if owner is None:  # on PolNeAR train such quotes were almost never attributions
            continue
        if not owner.parts and owner.fallback is not None and _overlaps(owner.fallback.parts, inner):
            # "promised to “end” the program", "noted her work from “Buffalo to Albany”": the
            # marks sit inside the cue's other reading, which is the content they belong to
            owner.parts, owner.kind = list(owner.fallback.parts), owner.fallback.kind
            owner.fallback = None
        owner.parts = merge_ranges(owner.parts + [inner])
        content_chars = sum(e - s for s, e in owner.parts)
        quoted = sum(m.end - m.start for m in marks if _overlaps(owner.parts, (m.start, m.end)))
        owner.direct = quoted >= 0.6 * content_chars
        owner.quoted = True
        previous = owner
    return drafts


def _colon_introduced(doc: Doc, text: str, mark: MarkSpan) -> Draft | None:
    """A quote opened right after a colon, in its paragraph or the next: "Trump went even
    further: “...”", "As Professor Foner put it:" and a quoted paragraph. The colon is the
    cue; the speaker is the subject of the clause before it, or the name that is that clause
    ("- Philip Bump: “...”")."""
    window = max(0, mark.start - MAX_COLON_GAP)
    before = text[window : mark.start].rstrip(" \t\n“\"‘'")
    colon_at = window + len(before) - 1
    if not before.endswith(":") or text[colon_at : mark.start].count("\n") > 2:
        return None
    colon = doc.char_span(colon_at, colon_at + 1, alignment_mode="expand")
    if colon is None or colon.start == 0:
        return None
    speaker, head = _clause_speaker(doc, text, colon.start)
    return Draft(colon, speaker, head, [], "speech")


def _clause_speaker(doc: Doc, text: str, end: int) -> tuple[Span | None, Token | None]:
    """The speaker of the clause that ends before token ``end`` in its paragraph: its subject,
    or the name that is the clause ("- Philip Bump:"), or the last name in it when the
    subject is a thing ("... doesn't surprise pollster Daron Shaw:")."""
    boundary = doc[end]  # the colon or the quote's opening mark: the speaker stops before it
    while end > 0 and (doc[end - 1].is_punct or doc[end - 1].is_space):
        end -= 1
    if end == 0:
        return None, None
    last = doc[end - 1]
    paragraph = text.rfind("\n", 0, last.idx) + 1
    top = last
    while top.head.i != top.i and top.head.i < end and top.head.idx >= paragraph:
        top = top.head
    subject: Token | None = None
    if top.pos_ in ("VERB", "AUX"):
        subject = find_subject(top)
    elif top.pos_ in ("NOUN", "PROPN"):
        subject = top
    if subject is not None and not (paragraph <= subject.idx and subject.i < end):
        subject = None
    if subject is None or not _names_someone(subject):
        start = max(paragraph, top.left_edge.idx)
        names = [e for e in doc.ents if e.label_ in SPEAKER_ENTS and start <= e.start_char and e.end <= end]
        if names:
            subject = names[-1].root
        elif subject is not None and subject.lower_ in ("it", "there"):
            subject = None
    if subject is None:
        return None, None
    return speaker_phrase(subject, boundary), subject


def _names_someone(token: Token) -> bool:
    """A person or a group by name, or a personal pronoun."""
    return token.ent_type_ in SPEAKER_ENTS or token.pos_ == "PROPN" or token.lower_ in PERSONAL_PRONOUNS


def _signed_quotes(doc: Doc, text: str, marks: list[MarkSpan]) -> list[Draft]:
    """ "“Trump scares me.” ― Krystal Correa": a quote signed by a dash and a name ending the line."""
    drafts = []
    for mark in marks:
        found = SIGN_OFF.match(text, mark.end)
        if found is None:
            continue
        line_end = text.find("\n", found.end())
        line_end = len(text) if line_end < 0 else line_end
        name = doc.char_span(found.end(), line_end, alignment_mode="expand")
        if name is None:
            continue
        end = name.start
        while end < name.end and not (name.doc[end].is_punct and name.doc[end].text != "."):
            end += 1  # the name stops at a comma or parenthesis ("― Jane Doe, a teacher")
        while end > name.start and (name.doc[end - 1].is_punct or name.doc[end - 1].is_space):
            end -= 1
        name = doc[name.start : end]
        if (
            not 0 < len(name) <= MAX_SIGNATURE
            or name[0].pos_ != "PROPN"
            or any(t.pos_ == "VERB" for t in name)
        ):
            continue
        dash = doc.char_span(found.start(1), found.end(1), alignment_mode="expand")
        if dash is not None:
            drafts.append(Draft(dash, name, name.root, [(mark.start, mark.end)], "speech"))
    return drafts


def _overlaps(parts: list[tuple[int, int]], span: tuple[int, int]) -> bool:
    return any(s < span[1] and e > span[0] for s, e in parts)


def _nearby_cue(
    text: str,
    mark: MarkSpan,
    cue_sents: dict[int, list[Draft]],
    sentence_index: Callable[[int], int],
    sentences: list[Span],
) -> Draft | None:
    """A speech cue in the quote's sentences, or right after it, or before a colon."""
    first, last = sentence_index(mark.start), sentence_index(max(mark.start, mark.end - 1))
    candidates = []
    for index in range(first, last + 2):
        for draft in cue_sents.get(index, []):
            if draft.kind not in ("speech", "according") and draft.parts:
                continue
            if index == last + 1:
                # "... ” he said." split off as its own sentence: a short tail sentence, or a
                # cue that opens the next one ("“Who are they?” Trump said of Apple in ...")
                sentence = sentences[index] if index < len(sentences) else None
                if (
                    sentence is None
                    or (len(sentence) > 12 and not _opens(sentence, draft))
                    or sentence.start_char - mark.end > 3
                ):
                    continue
            if "\n" in text[min(mark.end, draft.cue.start_char) : max(mark.start, draft.cue.end_char)]:
                continue
            candidates.append(draft)
    for draft in cue_sents.get(first - 1, []) + cue_sents.get(first, []):
        if draft.cue.end_char > mark.start or any(d is draft for d in candidates):
            continue
        gap = text[draft.cue.end_char : mark.start]
        # "X said: “...”", or the colon ends the cue's paragraph and the quote opens the next
        block = gap.strip(' \n\t"“‘') == ":" and gap.count("\n") <= 2
        if draft.kind == "speech" and ":" in gap and ("\n\n" not in gap or block) and not draft.parts:
            candidates.append(draft)
    if not candidates:
        return None
    # the nearest cue by characters; an empty-handed cue first
    return min(
        candidates,
        key=lambda d: (
            bool(d.parts) and not _adjacent(d, mark),
            min(abs(d.cue.start_char - mark.end), abs(mark.start - d.cue.end_char)),
        ),
    )


def _opens(sentence: Span, draft: Draft) -> bool:
    """The cue opens the sentence: a few words in, or right after its subject ("“...” the
    party's presumptive nominee, Donald Trump, tweeted on Sunday")."""
    if draft.cue.start - sentence.start <= MAX_CUE_OPENING:
        return True
    speaker = draft.speaker
    return (
        speaker is not None
        and speaker.start - sentence.start <= 1
        and 0 <= draft.cue.start - speaker.end <= 1
    )


def _adjacent(draft: Draft, mark: MarkSpan) -> bool:
    return any(abs(s - mark.end) < 4 or abs(mark.start - e) < 4 for s, e in draft.parts)


def _continues(text: str, previous: Draft, mark: MarkSpan, sentence_end: Callable[[int], int]) -> bool:
    """A cue-less quote right after a quote (same paragraph or the next) continues it."""
    if not previous.quoted:
        return False
    gap = text[previous.end : mark.start]
    if gap.count("\n") > 4:
        return False
    if (
        previous.cue is not None
        and previous.cue.end_char <= mark.start
        and (
            previous.cue.start_char >= previous.end
            or (previous.direct and sentence_end(previous.cue.start_char) > previous.end)
        )
    ):
        # the gap holds the previous quote's own cue sentence ("..., he told Al Jazeera. “...”",
        # "..., she said on “The Late Show” last month. “...”"): what counts is what comes
        # after that sentence
        after = max(previous.cue.end_char, previous.end)
        after_cue = text[after : mark.start]
        # the cue's sentence as the parser ends it ("U.S. officials" holds no sentence end)
        ends = [
            i for i in (after_cue.find("\n"), sentence_end(previous.cue.start_char) - after - 1) if i >= 0
        ]
        gap = after_cue[min(ends) + 1 :] if ends else ""
    tail = gap.strip(' \n\t“”"‘’.,;:—-')
    # a word or two between the quotes is a cue remnant or page furniture ("Advertisement")
    return len(tail.split()) <= 3 and (tail.count("\n") == 0 or len(tail.split()) <= 1)


# -- stage 4 and the component -----------------------------------------------------------
def extract_quotes(doc: Doc, rules: CueRules | None = None) -> list[Quote]:
    """All quotes and reported speech in a parsed ``doc``, in text order."""
    rules = rules or load_cue_rules()
    text = doc.text  # computed once: Doc.text joins every token on each access
    drafts = find_cues(doc, rules, text) + find_nominal_cues(doc, rules, text)
    marks = find_quote_marks(text)
    # a cue inside quote marks is the speaker's own words, not an attribution by the article
    # (PolNeAR marks each token for one attribution only, the outermost)
    # (a "NAME:" turn label is not: transcripts often quote every turn's paragraph)
    drafts = [d for d in drafts if d.cue is None or d.cue.text == ":" or not _inside_marks(d.cue, marks)]
    drafts += _signed_quotes(doc, text, marks)
    drafts = _attach_marks(doc, text, drafts, marks)
    # a bare speech cue no quote attached to takes its next reading ("questioned the plan")
    drafts = [d.fallback if not d.parts and d.fallback is not None else d for d in drafts]
    drafts = [d for d in drafts if d.parts]
    drafts.sort(key=lambda d: d.start)
    drafts = [d for d in _split_coordinated(text, drafts) if d.parts]
    drafts = _drop_nested(drafts)
    resolver = SpeakerResolver(doc, text=text, speech_verbs=frozenset(rules.verbs), marks=marks)
    quotes = []
    for draft in drafts:  # in text order, so pronouns resolve to earlier speakers
        speaker = draft.speaker
        entity = resolver.resolve(speaker, draft.speaker_head) if speaker is not None else None
        content = " … ".join(text[s:e] for s, e in draft.parts)
        quotes.append(
            Quote(
                text=content,
                start_char=draft.start,
                end_char=draft.end,
                speaker=speaker.text if speaker is not None else None,
                speaker_start=speaker.start_char if speaker is not None else None,
                speaker_end=speaker.end_char if speaker is not None else None,
                speaker_entity=entity,
                cue=draft.cue.text if draft.cue is not None else None,
                cue_start=draft.cue.start_char if draft.cue is not None else None,
                cue_end=draft.cue.end_char if draft.cue is not None else None,
                direct=draft.direct,
                kind=draft.kind,
                parts=tuple(draft.parts),
            )
        )
    return quotes


def _inside_marks(cue: Span, marks: list[MarkSpan]) -> bool:
    return any(m.start <= cue.start_char and cue.end_char <= m.end for m in marks)


def _split_coordinated(text: str, drafts: list[Draft]) -> list[Draft]:
    """Cut a content where a coordinated cue starts its own attribution.

    "He said he respects Clinton and calls her an intelligent woman": the parse puts
    "calls ..." inside what was said, but it is the article reporting a second act.
    A cue that is a conjunct or an adverbial clause ("..., calling them ...") ends the
    content before it; a cue deeper inside ("said Trump believes ...") stays nested.
    """
    for inner in drafts:
        token = inner.cue[0] if inner.cue is not None else None
        if token is None or not inner.parts or not _starts_own_attribution(token, inner.kind):
            continue
        first = token.left_edge.i
        while first > 0 and token.doc[first - 1].dep_ in ("cc", "punct"):  # "and", ", and"
            first -= 1
        cut = token.doc[first].idx
        for outer in drafts:
            if outer is inner or not _overlaps(outer.parts, (token.idx, token.idx + 1)) or cut <= outer.start:
                continue
            kept = [(s, min(e, cut)) for s, e in outer.parts if s < cut]
            kept = [(s, s + len(text[s:e].rstrip(" ,;—-–\n"))) for s, e in kept]
            outer.parts = [(s, e) for s, e in kept if e > s]
    return drafts


def _starts_own_attribution(cue: Token, kind: str) -> bool:
    """The cue heads a clause the article adds next to a content, not inside it: a speech
    conjunct ("... and calls her ...") or a speech participle ("..., adding that ...").

    Relative clauses ("a fair sentence, which I said was ...") were tried too: on PolNeAR
    train they cost more precision than they gave recall."""
    return kind == "speech" and (cue.dep_ == "conj" or (cue.dep_ == "advcl" and cue.tag_ == "VBG"))


def _drop_nested(drafts: list[Draft]) -> list[Draft]:
    """A cue inside another attribution's content ("he said she thinks ...") loses to the outer one.

    PolNeAR, like this extractor, gives each stretch of text to one attribution.
    """

    # character ranges read once: Span.start_char and the envelope are recomputed on each access
    cues = [(d.cue.start_char, d.cue.end_char) if d.cue is not None else None for d in drafts]
    envelopes = [(d.start, d.end) for d in drafts]

    def holds(outer: int, inner: int) -> bool:
        cue = cues[inner]
        return (
            cue is not None
            and envelopes[outer][0] < cue[1]
            and envelopes[outer][1] > cue[0]
            and _overlaps(drafts[outer].parts, cue)
        )

    kept = []
    for i, draft in enumerate(drafts):
        # when two attributions hold each other's cue (a misparse), the earlier cue wins
        outers = [k for k in range(len(drafts)) if k != i and holds(k, i)]
        if not any(not holds(i, k) or cues[k][0] < cues[i][0] for k in outers):
            kept.append(draft)
    return kept


class QuoteExtractor:
    """The ``storyweave_quotes`` component: sets ``doc._.quotes`` to a list of ``Quote``."""

    def __init__(self, nlp: Language, name: str = "storyweave_quotes"):
        register_extensions()
        self.name = name

    def __call__(self, doc: Doc) -> Doc:
        doc._.quotes = extract_quotes(doc)
        return doc


@Language.factory(
    "storyweave_quotes",
    assigns=["doc._.quotes"],
    # the parse, tags and lemmas find cues and their speakers; the entities name the speakers
    # (token.pos too, which the model's attribute ruler sets without declaring it)
    requires=["token.dep", "token.head", "token.tag", "token.lemma", "token.ent_type", "doc.sents", "doc.ents"],
)
def make_quote_extractor(nlp: Language, name: str) -> QuoteExtractor:
    """Build the quotes component (``nlp.add_pipe("storyweave_quotes")``)."""
    return QuoteExtractor(nlp, name)
