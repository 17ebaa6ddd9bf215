"""Paragraph breaks start sentences: a spaCy component that runs before the parser.

Articles arrive as paragraphs, one per line (the extractor's output, the feeds' and
the corpora's). The small English parser, left to itself, runs a headline, a
dateline and the first sentence into one "sentence" when they have no full stop
between them, and a parse across them joins subjects and verbs of different lines.
spaCy's parser keeps sentence starts that are set before it runs, so each line's
first token is marked here. A line that starts in lower case continues the line
before it (hard-wrapped plain text) and is left to the parser.

A title written short before a name ("police Lt. Robert Pickell said", "said Sgt. Mourad
Mourad") does not end a sentence, though the small parser often ends one there: the name
after it is marked as no sentence start. The titles are the names rules' abbreviated titles
(``names/rules/names.toml``), which the quotes' speakers read too.

A run of ``MAX_SENTENCE_TOKENS`` tokens with no line break also gets a sentence start
(at a punctuation mark when there is one near): no news sentence is that long, and the
components that walk a sentence's parse tree would take time growing with its square on a
document of one endless line.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from storyweave.names import load_name_rules

COMPONENT = "storyweave_paragraphs"
#: the longest run of tokens left to the parser as one sentence
MAX_SENTENCE_TOKENS = 250


@Language.component(COMPONENT)
def mark_paragraph_starts(doc: Doc) -> Doc:
    """Set ``is_sent_start`` on the first token of every line that opens in upper case,
    a digit or punctuation (a quote mark, a dash); unset it on a name after a short title."""
    titles = load_name_rules().abbreviated_titles
    # a newline is always a token of its own (``whitespace_`` holds one space at most)
    after_break = False
    run = 0  # tokens since the last start set here
    # the two tokens before this one, kept as the loop goes (indexing the doc makes a new
    # Token object each time: a tenth of this component's time)
    before = before2 = None
    for token in doc:
        if token.is_space:
            after_break = after_break or "\n" in token.text
        else:
            run += 1
            if after_break and not token.text[0].islower():
                token.is_sent_start = True
                run = 0
            elif token.text[0].isupper() and _after_short_title(before, before2, titles):
                token.is_sent_start = False  # "Lt." + "Robert": one sentence
            elif run >= MAX_SENTENCE_TOKENS and (before is not None and before.is_punct
                                                 or run >= MAX_SENTENCE_TOKENS + 50):
                token.is_sent_start = True
                run = 0
            after_break = False
        before, before2 = token, before
    return doc


def _after_short_title(before, before2, titles: frozenset[str]) -> bool:
    """Whether the token after ``before`` (``before2`` the one before it) follows a title
    written short (``titles``, without their stop): "Lt." as one token, or "Lt" and a stop
    split off with no space between them (the tokenizer does both)."""
    if before is None or not before.text.endswith("."):
        return False
    if before.lower_[:-1] in titles:
        return True
    return before.text == "." and before2 is not None and not before2.whitespace_ and before2.lower_ in titles
