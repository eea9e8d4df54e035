"""The figures the documents derive: shares, allocations, dates, installments, interest.

Money is `Decimal`, shares are `int`. Arithmetic is exact (`Fraction`, or `Decimal`
in a context that traps any inexact result), and this module is the only place in
the project that rounds: each rounding is a function below named after the clause
that requires it.
"""

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import MAX_PREC, Context, Decimal, Inexact, localcontext
from fractions import Fraction
from typing import TypeVar

from dateutil.relativedelta import relativedelta

from .calendars import TRADING_DAYS, DayCalendar

# Sums, differences and products of Decimals are exact here, or raise Inexact.
_EXACT = Context(prec=MAX_PREC, traps=[Inexact])
_CENT = Fraction(1, 100)
_QUARTER_MONTHS = 3
_DAYS_IN_INTEREST_YEAR = 360
_QUARTERLY_PAYMENT_DAYS = ((3, 31), (6, 30), (9, 30), (12, 31))

_Number = TypeVar("_Number", Decimal, int)


@dataclass(frozen=True)
class Installment:
    """One Quarterly Installment of principal (Note, Section 2(b))."""

    scheduled_date: date
    payment_date: date
    amount: Decimal


# --- Roundings: the only ones in the project. ---


def round_warrant_shares_up(exact: Fraction) -> int:
    """Amendment No. 1, Schedule A: warrant shares are rounded up to a whole share."""
    return math.ceil(exact)


def round_fractional_shares_up(exact: Fraction) -> int:
    """Note, Section 12 (Fractional Shares): rounded up to the nearest whole share."""
    return math.ceil(exact)


def round_installment_down_to_cent(exact: Fraction) -> Decimal:
    """Note, Section 2(b): an equal Quarterly Installment, rounded down to the cent."""
    return _cents_to_decimal(math.floor(exact / _CENT))


def round_interest_to_cent(exact: Fraction) -> Decimal:
    """Note, Section 2(a): interest for a period, to the nearest cent, half a cent up."""
    return _cents_to_decimal(math.floor(exact / _CENT + Fraction(1, 2)))


def round_shares_down_within_ownership_limit(exact: Fraction) -> int:
    """Note, Section 5(b)(i): the most whole shares a conversion may issue without taking
    the Lender past its limit; a fraction of a share more would take it past."""
    return math.floor(exact)


def round_principal_down_to_cent_within_ownership_limit(exact: Fraction) -> Decimal:
    """Note, Section 5(b)(i): the most principal, in whole cents, whose conversion shares
    (rounded up under Section 12) stay within the limit."""
    return _cents_to_decimal(math.floor(exact / _CENT))


# --- Shares. ---


def warrant_shares(
    principal: Decimal, conversion_price: Decimal, coverage_percent: Decimal
) -> int:
    """Coverage % of the shares `principal` converts into (Amendment No. 1, Schedule A)."""
    exact = (
        _non_negative("principal", principal)
        * _non_negative("coverage_percent", coverage_percent)
        / (100 * _positive("conversion_price", conversion_price))
    )
    return round_warrant_shares_up(exact)


def additional_warrant_shares(shares_exercised: int, coverage_percent: Decimal) -> int:
    """Additional Warrant shares: coverage % of the shares exercised, rounded up like the
    warrant shares of Amendment No. 1's Schedule A (Amendment No. 2, Section 1.1)."""
    exact = _non_negative("shares_exercised", shares_exercised) * _non_negative(
        "coverage_percent", coverage_percent) / 100
    return round_warrant_shares_up(exact)


def conversion_shares(amount: Decimal, conversion_price: Decimal) -> int:
    """Underlying Shares for `amount` converted (Note, Sections 6(a) and 12).

    `amount` is the principal converted plus, if the Borrower so elects, the accrued
    interest: Section 6(a) adds the two quotients, and Section 12 rounds the sum once.
    """
    exact = _non_negative("amount", amount) / _positive("conversion_price", conversion_price)
    return round_fractional_shares_up(exact)


def conversion_price_in_effect(
    initial: Decimal, adjustments: Sequence[tuple[date, Decimal]], on: date
) -> Decimal:
    """The Conversion Price on `on`: the latest adjustment effective on or before it, else
    the initial price (Note, Section 11). `adjustments` are (effective date, price), in
    order of their dates."""
    price = initial
    for effective, adjusted in adjustments:
        if effective <= on:
            price = adjusted
    return price


def exceeds_ownership_limit(held: int, outstanding: int, issued: int,
                            limit_percent: Decimal) -> bool:
    """Whether holding `held + issued` of `outstanding + issued` shares is more than
    `limit_percent` (Note, Section 5(b)(i): the shares issuable upon the conversion count
    as outstanding)."""
    after = _non_negative("held", held) + _non_negative("issued", issued)
    total = _non_negative("outstanding", outstanding) + issued
    return after * 100 > _non_negative("limit_percent", limit_percent) * total


def shares_within_ownership_limit(held: int, outstanding: int, limit_percent: Decimal) -> int:
    """The most shares a conversion may issue to a holder of `held` of `outstanding` shares
    without exceeding `limit_percent` of the shares then outstanding (Note, Section 5(b)(i)):
    the largest s with (held + s) * 100 <= limit * (outstanding + s); 0 if none."""
    limit = _positive("limit_percent", limit_percent)
    if limit >= 100:
        raise ValueError(f"limit_percent must be less than 100, got {limit_percent}")
    exact = (limit * _non_negative("outstanding", outstanding)
             - 100 * _non_negative("held", held)) / (100 - limit)
    return max(0, round_shares_down_within_ownership_limit(exact))


def principal_within_shares(shares: int, conversion_price: Decimal,
                            interest: Decimal = Decimal(0)) -> Decimal:
    """The most principal whose conversion, with `interest` converted alongside, issues at
    most `shares` (Note, Sections 6(a) and 12): ceil((p + i) / price) <= s iff
    p <= s * price - i; 0 if none."""
    exact = (_non_negative("shares", shares) * _positive("conversion_price", conversion_price)
             - _non_negative("interest", interest))
    return max(Decimal(0), round_principal_down_to_cent_within_ownership_limit(exact))


def principal_outstanding(principal: Decimal, converted: Iterable[Decimal]) -> Decimal:
    """A note's principal less what has been converted (Note, Section 5(a)); exact."""
    with localcontext(_EXACT):
        return principal - sum(converted, Decimal(0))


# --- Allocations and totals. ---


def allocate_pro_rata(
    total: Decimal, weights: Sequence[Decimal], unit: Decimal = Decimal("1")
) -> list[Decimal]:
    """Split `total` in proportion to `weights`, in multiples of `unit`, summing to `total`.

    Largest-remainder (Hare) method: each part is its quota rounded down to a unit, and
    the units left over go one each to the largest remainders, ties to the earlier part.
    """
    units = _non_negative("total", total) / _positive("unit", unit)
    if units.denominator != 1:
        raise ValueError(f"total {total} is not a multiple of the unit {unit}")
    exact_weights = [_non_negative(f"weights[{i}]", w) for i, w in enumerate(weights)]
    weight_sum = sum(exact_weights, Fraction(0))
    if weight_sum == 0:
        raise ValueError("weights must not be empty or all zero")
    quotas = [units * w / weight_sum for w in exact_weights]
    parts = [math.floor(q) for q in quotas]
    left_over = int(units) - sum(parts)
    by_remainder = sorted(range(len(quotas)), key=lambda i: (-(quotas[i] - parts[i]), i))
    for i in by_remainder[:left_over]:
        parts[i] += 1
    return [_EXACT.multiply(Decimal(n), unit) for n in parts]


def column_total(values: Iterable[_Number]) -> _Number:
    """The exact sum of a column of a schedule (amounts or shares)."""
    with localcontext(_EXACT):
        return sum(values)


# --- Dates. ---


def maturity_date(original_issue_date: date, months: int) -> date:
    """The `months`th month anniversary of the Original Issue Date (Note, face: the 42nd)."""
    if months < 1:
        raise ValueError(f"months must be at least 1, got {months}")
    return original_issue_date + relativedelta(months=months)


def interest_payment_dates(
    first: date,
    maturity: date,
    payment_days: Sequence[tuple[int, int]] = _QUARTERLY_PAYMENT_DAYS,
    calendar: DayCalendar = TRADING_DAYS,
) -> list[tuple[date, date]]:
    """Each Interest Payment Date from `first` through `maturity`, with the day it is paid.

    Note, Section 2(a): a date that is not a Trading Day is paid on the next succeeding one.
    """
    if (first.month, first.day) not in payment_days:
        raise ValueError(f"{first} is not one of the payment days {list(payment_days)}")
    scheduled = sorted(
        date(year, month, day)
        for year in range(first.year, maturity.year + 1)
        for month, day in payment_days
    )
    return [(d, calendar.next_open(d)) for d in scheduled if first <= d <= maturity]


def first_interest_payment_date(
    original_issue_date: date, payment_days: Sequence[tuple[int, int]] = _QUARTERLY_PAYMENT_DAYS
) -> date:
    """The first scheduled Interest Payment Date after the Original Issue Date (Note, 2(a))."""
    for year in (original_issue_date.year, original_issue_date.year + 1):
        for month, day in sorted(payment_days):
            scheduled = date(year, month, day)
            if scheduled > original_issue_date:
                return scheduled
    raise ValueError("payment_days must not be empty")


def installment_schedule(
    principal: Decimal,
    closing_date: date,
    count: int = 10,
    first_after_months: int = 15,
    calendar: DayCalendar = TRADING_DAYS,
) -> list[Installment]:
    """`count` equal quarterly installments from `first_after_months` after the Closing Date.

    Note, Section 2(b). Each amount is rounded down to the cent and the last carries the
    residue, so the installments sum exactly to `principal`, none is ever paid ahead of
    its equal share, and the last is never smaller than the others.
    """
    if count < 1:
        raise ValueError(f"count must be at least 1, got {count}")
    exact_principal = _non_negative("principal", principal)
    if (exact_principal / _CENT).denominator != 1:
        raise ValueError(f"principal {principal} is not a whole number of cents")
    equal = round_installment_down_to_cent(exact_principal / count)
    last = _EXACT.subtract(principal, _EXACT.multiply(equal, Decimal(count - 1)))
    installments = []
    for i in range(count):
        # Counted from the Closing Date each time, so a clamped month end (Nov 30 ->
        # Feb 28) does not drift into the following quarters.
        scheduled = closing_date + relativedelta(months=first_after_months + _QUARTER_MONTHS * i)
        amount = last if i == count - 1 else equal
        installments.append(Installment(scheduled, calendar.next_open(scheduled), amount))
    return installments


def interest_periods(
    fixed_rate_through: date, maturity: date, months: int = 6
) -> list[tuple[date, date]]:
    """The floating-rate Interest Periods, first and last days inclusive (Note, Section 1).

    The first starts the day after `fixed_rate_through` and each runs `months` months; a
    stub too short for a whole period is added to the last, which ends on the Maturity Date.
    """
    if months < 1:
        raise ValueError(f"months must be at least 1, got {months}")
    first_start = fixed_rate_through + timedelta(days=1)
    if maturity < first_start:
        return []

    def start(k: int) -> date:
        # Counted from the first start each time, so clamped month ends do not drift.
        return first_start + relativedelta(months=months * k)

    count = 1
    while start(count + 1) - timedelta(days=1) <= maturity:
        count += 1
    starts = [start(k) for k in range(count)]
    ends = [s - timedelta(days=1) for s in starts[1:]] + [maturity]
    return list(zip(starts, ends))


# --- Interest. ---


def interest_for_period(
    principal: Decimal, annual_rate_percent: Decimal, start: date, end: date
) -> Decimal:
    """Interest from `start` (inclusive) to `end` (exclusive), actual days over a 360-day year.

    Note, Section 2(a).
    """
    if end < start:
        raise ValueError(f"the period ends ({end}) before it starts ({start})")
    exact = (
        _non_negative("principal", principal)
        * _non_negative("annual_rate_percent", annual_rate_percent)
        / 100
        * (end - start).days
        / _DAYS_IN_INTEREST_YEAR
    )
    return round_interest_to_cent(exact)


# --- Helpers. ---


def _exact(name: str, value: Decimal | int) -> Fraction:
    # A float has already been rounded to binary; letting one in would defeat every
    # exact calculation after it.
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise TypeError(f"{name} must be a Decimal or an int, not {type(value).__name__}")
    if isinstance(value, Decimal) and not value.is_finite():
        raise ValueError(f"{name} must be a finite number, got {value}")
    return Fraction(value)


def _non_negative(name: str, value: Decimal | int) -> Fraction:
    exact = _exact(name, value)
    if exact < 0:
        raise ValueError(f"{name} must not be negative, got {value}")
    return exact


def _positive(name: str, value: Decimal | int) -> Fraction:
    exact = _exact(name, value)
    if exact <= 0:
        raise ValueError(f"{name} must be positive, got {value}")
    return exact


def _cents_to_decimal(cents: int) -> Decimal:
    return Decimal(cents).scaleb(-2, _EXACT)
