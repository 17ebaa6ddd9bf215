"""Stored claim and quote rows back into the records the linker reads."""

from __future__ import annotations

import json

from storyweave.records import Claim, ClaimNumber, ClaimRank, ClaimView, Quote

_CLAIM_SCALARS = (
    "text", "display", "content", "start", "end", "sentence_start", "sentence_end", "kind", "lemmas", "attributed_to",
    "attribution_text", "quote_start", "quote_end", "check_worthy", "event_code",
)


def claim_from_row(row: dict) -> Claim:
    """A ``Claim`` from its ``claims`` table row."""
    return Claim(
        **{name: row[name] for name in _CLAIM_SCALARS},
        headline=bool(row["headline"]),
        negated=bool(row["negated"]),
        denied=bool(row["denied"]),
        direct=bool(row["direct"]),
        hedged=bool(row["hedged"]),
        entities=tuple(json.loads(row["entities"])),
        places=tuple(json.loads(row["places"])),
        numbers=tuple(ClaimNumber(**n) for n in json.loads(row["numbers"])),
        dates=tuple(json.loads(row["dates"])),
        ranks=tuple(ClaimRank(**r) for r in json.loads(row["ranks"])),
        hedges=tuple(json.loads(row["hedges"])),
        atoms=tuple(json.loads(row["atoms"])),
        scope_hedges=tuple(json.loads(row["scope_hedges"])),
        actors=tuple(json.loads(row.get("actors") or "[]")),
        views=tuple(_view(v) for v in json.loads(row.get("views") or "[]")),
    )


#: rows written by the first analyser-25 build also hold a view's ``kind`` and ``negated``,
#: which are the unit's now: read, they are left out
_VIEW_FIELDS = frozenset(ClaimView.__dataclass_fields__)


def _view(data: dict) -> ClaimView:
    return ClaimView(**{
        **{k: v for k, v in data.items() if k in _VIEW_FIELDS},
        "atoms": tuple(data["atoms"]),
        "entities": tuple(data["entities"]),
        "numbers": tuple(ClaimNumber(**n) for n in data["numbers"]),
        "dates": tuple(data["dates"]),
    })


def quote_from_row(row: dict) -> Quote:
    """A ``Quote`` from its ``quotes`` table row."""
    return Quote(
        text=row["text"],
        start_char=row["start"],
        end_char=row["end"],
        speaker=row["speaker"],
        speaker_start=row["speaker_start"],
        speaker_end=row["speaker_end"],
        speaker_entity=row["speaker_entity"],
        cue=row["cue"],
        cue_start=row["cue_start"],
        cue_end=row["cue_end"],
        direct=bool(row["direct"]),
        kind=row["kind"],
    )
