"""Entities canonicalised within one article: one record per person, organisation or place.

- :mod:`~storyweave.nlp.entities.component`: the ``storyweave_entities`` spaCy component and
  its stages 1, 4 and 5 (mentions, groups, records);
- :mod:`~storyweave.nlp.entities.forms`: trimming, group keys and comparable parts of a name;
- :mod:`~storyweave.nlp.entities.acronyms`: stage 2, acronyms and their expansions;
- :mod:`~storyweave.nlp.entities.people`: stage 3, person mentions grouped into people;
- :mod:`~storyweave.nlp.entities.mentions`: the records.

Importing the package registers the component's factory with spaCy.
"""

from storyweave.names import NameRules, load_name_rules
from storyweave.nlp.entities.acronyms import long_form_start
from storyweave.nlp.entities.component import COMPONENT, EntityCanonicaliser, ensure_extensions, make_entities
from storyweave.nlp.entities.mentions import ArticleEntity, EntityMention

__all__ = [
    "COMPONENT", "ArticleEntity", "EntityCanonicaliser", "EntityMention", "NameRules", "ensure_extensions",
    "load_name_rules", "long_form_start", "make_entities",
]
