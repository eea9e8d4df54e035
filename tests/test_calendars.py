"""Trading Days and Business Days on the dates the Zoltek documents fall around."""

from datetime import date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.calendars import (
    business_day_after,
    is_business_day,
    is_trading_day,
    next_business_day,
    next_trading_day,
    trading_day_after,
)

# Dates a calendar should know, each with whether the NYSE traded and banks were open.
KNOWN_DAYS = [
    # (day, trading day, business day, why)
    (date(2006, 4, 28), True, True, "date of Amendment No. 1, a Friday"),
    (date(2006, 4, 29), False, False, "Saturday"),
    (date(2006, 4, 30), False, False, "Sunday"),
    (date(2006, 4, 14), False, True, "Good Friday 2006: NYSE closed, banks open"),
    (date(2007, 4, 6), False, True, "Good Friday 2007"),
    (date(2007, 1, 2), False, True, "national day of mourning for President Ford"),
    (date(2004, 6, 11), False, True, "national day of mourning for President Reagan"),
    (date(2006, 12, 25), False, False, "Christmas Day"),
    (date(2007, 1, 1), False, False, "New Year's Day"),
    (date(2006, 10, 9), True, False, "Columbus Day: NYSE open, banks closed"),
    (date(2007, 11, 12), True, False, "Veterans Day observed: NYSE open, banks closed"),
    (date(2006, 11, 10), True, True, "Friday before a Saturday Veterans Day: banks open"),
    (date(2010, 12, 24), False, True, "Christmas observed by the NYSE; the Fed stays open"),
    (date(2010, 12, 31), True, True, "New Year's Day 2011 fell on Saturday: nobody closed"),
    (date(2009, 7, 3), False, True, "Independence Day observed by the NYSE"),
    (date(2001, 9, 11), False, True, "NYSE closed after the attacks"),
    (date(2001, 9, 14), False, True, "NYSE still closed"),
    (date(2001, 9, 17), True, True, "NYSE reopened"),
    (date(2012, 10, 29), False, True, "Hurricane Sandy"),
    (date(2012, 10, 30), False, True, "Hurricane Sandy"),
]


@pytest.mark.parametrize(("day", "trading", "business", "why"), KNOWN_DAYS)
def test_known_days(day: date, trading: bool, business: bool, why: str) -> None:
    assert is_trading_day(day) is trading, why
    assert is_business_day(day) is business, why


def test_interest_date_at_year_end_2006_rolls_past_the_ford_closing() -> None:
    # December 31, 2006 was a Sunday, January 1 a holiday, January 2 a day of mourning.
    assert next_trading_day(date(2006, 12, 31)) == date(2007, 1, 3)


def test_next_trading_day_is_the_day_itself_when_it_trades() -> None:
    assert next_trading_day(date(2006, 6, 30)) == date(2006, 6, 30)


def test_next_business_day_skips_the_weekend_and_columbus_day() -> None:
    assert next_business_day(date(2006, 10, 7)) == date(2006, 10, 10)
    assert next_business_day(date(2006, 10, 6)) == date(2006, 10, 6)


def test_business_day_following_the_amendments() -> None:
    # Amendment No. 1, Section 1 and Amendment No. 2, Section 1: "the Business Day
    # following the date of this Amendment / Agreement".
    assert business_day_after(date(2006, 4, 28)) == date(2006, 5, 1)
    assert business_day_after(date(2006, 12, 14)) == date(2006, 12, 15)


def test_trading_day_and_business_day_after_differ_over_columbus_day() -> None:
    assert trading_day_after(date(2006, 10, 6)) == date(2006, 10, 9)
    assert business_day_after(date(2006, 10, 6)) == date(2006, 10, 10)


def test_fifth_trading_day_following_skips_good_friday() -> None:
    # April 3, 4, 5, (6 is Good Friday), 9, 10.
    assert trading_day_after(date(2007, 4, 2), 5) == date(2007, 4, 10)


def test_day_after_counts_from_a_closed_day() -> None:
    assert trading_day_after(date(2006, 12, 30)) == date(2007, 1, 3)
    assert trading_day_after(date(2006, 12, 30), 2) == date(2007, 1, 4)


@pytest.mark.parametrize("n", [0, -1])
def test_day_after_needs_a_positive_count(n: int) -> None:
    with pytest.raises(ValueError, match="at least 1"):
        trading_day_after(date(2006, 4, 28), n)
    with pytest.raises(ValueError, match="at least 1"):
        business_day_after(date(2006, 4, 28), n)


def test_a_datetime_is_refused_rather_than_never_matching_a_holiday() -> None:
    with pytest.raises(TypeError, match="expected a date"):
        is_trading_day(datetime(2007, 1, 2, 9, 30))
    with pytest.raises(TypeError, match="expected a date"):
        next_business_day("2006-04-28")  # type: ignore[arg-type]


def test_years_outside_the_calendars_are_refused() -> None:
    # The Federal Reserve calendar of the holidays package starts in 1999.
    with pytest.raises(ValueError, match="XFED holiday calendar covers 1999"):
        is_business_day(date(1998, 7, 6))
    with pytest.raises(ValueError, match="XNYS holiday calendar covers"):
        is_trading_day(date(2101, 1, 3))


days = st.dates(min_value=date(1999, 1, 1), max_value=date(2099, 12, 1))


@settings(max_examples=200, deadline=None)
@given(days)
def test_next_trading_day_is_the_first_trading_day_on_or_after(d: date) -> None:
    found = next_trading_day(d)
    assert found >= d
    assert is_trading_day(found)
    assert not any(is_trading_day(d + timedelta(k)) for k in range((found - d).days))


@settings(max_examples=100, deadline=None)
@given(days, st.integers(min_value=1, max_value=10))
def test_nth_business_day_after_is_n_steps_of_one(d: date, n: int) -> None:
    stepped = d
    for _ in range(n):
        stepped = business_day_after(stepped)
    assert business_day_after(d, n) == stepped
    assert stepped > d
    assert is_business_day(stepped)
    between = [d + timedelta(k) for k in range(1, (stepped - d).days)]
    assert sum(is_business_day(day) for day in between) == n - 1
