"""The JSON API (FastAPI, OpenAPI at /docs) and the app factory that also mounts the web pages."""

from storyweave.api.app import create_app

__all__ = ["create_app"]
