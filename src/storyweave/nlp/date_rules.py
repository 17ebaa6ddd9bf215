"""Rule-based normalisation of English time expressions to TimeML values.

The word lists (``rules/dates/lexicon.toml``) and the patterns (``rules/dates/rules.toml``)
are data; this module compiles them and holds one handler per kind of expression. A
handler turns a match into a ``Resolution``: the TimeML value when it can be computed,
and for expressions relative to the publication date the relative meaning
(``"weekday:THU;last"``, ``"offset:-8D"``) so that nothing is invented when no
publication date is known.

Written by hand because no offline Python library applies news conventions: dateparser
maps a bare "Thursday" in a Thursday article to the week before and has no notion of
weeks, quarters, seasons, durations or TimeML values (HeidelTime, which has, is Java).
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import re
import tomllib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from importlib import resources

from storyweave.nlp.date_values import (
    Context,
    Resolution,
    duration_value,
    holiday_date,
    last_quarter,
    nearest_year,
    offset_day,
    period_value,
    quarters_back,
    shift,
)
from storyweave.nlp.regex_scan import ArticleScan, cut_characters, required_words

logger = logging.getLogger(__name__)

WEEKDAY_CODES = ("MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN")
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
    #: what every match contains, and where none can span (see ``storyweave.nlp.regex_scan``)
    needs: tuple[frozenset[str], ...] = ()
    cuts: str = ""


def _alternation(words, case_sensitive: bool = False) -> str:
    # Longest first, so "Christmas Eve" wins over "Christmas" and "a few" over "a".
    body = "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(words, key=len, reverse=True))
    return f"(?-i:{body})" if case_sensitive else f"(?:{body})"


def _load_toml(name: str) -> dict:
    path = resources.files("storyweave.nlp") / "rules" / "dates" / name
    return tomllib.loads(path.read_text(encoding="utf-8"))


class Grammar:
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

    # ------------------------------------------------------------------ helpers
    def _num(self, text: str | None):
        """A number word or numeral as int/float, or "X" for vague amounts."""
        if text is None:
            return 1
        t = re.sub(r"\s+", " ", text.lower().strip())
        if re.fullmatch(r"\d+(?:\.\d+)?", t):
            f = float(t)
            return int(f) if f.is_integer() else f
        if t in self.number:
            return self.number[t]
        parts = re.split(r"[\s-]", t)
        if len(parts) == 2 and parts[0] in self.number and parts[1] in self.number:
            return self.number[parts[0]] + self.number[parts[1]]
        return "X"

    def _unit(self, text: str):
        return self.units[re.sub(r"\s+", " ", text.lower())]

    def _year(self, m: re.Match, group: str = "y") -> int | None:
        y = m.groupdict().get(group)
        if not y:
            return None
        y = y.lstrip("'")
        return int(y) if len(y) == 4 else (1900 + int(y) if int(y) > 30 else 2000 + int(y))

    # ------------------------------------------------------------------ handlers
    def _h_calendar_date(self, m: re.Match, ctx: Context) -> Resolution | None:
        g = m.groupdict()
        month = int(g["m"]) if g.get("m") else self.month[g["mon"].lower()]
        day = int(g["d"])
        year = self._year(m)
        if year is None:
            if ctx.anchor is None:
                return Resolution(None, "date", f"date:XXXX-{month:02d}-{day:02d}")
            year = nearest_year(ctx, month, day)
        value = dt.date(year, month, day).isoformat()
        if g.get("H"):
            return Resolution(f"{value}T{g['H']}:{g['M']}", "time")
        return Resolution(value, "date")

    def _h_holiday(self, m: re.Match, ctx: Context) -> Resolution | None:
        spec = self.holiday[re.sub(r"\s+", " ", m.group("hol").lower())]
        year = self._year(m)
        if year is None:
            if ctx.anchor is None:
                if isinstance(spec, dict):  # a moving holiday has no date without a year
                    return Resolution(None, "date", f"holiday:{m.group('hol')}")
                return Resolution(None, "date", f"date:XXXX-{spec[0]:02d}-{spec[1]:02d}")
            this_year = holiday_date(spec, ctx.anchor.year)
            year = nearest_year(ctx, this_year.month, this_year.day, mod=(m.group("mod") or "").lower())
        return Resolution(holiday_date(spec, year).isoformat(), "date")

    def _h_clock_time(self, m: re.Match, ctx: Context) -> Resolution | None:
        g = m.groupdict()
        if g.get("word"):
            hour, minute = (0, 0) if g["word"].lower() == "midnight" else (12, 0)
        else:
            hour, minute = int(g["H"]), int(g.get("M") or 0)
            ampm = (g.get("ampm") or "").lower()
            if ampm.startswith("p") and hour < 12:
                hour += 12
            elif ampm.startswith("a") and hour == 12:
                hour = 0
        zone = "Z" if (g.get("tz") or "").upper() in ("UTC", "GMT", "Z") else ""
        clock = f"T{hour:02d}:{minute:02d}{zone}"
        # The day comes from the rest of the expression ("5 p.m. EST Nov. 9", "Friday at 3 p.m.").
        rest = (m.string[: m.start()] + " " + m.string[m.end():]).strip()
        day = self.normalise(rest, ctx) if rest else None
        if day is not None and day.value and re.fullmatch(r"\d{4}-\d{2}-\d{2}", day.value):
            return Resolution(day.value + clock, "time")
        if day is not None and day.value is None and day.relative:
            return Resolution(None, "time", f"{day.relative};time:{clock[1:]}")
        if ctx.anchor is None:
            return Resolution(None, "time", f"offset:0D;time:{clock[1:]}")
        return Resolution(ctx.anchor.isoformat() + clock, "time")

    def _h_day_word(self, m: re.Match, ctx: Context) -> Resolution | None:
        word = m.group("w").lower()
        offset = {"yesterday": -1, "today": 0, "tomorrow": 1, "tonight": 0}[word]
        written = m.group("part") or m.groupdict().get("part0") or ""
        part = self.part.get(written.lower()) or ("NI" if word == "tonight" else None)
        return offset_day(ctx, offset, part)

    def _h_part_of_day(self, m: re.Match, ctx: Context) -> Resolution | None:
        mod = m.group("mod").lower()
        part = self.part[m.group("part").lower()]
        offset = {"this": 0, "tomorrow": 1, "yesterday": -1, "last": -1 if part == "NI" else 0}[mod]
        return offset_day(ctx, offset, part)

    def _h_ago(self, m: re.Match, ctx: Context) -> Resolution | None:
        n = self._num(m.groupdict().get("n"))
        _, letter, clock, multiple = self._unit(m.group("u"))
        direction = m.group("dir").lower()
        sign = -1 if direction in ("ago", "earlier", "before") else 1
        if n == "X":
            return Resolution("PAST_REF" if sign < 0 else "FUTURE_REF", "date")
        amount = n * multiple
        if clock or amount != int(amount):
            return None
        relative = f"offset:{sign * int(amount):+d}{letter}"
        if ctx.anchor is None:
            return Resolution(None, "date", relative)
        if ctx.quarter_context and letter == "Y" and multiple == 1 and amount == 1 and sign < 0:
            # earnings news compares the reported quarter with the same quarter a year before
            reported = ctx.reported_quarter or last_quarter(ctx.anchor)
            return Resolution(quarters_back(reported, 1), "date", relative)
        return Resolution(shift(ctx.anchor, sign * int(amount), letter, multiple), "date", relative)

    def _h_weekday(self, m: re.Match, ctx: Context) -> Resolution | None:
        wd = self.weekday[m.group("wd").lower()]
        mod = (m.group("mod") or "").lower()
        part = self.part.get((m.group("part") or "").lower())
        if mod in ("last", "past", "previous"):
            how = "last"
        elif mod in ("next", "coming"):
            how = "next"
        elif mod == "this":
            how = "this"
        else:
            how = "future" if ctx.tense == "future" else "recent"
        relative = f"weekday:{WEEKDAY_CODES[wd - 1]};{how}"
        if ctx.anchor is None:
            return Resolution(None, "date", relative)
        a, delta = ctx.anchor, wd - ctx.anchor.isoweekday()
        if how == "recent":  # news convention: the most recent such day, up to and including today
            day = a + dt.timedelta(days=delta if delta <= 0 else delta - 7)
        elif how == "last":
            # The most recent such day before today, but not yesterday (that one is "Wednesday"
            # or "yesterday"): "last Wednesday" in a Thursday article is eight days back.
            # Agrees with every "last <weekday>" in the TimeBank/AQUAINT gold.
            back = (-delta) % 7 or 7
            if back < self.conventions["last_weekday_min_days_back"]:
                back += 7
            day = a - dt.timedelta(days=back)
        elif how == "future":
            day = a + dt.timedelta(days=delta if delta >= 0 else delta + 7)
        elif how == "next":
            day = a + dt.timedelta(days=delta if delta > 0 else delta + 7)
        else:
            day = a + dt.timedelta(days=delta)
        value = day.isoformat() + (f"T{part}" if part else "")
        return Resolution(value, "date", relative)

    def _h_weekend(self, m: re.Match, ctx: Context) -> Resolution | None:
        mod = m.group("mod").lower()
        if mod in ("last", "past", "previous"):
            how = "last"
        elif mod in ("next", "coming") or (mod == "this" and ctx.tense == "future"):
            how = "next"
        else:
            how = "recent"
        relative = f"weekend:{how}"
        if ctx.anchor is None:
            return Resolution(None, "date", relative)
        a = ctx.anchor
        saturday = a + dt.timedelta(days=6 - a.isoweekday())  # this ISO week's Saturday
        if how == "recent" and a.isoweekday() < 6 or how == "last":
            saturday -= dt.timedelta(days=7)
        elif how == "next" and a.isoweekday() >= 6:
            saturday += dt.timedelta(days=7)
        year, week, _ = saturday.isocalendar()
        return Resolution(f"{year}-W{week:02d}-WE", "date", relative)

    def _h_unit_relative(self, m: re.Match, ctx: Context) -> Resolution | None:
        unit = self._unit(m.group("u"))[0]
        mod = m.group("mod").lower()
        step = {"last": -1, "past": -1, "previous": -1, "prior": -1, "next": 1, "coming": 1}.get(mod, 0)
        if mod == "latest":
            step = -1 if unit == "quarter" else 0
        if unit in ("decade", "century") and mod == "past":
            # "the past decade" is a stretch of ten years in the gold data, not the 2010s
            return Resolution("P10Y" if unit == "decade" else "P100Y", "duration")
        relative = f"{unit}:{step:+d}"
        if ctx.anchor is None:
            return Resolution(None, "date", relative)
        return Resolution(period_value(ctx.anchor, unit, step), "date", relative)

    def _h_month(self, m: re.Match, ctx: Context) -> Resolution | None:
        g = m.groupdict()
        month = self.month[g["mon"].lower()]
        year = self._year(m)
        mod = (g.get("mod") or g.get("mod2") or "").lower()
        if year is None and g.get("yrel") and ctx.anchor is not None:
            year = ctx.anchor.year + {"last": -1, "this": 0, "next": 1}[g["yrel"].lower()]
        if year is None:
            relative = f"month:{month:02d};{mod or 'nearest'}"
            if ctx.anchor is None:
                return Resolution(None, "date", relative)
            a = ctx.anchor
            if mod in ("last", "past", "previous"):
                year = a.year if month < a.month else a.year - 1
            elif mod in ("next", "coming"):
                year = a.year if month > a.month else a.year + 1
            elif mod == "this":
                year = a.year
            else:
                year = nearest_year(ctx, month, 1, month_only=True)
            return Resolution(f"{year:04d}-{month:02d}", "date", relative)
        return Resolution(f"{year:04d}-{month:02d}", "date")

    def _h_season(self, m: re.Match, ctx: Context) -> Resolution | None:
        spec = self.season[m.group("s").lower()]
        year = self._year(m)
        mod = (m.groupdict().get("mod") or "").lower()
        if year is None:
            relative = f"season:{spec['code']};{mod or 'this'}"
            if ctx.anchor is None:
                return Resolution(None, "date", relative)
            a = ctx.anchor
            year = a.year
            if mod in ("last", "past", "previous") and spec["start"] >= a.month - 2:
                year -= 1
            elif mod in ("next", "coming") and spec["start"] <= a.month:
                year += 1
        return Resolution(f"{year:04d}-{spec['code']}", "date")

    def _h_quarter(self, m: re.Match, ctx: Context) -> Resolution | None:
        g = m.groupdict()
        code = "H" if (g.get("q") or g.get("qc") or "").lower().startswith("h") else "Q"
        ordinal = int(g["o"]) if g["o"].isdigit() else self.ordinal[g["o"].lower()]
        if code == "H" and g["o"].lower() in ("last", "final"):
            ordinal = 2
        if code == "H" and ordinal > 2:
            return None
        year = self._year(m) or self._year(m, "y0")
        rel = (g.get("rel") or g.get("rel0") or "").lower()
        if year is None and rel and ctx.anchor is not None:  # "this year's third quarter"
            year = ctx.anchor.year + {"last": -1, "this": 0, "next": 1}[rel]
        if year is None:
            if ctx.anchor is None:
                return Resolution(None, "date", f"quarter:{code}{ordinal};this")
            year = ctx.anchor.year
            # Results news reports on quarters that are over: "the fourth quarter" in a March
            # story is last year's, unless the verb looks ahead ("will rise in the fourth quarter").
            # The coming quarter (starting within three months) stays this year's: plans name it.
            first_month = (ordinal - 1) * (3 if code == "Q" else 6) + 1
            if first_month > ctx.anchor.month + 3 and ctx.tense != "future":
                year -= 1
        return Resolution(f"{year:04d}-{code}{ordinal}", "date")

    def _h_reported_quarter(self, m: re.Match, ctx: Context) -> Resolution | None:
        # "the quarter", "that quarter", "the 1988 period" in an earnings story: the quarter it reports on
        if ctx.reported_quarter is None:
            return None
        year = self._year(m)
        if year is None:
            return Resolution(ctx.reported_quarter, "date")
        return Resolution(f"{year:04d}-{ctx.reported_quarter.split('-', 1)[1]}", "date")

    def _h_decade(self, m: re.Match, ctx: Context) -> Resolution | None:
        g = m.groupdict()
        if g.get("c"):
            return Resolution(f"{g['c']}{g['d']}", "date")
        digit = int(g["d2"])
        if ctx.anchor is None:
            return Resolution(None, "date", f"decade:X{digit}")
        century = ctx.anchor.year // 100
        if digit * 10 > ctx.anchor.year % 100:  # the '90s, written in 2004, are the 1990s
            century -= 1
        return Resolution(f"{century}{digit}", "date")

    def _h_year(self, m: re.Match, ctx: Context) -> Resolution | None:
        year = self._year(m)
        return Resolution(f"{year:04d}", "date") if year is not None else None

    def _h_year_words(self, m: re.Match, ctx: Context) -> Resolution | None:
        g = m.groupdict()
        if g.get("c"):
            yy = 0 if g["yy"].lower() == "hundred" else self._num(g["yy"])
            century = 18 if g["c"].lower() == "eighteen" else 19
            return Resolution(f"{century}{yy:02d}", "date") if yy != "X" else None
        return Resolution(f"{2000 + (self._num(g['kk']) if g.get('kk') else 0):04d}", "date")

    def _h_duration(self, m: re.Match, ctx: Context) -> Resolution | None:
        n = self._num(m.group("n"))
        half = m.group("half") or m.groupdict().get("half2")
        if half and n != "X":
            n += 0.5
        _, letter, clock, multiple = self._unit(m.group("u"))
        # "2 1/2 years" is written P2Y6M in the gold data, "two and a half years" P2.5Y
        split = bool(half) and "/" in half
        return Resolution(duration_value(n, letter, clock, multiple, split), "duration")

    def _h_vague_units(self, m: re.Match, ctx: Context) -> Resolution | None:
        if m.groupdict().get("one"):  # "a day-long meeting"
            _, letter, clock, multiple = self._unit(m.group("one"))
            return Resolution(duration_value(1, letter, clock, multiple), "duration")
        _, letter, clock, _ = self._unit(m.group("u"))
        if (m.groupdict().get("vague") or "").lower() in ("recent", "past") and letter == "Y" and not clock:
            return Resolution("PAST_REF", "date")  # TimeML: "recent years" is the past, not a span
        return Resolution(("PT" if clock else "P") + "X" + letter, "duration")

    def _h_anchor_day(self, m: re.Match, ctx: Context) -> Resolution | None:
        # "the day", "the same day", "late in the day": the day the story reports, its publication day
        part = self.part.get((m.groupdict().get("part") or "").lower())
        return offset_day(ctx, 0, part)

    def _h_anchor_year(self, m: re.Match, ctx: Context) -> Resolution | None:
        # "the end of the year", "year-end", "the full year": the publication year (TimeML: the year)
        if ctx.anchor is None:
            return Resolution(None, "date", "year:+0")
        return Resolution(f"{ctx.anchor.year:04d}", "date", "year:+0")

    def _h_period(self, m: re.Match, ctx: Context) -> Resolution | None:
        # "the year ended March 31" is a year-long stretch (TimeML: P1Y); "for the year" in a
        # report, with no date after it, is the publication year
        _, letter, _, _ = self._unit(m.group("u"))
        if ctx.period_ended:
            return Resolution(f"P1{letter}", "duration")
        return self._h_anchor_year(m, ctx) if letter == "Y" else None

    def _h_century(self, m: re.Match, ctx: Context) -> Resolution | None:
        n = int(m.group("n"))
        return Resolution(f"{n - 1:02d}", "date") if 1 <= n <= 21 else None

    def _h_set(self, m: re.Match, ctx: Context) -> Resolution | None:
        g = m.groupdict()
        if g.get("adv"):
            adv = g["adv"].lower()
            table = {"daily": "P1D", "nightly": "P1D", "weekly": "P1W", "monthly": "P1M", "quarterly": "P3M",
                     "hourly": "PT1H"}
            return Resolution(table.get(adv, "P1Y"), "set")
        if g.get("wd"):
            return Resolution(f"XXXX-WXX-{self.weekday[g['wd'].lower()]}", "set")
        if g.get("mon"):  # "each July"
            return Resolution(f"XXXX-{self.month[g['mon'].lower()]:02d}", "set")
        n = self._num(g.get("n"))
        _, letter, clock, multiple = self._unit(g["u"])
        return Resolution(duration_value(n, letter, clock, multiple), "set")

    def _h_fuzzy(self, m: re.Match, ctx: Context) -> Resolution | None:
        return Resolution(self.fuzzy[re.sub(r"\s+", " ", m.group("f").lower())], "date")


@functools.lru_cache(maxsize=1)
def load_grammar() -> Grammar:
    """The compiled date grammar, built once per process from the package's rule files."""
    rules = _load_toml("rules.toml")
    return Grammar(_load_toml("lexicon.toml"), rules["rule"], {k: v for k, v in rules.items() if k != "rule"})
