"""The scalar types of a term sheet: how the text written in YAML becomes a value.

Every value arrives as the text the user typed (the loader types nothing), so each type
here says exactly which spellings it accepts and, when it refuses one, what to write.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, Field, PlainSerializer, WithJsonSchema

from .loader import Null

# Whole numbers as written: digits grouped in threes by commas (20,000,000), or not
# grouped at all (20000000); no leading zero, no underscores. A figure grouped any other
# way (0,020,000,000 or 20_000_000_) is a typo until shown otherwise.
_WHOLE = r"(?:[1-9]\d{0,2}(?:,\d{3})+|0|[1-9]\d*)"
_NUMBER = re.compile(rf"^{_WHOLE}(?:\.\d+)?$")
_INTEGER = re.compile(rf"^{_WHOLE}$")
_FIGURE_LIKE = re.compile(r"^[\d,_]+(?:\.\d+)?$")  # digits and separators: a mistyped figure
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_IDENTIFIER = re.compile(r"^[a-z][a-z0-9_-]{0,63}$")
_CLOSING_ID = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
_EXHIBIT = re.compile(r"^[A-Z0-9][A-Za-z0-9.\-]{0,15}$")
_MONTH_DAY = re.compile(r"^(\d{2})-(\d{2})$")
_TIME_OF_DAY = re.compile(r"^(1[0-2]|[1-9]):[0-5]\d [ap]\.m\.$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")

# Sane limits, far beyond any real deal: past them the calendar (year 9999) and
# Decimal's 28 digits run out, and a typo is the likelier explanation.
FIRST_DATE = dt.date(1900, 1, 1)
LAST_DATE = dt.date(2199, 12, 31)
MAX_AMOUNT = Decimal(10) ** 12  # dollars, exclusive: under a trillion
MAX_SHARES = 10**12 - 1
MAX_COUNT = 1000  # days, months, installments: 1,000 months is 83 years


def _text(value: Any, what: str) -> str:
    if isinstance(value, Null):
        raise ValueError(f"{value!r} is YAML's empty value; write {what}, or leave the key "
                         "out")
    if isinstance(value, str):
        return value.strip()
    if value is None:
        raise ValueError(f"{what} is missing a value")
    raise ValueError(f"expected {what}, not a list or mapping")


def _decimal(value: Any, what: str, example: str) -> Decimal:
    if isinstance(value, Decimal):
        return value
    text = _text(value, what)
    if text.endswith("%"):
        raise ValueError(f"write the percentage as a number without the % sign: {text[:-1].strip()}")
    if text.startswith("$"):
        text = text[1:]
    if text.startswith("-"):
        raise ValueError(f"{what} cannot be negative: {text}")
    _check_figure(text, _NUMBER, what, example)
    try:
        return Decimal(text.replace(",", ""))
    except InvalidOperation as exc:  # unreachable after the pattern, kept for safety of Decimal
        raise ValueError(f"{text!r} is not {what}") from exc


def _check_figure(text: str, pattern: re.Pattern[str], what: str, example: str) -> None:
    """Raise ValueError unless `text` matches `pattern`, saying what is wrong with its digits."""
    if pattern.match(text):
        return
    whole = text.split(".", 1)[0]
    if not _FIGURE_LIKE.match(text):
        reason = ""
    elif "_" in whole:
        reason = "digits are grouped with commas, not underscores"
    elif whole.startswith("0") and whole != "0":
        reason = "a figure does not start with 0"
    else:
        reason = "commas go between groups of three digits, counted from the right"
    raise ValueError(f"{text!r} is not {what}" + (f" ({reason})" if reason else "")
                     + f"; write it like {example}")


def _bounded(amount: Decimal) -> Decimal:
    if amount >= MAX_AMOUNT:
        raise ValueError(f"an amount must be less than ${MAX_AMOUNT:,}, not {amount:,}")
    return amount


def parse_money(value: Any) -> Decimal:
    """Dollars as written, exactly: `20,000,000`, `25.51`; never a fraction of a cent."""
    amount = _decimal(value, "an amount of money", "20,000,000 or 25.51")
    if amount <= 0:
        raise ValueError(f"an amount must be more than zero, not {amount}")
    if _bounded(amount) != amount.quantize(Decimal("0.01")):
        raise ValueError(f"{amount} has a fraction of a cent; amounts are in whole cents")
    return amount


PRICE_PLACES = 6
"""Per-share figures are exact to six decimal places ($0.000001), as share prices and par
values are quoted; sums of money paid are whole cents."""


def parse_price(value: Any) -> Decimal:
    """A price or value per share as written, exactly: `25.51`, `0.0001`, `14.5125`."""
    amount = _decimal(value, "a price per share", "25.51 or 0.0001")
    if amount <= 0:
        raise ValueError(f"a price per share must be more than zero, not {amount}")
    if _bounded(amount) != amount.quantize(Decimal(1).scaleb(-PRICE_PLACES)):
        raise ValueError(f"{amount} has more than {PRICE_PLACES} decimal places; a price per "
                         f"share is exact to ${Decimal(1).scaleb(-PRICE_PLACES):f}")
    return amount


def parse_percent(value: Any) -> Decimal:
    """A percentage written as a number: `35` means 35%."""
    return _decimal(value, "a percentage", "35 or 7.5")


def parse_shares(value: Any) -> int:
    """A whole number of shares: `45,734`."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    text = _text(value, "a number of shares")
    if text.startswith("-"):
        raise ValueError(f"a number of shares cannot be negative: {text}")
    _check_figure(text, _INTEGER, "a whole number", "45,734")
    number = int(text.replace(",", ""))
    if number > MAX_SHARES:
        raise ValueError(f"a number of shares is at most {MAX_SHARES:,}, not {number:,}")
    return number


def parse_count(value: Any) -> int:
    """A count of days, months or installments: a whole number above zero."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    text = _text(value, "a whole number")
    _check_figure(text, _INTEGER, "a whole number", "42")
    number = int(text.replace(",", ""))
    if not 1 <= number <= MAX_COUNT:
        raise ValueError(f"must be at least 1 and at most {MAX_COUNT:,}, not {number:,}")
    return number


def parse_date(value: Any) -> dt.date:
    """A calendar date written YYYY-MM-DD, checked to exist."""
    if isinstance(value, dt.date):
        return value
    text = _text(value, "a date")
    match = _ISO_DATE.match(text)
    if not match:
        raise ValueError(f"{text!r} is not a date; write it as YYYY-MM-DD, like 2006-04-28")
    year, month, day = (int(part) for part in match.groups())
    try:
        date = dt.date(year, month, day)
    except ValueError as exc:
        raise ValueError(f"{text} is not a calendar date ({exc})") from exc
    if not FIRST_DATE <= date <= LAST_DATE:
        # Dates derived from it (a maturity 42 months on) must exist too.
        raise ValueError(f"{text} is outside the dates a term sheet can use, "
                         f"{FIRST_DATE.isoformat()} to {LAST_DATE.isoformat()}")
    return date


def parse_month_day(value: Any) -> tuple[int, int]:
    """A day of the year written MM-DD, like 06-30 (a quarterly payment date)."""
    if isinstance(value, tuple):
        return value
    text = _text(value, "a day of the year")
    match = _MONTH_DAY.match(text)
    if not match:
        raise ValueError(f"{text!r} is not a day of the year; write it as MM-DD, like 06-30")
    month, day = int(match[1]), int(match[2])
    try:
        dt.date(2000, month, day)  # a leap year, so 02-29 is accepted here
    except ValueError as exc:
        raise ValueError(f"{text} is not a day of the year ({exc})") from exc
    return month, day


def parse_time_of_day(value: Any) -> str:
    """A time of day as contracts write it: `11:00 a.m.`, `4:30 p.m.`."""
    text = _text(value, "a time of day")
    if not _TIME_OF_DAY.match(text):
        raise ValueError(f"{text!r} is not a time of day; write it like 11:00 a.m. or 4:30 p.m.")
    return text


def parse_bool(value: Any) -> bool:
    """Only `true` or `false`: YAML 1.1 would also read yes, no, on, off, y and n."""
    if isinstance(value, bool):
        return value
    text = _text(value, "true or false")
    if text in ("true", "false"):
        return text == "true"
    raise ValueError(f"{text!r} is not true or false; write true or false")


def parse_name(value: Any) -> str:
    """A name as it appears in the documents: one line of visible text, NFC-normalized."""
    text = unicodedata.normalize("NFC", _text(value, "a name"))
    if not text:
        raise ValueError("a name cannot be empty")
    for char in text:
        category = unicodedata.category(char)
        if category in ("Cc", "Cf", "Zl", "Zp"):
            raise ValueError(f"a name cannot contain the invisible character U+{ord(char):04X}")
    return text


def parse_text(value: Any) -> str:
    text = _text(value, "text")
    if not text:
        raise ValueError("the text cannot be empty")
    return text


def parse_email(value: Any) -> str:
    text = _text(value, "an e-mail address")
    if not _EMAIL.match(text):
        raise ValueError(f"{text!r} is not an e-mail address; write it as name@firm.example")
    return text


def parse_identifier(value: Any) -> str:
    """An id that names a lender, closing or agreement; also used in output file names."""
    text = _text(value, "an id")
    if not _IDENTIFIER.match(text):
        raise ValueError(f"{text!r} is not an id; use at most 64 lowercase letters, digits, _ "
                         "and -, starting with a letter (like rockmore or third)")
    return text


def parse_closing_id(value: Any) -> str:
    """A closing's id: an id without `-`, so that a note's file name, <closing>-<lender>,
    names exactly one note."""
    text = parse_identifier(value)
    if not _CLOSING_ID.match(text):
        raise ValueError(f"{text!r} is not a closing id; a closing id has no '-' (a note's "
                         f"files are named <closing>-<lender>): write {text.replace('-', '_')}")
    return text


def parse_exhibit(value: Any) -> str:
    text = _text(value, "an exhibit label")
    if not _EXHIBIT.match(text):
        raise ValueError(f"{text!r} is not an exhibit label; write it like B-1 or 4.2")
    return text


def _coverage(value: Decimal) -> Decimal:
    if not Decimal(0) < value <= Decimal(100):
        raise ValueError(f"coverage must be more than 0 and at most 100 (percent), not {value}")
    return value


def _rate(value: Decimal) -> Decimal:
    if not Decimal(0) < value < Decimal(100):
        raise ValueError(f"a rate must be more than 0 and less than 100 (percent), not {value}")
    return value


_DECIMAL_SCHEMA = {"type": "string", "pattern": _NUMBER.pattern}
_as_str = PlainSerializer(str, return_type=str)

Money = Annotated[Decimal, BeforeValidator(parse_money), _as_str,
                  WithJsonSchema({**_DECIMAL_SCHEMA,
                                  "description": "US dollars in whole cents, e.g. 20,000,000"})]
PerSharePrice = Annotated[Decimal, BeforeValidator(parse_price), _as_str, WithJsonSchema(
    {**_DECIMAL_SCHEMA, "description": "US dollars per share, up to six decimal places, "
                                       "e.g. 25.51 or 0.0001"})]
Coverage = Annotated[Decimal, BeforeValidator(parse_percent), AfterValidator(_coverage), _as_str,
                     WithJsonSchema({**_DECIMAL_SCHEMA, "description": "percent, 0 < x <= 100"})]
Rate = Annotated[Decimal, BeforeValidator(parse_percent), AfterValidator(_rate), _as_str,
                 WithJsonSchema({**_DECIMAL_SCHEMA, "description": "percent a year, e.g. 7.5"})]
Shares = Annotated[int, BeforeValidator(parse_shares),
                   WithJsonSchema({"type": ["string", "integer"], "description": "whole shares"})]
Count = Annotated[int, BeforeValidator(parse_count),
                  WithJsonSchema({"type": ["string", "integer"], "minimum": 1,
                                  "maximum": MAX_COUNT})]
Date = Annotated[dt.date, BeforeValidator(parse_date),
                 WithJsonSchema({"type": "string", "format": "date"})]
MonthDay = Annotated[tuple[int, int], BeforeValidator(parse_month_day),
                     WithJsonSchema({"type": "string", "pattern": _MONTH_DAY.pattern})]
Flag = Annotated[bool, BeforeValidator(parse_bool), WithJsonSchema({"type": "boolean"})]
Name = Annotated[str, BeforeValidator(parse_name), Field(max_length=200),
                 WithJsonSchema({"type": "string", "minLength": 1, "maxLength": 200})]
Text = Annotated[str, BeforeValidator(parse_text),
                 WithJsonSchema({"type": "string", "minLength": 1})]
Email = Annotated[str, BeforeValidator(parse_email),
                  WithJsonSchema({"type": "string", "pattern": _EMAIL.pattern})]
Identifier = Annotated[str, BeforeValidator(parse_identifier),
                       WithJsonSchema({"type": "string", "pattern": _IDENTIFIER.pattern})]
ClosingId = Annotated[str, BeforeValidator(parse_closing_id),
                      WithJsonSchema({"type": "string", "pattern": _CLOSING_ID.pattern})]
TimeOfDay = Annotated[str, BeforeValidator(parse_time_of_day),
                     WithJsonSchema({"type": "string", "pattern": _TIME_OF_DAY.pattern})]
Exhibit = Annotated[str, BeforeValidator(parse_exhibit),
                    WithJsonSchema({"type": "string", "pattern": _EXHIBIT.pattern})]
