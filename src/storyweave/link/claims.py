"""Claim alignment across outlets: corroborated, single-source and contested claims.

``align_claims`` takes each article's claims (``storyweave.nlp.claims``) and works in
numbered stages:

1. select: check-worthy factual claims only. Opinions and predictions are left out of
   the groups altogether (our choice: they cannot be corroborated or contradicted as
   facts, and a group that is never "corroborated" would only add noise to the matrix);
2. normalise each claim: a predicate class from ``rules/claims/predicates.toml``
   ("captured", "took", "entered", "fell to" → *take control*), the actor as global entity
   id and role class (``roles.toml``: "rebels", "opposition forces", "HTS-led forces" →
   *armed opposition*), the object as global entity id or its content words, and the
   period (a state "prior to Thursday" is not today's state; ``conflicts.toml``);
3. group: a claim joins a group when it is compatible with every member (same class and
   period, compatible actor and object, no disjoint places);
4. conflicts: inside a group, negation mismatches and numbers beyond tolerance; across
   groups, exclusive states (one side holds a place, the other side holds it too) and
   rankings of one subject on one dimension ("second-largest" vs "most-populous" city):
   such groups merge into one *contested* group that says why;
5. origins (``storyweave.link.origins``) and status: contested when conflicts were
   found, corroborated with two or more independent origins, else single-source.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import re
import tomllib
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from storyweave.link.origins import (
    RULES,
    Origin,
    OriginIndex,
    OriginKey,
    build_origins,
    content_words,
    merge_shared_quotes,
)

logger = logging.getLogger(__name__)

__all__ = ["ArticleClaims", "ClaimGroup", "ClaimMention", "align_claims", "article_claims_from_analysis"]

#: kinds that are never aligned (stage 1)
UNALIGNED_KINDS = frozenset({"opinion", "prediction"})
#: claims scored below this by the claims component are not worth a row in the matrix
MIN_CHECK_WORTHY = 0.5
#: objects without entity ids match at this content-word Jaccard
OBJECT_OVERLAP = 0.5
_PRONOUNS = frozenset(
    ["it", "they", "them", "this", "that", "which", "what", "who", "he", "she", "him", "her", "one", "there"]
)
_EMPTY: Mapping[str, str] = MappingProxyType({})


@dataclass(frozen=True)
class ArticleClaims:
    """One article's claims with what alignment needs to know about the article.

    ``entity_ids`` maps the article's entity keys to global entity ids;
    ``entity_names`` maps lower-case canonical names (and aliases) to global ids, so a
    speaker named only by text ("Syrian Defense Ministry") finds its entity.
    """

    article_id: str
    outlet: str | None
    published: str | None
    duplicate_of: str | None
    claims: tuple = ()
    quotes: tuple = ()
    entity_ids: Mapping[str, str] = field(default_factory=lambda: _EMPTY)
    entity_names: Mapping[str, str] = field(default_factory=lambda: _EMPTY)


@dataclass(frozen=True)
class ClaimMention:
    """Where one outlet makes the claim; ``origin_key`` is its (first) independent origin."""

    article_id: str
    outlet: str | None
    start: int
    end: int
    text: str
    attributed_to: str | None
    origin_key: str
    hedged: bool
    origin_keys: tuple[str, ...] = ()
    negated: bool = False


@dataclass(frozen=True)
class ClaimGroup:
    """One claim across outlets with its status and independent origins."""

    id: str
    text: str
    kind: str
    status: str  # "corroborated" | "single-source" | "contested"
    independent_origins: int
    origins: tuple[Origin, ...]
    mentions: tuple[ClaimMention, ...]
    conflicts: tuple[str, ...] = ()
    predicate_class: str = ""


@dataclass(frozen=True)
class AlignmentRules:
    """The data files of ``rules/claims`` in the shape alignment uses."""

    predicates: dict[str, str]  # predicate or "action:<a>" -> class
    labels: dict[str, str]
    inverse: frozenset[str]
    roles: dict[str, tuple[str, frozenset[str], frozenset[str]]]  # class -> (label, words, names)
    exclusive: frozenset[str]
    past: tuple[str, ...]
    number_ratio: float
    vague: dict[str, tuple[float, float]]
    dimensions: dict[str, str]  # superlative word -> dimension
    ordinals: dict[str, int]


@functools.lru_cache(maxsize=1)
def load_alignment_rules() -> AlignmentRules:
    """Read ``predicates.toml``, ``roles.toml`` and ``conflicts.toml`` once."""

    def read(name: str) -> dict:
        with open(RULES / name, "rb") as fh:
            return tomllib.load(fh)

    preds, roles, conflicts = read("predicates.toml"), read("roles.toml"), read("conflicts.toml")
    table: dict[str, str] = {}
    labels, inverse = {}, set()
    for name, spec in preds["classes"].items():
        labels[name] = spec["label"]
        table.update({p: name for p in spec.get("predicates", ())})
        table.update({f"action:{a}": name for a in spec.get("actions", ())})
        inverse.update(spec.get("inverse", ()))
    dims = {w: dim for dim, words in conflicts["rank_dimensions"].items() for w in words}
    return AlignmentRules(
        predicates=table,
        labels=labels,
        inverse=frozenset(inverse),
        roles={
            k: (v["label"], frozenset(v["words"]), frozenset(v.get("names", ()))) for k, v in roles.items()
        },
        exclusive=frozenset(conflicts["exclusive_actor_classes"]),
        past=tuple(conflicts["past_markers"]),
        number_ratio=float(conflicts["number_ratio"]),
        vague={k: (float(a), float(b)) for k, (a, b) in conflicts["vague"].items()},
        dimensions=dims,
        ordinals={k: int(v) for k, v in conflicts["ordinals"].items()},
    )


# -- stage 2: normalised claims --------------------------------------------------------------
@dataclass
class _Item:
    article: ArticleClaims
    claim: Any
    cls: str
    actors: frozenset[str]  # global ids and role classes; empty when unknown
    object: str | None
    object_words: frozenset[str]
    places: frozenset[str]
    period: str
    rank: tuple[str | None, int, str] | None = None  # (dimension, ordinal, noun)
    keys: tuple[OriginKey, ...] = ()
    quote: str | None = None

    @property
    def key(self) -> str:
        # Span and signature: one clause can state two claims (an event and a number).
        return f"{self.article.article_id}:{self.claim.start}:{self.claim.end}:{self.claim.signature}"


def predicate_class(claim: Any, rules: AlignmentRules) -> str:
    """The equivalence class of a claim's predicate ("took over" → ``take_control``)."""
    pred = (claim.predicate or "").lower().strip()
    if claim.kind == "ranking":
        return "rank"
    # the whole predicate only: a phrasal verb is its own verb ("die down" is not "die")
    if pred in rules.predicates:
        return rules.predicates[pred]
    action = (claim.signature or "").split("|")[0]
    return rules.predicates.get(f"action:{action}", f"pred:{pred or action}")


def role_classes(text: str | None, rules: AlignmentRules) -> set[str]:
    """The actor role classes a phrase names ("HTS-led forces" → ``armed_opposition``)."""
    if not text:
        return set()
    low = text.lower().replace("’", "'")
    words = set(re.findall(r"[\w'-]+", low)) | set(re.findall(r"\w+", low))
    return {
        name
        for name, (_, role_words, names) in rules.roles.items()
        if words & role_words or any(n in low for n in names)
    }


def _actor_keys(
    article: ArticleClaims, entity: str | None, texts: Iterable[str | None], rules: AlignmentRules
) -> frozenset[str]:
    keys: set[str] = set()
    if entity:
        keys.add(article.entity_ids.get(entity, f"{article.article_id}:{entity}"))
    roles = set().union(*(role_classes(t, rules) for t in texts))
    keys.update(f"role:{r}" for r in roles)
    if not keys:
        words = frozenset(content_words(next((t for t in texts if t), None))) - _PRONOUNS
        if words:
            keys.add("text:" + " ".join(sorted(words)))
    return frozenset(keys)


def _number_free(words: frozenset[str], rules: AlignmentRules) -> frozenset[str]:
    return frozenset(w for w in words if not w.isdigit() and w not in rules.vague and w not in _PRONOUNS)


def _rank(claim: Any, rules: AlignmentRules) -> tuple[str | None, int, str]:
    """(dimension, ordinal, noun) of "be second-largest city of" → ("size", 2, "city")."""
    pred = (claim.predicate or "").lower().removeprefix("be ").removesuffix(" of").strip()
    words = pred.split()
    noun = words[-1] if words else ""
    head = " ".join(words[:-1]) if len(words) > 1 else pred
    ordinal = 1
    for word, value in rules.ordinals.items():
        if head.startswith((word + "-", word + " ")):
            ordinal, head = value, head[len(word) + 1 :]
    dimension = rules.dimensions.get(head) or rules.dimensions.get(
        head.removeprefix("most-").removeprefix("most ")
    )
    return dimension, ordinal, noun


def _normalise(article: ArticleClaims, claim: Any, rules: AlignmentRules) -> _Item:
    cls = predicate_class(claim, rules)
    parts = (claim.signature or "||").split("|") + ["", ""]
    subj = (claim.subject_entity, (claim.subject, parts[1]))
    obj = (claim.object_entity, claim.object)
    if (claim.predicate or "").lower() in rules.inverse:  # "Hama fell to the rebels"
        subj, obj = (claim.object_entity, (claim.object, parts[2])), (claim.subject_entity, claim.subject)
    actors = _actor_keys(article, subj[0], subj[1], rules)
    obj_id = article.entity_ids.get(obj[0], f"{article.article_id}:{obj[0]}") if obj[0] else None
    obj_words = _number_free(content_words(obj[1]), rules)
    low = claim.text.lower()
    period = "past" if any(re.search(r"\b" + re.escape(m) + r"\b", low) for m in rules.past) else "now"
    places = frozenset(article.entity_ids.get(p, p) for p in claim.places)
    rank = _rank(claim, rules) if cls == "rank" else None
    return _Item(article, claim, cls, actors, obj_id, obj_words, places, period, rank)


# -- stage 3: grouping ---------------------------------------------------------------------
def _objects_compatible(a: _Item, b: _Item) -> bool:
    if a.object and b.object:
        return a.object == b.object
    if a.object or b.object:
        return False  # "X withdrew from Hama" is not "X redeployed"
    if not a.object_words or not b.object_words:
        return a.object_words == b.object_words
    return len(a.object_words & b.object_words) / len(a.object_words | b.object_words) >= OBJECT_OVERLAP


def _compatible(a: _Item, b: _Item) -> bool:
    if a.cls != b.cls or a.period != b.period or not _objects_compatible(a, b):
        return False
    if a.actors and b.actors and not a.actors & b.actors:
        return False
    if a.cls.startswith("pred:") and not (a.actors and b.actors):
        return False  # a predicate outside the classes needs its actors on both sides
    if not (a.actors and b.actors) and not (a.object or a.object_words):
        return False  # an unknown actor joins only a claim with a definite object
    # without an object, places tell claims apart ("redeployed jets to Ukraine")
    return not (not a.object and a.places and b.places and not a.places & b.places)


def _group(items: list[_Item]) -> list[list[_Item]]:
    """First fit: each claim joins the first group whose every member it is compatible with.

    Compatible claims share class, period and object id, so a group's members all share
    its first member's: only groups with the claim's own are tried (in creation order,
    so the result is the one trying every group gives, at a cost that grows with the
    block instead of with the story).
    """
    groups: list[list[_Item]] = []
    blocks: dict[tuple, list[list[_Item]]] = {}
    for item in items:
        block = blocks.setdefault((item.cls, item.period, item.object), [])
        for group in block:
            if all(_compatible(item, member) for member in group):
                group.append(item)
                break
        else:
            block.append([item])
            groups.append(block[-1])
    return groups


# -- stage 4: conflicts ----------------------------------------------------------------------
def _range(number: Any, rules: AlignmentRules) -> tuple[float, float] | None:
    text = (number.text or "").lower()
    if text in rules.vague:
        return rules.vague[text]
    if number.value is None:
        return None
    return float(number.value), float(number.value)


def _internal_conflicts(group: list[_Item], rules: AlignmentRules) -> list[str]:
    reasons = []
    if group[0].rank is not None:
        pair = next(
            ((i, j) for x, i in enumerate(group) for j in group[x + 1 :] if _ranks_conflict(i, j)), None
        )
        if pair:
            i, j = pair
            reasons.append(f"ranking: {_who(i)} “{i.claim.text}” vs {_who(j)} “{j.claim.text}”")
    negated = [i for i in group if i.claim.negated]
    if negated and len(negated) < len(group):
        a, b = next(i for i in group if not i.claim.negated), negated[0]
        reasons.append(f"negation: {_who(a)} says “{a.claim.text}”, {_who(b)} says “{b.claim.text}”")
    numbered = [(i, _range(i.claim.numbers[0], rules)) for i in group if len(i.claim.numbers) == 1]
    numbered = [(i, r) for i, r in numbered if r is not None and r[1] > 0]
    for x, (a, ra) in enumerate(numbered):
        for b, rb in numbered[x + 1 :]:
            units = {a.claim.numbers[0].unit, b.claim.numbers[0].unit} - {None}
            if len(units) > 1:
                continue
            low, high = (ra, rb) if ra[1] <= rb[1] else (rb, ra)
            if high[0] > low[1] * rules.number_ratio:
                reasons.append(
                    f"numbers: {_who(a)} “{a.claim.numbers[0].text}” vs {_who(b)} “{b.claim.numbers[0].text}”"
                )
    return reasons


def _ranks_conflict(a: _Item, b: _Item) -> bool:
    (da, oa, na), (db, ob, nb) = a.rank, b.rank  # type: ignore[misc]
    return da is not None and da == db and oa != ob and (na == nb or not na or not nb)


def _cross_conflicts(groups: list[list[_Item]], rules: AlignmentRules) -> list[tuple[int, int, str]]:
    """Pairs of groups that contradict each other, with the reason."""
    # Only rankings, and exclusive states (control) of one object, can conflict, and only
    # within one class and period: pairs are formed inside those blocks alone.
    blocks: dict[tuple, list[int]] = {}
    for x, group in enumerate(groups):
        first = group[0]
        if first.cls == "rank":
            blocks.setdefault((first.cls, first.period), []).append(x)
        elif first.cls in rules.exclusive and first.object:
            blocks.setdefault((first.cls, first.period, first.object), []).append(x)
    out = []
    for x, y in sorted((x, y) for block in blocks.values() for n, x in enumerate(block) for y in block[n + 1 :]):
        ga, gb = groups[x], groups[y]
        a, b = ga[0], gb[0]
        if a.cls == "rank":
            if _objects_compatible(a, b) and a.actors & b.actors:
                pair = next(((i, j) for i in ga for j in gb if _ranks_conflict(i, j)), None)
                if pair:
                    i, j = pair
                    out.append((x, y, f"ranking: {_who(i)} “{i.claim.text}” vs {_who(j)} “{j.claim.text}”"))
        else:
            roles_a = {k for k in a.actors if k.startswith("role:")}
            roles_b = {k for k in b.actors if k.startswith("role:")}
            held_a = [i for i in ga if not i.claim.negated]
            held_b = [j for j in gb if not j.claim.negated]
            if roles_a and roles_b and not roles_a & roles_b and held_a and held_b:
                i, j = held_a[0], held_b[0]
                out.append((x, y, f"control: {_who(i)} “{i.claim.text}” vs {_who(j)} “{j.claim.text}”"))
    return out


def _who(item: _Item) -> str:
    outlet = item.article.outlet or item.article.article_id
    speaker = item.claim.attributed_to
    return f"{outlet} ({speaker})" if speaker else outlet


# -- stage 5: origins, status and records -------------------------------------------------------
def _quote_text(article: ArticleClaims, claim: Any) -> str | None:
    if claim.quote_start is None:
        return None
    for quote in article.quotes:
        if quote.start_char == claim.quote_start:
            return quote.text
    return None


def _record(
    group: list[_Item], conflicts: list[str], representative: Mapping[str, str], rules: AlignmentRules
) -> ClaimGroup:
    origins = build_origins(((i.article.article_id, i.keys) for i in group), representative)
    by_origin = {o.key: o.mentions for o in origins}
    mentions = []
    for item in sorted(group, key=lambda i: (i.article.article_id, i.claim.start, i.claim.end)):
        keys = tuple(dict.fromkeys(representative.get(k.key, k.key) for k in item.keys))
        c = item.claim
        mentions.append(
            ClaimMention(
                item.article.article_id,
                item.article.outlet,
                c.start,
                c.end,
                c.text,
                c.attributed_to,
                keys[0],
                bool(c.hedged),
                keys,
                bool(c.negated),
            )
        )
    # best-attested, un-hedged, affirmative first; then the more check-worthy
    best = min(
        group,
        key=lambda i: (
            bool(i.claim.hedged),
            bool(i.claim.negated),
            -max(by_origin.get(representative.get(k.key, k.key), 0) for k in i.keys),
            -i.claim.check_worthy,
            i.article.article_id,
            i.claim.start,
        ),
    )
    if conflicts:
        status = "contested"
    elif len(origins) >= 2:
        status = "corroborated"
    else:
        status = "single-source"
    member_keys = sorted(i.key for i in group)
    gid = "claim:" + hashlib.sha1("\n".join(member_keys).encode()).hexdigest()[:16]
    kind = Counter(i.claim.kind for i in group).most_common(1)[0][0]
    return ClaimGroup(
        gid,
        best.claim.text,
        kind,
        status,
        len(origins),
        origins,
        tuple(mentions),
        tuple(dict.fromkeys(conflicts)),
        rules.labels.get(group[0].cls, group[0].cls),
    )


def align_claims(articles: Sequence[ArticleClaims], rules: AlignmentRules | None = None) -> list[ClaimGroup]:
    """Group the articles' claims across outlets and give each group its status.

    Groups come back contested first, then by independent origins (most first), then in
    order of first appearance.
    """
    rules = rules or load_alignment_rules()
    index = OriginIndex(articles)
    items = []
    for article in articles:  # stage 1
        for claim in article.claims:
            if claim.kind in UNALIGNED_KINDS or claim.check_worthy < MIN_CHECK_WORTHY:
                continue
            item = _normalise(article, claim, rules)
            item.keys = index.keys_for(article.article_id, claim.attributed_to, claim.attribution_text)
            item.quote = _quote_text(article, claim)
            items.append(item)
    groups = _group(items)
    reasons: dict[int, list[str]] = {i: _internal_conflicts(g, rules) for i, g in enumerate(groups)}
    parent = list(range(len(groups)))  # contested groups merge (union-find over group indexes)

    def find(i: int) -> int:
        while parent[i] != i:
            i = parent[i]
        return i

    for x, y, reason in _cross_conflicts(groups, rules):
        rx, ry = find(x), find(y)
        if rx != ry:
            parent[ry] = rx
            reasons[rx] = reasons[rx] + reasons[ry]
        reasons[rx].append(reason)
    merged: dict[int, list[_Item]] = {}
    for i, group in enumerate(groups):
        merged.setdefault(find(i), []).extend(group)
    representative = merge_shared_quotes([(i.article.article_id, i.keys, i.quote) for i in items])
    out = [_record(group, reasons[root], representative, rules) for root, group in merged.items()]
    order = {id(g): n for n, g in enumerate(out)}
    out.sort(key=lambda g: (g.status != "contested", -g.independent_origins, order[id(g)]))
    logger.debug("aligned %d claims from %d articles into %d groups", len(items), len(articles), len(out))
    return out


def article_claims_from_analysis(
    analysis: Any, outlet: str | None, published: str | None, resolution: Any, duplicate_of: str | None = None
) -> ArticleClaims:
    """``ArticleClaims`` from an ``ArticleAnalysis`` and a ``link.entities.Resolution``."""
    ids: dict[str, str] = {}
    names: dict[str, str] = {}
    for entity in analysis.entities:
        gid = resolution.assignments.get((analysis.article_id, entity.key))
        if gid is None:
            continue
        ids[entity.key] = gid
        for name in (entity.name, *entity.aliases):
            names.setdefault(name.lower(), gid)
    return ArticleClaims(
        analysis.article_id,
        outlet,
        published,
        duplicate_of,
        tuple(analysis.claims),
        tuple(analysis.quotes),
        MappingProxyType(ids),
        MappingProxyType(names),
    )
