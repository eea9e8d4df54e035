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
from ..model import DERIVED
from ..termsheet import LoadedTermSheet

# The key that identifies an entry of a list, in the order they are tried.
_ENTRY_KEYS = ("id", "lender", "agreement", "pertaining_to")
# The field that names an entry for people, in the order they are tried.
_NAME_KEYS = ("legal_name", "name", "title")

Label = tuple[tuple[str, bool], ...]
"""A term's label in parts ("Third Closing", "notes", "conversion price"), each with whether
it may be left out (a group of fields inside an entry, undocumented in the model) when the
label stays unique without it."""


@dataclass(frozen=True)
class TermChange:
    path: str
    """Where the term is, entries by their id: "closings[third].notes.conversion_price"."""
    old: str | None
    """As the old term sheet has it; None where it has no such term."""
    new: str | None
    old_mark: Mark | None
    new_mark: Mark | None
    label: str = ""
    """What the term is, for people, from the model: "Third Closing, conversion price";
    for an entry added or removed whole, the list it is in ("Lenders")."""
    derived: bool = False
    """A figure dealdocs derives when the term sheet does not state it (the model's
    `DERIVED` fields)."""

    @property
    def kind(self) -> str:
        return "added" if self.old is None else "removed" if self.new is None else "changed"

    @property
    def entry(self) -> bool:
        """An entry of a list (a lender, a closing) added or removed whole."""
        return self.path.endswith("]")

    @property
    def was(self) -> str:
        """The old value as the report gives it."""
        if self.old is not None:
            return self.old
        return ("not in the deal" if self.entry else
                "not stated (derived)" if self.derived else "not stated")

    @property
    def now(self) -> str:
        """The new value as the report gives it: a stated figure left out of the term sheet
        is "no longer stated (now derived)", not a figure gone."""
        if self.new is not None:
            return self.new
        return ("removed from the deal" if self.entry else
                "no longer stated (now derived)" if self.derived else "no longer stated")


@dataclass(frozen=True)
class _Term:
    value: str
    index_path: PathKey
    """The path with list positions, which the source map knows."""
    label: Label
    derived: bool


def term_changes(old: LoadedTermSheet, new: LoadedTermSheet) -> list[TermChange]:
    """Every term whose value differs, was added or was removed, in the new sheet's order;
    an entry added or removed whole (a lender, a closing) is one change."""
    names = {**_names(old.sheet), **_names(new.sheet)}
    lists: dict[str, Label] = {}
    before = dict(_terms(old.sheet, names, lists))
    after = dict(_terms(new.sheet, names, lists))
    labels = _labels([*before.values(), *after.values()])
    gone = _entries(before) - _entries(after)
    came = _entries(after) - _entries(before)
    changes: list[TermChange] = []
    for path in list(after) + [path for path in before if path not in after]:
        was, now = before.get(path), after.get(path)
        if was is not None and now is not None and was.value == now.value:
            continue
        entry = _entry_of(path, gone if now is None else came)
        if entry is None:
            term = now or was
            assert term is not None
            changes.append(TermChange(path, was and was.value, now and now.value,
                                      _mark(old.source, was), _mark(new.source, now),
                                      labels[term.label], term.derived))
        elif not any(change.path == entry for change in changes):
            terms = before if now is None else after
            shown = _telling(entry, terms)
            source = old.source if now is None else new.source
            value, mark = names.get(shown.value, shown.value), _mark(source, shown)
            changes.append(TermChange(entry, value if now is None else None,
                                      None if now is None else value,
                                      mark if now is None else None,
                                      None if now is None else mark,
                                      _join(lists[entry], short=False)))
    return changes


def _mark(source: SourceMap, term: _Term | None) -> Mark | None:
    return source.locate(term.index_path) if term is not None else None


def _terms(value: Any, names: dict[str, str], lists: dict[str, Label], path: str = "",
           index_path: PathKey = (), label: Label = (), derived: bool = False
           ) -> Iterator[tuple[str, _Term]]:
    """(path, term) for every value the term sheet gives, from the typed model; `lists`
    gets the label of the list each entry is in."""
    if isinstance(value, BaseModel):
        for name, field in type(value).model_fields.items():
            item = getattr(value, name)
            if item is None or item == [] or item == {}:
                continue
            key = field.alias or name
            # A group of fields inside an entry (a closing's notes) is no term of its own.
            part = (field.title or _words(key),
                    bool(label) and field.description is None and isinstance(item, BaseModel))
            yield from _terms(item, names, lists, f"{path}.{key}" if path else key,
                              index_path + (key,), label + (part,),
                              derived or (isinstance(field.json_schema_extra, dict)
                                          and DERIVED.items() <= field.json_schema_extra.items()))
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _terms(item, names, lists, f"{path}.{key}", index_path + (key,),
                              label + ((names.get(str(key), str(key)), False),), derived)
    elif isinstance(value, list | tuple) and value and all(isinstance(v, BaseModel)
                                                           for v in value):
        key = _entry_key(value)
        for index, item in enumerate(value):
            identity = str(getattr(item, key)) if key else str(index)
            entry = f"{path}[{identity}]"
            lists[entry] = label
            own = _name_of(item)
            # An entry with a name is called by it ("Third Closing" for the list's "closings");
            # one without, by the list and what its id names ("Schedule A, Omicron ...").
            inside = ((*label[:-1], (own, False)) if own
                      else (*label, (names.get(identity, identity), False)))
            yield from _terms(item, names, lists, entry, index_path + (index,), inside, derived)
    else:
        yield path, _Term(_shown(value), index_path, label, derived)


def _names(sheet: BaseModel) -> dict[str, str]:
    """What each entry with an id is called (a lender's legal name, a closing's name), by id:
    how the report names what a term sheet names by id."""
    found: dict[str, str] = {}
    for name in type(sheet).model_fields:
        entries = getattr(sheet, name)
        if isinstance(entries, list | tuple):
            for entry in entries:
                if isinstance(entry, BaseModel) and getattr(entry, "id", None) is not None:
                    own = _name_of(entry)
                    if own:
                        found[str(entry.id)] = own
    return found


def _name_of(entry: BaseModel) -> str | None:
    return next((str(getattr(entry, key)) for key in _NAME_KEYS
                 if getattr(entry, key, None) is not None), None)


def _words(key: str) -> str:
    """A field's name as words: "conversion_price" is "conversion price", "schedule_a"
    "schedule A"."""
    return " ".join(word.upper() if len(word) == 1 else word for word in key.split("_"))


def _labels(terms: list[_Term]) -> dict[Label, str]:
    """Each label as the report gives it: its parts that may be left out are, where no other
    term's label reads the same without them."""
    short: dict[str, set[Label]] = {}
    for term in terms:
        short.setdefault(_join(term.label, short=True), set()).add(term.label)
    return {term.label: _join(term.label, short=len(short[_join(term.label, short=True)]) == 1)
            for term in terms}


def _join(label: Label, short: bool) -> str:
    text = ", ".join(part for part, optional in label if not (short and optional))
    return text[:1].upper() + text[1:]


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
