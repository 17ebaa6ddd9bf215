"""storyweave's own exception types. Messages say what went wrong and what to do."""

from __future__ import annotations


class StoryweaveError(Exception):
    """Base class for every error storyweave raises on purpose."""


class BadDocument(StoryweaveError):
    """One input document cannot be read. The batch goes on without it.

    ``source`` names the document, ``reason`` says why in words a person can
    act on ("not valid HTML: no text found", "file is 80 MB, over the 20 MB
    limit; raise --max-bytes to accept it").
    """

    def __init__(self, source: str, reason: str):
        super().__init__(f"{source}: {reason}")
        self.source = source
        self.reason = reason


class StoreError(StoryweaveError):
    """The store cannot be opened, migrated or written."""


class ConfigError(StoryweaveError):
    """A setting or command-line option has a value that cannot work."""


class EvalDataMissing(StoryweaveError):
    """An evaluation dataset is not where it should be."""
