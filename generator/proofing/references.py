"""References and numbering: a reference to a section, subsection, exhibit or schedule the
document does not have, and clause numbers that skip or repeat.

A reference followed by "of" and another instrument ("Section 2.8 of the September Purchase
Agreement", "Section 13(d) of the Exchange Act") is to that instrument, not this document,
and is not checked. A level of numbering is checked only where the document shows it: a
reference to 5(b)(iv) is wrong only if 5(b) has numbered items of its own and (iv) is not
one of them, since items written inline are not always found.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..findings import Finding, Severity
from .document import Block, Document, paren_kind

_LABEL = r"\d{1,3}(?:\.\d{1,3})*(?:\([a-z0-9]{1,6}\))*"
_REFERENCE = re.compile(
    rf"\b(?:Sections?|Subsections?|subsections?)\s+({_LABEL}(?:\s*(?:,|and|or|through|to|and/or)\s+(?:Section\s+)?{_LABEL})*)")
_EXTERNAL = re.compile(r"\s*(?:,\s*)?(?:of|under|in|to)\s+(?:the|any|such|each|its|a|an|that|those|said|[A-Z])",
                       re.IGNORECASE)
# "Section 4.16 and any other provision of the September Purchase Agreement": the rest of
# the clause names the instrument.
_INSTRUMENT = re.compile(r"\s+(?:and|or)\s+(?:any|each|every|all)\s+other\s+provisions?\s+of\s+(?:the|such|any)\b")
_INTERNAL = re.compile(r"\s*(?:of|in|under)\s+(?:this|these)\b|\s*(?:hereof|herein|hereunder|above|below)\b")
_ATTACHMENT = re.compile(r"\b(Exhibit|Schedule|Annex|Appendix)\s+([A-Z]{1,2}(?:-\d{1,2})?|\d{1,2})(?![\w.-])")
_ATTACHMENT_HEADING = re.compile(
    r"\s*(EXHIBIT|SCHEDULE|ANNEX|APPENDIX)(S?)\s+([A-Z]{1,2}(?:-\d{1,2})?|\d{1,2})((?:\s*(?:,|&|and)\s*[A-Z]{1,2}(?:-\d{1,2})?)*)(?![\w.-])",
    re.IGNORECASE)


def labels(document: Document) -> set[str]:
    """Every clause label the document shows: "2", "2.1", "5(b)", "5(b)(iii)", also those of
    items written inline in a clause's text ("(i) ... (ii) ...")."""
    found: set[str] = set()
    for block in document.blocks:
        if block.clause:
            parts = re.match(r"[\d.]+", block.clause).group(0).split(".")
            found.update(".".join(parts[:i]) for i in range(1, len(parts) + 1))
            found.add(block.clause)
            for inline in re.finditer(r"\(([a-z]{1,2}|[ivxl]{1,6}|\d{1,2})\)", block.text):
                found.add(block.clause + f"({inline.group(1)})")
    return found


def _parts(label: str) -> list[str]:
    """"5.1(b)(iv)" -> ["5", "5.1", "5.1(b)", "5.1(b)(iv)"]."""
    dotted, _, rest = label.partition("(")
    numbers = dotted.split(".")
    out = [".".join(numbers[:i]) for i in range(1, len(numbers) + 1)]
    for item in re.findall(r"\([a-z0-9]+\)", "(" + rest if rest else ""):
        out.append(out[-1] + item)
    return out


def check_references(document: Document) -> Iterator[Finding]:
    known = labels(document)
    tops = {label for label in known if "." not in label and "(" not in label}
    levels = _levels(known)
    if len(tops) >= 2:
        for block in document.blocks:
            for match in _REFERENCE.finditer(block.text):
                tail = block.text[match.end():match.end() + 40]
                if not _INTERNAL.match(tail) and (
                        _EXTERNAL.match(tail) or _INSTRUMENT.match(block.text, match.end())):
                    continue  # a section of another instrument
                for label in re.finditer(_LABEL, match.group(1)):
                    missing = _missing(label.group(0), known, levels)
                    if missing:
                        yield document.finding(
                            "reference.missing", Severity.ERROR, block, match.start(1) + label.start(),
                            f"Section {label.group(0)} is referred to, but the document has no "
                            f"{missing}", "refer to a section the document has, or add it")
    yield from _attachments(document)


def _levels(known: set[str]) -> set[tuple[str, bool]]:
    """(parent, numbered in parentheses) of every label: which levels the document shows."""
    levels = set()
    for label in known:
        parts = _parts(label)
        parent = parts[-2] if len(parts) > 1 else ""
        levels.add((parent, label[len(parent):].startswith("(")))
    return levels


def _missing(label: str, known: set[str], levels: set[tuple[str, bool]]) -> str:
    """What of `label` the document lacks ("Section 7", "Section 5(b)(iv)"), or "" if it has
    it or does not show the level where it would be."""
    parent = ""
    for part in _parts(label):
        if part not in known:
            # Only where the document numbers that level the same way: "8.4" among 8.1-8.13.
            shown = (parent, part[len(parent):].startswith("(")) in levels
            return f"Section {part}" if shown else ""
        parent = part
    return ""


def _attachments(document: Document) -> Iterator[Finding]:
    attached: dict[str, set[str]] = {}
    for block in document.blocks:
        heading = _ATTACHMENT_HEADING.match(block.text)
        if heading and len(block.text) < 120 and (heading.group(1).isupper() or len(block.text) < 40):
            names = [heading.group(3), *re.findall(r"[A-Z]{1,2}(?:-\d{1,2})?", heading.group(4))]
            attached.setdefault(heading.group(1).title(), set()).update(names)
    for block in document.blocks:
        if _ATTACHMENT_HEADING.match(block.text) and len(block.text) < 120:
            continue
        for match in _ATTACHMENT.finditer(block.text):
            kind, label = match.group(1), match.group(2)
            have = attached.get(kind)
            tail = block.text[match.end():match.end() + 40]
            if not have or label in have or (_EXTERNAL.match(tail) and not _INTERNAL.match(tail)
                                             and not re.match(r"\s*(?:to|of) this\b", tail)):
                continue
            # "Exhibit B-1" is in an attachment headed "EXHIBITS B-1 & B-2"; "Exhibit B" is
            # the family of B-1 and B-2.
            if any(h.startswith(label + "-") for h in have):
                continue
            yield document.finding(
                "reference.attachment", Severity.ERROR, block, match.start(),
                f"{kind} {label} is referred to, but the document attaches "
                f"{', '.join(f'{kind} {h}' for h in sorted(have))} only",
                f"refer to an attached {kind.lower()}, or attach {kind} {label}")


def check_numbering(document: Document) -> Iterator[Finding]:
    """Each numbered clause follows the one before: the next at its level, or the first
    below it; numbering that starts again at 1 starts a new list (recitals, then sections)."""
    previous: tuple[int, ...] = ()
    seen: set[tuple[int, ...]] = set()
    parens: dict[str, tuple[str, int, str]] = {}  # kind -> (clause, ordinal, label) of the last
    for block in document.blocks:
        if not block.label:
            continue
        if not block.label.startswith("("):
            number = tuple(int(n) for n in block.label.split("."))
            parens = {}
            if number == (1,):
                previous, seen = number, {number}
                continue
            if previous and not _follows(number, previous):
                what = "repeats" if number in seen else "skips"
                yield document.finding(
                    "numbering." + ("repeated" if number in seen else "skipped"), Severity.ERROR,
                    block, 0, f"clause {block.label} {what}: it follows {'.'.join(map(str, previous))}",
                    "renumber the clauses in order")
            previous = number
            seen.add(number)
            continue
        yield from _paren_numbering(document, block, parens)


def _follows(number: tuple[int, ...], previous: tuple[int, ...]) -> bool:
    """Whether `number` may come next: the next at one of the previous number's levels, or
    the first below it, each followed by first numbers below ("1.2" then "2.1" under an
    "ARTICLE II" heading that is not numbered as a clause)."""
    for depth in range(len(previous) + 1):
        head = previous[:depth] + ((previous[depth] + 1,) if depth < len(previous) else (1,))
        if number[:len(head)] == head and all(n == 1 for n in number[len(head):]):
            return True
    return False


def _paren_numbering(document: Document, block: Block,
                     parens: dict[str, tuple[str, int, str]]) -> Iterator[Finding]:
    label = block.label[1:-1]
    kind, ordinal = paren_kind(label, {k: v[2] for k, v in parens.items()})
    parent = block.clause[:-len(block.label)]
    last = parens.get(kind)
    if last and last[0] == parent and ordinal and last[1]:
        if ordinal == last[1]:
            yield document.finding("numbering.repeated", Severity.ERROR, block, 0,
                                   f"item {block.label} repeats", "renumber the items in order")
        elif ordinal != last[1] + 1:
            yield document.finding("numbering.skipped", Severity.ERROR, block, 0,
                                   f"item {block.label} skips: it follows ({last[2]})",
                                   "renumber the items in order")
    parens[kind] = (parent, ordinal, label)
