"""Readers: a Word, PDF, HTML or plain-text file into one Document (document.py).

Word paragraphs carry the numbers Word's list numbering shows (textextract.ListNumbers);
a PDF is read from its text layer with pypdfium2, page by page, leaving out what stands
outside the text area (running footers, a signature page's identifier); plain text is the
form of the filings in ../shared/seeds: underlines drawn with dashes and lone page numbers
are layout, not text.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

from ..errors import DealdocsError
from ..textextract import BODY_BOTTOM, BODY_RIGHT, BODY_TOP, ListNumbers
from .document import Block, Document, Spot, Table, leading_number, structure

FORMATS = (".docx", ".pdf", ".html", ".htm", ".txt")
# A closing document is a few megabytes at most; more is not one of them.
MAX_DOCUMENT_BYTES = 32 << 20
_TERMINAL = re.compile(r"[.:;!?]['\"”’)]*$")
_LAYOUT_LINE = re.compile(r"\s*(-[\s-]*|\d{1,3}|<[A-Z/]+>)\s*")


class UnreadableDocument(DealdocsError):
    pass


def read_document(name: str, data: bytes) -> Document:
    """The document in `data`, a file called `name` (its extension says the format)."""
    suffix = Path(name).suffix.lower()
    if len(data) > MAX_DOCUMENT_BYTES:
        raise UnreadableDocument(f"{name}: larger than {MAX_DOCUMENT_BYTES >> 20} MiB, which no "
                                 "closing document is; check the document itself")
    try:
        if suffix == ".docx":
            document = _docx(name, data)
        elif suffix == ".pdf":
            document = _pdf(name, data)
        elif suffix in (".html", ".htm"):
            document = _html(name, data)
        elif suffix == ".txt":
            document = _text(name, data.decode("utf-8", errors="replace"))
        else:
            raise UnreadableDocument(f"{name}: cannot check a {suffix or 'file without an extension'}"
                                     f"; give a {', '.join(FORMATS)} file")
    except UnreadableDocument:
        raise
    except Exception as exc:  # a corrupt file of any kind: one line, not a traceback
        raise UnreadableDocument(f"{name}: cannot be read as {suffix[1:].upper()} ({exc}); "
                                 "save it again from the program that made it") from None
    structure(document)
    return document


def _joined(pieces: list[tuple[str, Spot]]) -> Block:
    """One block from its lines: a line ending in a hyphen runs into the next word."""
    text = ""
    starts = []
    for line, spot in pieces:
        line = " ".join(line.split())
        if text and not text.endswith("-"):
            text += " "
        starts.append((len(text), spot))
        text += line
    return Block(text, starts)


def _merge_broken(blocks: list[Block]) -> list[Block]:
    """A paragraph a page break cut in two is one paragraph: the first part ends mid-sentence
    and the second starts in lower case."""
    merged: list[Block] = []
    for block in blocks:
        previous = merged[-1] if merged else None
        if (previous and block.text[:1].islower() and not _TERMINAL.search(previous.text)):
            offset = len(previous.text) + 1
            previous.text += " " + block.text
            previous.starts += [(start + offset, spot) for start, spot in block.starts]
        else:
            merged.append(block)
    return merged


def _text(name: str, text: str) -> Document:
    lines = [(line, Spot(line=number)) for number, line in enumerate(text.splitlines(), 1)]
    blocks: list[Block] = []
    pieces: list[tuple[str, Spot]] = []
    for line, spot in lines:
        if not line.strip() or _LAYOUT_LINE.fullmatch(line):
            if pieces and not line.strip():
                blocks.append(_joined(pieces))
                pieces = []
            continue
        pieces.append((line, spot))
    if pieces:
        blocks.append(_joined(pieces))
    return Document(name, _merge_broken(blocks), lines=lines)


def _pdf(name: str, data: bytes) -> Document:
    import pypdfium2

    pdf = pypdfium2.PdfDocument(data)
    lines: list[tuple[str, Spot]] = []
    blocks: list[Block] = []
    pieces: list[tuple[str, Spot]] = []
    try:
        for index in range(len(pdf)):
            page = pdf[index].get_textpage()
            placed = []
            offset = 0
            # pdfium ends a line broken after a hyphen with U+FFFE instead of a line break.
            for line in re.split(r"(?<=\ufffe)|\r\n", page.get_text_range()):
                if line.strip():
                    left, bottom, _, _ = page.get_charbox(offset + len(line) - len(line.lstrip()))
                    if BODY_BOTTOM <= bottom <= BODY_TOP and left < BODY_RIGHT:
                        placed.append((line.replace("\xa0", " ").replace("\u2060", "")
                                       .replace("\ufffe", "-"), bottom))
                offset += len(line) + (0 if line.endswith("\ufffe") else 2)
            gaps = sorted(round(above[1] - below[1], 1) for above, below in zip(placed, placed[1:])
                          if above[1] > below[1])
            leading = gaps[len(gaps) // 4] if gaps else 0.0  # most gaps are between the lines of a paragraph
            for number, (line, bottom) in enumerate(placed, 1):
                spot = Spot(line=number, page=index + 1)
                lines.append((line, spot))
                gap = placed[number - 2][1] - bottom if number > 1 else 0.0
                # A paragraph ends at a wider gap than between its lines, or where a numbered
                # clause starts after a sentence.
                if number > 1 and pieces and (gap > 1.4 * leading or gap < 0 or (
                        _TERMINAL.search(pieces[-1][0].rstrip()) and _starts_clause(line))):
                    blocks.append(_joined(pieces))
                    pieces = []
                pieces.append((line, spot))
            # A paragraph that runs onto the next page goes on there, unless it ended a sentence.
            if pieces and _TERMINAL.search(pieces[-1][0].rstrip()):
                blocks.append(_joined(pieces))
                pieces = []
        if pieces:
            blocks.append(_joined(pieces))
    finally:
        pdf.close()
    return Document(name, _merge_broken(blocks), lines=lines)


def _starts_clause(line: str) -> bool:
    return bool(leading_number(line.strip()))


def _docx(name: str, data: bytes) -> Document:
    import docx
    from docx.table import Table as WordTable
    from docx.text.paragraph import Paragraph

    document = docx.Document(io.BytesIO(data))
    numbers = ListNumbers(document)
    blocks: list[Block] = []
    tables: list[Table] = []
    count = 0
    for item in document.iter_inner_content():
        count += 1
        spot = Spot(paragraph=count)
        if isinstance(item, Paragraph):
            number = numbers.next(item)
            text = f"{number} {item.text}" if number else item.text
            if text.strip():
                blocks.append(_joined([(text, spot)]))
        elif isinstance(item, WordTable):
            rows = [[cell.text for cell in row.cells] for row in item.rows]
            tables.append(Table(rows, [spot] * len(rows)))
    return Document(name, blocks, tables)


_BLOCK_TAGS = frozenset({"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "div", "blockquote",
                         "section", "article", "td", "th", "dt", "dd", "pre"})
_FURNITURE = frozenset({"furniture", "page-id"})


def _html(name: str, data: bytes) -> Document:
    import lxml.html

    root = lxml.html.document_fromstring(data)
    blocks: list[Block] = []
    tables: list[Table] = []

    def skipped(element) -> bool:
        return (not isinstance(element.tag, str) or element.tag in ("head", "style", "script")
                or bool(_FURNITURE & set((element.get("class") or "").split())))

    def visit(element) -> None:
        if skipped(element):
            return
        if element.tag == "table":
            spot = Spot(paragraph=len(blocks) + len(tables) + 1)
            rows = [[" ".join(cell.text_content().replace("\u2060", "").split())
                     for cell in row.iterchildren("td", "th")] for row in element.iter("tr")]
            tables.append(Table(rows, [spot] * len(rows)))
            return
        if element.tag in _BLOCK_TAGS and not any(
                isinstance(child.tag, str) and (child.tag in _BLOCK_TAGS or child.tag == "table")
                for child in element.iterdescendants()):
            text = _visible_text(element, skipped)
            if text.strip():
                spot = Spot(paragraph=len(blocks) + len(tables) + 1)
                blocks.append(_joined([(text, spot)]))
            return
        for child in element:
            visit(child)

    visit(root)
    return Document(name, blocks, tables)


def _visible_text(element, skipped) -> str:
    parts = [element.text or ""]
    for child in element:
        if not skipped(child):
            parts.append(_visible_text(child, skipped))
        parts.append(child.tail or "")
    return "".join(parts).replace("\u2060", "")
