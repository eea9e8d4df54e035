"""The binder, assembled with pypdf from the documents' PDFs and the binder's own pages
(pages.py): outline, page labels, index links, fixed metadata, so that the same inputs give
the same bytes.

Each document's named destinations (its clauses, its signature blocks) take the document's
name as a prefix as it is merged, and its links follow them: the notes name the same
clauses, and a binder with one name for all would send every note's "Section 11" to the
first note's."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from pypdf import PdfReader, PdfWriter
from pypdf.errors import PdfReadError
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, PdfObject, TextStringObject

from ..deal import Deal
from ..errors import BinderError
from ..findings import Finding, Severity
from ..model import Closing
from ..signings import COMPANY, Signer, party_names
from . import pages
from .contents import Entry, Part, single_spaced


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
    parts: tuple[tuple[Part, int], ...] = ()
    """Its parts, each with the index of its first page in the document's PDF."""


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
    index: list[pages.Row]
    """The index's rows, for index.docx."""


def assemble(deal: Deal, closing: Closing, sources: Sequence[Source],
             step: Callable[[str], None] = lambda what: None,
             executed: Mapping[str, str] | None = None) -> Assembled:
    """The binder of `sources`; with `executed` (each tab's status: how far its document
    is executed), the closing book, whose sources are the executed documents."""
    readers = [_reader(source) for source in sources]
    signed = [page for source, reader in zip(sources, readers)
              for page in _signature_pages(source, reader)]
    step("index")
    front, placed, index = _front(deal, closing, sources, readers, executed)
    step("binder")
    binder = _binder(deal, closing, front, placed, readers, signed,
                     pages.binder_title(executed))
    return Assembled(binder, placed, _by_party(deal, signed), index)


def destination(document: str, name: str) -> str:
    """The binder's name for a document's named destination: `note-third-omicron/adjustments`,
    `amendment-1/sign-lender-rockmore` (`document` as contents.Entry has it)."""
    return f"{document}/{name}"


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
            raise BinderError([_stale(source, f"signature block {signer.anchor!r}")])
        page = reader.get_destination_page_number(destinations[signer.anchor])
        found.append(SignaturePage(source, reader, page, signer))
    return sorted(found, key=lambda item: item.page)


def _part_pages(source: Source, reader: PdfReader) -> tuple[tuple[Part, int], ...]:
    """Each part of the document with its first page, from the PDF's outline, which holds
    the document's headings in order (WeasyPrint makes it)."""
    headings = [(single_spaced(item.title), reader.get_destination_page_number(item))
                for item in _flat(reader.outline)]
    found, position = [], 0
    for part in source.entry.parts:
        at = next((index for index in range(position, len(headings))
                   if headings[index][0] == part.heading), None)
        if at is None:
            raise BinderError([_stale(source, f"heading {part.heading!r}")])
        found.append((part, headings[at][1]))
        position = at + 1
    return tuple(found)


def _flat(outline: list) -> list:
    return [entry for item in outline
            for entry in (_flat(item) if isinstance(item, list) else [item])]


def _stale(source: Source, what: str) -> Finding:
    return Finding("binder.stale-pdf", Severity.ERROR, None, source.entry.document,
                   f"the PDF has no {what}, which the document has",
                   "run dealdocs render --force --format pdf, then the binder again")


def _front(deal: Deal, closing: Closing, sources: Sequence[Source],
           readers: Sequence[PdfReader], executed: Mapping[str, str] | None
           ) -> tuple[PdfReader, list[Placed], list[pages.Row]]:
    """The cover and index, then each document's place after them. The index gives pages
    by their labels (3-1), which do not depend on how many pages the index takes."""
    laid_out = [(source, reader, _part_pages(source, reader))
                for source, reader in zip(sources, readers)]
    rows = [row for source, _, parts in laid_out for row in (
        pages.Row(str(source.entry.tab), source.entry.title, source.entry.party,
                  _label(source.entry.tab, 0)),
        *(pages.Row("", part.title, source.entry.party, _label(source.entry.tab, page))
          for part, page in parts))]
    front = PdfReader(io.BytesIO(pages.front_pages(deal, closing, rows, executed)))
    placed, first = [], len(front.pages) + 1
    for source, reader, parts in laid_out:
        placed.append(Placed(source.entry, first, len(reader.pages),
                             hashlib.sha256(source.pdf).hexdigest(), parts))
        first += len(reader.pages)
    return front, placed, rows


def _label(tab: int, page: int) -> str:
    """The page label of a document's page (`page` counted from 0) in the binder."""
    return f"{tab}-{page + 1}"


def _binder(deal: Deal, closing: Closing, front: PdfReader, placed: list[Placed],
            readers: Sequence[PdfReader], signed: list[SignaturePage], title: str) -> bytes:
    writer = PdfWriter()
    writer.append(front, import_outline=False)
    destinations = list(_take_destinations(writer).items())
    for item, reader in zip(placed, readers):
        writer.append(reader, import_outline=False)
        destinations += _own_destinations(writer, item)
    # A name tree's names are sorted: a viewer looks them up by bisection.
    writer.get_named_dest_root()[:] = [entry for pair in sorted(destinations,
                                                                key=lambda pair: pair[0])
                                       for entry in pair]
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
        children = [*((page.page, f"Signature page: {names[page.signer.party]}")
                      for page in signed if page.source.entry.tab == item.entry.tab),
                    *((page, part.title) for part, page in item.parts)]
        for page, title in sorted(children, key=lambda child: child[0]):
            writer.add_outline_item(title=title, page_number=first + page, parent=parent)
    _link_index(writer, front_count, starts)
    return pdf_bytes(writer, deal, f"{title}: {deal.deal.title}, {closing.name}")


def _take_destinations(writer: PdfWriter) -> dict[str, PdfObject]:
    """The named destinations of what was merged last, taken out of the writer: the next
    document's are merged into an empty tree, where none of its names is taken already."""
    tree = writer.get_named_dest_root()
    taken = {tree[index]: tree[index + 1] for index in range(0, len(tree) - 1, 2)}
    del tree[:]
    return taken


def _own_destinations(writer: PdfWriter, item: Placed) -> list[tuple[str, PdfObject]]:
    """The document's named destinations, just merged, by the binder's names for them, and
    its links to them (a link's /Dest, a GoTo action's /D) renamed to match."""
    own = _take_destinations(writer)
    for page in writer.pages[item.first_page - 1:item.first_page - 1 + item.pages]:
        for annotation in page.get("/Annots", []):
            annotation = annotation.get_object()
            action = annotation.get("/A")
            action = action.get_object() if action is not None else None
            if "/Dest" in annotation:
                holder, key = annotation, "/Dest"
            elif isinstance(action, DictionaryObject) and action.get("/S") == "/GoTo":
                holder, key = action, "/D"
            else:
                continue
            # A name (not a page) of this document's; an action two links share is
            # renamed once.
            if isinstance(holder[key], str) and holder[key] in own:
                holder[NameObject(key)] = TextStringObject(
                    destination(item.entry.document, holder[key]))
    return [(TextStringObject(destination(item.entry.document, name)), value)
            for name, value in own.items()]


def _link_index(writer: PdfWriter, front_count: int, starts: dict[int, int]) -> None:
    """The index's placeholder links (pages.LINK_BASE + a page label, 3-26) become links
    to those pages."""
    for page in writer.pages[:front_count]:
        for annotation in page.get("/Annots", []):
            annotation = annotation.get_object()
            uri = annotation.get("/A", {}).get("/URI", "")
            if not str(uri).startswith(pages.LINK_BASE):
                continue
            tab, number = str(uri).removeprefix(pages.LINK_BASE).split("-")
            target = writer.pages[starts[int(tab)] + int(number) - 1]
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
