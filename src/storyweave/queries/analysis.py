"""Read-side views of the per-article analysis (entities, places, dates, quotes).

Entities are grouped across articles by their canonical key (type and
canonical name within each article); cross-document resolution of variant
names is the linking stage's job and refines these groups.
"""

from __future__ import annotations

import json
from typing import Iterable, Optional

from storyweave.store import analysis as analysis_store
from storyweave.store.database import Store


#: The lists ``analysis_public`` can return.
PARTS = ("entities", "dates", "quotes", "events")


def analysis_public(store: Store, article_ids: Optional[list[str]] = None,
                    parts: Iterable[str] = PARTS) -> dict[str, list[dict]]:
    """The export's ``entities``, ``dates``, ``quotes`` and ``events`` lists (only ``parts`` of them).

    A page that shows some parts asks only for those: an entity page over fifty
    articles need not read their dates, events and sentences.
    """
    parts = tuple(parts)
    unknown = set(parts) - set(PARTS)
    if unknown:
        raise ValueError(f"unknown analysis parts {sorted(unknown)}; choose from {PARTS}")
    with store.read() as conn:
        rows = _results(conn, article_ids, parts)
        texts = _texts(conn, {e["article_id"] for e in rows["events"]}) if "events" in parts else {}
        globals_ = _global_names(conn, article_ids) if "entities" in parts else {}
    out = {
        "entities": _entities(rows["entities"], rows["entity_mentions"], globals_) if "entities" in parts else [],
        "dates": [
            {
                "id": f"{d['article_id']}:d{d['start']}",
                "article": d["article_id"],
                "text": d["text"],
                "value": d["value"],
                "kind": d["kind"],
                "relative": d["relative"],
                "start": d["start"],
                "end": d["end"],
            }
            for d in rows["dates"]
        ],
        "quotes": [
            {
                "id": f"{q['article_id']}:q{q['start']}",
                "article": q["article_id"],
                "speaker": q["speaker"],
                "speaker_entity": q["speaker_entity"],
                "cue": q["cue"],
                "text": q["text"],
                "direct": bool(q["direct"]),
                "kind": q["kind"],
                "start": q["start"],
                "end": q["end"],
            }
            for q in rows["quotes"]
        ],
        "events": [_event(e, texts[e["article_id"]]) for e in rows["events"]],
    }
    return {part: out[part] for part in parts}


def _results(conn, article_ids: Optional[list[str]], parts: tuple[str, ...]) -> dict[str, list[dict]]:
    """The stored rows behind ``parts``, as ``store.analysis.article_results`` gives them (same order)."""
    if set(parts) == set(PARTS):
        return analysis_store.article_results(conn, article_ids)
    from sqlalchemy import select

    from storyweave.store.schema import date_mentions, entities, entity_mentions, events, quotes

    tables = {
        "entities": (entities, (entities.c.article_id, entities.c.key)),
        "entity_mentions": (entity_mentions, (entity_mentions.c.article_id, entity_mentions.c.field,
                                              entity_mentions.c.start)),
        "dates": (date_mentions, (date_mentions.c.article_id, date_mentions.c.start)),
        "quotes": (quotes, (quotes.c.article_id, quotes.c.start)),
        "events": (events, (events.c.article_id, events.c.position)),
    }
    wanted = set(parts) | ({"entity_mentions"} if "entities" in parts else set())
    out: dict[str, list[dict]] = {name: [] for name in tables}
    for name in wanted:
        table, order = tables[name]
        query = select(table).order_by(*order)
        if article_ids is not None:
            query = query.where(table.c.article_id.in_(article_ids))
        out[name] = [dict(row) for row in conn.execute(query).mappings()]
    return out


def _event(e: dict, text: str) -> dict:
    return {
        "id": f"{e['article_id']}:e{e['position']}",
        "article": e["article_id"],
        "type": e["type"],
        "code": e["code"],
        "action": e["action"],
        "actor": e["actor"],
        "actor_entity": e["actor_entity"],
        "target": e["target"],
        "target_entity": e["target_entity"],
        "place": e["place"],
        "place_entity": e["place_entity"],
        "date": e["date"],
        "date_text": e["date_text"],
        "sentence": text[e["sentence_start"] : e["sentence_end"]],
        "start": e["start"],
        "end": e["end"],
        "background": bool(e["background"]),
        "attributed_to": e["attributed_to"],
    }


def _global_names(conn, article_ids: Optional[list[str]]) -> dict[tuple[str, str], dict]:
    """(article id, entity key) → its global entity, for ``article_ids`` only (every article without).

    Scoped to the articles asked for: an article or entity page used to read (and
    JSON-decode) every link of the store, a cost that grew with the store and
    dominated those pages under load.
    """
    from sqlalchemy import select

    from storyweave.store.schema import entity_links, global_entities

    query = (select(entity_links.c.article_id, entity_links.c.key, global_entities.c.id, global_entities.c.name,
                    global_entities.c.type, global_entities.c.aliases)
             .join(global_entities, global_entities.c.id == entity_links.c.global_id))
    if article_ids is not None:
        query = query.where(entity_links.c.article_id.in_(article_ids))
    entities: dict[str, dict] = {}
    out = {}
    for r in conn.execute(query):
        entity = entities.get(r.id)
        if entity is None:  # each global entity decoded once, however many articles link to it
            entity = entities[r.id] = {"id": r.id, "name": r.name, "type": r.type, "aliases": json.loads(r.aliases)}
        out[(r.article_id, r.key)] = entity
    return out


def _texts(conn, article_ids: set[str]) -> dict[str, str]:
    from sqlalchemy import select

    from storyweave.store.schema import articles

    if not article_ids:
        return {}
    rows = conn.execute(select(articles.c.id, articles.c.text).where(articles.c.id.in_(sorted(article_ids))))
    return dict(rows.all())


def _entities(entity_rows: list[dict], mention_rows: list[dict], globals_: dict) -> list[dict]:
    """Entities across articles: by global id once linked, else by the article-level key."""
    mentions_by_key: dict[tuple[str, str], list[dict]] = {}
    for m in mention_rows:
        mentions_by_key.setdefault((m["article_id"], m["entity_key"]), []).append(m)
    grouped: dict[str, dict] = {}
    for row in entity_rows:
        linked = globals_.get((row["article_id"], row["key"]))
        if linked:
            name, type_, ident = linked["name"], linked["type"], linked["id"]
        else:
            name, type_, ident = row["name"], row["type"], row["key"]
        item = grouped.setdefault(
            ident,
            {"id": ident, "name": name, "type": type_, "aliases": set(), "mentions": [], "geo": None},
        )
        item["aliases"].update(json.loads(row["aliases"]))
        item["aliases"].add(row["name"])
        if linked:
            item["aliases"].update(linked["aliases"])
        if row["lat"] is not None and item["geo"] is None:
            item["geo"] = {"lat": row["lat"], "lon": row["lon"], "country": row["country"],
                           "geonameid": row["geonameid"]}
        if row.get("level") and not item.get("level"):
            item["level"] = row["level"]
            if row["lat"] is None and row.get("country"):
                item["country"] = row["country"]  # a demonym's country: no point of its own
        if row.get("role"):
            # literal wins: a place named once as the ground belongs on the map
            roles = {item.get("role"), row["role"]}
            item["role"] = "literal" if "literal" in roles else row["role"]
        for m in mentions_by_key.get((row["article_id"], row["key"]), []):
            mention = {"article": m["article_id"], "start": m["start"], "end": m["end"], "text": m["text"]}
            if m["field"]:
                mention["field"] = m["field"]  # offsets into a removed span, e.g. a photo caption
            if m.get("role"):
                mention["role"] = m["role"]
            item["mentions"].append(mention)
    out = []
    for item in grouped.values():
        item["aliases"] = sorted(item["aliases"] - {item["name"]})
        out.append(item)
    return sorted(out, key=lambda e: (-len(e["mentions"]), e["name"]))
