"""Claim alignment across the outlets of a story: corroborated, single-source, contested.

``align_claims`` takes each article's claim units (``storyweave.nlp.claims``) and works in
numbered stages:

1. lay the story's units out in one table (``features.UnitTable``): sentence vectors from
   the static encoder, content words, global entity ids, numbers, dates;
2. candidates: each unit with its most similar units in every other article;
   the learned matcher (``matcher.py``) gives each candidate pair P(same fact);
3. group, without chaining: pairs are taken most probable first, and a unit joins a group
   only when it states the same fact as every member from another article
   (complete link). A unit that states several facts ("overpowered two guards,
   handcuffed them and took their weapons") also joins, as an extra mention, each
   other group whose every member it matches;
4. contested: a pair of units from different outlets that would be one fact if they
   agreed, but give incompatible numbers, dates or polarity; and outlets that rank one
   place differently on one dimension ("second-largest" vs "most-populous" city);
5. independent origins (``storyweave.link.origins``) and status: contested where outlets
   disagree, corroborated with two or more independent origins, else single-source.
"""

from __future__ import annotations

import hashlib
import logging
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from storyweave.link.claims.features import (
    UnitTable,
    build_table,
    candidate_pairs,
    dates_agree,
    numbers_agree,
    pair_features,
    word_similarities,
)
from storyweave.link.claims.matcher import ClaimMatcher, load_matcher
from storyweave.link.claims.records import ArticleClaims, ClaimGroup, ClaimMention, ClaimVersion
from storyweave.link.origins import Origin, OriginIndex, OriginKey, build_origins, merge_shared_quotes

logger = logging.getLogger(__name__)

#: a unit that states several facts joins at most this many other groups as an extra mention
MAX_EXTRA_GROUPS = 3


@dataclass
class Unit:
    """One claim unit of the story with what alignment knows about its article."""

    article: ArticleClaims
    position: int  # the article's index in the story
    claim: object  # storyweave.records.Claim
    entities: frozenset[str]
    keys: tuple[OriginKey, ...] = ()
    quote: str | None = None

    @property
    def key(self) -> str:
        return f"{self.article.article_id}:{self.claim.start}:{self.claim.end}"

    @property
    def outlet(self) -> str:
        return self.article.outlet or self.article.article_id


@dataclass
class Scored:
    """The story's candidate pairs and what the matcher made of them."""

    i: np.ndarray
    j: np.ndarray
    p: np.ndarray
    p_agree: np.ndarray
    rows: np.ndarray
    best_both: np.ndarray
    prob: dict[tuple[int, int], float] = field(default_factory=dict)

    def get(self, a: int, b: int) -> float:
        return self.prob.get((a, b) if a < b else (b, a), 0.0)


# -- stage 1: the table --------------------------------------------------------------------------
def story_units(articles: Sequence[ArticleClaims]) -> list[Unit]:
    """Every claim unit of the story, in article order."""
    units = []
    for position, article in enumerate(articles):
        for claim in article.claims:
            entities = frozenset(article.entity_ids.get(k, f"{article.article_id}:{k}") for k in claim.entities)
            units.append(Unit(article, position, claim, entities))
    return units


def encoders(name: str) -> tuple[Callable, Callable]:
    """(texts → unit vectors, words → unit vectors) of the encoder called ``name``."""
    from storyweave.link.embeddings import load_embedder

    embedder = load_embedder(name)
    cache: dict[str, np.ndarray] = {}

    def encode_words(words: list[str]) -> np.ndarray:
        missing = [w for w in words if w not in cache]
        if missing:
            for word, vector in zip(missing, embedder.encode(missing)):
                cache[word] = vector
        return np.stack([cache[w] for w in words]) if words else np.zeros((0, embedder.dim), np.float32)

    return embedder.encode, encode_words


def story_table(units: Sequence[Unit], encoder: str) -> UnitTable:
    encode, encode_words = encoders(encoder)
    return build_table([(u.position, u.claim, u.entities) for u in units], encode, encode_words)


# -- stage 2: scored pairs -----------------------------------------------------------------------
def score_pairs(table: UnitTable, matcher: ClaimMatcher) -> Scored:
    """Candidate pairs of ``table`` with P(same fact) and P(same fact had they agreed)."""
    i, j, cos, best_i, best_j = candidate_pairs(table, matcher.min_cos, matcher.per_article)
    rows = pair_features(table, i, j, cos, best_i, best_j, word_similarities(table))
    p = matcher.probability(rows)
    scored = Scored(i, j, p, matcher.agreeing_probability(rows), rows, best_i & best_j)
    scored.prob = {(int(a), int(b)): float(x) for a, b, x in zip(i, j, p)}
    return scored


# -- stage 3: groups -----------------------------------------------------------------------------
#: no member of a group is less likely than this to state the fact of any other member
LINK_FLOOR = 0.25


def _joins(unit: int, members: list[int], table: UnitTable, scored: Scored, floor: float) -> bool:
    """Whether ``unit`` states the group's fact: on average at least ``floor`` likely to state
    each member's, and never unlikely (``LINK_FLOOR``) to state any one's."""
    ps = [scored.get(unit, m) for m in members if m != unit]
    return bool(ps) and min(ps) >= LINK_FLOOR and sum(ps) / len(ps) >= floor


def _merges(first: list[int], second: list[int], scored: Scored, floor: float) -> bool:
    """Whether two groups state one fact: average linkage over every pair of their members,
    with no pair below ``LINK_FLOOR`` (no chaining through one strong pair)."""
    ps = [scored.get(a, b) for a in first for b in second]
    return min(ps) >= LINK_FLOOR and sum(ps) / len(ps) >= floor


def group_units(table: UnitTable, scored: Scored, matcher: ClaimMatcher) -> tuple[list[list[int]], dict]:
    """Primary groups (each unit in exactly one) and the extra groups multi-fact units join.

    Returns (groups, extra): ``extra`` maps a group index to the units that join it as extra
    mentions.
    """
    group_of: dict[int, int] = {}
    groups: list[list[int]] = []
    order = np.argsort(-scored.p, kind="stable")
    for k in order:
        if scored.p[k] < matcher.threshold:
            break
        a, b = int(scored.i[k]), int(scored.j[k])
        ga, gb = group_of.get(a), group_of.get(b)
        if ga is None and gb is None:
            group_of[a] = group_of[b] = len(groups)
            groups.append([a, b])
        elif ga is None or gb is None:
            unit, target = (a, gb) if ga is None else (b, ga)
            if _joins(unit, groups[target], table, scored, matcher.join_threshold):
                group_of[unit] = target
                groups[target].append(unit)
        elif ga != gb and _merges(groups[ga], groups[gb], scored, matcher.join_threshold):
            for m in groups[gb]:
                group_of[m] = ga
            groups[ga].extend(groups[gb])
            groups[gb] = []
    groups = [g for g in groups if g]
    group_of = {m: n for n, g in enumerate(groups) for m in g}
    for unit in range(len(table)):
        if unit not in group_of:
            group_of[unit] = len(groups)
            groups.append([unit])
    extra: dict[int, list[int]] = defaultdict(list)
    joined: Counter = Counter()
    for k in order:
        if scored.p[k] < matcher.threshold:
            break
        a, b = int(scored.i[k]), int(scored.j[k])
        for unit, other in ((a, b), (b, a)):
            target = group_of[other]
            if group_of[unit] == target or unit in extra[target] or joined[unit] >= MAX_EXTRA_GROUPS:
                continue
            members = groups[target] + extra[target]
            if all(scored.get(unit, m) >= matcher.threshold for m in members if m != unit):  # complete link
                extra[target].append(unit)
                joined[unit] += 1
    return groups, extra


# -- stage 4: contested --------------------------------------------------------------------------
#: polarity contradicts only between units that say nearly the same words otherwise
NEGATION_OVERLAP = 0.6


def disagreement(table: UnitTable, a: int, b: int) -> str | None:
    """Why units ``a`` and ``b`` would contradict each other if they stated one proposition:
    counts of one thing beyond tolerance, specific dates, or polarity; None if they agree."""
    _, numbers = numbers_agree(table.numbers[a], table.numbers[b])
    if numbers:
        return "numbers"
    _, dates = dates_agree(table.dates[a], table.dates[b])
    if dates:
        return "dates"
    words_a, words_b = table.word_sets[a], table.word_sets[b]
    overlap = len(words_a & words_b) / max(len(words_a | words_b), 1)
    explicit = table.denied[a] or table.denied[b]  # "X denied that ...", "... is a hoax"
    if table.negated[a] != table.negated[b] and (overlap >= NEGATION_OVERLAP or explicit):
        return "whether it happened"
    return None


#: a unit that opens on one of these without saying whom it means ("It killed 612 people")
#: may be about another occasion: it contradicts nothing
VAGUE_SUBJECTS = frozenset(["it", "they", "this", "that", "these", "those", "he", "she", "its", "their"])


def _names_its_subject(unit: Unit) -> bool:
    claim = unit.claim
    first = claim.text.split(" ", 1)[0].lower().strip("“\"'‘")
    return first not in VAGUE_SUBJECTS or claim.display != claim.text


def contested_pairs(units: Sequence[Unit], table: UnitTable, scored: Scored, matcher: ClaimMatcher):
    """(a, b, why) for units of different outlets that state one proposition incompatibly."""
    out = []
    for k in range(len(scored.i)):
        if scored.p_agree[k] < matcher.contest_threshold or not scored.best_both[k]:
            continue
        a, b = int(scored.i[k]), int(scored.j[k])
        if units[a].outlet == units[b].outlet or not (_names_its_subject(units[a]) and _names_its_subject(units[b])):
            continue
        why = disagreement(table, a, b)
        if why is not None:
            out.append((a, b, why))
    return out


def ranking_conflicts(units: Sequence[Unit]) -> list[tuple[tuple[int, object], tuple[int, object]]]:
    """Pairs of (unit, rank) from different outlets ranking one place differently on one
    dimension: "Syria's second-largest city" vs "the country's most-populous city"."""
    by_subject: dict[tuple[str, str], list[tuple[int, object]]] = defaultdict(list)
    for n, unit in enumerate(units):
        for rank in unit.claim.ranks:
            subject = unit.article.entity_ids.get(rank.subject)
            if subject:
                by_subject[(subject, rank.dimension)].append((n, rank))
    out = []
    for ranks in by_subject.values():
        for x, (a, ra) in enumerate(ranks):
            for b, rb in ranks[x + 1 :]:
                if (
                    units[a].outlet != units[b].outlet
                    and ra.ordinal != rb.ordinal
                    and (ra.noun == rb.noun)
                ):
                    out.append(((a, ra), (b, rb)))
    return out


# -- stage 5: origins, status, records -----------------------------------------------------------
#: claim kinds that state no fact of their own: they never confirm one
UNCONFIRMING_KINDS = frozenset(["prediction", "opinion"])


def _confirms(unit: Unit) -> bool:
    """Whether a mention confirms its fact: it states it without hedging it in its own words
    ("likely", "reportedly"; an outlet's disclaimer over its sources' claims leaves their
    statements the sources' own) and is not a prediction or an opinion."""
    return not unit.claim.hedges and unit.claim.kind not in UNCONFIRMING_KINDS


def _origins(members: Sequence[Unit], representative: dict[str, str]) -> tuple[Origin, ...]:
    """Independent origins of a group's mentions.

    An article that names a source for the fact relays it: its unattributed mentions add no
    origin of the outlet's own. A hedged or speculative mention ("Damascus was likely
    redeploying forces") confirms nothing when others state the fact outright: it adds no
    origin then.
    """
    confirming = [u for u in members if _confirms(u)] or list(members)
    attributed = {u.article.article_id for u in confirming if any(k.kind == "source" for k in u.keys)}
    mentions = []
    for u in confirming:
        keys = u.keys
        if u.article.article_id in attributed:
            keys = tuple(k for k in keys if k.kind == "source") or keys
        mentions.append((u.article.article_id, keys))
    return build_origins(mentions, representative)


def _mention(u: Unit, representative: dict[str, str], version: int = 0) -> ClaimMention:
    keys = tuple(dict.fromkeys(representative.get(k.key, k.key) for k in u.keys))
    c = u.claim
    return ClaimMention(
        u.article.article_id, u.article.outlet, c.start, c.end, c.text, c.attributed_to, keys[0],
        bool(c.hedged), keys, bool(c.negated), c.display, version,
    )


def _group_id(prefix: str, members: Sequence[Unit]) -> str:
    digest = hashlib.sha1("\n".join(sorted(u.key for u in members)).encode()).hexdigest()[:16]
    return f"{prefix}:{digest}"


def _representative(members: list[int], units: Sequence[Unit], table: UnitTable, scored: Scored) -> Unit:
    """The member that states the group's fact best: most like the others, then a body
    sentence before a headline, affirmative and unhedged, then the shorter."""

    def key(m: int):
        others = [o for o in members if table.article[o] != table.article[m]]
        typical = sum(scored.get(m, o) for o in others) / len(others) if others else 0.0
        c = units[m].claim
        return (-round(typical, 1), bool(c.headline), bool(c.hedged), bool(c.negated), len(c.display), m)

    return units[min(members, key=key)]


def _record(members: list[Unit], extra: list[Unit], text_unit: Unit, representative: dict[str, str],
            prefix: str = "claim", conflicts: Sequence[str] = (), versions: Sequence[list[Unit]] = (),
            version_texts: Sequence[str] = (), text: str | None = None) -> ClaimGroup:
    everyone = members + [u for u in extra if u not in members]
    origins = _origins(everyone, representative)
    if versions:
        mentions = [_mention(u, representative, n) for n, vs in enumerate(versions) for u in vs]
    else:
        mentions = [_mention(u, representative) for u in everyone]
    mentions.sort(key=lambda m: (m.version, m.article_id, m.start, m.end))
    outlets = len({u.outlet for u in everyone})
    if conflicts:
        status = "contested"
    elif len(origins) >= 2 and outlets >= 2:
        status = "corroborated"  # two sources one outlet quotes are that outlet's reporting
    else:
        status = "single-source"
    kind = Counter(u.claim.kind for u in members).most_common(1)[0][0]
    shown = tuple(
        ClaimVersion(t, tuple(sorted({u.outlet for u in vs}))) for t, vs in zip(version_texts, versions)
    )
    score = max(u.claim.check_worthy for u in members)
    return ClaimGroup(
        _group_id(prefix, everyone), text or text_unit.claim.display, kind, status, len(origins), origins,
        tuple(mentions), tuple(dict.fromkeys(conflicts)), shown, outlets, score,
    )


def align_claims(
    articles: Sequence[ArticleClaims], matcher: ClaimMatcher | None = None, encoder: str | None = None
) -> list[ClaimGroup]:
    """Group the articles' claim units across outlets and give each group its status.

    A group is corroborated when two or more outlets state it from two or more independent
    origins. Groups come back contested first, then by independent origins (most first), then by
    outlets, then in order of first appearance.
    """
    matcher = matcher or load_matcher()
    units = story_units(articles)
    if not units:
        return []
    index = OriginIndex(articles)
    for u in units:
        u.keys = index.keys_for(u.article.article_id, u.claim.attributed_to, u.claim.attribution_text, u.claim.text)
        u.quote = _quote_text(u.article, u.claim)
    table = story_table(units, encoder or matcher.encoder)
    scored = score_pairs(table, matcher)
    groups, extra = group_units(table, scored, matcher)
    representative = merge_shared_quotes([(u.article.article_id, u.keys, u.quote) for u in units])
    group_of = {m: n for n, g in enumerate(groups) for m in g}
    out: list[ClaimGroup] = []
    absorbed: set[int] = set()

    # stage 4: contested propositions, as groups of their own (versions side by side)
    contested = contested_pairs(units, table, scored, matcher)
    parent: dict[int, int] = {}

    def find(x: int) -> int:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    reasons: dict[int, list[str]] = defaultdict(list)
    for a, b, why in contested:
        parent[find(a)] = find(b)
    for a, b, why in contested:
        reasons[find(a)].append(f"{why}: {units[a].outlet} “{units[a].claim.text}” vs "
                                f"{units[b].outlet} “{units[b].claim.text}”")
    components: dict[int, list[int]] = defaultdict(list)
    for a, b, _ in contested:
        for x in (a, b):
            if x not in components[find(x)]:
                components[find(x)].append(x)
    clashing = {(a, b) for a, b, _ in contested} | {(b, a) for a, b, _ in contested}
    for root, members in components.items():
        sides: list[list[int]] = []  # the versions: members that contradict no one on their side
        for m in sorted(members, key=lambda x: (group_of[x], x)):
            side = next((s for s in sides if not any((m, o) in clashing for o in s)), None)
            if side is None:
                sides.append([m])
            else:
                side.append(m)
        versions = [[units[m] for m in side] for side in sides]
        texts = [vs[0].claim.display for vs in versions]
        everyone = [u for vs in versions for u in vs]
        out.append(_record(everyone, [], everyone[0], representative, "contested", reasons[root], versions, texts))
        for g in {group_of[m] for m in members}:
            if set(groups[g]) <= set(members) and not extra.get(g):
                absorbed.add(g)  # the group is one side of the contest: shown there only
    for (a, ra), (b, rb) in ranking_conflicts(units):
        name = ra.name
        why = f"ranking: {units[a].outlet} “{ra.phrase}” vs {units[b].outlet} “{rb.phrase}”"
        text = f"{name}: “{ra.phrase}” or “{rb.phrase}”?"
        out.append(_record([units[a], units[b]], [], units[a], representative, "rank", [why],
                           [[units[a]], [units[b]]], [ra.phrase, rb.phrase], text))

    extra_units = {m for ms in extra.values() for m in ms}
    for n, members in enumerate(groups):
        if n in absorbed:
            continue
        if len(members) == 1 and not extra.get(n) and members[0] in extra_units:
            continue  # stated elsewhere as part of a group it corroborates: no row of its own
        text_unit = _representative(members, units, table, scored)
        out.append(_record([units[m] for m in members], [units[m] for m in extra.get(n, ())], text_unit,
                           representative))
    order = {id(g): n for n, g in enumerate(out)}
    out.sort(key=lambda g: (g.status != "contested", -g.independent_origins, -g.outlets, order[id(g)]))
    logger.debug("aligned %d claim units from %d articles into %d groups", len(units), len(articles), len(out))
    return out


def _quote_text(article: ArticleClaims, claim) -> str | None:
    if claim.quote_start is None:
        return None
    for quote in article.quotes:
        if quote.start_char == claim.quote_start:
            return quote.text
    return None
