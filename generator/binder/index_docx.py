"""The binder's index as a Word file the firm can edit and circulate with the documents'
Word files: the index's rows (pages.py) written by the documents' Word writer, so that it
has the house style's styles, compatibility mode and properties, and the PDF's column
widths."""

from __future__ import annotations

from collections.abc import Sequence

from ..deal import Deal
from ..model import Closing
from ..writers import WRITERS
from .pages import Row, index_document


def index_docx(deal: Deal, closing: Closing, rows: Sequence[Row]) -> bytes:
    return WRITERS["docx"].render(index_document(deal, closing, rows))
