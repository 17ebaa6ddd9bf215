"""One Settings object, built at the edge (CLI, app factory) and passed down.

Nothing here reads the environment at import time; ``Settings.from_env`` is
called by the edges that want it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Optional

from storyweave.errors import ConfigError

DEFAULT_DB = "storyweave.db"

#: Default JSON/JSONL field mapping: our field -> candidate keys in the record,
#: first present wins. Override with ``--field text=body`` on the CLI.
DEFAULT_JSON_FIELDS: dict[str, tuple[str, ...]] = {
    "text": ("text", "body", "content", "articleBody", "article", "maintext", "story"),
    "html": ("html", "raw_html", "content_html"),
    "title": ("title", "headline", "name"),
    "url": ("url", "link", "uri", "source_url"),
    "outlet": ("outlet", "source", "publisher", "source_name", "site_name", "source_domain"),
    "published": ("published", "date", "date_publish", "published_at", "pubDate", "datePublished", "publish_date"),
    "author": ("author", "authors", "byline", "creator"),
    "language": ("language", "lang"),
    "id": ("id", "_id", "guid", "uuid"),
}


#: The longest article text, in characters, that storyweave takes: spaCy's
#: ``nlp.max_length``. Ingest refuses a longer text with a reason that says so,
#: and the analysis sets ``nlp.max_length`` from this same number, so the two
#: limits cannot disagree (a longer text would fail there with spaCy's E088).
#: 250,000 characters (some 40,000 words, several times the longest news feature) keep
#: one article's analysis under 1.5 GB: 1.3 GB peak measured on 250,000 characters of
#: real news text, against 3.7 GB at spaCy's default of 1,000,000. ``--max-bytes`` bounds
#: files, this bounds text.
MAX_TEXT_CHARS = 250_000


@dataclass(frozen=True)
class IngestOptions:
    """How documents are read. Travels in one object (trafilatura's style)."""

    max_document_bytes: int = 20 * 1024 * 1024
    json_fields: dict[str, tuple[str, ...]] = field(default_factory=lambda: dict(DEFAULT_JSON_FIELDS))
    near_duplicate_threshold: float = 0.8
    min_text_chars: int = 20

    def with_json_fields(self, overrides: dict[str, str]) -> "IngestOptions":
        """Return options where each given field maps to exactly the given key."""
        fields = dict(self.json_fields)
        for ours, theirs in overrides.items():
            if ours not in fields:
                raise ConfigError(
                    f"unknown JSON field {ours!r}; known fields are {', '.join(sorted(fields))}"
                )
            fields[ours] = (theirs,)
        return replace(self, json_fields=fields)


@dataclass(frozen=True)
class Settings:
    """Everything a command needs to know, in one place."""

    db_url: str = DEFAULT_DB
    ingest: IngestOptions = field(default_factory=IngestOptions)
    evaldata: Optional[Path] = None
    docs_dir: Path = Path("docs")

    @classmethod
    def from_env(cls, **overrides) -> "Settings":
        """Build settings from ``STORYWEAVE_*`` variables, then explicit overrides."""
        values: dict = {}
        if os.environ.get("STORYWEAVE_DB"):
            values["db_url"] = os.environ["STORYWEAVE_DB"]
        if os.environ.get("STORYWEAVE_EVALDATA"):
            values["evaldata"] = Path(os.environ["STORYWEAVE_EVALDATA"])
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)

    def evaldata_dir(self) -> Path:
        """Where the evaluation datasets live: the setting, or ``../shared/evaldata``
        found from the working directory upwards."""
        if self.evaldata is not None:
            return self.evaldata
        here = Path.cwd().resolve()
        for parent in (here, *here.parents):
            candidate = parent.parent / "shared" / "evaldata" if parent.name else None
            if candidate is not None and candidate.is_dir():
                return candidate
            candidate = parent / "shared" / "evaldata"
            if candidate.is_dir():
                return candidate
        raise ConfigError(
            "cannot find the evaluation data: set STORYWEAVE_EVALDATA or pass --evaldata "
            "(expected ../shared/evaldata next to the repository)"
        )
