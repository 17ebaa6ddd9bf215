"""Read-side views of stories: the list, the dossier, and the export's stories and claims.

One set of functions feeds the CLI, the JSON export and (later) the API and web
pages, so they always agree.
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from functools import lru_cache
from typing import Optional

from storyweave.queries.dates import date_span, readable_date, readable_period
from storyweave.queries.sections import by_score, claim_sections
from storyweave.rulefiles import read_toml, rule_path
from storyweave.store import stories as story_store
from storyweave.store.database import Store

_WORDS = re.compile(r"\w[\w'’-]*")

STATUSES = ("corroborated", "contested", "single-source")


def list_stories(store: Store, limit: Optional[int] = None) -> list[dict]:
    """Stories, largest first: title, article and outlet counts, claim status counts, time range."""
    with store.read() as conn:
        rows = story_store.story_rows(conn, limit)
        ids = [r["id"] for r in rows]
        outlets = story_store.outlets_by_story(conn, ids)
        counts = story_store.claim_status_counts(conn, ids)
    for row in rows:
        row["outlets"] = len(outlets.get(row["id"], ()))
        row["claims"] = {status: counts.get(row["id"], Counter()).get(status, 0) for status in STATUSES}
    return rows


def find_story(store: Store, story_id: str) -> Optional[str]:
    """The id of the story ``story_id`` names (exactly, or as the story of that article id)."""
    with store.read() as conn:
        return story_store.find_story_id(conn, story_id)


def story_dossier(store: Store, story_id: str) -> Optional[dict]:
    """Everything about one story: articles, summary, claims, timeline, who said what, places, outlets.

    ``claims`` holds every aligned claim; ``sections`` the few dozen a reader sees first
    (``storyweave.queries.sections``), the same for the page, the CLI and the exports.

    The rows are read in one transaction (``storyweave.store.stories``), so the parts agree.
    """
    with store.read() as conn:
        story = story_store.story_row(conn, story_id)
        if story is None:
            return None
        members = story_store.story_articles_of(conn, story_id)
        outlet_of = {m["id"]: m["outlet"] for m in members}
        claims = _claims(conn, [story_id])
        event_rows = story_store.foreground_events(conn, story_id)
        quote_rows = story_store.quote_rows(conn, story_id)
        speakers = story_store.speaker_names(conn, story_id)
        place_rows = story_store.map_place_rows(conn, story_id)
    articles_per_outlet = Counter(m["outlet"] or "unknown" for m in members)
    story["seen"] = readable_period(story["first_seen"], story["last_seen"])
    return {
        "story": story,
        "articles": members,
        "claims": claims,
        "sections": claim_sections(claims, articles_per_outlet),
        "timeline": _timeline(event_rows, outlet_of),
        "quotes": _who_said_what(quote_rows, outlet_of, speakers),
        "places": _places(place_rows),
        "outlets": _outlet_comparison(claims, articles_per_outlet),
    }


def story_claims(store: Store, story_id: str, claim_id: Optional[str] = None) -> list[dict]:
    """The aligned claims of one story (or only ``claim_id``), in dossier order."""
    with store.read() as conn:
        return _claims(conn, [story_id], claim_id)


def story_quotes(store: Store, story_id: str) -> list[dict]:
    """The dossier's "who said what": the story's quotes grouped by speaker, most quoted first."""
    with store.read() as conn:
        outlet_of = story_store.outlet_by_article(conn, story_id)
        return _who_said_what(story_store.quote_rows(conn, story_id), outlet_of,
                              story_store.speaker_names(conn, story_id))


def story_outlets(store: Store, story_id: str) -> list[str]:
    """The outlets of a story's articles, sorted (``unknown`` for articles without one)."""
    with store.read() as conn:
        return sorted({outlet or "unknown" for outlet in story_store.story_outlets(conn, story_id)})


def export_stories_and_claims(store: Store) -> dict[str, list[dict]]:
    """The export's ``stories`` and ``claims`` lists."""
    with store.read() as conn:
        story_rows = story_store.all_story_rows(conn)
        members = story_store.article_ids_by_story(conn)
        claims = _claims(conn, [s["id"] for s in story_rows])
    return {
        "stories": [
            {"id": s["id"], "title": s["title"], "articles": members.get(s["id"], []), "first_seen": s["first_seen"],
             "last_seen": s["last_seen"], "summary": s["summary"]}
            for s in story_rows
        ],
        "claims": claims,
    }


def global_entity_names(store: Store) -> dict[tuple[str, str], dict]:
    """(article id, article entity key) → global entity {id, name, type, aliases}."""
    with store.read() as conn:
        return story_store.global_entity_names(conn)


def _claims(conn, story_ids: list[str], claim_id: Optional[str] = None) -> list[dict]:
    groups, mention_rows = story_store.claim_group_rows(conn, story_ids, claim_id)
    mentions = defaultdict(list)
    for r in mention_rows:
        group_id, article_id, outlet, start, end, sentence, attributed_to, origin, hedged, display, version = r
        mentions[group_id].append(
            {"article": article_id, "outlet": outlet, "start": start, "end": end, "text": sentence,
             "display": display or sentence, "attributed_to": attributed_to, "origin": origin,
             "hedged": bool(hedged), "version": version or 0}
        )
    out = [
        {"id": g.id, "story": g.story_id, "text": g.text, "kind": g.kind, "status": g.status,
         "independent_origins": g.independent_origins, "origins": _json_list(g.origins),
         "conflicts": _json_list(g.conflicts), "versions": _json_list(g.versions),
         "outlets": g.outlets or len({m["outlet"] for m in mentions[g.id]}), "score": g.score or 0.0,
         "origin_summary": origin_summary(g.outlets or len({m["outlet"] for m in mentions[g.id]}),
                                          g.independent_origins, _json_list(g.origins)),
         "mentions": mentions[g.id]}
        for g in groups
    ]
    rank = {s: i for i, s in enumerate(STATUSES)}

    def order(c: dict) -> tuple:
        # what is stated by more outlets from more origins first, then the more check-worthy;
        # ties broken by where the claim is first stated, then by id: the rows' own order is
        # not fixed (PostgreSQL returns rewritten rows in another order)
        first = (c["mentions"][0]["article"], c["mentions"][0]["start"]) if c["mentions"] else ("", 0)
        return (rank.get(c["status"], 9), -c["independent_origins"], -c["outlets"], -round(c["score"], 2),
                c["story"], *first, c["id"])

    return sorted(out, key=order)


def origin_summary(outlets: int, origins: int, labels: list) -> str:
    """What a claim's card says of its sourcing: "3 outlets · 1 origin: Syrian military (statement)".

    A label shown twice reads as a mistake ("police (statement), police (statement)"): two
    statements by the police are counted as two origins but named once.
    """
    names = list(dict.fromkeys(o["label"] if isinstance(o, dict) else str(o) for o in labels))
    shown = ", ".join(names[:3]) + ("…" if len(names) > 3 else "")
    text = f"{outlets} outlet{'s' if outlets != 1 else ''} · {origins} origin{'s' if origins != 1 else ''}"
    return f"{text}: {shown}" if shown else text


def _json_list(value: str) -> list:
    # Most groups have no conflicts: skip the decoder for the empty list.
    return [] if value == "[]" else json.loads(value)


def _timeline(event_rows, outlet_of: dict[str, str]) -> list[dict]:
    """News-of-the-day events merged across articles: same type, place and date → one entry.

    ``event_rows`` are the story's foreground events (background ones are filtered in SQL).
    An event with neither a date nor an actor ("? AGREE deal") places nothing on a timeline
    and tells no one who acted: it is left out. ``when`` is the date as a person reads it
    ("the weekend of 30 Nov–1 Dec 2024"); entries are in calendar order (a week before a
    later day, which the TimeML strings do not sort into), undated ones last. ``dated`` says
    whether an entry has a place on the calendar: the pages show those as the timeline and
    the rest ("now", "in the past", no date) apart, behind a count.
    """
    merged: dict[tuple, dict] = {}
    for e in event_rows:
        if not e.date and not e.actor:
            continue
        key = (e.date or "", e.type, (e.place or "").casefold())
        entry = merged.get(key)
        if entry is None:
            entry = merged[key] = {"date": e.date, "when": readable_date(e.date), "type": e.type, "code": e.code,
                                   "action": e.action, "actor": e.actor, "target": e.target, "place": e.place,
                                   "dated": date_span(e.date) is not None, "sources": []}
        entry["sources"].append({"article": e.article_id, "outlet": outlet_of.get(e.article_id),
                                 "start": e.start, "end": e.end, "attributed_to": e.attributed_to})

    def order(entry: dict) -> tuple:
        span = date_span(entry["date"])
        # a value with no calendar span ("PRESENT_REF") after the dated ones, before the undated
        rank = 0 if span else (1 if entry["date"] else 2)
        return (rank, span or (), entry["date"] or "", entry["type"])

    return sorted(merged.values(), key=order)


@lru_cache(maxsize=1)
def _rules() -> dict:
    return read_toml(rule_path("storyweave.queries", "rules", "dossier.toml"))


def is_statement(kind: Optional[str], cue: Optional[str], speaker: Optional[str], outlet: Optional[str],
                 text: Optional[str] = None, direct: bool = False) -> bool:
    """Whether a quote belongs in "who said what": said, written or stated as a belief by someone.

    Attitudes, intentions and evidence verbs are dropped ("Russia — its war in Ukraine — focused"),
    noun cues kept only for nouns of speech or belief ("statement", not "plan"), and an outlet
    counts as a speaker in its own article only when it says something ("NBC News could not
    confirm claims" is reporting, not a statement). Reported words too few to state anything
    ("pleaded his deception", "a claim of mental illness") are no statement; a quotation in
    the speaker's own words is, however short. The word lists are in ``rules/dossier.toml``.
    """
    rules = _rules()["who_said_what"]
    if text is not None and not direct and len(_WORDS.findall(text)) < rules["min_reported_words"]:
        return False
    if kind == rules["nominal_kind"]:
        noun = (cue or "").casefold().split()[-1:] or [""]
        if not _singular(noun[0]) & set(rules["speech_nouns"]):
            return False
    elif kind not in rules["kinds"]:
        return False
    if speaker and outlet and speaker.casefold() == outlet.casefold():
        return kind in rules["outlet_self_kinds"]
    return True


def _singular(noun: str) -> set[str]:
    # "accusations", "warnings": the word lists hold singulars
    return {noun, noun[:-1] if noun.endswith("s") else noun}


def _who_said_what(quote_rows, outlet_of: dict[str, str], speakers: dict[tuple[str, str], str]) -> list[dict]:
    """Statements grouped by speaker, most quoted first, quotes without a speaker last.

    A speaker is named as the story knows them (``speakers``: an article's "Obama" is the
    story's "Barack Obama"), so one person's statements from every outlet are listed together.
    """
    by_speaker: dict[str, list] = defaultdict(list)
    for q in quote_rows:
        outlet = outlet_of.get(q.article_id)
        if not is_statement(q.kind, q.cue, q.speaker_entity or q.speaker, outlet, q.text, bool(q.direct)):
            continue
        speaker = q.speaker_entity or q.speaker or "unattributed"
        speaker = speakers.get((q.article_id, speaker), speaker)
        if speaker.casefold() in _rules()["who_said_what"]["pronouns"]:
            speaker = "unattributed"  # a "he said" the article does not resolve names no one
        by_speaker[speaker].append({"article": q.article_id, "outlet": outlet,
                                    "text": q.text, "cue": q.cue, "direct": bool(q.direct), "kind": q.kind,
                                    "start": q.start, "end": q.end})
    for variant, name in _case_variants(by_speaker).items():
        by_speaker[name].extend(by_speaker.pop(variant))
    for surname, full in _full_names(by_speaker).items():
        by_speaker[full].extend(by_speaker.pop(surname))
    return sorted(({"speaker": s, "quotes": qs} for s, qs in by_speaker.items()),
                  key=lambda x: (x["speaker"] == "unattributed", -len(x["quotes"])))


def _case_variants(by_speaker: dict[str, list]) -> dict[str, str]:
    """Speakers written alike but for case ("police" in one sentence, "Police" opening
    another), each mapped to the form with most statements (then the first in order)."""
    forms: dict[str, list[str]] = defaultdict(list)
    for name in by_speaker:
        forms[name.casefold()].append(name)
    out = {}
    for names in forms.values():
        if len(names) > 1:
            keep = max(names, key=lambda n: len(by_speaker[n]))
            out.update({n: keep for n in names if n != keep})
    return out


def _full_names(by_speaker: dict[str, list]) -> dict[str, str]:
    """One-word speakers that are the surname of exactly one speaker named in full ("Salazar"
    of "Ken Salazar"), where an article's "Salazar" is not linked to a story entity: news
    names a person in full once, then by surname."""
    full_names: dict[str, list[str]] = defaultdict(list)
    for name in by_speaker:
        words = name.split()
        if len(words) >= 2 and words[-1][:1].isupper():
            full_names[words[-1].casefold()].append(name)
    return {name: full_names[name.casefold()][0] for name in by_speaker
            if " " not in name and name[:1].isupper() and len(full_names.get(name.casefold(), ())) == 1}


def _places(rows) -> list[dict]:
    places: dict[str, dict] = {}
    for r in rows:
        key = r.global_id or r.name
        item = places.get(key)
        if item is None:
            item = places[key] = {"name": r.name, "lat": r.lat, "lon": r.lon, "country": r.country,
                                  "articles": set()}
        item["articles"].add(r.article_id)
    return sorted(({**p, "articles": sorted(p["articles"])} for p in places.values()),
                  key=lambda p: (-len(p["articles"]), p["name"]))


def _outlet_comparison(claims: list[dict], articles_of: Counter) -> list[dict]:
    """Per outlet: its articles and every claim only it reports, the most check-worthy first.

    The whole list, for the API; the dossier shows the first few (``sections``, which lead
    with a claim one outlet holds from two independent origins instead).
    """
    # One pass over the claims (not one per outlet): bucket each claim reported by a single outlet.
    alone: dict[str, list[dict]] = defaultdict(list)
    for claim in claims:
        reporting = {m["outlet"] or "unknown" for m in claim["mentions"]}
        if len(reporting) == 1:
            alone[next(iter(reporting))].append(claim)
    return [{"outlet": outlet, "articles": articles_of[outlet], "only_here": by_score(alone[outlet])}
            for outlet in sorted(articles_of)]
