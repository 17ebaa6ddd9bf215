"""Pairwise stance on Emergent and FNC-1: proxies for claim alignment's agree/contradict call.

Claim alignment (``storyweave.link.claims``) decides whether two outlets' statements agree
(corroboration), contradict (contested), or only report what someone said. Public data
with that exact decision across outlets does not exist at scale; these two sets are the
nearest proxies (``<evaldata>/claims``, see its SOURCE.md):

- **Emergent** (Ferreira & Vlachos 2016): a claim headline vs an article headline, labelled
  ``for`` / ``against`` / ``observing``; test split, 524 pairs;
- **FNC-1** competition test set: a headline vs an article body, labelled ``agree`` /
  ``disagree`` / ``discuss`` / ``unrelated``.

``pairwise_stance`` uses the same rules as alignment, with no trained model: content-word
overlap (relatedness), negation cues (``nlp/rules/claims/negation.txt``), hedges and
reporting verbs (``nlp/rules/claims``), numbers beyond the alignment's tolerance, and the
denial and reporting cues of ``link/rules/claims/stance.toml``. Figures are reported
against the majority-class baseline.
"""

from __future__ import annotations

import csv
import functools
import logging
import re
import tomllib
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from storyweave.errors import EvalDataMissing
from storyweave.evaluation.report import Report
from storyweave.link.claims import load_alignment_rules
from storyweave.link.origins import RULES, content_words

LOGGER = logging.getLogger(__name__)

COMMAND = "storyweave eval stance"
DATASETS = ("emergent", "fnc1")
LABELS = {
    "emergent": {"agree": "for", "contradict": "against", "observe": "observing", "unrelated": "observing"},
    "fnc1": {"agree": "agree", "contradict": "disagree", "observe": "discuss", "unrelated": "unrelated"},
}
_TOKEN = re.compile(r"[\w'’-]+|\?")
_NUMBER = re.compile(r"\d[\d,.]*")


@dataclass(frozen=True)
class StanceRules:
    """Cue lists for pairwise stance: ours (``stance.toml``) and the claims component's."""

    denial: tuple[tuple[str, ...], ...]
    report: frozenset[str]
    negation: frozenset[str]
    hedges: frozenset[str]
    hedge_phrases: tuple[tuple[str, ...], ...]
    related_share: float
    window: int


@functools.lru_cache(maxsize=1)
def load_stance_rules() -> StanceRules:
    """Read ``stance.toml`` and the claims component's hedge, negation and reporting lists."""
    from storyweave.nlp.claim_parts import load_claim_rules

    with open(RULES / "stance.toml", "rb") as fh:
        data = tomllib.load(fh)
    claim_rules = load_claim_rules()
    return StanceRules(
        denial=tuple(tuple(_tokens(p)) for p in data["denial"]),
        report=frozenset(data["report"]) | frozenset(claim_rules.reporting),
        negation=frozenset(claim_rules.negation),
        hedges=frozenset(claim_rules.hedge_words),
        hedge_phrases=tuple(claim_rules.hedge_phrases),
        related_share=float(data["related_share"]),
        window=int(data["window"]),
    )


def _tokens(text: str) -> list[str]:
    return [t.lower().replace("’", "'") for t in _TOKEN.findall(text)]


def _positions(tokens: list[str], phrases) -> list[int]:
    out = []
    for i in range(len(tokens)):
        if any(tuple(tokens[i : i + len(p)]) == p for p in phrases):
            out.append(i)
    return out


def _numbers(text: str) -> list[float]:
    out = []
    for raw in _NUMBER.findall(text):
        try:
            out.append(float(raw.replace(",", "").rstrip(".")))
        except ValueError:
            continue
    return out


def pairwise_stance(claim: str, other: str, rules: StanceRules | None = None) -> str:
    """How ``other`` stands to ``claim``: "agree", "contradict", "observe" or "unrelated".

    Stages: (1) unrelated when ``other`` holds too few of the claim's content words;
    (2) contradict on a denial or negation cue the claim lacks, near the claim's words in a
    long text, or on numbers beyond the alignment's tolerance; (3) observe when ``other``
    hedges or only reports ("officials say", "reportedly", a question); (4) else agree.
    """
    rules = rules or load_stance_rules()
    claim_words = content_words(claim)
    other_tokens = _tokens(other)
    if claim_words:
        share = len(claim_words & set(other_tokens)) / len(claim_words)
        if share < rules.related_share:
            return "unrelated"
    claim_tokens = _tokens(claim)
    near = [i for i, t in enumerate(other_tokens) if t in claim_words]
    long_text = len(other_tokens) > 60

    def close(positions: list[int]) -> list[int]:
        if not long_text:
            return positions
        return [p for p in positions if any(abs(p - n) <= rules.window for n in near)]

    denial = close(_positions(other_tokens, rules.denial))
    negation = close([i for i, t in enumerate(other_tokens) if t in rules.negation])
    claim_denies = bool(_positions(claim_tokens, rules.denial)) or any(
        t in rules.negation for t in claim_tokens
    )
    if (denial or negation) and not claim_denies:
        return "contradict"
    ratio = load_alignment_rules().number_ratio
    a, b = _numbers(claim), _numbers(other)
    if a and b and not any(max(x, y) <= min(x, y) * ratio for x in a for y in b if min(x, y) > 0):
        return "contradict"
    hedged = [i for i, t in enumerate(other_tokens) if t in rules.report or t in rules.hedges]
    hedged += _positions(other_tokens, rules.hedge_phrases)
    if long_text:
        # a body reports as a rule: it observes when the share of hedged sentences is high
        return "observe" if len(hedged) / max(1, len(other_tokens)) > 0.02 else "agree"
    return "observe" if hedged else "agree"


# -- data ---------------------------------------------------------------------------------------
def _emergent(root: Path) -> list[tuple[str, str, str]]:
    path = root / "emergent" / "url-versions-2015-06-14-clean-test.csv"
    if not path.is_file():
        raise EvalDataMissing(f"{path} is missing: see {root / 'SOURCE.md'}")
    with open(path, newline="", encoding="utf-8") as fh:
        return [
            (r["claimHeadline"], r["articleHeadline"], r["articleHeadlineStance"]) for r in csv.DictReader(fh)
        ]


def _fnc1(root: Path) -> list[tuple[str, str, str]]:
    bodies_path = root / "fnc1" / "competition_test_bodies.csv"
    stances_path = root / "fnc1" / "competition_test_stances.csv"
    for path in (bodies_path, stances_path):
        if not path.is_file():
            raise EvalDataMissing(f"{path} is missing: see {root / 'SOURCE.md'}")
    with open(bodies_path, newline="", encoding="utf-8") as fh:
        bodies = {r["Body ID"]: r["articleBody"] for r in csv.DictReader(fh)}
    with open(stances_path, newline="", encoding="utf-8") as fh:
        return [(r["Headline"], bodies[r["Body ID"]], r["Stance"]) for r in csv.DictReader(fh)]


# -- scoring ------------------------------------------------------------------------------------
def _f1s(gold: list[str], pred: list[str], classes: list[str]) -> dict[str, float]:
    out = {}
    for c in classes:
        tp = sum(g == p == c for g, p in zip(gold, pred))
        fp = sum(p == c and g != c for g, p in zip(gold, pred))
        fn = sum(g == c and p != c for g, p in zip(gold, pred))
        out[c] = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
    return out


def evaluate_stance(
    evaldata_dir: Path, dataset: str = "emergent", limit: int | None = None, progress: bool = False
) -> Report:
    """Score ``pairwise_stance`` on Emergent (test split) or FNC-1 (competition test).

    ``limit`` takes the first pairs in file order (FNC-1 has 25,413; Emergent 524).
    """
    if dataset not in DATASETS:
        raise ValueError(f"unknown stance dataset {dataset!r}: use one of {', '.join(DATASETS)}")
    root = Path(evaldata_dir) / "claims"
    rows = _emergent(root) if dataset == "emergent" else _fnc1(root)
    if limit is not None:
        rows = rows[:limit]
    if not rows:
        raise EvalDataMissing(f"no {dataset} pairs under {root}")
    rules = load_stance_rules()
    mapping = LABELS[dataset]
    iterator = rows
    if progress:
        from rich.progress import track

        iterator = track(rows, description=f"stance {dataset}")
    pred = [mapping[pairwise_stance(claim, other, rules)] for claim, other, _ in iterator]
    gold = [label for _, _, label in rows]
    classes = sorted(set(mapping.values()) | set(gold))
    majority = Counter(gold).most_common(1)[0][0]
    base = [majority] * len(gold)
    ours, theirs = _f1s(gold, pred, classes), _f1s(gold, base, classes)
    acc = sum(g == p for g, p in zip(gold, pred)) / len(gold)
    base_acc = sum(g == p for g, p in zip(gold, base)) / len(gold)
    macro, base_macro = sum(ours.values()) / len(classes), sum(theirs.values()) / len(classes)
    report = Report(
        key=f"eval-stance-{dataset}",
        title=f"Pairwise stance ({dataset}): proxy for claim agreement and contradiction",
        command=f"{COMMAND} --dataset {dataset}" + (f" --limit {limit}" if limit is not None else ""),
        columns=["metric", "storyweave (rules)", f"majority baseline ({majority})"],
        rows=[["accuracy", acc, base_acc], ["macro-F1", macro, base_macro]]
        + [[f"F1 {c}", ours[c], theirs[c]] for c in classes],
        notes=[
            (
                f"{len(rows)} pairs; gold labels {dict(Counter(gold))}. Rules only (no trained model): "
                "overlap, negation, denial, hedge and reporting cues, numbers. A proxy for the "
                "agree/contradict decision of claim alignment, not the alignment itself."
            )
        ],
        metrics={
            "accuracy": acc,
            "macro_f1": macro,
            "baseline_accuracy": base_acc,
            "baseline_macro_f1": base_macro,
            **{f"f1_{c}": v for c, v in ours.items()},
        },
    )
    return report
