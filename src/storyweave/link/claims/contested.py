"""Contested claims: outlets stating one proposition incompatibly (stage 4 of alignment).

Two units of different outlets contest a claim when the matcher finds them one
proposition had they agreed (``agreeing_probability``), each is the other's best match,
both name what they speak of, and they give incompatible counts of one thing, specific
dates or lengths of time (about the same people and organisations), or polarity (a denial
included). Separately, outlets that rank one place
differently on one dimension ("second-largest" vs "most-populous" city) contest its rank.
"""

from __future__ import annotations

import functools
import re
from collections import defaultdict
from collections.abc import Callable, Sequence

from storyweave.link.claims.features import SPECULATIVE_KINDS, UnitTable, dates_agree, numbers_agree
from storyweave.link.claims.matcher import ClaimMatcher
from storyweave.link.claims.scoring import Scored, Unit
from storyweave.rulefiles import read_lines, read_toml, rule_path

#: versions of one proposition share this much of their content words (Jaccard)
CONTEST_OVERLAP = 0.3
#: a plain negation contradicts only between units that say nearly the same words otherwise
NEGATION_OVERLAP = 0.6
#: a TimeML duration with one number and unit: "P4M" (four months), "PT30S", "P4.5M"
_DURATION = re.compile(r"^P(T?)(\d+(?:\.\d+)?)([YMWDHS])$")
#: two durations of one unit agree within this ratio ("about 30 seconds" and "32 seconds")
DURATION_RATIO = 1.1
_WORD = re.compile(r"[\w'’]+")


@functools.lru_cache(maxsize=1)
def _negation_words() -> frozenset[str]:
    # the claims analysis's own list (read as data: the link stage need not load spaCy for it)
    words = read_lines(rule_path("storyweave.nlp", "rules", "claims", "negation.txt"))
    return frozenset(w.replace("’", "'") for w in words)


@functools.lru_cache(maxsize=1)
def _denial_verbs() -> frozenset[str]:
    # the claims analysis's own list of denial verbs, read as data
    return frozenset(read_toml(rule_path("storyweave.nlp", "rules", "claims", "units.toml"))["denial"]["verbs"])


#: how many content words after a denial verb stand for what it denies ("denies arson",
#: "denied shooting at the officers", "denied that rebel fighters had entered"): the first,
#: as the next is often another clause's ("denied arson following a fire")
DENIED_WORDS = 1


def _denied_words(lemmas: str) -> frozenset[str] | None:
    """The first content word(s) after a unit's denial verb, or None when a falsity word ("a
    hoax") and no verb denies: what the denial is about, read off the words in order (the
    link stage keeps no parse)."""
    words = lemmas.split()
    verbs = _denial_verbs()
    at = next((i for i, w in enumerate(words) if w in verbs), None)
    if at is None:
        return None
    return frozenset(words[at + 1 : at + 1 + DENIED_WORDS])


def _negations(text: str) -> int:
    """How many words of ``text`` negate (counted, not parsed: see ``_negates_what_the_other_states``)."""
    negation = _negation_words()
    return sum(1 for w in _WORD.findall(text.lower().replace("’", "'"))
               if w in negation or w.endswith("n't"))


def _durations(dates: frozenset[str]) -> dict[tuple[str, str], list[float]]:
    found: dict[tuple[str, str], list[float]] = defaultdict(list)
    for value in dates:
        m = _DURATION.match(value)
        if m:
            found[(m.group(1), m.group(3))].append(float(m.group(2)))
    return found


def durations_conflict(a: frozenset[str], b: frozenset[str]) -> bool:
    """Whether two units give lengths of time in one unit none of which agree: "served four
    and a half months" (P4.5M) against "served four months" (P4M). Durations are no pair
    feature of the matcher: they say nothing of whether two units are one fact, only whether
    two that are disagree."""
    da, db = _durations(a), _durations(b)
    shared = set(da) & set(db)
    if not shared:
        return False
    return not any(
        max(x, y) <= DURATION_RATIO * min(x, y) for unit in shared for x in da[unit] for y in db[unit]
    )


def _lengths(dates: frozenset[str]) -> frozenset[str]:
    # a length of one ("a year", "per year", "one day after ...") is mostly a rate or an
    # offset, not how long something lasted: "$21 million per year" gives no length of a deal
    return frozenset(d for d in dates if (m := _DURATION.match(d)) and float(m.group(2)) != 1)


def lengths_of_time_differ(table: UnitTable) -> Callable[[int, int], bool]:
    """Whether two units of different articles give lengths of time that conflict: "the
    Orioles have offered Teixeira a seven-year deal" / "the Red Sox have made an eight-year
    offer", "was sentenced to seven years" / "was sentenced to 12 years". Durations are no
    feature of the matcher, which finds such sentences one fact; they are two facts, or two
    versions of one, which ``contested_pairs`` judges (``Scored.rule_out(contestable=True)``).
    """
    lengths = [_lengths(d) for d in table.dates]

    def apart(a: int, b: int) -> bool:
        return (table.article[a] != table.article[b] and bool(lengths[a]) and bool(lengths[b])
                and durations_conflict(lengths[a], lengths[b]))

    return apart


def disagreement(table: UnitTable, a: int, b: int) -> str | None:
    """Why units ``a`` and ``b`` would contradict each other if they stated one proposition:
    counts of one thing beyond tolerance, specific dates, lengths of time, or polarity; None
    if they agree.

    Two versions of one value say mostly the same words but for the value they disagree on,
    so counts, dates and lengths of time ask for ``CONTEST_OVERLAP`` of their words in common:
    two sentences of one topic that share a name and differ in a number ("scored 14 points
    off the bench" / "scored seven points in the first half") or a date ("convicted in 1997"
    / "due to be released in June 2010") are mostly two facts. A plain negation asks for
    ``NEGATION_OVERLAP``; an explicit denial ("Hoax: ...", "the army denied that ...") words
    the proposition its own way and asks for none.
    """
    words_a, words_b = table.word_sets[a], table.word_sets[b]
    overlap = len(words_a & words_b) / max(len(words_a | words_b), 1)
    if overlap >= CONTEST_OVERLAP:
        _, numbers = numbers_agree(table.numbers[a], table.numbers[b])
        if numbers:
            return "numbers"
        _, dates = dates_agree(table.dates[a], table.dates[b])
        if dates:
            return "dates"
        if durations_conflict(table.dates[a], table.dates[b]):
            return "how long"
    explicit = table.denied[a] or table.denied[b]  # "X denied that ...", "... is a hoax"
    if table.negated[a] != table.negated[b] and (overlap >= NEGATION_OVERLAP or explicit):
        return "whether it happened"
    return None


#: a unit that opens on one of these without saying whom it means ("It killed 612 people")
#: may be about another occasion: it contradicts nothing
VAGUE_SUBJECTS = frozenset(["it", "they", "this", "that", "these", "those", "he", "she", "its", "their"])


def names_its_subject(unit: Unit) -> bool:
    """Whether a unit says whom it is about: it opens on no pronoun, or its display says
    whom the pronoun means."""
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
        if units[a].outlet == units[b].outlet or not (names_its_subject(units[a]) and names_its_subject(units[b])):
            continue
        why = disagreement(table, a, b)
        if why == "whether it happened" and not _negates_what_the_other_states(units, table, a, b):
            continue
        if why in VALUE_CONFLICTS and (_different_actors(units, table, a, b) or _different_scopes(units, table, a, b)):
            continue
        if why is not None:
            out.append((a, b, why))
    return out


#: disagreements over a value, which only hold between statements about the same actors
VALUE_CONFLICTS = frozenset(["numbers", "dates", "how long"])
#: entity types that act in a claim (a place is where, not who)
ACTOR_TYPES = ("person:", "org:", "norp:")


def _different_actors(units: Sequence[Unit], table: UnitTable, a: int, b: int) -> bool:
    """Whether each unit names a person or organisation the other does not, its speaker left
    out: "The Orioles have offered Teixeira a seven-year deal" / "Teixeira has an eight-year
    offer from the Red Sox", "Katie had been going out with her boyfriend for two years" /
    "Jenkin had been living in Wales for three years" give values of different things."""

    def actors(n: int) -> set[str]:
        speakers = {k.key.removeprefix("entity:") for k in units[n].keys}
        return {e for e in table.entities[n] if e.startswith(ACTOR_TYPES) and e not in speakers}

    first, second = actors(a), actors(b)
    return bool(first - second) and bool(second - first)


@functools.lru_cache(maxsize=1)
def _scope_rules() -> tuple[frozenset[str], re.Pattern, re.Pattern]:
    rules = read_toml(rule_path("storyweave.link", "rules", "claims", "scopes.toml"))
    phrases = "|".join(re.escape(p) for p in sorted(rules["phrases"], key=len, reverse=True))
    parts = "|".join(re.escape(p) for p in sorted(rules["parts"], key=len, reverse=True))
    # a part of a population is named by the phrase and the two words after it
    return (frozenset(rules["words"]), re.compile(rf"\b(?:{phrases})\b"),
            re.compile(rf"\b(?:{parts})\b(?:\W+[\w'’-]+){{0,2}}"))


def _scopes(unit: Unit, words: frozenset[str]) -> frozenset[str]:
    narrowing, phrases, parts = _scope_rules()
    text = unit.claim.text.lower()
    found = set(words & narrowing)
    found.update(m.group(0) for m in phrases.finditer(text))
    found.update(" ".join(_WORD.findall(m.group(0))) for m in parts.finditer(text))
    return frozenset(found)


def _different_scopes(units: Sequence[Unit], table: UnitTable, a: int, b: int) -> bool:
    """Whether one unit narrows its value to a part the other does not name ("seven points in
    the first half" / "14 points off the bench"; "three times since October" / "four times"):
    the two values are of different things (``rules/claims/scopes.toml``)."""
    return _scopes(units[a], table.word_sets[a]) != _scopes(units[b], table.word_sets[b])


def _negates_what_the_other_states(units: Sequence[Unit], table: UnitTable, a: int, b: int) -> bool:
    """Whether the negated unit's own verb is one the other unit states: "Gary Ross will not
    direct the sequel" / "Ross is in negotiations to direct the sequel", but not "Thompson
    never recovered from a right hand" / "Klitschko put Thompson on the canvas with a right
    hand", which negates another predicate. An explicit denial ("X denied that ...") negates
    its complement, whatever its verb."""
    if table.denied[a] or table.denied[b]:
        # a denial answers a claim only where the other outlet states it: "the fire may have
        # been arson" or "rumored to be Deep Throat" is no version the denial contradicts, nor
        # is "Waitrose catches fire" of "Man denies arson"
        denial, other = (a, b) if table.denied[a] else (b, a)
        if table.denied[other]:
            return True
        if units[other].claim.hedged or units[other].claim.kind in SPECULATIVE_KINDS:
            return False
        denied = _denied_words(units[denial].claim.lemmas)
        # what the other states in its own predications, not in a clause about a noun ("Fred
        # LaRue, who once was rumored to be Deep Throat, has died" states that he died)
        stated = {w for atom in units[other].claim.atoms for w in atom.split()}
        return denied is None or bool(denied & stated)
    if _negations(units[a].claim.text) == _negations(units[b].claim.text):
        # both say "were not related": the parser found the main verb of one in another
        # clause, and its polarity with it; as many negations is no opposite polarity
        return False
    negated, other = (a, b) if table.negated[a] else (b, a)
    verbs = {atom.split(" ", 1)[0] for atom in units[negated].claim.atoms if atom}
    return bool(verbs & table.word_sets[other])


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
