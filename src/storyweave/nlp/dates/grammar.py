"""Rule-based normalisation of English time expressions to TimeML values.

The word lists (``rules/dates/lexicon.toml``) and the patterns (``rules/dates/rules.toml``)
are data; this module compiles them and finds their matches. ``storyweave.nlp.dates.handlers``
holds one handler per kind of expression, which ``Grammar`` inherits. A handler turns a match
into a ``Resolution``: the TimeML value when it can be computed, and for expressions relative to
the publication date the relative meaning (``"weekday:THU;last"``, ``"offset:-8D"``) so that
nothing is invented when no publication date is known.

Written by hand because no offline Python library applies news conventions: dateparser
maps a bare "Thursday" in a Thursday article to the week before and has no notion of
weeks, quarters, seasons, durations or TimeML values (HeidelTime, which has, is Java).
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from storyweave.nlp.dates.handlers import Handlers
from storyweave.nlp.dates.regex_scan import ArticleScan, cut_characters, required_words
from storyweave.nlp.dates.values import Context, Resolution
from storyweave.rulefiles import read_toml, rule_path

logger = logging.getLogger(__name__)

# Hedges TimeML keeps inside an expression. Not "over" or "under": before a number they are
# mostly prepositions ("over the past two years"), which stay outside.
MOD = (
    r"(?:(?:about|nearly|almost|some|roughly|around|approximately|more\s+than|less\s+than|fewer\s+than"
    r"|at\s+least|at\s+most|up\s+to|just|only|the\s+past|the\s+last|the\s+next|the\s+first"
    r"|the\s+final|the\s+coming|the\s+previous|past|last|next|first|final|coming|another|a\s+further"
    r"|the|nearly\s+a|almost\s+a)\s+)*"
)


@dataclass(frozen=True)
class Rule:
    name: str
    pattern: re.Pattern
    handler: Callable[[Grammar, re.Match, Context], Resolution | None] | None
    detect: bool
    #: what every match contains, and where none can span (see ``storyweave.nlp.dates.regex_scan``)
    needs: tuple[frozenset[str], ...] = ()
    cuts: str = ""


def _alternation(words, case_sensitive: bool = False) -> str:
    # Longest first, so "Christmas Eve" wins over "Christmas" and "a few" over "a".
    body = "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(words, key=len, reverse=True))
    return f"(?-i:{body})" if case_sensitive else f"(?:{body})"


def _load_toml(name: str) -> dict:
    return read_toml(rule_path("storyweave.nlp", "rules", "dates", name))


class Grammar(Handlers):
    """The compiled lexicon and rules. Build it once through ``load_grammar()``."""

    def __init__(self, lexicon: dict, rules: list[dict], extents: dict | None = None):
        self.weekday = {k.lower(): v for k, v in lexicon["weekday"].items()}
        self.month = {k.lower(): v for k, v in lexicon["month"].items()}
        self.number = {k.lower(): v for k, v in lexicon["number"].items()}
        self.ordinal = lexicon["ordinal"]
        self.units = {}
        for name, spec in lexicon["unit"].items():
            for form in spec["forms"]:
                self.units[form] = (name, spec["letter"], spec.get("clock", False), spec.get("multiple", 1))
        self.season = lexicon["season"]
        self.part = lexicon["part_of_day"]
        self.holiday = {k.lower(): v for k, v in lexicon["holiday"].items()}
        #: holidays whose date moves (Thanksgiving, Easter): computed per year by ``holiday_date``
        self.holiday.update({k.lower(): v for k, v in lexicon.get("holiday_by_rule", {}).items()})
        self.conventions = lexicon["conventions"]
        self.fuzzy = {**lexicon["fuzzy"], **lexicon["fuzzy_weak"]}
        context = lexicon["context"]
        #: words of an earnings report ("a share", "net income") and of figures for longer periods
        self.earnings = re.compile(r"(?<!\w)" + _alternation(context["earnings"]) + r"(?!\w)", re.IGNORECASE)
        #: lemmas that make a plan of the infinitive they govern, and verbs of saying (whose present
        #: tense is no schedule), and the words before a weekday that put it ahead ("as early as")
        self.plan_verbs = frozenset(context["plan_verbs"])
        self.saying_verbs = frozenset(context["saying_verbs"])
        self.future_lead = re.compile(r"(?<!\w)" + _alternation(context["future_lead"]) + r"\s", re.IGNORECASE)
        self.long_period = re.compile(r"(?<!\w)" + _alternation(context["long_period"]) + r"(?!\w)", re.IGNORECASE)
        places = {
            "WEEKDAY": _alternation(lexicon["weekday"], case_sensitive=True),
            "MONTH": _alternation(lexicon["month"], case_sensitive=True),
            "HOLIDAY": _alternation([*lexicon["holiday"], *lexicon.get("holiday_by_rule", {})], case_sensitive=True),
            "NUM": r"(?:(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)[\s-](?:one|two|three|four"
            r"|five|six|seven|eight|nine)|" + _alternation(self.number)[3:],
            "UNIT": _alternation(self.units),
            "SEASON": _alternation(self.season),
            "PART": _alternation(self.part),
            "ORD": _alternation(self.ordinal),
            "FUZZY": _alternation(lexicon["fuzzy"]),
            "FUZZY_WEAK": _alternation(lexicon["fuzzy_weak"]),
            "MOD": MOD,
        }

        def compiled(source: str) -> re.Pattern:
            return re.compile(re.sub(r"\{([A-Z_]+)\}", lambda m: places[m.group(1)], source), re.IGNORECASE)

        # Extents (used by storyweave.nlp.dates; never matched means "(?!)"): the words between
        # the two ends of a range the tagger found as one ("1994 to 1997") and what opens it
        # ("between"); the words between a period and the day that ends it ("the quarter ended
        # Sept. 30"); what TimeML does not mark although it looks temporal ("a 44-year-old");
        # words before an expression that TimeML leaves outside it ("about five hours").
        extents = extents or {}
        split = extents.get("split", {})
        self.range_words = compiled(split.get("range", "(?!)"))
        self.range_lead = compiled(split.get("lead", "(?!)"))
        self.anchor_words = compiled(split.get("anchor", "(?!)"))
        self.exclusions = [compiled(x["pattern"]) for x in extents.get("exclude", [])]
        self.leading_hedge = compiled(extents.get("outside", {}).get("leading", "(?!)"))
        self.rules: list[Rule] = []
        for spec in rules:
            handler = getattr(Grammar, "_h_" + spec["handler"]) if spec.get("normalise", True) else None
            pattern = compiled(spec["pattern"])
            detect = spec.get("detect", True)
            needs, cuts = (required_words(pattern), cut_characters(pattern)) if detect else ((), "")
            self.rules.append(Rule(spec["name"], pattern, handler, detect, needs, cuts))

    # ------------------------------------------------------------------ public
    def find(self, text: str) -> Iterator[tuple[int, int, str]]:
        """Yield ``(start, end, rule name)`` for every detection-rule match in ``text``."""
        scan = ArticleScan(text)  # skips the text a rule cannot match: the same matches, sooner
        for rule in self.rules:
            if not rule.detect:
                continue
            for m in scan.matches(rule.pattern, rule.needs, rule.cuts):
                start, end = m.span("t") if "t" in rule.pattern.groupindex else m.span()
                if end > start:
                    yield start, end, rule.name

    def normalise(self, text: str, ctx: Context) -> Resolution | None:
        """Resolve ``text`` with the first rule whose handler succeeds; None when none does."""
        for rule in self.rules:
            if rule.handler is None:
                continue
            m = rule.pattern.search(text)
            if m is None:
                continue
            try:
                res = rule.handler(self, m, ctx)
            except (ValueError, OverflowError) as exc:  # e.g. "February 30"
                logger.debug("rule %s failed on %r: %s", rule.name, text, exc)
                res = None
            if res is not None:
                return res
        return None


@functools.lru_cache(maxsize=1)
def load_grammar() -> Grammar:
    """The compiled date grammar, built once per process from the package's rule files."""
    rules = _load_toml("rules.toml")
    return Grammar(_load_toml("lexicon.toml"), rules["rule"], {k: v for k, v in rules.items() if k != "rule"})
