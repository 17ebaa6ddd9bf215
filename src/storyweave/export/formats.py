"""Exports besides the JSON document: CSV tables, GeoJSON, Markdown and HTML dossiers.

The CSV and GeoJSON exports are computed from the JSON export document (one
source of data for every format); the dossiers from ``story_dossier``, the
same function the web page renders.
"""

from __future__ import annotations

import csv
import io
import logging
import re
from functools import lru_cache
from typing import Optional

from storyweave.errors import StoryweaveError
from storyweave.export.document import build_export
from storyweave.queries.sections import hidden_claims
from storyweave.queries.stories import list_stories, story_dossier
from storyweave.safe_text import strip_controls
from storyweave.store.database import Store

logger = logging.getLogger(__name__)

FORMATS = ("json", "csv", "geojson", "md", "html")

#: ACLED-like event columns (ACLED's names where the meaning is the same).
EVENT_COLUMNS = (
    "event_id", "event_date", "year", "time_precision", "event_type", "sub_event_type", "action", "actor1",
    "actor2", "country", "location", "latitude", "longitude", "geo_precision", "source", "source_url",
    "notes", "attributed_to", "date_text", "background", "article_id",
)
QUOTE_COLUMNS = ("quote_id", "article_id", "outlet", "published", "speaker", "speaker_entity", "cue", "direct",
                 "text", "start", "end")
CLAIM_COLUMNS = ("claim_id", "story_id", "status", "independent_origins", "text", "outlets", "article_id",
                 "outlet", "attributed_to", "hedged", "sentence", "start", "end")


def story_document(store: Store, story_id: Optional[str] = None) -> dict:
    """The JSON export, whole or restricted to one story's articles and claims."""
    document = build_export(store)
    if story_id is None:
        return document
    story = next((s for s in document["stories"] if s["id"] == story_id), None)
    if story is None:
        raise StoryweaveError(f"no story {story_id!r}; list them with `storyweave stories`")
    keep = set(story["articles"])
    document["stories"] = [story]
    document["articles"] = [a for a in document["articles"] if a["id"] in keep]
    for key in ("dates", "quotes", "events"):
        document[key] = [item for item in document[key] if item["article"] in keep]
    entities = []
    for entity in document["entities"]:
        mentions = [m for m in entity["mentions"] if m["article"] in keep]
        if mentions:
            entities.append({**entity, "mentions": mentions})
    document["entities"] = entities
    document["claims"] = [c for c in document["claims"] if c.get("story") == story_id]
    return document


def _place_index(document: dict) -> dict[tuple[str, str], dict]:
    """(article id, place name) → geo, from the entities' names, aliases and mentions."""
    index: dict[tuple[str, str], dict] = {}
    for entity in document["entities"]:
        if not entity.get("geo"):
            continue
        names = {entity["name"].casefold(), *(a.casefold() for a in entity["aliases"])}
        names.update(m["text"].casefold() for m in entity["mentions"])
        for mention in entity["mentions"]:
            for name in names:
                index.setdefault((mention["article"], name), entity["geo"])
    return index


def event_rows(document: dict) -> list[dict]:
    """Events as ACLED-like rows: one per event, placed when its place was geocoded."""
    articles = {a["id"]: a for a in document["articles"]}
    places = _place_index(document)
    rows = []
    for e in document["events"]:
        article = articles.get(e["article"], {})
        geo = places.get((e["article"], (e["place"] or "").casefold())) if e["place"] else None
        date = e["date"] or ""
        rows.append({
            "event_id": e["id"], "event_date": date, "year": date[:4],
            "time_precision": 1 if len(date) >= 10 else (2 if len(date) == 7 else (3 if date else "")),
            "event_type": e["type"], "sub_event_type": e["code"], "action": e.get("action", ""),
            "actor1": e["actor"] or "", "actor2": e["target"] or "",
            "country": geo["country"] if geo else "", "location": e["place"] or "",
            "latitude": geo["lat"] if geo else "", "longitude": geo["lon"] if geo else "",
            "geo_precision": 1 if geo else "", "source": article.get("outlet") or "",
            "source_url": article.get("url") or "", "notes": " ".join((e["sentence"] or "").split()),
            "attributed_to": e.get("attributed_to") or "", "date_text": e["date_text"] or "",
            "background": bool(e.get("background")), "article_id": e["article"],
        })
    return rows


def _csv(columns: tuple[str, ...], rows: list[dict]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def csv_tables(document: dict) -> dict[str, str]:
    """``events.csv``, ``quotes.csv`` and ``claims.csv`` as text, by file name."""
    articles = {a["id"]: a for a in document["articles"]}
    quotes = [
        {"quote_id": q["id"], "article_id": q["article"], "outlet": articles.get(q["article"], {}).get("outlet") or "",
         "published": articles.get(q["article"], {}).get("published") or "", "speaker": q["speaker"] or "",
         "speaker_entity": q["speaker_entity"] or "", "cue": q["cue"] or "", "direct": q["direct"],
         "text": q["text"], "start": q["start"], "end": q["end"]}
        for q in document["quotes"]
    ]
    claims = []
    for c in document["claims"]:
        outlets = "; ".join(sorted({m["outlet"] or "unknown" for m in c["mentions"]}))
        for m in c["mentions"]:
            claims.append({"claim_id": c["id"], "story_id": c.get("story", ""), "status": c["status"],
                           "independent_origins": c["independent_origins"], "text": c["text"], "outlets": outlets,
                           "article_id": m["article"], "outlet": m["outlet"] or "",
                           "attributed_to": m.get("attributed_to") or "", "hedged": bool(m.get("hedged")),
                           "sentence": m["text"], "start": m["start"], "end": m["end"]})
    return {
        "events.csv": _csv(EVENT_COLUMNS, event_rows(document)),
        "quotes.csv": _csv(QUOTE_COLUMNS, quotes),
        "claims.csv": _csv(CLAIM_COLUMNS, claims),
    }


def geojson(document: dict) -> dict:
    """A FeatureCollection: one Point per geocoded place, one per event at a geocoded place."""
    features = []
    for entity in document["entities"]:
        geo = entity.get("geo")
        if not geo:
            continue
        features.append({
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [geo["lon"], geo["lat"]]},
            "properties": {"kind": "place", "id": entity["id"], "name": entity["name"], "country": geo["country"],
                           "level": entity.get("level"), "role": entity.get("role") or "literal",
                           "mentions": len(entity["mentions"]),
                           "articles": sorted({m["article"] for m in entity["mentions"]})},
        })
    for row in event_rows(document):
        if row["latitude"] == "":
            continue
        features.append({
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [row["longitude"], row["latitude"]]},
            "properties": {"kind": "event", "id": row["event_id"], "type": row["event_type"],
                           "code": row["sub_event_type"], "date": row["event_date"] or None,
                           "actor": row["actor1"] or None, "target": row["actor2"] or None,
                           "place": row["location"], "outlet": row["source"] or None, "article": row["article_id"],
                           "sentence": row["notes"]},
        })
    return {"type": "FeatureCollection", "features": features}


def dossiers(store: Store, story_id: Optional[str] = None) -> list[dict]:
    """The dossier of one story, or of every story, largest first."""
    ids = [story_id] if story_id else [s["id"] for s in list_stories(store)]
    found = [d for d in (story_dossier(store, i) for i in ids) if d is not None]
    if story_id and not found:
        raise StoryweaveError(f"no story {story_id!r}; list them with `storyweave stories`")
    return found


#: Characters that make Markdown out of text: raw HTML and autolinks (<), links and images ([ ]),
#: entities (&), emphasis (* _ ~), code (`), headings (#), table cells (|) and the escape itself.
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~&])")
#: A line that starts like a list item, a heading underline or a thematic break.
_MD_BLOCK_START = re.compile(r"^(\d+)([.)])|^([-+=])")


def _md(text: object) -> str:
    """Text as Markdown that renders as exactly that text: one line, every markup character
    backslash-escaped, so no HTML, link or image in an article becomes live in a renderer,
    and no control character reaches the terminal the export is printed to."""
    line = " ".join(strip_controls(str(text if text is not None else "")).split())
    line = _MD_SPECIAL.sub(r"\\\1", line)
    return _MD_BLOCK_START.sub(lambda m: f"{m.group(1)}\\{m.group(2)}" if m.group(1) else f"\\{m.group(3)}", line)


def _md_code(text: object) -> str:
    """Text for inside a code span (where nothing is markup but a backtick ends the span)."""
    return " ".join(strip_controls(str(text)).replace("`", "'").split())


def _outlets_of(claim: dict) -> str:
    return ", ".join(sorted({m["outlet"] or "unknown" for m in claim["mentions"]}))


def markdown_dossier(items: list[dict]) -> str:
    """Dossiers as Markdown, in the web page's order: key claims (contested ones with their versions
    side by side), what only each outlet reports, timeline, who said what, then the other claims."""
    lines: list[str] = []
    for d in items:
        story, sections = d["story"], d["sections"]
        outlets = sorted({a["outlet"] or "unknown" for a in d["articles"]})
        lines += [f"# {_md(story['title'])}", "",
                  f"Story `{_md_code(story['id'])}` · {len(d['articles'])} articles · {len(outlets)} outlets "
                  f"({_md(', '.join(outlets))}) · {_md(story.get('seen') or 'date unknown')}", ""]
        if story.get("summary"):
            lines += ["## Summary", "", _md(story["summary"]), ""]
        lines += _md_key_claims(sections)
        lines += ["## What only one outlet reports", ""]
        for o in sections["outlets"]:
            shown = f", {len(o['claims'])} shown" if o["total"] > len(o["claims"]) else ""
            lines.append(f"### What only {_md(o['outlet'])} reports ({_n(o['articles'], 'article')} · "
                         f"{_n(o['total'], 'claim')} only here{shown})")
            lines += [f"- {_md(c['text'])} — {_md(c['origin_summary'])}" for c in o["claims"]] or ["- (nothing only here)"]
            lines.append("")
        dated = [t for t in d["timeline"] if t.get("dated", True)]
        undated = [t for t in d["timeline"] if not t.get("dated", True)]
        for title, entries in (("## Timeline", dated), ("### Events without a date", undated)):
            if not entries and title.startswith("###"):
                continue
            lines += [title, "", "| When | Event | Actor | Target | Place | Outlets |", "|---|---|---|---|---|---|"]
            for t in entries:
                where = ", ".join(sorted({s["outlet"] or "unknown" for s in t["sources"]}))
                lines.append(f"| {_md(t.get('when') or 'undated')} | {_md(t['type'])} {_md(t['action'])} | "
                             f"{_md(t['actor'])} | {_md(t['target'])} | {_md(t['place'])} | {_md(where)} |")
            lines.append("")
        lines += ["## Who said what", ""]
        for group in d["quotes"]:
            lines.append(f"### {_md(group['speaker'])}")
            lines += [f"- {_md(q['outlet'])}: {_md(_quoted(q['text']))}" for q in group["quotes"]]
            lines.append("")
        rest = hidden_claims(d["claims"], sections)
        if rest:
            lines += [f"## Other claims ({len(rest)})", "", "| Status | Sourcing | Claim | Outlets |", "|---|---|---|---|"]
            lines += [f"| {_md(c['status'])} | {_md(c['origin_summary'])} | {_md(c['text'])} | {_md(_outlets_of(c))} |"
                      for c in rest]
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def _n(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _quoted(text: str) -> str:
    # a quote that opens or closes with its own marks keeps them, not a second pair
    opening = "" if text.startswith(("“", '"')) else "“"
    closing = "" if text.endswith(("”", '"')) else "”"
    return f"{opening}{text}{closing}"


def _md_key_claims(sections: dict) -> list[str]:
    key = sections["key"]
    more = f" ({len(key)} of {sections['key_total']})" if sections["key_total"] > len(key) else ""
    lines = [f"## Key claims{more}", "", "Corroborated, contested, and what several outlets report; "
             "most outlets and origins first.", "", "| Status | Sourcing | Claim | Outlets |", "|---|---|---|---|"]
    lines += [f"| {_md(c['status'])} | {_md(c['origin_summary'])} | {_md(c['text'])} | {_md(_outlets_of(c))} |"
              for c in key]
    lines.append("")
    for c in key:
        if c["status"] != "contested" or not c.get("versions"):
            continue
        # the versions side by side: one column per version, its outlets and its sentences
        heads = [f"“{_md(v['text'])}”" for v in c["versions"]]
        lines += [f"### Contested: {_md(c['text'])}", "", "| " + " | ".join(heads) + " |",
                  "|" + "---|" * len(heads),
                  "| " + " | ".join(_md(", ".join(v["outlets"])) for v in c["versions"]) + " |",
                  "| " + " | ".join(_md(" ".join(f"{m['outlet'] or 'unknown'}: {m['text']}"
                                                 for m in c["mentions"] if m.get("version", 0) == i))
                                   for i in range(len(c["versions"]))) + " |", ""]
    return lines


@lru_cache(maxsize=1)
def _html_template():
    from jinja2 import Environment, PackageLoader, select_autoescape

    env = Environment(loader=PackageLoader("storyweave.web", "templates"), autoescape=select_autoescape(default=True))
    return env.get_template("export_dossier.html")


def html_dossier(items: list[dict]) -> str:
    """Dossiers as one self-contained HTML file (inline CSS, no scripts, nothing fetched)."""
    return _html_template().render(dossiers=[{**d, "rest": hidden_claims(d["claims"], d["sections"])} for d in items])


def write_export(store: Store, fmt: str, out, story_id: Optional[str] = None, folder=None) -> str:
    """Write one export format; returns a one-line summary for the CLI.

    ``out`` is a text stream for every format but csv, which writes
    ``events.csv``, ``quotes.csv`` and ``claims.csv`` into ``folder``.
    """
    import json
    from pathlib import Path

    from storyweave.export.document import write_json
    from storyweave.queries.stories import find_story

    if fmt not in FORMATS:
        raise StoryweaveError(f"unknown export format {fmt!r}; available: {', '.join(FORMATS)}")
    if story_id is not None:
        found = find_story(store, story_id)
        if found is None:
            raise StoryweaveError(f"no story {story_id!r}; list them with `storyweave stories`")
        story_id = found
    if fmt in ("md", "html"):
        items = dossiers(store, story_id)
        out.write(markdown_dossier(items) if fmt == "md" else html_dossier(items))
        return f"{len(items)} stories"
    document = story_document(store, story_id)
    if fmt == "json":
        write_json(document, out)
        return f"{len(document['articles'])} articles"
    if fmt == "geojson":
        collection = geojson(document)
        json.dump(collection, out, ensure_ascii=False, indent=2)
        out.write("\n")
        return f"{len(collection['features'])} features"
    if folder is None:
        raise StoryweaveError("csv writes three files (events, quotes, claims): give -o FOLDER")
    target = Path(folder)
    target.mkdir(parents=True, exist_ok=True)
    for name, content in csv_tables(document).items():
        (target / name).write_text(content, encoding="utf-8")
    return f"events.csv, quotes.csv and claims.csv in {target}"
