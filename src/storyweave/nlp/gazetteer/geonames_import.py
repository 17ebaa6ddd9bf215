"""Import a GeoNames dump the user downloaded as the gazetteer, in place of the bundled one.

``import_geonames`` streams a file of GeoNames' "geoname" table (``allCountries.zip``,
``cities500.zip``, a country's ``XX.zip``, or the ``.txt`` inside; 19 tab-separated columns)
line by line, so that even allCountries (1.5 GB unpacked) is never held in memory, and keeps
the features ``rules/places/geonames_import.tsv`` names (feature class and code → kind, with
the least population or number of alternate names that makes a feature worth keeping). It
builds the same table as the bundled build (``TableBuilder``), with the same rules on top
(country aliases, demonyms), and writes it next to the cache, where ``load_gazetteer`` finds
it. What the file lacks is taken from the bundled gazetteer (every feature whose geonameid the
file does not have), so that a towns file, or one country's file, replaces what it covers
and keeps the rest.

``admin1CodesASCII.txt``, ``admin2Codes.txt`` and ``countryInfo.txt`` are optional: they name
the divisions the file's towns refer to but the file lacks (placed at the mean of their
towns), and give countries their usual English names.
"""

from __future__ import annotations

import datetime
import gzip
import io
import json
import logging
import os
import time
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from storyweave.errors import StoryweaveError
from storyweave.nlp.gazetteer.build import (
    TableBuilder,
    country_aliases,
    demonyms,
    keep_alternate,
    read_tsv,
)
from storyweave.nlp.gazetteer.cache import _read_cache, _write_cache, cache_path, imported_path, rules_digest
from storyweave.nlp.gazetteer.entries import KINDS, RULES, TABLE_FORMAT, GazEntry, normalise

logger = logging.getLogger(__name__)

#: the columns of GeoNames' "geoname" table
COLUMNS = 19
_CLASSES = frozenset("ADHLPRSTUV")
#: how often (in lines) the progress callback is called
_PROGRESS_EVERY = 20_000


class GazetteerImportError(StoryweaveError):
    """A GeoNames file cannot be imported: missing, unreadable or not in GeoNames' format."""


@dataclass(frozen=True)
class FeatureRule:
    """What becomes of a GeoNames feature code: its kind, and when it is worth keeping."""

    kind: str  # a KINDS name, or "skip"
    min_population: int | None  # kept when its population reaches this (None: never by population)
    min_alternates: int | None  # or when it has this many alternate names (None: never by names)

    def keeps(self, population: int, alternates: int) -> bool:
        """Whether a feature of this code, population and number of alternate names is kept."""
        if self.kind == "skip":
            return False
        return (self.min_population is not None and population >= self.min_population) or (
            self.min_alternates is not None and alternates >= self.min_alternates
        )


@dataclass(frozen=True)
class ImportSummary:
    """What an import read and kept."""

    file: str  # the file imported, as given
    imported_at: str  # ISO 8601, UTC
    rows: int  # lines of the file read
    entries: int  # entries of the imported gazetteer, carried bundled ones included
    kinds: dict[str, int]  # entries per kind
    carried: dict[str, int]  # entries per kind taken from the bundled gazetteer
    seconds: float
    format: int = TABLE_FORMAT
    rules: str = ""  # the hash of the rules files applied


def feature_rules(path: Path = RULES / "geonames_import.tsv") -> dict[str, FeatureRule]:
    """``geonames_import.tsv``: "P.PPLA" (or "P.*") → its rule."""
    if not Path(path).is_file():
        raise GazetteerImportError(f"{path}: no such rules file")
    rules = {}
    for line_no, row in enumerate(read_tsv(Path(path)), start=1):
        if len(row) < 4 or "." not in row[0]:
            raise GazetteerImportError(
                f"{path}: rule {line_no} ({chr(9).join(row)!r}) is not "
                "'class.code<TAB>kind<TAB>population<TAB>names'"
            )
        code, kind, population, alternates = row[:4]
        if kind != "skip" and kind not in KINDS:
            raise GazetteerImportError(
                f"{path}: unknown kind {kind!r} for {code}; use one of {', '.join(KINDS)} or skip"
            )
        rules[code] = FeatureRule(
            kind, None if population == "-" else int(population),
            None if alternates == "-" else int(alternates),
        )
    return rules


def import_geonames(
    source: Path,
    admin1: Path | None = None,
    admin2: Path | None = None,
    country_info: Path | None = None,
    progress: Callable[[int, int], None] | None = None,
    rules_file: Path | None = None,
) -> ImportSummary:
    """Import a GeoNames dump as the gazetteer ``load_gazetteer`` uses; return what it kept.

    ``progress(done, total)`` is called now and then with bytes read and the file's size;
    ``rules_file`` replaces ``rules/places/geonames_import.tsv`` (which features are kept).
    Raises ``GazetteerImportError`` naming the file (and line) when a file is missing or
    not in GeoNames' format; nothing is written then.
    """
    from storyweave.nlp.gazetteer.cache import load_gazetteer

    started = time.perf_counter()
    rules = feature_rules(rules_file) if rules_file else feature_rules()
    countries = _country_info(country_info) if country_info else {}
    b = TableBuilder()
    capitals: set[int] = set()
    country_rows: list[int] = []
    rows = 0
    for rows, fields in _geoname_rows(source, progress):
        rule = rules.get(f"{fields[6]}.{fields[7]}") or rules.get(f"{fields[6]}.*")
        if rule is None:
            continue
        names = fields[3].split(",") if fields[3] else []
        population = int(fields[14] or 0)
        if not rule.keeps(population, len(names)):
            continue
        is_country = rule.kind == "country"
        entry = GazEntry(
            int(fields[0]), fields[1], float(fields[4]), float(fields[5]), fields[8], rule.kind, population,
            "" if is_country else fields[10], len(names), "" if is_country else fields[11],
        )
        main = [fields[2]] if fields[2] and fields[2] != fields[1] else []
        # countries get their other names from the rules, as in the bundled gazetteer
        others = [] if is_country else [a for a in names if keep_alternate(a, fields[1])]
        pos = b.add(entry, [*main, *others], main_aliases=len(main))
        if is_country:
            country_rows.append(pos)
        if fields[7] == "PPLC":
            capitals.add(entry.geonameid)
    if not len(b):
        raise GazetteerImportError(
            f"{source}: no GeoNames feature worth keeping in {rows} lines (are these GeoNames rows?)"
        )
    # the bundled table is read only now, so that it and the streamed rows are not both in memory
    bundled = _bundled_table()
    _name_countries(b, country_rows, countries, bundled)
    carried = _carry(b, bundled)
    capitals |= set(bundled["capitals"])
    del bundled  # a few hundred MB, no longer needed
    _add_named_divisions(b, admin1, admin2)
    table = b.table(demonyms(), {}, {})
    entries = len(b)
    del b  # its name dict is as big as the table's: free it before the table is written
    table["capitals"] = sorted(capitals)
    counts = np.bincount(table["kind"].astype(np.int64), minlength=len(KINDS))
    summary = ImportSummary(
        str(source), datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"), rows, entries,
        {kind: int(n) for kind, n in zip(KINDS, counts.tolist())}, carried,
        round(time.perf_counter() - started, 1),
        rules=rules_digest(),
    )
    table["origin"] = {**asdict(summary), "source": "imported"}
    _save(table, summary)
    load_gazetteer.cache_clear()
    logger.info("imported %d GeoNames entries from %s in %.1f s", entries, source, summary.seconds)
    return summary


def import_status() -> ImportSummary | None:
    """What the imported gazetteer holds, or None when there is none."""
    meta = imported_path().with_suffix(".json")
    if not imported_path().is_file() or not meta.is_file():
        return None
    try:
        return ImportSummary(**json.loads(meta.read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError) as exc:
        logger.warning("the imported gazetteer's summary %s is unreadable: %s", meta, exc)
        return None


def reset_import() -> bool:
    """Remove the imported gazetteer (the bundled one is used again); return whether there was one."""
    from storyweave.nlp.gazetteer.cache import load_gazetteer

    path = imported_path()
    existed = path.is_file()
    for stale in (path, path.with_suffix(".json")):
        stale.unlink(missing_ok=True)
    load_gazetteer.cache_clear()
    return existed


def _save(table: dict, summary: ImportSummary) -> None:
    path = imported_path()
    if not _write_cache(path, table, prune=False):
        raise GazetteerImportError(
            f"cannot write the imported gazetteer to {path}: check the folder's permissions"
        )
    meta = path.with_suffix(".json")
    tmp = meta.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(asdict(summary), indent=1), encoding="utf-8")
    os.replace(tmp, meta)


def _bundled_table() -> dict:
    """The bundled table (built and cached when it is not yet), to carry the kinds a file lacks."""
    from storyweave.nlp.gazetteer.cache import _build_and_cache

    path = cache_path()
    return _read_cache(path) or _build_and_cache(path)


def _name_countries(b: TableBuilder, positions: list[int], countries: dict[str, dict], bundled: dict) -> None:
    """Give imported countries the short English name news uses ("India", not "Republic of
    India": countryInfo's, else the bundled gazetteer's) and the aliases of the rules."""
    countries_at = np.flatnonzero(bundled["kind"] == KINDS.index("country")).tolist()
    usual = {bundled["country"][p]: bundled["name"][p] for p in countries_at}
    aliases = country_aliases()
    for pos in positions:
        code = b.country[pos]
        name = countries.get(code, {}).get("name") or usual.get(code) or b.name[pos]
        b.name[pos] = name
        b.add_names(pos, [name, *aliases.get(code, [])], alternate=False)


def _carry(b: TableBuilder, table: dict) -> dict[str, int]:
    """Copy, with all their names, the bundled entries the import lacks: those whose geonameid
    it does not have, and those with no geonameid (the hand-made rows of regions.tsv) unless
    it has a feature of that kind and name (GeoNames' own "Persian Gulf" replaces ours)."""
    ids = table["geonameid"]
    wanted = ~np.isin(ids, np.array(b.geonameid, dtype=np.int64))
    named = {(kind, normalise(name)) for kind, name in zip(b.kind, b.name)}
    for old in np.flatnonzero(ids <= 0).tolist():
        wanted[old] = (table["kind"][old], normalise(table["name"][old])) not in named
    moved = np.full(len(ids), -1, dtype=np.int64)
    for old in np.flatnonzero(wanted).tolist():
        entry = GazEntry(
            int(ids[old]), table["name"][old], float(table["lat"][old]), float(table["lon"][old]),
            table["country"][old], KINDS[table["kind"][old]], int(table["population"][old]),
            table["admin1"][old], int(table["alternates"][old]), table["admin2"][old],
        )
        moved[old] = b.add(entry, [])
    codes = table["codes"].astype(np.int64)
    key_of = np.repeat(np.arange(len(table["keys"])), np.diff(table["offsets"]))
    new = moved[codes // 2]
    keep = new >= 0
    for key, pos, alt in zip(key_of[keep].tolist(), new[keep].tolist(), (codes[keep] % 2).tolist()):
        b.add_keys(pos, [table["keys"][key]], alternate=bool(alt))
    counts = np.bincount(table["kind"][wanted].astype(np.int64), minlength=len(KINDS))
    return {kind: int(n) for kind, n in zip(KINDS, counts.tolist()) if n}


def _add_named_divisions(b: TableBuilder, admin1: Path | None, admin2: Path | None) -> None:
    """Divisions named in admin1CodesASCII / admin2Codes that the towns refer to and the table
    lacks, at the mean point of their towns."""
    if admin1 is None and admin2 is None:
        return
    towns = b.positions("city")
    have1 = {(b.country[p], b.admin1[p]) for p in b.positions("admin1")}
    have2 = {(b.country[p], b.admin1[p], b.admin2[p]) for p in b.positions("admin2")}
    points1: dict[tuple, list[int]] = {}
    points2: dict[tuple, list[int]] = {}
    for pos in towns:
        points1.setdefault((b.country[pos], b.admin1[pos]), []).append(pos)
        points2.setdefault((b.country[pos], b.admin1[pos], b.admin2[pos]), []).append(pos)
    files = ((admin1, 2, have1, points1, "admin1"), (admin2, 3, have2, points2, "admin2"))
    for path, depth, have, points, kind in files:
        if path is None:
            continue
        for line_no, parts, name, ascii_, gid in _code_rows(path, depth):
            key = tuple(parts)
            if key in have or key not in points:
                continue
            lat = float(np.mean([b.lat[p] for p in points[key]]))
            lon = float(np.mean([b.lon[p] for p in points[key]]))
            admin2_code = parts[2] if depth == 3 else ""
            entry = GazEntry(gid, name, lat, lon, parts[0], kind, 0, parts[1], 0, admin2_code)
            b.add(entry, [ascii_] if ascii_ != name else [], main_aliases=1)


def _code_rows(path: Path, depth: int) -> Iterator[tuple[int, list[str], str, str, int]]:
    """Rows of admin1CodesASCII.txt ("US.TX", depth 2) or admin2Codes.txt ("US.TX.201", depth 3)."""
    example = (
        "US.TX\tTexas\tTexas\t4736286" if depth == 2 else "US.TX.201\tHarris County\tHarris County\t4696376"
    )
    table = "admin1CodesASCII" if depth == 2 else "admin2Codes"
    with _open_text(path) as lines:
        for line_no, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            cells = line.rstrip("\r\n").split("\t")
            parts = cells[0].split(".")
            if len(cells) != 4 or len(parts) != depth or not cells[3].isdigit():
                raise GazetteerImportError(
                    f"{path}, line {line_no}: not a GeoNames {table} "
                    f"row (expected code, name, ASCII name and geonameid, like {example!r})"
                )
            yield line_no, parts, cells[1], cells[2], int(cells[3])


def _country_info(path: Path) -> dict[str, dict]:
    """countryInfo.txt: ISO code → its English name and geonameid."""
    countries = {}
    with _open_text(path) as lines:
        for line_no, line in enumerate(lines, start=1):
            if line.startswith("#") or not line.strip():
                continue
            cells = line.rstrip("\r\n").split("\t")
            if len(cells) < 17 or len(cells[0]) != 2 or not cells[16].isdigit():
                raise GazetteerImportError(
                    f"{path}, line {line_no}: not a GeoNames countryInfo row (expected 19 tab-separated "
                    "columns: ISO, ISO3, ISO-Numeric, fips, Country, Capital, ..., geonameid, ...)"
                )
            countries[cells[0]] = {"name": cells[4], "geonameid": int(cells[16])}
    return countries


def _geoname_rows(
    source: Path, progress: Callable[[int, int], None] | None
) -> Iterator[tuple[int, list[str]]]:
    """(line number, the 19 fields) for each row of a GeoNames "geoname" file; checks each row."""
    with _open_binary(source) as (stream, total):
        done = 0
        line_no = 0
        for line_no, raw in enumerate(stream, start=1):
            done += len(raw)
            if progress is not None and line_no % _PROGRESS_EVERY == 0:
                progress(done, total)
            if raw.isspace():
                continue
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError:
                raise GazetteerImportError(
                    f"{source}, line {line_no}: not UTF-8 text; GeoNames files are UTF-8"
                ) from None
            fields = line.rstrip("\r\n").split("\t")
            problem = _row_problem(fields)
            if problem:
                raise GazetteerImportError(
                    f"{source}, line {line_no}: not a GeoNames row ({problem}); expected the 19 "
                    "tab-separated columns of GeoNames' geoname table: geonameid, name, asciiname, "
                    "alternatenames, latitude, longitude, feature class, feature code, country code, ... "
                    "(as in allCountries.txt)"
                )
            yield line_no, fields
        if progress is not None:
            progress(total, total)


def _row_problem(fields: list[str]) -> str:
    if len(fields) != COLUMNS:
        return f"{len(fields)} columns"
    if not fields[0].isdigit():
        return f"geonameid {fields[0][:20]!r} is not a number"
    try:
        lat, lon = float(fields[4]), float(fields[5])
    except ValueError:
        return f"latitude/longitude {fields[4][:20]!r}, {fields[5][:20]!r} are not numbers"
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return f"latitude/longitude {lat}, {lon} out of range"
    if fields[6] and fields[6] not in _CLASSES:
        return f"feature class {fields[6][:5]!r} is not a GeoNames class"
    if fields[14] and not fields[14].lstrip("-").isdigit():
        return f"population {fields[14][:20]!r} is not a number"
    return ""


@contextmanager
def _open_binary(source: Path) -> Iterator[tuple[io.BufferedIOBase, int]]:
    """The GeoNames text inside ``source`` (a .zip, .gz or plain file), and its size in bytes."""
    source = Path(source)
    if not source.is_file():
        raise GazetteerImportError(
            f"{source}: no such file; download a GeoNames dump (allCountries.zip, cities500.zip, ...) from "
            "https://download.geonames.org/export/dump/ first"
        )
    if zipfile.is_zipfile(source):
        with zipfile.ZipFile(source) as archive:
            members = [
                m for m in archive.infolist()
                if m.filename.endswith(".txt") and "readme" not in m.filename.lower()
            ]
            if len(members) != 1:
                raise GazetteerImportError(
                    f"{source}: expected one GeoNames .txt file in the archive, found "
                    f"{', '.join(m.filename for m in members) or 'none'}"
                )
            with archive.open(members[0]) as stream:
                yield stream, members[0].file_size
        return
    with source.open("rb") as head:
        gzipped = head.read(2) == b"\x1f\x8b"
    if gzipped:
        with gzip.open(source, "rb") as stream:
            yield stream, source.stat().st_size * 4  # about: GeoNames text compresses some fourfold
        return
    with source.open("rb") as stream:
        yield stream, source.stat().st_size


@contextmanager
def _open_text(path: Path) -> Iterator[Iterator[str]]:
    with _open_binary(path) as (stream, _size):
        # a stray byte becomes U+FFFD: the rows' checks still say what is wrong, with its line
        yield io.TextIOWrapper(stream, encoding="utf-8", errors="replace")
