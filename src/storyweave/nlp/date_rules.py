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

logger = logging.getLogger(__name__)

# Month-without-year choice (see _nearest_year): days a wrong-tense candidate is pushed away,
# and the days a date may sit on the "wrong" side of the publication date before that applies.
TENSE_PENALTY_DAYS = 150
TENSE_SLACK_DAYS = 20
WEEKDAY_CODES = ("MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN")
MOD = (
    r"(?:(?:about|nearly|almost|some|roughly|around|approximately|more\s+than|less\s+than|fewer\s+than"
    r"|over|under|at\s+least|at\s+most|up\s+to|just|only|the\s+past|the\s+last|the\s+next|the\s+first"
    r"|the\s+final|the\s+coming|the\s+previous|past|last|next|first|final|coming|another|a\s+further"
    r"|the|nearly\s+a|almost\s+a)\s+)*"
)


@dataclass(frozen=True)
class Resolution:
    """What a time expression means: TimeML ``value`` (None if unresolved), ``kind``, ``relative``."""

    value: str | None
    kind: str  # "date", "time", "duration" or "set"
    relative: str | None = None


@dataclass(frozen=True)
class Context:
    """What a handler may use besides the text: the anchor date and the verb tense."""

    anchor: dt.date | None
    tense: str | None = None  # "past", "present", "future" or None
    #: the sentence talks about a fiscal quarter (earnings news): "a year ago" then means
    #: the reported quarter a year before (TimeBank's WSJ gold: "1988-Q3")
    quarter_context: bool = False


@dataclass(frozen=True)
class Rule:
    name: str
    pattern: re.Pattern
    handler: Callable[[Grammar, re.Match, Context], Resolution | None] | None
    detect: bool


def _alternation(words, case_sensitive: bool = False) -> str:
    # Longest first, so "Christmas Eve" wins over "Christmas" and "a few" over "a".
    body = "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(words, key=len, reverse=True))
    return f"(?-i:{body})" if case_sensitive else f"(?:{body})"


def _load_toml(name: str) -> dict:
    path = resources.files("storyweave.nlp") / "rules" / "dates" / name
    return tomllib.loads(path.read_text(encoding="utf-8"))


class Grammar:
    """The compiled lexicon and rules. Build it once through ``load_grammar()``."""

    def __init__(self, lexicon: dict, rules: list[dict]):
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
        self.conventions = lexicon["conventions"]
        self.fuzzy = {**lexicon["fuzzy"], **lexicon["fuzzy_weak"]}
        places = {
            "WEEKDAY": _alternation(lexicon["weekday"], case_sensitive=True),
            "MONTH": _alternation(lexicon["month"], case_sensitive=True),
            "HOLIDAY": _alternation(lexicon["holiday"], case_sensitive=True),
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
        self.rules: list[Rule] = []
        for spec in rules:
            source = re.sub(r"\{([A-Z_]+)\}", lambda m: places[m.group(1)], spec["pattern"])
            handler = getattr(Grammar, "_h_" + spec["handler"]) if spec.get("normalise", True) else None
            self.rules.append(
                Rule(spec["name"], re.compile(source, re.IGNORECASE), handler, spec.get("detect", True))
            )

    # ------------------------------------------------------------------ public
    def find(self, text: str) -> Iterator[tuple[int, int, str]]:
        """Yield ``(start, end, rule name)`` for every detection-rule match in ``text``."""
        for rule in self.rules:
            if not rule.detect:
                continue
            for m in rule.pattern.finditer(text):
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
            year = _nearest_year(ctx, month, day)
        value = dt.date(year, month, day).isoformat()
        if g.get("H"):
            return Resolution(f"{value}T{g['H']}:{g['M']}", "time")
        return Resolution(value, "date")

    def _h_holiday(self, m: re.Match, ctx: Context) -> Resolution | None:
        month, day = self.holiday[re.sub(r"\s+", " ", m.group("hol").lower())]
        year = self._year(m)
        if year is None:
            if ctx.anchor is None:
                return Resolution(None, "date", f"date:XXXX-{month:02d}-{day:02d}")
            year = _nearest_year(ctx, month, day, mod=(m.group("mod") or "").lower())
        return Resolution(dt.date(year, month, day).isoformat(), "date")

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
        part = self.part.get((m.group("part") or "").lower()) or ("NI" if word == "tonight" else None)
        return _offset_day(ctx, offset, part)

    def _h_part_of_day(self, m: re.Match, ctx: Context) -> Resolution | None:
        mod = m.group("mod").lower()
        part = self.part[m.group("part").lower()]
        offset = {"this": 0, "tomorrow": 1, "yesterday": -1, "last": -1 if part == "NI" else 0}[mod]
        return _offset_day(ctx, offset, part)

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
            # the last completed quarter, a year before
            return Resolution(_shift(ctx.anchor, -5, "Q", 1), "date", relative)
        return Resolution(_shift(ctx.anchor, sign * int(amount), letter, multiple), "date", relative)

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
        return Resolution(_period(ctx.anchor, unit, step), "date", relative)

    def _h_month(self, m: re.Match, ctx: Context) -> Resolution | None:
        g = m.groupdict()
        month = self.month[g["mon"].lower()]
        year = self._year(m)
        mod = (g.get("mod") or g.get("mod2") or "").lower()
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
                year = _nearest_year(ctx, month, 1, month_only=True)
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
        if code == "H" and ordinal > 2:
            return None
        year = self._year(m) or self._year(m, "y0")
        if year is None:
            if ctx.anchor is None:
                return Resolution(None, "date", f"quarter:{code}{ordinal};this")
            year = ctx.anchor.year
        return Resolution(f"{year:04d}-{code}{ordinal}", "date")

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

    def _h_duration(self, m: re.Match, ctx: Context) -> Resolution | None:
        n = self._num(m.group("n"))
        if m.group("half") and n != "X":
            n += 0.5
        _, letter, clock, multiple = self._unit(m.group("u"))
        return Resolution(_duration_value(n, letter, clock, multiple), "duration")

    def _h_vague_units(self, m: re.Match, ctx: Context) -> Resolution | None:
        _, letter, clock, _ = self._unit(m.group("u"))
        return Resolution(("PT" if clock else "P") + "X" + letter, "duration")

    def _h_set(self, m: re.Match, ctx: Context) -> Resolution | None:
        g = m.groupdict()
        if g.get("adv"):
            adv = g["adv"].lower()
            table = {"daily": "P1D", "nightly": "P1D", "weekly": "P1W", "monthly": "P1M", "quarterly": "P3M",
                     "hourly": "PT1H"}
            return Resolution(table.get(adv, "P1Y"), "set")
        if g.get("wd"):
            return Resolution(f"XXXX-WXX-{self.weekday[g['wd'].lower()]}", "set")
        n = self._num(g.get("n"))
        _, letter, clock, multiple = self._unit(g["u"])
        return Resolution(_duration_value(n, letter, clock, multiple), "set")

    def _h_fuzzy(self, m: re.Match, ctx: Context) -> Resolution | None:
        return Resolution(self.fuzzy[re.sub(r"\s+", " ", m.group("f").lower())], "date")


# ---------------------------------------------------------------------- calendar arithmetic
def _nearest_year(ctx: Context, month: int, day: int, mod: str = "", month_only: bool = False) -> int:
    """The year of a month (and day) written without one.

    The candidate (last, this or next year) nearest the publication date, where a candidate
    on the wrong side for the verb's tense ("will meet in January", "met in March") counts
    ``TENSE_PENALTY_DAYS`` farther: the gold data keeps "March" in a November article in
    the same year, yet puts "April" in a December article's future in the next one.
    """
    a = ctx.anchor
    assert a is not None
    best, best_cost = a.year, None
    for year in (a.year - 1, a.year, a.year + 1):
        try:
            when = dt.date(year, month, 15 if month_only else day)
        except ValueError:  # February 29th outside a leap year
            continue
        delta = (when - a).days
        if month_only and year == a.year and month == a.month:
            delta = 0
        cost = abs(delta)
        if (ctx.tense == "future" or mod == "next") and delta < -TENSE_SLACK_DAYS:
            cost += TENSE_PENALTY_DAYS
        if (ctx.tense == "past" or mod == "last") and delta > TENSE_SLACK_DAYS:
            cost += TENSE_PENALTY_DAYS
        if best_cost is None or cost < best_cost:
            best, best_cost = year, cost
    return best


def _offset_day(ctx: Context, offset: int, part: str | None) -> Resolution:
    relative = f"offset:{offset:+d}D" + (f";part:{part}" if part else "")
    if ctx.anchor is None:
        return Resolution(None, "date", relative)
    day = ctx.anchor + dt.timedelta(days=offset)
    return Resolution(day.isoformat() + (f"T{part}" if part else ""), "date", relative)


def _shift(anchor: dt.date, amount: int, letter: str, multiple: int) -> str:
    """``anchor`` moved by ``amount`` units, at the unit's granularity ("a year ago" -> "2023")."""
    if letter == "D":
        return (anchor + dt.timedelta(days=amount)).isoformat()
    if letter == "W":
        return (anchor + dt.timedelta(weeks=amount)).isoformat()
    if letter == "M":
        index = anchor.year * 12 + anchor.month - 1 + amount
        return f"{index // 12:04d}-{index % 12 + 1:02d}"
    if letter == "Q":
        index = anchor.year * 4 + (anchor.month - 1) // 3 + amount
        return f"{index // 4:04d}-Q{index % 4 + 1}"
    year = anchor.year + amount
    return f"{year:04d}" if multiple == 1 else f"{year // 10:03d}" if multiple == 10 else f"{year // 100:02d}"


def _period(anchor: dt.date, unit: str, step: int) -> str:
    """The calendar period ``step`` units from the one holding ``anchor`` ("last week" -> ISO week before)."""
    if unit == "week":
        year, week, _ = (anchor + dt.timedelta(weeks=step)).isocalendar()
        return f"{year}-W{week:02d}"
    if unit == "month":
        return _shift(anchor, step, "M", 1)
    if unit == "quarter":
        return _shift(anchor, step, "Q", 1)
    if unit == "decade":
        return f"{anchor.year // 10 + step:03d}"
    if unit == "century":
        return f"{anchor.year // 100 + step:02d}"
    return f"{anchor.year + step:04d}"


def _duration_value(n, letter: str, clock: bool, multiple: int) -> str:
    if n == "X":
        amount = "X"
    else:
        total = n * multiple
        amount = str(int(total)) if float(total).is_integer() else f"{total:g}"
    if letter == "Q":  # TimeML has no quarter unit in durations: three months each
        amount, letter = (amount if amount == "X" else str(int(float(amount) * 3))), "M"
    return ("PT" if clock else "P") + amount + letter


@functools.lru_cache(maxsize=1)
def load_grammar() -> Grammar:
    """The compiled date grammar, built once per process from the package's rule files."""
    return Grammar(_load_toml("lexicon.toml"), _load_toml("rules.toml")["rule"])
