"""Dates resolved against an article's publication date, with the issue's own examples."""

import datetime as dt

import pytest

from service.dates import resolve, weekday_near

WEDNESDAY = dt.date(2023, 2, 22)


@pytest.mark.parametrize(
    ("expression", "tense", "expected"),
    [
        ("on Wednesday", None, dt.date(2023, 2, 22)),  # the publication day itself
        ("last Friday", None, dt.date(2023, 2, 17)),
        ("Thursday", "future", dt.date(2023, 2, 23)),  # "would reopen Thursday"
        ("Monday", "past", dt.date(2023, 2, 20)),
        ("Tuesday night", "past", dt.date(2023, 2, 21)),
        ("by Friday", None, dt.date(2023, 2, 24)),
        ("next Wednesday", None, dt.date(2023, 2, 22)),
        ("last Wednesday", None, dt.date(2023, 2, 15)),
        ("last Tuesday", None, dt.date(2023, 2, 14)),  # not the day before: "yesterday"
        ("last Monday", None, dt.date(2023, 2, 20)),
        ("November 1", "past", dt.date(2022, 11, 1)),
        ("November 1", "future", dt.date(2023, 11, 1)),
        ("March 14", "future", dt.date(2023, 3, 14)),
        ("Dec. 13", "future", dt.date(2023, 12, 13)),
        ("within 30 days", None, dt.date(2023, 3, 24)),
        ("within 30 days of Monday's notice", None, dt.date(2023, 3, 22)),
        ("in two weeks", None, dt.date(2023, 3, 8)),
        ("within six months", None, dt.date(2023, 8, 22)),
        ("by the end of the year", None, dt.date(2023, 12, 31)),
        ("the end of the month", None, dt.date(2023, 2, 28)),
        ("yesterday", None, dt.date(2023, 2, 21)),
        ("December 31, 2023", None, dt.date(2023, 12, 31)),
        ("2023-02-01", None, dt.date(2023, 2, 1)),
    ],
)
def test_expressions_resolve_against_the_publication_date(expression, tense, expected):
    resolved = resolve(expression, WEDNESDAY, tense)
    assert resolved is not None, expression
    assert resolved.date == expected
    assert resolved.rule


@pytest.mark.parametrize("expression", ["next month", "this week", "recently", "in the past", ""])
def test_expressions_that_are_not_one_day_do_not_resolve(expression):
    assert resolve(expression, WEDNESDAY) is None


def test_without_a_publication_date_only_full_dates_resolve():
    assert resolve("December 31, 2023", None).date == dt.date(2023, 12, 31)
    assert resolve("Tuesday", None) is None
    assert resolve("November 1", None) is None


def test_a_day_and_month_near_new_year_takes_the_nearest_year():
    december = dt.date(2022, 12, 28)
    assert resolve("January 5", december, "future").date == dt.date(2023, 1, 5)
    january = dt.date(2023, 1, 3)
    assert resolve("December 30", january, "past").date == dt.date(2022, 12, 30)


def test_weekday_near_covers_every_day_of_the_week():
    for offset in range(7):
        published = WEDNESDAY + dt.timedelta(days=offset)
        for weekday in range(7):
            past = weekday_near(weekday, published, "", "past").date
            future = weekday_near(weekday, published, "", "future").date
            last = weekday_near(weekday, published, "last", "past").date
            assert past.weekday() == future.weekday() == last.weekday() == weekday
            assert 0 <= (published - past).days <= 6
            assert 0 <= (future - published).days <= 6
            assert 2 <= (published - last).days <= 8
