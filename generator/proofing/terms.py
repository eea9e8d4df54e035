"""Defined terms: defined twice, defined and never used, used in another case than defined,
and used in a form that is almost a defined term but is not one ("April I Notes" where the
document defines "April Notes I", "Zolek" where it defines "Zoltek").

A term is defined where it stands in quotes inside parentheses ("(the "Closing")") or in
quotes before "means" / "shall mean" / "shall have the meaning", or after "the term". A
capitalised word the document uses without defining it is not a finding by itself: the
names of parties, agreements, places and months are capitalised too, and an amendment takes
its terms from the agreement it amends ("Capitalized terms used and not defined in this
Amendment shall have the respective meanings set forth in ..."). Only a near miss of a
defined term is.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass

from ..findings import Finding, Severity
from .document import Block, Document

_QUOTED = re.compile(r"[\"“]([^\"“”]{1,90}?)[\"”]")
_MEANS = re.compile(r"\s*(?:means|shall mean|shall have the meaning|has the meaning|shall refer)\b")
_THE_TERM = re.compile(r"(?:the terms?|referred to\b.{0,80}\bas(?: the)?|hereinafter)\s*$", re.IGNORECASE)
_NOT_A_DEFINITION = re.compile(r"(?:heading|captioned|entitled|titled)\s*$", re.IGNORECASE)
_PHRASE = re.compile(r"(?<![\w-])[A-Z][\w'’-]*(?:[ ](?:[A-Z][\w'’-]*|I{1,3}|IV|VI{0,3}))*")


@dataclass
class Definition:
    term: str
    block: Block
    offset: int


def definitions(document: Document) -> list[Definition]:
    found = []
    for block in document.blocks:
        text = block.text
        for match in _QUOTED.finditer(text):
            term = match.group(1).strip().rstrip(",.;")
            if not term or not (term[0].isupper() or term[0].isdigit()) or len(term.split()) > 8:
                continue
            before = text[:match.start()]
            inside = before.count("(") > before.count(")")
            if _NOT_A_DEFINITION.search(before[-20:]):
                continue
            if inside or _MEANS.match(text, match.end()) or _THE_TERM.search(before[-100:]):
                found.append(Definition(term, block, match.start(1)))
    return found


_SUFFIXES = ("s", "es", "'s", "’s", "s'", "s’", "")


class _Text:
    """The document's blocks as one text, searched with str.find (a regular expression per
    term takes seconds on a note's hundred definitions)."""

    def __init__(self, document: Document):
        self.blocks = document.blocks
        self.starts: list[int] = []
        parts = []
        offset = 0
        for block in document.blocks:
            self.starts.append(offset)
            parts.append(block.text)
            offset += len(block.text) + 1
        self.text = "\n".join(parts)
        self.lower = self.text.lower()

    def place(self, offset: int) -> tuple[Block, int]:
        index = bisect_right(self.starts, offset) - 1
        return self.blocks[index], offset - self.starts[index]

    def uses(self, term: str, folded: bool = False) -> Iterator[tuple[int, str]]:
        """Where `term` is used as a whole word, with a plural or possessive ending (a plural
        term also in the singular), and the form used."""
        haystack = self.lower if folded else self.text
        forms = [term, term[:-1]] if term.endswith("s") and len(term) > 3 else [term]
        for form in forms:
            needle = form.lower() if folded else form
            at = haystack.find(needle)
            while at >= 0:
                end = at + len(needle)
                before = self.text[at - 1] if at else " "
                suffix = next((s for s in _SUFFIXES if self.text.startswith(s, end)
                               and not _word(self.text[end + len(s):end + len(s) + 1])), None)
                if suffix is not None and not _word(before):
                    yield at, self.text[at:end + len(suffix)]
                at = haystack.find(needle, at + 1)


def _word(char: str) -> bool:
    return bool(char) and (char.isalnum() or char in "_-")


def check_terms(document: Document) -> Iterator[Finding]:
    defined = definitions(document)
    by_term: dict[str, list[Definition]] = {}
    for definition in defined:
        by_term.setdefault(definition.term, []).append(definition)
    text = _Text(document)
    starts = {text.starts[document.blocks.index(d.block)] + d.offset for d in defined} if defined else set()
    recased: list[tuple[str, Finding]] = []
    capitals = [term for term in by_term if term.isupper()]
    for term, places in by_term.items():
        first = places[0]
        for again in places[1:]:
            if again.block is first.block and again.offset == first.offset:
                continue
            yield document.finding(
                "term.defined-twice", Severity.ERROR, again.block, again.offset,
                f'"{term}" is defined again (first defined at {first.block.spot(first.offset).describe()})',
                "keep one definition and refer to it")
        if any(at not in starts for at, _ in text.uses(term)):
            continue
        other = next(((at, used) for at, used in text.uses(term, folded=True)
                      if at not in starts and _capitalised(used)), None)
        if other:
            block, offset = text.place(other[0])
            recased.append((term, document.finding(
                "term.case", Severity.WARNING, block, offset,
                f'"{other[1]}" is used, but the term is defined as "{term}"',
                f'write "{term}" as it is defined, or define it as used')))
        else:
            yield document.finding(
                "term.unused", Severity.WARNING, first.block, first.offset,
                f'"{term}" is defined but never used', "remove the definition if it is not needed")
    # Filings converted to text set a definition in capitals and its uses in title case
    # throughout ("BORROWER", then "Borrower"): that is the document's convention, not a slip.
    convention = (len(capitals) >= 3
                  and 2 * sum(term.isupper() for term, _ in recased) >= len(capitals))
    yield from (finding for term, finding in recased if not (convention and term.isupper()))
    yield from _near_misses(document, set(by_term))


def _near_misses(document: Document, terms: set[str]) -> Iterator[Finding]:
    """Capitalised phrases that are not defined but are a defined term's words in another
    order, or a one-letter slip in a defined single word."""
    by_words = {tuple(sorted(term.split())): term for term in terms if len(term.split()) > 1}
    singles = [term for term in terms if " " not in term and len(term) >= 5 and term.isalpha()]
    reported: set[str] = set()
    for block in document.blocks:
        for match in _PHRASE.finditer(block.text):
            phrase = match.group(0)
            if phrase in terms or phrase in reported:
                continue
            words = phrase.split()
            intended = None
            for size in range(len(words), 1, -1):  # the longest run of words that is one
                for start in range(len(words) - size + 1):
                    part = words[start:start + size]
                    candidate = by_words.get(tuple(sorted(part)))
                    if candidate and candidate.split() != part:
                        intended, phrase = candidate, " ".join(part)
                        break
                if intended:
                    break
            if intended is None:
                for word in words:
                    slip = next((term for term in singles if word[:1] == term[:1]
                                 and _one_slip(word, term)), None)
                    if slip and word not in terms:
                        intended, phrase = slip, word
                        break
            if intended and phrase not in reported:
                reported.add(phrase)
                yield document.finding(
                    "term.undefined", Severity.WARNING, block, match.start() + match.group(0).find(phrase),
                    f'"{phrase}" is used but not defined; the document defines "{intended}"',
                    f'write "{intended}"')


def _one_slip(word: str, term: str) -> bool:
    """One letter left out, added or changed, and not the term's plural or possessive."""
    if word.rstrip("s'’") == term.rstrip("s'’") or word.lower() == term.lower():
        return False
    if abs(len(word) - len(term)) > 1 or len(word) < 5:
        return False
    if len(word) == len(term):
        return sum(a != b for a, b in zip(word, term)) == 1
    short, long = sorted((word, term), key=len)
    return any(long[:i] + long[i + 1:] == short for i in range(len(long)))


def _capitalised(text: str) -> bool:
    letters = [char for char in text if char.isalpha()]
    return bool(letters) and letters[0].isupper()
