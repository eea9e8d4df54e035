"""The accrued and unpaid interest a conversion may convert (Note, Sections 2(a), 5(a), 6(a)).

Interest on the principal converted accrues from the last Interest Payment Date on or
before the Conversion Date (the Original Issue Date before the first) to the Conversion
Date, actual days over a 360-day year, counting the first day and not the last (as
`calculations.interest_for_period` counts a period), at the rate of each part of that time:
the fixed rate through `fixed_rate_through`, then each floating Interest Period's index plus
the margin. The index's value for an Interest Period (LIBOR, Term SOFR, the prime rate) is
not in the term sheet and dealdocs does not invent it: the user gives it, one value per
floating Interest Period the accrual touches (`--index-rate`), or the conversion is refused.
Interest is computed, and rounded to the cent, per part (Section 2(a)), then added.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from .. import calculations
from ..deal import Note
from ..model import NoteTerms

_DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class AccrualPart:
    start: dt.date
    end: dt.date
    """Exclusive: the day after the last day of the part."""
    rate_percent: Decimal
    index_percent: Decimal | None
    """The index's value given for a floating Interest Period; None at the fixed rate."""
    amount: Decimal


@dataclass(frozen=True)
class AccruedInterest:
    start: dt.date
    """The day interest began to accrue: the last Interest Payment Date, or the Original
    Issue Date."""
    end: dt.date
    """The Conversion Date (not counted)."""
    parts: tuple[AccrualPart, ...]
    amount: Decimal


class IndexRatesNeeded(Exception):
    """The accrual runs in floating Interest Periods whose index values were not all given
    (or more were given than it runs in)."""

    def __init__(self, periods: list[tuple[dt.date, dt.date]], given: int, index: str):
        self.periods = periods
        self.given = given
        self.index = index
        super().__init__(f"{len(periods)} index rate(s) needed, {given} given")


def accrual_start(note: Note, on: dt.date) -> dt.date:
    """The last scheduled Interest Payment Date on or before `on`, else the Original Issue
    Date (Note, Section 2(a): interest accrues daily from the Original Issue Date and is
    paid for each quarter on its Interest Payment Date)."""
    assert note.issue_date is not None and note.maturity_date is not None
    if note.first_interest_payment_date is None:
        return note.issue_date
    paid = [scheduled for scheduled, _ in calculations.interest_payment_dates(
        note.first_interest_payment_date, note.maturity_date, note.interest_payment_days)
        if scheduled <= on]
    return paid[-1] if paid else note.issue_date


def accrued_interest(note: Note, terms: NoteTerms, principal: Decimal, on: dt.date,
                     index_rates: tuple[Decimal, ...] = ()) -> AccruedInterest:
    """Interest accrued and unpaid on `principal` of `note` up to the Conversion Date `on`.

    IndexRatesNeeded when `index_rates` does not give exactly one value for each floating
    Interest Period the accrual runs in (none at all when it runs at the fixed rate only)."""
    start = accrual_start(note, on)
    floating = terms.floating_rate
    fixed_end = floating.fixed_rate_through + _DAY if floating else on
    spans: list[tuple[dt.date, dt.date, bool]] = []
    touched: list[tuple[dt.date, dt.date]] = []
    if start < min(on, fixed_end):
        spans.append((start, min(on, fixed_end), False))
    for period_start, period_last in note.interest_periods:
        part_start, part_end = max(start, period_start), min(on, period_last + _DAY)
        if part_start < part_end:
            spans.append((part_start, part_end, True))
            touched.append((period_start, period_last))
    if len(index_rates) != len(touched):
        raise IndexRatesNeeded(touched, len(index_rates), floating.index if floating else "")
    rates = iter(index_rates)
    parts = []
    for part_start, part_end, is_floating in spans:
        index = next(rates) if is_floating else None
        rate = (index + floating.margin_percent if index is not None and floating
                else terms.fixed_rate_percent)
        parts.append(AccrualPart(part_start, part_end, rate, index, calculations.interest_for_period(
            principal, rate, part_start, part_end)))
    return AccruedInterest(start, on, tuple(parts),
                           calculations.column_total([Decimal(0), *(p.amount for p in parts)]))
