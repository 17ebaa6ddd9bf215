"""Stored claim and quote rows back into the analysis records the linker reads."""

from __future__ import annotations

import json

from storyweave.nlp.claim_parts import ClaimNumber
from storyweave.nlp.claims import Claim
from storyweave.nlp.quotes import Quote

_CLAIM_SCALARS = (
    "text", "start", "end", "sentence_start", "sentence_end", "kind", "subject", "subject_entity", "predicate",
    "object", "object_entity", "attributed_to", "attribution_text", "quote_start", "quote_end", "check_worthy",
    "signature", "event_code",
)


def claim_from_row(row: dict) -> Claim:
    """A ``Claim`` from its ``claims`` table row."""
    return Claim(
        **{name: row[name] for name in _CLAIM_SCALARS},
        negated=bool(row["negated"]),
        hedged=bool(row["hedged"]),
        numbers=tuple(ClaimNumber(n["text"], n["value"], n["unit"]) for n in json.loads(row["numbers"])),
        dates=tuple(json.loads(row["dates"])),
        places=tuple(json.loads(row["places"])),
        hedges=tuple(json.loads(row["hedges"])),
    )


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
