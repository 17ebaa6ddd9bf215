"""Metadata completion: sidecar files, outlet from a URL, outlet from self-references.

An article needs an outlet to count as a source. It comes, in order of trust,
from metadata given with the document (CLI flags, a sidecar ``metadata.json``),
the page's own site name when that is a known outlet, the URL's domain, and
finally from how the article names itself ("told Al Jazeera", "(Reuters) -").
The known outlets and the self-reference patterns are data files in ``rules/``.
"""

from __future__ import annotations

import json
import logging
import re
from collections import Counter
from dataclasses import dataclass, fields, replace
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

from tld import get_fld

from storyweave.records import ArticleDraft, DocumentMetadata
from storyweave.rulefiles import read_json, read_toml, rule_path

logger = logging.getLogger(__name__)

#: Name of the per-folder metadata file: ``{filename: {outlet, published, ...}}``.
SIDECAR_NAME = "metadata.json"

_METADATA_FIELDS = {f.name for f in fields(DocumentMetadata)}


@dataclass(frozen=True)
class _Outlets:
    """The known outlets, indexed for lookups by domain and by name."""

    by_domain: dict[str, str]  # "bbc.co.uk" -> "BBC News"
    by_name: dict[str, str]  # casefolded name or alias -> canonical name
    text_names: dict[str, str]  # alias as written in text -> canonical name
    self_reference: tuple[re.Pattern[str], ...]


@lru_cache(maxsize=1)
def _outlets() -> _Outlets:
    doc = read_json(rule_path("storyweave.ingest", "rules", "outlets.json"))
    by_domain: dict[str, str] = {}
    by_name: dict[str, str] = {}
    text_names: dict[str, str] = {}
    for entry in doc["outlets"]:
        name = entry["name"]
        names = [name, *entry.get("aliases", [])]
        for domain in entry["domains"]:
            by_domain[domain.lower()] = name
        for alias in names:
            by_name[alias.casefold()] = name
            if entry.get("self_reference", True):
                text_names[alias] = name
    patterns = read_toml(rule_path("storyweave.ingest", "rules", "self_references.toml"))["patterns"]
    # Longest alias first so "The Associated Press" wins over "Associated Press".
    alternation = "|".join(re.escape(alias) for alias in sorted(text_names, key=len, reverse=True))
    compiled = tuple(
        re.compile(pattern.replace("{outlet}", f"(?P<outlet>{alternation})")) for pattern in patterns
    )
    return _Outlets(by_domain, by_name, text_names, compiled)


def known_outlet(name: str | None) -> str | None:
    """Return the canonical outlet name for ``name`` ("bbc" -> None, "BBC" -> "BBC News"), or None."""
    if not name:
        return None
    return _outlets().by_name.get(name.strip().casefold())


def _host(url: str) -> str | None:
    candidate = url.strip()
    if "://" not in candidate:
        candidate = "http://" + candidate
    try:
        host = urlsplit(candidate).hostname
    except ValueError:
        return None
    return host.lower().rstrip(".") if host else None


def outlet_from_url(url: str | None) -> str | None:
    """Return the outlet a URL belongs to.

    Known domains (and their subdomains) map to outlet names from
    ``rules/outlets.json``; other URLs give their registered domain
    ("news.example.co.uk" -> "example.co.uk"). None when the URL has no usable host.
    """
    known = known_outlet_from_url(url)
    if known is not None:
        return known
    host = _host(url or "")
    if host is None:
        return None
    return get_fld(host, fix_protocol=True, fail_silently=True)


def known_outlet_from_url(url: str | None) -> str | None:
    """Return the outlet name for a URL on a known outlet's domain, else None."""
    host = _host(url or "")
    if host is None:
        return None
    by_domain = _outlets().by_domain
    # Walk from the full host to shorter suffixes: "abcnews.go.com" before "go.com".
    parts = host.split(".")
    for start in range(len(parts) - 1):
        name = by_domain.get(".".join(parts[start:]))
        if name is not None:
            return name
    return None


def outlet_from_text(text: str | None) -> str | None:
    """Guess the outlet from how an article names itself ("told Al Jazeera").

    Only known outlets count. When several are named, the most frequent
    self-reference wins; ties go to the one named first.
    """
    if not text:
        return None
    outlets = _outlets()
    counts: Counter[str] = Counter()
    first_seen: dict[str, int] = {}
    for pattern in outlets.self_reference:
        for match in pattern.finditer(text):
            name = outlets.text_names[match.group("outlet")]
            counts[name] += 1
            first_seen[name] = min(first_seen.get(name, match.start()), match.start())
    if not counts:
        return None
    return max(counts, key=lambda name: (counts[name], -first_seen[name]))


def complete_metadata(draft: ArticleDraft) -> ArticleDraft:
    """Fill a draft's missing outlet; other given values are kept as they are.

    Order: the given outlet; the page's site name when it is a known outlet;
    a known outlet's URL domain; the page's site name as given; the URL's
    registered domain; self-references in the text. A URL on an unknown
    domain still beats self-references, because the article may quote an
    interview another outlet did ("told Reuters").
    """
    metadata = draft.metadata
    if metadata.outlet:
        canonical = known_outlet(metadata.outlet)
        if canonical is None or canonical == metadata.outlet:
            return draft
        return replace(draft, metadata=replace(metadata, outlet=canonical))
    outlet = (
        known_outlet(metadata.site_name)
        or known_outlet_from_url(metadata.url)
        or (metadata.site_name.strip() if metadata.site_name and metadata.site_name.strip() else None)
        or outlet_from_url(metadata.url)
        or outlet_from_text(draft.text)
    )
    if outlet is None:
        return draft
    return replace(draft, metadata=replace(metadata, outlet=outlet))


def metadata_from_mapping(values: dict, where: str) -> DocumentMetadata:
    """Build ``DocumentMetadata`` from a sidecar entry, keeping known string fields.

    Unknown keys ("note") are ignored; non-string values are turned into strings
    (a year given as a number) or, for lists of authors, joined with ", ".
    """
    kept: dict[str, str] = {}
    for key, value in values.items():
        if key not in _METADATA_FIELDS or value is None:
            continue
        if isinstance(value, list):
            value = ", ".join(str(item) for item in value)
        elif isinstance(value, dict):
            logger.warning("%s: ignoring %r, expected a string, got an object", where, key)
            continue
        kept[key] = str(value).strip()
    return DocumentMetadata(**kept)


def load_sidecar(folder: Path) -> dict[str, DocumentMetadata]:
    """Read ``folder/metadata.json`` into ``{filename: DocumentMetadata}``.

    A missing sidecar gives ``{}``. A malformed one is reported with a warning
    that says what is wrong and is then ignored, so the documents are still read.
    """
    path = Path(folder) / SIDECAR_NAME
    if not path.is_file():
        return {}
    try:
        doc = json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError) as error:
        logger.warning("%s: cannot read the metadata sidecar (%s); ignoring it", path, error)
        return {}
    except json.JSONDecodeError as error:
        logger.warning(
            "%s: not valid JSON (line %d, column %d: %s); ignoring it. Expected "
            '{"file.txt": {"outlet": "...", "published": "YYYY-MM-DD"}}',
            path,
            error.lineno,
            error.colno,
            error.msg,
        )
        return {}
    if not isinstance(doc, dict):
        logger.warning(
            "%s: expected a JSON object mapping file names to metadata, got %s; ignoring it",
            path,
            type(doc).__name__,
        )
        return {}
    sidecar: dict[str, DocumentMetadata] = {}
    for filename, values in doc.items():
        if not isinstance(values, dict):
            logger.warning("%s: entry %r is not an object; ignoring that entry", path, filename)
            continue
        sidecar[filename] = metadata_from_mapping(values, f"{path} [{filename}]")
    return sidecar
