"""The app factory: one store, the JSON API under /api, the pages, and the vendored static files."""

from __future__ import annotations

import contextlib
import gc
import logging
from importlib import resources
from typing import Union

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.datastructures import MutableHeaders

from storyweave import __version__
from storyweave.api.cache import PageCache
from storyweave.config import Settings
from storyweave.store.database import Store
from storyweave.web.urls import template_url_for

logger = logging.getLogger(__name__)

#: Only this origin may supply scripts, styles, images or data: a second line of
#: defence behind escaping, and a guarantee that pages fetch nothing from outside.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
       "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
       "frame-ancestors 'none'")


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
    app.state.templates = _templates()

    from storyweave.api import articles, claims, docs, entities, events, quotes, search, stories
    from storyweave.web import pages

    for module in (articles, stories, entities, quotes, events, claims, search):
        app.include_router(module.router, prefix="/api")
    app.include_router(docs.router)
    app.include_router(pages.router)
    static = resources.files("storyweave.web").joinpath("static")
    app.mount("/static", StaticFiles(directory=str(static)), name="static")

    app.add_middleware(SecurityHeaders)
    return app


class SecurityHeaders:
    """Adds the CSP and two more headers to every response (unless the route set its own).

    A plain ASGI middleware: ``@app.middleware("http")`` runs each request through a
    task group and memory streams, which cost more under load than the headers.
    """

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.setdefault("Content-Security-Policy", CSP)
                headers.setdefault("X-Content-Type-Options", "nosniff")
                headers.setdefault("Referrer-Policy", "no-referrer")
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _templates() -> Jinja2Templates:
    folder = str(resources.files("storyweave.web").joinpath("templates"))
    # Autoescape every template whatever its extension: all shown text is data.
    # auto_reload off: the templates ship with the package, and checking each file's mtime
    # on every render is work a loaded server notices.
    env = Environment(loader=FileSystemLoader(folder), autoescape=select_autoescape(default=True, default_for_string=True),
                      auto_reload=False)
    # Each route's URL pattern found once (``storyweave.web.urls``), not by walking every route per link.
    env.globals["url_for"] = template_url_for
    # Compact JSON for the data a page embeds (the dossier's map data); ``tojson`` still escapes <, >, & and '.
    env.policies["json.dumps_kwargs"] = {"sort_keys": True, "separators": (",", ":")}
    return Jinja2Templates(env=env)


def serve(settings_or_db_url: Union[Settings, str], host: str = "127.0.0.1", port: int = 8000) -> None:
    """Run the app with uvicorn; binds to localhost unless told otherwise."""
    import uvicorn

    uvicorn.run(create_app(settings_or_db_url), host=host, port=port, log_level="info")
