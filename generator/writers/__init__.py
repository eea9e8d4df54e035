"""One writer per output format behind one small interface.

A writer turns a rendered document (complete HTML in the project's vocabulary, see
templates/README.md) into the bytes of one file. Writers never touch the file system:
the caller writes the bytes atomically and records their hash.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Protocol

from ..templates import TEMPLATES_DIR

BASE_DIR = TEMPLATES_DIR / "base"
PRINT_CSS = BASE_DIR / "print.css"  # the PDF's stylesheet, also inside the HTML preview


@dataclass(frozen=True)
class RenderedDocument:
    """A document ready to write: its numbers and references are already filled in."""

    name: str  # output file stem, already sanitized
    title: str
    html: str  # a complete HTML document in the vocabulary of templates/README.md
    created: datetime.date  # from the term sheet, never "now": it goes into the files' metadata
    identifier: str  # stable id of deal and document, e.g. "acme-2006-04-28/note-omicron-1"
    kind: str  # the registry's name for what it is: "amendment", "note", ...


class Writer(Protocol):
    extension: str

    def render(self, doc: RenderedDocument) -> bytes: ...


# Imported after the classes above, which the writers use.
from .docx import DocxWriter  # noqa: E402
from .html import HtmlWriter  # noqa: E402
from .pdf import PdfWriter  # noqa: E402

WRITERS: dict[str, Writer] = {
    "html": HtmlWriter(),
    "pdf": PdfWriter(),
    "docx": DocxWriter(),
}
