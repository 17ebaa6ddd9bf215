"""The JSON API (FastAPI, OpenAPI at /docs): one router per resource. ``storyweave.app`` mounts
the routers under /api, beside the web pages."""
