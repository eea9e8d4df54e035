"""A document as the rules read it, whatever its format: blocks of text (paragraphs,
headings), each with the clause it is in and where each of its lines came from, and
tables of cells. The readers (readers.py) make one; `structure` numbers its clauses."""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field

from ..findings import Finding, Mark, Severity


@dataclass(frozen=True)
class Spot:
    """Where a line of a block came from: a line of a text file, a page and line of a PDF,
    or the paragraph of a Word or HTML document (1-based)."""

    line: int = 0
    page: int = 0
    paragraph: int = 0

    def describe(self) -> str:
        if self.paragraph:
            return f"paragraph {self.paragraph}"
        if self.page:
            return f"page {self.page}, line {self.line}"
        return f"line {self.line}"


@dataclass
class Block:
    """A paragraph or heading: its text on one line, and the offsets in it where each of
    its source lines start, with their spots."""

    text: str
    starts: list[tuple[int, Spot]]
    label: str = ""  # the number it starts with, as printed: "2.1", "(b)"
    clause: str = ""  # the clause it is in, as a reference names it: "2.1", "5(b)"
    signature: bool = False  # in a signature block, where blanks are lines to sign on

    def spot(self, offset: int = 0) -> Spot:
        index = bisect_right([start for start, _ in self.starts], offset) - 1
        return self.starts[max(index, 0)][1]


@dataclass
class Table:
    rows: list[list[str]]
    spots: list[Spot]  # one per row


@dataclass
class Document:
    file: str
    blocks: list[Block]
    tables: list[Table] = field(default_factory=list)
    # Lines in reading order, with spots: the plain-text and PDF forms keep tables as lines.
    lines: list[tuple[str, Spot]] = field(default_factory=list)

    @property
    def is_form(self) -> bool:
        """A form of document (an exhibit to another agreement, or titled "Form of"), whose
        blanks are left to be filled when it is used."""
        return any(_FORM.match(block.text) for block in self.blocks[:12])

    def finding(self, code: str, severity: Severity, block: Block | None, offset: int,
                message: str, fix: str = "", spot: Spot | None = None) -> Finding:
        spot = spot or (block.spot(offset) if block else Spot())
        where = spot.describe()
        if block and block.clause:
            where += f", Section {block.clause}"
        return Finding(code, severity, Mark(self.file, spot.line or spot.paragraph or spot.page),
                       where, message, fix)


_FORM = re.compile(r"\s*(FORM OF\b|EXHIBITS?\s+[A-Z0-9]+(-\d+)?\b)", re.IGNORECASE)

# A clause number at the start of a paragraph: "1." / "2.1" / "2.1." / "Section 3." and a
# letter, roman or figure in parentheses: "(b)", "(iv)", "(2)". What follows must start a
# sentence, so that "2004 Loan Agreement" at the start of a wrapped line is not a clause.
DOTTED = re.compile(r"(?:Section\s+|SECTION\s+)?(\d{1,3}(?:\.\d{1,3})+\.?|\d{1,3}\.)\s+(?=[A-Z(\"“])")
PAREN = re.compile(r"\(([a-z]{1,2}|[ivxl]{1,6}|\d{1,2})\)\s+(?=\S)")
ROMAN = re.compile(r"[ivxl]+")


def roman_value(text: str) -> int:
    values = {"i": 1, "v": 5, "x": 10, "l": 50}
    total = 0
    for index, char in enumerate(text):
        value = values[char]
        total += -value if index + 1 < len(text) and values[text[index + 1]] > value else value
    return total


def paren_kind(label: str, previous: dict[str, str]) -> tuple[str, int]:
    """("letter"|"roman"|"figure", its ordinal) of a label in parentheses; "(i)" is the
    letter after "(h)" and a roman numeral otherwise."""
    if label.isdigit():
        return "figure", int(label)
    letter = previous.get("letter")
    if ROMAN.fullmatch(label) and not (len(label) == 1 and letter and ord(label) == ord(letter) + 1):
        return "roman", roman_value(label)
    if len(label) == 1:
        return "letter", ord(label) - ord("a") + 1
    return "letter", 0


def leading_number(text: str) -> str:
    match = DOTTED.match(text)
    if match:
        return match.group(1).rstrip(".")
    match = PAREN.match(text)
    return f"({match.group(1)})" if match else ""


def structure(document: Document) -> None:
    """Give every block its leading number and the clause it is in, and mark signature
    blocks (from "IN WITNESS WHEREOF" to the next schedule or exhibit)."""
    section = ""
    parens: list[str] = []
    signing = False
    for block in document.blocks:
        text = block.text
        # What follows the signatures or starts an attachment is in no section of the body.
        if re.match(r"\s*IN WITNESS WHEREOF", text, re.IGNORECASE):
            signing, section, parens = True, "", []
        elif _FORM.match(text) or re.match(r"\s*(SCHEDULE|ANNEX|APPENDIX)\s+[A-Z0-9]", text):
            signing, section, parens = False, "", []
        block.signature = signing
        label = leading_number(text)
        block.label = label
        if label and not label.startswith("("):
            section, parens = label, []
        elif label:
            parens = [*parens[:_depth(label, parens)], label]
        block.clause = section + "".join(parens) if section else ""


def _depth(label: str, parens: list[str]) -> int:
    """How many of the enclosing labels in parentheses stay above `label`: it is the sibling
    of the nearest one of its own kind, else a child of the last."""
    kinds: dict[str, str] = {}
    levels = []
    for existing in parens:
        kind, _ = paren_kind(existing[1:-1], kinds)
        kinds[kind] = existing[1:-1]
        levels.append(kind)
    kind, _ = paren_kind(label[1:-1], kinds)
    return levels.index(kind) if kind in levels else len(parens)
