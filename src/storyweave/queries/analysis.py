"""Read-side views of the per-article analysis (entities, places, dates, quotes).

Entities are grouped across articles by their canonical key (type and
canonical name within each article); cross-document resolution of variant
names is the linking stage's job and refines these groups.
"""

from __future__ import annotations

import json
from typing import Iterable, Optional

from storyweave.store import analysis as analysis_store
from storyweave.store import reads as read_store
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
        texts = read_store.texts_of(conn, {e["article_id"] for e in rows["events"]}) if "events" in parts else {}
        globals_ = read_store.global_entities_of(conn, article_ids) if "entities" in parts else {}
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
    return read_store.analysis_parts(conn, article_ids, parts)


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
