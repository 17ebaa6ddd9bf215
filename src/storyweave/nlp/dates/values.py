"""TimeML values: the records a date rule returns and the calendar arithmetic behind them.

``Resolution`` is what a handler of ``storyweave.nlp.dates.handlers`` makes of an expression,
``Context`` what it may know besides the text (publication date, verb tense, the
reporting period of an earnings story). The functions turn offsets and periods into
TimeML values ("2024-W49", "1988-Q3", "P3M").
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from dateutil.easter import easter
from dateutil.relativedelta import relativedelta, weekday

# Month-without-year choice (see nearest_year): days a wrong-tense candidate is pushed away,
# and the days a date may sit on the "wrong" side of the publication date before that applies.
TENSE_PENALTY_DAYS = 150
TENSE_SLACK_DAYS = 20


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
    #: the quarter an earnings story reports on ("1989-Q3"): the last quarter the article
    #: named, else the last completed one; "the quarter" and "the 1988 period" refer to it
    reported_quarter: str | None = None
    #: a date ends the expression ("the year ended March 31"): TimeML makes the period a duration
    period_ended: bool = False


def last_quarter(anchor: dt.date) -> str:
    """The last completed calendar quarter before ``anchor`` (what earnings news reports on)."""
    return shift(anchor, -1, "Q", 1)


def quarters_back(quarter: str, years: int) -> str:
    """``quarter`` ("1989-Q3") ``years`` years earlier ("1988-Q3"); "QX" parts stay unknown."""
    year, part = quarter.split("-", 1)
    return f"{int(year) - years:04d}-{part}"


def nearest_year(ctx: Context, month: int, day: int, mod: str = "", month_only: bool = False) -> int:
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


def holiday_date(spec, year: int) -> dt.date:
    """The date of a holiday in ``year``: ``[month, day]`` for a fixed one; for a moving one a table
    ``{month, weekday, nth}`` (the ``nth`` ISO ``weekday`` of the month, counted from its end when
    negative, from ``day`` when given) or ``{easter = offset}`` (days from Western Easter Sunday)."""
    if not isinstance(spec, dict):
        return dt.date(year, spec[0], spec[1])
    if "easter" in spec:
        return easter(year) + dt.timedelta(days=spec["easter"])
    nth = spec["nth"]
    first = dt.date(year, spec["month"], spec.get("day", 1))
    return first + relativedelta(day=spec.get("day", 1 if nth > 0 else 31), weekday=weekday(spec["weekday"] - 1, nth))


def offset_day(ctx: Context, offset: int, part: str | None) -> Resolution:
    relative = f"offset:{offset:+d}D" + (f";part:{part}" if part else "")
    if ctx.anchor is None:
        return Resolution(None, "date", relative)
    day = ctx.anchor + dt.timedelta(days=offset)
    return Resolution(day.isoformat() + (f"T{part}" if part else ""), "date", relative)


def shift(anchor: dt.date, amount: int, letter: str, multiple: int) -> str:
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


def period_value(anchor: dt.date, unit: str, step: int) -> str:
    """The calendar period ``step`` units from the one holding ``anchor`` ("last week" -> ISO week before)."""
    if unit == "week":
        year, week, _ = (anchor + dt.timedelta(weeks=step)).isocalendar()
        return f"{year}-W{week:02d}"
    if unit == "month":
        return shift(anchor, step, "M", 1)
    if unit == "quarter":
        return shift(anchor, step, "Q", 1)
    if unit == "decade":
        return f"{anchor.year // 10 + step:03d}"
    if unit == "century":
        return f"{anchor.year // 100 + step:02d}"
    return f"{anchor.year + step:04d}"


def duration_value(n, letter: str, clock: bool, multiple: int, split_half: bool = False) -> str:
    """The TimeML duration of ``n`` units ("P3Y", "PT2H", "P2Q", "PXM").

    Quarters keep their own unit, as the TimeML news gold writes them ("P2Q", "PXQ").
    ``split_half`` writes a half as the next smaller unit ("2 1/2 years" -> "P2Y6M").
    """
    if n == "X":
        return ("PT" if clock else "P") + "X" + letter
    total = n * multiple
    whole = int(total)
    smaller = _HALF.get((letter, clock))
    if split_half and total - whole == 0.5 and smaller is not None:
        return ("PT" if clock else "P") + f"{whole}{letter}{smaller}"
    amount = str(whole) if float(total).is_integer() else f"{total:g}"
    return ("PT" if clock else "P") + amount + letter


#: half a unit written in the next smaller one, by (letter, clock unit)
_HALF = {("Y", False): "6M", ("H", True): "30M", ("M", True): "30S", ("D", False): "T12H"}


