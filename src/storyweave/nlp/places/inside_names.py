"""Places inside other names: the town an institution is named after ("Gainesville Police",
"Tega Cay Volunteer Fire Department"), the state after a compass word ("Northeast Georgia"),
the country or state of a two-word organisation ("Environment Canada"), and the region an
institution studies, which is no place ("the Middle East Institute").

``InsideNames`` is a part of ``PlaceRecognizer`` kept in its own module, as ``Repeats`` and
``Resolution`` are; it uses the rules the recognizer loads (``self.institution_words``,
``self.subject_institutions``, ``self.directions``, ...).
"""

from __future__ import annotations

from spacy.tokens import Span

from storyweave.nlp.gazetteer import normalise

#: gazetteer kinds wider than any one seat: a region, a continent, a sea
WIDE_KINDS = frozenset(["region", "continent", "water"])
#: the most words after a place entity that may complete its name ("Fort St." + "John")
MAX_CUT_WORDS = 2
#: gazetteer kinds an institution named after them may sit in
SEAT_KINDS = frozenset(["country", "admin1", "admin2"])
#: a first-level division with fewer people is no organisation's namesake: "Paul Riva" is a
#: person, not an organisation of Paul, a district of Cape Verde
NAMED_DIVISION_PEOPLE = 100_000
#: a city after a compass word that opens an organisation's name names the organisation's
#: part of it from this size ("South Florida" aside, "Greater Boston Food Bank")
DIRECTION_CITY_PEOPLE = 100_000
#: the last word of a road's name
ROAD_WORDS = frozenset(["expressway", "highway", "parkway", "freeway", "turnpike", "tunnel", "bridge",
                        "boulevard", "avenue", "street", "road", "drive", "lane"])


def trim_entity(ent: Span) -> Span | None:
    # "the Netherlands", "Syria's": look the name up without the article and the possessive
    start, end = ent.start, ent.end
    doc = ent.doc
    while start < end and doc[start].lower_ in ("the", "a"):
        start += 1
    while end > start and doc[end - 1].text in ("'s", "\u2019s", "'", "."):
        end -= 1
    return doc[start:end] if end > start else None


class InsideNames:
    """The readers of names inside other names, for ``PlaceRecognizer``."""

    def _institution_subject(self, span: Span | None, found: list) -> bool:
        """Whether ``span`` names the region an institution studies or serves, not a place
        ("the Middle East Institute", "the Asia Society"): a reading is a region, a continent
        or a sea and none a country or a division (which an institution may be the seat of:
        "the Texas Medical Center"), and the entity around it ends in such an institution's
        word."""
        kinds = {e.kind for c in found for e, _ in c.entries}
        if span is None or not kinds & WIDE_KINDS or kinds & SEAT_KINDS:
            return False
        ent = next((e for e in span.doc.ents if e.start <= span.start and span.end <= e.end), None)
        return ent is not None and ent.end > span.end and ent[-1].lower_ in self.subject_institutions

    def _institution_named(self, ent: Span) -> bool:
        """Whether a PERSON entity is an institution named after a place ("Alexandria Police",
        "Huntsville Fire Chief", "Tega Cay Volunteer Fire Department"): a place the gazetteer
        knows, then an institution's word. The small model tags many such names PERSON."""
        if ent.label_ != "PERSON" or len(ent) < 2:
            return False
        span = trim_entity(ent)
        return span is not None and self._leading_name(span, institution=True) is not None

    def _leading_name(self, span: Span, institution: bool = False) -> Span | None:
        """The longest run of the span's first proper nouns that the gazetteer knows and that is
        no common word ("South" in "South Ossetia"), or None. With ``institution``, the word after
        the name must name an institution ("Police", "High School", "Census")."""
        end = span.start
        while end < span.end and span.doc[end].pos_ == "PROPN":
            end += 1
        for stop in range(min(end, span.end - 1), span.start, -1):
            head = span.doc[span.start : stop]
            if institution and span.doc[stop].lower_ not in self.institution_words \
                    and span.doc[stop - 1].lower_ not in self.division_words:
                continue
            if institution and head[-1].lower_ == "city" and not self._town_called(head.text):
                continue  # "Dublin City Council" is Dublin's, and Ireland's county "Dublin City" no town
            key = normalise(head.text)
            # an institution is named after a town called like a first name ("Paris High School"),
            # but not after a common word
            stop_words = self.stop_words if institution else self.stop
            if key not in stop_words and key not in self.directions and self._has_name(head.text):
                return self._with_city_word(head) if institution else head
        return None

    def _with_city_word(self, head: Span) -> Span:
        """The name with the "City" after it when a place has the longer name as its own
        ("Kansas City Power & Light", "Oklahoma City Council": the city, not the state);
        else the name ("Paris City Council")."""
        doc = head.doc
        if head.end < len(doc) and doc[head.end].lower_ == "city":
            whole = doc[head.start : head.end + 1]
            if self._town_called(whole.text):
                return whole
        return head

    def _names_a_facility_after_someone(self, span: Span) -> bool:
        """Whether ``span`` opens a facility's name and another name follows it ("Van" of "Van
        Wyck Expressway", "Lincoln" of "Lincoln Memorial Bridge" passes: a facility's word
        follows), which names a person, not the town."""
        doc = span.doc
        if span.end >= len(doc) or doc[span.start].ent_type_ != "FAC":
            return False
        start = span.start
        while start > 0 and doc[start].ent_iob_ == "I" and doc[start - 1].pos_ == "DET":
            start -= 1  # "the Van Wyck Expressway"
        if doc[start].ent_iob_ != "B":
            return False  # inside the name, not its opening words
        after = doc[span.end]
        return after.ent_type_ == "FAC" and after.ent_iob_ == "I" and not self._kind_word(after)

    def _feature_word(self, token) -> bool:
        """Whether ``token`` ends a natural feature's or a district's name ("River", "Lake",
        "Township", "Twp.")."""
        return token.lower_.rstrip(".") in self.feature_words

    def _after_feature_prefix(self, span: Span) -> bool:
        """Whether a name follows a capitalised word that opens a natural feature's name ("Lake"
        in "Lake Vermont", "Mount" in "Mount Washington"): the name is the feature's."""
        if span.start == 0:
            return False
        before = span.doc[span.start - 1]
        return before.is_title and before.lower_.rstrip(".") in self.feature_prefixes

    def _kind_word(self, token) -> bool:
        """Whether ``token`` says what kind of place a name is: an institution's, a facility's or
        a division's word ("Police", "Airport", "County"), not another name."""
        return token.lower_ in self.institution_words or token.lower_ in self.facility_words \
            or token.lower_ in self.division_words

    def _after_direction(self, span: Span) -> Span | None:
        """"Georgia" in "Northeast Georgia", when the rest is a name the gazetteer knows."""
        if len(span) < 2 or span[0].lower_ not in self.directions:
            return None
        rest = span.doc[span.start + 1 : span.end]
        return rest if self._has_name(rest.text) else None

    def _wide_after_direction(self, span: Span) -> Span | None:
        """The first words after a compass word that open an organisation's name, when they name
        a country, a division, a region or a city of ``DIRECTION_CITY_PEOPLE`` ("Illinois" in
        "Northern Illinois University"); not a town, which a firm is named after as often as
        after a place ("Western Union")."""
        if len(span) < 2 or span[0].lower_ not in self.directions:
            return None
        head = self._leading_name(span)  # "West Virginia" (Division of Highways) is its own name
        if head is None or len(head) < 2:
            rest = span.doc[span.start + 1 : span.end]
            whole = self._has_name(rest.text) and normalise(rest.text) not in self.stop
            head = rest if whole else self._leading_name(rest)  # "Metro Vancouver"
        if head is None:
            return None
        wide = any(
            not alt and (e.kind in SEAT_KINDS or e.kind in WIDE_KINDS or e.population >= DIRECTION_CITY_PEOPLE)
            for e, alt in self.gaz.lookup_ranked(head.text)
        )
        return head if wide else None

    def _names_a_country(self, ent: Span) -> bool:
        """Whether a two-word organisation carries a country's or a first-level division's name
        ("Environment Canada", "Education Minnesota", "Texas A&M", "U.S. Magistrate"): no person
        is called so, and the name inside is a place of the article. Town names are left out:
        many are family names ("Wells Fargo")."""
        if ent.label_ != "ORG":
            return False
        return any(
            normalise(t.text) not in self.stop and any(
                not alt and (e.kind == "country" or (e.kind == "admin1" and e.population >= NAMED_DIVISION_PEOPLE))
                for e, alt in self.gaz.lookup_ranked(t.text)
            )
            for t in ent
        )

    def _whole_name(self, span: Span) -> Span:
        """The place entity with the capitalised words after it, when the model cut short a name
        that a place has as its own ("Fort St." before "John", "Gun" before "Barrel City"), else
        as is."""
        doc = span.doc
        for extra in range(MAX_CUT_WORDS, 0, -1):
            end = span.end + extra
            if end > len(doc) or not all(t.text[:1].isupper() and t.pos_ == "PROPN" for t in doc[span.end : end]):
                continue
            longer = doc[span.start : end]
            if any(not alt for _entry, alt in self._entries(longer.text)):
                return longer  # its own name: "St. James" is an alternate name of Vung Tau
        return span

    def _without_city_word(self, span: Span) -> Span:
        """The town's name without "City" when the model took the word of an institution's name
        ("Dublin City Council", "Springfield City Schools", "Las Vegas City Marshal") into the
        place: a capitalised word follows, and no place has the longer name as its own, only as
        an alternate name of another or the name of a division (Dublin, Ireland, and its county are
        "Dublin City"). "Kansas City" and
        "Mexico City" are their own; "Quebec City" before no such word is the city's."""
        if len(span) < 2 or span[-1].lower_ != "city":
            return span
        after = span.doc[span.end] if span.end < len(span.doc) else None
        if after is None or not after.text[:1].isupper() or not after.is_alpha:
            return span  # "Quebec City and Nanjing": the city's own short name
        head = span.doc[span.start : span.end - 1]
        if self._town_called(span.text) or not self._has_name(head.text):
            return span
        return head

    def _town_called(self, name: str) -> bool:
        """Whether a town has ``name`` ("Kansas City") as its own name. A division so called is
        the town's county (Ireland's "Dublin City"), and an alternate name another town's."""
        return any(not alt and entry.kind == "city" for entry, alt in self._entries(name))

    def _state_initials(self, span: Span) -> Span | None:
        """A US state's dotted initials opening an organisation's name ("the S.C. Trial Lawyers
        Association", "the N.J. Division of Alcoholic Beverage Control"): they name the state
        whatever word follows, as no person's or town's name is written so."""
        first = span[0].text
        if len(span) > 1 and first.count(".") >= 2 and first.replace(".", "").isupper() and first in self.state_abbrev:
            return span[:1]
        return None
