"""The page URL builder gives exactly what Starlette's ``request.url_for`` gives, for every page route."""

from __future__ import annotations

import pytest
from starlette.requests import Request

from storyweave.web.urls import url_for

VALUES = ["s1", "3f2a9c", "PERSON:Bashar al-Assad", "GPE:Hama", "naïve “quoted” id", "a?b#c", "100%", "x&y<z>"]


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    from storyweave.app import create_app

    return create_app(str(tmp_path_factory.mktemp("urls") / "store.db"))


def _request(app, host: str = "example.org:8000", root_path: str = "", scheme: str = "http") -> Request:
    return Request({"type": "http", "app": app, "router": app.router, "scheme": scheme, "server": ("example.org", 8000),
                    "root_path": root_path, "path": "/", "query_string": b"", "headers": [(b"host", host.encode())]})


@pytest.mark.parametrize("host,root_path,scheme", [("example.org:8000", "", "http"), ("127.0.0.1", "/sw", "https")])
def test_every_page_link_is_what_starlette_builds(app, host, root_path, scheme):
    request = _request(app, host, root_path, scheme)
    calls = [("story_list_page", {}), ("search_page", {})]
    calls += [(name, {param: value}) for value in VALUES
              for name, param in (("dossier_page", "story_id"), ("article_page", "article_id"),
                                  ("entity_page", "entity_id"))]
    calls += [("entity_page", {"entity_id": "GPE:a/b"}), ("static", {"path": "vendor/htmx.min.js"}),
              ("static", {"path": "/leading-slash.css"}), ("claim_fragment", {"story_id": "s1", "claim_id": "c 2"})]
    for name, params in calls:
        assert url_for(request, name, **params) == str(request.url_for(name, **params)), (name, params)


def test_what_starlette_refuses_is_still_refused(app):
    request = _request(app)
    from starlette.routing import NoMatchFound

    with pytest.raises(NoMatchFound):
        url_for(request, "no_such_page")
    with pytest.raises(AssertionError):  # a one-segment parameter cannot hold a "/"
        url_for(request, "dossier_page", story_id="a/b")
