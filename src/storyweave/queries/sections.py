"""The reader's view of a story's claims: what to lead with, what each outlet alone says, what to hold back.

A 10-article story aligns a hundred claims or more; a reader takes in a few dozen.
``claim_sections`` splits the dossier's claims (already ranked by ``stories._claims``)
into what the dossier shows first and what it keeps behind a filter:

1. **key claims**: corroborated and contested claims, and claims several outlets relay
   even from one origin (the army's statement in two outlets is "2 outlets · 1 origin"),
   in the claims' own order: status, independent origins, outlets, check-worthiness;
2. **what only X reports**: per outlet, the claims no other outlet reports, the most
   check-worthy first, a share of one row budget each (12 outlets get fewer rows each
   than 2 do, so the page stays tens of rows long);
3. the rest, counted, for the "all claims" filter (``filter_claims``).

The web page, ``storyweave show``, the API's dossier and the Markdown/HTML exports all
render these sections, so they lead with the same claims.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Optional

#: The filter's name for the key claims, beside the statuses.
KEY = "key"
#: Key claims shown before the "all claims" filter.
KEY_ROWS = 20
#: Rows shared by every outlet's "what only X reports" list ...
ONLY_ROWS = 30
#: ... each outlet getting at least and at most this many.
ONLY_MIN, ONLY_MAX = 2, 8


def is_key(claim: dict) -> bool:
    """Whether a claim leads the dossier: corroborated, contested, or relayed by more than one outlet."""
    if claim["status"] != "single-source":
        return True
    return len({m["outlet"] or "unknown" for m in claim["mentions"]}) > 1


def single_outlet_claims(claims: list[dict]) -> dict[str, list[dict]]:
    """Outlet → the claims only it reports, the most check-worthy first (stable among equals)."""
    alone: dict[str, list[dict]] = defaultdict(list)
    for claim in claims:
        if is_key(claim) or not claim["mentions"]:
            continue
        alone[claim["mentions"][0]["outlet"] or "unknown"].append(claim)
    return {o: by_score(cs) for o, cs in alone.items()}


def by_score(claims: list[dict]) -> list[dict]:
    """``claims``, the most check-worthy first; equals keep their order (the dossier's)."""
    return sorted(claims, key=lambda c: -round(c.get("score") or 0.0, 2))


def claim_sections(claims: list[dict], articles_per_outlet: dict[str, int], *, key_rows: int = KEY_ROWS,
                   only_rows: int = ONLY_ROWS) -> dict:
    """Key claims, then per outlet the claims only it reports, with the counts of what is left out.

    ``claims`` in dossier order (``stories._claims``); ``articles_per_outlet`` names every
    outlet of the story, so one that reports nothing alone still gets its (empty) list.
    Outlets come with more articles first: the big contributors of a wide story first.
    """
    key = [c for c in claims if is_key(c)]
    alone = single_outlet_claims(claims)
    names = sorted(set(articles_per_outlet) | set(alone), key=lambda o: (-articles_per_outlet.get(o, 0), o))
    per_outlet = max(ONLY_MIN, min(ONLY_MAX, only_rows // max(1, len(names))))
    outlets = [{"outlet": o, "articles": articles_per_outlet.get(o, 0), "claims": alone.get(o, [])[:per_outlet],
                "total": len(alone.get(o, []))} for o in names]
    shown = min(len(key), key_rows) + sum(len(o["claims"]) for o in outlets)
    return {"key": key[:key_rows], "key_total": len(key), "outlets": outlets, "shown": shown,
            "total": len(claims), "hidden": len(claims) - shown}


def hidden_claims(claims: list[dict], sections: dict) -> list[dict]:
    """The claims ``sections`` does not show, in dossier order: an export's "other claims"."""
    shown = {c["id"] for c in sections["key"]} | {c["id"] for o in sections["outlets"] for c in o["claims"]}
    return [c for c in claims if c["id"] not in shown]


def filter_claims(claims: list[dict], *, status: Optional[str] = None, outlet: Optional[str] = None,
                  alone: bool = False, words: Optional[str] = None) -> list[dict]:
    """The claims of one status, reported by one outlet, or holding some words (case-insensitive), in order.

    ``status`` may also be ``KEY``: the key claims, all of them (the dossier shows the first few).
    With ``alone`` the outlet must be the only one reporting the claim: with the status
    "single-source", exactly the claims its "what only X reports" list counts.
    """
    wanted = (words or "").casefold().split()
    found = []
    for claim in claims:
        if status == KEY:
            if not is_key(claim):
                continue
        elif status and claim["status"] != status:
            continue
        if outlet:
            reporting = {m["outlet"] or "unknown" for m in claim["mentions"]}
            if outlet not in reporting or (alone and len(reporting) > 1):
                continue
        if wanted:
            haystack = " ".join([claim["text"], *(m["text"] for m in claim["mentions"])]).casefold()
            if not all(w in haystack for w in wanted):
                continue
        found.append(claim)
    return found
