"""Writing and reading per-article analysis results.

An article's results are replaced as a whole, in the caller's transaction,
together with its ``analyses`` row: a crash leaves either the old results or
the new ones, never a mix, and an article without a row is still pending.

An analysis that raised is recorded in ``analysis_failures`` with the analyser
version and the reason, instead of an ``analyses`` row: the link stage then
leaves the article out of stories, and the same analyser version does not try
it again unless asked to (``retry_failed``); a new version does.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from typing import Iterable, Optional

from sqlalchemy import Connection, and_, delete, func, insert, or_, select

from storyweave.records import ArticleAnalysis
from storyweave.store.articles import now_iso
from storyweave.store.linking import entity_rows
from storyweave.store.schema import (
    analyses,
    analysis_failures,
    articles,
    claims,
    date_mentions,
    entities,
    entity_links,
    entity_mentions,
    events,
    quotes,
    relink_queue,
    removed_spans,
    story_articles,
)

#: what the link stage reads of an entity row (``storyweave.pipeline.link``), kept for a relink
LINKED_FIELDS = ("key", "name", "type", "aliases", "geonameid", "mention_count")
_RESULT_TABLES = (entity_mentions, entities, date_mentions, quotes, events, claims)
_EVENT_FIELDS = (
    "action", "lemma", "type", "code", "actor", "actor_entity", "target", "target_entity", "place",
    "place_entity", "date", "date_text", "trigger_start", "trigger_end", "sentence_start", "sentence_end",
    "start", "end", "attributed_to",
)
_CLAIM_FIELDS = (
    "text", "display", "content", "start", "end", "sentence_start", "sentence_end", "kind", "lemmas", "attributed_to",
    "attribution_text", "quote_start", "quote_end", "check_worthy", "event_code",
)


def pending_articles(
    conn: Connection, analyzer: str, limit: Optional[int] = None, *, retry_failed: bool = False
) -> list[tuple[str, str, Optional[str]]]:
    """(id, text, published) of originals not yet analysed by ``analyzer``, in ingest order.

    An article whose analysis by ``analyzer`` failed is left out unless ``retry_failed``;
    one that an older analyser version failed on is pending again.
    """
    conditions = [
        articles.c.duplicate_of.is_(None),
        or_(analyses.c.article_id.is_(None), analyses.c.analyzer != analyzer),
    ]
    if not retry_failed:
        conditions.append(or_(analysis_failures.c.article_id.is_(None), analysis_failures.c.analyzer != analyzer))
    query = (
        select(articles.c.id, articles.c.text, articles.c.published)
        .outerjoin(analyses, analyses.c.article_id == articles.c.id)
        .outerjoin(analysis_failures, analysis_failures.c.article_id == articles.c.id)
        .where(and_(*conditions))
        .order_by(articles.c.seq)
    )
    if limit is not None:
        query = query.limit(limit)
    return [tuple(row) for row in conn.execute(query)]


def captions_of(conn: Connection, article_ids: list[str]) -> dict[str, tuple[tuple[int, str], ...]]:
    """The photo captions removed from each article, as (position, text)."""
    out: dict[str, list[tuple[int, str]]] = {}
    if not article_ids:
        return {}
    rows = conn.execute(
        select(removed_spans.c.article_id, removed_spans.c.position, removed_spans.c.text)
        .where(and_(removed_spans.c.article_id.in_(article_ids), removed_spans.c.kind == "caption"))
        .order_by(removed_spans.c.article_id, removed_spans.c.position)
    )
    for article_id, position, text in rows:
        out.setdefault(article_id, []).append((position, text))
    return {k: tuple(v) for k, v in out.items()}


def urls_of(conn: Connection, article_ids: list[str]) -> dict[str, str]:
    """Each article's web address, where it has one (its outlet's country is a prior for its places)."""
    if not article_ids:
        return {}
    rows = conn.execute(
        select(articles.c.id, articles.c.url).where(and_(articles.c.id.in_(article_ids), articles.c.url.is_not(None)))
    )
    return {article_id: url for article_id, url in rows if url}


#: The reason stored when the code that saw a failure did not say why (the batch engine's rows).
UNKNOWN_REASON = "analysis raised an error; run `storyweave analyze --retry-failed -v` to see it"
_REASON_CHARS = 4000


@dataclass(frozen=True)
class AnalysisFailure:
    """An article whose analysis failed: which analyser version, why, when, how many tries."""

    article_id: str
    source: str
    title: Optional[str]
    analyzer: str
    reason: str
    failed_at: str
    attempts: int


def save_failure(conn: Connection, article_id: str, analyzer: str, reason: Optional[str] = None) -> None:
    """Record that ``analyzer`` failed on an article, with the reason.

    Any earlier results go (they are not the current analyser's) together with the
    ``analyses`` row, so the link stage keeps the article out of stories; an article
    linked before is queued for the link stage, which takes its links back out.
    """
    _queue_if_analysed_before(conn, article_id)
    for table in _RESULT_TABLES + (analyses,):
        conn.execute(delete(table).where(table.c.article_id == article_id))
    tries = conn.execute(
        select(analysis_failures.c.attempts).where(analysis_failures.c.article_id == article_id)
    ).scalar_one_or_none()
    conn.execute(delete(analysis_failures).where(analysis_failures.c.article_id == article_id))
    conn.execute(
        insert(analysis_failures).values(
            article_id=article_id,
            analyzer=analyzer,
            reason=(reason or UNKNOWN_REASON)[:_REASON_CHARS],
            failed_at=now_iso(),
            attempts=(tries or 0) + 1,
        )
    )


def list_failures(
    conn: Connection, analyzer: Optional[str] = None, limit: Optional[int] = None
) -> list[AnalysisFailure]:
    """Recorded analysis failures in ingest order, optionally only those of one analyser version."""
    query = (
        select(analysis_failures, articles.c.source, articles.c.title)
        .join(articles, articles.c.id == analysis_failures.c.article_id)
        .order_by(articles.c.seq)
    )
    if analyzer is not None:
        query = query.where(analysis_failures.c.analyzer == analyzer)
    if limit is not None:
        query = query.limit(limit)
    return [
        AnalysisFailure(row.article_id, row.source, row.title, row.analyzer, row.reason, row.failed_at, row.attempts)
        for row in conn.execute(query)
    ]


def count_failures(conn: Connection, analyzer: Optional[str] = None) -> int:
    """How many articles have a recorded analysis failure (by ``analyzer``, if given)."""
    query = select(func.count()).select_from(analysis_failures)
    if analyzer is not None:
        query = query.where(analysis_failures.c.analyzer == analyzer)
    return conn.execute(query).scalar_one()


def _queue_if_analysed_before(conn: Connection, article_id: str, *, or_in_story: bool = False) -> None:
    """Queue for the link stage an article whose results are about to be replaced.

    A linked article's entities go with it: the link stage takes them back out of the
    entity index. Queued twice before a link run, it keeps the first ones, which the
    index holds. ``or_in_story``: queue an article in a story even without results (a
    linked article whose re-analysis failed, now analysed again), so that its story
    takes in its new results. An article never linked (analysed again before the link stage ran,
    as an outlet's first articles are once its home area shows) is not queued: the link stage
    links it afresh.
    """
    analysed = conn.execute(select(analyses.c.article_id).where(analyses.c.article_id == article_id)).first()
    in_story = conn.execute(select(story_articles.c.article_id).where(story_articles.c.article_id == article_id)).first()
    if analysed is None and not (or_in_story and in_story):
        return
    if conn.execute(select(relink_queue.c.article_id).where(relink_queue.c.article_id == article_id)).first():
        return
    indexed = conn.execute(select(entity_links.c.key).where(entity_links.c.article_id == article_id)).first()
    if not in_story and not indexed:
        return  # never linked (analysed again before the link stage ran): the link stage links it afresh
    linked = None
    if indexed:
        rows = entity_rows(conn, [article_id])[article_id]
        linked = json.dumps([{k: row[k] for k in LINKED_FIELDS} for row in rows], ensure_ascii=False)
    conn.execute(insert(relink_queue).values(article_id=article_id, queued_at=now_iso(), linked_entities=linked))


def save_analysis(conn: Connection, result: ArticleAnalysis, analyzer: str,
                  outlet_home: Optional[tuple[float, ...]] = None) -> None:
    """Replace one article's analysis results (its places resolved with ``outlet_home``, if any)."""
    save_analysis_rows(conn, result.article_id, analysis_rows(result), analyzer, outlet_home)


def save_analysis_rows(conn: Connection, article_id: str, rows: dict[str, list[dict]], analyzer: str,
                       outlet_home: Optional[tuple[float, ...]] = None) -> None:
    """Replace one article's results with ``rows`` (from :func:`analysis_rows`, perhaps via Parquet).

    An article analysed before (by an older analyser), or in a story from before its analysis
    failed, is queued for the link stage, which refreshes what it derived from the old results.
    A recorded failure is cleared.
    """
    _queue_if_analysed_before(conn, article_id, or_in_story=True)
    for table in _RESULT_TABLES + (analyses, analysis_failures):
        conn.execute(delete(table).where(table.c.article_id == article_id))
    for table in _RESULT_TABLES:
        table_rows = [{**row, "article_id": article_id} for row in rows.get(table.name, ())]
        if table_rows:
            conn.execute(insert(table), table_rows)
    conn.execute(insert(analyses).values(article_id=article_id, analyzer=analyzer, analyzed_at=now_iso(),
                                         outlet_home=_home_text(outlet_home)))


def _home_text(home: Optional[tuple[float, ...]]) -> Optional[str]:
    return f"{home[0]:.4f},{home[1]:.4f}" if home else None


# -- outlets' home areas (``nlp.places.outlets``) -----------------------------------------------


def outlet_home_points(conn: Connection, analyzer: str, levels: Iterable[str], outlets: Iterable[str],
                       latest: int) -> dict[str, list[list[tuple[float, float, int]]]]:
    """outlet → one list per analysed article (in ingest order) of the places an outlet's home is
    learned from, as (lat, lon, geonameid): the article's literal places of ``levels`` (towns and
    counties: ``nlp.places.outlets.HOME_LEVELS``), for ``outlets``, over each one's ``latest``
    analysed articles (so an outlet of many thousands costs what one of ``latest`` does).
    Articles that place none are left out."""
    outlets = sorted(set(outlets))
    if not outlets:
        return {}
    recent = (
        select(articles.c.id, articles.c.outlet, articles.c.seq,
               func.row_number().over(partition_by=articles.c.outlet, order_by=articles.c.seq.desc()).label("rank"))
        .join(analyses, analyses.c.article_id == articles.c.id)
        .where(and_(analyses.c.analyzer == analyzer, articles.c.outlet.in_(outlets)))
        .subquery()
    )
    rows = conn.execute(
        select(recent.c.outlet, entities.c.article_id, entities.c.lat, entities.c.lon, entities.c.geonameid)
        .join(recent, recent.c.id == entities.c.article_id)
        .where(and_(recent.c.rank <= latest, entities.c.lat.is_not(None), entities.c.role == "literal",
                    entities.c.level.in_(sorted(levels))))
        .order_by(recent.c.seq, entities.c.key)
    )
    out: dict[str, dict[str, list[tuple[float, float, int]]]] = {}
    for outlet, article_id, lat, lon, geonameid in rows:
        out.setdefault(outlet, {}).setdefault(article_id, []).append((lat, lon, geonameid or 0))
    return {outlet: list(by_article.values()) for outlet, by_article in out.items()}


def outlets_of(conn: Connection, article_ids: list[str]) -> dict[str, str]:
    """Each article's outlet, where it has one."""
    if not article_ids:
        return {}
    rows = conn.execute(select(articles.c.id, articles.c.outlet).where(
        and_(articles.c.id.in_(article_ids), articles.c.outlet.is_not(None))))
    return {article_id: outlet for article_id, outlet in rows if outlet}


def homeless_outlets(conn: Connection, analyzer: str) -> list[str]:
    """The outlets with articles that ``analyzer`` analysed without a home area."""
    rows = conn.execute(
        select(articles.c.outlet).distinct()
        .join(analyses, analyses.c.article_id == articles.c.id)
        .where(and_(analyses.c.analyzer == analyzer, analyses.c.outlet_home.is_(None), articles.c.outlet.is_not(None)))
    )
    return sorted(outlet for (outlet,) in rows if outlet)


def homeless_articles(conn: Connection, analyzer: str, outlets: Iterable[str]) -> list[tuple[str, str, Optional[str]]]:
    """(id, text, published) of the articles of ``outlets`` that ``analyzer`` analysed before
    their outlet's home was known, in ingest order."""
    outlets = sorted(outlets)
    if not outlets:
        return []
    query = (
        select(articles.c.id, articles.c.text, articles.c.published)
        .join(analyses, analyses.c.article_id == articles.c.id)
        .where(and_(analyses.c.analyzer == analyzer, analyses.c.outlet_home.is_(None),
                    articles.c.outlet.in_(outlets), articles.c.duplicate_of.is_(None)))
        .order_by(articles.c.seq)
    )
    return [tuple(row) for row in conn.execute(query)]


def analysis_rows(result: ArticleAnalysis) -> dict[str, list[dict]]:
    """One article's results as plain rows per table name: what the store writes, JSON-ready.

    Pure, so the batch engine computes them on a worker and ships them as
    JSON in Parquet, and the local stage writes them directly.
    """
    article_id = result.article_id
    entity_rows, mention_rows, seen_spans = [], [], set()
    for entity in result.entities:
        entity_rows.append(
            {
                "article_id": article_id,
                "key": entity.key[:200],
                "name": entity.name,
                "type": entity.type,
                "aliases": json.dumps(list(entity.aliases), ensure_ascii=False),
                "geonameid": entity.geonameid,
                "lat": entity.lat,
                "lon": entity.lon,
                "country": entity.country,
                "level": getattr(entity, "level", None),
                "role": getattr(entity, "role", None),
            }
        )
        for m in entity.mentions:
            if (m.field, m.start, m.end) in seen_spans:
                continue  # one span belongs to one entity
            seen_spans.add((m.field, m.start, m.end))
            mention_rows.append(
                {"article_id": article_id, "field": m.field, "start": m.start, "end": m.end,
                 "entity_key": entity.key[:200], "text": m.text, "label": m.label,
                 "role": getattr(m, "role", "") or None}
            )
    date_rows = _unique_by_start(
        {"article_id": article_id, "start": d.start_char, "end": d.end_char, "text": d.text, "value": d.value,
         "kind": d.kind, "relative": getattr(d, "relative", None)}
        for d in result.dates
    )
    quote_rows = _unique_by_start(
        {"article_id": article_id, "start": q.start_char, "end": q.end_char, "text": q.text,
         "speaker": q.speaker, "speaker_start": q.speaker_start, "speaker_end": q.speaker_end,
         "speaker_entity": q.speaker_entity, "cue": q.cue, "cue_start": q.cue_start, "cue_end": q.cue_end,
         "direct": bool(q.direct), "kind": getattr(q, "kind", "speech")}
        for q in result.quotes
    )
    event_rows = [
        {"article_id": article_id, "position": i, "background": bool(e.background),
         **{name: getattr(e, name) for name in _EVENT_FIELDS}}
        for i, e in enumerate(result.events)
    ]
    claim_rows = [claim_row(article_id, i, c) for i, c in enumerate(result.claims)]
    return {
        entities.name: entity_rows,
        entity_mentions.name: mention_rows,
        date_mentions.name: date_rows,
        quotes.name: quote_rows,
        events.name: event_rows,
        claims.name: claim_rows,
    }


def claim_row(article_id: str, position: int, c) -> dict:
    """The ``claims`` row of one ``storyweave.records.Claim`` (lists as JSON)."""
    return {
        "article_id": article_id, "position": position, "headline": bool(c.headline), "negated": bool(c.negated), "denied": bool(c.denied),
        "direct": bool(c.direct), "hedged": bool(c.hedged), "entities": json.dumps(list(c.entities)),
        "places": json.dumps(list(c.places)),
        "numbers": json.dumps([dataclasses.asdict(n) for n in c.numbers], ensure_ascii=False),
        "dates": json.dumps(list(c.dates)), "hedges": json.dumps(list(c.hedges)),
        "atoms": json.dumps(list(c.atoms), ensure_ascii=False),
        "scope_hedges": json.dumps(list(c.scope_hedges)),
        "actors": json.dumps(list(c.actors), ensure_ascii=False),
        "views": json.dumps([dataclasses.asdict(v) for v in c.views], ensure_ascii=False),
        "ranks": json.dumps([dataclasses.asdict(r) for r in c.ranks], ensure_ascii=False),
        **{name: getattr(c, name) for name in _CLAIM_FIELDS},
    }


def _unique_by_start(rows: Iterable[dict]) -> list[dict]:
    out: dict[int, dict] = {}
    for row in rows:
        out.setdefault(row["start"], row)
    return list(out.values())


def article_results(conn: Connection, article_ids: Optional[list[str]] = None) -> dict[str, list[dict]]:
    """Stored results as plain rows, optionally for some articles only."""
    out = {}
    for name, table, order in (
        ("entities", entities, (entities.c.article_id, entities.c.key)),
        ("entity_mentions", entity_mentions, (entity_mentions.c.article_id, entity_mentions.c.field, entity_mentions.c.start)),
        ("dates", date_mentions, (date_mentions.c.article_id, date_mentions.c.start)),
        ("quotes", quotes, (quotes.c.article_id, quotes.c.start)),
        ("events", events, (events.c.article_id, events.c.position)),
        ("claims", claims, (claims.c.article_id, claims.c.position)),
    ):
        query = select(table).order_by(*order)
        if article_ids is not None:
            query = query.where(table.c.article_id.in_(article_ids))
        out[name] = [dict(row) for row in conn.execute(query).mappings()]
    return out
