"""Time expressions: TIMEX3 extents (what is and is not part of an expression) and the values
that depend on them. Every sentence here is invented."""

from __future__ import annotations

import datetime as dt

import pytest

from storyweave.nlp.dates.grammar import Context, load_grammar
from storyweave.nlp.dates.values import holiday_date
from storyweave.nlp.pipeline import find_dates

THURSDAY = "2024-12-05"


def spans(text: str, published: str | None = THURSDAY) -> dict[str, str | None]:
    """Each mention's text and value."""
    return {m.text: m.value for m in find_dates(text, published)}


@pytest.mark.parametrize(
    "sentence, expected",
    [
        ("Output rose every year between 2015 and 2019.", {"2015": "2015", "2019": "2019"}),
        ("Shares were bought from Oct. 3 to Nov. 9.", {"Oct. 3": "2024-10-03", "Nov. 9": "2024-11-09"}),
        ("The window is open from 2021 through 2023.", {"2021": "2021", "2023": "2023"}),
    ],
)
def test_a_range_is_two_expressions(sentence, expected):
    found = spans(sentence)
    for text, value in expected.items():
        assert found.get(text) == value, found


def test_a_period_and_the_day_that_ends_it_are_two_expressions():
    found = spans("The mill earned $4 million in the year ended June 30, 2023, its best result.")
    assert found.get("the year") == "P1Y"
    assert found.get("June 30, 2023") == "2023-06-30"
    found = spans("Sales of the chain rose 8% in the quarter ended Sept. 30.")
    assert "the quarter" in found and found.get("Sept. 30") == "2024-09-30"


def test_the_year_without_an_end_date_is_the_publication_year():
    assert spans("For the year, the chain expects flat sales.").get("the year") == "2024"


@pytest.mark.parametrize(
    "sentence, expression",
    [
        ("Last week's storm closed the port.", "Last week"),
        ("The mill reported a third-quarter loss of $3 million.", "third-quarter"),
        ("Police are still investigating the Oct. 12 fire at the depot.", "Oct. 12"),
        ("The bridge reopened after only six weeks.", "six weeks"),
        ("The ferry sank just a month ago.", "a month ago"),
        ("The pumps move about two tonnes in about three hours.", "three hours"),
    ],
)
def test_words_of_the_noun_phrase_stay_outside(sentence, expression):
    assert expression in spans(sentence), spans(sentence)


@pytest.mark.parametrize(
    "sentence, not_a_date",
    [
        ("A 34-year-old farmer was arrested.", "34-year-old"),
        ("The mayor, 61 years old, resigned.", "61 years old"),
        ("The poet died at the age of 80, his family said.", "the age of 80"),
        ("The island imports three-quarters of its grain.", "three-quarters"),
        ("Talks between Anna Berg and Jan Novak resumed.", "Jan"),
        ("The bank had previously denied the report.", "previously"),
    ],
)
def test_what_timeml_does_not_mark(sentence, not_a_date):
    assert not any(not_a_date in text for text in spans(sentence)), spans(sentence)


def test_before_is_no_part_of_a_duration():
    found = spans("Divers found the wreck ten days before the inquiry opened.")
    assert found.get("ten days") == "P10D"


def test_a_quarter_two_or_more_ahead_without_a_year_is_last_years():
    found = spans("Retail sales slumped in the fourth quarter.", "2024-02-20")
    assert found.get("the fourth quarter") == "2023-Q4"
    # the coming quarter stays this year's
    assert spans("Retail sales slumped in the fourth quarter.", "2024-08-20").get("the fourth quarter") == "2024-Q4"


def test_moving_holidays():
    assert holiday_date({"month": 11, "weekday": 4, "nth": 4}, 2024) == dt.date(2024, 11, 28)
    assert holiday_date({"month": 5, "weekday": 1, "nth": -1}, 2024) == dt.date(2024, 5, 27)
    assert holiday_date({"month": 11, "day": 2, "weekday": 2, "nth": 1}, 2024) == dt.date(2024, 11, 5)
    assert holiday_date({"easter": -2}, 2024) == dt.date(2024, 3, 29)
    assert spans("The parade was held on Thanksgiving Day.").get("Thanksgiving Day") == "2024-11-28"
    assert spans("Turnout rose on Election Day.", "2024-11-07").get("Election Day") == "2024-11-05"


def test_spelled_out_years():
    grammar = load_grammar()
    ctx = Context(dt.date(2024, 12, 5))
    assert grammar.normalise("nineteen eighty-four", ctx).value == "1984"
    assert grammar.normalise("the year two thousand", ctx).value == "2000"
    assert spans("The plant opened in nineteen sixty-two.").get("nineteen sixty-two") == "1962"


def test_a_present_or_modal_passive_is_not_past_tense():
    # "should be completed" looks ahead; read as past it would put October in the year before
    assert spans("The sale should be completed in October.", "2024-06-05").get("October") == "2024-10"
    assert spans("A ruling is expected in October.", "2024-06-05").get("October") == "2024-10"


def test_each_month_is_a_set():
    mention = next(m for m in find_dates("Pilgrims gather here each April.", THURSDAY) if "April" in m.text)
    assert (mention.text, mention.value, mention.kind) == ("each April", "XXXX-04", "set")


@pytest.mark.parametrize(
    "sentence, expression",
    [
        ("The tunnel is almost two and a half years late.", "almost two and a half years"),
        ("The dam was built more than four decades ago.", "more than four decades ago"),
        ("Sales rose over the past two years.", "the past two years"),
    ],
)
def test_hedges_belong_to_the_expression_but_prepositions_do_not(sentence, expression):
    assert expression in spans(sentence), spans(sentence)


def test_long_compounds_and_comparative_recently():
    found = spans("The decades-long feud ended after a day-long summit.")
    assert (found.get("decades-long"), found.get("day-long")) == ("PXY", "P1D")
    assert spans("More recently, the firm has sold bicycles.").get("More recently") == "PAST_REF"
