"""``url_for`` for pages that link to hundreds of things: each route's path pattern found once.

Starlette's ``request.url_for`` walks every route of the app, each mismatch
raising ``NoMatchFound``, on every call. An article page links each entity
mention, a dossier each article and claim, so under load the walk cost a fifth
of the server's CPU (``storyweave bench serve --clients 20``). Here each route
name is resolved once per app, with placeholders for its parameters, and later
calls only substitute the values. Anything the pattern cannot reproduce exactly
(a ``/`` in a one-segment parameter, a converter that rejects the placeholder)
goes through Starlette as before.
"""

from __future__ import annotations

from typing import Any, Optional

from jinja2 import pass_context
from starlette.requests import Request
from starlette.routing import NoMatchFound

_MARK = "\x1f"
_NO_PATTERN = object()
_CACHE = "_storyweave_url_patterns"


def _placeholder(name: str) -> str:
    return f"{_MARK}{name}{_MARK}"


def _resolve(provider: Any, name: str, params: dict[str, str]) -> Optional[str]:
    try:
        return str(provider.url_path_for(name, **params))
    except (NoMatchFound, AssertionError, ValueError, TypeError):
        return None


def _pattern(provider: Any, name: str, params: tuple[str, ...]):
    """Route ``name``'s path with a placeholder per parameter, and the parameters that may hold a ``/``.

    ``_NO_PATTERN`` when the placeholders do not come back exactly once each.
    """
    cache = getattr(provider, _CACHE, None)
    if cache is None:  # kept on the router itself: it lives and dies with the app's routes
        cache = {}
        setattr(provider, _CACHE, cache)
    key = (name, params)
    found = cache.get(key)
    if found is None:
        marks = {p: _placeholder(p) for p in params}
        path = _resolve(provider, name, marks)
        if path is None or any(path.count(mark) != 1 for mark in marks.values()):
            found = _NO_PATTERN
        else:
            # a ``path`` converter (or a mount) takes "a/b"; the default ``str`` one refuses it
            slashes = frozenset(p for p in params if _resolve(provider, name, {**marks, p: f"{_MARK}a/b{_MARK}"}))
            found = (path, slashes)
        cache[key] = found
    return found


def url_for(request: Request, name: str, /, **params: Any) -> str:
    """The absolute URL of route ``name``, as ``str(request.url_for(name, **params))`` gives it."""
    provider = request.scope.get("router") or request.scope.get("app")
    found = _pattern(provider, name, tuple(sorted(params))) if provider is not None else _NO_PATTERN
    values = {p: str(v) for p, v in params.items()}
    if found is _NO_PATTERN or not all(_plain(v, p in found[1]) for p, v in values.items()):
        return str(request.url_for(name, **params))
    path = found[0]
    for param, value in values.items():
        path = path.replace(_placeholder(param), value)
    return base_url(request) + path


def _plain(value: str, slashes: bool) -> bool:
    """Whether substituting ``value`` gives what Starlette gives: otherwise (an empty value, a "/"
    a one-segment parameter refuses, a mount's leading "/") Starlette is asked and judges."""
    if not value or _MARK in value:
        return False
    return value[0] != "/" if slashes else "/" not in value


def base_url(request: Request) -> str:
    """``scheme://host[:port][/root]`` that this request's links start with (worked out once per request)."""
    prefix: Optional[str] = request.scope.get("storyweave.url_prefix")
    if prefix is None:
        base = request.base_url
        prefix = f"{'https' if base.is_secure else 'http'}://{base.netloc}{base.path.rstrip('/')}"
        request.scope["storyweave.url_prefix"] = prefix
    return prefix


@pass_context
def template_url_for(context: dict, name: str, /, **params: Any) -> str:
    """``url_for`` for Jinja2 templates (the request is in every template's context)."""
    return url_for(context["request"], name, **params)
