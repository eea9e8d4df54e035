"""Helpers shared by the tests."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TERM_SHEETS = ROOT / "term_sheets"
AMENDMENT_1 = TERM_SHEETS / "zoltek-amendment-1.yaml"
AMENDMENT_2 = TERM_SHEETS / "zoltek-amendment-2.yaml"


def replace_once(text: str, old: str, new: str) -> str:
    """Replace exactly one occurrence, so a fixture cannot silently stop applying."""
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times"
    return text.replace(old, new)
