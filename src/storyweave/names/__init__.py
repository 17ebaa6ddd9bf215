"""The names authority: how the product reads, compares and keys people's, places' and
organisations' names, with one set of rules (``rules/``) for every stage.

- :mod:`storyweave.names.name_rules`: ``NameRules`` and ``load_name_rules``, the word lists and
  alias, transliteration and given-name tables;
- :mod:`storyweave.names.keys`: folding, slugs and the comparison keys of names;
- :mod:`storyweave.names.labels`: the spaCy label sets (places, numbers, collectives).

The per-article canonicaliser (``storyweave.nlp.entities``) and cross-document resolution
(``storyweave.link.entities``) both read names through this package; it imports neither.
"""

from storyweave.names.keys import (
    acronym_key,
    compatible,
    fold,
    initials,
    is_acronym,
    kind_of,
    name_key,
    person_key,
    slug,
    spelling_variant,
    transliterate,
    words,
)
from storyweave.names.labels import ACRONYM_LABELS, COLLECTIVE_LABELS, NUMERIC_LABELS, PLACE_LABELS
from storyweave.names.name_rules import RULES, NameRules, load_name_rules

__all__ = [
    "ACRONYM_LABELS", "COLLECTIVE_LABELS", "NUMERIC_LABELS", "PLACE_LABELS", "RULES", "NameRules",
    "acronym_key", "compatible", "fold", "initials", "is_acronym", "kind_of", "load_name_rules",
    "name_key", "person_key", "slug", "spelling_variant", "transliterate", "words",
]
