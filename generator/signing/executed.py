"""Executed documents: a document's PDF with each signature page that came back signed in
place of its unsigned page.

Which pages are in comes from the tracker (tracker.py: received on the document's current
version); where a page goes, from the signature block's named destination in the PDF, by
the block's id, as the binder finds it. The unsigned page's dictionary stays where it is
and takes the signed page's content, resources and size: the outline, the named
destinations and the links of the other pages, which point at page objects, still land
where they did, and the page count is the same.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, FloatObject, NameObject

from ..pageid import PageId, identifiers
from ..writers import RenderedDocument
from .tracker import Row

EXECUTED = "executed"
"""The part of the deal folder that holds them: OUT/<deal id>/executed/."""
_PAGE_BOXES = ("/CropBox", "/BleedBox", "/TrimBox", "/ArtBox", "/Rotate", "/Annots")
"""Of the unsigned page, none holds for the signed one: its boxes and turn are the scan's,
and the unsigned page's annotations (links) sat on a layout that is gone."""


@dataclass(frozen=True)
class Execution:
    """A generated document of a signing, and which of its signature pages are in."""

    document: str
    received: tuple[tuple[str, PageId], ...]
    """Each signature block's id (a named destination of its PDF) with the page received
    for it on the document's current version."""
    outstanding: tuple[Row, ...]

    @property
    def complete(self) -> bool:
        return not self.outstanding


def executions(rows: Iterable[Row], documents: Sequence[RenderedDocument]) -> list[Execution]:
    """Each generated document the tracker's `rows` name, in their order, with its pages
    received and outstanding (an outside document's rows, untracked, are passed over)."""
    anchors = {page_id: anchor for document in documents
               for anchor, page_id in identifiers(document.html).items()}
    received: dict[str, list[tuple[str, PageId]]] = {}
    outstanding: dict[str, list[Row]] = {}
    for row in rows:
        if row.page_id is None:
            continue
        received.setdefault(row.document, [])
        outstanding.setdefault(row.document, [])
        if row.received is not None:
            received[row.document].append((anchors[row.page_id], row.page_id))
        else:
            outstanding[row.document].append(row)
    return [Execution(document, tuple(received[document]), tuple(outstanding[document]))
            for document in received]


def swap_pages(pdf: bytes, signed: Mapping[str, bytes]) -> bytes:
    """`pdf` with the first page of each of `signed` (by the signature block's id, a named
    destination of `pdf`) in place of the page that block is on."""
    reader = PdfReader(io.BytesIO(pdf))
    destinations = reader.named_destinations
    writer = PdfWriter(clone_from=reader)
    for anchor, page_pdf in signed.items():
        target = writer.pages[reader.get_destination_page_number(destinations[anchor])]
        source = PdfReader(io.BytesIO(page_pdf)).pages[0]
        for key in _PAGE_BOXES:
            target.pop(NameObject(key), None)
        for key in ("/Contents", "/Resources"):
            if key in source:
                target[NameObject(key)] = source.raw_get(key).clone(writer)
        target[NameObject("/MediaBox")] = ArrayObject(
            FloatObject(value) for value in source.mediabox)
        if source.get("/Rotate"):
            target[NameObject("/Rotate")] = source["/Rotate"]
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()
