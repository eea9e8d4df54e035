"""The binder's index as a Word file the firm can edit and circulate with the documents'
Word files: the same rows as the binder's index, in a Word table."""

from __future__ import annotations

import io
from collections.abc import Sequence

import docx
from docx.shared import Pt

from ..deal import Deal
from ..model import Closing
from ..writers.docx_package import reproducible_zip, stamp_core_properties
from .assemble import Placed


def index_docx(deal: Deal, closing: Closing, placed: Sequence[Placed]) -> bytes:
    document = docx.Document()
    document.styles["Normal"].font.name = "Times New Roman"
    document.styles["Normal"].font.size = Pt(12)
    document.add_heading(deal.deal.title, level=1)
    when = f", {closing.date:%B} {closing.date.day}, {closing.date.year}" if closing.date else ""
    document.add_paragraph(f"{deal.company.legal_name}: {closing.name}{when}")
    document.add_heading("Index", level=2)
    table = document.add_table(rows=1, cols=4)
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, ("Tab", "Document", "Party", "Page")):
        cell.text = text
        cell.paragraphs[0].runs[0].bold = True
    for item in placed:
        row = table.add_row().cells
        for cell, text in zip(row, (str(item.entry.tab), item.entry.title, item.entry.party,
                                    str(item.first_page))):
            cell.text = text
    stamp_core_properties(document.core_properties, f"Index: {closing.name}", deal.deal.date,
                          f"{deal.deal.id}/{closing.id}/index", deal.company.legal_name,
                          deal.deal.title)
    buffer = io.BytesIO()
    document.save(buffer)
    return reproducible_zip(buffer.getvalue())
