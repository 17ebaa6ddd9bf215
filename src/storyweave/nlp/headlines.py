"""Title-case lines get their entities from a truecased copy: a spaCy component after the NER.

Headlines, subheads and related-link titles are often written in title case
("Obama Nominates Regina Benjamin as Surgeon General"). The small English NER reads
capital letters as names, so it tags "Nominates Regina Benjamin" or "Obama Reverses
Bush Ruling" as one person. Here each title-case line is truecased, one word at a time,
from the article's own evidence, and only its entities are read again:

- a word the body writes in lower case and never capitalises inside a sentence, or
- a function word (spaCy's stop words), or
- an inflected verb form ("Nominates", "Fleeing", "Fled": the lemmatizer's suffix rules or
  exceptions lead to a verb in its index) that the body never capitalises inside a sentence

is lowered; every other word keeps its capital, so names stay names. Case changes keep
every character offset, so the NER's spans on the copy are spans of the article.

No library truecases from a document's own evidence, and a learned truecaser would
need a model download; the rule is small and says why each word was lowered.
"""

from __future__ import annotations

from spacy.lang.en.stop_words import STOP_WORDS
from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from storyweave.nlp.texts import doc_text

COMPONENT = "storyweave_headlines"
#: a line is a title when at least this share of its longer words is capitalised
TITLE_SHARE = 0.75
#: and it has this many longer words at least (a name alone is not a title) and at most
#: this many words in all (a paragraph of names is not either)
MIN_LONG_WORDS, MAX_WORDS = 3, 30
LONG_WORD = 4


class HeadlineTruecaser:
    """The ``storyweave_headlines`` component: re-reads the entities of title-case lines."""

    def __init__(self, nlp: Language, name: str = COMPONENT):
        self.name = name
        self.nlp = nlp
        lemmatizer = nlp.get_pipe("lemmatizer") if "lemmatizer" in nlp.pipe_names else None
        tables = lemmatizer.lookups if lemmatizer is not None else None
        self.verb_rules = tables.get_table("lemma_rules").get("verb", []) if tables is not None else []
        self.verbs = set(tables.get_table("lemma_index").get("verb", [])) if tables is not None else set()
        self.verb_exceptions = tables.get_table("lemma_exc").get("verb", {}) if tables is not None else {}

    def __call__(self, doc: Doc) -> Doc:
        if "ner" not in self.nlp.pipe_names:
            return doc
        text = doc_text(doc)
        lines = _lines(text)
        # only a title line with an entity can gain from a second reading
        ent_starts = [e.start_char for e in doc.ents]
        titles = [
            (start, end)
            for start, end in lines
            if any(start <= s < end for s in ent_starts) and _is_title(text[start:end])
        ]
        if not titles:
            return doc
        capitalised, lowered = _body_evidence(doc, titles)
        replaced: list[Span] = []
        covered: list[tuple[int, int]] = []
        for start, end in titles:
            line = text[start:end]
            cased = self._truecase(line, capitalised, lowered)
            # the model is asked again only where one of its entities holds a lowered word
            # ("Nominates Regina Benjamin"): elsewhere its first reading stands
            changed = [i for i, (a, b) in enumerate(zip(line, cased)) if a != b]
            if not any(
                e.start_char <= start + i < e.end_char for e in doc.ents for i in changed
                if start <= e.start_char < end
            ):
                continue
            copy = self.nlp.get_pipe("ner")(self.nlp.make_doc(cased))
            covered.append((start, end))
            for ent in copy.ents:
                span = doc.char_span(start + ent.start_char, start + ent.end_char, ent.label_,
                                     alignment_mode="contract")
                if span is not None:
                    replaced.append(span)
        if covered:
            kept = [e for e in doc.ents if not any(s < e.end_char and e.start_char < t for s, t in covered)]
            doc.ents = filter_spans(kept + replaced)
        return doc

    def _truecase(self, line: str, capitalised: set[str], lowered: set[str]) -> str:
        out, position = [], 0
        for start, end in _word_spans(line):
            word = line[start:end]
            out.append(line[position:start])
            out.append(word.lower() if self._lowers(word, capitalised, lowered) else word)
            position = end
        out.append(line[position:])
        return "".join(out)

    def _lowers(self, word: str, capitalised: set[str], lowered: set[str]) -> bool:
        if not (word[0].isupper() and word[1:].islower()):  # "US", "McCain", "iPhone" as written
            return False
        if word in capitalised:
            return False
        low = word.lower()
        return low in lowered or low in STOP_WORDS or self._is_verb_form(low)

    def _is_verb_form(self, word: str) -> bool:
        # inflected forms only: a bare verb is too often a first name ("Mark", "Will", "Grant")
        if word in self.verbs:
            return False
        if word in self.verb_exceptions:
            return True
        return any(
            word.endswith(old) and word[: len(word) - len(old)] + new in self.verbs
            for old, new in self.verb_rules
            if old
        )


def _lines(text: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for line in text.split("\n"):
        spans.append((start, start + len(line)))
        start += len(line) + 1
    return spans


def _word_spans(line: str) -> list[tuple[int, int]]:
    spans, start = [], None
    for i, char in enumerate(line + " "):
        if char.isalpha() or (char in "'’-" and start is not None):
            if start is None:
                start = i
        elif start is not None:
            spans.append((start, i))
            start = None
    return spans


def _is_title(line: str) -> bool:
    words = [line[s:e] for s, e in _word_spans(line)]
    long_words = [w for w in words if len(w) >= LONG_WORD]
    if len(long_words) < MIN_LONG_WORDS or len(words) > MAX_WORDS:
        return False
    return sum(w[0].isupper() for w in long_words) >= TITLE_SHARE * len(long_words)


def _body_evidence(doc: Doc, titles: list[tuple[int, int]]) -> tuple[set[str], set[str]]:
    """Words the other lines capitalise inside a sentence, and words they write in lower case."""
    capitalised, lowered = set(), set()
    for sentence in doc.sents:
        first = True
        for token in sentence:
            if token.is_space or token.is_punct:
                continue
            if any(s <= token.idx < e for s, e in titles):
                first = False
                continue
            if token.text.islower():
                lowered.add(token.text)
            elif not first and token.text[:1].isupper():
                capitalised.add(token.text)
            first = False
    return capitalised, lowered


@Language.factory(COMPONENT, requires=["doc.ents", "doc.sents"], assigns=["doc.ents"])
def make_headline_truecaser(nlp: Language, name: str) -> HeadlineTruecaser:
    """Build the component (``nlp.add_pipe("storyweave_headlines", after="ner")``)."""
    return HeadlineTruecaser(nlp, name)
