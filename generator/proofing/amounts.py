"""Amounts and numbers written in words and figures that disagree: "Two Million Dollars
($2,500,000)", "thirty (31) days", "thirty-five percent (35%)".

The words are read back into a number (the other way from formatting.money_words, which
writes them), so any wording of the same amount agrees: "Two Million Five Hundred
Thousand", "two million five hundred thousand and 00/100".
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal

from ..findings import Finding, Severity
from .document import Document

_UNITS = {word: n for n, word in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen".split())}
_TENS = {word: 10 * n for n, word in enumerate(
    "twenty thirty forty fifty sixty seventy eighty ninety".split(), 2)}
_SCALES = {"thousand": 10 ** 3, "million": 10 ** 6, "billion": 10 ** 9, "trillion": 10 ** 12}
_CONNECTORS = {"and", "dollars", "dollar", "cents", "cent", "percent", "per", "hundred"}
_WORD = re.compile(r"[A-Za-z]+(?:[-/][A-Za-z0-9]+)*|\d{1,2}/100")
_FIGURE = re.compile(r"\(\s*(\$|US\$|U\.S\.\s?\$)?\s*(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?\s*(%)?\s*\)")


def words_value(words: list[str]) -> int | None:
    """The whole number some words spell ("two million five hundred thousand"), or None."""
    total = current = 0
    seen = False
    for word in words:
        for part in word.lower().split("-"):
            if part == "and":
                continue
            if part in _UNITS:
                current += _UNITS[part]
            elif part in _TENS:
                current += _TENS[part]
            elif part == "hundred":
                current = (current or 1) * 100
            elif part in _SCALES:
                total += (current or 1) * _SCALES[part]
                current = 0
            else:
                return None
            seen = True
    return total + current if seen else None


def _is_number_word(word: str) -> bool:
    return all(part in _UNITS or part in _TENS or part in _SCALES or part == "hundred"
               for part in word.lower().split("-"))


def spelled(text: str) -> tuple[Decimal, int] | None:
    """The amount the words just before the end of `text` spell, and where they start:
    "... Two Million Dollars " -> (2000000, offset of "Two")."""
    words = list(_WORD.finditer(text))
    start = len(words)
    while start and (_is_number_word(words[start - 1].group(0))
                     or words[start - 1].group(0).lower() in _CONNECTORS
                     or re.fullmatch(r"\d{1,2}/100|no/100", words[start - 1].group(0).lower())):
        start -= 1
    run = [w.group(0) for w in words[start:]]
    while run and not _is_number_word(run[0]):  # "and" or "Dollars" before the amount
        run.pop(0)
        start += 1
    if not run or not any(_is_number_word(w) for w in run):
        return None
    lower = [w.lower() for w in run]
    cut = next((i for i, w in enumerate(lower) if w in ("dollars", "dollar")), None)
    if cut is None:
        if "per" in lower:
            lower = lower[:lower.index("per")]
        value = words_value([w for w in lower if w not in ("percent",)])
        return (Decimal(value), words[start].start()) if value is not None else None
    whole = lower[:cut]
    rest = [w for w in lower[cut + 1:] if w not in ("and", "cents", "cent")]
    if whole and re.fullmatch(r"\d{1,2}/100|no/100", whole[-1]):  # "One Thousand and 50/100 Dollars"
        whole, rest = whole[:-1], [whole[-1], *rest]
    dollars = words_value(whole)
    if dollars is None:
        return None
    cents = 0
    if rest:
        fraction = re.fullmatch(r"(\d{1,2})/100", rest[0])
        if fraction or rest[0] == "no/100":
            cents = int(fraction.group(1)) if fraction else 0
        else:
            parsed = words_value(rest)
            if parsed is None:
                return None
            cents = parsed
    return Decimal(dollars) + Decimal(cents) / 100, words[start].start()


def check_amounts(document: Document) -> Iterator[Finding]:
    for block in document.blocks:
        for match in _FIGURE.finditer(block.text):
            found = spelled(block.text[:match.start()][-200:])
            if found is None:
                continue
            value, start = found
            offset = max(match.start() - 200, 0) + start
            figure = Decimal(match.group(2).replace(",", "") + (match.group(3) or ""))
            if value != figure:
                words = block.text[offset:match.start()].strip()
                yield document.finding(
                    "amount.words", Severity.ERROR, block, offset,
                    f'"{words} {match.group(0)}": the words say {value:,}, the figures {figure:,}',
                    "make the words and the figures the same amount")
