"""The learned same-fact decision: a logistic regression over the pair features.

Its weights ship in ``link/models/claim_matcher.json`` (written by
``scripts/train_claim_matcher.py``; data card ``link/models/CLAIM_MATCHER.md``): the
feature names, their standardisation, coefficients, and the thresholds the alignment
uses. A few hundred bytes of numbers and no pickled objects, so loading it runs no code.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from importlib import resources

import numpy as np

from storyweave.errors import ConfigError
from storyweave.link.claims.features import CONFLICT_FEATURES, FEATURES

MODEL_FILE = "claim_matcher.json"


@dataclass(frozen=True)
class ClaimMatcher:
    """P(two claim units state the same fact) from their feature rows.

    ``threshold``: a pair at or above it is one fact; ``join_threshold``: every pair of a
    group's members from different articles is at least this; ``contest_threshold``: a pair
    that disagrees (``CONFLICT_FEATURES``) and would be one fact at this probability if it
    agreed is one contested proposition.
    """

    features: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float
    threshold: float
    join_threshold: float
    contest_threshold: float
    min_cos: float
    per_article: int
    per_unit: int
    encoder: str

    def probability(self, rows: np.ndarray) -> np.ndarray:
        """P(same fact) of each feature row."""
        if not len(rows):
            return np.zeros(0, dtype=np.float32)
        z = ((rows - self.mean) / self.scale) @ self.coef + self.intercept
        return (1.0 / (1.0 + np.exp(-z))).astype(np.float32)

    def agreeing_probability(self, rows: np.ndarray) -> np.ndarray:
        """P(same fact) of each row had the two units not disagreed (conflict features zeroed)."""
        neutral = rows.copy()
        for name in CONFLICT_FEATURES:
            neutral[:, self.features.index(name)] = 0.0
        return self.probability(neutral)

    @classmethod
    def from_dict(cls, data: dict) -> ClaimMatcher:
        features = tuple(data["features"])
        if features != FEATURES:
            raise ConfigError(
                f"{MODEL_FILE} was trained on features {features}, the code computes {FEATURES}: "
                "retrain it with scripts/train_claim_matcher.py"
            )
        return cls(
            features=features,
            mean=np.asarray(data["mean"], dtype=np.float32),
            scale=np.asarray(data["scale"], dtype=np.float32),
            coef=np.asarray(data["coef"], dtype=np.float32),
            intercept=float(data["intercept"]),
            threshold=float(data["threshold"]),
            join_threshold=float(data["join_threshold"]),
            contest_threshold=float(data["contest_threshold"]),
            min_cos=float(data["min_cos"]),
            per_article=int(data["per_article"]),
            per_unit=int(data["per_unit"]),
            encoder=str(data["encoder"]),
        )


@functools.lru_cache(maxsize=1)
def load_matcher() -> ClaimMatcher:
    """The shipped matcher, read once per process."""
    try:
        text = resources.files("storyweave.link").joinpath(f"models/{MODEL_FILE}").read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise ConfigError(f"link/models/{MODEL_FILE} is missing: reinstall storyweave") from exc
    return ClaimMatcher.from_dict(json.loads(text))
