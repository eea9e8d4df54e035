"""The facts of a term sheet as its documents would print them, for the leak tests.

Each value is typed by the model; its type says how a document prints it: names and text
as written, dates long ("April 28, 2006"), sums of money and prices per share with their
dollar sign, share counts with separators. Ids, exhibit labels, percentages, counts and
section numbers ("8.8") are left out: they are not facts of one deal but of every deal's
numbering, and would be found by coincidence.
"""

from __future__ import annotations

import re
import types
import typing
import unicodedata
from collections.abc import Callable, Iterator
from typing import Any

import pydantic

from generator.formatting import longdate, money, price, shares
from generator.model import TermSheet
from generator.values import (parse_date, parse_money, parse_name, parse_price, parse_shares,
                              parse_text, parse_time_of_day)

_PRINTED: dict[Callable[..., Any], Callable[[Any], str | None]] = {
    parse_name: str,
    parse_text: str,
    parse_time_of_day: str,
    parse_date: longdate,
    parse_money: money,
    parse_price: price,
    parse_shares: lambda n: shares(n) if n >= 1000 else None,
}
_SECTION_NUMBER = re.compile(r"^\d+(\.\d+)*(\([a-z0-9]+\))*$")


def facts(sheet: TermSheet) -> set[str]:
    """Every value of `sheet` as a document prints it (see the module docstring)."""
    found = set()
    for text in _printed(sheet):
        if len(text) >= 3 and not _SECTION_NUMBER.match(text):
            found.add(text)
    return found


def _printed(model: pydantic.BaseModel) -> Iterator[str]:
    for name, field in type(model).model_fields.items():
        yield from _values(getattr(model, name), field.annotation, field.metadata)


def _values(value: Any, annotation: Any, metadata: list[Any]) -> Iterator[str]:
    if value is None:
        return
    if isinstance(value, pydantic.BaseModel):
        yield from _printed(value)
        return
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        inner, *extra = typing.get_args(annotation)
        yield from _values(value, inner, [*metadata, *extra])
    elif origin in (typing.Union, types.UnionType):
        for option in typing.get_args(annotation):
            if option is not type(None):
                yield from _values(value, option, metadata)
                return
    elif isinstance(value, list | tuple):
        (item,) = typing.get_args(annotation)[:1]
        for element in value:
            yield from _values(element, item, [])
    elif isinstance(value, dict):
        item = typing.get_args(annotation)[1]
        for element in value.values():
            yield from _values(element, item, [])
    else:
        for entry in metadata:
            printer = _PRINTED.get(getattr(entry, "func", None))
            if printer is not None and (printed := printer(value)) is not None:
                yield printed


def normalized(text: str) -> str:
    """Text compared the way a reader would: one space for any run of white space, any case."""
    return " ".join(unicodedata.normalize("NFKC", text).split()).casefold()


def occurrences(fact: str, text: str) -> int:
    """How often `fact` stands in normalized `text` as a whole: not as part of a longer word
    or figure ("$30,000" is not in "$30,000,000")."""
    needle = normalized(fact)
    if needle not in text:  # most facts are in no text: a substring search is enough
        return 0
    pattern = re.compile(r"(?<![\w$])" + re.escape(needle) + r"(?![\w]|[,.]\d)")
    return len(pattern.findall(text))
