"""Trading Days and Business Days, from the maintained calendars of the `holidays` package.

A Trading Day is a weekday on which the New York Stock Exchange is open (Zoltek's
Nasdaq market keeps the same calendar; `holidays` derives XNAS from XNYS). The
calendar includes the unscheduled closings, such as the national day of mourning for
President Ford on January 2, 2007.

A Business Day is a weekday on which banks are open: the Federal Reserve calendar
(XFED). Unlike the US federal calendar, it does not move a Saturday holiday to the
Friday before, because the Reserve Banks, and the commercial banks with them, stay
open that Friday (December 24, 2010 was a Business Day).
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache

_ONE_DAY = timedelta(days=1)
_SATURDAY = 5


@lru_cache(maxsize=None)
def _closed_days(market: str, year: int) -> frozenset[date]:
    """The weekdays `market` is closed in `year`, computed once per market and year."""
    import holidays  # here: a tenth of the time of a build that finds everything up to date

    calendar = holidays.financial_holidays(market, years=year)
    if not calendar.start_year <= year <= calendar.end_year:
        raise ValueError(
            f"the {market} holiday calendar covers {calendar.start_year}-{calendar.end_year}, "
            f"not {year}"
        )
    return frozenset(calendar)


def _require_date(d: date) -> date:
    # A datetime never equals the date of the same day, so it would never match a holiday.
    if isinstance(d, datetime) or not isinstance(d, date):
        raise TypeError(f"expected a date, got {type(d).__name__}: {d!r}")
    return d


@dataclass(frozen=True)
class DayCalendar:
    """The days a market is open: weekdays that are not closings of `market`."""

    name: str
    market: str

    def is_open(self, d: date) -> bool:
        """Whether `d` is one of this calendar's days."""
        d = _require_date(d)
        return d.weekday() < _SATURDAY and d not in _closed_days(self.market, d.year)

    def next_open(self, d: date) -> date:
        """`d` if it is open, else the next open day ("the next succeeding Trading Day")."""
        d = _require_date(d)
        while not self.is_open(d):
            d += _ONE_DAY
        return d

    def open_day_after(self, d: date, n: int = 1) -> date:
        """The `n`th open day after `d` ("the fifth Trading Day following")."""
        d = _require_date(d)
        if n < 1:
            raise ValueError(f"n must be at least 1, got {n}")
        for _ in range(n):
            d = self.next_open(d + _ONE_DAY)
        return d


TRADING_DAYS = DayCalendar("Trading Day", "XNYS")
BUSINESS_DAYS = DayCalendar("Business Day", "XFED")


def is_trading_day(d: date) -> bool:
    """Whether `d` is a Trading Day (a day the New York Stock Exchange is open)."""
    return TRADING_DAYS.is_open(d)


def next_trading_day(d: date) -> date:
    """`d` if it is a Trading Day, else the next succeeding Trading Day (Note, Section 2(a))."""
    return TRADING_DAYS.next_open(d)


def trading_day_after(d: date, n: int = 1) -> date:
    """The `n`th Trading Day following `d` (Amendment No. 1, Section 5.4: "the fifth ...")."""
    return TRADING_DAYS.open_day_after(d, n)


def is_business_day(d: date) -> bool:
    """Whether `d` is a Business Day (a weekday that is not a Federal Reserve holiday)."""
    return BUSINESS_DAYS.is_open(d)


def next_business_day(d: date) -> date:
    """`d` if it is a Business Day, else the next Business Day."""
    return BUSINESS_DAYS.next_open(d)


def business_day_after(d: date, n: int = 1) -> date:
    """The `n`th Business Day following `d` (Amendment No. 1, Section 1)."""
    return BUSINESS_DAYS.open_day_after(d, n)
