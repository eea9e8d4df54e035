"""CSV as dealdocs writes it: every CSV the product writes goes through `Writer`, so that
no cell a spreadsheet opens can run as a formula (OWASP, "CSV Injection").

A number the program computed (an int or a Decimal: an amount, a price, a count of
shares, an id) is written as it is, unquoted, so that a spreadsheet reads it as a number;
a negative one is a number, not a formula. Every other cell is text that may come from a
user (a name, an OS user name, a note number): it is quoted, and when it begins with a
character that starts a formula (= + - @, a tab or a carriage return) it is prefixed with
a single quote, which spreadsheets take as "text" and do not show.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from decimal import Decimal
from typing import TextIO

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell(value: object) -> str | int | Decimal:
    """A value as its CSV cell: a number as it is, None as empty, anything else as text
    that a spreadsheet shows and never evaluates."""
    if isinstance(value, int | Decimal) and not isinstance(value, bool):
        return value
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


class Writer:
    """csv.writer's `writerow`, with every cell made safe by `cell`."""

    def __init__(self, stream: TextIO) -> None:
        # Text quoted, numbers not: a spreadsheet keeps them apart, and the quote keeps a
        # neutralised cell one field whatever it holds.
        self._out = csv.writer(stream, quoting=csv.QUOTE_NONNUMERIC, lineterminator="\n")

    def writerow(self, row: Iterable[object]) -> None:
        self._out.writerow([cell(value) for value in row])
