"""The one CSV writer: text a spreadsheet would run as a formula is neutralised, numbers
stay numbers."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest

from generator.csvout import FORMULA_STARTS, Writer


def written(*row: object) -> str:
    out = io.StringIO()
    Writer(out).writerow(row)
    return out.getvalue()


@pytest.mark.parametrize("start", FORMULA_STARTS)
def test_text_beginning_a_formula_gets_a_single_quote_and_quotes(start):
    text = f"{start}cmd|' /C calc'!A0"
    assert written(text) == f"\"'{text}\"\n"
    assert next(csv.reader(io.StringIO(written(text, "x")))) == ["'" + text, "x"]


@pytest.mark.parametrize("text", ["tester", "uid 1000", "B1-01", "a=b", " =x", ""])
def test_other_text_is_quoted_as_it_is(text):
    assert written(text) == f'"{text}"\n'


def test_numbers_we_computed_are_numbers_even_when_negative():
    assert written(Decimal("-1000.00"), -3, Decimal("25.123457"), 0) == (
        "-1000.00,-3,25.123457,0\n")


def test_none_is_an_empty_cell_and_other_values_are_text():
    assert written(None, dt.date(2006, 6, 1), True) == '"","2006-06-01","True"\n'
