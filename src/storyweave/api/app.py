"""The app factory: one store, the JSON API under /api, the pages, and the vendored static files."""

from __future__ import annotations

import contextlib
import gc
import logging
from importlib import resources
from typing import Union

from fastapi import FastAPI, Request
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, select_autoescape

from storyweave import __version__
from storyweave.config import Settings
from storyweave.store.database import Store

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
        if owned:
            store.close()

    app = FastAPI(title="storyweave", version=__version__, lifespan=lifespan,
                  description="Stories, claims, entities, quotes and events from many outlets, with sources.")
    app.state.store = store
    app.state.templates = _templates()

    from storyweave.api import articles, claims, entities, events, quotes, search, stories
    from storyweave.web import pages

    for module in (articles, stories, entities, quotes, events, claims, search):
        app.include_router(module.router, prefix="/api")
    app.include_router(pages.router)
    static = resources.files("storyweave.web").joinpath("static")
    app.mount("/static", StaticFiles(directory=str(static)), name="static")

    @app.middleware("http")
    async def security_headers(request: Request, call_next):
        response = await call_next(request)
        if not request.url.path.startswith(("/docs", "/redoc")):  # Swagger UI loads its own assets
            response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        return response

    return app


def _templates() -> Jinja2Templates:
    folder = str(resources.files("storyweave.web").joinpath("templates"))
    # Autoescape every template whatever its extension: all shown text is data.
    env = Environment(loader=FileSystemLoader(folder), autoescape=select_autoescape(default=True, default_for_string=True))
    # Compact JSON for the data a page embeds (the dossier's map data); ``tojson`` still escapes <, >, & and '.
    env.policies["json.dumps_kwargs"] = {"sort_keys": True, "separators": (",", ":")}
    return Jinja2Templates(env=env)


def serve(settings_or_db_url: Union[Settings, str], host: str = "127.0.0.1", port: int = 8000) -> None:
    """Run the app with uvicorn; binds to localhost unless told otherwise."""
    import uvicorn

    uvicorn.run(create_app(settings_or_db_url), host=host, port=port, log_level="info")
