"""Spatial context for recognition: the small towns an article names beside the places it has.

A local paper names the villages around its town in passing ("Harwinton, Bantam, Litchfield,
Winsted and all Torrington volunteer departments", "a Meadow Grove man", "drove to Lanexa"),
and the small model tags them nothing, a person or an organisation. The name matcher does not
look for towns that small (too many are common words or family names), and a name the model
tags a person needs more than its population to be a place. What speaks for such a name is
where it lies: a town of that name a few kilometres from a place the article has already
placed is that town, as a geoparsing reader would take it (spatial minimality).

``Nearby`` is a part of ``PlaceRecognizer`` kept in its own module, as ``Repeats`` and
``Resolution`` are; it uses the rules the recognizer loads (``self.stop``, ``self.titles``, ...).
"""

from __future__ import annotations

import numpy as np
from spacy.attrs import IS_ALPHA, IS_LOWER, POS
from spacy.symbols import PROPN
from spacy.tokens import Doc

from storyweave.nlp.gazetteer import GazEntry, normalise
from storyweave.nlp.places.context import _km
from storyweave.nlp.places.resolve import _Candidate

#: how far (km) a town may lie from a town the article has placed and still be read near it
NEARBY_KM = 30.0
#: the longest run of capitalised words looked up whole
MAX_RUN = 4
#: the shortest name looked up: shorter ones are initials and codes
MIN_CHARS = 4


class Nearby:
    """The nearby-town reader of ``PlaceRecognizer``."""

    def _nearby(self, doc: Doc, candidates: list[_Candidate], taken_chars: list[tuple[int, int]]) -> list[_Candidate]:
        """Capitalised names the gazetteer knows as a town within ``NEARBY_KM`` of a town the
        article has placed, read as that town.

        A name is a whole run of capitalised proper nouns, or the run's first words before an
        institution's, a building's or a division's word ("Harwinton Senior Center"). It is
        skipped inside another candidate, a demonym or a person's full name ("Paris Hilton"),
        after a title, when it is a common word or a first name (the stop lists), and when it
        is one of the article's people's names. The anchor towns are the article's placed
        towns (not its states or countries: a state's point says nothing of where its towns
        are), and a name is never its own anchor.
        """
        anchors = [
            (c.choice, normalise(c.span.text)) for c in candidates
            if c.choice is not None and c.choice.kind == "city"
        ]
        if not anchors:
            return []
        busy = [(c.span.start, c.span.end) for c in candidates]
        busy_chars = list(taken_chars)
        people = set()
        for ent in doc.ents:
            if ent.label_ == "PERSON" and len(ent) > 1:
                busy.append((ent.start, ent.end))
                people.update(t.lower_ for t in ent)
        found: list[_Candidate] = []
        for run in _capitalised_runs(doc):
            if any(s < run.end and run.start < e for s, e in busy):
                continue
            if any(s < run.end_char and run.start_char < e for s, e in busy_chars):
                continue
            span = run if self._gaz_town(run.text) else self._leading_name(run, institution=True)
            if span is None or len(span.text) < MIN_CHARS:
                continue
            key = normalise(span.text)
            if key in self.stop or (len(span) == 1 and span.text.lower() in people):
                continue
            if span.start > 0 and span.doc[span.start - 1].lower_ in self.titles:
                continue
            best = self._near_reading(span.text, key, anchors)
            if best is None:
                continue
            cand = _Candidate(span, "nearby", [(best, False)], label=span[0].ent_type_)
            cand.choice = best
            found.append(cand)
            busy.append((span.start, span.end))
        return found

    def _gaz_town(self, text: str) -> bool:
        return any(e.kind == "city" for e, _alt in self.gaz.lookup_ranked(text))

    def _near_reading(self, text: str, key: str, anchors: list[tuple[GazEntry, str]]) -> GazEntry | None:
        """The town of that name (by its own name, not an alternate) nearest to an anchor of
        another name, if within ``NEARBY_KM``."""
        best, best_km = None, NEARBY_KM
        for entry, alt in self.gaz.lookup_ranked(text):
            if alt or entry.kind != "city":
                continue
            for anchor, anchor_key in anchors:
                if anchor_key == key or anchor.geonameid == entry.geonameid:
                    continue
                if abs(anchor.lat - entry.lat) > 1.0:  # ~111 km: no need for the trigonometry
                    continue
                km = _km(anchor.lat, anchor.lon, entry.lat, entry.lon)
                if km <= best_km:
                    best, best_km = entry, km
        return best


def _capitalised_runs(doc: Doc):
    """Maximal runs of capitalised proper nouns (or words in capitals), up to ``MAX_RUN`` long."""
    if not len(doc):
        return
    # one pass in numpy: a news article has thousands of tokens and a few dozen names
    flags = doc.to_array([IS_ALPHA, IS_LOWER, POS])
    named = (flags[:, 0] == 1) & (flags[:, 1] == 0) & (flags[:, 2] == PROPN)
    for i in np.flatnonzero(named).tolist():
        named[i] = doc[i].text[:1].isupper()  # "McLean", "DeKalb" too; not "eBay"
    edges = np.flatnonzero(np.diff(np.concatenate(([0], named.astype(np.int8), [0]))))
    for start, end in zip(edges[::2].tolist(), edges[1::2].tolist()):
        if end - start <= MAX_RUN and doc[start].ent_type_ not in _NOT_PLACES:
            yield doc[start:end]


#: the labels a town's name never carries here: dates, numbers, laws and works
_NOT_PLACES = frozenset(["DATE", "TIME", "CARDINAL", "ORDINAL", "MONEY", "PERCENT", "QUANTITY", "LAW", "WORK_OF_ART", "EVENT", "PRODUCT"])
