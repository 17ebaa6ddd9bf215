"""The versioned JSON export, and its JSON Schema.

The document's shape is PRODUCT.md's contract; ``schema/export.v1.schema.json``
states it formally and the tests validate every export against it.
"""

from __future__ import annotations

import datetime as dt
import json
from functools import lru_cache
from importlib import resources
from typing import IO

from storyweave import __version__
from storyweave.queries.analysis import analysis_public
from storyweave.queries.articles import article_public, articles_with_furniture
from storyweave.queries.stories import export_stories_and_claims
from storyweave.store.database import Store

FORMAT = "storyweave-export"
VERSION = 1


def build_export(store: Store) -> dict:
    """Everything in the store as one export document."""
    return {
        "format": FORMAT,
        "version": VERSION,
        "generator": f"storyweave {__version__}",
        "generated_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "articles": [article_public(a) for a in articles_with_furniture(store)],
        **analysis_public(store),
        **export_stories_and_claims(store),
    }


def write_json(document: dict, out: IO[str]) -> None:
    json.dump(document, out, ensure_ascii=False, indent=2)
    out.write("\n")


@lru_cache(maxsize=1)
def export_schema() -> dict:
    """The JSON Schema the export follows."""
    text = resources.files("storyweave.schema").joinpath(f"export.v{VERSION}.schema.json").read_text("utf-8")
    return json.loads(text)


def validate_export(document: dict) -> None:
    """Raise ``jsonschema.ValidationError`` if ``document`` breaks the schema."""
    import jsonschema

    jsonschema.validate(document, export_schema())
