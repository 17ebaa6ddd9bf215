"""Places: toponyms recognised, disambiguated and geocoded against the offline gazetteer.

- ``component``: the ``storyweave_places`` spaCy component (candidates, filters, output);
- ``resolve``: its disambiguation, roles and facilities placed at their town;
- ``scan``: datelines, party affiliations and lists of counties read from the text;
- ``discourse``: the other mentions of a name the article places (one sense per discourse);
- ``context``: the arithmetic of disambiguation (priors, the article's support);
- ``matcher``: the gazetteer-name n-gram matcher for toponyms the model missed;
- ``parts``: a place named as a part of the town or county before it ("Toronto's Pearson Airport");
- ``outlets``: the outlet's home country, a weak prior, and its home area learned from its articles;
- ``records``: ``Place``, its levels and roles.
"""

from storyweave.nlp.places.component import PlaceRecognizer, make_places, reads_as_demonym
from storyweave.nlp.places.context import distance_km
from storyweave.nlp.places.outlets import outlet_country, outlet_home, with_outlet_country, with_outlet_home
from storyweave.nlp.places.records import LEVELS, PLACE_LABELS, ROLES, Place

__all__ = [
    "LEVELS", "PLACE_LABELS", "ROLES", "Place", "PlaceRecognizer", "distance_km", "make_places",
    "outlet_country", "outlet_home", "reads_as_demonym", "with_outlet_country", "with_outlet_home",
]
