"""The template filters print figures as the Zoltek documents do."""

import re
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.formatting import (
    FILTERS,
    longdate,
    month_day,
    money,
    money_words,
    number_words,
    ordinal,
    percent,
    price,
    roman,
    shares,
)

D = Decimal

_UNITS = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen "
    "fourteen fifteen sixteen seventeen eighteen nineteen"
).split()
_WORD_VALUES = {word: value for value, word in enumerate(_UNITS)} | {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
}
_SCALES = {"thousand": 10**3, "million": 10**6, "billion": 10**9, "trillion": 10**12}
_TITLE_WORD = re.compile(r"[A-Z][a-z]+(-[A-Z][a-z]+)?")


def _words_to_int(words: str) -> int:
    total = group = 0
    for word in words.split():
        assert _TITLE_WORD.fullmatch(word), f"{word!r} is not a title-case number word"
        for token in word.lower().split("-"):
            if token in _WORD_VALUES:
                group += _WORD_VALUES[token]
            elif token == "hundred":
                group *= 100
            elif token in _SCALES:
                total += group * _SCALES[token]
                group = 0
            else:
                raise ValueError(f"not a number word: {token!r}")
    return total + group


def words_to_amount(text: str) -> Decimal:
    """The amount that the words of `money_words` name ("... Dollars and ... Cents").

    Strict: an "and" inside the number words, or "Dollars" after One, fails.
    """
    dollars = cents = 0
    for part in text.split(" and "):
        words, unit = part.rsplit(" ", 1)
        value = _words_to_int(words)
        assert unit == ("Dollar" if value == 1 else "Dollars") or unit == (
            "Cent" if value == 1 else "Cents"
        ), f"{unit!r} after {value}"
        if unit.startswith("Dollar"):
            dollars = value
        else:
            cents = value
    return D(dollars) + D(cents).scaleb(-2)


def test_month_day_names_a_day_of_every_year() -> None:
    assert month_day((6, 30)) == "June 30"
    assert month_day((12, 31)) == "December 31"


def test_filters_are_registered_by_their_template_names() -> None:
    assert FILTERS == {
        "money": money,
        "shares": shares,
        "longdate": longdate,
        "month_day": month_day,
        "money_words": money_words,
        "number_words": number_words,
        "ordinal": ordinal,
        "percent": percent,
        "price": price,
        "roman": roman,
    }


@pytest.mark.parametrize("amount, printed", [
    ("25.51", "$25.51"), ("12.5", "$12.50"), ("42.50", "$42.50"), ("25", "$25.00"),
    ("0.0001", "$0.0001"), ("0.000001", "$0.000001"), ("14.5125", "$14.5125"),
    ("1234.567800", "$1,234.5678"),
])
def test_a_price_per_share_keeps_its_places_and_at_least_cents(amount, printed) -> None:
    assert price(D(amount)) == printed


@pytest.mark.parametrize("n, numeral", [(1, "i"), (4, "iv"), (9, "ix"), (14, "xiv"),
                                        (17, "xvii"), (22, "xxii"), (40, "xl"), (99, "xcix")])
def test_roman_numerals_number_clauses(n, numeral) -> None:
    assert roman(n) == numeral


@pytest.mark.parametrize(
    ("amount", "printed"),
    [
        (D("20000000"), "$20,000,000"),
        (D("20000000.00"), "$20,000,000"),
        (D("2E+7"), "$20,000,000"),
        (D("30000"), "$30,000"),
        (D("25.51"), "$25.51"),
        (D("14.5"), "$14.50"),
        (D("0.01"), "$0.01"),
        (D("0"), "$0"),
        (D("3303333"), "$3,303,333"),
        (D("1000000000000.10"), "$1,000,000,000,000.10"),
        (12, "$12"),
    ],
)
def test_money(amount: Decimal, printed: str) -> None:
    assert money(amount) == printed


@pytest.mark.parametrize(
    ("amount", "error", "message"),
    [
        (D("25.515"), ValueError, "not a whole number of cents"),
        (D("0.001"), ValueError, "not a whole number of cents"),
        (D("-30000"), ValueError, "no negative amounts"),
        (D("NaN"), ValueError, "finite"),
        (D("Infinity"), ValueError, "finite"),
        (25.51, TypeError, "Decimal"),
        ("25.51", TypeError, "Decimal"),
        (True, TypeError, "Decimal"),
    ],
)
def test_money_refuses_what_it_cannot_print_exactly(
    amount: Decimal, error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        money(amount)
    with pytest.raises(error, match=message):
        money_words(amount)


def test_shares() -> None:
    assert shares(45_734) == "45,734"
    assert shares(274_316) == "274,316"
    assert shares(0) == "0"
    assert shares(999) == "999"


@pytest.mark.parametrize(("n", "error"), [(-1, ValueError), (1.0, TypeError), (D("5"), TypeError)])
def test_shares_refuse_what_is_not_a_count(n: int, error: type[Exception]) -> None:
    with pytest.raises(error):
        shares(n)


@pytest.mark.parametrize(
    ("d", "printed"),
    [
        (date(2006, 4, 28), "April 28, 2006"),
        (date(2006, 12, 14), "December 14, 2006"),
        (date(2007, 11, 1), "November 1, 2007"),
        (date(2009, 5, 1), "May 1, 2009"),
    ],
)
def test_longdate(d: date, printed: str) -> None:
    assert longdate(d) == printed


@pytest.mark.parametrize(
    ("amount", "printed"),
    [
        (D("20000000"), "Twenty Million Dollars ($20,000,000)"),
        (D("10000000"), "Ten Million Dollars ($10,000,000)"),
        (D("30000"), "Thirty Thousand Dollars ($30,000)"),
        (
            D("3333333"),
            "Three Million Three Hundred Thirty-Three Thousand Three Hundred Thirty-Three "
            "Dollars ($3,333,333)",
        ),
        (D("25.51"), "Twenty-Five Dollars and Fifty-One Cents ($25.51)"),
        (D("14.50"), "Fourteen Dollars and Fifty Cents ($14.50)"),
        (D("105"), "One Hundred Five Dollars ($105)"),
        (D("2000000017"), "Two Billion Seventeen Dollars ($2,000,000,017)"),
        (D("1"), "One Dollar ($1)"),
        (D("1.01"), "One Dollar and One Cent ($1.01)"),
        (D("0.01"), "One Cent ($0.01)"),
        (D("0.99"), "Ninety-Nine Cents ($0.99)"),
        (D("0"), "Zero Dollars ($0)"),
    ],
)
def test_money_words(amount: Decimal, printed: str) -> None:
    assert money_words(amount) == printed


@pytest.mark.parametrize(
    ("n", "words"),
    [(10, "ten"), (15, "fifteen"), (9, "nine"), (20, "twenty"), (42, "forty-two"),
     (105, "one hundred five"), (0, "zero")],
)
def test_number_words(n: int, words: str) -> None:
    assert number_words(n) == words


def test_number_words_refuse_a_negative_count() -> None:
    with pytest.raises(ValueError, match="not negative"):
        number_words(-1)


@pytest.mark.parametrize(
    ("n", "printed"),
    [(1, "1st"), (2, "2nd"), (3, "3rd"), (4, "4th"), (11, "11th"), (12, "12th"),
     (13, "13th"), (20, "20th"), (21, "21st"), (42, "42nd"), (90, "90th"), (101, "101st"),
     (111, "111th"), (112, "112th"), (120, "120th")],
)
def test_ordinal(n: int, printed: str) -> None:
    assert ordinal(n) == printed


def test_ordinal_starts_at_one() -> None:
    with pytest.raises(ValueError, match="starts at 1"):
        ordinal(0)


@pytest.mark.parametrize(
    ("value", "printed"),
    [
        (D("35"), "35%"),
        (D("35.00"), "35%"),
        (D("7.5"), "7.5%"),
        (D("7.50"), "7.5%"),
        (D("4.999"), "4.999%"),
        (D("9.999"), "9.999%"),
        (D("100"), "100%"),
        (D("1E+2"), "100%"),
        (D("0.0000001"), "0.0000001%"),
        (D("0"), "0%"),
        (4, "4%"),
    ],
)
def test_percent(value: Decimal, printed: str) -> None:
    assert percent(value) == printed


@pytest.mark.parametrize(("value", "error"), [(7.5, TypeError), (D("NaN"), ValueError)])
def test_percent_refuses_floats_and_nan(value: Decimal, error: type[Exception]) -> None:
    with pytest.raises(error):
        percent(value)


@settings(max_examples=200)
@given(
    st.integers(min_value=0, max_value=10**9),
    st.integers(min_value=-12, max_value=6),
)
def test_percent_never_prints_an_exponent_and_keeps_the_value(digits: int, exponent: int) -> None:
    value = D(digits).scaleb(exponent)
    printed = percent(value)
    assert re.fullmatch(r"\d+(\.\d*[1-9])?%", printed), printed
    assert D(printed[:-1]) == value


amounts = st.one_of(
    st.integers(min_value=1, max_value=10**14).map(lambda cents: D(cents).scaleb(-2)),
    st.integers(min_value=1, max_value=10**12).map(D),
)


@settings(max_examples=300)
@given(amounts)
def test_money_words_round_trip(amount: Decimal) -> None:
    match = re.fullmatch(r"(.+) \((\$[\d,]+(?:\.\d\d)?)\)", money_words(amount))
    assert match, money_words(amount)
    words, figures = match.groups()
    assert words_to_amount(words) == amount
    assert figures == money(amount)
    assert D(figures[1:].replace(",", "")) == amount
