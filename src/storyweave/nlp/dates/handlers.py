"""The handlers of the date grammar: one per kind of expression, each turning a match into a value.

A handler takes the match of its rule in ``rules/dates/rules.toml`` (the rule names it in its
``handler`` field: ``handler = "weekday"`` calls ``_h_weekday``) and the ``Context`` of the
mention, and returns a ``Resolution``: the TimeML value when it can be computed, else the
meaning relative to the publication date, or None when the rule does not apply after all.
``Grammar`` (``storyweave.nlp.dates.grammar``) compiles the rules and inherits these methods;
they read its word tables (``self.weekday``, ``self.month``, ``self.units``, ...).

Apart from the grammar so that each module stays one concept: compiling and matching the
rules there, the arithmetic of each kind of expression here.
"""

from __future__ import annotations

import datetime as dt
import re

from storyweave.nlp.dates.values import (
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

WEEKDAY_CODES = ("MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN")


class Handlers:
    """The value of each kind of expression; mixed into ``Grammar``, whose tables it reads."""

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
