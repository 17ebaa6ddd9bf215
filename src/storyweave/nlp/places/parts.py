"""A place named as a part of the town or county before it: "Toronto's Pearson International
Airport", "London's Heathrow", "Cairo's Abbasiya neighbourhood", "Warren County's Hamilton
Township".

English writes a part of a place as the place's possessive: the part lies in the owner, so a
reading of the part's name far from the owner is a namesake (Heathrow, Florida; Pearson,
Georgia), and a part the gazetteer has no point for (an airport, a park, a neighbourhood) is
placed at its owner, as a street is placed at its town. One sense per discourse: the part's
other mentions ("disruption at Heathrow") are the same part.

``Parts`` is a part of ``PlaceRecognizer`` kept in its own module, as ``Repeats`` is; it uses
the rules the recognizer loads (``self.facility_words``).
"""

from __future__ import annotations

from spacy.tokens import Doc, Span

from storyweave.nlp.gazetteer import normalise
from storyweave.nlp.places.context import distance_km
from storyweave.nlp.places.records import PLACE_LABELS, Place
from storyweave.nlp.places.resolve import _Candidate

#: kinds of place whose possessive names a part of them: a town or a county (a country's or a
#: state's possessive names far more than its parts: "Russia's Putin", "Ohio's economy")
OWNER_KINDS = frozenset({"city", "admin2"})
#: a reading of the part's name at most this far from its owner is the part itself (an
#: airport or a suburb lies outside the town's point, within a town's reach)
PART_KM = 50.0
#: the possessive's tokens ("Paris' iconic Champs-Elysees" ends in a bare apostrophe)
POSSESSIVE = frozenset({"'s", "\u2019s", "'", "\u2019"})
#: the most words (lower-case adjectives: "iconic", "busy") between the possessive and the part
MAX_ADJECTIVES = 2


class Parts:
    """The possessive-part reader of ``PlaceRecognizer``."""

    def _parts(self, doc: Doc, candidates: list[_Candidate], spans: list[Span] | None = None) -> list[Place]:
        """Places for the parts of the article's towns and counties, each at its owner's point.

        A part is a candidate, a place entity, or an organisation's name ending in a facility's
        word ("Ottawa's Macdonald-Cartier International Airport") right after an owner's
        possessive; ``spans``, when given, are the only spans looked at (the gold spans of
        ``geocode_spans``). A candidate whose reading lies within ``PART_KM`` of the owner keeps
        it; else it loses its reading, at this mention and at every other mention of its name.
        """
        owners = {
            c.span.end: c for c in candidates
            if c.choice is not None and c.choice.kind in OWNER_KINDS and _possessive(doc, c.span.end)
        }
        if not owners:
            return []
        by_start = {c.span.start: c for c in candidates}
        if spans is None:  # the entities, and the candidates no entity holds (matcher hits)
            ents = list(doc.ents)  # Span.ents walks every entity of the doc on each access
            spans = ents + [
                c.span for c in candidates
                if not any(c.span.start <= e.start and e.end <= c.span.end for e in ents)
            ]
            given = False
        else:
            given = True
        out: list[Place] = []
        moved: dict[str, _Candidate] = {}  # the name of a part that moved -> its owner
        for span in spans:
            owner = self._owner(doc, span.start, owners)
            if owner is None:
                continue
            cand = by_start.get(span.start)
            if not span.text[:1].isupper() or (cand is not None and not _may_be_part(cand, owner)):
                continue
            if cand is None and not given and not self._part_entity(span):
                continue
            if cand is not None:
                moved[normalise(cand.span.text)] = owner
                cand.choice = None
            if all(p.start_char != span.start_char for p in out):
                out.append(_part_place(span, owner))
        # one sense per discourse: the part's other mentions are the same part
        for cand in candidates:
            owner = moved.get(normalise(cand.span.text))
            if owner is not None and cand.choice is not None and _may_be_part(cand, owner):
                cand.choice = None
                out.append(_part_place(cand.span, owner))
        return out

    @staticmethod
    def _owner(doc: Doc, start: int, owners: dict[int, _Candidate]) -> _Candidate | None:
        """The town or county whose possessive stands before token ``start``, if any."""
        i = start
        while i > 0 and start - i < MAX_ADJECTIVES and doc[i - 1].pos_ == "ADJ" and doc[i - 1].is_lower:
            i -= 1
        if i > 0 and doc[i - 1].text in POSSESSIVE:
            return owners.get(i - 1)
        return None

    def _part_entity(self, ent: Span) -> bool:
        """Whether an entity without a reading names a part: a place ("Abbasiya", "Penn Park"),
        or an organisation named as a facility ("... International Airport")."""
        return ent.label_ in PLACE_LABELS or (ent.label_ == "ORG" and ent[-1].lower_ in self.facility_words)


def _possessive(doc: Doc, i: int) -> bool:
    return i < len(doc) and doc[i].text in POSSESSIVE and doc[i].tag_ == "POS"


def _may_be_part(cand: _Candidate, owner: _Candidate) -> bool:
    """Whether a candidate after an owner's possessive reads as a part of it: its reading, if
    any, is no wider place than a town ("Toronto's Ontario health-card holders"), is not bigger
    than the owner ("Prate's Paris office": a person's or a firm's, not a town's), and lies
    farther than ``PART_KM`` from it (else it is the part's own reading: "Aleppo's Old City")."""
    part, home = cand.choice, owner.choice
    if part is None:
        return True
    if part.kind not in ("city", "facility") or (home.population and part.population > home.population):
        return False
    return _km(part, home) > PART_KM


def _km(a, b) -> float:
    return distance_km(a.lat, a.lon, b.lat, b.lon)


def _part_place(span: Span, owner: _Candidate) -> Place:
    entry = owner.choice
    return Place(
        span.text, span.start_char, span.end_char, span.text, 0, entry.lat, entry.lon, entry.country_code,
        "facility", 0, "ner", "facility-in-town", "literal",
    )
