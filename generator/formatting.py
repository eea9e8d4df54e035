"""Presentation filters for the templates: figures as the documents print them.

Every filter is pure and exact. None rounds: a value the document cannot print as
given (a fraction of a cent, a negative amount) is an error, because the rounding
belongs to `generator.calculations`.
"""

from collections.abc import Callable
from datetime import date
from decimal import Decimal

from num2words import num2words

_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)


def money(amount: Decimal) -> str:
    """An amount in figures: whole dollars as "$20,000,000", cents as "$25.51"."""
    dollars, cents = _dollars_and_cents(amount)
    return f"${dollars:,}" + (f".{cents:02d}" if cents else "")


def price(amount: Decimal) -> str:
    """A price per share: cents always, further places as given: "$25.51", "$12.50",
    "$0.0001", "$14.5125"."""
    exact = _finite("price", amount)
    if exact < 0:
        raise ValueError(f"the documents print no negative prices, got {amount}")
    figures = f"{exact:f}"
    whole, _, places = figures.partition(".")
    places = places.rstrip("0").ljust(2, "0")
    return f"${int(whole):,}.{places}"


def shares(n: int) -> str:
    """A number of shares with thousands separators: "45,734"."""
    return f"{_count('shares', n):,}"


def longdate(d: date) -> str:
    """A date as the documents write it: "April 28, 2006"."""
    return f"{_MONTHS[d.month - 1]} {d.day}, {d.year}"


def month_day(day: tuple[int, int]) -> str:
    """A day of every year: (6, 30) -> "June 30"."""
    month, number = day
    return f"{_MONTHS[month - 1]} {number}"


def money_words(amount: Decimal) -> str:
    """An amount in words and figures: "Twenty Million Dollars ($20,000,000)".

    Cents follow the dollars: "Twenty-Five Dollars and Fifty-One Cents ($25.51)".
    """
    dollars, cents = _dollars_and_cents(amount)
    parts = []
    if dollars or not cents:
        parts.append(f"{_spelled(dollars).title()} {'Dollar' if dollars == 1 else 'Dollars'}")
    if cents:
        parts.append(f"{_spelled(cents).title()} {'Cent' if cents == 1 else 'Cents'}")
    return f"{' and '.join(parts)} ({money(amount)})"


def number_words(n: int) -> str:
    """A count in lowercase words, as in "fifteen (15) months": "fifteen"."""
    return _spelled(_count("number", n))


def ordinal(n: int) -> str:
    """An ordinal in figures: "1st", "42nd", "112th"."""
    if _count("ordinal", n) < 1:
        raise ValueError(f"an ordinal starts at 1, got {n}")
    return num2words(n, lang="en", to="ordinal_num")


_ROMAN = ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
          (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"))


def roman(n: int) -> str:
    """A lowercase roman numeral, as clauses are numbered: 4 -> "iv", 22 -> "xxii"."""
    if _count("roman", n) < 1:
        raise ValueError(f"a roman numeral starts at 1, got {n}")
    text = ""
    for value, letters in _ROMAN:
        count, n = divmod(n, value)
        text += letters * count
    return text


def percent(value: Decimal) -> str:
    """A percentage without trailing zeros or exponent: "35%", "7.5%", "4.999%"."""
    figures = f"{_finite('percent', value):f}"
    if "." in figures:
        figures = figures.rstrip("0").rstrip(".")
    return f"{figures}%"


FILTERS: dict[str, Callable[..., str]] = {
    "money": money,
    "price": price,
    "roman": roman,
    "shares": shares,
    "longdate": longdate,
    "month_day": month_day,
    "money_words": money_words,
    "number_words": number_words,
    "ordinal": ordinal,
    "percent": percent,
}


def _finite(what: str, value: Decimal) -> Decimal:
    # A float has already been rounded to binary and would print its error.
    if not isinstance(value, Decimal | int) or isinstance(value, bool):
        raise TypeError(f"{what} needs a Decimal, not {type(value).__name__}")
    if isinstance(value, Decimal) and not value.is_finite():
        raise ValueError(f"{what} needs a finite number, got {value}")
    return Decimal(value)


def _dollars_and_cents(amount: Decimal) -> tuple[int, int]:
    numerator, denominator = _finite("money", amount).as_integer_ratio()
    cents, fraction = divmod(numerator * 100, denominator)
    if fraction:
        raise ValueError(f"{amount} is not a whole number of cents")
    if cents < 0:
        raise ValueError(f"the documents print no negative amounts, got {amount}")
    return divmod(cents, 100)


def _count(what: str, n: int) -> int:
    if not isinstance(n, int) or isinstance(n, bool):
        raise TypeError(f"{what} needs an int, not {type(n).__name__}")
    if n < 0:
        raise ValueError(f"{what} needs a number that is not negative, got {n}")
    return n


def _spelled(n: int) -> str:
    # num2words writes British "one hundred and five" with commas between groups; US
    # legal style is "one hundred five".
    words = num2words(n, lang="en").replace(",", "").split()
    return " ".join(word for word in words if word != "and")

