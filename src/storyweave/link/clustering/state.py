"""What story clustering keeps and is given: inputs, parameters, per-story and overall state.

Plain dataclasses with a JSON save/load (``ClusterState.to_json`` / ``from_json``) and a delta
form the link stage journals (``ClusterState.fold``); the vectors live only in the ANN index.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field

from storyweave.errors import StoreError

STATE_FILE = "stories.json"
INDEX_FILE = "articles.usearch"
STATE_VERSION = 1


@dataclass(frozen=True)
class ClusterInput:
    """What clustering needs to know about one article.

    ``entities`` and ``places`` are normalised names or ids from the analysis
    (e.g. entity canonical names, GeoNames ids); either may be empty.
    """

    id: str
    title: str | None
    text: str
    published: dt.datetime | None = None
    outlet: str | None = None
    entities: frozenset[str] = frozenset()
    places: frozenset[str] = frozenset()


@dataclass(frozen=True)
class ClusterParams:
    """Knobs of the scorer. Defaults were chosen on ECB+ topics 1-17 and confirmed on 18-35.

    ``centroid_weight`` blends centroid cosine (topic drift-resistant) with the
    best single-member cosine (lets a story grow along its chain of updates).
    ``threshold_plain`` applies to articles with no entities or places (no
    analysis yet, or none found): their score lacks the entity term, so it is
    on a lower scale. ``time_scale_days`` is the gap at which the time penalty reaches ~63% of
    ``time_weight``. ECB+ has no dates, so the time terms are a prior, not fitted:
    a week apart costs ~0.45, enough to split near-identical wording of a
    recurring event (the same match, a year later) but not a running story.
    ``member_weight`` scales the best member specifics match (0..1),
    ``year_weight`` the year conflict (0..1); specifics and years are read from
    the first ``specific_chars`` of the text, and each stored article keeps its
    ``member_cap`` rarest specifics (bounded state per article).
    """

    threshold: float = 0.85
    threshold_plain: float = 0.6
    k: int = 20
    centroid_weight: float = 0.5
    entity_weight: float = 1.0
    time_weight: float = 0.5
    time_scale_days: float = 3.0
    lead_sentences: int = 3
    member_weight: float = 1.0
    year_weight: float = 0.3
    specific_chars: int = 4000
    member_cap: int = 48

    @classmethod
    def for_encoder(cls, encoder: str) -> ClusterParams:
        """The defaults for ``encoder``: cosines of the static model run higher than MiniLM's."""
        return cls(**_ENCODER_PARAMS.get(encoder, {}))


# Chosen on ECB+ dev topics like the defaults above (scripts/tune_story_clustering.py).
_ENCODER_PARAMS: dict[str, dict[str, float]] = {"minilm": {}, "static": {"threshold": 0.95, "threshold_plain": 0.8}}


@dataclass
class StoryState:
    """A story's representative state, everything scoring needs apart from vectors.

    ``centroid`` is the mean of the members' unit vectors (not renormalised, so
    it can be updated by a running mean). ``entities``/``places`` count the
    members that mention each; ``years`` counts the members' latest
    mentioned year; times are ISO 8601 strings or None.
    """

    id: str
    title: str
    title_article: str
    articles: list[str] = field(default_factory=list)
    centroid: list[float] = field(default_factory=list)
    entities: dict[str, int] = field(default_factory=dict)
    places: dict[str, int] = field(default_factory=dict)
    outlets: dict[str, int] = field(default_factory=dict)
    first_seen: str | None = None
    last_seen: str | None = None
    years: dict[str, int] = field(default_factory=dict)

    @property
    def size(self) -> int:
        return len(self.articles)


@dataclass
class ClusterState:
    """Everything the clusterer keeps between articles, apart from the ANN index.

    ``keys`` maps each article id to its integer key in the index;
    ``doc_freq`` counts the articles mentioning each entity/place (for IDF);
    ``titles`` keeps titled articles' titles, to retitle a story as it grows;
    ``article_specifics`` keeps each article's rarest specifics (state written
    before it existed loads with none: those articles simply add no specifics match).
    """

    stories: dict[str, StoryState] = field(default_factory=dict)
    article_story: dict[str, str] = field(default_factory=dict)
    keys: dict[str, int] = field(default_factory=dict)
    doc_freq: dict[str, int] = field(default_factory=dict)
    titles: dict[str, str] = field(default_factory=dict)
    next_story: int = 1
    article_specifics: dict[str, list[str]] = field(default_factory=dict)

    def to_json(self) -> dict:
        """A JSON-ready dict (the store can keep it as rows: one per story, one per article)."""
        return {"version": STATE_VERSION, **asdict(self)}

    @staticmethod
    def fold(data: dict | None, deltas: Iterable[dict]) -> dict | None:
        """``to_json`` output with ``StoryClusterer.take_delta`` results applied in order (``data`` is updated)."""
        for delta in deltas:
            if data is None:
                data = ClusterState().to_json()
            for name in ("stories", "article_story", "keys", "titles", "article_specifics", "doc_freq"):
                data.setdefault(name, {}).update(delta[name])
            data["next_story"] = delta["next_story"]
        return data

    @classmethod
    def from_json(cls, data: dict) -> ClusterState:
        """Rebuild the state from :meth:`to_json`'s output."""
        if data.get("version") != STATE_VERSION:
            raise StoreError(f"story state version {data.get('version')!r} is not {STATE_VERSION}: re-cluster")
        stories = {sid: StoryState(**story) for sid, story in data["stories"].items()}
        fields = {name: data[name] for name in ("article_story", "keys", "doc_freq", "titles", "next_story")}
        fields["article_specifics"] = data.get("article_specifics", {})
        return cls(stories=stories, **fields)


@dataclass(frozen=True)
class Assignment:
    """Where one article went: its story, whether it started it, and the winning score."""

    article_id: str
    story_id: str
    new_story: bool
    score: float
