"""Events: who did what to whom, where and when, coded with PLOVER.

- ``component``: the ``storyweave_events`` spaCy component, which joins the parse with the
  other components' records (entities, places, dates, quotes) in numbered stages;
- ``coding``: reading triggers and arguments off the dependency parse, with the rules of
  ``rules/events/``.

The record is ``storyweave.records.Event``.
"""

from storyweave.nlp.events.coding import EventRules, load_event_rules
from storyweave.nlp.events.component import COMPONENT, EventCoder, code_events, make_event_coder
from storyweave.records import Event

__all__ = ["COMPONENT", "Event", "EventCoder", "EventRules", "code_events", "load_event_rules", "make_event_coder"]
