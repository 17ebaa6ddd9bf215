"""Places the model's entities leave out, found in the text's own conventions: a dateline in
capitals ("XENIA —"), a US legislator's party affiliation ("D-N.D."), a list of counties
("Clark, Preble and Warren counties").

``TextCues`` is a part of ``PlaceRecognizer`` kept in its own module, as ``Resolution`` is; it
uses the rules the recognizer loads (``self.gaz``, ``self.party_prefixes``, ...).
"""

from __future__ import annotations

from spacy.tokens import Doc, Span

from storyweave.nlp.places.resolve import _Candidate
from storyweave.nlp.texts import doc_text

#: what follows a dateline's place: "BEIRUT:", "PORTLAND —", "PATASKALA --", "HAMA, Syria"
DATELINE_MARKS = frozenset({":", "--", "\u2014", "\u2013", ",", "(", "-"})
#: the most words a dateline's place takes ("MOUNT GILEAD", "ST. PARIS", "NEW YORK")
DATELINE_WORDS = 4
#: what ends the sentence before a dateline (a headline run into the text: "Fire guts home. XENIA —")
SENTENCE_ENDS = frozenset({".", "!", "?"})


class TextCues:
    """The dateline, affiliation and county-list readers of ``PlaceRecognizer``."""

    def _dateline(self, span: Span) -> bool:
        """Whether the span opens a line or a sentence in capitals before dateline punctuation
        ("BEIRUT:", "PATASKALA --", "Fire guts home. XENIA —"): a dateline names the place the
        story was filed from. A headline run into the text ends in a full stop before it."""
        doc = span.doc
        if not span.text.isupper() or span.end >= len(doc) or doc[span.end].text not in DATELINE_MARKS:
            return False
        return _opens_line(doc, span.start)

    def _dateline_spans(self, doc: Doc) -> list[Span]:
        """Runs of up to four words in capitals that open a line or a sentence and stand before
        dateline punctuation ("MOUNT GILEAD (AP) --", "ST. PARIS —"), and that the gazetteer knows.
        Towns too small for the name matcher are found here, in the whole gazetteer."""
        spans = []
        for start in range(len(doc)):
            if not _capital_word(doc[start]) or not _opens_line(doc, start):
                continue
            end = start
            while end < len(doc) and end - start < DATELINE_WORDS and (
                _capital_word(doc[end]) or _abbreviation_dot(doc, end)
            ):
                end += 1
            if end < len(doc) and doc[end].text in DATELINE_MARKS:
                span = doc[start:end]
                if span.text.upper() != span.text.lower() and self._has_name(span.text):
                    spans.append(span)
        return spans

    def _affiliations(self, doc: Doc) -> list[_Candidate]:
        """The state, town or county of a US legislator's party affiliation ("D-N.D.",
        "(R-Elbow Lake)", "D-Kanawha"): up to three capitalised words after a party's letter and
        a hyphen, read among US places only (a bare name also as the county of that name)."""
        found = []
        if not any(prefix + "-" in doc_text(doc) for prefix in self.party_prefixes):
            return found  # no "D-" anywhere: the token walk below would find nothing
        for i in range(1, len(doc) - 2):
            if doc[i].text not in self.party_prefixes or doc[i - 1].text not in (",", "(") \
                    or doc[i + 1].text != "-" or doc[i].whitespace_ or doc[i + 1].whitespace_:
                continue
            end = i + 2
            while end < len(doc) and end - i - 2 < 3 and doc[end].text[:1].isupper():
                end += 1
            for stop in range(end, i + 2, -1):
                span = doc[i + 2 : stop]
                entries = [(e, alt) for e, alt in self._entries(span.text) if e.country_code == "US"]
                entries += [  # state legislators represent counties: "D-Kanawha" is Kanawha County
                    (e, alt) for e, alt in self.gaz.lookup_ranked(span.text + " County")
                    if e.country_code == "US" and e.kind == "admin2"
                ]
                if entries:
                    found.append(_Candidate(span, "gazetteer", entries, country="US"))
                    break
        return found

    def _division_lists(self, doc: Doc) -> list[_Candidate]:
        """The names of a list that ends in a division's plural ("in Butler, Clark, Preble or
        Warren counties"): each is the second-level division of that name."""
        found = []
        if not any(plural in doc_text(doc) for plural in self.division_plurals):
            return found  # no "counties" anywhere: the token walk below would find nothing
        for i, token in enumerate(doc):
            word = self.division_plurals.get(token.text)
            if word is None:
                continue
            end = i
            listed: list[_Candidate] = []
            while end > 0:
                start = end
                while start > 0 and end - start < 3 and doc[start - 1].text[:1].isupper() \
                        and doc[start - 1].pos_ == "PROPN":
                    start -= 1
                if start == end:
                    break
                name = doc[start:end]
                entries = [
                    (e, alt) for key in (f"{name.text} {word}", name.text)
                    for e, alt in self.gaz.lookup_ranked(key) if e.kind == "admin2"
                ]
                if entries:
                    listed.append(_Candidate(name, "gazetteer", entries, label="GPE", fixed_kind=True))
                end = start
                # the list goes on over ", " and "and" / "or"
                while end > 0 and doc[end - 1].lower_ in (",", "and", "or", "&"):
                    end -= 1
            if len(listed) == 1 and any(
                not alt and e.kind in ("admin1", "country") for e, alt in self.gaz.lookup_ranked(listed[0].span.text)
            ):
                continue  # "Indiana counties", "Ohio's counties": the counties of a state, not a county
            found.extend(listed)
        return found


def _opens_line(doc: Doc, i: int) -> bool:
    """Whether token ``i`` starts the text, a line, or a sentence after a full stop."""
    if i == 0:
        return True
    before = doc[i - 1]
    if before.text in SENTENCE_ENDS:
        return not _abbreviation_dot(doc, i - 1)
    return "\n" in before.whitespace_ or before.is_space


def _abbreviation_dot(doc: Doc, i: int) -> bool:
    """Whether token ``i`` is the dot of an abbreviation in capitals the tokenizer split off
    ("ST" "." in "ST. PARIS", "MT" "." in "MT. PLEASANT")."""
    return doc[i].text == "." and i > 0 and not doc[i - 1].whitespace_ and doc[i - 1].text.isupper() \
        and doc[i - 1].is_alpha and len(doc[i - 1].text) <= 2


def _capital_word(token) -> bool:
    # "BEIRUT", "ST.", "JOHN'S": a word in capitals, with its abbreviation's dot or apostrophe
    if not token.text.isupper():  # most words: no need to strip them first
        return False
    text = token.text.replace(".", "").replace("'", "").replace("\u2019", "")
    return bool(text) and text.isalpha()
