"""Stage 3 of resolution: places, one entity per GeoNames id.

A place without an id joins the one geocoded place that has its name; when several geocoded
places share it ("Damascus" in Syria and in Maryland), it joins a place without an id instead.
"""

from __future__ import annotations

from storyweave.link.entities.blocking import BlockingIndex
from storyweave.link.entities.records import EntityRecord, record_ref, weight


class PlaceResolution(BlockingIndex):
    """The places stage of ``EntityIndex``."""

    def _add_places(self, records: list[EntityRecord]) -> None:
        ordered = sorted(
            records, key=lambda r: (r.geonameid is None, r.geonameid or 0, -r.mention_count, record_ref(r))
        )
        for record in ordered:
            keys = [self._key(record.name, "place")] + [self._key(a, "place") for a in record.aliases]
            if record.geonameid is not None:
                state = self._by_geo.get(record.geonameid)
                if state is None:
                    state = self._create("place")
                    state.geonameid = record.geonameid
                    self._by_geo[record.geonameid] = state
            else:
                pool = set().union(*(self._place_keys.get(k, ()) for k in keys))
                geocoded = sorted((s for s in pool if s.geonameid is not None), key=weight, reverse=True)
                plain = sorted((s for s in pool if s.geonameid is None), key=weight, reverse=True)
                state = geocoded[0] if len(geocoded) == 1 else (plain[0] if plain else self._create("place"))
                if len(geocoded) > 1:  # "Damascus" in Syria and in Maryland: keep the name apart
                    keys = keys[:1]
            self._join(state, record, keys)

