"""Aligning two versions of a document: paragraphs with paragraphs, words with words.

Paragraphs whose text is the same align in order (Word's list numbering is not part of
the text, so a renumbered clause still aligns); among the rest, a paragraph pairs with the
most similar one between the same aligned neighbours (between two renderings, as many
changed figures as there were pair in order), and, where the lawyers moved one, with a
very similar one anywhere. Words are compared as the redline compares them: a
figure such as "$25.51" or "45,734" is one word.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

_TOKEN = re.compile(r"(\$?\d[\d,]*(?:\.\d+)?%?(?:\([a-z0-9]+\))*|\w+(?:['’]\w+)*|[^\w\s])\s*")
_PAIRING_FLOOR = 0.5
"""Paragraphs less alike than this are different paragraphs, not one edited."""
_MOVE_FLOOR = 0.8
_MOVE_LENGTH = 40
"""A paragraph shorter than this (a table figure, a signature line) is not looked for
elsewhere: another just like it is likely a different one."""


@dataclass(frozen=True)
class Token:
    start: int
    end: int
    """Where the word ends, without the white space after it."""
    after: int
    """Where the next word starts."""
    word: str


def tokens(text: str) -> list[Token]:
    return [Token(match.start(), match.start() + len(match.group(1)), match.end(),
                  match.group(1)) for match in _TOKEN.finditer(text)]


def similarity(a: str, b: str) -> float:
    """How alike two paragraphs' words are, 0 to 1."""
    if a == b:
        return 1.0
    matcher = difflib.SequenceMatcher(None, a.split(), b.split(), autojunk=False)
    return matcher.ratio() if matcher.quick_ratio() >= _PAIRING_FLOOR else 0.0


def pair(old: list[str], new: list[str], *, moves: bool = False,
         in_place: bool = False) -> dict[int, int]:
    """Which paragraph of `new` each paragraph of `old` became (by index; an old paragraph
    without one was deleted), from their texts. `moves`: a paragraph may have moved;
    `in_place`: as many changed short paragraphs between the same neighbours are the same
    paragraphs changed (two renderings of one form: a row of figures that all moved)."""
    pairs: dict[int, int] = {}
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            pairs.update(zip(range(i1, i2), range(j1, j2), strict=True))
        elif tag == "replace" and in_place and i2 - i1 == j2 - j1 and all(
                len(text) < _MOVE_LENGTH for text in (*old[i1:i2], *new[j1:j2])):
            pairs.update(zip(range(i1, i2), range(j1, j2), strict=True))
        elif tag == "replace":
            next_free = j1
            for i in range(i1, i2):
                scores = [(similarity(old[i], new[j]), -j) for j in range(next_free, j2)]
                score, j = max(scores, default=(0.0, 0))
                if score >= _PAIRING_FLOOR:
                    pairs[i] = -j
                    next_free = -j + 1
    if moves:
        taken = set(pairs.values())
        for i, text in enumerate(old):
            if i in pairs or len(text) < _MOVE_LENGTH:
                continue
            scores = [(similarity(text, new[j]), -j) for j in range(len(new))
                      if j not in taken and len(new[j]) >= _MOVE_LENGTH]
            score, j = max(scores, default=(0.0, 0))
            if score >= _MOVE_FLOOR:
                pairs[i] = -j
                taken.add(-j)
    return pairs


def word_changes(old: list[Token], new: list[Token]) -> list[tuple[int, int, int, int]]:
    """The words of `old` replaced by words of `new`: (i1, i2, j1, j2) for each change, an
    empty range where words were only inserted or only deleted."""
    matcher = difflib.SequenceMatcher(None, [t.word for t in old], [t.word for t in new],
                                      autojunk=False)
    return [(i1, i2, j1, j2) for tag, i1, i2, j1, j2 in matcher.get_opcodes()
            if tag != "equal"]


def word_pairs(old: list[Token], new: list[Token]) -> dict[int, int]:
    """Which word of `new` each unchanged word of `old` is."""
    matcher = difflib.SequenceMatcher(None, [t.word for t in old], [t.word for t in new],
                                      autojunk=False)
    return {block.a + k: block.b + k for block in matcher.get_matching_blocks()
            for k in range(block.size)}
