"""What a gazetteer entry is and how names are looked up: shared by the gazetteer, its build
and the GeoNames import (a module of its own, so that none of them imports another in a circle)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import numpy as np

RULES = Path(__file__).parent.parent / "rules" / "places"

#: the version of the table layout; an imported table of another version is not read
TABLE_FORMAT = 2

#: feature kinds. The first five from the broadest to the narrowest; then "region" (GeoNames
#: class L and T: regions, areas, peninsulas, islands, deserts, mountain ranges), "water"
#: (class H: oceans, seas, gulfs, bays, straits, channels, rivers, lakes) and "facility"
#: (class S: airports, stadiums, buildings). New kinds go at the end: tables store the index.
KINDS = ("continent", "country", "admin1", "admin2", "city", "region", "water", "facility")

# Arabic article prefixes: "al-Raqqa", "Raqqa" and "ar-Raqqa" name one place.
_ARTICLE = re.compile(r"^(?:al|el|ar|as|ad|an|az|ash|at|ath|ad-d)[- ](?=\w)")
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class GazEntry:
    """One gazetteer feature.

    ``admin1`` is its first-level division's GeoNames code ("TX", "ENG", "10"), or "";
    ``admin2`` its second-level division's GeoNames code ("201", "WNH"), or "".
    """

    geonameid: int
    name: str
    lat: float
    lon: float
    country_code: str
    kind: str
    population: int
    admin1: str = ""
    alternates: int = 0  # how many alternate names GeoNames lists: a proxy for prominence
    admin2: str = ""


def distances_km(lat, lon, lats, lons) -> np.ndarray:
    """Great-circle distances in kilometres (haversine), in degrees in and broadcast as numpy
    does: a point to many, or every point of one array to every point of another."""
    lat, lon, lats, lons = (np.radians(np.asarray(x, dtype=np.float64)) for x in (lat, lon, lats, lons))
    a = np.sin((lats - lat) / 2) ** 2 + np.cos(lat) * np.cos(lats) * np.sin((lons - lon) / 2) ** 2
    return 2 * 6371.0 * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


def normalise(text: str) -> str:
    """Fold a place name for lookup: case-folded, accents stripped, quotes and spaces unified."""
    if not text.isascii():  # the fast path matters: the gazetteer folds 1.4 million names
        text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u2010", "-").replace("\u2013", "-")
        if not text.isascii():  # (news text: mostly a curly apostrophe, "Trump’s", and no accent)
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

