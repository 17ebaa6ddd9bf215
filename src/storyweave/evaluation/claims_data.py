"""Readers for the claims evaluation data in ``<evaldata>/claims`` (see its README).

- ``ecb-shared-facts``: 16 pairs of ECB+ articles on one event from two outlets, with every
  fact both state, every contradiction and some one-article facts, as exact spans;
- MRPC (Dolan & Brockett 2005): news sentence pairs from different outlets, paraphrase or
  not (evaluation and threshold tuning only: its licence does not allow training);
- Emergent (Ferreira & Vlachos 2016): claims and outlet headlines, for/against/observing;
- FNC-1 competition test: headline and article body, agree/disagree/discuss/unrelated.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from storyweave.errors import EvalDataMissing

#: the ECB+ topics ecb-shared-facts is drawn from: never trained on
ESF_TOPICS = frozenset([1, 2, 3, 7, 12, 14, 20, 21, 23, 24, 25, 27, 28, 30, 32, 33])


@dataclass(frozen=True)
class FactSpan:
    """A gold fact: its id, statement, and the evidence offsets in each article it is in."""

    id: str
    text: str
    a: tuple[int, int] | None
    b: tuple[int, int] | None


@dataclass(frozen=True)
class SharedFactsPair:
    """One ecb-shared-facts pair: the two articles (file, outlet, text) and the gold."""

    pair_id: str
    a: str
    b: str
    a_outlet: str
    b_outlet: str
    a_text: str
    b_text: str
    shared: tuple[FactSpan, ...]
    contradictions: tuple[FactSpan, ...]


def _require(path: Path, what: str) -> Path:
    if not path.exists():
        raise EvalDataMissing(f"{what} not found at {path}: point --evaldata at ../shared/evaldata")
    return path


def _span(item: dict, side: str) -> tuple[int, int] | None:
    offsets = item.get("offsets", {}).get(side)
    return (int(offsets[0]), int(offsets[1])) if offsets else None


def read_shared_facts(evaldata: Path) -> list[SharedFactsPair]:
    """Every pair of ``claims/ecb-shared-facts`` with its article texts."""
    root = _require(evaldata / "claims" / "ecb-shared-facts", "ecb-shared-facts")
    gold = json.loads((root / "gold.json").read_text(encoding="utf-8"))
    meta = json.loads((root / "articles" / "metadata.json").read_text(encoding="utf-8"))
    pairs = []
    for p in gold["pairs"]:
        texts = [(root / "articles" / meta[p[side]]["txt"]).read_text(encoding="utf-8") for side in ("a", "b")]
        facts = {
            key: tuple(FactSpan(it["id"], it["text"], _span(it, "docA"), _span(it, "docB")) for it in p[key])
            for key in ("shared", "contradictions")
        }
        pairs.append(SharedFactsPair(p["pair_id"], p["a"], p["b"], p["a_outlet"], p["b_outlet"], *texts,
                                     facts["shared"], facts["contradictions"]))
    return pairs


@dataclass(frozen=True)
class SentencePair:
    """Two sentences and whether they say the same thing (MRPC's "Quality")."""

    a: str
    b: str
    same: bool


def read_mrpc(evaldata: Path, split: str) -> list[SentencePair]:
    """MRPC ``train`` or ``test`` pairs."""
    path = _require(evaldata / "claims" / "mrpc" / f"msr_paraphrase_{split}.txt", f"MRPC {split}")
    pairs = []
    with path.open(encoding="utf-8-sig") as fh:
        next(fh)
        for line in fh:
            parts = line.rstrip("\n").split("\t")
            if len(parts) == 5:
                pairs.append(SentencePair(parts[3], parts[4], parts[0] == "1"))
    return pairs


@dataclass(frozen=True)
class StancePair:
    """A claim (or headline) and a text about it, with the gold stance label."""

    claim: str
    text: str
    label: str
    group: str


def read_emergent(evaldata: Path, split: str = "test") -> list[StancePair]:
    """Emergent claim/headline pairs of one split (labels for, against, observing)."""
    path = _require(evaldata / "claims" / "emergent" / f"url-versions-2015-06-14-clean-{split}.csv", "Emergent")
    with path.open(encoding="utf-8") as fh:
        return [StancePair(r["claimHeadline"], r["articleHeadline"], r["articleHeadlineStance"], r["claimId"])
                for r in csv.DictReader(fh)]


def read_fnc1(evaldata: Path) -> Iterator[StancePair]:
    """FNC-1 competition test pairs (labels agree, disagree, discuss, unrelated)."""
    root = _require(evaldata / "claims" / "fnc1", "FNC-1")
    with (root / "competition_test_bodies.csv").open(encoding="utf-8") as fh:
        bodies = {r["Body ID"]: r["articleBody"] for r in csv.DictReader(fh)}
    with (root / "competition_test_stances.csv").open(encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            yield StancePair(r["Headline"], bodies[r["Body ID"]], r["Stance"], r["Body ID"])
