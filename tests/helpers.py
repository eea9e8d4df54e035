"""Helpers shared by the tests."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TERM_SHEETS = ROOT / "term_sheets"
AMENDMENT_1 = TERM_SHEETS / "zoltek-amendment-1.yaml"
AMENDMENT_2 = TERM_SHEETS / "zoltek-amendment-2.yaml"
HALVORSEN_1 = TERM_SHEETS / "halvorsen-amendment-1.yaml"
HALVORSEN_2 = TERM_SHEETS / "halvorsen-amendment-2.yaml"


def replace_once(text: str, old: str, new: str) -> str:
    """Replace exactly one occurrence, so a fixture cannot silently stop applying."""
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times"
    return text.replace(old, new)


def changed_line(before: str, after: str) -> int:
    """The 1-based number of the first line where `after` differs from `before`: where a
    finding about the changed value points, without hard-coding the bundled file's layout."""
    for number, (old, new) in enumerate(zip(before.splitlines(), after.splitlines()), start=1):
        if old != new:
            return number
    return min(len(before.splitlines()), len(after.splitlines())) + 1


def line_of(text: str, needle: str) -> int:
    """The 1-based line on which `needle` (found once) starts in `text`."""
    assert text.count(needle) == 1, f"{needle!r} occurs {text.count(needle)} times"
    return text[:text.index(needle)].count("\n") + 1
