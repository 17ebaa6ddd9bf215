"""Quotes and reported speech with their speakers.

- ``component``: the ``storyweave_quotes`` spaCy component and ``extract_quotes``, its stages;
- ``marks``: quote marks paired per paragraph (stage 1);
- ``cues``: cue verbs and phrases read off the parse, with the rules of ``rules/quotes/`` (stage 2);
- ``nominal_cues``: cue nouns and adjectives ("Trump's claim that ...", stage 2b);
- ``speakers``: a cue's speaker, resolved inside the article (stage 4).

The record is ``storyweave.records.Quote``.
"""

from storyweave.nlp.quotes.component import QuoteExtractor, extract_quotes, make_quote_extractor
from storyweave.nlp.quotes.cues import CueRules, load_cue_rules
from storyweave.records import Quote

__all__ = ["CueRules", "Quote", "QuoteExtractor", "extract_quotes", "load_cue_rules", "make_quote_extractor"]
