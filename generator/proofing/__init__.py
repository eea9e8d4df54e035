"""Proofing: checking a document dealdocs did not write (the other side's mark-up, a
precedent, executed agreements) for drafting errors, and against a deal's terms.

`check_document` reads a Word, PDF, HTML or plain-text file into one structure
(readers.py, document.py) and runs each family of rules on it; the findings are those of
`validate` (severity, place, what, the fix). `against.compare` compares it with what
dealdocs would generate from a term sheet.
"""

from __future__ import annotations

from ..findings import Finding, sort_key
from .amounts import check_amounts
from .dates import check_dates
from .document import Document
from .marks import check_marks
from .readers import FORMATS, MAX_DOCUMENT_BYTES, UnreadableDocument, read_document
from .references import check_numbering, check_references
from .tables import check_tables
from .terms import check_terms

RULES = (check_terms, check_references, check_numbering, check_dates, check_amounts,
         check_tables, check_marks)

__all__ = ["FORMATS", "MAX_DOCUMENT_BYTES", "UnreadableDocument", "check_document", "check_read", "read_document"]


def check_read(document: Document) -> list[Finding]:
    return sorted((finding for rule in RULES for finding in rule(document)), key=sort_key)


def check_document(name: str, data: bytes) -> list[Finding]:
    """Every finding of every rule in the file `name` whose bytes are `data`."""
    return check_read(read_document(name, data))
