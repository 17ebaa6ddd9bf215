"""Stage 3 of the places component: each name's reading, chosen from priors, explicit context
and the rest of the article; how each mention uses its place (its role); and streets and
buildings placed at the town that holds them.

``Resolution`` is a part of ``PlaceRecognizer`` kept in its own module so that each stage reads
on its own; it uses the rules the recognizer loads (``self.gaz``, ``self.stop_words``, ...).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from spacy.tokens import Doc, Span

from storyweave.nlp.gazetteer import GazEntry, normalise
from storyweave.nlp.places.context import (
    RESOLVE_PASSES,
    _Context,
    _Distances,
    _Name,
    _prior,
    _softmax,
    county_links,
    distance_km,
    siblings_of,
)
from storyweave.nlp.places.outlets import (
    HOME_BONUS, HOME_KM, HOME_TOWN_BONUS, HOME_TOWN_KM, OUTLET_COUNTRY_BONUS, home_area, home_towns,
)
from storyweave.nlp.places.records import Place
from storyweave.nlp.places.records import to_place as _to_place

#: kinds of place that a name written like a common word ("Bush", "Jewish") must earn by context
COMMON_WORD_KINDS = frozenset({"city", "admin1", "admin2"})
#: a town smaller than this named like a word of one of the article's people's full names
#: ("Horton" after "Zurana Horton", "Newton" after "Cam Newton") is that person unless a
#: locative or its state says otherwise
NAMESAKE_TOWN = 100_000
#: a division whose name is also a town of at least this size inside it, holding at least
#: this share of the division's people, loses this much (log10 units): the bare name means
#: the town ("Aleppo", "Gaza", "New York"); but a province whose capital of its name is a
#: small part of it is the province ("Quebec": Québec city holds 5 % of its people)
CHIEF_TOWN_POPULATION = 20_000
CHIEF_TOWN_SHARE = 0.1
CHIEF_TOWN_PENALTY = 3.0
#: a town named like a first-level division of its country at least this many times its size
#: loses this much (log10 units): the bare name means the division ("Kansas" is the state, not
#: Kansas, Illinois; "Quebec" the province). A national capital keeps its name ("Washington")
STATE_NAMESAKE_RATIO = 10
STATE_NAMESAKE_PENALTY = 3.0

#: a country of fewer people than this has divisions a bare name means only with the country
#: named in the article (Anguilla's "North Side", Barbados' "Christ Church")
SMALL_COUNTRY_POPULATION = 1_000_000

#: the kinds of reading the outlet's home area favours: a local paper's towns and counties
HOME_KINDS = frozenset({"city", "admin2"})

#: what a town's alternate name that is the first words of its own name gains back of the
#: alternate's penalty: a short form writers use for it ("Newcastle" for Newcastle upon Tyne,
#: "Frankfurt" for Frankfurt am Main), unlike a translation or an old name; but not where a
#: country or a first-level division has the name as its own ("New York": the existing rules
#: for a town named like a division decide between them), nor a county's ("Madison" for
#: Madison County: the county word says its kind, not which of the name's places it is)
SHORT_FORM_BONUS = 1.5


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
    #: the text fixes what kind of place the name is ("Walton and Oconee counties"):
    #: its readings are the name's readings at every mention
    fixed_kind: bool = False
    #: a single word that is also part of a person's full name in the article ("Horton" after
    #: "Zurana Horton"): as a small town it needs evidence of its own
    namesake: bool = False
    #: its reading is a town or county of the outlet's home area (``outlets.outlet_home``)
    at_home: bool = False


class Resolution:
    """The disambiguation, role and facility stages of ``PlaceRecognizer``."""

    # -- stage 3: disambiguation ------------------------------------------------------------

    def _resolve(self, candidates: list[_Candidate], demonyms: list[Place], outlet: str | None = None,
                 home: tuple[float, ...] | None = None) -> None:
        """Choose each name's reading: priors, explicit context, and the article's other names.

        One sense per discourse: the mentions of a name share one reading, and the explicit
        context of any of them ("Paris, Tenn." in the dateline) holds for all. Each name keeps
        a probability over its readings; a reading draws support from the probability mass
        that the *other* names put on its country, its state and its surroundings, so that
        "Walker County" and "Huntsville" settle on Texas together when "Houston" is there,
        instead of each following the other's first guess. ``outlet`` (its home country) and
        ``home`` (its home area and own town, ``outlets.outlet_home``) are priors from the outlet.
        """
        groups: dict[str, list[_Candidate]] = {}
        for cand in candidates:
            groups.setdefault(normalise(cand.span.text), []).append(cand)
        names = [
            _Name(next((c.entries for c in g if c.fixed_kind), g[0].entries), next((c.admin for c in g if c.admin), None),
                  next((c.country for c in g if c.country), None), all(self._based(c.span) for c in g),
                  mute=all(c.namesake for c in g))
            for g in groups.values()
        ]
        demonym_mass = Counter(p.country_code for p in demonyms if p.country_code)  # not a continent's
        links_of = county_links(names)
        for name, links, key in zip(names, links_of, groups):
            # a division's own name is no town's short form ("New York" the state, not the city)
            divided = any(not alt and e.kind in ("country", "admin1") for e, alt in name.entries)
            # an alternate name (an old name, a spelling) is the home's reading only where no place
            # has the name as its own: "Egypt" the country, not a village once called Egypt
            owned = any(not alt and e.kind in ("country", "admin1", "city") for e, alt in name.entries)
            name.fixed = [
                self._fixed_score(name, e, alt) + (OUTLET_COUNTRY_BONUS if e.country_code == outlet else 0.0) + link
                + (_home_bonus(e, home) if home and not (alt and owned) else 0.0)
                + (SHORT_FORM_BONUS if alt and e.kind == "city" and not divided and _short_form(key, e.name) else 0.0)
                for (e, alt), link in zip(name.entries, links)
            ]
            name.probs = _softmax(name.fixed)
        distances = _Distances()
        siblings = siblings_of(names)  # the fixed scores do not change from pass to pass
        for _ in range(RESOLVE_PASSES):
            context = _Context(names, demonym_mass, distances, siblings)
            for name in names:
                name.scores = [f + context.support(name, e) for f, (e, _alt) in zip(name.fixed, name.entries)]
            for name in names:
                name.probs = _softmax(name.scores)
        context = _Context(names, demonym_mass, siblings=siblings)
        kept = []
        for name, group, links in zip(names, groups.values(), links_of):
            best = max(range(len(name.entries)), key=name.scores.__getitem__, default=None)
            credible = []
            for cand in group:
                if best is None:
                    continue
                cand.choice, cand.alt = name.entries[best]
                cand.at_home = bool(home) and not cand.alt and _home_bonus(cand.choice, home) > 0
                # a town whose county the article names (or a county one of whose towns it names)
                # has its context, as "Paris, Tenn." has
                paired = links[best] > 0 and (not cand.alt or cand.choice.population >= 1000)
                if cand.given or paired or self._credible(cand, context.country_mass(name, cand.choice.country_code)):
                    credible.append(cand)
            if credible and not self._common_word(group[0].span):
                # one sense per discourse: a name the article places once ("in Hanover") is that
                # place at each mention, the ones the model tagged an organisation or a person
                # ("Hanover police said") included; but a town named like a common word ("Bush")
                # stays a place only where its own evidence says so
                credible = group
            kept.extend(credible)
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
            # "Springfield, Ohio": the state decides among the country's Springfields; another
            # state's only keeps the country's lead over a foreign reading, for the state the
            # gazetteer has no such town in
            score += 5 if name.admin else 8
        if entry.kind == "city" and entry.geonameid not in self.gaz.capitals and \
                _division_people(name).get(entry.country_code, 0) >= STATE_NAMESAKE_RATIO * max(entry.population, 1):
            score -= STATE_NAMESAKE_PENALTY
        if name.based and entry.kind == "city":
            score += 3  # "Washington-based": organisations are based in towns, not in states
        if entry.kind in ("admin1", "admin2") and any(
            not town_alt and town.kind == "city" and town.population >= CHIEF_TOWN_POPULATION
            and town.population >= CHIEF_TOWN_SHARE * entry.population
            and town.country_code == entry.country_code and town.admin1 == entry.admin1
            for town, town_alt in name.entries
        ):
            # a division named after its chief town ("Aleppo", "Hama", "Gaza"): the bare name is the town
            score -= CHIEF_TOWN_PENALTY
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

    def _common_word(self, span: Span) -> bool:
        """Whether the name is also a common word or a first name (``stop_toponyms.txt``,
        ``name_toponyms.txt``): such a name is a place mention by mention, never by repetition."""
        return normalise(span.text) in self.stop

    def _credible(self, cand: _Candidate, home_mass: float) -> bool:
        """Whether the evidence for a place is enough to put it on the map."""
        entry, alt = cand.choice, cand.alt
        if entry.kind in COMMON_WORD_KINDS and normalise(cand.span.text) in self.stop_words:
            # a town named like a common word ("Bush", "Pacific") needs its state or country
            # named, or a bare locative ("in the Pacific" is the ocean); without them only a
            # city big enough to be the usual reading ("Mobile", "Nice") goes on the map; so
            # does a division ("a Jewish family" is not the Jewish Autonomous Oblast)
            if cand.admin or cand.country:
                return not alt or entry.population >= 1000
            before = cand.span.start - 1
            if before >= 0 and cand.span.doc[before].lower_ in self.locative:
                return not alt or entry.population >= 1000
            # (a division's people are no measure of how often its name is the common word)
            return not alt and entry.kind == "city" and entry.population >= 100_000
        if entry.kind in ("admin1", "admin2") and not cand.country and home_mass < 0.5 \
                and self._small_country(entry.country_code) \
                and len({e.country_code for e, _alt in cand.entries}) > 1:
            # "North Side", "Saint Andrew", "Saint George": a small country's divisions named like
            # a city's quarters or a saint (Anguilla's, Barbados', and the same names in other
            # countries) are not what a bare name means without their country in the article;
            # a name of its own ("Bonaire") is
            return False
        if cand.admin or cand.country or self._locative_evidence(cand):
            return not alt or entry.population >= 1000
        if cand.namesake and entry.kind == "city" and entry.population < NAMESAKE_TOWN:
            return False  # "Horton, 34, was walking" after "Zurana Horton": the person
        if cand.at_home and cand.label != "PERSON":
            return True  # a town or county of the outlet's home area: a local paper's own ground
        home = home_mass >= 0.5
        if entry.kind != "city":
            # a region across borders is one place under all its names ("EU", "Mideast")
            return not alt or home or (entry.kind == "region" and not entry.country_code)
        if cand.source == "ner":
            return not alt or home or entry.population >= 15000
        if cand.label == "PERSON":  # a person's name is the likelier reading
            return (not alt and entry.population >= 50_000) or (home and entry.population >= 10_000)
        if alt:
            # "the Angels" (ORG) is no short form of Angels Camp: a name the model tags an
            # organisation answers to a town's alternate name only with a locative or a state
            return home and entry.population >= 1000 and (cand.label not in self.correctable or entry.population >= 100_000)
        return entry.population >= 100_000 or (home and entry.population >= 1000)

    def _small_country(self, code: str) -> bool:
        country = self.gaz.country(code) if code else None
        return country is not None and 0 < country.population < SMALL_COUNTRY_POPULATION

    def _locative_evidence(self, cand: _Candidate) -> bool:
        """Whether a locative before the name says it is this reading's place. A town takes no
        article, so "of the Saints" says nothing of Saints, France ("in the Netherlands" still
        speaks for a country); and a name the model tags a person or an organisation is its
        owner after a possessive ("at Nixon's holiday home", "at Riva's door") and a modifier
        before a common noun ("of Mafia gangsters")."""
        if not self._locative_before(cand.span):
            return False
        doc, span = cand.span.doc, cand.span
        if cand.choice.kind == "city" and span.start > 0 and doc[span.start - 1].lower_ == "the" \
                and not self._dateline(span):
            return False
        after = doc[span.end] if span.end < len(doc) else None
        if not (cand.label in self.correctable or cand.namesake):
            return True
        if after is not None and after.tag_ == "POS":
            return False
        # "a group of Mafia gangsters": the locative governs the noun the name modifies
        root = span.root
        return not (root.dep_ == "compound" and root.head.is_lower and not self._kind_word(root.head))

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
        # a person's home town ("Subryan, 23, of Schenectady, was arrested at 115th Street") says
        # where they live, not where the street is
        towns = [c for c in towns if not _residence(c.span)] or towns
        counts = Counter(c.choice.geonameid for c in towns)
        main_id, main_n = counts.most_common(1)[0]
        main = next(c for c in towns if c.choice.geonameid == main_id)
        placed = [c.span for c in candidates if c.choice is not None]
        # the words of the people the article names: a "facility" called like one of them is
        # that person, which the small model tags FAC now and then ("Chohan", "Zurana Horton")
        people = {t.lower_ for e in doc.ents if e.label_ == "PERSON" or _aged(e) for t in e if t.is_alpha}
        out = []
        for ent in doc.ents:
            if not self._is_facility(ent) or any(_overlaps(ent, span) for span in placed):
                continue
            words = [t.lower_ for t in ent if t.is_alpha]
            if words and all(w in people for w in words):
                continue
            if ent.start > 0 and doc[ent.start - 1].lower_ in self.titles:
                continue  # "island governor Heydar Alishbandi" tagged FAC: a person
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
        return ent.label_ in ("LOC", "GPE") and len(ent) > 1 and (
            ent[-1].lower_ in self.facility_words or self._feature_word(ent[-1])
            or (ent[0].is_title and ent[0].lower_.rstrip(".") in self.feature_prefixes)
        )


def _home_bonus(entry: GazEntry, home: tuple[float, ...]) -> float:
    """What a reading gains from the outlet's home (``outlets.outlet_home``): a town or county of
    its area, and its own towns more (a local paper names its own town most, and a world city
    of the same name is seldom what it means: the Athens of the Athens Review, the Dublin of a
    paper around Dublin, Ohio)."""
    if entry.kind not in HOME_KINDS:
        return 0.0
    if entry.kind == "city" and any(distance_km(entry.lat, entry.lon, *town) <= HOME_TOWN_KM for town in home_towns(home)):
        return HOME_BONUS + HOME_TOWN_BONUS
    return HOME_BONUS if distance_km(entry.lat, entry.lon, *home_area(home)) <= HOME_KM else 0.0


def _short_form(key: str, name: str) -> bool:
    """Whether ``key`` (a normalised name) is the first words of a place's own name."""
    full = normalise(name)
    return len(full) > len(key) and full.startswith(key) and full[len(key)] in " -"


def _division_people(name: _Name) -> dict[str, int]:
    """The people of the largest first-level division per country that has the name as its own."""
    if name.division_people is None:
        people: dict[str, int] = {}
        for entry, alt in name.entries:
            if entry.kind == "admin1" and not alt:
                people[entry.country_code] = max(people.get(entry.country_code, 0), entry.population)
        name.division_people = people
    return name.division_people


def _county_point(county: GazEntry, candidates: list[_Candidate]) -> GazEntry:
    # A US county that GeoNames' extract gives no point of its own (geonameid 0) sits at its
    # state's point: a town of the same state named in the same article is a much better guess
    # of where it is. A county with its own point keeps it: a town elsewhere in the state is
    # further from it than its own point is (Lamar County, Texas, is not at Graham).
    if county.geonameid:
        return county
    for cand in candidates:
        town = cand.choice
        if town is not None and town.kind == "city" and town.country_code == "US" and town.admin1 == county.admin1:
            return GazEntry(county.geonameid, county.name, town.lat, town.lon, "US", "admin2", 0, county.admin1)
    return county


def _overlaps(a: Span, b: Span) -> bool:
    return a.start < b.end and b.start < a.end


def _aged(ent: Span) -> bool:
    """Whether a name is followed by an age between commas: "Raj Chohan, 59, of Queens" names a
    person, whatever the model tagged it (a GPE "Chohan" is no street of Queens)."""
    doc, end = ent.doc, ent.end
    if end + 2 >= len(doc) or doc[end].text != "," or doc[end + 2].text != ",":
        return False
    age = doc[end + 1].text
    return age.isdigit() and 0 < int(age) < 120


def _residence(span: Span) -> bool:
    """Whether a town is named as a person's home: after their name or their age ("Vishwanand
    Subryan of Schenectady", "Vishwanand Subryan, 23, of Schenectady")."""
    doc, start = span.doc, span.start
    if start < 2 or doc[start - 1].lower_ != "of":
        return False
    if doc[start - 2].ent_type_ == "PERSON":
        return True
    if start < 4 or doc[start - 2].text != "," or doc[start - 4].text != ",":
        return False
    age = doc[start - 3].text
    return age.isdigit() and 0 < int(age) < 120
