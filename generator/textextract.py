"""The words of a document in each output format, to prove all three say the same.

`text_of_*` give the text as the format holds it; `normalize_words` keeps the words
and folds away what only layout decides (line breaks, justification, page numbers).
"""

from __future__ import annotations

import io
import unicodedata

import lxml.html
from lxml import etree

# Elements whose content starts on a new line: without a break, the text of two
# adjacent table cells ("<td>0</td><td>$250,000</td>") would run into one word.
_BLOCKS = frozenset({"html", "body", "article", "section", "div", "p", "h1", "h2", "h3",
                     "blockquote", "table", "thead", "tbody", "tfoot", "tr", "th", "td"})
_NOT_TEXT = frozenset({"head", "style", "script"})


def text_of_html(html: str | bytes) -> str:
    root = lxml.html.document_fromstring(html)
    parts: list[str] = []

    def walk(element: etree._Element) -> None:
        if not isinstance(element.tag, str) or element.tag in _NOT_TEXT:
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
    return "".join(parts)


def text_of_pdf(pdf: bytes) -> str:
    """Each page's text in drawing order, running footer included; every page ends in a form feed."""
    # Imported here: a build only needs text_of_html, and pypdf takes a tenth of a second.
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    return "".join(page.extract_text() + "\f" for page in reader.pages)


def text_of_docx(data: bytes) -> str:
    """The body's paragraphs and table cells in document order (the footer is left out)."""
    import docx  # as pypdf above
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    document = docx.Document(io.BytesIO(data))
    lines: list[str] = []
    for block in document.iter_inner_content():
        if isinstance(block, Paragraph):
            lines.append(block.text)
        elif isinstance(block, Table):
            lines.extend(cell.text for row in block.rows for cell in row.cells)
    return "\n".join(lines)


def _without_page_numbers(text: str) -> str:
    """Drop each page's last line when it is just that page's number (see text_of_pdf)."""
    *pages, rest = text.split("\f")
    kept = []
    for number, page in enumerate(pages, start=1):
        lines = page.rstrip().split("\n")
        if lines[-1].strip() == str(number):
            lines.pop()
        kept.append("\n".join(lines))
    return "\n".join([*kept, rest])


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
    right-to-left name a bracket lands in PDF text. Page numbers go (see text_of_pdf),
    and invisible format characters (a soft hyphen, a zero-width joiner) with them.
    """
    text = unicodedata.normalize("NFKC", _without_page_numbers(text))
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
