"""Grouping a story's claim units into facts, without chaining (stage 3 of alignment).

Pairs are taken most probable first. Two units of different articles start a group; a unit
joins a group, and two groups merge, when their members state one fact on average
(average linkage across articles, none below a floor: no chaining through one strong
pair), and a second sentence of an article already in the group plainly restates the first.
A group of many outlets holds one fact: an article it takes in from its third on states the
group's core, the rarer words its first two members share (long summary sentences that each
share some fact with the next would chain "a riot broke out after the vigil" to "Gray, 16,
was shot"). A unit that states several facts ("overpowered two guards, handcuffed them and
took their weapons") also joins, as an extra mention, other groups whose members from other
articles it all matches; its article may already be in the group (an outlet states a fact in
its headline and again in a long body sentence), and a pair of units already together in one
group never makes a second group of the same fact. Groups whose mentions are then mostly the
same units are one fact told twice, and are merged.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np

from storyweave.link.claims.features import WORD_MATCH, UnitTable
from storyweave.link.claims.matcher import ClaimMatcher
from storyweave.link.claims.scoring import Scored

#: a unit that states several facts joins at most this many other groups as an extra mention
MAX_EXTRA_GROUPS = 3
#: no member of a group is less likely than this to state the fact of any other member
LINK_FLOOR = 0.25
#: an article joining a group of ``WIDE_GROUP`` or more articles states at least this share of
#: the group's core: the words its first two members share, weighted by rarity (two long
#: sentences that share one fact each with a third share different facts with it: "a riot
#: broke out after the vigil" / "Gray, 16, was shot")
CORE_SHARE = 0.5
#: a prediction or an opinion and a statement of fact are one fact only this likely ("The
#: taking of Hama could prove pivotal" is no report that rebels took the airport)
SPECULATIVE_MATCH = 0.6
#: a statement of what happens again and again or over years and a report of one occasion are
#: one fact only this likely ("Iran is regularly struck by damaging quakes" / "Strong earthquake
#: jolts southern Iran"; ``rules/claims/occasions.toml``)
OCCASION_MATCH = 0.8


def _kinds_differ(table: UnitTable, a: int, b: int) -> bool:
    """Whether one unit of the pair is a prediction or an opinion and the other is not."""
    return table.speculative is not None and bool(table.speculative[a]) != bool(table.speculative[b])


def _occasions_differ(table: UnitTable, a: int, b: int) -> bool:
    """Whether one unit tells what happens again and again ("is regularly struck by damaging
    quakes") and the other one occasion."""
    return table.generic is not None and bool(table.generic[a]) != bool(table.generic[b])


def _least(table: UnitTable, a: int, b: int, threshold: float) -> float:
    """How likely the pair must be to state one fact: ``threshold``, higher across kinds or
    occasions."""
    if _occasions_differ(table, a, b):
        threshold = max(threshold, OCCASION_MATCH)
    if _kinds_differ(table, a, b):
        threshold = max(threshold, SPECULATIVE_MATCH)
    return threshold


def _likely(table: UnitTable, scored: Scored, a: int, b: int, threshold: float) -> bool:
    """Whether the pair is one fact at ``threshold``, or at the higher bar across kinds or
    occasions (``_least``)."""
    return scored.get(a, b) >= _least(table, a, b, threshold)


class Cores:
    """Each group's core, and how much of it a unit states."""

    def __init__(self, table: UnitTable, scored: Scored):
        self.table = table
        self.sims = scored.sims
        self.idf = np.zeros(len(table.word_vectors), dtype=np.float32)
        for ids, weights in zip(table.words, table.word_idf):
            self.idf[ids] = weights
        self.core: dict[int, np.ndarray] = {}

    def found(self, group: int, a: int, b: int) -> None:
        """The core of a group two units found: the words of ``a`` that ``b`` states."""
        wa, wb = self.table.words[a], self.table.words[b]
        if self.sims is None or not len(wa) or not len(wb):
            self.core[group] = np.zeros(0, dtype=np.int64)
            return
        self.core[group] = wa[self.sims[wa[:, None], wb].max(axis=1) >= WORD_MATCH]

    def share(self, group: int, unit: int) -> float:
        """The rarity-weighted share of the group's core that ``unit`` states (1 with no core)."""
        core, words = self.core.get(group), self.table.words[unit]
        if core is None or not len(core) or self.sims is None:
            return 1.0
        total = float(self.idf[core].sum())
        if total <= 0:
            return 1.0
        if not len(words):
            return 0.0
        stated = self.sims[core[:, None], words].max(axis=1) >= WORD_MATCH
        return float(self.idf[core][stated].sum()) / total

    def states(self, group: int, unit: int) -> bool:
        return self.share(group, unit) >= CORE_SHARE


def _links(pairs: list[tuple[int, int]], table: UnitTable, scored: Scored, matcher: ClaimMatcher) -> bool:
    """Whether the units of ``pairs`` state one fact. Across articles: on average at least
    ``join_threshold`` likely, none below ``LINK_FLOOR`` (no chaining through one strong pair).
    Within an article, a second sentence joins only when it plainly restates the first (a
    headline and its lead): at least ``threshold``."""
    across = []
    for a, b in pairs:
        p = scored.get(a, b)
        if table.article[a] == table.article[b]:
            if not _likely(table, scored, a, b, matcher.threshold):
                return False
        else:
            if p < _least(table, a, b, 0.0):
                return False
            across.append(p)
    return bool(across) and min(across) >= LINK_FLOOR and sum(across) / len(across) >= matcher.join_threshold


def _joins(unit: int, members: list[int], table: UnitTable, scored: Scored, matcher: ClaimMatcher) -> bool:
    """Whether ``unit`` states the fact of the group ``members``."""
    return _links([(unit, m) for m in members if m != unit], table, scored, matcher)


def _merges(first: list[int], second: list[int], table: UnitTable, scored: Scored, matcher: ClaimMatcher) -> bool:
    """Whether two groups state one fact."""
    return _links([(a, b) for a in first for b in second], table, scored, matcher)


#: a group of this many articles holds one core fact: each article it takes in states its core
WIDE_GROUP = 3


def _articles(members: list[int], table: UnitTable) -> int:
    return len({int(table.article[m]) for m in members})


def _widens(unit: int, members: list[int], table: UnitTable) -> bool:
    """Whether ``unit`` would bring a group to ``WIDE_GROUP`` articles or more."""
    articles = {int(table.article[m]) for m in members}
    return int(table.article[unit]) not in articles and len(articles) + 1 >= WIDE_GROUP


def group_units(table: UnitTable, scored: Scored, matcher: ClaimMatcher) -> tuple[list[list[int]], dict]:
    """Primary groups (each unit in exactly one) and the extra groups multi-fact units join.

    Returns (groups, extra): ``extra`` maps a group index to the units that join it as extra
    mentions.
    """
    group_of: dict[int, int] = {}
    groups: list[list[int]] = []
    cores = Cores(table, scored)
    order = np.argsort(-scored.p, kind="stable")
    for k in order:
        if scored.p[k] < matcher.threshold:
            break
        a, b = int(scored.i[k]), int(scored.j[k])
        ga, gb = group_of.get(a), group_of.get(b)
        if ga is None and gb is None:
            if table.article[a] == table.article[b]:
                continue  # a group starts across outlets; its own article's restatements join it
            if not _likely(table, scored, a, b, matcher.threshold):
                continue
            group_of[a] = group_of[b] = len(groups)
            cores.found(len(groups), a, b)
            groups.append([a, b])
        elif ga is None or gb is None:
            unit, target = (a, gb) if ga is None else (b, ga)
            if (not _widens(unit, groups[target], table) or cores.states(target, unit)) and \
                    _joins(unit, groups[target], table, scored, matcher):
                group_of[unit] = target
                groups[target].append(unit)
        elif (ga != gb and (_articles(groups[ga] + groups[gb], table) < WIDE_GROUP
                            or (all(cores.states(ga, m) for m in groups[gb])
                                and all(cores.states(gb, m) for m in groups[ga])))
              and _merges(groups[ga], groups[gb], table, scored, matcher)):
            for m in groups[gb]:
                group_of[m] = ga
            groups[ga].extend(groups[gb])
            groups[gb] = []
    kept = [n for n, g in enumerate(groups) if g]
    cores.core = {new: cores.core[old] for new, old in enumerate(kept) if old in cores.core}
    groups = [groups[n] for n in kept]
    group_of = {m: n for n, g in enumerate(groups) for m in g}
    for unit in range(len(table)):
        if unit not in group_of:
            group_of[unit] = len(groups)
            groups.append([unit])
    extra: dict[int, list[int]] = defaultdict(list)
    mention_of: dict[int, set[int]] = {unit: {n} for unit, n in group_of.items()}  # the groups a unit is in
    for k in order:
        if scored.p[k] < matcher.threshold:
            break
        a, b = int(scored.i[k]), int(scored.j[k])
        if table.article[a] == table.article[b]:
            continue  # a restatement joins its article's group in the first pass, or not at all
        for unit, other in ((a, b), (b, a)):
            if mention_of[unit] & mention_of[other]:
                break  # already one group's mentions: no second group of the same pair
            if len(mention_of[unit]) > MAX_EXTRA_GROUPS:
                continue
            target = group_of[other]
            if _widens(unit, groups[target] + extra[target], table) and not cores.states(target, unit):
                continue
            # every member from another article states the fact with it; a sentence of an
            # article already in the group joins too (a headline and the body sentence it sums up)
            members = [m for m in groups[target] + extra[target] if table.article[m] != table.article[unit]]
            if all(_likely(table, scored, unit, m, matcher.threshold) for m in members):  # complete link
                extra[target].append(unit)
                mention_of[unit].add(target)
    return merge_restated(groups, extra)


#: two groups whose mentions are mostly the same units tell one fact: a group is merged into a
#: larger one that holds at least this share of its units
RESTATED_SHARE = 0.75
#: ... when it has at least this many units (two small groups may share a unit or two by chance)
RESTATED_MIN = 3


def merge_restated(groups: list[list[int]], extra: dict[int, list[int]]) -> tuple[list[list[int]], dict]:
    """Merge groups whose mentions are mostly the same units: the same sentences of the same
    outlets made two groups of one fact from two first pairs ("LaRue was present at a 1972
    meeting with Mitchell and Magruder at Key Biscayne", three rows of eight outlets each). A
    group goes into the largest group that holds ``RESTATED_SHARE`` of its units: its members
    become that group's members, its extra mentions that group's extra mentions."""
    units = [set(g) | set(extra.get(n, ())) for n, g in enumerate(groups)]
    order = sorted(range(len(groups)), key=lambda n: (-len(units[n]), n))
    into: dict[int, int] = {}
    for rank, n in enumerate(order):
        if len(units[n]) < RESTATED_MIN:
            continue
        target = next((m for m in order[:rank] if m not in into
                       and len(units[n] & units[m]) >= RESTATED_SHARE * len(units[n])), None)
        if target is not None:
            into[n] = target
    if not into:
        return groups, extra
    members = {n: list(g) for n, g in enumerate(groups)}
    mentions = {n: list(extra.get(n, ())) for n in range(len(groups))}
    for n, target in into.items():
        members[target] += [u for u in members.pop(n) if u not in members[target]]
        mentions[target] += [u for u in mentions.pop(n) if u not in mentions[target]]
    kept = [n for n in range(len(groups)) if n not in into]
    out_extra: dict[int, list[int]] = defaultdict(list)
    for new, n in enumerate(kept):
        own = set(members[n])
        found = [u for u in mentions[n] if u not in own]
        if found:
            out_extra[new] = found
    return [members[n] for n in kept], out_extra
