"""The binder's own pages: the cover and index, the packets' cover sheets and the captions
laid over signature pages. Rendered from templates/binder/ with the documents' Jinja
environment, and to PDF with the documents' PDF writer (print stylesheet, bundled fonts,
fixed metadata); the index also as a document for the Word writer."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..deal import Deal
from ..model import Closing
from ..rendering import environment
from ..writers import WRITERS, RenderedDocument
LINK_BASE = "https://dealdocs.invalid/page/"
"""The index's links point here, followed by the page's label (3-26), until assembly makes
them links to pages of the binder (.invalid never resolves: a link assembly missed cannot
reach the network)."""


@dataclass(frozen=True)
class Row:
    """A row of the binder's index: a document at its tab, or a part of the document above."""

    tab: str
    """The tab's number; "" for a part."""
    title: str
    party: str
    page: str
    """The page label it starts on in the binder: 3-1, 3-26."""


@dataclass(frozen=True)
class Packet:
    party: str
    """`company` or a lender's id."""
    name: str
    """Who signs: the company's or the lender's legal name."""
    captions: tuple[str, ...]
    """What each of its signature pages is a signature page to, in order."""

    @property
    def pages(self) -> list[dict[str, str]]:
        return [{"caption": caption} for caption in self.captions]


def front_pages(deal: Deal, closing: Closing, rows: Sequence[Row]) -> bytes:
    """The cover and the index, as PDF, each row a link to its page."""
    return _pdf(deal, closing, "binder", f"Closing Binder: {closing.name}", rows=rows,
                link_base=LINK_BASE)


def index_document(deal: Deal, closing: Closing, rows: Sequence[Row]) -> RenderedDocument:
    """The index as a document for the Word writer: the same rows, without links."""
    return _document(deal, closing, "index", f"Index: {closing.name}", rows=rows,
                     link_base=None)


def packet_covers(deal: Deal, closing: Closing, packets: Sequence[Packet]) -> bytes:
    """Every packet's cover sheet in one PDF; each starts at its named destination
    `packet-<party>`."""
    return _pdf(deal, closing, "packets", f"Signature Packets: {closing.name}",
                packets=packets, return_to=return_to(deal, closing))


def caption_pages(deal: Deal, closing: Closing, captions: Sequence[str]) -> bytes:
    """One page per caption, blank but for the caption at its head."""
    return _pdf(deal, closing, "captions", "Signature Page Captions", captions=captions)


def return_to(deal: Deal, closing: Closing) -> str:
    if closing.signatures_to:
        return closing.signatures_to
    attention = (f", Attention: {deal.company.notice_attention}"
                 if deal.company.notice_attention else "")
    return f"to {deal.company.legal_name}, {deal.company.notice_address}{attention}"


def _pdf(deal: Deal, closing: Closing, name: str, title: str, **context: Any) -> bytes:
    return WRITERS["pdf"].render(_document(deal, closing, name, title, **context))


def _document(deal: Deal, closing: Closing, name: str, title: str,
              **context: Any) -> RenderedDocument:
    html = environment(deal.forms).get_template(f"binder/{name}.html.j2").render(
        **deal.context(), closing=closing, document_title=title, **context)
    return RenderedDocument(f"{closing.id}-{name}", title, html, deal.deal.date,
                            f"{deal.deal.id}/{closing.id}/{name}", f"binder-{name}", deal.forms)
