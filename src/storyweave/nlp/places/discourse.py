"""One sense per discourse, for recognition: the other mentions of a name the article places.

A local paper names its town a dozen times, and the small model tags it a place at some
mentions, an organisation or a person at others ("Hanover police said", "Hounslow's lead
member"), and nothing at all at the rest. Once the article places the name, each other
mention of the same words is the same place, unless it is part of a longer name ("New
London", "Paris Hilton", "Washington Post").

``Repeats`` is a part of ``PlaceRecognizer`` kept in its own module, as ``Resolution`` is; it
uses the rules the recognizer loads (``self.institution_words``, ``self.titles``, ...).
"""

from __future__ import annotations

from collections import Counter

from spacy.tokens import Doc, Span

from storyweave.nlp.places.records import PLACE_LABELS
from storyweave.nlp.places.resolve import _Candidate
from storyweave.nlp.texts import doc_text

#: the shortest name looked for again: shorter ones are initials and codes ("GA", "UK")
MIN_REPEAT_CHARS = 4


class Repeats:
    """The repeated-mention reader of ``PlaceRecognizer``."""

    def _repeats(self, doc: Doc, candidates: list[_Candidate], taken_chars: list[tuple[int, int]]) -> list[_Candidate]:
        """The other mentions of each placed name, given its reading.

        A mention is the same words as a placed mention (or the same words in capitals, as a
        dateline writes them), on token boundaries, in no other candidate's span nor in
        ``taken_chars`` (demonyms). It is skipped when a capitalised word other than a compass
        or locative word stands before it ("New London", "Port Richmond"), when a capitalised
        word other than an institution's or a building's stands after it ("Paris Hilton",
        "Washington Post"; but "Hanover Police", "Jordan Elementary School"), after a title
        ("Mr. Jordan"), and when it is a common word or a first name (``_common_word``) or one
        of the article's people's family names.
        """
        placed = {}
        surnames = None
        for cand in candidates:
            if cand.choice is None or len(cand.span.text) < MIN_REPEAT_CHARS or self._common_word(cand.span):
                continue
            if len(cand.span) == 1:
                surnames = _family_names(doc) if surnames is None else surnames
                if cand.span.text.lower() in surnames:
                    continue
            placed.setdefault(cand.span.text, cand)
        if not placed:
            return []
        busy = [(c.span.start_char, c.span.end_char) for c in candidates] + list(taken_chars)
        text = doc_text(doc)
        found: list[_Candidate] = []
        for name, cand in placed.items():
            for form in {name, name.upper()}:
                at = text.find(form)
                while at != -1:
                    end = at + len(form)
                    if not any(s < end and at < e for s, e in busy):
                        span = doc.char_span(at, end)
                        if span is not None and self._stands_alone(span):
                            found.append(_Candidate(span, "gazetteer", cand.entries, choice=cand.choice, alt=cand.alt))
                            busy.append((at, end))
                    at = text.find(form, end)
        return found

    def _stands_alone(self, span: Span) -> bool:
        """Whether a repeated name is a mention of its own, not a piece of a longer name."""
        doc = span.doc
        if self._continues_a_name(span):
            return False
        after = doc[span.end] if span.end < len(doc) else None
        if after is not None and _name_word(after):
            word = after.lower_
            if word not in self.institution_words and word not in self.facility_words:
                return False
        return True


    def _continues_a_name(self, span: Span) -> bool:
        """Whether a name comes after a title or after a capitalised word that is no compass or
        locative word: it ends another name ("Paul Riva", "Mount Sefton", "Matthew Arnold
        School"). (A capitalised word after it says less: towns name institutions followed by
        any word, "the Zionsville Education Foundation".)"""
        if span.start == 0:
            return False
        before = span.doc[span.start - 1]
        if before.lower_ in self.titles:
            return True
        return _name_word(before) and before.lower_ not in self.locative and before.lower_ not in self.directions

    def _after_the(self, span: Span) -> bool:
        """Whether a name follows a lower-case "the" and no capitalised word follows it ("the
        Angels", "the Academy's", "the Gambino crime family"): a town takes no article, but a
        team, an institution or a family does. "In the Bronx" keeps its locative, and "the
        Zionsville Education Foundation" is named after the town."""
        doc = span.doc
        i = span.start - 1
        if i < 0 or doc[i].text != "the" or (i > 0 and doc[i - 1].lower_ in self.locative):
            return False
        return not (span.end < len(doc) and _name_word(doc[span.end]))


def _name_word(token) -> bool:
    """A word that may continue a proper name: a capitalised proper noun ("New", "Hilton")."""
    return token.pos_ == "PROPN" and token.text[:1].isupper()


def _family_names(doc: Doc) -> set[str]:
    """The words that end the article's people's names more often than the model tags them a
    place on their own ("Chohan" after "Raj Chohan"): not repeated as a place."""
    ends = Counter(e[-1].lower_ for e in doc.ents if e.label_ == "PERSON" and len(e) >= 2)
    places = Counter(e.text.lower() for e in doc.ents if e.label_ in PLACE_LABELS and len(e) == 1)
    return {w for w, n in ends.items() if n >= places[w]}
