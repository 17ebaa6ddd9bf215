"""/api/search: full text with entity, place, outlet and date filters; /api/export: every export format."""

from __future__ import annotations

import json
from typing import Literal, Optional

from fastapi import APIRouter, Depends, HTTPException, Query
from fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response

from storyweave.api.models import SearchHitPublic
from storyweave.errors import StoryweaveError
from storyweave.export import formats
from storyweave.queries.search import SearchFilters, search
from storyweave.serving.deps import get_store
from storyweave.store.database import Store

router = APIRouter(tags=["search"])


@router.get("/search", response_model=list[SearchHitPublic])
def read_search(response: Response, q: str = "", entity: Optional[str] = None, place: Optional[str] = None,
                outlet: Optional[str] = None, date_from: Optional[str] = None, date_to: Optional[str] = None,
                limit: int = Query(50, ge=1, le=500), store: Store = Depends(get_store)):
    """Articles matching the words in ``q`` (all of them) and every given filter.

    ``q`` is read up to its first 500 characters and 32 distinct words; when it was cut,
    the ``X-Search-Notice`` header says so.
    """
    filters = SearchFilters(query=q, entity=entity, place=place, outlet=outlet, date_from=date_from,
                            date_to=date_to, limit=limit)
    result = search(store, filters)
    if result.notice:
        response.headers["X-Search-Notice"] = result.notice
    return result.hits


@router.get("/export", tags=["export"])
def export(format: Literal["json", "csv", "geojson", "md", "html"] = "json", story: Optional[str] = None,
           table: Literal["events", "quotes", "claims"] = "events", store: Store = Depends(get_store)) -> Response:
    """The store (or one story) as JSON, CSV (one ``table``), GeoJSON, Markdown or HTML."""
    try:
        if format in ("md", "html"):
            items = formats.dossiers(store, story)
            if format == "md":
                return PlainTextResponse(formats.markdown_dossier(items), media_type="text/markdown; charset=utf-8")
            return HTMLResponse(formats.html_dossier(items))
        document = formats.story_document(store, story)
    except StoryweaveError as exc:
        raise HTTPException(404, str(exc)) from exc
    if format == "csv":
        return PlainTextResponse(formats.csv_tables(document)[f"{table}.csv"], media_type="text/csv; charset=utf-8")
    if format == "geojson":
        return Response(json.dumps(formats.geojson(document), ensure_ascii=False),
                        media_type="application/geo+json")
    return JSONResponse(document)
