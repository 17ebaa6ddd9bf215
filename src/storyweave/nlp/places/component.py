"""Places: toponyms recognised, disambiguated and geocoded against the offline gazetteer.

The ``storyweave_places`` spaCy component runs after the NER and works in numbered stages:

1. candidates: spaCy's GPE/LOC/FAC entities; entities of other labels whose whole text is a
   gazetteer name (the small model tags Hama PERSON, Aleppo NORP); and a lookup of token
   n-grams among notable gazetteer names for the toponyms the model missed; demonyms on the side;
2. filters: person names ("Mr. Jordan", "Paris Hilton ... Paris said"), known organisations
   ("HTS"), common words that are also towns (data file), and "X, Y" admin context;
3. disambiguation, one sense per name and article: population, prominence (how many alternate
   names GeoNames lists) and feature rank; explicit "Paris, Texas" context; and, iterated, the
   probability mass the article's other names and demonyms put on each country, state and area;
4. spatial context for recognition: small towns the article names beside a town it has placed
   ("the Byesville Volunteer Fire Department" near Cambridge, Ohio), which the matcher does
   not look for and the model often tags nothing or a person (``nearby``);
5. output: ``doc._.places`` (a list of ``Place``) and ``doc.ents`` with corrected labels.
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from typing import NamedTuple

from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from storyweave.nlp.extensions import register_extensions
from storyweave.nlp.gazetteer import GazEntry, Gazetteer, load_gazetteer, normalise
from storyweave.nlp.places.discourse import Repeats
from storyweave.nlp.places.inside_names import ROAD_WORDS, InsideNames
from storyweave.nlp.places.inside_names import trim_entity as _trim
from storyweave.nlp.places.matcher import _match_key, _NameMatcher
from storyweave.nlp.places.nearby import Nearby
from storyweave.nlp.places.outlets import HOME_KM, HOME_TOWN_KM, OUTLET_COUNTRY_KEY, OUTLET_HOME_KEY, home_area, home_towns
from storyweave.nlp.places.parts import Parts
from storyweave.nlp.places.records import PLACE_LABELS, Place
from storyweave.nlp.places.records import to_place as _to_place
from storyweave.nlp.places.resolve import Resolution, _aged, _Candidate, _overlaps
from storyweave.nlp.places.rules import read_lines as _read_lines
from storyweave.nlp.places.rules import read_pairs as _read_pairs
from storyweave.nlp.places.rules import read_settings as _read_settings
from storyweave.nlp.places.scan import TextCues, _opens_line

logger = logging.getLogger(__name__)

#: the smallest city the name matcher looks for when spaCy saw no entity there; smaller
#: places are still found when the model tags them, through the full gazetteer
MATCHER_MIN_POPULATION = 15000
#: kinds of place an acronym names as often as an organisation does ("EU", "UK"): no town of
#: the same letters, which the acronym rule is for ("RUSI")
BROAD_KINDS = frozenset({"continent", "country", "region"})
#: a town named like a demonym is its reading only from this size ("Canadian", Texas, is not)
DEMONYM_TOWN_POPULATION = 100_000
#: the labels of named things that are no places and are often named after one
NAMED_THINGS = frozenset(["EVENT", "WORK_OF_ART", "LAW", "PRODUCT"])
#: a name the model did not tag whose every reading is a town under this size is the town only
#: where it stands alone: "Paul Riva", "Mount Sefton" and "the Angels" are other names
SMALL_TOWN = 100_000
#: in an article of an outlet whose home area is known (``outlets.outlet_home``), the name
#: matcher also looks for the towns of at least this size within ``HOME_KM`` of the home, and its
#: counties: a local paper names its small neighbours, which the model often misses
HOME_TOWN_MIN_POPULATION = 500
#: home areas whose matchers are kept (a store's local outlets; each takes a few thousand names)
HOME_MATCHERS = 256




class _NameCues(NamedTuple):
    """What the article's entities say about its names, for telling people from places."""

    person_words: frozenset[str] | set[str]  # the words of its people's names (and name-like organisations)
    placed_words: frozenset[str] | set[str]  # the single words the model tags places
    surnames: frozenset[str] | set[str]  # the family names of its people, where no place outnumbers them
    full_name_words: frozenset[str] | set[str]  # the words of the full names the model tags people
    #: the names of the outlet's own towns (``outlets.home_towns``): a local paper's "Paris" is
    #: its town even where the name is also a first name and no locative comes before it
    own_towns: frozenset[str] = frozenset()


NO_CUES = _NameCues(frozenset(), frozenset(), frozenset(), frozenset())


class PlaceRecognizer(TextCues, Repeats, Nearby, InsideNames, Parts, Resolution):
    """The ``storyweave_places`` component. Build it through ``nlp.add_pipe``."""

    def __init__(self, nlp: Language, name: str = "storyweave_places", use_matcher: bool = True):
        register_extensions()
        self.name = name
        self.gaz: Gazetteer = load_gazetteer()
        words = _read_settings("context_words.toml")
        roles = _read_settings("roles.toml")
        self.agent_verbs = frozenset(roles["agent_verbs"])
        self.agent_nouns = frozenset(roles["agent_nouns"])
        self.agent_kinds = frozenset(roles["agent_kinds"])
        self.agent_town_population = int(roles["agent_town_population"])
        self.town_suffixes = frozenset(roles["town_suffixes"])
        self.facility_words = frozenset(words["facility_words"])
        self.feature_words = frozenset(words["feature_words"])
        self.feature_prefixes = frozenset(words["feature_prefixes"])
        self.institution_words = frozenset(words["institution_words"])
        self.directions = frozenset(words["directions"])
        self.party_prefixes = frozenset(words["party_prefixes"])
        self.subject_institutions = frozenset(words["subject_institution_words"])
        self.division_words = dict(words["division_words"])  # "county" -> "counties"
        self.division_plurals = {plural: word.title() for word, plural in self.division_words.items()}
        self.national_words = frozenset(words["national_institution_words"])
        self.locative = set(words["locative_prepositions"])
        self.resident_words = frozenset(words["resident_words"])
        self.speech = set(words["speech_verbs"])
        self.correctable = set(words["correctable_labels"])
        self.stop_words = {normalise(w) for w in _read_lines("stop_toponyms.txt")}
        self.stop = self.stop_words | {normalise(w) for w in _read_lines("name_toponyms.txt")}
        self.titles = {w.lower() for w in _read_lines("person_titles.txt")}
        self.orgs = _read_pairs("org_names.tsv")
        self.state_abbrev = _read_pairs("us_state_abbreviations.tsv")
        self.admin1_abbrev = {
            abbrev: tuple(value.split(":", 1)) for abbrev, value in _read_pairs("admin1_abbreviations.tsv").items()
        }
        self.aliases = set(_read_pairs("country_aliases.tsv")) | set(self.state_abbrev.values())
        self.matcher = self._build_matcher() if use_matcher else None
        self._home_matchers: dict[tuple[float, ...], _NameMatcher | None] = {}
        self._own_towns: dict[tuple[float, ...], frozenset[str]] = {}

    # -- stage 0: the names looked for where the model saw no entity -----------------------

    def _build_matcher(self) -> _NameMatcher:
        # Not spaCy's PhraseMatcher: it must tokenise every pattern and add its words to the
        # shared vocab at each start (8 s and 240 MB for 40,000 names); looking the token
        # n-grams of a document up in a set of normalised names finds the same spans.
        started = time.perf_counter()
        # accents are folded only for big cities ("Sao Paulo"): folded small names would
        # turn common words into towns ("Bank" for Bānk, India)
        names = {
            _match_key(e.name)
            for e in self.gaz.notable(MATCHER_MIN_POPULATION)
            if e.name.isascii() or (e.kind == "city" and e.population >= 100_000)
        }
        names.update(_match_key(n) for n in _read_pairs("country_aliases.tsv"))
        names = {n for n in names if n not in self.stop and len(n) > 2}
        forms = set(_read_pairs("demonyms.tsv"))
        forms |= {f + "s" for f in forms if not f.endswith(("sh", "ch", "se", "s"))}
        matcher = _NameMatcher(names, {_match_key(f) for f in forms})
        logger.info("places matcher: %d names in %.2f s", len(names), time.perf_counter() - started)
        return matcher

    def _home_matcher(self, home: tuple[float, ...] | None) -> _NameMatcher | None:
        """The names of the towns and counties around an outlet's home point, and of its own
        towns (``outlets.home_towns``) even where they are first names ("Paris", "Marion"), or None."""
        if home is None or self.matcher is None:
            return None
        key = tuple(float(x) for x in home)
        if key not in self._home_matchers:
            if len(self._home_matchers) >= HOME_MATCHERS:
                self._home_matchers.clear()
            names = {
                _match_key(e.name)
                for e in self.gaz.near(*home_area(key), HOME_KM, min_city_population=HOME_TOWN_MIN_POPULATION)
                if e.name.isascii()
            }
            names = {n for n in names if n not in self.stop and len(n) > 2}
            names |= {n for n in self._own_town_names(key) if n not in self.stop_words and len(n) > 2}
            self._home_matchers[key] = _NameMatcher(names, set()) if names else None
        return self._home_matchers[key]

    def _own_town_names(self, home: tuple[float, ...] | None) -> frozenset[str]:
        """The normalised names of the towns at an outlet's own points (``home_towns``)."""
        if not home:
            return frozenset()
        key = tuple(float(x) for x in home)
        if key not in self._own_towns:
            if len(self._own_towns) >= HOME_MATCHERS:
                self._own_towns.clear()
            self._own_towns[key] = frozenset(
                normalise(e.name) for lat, lon in home_towns(key) for e in self.gaz.near(lat, lon, HOME_TOWN_KM, kinds=("city",))
            )
        return self._own_towns[key]

    # -- the component ------------------------------------------------------------------------

    def __call__(self, doc: Doc) -> Doc:
        candidates, demonyms, relabel = self._candidates(doc)
        self._resolve(candidates, demonyms, doc.user_data.get(OUTLET_COUNTRY_KEY), doc.user_data.get(OUTLET_HOME_KEY))
        candidates += self._nearby(doc, candidates, [(p.start_char, p.end_char) for p in demonyms])
        candidates += self._repeats(doc, candidates, [(p.start_char, p.end_char) for p in demonyms])
        parts = self._parts(doc, candidates)
        places = [self._place(c) for c in candidates if c.choice is not None] + parts
        places += [
            f for f in self._facilities_in_towns(doc, candidates)
            if not any(p.start_char < f.end_char and f.start_char < p.end_char for p in parts)
        ]
        places += demonyms
        places.sort(key=lambda p: p.start_char)
        doc._.places = places
        self._rewrite_ents(doc, candidates, relabel)
        return doc

    def geocode_spans(self, doc: Doc, spans: list[tuple[int, int]]) -> list[Place | None]:
        """Geocode toponyms whose character spans are already known (toponym resolution alone).

        Each span is resolved with the article as context: the places the component finds
        elsewhere in ``doc`` weigh in as they do in a full run. A span the gazetteer has no
        reading for (or that aligns with no tokens) gives None. Used to score resolution apart
        from recognition, as the geoparsing literature does.
        """
        found, demonyms, _relabel = self._candidates(doc)
        given: list[_Candidate | None] = []
        given_spans: list[Span] = []
        for start, end in spans:
            span = doc.char_span(start, end, alignment_mode="expand")
            span = _trim(span) if span is not None and len(span) else None
            cand = self._given_candidate(span) if span is not None else None
            given.append(cand)
            given_spans += [span] if span is not None else []
        taken = [c for c in given if c is not None]
        context = [c for c in found if not any(_overlaps(c.span, g.span) for g in taken)]
        self._resolve(context + taken, demonyms, doc.user_data.get(OUTLET_COUNTRY_KEY),
                      doc.user_data.get(OUTLET_HOME_KEY))
        parts = {p.start_char: p for p in self._parts(doc, context + taken, given_spans)}
        out = []
        for (start, end), cand in zip(spans, given):
            span = doc.char_span(start, end, alignment_mode="expand")
            span = _trim(span) if span is not None and len(span) else None
            part = parts.get(span.start_char) if span is not None else None
            out.append(part or (self._place(cand) if cand and cand.choice else None))
        return out

    def _given_candidate(self, span: Span) -> _Candidate | None:
        entries = self._entries(span.text)
        if reads_as_demonym(self.gaz, span.text):
            entries = []  # "Canadian" is the demonym, not Canadian, Texas
        if not entries:
            country = self._demonym_place(span.text)
            if country is None:
                return None
            return _Candidate(span, "demonym", [(country, False)], given=True)
        cand = _Candidate(span, "given", entries, given=True)
        self._admin_context(cand)
        return cand

    # -- stage 1 and 2: candidates and filters ---------------------------------------------

    def _candidates(self, doc: Doc) -> tuple[list[_Candidate], list[Place], dict[tuple[int, int], str]]:
        candidates: list[_Candidate] = []
        relabel: dict[tuple[int, int], str] = {}
        taken: set[int] = set()
        ents = list(doc.ents)  # Doc.ents builds its spans anew on every access
        # "Huntsville Fire Chief", "Alexandria Police" tagged PERSON: institutions, no people's names
        own_towns = self._own_town_names(doc.user_data.get(OUTLET_HOME_KEY))
        names = [
            e for e in ents
            if _looks_like_name(e) and not self._institution_named(e) and not self._names_a_country(e)
            # "Paris Walmart", "Paris Policemen" in a Paris paper: its own town's, not a name
            and not (e.label_ == "ORG" and normalise(e[0].text) in own_towns)
        ]
        person_words = {t.lower_ for e in names for t in e}
        # the words of the full names the model itself tags people ("Zurana Horton"), not of the
        # two-word organisations above that read like names ("Columbia State")
        full_name_words = {t.lower_ for e in names if e.label_ == "PERSON" for t in e}
        # one sense per discourse: a word the model tags a place elsewhere in the article is not
        # a person's name just because "Wells Fargo" is an organisation ("Fargo" stays Fargo)
        placed_words = {e.text.lower() for e in ents if e.label_ in PLACE_LABELS and len(e) == 1}
        # the family names of the article's people: "Raj Chohan ... Chohan, 59, of Queens"; but
        # not a word the model tags a place more often than it ends a person's name (a headline
        # "Rethinking Egypt" tagged PERSON leaves the article's many GPE "Egypt" places)
        place_counts = Counter(e.text.lower() for e in ents if e.label_ in PLACE_LABELS and len(e) == 1)
        last_words = Counter(e[-1].lower_ for e in ents if e.label_ == "PERSON" and len(e) >= 2)
        surnames = {w for w, n in last_words.items() if n >= place_counts[w]}
        cues = _NameCues(person_words, placed_words, surnames, full_name_words, own_towns)
        demonyms: list[Place] = []
        # datelines first: the model tags a town in capitals anything ("XENIA" ORG) or nothing
        for span in self._dateline_spans(doc):
            found = self._lookup(span, "gazetteer", "", cues)
            if found:
                taken.update(range(span.start, span.end))
                candidates.extend(found)
        for cand in self._affiliations(doc) + self._division_lists(doc):
            taken.update(range(cand.span.start, cand.span.end))
            candidates.append(cand)
        for ent in ents:
            if any(i in taken for i in range(ent.start, ent.end)):
                continue  # a dateline or an affiliation read above
            span = _trim(ent)
            if span is None:
                continue
            if ent.label_ in PLACE_LABELS:
                span = self._whole_name(span)  # "Fort St." before "John" tagged PERSON
                span = self._without_city_word(span)  # "Dublin City" (Council) is Dublin
            if ent.label_ in self.correctable and self._is_demonym(span.text):
                # "Sri Lankan troops" tagged PERSON: the word is the country's demonym
                demonyms.extend(self._demonym(span))
                taken.update(range(ent.start, ent.end))
                continue
            if span.text in self.orgs:
                if ent.label_ != self.orgs[span.text]:
                    relabel[(ent.start, ent.end)] = self.orgs[span.text]
                taken.update(range(ent.start, ent.end))
                continue
            if ent.label_ in PLACE_LABELS:
                source = "ner"
            elif ent.label_ in self.correctable and self._has_name(span.text):
                source = "gazetteer"
            else:
                # toponyms inside an organisation's name ("Ohio Department of Health") stay
                # findable by the matcher; inside a person's name ("Paris Hilton") they do not
                county_named = any(t.lower_ in self.division_words for t in span)
                if ent.label_ == "PERSON" and not county_named and not self._institution_named(ent):
                    taken.update(range(ent.start, ent.end))
                elif ent.label_ in ("ORG", "PERSON"):  # "Anderson County Sheriff" tagged PERSON
                    # "Gainesville Police", "the Paris Public Library", "S.C. Highway Patrol": an
                    # institution named after its town or state names that place
                    head = self._leading_name(span, institution=True) or self._state_initials(span)
                    found = self._lookup(head, "ner", "GPE", cues) if head is not None else []
                    if not found:
                        # "Northern Illinois University", "the Western Pennsylvania Kennel
                        # Association": a compass word and a state, country or city names a part
                        # of that place, whatever word follows
                        head = self._wide_after_direction(span)
                        found = self._lookup(head, "ner", "GPE", cues) if head is not None else []
                    if found and span.doc[head.end].lower_ not in self.national_words:
                        # "Jamaica Hospital" is in Queens: only a national institution ("U.S.
                        # Census", "Syrian Army") is named after a country
                        found = [c for c in found if _without_countries(c)]
                    if found:
                        taken.update(range(ent.start, ent.end))
                        candidates.extend(found)
                continue
            found = self._lookup(span, source, ent.label_, cues)
            if not found and source == "ner":
                # "the Titus County Jail", "Wyandotte County District Court": the model's place
                # is a building or an institution named after the place that holds it;
                # "Northeast Georgia" is a part of Georgia
                head = self._after_direction(span) or self._leading_name(span)
                found = self._lookup(head, source, ent.label_, cues) if head is not None else []
                if found and span[-1].lower_ in ROAD_WORDS:
                    # "Pitkin Avenue", "Van Wyck Expressway": a road is named after a person or a
                    # place elsewhere, and lies in the town that holds it (placed as a facility)
                    found = []
                elif found and self._feature_word(span[-1]):
                    # so is a river, a lake or a park ("James River", "Roanoke Park"), and no
                    # name inside it is a place either
                    found, source = [], "feature"
                if self._institution_subject(head, found):
                    found, source = [], "institution"
            if found or source != "ner":
                taken.update(range(ent.start, max(ent.end, span.end)))
            # else the name matcher may still find a toponym inside it
            candidates.extend(found)
        if self.matcher is not None:
            # the matcher looks inside organisations ("Ohio Department of Health"), but not inside
            # a two-word one named like a person ("Wells Fargo")
            taken.update(i for e in names for i in range(e.start, e.end))
            home_matcher = self._home_matcher(doc.user_data.get(OUTLET_HOME_KEY))
            for span in filter_spans(self.matcher(doc) + (home_matcher(doc) if home_matcher else [])):
                if any(i in taken for i in range(span.start, span.end)):
                    continue
                if span.label_ == "DEMONYM":
                    demonyms.extend(self._demonym(span))
                elif any(t.ent_type_ == "PRODUCT" for t in span):
                    continue  # "Toyota Camry", "Nissan Leaf": a make, not the town it shares a name with
                elif self._names_a_facility_after_someone(span):
                    continue  # "Van Wyck Expressway" is no road in Van, Texas
                elif self._after_feature_prefix(span):
                    continue  # "Lake Vermont" is a lake in Minnesota, "Mount Washington" a hill
                elif all(t.pos_ == "PROPN" for t in span) or self._dateline(span):
                    found = self._lookup(span, "gazetteer", "", cues)
                    if found and not self._dateline(span) and _only_towns(found, SMALL_TOWN) and (
                        self._continues_a_name(span) or (self._after_the(span) and normalise(span.text) not in cues.own_towns)
                        or any(t.ent_type_ in NAMED_THINGS for t in span)
                    ):
                        # "Paul Riva", "Mount Sefton", "the Angels", "the Gambino family", and
                        # "Hurricane Katrina" or "the Alamo Bowl": an event's or a work's name
                        continue
                    if not self._institution_subject(span, found):
                        candidates.extend(found)
        unique: list[_Candidate] = []
        for cand in sorted(candidates, key=lambda c: (-len(c.span.text), c.span.start)):
            if not any(u.span.start < cand.span.end and cand.span.start < u.span.end for u in unique):
                unique.append(cand)
        candidates = sorted(unique, key=lambda c: c.span.start)
        return candidates, demonyms, relabel

    def _is_demonym(self, text: str) -> bool:
        return reads_as_demonym(self.gaz, text)

    def _has_name(self, text: str) -> bool:
        return text in self.state_abbrev or text + "." in self.state_abbrev or self.gaz.has_name(text)

    def _entries(self, text: str) -> list[tuple[GazEntry, bool]]:
        state = self.state_abbrev.get(text) or self.state_abbrev.get(text + ".")
        entry = self.gaz.admin1("US", state) if state else None
        abbrev = text if text in self.admin1_abbrev else text + "."  # the dot may be trimmed off
        if entry is None and abbrev in self.admin1_abbrev:
            # "B.C.", "Ont.": the abbreviation names one division of one country
            country, name = self.admin1_abbrev[abbrev]
            entry = next((e for e in self.gaz.lookup(name) if e.kind == "admin1" and e.country_code == country), None)
        if entry:
            return [(entry, False)]
        found = self.gaz.lookup_ranked(text)
        if not found and text[-2:-1] == "." and text[-1:].isupper():
            found = self.gaz.lookup_ranked(text + ".")  # "U.S" for "U.S.", its last dot lost
        return found

    def _lookup(self, span: Span, source: str, label: str, cues: _NameCues) -> list[_Candidate]:
        entries = self._entries(span.text)
        if entries and len(span) > 1 and self._feature_word(span[-1]):
            # "the Red River" is the river: Red River County answers to it only as the county's
            # short name, and lies elsewhere as often as not
            entries = [(e, alt) for e, alt in entries if not (alt and e.kind == "admin2")]
        comma = next((t.i for t in span if t.text == ","), None) if not entries and "," in span.text else None
        if comma is not None:
            # "Springfield, Illinois" tagged as one entity: the two parts are two toponyms (a comma
            # inside a token, ",…", splits nothing)
            parts = [span.doc[span.start : comma], span.doc[comma + 1 : span.end]]
            return [c for p in parts if len(p) for c in self._lookup(p, source, label, cues)]
        if not entries or span.text[:1].islower() or (len(span) == 1 and span.text.lower() in self.titles):
            return []  # "the red zone", "Officer Ortiz": a common word and a title are no towns
        cand = _Candidate(span, source, entries, label=label)
        # a word of a person's full name in the article ("Horton" after "Zurana Horton")
        cand.namesake = len(span) == 1 and span.text.lower() in cues.full_name_words
        tail = self._admin_context(cand)
        # "Greer, South Carolina": a state or country named right after it makes it a place
        if self._is_person(span, label, NO_CUES if tail is not None else cues):
            return []
        if self._names_a_product(span):
            return []
        name = normalise(span.text)
        if name in self.stop and tail is None and name not in cues.own_towns:
            # "in Congress" is the institution, "the Bush administration" the president's: a
            # common word the model calls a person or an organisation is a town only when its
            # state or country is named ("Commerce, Texas")
            if (label in self.correctable and name in self.stop_words) or (
                source == "gazetteer" and not self._locative_before(span)
            ):
                return []
        if tail is not None:  # "Tenn." in "Paris, Tenn." is a toponym of its own
            whole = _Candidate(tail, source, self._entries(tail.text), label=label)
            # and "Ontario, Canada" after "Toronto" has its own context
            self._admin_context(whole)
            return [cand, whole]
        return [cand]

    def _is_person(self, span: Span, label: str, cues: _NameCues) -> bool:
        """Whether a name that is also a place names a person (or an acronym) here.

        ``cues``: the words of the article's person names, the single words it tags places,
        and its people's family names.
        """
        person_words, placed_words, surnames = cues.person_words, cues.placed_words, cues.surnames
        before = span.doc[span.start - 1] if span.start > 0 else None
        if before is not None and before.lower_ in self.titles:
            return True
        if span.text.isalpha() and span.text.isupper() and len(span) == 1 and len(span.text) <= 5 \
                and span.text not in self.aliases and not self._dateline(span) \
                and not any(e.kind in BROAD_KINDS for e, _alt in self.gaz.lookup_ranked(span.text)):
            return True  # an acronym ("RUSI") is an organisation, not the town of the same letters
        # a place name that is elsewhere part of a person's name ("Paris Hilton") is that person,
        # unless the model itself tagged it a place after a locative preposition ("in Paris")
        named = len(span) == 1 and span.text.lower() in person_words
        only_named = named and span.text.lower() not in placed_words
        if self._locative_before(span):
            return only_named and label not in PLACE_LABELS
        if len(span) == 1 and span.text.lower() in surnames:
            return True  # "Chohan, 59, of Queens" after "Raj Chohan": her family name, not a town
        after = span.doc[span.end] if span.end < len(span.doc) else None
        if after is not None and after.lemma_.lower() in self.speech and (named or label == "PERSON"):
            return True  # "Paris said", after "Paris Hilton" earlier
        return only_named and (label == "PERSON" or label not in PLACE_LABELS)

    @staticmethod
    def _names_a_product(span: Span) -> bool:
        """Whether the name is a make before its model ("a 2013 Toyota Camry"): the model
        tags the next words a product."""
        after = span.doc[span.end] if span.end < len(span.doc) else None
        return after is not None and after.ent_type_ == "PRODUCT" and after.ent_iob_ == "B"

    def _locative_before(self, span: Span) -> bool:
        if self._dateline(span):
            return True
        if self._residents_after(span):
            return True  # "an Independence teenager", "the two Hamilton women": where they are from
        i = span.start - 1
        if i >= 0 and span.doc[i].lower_ == "the":
            i -= 1
        return i >= 0 and span.doc[i].lower_ in self.locative

    def _residents_after(self, span: Span) -> bool:
        """Whether the name modifies a word for its residents after a determiner, a number or an
        adjective ("the 60-year-old Alton man", "two Hamilton women"), or opening a headline or
        a sentence ("Chicopee residents discuss ...", "Coroner: Hamilton women died ..."): it
        says where they live, as "of Alton" would (``resident_words`` in ``context_words.toml``)."""
        doc = span.doc
        if span.end >= len(doc) or doc[span.end].lower_ not in self.resident_words:
            return False
        if span.start == 0 or _opens_line(doc, span.start) or doc[span.start - 1].text == ":":
            return True
        return doc[span.start - 1].pos_ in ("DET", "NUM", "ADJ")

    def _admin_context(self, cand: _Candidate) -> Span | None:
        """Read "X, Texas" / "X, Tenn." / "X, Syria" after a candidate; return the tail's span."""
        doc, end = cand.span.doc, cand.span.end
        if end + 1 >= len(doc) or doc[end].text != ",":
            return None
        for width in (3, 2, 1):
            if end + 1 + width > len(doc):
                continue
            span = doc[end + 1 : end + 1 + width]
            tail = span.text
            code = self.state_abbrev.get(tail) or (tail if len(tail) == 2 and tail.isupper() else None)
            if code and self.gaz.admin1("US", code):
                cand.admin = ("US", code)
                return span
            if tail in self.admin1_abbrev:  # "Winnipeg, Man."
                (division, _alt), = self._entries(tail) or ((None, False),)
                if division is not None and division.kind == "admin1":
                    cand.admin = (division.country_code, division.admin1) if division.admin1 else None
                    cand.country = division.country_code
                    return span
            # "Atlanta, Georgia": of the tail's readings, the one that holds a reading of the name
            wide = [e for e, alt in self.gaz.lookup_ranked(tail) if not alt and e.kind in ("admin1", "country")]
            if not wide or not tail[:1].isupper():
                continue
            entry = next((w for w in wide if any(_holds(w, e) for e, _alt in cand.entries)), wide[0])
            cand.admin = (entry.country_code, entry.admin1) if entry.kind == "admin1" and entry.admin1 else None
            cand.country = entry.country_code
            return span
        return None

    def _demonym_place(self, text: str) -> GazEntry | None:
        """The country a demonym names, its continent ("European": ``demonyms.tsv`` gives the
        continent's name where others give a country code) or its first-level division ("Texan":
        "US:TX")."""
        code = self.gaz.demonym(text)
        if not code:
            return None
        if ":" in code:  # "Texan": "US:TX", a first-level division
            return self.gaz.admin1(*code.split(":", 1))
        return self.gaz.country(code) or next((e for e in self.gaz.lookup(code) if e.kind == "continent"), None)

    def _demonym(self, span: Span) -> list[Place]:
        country = self._demonym_place(span.text)
        if country is None:
            return []
        return [_to_place(span, country, "demonym", "demonym")]

    # -- stage 4: entity labels -------------------------------------------------------------

    def _rewrite_ents(self, doc: Doc, candidates: list[_Candidate], relabel: dict[tuple[int, int], str]) -> None:
        placed = {(c.span.start, c.span.end): c for c in candidates if c.choice is not None}

        def unplaced(ent) -> bool:
            return not any(s <= ent.start and ent.end <= e for s, e in placed)

        # the family names of the article's people: the last words of the full names the model
        # tags people, and a name it tagged a place that an age follows ("Raj Chohan, 59, of
        # Queens" with "Chohan" a GPE). A place the resolver placed stays a place ("Rethinking
        # Egypt" tagged PERSON leaves Egypt a place).
        family = {e[-1].lower_ for e in doc.ents if (e.label_ == "PERSON" and len(e) >= 2)
                  or (e.label_ in PLACE_LABELS and _aged(e) and unplaced(e))}
        ents = []
        for ent in doc.ents:
            label = relabel.get((ent.start, ent.end), ent.label_)
            if label in PLACE_LABELS and len(ent) == 1 and ent.text.lower() in family and unplaced(ent):
                # "Chohan was pronounced dead at Jamaica Hospital": the model's GPE that no place
                # answers to is that person
                label = "PERSON"
            # only the entity's own reading relabels it: a toponym the matcher found inside an
            # organisation ("U.S." in "the U.S. Fish and Wildlife Service") leaves it an organisation
            inner = [c for (s, e), c in placed.items() if ent.start <= s and e <= ent.end and c.label == ent.label_]
            if ent.label_ not in PLACE_LABELS and inner and label == ent.label_:
                label = "LOC" if inner[0].choice.kind == "continent" else "GPE"
            ents.append(ent if label == ent.label_ else Span(doc, ent.start, ent.end, label=label))
        for (s, e), cand in placed.items():
            if cand.source == "gazetteer":
                # a piece of the name the model tagged something else ("ST" ORG in "ST. PARIS")
                ents = [x for x in ents if not (s <= x.start and x.end <= e and x.label_ not in PLACE_LABELS)]
            if cand.source == "gazetteer" and not any(x.start < e and s < x.end for x in ents):
                ents.append(Span(doc, s, e, label="LOC" if cand.choice.kind == "continent" else "GPE"))
        doc.ents = filter_spans(ents)


@Language.factory(
    "storyweave_places",
    # the entities are the candidates; the parse and tags read a place's role and filter names
    # (token.pos too, which the model's attribute ruler sets without declaring it)
    requires=["doc.ents", "token.dep", "token.head", "token.tag", "token.lemma"],
    assigns=["doc._.places", "doc.ents"],
    default_config={"use_matcher": True},
)
def make_places(nlp: Language, name: str, use_matcher: bool) -> PlaceRecognizer:
    """Build the places component (loads the gazetteer on first use)."""
    return PlaceRecognizer(nlp, name, use_matcher)


def reads_as_demonym(gaz: Gazetteer, text: str) -> bool:
    """Whether a word is read as a demonym ("Syrian", "Canadians"): the gazetteer knows it as
    one, and any place of that name is only a town smaller than ``DEMONYM_TOWN_POPULATION``
    or a place known by it only as an alternate name ("Canadian", Texas, and Canadian County;
    "Spanish", Ontario). But a first-level division that GeoNames names so is its reading
    ("Abkhaz" for Abkhazia, not Georgia)."""
    if gaz.demonym(text) is None:
        return False
    return not any(
        (not alt and (e.kind != "city" or e.population >= DEMONYM_TOWN_POPULATION)) or (alt and e.kind == "admin1")
        for e, alt in gaz.lookup_ranked(text)
    )


def _looks_like_name(ent: Span) -> bool:
    # "Paris Hilton", "Jordan Peterson": the small model tags some of these ORG
    if ent.label_ == "PERSON":
        return len(ent) > 1
    return ent.label_ == "ORG" and len(ent) == 2 and all(t.pos_ == "PROPN" and t.is_title for t in ent)


def _only_towns(found: list[_Candidate], population: int) -> bool:
    """Whether every reading of the candidates is a town smaller than ``population``."""
    return all(e.kind == "city" and e.population < population for c in found for e, _alt in c.entries)


def _holds(wide: GazEntry, entry: GazEntry) -> bool:
    """Whether a country or first-level division holds a reading (of another kind)."""
    if entry.kind == wide.kind or entry.country_code != wide.country_code:
        return False
    return wide.kind == "country" or entry.admin1 == wide.admin1


def _without_countries(cand: _Candidate) -> bool:
    """Drop a candidate's country readings; whether any reading is left."""
    cand.entries = [(e, alt) for e, alt in cand.entries if e.kind != "country"]
    return bool(cand.entries)
