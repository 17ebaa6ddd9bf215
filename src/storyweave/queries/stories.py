"""Read-side views of stories: the list, the dossier, and the export's stories and claims.

One set of functions feeds the CLI, the JSON export and (later) the API and web
pages, so they always agree.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from functools import lru_cache
from typing import Optional

from sqlalchemy import func, or_, select

from storyweave.queries.dates import date_span, readable_date, readable_period
from storyweave.queries.sections import by_score, claim_sections
from storyweave.rulefiles import read_toml, rule_path
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

    ``claims`` holds every aligned claim; ``sections`` the few dozen a reader sees first
    (``storyweave.queries.sections``), the same for the page, the CLI and the exports.

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
            .where(entities.c.article_id.in_(member_ids), entities.c.lat.is_not(None),
                   # the map shows the ground: "Washington said" alone puts no pin on Washington
                   or_(entities.c.role.is_(None), entities.c.role == "literal"))).all()
    articles_per_outlet = Counter(m["outlet"] or "unknown" for m in members)
    story = dict(story._mapping)
    story["seen"] = readable_period(story["first_seen"], story["last_seen"])
    return {
        "story": story,
        "articles": members,
        "claims": claims,
        "sections": claim_sections(claims, articles_per_outlet),
        "timeline": _timeline(event_rows, outlet_of),
        "quotes": _who_said_what(quote_rows, outlet_of),
        "places": _places(place_rows),
        "outlets": _outlet_comparison(claims, articles_per_outlet),
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
               claim_groups.c.conflicts, claim_groups.c.versions, claim_groups.c.outlets, claim_groups.c.score)
        .where(*group_filter).order_by(claim_groups.c.story_id)).all()
    mentions = defaultdict(list)
    # One join instead of an IN list of every group id: a big story has over a thousand.
    for r in conn.execute(
        select(claim_mentions.c.group_id, claim_mentions.c.article_id, claim_mentions.c.outlet,
               claim_mentions.c.start, claim_mentions.c.end, claim_mentions.c.text, claim_mentions.c.attributed_to,
               claim_mentions.c.origin_key, claim_mentions.c.hedged, claim_mentions.c.display,
               claim_mentions.c.version)
        .join(claim_groups, claim_groups.c.id == claim_mentions.c.group_id)
        .where(*group_filter)
        .order_by(claim_mentions.c.article_id, claim_mentions.c.start)
    ):
        group_id, article_id, outlet, start, end, sentence, attributed_to, origin, hedged, display, version = r
        mentions[group_id].append(
            {"article": article_id, "outlet": outlet, "start": start, "end": end, "text": sentence,
             "display": display or sentence, "attributed_to": attributed_to, "origin": origin,
             "hedged": bool(hedged), "version": version or 0}
        )
    out = [
        {"id": g.id, "story": g.story_id, "text": g.text, "kind": g.kind, "status": g.status,
         "independent_origins": g.independent_origins, "origins": _json_list(g.origins),
         "conflicts": _json_list(g.conflicts), "versions": _json_list(g.versions),
         "outlets": g.outlets or len({m["outlet"] for m in mentions[g.id]}), "score": g.score or 0.0,
         "origin_summary": origin_summary(g.outlets or len({m["outlet"] for m in mentions[g.id]}),
                                          g.independent_origins, _json_list(g.origins)),
         "mentions": mentions[g.id]}
        for g in groups
    ]
    rank = {s: i for i, s in enumerate(STATUSES)}

    def order(c: dict) -> tuple:
        # what is stated by more outlets from more origins first, then the more check-worthy;
        # ties broken by where the claim is first stated, then by id: the rows' own order is
        # not fixed (PostgreSQL returns rewritten rows in another order)
        first = (c["mentions"][0]["article"], c["mentions"][0]["start"]) if c["mentions"] else ("", 0)
        return (rank.get(c["status"], 9), -c["independent_origins"], -c["outlets"], -round(c["score"], 2),
                c["story"], *first, c["id"])

    return sorted(out, key=order)


def origin_summary(outlets: int, origins: int, labels: list) -> str:
    """What a claim's card says of its sourcing: "3 outlets · 1 origin: Syrian military (statement)".

    A label shown twice reads as a mistake ("police (statement), police (statement)"): two
    statements by the police are counted as two origins but named once.
    """
    names = list(dict.fromkeys(o["label"] if isinstance(o, dict) else str(o) for o in labels))
    shown = ", ".join(names[:3]) + ("…" if len(names) > 3 else "")
    text = f"{outlets} outlet{'s' if outlets != 1 else ''} · {origins} origin{'s' if origins != 1 else ''}"
    return f"{text}: {shown}" if shown else text


def _json_list(value: str) -> list:
    # Most groups have no conflicts: skip the decoder for the empty list.
    return [] if value == "[]" else json.loads(value)


def _timeline(event_rows, outlet_of: dict[str, str]) -> list[dict]:
    """News-of-the-day events merged across articles: same type, place and date → one entry.

    ``event_rows`` are the story's foreground events (background ones are filtered in SQL).
    An event with neither a date nor an actor ("? AGREE deal") places nothing on a timeline
    and tells no one who acted: it is left out. ``when`` is the date as a person reads it
    ("the weekend of 30 Nov–1 Dec 2024"); entries are in calendar order (a week before a
    later day, which the TimeML strings do not sort into), undated ones last.
    """
    merged: dict[tuple, dict] = {}
    for e in event_rows:
        if not e.date and not e.actor:
            continue
        key = (e.date or "", e.type, (e.place or "").casefold())
        entry = merged.get(key)
        if entry is None:
            entry = merged[key] = {"date": e.date, "when": readable_date(e.date), "type": e.type, "code": e.code,
                                   "action": e.action, "actor": e.actor, "target": e.target, "place": e.place,
                                   "sources": []}
        entry["sources"].append({"article": e.article_id, "outlet": outlet_of.get(e.article_id),
                                 "start": e.start, "end": e.end, "attributed_to": e.attributed_to})

    def order(entry: dict) -> tuple:
        span = date_span(entry["date"])
        # a value with no calendar span ("PRESENT_REF") after the dated ones, before the undated
        rank = 0 if span else (1 if entry["date"] else 2)
        return (rank, span or (), entry["date"] or "", entry["type"])

    return sorted(merged.values(), key=order)


def _quote_rows(conn, member_ids) -> list:
    return conn.execute(
        select(quotes.c.article_id, quotes.c.speaker_entity, quotes.c.speaker, quotes.c.text, quotes.c.cue,
               quotes.c.direct, quotes.c.kind, quotes.c.start, quotes.c.end)
        .where(quotes.c.article_id.in_(member_ids))
        .order_by(quotes.c.article_id, quotes.c.start)).all()


@lru_cache(maxsize=1)
def _rules() -> dict:
    return read_toml(rule_path("storyweave.queries", "rules", "dossier.toml"))


def is_statement(kind: Optional[str], cue: Optional[str], speaker: Optional[str], outlet: Optional[str]) -> bool:
    """Whether a quote belongs in "who said what": said, written or stated as a belief by someone.

    Attitudes, intentions and evidence verbs are dropped ("Russia — its war in Ukraine — focused"),
    noun cues kept only for nouns of speech or belief ("statement", not "plan"), and an outlet
    counts as a speaker in its own article only when it says something ("NBC News could not
    confirm claims" is reporting, not a statement). The word lists are in ``rules/dossier.toml``.
    """
    rules = _rules()["who_said_what"]
    if kind == rules["nominal_kind"]:
        noun = (cue or "").casefold().split()[-1:] or [""]
        if not _singular(noun[0]) & set(rules["speech_nouns"]):
            return False
    elif kind not in rules["kinds"]:
        return False
    if speaker and outlet and speaker.casefold() == outlet.casefold():
        return kind in rules["outlet_self_kinds"]
    return True


def _singular(noun: str) -> set[str]:
    # "accusations", "warnings": the word lists hold singulars
    return {noun, noun[:-1] if noun.endswith("s") else noun}


def _who_said_what(quote_rows, outlet_of: dict[str, str]) -> list[dict]:
    """Statements grouped by speaker, most quoted first, quotes without a speaker last."""
    by_speaker: dict[str, list] = defaultdict(list)
    for q in quote_rows:
        outlet = outlet_of.get(q.article_id)
        if not is_statement(q.kind, q.cue, q.speaker_entity or q.speaker, outlet):
            continue
        speaker = q.speaker_entity or q.speaker or "unattributed"
        by_speaker[speaker].append({"article": q.article_id, "outlet": outlet,
                                    "text": q.text, "cue": q.cue, "direct": bool(q.direct), "kind": q.kind,
                                    "start": q.start, "end": q.end})
    return sorted(({"speaker": s, "quotes": qs} for s, qs in by_speaker.items()),
                  key=lambda x: (x["speaker"] == "unattributed", -len(x["quotes"])))


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


def _outlet_comparison(claims: list[dict], articles_of: Counter) -> list[dict]:
    """Per outlet: its articles and every claim only it reports, the most check-worthy first.

    The whole list, for the API; the dossier shows the first few (``sections``, which lead
    with a claim one outlet holds from two independent origins instead).
    """
    # One pass over the claims (not one per outlet): bucket each claim reported by a single outlet.
    alone: dict[str, list[dict]] = defaultdict(list)
    for claim in claims:
        reporting = {m["outlet"] or "unknown" for m in claim["mentions"]}
        if len(reporting) == 1:
            alone[next(iter(reporting))].append(claim)
    return [{"outlet": outlet, "articles": articles_of[outlet], "only_here": by_score(alone[outlet])}
            for outlet in sorted(articles_of)]
