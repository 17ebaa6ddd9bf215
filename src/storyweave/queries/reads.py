"""Read-side functions for entities, map markers, claims and lists, shared by the API and the web pages.

Each one returns plain data (dicts and lists) built on the query layer, so the
JSON route and the HTML page for the same resource show the same thing.
"""

from __future__ import annotations

from typing import Optional

from storyweave.queries.analysis import analysis_public
from storyweave.queries.stories import _claims as story_claims
from storyweave.store import reads as read_store
from storyweave.store.database import Store


def story_article_ids(store: Store, story_id: str) -> list[str]:
    """The ids of a story's articles, in ingest order."""
    with store.read() as conn:
        return read_store.story_article_ids(conn, story_id)


def event_markers(store: Store, story_id: str) -> list[dict]:
    """The story's events that happen at a geocoded place, with its coordinates."""
    with store.read() as conn:
        rows = read_store.event_marker_rows(conn, story_id)
    return [
        {"id": f"{r.article_id}:e{r.position}", "article": r.article_id, "outlet": r.outlet, "type": r.type,
         "code": r.code, "action": r.action, "actor": r.actor, "target": r.target, "date": r.date,
         "place": r.place, "background": bool(r.background), "lat": r.lat, "lon": r.lon, "country": r.country}
        for r in rows
    ]


def article_claims(store: Store, article_id: str) -> list[dict]:
    """The check-worthy claims found in one article, with the status of their story-level group."""
    with store.read() as conn:
        rows = read_store.article_claim_rows(conn, article_id)
        status = read_store.claim_status_by_span(conn, article_id)
    for row in rows:
        row["group"], row["status"] = status.get((row["start"], row["end"]), (None, None))
        row["hedged"] = bool(row["hedged"])
    return rows


def claims_of(store: Store, story_id: Optional[str] = None, status: Optional[str] = None) -> list[dict]:
    """Aligned claims of one story (or of all stories), optionally of one status."""
    with store.read() as conn:
        if story_id is None:
            story_ids = read_store.stories_with_claims(conn)
        else:
            story_ids = [story_id]
        found = story_claims(conn, story_ids)
    return [c for c in found if status is None or c["status"] == status]


def claim(store: Store, claim_id: str) -> Optional[dict]:
    """One aligned claim with every sentence that reports it."""
    with store.read() as conn:
        story_id = read_store.story_of_claim(conn, claim_id)
        if story_id is None:
            return None
        found = story_claims(conn, [story_id], claim_id)
        return found[0] if found else None


def list_entities(store: Store, *, type_: Optional[str] = None, name: Optional[str] = None,
                  limit: int = 200) -> list[dict]:
    """Cross-document entities with the number of articles that mention each."""
    with store.read() as conn:
        return read_store.entity_counts(conn, type_=type_, name=name, limit=limit)


def entity_detail(store: Store, entity_id: str) -> Optional[dict]:
    """One entity (global id or article-level key): names, place, every mention, quotes by and about it."""
    with store.read() as conn:
        ids = read_store.articles_mentioning(conn, entity_id)
        if not ids:
            return None
        meta = read_store.article_meta(conn, ids)
    data = analysis_public(store, ids, parts=("entities", "quotes"))
    entity = next((e for e in data["entities"] if e["id"] == entity_id), None)
    if entity is None:
        return None
    names = {entity["name"].casefold(), *(a.casefold() for a in entity["aliases"])}
    mentions = []
    for m in entity["mentions"]:
        info = meta.get(m["article"], {})
        context = ""
        if not m.get("field") and info.get("text"):
            body = info["text"]
            context = body[max(0, m["start"] - 80): m["end"] + 80]
        mentions.append({**m, "outlet": info.get("outlet"), "title": info.get("title"), "context": context})
    quotes = [q for q in data["quotes"] if (q["speaker_entity"] or "").casefold() in names]
    # Quotes about the entity: someone else's words that mention it.
    spans: dict[str, set[tuple[int, int]]] = {}  # by article: each quote looks at its own article's only
    for m in entity["mentions"]:
        if not m.get("field"):
            spans.setdefault(m["article"], set()).add((m["start"], m["end"]))
    about = [
        q for q in data["quotes"]
        if (q["speaker_entity"] or "").casefold() not in names
        and any(q["start"] <= s and e <= q["end"] for s, e in spans.get(q["article"], ()))
    ]
    for q in quotes + about:
        q["outlet"] = meta.get(q["article"], {}).get("outlet")
    return {**entity, "mentions": mentions, "quotes": quotes, "quotes_about": about}


def quotes_of(store: Store, *, story_id: Optional[str] = None, speaker: Optional[str] = None,
              article_id: Optional[str] = None) -> list[dict]:
    """Quotes, filtered by story, article, or speaker (name or speaker entity, case-insensitive)."""
    ids = story_article_ids(store, story_id) if story_id else None
    if article_id:
        ids = [a for a in (ids or [article_id]) if a == article_id]
    found = analysis_public(store, ids, parts=("quotes",))["quotes"]
    if speaker:
        wanted = speaker.casefold()
        found = [q for q in found if wanted in (q["speaker"] or "").casefold()
                 or wanted == (q["speaker_entity"] or "").casefold()]
    return found


def events_of(store: Store, *, story_id: Optional[str] = None, type_: Optional[str] = None,
              article_id: Optional[str] = None) -> list[dict]:
    """Coded events, filtered by story, article or PLOVER type."""
    ids = story_article_ids(store, story_id) if story_id else None
    if article_id:
        ids = [a for a in (ids or [article_id]) if a == article_id]
    found = analysis_public(store, ids, parts=("events",))["events"]
    if type_:
        found = [e for e in found if e["type"] == type_.upper()]
    return found


def entity_keys_to_global(store: Store, article_id: str) -> dict[str, str]:
    """Article-level entity key → global entity id, for links from an article page."""
    with store.read() as conn:
        return read_store.entity_keys_to_global(conn, article_id)


def story_of_article(store: Store, article_id: str) -> Optional[str]:
    """The story an article belongs to, or ``None``."""
    with store.read() as conn:
        return read_store.story_of_article(conn, article_id)

