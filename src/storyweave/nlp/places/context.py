"""The arithmetic of disambiguation: priors from the gazetteer, and the support a reading
draws from the article's other names (their mass on countries, states and nearby points)."""

from __future__ import annotations

import functools
import math
from collections import Counter
from dataclasses import dataclass, field

import numpy as np

from storyweave.nlp.gazetteer import GazEntry
from storyweave.nlp.places.rules import read_lines

#: passes of the article-wide disambiguation, and the weights of its evidence: the share of
#: the other names' mass on a reading's country; the first unit of mass on its state, and
#: each further unit (up to two), so that three names in Texas outweigh one in Alabama
RESOLVE_PASSES = 3
COUNTRY_WEIGHT = 4.0
STATE_WEIGHT = 2.5
STATE_EXTRA = 0.5
#: what a town reading and a county reading that holds it add to each other, when the article
#: names both ("Paris" and "Henry County": Paris, Tennessee, is in Henry County, Tennessee). The
#: pairing does not wait for either name's probability: a famous namesake (Paris, France) would
#: otherwise keep both from ever rising. It is shared among a name's readings that pair with the
#: other name, so that a name paired with many counties gains little from each
COUNTY_WEIGHT = 3.0
#: the population assumed for a first-level division the gazetteer has no count for
ADMIN1_TYPICAL_POPULATION = 300_000
#: what a first-level division's prior loses (log10 units) when it counts its people: the sum
#: of its towns, so that a bare "Washington" or "Gaza" is not the division by size alone
ADMIN1_DAMPING = 2.0
#: the population a region, sea or ocean counts as in its prior: "Middle East" is the region
#: before it is a hamlet of 1,900 in Maryland
REGION_TYPICAL_POPULATION = 1_000_000
#: how much a town's number of alternate names (how many languages name it) adds to its prior
ALTERNATES_WEIGHT = 0.5
#: the least probability at which a town's reading counts as a point of the article
CONTEXT_MIN_PROB = 0.1
_KIND_PRIOR = {
    "continent": 3.0, "country": 3.0, "admin1": 2.5, "admin2": 1.5, "city": 0.0,
    "region": 2.5, "water": 2.5, "facility": 0.5,
}


@dataclass
class _Name:
    """A distinct name of the article, its readings and their current probabilities."""

    entries: list[tuple[GazEntry, bool]]
    admin: tuple[str, str] | None
    country: str | None
    #: written "X-based": the home of an organisation, a town, and no evidence of the story's ground
    based: bool = False
    #: a word of one of the article's people's full names at every mention ("Bingham" after
    #: "Ryan Bingham"): it may be the person, so it takes context but gives none
    mute: bool = False
    fixed: list[float] = field(default_factory=list)
    scores: list[float] = field(default_factory=list)
    probs: list[float] = field(default_factory=list)
    #: the people of its largest first-level division reading per country (made on first use)
    division_people: dict[str, int] | None = None


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

    def __init__(
        self, names: list[_Name], demonyms: Counter, distances: _Distances | None = None,
        siblings: dict[int, list[_Name]] | None = None,
    ):
        self.countries: dict[int, Counter] = {}
        self.states: dict[int, Counter] = {}
        self.country_total, self.state_total = Counter(demonyms), Counter()
        points = []
        self.index = {id(name): i for i, name in enumerate(names)}
        for i, name in enumerate(names):
            countries, states = Counter(), Counter()
            for (entry, _alt), p in zip(name.entries if not (name.based or name.mute) else (), name.probs):
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
        # two forms of one name whose likeliest reading is one place ("Dublin" and "Dublin City",
        # both Dublin, Ireland, by population) are that place named twice: no evidence for
        # each other's reading, which only the rest of the article can give (Ohio towns)
        self._siblings = siblings if siblings is not None else _siblings(names)
        # support() is asked for every reading of every name: what does not depend on the
        # reading is computed once per pass
        self._all_mass = sum(self.country_total.values())
        self._own_mass: dict[int, float] = {}
        self._other_points: dict[int, np.ndarray] = {}
        self._lats = np.radians(self.points[:, 0])
        self._cos_lats = np.cos(self._lats)
        self._lons = np.radians(self.points[:, 1])
        self._km = (distances or _Distances()).for_points(self.points)

    def country_mass(self, name: _Name, code: str, siblings: bool = True) -> float:
        """The mass the other names (and the demonyms) put on a country; without ``siblings``,
        less what the name's other forms put on it (they say it is a place, not which)."""
        own = self.countries[id(name)][code]
        if not siblings:
            own += sum(self.countries[id(s)][code] for s in self._siblings[id(name)])
        return self.country_total[code] - own

    def support(self, name: _Name, entry: GazEntry) -> float:
        """The score a reading of ``name`` draws from the rest of the article."""
        score = 0.0
        if name.based:
            return score  # "a Washington-based think tank" is where it is based, whatever the story
        own_mass = self._own_mass.get(id(name))
        if own_mass is None:
            own_mass = self._own_mass[id(name)] = sum(
                sum(self.countries[id(n)].values()) for n in (name, *self._siblings[id(name)])
            )
        total = self._all_mass - own_mass
        if total > 0:
            score += COUNTRY_WEIGHT * self.country_mass(name, entry.country_code, siblings=False) / total
        if entry.admin1 and (entry.country_code, entry.admin1) not in nation_divisions():
            key = (entry.country_code, entry.admin1)
            state = self.state_total[key] - sum(self.states[id(n)][key] for n in (name, *self._siblings[id(name)]))
            score += STATE_WEIGHT * min(1.0, state) + STATE_EXTRA * min(2.0, max(0.0, state - 1.0))
        # only towns are points here: a division's point says little of where its towns are
        if entry.kind == "city" and len(self.points):
            km = self._km.get((entry.lat, entry.lon))
            if km is None:
                km = self._km[(entry.lat, entry.lon)] = self._km_to_points(entry.lat, entry.lon)
            mass = self._other_points.get(id(name))
            if mass is None:
                mine = [self.index[id(n)] for n in (name, *self._siblings[id(name)])]
                mass = np.where(np.isin(self.points[:, 3], mine), 0.0, self.points[:, 2])
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


@functools.cache
def nation_divisions() -> frozenset[tuple[str, str]]:
    """(country, admin1) of the first-level divisions that are nations, not states
    (``nation_divisions.txt``): no state support, which would count their country twice."""
    return frozenset(tuple(line.split(":", 1)) for line in read_lines("nation_divisions.txt"))


def siblings_of(names: list[_Name]) -> dict[int, list[_Name]]:
    """``_siblings``, for a caller that builds several contexts over the same fixed scores."""
    return _siblings(names)


def _siblings(names: list[_Name]) -> dict[int, list[_Name]]:
    """For each name, the other names whose likeliest reading by the gazetteer and the explicit
    context alone is the same place as its own ("Dublin" and "Dublin City")."""
    tops = [
        name.entries[max(range(len(name.entries)), key=name.fixed.__getitem__)][0].geonameid
        if name.entries and name.fixed else None
        for name in names
    ]
    return {
        id(name): [other for j, other in enumerate(names) if j != i and tops[i] and tops[i] == tops[j]]
        for i, name in enumerate(names)
    }


def county_links(names: list[_Name]) -> list[list[float]]:
    """For each name, what each of its readings gains from the other names' readings that hold
    it or that it holds: a town and the second-level division it lies in (same country, state
    and county codes). Each other name that pairs with ``k`` of a name's readings gives each of
    them ``COUNTY_WEIGHT / k``. Names written "X-based" neither give nor take."""
    towns: list[dict[tuple[str, str, str], list[int]]] = []
    counties: list[dict[tuple[str, str, str], list[int]]] = []
    for name in names:
        town, county = {}, {}
        if not name.based:
            for i, (entry, _alt) in enumerate(name.entries):
                if not entry.admin2:
                    continue
                key = (entry.country_code, entry.admin1, entry.admin2)
                if entry.kind == "city":
                    town.setdefault(key, []).append(i)
                elif entry.kind == "admin2":
                    county.setdefault(key, []).append(i)
        towns.append(town)
        counties.append(county)
    ids = [{entry.geonameid for entry, _alt in name.entries if entry.geonameid} for name in names]
    gains = [[0.0] * len(name.entries) for name in names]
    for a in range(len(names)):
        for b in range(len(names)):
            if a == b or not ids[a].isdisjoint(ids[b]):
                continue  # two spellings of one name ("Karak", "al-Karak") are no context for each other
            for mine, theirs in ((towns[a], counties[b]), (counties[a], towns[b])):
                paired = [i for key, readings in mine.items() if key in theirs for i in readings]
                for i in paired:
                    gains[a][i] += COUNTY_WEIGHT / len(paired)
    return gains


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
        population -= ADMIN1_DAMPING
    kind_prior = _KIND_PRIOR.get(entry.kind, 0.0)
    if entry.kind == "region" and entry.country_code:
        # a region inside one country ("Durham" the ceremonial county, "the South") is a
        # lesser reading than a town or a division of the same name: only regions that span
        # countries ("Middle East", "Balkans") have the broad reading's prior
        kind_prior = _KIND_PRIOR["city"]
    return population + kind_prior - (2.5 if alt else 0.0)


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

