"""The outlet's home country, a weak prior for the places its articles name."""

from __future__ import annotations

import functools
from urllib.parse import urlsplit

from spacy.tokens import Doc

from storyweave.nlp.places.rules import read_pairs as _read_pairs

#: what a reading in the outlet's home country gains (log10 units of population): a weak
#: prior that tips only names the article itself leaves open ("Perth" in an Australian paper)
OUTLET_COUNTRY_BONUS = 1.0
#: where ``with_outlet_country`` leaves the code on a Doc
OUTLET_COUNTRY_KEY = "storyweave_outlet_country"


@functools.lru_cache(maxsize=1)
def _outlet_suffixes() -> dict[str, str]:
    return {suffix.lower(): code for suffix, code in _read_pairs("outlet_countries.tsv").items()}


def outlet_country(url: str | None) -> str | None:
    """The home country of the outlet at ``url`` (a country domain, or a known outlet's domain), or None."""
    if not url:
        return None
    host = (urlsplit(url if "//" in url else "//" + url).hostname or "").lower().rstrip(".")
    suffixes = _outlet_suffixes()
    parts = host.split(".")
    for i in range(len(parts)):  # the longest suffix first: "abc.net.au" before "au"
        code = suffixes.get(".".join(parts[i:]))
        if code:
            return code
    return None


def with_outlet_country(doc: Doc, code: str | None) -> Doc:
    """Mark a Doc with its outlet's home country before the places component runs."""
    if code:
        doc.user_data[OUTLET_COUNTRY_KEY] = code
    return doc

