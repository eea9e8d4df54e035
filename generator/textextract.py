"""The words of a document in each output format, to prove all three say the same.

`text_of_*` give the text as a reader sees it on the page, without page furniture
(page numbers, a signature page's "[Signature Page to ...]": the footers of the PDF and
the Word file, `class="furniture"` in the HTML; a signature page's identifier: the PDF's
right margin, a picture in the Word file, `class="page-id"` in the HTML);
`normalize_words` keeps the words and folds away what only layout decides (line breaks,
justification).
"""

from __future__ import annotations

import io
import re
import unicodedata
from dataclasses import dataclass

import docx
import lxml.html
from docx.document import Document as WordDocument
from docx.oxml.ns import qn
from docx.table import Table
from docx.text.paragraph import Paragraph
from lxml import etree
from pypdf import PageObject, PdfReader

from .numbering import FORMATS
from .pageid import PAGE_ID_CLASS

# Elements whose content starts on a new line: without a break, the text of two
# adjacent table cells ("<td>0</td><td>$250,000</td>") would run into one word.
_BLOCKS = frozenset({"html", "body", "article", "section", "div", "p", "h1", "h2", "h3",
                     "blockquote", "table", "thead", "tbody", "tfoot", "tr", "th", "td"})
_NOT_TEXT = frozenset({"head", "style", "script"})
_FURNITURE = frozenset({"furniture", PAGE_ID_CLASS})


def text_of_html(html: str | bytes) -> str:
    root = lxml.html.document_fromstring(html)
    parts: list[str] = []

    def walk(element: etree._Element) -> None:
        if (not isinstance(element.tag, str) or element.tag in _NOT_TEXT
                or _FURNITURE & set((element.get("class") or "").split())):
            return
        block = element.tag in _BLOCKS
        if block:
            parts.append("\n")
        parts.append(element.text or "")
        for child in element:
            walk(child)
            parts.append(child.tail or "")
        if block:
            parts.append("\n")

    walk(root)
    return _visible("".join(parts))


def _visible(text: str) -> str:
    """Text without the word joiners typesetting puts after a hyphen to keep a label on one
    line ("Exhibit B-1"): they say where a line may not break, not what the text says."""
    return text.replace("\u2060", "")


# The page's text area (letter paper, 1-inch margins) in PDF points from the foot, with a
# quarter inch of slack: text outside it is a running header or footer. Text that starts at
# the text area's right edge or past it stands in the right margin: a signature page's
# identifier (generator/pageid.py).
BODY_BOTTOM, BODY_TOP = 54.0, 738.0
BODY_RIGHT = 540.0


@dataclass(frozen=True)
class PdfLine:
    """One line of a PDF page's text and the height of its baseline (points from the foot)."""

    text: str
    y: float


def pdf_lines(page: PageObject) -> list[PdfLine]:
    """The page's text as lines in drawing order, each with where it stands; page furniture
    (footers and headers, outside the text area) is left out."""
    lines: list[PdfLine] = []
    current: list[str] = []
    heights: list[float] = []

    def flush(y: float) -> None:
        if "".join(current).strip():
            lines.append(PdfLine("".join(current), min(heights, default=y)))
        current.clear()
        heights.clear()

    def visit(text: str, cm: list[float], tm: list[float], *_: object) -> None:
        x, y = cm[0] * tm[4] + cm[4], cm[3] * tm[5] + cm[5]
        if text.strip() and not (BODY_BOTTOM <= y <= BODY_TOP and x < BODY_RIGHT):
            return  # furniture
        for index, piece in enumerate(text.split("\n")):
            if index:
                flush(y)
            if piece:
                current.append(piece)
                if piece.strip():
                    heights.append(y)

    page.extract_text(visitor_text=visit)
    flush(0.0)
    return lines


def pdf_pages(pdf: bytes) -> list[list[PdfLine]]:
    """The lines of each page (pdf_lines)."""
    return [pdf_lines(page) for page in PdfReader(io.BytesIO(pdf)).pages]


def text_of_pages(pages: list[list[PdfLine]]) -> str:
    """Each page's text in drawing order; every page ends in a form feed."""
    return _visible("".join("\n".join(line.text for line in lines) + "\f" for lines in pages))


def text_of_pdf(pdf: bytes) -> str:
    """Each page's text in drawing order, without its furniture; every page ends in a form feed."""
    return text_of_pages(pdf_pages(pdf))


def text_of_docx(data: bytes) -> str:
    """The body's paragraphs, each after the number Word's list numbering gives it, and the
    table cells, in document order (headers and footers are left out). A paragraph whose
    mark is hidden by Word's style separator runs on into the next, as Word shows it."""
    document = docx.Document(io.BytesIO(data))
    numbers = ListNumbers(document)
    lines: list[str] = []
    run_on = ""
    for block in document.iter_inner_content():
        if isinstance(block, Paragraph):
            number = numbers.next(block)
            line = run_on + (f"{number} {block.text}" if number else block.text)
            if runs_on(block):
                run_on = line
            else:
                lines.append(line)
                run_on = ""
        elif isinstance(block, Table):
            lines.extend(cell.text for row in block.rows for cell in row.cells)
    return "\n".join(lines)


def runs_on(paragraph: Paragraph) -> bool:
    """Whether the paragraph's mark is hidden by Word's style separator (w:specVanish), so
    that the next paragraph continues its line."""
    properties = paragraph._p.pPr
    mark = properties.find(qn("w:rPr")) if properties is not None else None
    return mark is not None and mark.find(qn("w:specVanish")) is not None


class ListNumbers:
    """The numbers Word shows before list paragraphs, paragraph by paragraph in order: each
    list level counts its paragraphs, deeper levels start again under a new parent, an
    instance with a start override starts its list again, and the level's text ("%1.%2.")
    shows the counts."""

    def __init__(self, document: WordDocument):
        self.levels: dict[str, dict[int, tuple[str, str, int]]] = {}
        self.instances: dict[str, tuple[str, bool]] = {}
        try:
            part = document.part.numbering_part
        except NotImplementedError:  # no numbering part: no lists
            part = None
        if part is not None:
            for abstract in part.element.iterchildren(qn("w:abstractNum")):
                levels = {}
                for lvl in abstract.iterchildren(qn("w:lvl")):
                    start = lvl.find(qn("w:start"))
                    levels[int(lvl.get(qn("w:ilvl")))] = (
                        lvl.find(qn("w:numFmt")).get(qn("w:val")),
                        lvl.find(qn("w:lvlText")).get(qn("w:val")),
                        int(start.get(qn("w:val"))) if start is not None else 0)
                self.levels[abstract.get(qn("w:abstractNumId"))] = levels
            for num in part.element.iterchildren(qn("w:num")):
                self.instances[num.get(qn("w:numId"))] = (
                    num.find(qn("w:abstractNumId")).get(qn("w:val")),
                    num.find(f"{qn('w:lvlOverride')}/{qn('w:startOverride')}") is not None)
        self.counts: dict[str, list[int]] = {}
        self.started: set[str] = set()

    @staticmethod
    def numbering_of(paragraph: Paragraph) -> tuple[str, int] | None:
        """(numId, level) of a paragraph's numbering: its own, else its style's."""
        properties = paragraph._p.pPr
        num_pr = properties.numPr if properties is not None else None
        style = paragraph.style
        while num_pr is None and style is not None:
            style_properties = style.element.pPr
            num_pr = style_properties.numPr if style_properties is not None else None
            style = style.base_style
        if num_pr is None or num_pr.numId is None or num_pr.numId.val == 0:
            return None
        return str(num_pr.numId.val), num_pr.ilvl.val if num_pr.ilvl is not None else 0

    def next(self, paragraph: Paragraph) -> str:
        """The number of `paragraph`, the next paragraph in document order ("" if none)."""
        found = self.numbering_of(paragraph)
        if found is None or found[0] not in self.instances:
            return ""
        num_id, level = found
        abstract, restarts = self.instances[num_id]
        levels = self.levels[abstract]
        if restarts and num_id not in self.started:
            self.counts.pop(abstract, None)
        self.started.add(num_id)
        counts = self.counts.setdefault(abstract, [levels[i][2] - 1 for i in sorted(levels)])
        counts[level] += 1
        for deeper in range(level + 1, len(counts)):
            counts[deeper] = levels[deeper][2] - 1
        return re.sub(r"%([1-9])",
                      lambda m: FORMATS[levels[int(m.group(1)) - 1][0]](counts[int(m.group(1)) - 1]),
                      levels[level][1])


def _is_word_character(char: str) -> bool:
    return unicodedata.category(char)[0] in "LMN"  # letters, marks, digits


def _stands_alone(char: str) -> bool:
    """Ideographs, kana and hangul: a line may break between any two of them."""
    return unicodedata.east_asian_width(char) in ("W", "F") and _is_word_character(char)


def normalize_words(text: str) -> list[str]:
    """The words of `text`: runs of letters, marks and digits, each wide CJK character on its own.

    Everything else separates words, so what only layout decides cannot make two formats
    differ: where a line breaks (after "anti-", between "(d)" and "(ii)", inside a
    Chinese name), straight or curly quotes and dashes, and on which side of a
    right-to-left name a bracket lands in PDF text. Invisible format characters (a soft
    hyphen, a word joiner) go.
    """
    text = unicodedata.normalize("NFKC", text)
    words: list[str] = []
    current: list[str] = []
    for char in text:
        if unicodedata.category(char) == "Cf":
            continue
        if _is_word_character(char) and not _stands_alone(char):
            current.append(char)
            continue
        if current:
            words.append("".join(current))
            current = []
        if _stands_alone(char):
            words.append(char)
    if current:
        words.append("".join(current))
    return words
