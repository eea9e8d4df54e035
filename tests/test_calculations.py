"""The derived figures, checked against the Zoltek documents and by property."""

from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from generator.calculations import (
    Installment,
    allocate_pro_rata,
    column_total,
    conversion_shares,
    installment_schedule,
    interest_for_period,
    interest_payment_dates,
    interest_periods,
    maturity_date,
    round_interest_to_cent,
    warrant_shares,
)
from generator.calendars import is_trading_day

D = Decimal
CONVERSION_PRICE = D("25.51")
COVERAGE = D("35")
THIRD_CLOSING = date(2006, 5, 12)

# Amendment No. 1, Schedule A: note principal -> April Warrants shares, per lender.
SCHEDULE_A_WARRANTS = [
    (D("3333333"), 45_734),
    (D("7333333"), 100_615),
    (D("2000000"), 27_441),
    (D("1666667"), 22_867),
    (D("3666667"), 50_308),
    (D("1000000"), 13_721),
]
# The columns of Amendment No. 1, Schedule A, lender by lender.
APRIL_NOTES_I = [D(n) for n in ("3333333", "7333333", "3333333", "2000000", "2000000", "2000000")]
APRIL_WARRANTS_I = [45_734, 100_615, 45_734, 27_441, 27_441, 27_441]
APRIL_NOTES_II = [D(n) for n in ("1666667", "3666667", "1666667", "1000000", "1000000", "1000000")]
APRIL_WARRANTS_II = [22_867, 50_308, 22_867, 13_721, 13_721, 13_721]
# Each lender's share of the $30,000,000 of April Notes: 5, 11, 5, 3, 3 and 3 million.
COMMITMENTS = [D(n) for n in ("5", "11", "5", "3", "3", "3")]


# --- Warrant and conversion shares. ---


@pytest.mark.parametrize(("principal", "shares"), SCHEDULE_A_WARRANTS)
def test_warrant_shares_reproduce_schedule_a(principal: Decimal, shares: int) -> None:
    assert warrant_shares(principal, CONVERSION_PRICE, COVERAGE) == shares


def test_schedule_a_columns_of_the_executed_amendment_do_not_add_up() -> None:
    # The executed Schedule A prints totals of $20,000,000, 274,316, $10,000,000 and
    # 137,205; its own rows add to other figures in three of the four columns.
    assert column_total(APRIL_NOTES_I) == D("19999999")
    assert column_total(APRIL_WARRANTS_I) == 274_406
    assert column_total(APRIL_NOTES_II) == D("10000001")
    assert column_total(APRIL_WARRANTS_II) == 137_205
    warrants = [warrant_shares(p, CONVERSION_PRICE, COVERAGE) for p in APRIL_NOTES_I]
    assert warrants == APRIL_WARRANTS_I


def test_warrant_shares_of_an_exact_multiple_are_not_rounded_up() -> None:
    # 35% of 2,551,000 / 25.51 = 35,000 exactly.
    assert warrant_shares(D("2551000"), CONVERSION_PRICE, COVERAGE) == 35_000


def test_conversion_shares_round_a_fraction_up() -> None:
    # Note, Section 12: 100,000 / 25.51 = 3,920.03... -> 3,921.
    assert conversion_shares(D("100000"), CONVERSION_PRICE) == 3_921
    assert conversion_shares(D("25510"), CONVERSION_PRICE) == 1_000
    assert conversion_shares(D("0"), CONVERSION_PRICE) == 0


@pytest.mark.parametrize(
    ("args", "error"),
    [
        ((3333333.0, CONVERSION_PRICE, COVERAGE), TypeError),
        ((D("3333333"), 25.51, COVERAGE), TypeError),
        ((D("3333333"), D("0"), COVERAGE), ValueError),
        ((D("-1"), CONVERSION_PRICE, COVERAGE), ValueError),
        ((D("3333333"), CONVERSION_PRICE, D("-35")), ValueError),
        ((D("NaN"), CONVERSION_PRICE, COVERAGE), ValueError),
        ((D("3333333"), D("Infinity"), COVERAGE), ValueError),
        ((True, CONVERSION_PRICE, COVERAGE), TypeError),
    ],
)
def test_warrant_shares_refuse_bad_inputs(args: tuple, error: type[Exception]) -> None:
    with pytest.raises(error):
        warrant_shares(*args)


def test_conversion_shares_refuse_a_zero_price() -> None:
    with pytest.raises(ValueError, match="conversion_price must be positive"):
        conversion_shares(D("100000"), D("0"))


cents = st.integers(min_value=0, max_value=10**12).map(lambda c: D(c).scaleb(-2))
prices = st.integers(min_value=1, max_value=10**6).map(lambda c: D(c).scaleb(-2))
coverages = st.integers(min_value=0, max_value=10_000).map(lambda c: D(c).scaleb(-2))


@settings(max_examples=300)
@given(cents, prices, coverages)
def test_warrant_shares_are_exactly_the_ceiling(
    principal: Decimal, price: Decimal, coverage: Decimal
) -> None:
    exact = Fraction(principal) * Fraction(coverage) / 100
    shares = warrant_shares(principal, price, coverage)
    assert shares * Fraction(price) >= exact
    assert (shares - 1) * Fraction(price) < exact


@settings(max_examples=300)
@given(cents, prices)
def test_conversion_shares_are_exactly_the_ceiling(amount: Decimal, price: Decimal) -> None:
    shares = conversion_shares(amount, price)
    assert shares * Fraction(price) >= Fraction(amount)
    assert (shares - 1) * Fraction(price) < Fraction(amount)


# --- Allocations and totals. ---


def test_allocation_of_the_third_closing_adds_up_to_its_aggregate() -> None:
    # $20,000,000 of April Notes I split 5:11:5:3:3:3. The three quotas of
    # 3,333,333.33... tie, and the one dollar left over goes to the first of them.
    parts = allocate_pro_rata(D("20000000"), COMMITMENTS)
    assert parts == [D(n) for n in ("3333334", "7333333", "3333333", "2000000", "2000000",
                                    "2000000")]
    assert column_total(parts) == D("20000000")


def test_allocation_of_the_fourth_closing_adds_up_to_its_aggregate() -> None:
    parts = allocate_pro_rata(D("10000000"), COMMITMENTS)
    assert parts == [D(n) for n in ("1666667", "3666667", "1666666", "1000000", "1000000",
                                    "1000000")]
    assert column_total(parts) == D("10000000")


def test_allocation_by_percentages_in_cents() -> None:
    parts = allocate_pro_rata(D("100.00"), [D("33.3"), D("33.3"), D("33.4")], D("0.01"))
    assert parts == [D("33.30"), D("33.30"), D("33.40")]
    parts = allocate_pro_rata(D("100.00"), [D("1"), D("1"), D("1")], D("0.01"))
    assert parts == [D("33.34"), D("33.33"), D("33.33")]


def test_allocation_ties_go_to_the_earlier_lender() -> None:
    assert allocate_pro_rata(D("1"), [D("1"), D("1"), D("1")]) == [D("1"), D("0"), D("0")]
    assert allocate_pro_rata(D("2"), [D("1"), D("1"), D("1")]) == [D("1"), D("1"), D("0")]


def test_allocation_goes_to_the_largest_remainder_not_the_largest_weight() -> None:
    # Quotas 6.6, 3.4: floors 6 and 3, the unit left over goes to the .6.
    assert allocate_pro_rata(D("10"), [D("66"), D("34")]) == [D("7"), D("3")]
    # Quotas 7.4, 2.6: it goes to the .6 of the smaller weight.
    assert allocate_pro_rata(D("10"), [D("74"), D("26")]) == [D("7"), D("3")]
    assert allocate_pro_rata(D("10"), [D("26"), D("74")]) == [D("3"), D("7")]


def test_allocation_gives_nothing_to_a_zero_weight() -> None:
    assert allocate_pro_rata(D("5"), [D("0"), D("1"), D("0")]) == [D("0"), D("5"), D("0")]


@pytest.mark.parametrize(
    ("total", "weights", "unit", "message"),
    [
        (D("100"), [], D("1"), "empty or all zero"),
        (D("100"), [D("0"), D("0")], D("1"), "empty or all zero"),
        (D("100"), [D("1"), D("-1"), D("1")], D("1"), r"weights\[1\] must not be negative"),
        (D("100.50"), [D("1")], D("1"), "not a multiple of the unit"),
        (D("100.005"), [D("1")], D("0.01"), "not a multiple of the unit"),
        (D("-100"), [D("1")], D("1"), "total must not be negative"),
        (D("100"), [D("1")], D("0"), "unit must be positive"),
    ],
)
def test_allocation_refuses_bad_inputs(
    total: Decimal, weights: list[Decimal], unit: Decimal, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        allocate_pro_rata(total, weights, unit)


def test_allocation_refuses_float_weights() -> None:
    with pytest.raises(TypeError, match="weights"):
        allocate_pro_rata(D("100"), [0.5, 0.5])  # type: ignore[list-item]


weight_lists = st.lists(
    st.integers(min_value=0, max_value=1_000_000).map(lambda w: D(w).scaleb(-4)),
    min_size=1,
    max_size=12,
)
units = st.sampled_from([D("1"), D("0.01"), D("1000"), D("0.25")])


@settings(max_examples=300)
@given(st.integers(min_value=0, max_value=10**12), weight_lists, units)
def test_allocation_sums_exactly_and_each_part_is_within_a_unit(
    unit_count: int, weights: list[Decimal], unit: Decimal
) -> None:
    assume(sum(weights) > 0)
    total = D(unit_count) * unit
    parts = allocate_pro_rata(total, weights, unit)
    assert len(parts) == len(weights)
    assert column_total(parts) == total
    weight_sum = sum(Fraction(w) for w in weights)
    for part, weight in zip(parts, weights):
        assert (Fraction(part) / Fraction(unit)).denominator == 1
        assert abs(Fraction(part) - Fraction(total) * Fraction(weight) / weight_sum) < Fraction(
            unit
        )


def test_column_total_is_exact_beyond_the_default_decimal_precision() -> None:
    # The default context keeps 28 digits and would drop the cent.
    big = D("1" + "0" * 30)
    assert column_total([big, D("0.01")]) == D("1" + "0" * 30 + ".01")
    assert column_total([45_734, 100_615]) == 146_349
    assert column_total([]) == 0


# --- Dates. ---


def test_maturity_is_the_42nd_month_anniversary() -> None:
    assert maturity_date(THIRD_CLOSING, 42) == date(2009, 11, 12)


@pytest.mark.parametrize(
    ("issued", "months", "matures"),
    [
        (date(2006, 1, 31), 1, date(2006, 2, 28)),
        (date(2007, 8, 31), 6, date(2008, 2, 29)),
        (date(2006, 8, 31), 42, date(2010, 2, 28)),
    ],
)
def test_maturity_clamps_to_the_end_of_a_shorter_month(
    issued: date, months: int, matures: date
) -> None:
    assert maturity_date(issued, months) == matures


def test_maturity_needs_a_positive_term() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        maturity_date(THIRD_CLOSING, 0)


def test_interest_payment_dates_of_the_april_i_notes() -> None:
    # Note, Section 2(a): quarterly from June 30, 2006, on the next Trading Day when
    # the date is not one.
    assert interest_payment_dates(date(2006, 6, 30), date(2009, 11, 12)) == [
        (date(2006, 6, 30), date(2006, 6, 30)),
        (date(2006, 9, 30), date(2006, 10, 2)),
        (date(2006, 12, 31), date(2007, 1, 3)),  # past New Year's Day and the Ford closing
        (date(2007, 3, 31), date(2007, 4, 2)),
        (date(2007, 6, 30), date(2007, 7, 2)),
        (date(2007, 9, 30), date(2007, 10, 1)),
        (date(2007, 12, 31), date(2007, 12, 31)),
        (date(2008, 3, 31), date(2008, 3, 31)),
        (date(2008, 6, 30), date(2008, 6, 30)),
        (date(2008, 9, 30), date(2008, 9, 30)),
        (date(2008, 12, 31), date(2008, 12, 31)),
        (date(2009, 3, 31), date(2009, 3, 31)),
        (date(2009, 6, 30), date(2009, 6, 30)),
        (date(2009, 9, 30), date(2009, 9, 30)),
    ]


def test_interest_payment_dates_include_a_maturity_that_is_one() -> None:
    dates = interest_payment_dates(date(2008, 12, 31), date(2009, 6, 30))
    assert [scheduled for scheduled, _ in dates] == [
        date(2008, 12, 31), date(2009, 3, 31), date(2009, 6, 30)
    ]


def test_interest_payment_dates_start_on_a_payment_day() -> None:
    with pytest.raises(ValueError, match="not one of the payment days"):
        interest_payment_dates(date(2006, 5, 12), date(2009, 11, 12))


def test_installments_of_the_april_i_notes() -> None:
    # Note, Section 2(b): 10 equal quarterly installments from 15 months after the
    # Closing Date; the last falls on the Maturity Date.
    schedule = installment_schedule(D("3333333"), THIRD_CLOSING)
    assert [i.amount for i in schedule] == [D("333333.30")] * 10
    assert schedule[0] == Installment(date(2007, 8, 12), date(2007, 8, 13), D("333333.30"))
    assert [i.scheduled_date for i in schedule] == [
        date(2007, 8, 12), date(2007, 11, 12), date(2008, 2, 12), date(2008, 5, 12),
        date(2008, 8, 12), date(2008, 11, 12), date(2009, 2, 12), date(2009, 5, 12),
        date(2009, 8, 12), date(2009, 11, 12),
    ]
    assert schedule[-1].scheduled_date == maturity_date(THIRD_CLOSING, 42)
    assert [i.payment_date for i in schedule][1:] == [i.scheduled_date for i in schedule][1:]


def test_installment_residue_goes_to_the_last() -> None:
    schedule = installment_schedule(D("100.00"), THIRD_CLOSING, count=3)
    assert [i.amount for i in schedule] == [D("33.33"), D("33.33"), D("33.34")]
    schedule = installment_schedule(D("1000000.09"), THIRD_CLOSING)
    assert [i.amount for i in schedule] == [D("100000.00")] * 9 + [D("100000.09")]


def test_installment_dates_do_not_drift_after_a_short_month() -> None:
    schedule = installment_schedule(D("400"), date(2006, 11, 30), count=4, first_after_months=3)
    assert [i.scheduled_date for i in schedule] == [
        date(2007, 2, 28), date(2007, 5, 30), date(2007, 8, 30), date(2007, 11, 30)
    ]


def test_installments_refuse_a_fraction_of_a_cent_and_no_installments() -> None:
    with pytest.raises(ValueError, match="whole number of cents"):
        installment_schedule(D("100.001"), THIRD_CLOSING)
    with pytest.raises(ValueError, match="at least 1"):
        installment_schedule(D("100"), THIRD_CLOSING, count=0)


@settings(max_examples=100, deadline=None)
@given(
    st.integers(min_value=0, max_value=10**12).map(lambda c: D(c).scaleb(-2)),
    st.integers(min_value=1, max_value=40),
    st.dates(min_value=date(2000, 1, 1), max_value=date(2040, 12, 31)),
)
def test_installments_are_equal_and_sum_to_the_principal(
    principal: Decimal, count: int, closing: date
) -> None:
    schedule = installment_schedule(principal, closing, count=count)
    amounts = [i.amount for i in schedule]
    assert column_total(amounts) == principal
    assert len(set(amounts[:-1])) <= 1
    assert D("0") <= amounts[-1] - amounts[0] < D("0.01") * count
    for installment in schedule:
        assert installment.payment_date >= installment.scheduled_date
        assert is_trading_day(installment.payment_date)


def test_interest_periods_of_the_seed_note() -> None:
    # Note, Section 1, "Interest Period": the last ends on the Maturity Date.
    assert interest_periods(date(2007, 10, 31), date(2009, 11, 15)) == [
        (date(2007, 11, 1), date(2008, 4, 30)),
        (date(2008, 5, 1), date(2008, 10, 31)),
        (date(2008, 11, 1), date(2009, 4, 30)),
        (date(2009, 5, 1), date(2009, 11, 15)),
    ]


def test_interest_periods_end_exactly_at_a_maturity_on_a_period_end() -> None:
    periods = interest_periods(date(2007, 10, 31), date(2009, 10, 31))
    assert periods[-1] == (date(2009, 5, 1), date(2009, 10, 31))
    assert len(periods) == 4


def test_interest_periods_of_the_april_ii_notes_match_the_same_note_form() -> None:
    # The form is the same for Exhibits B-1 and B-2: the Fourth Closing's notes mature
    # on January 17, 2010, and their last period still starts May 1, 2009.
    maturity = maturity_date(date(2006, 7, 17), 42)
    assert maturity == date(2010, 1, 17)
    assert interest_periods(date(2007, 10, 31), maturity)[-1] == (date(2009, 5, 1), maturity)
    assert len(interest_periods(date(2007, 10, 31), maturity)) == 4


def test_interest_periods_of_a_later_maturity_continue_every_six_months() -> None:
    periods = interest_periods(date(2007, 10, 31), date(2010, 4, 30))
    assert periods[-2:] == [
        (date(2009, 5, 1), date(2009, 10, 31)),
        (date(2009, 11, 1), date(2010, 4, 30)),
    ]


def test_interest_periods_short_or_none() -> None:
    assert interest_periods(date(2007, 10, 31), date(2008, 1, 15)) == [
        (date(2007, 11, 1), date(2008, 1, 15))
    ]
    assert interest_periods(date(2007, 10, 31), date(2007, 10, 31)) == []


@settings(max_examples=100)
@given(
    st.dates(min_value=date(2000, 1, 1), max_value=date(2030, 12, 31)),
    st.integers(min_value=0, max_value=4000),
    st.integers(min_value=1, max_value=12),
)
def test_interest_periods_tile_the_floating_rate_term(
    fixed_through: date, days: int, months: int
) -> None:
    maturity = date.fromordinal(fixed_through.toordinal() + days)
    periods = interest_periods(fixed_through, maturity, months)
    if days == 0:
        assert periods == []
        return
    assert periods[0][0] == date.fromordinal(fixed_through.toordinal() + 1)
    assert periods[-1][1] == maturity
    for (_, end), (start, _) in zip(periods, periods[1:]):
        assert start.toordinal() == end.toordinal() + 1
    assert all(start <= end for start, end in periods)


# --- Interest. ---


def test_first_interest_payment_on_the_april_i_notes() -> None:
    # 3,333,333 x 7.5% x 49 days / 360 = 34,027.774... (May 12 to June 30, 2006).
    assert interest_for_period(D("3333333"), D("7.5"), THIRD_CLOSING, date(2006, 6, 30)) == D(
        "34027.77"
    )


def test_interest_counts_actual_days_over_360() -> None:
    # A full year of 365 days earns 365/360 of the annual rate.
    assert interest_for_period(D("1000000"), D("7.5"), date(2007, 1, 1), date(2008, 1, 1)) == D(
        "76041.67"
    )
    assert interest_for_period(D("1000000"), D("7.5"), date(2006, 6, 30), date(2006, 6, 30)) == D(
        "0.00"
    )


def test_interest_rounds_half_a_cent_up() -> None:
    # 500 x 1.8% / 360 = 0.025 exactly: half-even would give 0.02.
    assert interest_for_period(D("500"), D("1.8"), date(2007, 1, 1), date(2007, 1, 2)) == D(
        "0.03"
    )
    assert round_interest_to_cent(Fraction(1, 200)) == D("0.01")
    assert round_interest_to_cent(Fraction(49999, 10**7)) == D("0.00")


def test_interest_period_cannot_end_before_it_starts() -> None:
    with pytest.raises(ValueError, match="ends"):
        interest_for_period(D("1"), D("7.5"), date(2007, 1, 2), date(2007, 1, 1))


# --- Conversions: the price in effect and the ownership limits (Note, 11 and 5(b)(i)). ---


def test_the_price_in_effect_is_the_latest_adjustment_on_or_before_the_date() -> None:
    from generator.calculations import conversion_price_in_effect
    adjustments = [(date(2006, 9, 1), D("12.755")), (date(2007, 3, 1), D("6.3775"))]
    on = [date(2006, 8, 31), date(2006, 9, 1), date(2007, 2, 28), date(2007, 3, 1)]
    assert [conversion_price_in_effect(CONVERSION_PRICE, adjustments, d) for d in on] == [
        D("25.51"), D("12.755"), D("12.755"), D("6.3775")]


def test_a_conversion_at_the_limit_is_within_it_and_one_share_more_is_past() -> None:
    from generator.calculations import exceeds_ownership_limit
    # 4,999 of 100,000 shares is 4.999%: at the limit, not past it.
    assert not exceeds_ownership_limit(4_000, 99_001, 999, D("4.999"))
    assert exceeds_ownership_limit(4_000, 99_001, 1_000, D("4.999"))


holdings = st.tuples(st.integers(0, 10**9), st.integers(1, 10**9)).filter(lambda t: t[0] <= t[1])
limits = st.integers(1, 9_999).map(lambda n: D(n).scaleb(-3))


@settings(max_examples=300)
@given(holdings, limits)
def test_the_most_shares_within_a_limit_is_exactly_the_largest(held_outstanding, limit) -> None:
    from generator.calculations import exceeds_ownership_limit, shares_within_ownership_limit
    held, outstanding = held_outstanding
    most = shares_within_ownership_limit(held, outstanding, limit)
    if most > 0:
        assert not exceeds_ownership_limit(held, outstanding, most, limit)
    assert exceeds_ownership_limit(held, outstanding, most + 1, limit) or (
        # Already past the limit with no shares at all: none can be issued.
        most == 0 and exceeds_ownership_limit(held, outstanding, 0, limit))


@settings(max_examples=300)
@given(st.integers(0, 10**7), prices, cents.filter(lambda c: c < 10**6))
def test_the_most_principal_for_a_number_of_shares_is_exact_to_the_cent(
    shares: int, price: Decimal, interest: Decimal
) -> None:
    from generator.calculations import principal_within_shares
    most = principal_within_shares(shares, price, interest)
    if most > 0:
        assert conversion_shares(most + interest, price) <= shares
    assert conversion_shares(most + D("0.01") + interest, price) > shares
