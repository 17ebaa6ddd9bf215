"""The Jinja2 environment the pages render with."""

from __future__ import annotations

from importlib import resources

from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, select_autoescape

from storyweave.web.urls import template_url_for


def page_templates() -> Jinja2Templates:
    """The pages' templates: autoescaped, loaded once, with the fast ``url_for``."""
    folder = str(resources.files("storyweave.web").joinpath("templates"))
    # Autoescape every template whatever its extension: all shown text is data.
    # auto_reload off: the templates ship with the package, and checking each file's mtime
    # on every render is work a loaded server notices.
    env = Environment(loader=FileSystemLoader(folder),
                      autoescape=select_autoescape(default=True, default_for_string=True), auto_reload=False)
    # Each route's URL pattern found once (``storyweave.web.urls``), not by walking every route per link.
    env.globals["url_for"] = template_url_for
    # Compact JSON for the data a page embeds (the dossier's map data); ``tojson`` still escapes
    # <, >, & and '.
    env.policies["json.dumps_kwargs"] = {"sort_keys": True, "separators": (",", ":")}
    return Jinja2Templates(env=env)
