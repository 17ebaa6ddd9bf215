"""Stored text made inert for a terminal: what an article says is shown, never acted on.

A title can carry ``ESC [2J`` (clear the screen), an OSC sequence that retitles the
window, a C1 ``CSI``, a carriage return that overwrites the line, or a right-to-left
override that reorders what follows. The CLI prints every stored value through
``strip_controls`` (``storyweave.cli.terminal``), and the Markdown export does too,
since it is often written to stdout.
"""

from __future__ import annotations

import re

#: C0 controls but tab and newline, DEL, the C1 controls, and the bidirectional embeddings,
#: overrides and isolates (U+202A-U+202E, U+2066-U+2069).
CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
#: What JSON's own escaping leaves raw (it escapes only C0) but a terminal would act on.
_RAW_IN_JSON = re.compile("[\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029]")


def strip_controls(text: str) -> str:
    """``text`` without control characters (tabs and newlines stay)."""
    return CONTROLS.sub("", text)


def json_escape_controls(encoded: str) -> str:
    """JSON text (from ``json.dumps(..., ensure_ascii=False)``) with every remaining control
    character written as a ``\\uXXXX`` escape: the same JSON value, inert on a terminal."""
    return _RAW_IN_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", encoded)
