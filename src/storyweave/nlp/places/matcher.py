"""Token n-grams of a document looked up among the gazetteer's notable names.

Not spaCy's PhraseMatcher: it must tokenise every pattern and add its words to the shared
vocab at each start (8 s and 240 MB for 40,000 names); looking the token n-grams of a
document up in a set of normalised names finds the same spans.
"""

from __future__ import annotations

from spacy.attrs import IDX, IS_SPACE, LENGTH
from spacy.tokens import Doc, Span

from storyweave.nlp.gazetteer import normalise
from storyweave.nlp.texts import doc_text


class _NameMatcher:
    """Spans of a doc whose text, normalised, is one of the names (label PLACE) or demonyms."""

    def __init__(self, names: set[str], demonyms: set[str]):
        self.names = frozenset(names)
        self.demonyms = frozenset(demonyms)
        # the longest name, in words, bounds the n-grams tried at each capitalised token
        self.width = max(n.count(" ") + n.count("-") + 1 for n in self.names | self.demonyms) + 1
        # n-gram text -> match key: the same n-grams ("The", "President Obama") recur in
        # every article, and folding them is most of the matcher's time
        self._keys: dict[str, str] = {}

    def __call__(self, doc: Doc) -> list[Span]:
        # Token attributes as plain lists and n-gram texts as slices of the doc's text:
        # Span.text joins its tokens anew, and each doc[i] makes a Token object.
        text = doc_text(doc)
        rows = doc.to_array([IDX, LENGTH, IS_SPACE]).tolist()
        keys = self._keys
        if len(keys) > 200_000:
            keys.clear()
        spans = []
        n = len(rows)
        for i, (start, length, _) in enumerate(rows):
            if not text[start : start + length][:1].isupper():
                continue
            for end in range(i + 1, min(n, i + self.width) + 1):
                last_start, last_length, last_space = rows[end - 1]
                if last_space:
                    break  # names do not run across lines
                gram = text[start : last_start + last_length]
                key = keys.get(gram)
                if key is None:
                    key = keys[gram] = _match_key(gram)
                if key in self.names:
                    spans.append(Span(doc, i, end, label="PLACE"))
                elif key in self.demonyms:
                    spans.append(Span(doc, i, end, label="DEMONYM"))
        return spans


def _match_key(text: str) -> str:
    # unlike a lookup, a match keeps a leading "the": "The Colony" (Texas) is not "colony"
    key = normalise(text)
    return "the " + key if text[:4].lower() == "the " else key

