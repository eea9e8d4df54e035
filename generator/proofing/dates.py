"""Dates that do not exist ("February 29, 2005") and weekdays that do not match their date
("Monday, April 28, 2006")."""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterator
from datetime import date

from ..findings import Finding, Severity
from .document import Document

_MONTHS = {name: number for number, name in enumerate(calendar.month_name) if name}
_WEEKDAYS = list(calendar.day_name)
_MONTH = "|".join(_MONTHS)
_ANY_MONTH = re.compile(rf"\b(?:{_MONTH})\b")
_DATE = re.compile(
    rf"(?:\b({'|'.join(_WEEKDAYS)}),?\s+)?(?:the\s+)?"
    rf"(?:\b({_MONTH})\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})\b"
    rf"|\b(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:day\s+of\s+)?({_MONTH}),?\s+(\d{{4}})\b)")


def check_dates(document: Document) -> Iterator[Finding]:
    for block in document.blocks:
        if not _ANY_MONTH.search(block.text):
            continue
        for match in _DATE.finditer(block.text):
            weekday, month, day, year = match.group(1), match.group(2), match.group(3), match.group(4)
            if month is None:
                day, month, year = match.group(5), match.group(6), match.group(7)
            written = match.group(0)[match.start(2 if match.group(2) else 5) - match.start():]
            try:
                value = date(int(year), _MONTHS[month], int(day))
            except ValueError:
                last = calendar.monthrange(int(year), _MONTHS[month])[1]
                yield document.finding(
                    "date.impossible", Severity.ERROR, block, match.start(),
                    f"{written} does not exist: {month} {year} has {last} days",
                    "correct the date")
                continue
            if weekday and _WEEKDAYS[value.weekday()] != weekday:
                yield document.finding(
                    "date.weekday", Severity.ERROR, block, match.start(),
                    f"{match.group(0)}: {written} is a {_WEEKDAYS[value.weekday()]}",
                    f"write {_WEEKDAYS[value.weekday()]}, or correct the date")
