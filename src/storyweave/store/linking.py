"""Reading and writing cross-document results: global entities, stories, claim groups.

The link stage reads its inputs and state here, then writes every result of a
chunk of articles (entity links, story membership, vectors, story rows, the
clusterer and entity-index state, the re-aligned claims of touched stories) in
one transaction: a crash leaves the store as it was before the chunk.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Callable, Iterable, Optional

import numpy as np
from sqlalchemy import Connection, and_, delete, func, insert, select, update

from storyweave.store.articles import now_iso
from storyweave.store.schema import (
    analyses,
    article_vectors,
    articles,
    claim_groups,
    claim_mentions,
    claims,
    entities,
    entity_links,
    global_entities,
    link_state,
    link_state_log,
    quotes,
    relink_queue,
    stories,
    story_articles,
)


@dataclass(frozen=True)
class LinkInput:
    """An analysed original article waiting to be linked."""

    id: str
    title: Optional[str]
    text: str
    published: Optional[str]
    outlet: Optional[str]


def unlinked_originals(conn: Connection, limit: Optional[int] = None) -> list[LinkInput]:
    """Analysed originals without a story, in ingest order."""
    query = (
        select(articles.c.id, articles.c.title, articles.c.text, articles.c.published, articles.c.outlet)
        .join(analyses, analyses.c.article_id == articles.c.id)
        .outerjoin(story_articles, story_articles.c.article_id == articles.c.id)
        .where(and_(articles.c.duplicate_of.is_(None), story_articles.c.article_id.is_(None)))
        .order_by(articles.c.seq)
    )
    if limit is not None:
        query = query.limit(limit)
    return [LinkInput(*row) for row in conn.execute(query)]


def queued_relinks(conn: Connection, limit: Optional[int] = None) -> tuple[list[str], list[str]]:
    """Re-analysed articles waiting for the link stage, the first ``limit`` in ingest order:
    (those in a story; those in none, which the stage links like any other article)."""
    query = (
        select(relink_queue.c.article_id, story_articles.c.story_id)
        .join(articles, articles.c.id == relink_queue.c.article_id)
        .outerjoin(story_articles, story_articles.c.article_id == relink_queue.c.article_id)
        .order_by(articles.c.seq)
    )
    if limit is not None:
        query = query.limit(limit)
    rows = conn.execute(query).all()
    return [a for a, s in rows if s is not None], [a for a, s in rows if s is None]


def count_relinks(conn: Connection) -> int:
    return conn.execute(select(func.count()).select_from(relink_queue)).scalar_one()


def clear_relinks(conn: Connection, article_ids: list[str]) -> None:
    conn.execute(delete(relink_queue).where(relink_queue.c.article_id.in_(article_ids)))


def linked_entities_of(conn: Connection, article_ids: list[str]) -> dict[str, Optional[list[dict]]]:
    """Per queued article: the entity rows it had when it was linked (None if not kept)."""
    rows = conn.execute(
        select(relink_queue.c.article_id, relink_queue.c.linked_entities).where(relink_queue.c.article_id.in_(article_ids))
    )
    out: dict[str, Optional[list[dict]]] = {a: None for a in article_ids}
    for row in rows:
        out[row.article_id] = json.loads(row.linked_entities) if row.linked_entities else None
    return out


def entity_links_of(conn: Connection, article_ids: list[str]) -> dict[str, dict[str, str]]:
    """Per article: its stored entity links, entity key → global id."""
    out: dict[str, dict[str, str]] = {a: {} for a in article_ids}
    for row in conn.execute(select(entity_links).where(entity_links.c.article_id.in_(article_ids))):
        out[row.article_id][row.key] = row.global_id
    return out


def stories_of(conn: Connection, article_ids: list[str]) -> set[str]:
    rows = conn.execute(select(story_articles.c.story_id).where(story_articles.c.article_id.in_(article_ids)))
    return {row.story_id for row in rows}


def drop_unlinked_globals(conn: Connection, global_ids: Iterable[str]) -> None:
    """Remove the given global entities that no article links to any more."""
    for global_id in set(global_ids):
        if conn.execute(select(entity_links.c.article_id).where(entity_links.c.global_id == global_id)).first():
            continue
        conn.execute(delete(global_entities).where(global_entities.c.id == global_id))


def unlinked_copies(conn: Connection) -> list[tuple[str, str]]:
    """(copy id, story id) for syndicated copies whose original has a story and they do not."""
    copy = articles.alias("copy")
    original_story = story_articles.alias("original_story")
    own_story = story_articles.alias("own_story")
    query = (
        select(copy.c.id, original_story.c.story_id)
        .join(original_story, original_story.c.article_id == copy.c.duplicate_of)
        .outerjoin(own_story, own_story.c.article_id == copy.c.id)
        .where(and_(copy.c.duplicate_of.is_not(None), own_story.c.article_id.is_(None)))
        .order_by(copy.c.seq)
    )
    return [tuple(row) for row in conn.execute(query)]


def load_state(conn: Connection, name: str) -> Optional[dict]:
    row = conn.execute(select(link_state.c.data).where(link_state.c.name == name)).first()
    return json.loads(row.data) if row else None


def save_state(conn: Connection, name: str, data: dict) -> None:
    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    conn.execute(delete(link_state).where(link_state.c.name == name))
    conn.execute(insert(link_state).values(name=name, data=payload, updated_at=now_iso()))


def load_journal(conn: Connection, name: str) -> tuple[Optional[dict], list[dict]]:
    """A journaled state: its last snapshot (None if never written) and the changes logged since, in order."""
    rows = conn.execute(
        select(link_state_log.c.data).where(link_state_log.c.name == name).order_by(link_state_log.c.seq)
    )
    return load_state(conn, name), [json.loads(data) for (data,) in rows]


def append_change(conn: Connection, name: str, change: dict) -> None:
    payload = json.dumps(change, ensure_ascii=False, separators=(",", ":"))
    conn.execute(insert(link_state_log).values(name=name, data=payload, created_at=now_iso()))


def save_snapshot(conn: Connection, name: str, data: dict) -> None:
    """Rewrite the snapshot of a journaled state and empty its log (the snapshot includes the changes)."""
    save_state(conn, name, data)
    conn.execute(delete(link_state_log).where(link_state_log.c.name == name))


def generation(conn: Connection) -> int:
    """How many times the link state has been written: a linker whose copy is older reloads."""
    data = load_state(conn, "generation")
    return int(data["value"]) if data else 0


def set_generation(conn: Connection, value: int) -> None:
    save_state(conn, "generation", {"value": value})


def load_vectors(conn: Connection, encoder: str) -> dict[str, np.ndarray]:
    """Every stored article vector of ``encoder``, by article id."""
    rows = conn.execute(
        select(article_vectors.c.article_id, article_vectors.c.vector).where(article_vectors.c.encoder == encoder)
    )
    return {article_id: np.frombuffer(blob, dtype="<f4") for article_id, blob in rows}


def vectors_of(conn: Connection, article_ids: list[str], encoder: str) -> dict[str, np.ndarray]:
    """The stored vectors of ``encoder`` for some articles (those that have one)."""
    out: dict[str, np.ndarray] = {}
    for start in range(0, len(article_ids), 500):
        rows = conn.execute(
            select(article_vectors.c.article_id, article_vectors.c.vector).where(
                and_(article_vectors.c.encoder == encoder, article_vectors.c.article_id.in_(article_ids[start:start + 500]))
            )
        )
        out.update((article_id, np.frombuffer(blob, dtype="<f4")) for article_id, blob in rows)
    return out


def entity_rows(conn: Connection, article_ids: list[str]) -> dict[str, list[dict]]:
    """Article-level entities (with a mention count) of the given articles, each article's by key."""
    from storyweave.store.schema import entity_mentions

    counts = dict(
        ((row.article_id, row.entity_key), row.n)
        for row in conn.execute(
            select(entity_mentions.c.article_id, entity_mentions.c.entity_key, func.count().label("n"))
            .where(entity_mentions.c.article_id.in_(article_ids))
            .group_by(entity_mentions.c.article_id, entity_mentions.c.entity_key)
        )
    )
    out: dict[str, list[dict]] = {a: [] for a in article_ids}
    for row in conn.execute(select(entities).where(entities.c.article_id.in_(article_ids)).order_by(entities.c.key)):
        item = _entity_row(dict(row._mapping), counts)
        out[item["article_id"]].append(item)
    return out


def entity_rows_of(rows: dict[str, list[dict]]) -> list[dict]:
    """What :func:`entity_rows` reads back for one article once its ``analysis_rows`` are stored,
    computed from those rows without a database (``storyweave eval stories`` links analyses it
    never stores). ``tests/integration/test_entity_rows.py`` checks that both give the same rows."""
    from storyweave.store.schema import entity_mentions

    counts: dict[tuple[str, str], int] = {}
    for mention in rows.get(entity_mentions.name, ()):
        ref = (mention["article_id"], mention["entity_key"])
        counts[ref] = counts.get(ref, 0) + 1
    stored = sorted(rows.get(entities.name, ()), key=lambda row: row["key"])
    return [_entity_row(dict(row), counts) for row in stored]


def _entity_row(item: dict, counts: dict[tuple[str, str], int]) -> dict:
    """One stored ``entities`` row as the link stage reads it: aliases decoded, mentions counted."""
    item["aliases"] = tuple(json.loads(item["aliases"]))
    item["mention_count"] = counts.get((item["article_id"], item["key"]), 1)
    return item


def save_entity_links(
    conn: Connection, assignments: dict, global_rows: Iterable, merged: dict[str, str], replace: Iterable[str] = ()
) -> None:
    """Store new entity links, upsert the global entities they touch, apply merges.

    The links of every article in ``assignments``, and of every article in ``replace``
    (one that may have none left), are replaced by the assigned ones.
    """
    for old, new in merged.items():
        conn.execute(update(entity_links).where(entity_links.c.global_id == old).values(global_id=new))
        conn.execute(delete(global_entities).where(global_entities.c.id == old))
    rows = [{"article_id": a, "key": k, "global_id": g} for (a, k), g in assignments.items()]
    replaced = {r["article_id"] for r in rows} | set(replace)
    if replaced:
        conn.execute(delete(entity_links).where(entity_links.c.article_id.in_(sorted(replaced))))
    if rows:
        conn.execute(insert(entity_links), rows)
    for entity in global_rows:
        conn.execute(delete(global_entities).where(global_entities.c.id == entity.id))
        conn.execute(
            insert(global_entities).values(
                id=entity.id,
                name=entity.name,
                type=entity.type,
                aliases=json.dumps(list(entity.aliases), ensure_ascii=False),
                geonameid=entity.geonameid,
            )
        )


def global_ids(conn: Connection, article_ids: list[str]) -> tuple[dict[str, dict[str, str]], dict[str, dict[str, str]]]:
    """Per article: {entity key → global id} and {lower-case name or alias → global id}."""
    ids: dict[str, dict[str, str]] = {a: {} for a in article_ids}
    names: dict[str, dict[str, str]] = {a: {} for a in article_ids}
    rows = conn.execute(
        select(entity_links.c.article_id, entity_links.c.key, entity_links.c.global_id, entities.c.name,
               entities.c.aliases)
        .join(entities, and_(entities.c.article_id == entity_links.c.article_id, entities.c.key == entity_links.c.key))
        .where(entity_links.c.article_id.in_(article_ids))
    )
    for row in rows:
        ids[row.article_id][row.key] = row.global_id
        for name in (row.name, *json.loads(row.aliases)):
            names[row.article_id].setdefault(name.lower(), row.global_id)
    return ids, names


def save_memberships(conn: Connection, members: list[dict], vectors: list[dict]) -> None:
    if members:
        conn.execute(insert(story_articles), members)
    if vectors:
        # a vector of another encoder (from an earlier batch run) gives way: one vector per article
        ids = [row["article_id"] for row in vectors]
        conn.execute(delete(article_vectors).where(article_vectors.c.article_id.in_(ids)))
        conn.execute(insert(article_vectors), vectors)


def save_stories(conn: Connection, rows: list[dict]) -> None:
    """Insert or update the rows of the given stories (title, times, size, summary)."""
    for row in rows:
        values = {**row, "updated_at": now_iso()}
        changed = conn.execute(update(stories).where(stories.c.id == row["id"]).values(**values)).rowcount
        if not changed:
            conn.execute(insert(stories).values(**values))


def save_story_summary(conn: Connection, story_id: str, summary: Optional[str], *, size: int) -> None:
    """Set a story's summary and size (after its claims were re-aligned)."""
    conn.execute(update(stories).where(stories.c.id == story_id).values(summary=summary, size=size))


def save_vector(conn: Connection, article_id: str, encoder: str, vector: bytes) -> None:
    """Store an article's lead vector, as ``encoder`` computed it (serialised)."""
    conn.execute(article_vectors.insert().values(article_id=article_id, encoder=encoder, vector=vector))


def merge_all_stories(conn: Connection, story_id: str, title: Callable[[int], str]) -> int:
    """Fold every story, with its articles and claim groups, into one new story ``story_id``; return its size.

    The new story keeps the largest story's title article, summary and update time,
    spans all the others' time, and is titled ``title(size)``. Claims are not
    re-aligned across the folded stories: this builds a big story for benchmarks.
    """
    first = conn.execute(select(stories).order_by(stories.c.size.desc())).first()
    size = conn.execute(select(func.count()).select_from(story_articles)).scalar_one()
    span = conn.execute(select(func.min(stories.c.first_seen), func.max(stories.c.last_seen))).first()
    conn.execute(stories.insert().values(
        id=story_id, title=title(size), title_article=first.title_article,
        first_seen=span[0], last_seen=span[1], size=size, summary=first.summary, updated_at=first.updated_at))
    conn.execute(update(story_articles).values(story_id=story_id))
    conn.execute(update(claim_groups).values(story_id=story_id))
    conn.execute(delete(stories).where(stories.c.id != story_id))
    return size


def story_members(conn: Connection, story_ids: Iterable[str]) -> dict[str, list[dict]]:
    """story id → its articles (id, outlet, published, duplicate_of, title), in ingest order."""
    ids = list(story_ids)
    out: dict[str, list[dict]] = {s: [] for s in ids}
    rows = conn.execute(
        select(story_articles.c.story_id, articles.c.id, articles.c.outlet, articles.c.published,
               articles.c.duplicate_of, articles.c.title)
        .join(articles, articles.c.id == story_articles.c.article_id)
        .where(story_articles.c.story_id.in_(ids))
        .order_by(articles.c.seq)
    )
    for row in rows:
        out[row.story_id].append(dict(row._mapping))
    return out


def text_slice(conn: Connection, article_id: str, start: int, end: int) -> str:
    """Characters ``start:end`` of an article's text, cut in the database (SQL counts from 1)."""
    cut = func.substr(articles.c.text, start + 1, max(end - start, 0))
    return conn.execute(select(cut).where(articles.c.id == article_id)).scalar() or ""


def claim_rows(conn: Connection, article_ids: list[str]) -> dict[str, list[dict]]:
    """Each article's stored claims, in document order."""
    return _rows_by_article(conn, claims, article_ids, claims.c.position)


def quote_rows(conn: Connection, article_ids: list[str]) -> dict[str, list[dict]]:
    """Each article's stored quotes, in document order."""
    return _rows_by_article(conn, quotes, article_ids, quotes.c.start)


def _rows_by_article(conn: Connection, table, article_ids: list[str], order) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {a: [] for a in article_ids}
    rows = conn.execute(
        select(table).where(table.c.article_id.in_(article_ids)).order_by(table.c.article_id, order)
    )
    for row in rows:
        out[row.article_id].append(dict(row._mapping))
    return out


def save_claim_groups(conn: Connection, story_id: str, groups: list[dict], mentions: list[dict]) -> None:
    """Replace a story's aligned claims."""
    old = [row.id for row in conn.execute(select(claim_groups.c.id).where(claim_groups.c.story_id == story_id))]
    if old:
        conn.execute(delete(claim_mentions).where(claim_mentions.c.group_id.in_(old)))
        conn.execute(delete(claim_groups).where(claim_groups.c.story_id == story_id))
    if groups:
        conn.execute(insert(claim_groups), groups)
    if mentions:
        conn.execute(insert(claim_mentions), mentions)
