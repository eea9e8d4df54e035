"""Page breaks that a typesetter would not let through, read from a PDF's text lines."""

from __future__ import annotations

import lxml.html

from generator.textextract import PdfLine, pdf_pages

# More than this between two baselines is a gap between paragraphs (12-point text at
# 1.15 spacing is 13.8 points apart; paragraphs add 12 points).
PARAGRAPH_GAP = 20.0


def _clean(text: str) -> str:
    return " ".join(text.replace("\u2060", "").split())


def headings_of(html: str) -> set[str]:
    """The text of every heading and caption of a document: what must not end a page."""
    root = lxml.html.document_fromstring(html)
    found = {_clean(h.text_content()) for h in root.iter("h1", "h2")}
    found |= {_clean(p.text_content()) for p in root.find_class("caption")}
    return {text for text in found if text}


def layout_problems(pdf: bytes, headings: set[str]) -> list[str]:
    """Each page that ends with a heading or caption alone, or begins with the lone last
    word of a paragraph (one word, then a paragraph's gap or nothing)."""
    return problems_in(pdf_pages(pdf), headings)


def problems_in(pages: list[list[PdfLine]], headings: set[str]) -> list[str]:
    """layout_problems, on the lines of each page."""
    problems = []
    for number, lines in enumerate(pages, start=1):
        if not lines:
            continue
        last = _clean(lines[-1].text)
        if number < len(pages) and (last in headings or any(
                len(last) > 15 and heading.startswith(last) for heading in headings)):
            problems.append(f"page {number} ends with the heading {last!r}")
        if number > 1 and _lone_last_word(lines, headings):
            problems.append(f"page {number} begins with the lone word {_clean(lines[0].text)!r}")
    return problems


def _lone_last_word(lines: list[PdfLine], headings: set[str]) -> bool:
    first = _clean(lines[0].text)
    if len(first.split(" ")) != 1 or first in headings:
        return False
    return len(lines) == 1 or lines[0].y - lines[1].y > PARAGRAPH_GAP
