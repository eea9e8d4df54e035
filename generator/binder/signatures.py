"""The signature packets of a signing (generator/signings.py): for each party that signs
at it, a cover sheet (pages.py) and then exactly the pages the party signs there, each as
its document prints it, whose furniture says what it is a signature page to. A generated
document's page is the one its signature block's named destination is on; an outside
document's is the page the term sheet gives, or its last."""

from __future__ import annotations

import io
from collections.abc import Mapping

from pypdf import PdfReader, PdfWriter

from ..deal import Deal
from ..errors import BinderError
from ..findings import Finding, Severity
from ..signings import COMPANY, Signing, SignaturePage, party_names
from . import pages
from .assemble import pdf_bytes
from .manifest import packet_file


def packets(deal: Deal, signing: Signing, pdfs: Mapping[str, bytes]) -> dict[str, bytes]:
    """Each packet by its file name (`signature-packet-<party>.pdf`); `pdfs`: the PDF of
    each document signed at the signing, by its name (an outside document's: by its path as
    the term sheet writes it). BinderError when a page cannot be found."""
    if not signing.pages:
        return {}
    names = party_names(deal)
    packed = [pages.Packet(party, names[party], signed, _returns_to(deal, signing, party))
              for party, signed in signing.pages.items()]
    covers = PdfReader(io.BytesIO(pages.packet_covers(deal, signing, packed)))
    starts = {name.removeprefix("packet-"): covers.get_destination_page_number(destination)
              for name, destination in covers.named_destinations.items()
              if name.startswith("packet-")}
    ordered = sorted(starts.items(), key=lambda item: item[1])
    ends = [start for _, start in ordered[1:]] + [len(covers.pages)]
    ranges = {party: range(start, end) for (party, start), end in zip(ordered, ends)}
    readers = {document: PdfReader(io.BytesIO(pdfs[document])) for document in signing.documents}
    result = {}
    for packet in packed:
        writer = PdfWriter()
        for index in ranges[packet.party]:
            writer.add_page(covers.pages[index])
        for page in packet.pages:
            writer.add_page(readers[page.document].pages[_page_index(readers[page.document],
                                                                     page)])
            writer.add_outline_item(title=page.title, page_number=len(writer.pages) - 1)
        where = signing.closing.name if signing.closing else deal.deal.title
        result[packet_file(packet.party)] = pdf_bytes(
            writer, deal, f"Signature Packet: {packet.name}, {where}")
    return result


def _returns_to(deal: Deal, signing: Signing, party: str) -> pages.ReturnsTo:
    """A closing's own `signatures_to` first, then the deal's `signatures_return_to`; else
    a lender returns its pages to the company, and the company (never to itself) to counsel."""
    if signing.closing is not None and signing.closing.signatures_to:
        return "closing"
    if deal.signatures_return_to is not None:
        return "counsel"
    return "unnamed" if party == COMPANY else "company"


def _page_index(reader: PdfReader, page: SignaturePage) -> int:
    if page.anchor is None:
        number = page.page or len(reader.pages)
        if number > len(reader.pages):
            raise BinderError([Finding(
                "binder.signature-page", Severity.ERROR, None, page.document,
                f"its signature_page is {number}, but it has {len(reader.pages)} pages",
                f"give a page from 1 to {len(reader.pages)}")])
        return number - 1
    destinations = reader.named_destinations
    if page.anchor not in destinations:
        raise BinderError([Finding(
            "binder.stale-pdf", Severity.ERROR, None, page.document,
            f"the PDF has no signature block {page.anchor!r}, which the document has",
            "run dealdocs render --force --format pdf, then the binder again")])
    return reader.get_destination_page_number(destinations[page.anchor])
