"""TimeML values as a reader sees them, and the days they cover (for ordering a timeline)."""

from __future__ import annotations

import datetime as dt

import pytest

from storyweave.queries.dates import date_span, readable_date


@pytest.mark.parametrize(("value", "words"), [
    ("2024-12-05", "5 Dec 2024"),
    ("2024-12", "Dec 2024"),
    ("2024", "2024"),
    ("2024-W49", "week of 2 Dec 2024"),
    # ISO weeks, as the date normaliser writes them: week 48 of 2024 runs 25 Nov–1 Dec
    ("2024-W48-WE", "the weekend of 30 Nov–1 Dec 2024"),
    ("2024-W48", "week of 25 Nov 2024"),
    ("2024-W44-WE", "the weekend of 2–3 Nov 2024"),
    ("2022-W52-WE", "the weekend of 31 Dec 2022–1 Jan 2023"),
    ("2024-W22-WE", "the weekend of 1–2 Jun 2024"),
    ("2020-W48-WE", "the weekend of 28–29 Nov 2020"),
    ("2024-W05-WE", "the weekend of 3–4 Feb 2024"),
    ("2024-W09-WE", "the weekend of 2–3 Mar 2024"),
    ("PRESENT_REF", "now"),
    ("PAST_REF", "in the past"),
    ("FUTURE_REF", "in the future"),
    ("2012-04-04T11:47", "4 Apr 2012, 11:47"),
    ("2024-12-05TMO", "5 Dec 2024, morning"),
    ("XXXX-12-05", "5 Dec"),
    ("1988-Q3", "the third quarter of 1988"),
    ("2024-H1", "the first half of 2024"),
    ("2024-SU", "summer 2024"),
    ("202", "the 2020s"),
    ("19", "the 1900s"),
])
def test_values_read_as_words(value, words):
    assert readable_date(value) == words


@pytest.mark.parametrize("value", ["P3Y", "1994 to 1997", "2024-13", "2024-W60", "2024-02-31T", "soon"])
def test_unknown_shapes_come_back_unchanged(value):
    # a raw value is better than a wrong reading
    assert readable_date(value) == value


def test_nothing_stays_nothing():
    assert readable_date(None) is None and readable_date("") is None
    assert date_span(None) is None and date_span("PRESENT_REF") is None and date_span("P3Y") is None


def test_spans_cover_the_days_meant():
    d = dt.date
    assert date_span("2024-12-05") == (d(2024, 12, 5), d(2024, 12, 5))
    assert date_span("2024-W48-WE") == (d(2024, 11, 30), d(2024, 12, 1))
    assert date_span("2024-W49") == (d(2024, 12, 2), d(2024, 12, 8))
    assert date_span("2024-02") == (d(2024, 2, 1), d(2024, 2, 29))
    assert date_span("2024-12") == (d(2024, 12, 1), d(2024, 12, 31))
    assert date_span("1988-Q3") == (d(1988, 7, 1), d(1988, 9, 30))
    assert date_span("2024-WI") == (d(2024, 12, 1), d(2025, 2, 28))
    assert date_span("202") == (d(2020, 1, 1), d(2029, 12, 31))
    assert date_span("2024-02-31") is None  # not a day of the calendar


def test_spans_order_a_week_before_a_later_day():
    # As strings "2024-W48-WE" sorts after "2024-12-05"; on the calendar it is five days earlier.
    values = ["2024-12-05", "2024-W49", "2024-W48-WE", "2024-11-27"]
    assert sorted(values, key=lambda v: date_span(v)) == ["2024-11-27", "2024-W48-WE", "2024-W49", "2024-12-05"]


def test_a_story_period_reads_as_days():
    from storyweave.queries.dates import readable_period

    assert readable_period("2024-12-05T00:00:00", "2024-12-05T00:00:00") == "5 Dec 2024"
    assert readable_period("2024-12-05", "2025-01-07T10:00:00") == "5 Dec 2024 – 7 Jan 2025"
    assert readable_period(None, "2024-12-05") == "5 Dec 2024"
    assert readable_period(None, None) is None
