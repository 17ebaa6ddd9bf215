"""HTML pages: thin routes that call one read function each and render a template."""

from __future__ import annotations

from typing import Optional

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import HTMLResponse

from storyweave.api import reads
from storyweave.api.deps import get_store, get_templates
from storyweave.queries.analysis import analysis_public
from storyweave.queries.articles import get_article
from storyweave.queries.search import SearchFilters, outlets as all_outlets, search_articles
from storyweave.queries.stories import STATUSES, find_story, list_stories, story_dossier
from storyweave.store.database import Store
from storyweave.web.highlight import Span, segments

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)

#: Claims shown in the matrix before "show more" (a 100-article story has over a thousand).
MATRIX_ROWS = 150
#: Claims listed per outlet in the outlet comparison before the rest are counted.
ONLY_HERE_ROWS = 25


@router.get("/", name="story_list_page")
def story_list_page(request: Request, store: Store = Depends(get_store), templates=Depends(get_templates)):
    return templates.TemplateResponse(request, "stories.html", {"stories": list_stories(store)})


def dossier_context(store: Store, story_id: str) -> Optional[dict]:
    """Everything the dossier template needs (also used by ``bench serve``)."""
    d = story_dossier(store, story_id)
    if d is None:
        return None
    outlets = sorted({a["outlet"] or "unknown" for a in d["articles"]})
    for claim in d["claims"]:
        for m in claim["mentions"]:
            m["outlet"] = m["outlet"] or "unknown"
    counts = {s: sum(1 for c in d["claims"] if c["status"] == s) for s in STATUSES}
    map_data = {"places": d["places"], "events": reads.event_markers(store, story_id)}
    return {"d": d, "outlets": outlets, "counts": counts, "map_data": map_data,
            "matrix": claim_matrix(d["claims"], outlets, 0, MATRIX_ROWS), "more": len(d["claims"]) > MATRIX_ROWS,
            "next_offset": MATRIX_ROWS, "only_here_max": ONLY_HERE_ROWS}


def claim_matrix(claims: list[dict], outlets: list[str], offset: int, limit: int) -> list[dict]:
    """Rows of the claims × outlets matrix: per outlet, how many of its sentences report the claim.

    Counted here once rather than in the template, where it would cost claims × outlets × mentions.
    """
    rows = []
    for claim in claims[offset: offset + limit]:
        per_outlet: dict[str, int] = {}
        for m in claim["mentions"]:
            per_outlet[m["outlet"]] = per_outlet.get(m["outlet"], 0) + 1
        rows.append({"claim": claim, "cells": [per_outlet.get(o, 0) for o in outlets]})
    return rows


@router.get("/stories/{story_id}", name="dossier_page")
def dossier_page(story_id: str, request: Request, store: Store = Depends(get_store), templates=Depends(get_templates)):
    found = find_story(store, story_id)
    context = dossier_context(store, found) if found else None
    if context is None:
        raise HTTPException(404, f"no story {story_id!r}")
    context["root"] = request.scope.get("root_path", "")
    return templates.TemplateResponse(request, "dossier.html", context)


@router.get("/stories/{story_id}/matrix", name="matrix_fragment")
def matrix_fragment(story_id: str, request: Request, offset: int = Query(0, ge=0), store: Store = Depends(get_store),
                    templates=Depends(get_templates)):
    """More rows of the claims matrix (htmx replaces the "show more" row with them)."""
    context = dossier_context(store, story_id)
    if context is None:
        raise HTTPException(404, f"no story {story_id!r}")
    context.update(matrix=claim_matrix(context["d"]["claims"], context["outlets"], offset, MATRIX_ROWS),
                   more=len(context["d"]["claims"]) > offset + MATRIX_ROWS, next_offset=offset + MATRIX_ROWS,
                   root=request.scope.get("root_path", ""))
    return templates.TemplateResponse(request, "_matrix_rows.html", context)


@router.get("/stories/{story_id}/claims/{claim_id}", name="claim_fragment")
def claim_fragment(story_id: str, claim_id: str, request: Request, store: Store = Depends(get_store),
                   templates=Depends(get_templates)):
    claim = reads.claim(store, claim_id)
    if claim is None or claim["story"] != story_id:
        raise HTTPException(404, f"no claim {claim_id!r} in story {story_id!r}")
    return templates.TemplateResponse(request, "_claim_detail.html", {"claim": claim})


@router.get("/articles/{article_id}", name="article_page")
def article_page(article_id: str, request: Request, store: Store = Depends(get_store),
                 templates=Depends(get_templates)):
    article = get_article(store, article_id)
    if article is None:
        raise HTTPException(404, f"no article {article_id!r}")
    data = analysis_public(store, [article.id])
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
        href = str(request.url_for("entity_page", entity_id=e["id"]))
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
                templates=Depends(get_templates)):
    filters = SearchFilters(query=q, entity=entity or None, place=place or None, outlet=outlet or None,
                            date_from=date_from or None, date_to=date_to or None, limit=limit)
    searched = any([q, entity, place, outlet, date_from, date_to])
    hits = search_articles(store, filters) if searched else []
    return templates.TemplateResponse(request, "search.html",
                                      {"f": filters, "hits": hits, "outlets": all_outlets(store)})
