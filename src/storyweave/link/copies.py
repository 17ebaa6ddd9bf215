"""Copied text across outlets: one wire story or press release is one origin.

Independent reporters do not write the same fifteen words in the same order. When two
outlets carry a sentence word for word, one text lies behind both — a wire story, a press
release, or one outlet copying the other — and the fact that sentence states has one origin
however many outlets print it. Ingest joins whole copies (``ingest.dedup``); this module
finds the rest, the wire story each outlet edited, cut and re-headlined on its own:

- two claim units are *copies* when most of the shorter one's word trigrams recur in the
  other, the words inside quotation marks left out: outlets that quote one speaker share
  the speaker's words, not a text (``origins.merge_shared_quotes`` makes the speaker the
  origin of those);
- two articles that share ``FAMILY_SENTENCES`` or more copied units are versions of one
  text: their unattributed claims are that text's, one origin for all of them, even where
  an outlet rewrote a sentence;
- within one claim group, two copied mentions are one origin even when their articles
  share nothing else.

Written here rather than taken from a library: datasketch's MinHash (used at ingest) answers
for whole documents, and these are single sentences compared within one story.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from scipy.cluster.hierarchy import DisjointSet

from storyweave.ingest.metadata import known_outlet
from storyweave.link.origins import OriginKey, word_trigrams

#: share of the shorter sentence's word trigrams the other must carry to be its copy
COPY_OVERLAP = 0.8
#: trigrams a sentence needs (about eight words) before sameness says more than chance
MIN_SHINGLES = 6
#: copied sentences that make two articles versions of one text
FAMILY_SENTENCES = 2


_QUOTED = re.compile(r"“[^”]*”|\"[^\"]*\"")


def _shingles(text: str) -> frozenset[tuple[str, ...]]:
    return word_trigrams(_QUOTED.sub(" | ", text))  # the quoted words left out


def copied_pairs(units: Sequence[Any]) -> set[tuple[int, int]]:
    """Index pairs (i < j) of units from different outlets whose texts are copies.

    ``units`` are ``claims.scoring.Unit``: an ``article`` (with ``article_id``), an
    ``outlet`` and a ``claim`` (``text``). Candidates come from an index of
    trigrams, so the cost follows the shared wording, not the square of the story.
    """
    shingles: dict[int, frozenset] = {}
    by_shingle: dict[tuple[str, ...], list[int]] = {}
    for i, u in enumerate(units):
        s = _shingles(u.claim.text)
        if len(s) < MIN_SHINGLES:
            continue
        shingles[i] = s
        for sh in s:
            by_shingle.setdefault(sh, []).append(i)
    pairs: set[tuple[int, int]] = set()
    for i, s in shingles.items():
        counts: dict[int, int] = {}
        for sh in s:
            for j in by_shingle[sh]:
                if j > i:
                    counts[j] = counts.get(j, 0) + 1
        for j, shared in counts.items():
            if units[i].outlet == units[j].outlet:
                continue
            if shared / min(len(s), len(shingles[j])) >= COPY_OVERLAP:
                pairs.add((i, j))
    return pairs


def wire_families(units: Sequence[Any], pairs: Iterable[tuple[int, int]]) -> dict[str, OriginKey]:
    """Article id → the origin of the one text its version shares with other outlets'
    (articles that carry ``FAMILY_SENTENCES`` or more copied sentences of each other)."""
    shared: dict[tuple[str, str], int] = {}
    for i, j in pairs:
        a, b = sorted((units[i].article.article_id, units[j].article.article_id))
        if a != b:
            shared[(a, b)] = shared.get((a, b), 0) + 1
    families = DisjointSet()
    for (a, b), n in shared.items():
        if n >= FAMILY_SENTENCES:
            families.add(a)
            families.add(b)
            families.merge(a, b)
    outlets: dict[str, set[str]] = {}
    for u in units:
        outlets.setdefault(u.article.article_id, set()).add(u.outlet)
    out: dict[str, OriginKey] = {}
    for family in families.subsets():
        names = set().union(*(outlets[aid] for aid in family))
        if len(names) > 1:
            key = _family_key(min(family), names)
            out.update((aid, key) for aid in family)
    return out


def _family_key(root: str, outlets: set[str]) -> OriginKey:
    # outlets a reader knows by name first, so the label says where the text was seen
    names = sorted(outlets, key=lambda o: (known_outlet(o) is None, o.lower()))
    shown = ", ".join(names[:2]) + (f" +{len(names) - 2}" if len(names) > 2 else "")
    return OriginKey(f"copy:{root}", f"one wire text ({shown})", "outlet")


def merge_copied_mentions(
    members: Sequence[Any], copied_keys: set[frozenset[str]], representative: Mapping[str, str]
) -> Mapping[str, str]:
    """``representative`` with the outlet origins of a group's copied mentions made one.

    ``members`` are the group's units (``key``, ``keys``, ``article``); ``copied_keys`` holds
    the pairs of unit keys that are copies. Only an outlet's own voice is merged: a copied
    sentence that names its source keeps that source, which is already one origin.
    """
    copied = [
        (u, v)
        for n, u in enumerate(members)
        for v in members[n + 1 :]
        if u.article.article_id != v.article.article_id and frozenset((u.key, v.key)) in copied_keys
    ]
    if not copied:
        return representative
    merged = DisjointSet()
    for u, v in copied:
        ku = [k.key for k in u.keys if k.kind == "outlet"]
        kv = [k.key for k in v.keys if k.kind == "outlet"]
        if ku and kv:
            a, b = representative.get(ku[0], ku[0]), representative.get(kv[0], kv[0])
            merged.add(a)
            merged.add(b)
            merged.merge(a, b)
    out = dict(representative)
    for u in members:
        for k in u.keys:
            rep = representative.get(k.key, k.key)
            out[k.key] = min(merged.subset(rep)) if rep in merged else rep
    return out
