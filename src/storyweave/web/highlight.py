"""Article text cut into segments by annotation offsets, for highlighting.

Annotations overlap (an entity inside a quote inside a claim), so instead of
nesting tags the text is cut at every annotation boundary and each piece
carries the set of annotations covering it. Pieces stay plain text: the
template escapes each one, so nothing in an article can become markup.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional


@dataclass(frozen=True)
class Span:
    """One annotation: offsets into the text, a CSS class, a label and an optional link."""

    start: int
    end: int
    kind: str
    label: str
    href: Optional[str] = None


@dataclass
class Segment:
    text: str
    kinds: list[str] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)
    href: Optional[str] = None
    anchor: Optional[int] = None


def segments(text: str, spans: list[Span]) -> list[Segment]:
    """``text`` cut at every span boundary; each piece lists the spans that cover it."""
    valid = [s for s in spans if 0 <= s.start < s.end <= len(text)]
    cuts = sorted({0, len(text), *(s.start for s in valid), *(s.end for s in valid)})
    starts = {s.start for s in valid}
    out = []
    for a, b in zip(cuts, cuts[1:]):
        covering = [s for s in valid if s.start <= a and s.end >= b]
        # The innermost (shortest) linked span wins the link.
        linked = sorted((s for s in covering if s.href), key=lambda s: s.end - s.start)
        out.append(Segment(
            text=text[a:b],
            kinds=sorted({s.kind for s in covering}),
            labels=[s.label for s in sorted(covering, key=lambda s: (s.start, -s.end))],
            href=linked[0].href if linked else None,
            anchor=a if a in starts else None,
        ))
    return out
