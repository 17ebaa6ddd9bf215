"""Request dependencies, in one place: the store and the templates live on ``app.state``,
put there by ``storyweave.app.create_app`` (never created at import time)."""

from __future__ import annotations

from fastapi import Request
from fastapi.templating import Jinja2Templates

from storyweave.serving.cache import PageCache
from storyweave.store.database import Store


def get_store(request: Request) -> Store:
    """The store this app serves."""
    return request.app.state.store


def get_templates(request: Request) -> Jinja2Templates:
    """The Jinja2 environment (autoescape on for every template)."""
    return request.app.state.templates


def get_page_cache(request: Request) -> PageCache:
    """Rendered pages kept until the store changes (``storyweave.serving.cache``)."""
    return request.app.state.page_cache
