"""The terms that changed between two term sheets, each with the line it stands on in each.

Values are compared as the model types them (20,000,000 and 20000000 are the same amount),
and lists of things with an id are compared by id, not by position: a lender removed from
the middle of the list is one change, not a change to every lender after it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from pydantic import BaseModel

from ..findings import Mark
from ..loader import PathKey, SourceMap
from ..termsheet import LoadedTermSheet

# The key that identifies an entry of a list, in the order they are tried.
_ENTRY_KEYS = ("id", "lender", "agreement", "pertaining_to")


@dataclass(frozen=True)
class TermChange:
    path: str
    """Where the term is, entries by their id: "closings[third].notes.conversion_price"."""
    old: str | None
    """As the old term sheet has it; None where it has no such term."""
    new: str | None
    old_mark: Mark | None
    new_mark: Mark | None

    @property
    def kind(self) -> str:
        return "added" if self.old is None else "removed" if self.new is None else "changed"


@dataclass(frozen=True)
class _Term:
    value: str
    index_path: PathKey
    """The path with list positions, which the source map knows."""


def term_changes(old: LoadedTermSheet, new: LoadedTermSheet) -> list[TermChange]:
    """Every term whose value differs, was added or was removed, in the new sheet's order;
    an entry added or removed whole (a lender, a closing) is one change."""
    before, after = dict(_terms(old.sheet)), dict(_terms(new.sheet))
    gone = _entries(before) - _entries(after)
    came = _entries(after) - _entries(before)
    changes: list[TermChange] = []
    for path in list(after) + [path for path in before if path not in after]:
        was, now = before.get(path), after.get(path)
        if was is not None and now is not None and was.value == now.value:
            continue
        entry = _entry_of(path, gone if now is None else came)
        if entry is None:
            changes.append(TermChange(path, was and was.value, now and now.value,
                                      _mark(old.source, was), _mark(new.source, now)))
        elif not any(change.path == entry for change in changes):
            terms = before if now is None else after
            shown = _telling(entry, terms)
            source = old.source if now is None else new.source
            value, mark = shown.value, _mark(source, shown)
            changes.append(TermChange(entry, value if now is None else None,
                                      None if now is None else value,
                                      mark if now is None else None,
                                      None if now is None else mark))
    return changes


def _mark(source: SourceMap, term: _Term | None) -> Mark | None:
    return source.locate(term.index_path) if term is not None else None


def _terms(value: Any, path: str = "", index_path: PathKey = ()) -> Iterator[tuple[str, _Term]]:
    """(path, term) for every value the term sheet gives, from the typed model."""
    if isinstance(value, BaseModel):
        for name, field in type(value).model_fields.items():
            item = getattr(value, name)
            if item is None or item == [] or item == {}:
                continue
            key = field.alias or name
            yield from _terms(item, f"{path}.{key}" if path else key, index_path + (key,))
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _terms(item, f"{path}.{key}", index_path + (key,))
    elif isinstance(value, list | tuple) and value and all(isinstance(v, BaseModel)
                                                           for v in value):
        key = _entry_key(value)
        for index, item in enumerate(value):
            label = str(getattr(item, key)) if key else str(index)
            yield from _terms(item, f"{path}[{label}]", index_path + (index,))
    else:
        yield path, _Term(_shown(value), index_path)


def _entry_key(entries: list | tuple) -> str | None:
    """The field whose values tell the entries apart, if one does."""
    for key in _ENTRY_KEYS:
        values = [getattr(entry, key, None) for entry in entries]
        if None not in values and len(set(map(str, values))) == len(values):
            return key
    return None


def _entries(terms: dict[str, _Term]) -> set[str]:
    """Every entry of a list ("lenders[midsummer]") the terms belong to."""
    return {path[:end + 1] for path in terms
            for end in (i for i, char in enumerate(path) if char == "]")}


def _entry_of(path: str, entries: set[str]) -> str | None:
    """The outermost of `entries` that `path` lies in."""
    return next((entry for entry in sorted(entries, key=len)
                 if path == entry or path.startswith((entry + ".", entry + "["))), None)


def _telling(entry: str, terms: dict[str, _Term]) -> _Term:
    """The value that names an entry best: its name, else its first value."""
    inside = [(path, term) for path, term in terms.items() if path.startswith(entry + ".")]
    for suffix in (".legal_name", ".name", ".title"):
        for path, term in inside:
            if path == entry + suffix:
                return term
    return inside[0][1]


def _shown(value: Any) -> str:
    """A value as a term sheet would write it."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return f"{value:,f}" if value == value.to_integral_value() else f"{value:f}"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, tuple) and len(value) == 2 and all(isinstance(v, int) for v in value):
        return f"{value[0]:02d}-{value[1]:02d}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_shown(item) for item in value) + "]"
    return str(value)
