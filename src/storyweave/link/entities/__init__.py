"""Cross-document entity resolution: one global entity for the names articles give it.

- :mod:`~storyweave.link.entities.index`: ``EntityIndex`` (add, withdraw, save and load) and
  ``resolve_entities``;
- :mod:`~storyweave.link.entities.people`, :mod:`~storyweave.link.entities.places`,
  :mod:`~storyweave.link.entities.organisations`: the resolution stages, one per kind of name;
- :mod:`~storyweave.link.entities.blocking`: the blocking indexes and the steps the stages share;
- :mod:`~storyweave.link.entities.records`: the records, the saved evidence, and
  ``records_from_entities`` / ``records_from_rows``.

Names are compared through :mod:`storyweave.names`.
"""

from storyweave.link.entities.index import EntityIndex, resolve_entities
from storyweave.link.entities.records import (
    STATE_VERSION,
    EntityRecord,
    EntityState,
    EntityStateError,
    GlobalEntity,
    Resolution,
    Withdrawal,
    records_from_entities,
    records_from_rows,
)

__all__ = [
    "STATE_VERSION", "EntityIndex", "EntityRecord", "EntityState", "EntityStateError", "GlobalEntity",
    "Resolution", "Withdrawal", "records_from_entities", "records_from_rows", "resolve_entities",
]
