"""Dates: time expressions found in news text and normalised to TimeML values.

- ``component``: the ``storyweave_dates`` spaCy component (candidates, extents, tense);
- ``grammar``: the rules of ``rules/dates/`` compiled, and their matches found;
- ``handlers``: one handler per kind of expression, turning a match into a value;
- ``values``: the calendar arithmetic the handlers share (offsets, quarters, holidays);
- ``regex_scan``: where a rule can match, so a scan skips the text none can.

The pipeline that runs the component, and ``find_dates`` for one text, are in
``storyweave.nlp.pipeline``. The record is ``storyweave.records.DateMention``.
"""

from storyweave.nlp.dates.component import COMPONENT, DateTagger, make_date_tagger, parse_published
from storyweave.nlp.dates.grammar import Grammar, load_grammar
from storyweave.records import DateMention

__all__ = ["COMPONENT", "DateMention", "DateTagger", "Grammar", "load_grammar", "make_date_tagger", "parse_published"]
