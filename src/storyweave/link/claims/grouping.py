"""Grouping a story's claim units into facts, without chaining (stage 3 of alignment).

Pairs are taken most probable first. Two units of different articles start a group; a unit
joins a group, and two groups merge, when their members state one fact on average
(average linkage across articles, none below a floor: no chaining through one strong
pair), and a second sentence of an article already in the group plainly restates the first.
A unit that states several facts ("overpowered two guards, handcuffed them and took their
weapons") also joins, as an extra mention, other groups whose members from other articles it
all matches; its article may already be in the group (an outlet states a fact in its
headline and again in a long body sentence), and a pair of units already together in one
group never makes a second group of the same fact.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np

from storyweave.link.claims.features import UnitTable
from storyweave.link.claims.matcher import ClaimMatcher
from storyweave.link.claims.scoring import Scored

#: a unit that states several facts joins at most this many other groups as an extra mention
MAX_EXTRA_GROUPS = 3
#: no member of a group is less likely than this to state the fact of any other member
LINK_FLOOR = 0.25


def _links(pairs: list[tuple[int, int]], table: UnitTable, scored: Scored, matcher: ClaimMatcher) -> bool:
    """Whether the units of ``pairs`` state one fact. Across articles: on average at least
    ``join_threshold`` likely, none below ``LINK_FLOOR`` (no chaining through one strong pair).
    Within an article, a second sentence joins only when it plainly restates the first (a
    headline and its lead): at least ``threshold``."""
    across = []
    for a, b in pairs:
        p = scored.get(a, b)
        if table.article[a] == table.article[b]:
            if p < matcher.threshold:
                return False
        else:
            across.append(p)
    return bool(across) and min(across) >= LINK_FLOOR and sum(across) / len(across) >= matcher.join_threshold


def _joins(unit: int, members: list[int], table: UnitTable, scored: Scored, matcher: ClaimMatcher) -> bool:
    """Whether ``unit`` states the fact of the group ``members``."""
    return _links([(unit, m) for m in members if m != unit], table, scored, matcher)


def _merges(first: list[int], second: list[int], table: UnitTable, scored: Scored, matcher: ClaimMatcher) -> bool:
    """Whether two groups state one fact."""
    return _links([(a, b) for a in first for b in second], table, scored, matcher)


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
            if table.article[a] == table.article[b]:
                continue  # a group starts across outlets; its own article's restatements join it
            group_of[a] = group_of[b] = len(groups)
            groups.append([a, b])
        elif ga is None or gb is None:
            unit, target = (a, gb) if ga is None else (b, ga)
            if _joins(unit, groups[target], table, scored, matcher):
                group_of[unit] = target
                groups[target].append(unit)
        elif ga != gb and _merges(groups[ga], groups[gb], table, scored, matcher):
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
            # every member from another article states the fact with it; a sentence of an
            # article already in the group joins too (a headline and the body sentence it sums up)
            members = [m for m in groups[target] + extra[target] if table.article[m] != table.article[unit]]
            if all(scored.get(unit, m) >= matcher.threshold for m in members):  # complete link
                extra[target].append(unit)
                mention_of[unit].add(target)
    return groups, extra
