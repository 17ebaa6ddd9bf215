"""The place records the component produces: ``Place`` and its levels and roles."""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Span

from storyweave.names.labels import PLACE_LABELS  # noqa: F401  (re-exported: the places package names it)
from storyweave.nlp.gazetteer import GazEntry

#: the level a mention is placed at, by gazetteer kind; "facility" is a facility's own point,
#: "facility-in-town" a street or building placed at the town that contains it
LEVELS = {
    "continent": "continent", "country": "country", "admin1": "admin1", "admin2": "admin2", "city": "town",
    "region": "region", "water": "water", "facility": "facility",
}
#: how a mention uses its place: the ground itself, a demonym or adjective ("Syrian"), or the
#: place standing for its government, team or people ("Washington said")
ROLES = ("literal", "demonym", "metonymic")


@dataclass(frozen=True)
class Place:
    """A place mention, geocoded. ``source``: "ner", "gazetteer", "demonym" or "given";
    ``level``: one of ``LEVELS``' values or "facility-in-town"; ``role``: one of ``ROLES``."""

    text: str
    start_char: int
    end_char: int
    name: str
    geonameid: int
    lat: float
    lon: float
    country_code: str
    kind: str
    population: int
    source: str
    level: str = ""
    role: str = "literal"


def to_place(span: Span, entry: GazEntry, source: str, role: str = "literal") -> Place:
    return Place(
        span.text, span.start_char, span.end_char, entry.name, entry.geonameid, entry.lat, entry.lon,
        entry.country_code, entry.kind, entry.population, source, LEVELS.get(entry.kind, entry.kind), role,
    )
