"""TimeML date values as a person reads them, and the days they cover.

The analysis stores dates as TimeML values ("2024-W48-WE", "2024-Q3", "PRESENT_REF"):
exact and sortable, but not what a reader of a dossier should have to decode. These
pure functions turn a value into words ("the weekend of 23–24 Nov 2024") and into the
first and last day it covers, so a timeline can order a week, a month and a day
against each other. A value they do not know comes back unchanged: a raw value is
better than a wrong reading.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Optional

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
#: TimeML's vague references
REFERENCES = {"PRESENT_REF": "now", "PAST_REF": "in the past", "FUTURE_REF": "in the future"}
#: TimeML seasons ("2024-SU") and their months, northern hemisphere (winter spans the year's end)
SEASONS = {"SP": ("spring", 3, 5), "SU": ("summer", 6, 8), "FA": ("autumn", 9, 11), "WI": ("winter", 12, 14)}
#: TimeML parts of the day ("2024-12-05TMO")
DAY_PARTS = {"MO": "morning", "MI": "midday", "AF": "afternoon", "EV": "evening", "NI": "night", "DT": "daytime"}
ORDINALS = ("first", "second", "third", "fourth")

_DAY = re.compile(r"^(\d{4}|XXXX)-(\d{2})-(\d{2})(?:T(.+))?$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_WEEK = re.compile(r"^(\d{4})-W(\d{2})(-WE)?$")
_PART = re.compile(r"^(\d{4})-(Q[1-4]|H[12]|SP|SU|FA|WI)$")
_CLOCK = re.compile(r"^(\d{2}):(\d{2})")


def readable_date(value: Optional[str]) -> Optional[str]:
    """``value`` (a TimeML date) in words: "5 Dec 2024", "Dec 2024", "week of 2 Dec 2024", "now".

    None stays None; a value of another shape (a duration, a range) is returned as it is.
    """
    if not value:
        return None
    value = value.strip()
    if value in REFERENCES:
        return REFERENCES[value]
    if m := _DAY.match(value):
        return _day_words(*m.groups())
    if m := _MONTH.match(value):
        month = int(m[2])
        return f"{MONTHS[month - 1]} {m[1]}" if 1 <= month <= 12 else value
    if m := _WEEK.match(value):
        span = _week_span(int(m[1]), int(m[2]), weekend=bool(m[3]))
        if span is None:
            return value
        return f"the weekend of {_span_words(*span)}" if m[3] else f"week of {_day(span[0])}"
    if m := _PART.match(value):
        return _part_words(int(m[1]), m[2])
    if re.fullmatch(r"\d{4}", value):
        return value
    if re.fullmatch(r"\d{3}", value):  # a decade: "202" is 2020–2029
        return f"the {value}0s"
    if re.fullmatch(r"\d{2}", value):  # a century: "19" is 1900–1999
        return f"the {value}00s"
    return value


def readable_period(first: Optional[str], last: Optional[str]) -> Optional[str]:
    """When a story was seen, from its first and last timestamps: "5 Dec 2024" or "5 Dec 2024 – 7 Jan 2025"."""
    start, end = readable_date((first or "")[:10]), readable_date((last or "")[:10])
    if start and end and start != end:
        return f"{start} – {end}"
    return start or end


def date_span(value: Optional[str]) -> Optional[tuple[dt.date, dt.date]]:
    """The first and last day ``value`` covers, or None when it names no known stretch of time.

    Used to order a timeline: "2024-W48-WE" sorts before "2024-12-05", as the calendar does,
    though not as the strings do.
    """
    if not value:
        return None
    value = value.strip()
    try:
        if m := _DAY.match(value):
            if m[1] == "XXXX":
                return None
            day = dt.date(int(m[1]), int(m[2]), int(m[3]))
            return day, day
        if m := _MONTH.match(value):
            return _month_span(int(m[1]), int(m[2]), int(m[2]))
        if m := _WEEK.match(value):
            return _week_span(int(m[1]), int(m[2]), weekend=bool(m[3]))
        if m := _PART.match(value):
            year, part = int(m[1]), m[2]
            if part[0] == "Q":
                q = int(part[1])
                return _month_span(year, 3 * q - 2, 3 * q)
            if part[0] == "H":
                h = int(part[1])
                return _month_span(year, 6 * h - 5, 6 * h)
            _, first, last = SEASONS[part]
            return _month_span(year, first, last)
        if re.fullmatch(r"\d{2,4}", value):
            width = 10 ** (4 - len(value))
            start = int(value) * width
            return dt.date(start, 1, 1), dt.date(start + width - 1, 12, 31)
    except ValueError:  # day 31 of a 30-day month, week 60: not a date
        return None
    return None


def _day(day: dt.date) -> str:
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def _day_words(year: str, month: str, day: str, time: Optional[str]) -> str:
    m, d = int(month), int(day)
    if not (1 <= m <= 12 and 1 <= d <= 31):
        return f"{year}-{month}-{day}" + (f"T{time}" if time else "")
    words = f"{d} {MONTHS[m - 1]}" + ("" if year == "XXXX" else f" {year}")
    if not time:
        return words
    if clock := _CLOCK.match(time):
        return f"{words}, {clock[1]}:{clock[2]}"
    part = DAY_PARTS.get(time)
    return f"{words}, {part}" if part else words


def _week_span(year: int, week: int, weekend: bool) -> Optional[tuple[dt.date, dt.date]]:
    try:
        monday = dt.date.fromisocalendar(year, week, 1)
    except ValueError:
        return None
    if weekend:
        return monday + dt.timedelta(days=5), monday + dt.timedelta(days=6)
    return monday, monday + dt.timedelta(days=6)


def _span_words(first: dt.date, last: dt.date) -> str:
    """Two days as one phrase, naming the month and year once where they are shared."""
    if first.year != last.year:
        return f"{_day(first)}–{_day(last)}"
    if first.month != last.month:
        return f"{first.day} {MONTHS[first.month - 1]}–{_day(last)}"
    return f"{first.day}–{_day(last)}"


def _month_span(year: int, first: int, last: int) -> tuple[dt.date, dt.date]:
    # a last month past December runs into the next year (winter: December to February)
    end_year, end_month = year + (last - 1) // 12, (last - 1) % 12 + 1
    following = dt.date(end_year + end_month // 12, end_month % 12 + 1, 1)
    return dt.date(year, first, 1), following - dt.timedelta(days=1)


def _part_words(year: int, part: str) -> str:
    if part[0] == "Q":
        return f"the {ORDINALS[int(part[1]) - 1]} quarter of {year}"
    if part[0] == "H":
        return f"the {ORDINALS[int(part[1]) - 1]} half of {year}"
    return f"{SEASONS[part][0]} {year}"
