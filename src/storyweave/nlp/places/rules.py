"""Readers of the places component's rule files (``nlp/rules/places``)."""

from __future__ import annotations

from storyweave.nlp.gazetteer import RULES


def read_lines(name: str) -> set[str]:
    text = (RULES / name).read_text(encoding="utf-8")
    return {line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")}


def read_pairs(name: str) -> dict[str, str]:
    pairs = {}
    for line in (RULES / name).read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            left, right = line.split("\t")[:2]
            pairs[left.strip()] = right.strip()
    return pairs

