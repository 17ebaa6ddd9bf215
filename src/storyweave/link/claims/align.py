"""Claim alignment across the outlets of a story: corroborated, single-source, contested.

``align_claims`` takes each article's claim units (``storyweave.nlp.claims``) and works in
numbered stages:

1. lay the story's units out in one table (``scoring.story_table``);
2. candidates: each unit with its most similar units in every article; the learned
   matcher gives each pair P(same fact) (``scoring.score_pairs``);
3. group without chaining, multi-fact units joining other groups as extra mentions
   (``grouping.group_units``);
4. contested propositions, each a group of its own with the versions side by side
   (``contested``);
5. independent origins (``storyweave.link.origins``) and status: contested where outlets
   disagree, corroborated when two or more outlets state it from two or more independent
   origins, else single-source (here).
"""

from __future__ import annotations

import functools
import hashlib
import logging
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence

from scipy.cluster.hierarchy import DisjointSet

from storyweave.link.claims.contested import (
    contested_pairs,
    lengths_of_time_differ,
    names_its_subject,
    ranking_conflicts,
)
from storyweave.link.claims.features import SPECULATIVE_KINDS, UnitTable
from storyweave.link.claims.grouping import group_units
from storyweave.link.claims.matcher import ClaimMatcher, load_matcher
from storyweave.link.claims.records import ArticleClaims, ClaimGroup, ClaimMention, ClaimVersion
from storyweave.link.claims.scoring import (
    Scored,
    Unit,
    different_facilities,
    different_speakers,
    different_subjects,
    score_pairs,
    story_table,
    story_units,
)
from storyweave.link.claims.views import view_scores
from storyweave.link.copies import copied_pairs, merge_copied_mentions, wire_families
from storyweave.link.origins import (
    DESCRIBED_PREFIX,
    PERSON_PREFIX,
    Origin,
    OriginIndex,
    build_origins,
    merge_shared_quotes,
)
from storyweave.link.source_names import name_variants
from storyweave.rulefiles import read_lines, rule_path

logger = logging.getLogger(__name__)


# -- stage 5: origins, status, records -----------------------------------------------------------


def _confirms(unit: Unit) -> bool:
    """Whether a mention confirms its fact: it states it without hedging it in its own words
    ("likely", "reportedly"; an outlet's disclaimer over its sources' claims leaves their
    statements the sources' own) and is not a prediction or an opinion."""
    return not unit.claim.hedges and unit.claim.kind not in SPECULATIVE_KINDS


def _origins(members: Sequence[Unit], representative: Mapping[str, str]) -> tuple[Origin, ...]:
    """Independent origins of a group's mentions.

    An outlet that names a source for the fact, in any of its articles, relays it: its
    unattributed mentions add no origin of the outlet's own, and where it names a person as
    the source, the speakers it only describes for the same fact add none either, nor, where
    it names an organisation, a speaker it calls only "the company" or "the agency". A hedged
    or speculative mention ("Damascus was likely redeploying forces") confirms nothing when
    others state the fact outright: it adds no origin then.
    """
    confirming = [u for u in members if _confirms(u)] or list(members)
    # by outlet, not article: an outlet that names its source for the fact in one article
    # (a live blog's "According to Michael Silverman of the Boston Herald, ...") relays it in
    # its other articles of the story too ("we have a report of a report that ...")
    attributed = {u.outlet for u in confirming if any(k.kind == "source" for k in u.keys)}
    named = {u.outlet for u in confirming if any(k.key.startswith(PERSON_PREFIX) for k in u.keys)}
    named_organisation = {u.outlet for u in confirming if any(k.key.startswith(ORGANISATION_PREFIX) for k in u.keys)}
    mentions = []
    for u in confirming:
        keys = u.keys
        if u.outlet in attributed:
            keys = tuple(k for k in keys if k.kind == "source")
            if not keys:
                continue  # the outlet relays the fact from the source it names elsewhere
        if u.outlet in named:
            # an article that names the person saying it and elsewhere describes a speaker of
            # the same fact ("Clinton said …" / "the former secretary of state said …") means
            # that person, as news style varies a name: no second origin of its own
            keys = tuple(k for k in keys if not k.key.startswith(DESCRIBED_PREFIX))
            if not keys:
                continue
        if u.outlet in named_organisation:
            # "Microsoft said ..." and "The company said ..." in one outlet: one source
            keys = tuple(k for k in keys if not _organisation_noun(k.key))
            if not keys:
                continue
        mentions.append((u.article.article_id, keys))
    return build_origins(mentions, representative)


#: origin keys of a named organisation (``OriginIndex``: "entity:org:microsoft")
ORGANISATION_PREFIX = "entity:org:"


@functools.lru_cache(maxsize=1)
def _organisation_nouns() -> frozenset[str]:
    return frozenset(read_lines(rule_path("storyweave.link", "rules", "claims", "organisation_nouns.txt")))


def _organisation_noun(key: str) -> bool:
    """Whether an origin key is a speaker described only as an organisation of some kind
    ("source:company", "source:the-agency"; ``rules/claims/organisation_nouns.txt``)."""
    if not key.startswith(DESCRIBED_PREFIX):
        return False
    return key.removeprefix(DESCRIBED_PREFIX).split("-")[-1] in _organisation_nouns()


def _mention(u: Unit, representative: Mapping[str, str], version: int = 0) -> ClaimMention:
    keys = tuple(dict.fromkeys(representative.get(k.key, k.key) for k in u.keys))
    c = u.claim
    return ClaimMention(
        u.article.article_id, u.article.outlet, c.start, c.end, c.text, c.attributed_to, keys[0],
        bool(c.hedged), keys, bool(c.negated), c.display, version,
    )


def _group_id(prefix: str, members: Sequence[Unit]) -> str:
    digest = hashlib.sha1("\n".join(sorted(u.key for u in members)).encode()).hexdigest()[:16]
    return f"{prefix}:{digest}"


#: members this close to the group's most typical one may represent it, the plainest first
TYPICAL_MARGIN = 0.05


def _representative(members: list[int], units: Sequence[Unit], table: UnitTable, scored: Scored,
                    told: set[str] = frozenset(), facts: Mapping[int, int] | None = None) -> Unit:
    """The member that states the group's fact best: among those nearly as like the other
    articles' members as the most typical one, the one in fewest groups (``facts``: a unit
    stating several facts is in several), a body sentence before a headline, affirmative and
    unhedged, then the shorter; none whose text already stands for another group (``told``). (Rounding the likeness instead let a short member that
    barely joined, "Both Charanjit and Singh complained cars speeding along 117th Street",
    stand for a group about a woman hit on 117th Street.)"""

    def typical(m: int) -> float:
        others = [o for o in members if table.article[o] != table.article[m]]
        return sum(scored.get(m, o) for o in others) / len(others) if others else 0.0

    candidates = [m for m in members if units[m].claim.display not in told] or members
    likeness = {m: typical(m) for m in candidates}
    best = max(likeness.values())
    near = [m for m in candidates if likeness[m] >= best - TYPICAL_MARGIN]

    def plainest(m: int):
        c = units[m].claim
        # a unit in fewer groups states fewer other facts: "Suspect had been fired last week"
        # tells that fact better than a lede that also tells the shooting and the chase
        stated = facts.get(m, 1) if facts else 1
        # "He was sentenced to 12 years" reads alone only once someone says who "he" is
        unnamed = not names_its_subject(units[m])
        return (unnamed, stated, bool(c.headline), bool(c.hedged), bool(c.negated), len(c.display), m)

    return units[min(near, key=plainest)]


def _record(members: list[Unit], extra: list[Unit], text_unit: Unit, representative: Mapping[str, str],
            prefix: str = "claim", conflicts: Sequence[str] = (), versions: Sequence[list[Unit]] = (),
            version_texts: Sequence[str] = (), text: str | None = None,
            copies: set[frozenset[str]] = frozenset()) -> ClaimGroup:
    everyone = members + [u for u in extra if u not in members]
    representative = merge_copied_mentions(everyone, copies, representative)
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
    # the kind of the sentence the row shows: the members' most common kind could call "In Dubai
    # several buildings were evacuated" a prediction, after a member's "you could feel ..."
    kind = text_unit.claim.kind
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
    variants = name_variants(k for u in units for k in u.keys)  # "Heydar Alishbandi" / "Mr Alishbandi"
    if variants:
        for u in units:
            u.keys = tuple(dict.fromkeys(variants.get(k.key, k) for k in u.keys))
    copies = _copied_text(units, index)
    table = story_table(units, encoder or matcher.encoder)
    scored = score_pairs(table, matcher)
    scored.raise_to(view_scores(units, table, matcher, encoder or matcher.encoder))
    scored.rule_out(different_speakers(units))
    scored.rule_out(different_facilities(units))
    scored.rule_out(different_subjects(units), contestable=True)
    scored.rule_out(lengths_of_time_differ(table), contestable=True)
    groups, extra = group_units(table, scored, matcher)
    representative, adopted = merge_shared_quotes([(u.article.article_id, u.keys, u.quote) for u in units])
    for n, source in adopted.items():
        units[n].keys = (source,)  # an outlet's quote of words a named source said elsewhere
    group_of = {m: n for n, g in enumerate(groups) for m in g}
    out: list[ClaimGroup] = []
    absorbed: set[int] = set()

    # stage 4: contested propositions, as groups of their own (versions side by side)
    contested = contested_pairs(units, table, scored, matcher)
    propositions = DisjointSet()
    for a, b, _ in contested:
        propositions.add(a)
        propositions.add(b)
        propositions.merge(a, b)
    find = propositions.__getitem__  # a unit's proposition, by its representative unit
    reasons: dict[int, list[str]] = defaultdict(list)
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
        out.append(_record(everyone, [], everyone[0], representative, "contested", reasons[root], versions, texts,
                           copies=copies))
        for g in {group_of[m] for m in members}:
            if set(groups[g]) <= set(members) and not extra.get(g):
                absorbed.add(g)  # the group is one side of the contest: shown there only
    for (a, ra), (b, rb) in ranking_conflicts(units):
        name = ra.name
        why = f"ranking: {units[a].outlet} “{ra.phrase}” vs {units[b].outlet} “{rb.phrase}”"
        text = f"{name}: “{ra.phrase}” or “{rb.phrase}”?"
        out.append(_record([units[a], units[b]], [], units[a], representative, "rank", [why],
                           [[units[a]], [units[b]]], [ra.phrase, rb.phrase], text, copies=copies))

    extra_units = {m for ms in extra.values() for m in ms}
    told: set[str] = set()  # the texts that already stand for a group
    facts = Counter(m for n, members in enumerate(groups) for m in set(members) | set(extra.get(n, ())))
    for n, members in enumerate(groups):
        if n in absorbed:
            continue
        if len(members) == 1 and not extra.get(n) and members[0] in extra_units:
            continue  # stated elsewhere as part of a group it corroborates: no row of its own
        # the extra mentions count: a pair that many multi-fact units joined is told in the
        # words most of them share, not in those of its two first members; but a unit that
        # already tells another group's fact does not tell this one's too
        everyone = members + [m for m in extra.get(n, ()) if m not in members]
        text_unit = _representative(everyone, units, table, scored, told, facts)
        told.add(text_unit.claim.display)
        out.append(_record([units[m] for m in members], [units[m] for m in extra.get(n, ())], text_unit,
                           representative, copies=copies))
    order = {id(g): n for n, g in enumerate(out)}
    out.sort(key=lambda g: (g.status != "contested", -g.independent_origins, -g.outlets, order[id(g)]))
    logger.debug("aligned %d claim units from %d articles into %d groups", len(units), len(articles), len(out))
    return out


def _copied_text(units: Sequence[Unit], index: OriginIndex) -> set[frozenset[str]]:
    """Find the sentences outlets copied (``link.copies``): an article that shares several
    with another speaks with their common text's voice, which replaces its outlet's own
    origin; the pairs of copied units come back (by unit key) for each group to merge."""
    pairs = copied_pairs(units)
    family = wire_families(units, pairs)
    for u in units:
        shared = family.get(u.article.article_id)
        if shared is not None:
            own = index.outlet_origin(u.article.article_id)
            u.keys = tuple(dict.fromkeys(shared if k == own else k for k in u.keys))
    return {frozenset((units[i].key, units[j].key)) for i, j in pairs}


def _quote_text(article: ArticleClaims, claim) -> str | None:
    if claim.quote_start is None:
        return None
    for quote in article.quotes:
        if quote.start_char == claim.quote_start:
            return quote.text
    return None
