"""Quotes, parentheses and brackets that are opened and not closed (or closed and not
opened) within a paragraph, and placeholders left behind: "[●]", "[ ]", "FILL IN", and
blanks ("__") outside a signature block.

A form of document (an exhibit, "Form of ...") leaves blanks to be filled when it is used:
its placeholders are warnings, not errors.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..findings import Finding, Severity
from .document import Document

_PAIRS = {"(": ")", "[": "]", "“": "”"}
_CLOSING = {close: open_ for open_, close in _PAIRS.items()}
_MARKS = re.compile(r"[()\[\]“”]")
_PLACEHOLDER = re.compile(r"\[\s*[●•*_.]*\s*\]|\bFILL[ _-]IN\b|\bTBD\b|\[insert\b[^\]]*\]|_{2,}",
                          re.IGNORECASE)
# An item label "a)" or "1)" opening a paragraph closes nothing.
_ITEM = re.compile(r"^(?:[a-z]|[ivx]+|\d{1,2})\)(?=\s)")


def _unmatched(text: str) -> list[tuple[str, int]]:
    """The marks of `text` left without their pair, in order: closers that open nothing,
    then openers never closed; a straight double quote counts as paired with the next."""
    text = _ITEM.sub(lambda m: " " * len(m.group(0)), text)
    stack: list[tuple[str, int]] = []
    stray: list[tuple[str, int]] = []
    for mark in _MARKS.finditer(text):
        char, offset = mark.group(0), mark.start()
        if char in _PAIRS:
            stack.append((char, offset))
        elif char in _CLOSING:
            if any(opened == _CLOSING[char] for opened, _ in stack):
                while stack[-1][0] != _CLOSING[char]:  # the inner ones are the unclosed
                    stray.append(stack.pop())
                stack.pop()
            else:
                stray.append((char, offset))
    straight = [m.start() for m in re.finditer('"', text)]
    if len(straight) % 2:
        stray.append(('"', straight[-1]))
    return sorted(stray + stack, key=lambda mark: mark[1])


def check_marks(document: Document) -> Iterator[Finding]:
    marks = [_unmatched(block.text) for block in document.blocks]
    # A bracket or quote opened at the end of one paragraph may close in the next one (a
    # quoted clause of several paragraphs, "[REMAINDER OF PAGE ...\n... FOLLOWS]").
    for index in range(len(marks) - 1):
        following = marks[index + 1]
        for char, offset in list(marks[index]):
            partner = '"' if char == '"' else _PAIRS.get(char)  # closers pair with nothing after
            match = next((mark for mark in following if mark[0] == partner), None) if partner else None
            if match:
                marks[index].remove((char, offset))
                following.remove(match)
    for block, stray in zip(document.blocks, marks):
        for char, offset in stray:
            yield _unpaired(document, block, char, offset)
    severity = Severity.WARNING if document.is_form else Severity.ERROR
    for block in document.blocks:
        for match in _PLACEHOLDER.finditer(block.text):
            if match.group(0).startswith("_") and block.signature:
                continue
            yield document.finding(
                "placeholder", severity, block, match.start(),
                f'placeholder "{match.group(0)}" left in the text: "…{_around(block.text, match.start(), match.end())}…"',
                "fill it in")


def _unpaired(document: Document, block, char: str, offset: int) -> Finding:
    what = {"(": "parenthesis", ")": "parenthesis", "[": "bracket", "]": "bracket"}.get(char, "quote")
    return document.finding(
        "unpaired", Severity.ERROR, block, offset,
        f'unpaired {what} {char} in "…{_around(block.text, offset, offset + 1)}…"',
        "close it, or remove it")


def _around(text: str, start: int, end: int) -> str:
    return text[max(start - 30, 0):end + 30].strip()
