"""The one way the CLI shows stored text: control characters removed, rich markup escaped.

Every title, outlet, sentence or reason that came from a document goes through
``shown`` before it reaches the console, and every ``--json`` line through
``json_line``: an article cannot clear the screen, retitle the window or style
the output (``storyweave.safe_text``).
"""

from __future__ import annotations

import json
from typing import Any

from rich.markup import escape

from storyweave.safe_text import json_escape_controls, strip_controls


def shown(value: Any) -> str:
    """``value`` (``None`` as empty) as console markup that prints exactly its visible characters."""
    return escape(strip_controls("" if value is None else str(value)))


def json_line(data: Any, **kwargs: Any) -> str:
    """``data`` as JSON (non-ASCII kept readable), with any control character escaped, not raw."""
    return json_escape_controls(json.dumps(data, ensure_ascii=False, **kwargs))
