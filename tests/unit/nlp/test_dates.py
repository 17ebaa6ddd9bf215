"""Time expressions: news conventions against a publication date, and no invented values without one."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from storyweave.nlp.dates import DateMention, parse_published
from storyweave.nlp.dates.grammar import Context, load_grammar
from storyweave.nlp.pipeline import find_dates, load_dates_pipeline, pipe_texts

THURSDAY = "2024-12-05"  # the seeds' publication day


def value_of(text: str, expression: str, published: str | None = THURSDAY) -> DateMention:
    """The mention covering ``expression`` in ``text`` (fails if none does)."""
    start = text.index(expression)
    for m in find_dates(text, published):
        if m.start_char <= start < m.end_char:
            return m
    raise AssertionError(f"{expression!r} not found in {[m.text for m in find_dates(text, published)]}")


@pytest.mark.parametrize(
    "sentence, expression, value",
    [
        ("Rebels entered the city on Thursday.", "Thursday", "2024-12-05"),
        ("The army withdrew on Tuesday.", "Tuesday", "2024-12-03"),
        ("The offensive began eight days ago.", "eight days ago", "2024-11-27"),
        ("The offensive began last Wednesday.", "last Wednesday", "2024-11-27"),
        ("Fighting raged over the weekend.", "the weekend", "2024-W48-WE"),
        ("Prices rose last week.", "last week", "2024-W48"),
        ("Talks resumed early this week.", "early this week", "2024-W49"),
        ("The war erupted in 2011 as a rebellion.", "2011", "2011"),
        ("Russia has been at war since 2022.", "2022", "2022"),
        ("Sales fell 5 percent last year.", "last year", "2023"),
        ("The deal was signed last month.", "last month", "2024-11"),
        ("He was born on March 5, 1946, in Ohio.", "March 5, 1946", "1946-03-05"),
        ("The plant closed on Nov. 9.", "Nov. 9", "2024-11-09"),
        ("The minister will visit Paris on Monday.", "Monday", "2024-12-09"),
        ("The vote is scheduled for next Tuesday.", "next Tuesday", "2024-12-10"),
        ("It happened yesterday.", "yesterday", "2024-12-04"),
        ("Markets closed at 16:00 UTC today.", "16:00 UTC today", "2024-12-05T16:00Z"),
        ("The rebels have fought for almost 14 years.", "almost 14 years", "P14Y"),
        ("It ended a 13-year war.", "13-year", "P13Y"),
        ("Attacks grew in recent months.", "recent months", "PXM"),
        ("The company was founded in the 1980s.", "1980s", "198"),
        ("Profit rose in the third quarter of 2008.", "third quarter of 2008", "2008-Q3"),
        ("Shares are now cheaper.", "now", "PRESENT_REF"),
        ("Five years ago the town was quiet.", "Five years ago", "2019"),
    ],
)
def test_news_conventions_against_a_thursday(sentence, expression, value):
    assert value_of(sentence, expression).value == value


def test_a_bare_weekday_is_the_publication_day_itself_not_a_week_before():
    # dateparser would say 2024-11-28 here
    mention = value_of("Hama fell to the rebels on Thursday.", "Thursday")
    assert (mention.value, mention.kind, mention.anchored) == ("2024-12-05", "date", True)
    assert mention.relative == "weekday:THU;recent"


def test_last_weekday_on_a_monday_is_the_previous_week():
    # TimeBank gold: "last Monday" in a Monday (1989-10-30) article is 1989-10-23
    assert value_of("The bill passed last Monday.", "last Monday", "1989-10-30").value == "1989-10-23"
    assert value_of("The bill passed last Friday.", "last Friday", "1989-10-30").value == "1989-10-27"


def test_weekend_on_a_sunday_is_that_weekend():
    assert value_of("Protesters gathered over the weekend.", "the weekend", "2024-12-08").value == "2024-W49-WE"


def test_kinds_and_sets():
    assert value_of("Officials meet each Thursday.", "each Thursday").value == "XXXX-WXX-4"
    assert value_of("Officials meet each Thursday.", "each Thursday").kind == "set"
    assert value_of("The siege lasted 90 days.", "90 days").kind == "duration"
    mention = value_of("The attack began at 5 p.m. local time.", "5 p.m.")
    assert (mention.value, mention.kind) == ("2024-12-05T17:00", "time")
    clock = load_grammar().normalise("5 p.m. EST Nov. 9", Context(dt.date(1989, 11, 2), "future"))
    assert (clock.value, clock.kind) == ("1989-11-09T17:00", "time")


@pytest.mark.parametrize(
    "sentence, expression, relative",
    [
        ("Rebels entered the city on Thursday.", "Thursday", "weekday:THU;recent"),
        ("The offensive began eight days ago.", "eight days ago", "offset:-8D"),
        ("The offensive began last Wednesday.", "last Wednesday", "weekday:WED;last"),
        ("Fighting raged over the weekend.", "the weekend", "weekend:recent"),
        ("Prices rose last week.", "last week", "week:-1"),
        ("It happened yesterday.", "yesterday", "offset:-1D"),
    ],
)
def test_without_publication_date_relative_expressions_stay_unresolved(sentence, expression, relative):
    mention = value_of(sentence, expression, published=None)
    assert mention.value is None
    assert mention.anchored is False
    assert mention.relative == relative


def test_without_publication_date_absolute_expressions_still_resolve():
    assert value_of("The war erupted in 2011.", "2011", published=None).value == "2011"
    assert value_of("He was born on March 5, 1946.", "March 5, 1946", published=None).value == "1946-03-05"
    assert value_of("The siege lasted 90 days.", "90 days", published=None).value == "P90D"


def test_unreadable_publication_date_is_treated_as_missing(caplog):
    assert parse_published("5th of December") is None
    assert parse_published("2024-12-05T14:00:00Z") == dt.date(2024, 12, 5)
    assert value_of("It happened on Thursday.", "Thursday", published="soon").value is None


def test_non_dates_are_left_alone():
    found = [m.text for m in find_dates("Neither side expected a second civil war, and the fall of Hama "
                                        "shocked May Ellis, who will march on.", THURSDAY)]
    assert found == []


def test_offsets_point_into_the_text():
    text = "Beginning last Wednesday, rebels pushed south; on Tuesday they reached Hama."
    for m in find_dates(text, THURSDAY):
        assert text[m.start_char:m.end_char] == m.text


def test_component_reads_published_per_document_through_pipe():
    nlp = load_dates_pipeline()
    assert "storyweave_dates" in nlp.pipe_names
    docs = list(pipe_texts(nlp, [("It rained on Friday.", "2024-12-05"), ("It rained on Friday.", None)]))
    assert [d._.dates[0].value for d in docs] == ["2024-11-29", None]


def test_grammar_without_a_model_uses_tense_for_months():
    grammar = load_grammar()
    anchor = dt.date(1998, 12, 3)
    assert grammar.normalise("April", Context(anchor, "future")).value == "1999-04"
    assert grammar.normalise("March", Context(dt.date(1989, 11, 2), "past")).value == "1989-03"
    assert grammar.normalise("January", Context(dt.date(1989, 10, 26), None)).value == "1990-01"
    assert grammar.normalise("October", Context(dt.date(1998, 1, 8), "past")).value == "1997-10"


def test_seed_articles(seeds_dir):
    meta = json.loads((seeds_dir / "metadata.json").read_text(encoding="utf-8"))
    name = "000_186d926eac2fcf62.txt"
    text = (seeds_dir / name).read_text(encoding="utf-8")
    published = meta[name]["published"]
    found = {m.text: m.value for m in find_dates(text, published)}
    assert found["eight days ago"] == "2024-11-27"
    assert found["Thursday"] == "2024-12-05"
    assert found["Tuesday"] == "2024-12-03"
    assert found["last Wednesday"] == "2024-11-27"  # the offensive began eight days before, a Wednesday
    assert found["the weekend"] == "2024-W48-WE"
    assert found["2011"] == "2011" and found["2022"] == "2022"
    unresolved = {m.text: m for m in find_dates(text, None)}
    assert unresolved["Thursday"].value is None and unresolved["Thursday"].relative == "weekday:THU;recent"
    assert unresolved["eight days ago"].relative == "offset:-8D"
    assert unresolved["2011"].value == "2011"
    nbc = "002_7868c019a8f5e8bf.txt"
    found = {m.text: m.value for m in find_dates((seeds_dir / nbc).read_text(encoding="utf-8"), published)}
    assert found["Thursday"] == "2024-12-05"
    assert found["almost 14 years"] == "P14Y"


@pytest.mark.parametrize(
    "sentence, expression, value",
    [
        # an infinitive governed by a plan is ahead of the publication day
        ("Protesters planned to march on Saturday.", "Saturday", "2024-12-07"),
        ("The deal is scheduled to close Monday.", "Monday", "2024-12-09"),
        ("The group could arrive as early as Tuesday.", "Tuesday", "2024-12-10"),
        # a present tense that is not a verb of saying schedules the day
        ("The leaders meet separately Monday.", "Monday", "2024-12-09"),
        ("The minister says Tuesday was calm.", "Tuesday", "2024-12-03"),
        # a clock time and its day are one expression
        ("The convoy leaves at 9 a.m. Tuesday.", "9 a.m. Tuesday", "2024-12-10T09:00"),
        # months and quarters relative to the publication year
        ("Talks began in February this year.", "February this year", "2024-02"),
        ("Sales rose in June last year.", "June last year", "2023-06"),
        ("Profit fell in this year's third quarter.", "this year's third quarter", "2024-Q3"),
        ("Profit fell in the first quarter of last year.", "the first quarter of last year", "2023-Q1"),
        ("Profit rose in the last half of 1989.", "the last half of 1989", "1989-H2"),
        # TimeML granularity conventions
        ("Prices have doubled in recent years.", "recent years", "PAST_REF"),
        ("Losses widened for two consecutive quarters.", "two consecutive quarters", "P2Q"),
        ("The trip took 5 1/2 hours.", "5 1/2 hours", "PT5H30M"),
        ("He served 4½ months in prison.", "4½ months", "P4.5M"),  # the fraction character
        ("The church dates from the 11th century.", "11th century", "10"),
        ("The dispute is decades-long.", "decades-long", "PXY"),
        ("The plant will close by the end of the year.", "the end of the year", "2024"),
    ],
)
def test_tense_granularity_and_calendar_conventions(sentence, expression, value):
    assert value_of(sentence, expression).value == value


def test_earnings_story_compares_the_reported_quarter_with_a_year_before():
    text = (
        "Acme reported third-quarter net income of $5 million. "
        "Net was $4 million, or 10 cents a share, a year earlier. "
        "The quarter included a gain on the sale of a unit."
    )
    mentions = {m.text: m.value for m in find_dates(text, "1989-11-02")}
    assert mentions["a year earlier"] == "1988-Q3"
    assert mentions["The quarter"] == "1989-Q3"
    # outside an earnings report "a year earlier" stays a year
    assert value_of("The bridge opened a year earlier.", "a year earlier", "1989-11-02").value == "1988"


def test_a_model_year_is_no_date():
    text = ("She was hit by a 2013 Toyota Camry on Friday; the 2016 election was close. A gray 2013 "
            "Toyota Camry and a 2013 gray Camry were seen.")
    assert [m.text for m in find_dates(text, THURSDAY)] == ["Friday", "2016"]
