"""Editing a term sheet's YAML text so that everything the user did not change stays as
written, byte for byte: comments, key order, quoting, blank lines.

A changed value is spliced into the text at the place its scalar was written (the
composer's marks), quoted unless it reads back as typed, both here and to YAML itself: a
value YAML would read as something else (null, true, a number where the model reads text)
is quoted even where the loader, which types nothing, would read it back. Adding, removing
and moving list items go through ruamel.yaml's round-trip, with the indentation under
which the file round-trips unchanged; a file that no indentation round-trips is refused,
never reformatted. Every text is read through the loader's `compose`, within its limits.
"""

from __future__ import annotations

import base64
import copy
import hashlib
import io
import json
import re
import reprlib
from dataclasses import dataclass

import yaml
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError
from ruamel.yaml.nodes import ScalarNode
from ruamel.yaml.resolver import VersionedResolver
from ruamel.yaml.tag import Tag

from ..errors import TermSheetError
from ..loader import MAX_FILE_BYTES, PathKey, compose, format_path
from ..termsheet import holds_text


class SourceEditError(ValueError):
    """An edit that cannot be made to this text; the message says why, in one line."""


@dataclass(frozen=True)
class Scalar:
    path: PathKey
    value: str
    start: int
    end: int
    style: str | None


def digest(text: str) -> str:
    """What a form remembers of the text it was made from, to refuse a save over a newer one."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def parse_path(text: str) -> PathKey:
    """`schedule_a[2].principal.third` -> `("schedule_a", 2, "principal", "third")`."""
    parts: list[str | int] = []
    for key, index in re.findall(r"([^.\[\]]+)|\[(\d+)\]", text):
        parts.append(int(index) if index else key)
    if not parts or format_path(tuple(parts)) != text:
        raise SourceEditError(f"{text!r} is not a term-sheet path such as lenders[0].id")
    return tuple(parts)


def scalars(text: str) -> dict[PathKey, Scalar]:
    """Every scalar value of the document, by path, with where it is written."""
    found: dict[PathKey, Scalar] = {}

    def walk(node: yaml.Node, path: PathKey) -> None:
        if isinstance(node, yaml.ScalarNode):
            found[path] = Scalar(path, node.value, node.start_mark.index, node.end_mark.index,
                                 node.style)
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                walk(item, (*path, index))
        elif isinstance(node, yaml.MappingNode):
            for key, value in keyed(node):
                walk(value, (*path, key.value))

    root = _composed(text)
    if root is not None:
        walk(root, ())
    return found


def _composed(text: str) -> yaml.Node | None:
    try:
        return compose(text, "")
    except TermSheetError as exc:
        finding = exc.findings[0]
        raise SourceEditError(f"line {finding.mark.line}: {finding.message}; {finding.fix} "
                              f"[{finding.code}]") from None


def keyed(mapping: yaml.MappingNode) -> list[tuple[yaml.ScalarNode, yaml.Node]]:
    """The entries of a mapping that a path can name: a list or a mapping as a key (which
    the loader refuses, saying so) names none."""
    return [(key, value) for key, value in mapping.value if isinstance(key, yaml.ScalarNode)]


def set_values(text: str, changes: dict[PathKey, str]) -> str:
    """`text` with each path's value replaced; only the values' own characters change."""
    current = scalars(text)
    for path, value in changes.items():
        if "\n" in value or "\r" in value:
            raise SourceEditError(f"{format_path(path)}: a value is one line")
        scalar = current.get(path)
        if scalar is None:
            raise SourceEditError(f"{format_path(path)} is not a value of this term sheet")
        if scalar.value == value:
            continue
        if scalar.style == "|" or scalar.style == ">":
            raise SourceEditError(f"{format_path(path)} is a block of text; edit it in the "
                                  "source")
        reason = ""
        for written in _spellings(value, scalar.style, _plain_reads_back(value, path)):
            candidate = text[:scalar.start] + written + text[scalar.end:]
            try:
                after = scalars(candidate)
            except SourceEditError as exc:
                reason = f" ({exc})"
                continue
            if _only_changed(after, current, path, value):
                text, current = candidate, after
                break
        else:
            raise SourceEditError(f"{format_path(path)}: {reprlib.repr(value)} cannot be "
                                  f"written here{reason}")
    return text


def _only_changed(after: dict[PathKey, Scalar], before: dict[PathKey, Scalar],
                  path: PathKey, value: str) -> bool:
    """Whether `after` reads as `before` with only `path` changed, to `value`."""
    return after.keys() == before.keys() and after[path].value == value and all(
        after[other].value == scalar.value for other, scalar in before.items() if other != path)


# YAML 1.1 (PyYAML, most editors' tools) and 1.2 read unquoted values differently.
_YAML_VERSIONS = (VersionedResolver(version=(1, 1)), VersionedResolver(version=(1, 2)))
_TEXT = {"tag:yaml.org,2002:str"}
_TYPED = _TEXT | {f"tag:yaml.org,2002:{kind}" for kind in ("int", "float", "bool", "timestamp")}


def _plain_reads_back(value: str, path: PathKey) -> bool:
    """Whether YAML reads `value`, unquoted, as what the model reads at `path`: text as
    text; a figure, a date or a flag may be what YAML types it as, but never null."""
    if "\t" in value:
        return False  # libyaml reads a tab inside an unquoted value, PyYAML refuses it
    wanted = _TEXT if holds_text(path) else _TYPED
    return all(str(version.resolve(ScalarNode, value, (True, False))) in wanted
               for version in _YAML_VERSIONS)


def _spellings(value: str, style: str | None, plain: bool) -> list[str]:
    """How the value may be written, the file's own style first; unquoted only if `plain`."""
    single = "'" + value.replace("'", "''") + "'"
    double = json.dumps(value, ensure_ascii=False)
    if style == "'":
        return [single, double]
    if style == '"':
        return [double, single]
    return [value, double] if plain else [double]


def add_item(text: str, list_path: PathKey) -> str:
    """A copy of the list's last item appended to it (to be edited into the new one),
    without the comments of the item it copies: the comment block that followed the list
    (the next section's heading) now follows the new item, once."""
    def change(items: list) -> None:
        if not items:
            raise SourceEditError(f"{format_path(list_path)} is empty; add the first item in "
                                  "the source")
        added = copy.deepcopy(items[-1])
        _uncommented(added)
        items.append(added)
        _hand_over_trailing(items, len(items) - 2, len(items) - 1)
    return _edit_list(text, list_path, change)


def remove_item(text: str, item_path: PathKey) -> str:
    index = _index(item_path)

    def change(items: list) -> None:
        if index >= len(items):
            raise SourceEditError(f"{format_path(item_path)} is not in this term sheet")
        if len(items) == 1:
            raise SourceEditError(f"{format_path(item_path)} is the list's only item")
        if index == len(items) - 1:
            _hand_over_trailing(items, index, index - 1)
        del items[index]
    return _edit_list(text, item_path[:-1], change)


def move_item(text: str, item_path: PathKey, by: int) -> str:
    """The item moved `by` places (-1 up, 1 down), kept within the list."""
    index = _index(item_path)

    def change(items: list) -> None:
        if index >= len(items):
            raise SourceEditError(f"{format_path(item_path)} is not in this term sheet")
        target = min(max(index + by, 0), len(items) - 1)
        last = len(items) - 1
        if last in (index, target) and index != target:
            # The block after the list stays after the list, whichever item ends it.
            _hand_over_trailing(items, last, target if index == last else index)
        items.insert(target, items.pop(index))
    return _edit_list(text, item_path[:-1], change)


def _uncommented(data: object) -> None:
    """`data` without any comment of its own (a copy's comments would be written twice)."""
    if isinstance(data, (CommentedMap, CommentedSeq)):
        data.ca.items.clear()
        data.ca.comment = None
        data.ca.end = None
        for value in (data.values() if isinstance(data, CommentedMap) else data):
            _uncommented(value)


def _last_entry(holder: CommentedMap | CommentedSeq, key: object) -> tuple[object, object]:
    """The mapping or list, and the key, of the last value written under `holder[key]`:
    where ruamel.yaml keeps the comments and blank lines that follow it."""
    while True:
        value = holder[key]
        if isinstance(value, CommentedMap) and value:
            holder, key = value, list(value)[-1]
        elif isinstance(value, CommentedSeq) and value:
            holder, key = value, len(value) - 1
        else:
            return holder, key


def _hand_over_trailing(items: CommentedSeq, source: int, target: int) -> None:
    """Move what follows item `source`'s last line (blank lines, the next section's comment
    block) to follow item `target`'s; the end-of-line comment stays on its line."""
    holder, key = _last_entry(items, source)
    slot = 2 if isinstance(holder, CommentedMap) else 0
    tokens = holder.ca.items.get(key)
    if not tokens or tokens[slot] is None:
        return
    token = tokens[slot]
    own_line, newline, after = token.value.partition("\n")
    if not after:
        return
    into, into_key = _last_entry(items, target)
    into_slot = 2 if isinstance(into, CommentedMap) else 0
    moved = copy.copy(token)
    moved.value = "\n" + after
    into_tokens = into.ca.items.setdefault(into_key, [None] * (4 if into_slot == 2 else 2))
    if into_tokens[into_slot] is not None:
        own, _, _ = into_tokens[into_slot].value.partition("\n")
        moved.value = own + "\n" + after
    into_tokens[into_slot] = moved
    if own_line:
        token.value = own_line + newline
    else:
        tokens[slot] = None


def _index(item_path: PathKey) -> int:
    if not item_path or not isinstance(item_path[-1], int):
        raise SourceEditError(f"{format_path(item_path)} is not an item of a list")
    return item_path[-1]


class _Verbatim(VersionedResolver):
    """Every unquoted value is text, as the loader reads it: ruamel.yaml then constructs no
    date or number from it (an impossible date such as 2006-02-30 would stop it) and writes
    it back as it was. An empty value stays YAML's null, which it writes back as nothing."""

    def resolve(self, kind: type, value: str, implicit: tuple[bool, bool]) -> Tag:
        if kind is ScalarNode and implicit[0] and value:
            return Tag(suffix="tag:yaml.org,2002:str")
        return super().resolve(kind, value, implicit)


# The indentations term sheets are written with: mapping, sequence, offset of the dash.
_INDENTS = ((2, 4, 2), (2, 2, 0), (4, 4, 0), (4, 6, 2), (4, 4, 2))


def _edit_list(text: str, list_path: PathKey, change) -> str:
    _composed(text)  # within the loader's limits before ruamel.yaml reads it
    for mapping, sequence, offset in _INDENTS:
        round_trip = YAML()
        round_trip.Resolver = _Verbatim
        round_trip.preserve_quotes = True
        round_trip.width = MAX_FILE_BYTES  # never fold a line: none is longer than the file
        round_trip.indent(mapping=mapping, sequence=sequence, offset=offset)
        try:
            data = round_trip.load(text)
            if _dump(round_trip, data) == text:
                break
        except YAMLError as exc:
            raise SourceEditError(f"the YAML cannot be read: {exc}") from None
    else:
        raise SourceEditError("this file's layout cannot be kept when lists change; add, "
                              "remove or move the item in the source")
    items = data
    for part in list_path:
        try:
            items = items[part]
        except (KeyError, IndexError, TypeError):
            raise SourceEditError(f"{format_path(list_path)} is not in this term sheet") from None
    if not isinstance(items, list):
        raise SourceEditError(f"{format_path(list_path)} is not a list")
    change(items)
    return _dump(round_trip, data)


def _dump(round_trip: YAML, data: object) -> str:
    out = io.StringIO()
    round_trip.dump(data, out)
    return out.getvalue()


def encode_draft(text: str) -> str:
    """A draft as a form carries it: base64, so that no browser rewrites its line ends."""
    return base64.b64encode(text.encode("utf-8")).decode("ascii")


def decode_draft(carried: str) -> str:
    try:
        return base64.b64decode(carried.encode("ascii"), validate=True).decode("utf-8")
    except (ValueError, UnicodeError):
        raise SourceEditError("the page's unsaved edits could not be read; reload the "
                              "page") from None


def append_section(text: str, section: str) -> str:
    """`text` with a new top-level section after everything written, a blank line between:
    every byte written before stays as it was."""
    key = section.split(":", 1)[0]
    root = _composed(text)
    if isinstance(root, yaml.MappingNode) and any(
            name.value == key for name, _ in keyed(root)):
        raise SourceEditError(f"{key} is already in this term sheet")
    grown = text + ("" if text.endswith("\n") or not text else "\n") + "\n" + section
    _composed(grown)
    return grown
