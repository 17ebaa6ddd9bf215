"""The app factory, the one place the web app is put together: one store, the JSON API under
/api (``storyweave.api``), the pages (``storyweave.web``), and the vendored static files.

It sits above both: the API and the pages share only ``storyweave.serving`` and never import
each other.
"""

from __future__ import annotations

import contextlib
import gc
import logging
from importlib import resources
from typing import Union

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from storyweave import __version__
from storyweave.api import articles, claims, docs, entities, events, quotes, search, stories
from storyweave.config import Settings
from storyweave.serving.cache import PageCache
from storyweave.serving.security import SecurityHeaders
from storyweave.store.database import Store
from storyweave.web import pages
from storyweave.web.templating import page_templates

logger = logging.getLogger(__name__)


def create_app(settings_or_db_url: Union[Settings, str, Store]) -> FastAPI:
    """Build the web app over one store (a ``Settings``, a ``--db`` value, or an open ``Store``)."""
    if isinstance(settings_or_db_url, Store):
        store, owned = settings_or_db_url, False
    else:
        db = settings_or_db_url.db_url if isinstance(settings_or_db_url, Settings) else settings_or_db_url
        store, owned = Store(db), True

    @contextlib.asynccontextmanager
    async def lifespan(_app: FastAPI):
        # Everything loaded so far (the app, its libraries, the templates) lives as long as the
        # process: move it out of the cyclic collector's sight, so a full collection during a
        # request walks only request objects. It cut the dossier page's p95 of a 100-article
        # story by about half (``storyweave bench serve``).
        gc.collect()
        gc.freeze()
        yield
        page_cache.close()
        if owned:
            store.close()

    # /docs is served by storyweave.api.docs from the vendored Swagger UI (FastAPI's own loads a CDN)
    app = FastAPI(title="storyweave", version=__version__, lifespan=lifespan, docs_url=None, redoc_url=None,
                  description="Stories, claims, entities, quotes and events from many outlets, with sources.")
    app.state.store = store
    page_cache = app.state.page_cache = PageCache(store)
    app.state.templates = page_templates()

    for module in (articles, stories, entities, quotes, events, claims, search):
        app.include_router(module.router, prefix="/api")
    app.include_router(docs.router)
    app.include_router(pages.router)
    static = resources.files("storyweave.web").joinpath("static")
    app.mount("/static", StaticFiles(directory=str(static)), name="static")

    app.add_middleware(SecurityHeaders)
    return app


def serve(settings_or_db_url: Union[Settings, str], host: str = "127.0.0.1", port: int = 8000) -> None:
    """Run the app with uvicorn; binds to localhost unless told otherwise."""
    import uvicorn

    uvicorn.run(create_app(settings_or_db_url), host=host, port=port, log_level="info")
