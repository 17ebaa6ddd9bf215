"""The link stage: analysed articles → global entities, stories, aligned claims.

For each chunk of newly analysed original articles, in ingest order:

1. resolve their entities against every entity seen so far (``link.entities``);
2. embed their leads and place each in a story (``link.clustering``), with the
   global entity and place ids as evidence;
3. re-align the claims of every story that gained an article
   (``link.claims``), counting independent origins.

Articles analysed again after they were linked (a new analyser version) are
queued by the analysis store with the entities they had; each run takes those
out of the entity index, resolves the new ones, swaps them in their story's
name counts and re-aligns its claims (``_relink_chunk``). Their story stays theirs.

Syndicated copies join their original's story. Everything a chunk changes is
written in one transaction, so a crash or kill loses at most the chunk, and a
run with nothing pending changes nothing.

The entity index and the clusterer state are loaded once per run. Each chunk
logs only what it changed (``link_state_log``); a full snapshot is written
every ``SNAPSHOT_EVERY`` chunks, so a chunk's write grows with the chunk, not
with the store. A generation counter in the store tells a run that another
linker wrote since it loaded: it then reloads and does its chunk again.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
from dataclasses import dataclass
from typing import Callable, Optional

import numpy as np

from storyweave.names.labels import PLACE_LABELS as PLACE_TYPES
from storyweave.store import linking as link_store
from storyweave.store.database import Store

logger = logging.getLogger(__name__)

ENCODER = "minilm"
ENTITY_STATE = "entities"
STORY_STATE = "stories"
EVIDENCE_TYPES = {"PERSON", "ORG", "NORP", "EVENT", "FAC", "GPE", "LOC", "PRODUCT", "WORK_OF_ART", "LAW"}


@dataclass
class LinkReport:
    linked: int = 0
    new_stories: int = 0
    copies: int = 0
    stories_touched: int = 0
    claim_groups: int = 0
    relinked: int = 0  # re-analysed articles whose links and story claims were refreshed


def count_unlinked(store: Store) -> int:
    with store.read() as conn:
        return len(link_store.unlinked_originals(conn))


def count_relinks(store: Store) -> int:
    """Re-analysed articles whose entity links and story claims the next run refreshes."""
    with store.read() as conn:
        return link_store.count_relinks(conn)


#: Chunks logged as changes before the link state is snapshotted again. A chunk
#: writes only what it changed; a snapshot rewrites everything, so it is rare.
SNAPSHOT_EVERY = 32


#: Articles linked per chunk (and per transaction) by a local run.
CHUNK_SIZE = 128


def link_pending(
    store: Store,
    *,
    chunk_size: int = CHUNK_SIZE,
    encoder: str = ENCODER,
    on_article: Optional[Callable[[str], None]] = None,
    decide: Optional["DecideChunk"] = None,
    align_many: Optional["AlignMany"] = None,
) -> LinkReport:
    """Link every analysed original that has no story yet, then any unlinked copies.

    ``decide`` places a chunk's articles in stories; by default one at a time
    (``decide_sequentially``); the batch engine passes a block-wise parallel one,
    and an ``align_many`` that re-aligns the touched stories' claims in parallel.
    The entity index, clusterer and ANN index are loaded once per run and kept
    up to date chunk by chunk. The run holds the store's pipeline lock
    (``Store.exclusive``), so a link run in another process waits for this one; a
    linker that writes without it (in between) makes this one reload before its next write.

    Articles whose analysis failed have no ``analyses`` row and are not linked
    until an analysis succeeds; their copies wait with them.
    """
    with store.exclusive():
        return _link_all(store, chunk_size, encoder, on_article, decide, align_many)


def _link_all(store: Store, chunk_size: int, encoder: str, on_article, decide, align_many) -> LinkReport:
    """:func:`link_pending`'s work, under the store's pipeline lock."""
    report = LinkReport()
    session: Optional[_Session] = None
    align = align_many or align_here
    while True:
        with store.read() as conn:
            chunk = link_store.unlinked_originals(conn, limit=chunk_size)
        if not chunk:
            break
        session = _in_session(
            store, session, encoder,
            lambda live: _link_chunk(store, live, chunk, report, decide or decide_sequentially, align),
        )
        if session is None:
            continue  # another linker wrote first: reload and do this chunk again
        if on_article is not None:
            for item in chunk:
                on_article(item.id)
    with store.read() as conn:
        copies = link_store.unlinked_copies(conn)
    if copies:
        with store.write() as conn:
            # read again in the transaction that writes them: a copy is joined once
            copies = link_store.unlinked_copies(conn)
            link_store.save_memberships(
                conn, [{"article_id": c, "story_id": s, "score": 1.0, "ann_key": None} for c, s in copies], []
            )
            _refresh_stories(conn, {s for _, s in copies}, report, align)
        report.copies += len(copies)
    while True:
        with store.read() as conn:
            in_story, in_none = link_store.queued_relinks(conn, limit=chunk_size)
        if not in_story and not in_none:
            break
        if in_none:  # linked above from their new results already (or copies, which have none)
            with store.write() as conn:
                link_store.clear_relinks(conn, in_none)
        if not in_story:
            continue
        session = _in_session(store, session, encoder, lambda live: _relink_chunk(store, live, in_story, report, align))
        if session is None:
            continue
        if on_article is not None:
            for article_id in in_story:
                on_article(article_id)
    return report


#: (clusterer, the chunk's cluster inputs, their vectors) -> one assignment per input, in order.
DecideChunk = Callable[[object, list, list], list]


def decide_sequentially(clusterer, inputs: list, vectors: list) -> list:
    """Each article scored against every story so far, the chunk's earlier articles included."""
    return [clusterer.add_vector(item, vector) for item, vector in zip(inputs, vectors)]


class _StateMoved(Exception):
    """The stored link state changed since this run loaded it."""


def _in_session(store: Store, session: Optional["_Session"], encoder: str, work) -> Optional["_Session"]:
    """Run ``work`` on the run's link state (loaded first if need be) and return that state,
    or None when another linker wrote since it was loaded: the caller reloads and redoes.

    If ``work`` raises, its transaction rolled back and the state in memory went ahead of
    the store; the exception ends the run, and the state with it.
    """
    session = session or _Session.load(store, encoder)
    try:
        work(session)
    except _StateMoved:
        return None
    return session


@dataclass
class _Session:
    """The link state of one run, in memory: entity index, story clusterer (with its ANN index)."""

    index: object
    clusterer: object
    generation: int
    logged: int  # changes logged since the last snapshot

    @classmethod
    def load(cls, store: Store, encoder: str) -> "_Session":
        from storyweave.link.ann import AnnIndex
        from storyweave.link.clustering import ClusterParams, ClusterState, StoryClusterer
        from storyweave.link.embeddings import lazy_embedder
        from storyweave.link.entities import EntityIndex

        with store.read() as conn:
            entity_snapshot, entity_changes = link_store.load_journal(conn, ENTITY_STATE)
            story_snapshot, story_changes = link_store.load_journal(conn, STORY_STATE)
            stored_vectors = link_store.load_vectors(conn, encoder)
            generation = link_store.generation(conn)
        entity_state = EntityIndex.fold(entity_snapshot, entity_changes)
        story_state = ClusterState.fold(story_snapshot, story_changes)
        index = EntityIndex.from_dict(entity_state) if entity_state else EntityIndex()
        # The ANN index is rebuilt from the stored vectors: the database stays
        # the one source of truth, on SQLite and PostgreSQL alike. The encoder
        # loads only if some article has no vector yet (the batch engine
        # stores them with the articles).
        embedder = lazy_embedder(encoder)
        state = ClusterState.from_json(story_state) if story_state else ClusterState()
        ann = AnnIndex(embedder.dim)
        known = [(state.keys[a], v) for a, v in stored_vectors.items() if a in state.keys]
        if known:
            ann.add([k for k, _ in known], np.stack([v for _, v in known]))
        clusterer = StoryClusterer(embedder, ClusterParams.for_encoder(encoder), state, ann)
        return cls(index, clusterer, generation, max(len(entity_changes), len(story_changes)))

    def write(self, conn) -> None:
        """Log this chunk's changes (or snapshot now and then) in the chunk's transaction."""
        if link_store.generation(conn) != self.generation:
            raise _StateMoved()
        entity_change, story_change = self.index.take_delta(), self.clusterer.take_delta()
        self.logged += 1
        if self.logged >= SNAPSHOT_EVERY:
            link_store.save_snapshot(conn, ENTITY_STATE, self.index.to_dict())
            link_store.save_snapshot(conn, STORY_STATE, self.clusterer.state.to_json())
            self.logged = 0
        else:
            link_store.append_change(conn, ENTITY_STATE, entity_change)
            link_store.append_change(conn, STORY_STATE, story_change)
        self.generation += 1
        link_store.set_generation(conn, self.generation)


def _link_chunk(
    store: Store, session: _Session, chunk: list, report: LinkReport, decide: DecideChunk, align_many: AlignMany
) -> None:
    with store.read() as conn:
        rows = link_store.entity_rows(conn, [item.id for item in chunk])

    # 1. Entities across documents, and what clustering reads of each article.
    resolution, inputs = resolve_chunk(session.index, chunk, rows)

    # 2. Stories.
    clusterer = session.clusterer
    vectors, vector_rows = _lead_vectors(store, chunk, clusterer.embedder)
    members, touched = [], set()
    for item, assignment in zip(chunk, decide(clusterer, inputs, vectors)):
        members.append({"article_id": item.id, "story_id": assignment.story_id, "score": assignment.score,
                        "ann_key": clusterer.state.keys.get(item.id)})
        touched.add(assignment.story_id)
        report.new_stories += int(assignment.new_story)

    # 3. One transaction for everything the chunk changed.
    with store.write() as conn:
        session.write(conn)
        link_store.save_entity_links(conn, resolution.assignments, resolution.entities.values(), resolution.merged)
        _save_story_rows(conn, clusterer, touched)
        link_store.save_memberships(conn, members, vector_rows)
        _refresh_stories(conn, touched, report, align_many)
    report.linked += len(chunk)


def _relink_chunk(store: Store, session: _Session, ids: list[str], report: LinkReport, align_many: AlignMany) -> None:
    """Refresh what was derived from re-analysed articles: entity links, their stories' claims.

    The entity index takes back the records each article had when it was linked (kept
    in the queue), then resolves its new records like any new article's: counts and
    name forms stay those of the current results, and a global entity no article
    names any more is gone. The article stays in its story (membership was decided from
    its lead), and the story counts its new names and places instead of the old.
    """
    from storyweave.link.clustering import ClusterInput
    from storyweave.link.entities import records_from_rows

    with store.read() as conn:
        rows = link_store.entity_rows(conn, ids)
        old_rows = link_store.linked_entities_of(conn, ids)
        old_links = link_store.entity_links_of(conn, ids)
        story_ids = link_store.stories_of(conn, ids)
    for article_id in ids:
        # queued before the queue kept old entities (migration 0008): the current rows
        # of the keys still linked are the best account of what the index holds
        if old_rows[article_id] is None:
            old_rows[article_id] = [r for r in rows[article_id] if r["key"] in old_links[article_id]]
    withdrawal = session.index.withdraw(
        (record, old_links[a][record.key])
        for a in ids
        for record in records_from_rows(a, old_rows[a])
        if record.key in old_links[a]
    )
    resolution = session.index.add(
        r for a in ids for r in records_from_rows(a, rows[a])
    )
    for article_id in ids:  # the story's name counts follow the article's new entities
        before = story_evidence(article_id, old_rows[article_id],
                           {(article_id, k): g for k, g in old_links[article_id].items()})
        after = story_evidence(article_id, rows[article_id], resolution.assignments)
        session.clusterer.replace_names(ClusterInput(article_id, "", "", None, None, *before),
                                        ClusterInput(article_id, "", "", None, None, *after))
    merged = resolution.merged
    changed = [e for i, e in withdrawal.changed.items() if i not in merged and i not in resolution.entities]
    kept = set(resolution.assignments.values())
    gone = {merged.get(g, g) for g in withdrawal.removed | {g for a in ids for g in old_links[a].values()}} - kept
    with store.write() as conn:
        session.write(conn)
        link_store.save_entity_links(conn, resolution.assignments, [*changed, *resolution.entities.values()], merged,
                                     replace=ids)
        link_store.drop_unlinked_globals(conn, gone)
        _refresh_stories(conn, story_ids, report, align_many)
        link_store.clear_relinks(conn, ids)
    report.relinked += len(ids)


def resolve_chunk(index, chunk: list[link_store.LinkInput], rows: dict[str, list[dict]]) -> tuple:
    """Resolve a chunk's entities against ``index`` (which keeps them) and say what clustering
    reads of each article: ``(Resolution, [ClusterInput, ...])``, the inputs in chunk order.

    ``rows`` holds each article's entity rows as ``store.linking.entity_rows`` reads them.
    ``storyweave eval stories`` calls this too, so its runs with entities see what this stage gives.
    """
    from storyweave.link.entities import records_from_rows

    records = [r for item in chunk for r in records_from_rows(item.id, rows[item.id])]
    resolution = index.add(records)
    return resolution, [_cluster_input(item, rows[item.id], resolution.assignments) for item in chunk]


def _cluster_input(item, entity_rows: list[dict], assignments: dict):
    """What clustering reads of one article: its text and the global ids of its names and places."""
    from storyweave.link.clustering import ClusterInput

    names, places = story_evidence(item.id, entity_rows, assignments)
    return ClusterInput(item.id, item.title, item.text, _when(item.published), item.outlet, names, places)


def story_evidence(article_id: str, entity_rows: list[dict], assignments: dict) -> tuple[frozenset, frozenset]:
    """The global ids of an article's names and of its places, as story evidence."""
    names, places = set(), set()
    for entity in entity_rows:
        global_id = assignments.get((article_id, entity["key"]))
        if global_id is None:
            continue
        if entity["type"] in PLACE_TYPES:
            places.add(global_id)
        elif entity["type"] in EVIDENCE_TYPES:
            names.add(global_id)
    return frozenset(names), frozenset(places)


def _lead_vectors(store: Store, chunk: list, embedder) -> tuple[list[np.ndarray], list[dict]]:
    """Each article's lead vector: the one the batch engine stored, else encoded now (and to be stored)."""
    from storyweave.link.embeddings import lead_text

    encoder = embedder.name
    with store.read() as conn:
        stored = link_store.vectors_of(conn, [item.id for item in chunk], encoder)
    missing = [item for item in chunk if item.id not in stored]
    fresh = {}
    if missing:
        fresh = dict(zip((item.id for item in missing),
                         embedder.encode([lead_text(item.title, item.text) for item in missing])))
    rows = [{"article_id": i, "encoder": encoder, "vector": v.astype("<f4").tobytes()} for i, v in fresh.items()]
    return [stored[item.id] if item.id in stored else fresh[item.id] for item in chunk], rows


def _when(published: Optional[str]) -> Optional[dt.datetime]:
    if not published:
        return None
    try:
        return dt.datetime.fromisoformat(published.replace("Z", "+00:00"))
    except ValueError:
        return None


def _save_story_rows(conn, clusterer, story_ids: set[str]) -> None:
    rows = []
    for story_id in story_ids:
        story = clusterer.state.stories[story_id]
        rows.append({"id": story.id, "title": story.title, "title_article": story.title_article,
                     "first_seen": story.first_seen, "last_seen": story.last_seen, "size": story.size,
                     "summary": None})
    link_store.save_stories(conn, rows)


#: Aligns the claims of several stories: a list of each story's ``ArticleClaims``
#: in, a list of each story's claim groups out (in this process, or on Ray).
AlignMany = Callable[[list], list]


def align_here(stories_inputs: list) -> list:
    from storyweave.link.claims import align_claims

    return [align_claims(inputs) for inputs in stories_inputs]


def _refresh_stories(conn, story_ids: set[str], report: LinkReport, align_many: AlignMany = align_here) -> None:
    """Re-align the claims of each story and rewrite its summary.

    The stories' inputs are read, aligned together by ``align_many`` (pure per
    story, so the batch engine runs it in parallel), then written.
    """
    from storyweave.link.summary import background_claims, summarise

    members = link_store.story_members(conn, story_ids)
    order = sorted(members)
    inputs = [story_claim_inputs(conn, members[story_id]) for story_id in order]
    for story_id, story_inputs, groups in zip(order, inputs, align_many(inputs)):
        _save_groups(conn, story_id, groups)
        report.claim_groups += len(groups)
        report.stories_touched += 1
        past = background_claims(story_inputs)
        summary = summarise(groups, _sentence_reader(conn, story_inputs),
                            background=lambda m, past=past: (m.article_id, m.start) in past)
        link_store.save_story_summary(conn, story_id, summary, size=len(members[story_id]))


def _sentence_reader(conn, story_inputs: list):
    """For the summary: the sentence around a claim mention, read from the store on demand
    (a summary needs three of a story's thousands of claims)."""
    sentences = {(a.article_id, c.start): (c.sentence_start, c.sentence_end) for a in story_inputs for c in a.claims}
    read: dict[tuple, Optional[str]] = {}  # the summary asks again for a sentence it has chosen

    def sentence_of(mention) -> Optional[str]:
        span = sentences.get((mention.article_id, mention.start))
        if span is None:
            return None
        key = (mention.article_id, *span)
        if key not in read:
            read[key] = link_store.text_slice(conn, mention.article_id, *span)
        return read[key]

    return sentence_of


def story_claim_inputs(conn, articles: list[dict]) -> list:
    """What claim alignment reads of a story's articles: claims, quotes, global entity ids."""
    from storyweave.link.claims import ArticleClaims
    from storyweave.store.claims_io import claim_from_row, quote_from_row

    ids = [a["id"] for a in articles]
    claim_rows = link_store.claim_rows(conn, ids)
    quote_rows = link_store.quote_rows(conn, ids)
    global_ids, global_names = link_store.global_ids(conn, ids)
    return [
        ArticleClaims(
            article_id=a["id"],
            outlet=a["outlet"],
            published=a["published"],
            duplicate_of=a["duplicate_of"],
            claims=tuple(claim_from_row(r) for r in claim_rows[a["id"]]),
            quotes=tuple(quote_from_row(r) for r in quote_rows[a["id"]]),
            entity_ids=global_ids[a["id"]],
            entity_names=global_names[a["id"]],
        )
        for a in articles
    ]


def _save_groups(conn, story_id: str, groups: list) -> None:
    """Store one story's claim groups and their mentions (replacing the old ones)."""
    group_rows, mention_rows, used = [], [], set()
    for group in groups:
        group_id = _group_id(story_id, group.id)
        # Two groups built from the same member claims (e.g. one sentence that
        # states two things) would share an id: number the repeats.
        repeat = 1
        while group_id in used:
            repeat += 1
            group_id = _group_id(story_id, f"{group.id}#{repeat}")
        used.add(group_id)
        group_rows.append({
            "id": group_id, "story_id": story_id, "text": group.text, "kind": group.kind, "status": group.status,
            "independent_origins": group.independent_origins,
            "origins": json.dumps([{"key": o.key, "label": o.label} for o in group.origins], ensure_ascii=False),
            "conflicts": json.dumps(list(group.conflicts), ensure_ascii=False),
            "versions": json.dumps([{"text": v.text, "outlets": list(v.outlets)} for v in group.versions],
                                   ensure_ascii=False),
            "outlets": group.outlets, "score": group.score,
        })
        seen = set()
        for m in group.mentions:
            if (m.article_id, m.start) in seen:
                continue
            seen.add((m.article_id, m.start))
            mention_rows.append({
                "group_id": group_id, "article_id": m.article_id, "start": m.start, "end": m.end, "text": m.text,
                "outlet": m.outlet, "attributed_to": m.attributed_to, "origin_key": m.origin_key,
                "hedged": bool(m.hedged), "display": m.display, "version": m.version,
            })
    link_store.save_claim_groups(conn, story_id, group_rows, mention_rows)


def _group_id(story_id: str, group_id: str) -> str:
    return hashlib.sha256(f"{story_id}\x00{group_id}".encode("utf-8")).hexdigest()[:20]
