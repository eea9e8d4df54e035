"""The binder, assembled with pypdf from the documents' PDFs and the binder's own pages
(pages.py): outline, page labels, index links, fixed metadata, so that the same inputs give
the same bytes."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from pypdf import PdfReader, PdfWriter
from pypdf.errors import PdfReadError
from pypdf.generic import ArrayObject, DictionaryObject, NameObject

from ..deal import Deal
from ..errors import BinderError
from ..findings import Finding, Severity
from ..model import Closing
from ..signings import COMPANY, Signer
from . import pages
from .contents import Entry

_MAX_FRONT_PASSES = 4


@dataclass(frozen=True)
class Source:
    """A document of the binder: its entry, its PDF, and its signature blocks."""

    entry: Entry
    pdf: bytes
    signers: tuple[Signer, ...] = ()


@dataclass(frozen=True)
class Placed:
    entry: Entry
    first_page: int
    """Its first page in the binder, counted from 1."""
    pages: int
    sha256: str
    """Of the document's PDF."""


@dataclass(frozen=True)
class SignaturePage:
    source: Source
    reader: PdfReader
    page: int
    """Its index in the document's PDF."""
    signer: Signer


@dataclass(frozen=True)
class Assembled:
    binder: bytes
    placed: list[Placed]
    signature_pages: dict[str, list[SignaturePage]]


def assemble(deal: Deal, closing: Closing, sources: Sequence[Source],
             step: Callable[[str], None] = lambda what: None) -> Assembled:
    readers = [_reader(source) for source in sources]
    signed = [page for source, reader in zip(sources, readers)
              for page in _signature_pages(source, reader)]
    step("index")
    front, placed = _front(deal, closing, sources, readers)
    step("binder")
    binder = _binder(deal, closing, front, placed, readers, signed)
    return Assembled(binder, placed, _by_party(deal, signed))


def party_names(deal: Deal) -> dict[str, str]:
    return {COMPANY: deal.company.legal_name,
            **{lender.id: lender.legal_name for lender in deal.lenders}}


def _reader(source: Source) -> PdfReader:
    try:
        reader = PdfReader(io.BytesIO(source.pdf))
        if reader.is_encrypted:
            raise PdfReadError("it is encrypted")
        if not reader.pages:
            raise PdfReadError("it has no pages")
        return reader
    except (PdfReadError, ValueError, KeyError) as error:
        raise BinderError([Finding("binder.unreadable-pdf", Severity.ERROR, None,
                                   source.entry.document, f"the PDF cannot be read: {error}",
                                   "save it again as an unencrypted PDF")]) from None


def _signature_pages(source: Source, reader: PdfReader) -> list[SignaturePage]:
    destinations = reader.named_destinations
    found = []
    for signer in source.signers:
        if signer.anchor not in destinations:
            raise BinderError([Finding(
                "binder.stale-pdf", Severity.ERROR, None, source.entry.document,
                f"the PDF has no signature block {signer.anchor!r}, which the document has",
                "run dealdocs render --force --format pdf, then the binder again")])
        page = reader.get_destination_page_number(destinations[signer.anchor])
        found.append(SignaturePage(source, reader, page, signer))
    return sorted(found, key=lambda item: item.page)


def _front(deal: Deal, closing: Closing, sources: Sequence[Source],
           readers: Sequence[PdfReader]) -> tuple[PdfReader, list[Placed]]:
    """The cover and index, whose page numbers depend on how many pages they take: laid
    out again until that number holds (once or twice)."""
    count = 2
    for _ in range(_MAX_FRONT_PASSES):
        placed, page = [], count + 1
        for source, reader in zip(sources, readers):
            placed.append(Placed(source.entry, page, len(reader.pages),
                                 hashlib.sha256(source.pdf).hexdigest()))
            page += len(reader.pages)
        front = PdfReader(io.BytesIO(pages.front_pages(
            deal, closing, [item.entry for item in placed],
            {item.entry.tab: item.first_page for item in placed})))
        if len(front.pages) == count:
            return front, placed
        count = len(front.pages)
    raise AssertionError("the index does not settle on a number of pages")


def _binder(deal: Deal, closing: Closing, front: PdfReader, placed: list[Placed],
            readers: Sequence[PdfReader], signed: list[SignaturePage]) -> bytes:
    writer = PdfWriter()
    writer.append(front, import_outline=False)
    for reader in readers:
        writer.append(reader, import_outline=False)
    front_count = len(front.pages)
    writer.set_page_label(0, front_count - 1, style="/r")
    starts = {item.entry.tab: item.first_page - 1 for item in placed}
    names = party_names(deal)
    for item in placed:
        first = starts[item.entry.tab]
        # Printed page numbers stay each document's own; the labels say tab and page.
        writer.set_page_label(first, first + item.pages - 1, style="/D",
                              prefix=f"{item.entry.tab}-", start=1)
        parent = writer.add_outline_item(title=f"{item.entry.tab}. {item.entry.title}",
                                         page_number=first)
        for page in signed:
            if page.source.entry.tab == item.entry.tab:
                writer.add_outline_item(title=f"Signature page: {names[page.signer.party]}",
                                        page_number=first + page.page, parent=parent)
    _link_index(writer, front_count, starts)
    return pdf_bytes(writer, deal, f"Closing Binder: {deal.deal.title}, {closing.name}")


def _link_index(writer: PdfWriter, front_count: int, starts: dict[int, int]) -> None:
    """The index's placeholder links (pages.LINK_BASE + tab) become links to the tabs."""
    for page in writer.pages[:front_count]:
        for annotation in page.get("/Annots", []):
            annotation = annotation.get_object()
            uri = annotation.get("/A", {}).get("/URI", "")
            if not str(uri).startswith(pages.LINK_BASE):
                continue
            target = writer.pages[starts[int(str(uri).removeprefix(pages.LINK_BASE))]]
            annotation[NameObject("/A")] = DictionaryObject({
                NameObject("/S"): NameObject("/GoTo"),
                NameObject("/D"): ArrayObject([target.indirect_reference, NameObject("/Fit")])})


def _by_party(deal: Deal, signed: list[SignaturePage]) -> dict[str, list[SignaturePage]]:
    """Each party's signature pages in binder order: the company first, then the lenders in
    the term sheet's order; a party with none is not a key."""
    order = [COMPANY, *(lender.id for lender in deal.lenders)]
    return {party: pages_ for party in order
            if (pages_ := [page for page in signed if page.signer.party == party])}


def pdf_bytes(writer: PdfWriter, deal: Deal, title: str) -> bytes:
    """Fixed metadata (dates from the term sheet, no producer version, no identifier): the
    same inputs give the same bytes."""
    date = deal.deal.date.strftime("D:%Y%m%d000000Z")
    writer.add_metadata({"/Title": title, "/Creator": "dealdocs", "/Producer": "dealdocs",
                         "/CreationDate": date, "/ModDate": date})
    writer.page_mode = "/UseOutlines"
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()
