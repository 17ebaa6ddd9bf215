"""The outlet's home country, a weak prior for the places its articles name, and its home area,
learned from its own articles, a stronger one."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from urllib.parse import urlsplit

import numpy as np

from spacy.tokens import Doc

from storyweave.nlp.gazetteer import distances_km
from storyweave.nlp.places.rules import read_pairs as _read_pairs

#: what a reading in the outlet's home country gains (log10 units of population): a weak
#: prior that tips only names the article itself leaves open ("Perth" in an Australian paper)
OUTLET_COUNTRY_BONUS = 1.0
#: where ``with_outlet_country`` leaves the code on a Doc
OUTLET_COUNTRY_KEY = "storyweave_outlet_country"


@functools.lru_cache(maxsize=1)
def _outlet_suffixes() -> dict[str, str]:
    return {suffix.lower(): code for suffix, code in _read_pairs("outlet_countries.tsv").items()}


def outlet_country(url: str | None) -> str | None:
    """The home country of the outlet at ``url`` (a country domain, or a known outlet's domain), or None."""
    if not url:
        return None
    host = (urlsplit(url if "//" in url else "//" + url).hostname or "").lower().rstrip(".")
    suffixes = _outlet_suffixes()
    parts = host.split(".")
    for i in range(len(parts)):  # the longest suffix first: "abc.net.au" before "au"
        code = suffixes.get(".".join(parts[i:]))
        if code:
            return code
    return None


def with_outlet_country(doc: Doc, code: str | None) -> Doc:
    """Mark a Doc with its outlet's home country before the places component runs."""
    if code:
        doc.user_data[OUTLET_COUNTRY_KEY] = code
    return doc



# -- the outlet's home area ---------------------------------------------------------------------
# A local paper writes about its own area and seldom names the state: "Alexandria" in the Town
# Talk is Alexandria, Louisiana, and its articles show it, since most of them place towns
# around it. The home area is learned from the outlet's own articles (no list of outlets), so a
# national or international outlet, whose towns are spread out, has none.

#: what a town or county reading within ``HOME_KM`` of the outlet's home gains (log10 units of
#: population): a national capital's lead (2.5) and one order of magnitude more, so that the Dublin
#: of a Columbus paper is Dublin, Ohio; weaker than the article's own "Paris, Tenn." (10)
HOME_BONUS = 3.5
HOME_KM = 150.0
#: a home needs towns within ``HOME_KM`` of one point in at least this many of the outlet's
#: articles, and in at least this share of those of them that place a town
HOME_MIN_ARTICLES = 2
HOME_SHARE = 0.5
HOME_MIN_PLACES = 2
#: the most recent articles an outlet's home is learned from (the work grows with the square)
HOME_ARTICLES = 200
#: the levels of the literal places an outlet's home is learned from (a country or a state
#: says little about where a paper is)
HOME_LEVELS = frozenset({"town", "admin2"})
#: where ``with_outlet_home`` leaves the point on a Doc
OUTLET_HOME_KEY = "storyweave_outlet_home"


def outlet_home(articles: Sequence[Sequence[tuple[float, float, int]]]) -> tuple[float, float] | None:
    """The home point of an outlet from the towns its articles place (one list of (lat, lon,
    geonameid) per article, in order), or None.

    The home is the town around which the most articles place a town within ``HOME_KM``, when
    that is at least ``HOME_MIN_ARTICLES`` articles and ``HOME_SHARE`` of those with towns, and
    at least ``HOME_MIN_PLACES`` distinct places lie around it: one name read the same way in
    several articles ("London", read as England's in a paper of London, Ontario) is the
    resolver's guess repeated, not the outlet's area showing.
    """
    placed = [sorted(set(points)) for points in articles[-HOME_ARTICLES:] if points]
    if len(placed) < HOME_MIN_ARTICLES:
        return None
    points = np.asarray([p for pts in placed for p in pts], dtype=np.float64)
    owner = np.repeat(np.arange(len(placed)), [len(pts) for pts in placed])
    lat, lon = points[:, 0], points[:, 1]
    near = distances_km(lat[:, None], lon[:, None], lat[None, :], lon[None, :]) <= HOME_KM  # every two points
    _ids, place_of = np.unique(points[:, 2], return_inverse=True)
    articles_near = np.zeros(len(points), dtype=np.int64)
    places_near = np.zeros(len(points), dtype=np.int64)
    for k in range(len(points)):
        articles_near[k] = len(np.unique(owner[near[k]]))
        places_near[k] = len(np.unique(place_of[near[k]]))
    articles_near[places_near < HOME_MIN_PLACES] = 0
    best = int(np.argmax(articles_near))  # the first of equals: the points are in a fixed order
    if articles_near[best] < max(HOME_MIN_ARTICLES, HOME_SHARE * len(placed)):
        return None
    return float(points[best, 0]), float(points[best, 1])


def home_points(places) -> list[tuple[float, float, int]]:
    """(lat, lon, geonameid) of the places of an article an outlet's home is learned from: its
    literal towns and counties."""
    return [(p.lat, p.lon, p.geonameid) for p in places if p.role == "literal" and p.level in HOME_LEVELS]


def with_outlet_home(doc: Doc, home: tuple[float, float] | None) -> Doc:
    """Mark a Doc with its outlet's home point before the places component runs."""
    if home:
        doc.user_data[OUTLET_HOME_KEY] = tuple(home)
    return doc
