"""Reading a term sheet's YAML into plain data, with the line of every value.

PyYAML's safe loader still gets several things silently wrong for contracts: it keeps
the last of two duplicate keys, turns `NO` into False and `010000` into 4096, and reads
money through binary floats. So the document is parsed with `BaseLoader` (every scalar
stays the text that was written; the model types it) and built here, refusing what a
term sheet never needs: explicit tags, duplicate keys, runaway aliases and nesting.

This module is the one reader of term-sheet text: the command line and the desk (its
form, its edits of the text) read files with `read_text` and compose with `compose`,
so that every reader has the same limits.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .errors import TermSheetError
from .findings import Finding, Mark, Severity

MAX_FILE_BYTES = 1 << 20
MAX_DEPTH = 32
MAX_VALUES = 50_000
"""Keys and values after alias expansion: far above any real deal (under 1,000), far
below an alias bomb."""
NULLS = frozenset({"null", "Null", "NULL", "~"})
"""What YAML reads, unquoted, as no value at all."""

PathKey = tuple[str | int, ...]

START_A_DEAL = "start from `dealdocs new DEAL_ID`, which writes a commented starter"
"""The fix for a file that holds no term sheet: the README's way to begin a deal."""

# libyaml's parser when PyYAML has it (ten times faster, same nodes and marks).
_LOADER = getattr(yaml, "CBaseLoader", yaml.BaseLoader)

_PLAIN_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:map",
    "tag:yaml.org,2002:seq",
}
# Characters that change how text reads without being seen: bidirectional overrides
# and isolates (the "Trojan Source" characters).
# What is left of a number like 900,000 after a comma inside {...}: "000", "000.50".
_NUMBER_TAIL = re.compile(r"^\d{3}(\.\d+)?$")
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def format_path(path: PathKey) -> str:
    """`("schedule_a", 2, "principal")` -> `schedule_a[2].principal`."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


@dataclass
class SourceMap:
    """Where each value of a loaded document was written."""

    file: str
    marks: dict[PathKey, Mark] = field(default_factory=dict)
    sha256: str = ""
    """Of the bytes read: the manifest records which term sheet a build was made from."""
    text: str = field(default="", repr=False)
    """The text read: a kept version holds the term sheet as it was when it was read."""

    def locate(self, path: PathKey) -> Mark:
        """The mark of `path`, or of its nearest written ancestor (a missing key's parent)."""
        for end in range(len(path), -1, -1):
            mark = self.marks.get(tuple(path[:end]))
            if mark is not None:
                return mark
        return Mark(self.file, 1)

    def finding(self, code: str, path: PathKey, message: str, fix: str = "",
                severity: Severity = Severity.ERROR) -> Finding:
        return Finding(code, severity, self.locate(path), format_path(path), message, fix)


class Null(str):
    """A value written as YAML's empty value (`null`, `~` unquoted), kept as it was spelled
    so that the model can say what was written; quoted, the same text is text."""


@dataclass(frozen=True)
class LoadedYaml:
    data: Any
    source: SourceMap


def load_yaml(path: Path) -> LoadedYaml:
    """Read `path` as term-sheet YAML; raise TermSheetError with every problem found."""
    return parse_yaml(read_text(path), str(path))


def read_text(path: Path) -> str:
    """The text of the term sheet at `path`, read within the limits; TermSheetError if it
    cannot be read, is too big or is not UTF-8."""
    name = str(path)
    try:
        raw = _read_limited(path, name)
    except OSError as exc:
        raise _fail(name, 1, "file.unreadable", f"cannot read the file: {exc.strerror}",
                    "check the path") from exc
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise _fail(name, line, "yaml.encoding", "the file is not UTF-8 text",
                    "save it as UTF-8") from exc


def _read_limited(path: Path, name: str) -> bytes:
    """The bytes of a file or a pipe, never more than MAX_FILE_BYTES of them.

    A device (/dev/zero), socket or folder is refused before anything is read. The size
    a pipe reports is 0, so the limit is enforced on what is read, not on what stat says.
    """
    # Non-blocking, so that opening a named pipe no one writes to does not hang.
    descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    with open(descriptor, "rb", buffering=0) as handle:
        info = os.fstat(descriptor)
        if not (stat.S_ISREG(info.st_mode) or stat.S_ISFIFO(info.st_mode)):
            raise _fail(name, 1, "file.special", "this is a device, socket or folder, not a "
                        "file", "give the path of the term sheet's YAML file")
        if info.st_size > MAX_FILE_BYTES:
            raise _too_big(name, f"the file is {info.st_size:,} bytes")
        os.set_blocking(descriptor, True)
        raw = b""
        # A pipe hands over a buffer at a time: read until the end or past the limit.
        while len(raw) <= MAX_FILE_BYTES and (chunk := handle.read(MAX_FILE_BYTES + 1 - len(raw))):
            raw += chunk
    if len(raw) > MAX_FILE_BYTES:
        raise _too_big(name, f"the input is more than {MAX_FILE_BYTES:,} bytes")
    return raw


def _too_big(name: str, what: str) -> TermSheetError:
    return _fail(name, 1, "yaml.size", f"{what}; a term sheet is at most {MAX_FILE_BYTES:,}",
                 "check that this is the term sheet you meant")


def parse_yaml(text: str, name: str) -> LoadedYaml:
    """Parse YAML text named `name` (used in messages) into plain data and its source map."""
    source = SourceMap(name, sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(), text=text)
    root = compose(text, name)
    if root is None:
        raise _fail(name, 1, "yaml.empty", "the file holds no term sheet", START_A_DEAL)
    findings: list[Finding] = []
    data = _Builder(source, findings).build(root)
    if findings:
        raise TermSheetError(findings)
    return LoadedYaml(data, source)


def compose(text: str, name: str) -> yaml.Node | None:
    """The node tree of term-sheet text named `name` (None if it holds no document);
    TermSheetError if it is too big, nests or expands past the limits, or is not YAML.
    Within the limits, a walk of the tree that follows its aliases stays small."""
    size = len(text.encode("utf-8"))
    if size > MAX_FILE_BYTES:
        raise _too_big(name, f"the text is {size:,} bytes")
    try:
        _check_shape(text, name)
        return yaml.compose(text, Loader=_LOADER)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = exc.problem or exc.context or "not valid YAML"
        raise TermSheetError([Finding(
            "yaml.syntax", Severity.ERROR, Mark(name, line, column), "",
            f"{problem} (column {column})", "fix the YAML syntax at this place")]) from exc
    except yaml.reader.ReaderError as exc:
        # Found by the character itself: libyaml counts its position in bytes, PyYAML in
        # characters.
        line = text[:text.find(chr(exc.character))].count("\n") + 1
        raise _fail(name, line, "yaml.character", f"the file contains the character "
                    f"U+{exc.character:04X}, which YAML does not allow ({exc.reason})",
                    "remove it, or retype the value") from exc


@dataclass
class _Open:
    """A mapping or list being read: its anchor, the count of values before it, and the
    deepest level reached inside it (through aliases too)."""

    anchor: str | None
    before: int
    deepest: int


def _check_shape(text: str, name: str) -> None:
    """Refuse runaway nesting and alias expansion from the event stream, before composing.

    An alias counts as what it refers to: its values, and its levels below the alias's own
    (aliases of aliases nest too), so that nothing that follows aliases can blow up."""
    depth = values = 0
    sizes: dict[str, int] = {}  # by anchor: its values, counted as for `values`
    heights: dict[str, int] = {}  # by anchor: its levels, itself included
    stack: list[_Open] = []
    for event in yaml.parse(text, Loader=_LOADER):
        reach = depth
        if isinstance(event, yaml.AliasEvent):
            values += sizes.get(event.anchor, 1)
            reach = depth + heights.get(event.anchor, 0)
        elif isinstance(event, yaml.ScalarEvent):
            values += 1
            if event.anchor:
                sizes[event.anchor], heights[event.anchor] = 1, 0
        elif isinstance(event, yaml.CollectionStartEvent):
            values += 1
            depth = reach = depth + 1
            stack.append(_Open(event.anchor, values - 1, depth))
        elif isinstance(event, yaml.CollectionEndEvent):
            closed = stack.pop()
            if closed.anchor:
                sizes[closed.anchor] = values - closed.before
                heights[closed.anchor] = closed.deepest - depth + 1
            depth -= 1
            reach = closed.deepest
        if reach > MAX_DEPTH:
            raise _fail(name, event.start_mark.line + 1, "yaml.depth",
                        f"values are nested more than {MAX_DEPTH} levels deep (each alias "
                        "counts as what it refers to)",
                        "a term sheet needs a few levels; check the indentation")
        if values > MAX_VALUES:
            raise _fail(name, event.start_mark.line + 1, "yaml.aliases",
                        f"the document expands to more than {MAX_VALUES:,} keys and values "
                        "(each alias counts as what it refers to)",
                        "write the values out instead of nesting aliases")
        if stack:
            stack[-1].deepest = max(stack[-1].deepest, reach)


class _Builder:
    """Turns a composed node tree into dicts, lists and strings, recording marks."""

    def __init__(self, source: SourceMap, findings: list[Finding]):
        self.source = source
        self.findings = findings

    def build(self, root: yaml.Node) -> Any:
        return self._node(root, ())

    def _error(self, node: yaml.Node, code: str, path: PathKey, message: str, fix: str) -> None:
        self.findings.append(Finding(code, Severity.ERROR, self._mark(node), format_path(path),
                                     message, fix))

    def _mark(self, node: yaml.Node) -> Mark:
        return Mark(self.source.file, node.start_mark.line + 1, node.start_mark.column + 1)

    def _node(self, node: yaml.Node, path: PathKey) -> Any:
        self.source.marks.setdefault(path, self._mark(node))
        if node.tag not in _PLAIN_TAGS:
            self._error(node, "yaml.tag", path, f"the tag {node.tag!r} is not allowed",
                        "remove the tag: a term sheet holds only text, lists and mappings")
            return None
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            return [self._node(item, path + (index,)) for index, item in enumerate(node.value)]
        return self._scalar(node, path)

    def _mapping(self, node: yaml.MappingNode, path: PathKey) -> dict[str, Any]:
        result: dict[str, Any] = {}
        first_line: dict[str, int] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                self._error(key_node, "yaml.key", path, "a key must be plain text",
                            "write the key as a word")
                continue
            if key_node.value == "<<":
                self._error(key_node, "yaml.merge", path, "merge keys (<<) are not allowed",
                            "write the keys out")
                continue
            key = unicodedata.normalize("NFC", key_node.value)
            if node.flow_style and _NUMBER_TAIL.match(key):
                self._error(key_node, "yaml.flow-comma", path,
                            f"{{...}} on one line split a number at its comma: {key!r} is the "
                            "rest of a number such as 900,000",
                            "write the number without commas (900000), quote it (\"900,000\"), "
                            "or put each key on a line of its own")
                continue
            if key in result:
                self._error(key_node, "yaml.duplicate-key", path + (key,),
                            f"the key {key!r} is given twice (first on line {first_line[key]}); "
                            "YAML would silently keep only the last",
                            "remove one of them")
                continue
            first_line[key] = key_node.start_mark.line + 1
            self.source.marks[path + (key,)] = self._mark(key_node)
            result[key] = self._node(value_node, path + (key,))
        return result

    def _scalar(self, node: yaml.ScalarNode, path: PathKey) -> str:
        text = unicodedata.normalize("NFC", node.value)
        for char in text:
            if char in _BIDI_CONTROLS or (unicodedata.category(char) == "Cc" and char not in "\n\t"):
                self._error(node, "text.control-character", path,
                            f"the text contains the invisible character U+{ord(char):04X} "
                            f"({unicodedata.name(char, 'control')})",
                            "retype the value without it")
                break
        return Null(text) if not node.style and text in NULLS else text


def _fail(file: str, line: int, code: str, message: str, fix: str) -> TermSheetError:
    return TermSheetError([Finding(code, Severity.ERROR, Mark(file, line), "", message, fix)])
