"""HTML pages: thin routes that call one read function each and render a template."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Optional
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import HTMLResponse
from markupsafe import Markup, escape

from storyweave.queries import reads
from storyweave.queries.analysis import analysis_public
from storyweave.queries.articles import get_article
from storyweave.queries.search import SearchFilters, SearchResult, outlets as all_outlets, search
from storyweave.queries.sections import KEY, filter_claims
from storyweave.queries.stories import (
    STATUSES,
    find_story,
    list_stories,
    story_claims,
    story_dossier,
    story_outlets,
    story_quotes,
)
from storyweave.serving.cache import PageCache
from storyweave.serving.deps import get_page_cache, get_store, get_templates
from storyweave.store.database import Store
from storyweave.web.highlight import Span, segments
from storyweave.web.urls import base_url, url_for

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)

#: Claims shown in the "all claims" matrix before "show more" (a 100-article story has over a thousand).
MATRIX_ROWS = 50
#: Outlet columns the matrix draws at most: with more outlets a row lists its outlets in one
#: "reported by" cell instead, so a 13-outlet story fits the page without scrolling sideways.
MATRIX_OUTLET_COLUMNS = 6
#: Quotes shown in "who said what" before "show more" (whole speakers at a time).
QUOTE_ROWS = 60


class _Missing(Exception):
    """Nothing to show: raised through the page cache, which keeps nothing for it."""


def _cached_html(request: Request, cache: PageCache, templates, template: str, key: tuple,
                 make_context) -> Optional[str]:
    """``template`` rendered with ``make_context()``, kept in ``cache`` until the store changes.

    Besides the store, a page depends on the values in ``key`` and on the base URL its
    links start with. ``None`` when ``make_context`` finds nothing to show (not kept:
    a flood of unknown ids must not push real pages out of the cache).
    """
    def render() -> str:
        context = make_context()
        if context is None:
            raise _Missing
        return templates.get_template(template).render({**context, "request": request})

    try:
        return cache.get((template, base_url(request), *key), render)
    except _Missing:
        return None


@router.get("/", name="story_list_page")
def story_list_page(request: Request, store: Store = Depends(get_store), templates=Depends(get_templates),
                    cache: PageCache = Depends(get_page_cache)):
    return HTMLResponse(_cached_html(request, cache, templates, "stories.html", (),
                                     lambda: {"stories": list_stories(store)}))


@dataclass(frozen=True)
class ClaimFilter:
    """What the "all claims" filter keeps: one status, one outlet (or only it), some words (each optional)."""

    status: Optional[str] = None
    outlet: Optional[str] = None
    alone: bool = False
    words: Optional[str] = None

    def __bool__(self) -> bool:
        return bool(self.status or self.outlet or self.words)

    def apply(self, claims: list[dict]) -> list[dict]:
        return filter_claims(claims, status=self.status, outlet=self.outlet, alone=self.alone, words=self.words)

    def query(self, offset: int) -> str:
        """The matrix fragment's query string for the page of rows from ``offset``."""
        params = {"offset": offset, "status": self.status, "outlet": self.outlet, "alone": 1 if self.alone else None,
                  "q": self.words}
        return urlencode({k: v for k, v in params.items() if v not in (None, "")})


def _claim_filter(status: Optional[str], outlet: Optional[str], alone: bool, q: Optional[str]) -> ClaimFilter:
    return ClaimFilter(status if status in (KEY, *STATUSES) else None, outlet or None, bool(outlet and alone),
                       (q or "").strip() or None)


def dossier_context(store: Store, story_id: str, claim_filter: ClaimFilter = ClaimFilter()) -> Optional[dict]:
    """Everything the dossier template needs (also used by ``bench serve``).

    Per-claim and per-outlet work is done here once, in Python, so the template only
    prints prepared values: Jinja2 loops over claims × outlets cost far more.
    """
    d = story_dossier(store, story_id)
    if d is None:
        return None
    outlets = sorted({a["outlet"] or "unknown" for a in d["articles"]})
    _unknown_outlets(d["claims"])
    found = Counter(c["status"] for c in d["claims"])
    counts = {s: found.get(s, 0) for s in STATUSES}
    return {"d": d, "story_id": story_id, "outlets": outlets, "counts": counts, "sections": d["sections"],
            "map_data": map_data(d["places"], reads.event_markers(store, story_id)),
            "statuses": (KEY, *STATUSES), "filter": claim_filter,
            **matrix_page(claim_filter.apply(d["claims"]), outlets, 0, claim_filter), **quotes_page(d["quotes"], 0)}


def map_data(places: list[dict], markers: list[dict]) -> dict:
    """Only what ``map.js`` draws: a place's article count, not its article ids."""
    return {
        "places": [{"name": p["name"], "lat": p["lat"], "lon": p["lon"], "country": p["country"],
                    "n": len(p["articles"])} for p in places],
        "events": [{"date": e["date"], "type": e["type"], "action": e["action"], "place": e["place"],
                    "outlet": e["outlet"], "lat": e["lat"], "lon": e["lon"]} for e in markers],
    }


def _unknown_outlets(claims: list[dict]) -> None:
    for claim in claims:
        for m in claim["mentions"]:
            m["outlet"] = m["outlet"] or "unknown"


def matrix_page(claims: list[dict], outlets: list[str], offset: int,
                claim_filter: ClaimFilter = ClaimFilter()) -> dict:
    """One page of matrix rows (``claims`` already filtered) and what the "show more" row needs."""
    compact = len(outlets) > MATRIX_OUTLET_COLUMNS
    return {"matrix": claim_matrix(claims, outlets, offset, MATRIX_ROWS, compact), "claims_total": len(claims),
            "more": len(claims) > offset + MATRIX_ROWS, "next_query": claim_filter.query(offset + MATRIX_ROWS),
            "next_offset": offset + MATRIX_ROWS, "page_rows": MATRIX_ROWS, "compact": compact,
            "matrix_columns": 3 + (1 if compact else len(outlets))}


def claim_matrix(claims: list[dict], outlets: list[str], offset: int, limit: int, compact: bool = False) -> list[dict]:
    """Rows of the claims × outlets matrix: per outlet, how many of its sentences report the claim.

    The cells are built here as one markup string per row: a 75-outlet story would
    otherwise make the template evaluate thousands of cells per page. With ``compact``
    the row has one cell naming its outlets (escaped here: outlet names are data).
    """
    rows = []
    for claim in claims[offset: offset + limit]:
        per_outlet = Counter(m["outlet"] for m in claim["mentions"])
        if compact:
            chips = "".join(_chip(o, per_outlet[o]) for o in sorted(per_outlet, key=lambda o: (-per_outlet[o], o)))
            cells = Markup(f'<td class="reported-by"><div class="chips">{chips}</div></td>')
        else:
            cells = Markup("".join(_cell(per_outlet.get(o, 0)) for o in outlets))
        rows.append({"claim": claim, "cells": cells})
    return rows


def _cell(n: int) -> str:
    if not n:
        return '<td class="no">·</td>'
    return f'<td class="yes">✓<span class="small">×{n}</span></td>' if n > 1 else '<td class="yes">✓</td>'


def _chip(outlet: str, n: int) -> str:
    times = f' <span class="small">×{n}</span>' if n > 1 else ""
    return f'<span class="chip" data-outlet="{escape(outlet)}">{escape(outlet)}{times}</span>'


def quotes_page(groups: list[dict], offset: int) -> dict:
    """Speakers from ``offset`` on, whole speakers, until about ``QUOTE_ROWS`` quotes are shown."""
    shown, end = 0, offset
    while end < len(groups) and (shown == 0 or shown + len(groups[end]["quotes"]) <= QUOTE_ROWS):
        shown += len(groups[end]["quotes"])
        end += 1
    remaining = sum(len(g["quotes"]) for g in groups[end:])
    return {"speakers": groups[offset:end], "quotes_next": end if end < len(groups) else None,
            "quotes_remaining": remaining}


@router.get("/stories/{story_id}", name="dossier_page")
def dossier_page(story_id: str, request: Request, status: Optional[str] = None, outlet: Optional[str] = None,
                 alone: bool = False, q: Optional[str] = None, store: Store = Depends(get_store),
                 templates=Depends(get_templates), cache: PageCache = Depends(get_page_cache)):
    """The dossier; ``status``, ``outlet`` (``alone``: only it) and ``q`` filter its "all claims" table (and open it)."""
    claim_filter = _claim_filter(status, outlet, alone, q)

    def make_context() -> Optional[dict]:
        found = find_story(store, story_id)
        context = dossier_context(store, found, claim_filter) if found else None
        if context is not None:
            context["root"] = request.scope.get("root_path", "")
        return context

    html = _cached_html(request, cache, templates, "dossier.html", (story_id, claim_filter), make_context)
    if html is None:
        raise HTTPException(404, f"no story {story_id!r}")
    return HTMLResponse(html)


@router.get("/stories/{story_id}/matrix", name="matrix_fragment")
def matrix_fragment(story_id: str, request: Request, offset: int = Query(0, ge=0), status: Optional[str] = None,
                    outlet: Optional[str] = None, alone: bool = False, q: Optional[str] = None,
                    store: Store = Depends(get_store), templates=Depends(get_templates)):
    """Rows of the claims matrix: the next page ("show more"), or the first page of a new filter."""
    claims = story_claims(store, story_id)
    outlets = story_outlets(store, story_id)
    if not outlets:
        raise HTTPException(404, f"no story {story_id!r}")
    _unknown_outlets(claims)
    claim_filter = _claim_filter(status, outlet, alone, q)
    context = {"story_id": story_id, "outlets": outlets, "root": request.scope.get("root_path", ""),
               **matrix_page(claim_filter.apply(claims), outlets, offset, claim_filter)}
    return templates.TemplateResponse(request, "_matrix_rows.html", context)


@router.get("/stories/{story_id}/quotes", name="quotes_fragment")
def quotes_fragment(story_id: str, request: Request, offset: int = Query(0, ge=0), store: Store = Depends(get_store),
                    templates=Depends(get_templates)):
    """More speakers for "who said what" (htmx replaces the "show more" row with them)."""
    if find_story(store, story_id) != story_id:
        raise HTTPException(404, f"no story {story_id!r}")
    context = {"story_id": story_id, "root": request.scope.get("root_path", ""),
               **quotes_page(story_quotes(store, story_id), offset)}
    return templates.TemplateResponse(request, "_quote_rows.html", context)


@router.get("/stories/{story_id}/claims/{claim_id}", name="claim_fragment")
def claim_fragment(story_id: str, claim_id: str, request: Request, store: Store = Depends(get_store),
                   templates=Depends(get_templates)):
    found = story_claims(store, story_id, claim_id)
    claim = found[0] if found else None
    if claim is None:
        raise HTTPException(404, f"no claim {claim_id!r} in story {story_id!r}")
    _unknown_outlets([claim])
    return templates.TemplateResponse(request, "_claim_detail.html",
                                      {"claim": claim, "root": request.scope.get("root_path", "")})


@router.get("/articles/{article_id}", name="article_page")
def article_page(article_id: str, request: Request, store: Store = Depends(get_store),
                 templates=Depends(get_templates)):
    article = get_article(store, article_id)
    if article is None:
        raise HTTPException(404, f"no article {article_id!r}")
    data = analysis_public(store, [article.id], parts=("entities", "dates", "quotes"))
    claims = reads.article_claims(store, article.id)
    spans = _spans(request, data, claims)
    return templates.TemplateResponse(request, "article.html", {
        "a": article, "story": reads.story_of_article(store, article.id), "segments": segments(article.text, spans),
        "entities": data["entities"], "dates": data["dates"], "quotes": data["quotes"], "claims": claims,
    })


def _spans(request: Request, data: dict, claims: list[dict]) -> list[Span]:
    spans = []
    for e in data["entities"]:
        kind = "place" if e["geo"] else "entity"
        href = url_for(request, "entity_page", entity_id=e["id"])
        for m in e["mentions"]:
            if not m.get("field"):
                spans.append(Span(m["start"], m["end"], kind, f"{e['type']}: {e['name']}", href))
    spans += [Span(d["start"], d["end"], "date", f"date: {d['value'] or 'unresolved'}") for d in data["dates"]]
    spans += [Span(q["start"], q["end"], "quote", f"quote by {q['speaker_entity'] or q['speaker'] or '?'}")
              for q in data["quotes"]]
    spans += [Span(c["start"], c["end"], "claim", f"claim ({c['status'] or 'unaligned'})") for c in claims]
    return spans


@router.get("/entities/{entity_id:path}", name="entity_page")
def entity_page(entity_id: str, request: Request, store: Store = Depends(get_store),
                templates=Depends(get_templates)):
    entity = reads.entity_detail(store, entity_id)
    if entity is None:
        raise HTTPException(404, f"no entity {entity_id!r}")
    return templates.TemplateResponse(request, "entity.html", {"e": entity})


@router.get("/search", name="search_page")
def search_page(request: Request, q: str = "", entity: Optional[str] = None, place: Optional[str] = None,
                outlet: Optional[str] = None, date_from: Optional[str] = None, date_to: Optional[str] = None,
                limit: int = Query(50, ge=1, le=500), store: Store = Depends(get_store),
                templates=Depends(get_templates), cache: PageCache = Depends(get_page_cache)):
    filters = SearchFilters(query=q, entity=entity or None, place=place or None, outlet=outlet or None,
                            date_from=date_from or None, date_to=date_to or None, limit=limit)
    searched = any([q, entity, place, outlet, date_from, date_to])
    result = search(store, filters) if searched else SearchResult([])
    outlets = cache.get(("outlets",), lambda: all_outlets(store))  # a scan of every article: kept until a commit
    context = {"f": filters, "hits": result.hits, "notice": result.notice, "outlets": outlets}
    return templates.TemplateResponse(request, "search.html", context)
