"""Incremental story clustering: each new article joins the best story or starts one.

Per new article:

1. embed its title and lead (:mod:`storyweave.link.embeddings`);
2. ask the ANN index (:mod:`storyweave.link.ann`) for the ``k`` nearest stored
   *articles*; their stories are the candidates, so the cost per article stays
   flat as the store grows (HNSW search is logarithmic, the rest is O(k));
3. score each candidate story from its representative state (:class:`StoryState`):
   cosine to the story centroid blended with the best member cosine, plus the
   IDF-weighted share of the article's entities and places that the story has
   already seen, plus the best IDF-weighted match of the article's *specifics*
   (numbers and mid-sentence capitalised words of the whole text: tolls,
   magnitudes, places, names) with those of the story's members among the
   nearest articles, minus a year conflict (the story's members' latest years
   that the article never mentions) and a time penalty that grows with the gap
   between the article's date and the story's span (none when either date is
   unknown; the specifics match fades with the same gap). The specifics and
   year terms tell apart two events of one kind (two earthquakes, two
   shootings) that share the generic vocabulary;
4. join the best story when its score reaches ``threshold``, else start a story.

State is plain dataclasses (:class:`ClusterState`, :class:`StoryState`, in ``state``) with a
JSON save/load; the ANN index is a separate file. The vectors themselves live
only in the index (``AnnIndex.get`` returns them), so the state stays small.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import math
from collections.abc import Iterable, Sequence
from dataclasses import asdict
from pathlib import Path

import numpy as np

from storyweave.errors import StoreError
from storyweave.link.ann import AnnIndex
from storyweave.link.clustering.state import (
    INDEX_FILE,
    STATE_FILE,
    Assignment,
    ClusterInput,
    ClusterParams,
    ClusterState,
    StoryState,
)
from storyweave.link.clustering.text_signals import latest_year, mentioned_years, specifics, story_title
from storyweave.link.embeddings import Embedder, lead_text

log = logging.getLogger(__name__)


class StoryClusterer:
    """Assigns articles to stories one at a time; ``save``/``load`` persist it to a folder."""

    def __init__(
        self,
        embedder: Embedder,
        params: ClusterParams | None = None,
        state: ClusterState | None = None,
        index: AnnIndex | None = None,
        *,
        retitle: bool = True,
        articles_elsewhere: int = 0,
    ):
        """``retitle=False`` and ``articles_elsewhere`` serve a clusterer that sees only part of
        the store (one block of the block-wise linker): it leaves titles to the full state, and
        counts the articles it does not hold when weighing names by IDF."""
        self.embedder = embedder
        self.params = params or ClusterParams()
        self.state = state or ClusterState()
        self.index = index if index is not None else AnnIndex(embedder.dim)
        self.retitle = retitle
        self.articles_elsewhere = articles_elsewhere
        # what changed since the last ``take_delta``: the link stage journals it
        self._changed_stories: set[str] = set()
        self._changed_articles: list[str] = []
        self._changed_names: set[str] = set()
        self._key_article = {key: aid for aid, key in self.state.keys.items()}
        self._spec_cache: tuple[ClusterInput | None, frozenset[str]] = (None, frozenset())

    # -- public API ----------------------------------------------------------

    def add(self, article: ClusterInput) -> Assignment:
        """Cluster one article (see :meth:`add_many`)."""
        return self.add_many([article])[0]

    def add_many(self, articles: Sequence[ClusterInput]) -> list[Assignment]:
        """Cluster ``articles`` in order; they are embedded in one batch, then assigned one by one.

        An article id seen before keeps its story (re-ingesting is harmless).
        """
        texts = [lead_text(a.title, a.text, self.params.lead_sentences) for a in articles]
        vectors = self.embedder.encode(texts)
        return [self.add_vector(article, vector) for article, vector in zip(articles, vectors)]

    def add_vector(self, article: ClusterInput, vector: np.ndarray) -> Assignment:
        """Cluster one article whose unit vector is already computed."""
        known = self.state.article_story.get(article.id)
        if known is not None:
            return Assignment(article.id, known, False, 1.0)
        best_id, best_score = None, -math.inf
        for story_id, (member_cos, members) in self._candidates(vector).items():
            score = self.score(self.state.stories[story_id], article, vector, member_cos, members)
            if score > best_score:
                best_id, best_score = story_id, score
        plain = not article.entities and not article.places
        threshold = self.params.threshold_plain if plain else self.params.threshold
        new_story = best_id is None or best_score < threshold
        return self.place(article, vector, None if new_story else best_id, float(best_score))

    def place(self, article: ClusterInput, vector: np.ndarray, story_id: str | None, score: float = 0.0) -> Assignment:
        """Put ``article`` in ``story_id`` (``None``: a new story) without scoring: a decision taken elsewhere."""
        new_story = story_id is None
        if new_story:
            story_id = self._new_story(article)
        self._join(self.state.stories[story_id], article, vector)
        return Assignment(article.id, story_id, new_story, 0.0 if new_story else score)

    def candidates(self, vector: np.ndarray) -> dict[str, tuple[float, list[str]]]:
        """The stories of the ``k`` nearest stored articles: each one's best member cosine and those members."""
        return self._candidates(vector)

    def score(
        self,
        story: StoryState,
        article: ClusterInput,
        vector: np.ndarray,
        member_cos: float,
        members: Sequence[str] = (),
    ) -> float:
        """How well ``article`` fits ``story``.

        Blended cosine + entity overlap + the best specifics match among
        ``members`` (the story's members among the nearest articles) - year
        conflict - time penalty.
        """
        p = self.params
        centroid = np.asarray(story.centroid, dtype=np.float32)
        norm = float(np.linalg.norm(centroid)) or 1.0
        centroid_cos = float(vector @ centroid) / norm
        similarity = p.centroid_weight * centroid_cos + (1.0 - p.centroid_weight) * member_cos
        decay = self._time_decay(story, article)
        score = similarity + p.entity_weight * self._overlap(story, article) - p.time_weight * (1.0 - decay)
        # shared specifics say "same event" only within the event's time: they fade with the gap too
        score += decay * p.member_weight * self._member_specifics(article, members)
        return score - p.year_weight * self._year_conflict(story, article)

    def stories(self) -> list[StoryState]:
        """Every story, largest first."""
        return sorted(self.state.stories.values(), key=lambda s: (-s.size, s.id))

    def save(self, folder: Path) -> None:
        """Write the state (``stories.json``) and the ANN index (``articles.usearch``) into ``folder``."""
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        self.index.save(folder / INDEX_FILE)
        partial = folder / (STATE_FILE + ".partial")
        partial.write_text(json.dumps(self.state.to_json()), encoding="utf-8")
        partial.replace(folder / STATE_FILE)

    @classmethod
    def load(cls, folder: Path, embedder: Embedder, params: ClusterParams | None = None) -> StoryClusterer:
        """Reopen a clusterer written by :meth:`save`."""
        folder = Path(folder)
        try:
            data = json.loads((folder / STATE_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise StoreError(f"cannot read story state in {folder}: {exc}; re-cluster the articles") from exc
        index = AnnIndex.load(folder / INDEX_FILE)
        if index.dim != embedder.dim:
            raise StoreError(
                f"the index in {folder} holds {index.dim}-d vectors but encoder {embedder.name!r} "
                f"gives {embedder.dim}-d: re-cluster with one encoder"
            )
        return cls(embedder, params, ClusterState.from_json(data), index)

    def replace_names(self, before: ClusterInput, after: ClusterInput) -> None:
        """Swap a clustered article's names and places (its entities' global ids) in its story's
        counts and the document frequencies: the article was analysed again, and its entities
        were resolved anew. Its story, vector and specifics stay. An article this clusterer
        did not place (a syndicated copy) is left alone."""
        story_id = self.state.article_story.get(before.id)
        if story_id is None:
            return
        story = self.state.stories[story_id]
        for bag, prefix, old, new in (
            (story.entities, "e:", before.entities, after.entities),
            (story.places, "p:", before.places, after.places),
        ):
            # ids merged away since the article joined are not in the story's counts: left alone
            for name, step in [(n, -1) for n in old - new if n in bag] + [(n, 1) for n in new - old]:
                count = bag.get(name, 0) + step
                if count > 0:
                    bag[name] = count
                else:
                    bag.pop(name, None)
                self.state.doc_freq[prefix + name] = max(self.state.doc_freq.get(prefix + name, 0) + step, 0)
                self._changed_names.add(prefix + name)
                self._changed_stories.add(story.id)

    def take_delta(self) -> dict:
        """What changed since the last call, in ``ClusterState.to_json``'s shape (see ``ClusterState.fold``)."""
        state = self.state
        articles = self._changed_articles
        delta = {
            "stories": {sid: asdict(state.stories[sid]) for sid in sorted(self._changed_stories)},
            "article_story": {a: state.article_story[a] for a in articles},
            "keys": {a: state.keys[a] for a in articles},
            "titles": {a: state.titles[a] for a in articles if a in state.titles},
            "article_specifics": {a: state.article_specifics[a] for a in articles if a in state.article_specifics},
            "doc_freq": {name: state.doc_freq[name] for name in sorted(self._changed_names)},
            "next_story": state.next_story,
        }
        self._changed_stories, self._changed_articles, self._changed_names = set(), [], set()
        return delta

    # -- internals -----------------------------------------------------------

    def _candidates(self, vector: np.ndarray) -> dict[str, tuple[float, list[str]]]:
        """Candidate stories from the nearest stored articles: each story's best member cosine and those members."""
        best: dict[str, tuple[float, list[str]]] = {}
        for hit in self.index.query(vector, self.params.k):
            article_id = self._key_article.get(hit.key)
            story_id = self.state.article_story.get(article_id) if article_id else None
            if story_id is None:
                continue
            cos, members = best.get(story_id, (-math.inf, []))
            members.append(article_id)
            best[story_id] = (max(cos, hit.similarity), members)
        return best

    def _idf(self, name: str) -> float:
        # +1 smoothing: a name seen in every article still weighs a little.
        n = max(len(self.state.article_story) + self.articles_elsewhere, 1)
        return math.log((n + 1) / (self.state.doc_freq.get(name, 0) + 1)) + 1.0

    def _overlap(self, story: StoryState, article: ClusterInput) -> float:
        """IDF-weighted agreement of the article's names with the story's (0..1).

        Each name counts by how typical it is of the story (square root of the
        share of members that mention it), so a story that swallowed a second
        event does not match every article of both. An article with no analysis
        (empty sets) gets 0: neither bonus nor penalty.
        """
        names = [("e:" + e, story.entities.get(e, 0)) for e in article.entities]
        names += [("p:" + p, story.places.get(p, 0)) for p in article.places]
        if not names or not story.size:
            return 0.0
        total = sum(self._idf(key) for key, _ in names)
        shared = sum(self._idf(key) * math.sqrt(count / story.size) for key, count in names if count)
        return shared / total if total else 0.0

    def _specifics(self, article: ClusterInput) -> frozenset[str]:
        # scoring asks once per candidate story: keep the current article's set
        if self._spec_cache[0] is not article:
            self._spec_cache = (article, specifics(article.title, article.text[: self.params.specific_chars]))
        return self._spec_cache[1]

    def _member_specifics(self, article: ClusterInput, members: Sequence[str]) -> float:
        """Best IDF-weighted cosine between the article's specifics and one near member's (0..1).

        Two events of one kind (two earthquakes, two shootings) share the
        generic vocabulary but not the specifics (places, names, tolls); a
        story that already swallowed both still has members of only one event
        close to a given article, so this is checked per member, not against
        the story's pooled names. Only the ANN neighbours are visited (<= k).
        """
        mine = self._specifics(article)
        if not mine or not members:
            return 0.0
        weights = {name: self._idf("s:" + name) ** 2 for name in mine}
        norm = math.sqrt(sum(weights.values()))
        best = 0.0
        for member in members:
            theirs = self.state.article_specifics.get(member)
            if theirs:
                dot = sum(weights.get(name, 0.0) for name in theirs)
                other = math.sqrt(sum(self._idf("s:" + name) ** 2 for name in theirs))
                best = max(best, dot / (norm * other))
        return best

    def _year_conflict(self, story: StoryState, article: ClusterInput) -> float:
        """Share of the story's members whose latest year the article never mentions (0 when either has none).

        A news text's latest year is usually its own; an article that does not
        even mention it is likely about the same kind of event another year.
        """
        total = sum(story.years.values())
        if not total:
            return 0.0
        mentioned = mentioned_years(article.text[: self.params.specific_chars])
        if not mentioned:
            return 0.0
        return sum(n for year, n in story.years.items() if year not in mentioned) / total

    def _time_decay(self, story: StoryState, article: ClusterInput) -> float:
        """exp(-gap / time_scale_days) for the gap between the article's date and the story's span (1 if unknown)."""
        if article.published is None or story.first_seen is None or story.last_seen is None:
            return 1.0  # unknown dates say nothing either way
        when = _naive_utc(article.published)
        first, last = _parse(story.first_seen), _parse(story.last_seen)
        gap = max((first - when).total_seconds(), (when - last).total_seconds(), 0.0) / 86400.0
        return math.exp(-gap / self.params.time_scale_days)

    def _new_story(self, article: ClusterInput) -> str:
        story_id = f"s{self.state.next_story}"
        self.state.next_story += 1
        self.state.stories[story_id] = StoryState(story_id, story_title(article.title, article.text), article.id)
        return story_id

    def _join(self, story: StoryState, article: ClusterInput, vector: np.ndarray) -> None:
        self._changed_stories.add(story.id)
        self._changed_articles.append(article.id)
        key = len(self.state.keys)
        self.state.keys[article.id] = key
        self._key_article[key] = article.id
        self.index.add(key, vector)
        self.state.article_story[article.id] = story.id
        size = story.size
        old = np.asarray(story.centroid, dtype=np.float32) if size else np.zeros_like(vector)
        story.centroid = ((old * size + vector) / (size + 1)).astype(np.float32).tolist()
        story.articles.append(article.id)
        if article.title:
            self.state.titles[article.id] = article.title.strip()
        for bag, prefix, names in ((story.entities, "e:", article.entities), (story.places, "p:", article.places)):
            for name in names:
                bag[name] = bag.get(name, 0) + 1
                self.state.doc_freq[prefix + name] = self.state.doc_freq.get(prefix + name, 0) + 1
                self._changed_names.add(prefix + name)
        year = latest_year(article.text[: self.params.specific_chars])
        if year is not None:
            story.years[year] = story.years.get(year, 0) + 1
        mine = self._specifics(article)
        # keep the rarest specifics only, so the state grows by a bounded amount per article
        rare = sorted(mine, key=lambda name: (self.state.doc_freq.get("s:" + name, 0), name))
        self.state.article_specifics[article.id] = rare[: self.params.member_cap]
        for name in mine:
            self.state.doc_freq["s:" + name] = self.state.doc_freq.get("s:" + name, 0) + 1
            self._changed_names.add("s:" + name)
        if article.outlet:
            story.outlets[article.outlet] = story.outlets.get(article.outlet, 0) + 1
        if article.published is not None:
            stamp = _naive_utc(article.published)
            if story.first_seen is None or stamp < _parse(story.first_seen):
                story.first_seen = stamp.isoformat()
            if story.last_seen is None or stamp > _parse(story.last_seen):
                story.last_seen = stamp.isoformat()
        self._retitle(story)

    def _retitle(self, story: StoryState, window: int = 64) -> None:
        """Title the story after its most central titled member (among the latest ``window``)."""
        if story.size < 2 or not self.retitle:
            return
        members = story.articles[-window:]
        vectors = self.index.get([self.state.keys[m] for m in members])
        centroid = np.asarray(story.centroid, dtype=np.float32)
        best = members[int(np.argmax(vectors @ centroid))]
        if best != story.title_article and best in self.state.titles:
            story.title_article, story.title = best, self.state.titles[best]


def _naive_utc(value: dt.datetime) -> dt.datetime:
    if value.tzinfo is not None:
        value = value.astimezone(dt.UTC).replace(tzinfo=None)
    return value


def _parse(value: str) -> dt.datetime:
    return dt.datetime.fromisoformat(value)


def cluster_stream(
    clusterer: StoryClusterer, articles: Iterable[ClusterInput], batch_size: int = 64
) -> list[Assignment]:
    """Cluster an ordered stream in embedding batches; returns one assignment per article."""
    out: list[Assignment] = []
    batch: list[ClusterInput] = []
    for article in articles:
        batch.append(article)
        if len(batch) >= batch_size:
            out.extend(clusterer.add_many(batch))
            batch = []
    if batch:
        out.extend(clusterer.add_many(batch))
    return out
