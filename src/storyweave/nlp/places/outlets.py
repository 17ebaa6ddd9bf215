"""The outlet's home country, a weak prior for the places its articles name, and its home area,
learned from its own articles, a stronger one."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from urllib.parse import urlsplit

import numpy as np

from spacy.tokens import Doc

from storyweave.nlp.gazetteer import GazEntry, distances_km, load_gazetteer, normalise
from storyweave.nlp.places.context import distance_km
from storyweave.nlp.places.rules import read_lines as _read_lines
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
#: what the outlet's own towns (``home_towns``) gain on top (log10 units), wherever they lie: a
#: world city of their name (Athens, Dublin, Paris) would otherwise outweigh them
HOME_TOWN_BONUS = 3.0
#: how near an own town's point a reading must lie to be that town (gazetteer points of one town agree)
HOME_TOWN_KM = 1.0
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
#: how far from the home its articles show an outlet's namesake town may lie (a paper's articles
#: centre on its county more than on its town: the Augusta Chronicle's on Georgia's towns)
NAMED_TOWN_KM = 2 * HOME_KM
NAMED_TOWN_MIN_POPULATION = 1000
#: the fewest letters of a town an outlet is named after ("Ames" of the Ames Tribune)
NAMED_TOWN_MIN_LETTERS = 4
#: the labels of a host name that are no part of an outlet's own name
_HOST_LABELS = frozenset({"www", "www2", "m", "mobile", "news", "co", "com", "org", "net", "ac", "gov", "edu"})
#: where ``with_outlet_home`` leaves the point on a Doc
OUTLET_HOME_KEY = "storyweave_outlet_home"


def outlet_home(articles: Sequence[Sequence[tuple[float, float, int]]], outlet: str | None = None) -> tuple[float, ...] | None:
    """The home of an outlet from the towns its articles place (one list of (lat, lon,
    geonameid) per article, in order), or None: the (lat, lon) of the centre of its home area,
    followed by the (lat, lon) of the town the outlet is named after where ``outlet`` names a
    town near it (``named_town``). ``home_area`` and ``home_towns`` read it.

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
    home = float(points[best, 0]), float(points[best, 1])
    town = named_town(outlet, home) if outlet else None
    return home + (town.lat, town.lon) if town is not None else home


def home_area(home: tuple[float, ...]) -> tuple[float, float]:
    """The centre of an outlet's home area, from ``outlet_home``'s value."""
    return home[0], home[1]


def home_towns(home: tuple[float, ...]) -> list[tuple[float, float]]:
    """The points of an outlet's own towns, from ``outlet_home``'s value: the town at the centre
    of its home area, and the town it is named after where it is named after one."""
    return [(home[0], home[1])] + ([(home[2], home[3])] if len(home) >= 4 else [])


def named_town(outlet: str, home: tuple[float, float]) -> GazEntry | None:
    """The town an outlet is named after, near the home its articles show, or None.

    A local paper's name opens with its town, after an optional "the": "The Paris News",
    "Athens Review", "norfolkdailynews.com", "chronicle.augusta.com". The town of that name
    nearest the home, within ``NAMED_TOWN_KM``, is taken (the longest name where several fit:
    "Mount Pleasant" before "Mount"); a name that is a newspaper's word ("Post", "Star",
    "Globe") names no town.
    """
    openings = _name_openings(outlet)
    if not openings:
        return None
    best: tuple[int, float, GazEntry] | None = None
    for entry in load_gazetteer().near(*home, NAMED_TOWN_KM, kinds=("city",), min_city_population=NAMED_TOWN_MIN_POPULATION):
        key = _squash(entry.name)
        if len(key) < NAMED_TOWN_MIN_LETTERS or key in _outlet_words() or not any(o.startswith(key) for o in openings):
            continue
        rank = (len(key), -distance_km(entry.lat, entry.lon, *home), entry)
        if best is None or rank[:2] > best[:2]:
            best = rank
    return best[2] if best is not None else None


def _name_openings(outlet: str) -> list[str]:
    """Where a town's name may open an outlet's name, its letters squashed: each label of a host
    name but the last (and "www", "co", "com"), or the whole of a site name, each without a
    leading "the"."""
    text = outlet.strip().lower()
    if " " not in text and "." in text:
        labels = [label for label in text.split(".")[:-1] if label not in _HOST_LABELS]
    else:
        labels = [text]
    openings = [_squash(label) for label in labels]
    return [o.removeprefix("the") for o in openings if o] + [o for o in openings if o.startswith("the")]


def _squash(text: str) -> str:
    return "".join(ch for ch in normalise(text) if ch.isalnum())


@functools.lru_cache(maxsize=1)
def _outlet_words() -> frozenset[str]:
    return frozenset(_squash(word) for word in _read_lines("outlet_words.txt"))


def home_points(places) -> list[tuple[float, float, int]]:
    """(lat, lon, geonameid) of the places of an article an outlet's home is learned from: its
    literal towns and counties."""
    return [(p.lat, p.lon, p.geonameid) for p in places if p.role == "literal" and p.level in HOME_LEVELS]


def with_outlet_home(doc: Doc, home: tuple[float, ...] | None) -> Doc:
    """Mark a Doc with its outlet's home (``outlet_home``) before the places component runs."""
    if home:
        doc.user_data[OUTLET_HOME_KEY] = tuple(home)
    return doc
