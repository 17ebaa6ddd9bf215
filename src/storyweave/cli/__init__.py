"""The ``storyweave`` command line: thin commands over the library.

Each command parses its options into a ``Settings``, calls one library
function and formats the result. Logging is configured here and only here.
Commands live in one module per area; importing them registers them.
"""

from storyweave.cli.app import app

# Importing a command module registers its commands; this order is the order of `--help`.
from storyweave.cli import pipeline  # noqa: E402,F401  isort: skip
from storyweave.cli import batch  # noqa: E402,F401  isort: skip
from storyweave.cli import stories  # noqa: E402,F401  isort: skip
from storyweave.cli import articles  # noqa: E402,F401  isort: skip
from storyweave.cli import measure  # noqa: E402,F401  isort: skip
from storyweave.cli import gazetteer  # noqa: E402,F401  isort: skip


def main() -> None:
    """Console-script entry point."""
    app()


__all__ = ["app", "main"]
