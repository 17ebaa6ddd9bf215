"""Paragraph breaks start sentences: a spaCy component that runs before the parser.

Articles arrive as paragraphs, one per line (the extractor's output, the feeds' and
the corpora's). The small English parser, left to itself, runs a headline, a
dateline and the first sentence into one "sentence" when they have no full stop
between them, and a parse across them joins subjects and verbs of different lines.
spaCy's parser keeps sentence starts that are set before it runs, so each line's
first token is marked here. A line that starts in lower case continues the line
before it (hard-wrapped plain text) and is left to the parser.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

COMPONENT = "storyweave_paragraphs"


@Language.component(COMPONENT)
def mark_paragraph_starts(doc: Doc) -> Doc:
    """Set ``is_sent_start`` on the first token of every line that opens in upper case,
    a digit or punctuation (a quote mark, a dash)."""
    # a newline is always a token of its own (``whitespace_`` holds one space at most)
    after_break = False
    for token in doc:
        if token.is_space:
            after_break = after_break or "\n" in token.text
            continue
        if after_break and not token.text[0].islower():
            token.is_sent_start = True
        after_break = False
    return doc
