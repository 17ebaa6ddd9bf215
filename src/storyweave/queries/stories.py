"""Read-side views of stories: the list, the dossier, and the export's stories and claims.

One set of functions feeds the CLI, the JSON export and (later) the API and web
pages, so they always agree.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from typing import Optional

from sqlalchemy import func, select

from storyweave.store.database import Store
from storyweave.store.schema import (
    articles,
    claim_groups,
    claim_mentions,
    entities,
    entity_links,
    events,
    global_entities,
    quotes,
    stories,
    story_articles,
)

STATUSES = ("corroborated", "contested", "single-source")


def list_stories(store: Store, limit: Optional[int] = None) -> list[dict]:
    """Stories, largest first: title, article and outlet counts, claim status counts, time range."""
    with store.read() as conn:
        query = select(stories).order_by(stories.c.size.desc(), stories.c.id)
        if limit is not None:
            query = query.limit(limit)
        rows = [dict(r._mapping) for r in conn.execute(query)]
        ids = [r["id"] for r in rows]
        outlets = defaultdict(set)
        for story_id, outlet in conn.execute(
            select(story_articles.c.story_id, articles.c.outlet)
            .join(articles, articles.c.id == story_articles.c.article_id)
            .where(story_articles.c.story_id.in_(ids))
        ):
            if outlet:
                outlets[story_id].add(outlet)
        counts = defaultdict(Counter)
        for story_id, status, n in conn.execute(
            select(claim_groups.c.story_id, claim_groups.c.status, func.count())
            .where(claim_groups.c.story_id.in_(ids))
            .group_by(claim_groups.c.story_id, claim_groups.c.status)
        ):
            counts[story_id][status] = n
    for row in rows:
        row["outlets"] = len(outlets[row["id"]])
        row["claims"] = {status: counts[row["id"]].get(status, 0) for status in STATUSES}
    return rows


def find_story(store: Store, story_id: str) -> Optional[str]:
    """The id of the story ``story_id`` names (exactly, or as the story of that article id)."""
    with store.read() as conn:
        if conn.execute(select(stories.c.id).where(stories.c.id == story_id)).first():
            return story_id
        row = conn.execute(
            select(story_articles.c.story_id).where(story_articles.c.article_id.startswith(story_id, autoescape=True))
        ).first()
        return row.story_id if row else None


def story_dossier(store: Store, story_id: str) -> Optional[dict]:
    """Everything about one story: articles, summary, claims, timeline, who said what, places, outlets.

    Every query selects the story's rows through ``story_articles`` (a subquery, not a
    list of ids bound as parameters) and only the columns shown, so the cost grows with
    the story, not with the store.
    """
    with store.read() as conn:
        story = conn.execute(select(stories).where(stories.c.id == story_id)).first()
        if story is None:
            return None
        member_ids = select(story_articles.c.article_id).where(story_articles.c.story_id == story_id)
        members = [
            dict(r._mapping)
            for r in conn.execute(
                select(articles.c.id, articles.c.outlet, articles.c.title, articles.c.published, articles.c.url,
                       articles.c.duplicate_of)
                .join(story_articles, story_articles.c.article_id == articles.c.id)
                .where(story_articles.c.story_id == story_id)
                .order_by(articles.c.seq)
            )
        ]
        outlet_of = {m["id"]: m["outlet"] for m in members}
        claims = _claims(conn, [story_id])
        event_rows = conn.execute(
            select(events.c.article_id, events.c.date, events.c.type, events.c.code, events.c.action,
                   events.c.actor, events.c.target, events.c.place, events.c.start, events.c.end,
                   events.c.attributed_to)
            .where(events.c.article_id.in_(member_ids), events.c.background.is_(False))
            .order_by(events.c.article_id, events.c.position)).all()
        quote_rows = _quote_rows(conn, member_ids)
        place_rows = conn.execute(
            select(entities.c.article_id, entities.c.name, entities.c.lat, entities.c.lon,
                   entities.c.country, entity_links.c.global_id)
            .outerjoin(entity_links, (entity_links.c.article_id == entities.c.article_id)
                       & (entity_links.c.key == entities.c.key))
            .where(entities.c.article_id.in_(member_ids), entities.c.lat.is_not(None))).all()
    return {
        "story": dict(story._mapping),
        "articles": members,
        "claims": claims,
        "timeline": _timeline(event_rows, outlet_of),
        "quotes": _who_said_what(quote_rows, outlet_of),
        "places": _places(place_rows),
        "outlets": _outlet_comparison(claims, members),
    }


def story_claims(store: Store, story_id: str, claim_id: Optional[str] = None) -> list[dict]:
    """The aligned claims of one story (or only ``claim_id``), in dossier order."""
    with store.read() as conn:
        return _claims(conn, [story_id], claim_id)


def story_quotes(store: Store, story_id: str) -> list[dict]:
    """The dossier's "who said what": the story's quotes grouped by speaker, most quoted first."""
    with store.read() as conn:
        outlet_of = dict(conn.execute(
            select(articles.c.id, articles.c.outlet)
            .join(story_articles, story_articles.c.article_id == articles.c.id)
            .where(story_articles.c.story_id == story_id)).all())
        member_ids = select(story_articles.c.article_id).where(story_articles.c.story_id == story_id)
        return _who_said_what(_quote_rows(conn, member_ids), outlet_of)


def story_outlets(store: Store, story_id: str) -> list[str]:
    """The outlets of a story's articles, sorted (``unknown`` for articles without one)."""
    with store.read() as conn:
        rows = conn.execute(
            select(articles.c.outlet).distinct()
            .join(story_articles, story_articles.c.article_id == articles.c.id)
            .where(story_articles.c.story_id == story_id))
        return sorted({r.outlet or "unknown" for r in rows})


def export_stories_and_claims(store: Store) -> dict[str, list[dict]]:
    """The export's ``stories`` and ``claims`` lists."""
    with store.read() as conn:
        story_rows = [dict(r._mapping) for r in conn.execute(select(stories).order_by(stories.c.id))]
        members = defaultdict(list)
        for story_id, article_id in conn.execute(
            select(story_articles.c.story_id, story_articles.c.article_id)
            .join(articles, articles.c.id == story_articles.c.article_id)
            .order_by(articles.c.seq)
        ):
            members[story_id].append(article_id)
        claims = _claims(conn, [s["id"] for s in story_rows])
    return {
        "stories": [
            {"id": s["id"], "title": s["title"], "articles": members[s["id"]], "first_seen": s["first_seen"],
             "last_seen": s["last_seen"], "summary": s["summary"]}
            for s in story_rows
        ],
        "claims": claims,
    }


def global_entity_names(store: Store) -> dict[tuple[str, str], dict]:
    """(article id, article entity key) → global entity {id, name, type, aliases}."""
    with store.read() as conn:
        rows = conn.execute(
            select(entity_links.c.article_id, entity_links.c.key, global_entities)
            .join(global_entities, global_entities.c.id == entity_links.c.global_id)
        )
        return {
            (r.article_id, r.key): {"id": r.id, "name": r.name, "type": r.type, "aliases": json.loads(r.aliases)}
            for r in rows
        }


def _claims(conn, story_ids: list[str], claim_id: Optional[str] = None) -> list[dict]:
    group_filter = [claim_groups.c.story_id.in_(story_ids)]
    if claim_id is not None:
        group_filter.append(claim_groups.c.id == claim_id)
    groups = conn.execute(
        select(claim_groups.c.id, claim_groups.c.story_id, claim_groups.c.text, claim_groups.c.kind,
               claim_groups.c.status, claim_groups.c.independent_origins, claim_groups.c.origins,
               claim_groups.c.conflicts)
        .where(*group_filter).order_by(claim_groups.c.story_id)).all()
    mentions = defaultdict(list)
    # One join instead of an IN list of every group id: a big story has over a thousand.
    for r in conn.execute(
        select(claim_mentions.c.group_id, claim_mentions.c.article_id, claim_mentions.c.outlet,
               claim_mentions.c.start, claim_mentions.c.end, claim_mentions.c.text, claim_mentions.c.attributed_to,
               claim_mentions.c.origin_key, claim_mentions.c.hedged)
        .join(claim_groups, claim_groups.c.id == claim_mentions.c.group_id)
        .where(*group_filter)
        .order_by(claim_mentions.c.article_id, claim_mentions.c.start)
    ):
        group_id, article_id, outlet, start, end, sentence, attributed_to, origin, hedged = r
        mentions[group_id].append(
            {"article": article_id, "outlet": outlet, "start": start, "end": end, "text": sentence,
             "attributed_to": attributed_to, "origin": origin, "hedged": bool(hedged)}
        )
    out = [
        {"id": g.id, "story": g.story_id, "text": g.text, "kind": g.kind, "status": g.status,
         "independent_origins": g.independent_origins, "origins": _json_list(g.origins),
         "conflicts": _json_list(g.conflicts), "mentions": mentions[g.id]}
        for g in groups
    ]
    rank = {s: i for i, s in enumerate(STATUSES)}

    def order(c: dict) -> tuple:
        # ties broken by where the claim is first stated, then by id: the rows' own order
        # is not fixed (PostgreSQL returns rewritten rows in another order)
        first = (c["mentions"][0]["article"], c["mentions"][0]["start"]) if c["mentions"] else ("", 0)
        return (rank.get(c["status"], 9), -c["independent_origins"], -len(c["mentions"]), c["story"], *first, c["id"])

    return sorted(out, key=order)


def _json_list(value: str) -> list:
    # Most groups have no conflicts: skip the decoder for the empty list.
    return [] if value == "[]" else json.loads(value)


def _timeline(event_rows, outlet_of: dict[str, str]) -> list[dict]:
    """News-of-the-day events merged across articles: same type, place and date → one entry.

    ``event_rows`` are the story's foreground events (background ones are filtered in SQL).
    """
    merged: dict[tuple, dict] = {}
    for e in event_rows:
        key = (e.date or "", e.type, (e.place or "").casefold())
        entry = merged.get(key)
        if entry is None:
            entry = merged[key] = {"date": e.date, "type": e.type, "code": e.code, "action": e.action,
                                   "actor": e.actor, "target": e.target, "place": e.place, "sources": []}
        entry["sources"].append({"article": e.article_id, "outlet": outlet_of.get(e.article_id),
                                 "start": e.start, "end": e.end, "attributed_to": e.attributed_to})
    return sorted(merged.values(), key=lambda x: (x["date"] is None, x["date"] or "", x["type"]))


def _quote_rows(conn, member_ids) -> list:
    return conn.execute(
        select(quotes.c.article_id, quotes.c.speaker_entity, quotes.c.speaker, quotes.c.text, quotes.c.cue,
               quotes.c.direct, quotes.c.kind, quotes.c.start, quotes.c.end)
        .where(quotes.c.article_id.in_(member_ids))
        .order_by(quotes.c.article_id, quotes.c.start)).all()


def _who_said_what(quote_rows, outlet_of: dict[str, str]) -> list[dict]:
    by_speaker: dict[str, list] = defaultdict(list)
    for q in quote_rows:
        speaker = q.speaker_entity or q.speaker or "unattributed"
        by_speaker[speaker].append({"article": q.article_id, "outlet": outlet_of.get(q.article_id),
                                    "text": q.text, "cue": q.cue, "direct": bool(q.direct), "kind": q.kind,
                                    "start": q.start, "end": q.end})
    return sorted(({"speaker": s, "quotes": qs} for s, qs in by_speaker.items()), key=lambda x: -len(x["quotes"]))


def _places(rows) -> list[dict]:
    places: dict[str, dict] = {}
    for r in rows:
        key = r.global_id or r.name
        item = places.get(key)
        if item is None:
            item = places[key] = {"name": r.name, "lat": r.lat, "lon": r.lon, "country": r.country,
                                  "articles": set()}
        item["articles"].add(r.article_id)
    return sorted(({**p, "articles": sorted(p["articles"])} for p in places.values()),
                  key=lambda p: (-len(p["articles"]), p["name"]))


def _outlet_comparison(claims: list[dict], members: list[dict]) -> list[dict]:
    """Per outlet: its articles and the claims only it reports."""
    articles_of = Counter(m["outlet"] or "unknown" for m in members)
    # One pass over the claims (not one per outlet): bucket each claim reported by a single outlet.
    alone: dict[str, list[dict]] = defaultdict(list)
    for claim in claims:
        reporting = {m["outlet"] or "unknown" for m in claim["mentions"]}
        if len(reporting) == 1:
            alone[next(iter(reporting))].append(claim)
    return [{"outlet": outlet, "articles": articles_of[outlet], "only_here": alone[outlet]}
            for outlet in sorted(articles_of)]
